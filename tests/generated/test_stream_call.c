/* The blocking call decoding a large 2xx body as it arrives (acg_call_ex ->
 * acg_client_send_decoding -> acg_http_run pulling through acg_json_decode_pull), over real
 * libcurl against tests/servers/http_server.py on loopback: the output equals the
 * whole-body decode of the same bytes (both re-encoded, byte for byte); a connection lost
 * mid-body is retried into a clean output; a body cut short, invalid JSON and a response
 * checksum fail as the whole-body path fails; chunked bodies without Content-Length and
 * the size cap. The debug log says which path each call took. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "json/acg_json.h"
#include "personalize.h"
#include "servers/http_ctl.h"

#define AK "AKIDEXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define STREAMED "response body decoded as it arrived"

static struct http_srv srv;
static char endpoint[64];
static char big_path[64], bad_path[64], small_path[64];
static char *big_body;
static size_t big_len;

static char logbuf[1 << 16];
static size_t loglen;

static void capture_log(void *ctx, enum acg_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    int n = snprintf(logbuf + loglen, sizeof logbuf - loglen, "%s\n", msg);
    if (n > 0 && (size_t)n < sizeof logbuf - loglen)
        loglen += (size_t)n;
}

static void no_sleep(void *ctx, int64_t ms)
{
    (void)ctx;
    (void)ms;
}

/* A ListBatchInferenceJobs body of n summaries (escapes, non-ASCII, fractions of seconds);
 * item bad (if any) has a creationDateTime that is no timestamp. */
static char *list_body(size_t n, long bad, size_t *len_out)
{
    size_t cap = 200 + n * 420, len;
    char *b = malloc(cap);
    if (b == NULL)
        return NULL;
    len = (size_t)snprintf(b, cap, "{\"batchInferenceJobs\":[");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(b + len, cap - len,
                                "%s{\"batchInferenceJobArn\":\"arn:aws:personalize:us-west-2:"
                                "123456789012:batch-inference-job/job-%07zu\",\"jobName\":\"job "
                                "\\\"%zu\\\" caf\xc3\xa9 \\u00e9\",\"status\":\"%s\","
                                "\"creationDateTime\":%s,\"lastUpdatedDateTime\":%zu.%03zu,"
                                "\"failureReason\":\"line\\nbreak, [x], {y}\","
                                "\"solutionVersionArn\":\"arn:aws:personalize:us-west-2:"
                                "123456789012:solution/sol-%02zu/%08zx\"}",
                                i > 0 ? "," : "", i, i, i % 3 ? "ACTIVE" : "CREATE FAILED",
                                (long)i == bad ? "\"x\"" : "1700000000.25", 1700000000 + i * 60,
                                i % 1000, i % 100, i * 2654435761u);
    }
    len += (size_t)snprintf(b + len, cap - len, "],\"nextToken\":\"t,]\"}");
    *len_out = len;
    return b;
}

static int write_file(char path[64], const char *data, size_t len)
{
    snprintf(path, 64, "/tmp/acg_stream_XXXXXX");   /* mkstemp replaces the six X's */
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, data, len);
    close(fd);
    return w == (ssize_t)len ? 0 : -1;
}

static const struct acg_service *service = &personalize_service;

static struct acg_client *client_new(size_t max_response_bytes)
{
    struct acg_client_config cfg;
    struct acg_error err;
    acg_client_config_init(&cfg);
    cfg.region = "us-west-2";
    cfg.endpoint_url = endpoint;
    cfg.access_key_id = AK;
    cfg.secret_access_key = SK;
    cfg.sleep_ms = no_sleep;
    cfg.max_attempts = 3;
    cfg.read_timeout_ms = 10000;
    cfg.max_response_bytes = max_response_bytes;
    cfg.log = capture_log;
    cfg.log_level = ACG_LOG_DEBUG;
    acg_error_init(&err);
    struct acg_client *c = acg_client_new(service, &cfg, &err);
    acg_error_free(&err);
    return c;
}

static const struct acg_operation *list_op(void)
{
    return acg_service_find_operation(&personalize_service, "ListBatchInferenceJobs");
}

/* The output re-encoded as the wire's JSON into enc. */
static int encode(const struct personalize_list_batch_inference_jobs_response *out,
                  struct acg_buf *enc)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, enc, ACG_JSON_WIRE);
    return acg_json_encode(&w, list_op()->output, out, NULL);
}

/* body decoded whole, re-encoded: what every streamed call of it must give. */
static int expected(const char *body, size_t len, struct acg_buf *enc)
{
    struct personalize_list_batch_inference_jobs_response out;
    memset(&out, 0, sizeof out);
    struct acg_arena *arena = acg_arena_new();
    int rc = acg_json_decode_body(body, len, list_op()->output, &out, arena, NULL);
    if (rc == ACG_OK)
        rc = encode(&out, enc);
    acg_arena_destroy(arena);
    return rc;
}

/* Calls ListBatchInferenceJobs (through op, when not NULL) after scripting the server (NULL:
 * what is left of the last script);
 * the output's encoding into enc on success. */
static int call(struct acg_client *c, const struct acg_operation *op, const char *script,
                struct acg_buf *enc, struct acg_error *err)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct personalize_list_batch_inference_jobs_response out;
    personalize_list_batch_inference_jobs_request_init(&in);
    in.next_token = "ENABLED";   /* the checksum test's validation mode member */
    if (script != NULL && http_srv_script(&srv, script) != 0)
        return -100;
    loglen = 0;
    logbuf[0] = '\0';
    int rc = op != NULL ? acg_call(c, op, &in, &out, err)
                        : personalize_list_batch_inference_jobs(c, &in, &out, err);
    if (rc == ACG_OK && enc != NULL && encode(&out, enc) != ACG_OK)
        rc = -101;
    if (rc != ACG_OK && out.arena_ != NULL)
        rc = -102;   /* a failed call keeps nothing decoded */
    personalize_list_batch_inference_jobs_response_free(&out);
    return rc;
}

static bool streamed(size_t len)
{
    char want[96];
    snprintf(want, sizeof want, STREAMED ": %zu bytes\n", len);
    return strstr(logbuf, want) != NULL;
}

/* One test's client, the output it expects (the big body's, decoded whole) and what it got. */
struct run {
    struct acg_client *c;
    struct acg_buf want, got;
    struct acg_error err;
};

static int run_start(struct run *r, size_t max_response_bytes)
{
    acg_buf_init(&r->want, 0);
    acg_buf_init(&r->got, 0);
    acg_error_init(&r->err);
    http_srv_reset(&srv);
    r->c = client_new(max_response_bytes);
    return r->c != NULL && expected(big_body, big_len, &r->want) == ACG_OK ? 0 : -1;
}

static void run_end(struct run *r)
{
    acg_client_destroy(r->c);
    acg_buf_free(&r->want);
    acg_buf_free(&r->got);
    acg_error_free(&r->err);
}

static bool got_wanted(struct run *r)
{
    bool same = r->got.len == r->want.len && memcmp(r->got.data, r->want.data, r->want.len) == 0;
    acg_buf_reset(&r->got);
    return same;
}

static int test_large_list_same_as_whole(void)
{
    char script[256];
    struct run r;
    CHECK(run_start(&r, 0) == 0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\"}]", big_path);
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(streamed(big_len));
    CHECK(got_wanted(&r));
    /* Twice on one client: the handle, its connection and its buffers are reused. */
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(got_wanted(&r));
    int conns = 0, reqs = 0;
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(conns == 1 && reqs == 2);
    /* A small body keeps the whole-body path, on the same connection. */
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\"}]", small_path);
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(strstr(logbuf, STREAMED) == NULL);
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(conns == 1 && reqs == 3);
    run_end(&r);
    return 0;
}

static int test_dropped_mid_body_is_retried(void)
{
    char script[512];
    struct run r;
    CHECK(run_start(&r, 0) == 0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"close_after\": %zu}, "
             "{\"body_file\": \"%s\"}]", big_path, big_len / 2, big_path);
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(r.err.attempts == 2);
    CHECK(strstr(logbuf, "retrying in") != NULL);
    CHECK(streamed(big_len));
    CHECK(got_wanted(&r));
    /* The second attempt was signed afresh: the server checked it. */
    const char *second = http_srv_req(&srv, 1);
    CHECK(second != NULL && strstr(second, "\"sig_ok\": true") != NULL);
    run_end(&r);
    return 0;
}

/* Every attempt cut short after cut bytes of the body in path. */
static int cut_every_time(const char *path, size_t cut, struct acg_error *err)
{
    char script[1024];
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"close_after\": %zu}, "
             "{\"body_file\": \"%s\", \"close_after\": %zu}, "
             "{\"body_file\": \"%s\", \"close_after\": %zu}]", path, cut, path, cut, path, cut);
    struct acg_client *c = client_new(0);
    int rc = call(c, NULL, script, NULL, err);
    acg_client_destroy(c);
    return rc;
}

static int test_cut_short_fails_as_whole(void)
{
    struct acg_error whole, pulled;
    acg_error_init(&whole);
    acg_error_init(&pulled);
    CHECK(cut_every_time(small_path, 100, &whole) == ACG_ERR_TRANSPORT);
    CHECK(cut_every_time(big_path, big_len - 100, &pulled) == ACG_ERR_TRANSPORT);
    CHECK(strstr(logbuf, STREAMED) != NULL);
    CHECK(pulled.attempts == 3 && pulled.retries_exhausted);
    CHECK_STR(pulled.message, whole.message);
    acg_error_free(&whole);
    acg_error_free(&pulled);
    return 0;
}

static int test_invalid_json_fails_as_whole(void)
{
    char script[256];
    size_t len;
    char *bad = list_body(10000, 7777, &len);
    struct acg_error want, err;
    acg_error_init(&want);
    acg_error_init(&err);
    struct personalize_list_batch_inference_jobs_response out;
    memset(&out, 0, sizeof out);
    struct acg_arena *arena = acg_arena_new();
    CHECK(acg_json_decode_body(bad, len, list_op()->output, &out, arena, &want) == ACG_ERR_JSON);
    acg_arena_destroy(arena);
    struct acg_client *c = client_new(0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\"}]", bad_path);
    CHECK(call(c, NULL, script, NULL, &err) == ACG_ERR_JSON);
    CHECK(strstr(logbuf, STREAMED) != NULL);
    CHECK(err.attempts == 1);
    CHECK_STR(err.where, want.where);
    CHECK(strncmp(err.message, "Unable to parse the ListBatchInferenceJobs response: ", 53) == 0);
    CHECK(strstr(err.message, "expected a timestamp") != NULL);
    acg_client_destroy(c);
    acg_error_free(&want);
    acg_error_free(&err);
    free(bad);
    return 0;
}

/* A call of op whose answer carries a checksum ("good" or "bad") over the body in path. */
static int checked_call(struct run *r, const struct acg_operation *op, const char *path,
                        const char *checksum, struct acg_error *err)
{
    char script[256];
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"checksum\": \"%s\"}]", path,
             checksum);
    acg_error_free(err);
    acg_error_init(err);
    return call(r->c, op, script, &r->got, err);
}

static int test_checksum_of_streamed_body(void)
{
    static const char *const crc32[] = { "CRC32" };
    const struct acg_checksum cs = { .validation_mode_member = "nextToken",
                                     .response_algorithms = crc32,
                                     .response_algorithm_count = 1 };
    struct acg_operation op = *list_op();
    op.checksum = &cs;
    struct acg_error whole;
    struct run r;
    acg_error_init(&whole);
    CHECK(run_start(&r, 0) == 0);
    CHECK(checked_call(&r, &op, big_path, "good", &r.err) == ACG_OK);
    CHECK(streamed(big_len));
    CHECK(got_wanted(&r));
    CHECK(checked_call(&r, &op, big_path, "bad", &r.err) == ACG_ERR_TRANSPORT);
    CHECK(streamed(big_len));
    CHECK(r.err.attempts == 1);
    CHECK(strstr(r.err.message, "did not match calculated checksum") != NULL);
    /* As a small body kept whole fails. */
    CHECK(checked_call(&r, &op, small_path, "bad", &whole) == ACG_ERR_TRANSPORT);
    CHECK(strstr(logbuf, STREAMED) == NULL);
    CHECK(whole.attempts == 1);
    CHECK(strstr(whole.message, "did not match calculated checksum") != NULL);
    /* A body with invalid JSON: the checksum is checked first, as for a body kept whole. */
    CHECK(checked_call(&r, &op, bad_path, "bad", &r.err) == ACG_ERR_TRANSPORT);
    CHECK(strstr(r.err.message, "did not match calculated checksum") != NULL);
    CHECK(checked_call(&r, &op, bad_path, "good", &r.err) == ACG_ERR_JSON);
    acg_error_free(&whole);
    run_end(&r);
    return 0;
}

static int test_chunked_without_length(void)
{
    char script[256];
    size_t small_len;
    char *small = list_body(3, -1, &small_len);
    struct run r;
    CHECK(run_start(&r, 0) == 0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"chunked\": 65536}]", big_path);
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(streamed(big_len));
    CHECK(got_wanted(&r));
    /* Small, in 7-byte chunks: of unknown length, so pulled too. */
    acg_buf_reset(&r.want);
    CHECK(expected(small, small_len, &r.want) == ACG_OK);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"chunked\": 7}]", small_path);
    CHECK(call(r.c, NULL, script, &r.got, &r.err) == ACG_OK);
    CHECK(streamed(small_len));
    CHECK(got_wanted(&r));
    run_end(&r);
    /* The size cap holds for a pulled body of unknown length. */
    CHECK(run_start(&r, big_len / 2) == 0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\", \"chunked\": 65536}]", big_path);
    CHECK(call(r.c, NULL, script, NULL, &r.err) == ACG_ERR_TOO_LARGE);
    CHECK(r.err.attempts == 1);
    run_end(&r);
    free(small);
    return 0;
}

/* The same tables spoken as restJson1 (POST /, the body the output): the pulled decode
 * goes through acg_restjson_parse_pulled, with the response's headers kept first. */
static int test_restjson_same_as_whole(void)
{
    struct acg_service rest = personalize_service;
    rest.protocol = ACG_PROTOCOL_REST_JSON;
    service = &rest;
    char script[512];
    struct run r;
    int rc = run_start(&r, 0);
    snprintf(script, sizeof script, "[{\"body_file\": \"%s\"}, {\"body_file\": \"%s\", "
             "\"close_after\": 100000}, {\"body_file\": \"%s\"}]", big_path, big_path, big_path);
    if (rc == 0)
        rc = call(r.c, list_op(), script, &r.got, &r.err);
    bool first = rc == ACG_OK && streamed(big_len) && got_wanted(&r);
    if (rc == ACG_OK)
        rc = call(r.c, list_op(), NULL, &r.got, &r.err);   /* the rest of the script */
    service = &personalize_service;
    CHECK(first);
    CHECK(rc == ACG_OK && r.err.attempts == 2 && streamed(big_len) && got_wanted(&r));
    run_end(&r);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_large_list_same_as_whole),
        TEST(test_dropped_mid_body_is_retried),
        TEST(test_cut_short_fails_as_whole),
        TEST(test_invalid_json_fails_as_whole),
        TEST(test_checksum_of_streamed_body),
        TEST(test_chunked_without_length),
        TEST(test_restjson_same_as_whole),
    };
    size_t len;
    char *small = list_body(3, -1, &len), *bad;
    big_body = list_body(12000, -1, &big_len);   /* ~4.6 MB */
    bad = list_body(10000, 7777, &len);
    if (small == NULL || big_body == NULL || bad == NULL ||
        write_file(small_path, small, strlen(small)) != 0 ||
        write_file(big_path, big_body, big_len) != 0 || write_file(bad_path, bad, len) != 0 ||
        http_srv_start(&srv) != 0) {
        fprintf(stderr, "stream_call: set-up failed\n");
        return 1;
    }
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", srv.port);
    int rc = RUN_TESTS("stream_call", tests);
    http_srv_stop(&srv);
    unlink(small_path);
    unlink(big_path);
    unlink(bad_path);
    free(small);
    free(bad);
    free(big_body);
    return rc;
}
