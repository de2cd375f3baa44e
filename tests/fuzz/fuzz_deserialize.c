/* Fuzz target: the runtime's generic JSON decoder on every top-level shape of the generated
 * Personalize tables (operation inputs and outputs, modelled errors; the first byte picks
 * one), then the validator and the encoder, in both styles, on whatever decoded. The same
 * body decoded in pieces (acg_json_decode_pull, 1 to 8 bytes at a time) must end with the
 * same status and, decoded, encode to the same bytes: a difference aborts. Reads of 64 to
 * 1024 bytes (bit 4 of the first byte) bring in the boundary scan's 64-byte blocks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "../json_pieces.h"
#include "personalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SHAPES 1024

static const struct acg_shape *shapes[MAX_SHAPES];
static size_t shape_count;

static void add_shape(const struct acg_shape *s)
{
    if (s == NULL || shape_count == MAX_SHAPES)
        return;
    for (size_t i = 0; i < shape_count; i++) {
        if (shapes[i] == s)
            return;
    }
    shapes[shape_count++] = s;
}

static int by_name(const void *a, const void *b)
{
    const struct acg_shape *x = *(const struct acg_shape *const *)a;
    const struct acg_shape *y = *(const struct acg_shape *const *)b;
    return strcmp(x->name, y->name);
}

/* The top-level shapes sorted by name: the order tests/fuzz/seed_deserialize.py numbers its
 * seeds in. */
static void collect(const struct acg_service *svc)
{
    for (size_t i = 0; i < svc->operation_count; i++) {
        add_shape(svc->operations[i]->input);
        add_shape(svc->operations[i]->output);
    }
    for (size_t i = 0; i < svc->error_count; i++)
        add_shape(svc->errors[i]);
    qsort(shapes, shape_count, sizeof shapes[0], by_name);
}

static void encode_into(const struct acg_shape *s, const void *v, enum acg_json_style style,
                        struct acg_buf *b)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, b, style);
    (void)acg_json_encode(&w, s, v, NULL);
}

static void encode(const struct acg_shape *s, const void *v, enum acg_json_style style)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    encode_into(s, v, style, &b);
    acg_buf_free(&b);
}

/* The body decoded in pieces ends as the whole decode did (status rc, value v). */
static void check_pieces(const struct acg_shape *s, const uint8_t *data, size_t size, int rc,
                         const void *v)
{
    /* 1 to 8 bytes a read, or (bit 4) 64 to 1024, which the boundary scan takes in 64-byte
     * blocks */
    size_t piece = data[0] & 0x10 ? 64 * (1 + (size_t)(data[0] & 0x0f)) : 1 + (size_t)(data[0] >> 5);
    struct json_pieces src = { (const char *)data + 1, size - 1, 0, piece };
    struct acg_arena *arena = acg_arena_new();
    void *p = calloc(1, s->size);
    if (arena == NULL || p == NULL) {
        acg_arena_destroy(arena);
        free(p);
        return;
    }
    int prc = acg_json_decode_pull(json_pieces_pull, &src, s, p, arena, NULL);
    if (prc != rc && prc != ACG_ERR_NOMEM && rc != ACG_ERR_NOMEM)
        abort();
    if (prc == ACG_OK && rc == ACG_OK) {
        struct acg_buf a, b;
        acg_buf_init(&a, 0);
        acg_buf_init(&b, 0);
        encode_into(s, v, ACG_JSON_WIRE, &a);
        encode_into(s, p, ACG_JSON_WIRE, &b);
        if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
            abort();
        acg_buf_free(&a);
        acg_buf_free(&b);
    }
    acg_arena_destroy(arena);
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (shape_count == 0)
        collect(&personalize_service);
    if (size == 0 || shape_count == 0)
        return 0;
    const struct acg_shape *s = shapes[data[0] % shape_count];
    struct acg_arena *arena = acg_arena_new();
    void *v = calloc(1, s->size);
    int rc = arena != NULL && v != NULL
                 ? acg_json_decode_body((const char *)data + 1, size - 1, s, v, arena, NULL)
                 : ACG_ERR_NOMEM;
    if (rc != ACG_ERR_NOMEM)
        check_pieces(s, data, size, rc, v);
    if (rc == ACG_OK) {
        struct acg_validator val;
        acg_validator_init(&val);
        acg_validate_shape(&val, s, v);
        encode(s, v, ACG_JSON_WIRE);
        encode(s, v, ACG_JSON_REDACTED);
    }
    acg_arena_destroy(arena);
    free(v);
    return 0;
}
