/* Growable, capped byte buffer. Growth doubles, so appends are amortised O(1). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/acg_buf.h"

void acg_buf_init(struct acg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX / 2;
    b->secure = false;
}

void acg_buf_init_secure(struct acg_buf *b, size_t max)
{
    acg_buf_init(b, max);
    b->secure = true;
}

void acg_buf_free(struct acg_buf *b)
{
    if (b == NULL)
        return;
    if (b->secure)
        acg_secure_zero(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void acg_buf_free_secure(struct acg_buf *b)
{
    if (b == NULL)
        return;
    /* the whole allocation: bytes past len may be left from before a reset */
    acg_secure_zero(b->data, b->cap);
    acg_buf_free(b);
}

void acg_buf_reset(struct acg_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

int acg_buf_reserve(struct acg_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return ACG_ERR_TOO_LARGE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return ACG_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p;
    if (b->secure) {
        /* never realloc: it may move the bytes and leave the old copy in freed memory */
        p = malloc(cap);
        if (p == NULL)
            return ACG_ERR_NOMEM;
        if (b->data != NULL) {
            memcpy(p, b->data, b->len + 1);
            acg_secure_zero(b->data, b->cap);
            free(b->data);
        }
    } else {
        p = realloc(b->data, cap);
        if (p == NULL)
            return ACG_ERR_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return ACG_OK;
}

int acg_buf_append(struct acg_buf *b, const void *data, size_t len)
{
    ACG_TRY(acg_buf_reserve(b, len));
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return ACG_OK;
}

int acg_buf_append_str(struct acg_buf *b, const char *s)
{
    return acg_buf_append(b, s, strlen(s));
}

int acg_buf_append_char(struct acg_buf *b, char c)
{
    return acg_buf_append(b, &c, 1);
}

int acg_buf_printf(struct acg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ACG_ERR_INVALID_ARG;
    ACG_TRY(acg_buf_reserve(b, (size_t)n));
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ACG_OK;
}

char *acg_buf_take(struct acg_buf *b, size_t *len)
{
    char *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

size_t acg_copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

void acg_secure_zero(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}
