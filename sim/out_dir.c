#define _XOPEN_SOURCE 700 /* realpath, nftw in results.c */
#include "sim/out_dir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/results.h"

static bool path_join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

bool hf_out_dir_is_marked(const char *dir)
{
    char marker[PATH_MAX + 16];
    struct stat st;
    return path_join(marker, sizeof marker, dir, HF_OUT_MARKER) && lstat(marker, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* True when `real` is `base` or an ancestor of it (both canonical). */
static bool is_same_or_ancestor(const char *real, const char *base)
{
    size_t n = strlen(real);
    if (strcmp(real, "/") == 0)
        return true;
    return strncmp(real, base, n) == 0 && (base[n] == '\0' || base[n] == '/');
}

static bool is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

bool hf_out_dir_check(const char *path, const char *flag, struct hf_error *err)
{
    if (!path || !*path)
        return hf_fail(err, HF_EXIT_USAGE, "%s: an empty directory name", flag);
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return true; /* made by hfsim from scratch */
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: %s", flag, path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return hf_fail(err, HF_EXIT_USAGE,
                       "%s %s: is a symbolic link; hfsim writes only to a real directory it made (name "
                       "the target, or another path)", flag, path);
    if (!S_ISDIR(st.st_mode))
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: exists and is not a directory; hfsim will not replace it",
                       flag, path);
    char real[PATH_MAX], cwd[PATH_MAX], home[PATH_MAX];
    if (!realpath(path, real))
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: %s", flag, path, strerror(errno));
    if (strcmp(real, "/") == 0)
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: refusing to write over the root directory", flag, path);
    const char *home_env = getenv("HOME");
    if (home_env && *home_env && realpath(home_env, home) && strcmp(real, home) == 0)
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: refusing to write over your home directory; name a "
                                           "new directory inside it", flag, path);
    if (getcwd(cwd, sizeof cwd) && is_same_or_ancestor(real, cwd))
        return hf_fail(err, HF_EXIT_USAGE,
                       "%s %s: is the working directory or one of its parents; hfsim replaces its output "
                       "directory whole, so name a new directory (e.g. results/mine)", flag, path);
    if (hf_out_dir_is_marked(path) || is_empty_dir(path))
        return true;
    return hf_fail(err, HF_EXIT_USAGE,
                   "%s %s: a directory hfsim did not make (it is not empty and has no %s marker); "
                   "hfsim replaces only its own results: name a new directory, or remove this one yourself",
                   flag, path, HF_OUT_MARKER);
}

/* The kind the marker names ("hfsim <kind> directory: ..."), or "" when it names none. */
static void marker_kind(const char *dir, char *kind, size_t size)
{
    kind[0] = '\0';
    char marker[PATH_MAX + 16], line[256];
    if (!path_join(marker, sizeof marker, dir, HF_OUT_MARKER))
        return;
    FILE *f = fopen(marker, "r");
    if (!f)
        return;
    const char *start = fgets(line, sizeof line, f) && strncmp(line, "hfsim ", 6) == 0 ? line + 6 : NULL;
    const char *end = start ? strstr(start, " directory:") : NULL;
    if (end && (size_t)(end - start) < size) {
        memcpy(kind, start, (size_t)(end - start));
        kind[end - start] = '\0';
    }
    fclose(f);
}

void hf_out_dir_kind(const char *dir, char *kind, size_t size)
{
    marker_kind(dir, kind, size);
}

bool hf_out_dir_check_kind(const char *path, const char *flag, const char *kind, struct hf_error *err)
{
    if (!hf_out_dir_check(path, flag, err))
        return false;
    char found[64];
    if (!hf_out_dir_is_marked(path))
        return true;
    marker_kind(path, found, sizeof found);
    bool legacy = strcmp(found, HF_OUT_KIND_RESULTS) == 0 &&
                  (strcmp(kind, HF_OUT_KIND_COMPARISON) == 0 || strcmp(kind, HF_OUT_KIND_VALIDATION) == 0);
    if (!found[0] || strcmp(found, kind) == 0 || legacy)
        return true;
    return hf_fail(err, HF_EXIT_USAGE,
                   "%s %s: is an hfsim %s directory (its %s marker says so), which this command would replace "
                   "with a %s directory: name another directory, or remove this one first", flag, path, found,
                   HF_OUT_MARKER, kind);
}

bool hf_out_dir_check_outside(const char *path, const char *flag, struct hf_error *err)
{
    /* The nearest existing ancestor, canonical; then every directory above it up to the root. */
    char dir[PATH_MAX], real[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            snprintf(dir, sizeof dir, ".");
            break;
        }
        if (slash == dir) {
            dir[1] = '\0';
            break;
        }
        *slash = '\0';
        struct stat st;
        if (stat(dir, &st) == 0)
            break;
    }
    if (!realpath(dir, real))
        return true; /* nothing above exists to be part of */
    for (;;) {
        if (hf_out_dir_is_marked(real)) {
            char kind[64];
            marker_kind(real, kind, sizeof kind);
            return hf_fail(err, HF_EXIT_USAGE,
                           "%s %s: is inside %s, an hfsim %s directory: writing there would change its results "
                           "(a sweep would take a hand-made run for its own); name a directory outside it",
                           flag, path, real, kind[0] ? kind : "output");
        }
        char *slash = strrchr(real, '/');
        if (!slash || slash == real)
            return true;
        *slash = '\0';
    }
}

bool hf_out_dir_mark(const char *dir, const char *kind, struct hf_error *err)
{
    char marker[PATH_MAX + 16];
    if (!path_join(marker, sizeof marker, dir, HF_OUT_MARKER))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: path too long", dir);
    FILE *f = fopen(marker, "w");
    if (!f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot write: %s", marker, strerror(errno));
    /* For people, and for hf_out_dir_check_kind, which reads the kind back. */
    fprintf(f, "hfsim %s directory: hfsim may replace it whole on a later run with the same output path\n",
            kind);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed: %s", marker, strerror(errno));
}

/* Parses "<pid>" or "<pid>.old-<pid>" after the ".tmp-" of a half-written sibling. */
static bool parse_owner(const char *text, long *pid)
{
    char *end;
    errno = 0;
    *pid = strtol(text, &end, 10);
    if (errno || end == text || *pid <= 0)
        return false;
    return *end == '\0' || strncmp(end, ".old-", 5) == 0;
}

int hf_out_dir_sweep_stale(const char *parent, const char *base)
{
    char prefix[NAME_MAX + 16];
    int n = snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
    if (n < 0 || (size_t)n >= sizeof prefix)
        return 0;
    DIR *d = opendir(parent);
    if (!d)
        return 0;
    int removed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        long pid;
        if (strncmp(e->d_name, prefix, (size_t)n) != 0 || !parse_owner(e->d_name + n, &pid))
            continue;
        /* A live process (ours included) owns it; EPERM means alive under another user. */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[PATH_MAX];
        if (path_join(path, sizeof path, parent, e->d_name) && hf_out_dir_is_marked(path) &&
            hf_remove_tree(path))
            removed++;
    }
    closedir(d);
    return removed;
}

bool hf_out_file_check(const char *path, const char *flag, const char *signature, struct hf_error *err)
{
    struct stat st;
    if (!*path)
        return hf_fail(err, HF_EXIT_USAGE, "%s: an empty path", flag);
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return hf_fail(err, HF_EXIT_USAGE, "%s %s: %s", flag, path, strerror(errno));
        /* absent: it will be made in its directory, which must be there and writable (checked now,
         * not after the work that produces the file) */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        if (access(dir, W_OK | X_OK) != 0)
            return hf_fail(err, HF_EXIT_USAGE, "%s %s: cannot write in %s: %s", flag, path, dir, strerror(errno));
        return true;
    }
    if (!S_ISREG(st.st_mode))
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: exists and is not a regular file; hfsim will not replace it",
                       flag, path);
    FILE *f = fopen(path, "r");
    if (!f)
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: %s", flag, path, strerror(errno));
    char buf[16384];
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    if (strstr(buf, signature))
        return true;
    return hf_fail(err, HF_EXIT_USAGE, "%s %s: an existing file hfsim did not write; name a new file, or "
                                       "remove this one yourself", flag, path);
}
