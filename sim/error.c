#include "sim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool hf_fail(struct hf_error *err, enum hf_exit code, const char *fmt, ...)
{
    if (err == NULL)
        return false;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

void hf_error_prefix(struct hf_error *err, const char *prefix)
{
    char old[sizeof err->message];
    memcpy(old, err->message, sizeof old);
    /* Truncation is acceptable here: the location comes first and matters most. */
    int used = snprintf(err->message, sizeof err->message, "%s: ", prefix);
    if (used < 0 || (size_t)used >= sizeof err->message)
        return;
    size_t room = sizeof err->message - (size_t)used - 1;
    size_t len = strnlen(old, room);
    memcpy(err->message + used, old, len);
    err->message[(size_t)used + len] = '\0';
}
