/* Collects diagnostics as text lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void diag_init(struct diag *d)
{
    memset(d, 0, sizeof *d);
}

void diag_free(struct diag *d)
{
    free(d->text);
    memset(d, 0, sizeof *d);
}

GEN_PRINTF(5, 0)
static void add(struct diag *d, const char *kind, const char *file, struct gen_mark at,
                const char *fmt, va_list ap)
{
    char head[512];
    char body[1024];
    if (at.line > 0)
        snprintf(head, sizeof head, "%s:%d:%d: %s: ", file, at.line, at.column, kind);
    else
        snprintf(head, sizeof head, "%s: %s: ", file, kind);
    vsnprintf(body, sizeof body, fmt, ap);
    size_t need = strlen(head) + strlen(body) + 2;
    if (d->len + need + 1 > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024;
        while (cap < d->len + need + 1)
            cap *= 2;
        char *p = realloc(d->text, cap);
        if (p == NULL)
            return; /* the count below still records the problem */
        d->text = p;
        d->cap = cap;
    }
    d->len += (size_t)snprintf(d->text + d->len, d->cap - d->len, "%s%s\n", head, body);
}

void diag_error(struct diag *d, const char *file, struct gen_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, "error", file, at, fmt, ap);
    va_end(ap);
    d->errors++;
}

void diag_verror(struct diag *d, const char *file, struct gen_mark at, const char *fmt, va_list ap)
{
    add(d, "error", file, at, fmt, ap);
    d->errors++;
}

void diag_warning(struct diag *d, const char *file, struct gen_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, "warning", file, at, fmt, ap);
    va_end(ap);
    d->warnings++;
}
