/* acg_json_decode_pull (a body decoded as it arrives, in pieces) against
 * acg_json_decode_body (the whole body): for every body below and every piece size, the
 * same status, the same err->where, and on success the same value (both re-encoded byte for
 * byte); and a List's items are dropped from the window as they are decoded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json/acg_json.h"
#include "personalize.h"

struct pieces {
    const char *body;
    size_t len, at, piece;
    size_t most;   /* the largest read asked for (cap), to see the window stay small */
    int fail_at;   /* fail the read once at reaches this (-1: never) */
};

static size_t pull(void *ctx, char *buf, size_t cap, int *failed)
{
    struct pieces *p = ctx;
    if (p->fail_at >= 0 && p->at >= (size_t)p->fail_at) {
        *failed = 1;
        return 0;
    }
    size_t n = p->len - p->at;
    if (n > p->piece)
        n = p->piece;
    if (n > cap)
        n = cap;
    memcpy(buf, p->body + p->at, n);
    p->at += n;
    if (cap > p->most)
        p->most = cap;
    return n;
}

static const struct acg_shape *output_of(const char *op)
{
    return acg_service_find_operation(&personalize_service, op)->output;
}

/* Decodes body as op's output, whole (piece 0) or in pieces; the wire encoding of the value
 * into enc on success. Returns the status; err keeps the error. */
static int decode(const char *op, const char *body, size_t piece, struct acg_buf *enc,
                  struct acg_error *err, struct pieces *src)
{
    const struct acg_shape *s = output_of(op);
    struct acg_arena *arena = acg_arena_new();
    unsigned char out[512];
    memset(out, 0, sizeof out);
    if (arena == NULL || s->size > sizeof out)
        return ACG_ERR_NOMEM;
    *src = (struct pieces){ .body = body, .len = strlen(body), .piece = piece, .fail_at = -1 };
    int rc = piece == 0 ? acg_json_decode_body(body, src->len, s, out, arena, err)
                        : acg_json_decode_pull(pull, src, s, out, arena, err);
    if (rc == ACG_OK) {
        struct acg_json_writer w;
        acg_json_writer_init(&w, enc, ACG_JSON_WIRE);
        w.err = err;
        rc = acg_json_encode(&w, s, out, NULL);
    }
    acg_arena_destroy(arena);
    return rc;
}

static const size_t piece_sizes[] = { 1, 2, 3, 5, 7, 13, 64, 1000, 100000 };

/* Every piece size agrees with the whole-body decode. */
static int same_as_whole(const char *op, const char *body)
{
    struct acg_buf whole, part;
    struct acg_error we, pe;
    struct pieces src;
    acg_buf_init(&whole, 0);
    acg_error_init(&we);
    int want = decode(op, body, 0, &whole, &we, &src);
    for (size_t i = 0; i < sizeof piece_sizes / sizeof piece_sizes[0]; i++) {
        acg_buf_init(&part, 0);
        acg_error_init(&pe);
        int got = decode(op, body, piece_sizes[i], &part, &pe, &src);
        if (got != want || strcmp(pe.where, we.where) != 0 ||
            (want == ACG_OK && (part.len != whole.len ||
                                memcmp(part.data, whole.data, whole.len) != 0))) {
            fprintf(stderr, "piece %zu of %.60s...: status %d (whole %d), where '%s' ('%s'): %s\n",
                    piece_sizes[i], body, got, want, pe.where, we.where, pe.message);
            return 1;
        }
        acg_buf_free(&part);
        acg_error_free(&pe);
    }
    acg_buf_free(&whole);
    acg_error_free(&we);
    return 0;
}

static const char *const describe_bodies[] = {
    "",
    "{}",
    " \n{ } \t",
    "{\"batchInferenceJob\":{\"jobName\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\",\"numResults\":25,"
    "\"status\":\"ACTIVE\",\"creationDateTime\":1705305600.123,\"jobInput\":{\"s3DataSource\":"
    "{\"path\":\"s3://b/k\"}},\"batchInferenceJobConfig\":{\"itemExplorationConfig\":{\"w\":"
    "\"0.3\"},\"rankingInfluence\":{\"POPULARITY\":0.25}},\"unknown\":[1,[2,{\"x\":[3]}],\"]\"]}}",
    "{\"batchInferenceJob\":{\"numResults\":1.5}}",
    "{\"batchInferenceJob\":{\"jobName\":\"x\"}",
    "{\"batchInferenceJob\":[]}",
    "[]",
    "{\"a\":1}x",
};

static int test_describe_bodies(void)
{
    for (size_t i = 0; i < sizeof describe_bodies / sizeof describe_bodies[0]; i++)
        CHECK(same_as_whole("DescribeBatchInferenceJob", describe_bodies[i]) == 0);
    return 0;
}

/* A List body of n summaries, with an unknown array member before the list (skipped, in
 * pieces too) and the token after it; bad >= 0 spoils summary bad. */
static char *list_body(size_t n, long bad, const char *ws)
{
    size_t cap = 200 + n * 400;
    char *b = malloc(cap);
    size_t len = (size_t)snprintf(b, cap, "{%s\"skipped\":[[1,2],{\"a\":\"],\"},3],%s"
                                  "\"batchInferenceJobs\":%s[", ws, ws, ws);
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(b + len, cap - len,
                                "%s%s{\"batchInferenceJobArn\":\"arn:aws:personalize:us-west-2:1:"
                                "batch-inference-job/job-%zu\",\"jobName\":\"job \\\"%zu\\\" "
                                "caf\xc3\xa9\",\"status\":\"ACTIVE\",\"creationDateTime\":%s,"
                                "\"failureReason\":\"line\\nbreak, [x], {y}\"}%s",
                                i > 0 ? "," : "", ws, i, i, (long)i == bad ? "\"x\"" : "1700000000.5",
                                ws);
    }
    snprintf(b + len, cap - len, "]%s,\"nextToken\":\"t,]\"}%s", ws, ws);
    return b;
}

static int test_list_bodies(void)
{
    static const size_t counts[] = { 0, 1, 2, 3, 40 };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        for (int ws = 0; ws < 2; ws++) {
            char *b = list_body(counts[i], -1, ws ? " \n " : "");
            CHECK(same_as_whole("ListBatchInferenceJobs", b) == 0);
            free(b);
        }
    }
    /* A bad item: the same status and path ("batchInferenceJobs[17].creationDateTime"). */
    char *b = list_body(40, 17, "");
    CHECK(same_as_whole("ListBatchInferenceJobs", b) == 0);
    /* Cut short anywhere: the same failure. */
    size_t len = strlen(b);
    for (size_t cut = 0; cut < len; cut += 97) {
        char keep = b[cut];
        b[cut] = '\0';
        CHECK(same_as_whole("ListBatchInferenceJobs", b) == 0);
        b[cut] = keep;
    }
    free(b);
    return 0;
}

/* Runs of backslashes of every length up to 70, at every alignment, before an escaped quote
 * and bytes that would be structural outside a string: the boundary scan's 64-byte blocks
 * must tell which quotes end strings wherever a run crosses a block's end. */
static int test_backslash_runs(void)
{
    /* Job names 0 to 12 letters long shift each run of backslashes to another alignment. */
    static const char letters[] = "abcdefghijklm";
    size_t cap = 1 << 20, len = 0;
    char *b = malloc(cap);
    CHECK(b != NULL);
    len += (size_t)snprintf(b, cap, "{\"batchInferenceJobs\":[");
    for (size_t k = 0; k <= 70; k++) {
        len += (size_t)snprintf(b + len, cap - len, "%s{\"jobName\":\"%.*s", k > 0 ? "," : "",
                                (int)(k % (sizeof letters - 1)), letters);
        for (size_t j = 0; j < k; j++)
            len += (size_t)snprintf(b + len, cap - len, "\\\\");
        len += (size_t)snprintf(b + len, cap - len, "\\\" ],{\\\"\\\\\",\"status\":\"%s\"}",
                                k % 2 ? "]" : "[,{");
    }
    snprintf(b + len, cap - len, "],\"nextToken\":\"\\\\\"}");
    CHECK(same_as_whole("ListBatchInferenceJobs", b) == 0);
    free(b);
    return 0;
}

/* The window stays a few pieces long however long the list is, and the items' bytes are
 * dropped as they are decoded. */
static int test_window_stays_small(void)
{
    char *b = list_body(20000, -1, "");
    size_t len = strlen(b);
    CHECK(len > 4000000);
    struct acg_buf enc;
    struct acg_error err;
    struct pieces src;
    acg_buf_init(&enc, 0);
    acg_error_init(&err);
    CHECK(decode("ListBatchInferenceJobs", b, 16384, &enc, &err, &src) == ACG_OK);
    CHECK(src.at == len);
    CHECK(src.most <= 4 * 262144);   /* the buffer never grew past a few pieces */
    acg_buf_free(&enc);
    free(b);
    return 0;
}

static int test_read_failure(void)
{
    char *b = list_body(50, -1, "");
    const struct acg_shape *s = output_of("ListBatchInferenceJobs");
    struct personalize_list_batch_inference_jobs_response out;
    memset(&out, 0, sizeof out);
    struct acg_arena *arena = acg_arena_new();
    struct acg_error err;
    acg_error_init(&err);
    struct pieces src = { .body = b, .len = strlen(b), .piece = 100, .fail_at = 5000 };
    CHECK(acg_json_decode_pull(pull, &src, s, &out, arena, &err) == ACG_ERR_TRANSPORT);
    CHECK(strstr(err.message, "reading the body failed") != NULL);
    acg_arena_destroy(arena);
    free(b);
    CHECK(acg_json_decode_pull(NULL, NULL, s, &out, NULL, &err) == ACG_ERR_INVALID_ARG);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_describe_bodies),
        TEST(test_list_bodies),
        TEST(test_window_stays_small),
        TEST(test_backslash_runs),
        TEST(test_read_failure),
    };
    return RUN_TESTS("json_pull", tests);
}
