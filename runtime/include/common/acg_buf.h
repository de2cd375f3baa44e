/* A growable byte buffer with a hard cap, always NUL-terminated after its contents. */
#ifndef ACG_BUF_H
#define ACG_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_buf {
    char *data;     /* NULL until the first append; data[len] is '\0' afterwards */
    size_t len;
    size_t cap;     /* bytes allocated */
    size_t max;     /* appends that would grow len past max fail with ACG_ERR_TOO_LARGE */
    bool secure;    /* holds secrets: growth zeroes the old block, free zeroes the last */
};

/* Cannot fail; allocates nothing. max 0 means no cap other than SIZE_MAX / 2. */
void acg_buf_init(struct acg_buf *b, size_t max);
/* The same for a buffer that will hold secrets (keys, tokens, credentials documents): when
 * it grows, the old block is zeroed before it is released (realloc would leave a copy in
 * freed memory), and acg_buf_free zeroes it as acg_buf_free_secure does. */
void acg_buf_init_secure(struct acg_buf *b, size_t max);
void acg_buf_free(struct acg_buf *b);
/* Zeroes the bytes before releasing them: for keys, tokens and signatures. */
void acg_buf_free_secure(struct acg_buf *b);
/* Empties the buffer and keeps its allocation. */
void acg_buf_reset(struct acg_buf *b);

ACG_NODISCARD int acg_buf_reserve(struct acg_buf *b, size_t extra);
ACG_NODISCARD int acg_buf_append(struct acg_buf *b, const void *data, size_t len);
ACG_NODISCARD int acg_buf_append_str(struct acg_buf *b, const char *s);
ACG_NODISCARD int acg_buf_append_char(struct acg_buf *b, char c);
ACG_NODISCARD int acg_buf_printf(struct acg_buf *b, const char *fmt, ...) ACG_PRINTF(2, 3);

/* Hands the contents to the caller (who frees them) and leaves b empty. */
char *acg_buf_take(struct acg_buf *b, size_t *len);

/* Copies the string src into the array dst of size bytes (size > 0), truncating as
 * snprintf(dst, size, "%s", src) would, without printf's cost. Returns the length copied. */
size_t acg_copy_str(char *dst, size_t size, const char *src);

/* Where a body goes as it arrives: write returns 0, or non-zero to stop the transfer. */
struct acg_body_sink {
    int (*write)(void *ctx, const void *data, size_t len);
    void *ctx;
};

/* Zeroes n bytes in a way the optimiser keeps, for keys and other secrets. p may be NULL
 * when n is 0. */
void acg_secure_zero(void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
