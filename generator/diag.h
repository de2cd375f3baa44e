/* Diagnostics: every stage reports problems here and keeps going; only main prints them. */
#ifndef GEN_DIAG_H
#define GEN_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define GEN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define GEN_PRINTF(fmt, args)
#endif

/* A position in a source file, 1-based; line 0 means "the file as a whole". */
struct gen_mark {
    int line;
    int column;
};

struct diag {
    char *text;      /* every message, one per line, in the order reported */
    size_t len;
    size_t cap;
    int errors;
    int warnings;
};

void diag_init(struct diag *d);
void diag_free(struct diag *d);
/* "file:line:column: error: message" */
void diag_error(struct diag *d, const char *file, struct gen_mark at, const char *fmt, ...)
    GEN_PRINTF(4, 5);
/* The same with a va_list, for stages that wrap diag_error. */
void diag_verror(struct diag *d, const char *file, struct gen_mark at, const char *fmt, va_list ap)
    GEN_PRINTF(4, 0);
void diag_warning(struct diag *d, const char *file, struct gen_mark at, const char *fmt, ...)
    GEN_PRINTF(4, 5);

#endif
