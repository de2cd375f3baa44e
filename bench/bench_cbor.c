/* CBOR decoding speed, to choose the codec (issue 14, item 3): a JSON response body of the
 * checked-in Personalize model is read into its struct and written as CBOR; then, each for
 * SECS seconds, taking turns ROUNDS times:
 *   cbor.hand     acg_cbor_decode_body: the whole body into the typed structs
 *   cbor.scan     acg_cbor_decode_body into a structure without members: the hand reader
 *                 checking and skipping every item, building nothing
 *   cbor.libcbor  libcbor's streaming decoder (cbor_stream_decode) with callbacks that only
 *                 count items: what any libcbor-based decoder pays before building anything
 *   cbor.tree     libcbor's cbor_load (a tree of items) and cbor_decref
 *   json.hand     acg_json_decode_body of the same value as JSON, for reference
 * Prints "KEY.mbps MEDIAN" lines (MB of the body decoded per second) and the body sizes.
 *
 *   bench_cbor FILE.json OPERATION [SECS] [ROUNDS] */
#include <cbor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cbor/acg_cbor.h"
#include "json/acg_json.h"
#include "personalize.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct body {
    const char *data;
    size_t len;
    const struct acg_shape *shape;
};

static int hand_cbor(const struct body *b)
{
    struct acg_arena *arena = acg_arena_new();
    void *v = acg_arena_calloc(arena, 1, b->shape->size);
    int rc = acg_cbor_decode_body(b->data, b->len, b->shape, v, arena, NULL);
    acg_arena_destroy(arena);
    return rc;
}

static int hand_json(const struct body *b)
{
    struct acg_arena *arena = acg_arena_new();
    void *v = acg_arena_calloc(arena, 1, b->shape->size);
    int rc = acg_json_decode_body(b->data, b->len, b->shape, v, arena, NULL);
    acg_arena_destroy(arena);
    return rc;
}

/* Every member of a body is unknown to it, so the decoder checks and skips them all. */
static const struct acg_shape empty_shape = {
    .name = "Empty", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(void *),
};

static int hand_scan(const struct body *b)
{
    struct body e = { b->data, b->len, &empty_shape };
    return hand_cbor(&e);
}

static size_t items;
static void count_item(void *ctx) { (void)ctx; items++; }
static void count_u64(void *ctx, uint64_t v) { (void)ctx; (void)v; items++; }
static void count_u32(void *ctx, uint32_t v) { (void)ctx; (void)v; items++; }
static void count_u16(void *ctx, uint16_t v) { (void)ctx; (void)v; items++; }
static void count_u8(void *ctx, uint8_t v) { (void)ctx; (void)v; items++; }
static void count_str(void *ctx, cbor_data d, uint64_t n) { (void)ctx; (void)d; (void)n; items++; }
static void count_float(void *ctx, float v) { (void)ctx; (void)v; items++; }
static void count_double(void *ctx, double v) { (void)ctx; (void)v; items++; }
static void count_bool(void *ctx, bool v) { (void)ctx; (void)v; items++; }

static int lib_stream(const struct body *b)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;
    cb.uint8 = count_u8, cb.uint16 = count_u16, cb.uint32 = count_u32, cb.uint64 = count_u64;
    cb.negint8 = count_u8, cb.negint16 = count_u16, cb.negint32 = count_u32;
    cb.negint64 = count_u64;
    cb.string = count_str, cb.byte_string = count_str, cb.string_start = count_item;
    cb.byte_string_start = count_item;
    cb.array_start = count_u64, cb.indef_array_start = count_item;
    cb.map_start = count_u64, cb.indef_map_start = count_item;
    cb.tag = count_u64, cb.float2 = count_float, cb.float4 = count_float;
    cb.float8 = count_double, cb.undefined = count_item, cb.null = count_item;
    cb.boolean = count_bool, cb.indef_break = count_item;
    size_t off = 0;
    while (off < b->len) {
        struct cbor_decoder_result r = cbor_stream_decode((cbor_data)b->data + off, b->len - off,
                                                          &cb, NULL);
        if (r.status != CBOR_DECODER_FINISHED)
            return 1;
        off += r.read;
    }
    return 0;
}

static int lib_tree(const struct body *b)
{
    struct cbor_load_result res;
    cbor_item_t *item = cbor_load((cbor_data)b->data, b->len, &res);
    if (item == NULL)
        return 1;
    cbor_decref(&item);
    return 0;
}

/* MB/s of fn over b for secs seconds. */
static double measure(int (*fn)(const struct body *), const struct body *b, double secs)
{
    double start = now(), end;
    long n = 0;
    do {
        if (fn(b) != 0) {
            fprintf(stderr, "decode failed\n");
            exit(1);
        }
        n++;
        end = now();
    } while (end - start < secs);
    return (double)b->len * (double)n / (end - start) / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return fprintf(stderr, "usage: bench_cbor FILE.json OPERATION [SECS] [ROUNDS]\n"), 2;
    double secs = argc > 3 ? atof(argv[3]) : 0.3;
    int rounds = argc > 4 ? atoi(argv[4]) : 7;
    FILE *f = fopen(argv[1], "rb");
    static char json[64 << 20];
    size_t jlen = f ? fread(json, 1, sizeof json, f) : 0;
    const struct acg_operation *op = acg_service_find_operation(&personalize_service, argv[2]);
    if (f == NULL || op == NULL || op->output == NULL)
        return fprintf(stderr, "bench_cbor: no body or operation\n"), 2;
    fclose(f);
    struct acg_arena *arena = acg_arena_new();
    void *v = acg_arena_calloc(arena, 1, op->output->size);
    struct acg_buf cbor;
    acg_buf_init(&cbor, 0);
    if (acg_json_decode_body(json, jlen, op->output, v, arena, NULL) != ACG_OK ||
        acg_cbor_encode(&cbor, op->output, v, NULL, NULL) != ACG_OK)
        return fprintf(stderr, "bench_cbor: cannot convert the body\n"), 1;
    struct body cb = { cbor.data, cbor.len, op->output }, jb = { json, jlen, op->output };
    struct { const char *key; int (*fn)(const struct body *); const struct body *b; } runs[] = {
        { "cbor.hand", hand_cbor, &cb }, { "cbor.scan", hand_scan, &cb },
        { "cbor.libcbor", lib_stream, &cb },
        { "cbor.tree", lib_tree, &cb }, { "json.hand", hand_json, &jb },
    };
    enum { N = sizeof runs / sizeof runs[0] };
    double *mbps = calloc((size_t)rounds * N, sizeof *mbps);
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < N; i++)
            mbps[i * rounds + r] = measure(runs[i].fn, runs[i].b, secs);
    printf("bytes.cbor %zu\nbytes.json %zu\n", cbor.len, jlen);
    for (int i = 0; i < N; i++) {
        qsort(mbps + i * rounds, (size_t)rounds, sizeof *mbps, by_value);
        printf("%s.mbps %.1f (min %.1f, max %.1f)\n", runs[i].key, mbps[i * rounds + rounds / 2],
               mbps[i * rounds], mbps[i * rounds + rounds - 1]);
    }
    free(mbps);
    acg_buf_free(&cbor);
    acg_arena_destroy(arena);
    return 0;
}
