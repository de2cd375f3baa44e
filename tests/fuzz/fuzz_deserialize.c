/* Fuzz target: the runtime's generic JSON decoder on every top-level shape of the generated
 * Personalize tables (operation inputs and outputs, modelled errors; the first byte picks
 * one), then the validator and the encoder, in both styles, on whatever decoded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
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

static void encode(const struct acg_shape *s, const void *v, enum acg_json_style style)
{
    struct acg_buf b;
    struct acg_json_writer w;
    acg_buf_init(&b, 0);
    acg_json_writer_init(&w, &b, style);
    (void)acg_json_encode(&w, s, v, NULL);
    acg_buf_free(&b);
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
    if (arena != NULL && v != NULL &&
        acg_json_decode_body((const char *)data + 1, size - 1, s, v, arena, NULL) == ACG_OK) {
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
