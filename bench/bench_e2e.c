/* Row 4 (and row 7's per-call allocations): calls against a fixed-response server.
 *
 *   bench_e2e gen describe|list URL SECONDS   the generated call API, one client (keep-alive)
 *   bench_e2e floor describe|list URL SECONDS a bare libcurl loop: one reused handle posting
 *                                             the same bytes with a fixed Authorization
 *                                             header, the body thrown away undecoded
 *   bench_e2e allocs describe URL CALLS       heap allocations per generated call (needs
 *                                             malloc_count.so in LD_PRELOAD)
 *
 * Prints "calls", "median_ms" and "p99_ms" (or "allocs_per_call"), one "key value" a line. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void floor_call(void)
{
    long status = 0;
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "bench_e2e: floor call failed: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
        exit(1);
    }
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

static struct curl_slist *hdrs;

static void make_floor(const char *url)
{
    static const char describe_body[] = "{\"batchInferenceJobArn\":\"" ARN "\"}";
    static const char list_body[] = "{\"maxResults\":100}";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    hdrs = curl_slist_append(hdrs, "Content-Type: application/x-amz-json-1.1");
    hdrs = curl_slist_append(hdrs, is_list ? "X-Amz-Target: AmazonPersonalize.ListBatchInferenceJobs"
                                           : "X-Amz-Target: AmazonPersonalize.DescribeBatchInferenceJob");
    hdrs = curl_slist_append(hdrs, "X-Amz-Date: 20240115T080000Z");
    hdrs = curl_slist_append(hdrs, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240115/"
                                   "us-west-2/personalize/aws4_request, SignedHeaders=content-type;host;"
                                   "x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef"
                                   "0123456789abcdef0123456789abcdef");
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, is_list ? list_body : describe_body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(is_list ? list_body : describe_body));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
}

int main(int argc, char **argv)
{
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
        unsigned long (*count)(void) = (unsigned long (*)(void))dlsym(RTLD_DEFAULT, "malloc_count_get");
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
