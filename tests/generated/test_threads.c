/* Many threads on ONE client, with an asynchronous loop on it too, against tests/servers/stress_server.py on loopback: every
 * request's SigV4 signature is checked there (botocore, with the key that signed it), the
 * credentials come from a container endpoint that hands out a new key on every fetch and
 * expires them quickly, and some calls are answered with 500, 503 or throttling first, so
 * calls retry. Every response's content is checked against the call that asked, and the
 * server's counters against the calls' attempts. The last test adds an asynchronous loop
 * (client/acg_async.h) with 16 calls in flight on the main thread while the threads run.
 * `make tsan` runs this under
 * ThreadSanitizer; STRESS_THREADS and STRESS_CALLS change the load (default 8 x 40). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/acg_async.h"
#include "harness.h"
#include "personalize.h"

#define TOKEN "stress-container-token"
#define MAX_THREADS 64
#define MAX_CONNECTIONS 4
#define ASYNC_SLOTS 16     /* calls in flight at once on the asynchronous loop */

static pid_t server_pid;
static FILE *server_in, *server_out;
static char endpoint[64], creds_uri[96];
static struct acg_client *client;
static int n_threads = 8, n_calls = 40;

/* ---- the server ---- */

static int server_start(void)
{
    int to_child[2], from_child[2];
    int port = 0;
    char line[256];
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        return -1;
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        const char *py = getenv("PYTHON");
        if (py == NULL || py[0] == '\0')
            py = "python3";
        execlp(py, py, "tests/servers/stress_server.py", TOKEN, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    server_in = fdopen(to_child[1], "w");
    server_out = fdopen(from_child[0], "r");
    if (server_in == NULL || server_out == NULL || fgets(line, sizeof line, server_out) == NULL ||
        sscanf(line, "PORT %d", &port) != 1)
        return -1;
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    snprintf(creds_uri, sizeof creds_uri, "http://127.0.0.1:%d/creds", port);
    return 0;
}

static void server_stop(void)
{
    if (server_in != NULL)
        fclose(server_in);   /* EOF stops it */
    if (server_out != NULL)
        fclose(server_out);
    if (server_pid > 0)
        waitpid(server_pid, NULL, 0);
}

/* Sends one command and returns its reply line in a static buffer (NULL on failure). */
static const char *server_cmd(const char *cmd)
{
    static char reply[1024];
    if (fprintf(server_in, "%s\n", cmd) < 0 || fflush(server_in) != 0 ||
        fgets(reply, sizeof reply, server_out) == NULL)
        return NULL;
    return reply;
}

/* A counter from the server's stats, or -1. */
static long stat_of(const char *stats, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\": ", name);
    const char *p = stats != NULL ? strstr(stats, key) : NULL;
    return p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* ---- the client ---- */

/* Retry delays of a millisecond: the test is about overlap, not backoff. */
static void short_sleep(void *ctx, int64_t ms)
{
    (void)ctx;
    (void)ms;
    nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
}

/* Randomness for jitter and invocation ids, from any thread: varied low bits (so ids differ
 * and the server's faults spread) under a small top byte (so backoff delays, which the
 * asynchronous loop waits for in full, stay a few milliseconds). */
static uint32_t small_random(void *ctx)
{
    static atomic_uint_fast64_t counter;
    (void)ctx;
    uint64_t x = atomic_fetch_add(&counter, 1) * UINT64_C(0x9e3779b97f4a7c15);
    x ^= x >> 31;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    return (uint32_t)(x ^ (x >> 29)) & 0x00ffffffu;
}

static int client_setup(void)
{
    struct acg_client_config cfg;
    struct acg_error err;
    acg_client_config_init(&cfg);
    acg_error_init(&err);
    cfg.region = "us-west-2";
    cfg.endpoint_url = endpoint;
    cfg.max_attempts = 5;
    cfg.sleep_ms = short_sleep;
    cfg.random = small_random;
    cfg.max_connections = MAX_CONNECTIONS;   /* under the threads: attempts wait for handles */
    client = personalize_client_new(&cfg, &err);
    if (client == NULL)
        fprintf(stderr, "client: %s\n", err.message);
    return client != NULL ? 0 : -1;
}

/* ---- the load ---- */

struct worker {
    int index;
    int ok;
    long attempts;
    int failed_line;          /* the first check that failed, 0 if none */
    char problem[640];
};

static int check_job(const struct personalize_batch_inference_job *job, const char *name,
                     const char *arn, char *problem, size_t size)
{
    char want[160];
    if (job == NULL)
        return snprintf(problem, size, "%s: no job in the response", name), __LINE__;
    if (job->job_name == NULL || strcmp(job->job_name, name) != 0)
        return snprintf(problem, size, "%s: job name %s", name, job->job_name), __LINE__;
    if (job->batch_inference_job_arn == NULL || strcmp(job->batch_inference_job_arn, arn) != 0)
        return snprintf(problem, size, "%s: arn %s", name, job->batch_inference_job_arn), __LINE__;
    if (job->status == NULL || strcmp(job->status, "ACTIVE") != 0)
        return snprintf(problem, size, "%s: status %s", name, job->status), __LINE__;
    if (!job->has_num_results || job->num_results != (int32_t)strlen(name))
        return snprintf(problem, size, "%s: numResults %d", name, job->num_results), __LINE__;
    snprintf(want, sizeof want, "arn:aws:iam::123456789012:role/%s", name);
    if (job->role_arn == NULL || strcmp(job->role_arn, want) != 0)
        return snprintf(problem, size, "%s: roleArn %s", name, job->role_arn), __LINE__;
    snprintf(want, sizeof want, "s3://bucket/%s/in.json", name);
    if (job->job_input == NULL || job->job_input->s3_data_source == NULL ||
        job->job_input->s3_data_source->path == NULL ||
        strcmp(job->job_input->s3_data_source->path, want) != 0)
        return snprintf(problem, size, "%s: input path", name), __LINE__;
    return 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < n_calls && w->failed_line == 0; i++) {
        char name[64], arn[160];
        snprintf(name, sizeof name, "t%d-call%d", w->index, i);
        snprintf(arn, sizeof arn, "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/%s",
                 name);
        struct personalize_describe_batch_inference_job_request in = { .batch_inference_job_arn = arn };
        struct personalize_describe_batch_inference_job_response out;
        struct acg_error err;   /* one per call: errors are never shared between threads */
        acg_error_init(&err);
        int rc = personalize_describe_batch_inference_job(client, &in, &out, &err);
        w->attempts += err.attempts;
        if (rc != ACG_OK) {
            snprintf(w->problem, sizeof w->problem, "%s: status %d: %s", name, rc, err.message);
            w->failed_line = __LINE__;
        } else {
            w->failed_line = check_job(out.batch_inference_job, name, arn, w->problem,
                                       sizeof w->problem);
            w->ok += w->failed_line == 0;
        }
        personalize_describe_batch_inference_job_response_free(&out);
        acg_error_free(&err);
    }
    return NULL;
}

/* ---- the asynchronous load: ASYNC_SLOTS calls in flight, each callback starting the next ---- */

struct async_load;

struct async_slot {
    struct async_load *load;
    char name[64], arn[160];
    struct personalize_describe_batch_inference_job_response out;
    struct acg_error err;
};

struct async_load {
    struct acg_async *loop;
    const struct acg_operation *op;
    int total, started, ok;
    long attempts;
    int failed_line;
    char problem[640];
    struct async_slot slots[ASYNC_SLOTS];
};

static void async_done(void *ctx, int status);

static void async_start(struct async_slot *s)
{
    struct async_load *l = s->load;
    snprintf(s->name, sizeof s->name, "async-call%d", l->started++);
    snprintf(s->arn, sizeof s->arn,
             "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/%s", s->name);
    struct personalize_describe_batch_inference_job_request in = { .batch_inference_job_arn = s->arn };
    acg_error_init(&s->err);
    if (acg_async_call(l->loop, l->op, &in, &s->out, &s->err, async_done, s, NULL) != ACG_OK) {
        snprintf(l->problem, sizeof l->problem, "%s: not started: %s", s->name, s->err.message);
        l->failed_line = __LINE__;
        acg_error_free(&s->err);
    }
}

static void async_done(void *ctx, int status)
{
    struct async_slot *s = ctx;
    struct async_load *l = s->load;
    l->attempts += s->err.attempts;
    if (status != ACG_OK) {
        snprintf(l->problem, sizeof l->problem, "%s: status %d: %s", s->name, status,
                 s->err.message);
        l->failed_line = __LINE__;
    } else {
        int line = check_job(s->out.batch_inference_job, s->name, s->arn, l->problem,
                             sizeof l->problem);
        if (line != 0)
            l->failed_line = line;
        else
            l->ok++;
    }
    personalize_describe_batch_inference_job_response_free(&s->out);
    acg_error_free(&s->err);
    if (l->started < l->total && l->failed_line == 0)
        async_start(s);   /* a callback may start calls on its loop */
}

/* total calls through one loop on this thread. */
static int run_async(struct async_load *l, int total)
{
    memset(l, 0, sizeof *l);
    l->total = total;
    l->op = acg_service_find_operation(&personalize_service, "DescribeBatchInferenceJob");
    CHECK(l->op != NULL);
    l->loop = acg_async_new(client, NULL);
    CHECK(l->loop != NULL);
    for (int i = 0; i < ASYNC_SLOTS && l->started < total; i++) {
        l->slots[i].load = l;
        async_start(&l->slots[i]);
    }
    size_t left = acg_async_run(l->loop, 120000);
    acg_async_destroy(l->loop);
    if (l->failed_line != 0)
        fprintf(stderr, "async: %s (line %d)\n", l->problem, l->failed_line);
    CHECK(left == 0);
    CHECK(l->ok == total);
    return 0;
}

/* n_threads x n_calls on the one client, and async_calls through an asynchronous loop on
 * this thread meanwhile; checks every answer and the server's counts. */
static int run_load(long lifetime_ms, int async_calls, long *fetches_out)
{
    static struct async_load async;
    pthread_t th[MAX_THREADS];
    struct worker w[MAX_THREADS];
    char cmd[64];
    long attempts = 0;
    const char *stats = server_cmd("stats");
    long requests0 = stat_of(stats, "requests"), ok0 = stat_of(stats, "ok");
    long fetches0 = stat_of(stats, "fetches"), keys0 = stat_of(stats, "keys_used");
    long conns0 = stat_of(stats, "connections");
    struct timespec t0, t1;
    int async_line = 0;
    snprintf(cmd, sizeof cmd, "lifetime %ld", lifetime_ms);
    CHECK(server_cmd(cmd) != NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < n_threads; t++) {
        memset(&w[t], 0, sizeof w[t]);
        w[t].index = t;
        CHECK(pthread_create(&th[t], NULL, worker_main, &w[t]) == 0);
    }
    if (async_calls > 0)
        async_line = run_async(&async, async_calls);
    for (int t = 0; t < n_threads; t++)
        CHECK(pthread_join(th[t], NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(async_line == 0);
    if (async_calls > 0)
        attempts += async.attempts;
    for (int t = 0; t < n_threads; t++) {
        if (w[t].failed_line != 0)
            fprintf(stderr, "thread %d: %s (line %d)\n", t, w[t].problem, w[t].failed_line);
        CHECK(w[t].ok == n_calls);
        attempts += w[t].attempts;
    }
    stats = server_cmd("stats");
    CHECK(stats != NULL);
    fprintf(stderr, "%d x %d calls + %d async, credentials for %ld ms, %.2f s: %s", n_threads,
            n_calls, async_calls, lifetime_ms,
            (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, stats);
    CHECK(stat_of(stats, "rejected") == 0);     /* every signature checked out */
    CHECK(stat_of(stats, "bad_input") == 0);
    CHECK(stat_of(stats, "ok") - ok0 == (long)n_threads * n_calls + async_calls);
    CHECK(stat_of(stats, "requests") - requests0 == attempts);   /* each retry was one request */
    CHECK(attempts > (long)n_threads * n_calls + async_calls);    /* and there were retries */
    CHECK(stat_of(stats, "keys_used") - keys0 >= 2);   /* keys changed during the calls */
    /* Kept alive: however many calls, no more connections than handles (the client's, and
     * the loop's own). */
    CHECK(stat_of(stats, "connections") >= 1);
    CHECK(stat_of(stats, "connections") - conns0 <= (async_calls > 0 ? ASYNC_SLOTS : 0) +
                                                   (conns0 > 0 ? 0 : MAX_CONNECTIONS));
    *fetches_out = stat_of(stats, "fetches") - fetches0;
    return 0;
}

/* Credentials 50 ms outside the five-minute refresh margin: refreshed in the background
 * (one call fetches, the others go on with the old key) again and again during the load. */
static int test_advisory_refresh_under_load(void)
{
    long fetches = 0;
    int line = run_load(300000 + 50, 0, &fetches);
    if (line != 0)
        return line;
    CHECK(fetches >= 2);
    return 0;
}

/* Credentials that expire a second after their fetch: always inside the margin, so calls
 * keep refreshing, and calls that find them expired wait for the fetch under way. (Much
 * shorter, and under valgrind they would expire on their way to the client.) */
static int test_expiring_credentials_under_load(void)
{
    long fetches = 0;
    int line = run_load(1000, 0, &fetches);
    if (line != 0)
        return line;
    CHECK(fetches >= 2);
    return 0;
}

/* The threads again, and on this thread an asynchronous loop keeping 16 calls in flight:
 * the same client, keys, retry quota and faults, credentials expiring under both. */
static int test_async_and_threads_under_load(void)
{
    long fetches = 0;
    int line = run_load(1000, n_threads * n_calls / 2, &fetches);
    if (line != 0)
        return line;
    CHECK(fetches >= 2);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_advisory_refresh_under_load),
    TEST(test_expiring_credentials_under_load),
    TEST(test_async_and_threads_under_load),
};

static int env_int(const char *name, int dflt, int max)
{
    const char *v = getenv(name);
    long n = v != NULL ? strtol(v, NULL, 10) : 0;
    return n > 0 && n <= max ? (int)n : dflt;
}

int main(void)
{
    static const char *const clear[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "http_proxy", "HTTP_PROXY", "all_proxy",
    };
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
        unsetenv(clear[i]);
    n_threads = env_int("STRESS_THREADS", 8, MAX_THREADS);
    n_calls = env_int("STRESS_CALLS", 40, 100000);
    setenv("AWS_CONFIG_FILE", "/nonexistent/acg-test-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acg-test-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    if (server_start() != 0) {
        fprintf(stderr, "could not start tests/servers/stress_server.py\n");
        printf("threads: 0 passed, 1 failed\n");
        server_stop();
        return 1;
    }
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", creds_uri, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN, 1);
    int rc = 1;
    if (client_setup() == 0)
        rc = RUN_TESTS("threads", tests);
    else
        printf("threads: 0 passed, 1 failed\n");
    acg_client_destroy(client);
    server_stop();
    return rc;
}
