/* The asynchronous calls (client/acg_async.h) with the generated Personalize tables over
 * real libcurl against tests/servers/http_server.py on loopback, which checks every
 * request's signature: many calls in flight from one thread, retries with their delays,
 * a modelled service error, a read timeout, cancellation (of one call, from a callback, by
 * destroying the loop), a loop driven through select(), and set-up errors. Calls start
 * through the generated typed wrapper (personalize_..._async), set-up errors through
 * acg_async_call itself. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "client/acg_async.h"
#include "personalize.h"
#include "harness.h"
#include "servers/http_ctl.h"

#define AK "AKIDEXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define JOB "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/j"
#define JOB_BODY "{\\\"batchInferenceJob\\\": {\\\"jobName\\\": \\\"j\\\", " \
                 "\\\"batchInferenceJobArn\\\": \\\"" JOB "\\\", \\\"status\\\": \\\"ACTIVE\\\"}}"
#define OK_SPEC(delay) "{\"delay_ms\": " #delay ", \"body\": \"" JOB_BODY "\"}"

static struct http_srv srv;
static char endpoint[64];
static const struct acg_operation *describe;

/* One call's record: what its callback saw. */
struct outcome {
    int calls;      /* how many times the callback ran */
    int status;
    struct personalize_describe_batch_inference_job_response out;
    struct acg_error err;
    struct acg_async_call *call;
    struct acg_async *loop;            /* for callbacks that act on the loop */
    struct outcome *cancel_other;      /* cancelled from this one's callback */
};

static void on_done(void *ctx, int status)
{
    struct outcome *o = ctx;
    o->calls++;
    o->status = status;
    if (o->cancel_other != NULL && o->cancel_other->calls == 0)
        acg_async_cancel(o->loop, o->cancel_other->call);
}

static void outcome_free(struct outcome *o)
{
    personalize_describe_batch_inference_job_response_free(&o->out);
    acg_error_free(&o->err);
}

/* Retry delays of 1/8 of their cap (125 ms, then 250 ms): short, but real timers. */
static uint32_t eighth(void *ctx)
{
    (void)ctx;
    return UINT32_C(1) << 29;
}

static struct acg_client *client_with(long read_timeout_ms, int max_attempts)
{
    struct acg_client_config cfg;
    struct acg_error err;
    acg_client_config_init(&cfg);
    acg_error_init(&err);
    cfg.region = "us-west-2";
    cfg.endpoint_url = endpoint;
    cfg.access_key_id = AK;
    cfg.secret_access_key = SK;
    cfg.read_timeout_ms = read_timeout_ms;
    cfg.max_attempts = max_attempts;
    cfg.random = eighth;
    struct acg_client *c = personalize_client_new(&cfg, &err);
    if (c == NULL)
        fprintf(stderr, "client: %s\n", err.message);
    return c;
}

static int start(struct acg_async *loop, struct outcome *o)
{
    struct personalize_describe_batch_inference_job_request in = { .batch_inference_job_arn = JOB };
    memset(o, 0, sizeof *o);
    acg_error_init(&o->err);
    o->loop = loop;
    /* The generated typed wrapper: the same acg_async_call on the operation's descriptor. */
    return personalize_describe_batch_inference_job_async(loop, &in, &o->out, &o->err, on_done, o,
                                                          &o->call);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ok_job(const struct outcome *o)
{
    CHECK(o->calls == 1);
    if (o->status != ACG_OK)
        fprintf(stderr, "status %d: %s: %s\n", o->status, o->err.aws_type, o->err.message);
    CHECK(o->status == ACG_OK);
    CHECK(o->out.batch_inference_job != NULL);
    CHECK_STR(o->out.batch_inference_job->job_name, "j");
    CHECK_STR(o->out.batch_inference_job->status, "ACTIVE");
    return 0;
}

/* Eight calls whose answers each take 600 ms finish together, not one after another. */
static int test_many_in_flight(void)
{
    struct outcome o[8];
    int conns = 0, reqs = 0;
    struct acg_client *c = client_with(0, 1);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[" OK_SPEC(600) "," OK_SPEC(600) "," OK_SPEC(600) ","
                                OK_SPEC(600) "," OK_SPEC(600) "," OK_SPEC(600) ","
                                OK_SPEC(600) "," OK_SPEC(600) "]") == 0);
    double t0 = now_s();
    for (int i = 0; i < 8; i++)
        CHECK(start(loop, &o[i]) == ACG_OK);
    for (int i = 0; i < 8; i++)
        CHECK(o[i].calls == 0);   /* never from acg_async_call itself */
    CHECK(acg_async_run(loop, 10000) == 0);
    double took = now_s() - t0;
    for (int i = 0; i < 8; i++) {
        int line = ok_job(&o[i]);
        if (line != 0)
            return line;
        outcome_free(&o[i]);
    }
    CHECK(took < 4.5);   /* serially: 4.8 s; valgrind on a busy machine needs the slack */
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 8);
    CHECK(conns == 8);   /* all at once: one connection each (one after another would reuse one) */
    for (int i = 0; i < 8; i++)
        CHECK(strstr(http_srv_req(&srv, i), "\"sig_ok\": true") != NULL);
    CHECK(acg_async_timeout_ms(loop) == -1);   /* nothing in flight */
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* 503, then throttled, then the answer: retried as the blocking call retries, after the
 * backoff delays (125 + 250 ms), re-signed each time. */
static int test_retries(void)
{
    struct outcome o;
    struct acg_client *c = client_with(0, 3);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 503, \"body\": \"{\\\"__type\\\": \\\"ServiceUnavailable\\\"}\"},"
                                "{\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"ThrottlingException\\\", "
                                "\\\"message\\\": \\\"slow down\\\"}\"}," OK_SPEC(0) "]") == 0);
    double t0 = now_s();
    CHECK(start(loop, &o) == ACG_OK);
    CHECK(acg_async_run(loop, 10000) == 0);
    double took = now_s() - t0;
    int line = ok_job(&o);
    if (line != 0)
        return line;
    CHECK(o.err.attempts == 3);
    CHECK(took >= 0.37);
    for (int i = 0; i < 3; i++) {
        const char *r = http_srv_req(&srv, i);
        CHECK(strstr(r, "\"sig_ok\": true") != NULL);
        CHECK(strstr(r, i == 2 ? "attempt=3" : i == 1 ? "attempt=2" : "attempt=1") != NULL);
    }
    outcome_free(&o);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* A modelled error comes back decoded, as from the blocking call; not retried. */
static int test_service_error(void)
{
    struct outcome o;
    struct acg_client *c = client_with(0, 3);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[{\"status\": 400, \"body\": \"{\\\"__type\\\": "
                                "\\\"ResourceNotFoundException\\\", \\\"message\\\": \\\"no job j\\\"}\"}]") == 0);
    CHECK(start(loop, &o) == ACG_OK);
    CHECK(acg_async_run(loop, 10000) == 0);
    CHECK(o.calls == 1);
    CHECK(o.status == ACG_ERR_SERVICE);
    CHECK(o.err.http_status == 400);
    CHECK_STR(o.err.aws_type, "ResourceNotFoundException");
    CHECK_STR(o.err.message, "no job j");
    CHECK(o.err.attempts == 1);
    CHECK(personalize_error_as_resource_not_found_exception(&o.err) != NULL);
    CHECK(o.out.batch_inference_job == NULL);
    outcome_free(&o);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* No byte for the read timeout: each attempt ends as a timeout, and the call after its last
 * attempt, long before the server would have answered. */
static int test_read_timeout(void)
{
    struct outcome o;
    struct acg_client *c = client_with(300, 2);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[" OK_SPEC(4000) "," OK_SPEC(4000) "]") == 0);
    double t0 = now_s();
    CHECK(start(loop, &o) == ACG_OK);
    CHECK(acg_async_run(loop, 10000) == 0);
    double took = now_s() - t0;
    CHECK(o.calls == 1);
    CHECK(o.status == ACG_ERR_TRANSPORT);
    CHECK(o.err.attempts == 2);
    CHECK(o.err.retries_exhausted);
    CHECK(strstr(o.err.message, "Read timeout on endpoint URL") != NULL);
    CHECK(took < 3.5);
    outcome_free(&o);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* A call cancelled while its answer is on the way ends at once; the loop goes on. */
static int test_cancel(void)
{
    struct outcome slow, next;
    struct acg_client *c = client_with(0, 1);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[" OK_SPEC(3000) "," OK_SPEC(0) "]") == 0);
    double t0 = now_s();
    CHECK(start(loop, &slow) == ACG_OK);
    CHECK(acg_async_run(loop, 300) == 1);   /* sent, still waiting */
    CHECK(slow.calls == 0);
    acg_async_cancel(loop, slow.call);
    CHECK(slow.calls == 1);
    CHECK(slow.status == ACG_ERR_CANCELLED);
    CHECK(slow.err.status == ACG_ERR_CANCELLED);
    CHECK(slow.out.batch_inference_job == NULL);
    CHECK(acg_async_timeout_ms(loop) == -1);
    CHECK(start(loop, &next) == ACG_OK);
    CHECK(acg_async_run(loop, 10000) == 0);
    int line = ok_job(&next);
    if (line != 0)
        return line;
    CHECK(now_s() - t0 < 2.5);
    CHECK(slow.calls == 1);
    outcome_free(&slow);
    outcome_free(&next);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* A callback cancels another call of the loop; destroying the loop cancels the rest. */
static int test_cancel_from_callback_and_destroy(void)
{
    struct outcome fast, victim, left;
    struct acg_client *c = client_with(0, 1);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[" OK_SPEC(3000) "," OK_SPEC(3000) "," OK_SPEC(0) "]") == 0);
    CHECK(start(loop, &victim) == ACG_OK);
    CHECK(start(loop, &left) == ACG_OK);
    CHECK(acg_async_run(loop, 300) == 2);   /* both sent: the slow answers are theirs */
    CHECK(start(loop, &fast) == ACG_OK);
    fast.cancel_other = &victim;
    CHECK(acg_async_run(loop, 1500) == 1);
    int line = ok_job(&fast);
    if (line != 0)
        return line;
    CHECK(victim.calls == 1 && victim.status == ACG_ERR_CANCELLED);
    CHECK(left.calls == 0);
    acg_async_destroy(loop);
    CHECK(left.calls == 1 && left.status == ACG_ERR_CANCELLED);
    outcome_free(&fast);
    outcome_free(&victim);
    outcome_free(&left);
    acg_client_destroy(c);
    return 0;
}

/* The caller's own loop: select() on the loop's sockets with its timeout. */
static int test_select_loop(void)
{
    struct outcome o[3];
    struct acg_client *c = client_with(0, 2);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, "[" OK_SPEC(200) ",{\"status\": 500}," OK_SPEC(200) ","
                                OK_SPEC(200) "]") == 0);
    for (int i = 0; i < 3; i++)
        CHECK(start(loop, &o[i]) == ACG_OK);
    int rounds = 0;
    while (acg_async_perform(loop) > 0 && rounds++ < 10000) {
        fd_set r, w, e;
        int max_fd = -1;
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_ZERO(&e);
        CHECK(acg_async_fdset(loop, &r, &w, &e, &max_fd) == ACG_OK);
        long wait = acg_async_timeout_ms(loop);
        CHECK(wait >= 0 && wait <= 1000);
        struct timeval tv = { wait / 1000, (wait % 1000) * 1000 };
        CHECK(select(max_fd + 1, &r, &w, &e, &tv) >= 0);
    }
    for (int i = 0; i < 3; i++) {
        int line = ok_job(&o[i]);
        if (line != 0)
            return line;
        outcome_free(&o[i]);
    }
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

/* What fails before sending is the start's own status, and no callback runs. */
static int test_start_errors(void)
{
    struct outcome o;
    struct personalize_describe_batch_inference_job_request bad = { .batch_inference_job_arn = "nope" };
    struct acg_client *c = client_with(0, 1);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    http_srv_reset(&srv);
    memset(&o, 0, sizeof o);
    acg_error_init(&o.err);
    CHECK(acg_async_call(loop, describe, &bad, &o.out, &o.err, on_done, &o, &o.call) ==
          ACG_ERR_VALIDATION);
    CHECK(o.call == NULL);
    acg_error_free(&o.err);
    acg_error_init(&o.err);
    CHECK(acg_async_call(loop, describe, &bad, &o.out, &o.err, NULL, &o, NULL) ==
          ACG_ERR_INVALID_ARG);
    CHECK(acg_async_run(loop, 100) == 0);
    CHECK(o.calls == 0);
    int conns = 0, reqs = 0;
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(reqs == 0);
    outcome_free(&o);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

static void count_call(void *ctx, int status)
{
    (void)status;
    ++*(int *)ctx;
}

/* Each generated _async wrapper starts its own operation: a List request that breaks the
 * bounds of maxResults (a member only that operation's input has) fails validation there. */
static int test_typed_wrappers(void)
{
    struct acg_client *c = client_with(0, 1);
    CHECK(c != NULL);
    struct acg_async *loop = acg_async_new(c, NULL);
    CHECK(loop != NULL);
    struct personalize_list_batch_inference_jobs_request in;
    personalize_list_batch_inference_jobs_request_init(&in);
    in.has_max_results = true;
    in.max_results = 1000;
    struct personalize_list_batch_inference_jobs_response out;
    struct acg_error err;
    acg_error_init(&err);
    int calls = 0;
    CHECK(personalize_list_batch_inference_jobs_async(loop, &in, &out, &err, count_call, &calls,
                                                      NULL) == ACG_ERR_VALIDATION);
    CHECK(strstr(err.where, "maxResults") != NULL);
    CHECK(acg_async_run(loop, 100) == 0);
    CHECK(calls == 0);
    acg_error_free(&err);
    acg_async_destroy(loop);
    acg_client_destroy(c);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_many_in_flight),
    TEST(test_retries),
    TEST(test_service_error),
    TEST(test_read_timeout),
    TEST(test_cancel),
    TEST(test_cancel_from_callback_and_destroy),
    TEST(test_select_loop),
    TEST(test_start_errors),
    TEST(test_typed_wrappers),
};

int main(void)
{
    static const char *const clear[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_PERSONALIZE",
        "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "http_proxy", "HTTP_PROXY", "https_proxy",
        "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    };
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
        unsetenv(clear[i]);
    setenv("AWS_CONFIG_FILE", "/nonexistent/acg-test-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acg-test-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    signal(SIGPIPE, SIG_IGN);
    describe = acg_service_find_operation(&personalize_service, "DescribeBatchInferenceJob");
    if (describe == NULL || http_srv_start(&srv) != 0) {
        fprintf(stderr, "could not start tests/servers/http_server.py\n");
        printf("async: 0 passed, 1 failed\n");
        return 1;
    }
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", srv.port);
    int rc = RUN_TESTS("async", tests);
    http_srv_stop(&srv);
    return rc;
}
