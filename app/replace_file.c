#include "app/replace_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

FILE *hf_replace_file_open(struct hf_replace_file *r, const char *dir, const char *name, struct hf_error *err)
{
    snprintf(r->path, sizeof r->path, "%s/%s", dir, name);
    snprintf(r->tmp, sizeof r->tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    r->f = fopen(r->tmp, "w");
    if (!r->f)
        hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", r->tmp, strerror(errno));
    return r->f;
}

bool hf_replace_file_commit(struct hf_replace_file *r, bool ok, struct hf_error *err)
{
    bool written = !ferror(r->f);
    written = fclose(r->f) == 0 && written;
    r->f = NULL;
    if (ok && !written)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed", r->path);
    if (ok && rename(r->tmp, r->path) != 0)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", r->path, strerror(errno));
    if (!ok)
        remove(r->tmp);
    return ok;
}
