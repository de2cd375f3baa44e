/* A body handed to acg_json_decode_pull a few bytes at a time (tests and fuzz targets hold
 * the decode in pieces to the whole-body decode). */
#ifndef TEST_JSON_PIECES_H
#define TEST_JSON_PIECES_H

#include <stddef.h>
#include <string.h>

struct json_pieces {
    const char *data;
    size_t len, at, piece;   /* piece: the most bytes one read gives */
};

/* An acg_json_pull_fn over a struct json_pieces. */
static inline size_t json_pieces_pull(void *ctx, char *buf, size_t cap, int *failed)
{
    struct json_pieces *p = ctx;
    size_t n = p->len - p->at < p->piece ? p->len - p->at : p->piece;
    (void)failed;
    if (n > cap)
        n = cap;
    memcpy(buf, p->data + p->at, n);
    p->at += n;
    return n;
}

#endif
