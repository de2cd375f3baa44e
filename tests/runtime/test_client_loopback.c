/* (tests/runtime/test_client.c is a sibling suite against tests/servers/http_aws.py.)
 * acg_client over real libcurl against tests/servers/http_server.py on loopback: request
 * shape and SigV4 (recomputed by botocore), keep-alive, retries, timeouts, size caps,
 * compression, threads, logs without secrets. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/acg_client.h"
#include "protocol/acg_protocol.h"
#include "http/acg_http.h"
#include "common/acg_random.h"
#include "http/acg_retry.h"
#include "harness.h"
#include "servers/http_ctl.h"

#define AK "AKIDEXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLETOKENsecretsecret"

static struct http_srv srv;
static char endpoint[64];

/* The hand-written stand-in for a generated rule set: the custom endpoint, else the rule
 * set's own error for a missing region, else an AWS-looking URL. */
static int test_resolver(const struct acg_endpoint_params *p, struct acg_endpoint *out,
                         struct acg_error *err)
{
    if (p->builtins.endpoint != NULL) {
        snprintf(out->url, sizeof out->url, "%s", p->builtins.endpoint);
        return ACG_OK;
    }
    if (p->builtins.region == NULL)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "Invalid Configuration: Missing Region");
    snprintf(out->url, sizeof out->url, "https://personalize.%s.amazonaws.com", p->builtins.region);
    return ACG_OK;
}

/* The modelled errors, sorted by code as generated tables are. */
static const struct acg_shape busy = {
    .name = "BusyException", .type = ACG_SHAPE_STRUCTURE,
    .flags = ACG_SHAPE_EXCEPTION | ACG_SHAPE_RETRYABLE,
};
static const struct acg_shape limit_exceeded = {
    .name = "LimitExceededException", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_EXCEPTION,
};
static const struct acg_shape slow_poke = {
    .name = "SlowPokeException", .type = ACG_SHAPE_STRUCTURE,
    .flags = ACG_SHAPE_EXCEPTION | ACG_SHAPE_RETRYABLE | ACG_SHAPE_THROTTLING,
};
static const struct acg_shape *const test_errors[] = { &busy, &limit_exceeded, &slow_poke };

static const struct acg_service svc = {
    .service_id = "Personalize",
    .signing_name = "personalize",
    .endpoint_prefix = "personalize",
    .target_prefix = "AmazonPersonalize",
    .json_version = "1.1",
    .api_version = "2018-05-22",
    .protocol = ACG_PROTOCOL_JSON,
    .codec = &acg_codec_json,
    .resolve_endpoint = test_resolver,
    .errors = test_errors,
    .error_count = sizeof test_errors / sizeof test_errors[0],
};

static const struct acg_operation op_describe = {
    .name = "DescribeBatchInferenceJob", .http_method = "POST", .request_uri = "/",
};
static const struct acg_operation op_compressed = {
    .name = "PutEvents", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_REQUEST_COMPRESSION,
};
static const struct acg_operation op_no_auth = {
    .name = "GetRoleCredentials", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_NO_AUTH,
};
static const struct acg_operation op_unsigned_body = {
    .name = "PutSnapshotBlock", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_UNSIGNED_PAYLOAD,
};
static const struct acg_operation op_stream = {
    .name = "SubscribeToShard", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_EVENT_STREAM,
};

/* ---- hooks: delays are recorded, never slept ---- */

struct hooks {
    int64_t delays[256];
    int ndelays;
    uint32_t random_value;
};
static struct hooks hk;

static void fake_sleep(void *ctx, int64_t ms)
{
    struct hooks *h = ctx;
    if (h->ndelays < 256)
        h->delays[h->ndelays++] = ms;
}

static uint32_t fake_random(void *ctx)
{
    return ((struct hooks *)ctx)->random_value;
}

/* ---- log capture ---- */

static char logbuf[1 << 20];
static size_t loglen;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void capture_log(void *ctx, enum acg_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    pthread_mutex_lock(&log_lock);
    int n = snprintf(logbuf + loglen, sizeof logbuf - loglen, "%s\n", msg);
    if (n > 0 && (size_t)n < sizeof logbuf - loglen)
        loglen += (size_t)n;
    pthread_mutex_unlock(&log_lock);
}

static void base_config(struct acg_client_config *cfg)
{
    acg_client_config_init(cfg);
    cfg->region = "us-east-1";
    cfg->endpoint_url = endpoint;
    cfg->access_key_id = AK;
    cfg->secret_access_key = SK;
    cfg->sleep_ms = fake_sleep;
    cfg->hook_ctx = &hk;
    cfg->connect_timeout_ms = 2000;
    cfg->read_timeout_ms = 5000;
    memset(&hk, 0, sizeof hk);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sends body as op's request, built by hand the way the awsJson protocol builds it. */
static int call(struct acg_client *c, const struct acg_operation *op, const char *body,
                struct acg_response *resp, struct acg_error *err)
{
    struct acg_request req;
    char target[128];
    acg_request_init(&req);
    acg_response_init(resp);
    acg_error_init(err);
    snprintf(target, sizeof target, "%s.%s", svc.target_prefix, op->name);
    req.method = "POST";
    int rc = acg_buf_append_char(&req.path, '/');
    if (rc == ACG_OK)
        rc = acg_buf_append(&req.body, body, strlen(body));
    if (rc == ACG_OK)
        rc = acg_request_add_header(&req, "Content-Type", "application/x-amz-json-1.1", err);
    if (rc == ACG_OK)
        rc = acg_request_add_header(&req, "X-Amz-Target", target, err);
    if (rc == ACG_OK) {
        struct acg_send send = { .op = op, .req = &req };
        rc = acg_client_send(c, &send, resp, err);
    }
    acg_request_free(&req);
    return rc;
}

static bool has(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* ---- tests ---- */

static int test_request_shape(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"body\": \"{\\\"batchInferenceJob\\\": {}}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    int rc = call(c, &op_describe, "{\"batchInferenceJobArn\":\"arn:x\"}", &resp, &err);
    CHECK(rc == ACG_OK);
    CHECK(err.attempts == 1);
    CHECK(resp.http_status == 200);
    CHECK_STR(resp.body.data, "{\"batchInferenceJob\": {}}");
    CHECK_STR(resp.request_id, "req-1");
    const char *r = http_srv_req(&srv, 0);
    CHECK(has(r, "\"sig_ok\": true"));
    CHECK(has(r, "\"path\": \"/\""));
    CHECK(has(r, "\"x-amz-target\": \"AmazonPersonalize.DescribeBatchInferenceJob\""));
    CHECK(has(r, "\"content-type\": \"application/x-amz-json-1.1\""));
    CHECK(has(r, "\"amz-sdk-request\": \"attempt=1; max=3\""));
    CHECK(has(r, "\"amz-sdk-invocation-id\": \""));
    CHECK(has(r, "\"user-agent\": \"acg/"));
    CHECK(has(r, "Personalize"));   /* the product, its version and the service */
    CHECK(!has(r, "\"expect\""));
    CHECK(!has(r, "\"x-amz-security-token\""));
    CHECK(has(r, "\"body\": \"{\\\"batchInferenceJobArn\\\":\\\"arn:x\\\"}\""));
    CHECK(has(r, "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-type;host;"
                 "x-amz-date;x-amz-target"));
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

/* smithy.api#noAuth: no signature, no date, no token, and no credentials needed. */
static int test_no_auth(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.session_token = TOKEN;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"body\": \"{}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_no_auth, "{}", &resp, &err) == ACG_OK);
    const char *r = http_srv_req(&srv, 0);
    CHECK(!has(r, "\"authorization\""));
    CHECK(!has(r, "\"x-amz-date\""));
    CHECK(!has(r, "\"x-amz-security-token\""));
    CHECK(has(r, "\"x-amz-target\": \"AmazonPersonalize.GetRoleCredentials\""));
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

/* v4-unsigned-body: X-Amz-Content-SHA256: UNSIGNED-PAYLOAD, signed, and standing for the
 * body's hash in the canonical request (botocore recomputes the signature that way). */
static int test_unsigned_payload(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"body\": \"{}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_unsigned_body, "{\"block\": \"data\"}", &resp, &err) == ACG_OK);
    const char *r = http_srv_req(&srv, 0);
    CHECK(has(r, "\"x-amz-content-sha256\": \"UNSIGNED-PAYLOAD\""));
    CHECK(has(r, "x-amz-content-sha256;x-amz-date"));
    CHECK(has(r, "\"sig_ok\": true"));
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

static int test_keep_alive(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    int conns, reqs;
    base_config(&cfg);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    http_srv_reset(&srv);
    for (int i = 0; i < 5; i++) {
        CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
        acg_response_free(&resp);
    }
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 5);
    CHECK(conns == 1);
    acg_client_destroy(c);
    return 0;
}

static int test_throttled_then_ok(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    char id0[64] = "";
    base_config(&cfg);
    cfg.random = fake_random;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv,
        "[{\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"ThrottlingException\\\", \\\"message\\\": \\\"slow down\\\"}\"},"
        " {\"status\": 400, \"headers\": {\"X-Amzn-ErrorType\": \"TooManyRequestsException:http://internal\"},"
        " \"body\": \"{\\\"__type\\\": \\\"aws#TooManyRequestsException\\\"}\"},"
        " {\"body\": \"{\\\"ok\\\": 1}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    hk.random_value = 0x80000000u;   /* rand() = 0.5 */
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(err.attempts == 3);
    CHECK(resp.http_status == 200);
    CHECK(hk.ndelays == 2);
    CHECK(hk.delays[0] == 500);    /* 0.5 * min(2^0, 20) s */
    CHECK(hk.delays[1] == 1000);   /* 0.5 * min(2^1, 20) s */
    for (int i = 0; i < 3; i++) {
        const char *r = http_srv_req(&srv, i);
        char want[64];
        snprintf(want, sizeof want, "\"amz-sdk-request\": \"attempt=%d; max=3\"", i + 1);
        CHECK(has(r, want));
        CHECK(has(r, "\"sig_ok\": true"));
        const char *id = strstr(r, "\"amz-sdk-invocation-id\": \"");
        CHECK(id != NULL);
        id += strlen("\"amz-sdk-invocation-id\": \"");
        if (i == 0)
            snprintf(id0, sizeof id0, "%.36s", id);
        else
            CHECK(strncmp(id, id0, 36) == 0);   /* one id across retries */
    }
    CHECK(id0[14] == '4');
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_500_exhausts_retries(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 500, \"body\": \"{\\\"__type\\\": \\\"InternalFailure\\\", \\\"message\\\": \\\"boom\\\"}\"},"
                                " {\"status\": 503, \"body\": \"\"},"
                                " {\"status\": 500, \"body\": \"{\\\"__type\\\": \\\"com.amazon#InternalFailure\\\", \\\"Message\\\": \\\"boom 3\\\"}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.status == ACG_ERR_SERVICE);
    CHECK(err.attempts == 3);
    CHECK(err.retries_exhausted);
    CHECK(err.http_status == 500);
    CHECK_STR(err.aws_type, "InternalFailure");
    CHECK_STR(err.message, "boom 3");
    CHECK_STR(err.request_id, "req-3");
    CHECK(resp.http_status == 500);
    CHECK(has(resp.body.data, "boom 3"));   /* kept for the modelled-error decoder */
    CHECK(hk.ndelays == 2);
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

static int test_not_retryable(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    int conns, reqs;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 400, \"headers\": {\"x-amzn-RequestId\": \"abc-123\"}, \"body\": \"{\\\"__type\\\": \\\"aws.protocoltests.json#ResourceNotFoundException\\\", \\\"message\\\": \\\"no such job\\\"}\"},"
                                " {\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"LimitExceededException\\\"}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 1);
    CHECK(!err.retries_exhausted);
    CHECK(err.http_status == 400);
    CHECK_STR(err.aws_type, "ResourceNotFoundException");
    CHECK_STR(err.message, "no such job");
    CHECK_STR(err.request_id, "abc-123");
    acg_response_free(&resp);
    /* LimitExceededException is on botocore's throttling list: retried even though the
     * model (here) does not mark it retryable. */
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(err.attempts == 2);
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 3);
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

static int test_modelled_retryable(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 409, \"body\": \"{\\\"__type\\\": \\\"BusyException\\\"}\"},"
                                " {\"status\": 409, \"body\": \"{\\\"__type\\\": \\\"SlowPokeException\\\"}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(err.attempts == 3);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_html_error_page(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.max_attempts = 2;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 502, \"headers\": {\"Content-Type\": \"text/html\"}, \"body\": \"<html><body><h1>502 Bad Gateway</h1></body></html>\"},"
                                " {\"status\": 502, \"headers\": {\"Content-Type\": \"text/html\"}, \"body\": \"<html><body><h1>502 Bad Gateway</h1></body></html>\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 2);
    CHECK(err.retries_exhausted);
    CHECK(err.http_status == 502);
    CHECK_STR(err.aws_type, "502");
    CHECK_STR(err.message, "Bad Gateway");   /* botocore's generic 5xx: the reason phrase */
    acg_response_free(&resp);
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

/* A port nothing listens on: bind, read the port, close. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int test_connection_refused(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    char url[64];
    base_config(&cfg);
    int port = dead_port();
    CHECK(port > 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    cfg.endpoint_url = url;
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    double t0 = now_s();
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    CHECK(now_s() - t0 < 2.0);
    CHECK(err.attempts == 3);
    CHECK(err.retries_exhausted);
    CHECK(err.http_status == 0);
    CHECK(has(err.message, "127.0.0.1"));
    CHECK(hk.ndelays == 2);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

/* A listener whose accept queue is full: the kernel drops further SYNs, so connect()
 * hangs until the client's connect timeout. Linux on loopback keeps backlog + 1 completed
 * connections queued; a few extra non-blocking connects fill it. */
static int test_connect_timeout(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fillers[8];
    char url[64];
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(listen(lfd, 0) == 0);
    CHECK(getsockname(lfd, (struct sockaddr *)&a, &len) == 0);
    for (int i = 0; i < 8; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM, 0);
        fcntl(fillers[i], F_SETFL, O_NONBLOCK);
        (void)connect(fillers[i], (struct sockaddr *)&a, sizeof a);
    }
    nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
    base_config(&cfg);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    cfg.endpoint_url = url;
    cfg.connect_timeout_ms = 300;
    cfg.max_attempts = 2;
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    double t0 = now_s();
    int rc = call(c, &op_describe, "{}", &resp, &err);
    double dt = now_s() - t0;
    for (int i = 0; i < 8; i++)
        close(fillers[i]);
    close(lfd);
    CHECK(rc == ACG_ERR_TRANSPORT);
    CHECK(err.attempts == 2);
    CHECK(dt >= 0.5 && dt < 2.0);   /* two attempts of ~300 ms */
    CHECK(has(err.message, "imeout") || has(err.message, "imed out"));
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_read_timeout(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.read_timeout_ms = 300;
    cfg.max_attempts = 1;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"hang\": 4}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    double t0 = now_s();
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_TRANSPORT);
    double dt = now_s() - t0;
    CHECK(dt >= 0.29 && dt < 2.5);   /* the progress callback runs at least once a second */
    CHECK(err.attempts == 1);
    CHECK(err.retries_exhausted);    /* a timeout is retryable; the budget was one attempt */
    CHECK(has(err.message, "Read timeout on endpoint URL: \"http://127.0.0.1:"));
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_trickle_total_cap(void)
{
    int rc;
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    /* neither read-timeout rule fires: a byte every 50 ms is no silence, and 20 bytes a
     * second is above the rate floor (16) */
    cfg.read_timeout_ms = 1000;
    cfg.total_timeout_ms = 1200;
    cfg.max_attempts = 1;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"trickle_ms\": 50, \"body\": \"{\\\"a\\\": \\\"0123456789012345678901234567890123456789\\\"}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    double t0 = now_s();
    rc = call(c, &op_describe, "{}", &resp, &err);
    double dt = now_s() - t0;
    if (rc != ACG_ERR_TRANSPORT)
        fprintf(stderr, "rc %d %s dt %.2f body %s\n", rc, err.message, dt, resp.body.data);
    CHECK(rc == ACG_ERR_TRANSPORT);
    CHECK(dt >= 1.1 && dt < 2.5);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

/* The rate floor: a byte every 100 ms is never a second of silence, but 10 bytes a second
 * is under 16, so the attempt ends as a read timeout after about one read timeout, long
 * before the total cap. */
static int test_trickle_rate_floor(void)
{
    int rc;
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.read_timeout_ms = 1000;
    cfg.total_timeout_ms = 30000;
    cfg.max_attempts = 1;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"trickle_ms\": 100, \"body\": \"{\\\"a\\\": \\\"0123456789012345678901234567890123456789\\\"}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    double t0 = now_s();
    rc = call(c, &op_describe, "{}", &resp, &err);
    double dt = now_s() - t0;
    if (rc != ACG_ERR_TRANSPORT)
        fprintf(stderr, "rc %d %s dt %.2f\n", rc, err.message, dt);
    CHECK(rc == ACG_ERR_TRANSPORT);
    /* A byte every 100 ms never leaves the line silent for the 1 s read timeout: only the
     * rate floor ends it, this soon. */
    CHECK(strstr(err.message, "Read timeout on endpoint URL: ") == err.message);
    CHECK(dt >= 0.9 && dt < 2.5);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_close_mid_body(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"close_after\": 5, \"body\": \"{\\\"truncated\\\": true, \\\"x\\\": 12345}\"},"
                                " {\"body\": \"{\\\"whole\\\": true}\"}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(err.attempts == 2);
    CHECK_STR(resp.body.data, "{\"whole\": true}");
    acg_response_free(&resp);
    /* Every attempt cut short: a transport error after the budget. */
    CHECK(http_srv_script(&srv, "[{\"close_after\": 3, \"body\": \"{\\\"long\\\": 1}\"}, {\"close_after\": 3, \"body\": \"{\\\"long\\\": 1}\"}, {\"close_after\": 3, \"body\": \"{\\\"long\\\": 1}\"}]") == 0);
    int rc = call(c, &op_describe, "{}", &resp, &err);
    if (rc != ACG_ERR_TRANSPORT)
        fprintf(stderr, "rc %d %s body %s\n", rc, err.message, resp.body.data);
    CHECK(rc == ACG_ERR_TRANSPORT);
    CHECK(err.attempts == 3 && err.retries_exhausted);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_too_large(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.max_response_bytes = 1000;
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"huge\": 5000}, {\"huge\": 5000, \"no_length\": true}, {\"huge\": 1000}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_TOO_LARGE);   /* Content-Length */
    CHECK(err.attempts == 1);
    CHECK(has(err.message, "1000-byte limit"));
    acg_response_free(&resp);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_TOO_LARGE);   /* counted */
    CHECK(err.attempts == 1);
    CHECK(resp.body.len <= 1000);
    acg_response_free(&resp);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);              /* exactly the cap */
    CHECK(resp.body.len == 1000);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_compression(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    static char big[20000];
    base_config(&cfg);
    http_srv_reset(&srv);
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "{\"a\":\"", 6);
    memcpy(big + 10240 - 2, "\"}", 3);   /* exactly 10240 bytes: compressed (>= min) */
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(strlen(big) == 10240);
    CHECK(call(c, &op_compressed, big, &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    big[10240 - 3] = '"';
    big[10240 - 2] = '}';
    big[10240 - 1] = '\0';               /* 10239 bytes: sent as is */
    CHECK(call(c, &op_compressed, big, &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    CHECK(call(c, &op_describe, "{\"small\":1}", &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    const char *r = http_srv_req(&srv, 0);
    CHECK(has(r, "\"content-encoding\": \"gzip\""));
    CHECK(has(r, "\"sig_ok\": true"));
    CHECK(!has(r, "\"raw_len\": 10240"));
    CHECK(has(r, "aaaaaaaa\\\"}\""));     /* the server's gunzip gives the JSON back */
    r = http_srv_req(&srv, 1);
    CHECK(!has(r, "content-encoding"));
    CHECK(has(r, "\"raw_len\": 10239"));
    r = http_srv_req(&srv, 2);
    CHECK(!has(r, "content-encoding"));
    acg_client_destroy(c);

    /* disable_request_compression turns it off. */
    setenv("AWS_DISABLE_REQUEST_COMPRESSION", "true", 1);
    http_srv_reset(&srv);
    big[10240 - 1] = 'a';
    memcpy(big + 10240 - 2, "\"}", 3);
    c = acg_client_new(&svc, &cfg, &err);
    unsetenv("AWS_DISABLE_REQUEST_COMPRESSION");
    CHECK(c != NULL);
    CHECK(call(c, &op_compressed, big, &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    CHECK(!has(http_srv_req(&srv, 0), "content-encoding"));
    acg_client_destroy(c);
    return 0;
}

struct worker {
    struct acg_client *c;
    int ok;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 10; i++) {
        struct acg_error err;
        struct acg_response resp;
        char body[64];
        snprintf(body, sizeof body, "{\"i\": %d}", i);
        if (call(w->c, &op_describe, body, &resp, &err) == ACG_OK && resp.http_status == 200)
            w->ok++;
        acg_response_free(&resp);
        acg_error_free(&err);
    }
    return NULL;
}

static int test_threads_share_client(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    pthread_t th[8];
    struct worker w[8];
    int conns, reqs;
    base_config(&cfg);
    cfg.log = capture_log;           /* the log callback is called from every thread */
    cfg.log_level = ACG_LOG_DEBUG;
    http_srv_reset(&srv);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    for (int i = 0; i < 8; i++) {
        w[i].c = c;
        w[i].ok = 0;
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 8; i++)
        CHECK(w[i].ok == 10);
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 80);
    CHECK(conns >= 1 && conns <= 8);   /* pooled: no more connections than threads */
    for (int i = 0; i < 80; i++)
        CHECK(has(http_srv_req(&srv, i), "\"sig_ok\": true"));
    acg_client_destroy(c);
    loglen = 0;
    return 0;
}

static int test_retry_quota_exhaustion(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    static char script[8192];
    size_t o = 0;
    base_config(&cfg);
    cfg.max_attempts = 100;   /* the most acg_settings accepts; the quota runs out first */
    http_srv_reset(&srv);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    script[o++] = '[';
    for (int i = 0; i < 100; i++)
        o += (size_t)snprintf(script + o, sizeof script - o, "%s{\"status\": 503}", i ? "," : "");
    script[o++] = ']';
    script[o] = '\0';
    /* 500 tokens, 5 per retry: the first call retries 99 times (495 tokens). */
    CHECK(http_srv_script(&srv, script) == 0);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 100);
    CHECK(err.retries_exhausted);
    acg_response_free(&resp);
    /* 5 tokens left: one more retry, then the quota refuses. */
    CHECK(http_srv_script(&srv, script) == 0);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 2);
    CHECK(!err.retries_exhausted);   /* the quota, not max attempts, stopped it */
    acg_response_free(&resp);
    /* Empty bucket: no retry at all. A success without retries gives back 1 token. */
    CHECK(http_srv_script(&srv, "[{\"status\": 503}, {\"status\": 200}]") == 0);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_SERVICE);
    CHECK(err.attempts == 1);
    acg_response_free(&resp);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    for (int i = 0; i < 4; i++) {   /* 1 + 4 successes: 5 tokens, one retry's worth */
        CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
        acg_response_free(&resp);
    }
    CHECK(http_srv_script(&srv, "[{\"status\": 503}, {\"status\": 200}]") == 0);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(err.attempts == 2);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_event_stream_unsupported(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    int conns, reqs;
    base_config(&cfg);
    http_srv_reset(&srv);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_stream, "{}", &resp, &err) == ACG_ERR_UNSUPPORTED);
    CHECK_STR(err.message, "operation SubscribeToShard uses event streams, which this runtime does not support");
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0 && reqs == 0);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_missing_region(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.region = NULL;
    cfg.endpoint_url = NULL;
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_ENDPOINT);
    CHECK_STR(err.message, "Invalid Configuration: Missing Region");
    CHECK(err.attempts == 0);
    acg_response_free(&resp);
    acg_client_destroy(c);
    return 0;
}

static int test_debug_log_has_no_secrets(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    char sig[80] = "";
    base_config(&cfg);
    cfg.session_token = TOKEN;
    cfg.log = capture_log;
    cfg.log_level = ACG_LOG_DEBUG;
    loglen = 0;
    logbuf[0] = '\0';
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 503}, {}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    acg_response_free(&resp);
    const char *r = http_srv_req(&srv, 1);
    CHECK(has(r, "\"sig_ok\": true"));
    CHECK(has(r, "\"x-amz-security-token\": \"" TOKEN "\""));
    CHECK(has(r, "x-amz-security-token;x-amz-target"));   /* the token is signed */
    const char *s = strstr(r, "Signature=");
    CHECK(s != NULL);
    snprintf(sig, sizeof sig, "%.64s", s + 10);
    CHECK(strlen(sig) == 64);
    char want[128];
    snprintf(want, sizeof want, "endpoint: %s", endpoint);
    CHECK(has(logbuf, want));
    CHECK(has(logbuf, "canonical request:\nPOST\n/\n\n"));
    CHECK(has(logbuf, "string to sign:\nAWS4-HMAC-SHA256\n"));
    CHECK(has(logbuf, "status: 503"));
    CHECK(has(logbuf, "status: 200"));
    CHECK(has(logbuf, "request id: req-2"));
    CHECK(has(logbuf, "retrying in "));
    CHECK(has(logbuf, "(attempt 2 of 3"));
    CHECK(has(logbuf, "x-amz-security-token:<redacted>"));
    CHECK(!has(logbuf, SK));
    CHECK(!has(logbuf, TOKEN));
    CHECK(!has(logbuf, sig));
    CHECK(!has(logbuf, "Signature="));
    acg_client_destroy(c);
    return 0;
}

static int test_credentials_from_env(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    cfg.access_key_id = NULL;
    cfg.secret_access_key = NULL;
    setenv("AWS_ACCESS_KEY_ID", AK, 1);
    setenv("AWS_SECRET_ACCESS_KEY", SK, 1);
    http_srv_reset(&srv);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(has(http_srv_req(&srv, 0), "\"sig_ok\": true"));
    acg_response_free(&resp);
    acg_client_destroy(c);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    /* No credentials anywhere: a configuration error before anything is sent. */
    c = acg_client_new(&svc, &cfg, &err);
    if (c != NULL) {
        CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_ERR_CONFIG);
        CHECK(err.attempts <= 1);
        acg_response_free(&resp);
        acg_client_destroy(c);
    } else {
        CHECK(err.status == ACG_ERR_CONFIG);
    }
    return 0;
}

static int test_uuid(void)
{
    char a[37], b[37];
    acg_uuid4(NULL, a);
    acg_uuid4(NULL, b);
    CHECK(strlen(a) == 36);
    CHECK(strcmp(a, b) != 0);
    CHECK(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    unsigned char zero[16] = { 0 };
    acg_uuid4_format(zero, a);
    CHECK_STR(a, "00000000-0000-4000-8000-000000000000");
    return 0;
}

static int test_host_prefix(void)
{
    struct acg_url u;
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_url_parse("https://personalize.us-east-1.amazonaws.com", "data-", &u, &err) == ACG_OK);
    CHECK_STR(u.host, "data-personalize.us-east-1.amazonaws.com");
    CHECK_STR(u.authority, "data-personalize.us-east-1.amazonaws.com");
    CHECK_STR(u.path, "/");
    CHECK(acg_url_parse("HTTP://127.0.0.1:8080/base?x=1", NULL, &u, &err) == ACG_OK);
    CHECK_STR(u.scheme, "http");
    CHECK_STR(u.authority, "127.0.0.1:8080");
    CHECK_STR(u.path, "/base");
    CHECK_STR(u.query, "x=1");
    CHECK(acg_url_parse("https://[::1]:443", NULL, &u, &err) == ACG_OK);
    CHECK_STR(u.host, "::1");
    CHECK_STR(u.authority, "[::1]");
    CHECK(acg_url_parse("ftp://x", NULL, &u, &err) == ACG_ERR_ENDPOINT);
    acg_error_init(&err);
    CHECK(acg_url_parse("http://x:99999", NULL, &u, &err) == ACG_ERR_ENDPOINT);
    acg_error_init(&err);
    CHECK(acg_url_parse("localhost:80", NULL, &u, &err) == ACG_ERR_ENDPOINT);
    return 0;
}

/* One handle, requests that differ in method, URL, headers and body: each is sent as
 * given, whatever the previous one set on the handle. */
static int test_http_conn_requests_differ(void)
{
    struct acg_http_options o = {
        .connect_timeout_ms = 2000,
        .read_timeout_ms = 5000,
        .total_timeout_ms = 10000,
        .max_response_bytes = 1 << 20,
        .user_agent = "acg-test/1",
    };
    const struct acg_header two[] = { { "X-One", "1" }, { "X-Skipped", NULL }, { "X-Two", "two" } };
    const struct acg_header one[] = { { "X-Three", "3" } };
    struct acg_http_result res;
    struct acg_buf body;
    char url_a[96], url_b[96];
    snprintf(url_a, sizeof url_a, "%s/a", endpoint);
    snprintf(url_b, sizeof url_b, "%s/b?x=1", endpoint);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"body\": \"r0\"}, {\"body\": \"r1\"}, {\"body\": \"r2\"}, "
                                "{\"body\": \"r3\", \"status\": 404}, {\"body\": \"r4\"}]") == 0);
    struct acg_http_conn *h = acg_http_conn_new(&o);
    CHECK(h != NULL);
    acg_buf_init(&body, 0);
    CHECK(acg_http_perform(h, "POST", url_a, two, 3, "p1", 2, &body, &res) == ACG_OK);
    CHECK(res.status == 200);
    CHECK_STR(body.data, "r0");
    CHECK(acg_http_perform(h, "GET", url_b, one, 1, NULL, 0, &body, &res) == ACG_OK);
    CHECK_STR(body.data, "r1");
    CHECK(acg_http_perform(h, "PUT", url_b, two, 3, "put-body", 8, &body, &res) == ACG_OK);
    CHECK_STR(body.data, "r2");
    CHECK(acg_http_perform(h, "DELETE", url_a, one, 1, NULL, 0, &body, &res) == ACG_OK);
    CHECK(res.status == 404);
    CHECK_STR(body.data, "r3");
    CHECK(acg_http_perform(h, "POST", url_a, NULL, 0, "p2", 2, &body, &res) == ACG_OK);
    CHECK_STR(body.data, "r4");
    CHECK(res.content_length == 2);
    acg_buf_free(&body);
    acg_http_conn_destroy(h);

    int conns, reqs;
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 5 && conns == 1);
    static const char *const method[] = { "POST", "GET", "PUT", "DELETE", "POST" };
    static const char *const path[] = { "/a", "/b?x=1", "/b?x=1", "/a", "/a" };
    static const char *const sent[] = { "p1", "", "put-body", "", "p2" };
    for (int i = 0; i < 5; i++) {
        char want[64];
        const char *r = http_srv_req(&srv, i);
        snprintf(want, sizeof want, "\"method\": \"%s\"", method[i]);
        CHECK(has(r, want));
        snprintf(want, sizeof want, "\"path\": \"%s\"", path[i]);
        CHECK(has(r, want));
        snprintf(want, sizeof want, "\"body\": \"%s\"", sent[i]);
        CHECK(has(r, want));
        CHECK(has(r, "\"user-agent\": \"acg-test/1\""));
        CHECK(!has(r, "\"expect\"") && !has(r, "\"accept\"") && !has(r, "x-skipped"));
        bool with_two = i == 0 || i == 2;
        CHECK(has(r, "\"x-one\": \"1\"") == with_two);
        CHECK(has(r, "\"x-two\": \"two\"") == with_two);
        CHECK(has(r, "\"x-three\": \"3\"") == (i == 1 || i == 3));
    }
    return 0;
}

/* The HTTP layer's last line of defence against header injection: a header name or value
 * with a CR, LF or other control byte, or a URL with one, is refused before anything is
 * sent (the server sees no connection at all). */
static int test_http_refuses_control_characters(void)
{
    struct acg_http_options o = {
        .connect_timeout_ms = 2000,
        .read_timeout_ms = 5000,
        .total_timeout_ms = 10000,
        .max_response_bytes = 1 << 20,
        .user_agent = "acg-test/1",
    };
    const struct acg_header split[] = { { "X-Amz-Security-Token", "tok\r\nX-Injected: yes" } };
    const struct acg_header del[] = { { "X-Ok", "1" }, { "X-Del", "a\x7f" } };
    const struct acg_header bad_name[] = { { "X-Bad\nName", "v" } };
    const struct acg_header fine[] = { { "X-Ok", "1" } };
    struct acg_http_result res;
    struct acg_buf body;
    char url[96], bad_url[128];
    snprintf(url, sizeof url, "%s/a", endpoint);
    snprintf(bad_url, sizeof bad_url, "%s/a\r\nX-Injected: yes", endpoint);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"body\": \"r0\"}]") == 0);
    struct acg_http_conn *h = acg_http_conn_new(&o);
    CHECK(h != NULL);
    acg_buf_init(&body, 0);
    CHECK(acg_http_perform(h, "POST", url, split, 1, "p", 1, &body, &res) == ACG_ERR_INVALID_ARG);
    CHECK(strstr(res.detail, "control character") != NULL && strstr(res.detail, "tok") == NULL);
    CHECK(acg_http_perform(h, "POST", url, del, 2, "p", 1, &body, &res) == ACG_ERR_INVALID_ARG);
    CHECK(acg_http_perform(h, "POST", url, bad_name, 1, "p", 1, &body, &res) == ACG_ERR_INVALID_ARG);
    CHECK(acg_http_perform(h, "POST", bad_url, fine, 1, "p", 1, &body, &res) == ACG_ERR_INVALID_ARG);
    int conns = -1, reqs = -1;
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(conns == 0 && reqs == 0);
    /* the handle is still good for a clean request */
    CHECK(acg_http_perform(h, "POST", url, fine, 1, "p", 1, &body, &res) == ACG_OK);
    CHECK(res.status == 200);
    acg_buf_free(&body);
    acg_http_conn_destroy(h);
    return 0;
}

/* Calls on one client read their bodies into one buffer lent by the client: a small body
 * arriving after a 100,000-byte one lands in the 128 KiB buffer that one needed. The
 * buffer is let go after 8 bodies in a row use under a quarter of it, a buffer over 16 MiB
 * is never kept, and a response may be freed after its client. */
static int test_response_buffer_pool(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_response resp;
    base_config(&cfg);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"huge\": 100000}, {}, {}, {}, {}, {}, {}, {}, {}, {}, "
                                "{\"huge\": 20000000}, {}]") == 0);
    struct acg_client *c = acg_client_new(&svc, &cfg, &err);
    CHECK(c != NULL);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(resp.body.len == 100000);
    CHECK(resp.body.cap == 131072);
    acg_response_free(&resp);
    CHECK(resp.body.data == NULL && resp.pool_ == NULL);
    for (int i = 0; i < 8; i++) {   /* lent the kept buffer, though "{}" needs 3 bytes */
        CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
        CHECK_STR(resp.body.data, "{}");
        CHECK(resp.body.cap == 131072);
        acg_response_free(&resp);
    }
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);   /* released: a fresh one */
    CHECK_STR(resp.body.data, "{}");
    CHECK(resp.body.cap < 131072);
    acg_response_free(&resp);

    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);
    CHECK(resp.body.len == 20000000);
    acg_response_free(&resp);
    CHECK(call(c, &op_describe, "{}", &resp, &err) == ACG_OK);   /* the 32 MiB one was not kept */
    CHECK(resp.body.cap < 131072);
    acg_client_destroy(c);
    CHECK_STR(resp.body.data, "{}");   /* still the caller's */
    acg_response_free(&resp);
    acg_response_free(&resp);          /* idempotent */
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_request_shape),
    TEST(test_no_auth),
    TEST(test_unsigned_payload),
    TEST(test_keep_alive),
    TEST(test_throttled_then_ok),
    TEST(test_500_exhausts_retries),
    TEST(test_not_retryable),
    TEST(test_modelled_retryable),
    TEST(test_html_error_page),
    TEST(test_connection_refused),
    TEST(test_connect_timeout),
    TEST(test_read_timeout),
    TEST(test_trickle_total_cap),
    TEST(test_trickle_rate_floor),
    TEST(test_close_mid_body),
    TEST(test_too_large),
    TEST(test_compression),
    TEST(test_threads_share_client),
    TEST(test_retry_quota_exhaustion),
    TEST(test_event_stream_unsupported),
    TEST(test_missing_region),
    TEST(test_debug_log_has_no_secrets),
    TEST(test_credentials_from_env),
    TEST(test_uuid),
    TEST(test_host_prefix),
    TEST(test_http_conn_requests_differ),
    TEST(test_response_buffer_pool),
    TEST(test_http_refuses_control_characters),
};

int main(void)
{
    /* Keep the machine's own AWS setup out: no files, no instance metadata, no env keys. */
    static const char *const clear[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_PERSONALIZE",
        "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_DISABLE_REQUEST_COMPRESSION",
        "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "http_proxy", "HTTP_PROXY", "https_proxy",
        "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    };
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
        unsetenv(clear[i]);
    setenv("AWS_CONFIG_FILE", "/nonexistent/acg-test-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acg-test-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    signal(SIGPIPE, SIG_IGN);
    if (http_srv_start(&srv) != 0) {
        fprintf(stderr, "could not start tests/servers/http_server.py\n");
        printf("client_loopback: 0 passed, 1 failed\n");
        return 1;
    }
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", srv.port);
    int rc = RUN_TESTS("client_loopback", tests);
    http_srv_stop(&srv);
    return rc;
}
