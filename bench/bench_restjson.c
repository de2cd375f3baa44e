/* Row 8 of the benchmark: one restJson1 operation, Lambda GetFunction (a URI label and a
 * query parameter out; headers and a 2 KB JSON body back), from acg-gen output for the
 * installed Lambda model (--prefix lambda).
 *
 *   bench_restjson round FIXTURE SECONDS   request building (builds/s) and response decoding
 *                                          (decodes/s, MB/s) through the protocol's walkers
 *   bench_restjson gen URL SECONDS         calls/s of the generated call API (one client)
 *   bench_restjson floor URL SECONDS       a bare libcurl loop: one reused handle sending the
 *                                          same GET with a fixed Authorization header, the
 *                                          body thrown away undecoded
 *
 * One "key value" a line, as bench_decode and bench_e2e print them. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json/acg_json.h"
#include "lambda.h"

#define FUNCTION "movie-recs-nightly"
#define QUALIFIER "$LATEST"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *p;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        perror(path);
        exit(2);
    }
    p = malloc((size_t)n + 1);
    if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static const struct acg_operation *get_function_op(void)
{
    const struct acg_operation *op = acg_service_find_operation(&lambda_service, "GetFunction");
    if (op == NULL) {
        fprintf(stderr, "bench_restjson: no GetFunction in the tables\n");
        exit(1);
    }
    return op;
}

static void token(void *ctx, char out[37])
{
    (void)ctx;
    memcpy(out, "00000000-1111-4222-8333-444444444444", 37);
}

/* Builds the GetFunction request as acg_call does (method, path, query, headers). */
static void build_once(const struct acg_operation *op)
{
    struct lambda_get_function_request in;
    struct acg_request req;
    struct acg_build_ctx ctx = { token, NULL };
    struct acg_error err;
    memset(&in, 0, sizeof in);
    in.function_name = FUNCTION;
    in.qualifier = QUALIFIER;
    acg_error_init(&err);
    acg_request_init(&req);
    if (acg_protocol_build(&lambda_service, op, &in, &ctx, &req, &err) != ACG_OK ||
        req.path.len == 0 || req.query.len == 0) {
        fprintf(stderr, "bench_restjson: build failed: %s\n", err.message);
        exit(1);
    }
    acg_request_free(&req);
}

static const struct acg_header response_headers[] = {
    { "Date", "Mon, 15 Jan 2024 08:00:00 GMT" },
    { "Content-Type", "application/json" },
    { "Content-Length", "2048" },
    { "Connection", "keep-alive" },
    { "x-amzn-RequestId", "11111111-2222-3333-4444-555555555555" },
};

/* Decodes the fixture as acg_call decodes a 2xx answer: headers, then the body. */
static void decode_once(const struct acg_operation *op, const char *body, size_t len)
{
    struct acg_http_message msg = { 200, body, len, response_headers,
                                    sizeof response_headers / sizeof response_headers[0] };
    struct lambda_get_function_response out;
    struct acg_error err;
    struct acg_arena *arena = acg_arena_new();
    memset(&out, 0, sizeof out);
    acg_error_init(&err);
    if (arena == NULL || acg_protocol_parse(&lambda_service, op->output, &msg, &out, arena, &err) !=
                             ACG_OK ||
        out.configuration == NULL || out.tags_count != 3) {
        fprintf(stderr, "bench_restjson: decode failed: %s %s\n", err.message, err.where);
        exit(1);
    }
    acg_release(arena, &out, sizeof out);
}

static void round_main(const char *fixture, double secs)
{
    const struct acg_operation *op = get_function_op();
    size_t len;
    char *body = read_file(fixture, &len);
    long n = 0;
    double t0 = now_s(), t;
    do {
        build_once(op);
        n++;
    } while ((t = now_s()) - t0 < secs);
    printf("restjson.build.gen %.1f\n", (double)n / (t - t0));
    fflush(stdout);
    n = 0;
    t0 = now_s();
    do {
        decode_once(op, body, len);
        n++;
    } while ((t = now_s()) - t0 < secs);
    printf("restjson.decode.gen %.1f\n", (double)n / (t - t0));
    printf("restjson.decode_mb.gen %.3f\n", (double)n * (double)len / 1e6 / (t - t0));
    free(body);
}

/* ---- calls against nginx ---- */

static struct acg_client *client;
static CURL *curl;

static void gen_call(void)
{
    struct lambda_get_function_request in;
    struct lambda_get_function_response out;
    struct acg_error err;
    memset(&in, 0, sizeof in);
    in.function_name = FUNCTION;
    in.qualifier = QUALIFIER;
    acg_error_init(&err);
    if (lambda_get_function(client, &in, &out, &err) != ACG_OK || out.configuration == NULL) {
        fprintf(stderr, "bench_restjson: call failed: %s %s\n", err.message, err.where);
        exit(1);
    }
    lambda_get_function_response_free(&out);
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
        fprintf(stderr, "bench_restjson: floor call failed: %s, HTTP %ld\n",
                curl_easy_strerror(rc), status);
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
    double *lat = malloc(cap * sizeof *lat), a, b;
    if (lat == NULL)
        exit(1);
    call(); /* connect and warm up */
    double t0 = now_s();
    do {
        a = now_s();
        call();
        b = now_s();
        if (n == cap) {
            double *more = realloc(lat, (cap *= 2) * sizeof *lat);
            if (more == NULL)
                exit(1);
            lat = more;
        }
        lat[n++] = b - a;
    } while (b - t0 < secs);
    qsort(lat, n, sizeof *lat, cmp_double);
    double median = n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2;
    size_t i99 = (size_t)((double)n * 0.99);
    printf("calls %.2f\nmedian_ms %.4f\np99_ms %.4f\n", (double)n / (b - t0), median * 1e3,
           lat[i99 < n ? i99 : n - 1] * 1e3);
    free(lat);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "round") == 0) {
        round_main(argv[2], atof(argv[3]));
    } else if (argc == 4 && strcmp(argv[1], "gen") == 0) {
        struct acg_client_config cfg;
        struct acg_error err;
        acg_client_config_init(&cfg);
        acg_error_init(&err);
        cfg.endpoint_url = argv[2];
        cfg.region = "us-west-2";
        cfg.access_key_id = "AKIDEXAMPLE";
        cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        cfg.max_attempts = 1;
        client = lambda_client_new(&cfg, &err);
        if (client == NULL) {
            fprintf(stderr, "bench_restjson: client: %s\n", err.message);
            return 1;
        }
        measure(gen_call, atof(argv[3]));
        acg_client_destroy(client);
    } else if (argc == 4 && strcmp(argv[1], "floor") == 0) {
        struct curl_slist *hdrs = NULL;
        char url[512];
        snprintf(url, sizeof url, "%s/2015-03-31/functions/" FUNCTION "?Qualifier=%%24LATEST",
                 argv[2]);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl = curl_easy_init();
        hdrs = curl_slist_append(hdrs, "X-Amz-Date: 20240115T080000Z");
        hdrs = curl_slist_append(hdrs, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
                                       "20240115/us-west-2/lambda/aws4_request, SignedHeaders=host;"
                                       "x-amz-date, Signature=0123456789abcdef0123456789abcdef"
                                       "0123456789abcdef0123456789abcdef");
        hdrs = curl_slist_append(hdrs, "Accept:");
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        measure(floor_call, atof(argv[3]));
        curl_easy_cleanup(curl);
        curl_slist_free_all(hdrs);
    } else {
        fprintf(stderr, "usage: bench_restjson round FIXTURE SECONDS | gen|floor URL SECONDS\n");
        return 2;
    }
    return 0;
}
