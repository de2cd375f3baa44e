/* The generated Personalize paginator and waiter over real libcurl against
 * tests/servers/http_server.py on loopback (as tests/runtime/test_client_loopback.c runs
 * it): personalize_list_batch_inference_jobs_pages / _next_page / _next_item with page
 * sizes, max items, resume and starting tokens, and
 * personalize_wait_batch_inference_job_active with its progress callback, a deadline and
 * a callback that stops it. Each test scripts the server's answers and checks the
 * requests it received (target, tokens, page sizes) and what came back. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json/acg_value.h"
#include "personalize.h"
#include "harness.h"
#include "servers/http_ctl.h"

#define AK "AKIDEXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SOLUTION "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b3c4d"
#define JOB "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/j"

static struct http_srv srv;
static char endpoint[64];
static struct acg_client *client;

static int setup(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    acg_client_config_init(&cfg);
    acg_error_init(&err);
    cfg.region = "us-west-2";
    cfg.endpoint_url = endpoint;
    cfg.access_key_id = AK;
    cfg.secret_access_key = SK;
    cfg.max_attempts = 1;
    client = personalize_client_new(&cfg, &err);
    if (client == NULL)
        fprintf(stderr, "client: %s\n", err.message);
    return client != NULL ? 0 : -1;
}

/* ---- what the server received ---- */

static struct acg_arena *arena;

/* Request i's record, parsed (NULL if there is none). */
static const struct acg_value *request(int i)
{
    struct acg_value *v = NULL;
    struct acg_error err;
    acg_error_init(&err);
    const char *line = http_srv_req(&srv, i);
    if (line == NULL || strcmp(line, "null") == 0 ||
        acg_value_parse(arena, line, strlen(line), &v, &err) != ACG_OK)
        return NULL;
    return v;
}

static const struct acg_value *member(const struct acg_value *obj, const char *key)
{
    return obj != NULL && obj->type == ACG_VALUE_OBJECT
               ? acg_value_object_get(obj, key, strlen(key)) : NULL;
}

/* Request i's body as a value. */
static const struct acg_value *body(int i)
{
    const struct acg_value *b = member(request(i), "body");
    struct acg_value *v = NULL;
    struct acg_error err;
    acg_error_init(&err);
    if (b == NULL || b->type != ACG_VALUE_STRING ||
        acg_value_parse(arena, b->u.str.ptr, b->u.str.len, &v, &err) != ACG_OK)
        return NULL;
    return v;
}

static const char *str_of(const struct acg_value *v)
{
    return v != NULL && v->type == ACG_VALUE_STRING ? v->u.str.ptr : NULL;
}

/* Request i was a signed ListBatchInferenceJobs / DescribeBatchInferenceJob call. */
static bool signed_call(int i, const char *op)
{
    const struct acg_value *r = request(i);
    char target[96];
    snprintf(target, sizeof target, "AmazonPersonalize.%s", op);
    const struct acg_value *ok = member(r, "sig_ok");
    return ok != NULL && ok->type == ACG_VALUE_BOOL && ok->u.b &&
           str_of(member(member(r, "headers"), "x-amz-target")) != NULL &&
           strcmp(str_of(member(member(r, "headers"), "x-amz-target")), target) == 0;
}

static int requests_seen(void)
{
    int connections = 0, requests = 0;
    return http_srv_count(&srv, &connections, &requests) == 0 ? requests : -1;
}

/* A body member's integer, or -1. */
static long long int_member(const struct acg_value *obj, const char *key)
{
    const struct acg_value *v = member(obj, key);
    return v != NULL && v->type == ACG_VALUE_INT ? (long long)v->u.i : -1;
}

static int begin(const char *script)
{
    acg_arena_destroy(arena);
    arena = acg_arena_new();
    http_srv_reset(&srv);
    return arena != NULL && http_srv_script(&srv, script) == 0 ? 0 : -1;
}

/* ---- pages ---- */

#define PAGE1 "{\"body\": \"{\\\"batchInferenceJobs\\\": [{\\\"jobName\\\": \\\"a\\\"}, " \
              "{\\\"jobName\\\": \\\"b\\\"}], \\\"nextToken\\\": \\\"t1\\\"}\"}"
#define PAGE2 "{\"body\": \"{\\\"batchInferenceJobs\\\": [{\\\"jobName\\\": \\\"c\\\"}, " \
              "{\\\"jobName\\\": \\\"d\\\"}], \\\"nextToken\\\": \\\"t2\\\"}\"}"
#define PAGE3 "{\"body\": \"{\\\"batchInferenceJobs\\\": [{\\\"jobName\\\": \\\"e\\\"}]}\"}"

/* The job names of every page, "a,b|c,d|e". */
static int collect_pages(struct acg_pager *p, char *names, size_t size, struct acg_error *err)
{
    const struct personalize_list_batch_inference_jobs_response *page;
    int rc;
    names[0] = '\0';
    while ((rc = personalize_list_batch_inference_jobs_next_page(p, &page, err)) == ACG_OK &&
           page != NULL) {
        if (names[0] != '\0')
            strncat(names, "|", size - strlen(names) - 1);
        for (size_t i = 0; i < page->batch_inference_jobs_count; i++) {
            if (i > 0)
                strncat(names, ",", size - strlen(names) - 1);
            strncat(names, page->batch_inference_jobs[i].job_name, size - strlen(names) - 1);
        }
    }
    return rc;
}

static int test_pages_follow_tokens(void)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct acg_pager_options o = { NULL, 2, 0 };
    struct acg_pager *p = NULL;
    struct acg_error err;
    char names[128];
    acg_error_init(&err);
    CHECK(begin("[" PAGE1 ", " PAGE2 ", " PAGE3 "]") == 0);
    personalize_list_batch_inference_jobs_request_init(&in);
    in.solution_version_arn = SOLUTION;
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &o, &p, &err) == ACG_OK);
    CHECK(requests_seen() == 0);   /* nothing sent before the first page */
    CHECK(collect_pages(p, names, sizeof names, &err) == ACG_OK);
    CHECK_STR(names, "a,b|c,d|e");
    CHECK(acg_pager_resume_token(p) == NULL);
    const struct personalize_list_batch_inference_jobs_response *page = (const void *)1;
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_OK);
    CHECK(page == NULL);           /* still the end */
    acg_pager_free(p);
    CHECK(requests_seen() == 3);
    for (int i = 0; i < 3; i++) {
        CHECK(signed_call(i, "ListBatchInferenceJobs"));
        CHECK_STR(str_of(member(body(i), "solutionVersionArn")), SOLUTION);
        CHECK(int_member(body(i), "maxResults") == 2);
    }
    CHECK(member(body(0), "nextToken") == NULL);
    CHECK_STR(str_of(member(body(1), "nextToken")), "t1");
    CHECK_STR(str_of(member(body(2), "nextToken")), "t2");
    return 0;
}

/* --max-items 3: the second page is cut after one item; the resume token is botocore's
 * (base64 of {"nextToken": "t1", "boto_truncate_amount": 1}) and resumes at job d. */
static int test_max_items_and_resume(void)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct acg_pager_options o = { NULL, 2, 3 };
    struct acg_pager *p = NULL;
    struct acg_error err;
    char names[128], token[256];
    acg_error_init(&err);
    CHECK(begin("[" PAGE1 ", " PAGE2 "]") == 0);
    personalize_list_batch_inference_jobs_request_init(&in);
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &o, &p, &err) == ACG_OK);
    CHECK(collect_pages(p, names, sizeof names, &err) == ACG_OK);
    CHECK_STR(names, "a,b|c");
    CHECK_STR(acg_pager_resume_token(p),
              "eyJuZXh0VG9rZW4iOiAidDEiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==");
    snprintf(token, sizeof token, "%s", acg_pager_resume_token(p));
    acg_pager_free(p);
    CHECK(requests_seen() == 2);

    CHECK(begin("[" PAGE2 ", " PAGE3 "]") == 0);
    struct acg_pager_options resume = { token, 2, 0 };
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &resume, &p, &err) == ACG_OK);
    CHECK(collect_pages(p, names, sizeof names, &err) == ACG_OK);
    CHECK_STR(names, "d|e");
    CHECK(acg_pager_resume_token(p) == NULL);
    acg_pager_free(p);
    CHECK(requests_seen() == 2);
    CHECK_STR(str_of(member(body(0), "nextToken")), "t1");
    CHECK(int_member(body(0), "maxResults") == 2);
    CHECK_STR(str_of(member(body(1), "nextToken")), "t2");
    return 0;
}

/* max_items on a page boundary: no offset in the token; the old "___" token format too. */
static int test_boundary_and_old_tokens(void)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct acg_pager_options o = { NULL, 0, 2 };
    struct acg_pager *p = NULL;
    struct acg_error err;
    char names[128];
    acg_error_init(&err);
    CHECK(begin("[" PAGE1 "]") == 0);
    personalize_list_batch_inference_jobs_request_init(&in);
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &o, &p, &err) == ACG_OK);
    CHECK(collect_pages(p, names, sizeof names, &err) == ACG_OK);
    CHECK_STR(names, "a,b");
    CHECK_STR(acg_pager_resume_token(p), "eyJuZXh0VG9rZW4iOiAidDEifQ==");   /* {"nextToken": "t1"} */
    acg_pager_free(p);
    CHECK(requests_seen() == 1);
    CHECK(member(body(0), "maxResults") == NULL);

    CHECK(begin("[" PAGE2 "]") == 0);
    struct acg_pager_options old = { "t1___1", 0, 1 };
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &old, &p, &err) == ACG_OK);
    CHECK(collect_pages(p, names, sizeof names, &err) == ACG_OK);
    CHECK_STR(names, "d");
    CHECK_STR(str_of(member(body(0), "nextToken")), "t1");
    /* The page ended at max_items: botocore resumes at its next token, {"nextToken": "t2"}. */
    CHECK_STR(acg_pager_resume_token(p), "eyJuZXh0VG9rZW4iOiAidDIifQ==");
    acg_pager_free(p);
    return 0;
}

static int test_items_across_pages(void)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct acg_pager *p = NULL;
    struct acg_error err;
    const struct personalize_batch_inference_job_summary *item;
    char names[64] = "";
    int rc;
    acg_error_init(&err);
    CHECK(begin("[" PAGE1 ", " PAGE2 ", " PAGE3 "]") == 0);
    personalize_list_batch_inference_jobs_request_init(&in);
    in.next_token = "mine";   /* the caller's own token goes into the first request */
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, NULL, &p, &err) == ACG_OK);
    while ((rc = personalize_list_batch_inference_jobs_next_item(p, &item, &err)) == ACG_OK &&
           item != NULL)
        strncat(names, item->job_name, sizeof names - strlen(names) - 1);
    CHECK(rc == ACG_OK);
    CHECK_STR(names, "abcde");
    CHECK(personalize_list_batch_inference_jobs_next_item(p, &item, &err) == ACG_OK && item == NULL);
    acg_pager_free(p);
    CHECK(requests_seen() == 3);
    CHECK_STR(str_of(member(body(0), "nextToken")), "mine");
    CHECK_STR(str_of(member(body(1), "nextToken")), "t1");
    return 0;
}

static int test_page_errors(void)
{
    struct personalize_list_batch_inference_jobs_request in;
    struct acg_pager *p = NULL;
    struct acg_error err;
    const struct personalize_list_batch_inference_jobs_response *page;
    acg_error_init(&err);
    personalize_list_batch_inference_jobs_request_init(&in);
    /* The same token twice is botocore's PaginationError. */
    CHECK(begin("[" PAGE1 ", " PAGE1 "]") == 0);
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, NULL, &p, &err) == ACG_OK);
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_OK && page != NULL);
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_ERR_INVALID_ARG);
    CHECK(page == NULL);
    CHECK(strstr(err.message, "same next token") != NULL);
    acg_pager_free(p);
    /* A service error on the second page; the pager then only fails. */
    acg_error_init(&err);
    CHECK(begin("[" PAGE1 ", {\"status\": 400, \"body\": \"{\\\"__type\\\": "
                "\\\"InvalidNextTokenException\\\", \\\"message\\\": \\\"stale\\\"}\"}]") == 0);
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, NULL, &p, &err) == ACG_OK);
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_OK && page != NULL);
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "InvalidNextTokenException");
    acg_error_free(&err);
    acg_error_init(&err);
    CHECK(personalize_list_batch_inference_jobs_next_page(p, &page, &err) == ACG_ERR_INVALID_ARG);
    acg_pager_free(p);
    CHECK(requests_seen() == 2);
    /* Starting tokens that are neither format. */
    struct acg_pager_options bad = { "a___b___c", 0, 0 };
    acg_error_init(&err);
    CHECK(personalize_list_batch_inference_jobs_pages(client, &in, &bad, &p, &err) ==
          ACG_ERR_INVALID_ARG);
    CHECK(p == NULL);
    return 0;
}

/* ---- waiter ---- */

#define STATUS(s) "{\"body\": \"{\\\"batchInferenceJob\\\": {\\\"status\\\": \\\"" s "\\\"}}\"}"

struct progress_log {
    int calls;
    int attempts[8];
    int delay_s, max_attempts;
    char matched[4][256];
    int stop_at;   /* > 0: ask to stop after this attempt */
};

static int on_progress(void *ctx, const struct acg_wait_progress *p)
{
    struct progress_log *log = ctx;
    if (log->calls < 8)
        log->attempts[log->calls] = p->attempt;
    if (log->calls < 4)
        snprintf(log->matched[log->calls], sizeof log->matched[0], "%s",
                 p->matched != NULL ? p->matched : "(none)");
    log->calls++;
    log->delay_s = p->delay_s;
    log->max_attempts = p->max_attempts;
    return log->stop_at > 0 && p->attempt >= log->stop_at;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_job(struct acg_wait_options *o, struct acg_error *err)
{
    struct personalize_describe_batch_inference_job_request in;
    personalize_describe_batch_inference_job_request_init(&in);
    in.batch_inference_job_arn = JOB;
    return personalize_wait_batch_inference_job_active(client, &in, o, err);
}

static int test_wait_until_active(void)
{
    struct progress_log log = { 0 };
    struct acg_wait_options o = { 1, 5, 0, on_progress, &log };
    struct acg_error err;
    acg_error_init(&err);
    CHECK(begin("[" STATUS("PENDING") ", " STATUS("CREATING") ", " STATUS("ACTIVE") "]") == 0);
    double start = now_s();
    CHECK(wait_job(&o, &err) == ACG_OK);
    CHECK(now_s() - start >= 1.9);   /* two sleeps of 1 s */
    CHECK(err.status == ACG_OK);
    CHECK(requests_seen() == 3);
    for (int i = 0; i < 3; i++) {
        CHECK(signed_call(i, "DescribeBatchInferenceJob"));
        CHECK_STR(str_of(member(body(i), "batchInferenceJobArn")), JOB);
    }
    CHECK(log.calls == 2 && log.attempts[0] == 1 && log.attempts[1] == 2);
    CHECK(log.delay_s == 1 && log.max_attempts == 5);
    CHECK_STR(log.matched[0], "For expression \"batchInferenceJob.status\" we matched expected "
                              "path: \"PENDING\"");
    CHECK_STR(log.matched[1], "(none)");   /* CREATING matches no acceptor */
    return 0;
}

static int test_wait_failure_states(void)
{
    struct acg_wait_options o = { 1, 2, 0, NULL, NULL };
    struct acg_error err;
    acg_error_init(&err);
    CHECK(begin("[" STATUS("CREATE FAILED") "]") == 0);
    CHECK(wait_job(&o, &err) == ACG_ERR_WAITER);
    CHECK_STR(err.message, "Waiter BatchInferenceJobActive failed: Waiter encountered a terminal "
                           "failure state: For expression \"batchInferenceJob.status\" we matched "
                           "expected path: \"CREATE FAILED\"");
    acg_error_free(&err);
    acg_error_init(&err);
    CHECK(begin("[" STATUS("PENDING") ", " STATUS("IN PROGRESS") "]") == 0);
    CHECK(wait_job(&o, &err) == ACG_ERR_WAITER);
    CHECK_STR(err.message, "Waiter BatchInferenceJobActive failed: Max attempts exceeded. "
                           "Previously accepted state: For expression \"batchInferenceJob.status\" "
                           "we matched expected path: \"IN PROGRESS\"");
    CHECK(requests_seen() == 2);
    acg_error_free(&err);
    acg_error_init(&err);
    CHECK(begin("[{\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"ResourceNotFoundException\\\", "
                "\\\"message\\\": \\\"no such job\\\"}\"}]") == 0);
    CHECK(wait_job(&o, &err) == ACG_ERR_WAITER);
    CHECK_STR(err.message, "Waiter BatchInferenceJobActive failed: An error occurred "
                           "(ResourceNotFoundException): no such job");
    CHECK_STR(err.aws_type, "ResourceNotFoundException");
    CHECK(err.http_status == 400);
    acg_error_free(&err);
    /* err may be NULL, as for the other calls. */
    CHECK(begin("[" STATUS("CREATE FAILED") "]") == 0);
    CHECK(wait_job(&o, NULL) == ACG_ERR_WAITER);
    return 0;
}

static int test_wait_stopped_and_deadline(void)
{
    struct progress_log log = { .stop_at = 2 };
    struct acg_wait_options o = { 1, 10, 0, on_progress, &log };
    struct acg_error err;
    acg_error_init(&err);
    CHECK(begin("[" STATUS("PENDING") ", " STATUS("PENDING") ", " STATUS("PENDING") "]") == 0);
    CHECK(wait_job(&o, &err) == ACG_ERR_WAITER);
    CHECK_STR(err.message, "Waiter BatchInferenceJobActive failed: Stopped by the caller");
    CHECK(log.calls == 2);
    CHECK(requests_seen() == 2);   /* no call after the callback said stop */
    acg_error_free(&err);

    /* 1.5 s deadline, 1 s delay: the first sleep fits, the second would not. */
    struct acg_wait_options d = { 1, 10, 1.5, NULL, NULL };
    acg_error_init(&err);
    CHECK(begin("[" STATUS("PENDING") ", " STATUS("PENDING") ", " STATUS("PENDING") "]") == 0);
    double start = now_s();
    CHECK(wait_job(&d, &err) == ACG_ERR_WAITER);
    CHECK(now_s() - start < 1.5);
    CHECK_STR(err.message, "Waiter BatchInferenceJobActive failed: Max wait time exceeded");
    CHECK(requests_seen() == 2);
    acg_error_free(&err);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_pages_follow_tokens),
    TEST(test_max_items_and_resume),
    TEST(test_boundary_and_old_tokens),
    TEST(test_items_across_pages),
    TEST(test_page_errors),
    TEST(test_wait_until_active),
    TEST(test_wait_failure_states),
    TEST(test_wait_stopped_and_deadline),
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
    if (http_srv_start(&srv) != 0) {
        fprintf(stderr, "could not start tests/servers/http_server.py\n");
        printf("pager_waiter: 0 passed, 1 failed\n");
        return 1;
    }
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", srv.port);
    int rc = 1;
    if (setup() == 0)
        rc = RUN_TESTS("pager_waiter", tests);
    else
        printf("pager_waiter: 0 passed, 1 failed\n");
    if (client != NULL)
        acg_client_destroy(client);
    acg_arena_destroy(arena);
    http_srv_stop(&srv);
    return rc;
}
