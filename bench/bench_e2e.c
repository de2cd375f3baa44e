/* Row 4 (and row 7's per-call allocations): calls against a fixed-response server; rows 9
 * and 10 (issue 16): threads on one client, many calls in flight from one thread, and the
 * peak memory of one 10 MB List call.
 *
 *   bench_e2e gen describe|list URL SECONDS   the generated call API, one client (keep-alive)
 *   bench_e2e floor describe|list URL SECONDS a bare libcurl loop: one reused handle posting
 *                                             the same bytes with a fixed Authorization
 *                                             header, the body thrown away undecoded
 *   bench_e2e allocs describe URL CALLS       heap allocations per generated call (needs
 *                                             malloc_count.so in LD_PRELOAD)
 *   bench_e2e threads gen|floor N URL SECONDS N threads calling describe as fast as they can:
 *                                             on one shared client (gen), or each with its
 *                                             own libcurl handle as above (floor); prints
 *                                             "calls" (the sum over the threads)
 *   bench_e2e async N URL SECONDS             one thread keeping N describe calls in flight
 *                                             through client/acg_async.h (a new call starts
 *                                             from each completion); prints "calls"
 *   bench_e2e rss list URL                    one List call; prints the process's peak RSS
 *                                             before it and after it (KiB)
 *   bench_e2e piped list URL SECONDS          item 3's design prototyped: the floor's loop
 *                                             feeding acg_json_decode_pull on a second
 *                                             thread as the body arrives (see below)
 *   bench_e2e piped-rss list URL              one such call's peak RSS, as rss does
 *
 * Prints "calls", "median_ms" and "p99_ms" (or "allocs_per_call"), one "key value" a line. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/acg_async.h"
#include "json/acg_json.h"
#include "personalize.h"

#define ARN "arn:aws:personalize:us-west-2:123456789012:batch-inference-job/movie-recs-nightly-2024-01-15"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct acg_client *client;
static int is_list;
static CURL *curl;
static struct curl_slist *hdrs;

static void gen_call(void)
{
    struct acg_error err = {0};
    if (is_list) {
        struct personalize_list_batch_inference_jobs_request in = {.has_max_results = true, .max_results = 100};
        struct personalize_list_batch_inference_jobs_response out;
        if (personalize_list_batch_inference_jobs(client, &in, &out, &err)) {
            fprintf(stderr, "bench_e2e: list failed: %s %s\n", err.message, err.where);
            exit(1);
        }
        if (out.batch_inference_jobs_count < 100) {
            fprintf(stderr, "bench_e2e: list decoded only %zu jobs\n", out.batch_inference_jobs_count);
            exit(1);
        }
        personalize_list_batch_inference_jobs_response_free(&out);
    } else {
        struct personalize_describe_batch_inference_job_request in = {.batch_inference_job_arn = ARN};
        struct personalize_describe_batch_inference_job_response out;
        if (personalize_describe_batch_inference_job(client, &in, &out, &err)) {
            fprintf(stderr, "bench_e2e: describe failed: %s %s\n", err.message, err.where);
            exit(1);
        }
        if (!out.batch_inference_job || !out.batch_inference_job->status) {
            fprintf(stderr, "bench_e2e: describe decoded no job\n");
            exit(1);
        }
        personalize_describe_batch_inference_job_response_free(&out);
    }
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static void floor_call_on(CURL *h)
{
    long status = 0;
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "bench_e2e: floor call failed: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
        exit(1);
    }
}

static void floor_call(void)
{
    floor_call_on(curl);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void measure(void (*call)(void), double secs)
{
    size_t cap = 1 << 16, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    call(); /* connect and warm up */
    double t0 = now_s(), a, b;
    do {
        a = now_s();
        call();
        b = now_s();
        if (n == cap)
            lat = realloc(lat, (cap *= 2) * sizeof *lat);
        lat[n++] = b - a;
    } while (b - t0 < secs);
    qsort(lat, n, sizeof *lat, cmp_double);
    double median = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
    size_t i99 = (size_t)((double)n * 0.99);
    printf("calls %.2f\nmedian_ms %.4f\np99_ms %.4f\n", (double)n / (b - t0), median * 1e3,
           lat[i99 < n ? i99 : n - 1] * 1e3);
    free(lat);
}

static void make_client(const char *url)
{
    struct acg_client_config cfg;
    acg_client_config_init(&cfg);
    cfg.endpoint_url = url;
    cfg.region = "us-west-2";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.max_attempts = 1;
    struct acg_error err = {0};
    client = personalize_client_new(&cfg, &err);
    if (!client) {
        fprintf(stderr, "bench_e2e: client: %s\n", err.message);
        exit(1);
    }
}

/* A libcurl handle posting the call's bytes to url (curl_global_init and the headers first:
 * make_floor_headers). */
static CURL *floor_handle(const char *url)
{
    static const char describe_body[] = "{\"batchInferenceJobArn\":\"" ARN "\"}";
    static const char list_body[] = "{\"maxResults\":100}";
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, is_list ? list_body : describe_body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(is_list ? list_body : describe_body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    return h;
}

static void make_floor_headers(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/x-amz-json-1.1");
    hdrs = curl_slist_append(hdrs, is_list ? "X-Amz-Target: AmazonPersonalize.ListBatchInferenceJobs"
                                           : "X-Amz-Target: AmazonPersonalize.DescribeBatchInferenceJob");
    hdrs = curl_slist_append(hdrs, "X-Amz-Date: 20240115T080000Z");
    hdrs = curl_slist_append(hdrs, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/"
                                   "us-west-2/personalize/aws4_request, SignedHeaders=content-type;host;"
                                   "x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef"
                                   "0123456789abcdef0123456789abcdef");
    hdrs = curl_slist_append(hdrs, "Expect:");
}

static void make_floor(const char *url)
{
    make_floor_headers();
    curl = floor_handle(url);
}

/* ---- threads: N callers on one client, or N bare libcurl loops ---- */

struct worker {
    pthread_t thread;
    const char *url;     /* floor: the handle's target */
    long calls;
};

static pthread_barrier_t start_line;
static double run_secs;   /* threads: how long each worker calls after the start line */
static double deadline;   /* async: when completions stop starting new calls */

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    CURL *h = w->url != NULL ? floor_handle(w->url) : NULL;
    /* One call first: each worker connects before the clock starts. */
    if (h != NULL)
        floor_call_on(h);
    else
        gen_call();
    pthread_barrier_wait(&start_line);
    double end = now_s() + run_secs;
    long n = 0;
    do {
        if (h != NULL)
            floor_call_on(h);
        else
            gen_call();
        n++;
    } while (now_s() < end);
    w->calls = n;
    if (h != NULL)
        curl_easy_cleanup(h);
    return NULL;
}

static int threads_main(const char *who, int n, const char *url, double secs)
{
    bool floor = strcmp(who, "floor") == 0;
    if (n < 1 || n > 64 || (!floor && strcmp(who, "gen") != 0)) {
        fprintf(stderr, "bench_e2e threads: gen|floor, 1 to 64 threads\n");
        return 2;
    }
    if (floor)
        make_floor_headers();
    else
        make_client(url);
    struct worker w[64];
    pthread_barrier_init(&start_line, NULL, (unsigned)n + 1);
    run_secs = secs;
    for (int i = 0; i < n; i++) {
        w[i] = (struct worker){.url = floor ? url : NULL};
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
            fprintf(stderr, "bench_e2e: pthread_create failed\n");
            return 1;
        }
    }
    pthread_barrier_wait(&start_line);   /* every worker has connected */
    double t0 = now_s();
    long total = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].thread, NULL);
        total += w[i].calls;
    }
    double t1 = now_s();
    pthread_barrier_destroy(&start_line);
    printf("calls %.2f\n", (double)total / (t1 - t0));
    if (!floor)
        acg_client_destroy(client);
    return 0;
}

/* ---- async: N calls in flight from one thread ---- */

struct slot {
    struct acg_async *loop;
    const struct acg_operation *op;
    struct personalize_describe_batch_inference_job_request in;
    struct personalize_describe_batch_inference_job_response out;
    struct acg_error err;
};

static long async_done;
static bool async_counting;

static void slot_start(struct slot *s);

static void slot_done(void *ctx, int status)
{
    struct slot *s = ctx;
    if (status != ACG_OK || !s->out.batch_inference_job || !s->out.batch_inference_job->status) {
        fprintf(stderr, "bench_e2e: async describe failed: %s %s\n", s->err.message, s->err.where);
        exit(1);
    }
    personalize_describe_batch_inference_job_response_free(&s->out);
    if (!async_counting)
        return;
    if (now_s() < deadline) {
        async_done++;
        slot_start(s);
    }
}

static void slot_start(struct slot *s)
{
    memset(&s->err, 0, sizeof s->err);
    if (acg_async_call(s->loop, s->op, &s->in, &s->out, &s->err, slot_done, s, NULL) != ACG_OK) {
        fprintf(stderr, "bench_e2e: async start failed: %s\n", s->err.message);
        exit(1);
    }
}

static int async_main(int n, const char *url, double secs)
{
    if (n < 1 || n > 4096) {
        fprintf(stderr, "bench_e2e async: 1 to 4096 calls in flight\n");
        return 2;
    }
    make_client(url);
    struct acg_error err = {0};
    struct acg_async *loop = acg_async_new(client, &err);
    const struct acg_operation *op =
        acg_service_find_operation(&personalize_service, "DescribeBatchInferenceJob");
    struct slot *slots = calloc((size_t)n, sizeof *slots);
    if (loop == NULL || op == NULL || slots == NULL) {
        fprintf(stderr, "bench_e2e: async setup failed: %s\n", err.message);
        return 1;
    }
    /* One round of n calls first: the n connections are open before the clock starts. */
    for (int i = 0; i < n; i++) {
        slots[i] = (struct slot){.loop = loop, .op = op, .in = {.batch_inference_job_arn = ARN}};
        slot_start(&slots[i]);
    }
    acg_async_run(loop, -1);
    async_counting = true;
    double t0 = now_s();
    deadline = t0 + secs;
    for (int i = 0; i < n; i++)
        slot_start(&slots[i]);
    acg_async_run(loop, -1);   /* each completion before the deadline starts the next call */
    printf("calls %.2f\n", (double)async_done / secs);
    acg_async_destroy(loop);
    free(slots);
    acg_client_destroy(client);
    return 0;
}

/* ---- the peak memory of one call ---- */

static long rss_peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int rss_main(const char *url)
{
    make_client(url);
    long before = rss_peak_kb();
    gen_call();
    printf("before_kb %ld\npeak_kb %ld\n", before, rss_peak_kb());
    acg_client_destroy(client);
    return 0;
}

/* ---- item 3's design, prototyped: the transfer feeds acg_json_decode_pull ----
 *
 * The floor's libcurl loop, with its write callback handing each piece of the body to a
 * decoder thread through a bounded ring (the callback waits while the ring is full), so the
 * decode overlaps the transfer and the body is never held whole. Not the SDK's call path
 * (no signing, no retries): what a call would reach with item 3 wired into it. */

#define RING_SIZE ((size_t)1 << 20)
#define RING_PIECE ((size_t)64 * 1024)

struct ring {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *buf;
    size_t head, len;    /* len bytes from head (mod RING_SIZE) are waiting */
    bool eof;
};

static struct ring ring = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, false};

static size_t ring_write(char *p, size_t size, size_t n, void *ctx)
{
    size_t total = size * n, done = 0;
    (void)ctx;
    pthread_mutex_lock(&ring.lock);
    while (done < total) {
        /* Full: wait until half of it has been read, not for every piece. */
        if (ring.len == RING_SIZE)
            while (ring.len > RING_SIZE / 2)
                pthread_cond_wait(&ring.changed, &ring.lock);
        size_t tail = (ring.head + ring.len) % RING_SIZE;
        size_t room = RING_SIZE - ring.len, run = RING_SIZE - tail;
        size_t k = total - done;
        k = k < room ? k : room;
        k = k < run ? k : run;
        memcpy(ring.buf + tail, p + done, k);
        ring.len += k;
        done += k;
        if (ring.len >= RING_PIECE)
            pthread_cond_broadcast(&ring.changed);
    }
    pthread_mutex_unlock(&ring.lock);
    return total;
}

static size_t ring_pull(void *ctx, char *buf, size_t cap, int *failed)
{
    (void)ctx;
    (void)failed;
    pthread_mutex_lock(&ring.lock);
    /* A piece's worth at a time, not every write. */
    while (ring.len < RING_PIECE && !ring.eof)
        pthread_cond_wait(&ring.changed, &ring.lock);
    size_t run = RING_SIZE - ring.head;
    size_t k = ring.len < cap ? ring.len : cap;
    k = k < run ? k : run;
    memcpy(buf, ring.buf + ring.head, k);
    ring.head = (ring.head + k) % RING_SIZE;
    ring.len -= k;
    if (ring.len <= RING_SIZE / 2)
        pthread_cond_broadcast(&ring.changed);
    pthread_mutex_unlock(&ring.lock);
    return k;
}

struct piped_decode {
    struct personalize_list_batch_inference_jobs_response out;
    struct acg_error err;
    int rc;
};

static void *decode_main(void *arg)
{
    struct piped_decode *pd = arg;
    const struct acg_shape *s =
        acg_service_find_operation(&personalize_service, "ListBatchInferenceJobs")->output;
    struct acg_arena *arena = acg_arena_new();
    memset(&pd->out, 0, sizeof pd->out);
    pd->rc = acg_json_decode_pull(ring_pull, NULL, s, &pd->out, arena, &pd->err);
    pd->out.arena_ = arena;
    /* Whatever is left (nothing, for a good body) is drained so the writer never waits. */
    char sink[4096];
    while (ring_pull(NULL, sink, sizeof sink, NULL) > 0)
        ;
    return NULL;
}

static void piped_call(void)
{
    struct piped_decode pd = {.rc = ACG_OK};
    pthread_t t;
    ring.head = ring.len = 0;
    ring.eof = false;
    if (pthread_create(&t, NULL, decode_main, &pd) != 0) {
        fprintf(stderr, "bench_e2e: pthread_create failed\n");
        exit(1);
    }
    long status = 0;
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    pthread_mutex_lock(&ring.lock);
    ring.eof = true;
    pthread_cond_broadcast(&ring.changed);
    pthread_mutex_unlock(&ring.lock);
    pthread_join(t, NULL);
    if (rc != CURLE_OK || status != 200 || pd.rc != ACG_OK || pd.out.batch_inference_jobs_count < 100) {
        fprintf(stderr, "bench_e2e: piped call failed: %s, HTTP %ld, decode: %s\n",
                curl_easy_strerror(rc), status, pd.err.message);
        exit(1);
    }
    personalize_list_batch_inference_jobs_response_free(&pd.out);
}

static void make_piped(const char *url)
{
    is_list = 1;
    make_floor(url);
    ring.buf = malloc(RING_SIZE);
    if (ring.buf == NULL)
        exit(1);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ring_write);
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "threads") == 0)
        return threads_main(argv[2], atoi(argv[3]), argv[4], atof(argv[5]));
    if (argc == 5 && strcmp(argv[1], "async") == 0)
        return async_main(atoi(argv[2]), argv[3], atof(argv[4]));
    if (argc == 4 && strcmp(argv[1], "rss") == 0 && strcmp(argv[2], "list") == 0) {
        is_list = 1;
        return rss_main(argv[3]);
    }
    if (argc == 5 && strcmp(argv[1], "piped") == 0 && strcmp(argv[2], "list") == 0) {
        make_piped(argv[3]);
        measure(piped_call, atof(argv[4]));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "piped-rss") == 0 && strcmp(argv[2], "list") == 0) {
        make_piped(argv[3]);
        long before = rss_peak_kb();
        piped_call();
        printf("before_kb %ld\npeak_kb %ld\n", before, rss_peak_kb());
        return 0;
    }
    if (argc != 5 || (strcmp(argv[2], "describe") != 0 && strcmp(argv[2], "list") != 0)) {
        fprintf(stderr, "usage: bench_e2e gen|floor|allocs describe|list URL SECONDS|CALLS\n");
        return 2;
    }
    is_list = strcmp(argv[2], "list") == 0;
    if (strcmp(argv[1], "gen") == 0) {
        make_client(argv[3]);
        measure(gen_call, atof(argv[4]));
        acg_client_destroy(client);
    } else if (strcmp(argv[1], "floor") == 0) {
        make_floor(argv[3]);
        measure(floor_call, atof(argv[4]));
        curl_easy_cleanup(curl);
    } else if (strcmp(argv[1], "allocs") == 0) {
        unsigned long (*count)(void) = NULL;
        void *sym = dlsym(RTLD_DEFAULT, "malloc_count_get");
        memcpy(&count, &sym, sizeof count);   /* (ISO C has no object-to-function cast) */
        if (!count) {
            fprintf(stderr, "bench_e2e allocs: run with LD_PRELOAD=malloc_count.so\n");
            return 2;
        }
        long calls = atol(argv[4]);
        make_client(argv[3]);
        gen_call();
        unsigned long a = count();
        for (long i = 0; i < calls; i++)
            gen_call();
        printf("allocs_per_call %.1f\n", (double)(count() - a) / (double)calls);
        acg_client_destroy(client);
    } else {
        fprintf(stderr, "bench_e2e: unknown mode %s\n", argv[1]);
        return 2;
    }
    return 0;
}
