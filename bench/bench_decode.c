/* Rows 1-3 and 7 of the benchmark, in one process so the contenders alternate:
 *
 *   bench_decode round DIR SECONDS   decode MB/s (generated, cJSON, jsmn alone) and serialize
 *                                    MB/s per fixture, SigV4 signs/s; one "key value" a line
 *   bench_decode rss FILE gen|cjson  decodes FILE once; prints peak RSS before and after
 *   bench_decode rss FILE pull       the same, the body pulled from FILE in 64 KiB pieces
 *                                    (acg_json_decode_pull), never read whole
 *   bench_decode allocs FILE         heap allocations of one generated decode (needs the
 *                                    malloc_count.so shim in LD_PRELOAD)
 *   bench_decode profile FILE SECONDS  the generated decode alone in a loop, for perf record
 *   bench_decode profile-sign FILE SECONDS  SigV4 (cached key) alone in a loop, for perf record
 *
 * Each measurement repeats its operation until SECONDS have passed (at least once) and
 * reports the rate. The contenders take turns A B C A B C within a round. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "auth/acg_sigv4.h"
#include "cjson_decode.h"
#include "json/acg_json.h"
#include "personalize.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        exit(2);
    }
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void die(const char *what, const struct acg_error *err)
{
    fprintf(stderr, "bench_decode: %s failed: %s %s\n", what, err ? err->message : "", err ? err->where : "");
    exit(1);
}

/* One fixture: its bytes and whether it is a Describe or a List response. */
struct fixture {
    const char *name;
    char *json;
    size_t len;
    int is_list;
};

/* The output shape of a fixture's operation, from the service's tables. */
static const struct acg_shape *output_shape(const struct fixture *f)
{
    const struct acg_operation *op = acg_service_find_operation(
        &personalize_service, f->is_list ? "ListBatchInferenceJobs" : "DescribeBatchInferenceJob");
    if (op == NULL || op->output == NULL)
        die("finding the operation", NULL);
    return op->output;
}

/* The runtime's table-driven decode of f into out (a zeroed struct of the fixture's output,
 * which then owns its arena: release it with the generated _free), as acg_call does it. */
static int gen_decode_into(const struct fixture *f, void *out, struct acg_error *err)
{
    const struct acg_shape *s = output_shape(f);
    struct acg_arena *arena = acg_arena_new();
    memset(out, 0, s->size);
    if (arena == NULL)
        return ACG_ERR_NOMEM;
    int rc = acg_json_decode_body(f->json, f->len, s, out, arena, err);
    if (rc != ACG_OK) {
        acg_release(arena, out, s->size);
        return rc;
    }
    memcpy(out, &arena, sizeof arena);   /* arena_ is the first member of an output */
    return ACG_OK;
}

/* A body handed to acg_json_decode_pull 64 KiB at a time, from memory or from a file (as
 * libcurl hands a response over in pieces). */
struct pull_src {
    const char *mem;
    size_t len, at;
    FILE *file;
};

static size_t pull_piece(void *ctx, char *buf, size_t cap, int *failed)
{
    struct pull_src *p = ctx;
    size_t n = cap < 65536 ? cap : 65536;
    if (p->file != NULL) {
        n = fread(buf, 1, n, p->file);
        *failed = ferror(p->file);
        return n;
    }
    if (n > p->len - p->at)
        n = p->len - p->at;
    memcpy(buf, p->mem + p->at, n);
    p->at += n;
    return n;
}

/* The runtime's decode of a body pulled in pieces from src into out, as gen_decode_into. */
static int pull_decode_into(const struct fixture *f, struct pull_src *src, void *out,
                            struct acg_error *err)
{
    const struct acg_shape *s = output_shape(f);
    struct acg_arena *arena = acg_arena_new();
    memset(out, 0, s->size);
    if (arena == NULL)
        return ACG_ERR_NOMEM;
    int rc = acg_json_decode_pull(pull_piece, src, s, out, arena, err);
    if (rc != ACG_OK) {
        acg_release(arena, out, s->size);
        return rc;
    }
    memcpy(out, &arena, sizeof arena);
    return ACG_OK;
}

static void release_output(const struct fixture *f, void *out)
{
    if (f->is_list)
        personalize_list_batch_inference_jobs_response_free(out);
    else
        personalize_describe_batch_inference_job_response_free(out);
}

static void pull_decode(const struct fixture *f)
{
    struct acg_error err = {0};
    struct pull_src src = {.mem = f->json, .len = f->len};
    union {
        struct personalize_list_batch_inference_jobs_response list;
        struct personalize_describe_batch_inference_job_response describe;
    } v;
    if (pull_decode_into(f, &src, &v, &err))
        die("generated decode in pieces", &err);
    release_output(f, &v);
}

static void gen_decode(const struct fixture *f)
{
    struct acg_error err = {0};
    if (f->is_list) {
        struct personalize_list_batch_inference_jobs_response v;
        if (gen_decode_into(f, &v, &err))
            die("generated list decode", &err);
        personalize_list_batch_inference_jobs_response_free(&v);
    } else {
        struct personalize_describe_batch_inference_job_response v;
        if (gen_decode_into(f, &v, &err))
            die("generated describe decode", &err);
        personalize_describe_batch_inference_job_response_free(&v);
    }
}

/* The runtime's table-driven encode of value (a struct of the fixture's output). */
static int gen_encode(const struct fixture *f, const void *value, struct acg_buf *out,
                      struct acg_error *err)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, out, ACG_JSON_WIRE);
    w.err = err;
    return acg_json_encode(&w, output_shape(f), value, NULL);
}

static void cjson_decode(const struct fixture *f)
{
    if (f->is_list) {
        struct personalize_list_batch_inference_jobs_response v;
        if (cj_list_from_json(f->json, f->len, &v))
            die("cJSON list decode", NULL);
        cj_list_free(&v);
    } else {
        struct personalize_describe_batch_inference_job_response v;
        if (cj_describe_from_json(f->json, f->len, &v))
            die("cJSON describe decode", NULL);
        cj_describe_free(&v);
    }
}

static jsmntok_t *toks;
static unsigned ntoks;

static void jsmn_tokenise(const struct fixture *f)
{
    jsmn_parser p;
    jsmn_init(&p);
    int n = jsmn_parse(&p, f->json, f->len, toks, ntoks);
    if (n < 0)
        die("jsmn", NULL);
}

/* Serializes the generated decode of f (ACG_JSON_WIRE) into out, reusing its allocation. */
static struct personalize_list_batch_inference_jobs_response ser_list;
static struct personalize_describe_batch_inference_job_response ser_desc;
static struct acg_buf ser_out;

static void gen_serialize(const struct fixture *f)
{
    struct acg_error err = {0};
    acg_buf_reset(&ser_out);
    int rc = gen_encode(f, f->is_list ? (const void *)&ser_list : (const void *)&ser_desc, &ser_out,
                        &err);
    if (rc)
        die("generated serialize", &err);
}

static double rate(void (*fn)(const struct fixture *), const struct fixture *f, double secs, long *iters)
{
    long n = 0;
    double t0 = now_s(), t;
    do {
        fn(f);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    *iters = n;
    return (double)n / (t - t0);
}

/* The generated and the cJSON decode must agree: both re-serialized byte for byte. */
static void check_same(const struct fixture *f)
{
    struct acg_error err = {0};
    struct acg_buf a, b;
    acg_buf_init(&a, 0);
    acg_buf_init(&b, 0);
    int rc;
    if (f->is_list) {
        struct personalize_list_batch_inference_jobs_response g, c;
        if (gen_decode_into(f, &g, &err) || cj_list_from_json(f->json, f->len, &c))
            die("decode for comparison", &err);
        rc = gen_encode(f, &g, &a, &err) || gen_encode(f, &c, &b, &err);
        personalize_list_batch_inference_jobs_response_free(&g);
        cj_list_free(&c);
    } else {
        struct personalize_describe_batch_inference_job_response g, c;
        if (gen_decode_into(f, &g, &err) || cj_describe_from_json(f->json, f->len, &c))
            die("decode for comparison", &err);
        rc = gen_encode(f, &g, &a, &err) || gen_encode(f, &c, &b, &err);
        personalize_describe_batch_inference_job_response_free(&g);
        cj_describe_free(&c);
    }
    if (rc || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
        fprintf(stderr, "bench_decode: %s: generated and cJSON decodes differ\n", f->name);
        exit(1);
    }
    acg_buf_free(&a);
    acg_buf_free(&b);
}

/* The same request botocore signs in bench/py_bench.py. */
static double sign_rate(double secs, int use_cache, const char *body, size_t body_len)
{
    struct acg_credentials creds = {0};
    strcpy(creds.access_key_id, "AKIDEXAMPLE");
    strcpy(creds.secret_access_key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    struct acg_sigv4_params p = {.creds = &creds, .region = "us-west-2", .service = "personalize",
                                 .now_ms = 1705305600000, .normalize_path = true,
                                 .sign_session_token = true};
    struct acg_header h[] = {
        {"Host", "personalize.us-west-2.amazonaws.com"},
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "AmazonPersonalize.DescribeBatchInferenceJob"},
    };
    struct acg_sigv4_request req = {.method = "POST", .path = "/", .query = "", .headers = h,
                                    .header_count = 3, .payload = body, .payload_len = body_len};
    struct acg_sigv4_cache cache = {0};
    struct acg_sigv4_result res;
    struct acg_error err = {0};
    long n = 0;
    double t0 = now_s(), t;
    do {
        acg_sigv4_result_init(&res);
        if (acg_sigv4_sign(&p, &req, use_cache ? &cache : NULL, &res, &err))
            die("sigv4", &err);
        acg_sigv4_result_free(&res);
        n++;
        t = now_s();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

static long rss_peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int round_main(const char *dir, double secs)
{
    static const char *names[] = {"describe", "list100", "list10m"};
    struct fixture fx[3];
    size_t most_tokens = 0;
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        fx[i].name = names[i];
        fx[i].json = read_file(path, &fx[i].len);
        fx[i].is_list = i > 0;
        check_same(&fx[i]);
        jsmn_parser p;
        jsmn_init(&p);
        int n = jsmn_parse(&p, fx[i].json, fx[i].len, NULL, 0);
        if (n < 0)
            die("jsmn count", NULL);
        if ((size_t)n > most_tokens)
            most_tokens = (size_t)n;
    }
    ntoks = (unsigned)most_tokens;
    toks = malloc(most_tokens * sizeof *toks);
    acg_buf_init(&ser_out, 0);
    for (int i = 0; i < 3; i++) {
        const struct fixture *f = &fx[i];
        double mb = (double)f->len / 1e6;
        long it;
        /* Warm up each contender once, then take turns. */
        gen_decode(f);
        cjson_decode(f);
        jsmn_tokenise(f);
        printf("decode.gen.%s %.3f\n", f->name, rate(gen_decode, f, secs, &it) * mb);
        pull_decode(f);
        printf("decode.pull.%s %.3f\n", f->name, rate(pull_decode, f, secs, &it) * mb);
        printf("decode.cjson.%s %.3f\n", f->name, rate(cjson_decode, f, secs, &it) * mb);
        printf("decode.jsmn.%s %.3f\n", f->name, rate(jsmn_tokenise, f, secs, &it) * mb);
        struct acg_error err = {0};
        if (gen_decode_into(f, f->is_list ? (void *)&ser_list : (void *)&ser_desc, &err))
            die("decode for serialize", &err);
        gen_serialize(f);
        /* MB/s counted in output bytes (the same size as the compact input). */
        double out_mb = (double)ser_out.len / 1e6;
        printf("serialize.gen.%s %.3f\n", f->name, rate(gen_serialize, f, secs, &it) * out_mb);
        if (f->is_list)
            personalize_list_batch_inference_jobs_response_free(&ser_list);
        else
            personalize_describe_batch_inference_job_response_free(&ser_desc);
        fflush(stdout);
    }
    size_t blen;
    char path[4096];
    snprintf(path, sizeof path, "%s/describe.req", dir);
    char *body = read_file(path, &blen);
    printf("sigv4.gen.cached %.1f\n", sign_rate(secs, 1, body, blen));
    printf("sigv4.gen.nocache %.1f\n", sign_rate(secs, 0, body, blen));
    return 0;
}

static int rss_main(const char *file, const char *which)
{
    if (strcmp(which, "pull") == 0) {
        /* The body is never read whole: pulled from the file 64 KiB at a time. */
        struct fixture f = {.name = file, .is_list = strstr(file, "list") != NULL};
        struct pull_src src = {.file = fopen(file, "rb")};
        struct acg_error err = {0};
        union {
            struct personalize_list_batch_inference_jobs_response list;
            struct personalize_describe_batch_inference_job_response describe;
        } v;
        if (src.file == NULL)
            die(file, NULL);
        long before = rss_peak_kb();
        if (pull_decode_into(&f, &src, &v, &err))
            die("generated decode in pieces", &err);
        printf("rss.pull.before_kb %ld\nrss.pull.peak_kb %ld\n", before, rss_peak_kb());
        release_output(&f, &v);
        fclose(src.file);
        return 0;
    }
    size_t len;
    char *json = read_file(file, &len);
    struct fixture f = {.name = file, .json = json, .len = len, .is_list = strstr(file, "list") != NULL};
    long before = rss_peak_kb();
    if (strcmp(which, "gen") == 0)
        gen_decode(&f);
    else
        cjson_decode(&f);
    printf("rss.%s.before_kb %ld\nrss.%s.peak_kb %ld\n", which, before, which, rss_peak_kb());
    return 0;
}

static int allocs_main(const char *file)
{
    unsigned long (*count)(void) = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "malloc_count_get");
    memcpy(&count, &sym, sizeof count);   /* (ISO C has no object-to-function cast) */
    if (!count) {
        fprintf(stderr, "bench_decode allocs: run with LD_PRELOAD=malloc_count.so\n");
        return 2;
    }
    size_t len;
    char *json = read_file(file, &len);
    struct fixture f = {.name = file, .json = json, .len = len, .is_list = strstr(file, "list") != NULL};
    gen_decode(&f);
    unsigned long a = count();
    gen_decode(&f);
    unsigned long b = count();
    cjson_decode(&f);
    unsigned long c = count();
    printf("allocs.gen %lu\nallocs.cjson %lu\n", b - a, c - b);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "round") == 0)
        return round_main(argv[2], atof(argv[3]));
    if (argc == 4 && strcmp(argv[1], "rss") == 0)
        return rss_main(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "allocs") == 0)
        return allocs_main(argv[2]);
    if (argc == 4 && strcmp(argv[1], "profile-sign") == 0) {
        size_t blen;
        char *body = read_file(argv[2], &blen);
        printf("sigv4.gen.cached %.1f signs/s\n", sign_rate(atof(argv[3]), 1, body, blen));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "profile") == 0) {
        struct fixture f = {.name = argv[2], .is_list = strstr(argv[2], "list") != NULL};
        f.json = read_file(argv[2], &f.len);
        long it;
        printf("decode.gen %.3f MB/s\n", rate(gen_decode, &f, atof(argv[3]), &it) * (double)f.len / 1e6);
        return 0;
    }
    fprintf(stderr, "usage: bench_decode round DIR SECONDS | rss FILE gen|cjson|pull | allocs FILE\n");
    return 2;
}
