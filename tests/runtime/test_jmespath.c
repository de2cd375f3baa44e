/* The JMESPath compliance suite (jmespath.test, one JSON file per feature) run against the
 * C evaluator: every case's result compared by JSON value equality (1 == 1.0), or its error
 * kind. The suite is read at run time from $JMESPATH_SUITE, else ../shared/testdata/jmespath
 * beside the repository, else /work/shared/testdata/jmespath.
 *
 * benchmarks.json carries no results: its cases are compared with Python jmespath's
 * answers kept in tests/fixtures/jmespath/benchmarks-expected.json (made by
 * tests/runtime/jmespath_bench_expected.py), timed, and counted on their own line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jmespath/acg_jmespath.h"

static int passed, failed, bench_passed, bench_failed;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                buf = NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static struct acg_value *load_json(struct acg_arena *a, const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    struct acg_value *v = NULL;
    struct acg_error err;
    acg_error_init(&err);
    if (text == NULL || acg_value_parse(a, text, len, &v, &err) != ACG_OK)
        fprintf(stderr, "cannot read %s: %s\n", path, err.message);
    free(text);
    return v;
}

static const char *str(const struct acg_value *v)
{
    return v != NULL && v->type == ACG_VALUE_STRING ? v->u.str.ptr : NULL;
}

static void show(const char *label, const struct acg_value *v)
{
    struct acg_buf b;
    acg_buf_init(&b, 4096);
    if (acg_value_write_json(v, 0, &b, NULL) == ACG_OK)
        fprintf(stderr, "    %s: %s\n", label, b.data);
    acg_buf_free(&b);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Runs one case; returns true when it gives what is expected. want_error is the expected
 * kind or NULL; want may be NULL only for a benchmark without a known result. */
static bool run_case(const char *file, const char *expr, const struct acg_value *given,
                     const struct acg_value *want, const char *want_error)
{
    struct acg_error err;
    acg_error_init(&err);
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath *jp = NULL;
    const struct acg_value *got = NULL;
    int rc = acg_jmespath_compile(expr, SIZE_MAX, &jp, &err);
    if (rc == ACG_OK)
        rc = acg_jmespath_search(jp, given, a, &got, &err);
    bool ok;
    if (want_error != NULL) {
        ok = rc != ACG_OK &&
             strcmp(acg_jmespath_error_name(acg_jmespath_error_kind(&err)), want_error) == 0;
    } else {
        ok = rc == ACG_OK && (want == NULL || acg_value_equal(got, want));
    }
    if (!ok) {
        fprintf(stderr, "FAIL %s: %s\n", file, expr);
        if (want_error != NULL)
            fprintf(stderr, "    expected error %s\n", want_error);
        else if (want != NULL)
            show("expected", want);
        if (rc != ACG_OK)
            fprintf(stderr, "    got error: %s\n", acg_jmespath_error_message(&err));
        else
            show("got", got);
    }
    acg_error_free(&err);
    acg_jmespath_destroy(jp);
    acg_arena_destroy(a);
    return ok;
}

/* Times many searches of a compiled benchmark expression (bench "parse" times compiling). */
static double time_case(const char *expr, const struct acg_value *given, const char *kind)
{
    int rounds = 2000;
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath *jp = NULL;
    const struct acg_value *got;
    double t0 = now_us();
    for (int i = 0; i < rounds; i++) {
        bool compile = i == 0 || strcmp(kind, "interpret") != 0;
        if (compile) {
            acg_jmespath_destroy(jp);
            jp = NULL;
            if (acg_jmespath_compile(expr, SIZE_MAX, &jp, NULL) != ACG_OK)
                break;
        }
        if (strcmp(kind, "parse") != 0 && acg_jmespath_search(jp, given, a, &got, NULL) != ACG_OK)
            break;
    }
    double per = (now_us() - t0) / rounds;
    acg_jmespath_destroy(jp);
    acg_arena_destroy(a);
    return per;
}

static void run_file(const char *dir, const char *name, const struct acg_value *bench_expected)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct acg_arena *a = acg_arena_new();
    struct acg_value *suites = load_json(a, path);
    bool bench = strcmp(name, "benchmarks.json") == 0;
    size_t bench_index = 0;
    if (suites == NULL || suites->type != ACG_VALUE_ARRAY) {
        failed++;
        acg_arena_destroy(a);
        return;
    }
    for (size_t s = 0; s < suites->u.arr.count; s++) {
        const struct acg_value *suite = suites->u.arr.items[s];
        const struct acg_value *given = acg_value_object_get(suite, "given", 5);
        const struct acg_value *cases = acg_value_object_get(suite, "cases", 5);
        for (size_t c = 0; cases != NULL && c < cases->u.arr.count; c++) {
            const struct acg_value *tc = cases->u.arr.items[c];
            const char *expr = str(acg_value_object_get(tc, "expression", 10));
            const struct acg_value *want = acg_value_object_get(tc, "result", 6);
            const char *want_error = str(acg_value_object_get(tc, "error", 5));
            if (!bench) {
                bool ok = expr != NULL && (want != NULL || want_error != NULL) &&
                          run_case(name, expr, given, want, want_error);
                ok ? passed++ : failed++;
                continue;
            }
            const struct acg_value *exp = NULL;
            if (bench_expected != NULL && bench_index < bench_expected->u.arr.count)
                exp = bench_expected->u.arr.items[bench_index];
            bench_index++;
            const char *exp_expr = str(acg_value_object_get(exp, "expression", 10));
            bool ok = expr != NULL && exp_expr != NULL && strcmp(exp_expr, expr) == 0 &&
                      run_case(name, expr, given, acg_value_object_get(exp, "result", 6),
                               str(acg_value_object_get(exp, "error", 5)));
            ok ? bench_passed++ : bench_failed++;
            const char *kind = str(acg_value_object_get(tc, "bench", 5));
            printf("  bench %-10s %8.2f us  %.60s\n", kind ? kind : "?",
                   time_case(expr, given, kind ? kind : "full"), expr);
        }
    }
    acg_arena_destroy(a);
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(void)
{
    const char *dirs[] = {getenv("JMESPATH_SUITE"), "../shared/testdata/jmespath",
                          "/work/shared/testdata/jmespath"};
    DIR *d = NULL;
    const char *dir = NULL;
    for (size_t i = 0; i < 3 && d == NULL; i++) {
        dir = dirs[i];
        d = dir != NULL ? opendir(dir) : NULL;
    }
    if (d == NULL) {
        fprintf(stderr, "no JMESPath suite found (set JMESPATH_SUITE)\n");
        printf("test_jmespath: 0 passed, 1 failed\n");
        return 1;
    }
    char *names[256];
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL && n < 256) {
        size_t len = strlen(ent->d_name);
        if (len > 5 && strcmp(ent->d_name + len - 5, ".json") == 0)
            names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    struct acg_arena *a = acg_arena_new();
    struct acg_value *bench_expected =
        load_json(a, "tests/fixtures/jmespath/benchmarks-expected.json");
    for (size_t i = 0; i < n; i++) {
        run_file(dir, names[i], bench_expected);
        free(names[i]);
    }
    acg_arena_destroy(a);
    printf("benchmarks: %d run and correct, %d wrong\n", bench_passed, bench_failed);
    printf("test_jmespath: %d passed, %d failed\n", passed, failed);
    return failed || bench_failed || bench_passed == 0 ? 1 : 0;
}
