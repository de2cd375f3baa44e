/* acg_client against a real loopback server (tests/servers/http_aws.py, started here as a
 * child process): headers and signing on the wire, keep-alive, retries and their limits,
 * timeouts, resets, error pages, the response cap, request compression, a client shared by
 * threads, and debug logs free of secrets. Retry delays go through an injected sleep that
 * records instead of sleeping, so the suite stays fast. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "acg_runtime.h"
#include "client/acg_client.h"
#include "client/acg_operation.h"
#include "protocol/acg_protocol.h"
#include "harness.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
#define TOKEN "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue"

struct server {
    int port;
    pid_t pid;
    FILE *in;
};

static struct server plain_server, tls_server;
static int server_port;
static int key_counter;
static char tls_dir[64];
static char tls_cert[128];

/* ---- the test service ---- */

static int resolve(const struct acg_endpoint_params *p, struct acg_endpoint *out, struct acg_error *err)
{
    if (p->builtins.endpoint == NULL)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "Invalid Configuration: Missing Region");
    snprintf(out->url, sizeof out->url, "%s", p->builtins.endpoint);
    return ACG_OK;
}

/* The modelled errors, sorted by code as generated tables are: the client looks a code up
 * to learn whether the model marks it retryable. */
static const struct acg_shape retry_me = {
    .name = "RetryMeException", .type = ACG_SHAPE_STRUCTURE,
    .flags = ACG_SHAPE_EXCEPTION | ACG_SHAPE_RETRYABLE,
};
static const struct acg_shape validation = {
    .name = "ValidationException", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_EXCEPTION,
};
static const struct acg_shape *const test_errors[] = { &retry_me, &validation };

static const struct acg_service test_service = {
    .service_id = "Test",
    .signing_name = "testsvc",
    .endpoint_prefix = "testsvc",
    .target_prefix = "Test_20240101",
    .json_version = "1.1",
    .api_version = "2024-01-01",
    .protocol = ACG_PROTOCOL_JSON,
    .codec = &acg_codec_json,
    .resolve_endpoint = resolve,
    .errors = test_errors,
    .error_count = sizeof test_errors / sizeof test_errors[0],
};

static const struct acg_operation op_plain = {
    .name = "DoThing", .http_method = "POST", .request_uri = "/",
};
static const struct acg_operation op_gzip = {
    .name = "PutLots", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_REQUEST_COMPRESSION,
};
static const struct acg_operation op_stream = {
    .name = "Subscribe", .http_method = "POST", .request_uri = "/", .flags = ACG_OP_EVENT_STREAM,
};

/* ---- hooks: recorded sleeps, a fixed random source, captured logs ---- */

struct hooks {
    pthread_mutex_t lock;
    int64_t sleeps[512];
    int nsleeps;
    uint32_t random_value;
    char *log;        /* every line, '\n'-separated */
    size_t log_len;
};

static void hook_sleep(void *ctx, int64_t ms)
{
    struct hooks *h = ctx;
    pthread_mutex_lock(&h->lock);
    if (h->nsleeps < (int)(sizeof h->sleeps / sizeof h->sleeps[0]))
        h->sleeps[h->nsleeps++] = ms;
    pthread_mutex_unlock(&h->lock);
}

static uint32_t hook_random(void *ctx)
{
    return ((struct hooks *)ctx)->random_value;
}

static void hook_log(void *ctx, enum acg_log_level level, const char *msg)
{
    struct hooks *h = ctx;
    (void)level;
    size_t n = strlen(msg);
    pthread_mutex_lock(&h->lock);
    char *grown = realloc(h->log, h->log_len + n + 2);
    if (grown != NULL) {
        h->log = grown;
        memcpy(h->log + h->log_len, msg, n);
        h->log_len += n;
        h->log[h->log_len++] = '\n';
        h->log[h->log_len] = '\0';
    }
    pthread_mutex_unlock(&h->lock);
}

static void hooks_init(struct hooks *h)
{
    memset(h, 0, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
    h->random_value = 0x80000000u;   /* exactly one half */
}

static void hooks_free(struct hooks *h)
{
    free(h->log);
    pthread_mutex_destroy(&h->lock);
}

/* ---- helpers ---- */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void config_for(struct acg_client_config *cfg, struct hooks *h, const char *scenario,
                        char *url, size_t url_size, char *key, size_t key_size)
{
    snprintf(key, key_size, "k%d", ++key_counter);
    snprintf(url, url_size, "http://127.0.0.1:%d/s/%s/%s", server_port, scenario, key);
    acg_client_config_init(cfg);
    cfg->region = "us-east-1";
    cfg->endpoint_url = url;
    cfg->access_key_id = "AKIDTEST";
    cfg->secret_access_key = SECRET;
    cfg->session_token = TOKEN;
    cfg->connect_timeout_ms = 2000;
    cfg->read_timeout_ms = 5000;
    cfg->sleep_ms = hook_sleep;
    cfg->random = hook_random;
    cfg->hook_ctx = h;
    cfg->log = hook_log;
    cfg->log_ctx = h;
    cfg->log_level = ACG_LOG_DEBUG;
}

/* Sends body as op's request: the awsJson protocol builds the request (method, path,
 * Content-Type, X-Amz-Target), then the test's body replaces the one it wrote. */
static int call_prefixed(struct acg_client *c, const struct acg_operation *op, const char *body,
                         const char *host_prefix, struct acg_response *resp,
                         struct acg_error *err)
{
    struct acg_request req;
    acg_request_init(&req);
    acg_response_init(resp);
    acg_error_init(err);
    int rc = acg_protocol_build(&test_service, op, NULL, NULL, &req, err);
    if (rc == ACG_OK) {
        acg_buf_reset(&req.body);
        rc = acg_buf_append(&req.body, body, strlen(body));
    }
    if (rc == ACG_OK) {
        struct acg_send send = { .op = op, .req = &req, .host_prefix = host_prefix };
        rc = acg_client_send(c, &send, resp, err);
    }
    acg_request_free(&req);
    return rc;
}

static int call(struct acg_client *c, const struct acg_operation *op, const char *body,
                struct acg_response *resp, struct acg_error *err)
{
    return call_prefixed(c, op, body, NULL, resp, err);
}

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
    struct acg_buf *b = ud;
    return acg_buf_append(b, data, size * n) == ACG_OK ? size * n : 0;
}

/* GETs path from the test server into out (NUL-terminated). */
static int server_get(const char *path, struct acg_buf *out)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", server_port, path);
    CURL *e = curl_easy_init();
    acg_buf_reset(out);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(e);
    curl_easy_cleanup(e);
    if (acg_buf_append(out, "", 0) != ACG_OK)
        return -1;
    return rc == CURLE_OK ? 0 : -1;
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static long server_conns(void)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    long n = -1;
    if (server_get("/conns", &b) == 0) {
        const char *p = strstr(b.data, "\"conns\": ");
        if (p != NULL)
            n = strtol(p + 9, NULL, 10);
    }
    acg_buf_free(&b);
    return n;
}

/* ---- tests ---- */

static int test_success_headers(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    struct acg_buf log;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    acg_error_init(&err);
    struct acg_client *c = acg_client_new(&test_service, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{\"a\":1}", &resp, &err) == ACG_OK);
    CHECK(resp.http_status == 200);
    CHECK(strstr(resp.body.data, "\"ok\": true") != NULL);
    CHECK_STR(resp.request_id, "req-1");
    CHECK(err.attempts == 1);
    acg_buf_init(&log, 0);
    char path[64];
    snprintf(path, sizeof path, "/log/%s", key);
    CHECK(server_get(path, &log) == 0);
    CHECK(strstr(log.data, "\"x-amz-target\": \"Test_20240101.DoThing\"") != NULL);
    CHECK(strstr(log.data, "\"content-type\": \"application/x-amz-json-1.1\"") != NULL);
    CHECK(strstr(log.data, "\"user-agent\": \"acg/" ACG_VERSION " (Test)\"") != NULL);
    CHECK(strstr(log.data, "\"amz-sdk-request\": \"attempt=1; max=3\"") != NULL);
    CHECK(strstr(log.data, "\"amz-sdk-invocation-id\": \"") != NULL);
    CHECK(strstr(log.data, "\"x-amz-security-token\": \"" TOKEN "\"") != NULL);
    CHECK(strstr(log.data, "/20") != NULL && strstr(log.data, "/us-east-1/testsvc/aws4_request") != NULL);
    CHECK(strstr(log.data, "\"body\": \"{\\\"a\\\":1}\"") != NULL);
    CHECK(strstr(log.data, "\"expect\"") == NULL);
    acg_buf_free(&log);
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_keep_alive(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    acg_error_init(&err);
    struct acg_client *c = acg_client_new(&test_service, &cfg, &err);
    CHECK(c != NULL);
    long before = server_conns();
    for (int i = 0; i < 5; i++) {
        CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_OK);
        acg_response_free(&resp);
    }
    long after = server_conns();
    /* one connection for the five calls, one for the second /conns query */
    CHECK(before > 0 && after - before == 2);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_retry_5xx_then_success(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16], path[64];
    struct acg_error err;
    struct acg_response resp;
    struct acg_buf log;
    hooks_init(&h);
    config_for(&cfg, &h, "flaky", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_OK);
    CHECK(resp.http_status == 200 && err.attempts == 3);
    CHECK_STR(resp.request_id, "req-3");
    /* full jitter with random = 1/2: half of 1 s, then half of 2 s */
    CHECK(h.nsleeps == 2 && h.sleeps[0] == 500 && h.sleeps[1] == 1000);
    acg_buf_init(&log, 0);
    snprintf(path, sizeof path, "/log/%s", key);
    CHECK(server_get(path, &log) == 0);
    CHECK(strstr(log.data, "attempt=1; max=3") != NULL);
    CHECK(strstr(log.data, "attempt=2; max=3") != NULL);
    CHECK(strstr(log.data, "attempt=3; max=3") != NULL);
    /* the invocation id stays the same across the attempts */
    const char *id = strstr(log.data, "\"amz-sdk-invocation-id\": \"");
    CHECK(id != NULL);
    char idv[64];
    snprintf(idv, sizeof idv, "%.63s", id);
    CHECK(count_of(log.data, idv) == 3);
    acg_buf_free(&log);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_retry_throttle_and_modelled(void)
{
    const char *scenarios[] = { "throttle", "modelled", "resetonce" };
    for (size_t i = 0; i < 3; i++) {
        struct hooks h;
        struct acg_client_config cfg;
        char url[128], key[16];
        struct acg_error err;
        struct acg_response resp;
        hooks_init(&h);
        config_for(&cfg, &h, scenarios[i], url, sizeof url, key, sizeof key);
        struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
        CHECK(c != NULL);
        CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_OK);
        CHECK(resp.http_status == 200 && err.attempts == 2 && h.nsleeps == 1);
        acg_response_free(&resp);
        acg_client_destroy(c);
        hooks_free(&h);
    }
    return 0;
}

static int test_attempts_exhausted(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "down", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.status == ACG_ERR_SERVICE && err.http_status == 503);
    CHECK(err.attempts == 3 && err.retries_exhausted);
    CHECK_STR(err.aws_type, "ServiceUnavailable");
    CHECK_STR(err.message, "down");
    CHECK_STR(err.request_id, "req-3");
    CHECK(resp.http_status == 503 && strstr(resp.body.data, "ServiceUnavailable") != NULL);
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_not_retryable(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "bad", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.http_status == 400 && err.attempts == 1 && !err.retries_exhausted);
    CHECK_STR(err.aws_type, "ValidationException");
    CHECK_STR(err.message, "field x is bad");
    CHECK(h.nsleeps == 0);
    CHECK(strstr(resp.body.data, "com.amazonaws.test#ValidationException") != NULL);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_html_error_page(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "html", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.http_status == 403 && err.attempts == 1);
    CHECK_STR(err.aws_type, "403");
    CHECK(strstr(err.message, "Forbidden") != NULL && strstr(err.message, "<html>") != NULL);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_connection_refused(void)
{
    /* A port nobody listens on: bind one, note it, close it. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(s, (struct sockaddr *)&a, &alen) == 0);
    close(s);

    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    int64_t t0 = wall_ms();
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    CHECK(wall_ms() - t0 < 5000);
    CHECK(err.attempts == 3 && err.retries_exhausted && err.http_status == 0);
    CHECK(strstr(err.message, "127.0.0.1") != NULL);
    CHECK(h.nsleeps == 2);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_read_timeout(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "stall", url, sizeof url, key, sizeof key);
    cfg.read_timeout_ms = 500;
    cfg.max_attempts = 2;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    int64_t t0 = wall_ms();
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    int64_t took = wall_ms() - t0;
    CHECK(took >= 900 && took < 4000);
    CHECK(err.attempts == 2 && err.retries_exhausted);
    CHECK(strstr(err.message, "timeout") != NULL);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

/* The stall comes on a connection kept alive from the previous call: the read timeout
 * must still fire although no new connection was made. */
static int test_read_timeout_reused_connection(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "okthenstall", url, sizeof url, key, sizeof key);
    cfg.read_timeout_ms = 500;
    cfg.max_attempts = 1;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    int64_t t0 = wall_ms();
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    CHECK(wall_ms() - t0 < 3000);
    CHECK(err.attempts == 1 && err.retries_exhausted);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_reset_mid_body(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "reset", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    CHECK(err.attempts == 3 && err.retries_exhausted);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_response_cap(void)
{
    const char *scenarios[] = { "big", "bigchunked" };
    for (size_t i = 0; i < 2; i++) {
        struct hooks h;
        struct acg_client_config cfg;
        char url[128], key[16];
        struct acg_error err;
        struct acg_response resp;
        hooks_init(&h);
        config_for(&cfg, &h, scenarios[i], url, sizeof url, key, sizeof key);
        cfg.max_response_bytes = 1 << 20;
        struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
        CHECK(c != NULL);
        CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_TOO_LARGE);
        CHECK(err.attempts == 1 && !err.retries_exhausted);
        CHECK(resp.body.len <= (size_t)1 << 20);
        acg_response_free(&resp);
        acg_client_destroy(c);
        hooks_free(&h);
    }
    return 0;
}

/* The server decompresses and records the body it got, and whether it was gzip. */
static int compression_case(size_t body_len, bool expect_gzip)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16], path[64];
    struct acg_error err;
    struct acg_response resp;
    struct acg_buf log, body;
    hooks_init(&h);
    config_for(&cfg, &h, "echo", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    acg_buf_init(&body, 0);
    CHECK(acg_buf_append(&body, "{\"data\":\"", 9) == ACG_OK);
    while (body.len < body_len - 2)
        CHECK(acg_buf_append(&body, "abcdefgh", body_len - 2 - body.len < 8 ? body_len - 2 - body.len : 8) == ACG_OK);
    CHECK(acg_buf_append(&body, "\"}", 2) == ACG_OK);
    CHECK(body.len == body_len);
    CHECK(call(c, &op_gzip, body.data, &resp, &err) == ACG_OK);
    CHECK(strstr(resp.body.data, expect_gzip ? "\"gzip\": true" : "\"gzip\": false") != NULL);
    acg_buf_init(&log, 0);
    snprintf(path, sizeof path, "/log/%s", key);
    CHECK(server_get(path, &log) == 0);
    CHECK(strstr(log.data, body.data + 9) != NULL || strstr(log.data, "abcdefgh") != NULL);
    CHECK(strstr(log.data, expect_gzip ? "\"gzip\": true" : "\"gzip\": false") != NULL);
    char want[64];
    snprintf(want, sizeof want, "\"wire_len\": %zu", body_len);
    CHECK((strstr(log.data, want) == NULL) == expect_gzip);
    /* the same operation without the trait is never compressed */
    acg_response_free(&resp);
    CHECK(call(c, &op_plain, body.data, &resp, &err) == ACG_OK);
    CHECK(strstr(resp.body.data, "\"gzip\": false") != NULL);
    acg_buf_free(&log);
    acg_buf_free(&body);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_compression_threshold(void)
{
    int line = compression_case(20000, true);
    if (line != 0)
        return line;
    line = compression_case(10240, true);       /* the minimum itself is compressed */
    if (line != 0)
        return line;
    return compression_case(10239, false);
}

struct thread_arg {
    struct acg_client *c;
    int ok;
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < 10; i++) {
        struct acg_error err;
        struct acg_response resp;
        if (call(a->c, &op_plain, "{\"t\":1}", &resp, &err) == ACG_OK && resp.http_status == 200)
            a->ok++;
        acg_response_free(&resp);
        acg_error_free(&err);
    }
    return NULL;
}

static int test_shared_by_threads(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16], path[64];
    struct acg_buf log;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    pthread_t t[4];
    struct thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].c = c;
        args[i].ok = 0;
        CHECK(pthread_create(&t[i], NULL, thread_main, &args[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(args[i].ok == 10);
    }
    acg_buf_init(&log, 0);
    snprintf(path, sizeof path, "/log/%s", key);
    CHECK(server_get(path, &log) == 0);
    CHECK(count_of(log.data, "\"amz-sdk-invocation-id\"") == 40);
    /* one handle: every call on the same connection */
    CHECK(count_of(log.data, "\"conn\": ") == 40);
    acg_buf_free(&log);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_retry_quota_exhaustion(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "down", url, sizeof url, key, sizeof key);
    cfg.max_attempts = 1000;
    cfg.log_level = ACG_LOG_OFF;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    /* 500 tokens at 5 a retry: 100 retries, then the quota says no */
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 101 && !err.retries_exhausted && h.nsleeps == 100);
    /* delays grow to the 20 s cap (times the jitter of 1/2) */
    CHECK(h.sleeps[0] == 500 && h.sleeps[4] == 8000 && h.sleeps[5] == 10000 && h.sleeps[99] == 10000);
    acg_response_free(&resp);
    /* and the next call is not retried at all */
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 1);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_debug_log_has_no_secrets(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16], path[64];
    struct acg_error err;
    struct acg_response resp;
    struct acg_buf log;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_OK);
    CHECK(h.log != NULL);
    CHECK(strstr(h.log, "endpoint: http://127.0.0.1:") != NULL);
    CHECK(strstr(h.log, "canonical request:") != NULL);
    CHECK(strstr(h.log, "string to sign:") != NULL);
    CHECK(strstr(h.log, "AWS4-HMAC-SHA256\n") != NULL);
    CHECK(strstr(h.log, "x-amz-target:Test_20240101.DoThing") != NULL);
    CHECK(strstr(h.log, "status: 200") != NULL);
    CHECK(strstr(h.log, "request id: req-1") != NULL);
    CHECK(strstr(h.log, SECRET) == NULL);
    CHECK(strstr(h.log, TOKEN) == NULL);
    CHECK(strstr(h.log, "Signature=") == NULL);
    /* the signature the server received appears nowhere in the log */
    acg_buf_init(&log, 0);
    snprintf(path, sizeof path, "/log/%s", key);
    CHECK(server_get(path, &log) == 0);
    const char *sig = strstr(log.data, "Signature=");
    CHECK(sig != NULL);
    char sigv[65];
    snprintf(sigv, sizeof sigv, "%.64s", sig + 10);
    CHECK(strlen(sigv) == 64 && strstr(h.log, sigv) == NULL);
    acg_buf_free(&log);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_event_stream_refused(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_stream, "{}", &resp, &err) == ACG_ERR_UNSUPPORTED);
    CHECK_STR(err.message, "operation Subscribe uses event streams, which this runtime does not support");
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_endpoint_error_passes_through(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    cfg.region = NULL;
    cfg.endpoint_url = NULL;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call(c, &op_plain, "{}", &resp, &err) == ACG_ERR_ENDPOINT);
    CHECK_STR(err.message, "Invalid Configuration: Missing Region");
    CHECK(err.attempts == 0);
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_host_prefix(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    /* curl resolves *.localhost to the loopback address itself */
    snprintf(url, sizeof url, "http://localhost:%d/s/ok/%s", server_port, key);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(call_prefixed(c, &op_plain, "{}", "data.", &resp, &err) == ACG_OK);
    char want[96];
    snprintf(want, sizeof want, "endpoint: http://data.localhost:%d/s/ok/", server_port);
    CHECK(strstr(h.log, want) != NULL);
    snprintf(want, sizeof want, "host:data.localhost:%d\n", server_port);
    CHECK(strstr(h.log, want) != NULL);
    acg_response_free(&resp);
    acg_client_destroy(c);
    /* botocore's ensure_boolean: "1" does not disable the prefix, "TRUE" does */
    const char *values[] = { "1", "TRUE" };
    for (int i = 0; i < 2; i++) {
        setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", values[i], 1);
        h.log[0] = '\0';
        h.log_len = 0;
        c = acg_client_new(&test_service, &cfg, NULL);
        CHECK(c != NULL);
        CHECK(call_prefixed(c, &op_plain, "{}", "data.", &resp, &err) == ACG_OK);
        snprintf(want, sizeof want, "host:data.localhost:%d\n", server_port);
        CHECK((strstr(h.log, want) != NULL) == (i == 0));
        acg_response_free(&resp);
        acg_client_destroy(c);
    }
    unsetenv("AWS_DISABLE_HOST_PREFIX_INJECTION");
    hooks_free(&h);
    return 0;
}

static int test_uuid(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16], u[37], v[37];
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    h.random_value = 0xffffffffu;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    acg_uuid4(c, u);
    CHECK_STR(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    acg_client_destroy(c);
    cfg.random = NULL;
    c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    acg_uuid4(c, u);
    acg_uuid4(c, v);
    CHECK(strlen(u) == 36 && u[14] == '4' && strchr("89ab", u[19]) != NULL && strcmp(u, v) != 0);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_log_enabled(void)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    cfg.log_level = ACG_LOG_WARN;
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    CHECK(c != NULL);
    CHECK(acg_client_log_enabled(c, ACG_LOG_ERROR) && acg_client_log_enabled(c, ACG_LOG_WARN));
    CHECK(!acg_client_log_enabled(c, ACG_LOG_INFO) && !acg_client_log_enabled(c, ACG_LOG_DEBUG));
    CHECK(!acg_client_log_enabled(NULL, ACG_LOG_ERROR));
    acg_client_log(c, ACG_LOG_DEBUG, "hidden %d", 1);
    acg_client_log(c, ACG_LOG_WARN, "shown %d", 2);
    CHECK(h.log != NULL && strstr(h.log, "hidden") == NULL && strstr(h.log, "shown 2") != NULL);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

/* ---- TLS ---- */

static int tls_case(bool no_verify, const char *ca_bundle, const char *env_bundle, int want_rc)
{
    struct hooks h;
    struct acg_client_config cfg;
    char url[128], key[16];
    struct acg_error err;
    struct acg_response resp;
    hooks_init(&h);
    config_for(&cfg, &h, "ok", url, sizeof url, key, sizeof key);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/s/ok/%s", tls_server.port, key);
    cfg.no_verify_ssl = no_verify;
    cfg.ca_bundle = ca_bundle;
    if (env_bundle != NULL)
        setenv("AWS_CA_BUNDLE", env_bundle, 1);
    struct acg_client *c = acg_client_new(&test_service, &cfg, NULL);
    unsetenv("AWS_CA_BUNDLE");
    CHECK(c != NULL);
    int rc = call(c, &op_plain, "{}", &resp, &err);
    if (rc != want_rc)
        fprintf(stderr, "tls: rc %d: %s\n", rc, err.message);
    CHECK(rc == want_rc);
    if (want_rc == ACG_OK) {
        CHECK(resp.http_status == 200);
    } else {
        /* a refused certificate is not retried: the next attempt would fail the same way */
        CHECK(err.attempts == 1 && !err.retries_exhausted);
        CHECK(strstr(err.message, "certificate") != NULL || strstr(err.message, "SSL") != NULL);
    }
    acg_response_free(&resp);
    acg_client_destroy(c);
    hooks_free(&h);
    return 0;
}

static int test_tls_verification(void)
{
    int line;
    if (tls_server.port == 0) {
        fprintf(stderr, "tls: no server (openssl missing?)\n");
        return __LINE__;
    }
    if ((line = tls_case(false, NULL, NULL, ACG_ERR_TRANSPORT)) != 0)   /* self-signed: refused */
        return line;
    if ((line = tls_case(false, tls_cert, NULL, ACG_OK)) != 0)          /* config's bundle */
        return line;
    if ((line = tls_case(false, NULL, tls_cert, ACG_OK)) != 0)          /* AWS_CA_BUNDLE */
        return line;
    return tls_case(true, NULL, NULL, ACG_OK);                           /* --no-verify-ssl */
}

/* ---- the servers ---- */

static int start_server(struct server *srv, const char *cert, const char *keyfile)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    srv->pid = fork();
    if (srv->pid < 0)
        return -1;
    if (srv->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        const char *py = getenv("PYTHON") != NULL ? getenv("PYTHON") : "python3";
        if (cert != NULL)
            execlp(py, py, "tests/servers/http_aws.py", "--tls", cert, keyfile, (char *)NULL);
        else
            execlp(py, py, "tests/servers/http_aws.py", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    /* A server started later must not inherit this one's stdin pipe, or this one never
     * sees EOF when the test closes it, and waitpid() in stop_server() hangs. */
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    srv->in = fdopen(in[1], "w");
    FILE *f = fdopen(out[0], "r");
    char line[32];
    if (f == NULL || fgets(line, sizeof line, f) == NULL) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    fclose(f);
    srv->port = atoi(line);
    return srv->port > 0 ? 0 : -1;
}

static void stop_server(struct server *srv)
{
    if (srv->in != NULL)
        fclose(srv->in);   /* the server exits when its stdin closes */
    if (srv->pid > 0) {
        int st;
        waitpid(srv->pid, &st, 0);
    }
}

/* A self-signed certificate for 127.0.0.1 in a fresh temporary folder. */
static int make_cert(char *keyfile, size_t keyfile_size)
{
    snprintf(tls_dir, sizeof tls_dir, "/tmp/acg-tls-XXXXXX");
    if (mkdtemp(tls_dir) == NULL)
        return -1;
    snprintf(tls_cert, sizeof tls_cert, "%s/cert.pem", tls_dir);
    snprintf(keyfile, keyfile_size, "%s/key.pem", tls_dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s >/dev/null 2>&1",
             keyfile, tls_cert);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_success_headers),
        TEST(test_keep_alive),
        TEST(test_retry_5xx_then_success),
        TEST(test_retry_throttle_and_modelled),
        TEST(test_attempts_exhausted),
        TEST(test_not_retryable),
        TEST(test_html_error_page),
        TEST(test_connection_refused),
        TEST(test_read_timeout),
        TEST(test_read_timeout_reused_connection),
        TEST(test_reset_mid_body),
        TEST(test_response_cap),
        TEST(test_compression_threshold),
        TEST(test_shared_by_threads),
        TEST(test_retry_quota_exhaustion),
        TEST(test_debug_log_has_no_secrets),
        TEST(test_event_stream_refused),
        TEST(test_endpoint_error_passes_through),
        TEST(test_host_prefix),
        TEST(test_uuid),
        TEST(test_log_enabled),
        TEST(test_tls_verification),
    };
    /* Only the settings given in code: no files, no instance metadata, no proxy. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/acg-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acg-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("NO_PROXY", "*", 1);
    static const char *const unset[] = {
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_TEST", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE",
        "AWS_DISABLE_REQUEST_COMPRESSION", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
        "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "http_proxy", "HTTP_PROXY",
        "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    };
    for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
        unsetenv(unset[i]);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (start_server(&plain_server, NULL, NULL) != 0) {
        fprintf(stderr, "could not start tests/servers/http_aws.py\n");
        printf("client: 0 passed, 1 failed\n");
        return 1;
    }
    server_port = plain_server.port;
    char keyfile[128];
    if (make_cert(keyfile, sizeof keyfile) == 0)
        start_server(&tls_server, tls_cert, keyfile);
    int rc = RUN_TESTS("client", tests);
    stop_server(&plain_server);
    stop_server(&tls_server);
    if (tls_dir[0] != '\0') {
        unlink(tls_cert);
        unlink(keyfile);
        rmdir(tls_dir);
    }
    curl_global_cleanup();
    return rc;
}
