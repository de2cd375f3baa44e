/* Validator tests: member paths, the wording of each violation, joining into an error,
 * code point lengths, pattern semantics (unanchored, ASCII \d \w, Unicode \p{..}, Java
 * spellings), thread safety of the lazy compile, and every pattern of every installed
 * botocore JSON-protocol model compiling. */
#include <glob.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "json/acg_json.h"
#include "shape/acg_validate.h"
#include "harness.h"

/* The tiny all-shapes model's generated tables (tests/fixtures/golden/tiny), compiled into
 * this test so acg_validate_shape walks real descriptors: its structures, unions, lists,
 * maps, recursion and every kind of constraint. */
#include "tiny_endpoints.c"
#include "tiny_tables.c"

/* ---- paths and messages ---- */

static int test_paths(void)
{
    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_required(&v, "jobName", false);
    size_t m1 = acg_validate_enter(&v, "jobInput");
    size_t m2 = acg_validate_enter(&v, "s3DataSource");
    acg_validate_string(&v, "path", "", 1, 256, NULL);
    acg_validate_leave(&v, m2);
    acg_validate_leave(&v, m1);
    size_t m3 = acg_validate_enter(&v, "items");
    size_t m4 = acg_validate_enter_index(&v, 3);
    acg_validate_required(&v, "name", false);
    size_t m5 = acg_validate_enter(&v, "tags");
    size_t m6 = acg_validate_enter_key(&v, "env");
    acg_validate_string(&v, NULL, "", 1, -1, NULL);
    acg_validate_leave(&v, m6);
    acg_validate_leave(&v, m5);
    acg_validate_leave(&v, m4);
    size_t m7 = acg_validate_enter_index(&v, 4);
    size_t m8 = acg_validate_enter_index(&v, 0);
    acg_validate_fail(&v, "", "custom %d", 7);
    acg_validate_leave(&v, m8);
    acg_validate_leave(&v, m7);
    acg_validate_leave(&v, m3);
    CHECK(v.path_len == 0 && v.path[0] == '\0');
    acg_validate_required(&v, "last", false);

    CHECK(v.count == 6);
    CHECK_STR(v.items[0].path, "jobName");
    CHECK_STR(v.items[0].message, "is required");
    CHECK_STR(v.items[1].path, "jobInput.s3DataSource.path");
    CHECK_STR(v.items[1].message, "length 0 is less than the minimum 1");
    CHECK_STR(v.items[2].path, "items[3].name");
    CHECK_STR(v.items[3].path, "items[3].tags[env]");
    CHECK_STR(v.items[4].path, "items[4][0]");
    CHECK_STR(v.items[4].message, "custom 7");
    CHECK_STR(v.items[5].path, "last");
    return 0;
}

static int test_messages(void)
{
    static struct acg_pattern arn = ACG_PATTERN_INIT("^arn:aws:personalize:.*$");
    struct acg_validator v;
    acg_validator_init(&v);
    char long_name[301];
    memset(long_name, 'x', 300);
    long_name[300] = '\0';
    acg_validate_string(&v, "a", long_name, 1, 256, NULL);
    acg_validate_string(&v, "b", "", 1, 256, NULL);
    acg_validate_string(&v, "c", "arn:aws:s3:::bucket", -1, -1, &arn);
    acg_validate_string(&v, "d", "ok\xff", -1, -1, &arn);
    acg_validate_int_range(&v, "e", true, 0, true, 1, true, 500);
    acg_validate_int_range(&v, "f", true, 501, true, 1, true, 500);
    acg_validate_int_range(&v, "g", true, INT64_MIN, true, INT64_MIN, false, 0);
    acg_validate_float_range(&v, "h", true, -0.5, true, 0.0, true, 1.0);
    acg_validate_float_range(&v, "i", true, 1.5, true, 0.0, true, 1.0);
    acg_validate_float_range(&v, "i2", true, 0.1, true, 0.2, false, 0);
    acg_validate_float_range(&v, "i3", true, -INFINITY, true, -1e300, false, 0);
    acg_validate_count(&v, "j", true, 0, 1, 100);
    acg_validate_count(&v, "k", true, 101, 1, 100);
    acg_validate_count(&v, "l", true, 1, 2, -1);
    acg_validate_blob_length(&v, "m", true, 0, 1, 10);
    acg_validate_blob_length(&v, "n", true, 11, 1, 10);
    acg_validate_union(&v, "o", 0);
    acg_validate_union(&v, "p", 2);
    const char *want[][2] = {
        {"a", "length 300 is more than the maximum 256"},
        {"b", "length 0 is less than the minimum 1"},
        {"c", "does not match the pattern ^arn:aws:personalize:.*$"},
        {"d", "is not valid UTF-8"},
        {"e", "value 0 is less than the minimum 1"},
        {"f", "value 501 is more than the maximum 500"},
        {"h", "value -0.5 is less than the minimum 0"},
        {"i", "value 1.5 is more than the maximum 1"},
        {"i2", "value 0.1 is less than the minimum 0.2"},
        {"i3", "value -inf is less than the minimum -1e+300"},
        {"j", "has 0 items, fewer than the minimum 1"},
        {"k", "has 101 items, more than the maximum 100"},
        {"l", "has 1 item, fewer than the minimum 2"},
        {"m", "length 0 is less than the minimum 1"},
        {"n", "length 11 is more than the maximum 10"},
        {"o", "must have exactly one member set, has 0"},
        {"p", "must have exactly one member set, has 2"},
    };
    CHECK(v.count == sizeof want / sizeof want[0]);
    for (size_t i = 0; i < v.count; i++) {
        CHECK_STR(v.items[i].path, want[i][0]);
        CHECK_STR(v.items[i].message, want[i][1]);
    }
    return 0;
}

static int test_nothing_checked_when_absent_or_within_bounds(void)
{
    static struct acg_pattern p = ACG_PATTERN_INIT("^[a-z]+$");
    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_required(&v, "a", true);
    acg_validate_string(&v, "b", NULL, 1, 2, &p);
    acg_validate_string(&v, "c", "abc", 3, 3, &p);
    acg_validate_string(&v, "d", "abc", -1, -1, NULL);
    acg_validate_blob_length(&v, "e", false, 0, 1, 2);
    acg_validate_int_range(&v, "f", false, 0, true, 1, true, 2);
    acg_validate_int_range(&v, "g", true, 5, false, 0, false, 0);
    acg_validate_int_range(&v, "h", true, INT64_MAX, true, 0, true, INT64_MAX);
    acg_validate_float_range(&v, "i", true, NAN, true, 0, true, 1);
    acg_validate_float_range(&v, "j", false, -5, true, 0, true, 1);
    acg_validate_count(&v, "k", false, 0, 1, 2);
    acg_validate_count(&v, "l", true, 0, -1, -1);
    acg_validate_union(&v, "m", 1);
    CHECK(v.count == 0);
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_validator_result(&v, &err) == ACG_OK);
    CHECK(err.status == ACG_OK && err.message[0] == '\0');
    CHECK(acg_validator_result(&v, NULL) == ACG_OK);
    return 0;
}

static int test_result_joins_violations(void)
{
    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_required(&v, "jobName", false);
    size_t m = acg_validate_enter(&v, "jobConfig");
    acg_validate_int_range(&v, "numResults", true, 0, true, 1, false, 0);
    acg_validate_leave(&v, m);
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_validator_result(&v, &err) == ACG_ERR_VALIDATION);
    CHECK(err.status == ACG_ERR_VALIDATION);
    CHECK_STR(err.where, "jobName");
    CHECK_STR(err.message, "jobName: is required; jobConfig.numResults: value 0 is less than the "
                           "minimum 1");
    CHECK(acg_validator_result(&v, NULL) == ACG_ERR_VALIDATION);
    return 0;
}

static int test_overflow_is_counted(void)
{
    struct acg_validator v;
    acg_validator_init(&v);
    for (int i = 0; i < ACG_VALIDATION_MAX + 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        acg_validate_required(&v, name, false);
    }
    CHECK(v.count == ACG_VALIDATION_MAX);
    CHECK(v.dropped == 8);
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_validator_result(&v, &err) == ACG_ERR_VALIDATION);
    CHECK(strlen(err.message) < sizeof err.message);
    CHECK(strncmp(err.message, "m0: is required; m1: is required", 32) == 0);

    /* A path too long for the buffer is cut, and leave still restores it. */
    acg_validator_init(&v);
    char name[100];
    memset(name, 'n', 99);
    name[99] = '\0';
    size_t a = acg_validate_enter(&v, name);
    size_t b = acg_validate_enter(&v, name);
    size_t c = acg_validate_enter(&v, name);
    CHECK(v.path_len == sizeof v.path - 1);
    acg_validate_required(&v, name, false);
    CHECK(strlen(v.items[0].path) == sizeof v.items[0].path - 1);
    acg_validate_leave(&v, c);
    acg_validate_leave(&v, b);
    CHECK(v.path_len == 99);
    acg_validate_leave(&v, a);
    CHECK(v.path_len == 0);
    return 0;
}

/* ---- UTF-8 ---- */

static int test_utf8_length(void)
{
    static const struct {
        const char *s;
        long len;
    } rows[] = {
        {"", 0},
        {"abc", 3},
        {"h\xc3\xa9llo", 5},
        {"\xe2\x82\xac", 1},
        {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 2},
        {"\xef\xbf\xbd", 1},
        {"\xff", -1},
        {"\xc3", -1},
        {"\xc0\x80", -1},
        {"\xe0\x9f\xbf", -1},
        {"\xed\xa0\x80", -1},
        {"\xed\x9f\xbf", 1},
        {"\xf0\x8f\xbf\xbf", -1},
        {"\xf4\x8f\xbf\xbf", 1},
        {"\xf4\x90\x80\x80", -1},
        {"\xf5\x80\x80\x80", -1},
        {"a\x80", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        CHECK(acg_utf8_length(rows[i].s, strlen(rows[i].s)) == rows[i].len);
    CHECK(acg_utf8_length("\xe2\x82\xac", 2) == -1); /* cut mid-sequence */

    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_string(&v, "a", "h\xc3\xa9llo", 5, 5, NULL);
    acg_validate_string(&v, "b", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 1, 2, NULL);
    CHECK(v.count == 1);
    CHECK_STR(v.items[0].message, "length 3 is more than the maximum 2");
    return 0;
}

/* ---- patterns ---- */

static const struct {
    const char *pattern;
    const char *value;
    bool matches;
} pattern_rows[] = {
    {"^arn:aws:.*$", "arn:aws:personalize:us-west-2:1:x", true},
    {"^arn:aws:.*$", "xarn:aws:", false},
    {"b", "abc", true},                 /* not anchored */
    {"arn:", "my arn: here", true},
    {"^\\d+$", "123", true},
    {"^\\d+$", "\xd9\xa3", false},      /* U+0663: \d is ASCII, as in ECMAScript */
    {"^\\w+$", "hello_1", true},
    {"^\\w+$", "h\xc3\xa9llo", false},  /* \w is ASCII too */
    {"^\\s$", "\xc2\xa0", false},
    {"^\\p{L}+$", "h\xc3\xa9llo", true}, /* but Unicode properties work */
    {"^\\p{N}+$", "\xd9\xa3", true},
    {"^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", "K\xc3\xa9y 1:a", true},
    {"^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*$",
     "emoji \xf0\x9f\x98\x80 ok", true},
    {"^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*$", "bell\x07", false},
    {"^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDBFF-\\uDC00\\uDFFF\\r\\n\\t]*$", "abc", true},
    {"^\\p{ASCII}*$", "abc", true},
    {"^\\p{ASCII}*$", "\xc3\xa9", false},
    {"^\\P{ASCII}$", "\xc3\xa9", true},
    {"^[\\p{Print}]*$", "abc def", true},
    {"^[\\p{Print}]*$", "a\tb", false},
    {"^\\p{Alnum}+$", "abc123", true},
    {"^\\p{Alpha}+$", "abc1", false},
    {"^(\\p{LD}|\\p{Punct}| )+$", "ab1 !", true},
    {"^(\\p{LD}|\\p{Punct}| )+$", "a\tb", false},
    {"^(?!aws:).+", "aws:x", false},
    {"^(?!aws:).+", "my:x", true},
    {"(?!\\s*$)[\\s\\S]+", "   ", false},
    {"(?<!x)y", "xy", false},
    {"^[\\w-_]+$", "a-b_c", true},
    {"^[\\w-_]+$", "a b", false},
    {"^arn:aws[a-z\\-]*:config:[a-z\\-\\d]+:\\d+:stored-query/[a-zA-Z0-9-_]+/query-[a-zA-Z\\d-_/]+$",
     "arn:aws:config:us-east-1:123:stored-query/q-1/query-a-b/c", true},
    {"^.{1,100000}$", "abc", true},
    {"([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}", "tag", true},
    {"^abc$", "abc\n", false},          /* '$' is the end of the text, as in ECMAScript */
    {"^.+$", "a\nb", false},
    {"^.+$", "a\rb", false},
    {"^[^\\x00-\\x1F\\x7F]+$", "abc", true},
    {"^[^\\x00-\\x1F\\x7F]+$", "a\x1f", false},
    {"^\\x{1F600}$", "\xf0\x9f\x98\x80", true},
    {"^[]a]+$", "]a", true},
};

static int test_pattern_semantics(void)
{
    for (size_t i = 0; i < sizeof pattern_rows / sizeof pattern_rows[0]; i++) {
        struct acg_pattern p = ACG_PATTERN_INIT(pattern_rows[i].pattern);
        struct acg_validator v;
        acg_validator_init(&v);
        acg_validate_string(&v, "m", pattern_rows[i].value, -1, -1, &p);
        bool matched = v.count == 0;
        if (p.state != 1 || matched != pattern_rows[i].matches) {
            fprintf(stderr, "pattern %s on \"%s\": state %d, matched %d\n",
                    pattern_rows[i].pattern, pattern_rows[i].value, p.state, matched);
            return __LINE__;
        }
        /* Compiled once: a second use reuses the code. */
        void *code = p.compiled;
        acg_validate_string(&v, "m", pattern_rows[i].value, -1, -1, &p);
        CHECK(p.compiled == code && p.state == 1);
        /* These patterns live on the stack, so their code is freed here. */
        acg_pattern_release(&p);
    }
    return 0;
}

/* Every pattern row once more, now past the point where the pattern is JIT-compiled: the
 * answers stay the same. A long value takes the JIT at once. */
static int test_pattern_jit_agrees(void)
{
    uint32_t have_jit = 0;
    (void)pcre2_config(PCRE2_CONFIG_JIT, &have_jit);
    for (size_t i = 0; i < sizeof pattern_rows / sizeof pattern_rows[0]; i++) {
        struct acg_pattern p = ACG_PATTERN_INIT(pattern_rows[i].pattern);
        const char *value = pattern_rows[i].value;
        for (int n = 0; n < 100; n++) {
            int want = pattern_rows[i].matches ? 1 : 0;
            int got = acg_pattern_search(&p, value, strlen(value));
            if (got != want) {
                fprintf(stderr, "pattern %s on \"%s\", search %d: %d\n",
                        pattern_rows[i].pattern, value, n + 1, got);
                acg_pattern_release(&p);
                return __LINE__;
            }
            /* The interpreter alone until the 64th search, then the JIT's copy. */
            CHECK(n + 1 < 64 ? p.state == 1 && p.jit == NULL
                             : p.state == 2 && (p.jit != NULL) == (have_jit != 0));
        }
        acg_pattern_release(&p);
        CHECK(p.compiled == NULL && p.jit == NULL && p.state == 0 && p.uses == 0);
    }
    static struct acg_pattern letters = ACG_PATTERN_INIT("^[a-z]+$");
    char long_value[5000];
    memset(long_value, 'q', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    CHECK(acg_pattern_search(&letters, "abc", 3) == 1 && letters.state == 1);
    CHECK(acg_pattern_search(&letters, long_value, strlen(long_value)) == 1);
    CHECK(letters.state == 2 && (letters.jit != NULL) == (have_jit != 0));
    long_value[2500] = '7';
    CHECK(acg_pattern_search(&letters, long_value, strlen(long_value)) == 0);
    acg_pattern_release(&letters);
    return 0;
}

static int test_uncompilable_pattern_not_enforced(void)
{
    static struct acg_pattern bad = ACG_PATTERN_INIT("([a-z");
    static struct acg_pattern null_source = ACG_PATTERN_INIT(NULL);
    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_string(&v, "m", "anything", -1, -1, &bad);
    acg_validate_string(&v, "m", "anything", -1, -1, &bad);
    acg_validate_string(&v, "m", "anything", -1, -1, &null_source);
    CHECK(v.count == 0);
    CHECK(bad.state == -1 && bad.compiled == NULL);
    CHECK(null_source.state == -1);
    return 0;
}

/* ---- threads ---- */

static struct acg_pattern shared_pattern = ACG_PATTERN_INIT("^[a-z]+-\\d{3}$");

static void *validate_many(void *arg)
{
    long *bad = arg;
    for (int i = 0; i < 2000; i++) {
        struct acg_validator v;
        acg_validator_init(&v);
        bool expect_ok = i % 2 == 0;
        acg_validate_string(&v, "name", expect_ok ? "job-123" : "Job-12", -1, -1,
                            &shared_pattern);
        if ((v.count == 0) != expect_ok)
            (*bad)++;
    }
    return NULL;
}

static int test_threads_share_patterns(void)
{
    enum { T = 8 };
    pthread_t th[T];
    long bad[T] = {0};
    for (int i = 0; i < T; i++)
        CHECK(pthread_create(&th[i], NULL, validate_many, &bad[i]) == 0);
    for (int i = 0; i < T; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    for (int i = 0; i < T; i++)
        CHECK(bad[i] == 0);
    /* 16,000 searches: the JIT copy was made and published while the threads searched. */
    CHECK(shared_pattern.state == 2);
    acg_pattern_release(&shared_pattern);
    return 0;
}

/* ---- every pattern of every installed botocore JSON-protocol model ---- */

static char *read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            break;
        if (cap - n < 65536) {
            char *grown = realloc(buf, cap * 2);
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        int got = gzread(f, buf + n, (unsigned)(cap - n));
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    gzclose(f);
    *len = n;
    return buf;
}

static int find_member(struct acg_json_reader *r, int obj, const char *name)
{
    if (acg_json_object_begin(r, obj) != ACG_OK)
        return -1;
    for (int k = acg_json_object_next(r, obj, 0); k > 0; k = acg_json_object_next(r, obj, k)) {
        if (acg_json_key_is(r, k, name))
            return k + 1;
    }
    return -1;
}

static bool botocore_data_dir(char *out, size_t size)
{
    const char *py = getenv("PYTHON");
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "%s -c 'import botocore,os;print(os.path.dirname(botocore.__file__))' 2>/dev/null",
             py ? py : "python3");
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return false;
    bool ok = fgets(out, (int)size, p) != NULL;
    pclose(p);
    if (!ok)
        return false;
    out[strcspn(out, "\n")] = '\0';
    return out[0] != '\0';
}

static int test_every_botocore_pattern_compiles(void)
{
    char dir[1024];
    if (!botocore_data_dir(dir, sizeof dir - 64)) {
        printf("botocore patterns: botocore not installed, skipped\n");
        return 0;
    }
    char pattern[1100];
    snprintf(pattern, sizeof pattern, "%s/data/*/*/service-2.json.gz", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0) {
        printf("botocore patterns: no models under %s, skipped\n", dir);
        return 0;
    }
    /* Distinct patterns: a sorted-on-demand array is plenty for ~2000 strings. */
    size_t cap = 4096, n = 0;
    char **seen = calloc(cap, sizeof *seen);
    CHECK(seen != NULL);
    int models = 0, compiled = 0, failed = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        size_t len = 0;
        char *body = read_gz(g.gl_pathv[i], &len);
        CHECK(body != NULL);
        struct acg_arena *arena = acg_arena_new();
        struct acg_json_reader r;
        struct acg_error err;
        acg_error_init(&err);
        memset(&r, 0, sizeof r);
        int rc = acg_json_reader_parse(&r, body, len, arena, &err);
        if (rc != ACG_OK)
            fprintf(stderr, "%s: %s\n", g.gl_pathv[i], err.message);
        CHECK(rc == ACG_OK);
        int meta = find_member(&r, 0, "metadata");
        int proto = meta >= 0 ? find_member(&r, meta, "protocol") : -1;
        const char *protocol = NULL;
        if (proto >= 0)
            CHECK(acg_json_read_string(&r, proto, &protocol) == ACG_OK);
        int shapes = find_member(&r, 0, "shapes");
        if (protocol != NULL && strcmp(protocol, "json") == 0 && shapes >= 0) {
            models++;
            for (int k = acg_json_object_next(&r, shapes, 0); k > 0;
                 k = acg_json_object_next(&r, shapes, k)) {
                int pt = find_member(&r, k + 1, "pattern");
                const char *src = NULL;
                if (pt < 0 || acg_json_read_string(&r, pt, &src) != ACG_OK || src == NULL)
                    continue;
                bool dup = false;
                for (size_t j = 0; j < n && !dup; j++)
                    dup = strcmp(seen[j], src) == 0;
                if (dup)
                    continue;
                CHECK(n < cap);
                seen[n] = malloc(strlen(src) + 1);
                CHECK(seen[n] != NULL);
                memcpy(seen[n], src, strlen(src) + 1);
                struct acg_pattern p = ACG_PATTERN_INIT(seen[n]);
                n++;
                struct acg_validator v;
                acg_validator_init(&v);
                acg_validate_string(&v, "x", "probe", -1, -1, &p);
                if (p.state == 1) {
                    compiled++;
                } else {
                    failed++;
                    fprintf(stderr, "does not compile: %s\n", src);
                }
                acg_pattern_release(&p);
            }
        }
        acg_json_reader_free(&r);
        acg_arena_destroy(arena);
        free(body);
    }
    globfree(&g);
    for (size_t j = 0; j < n; j++)
        free(seen[j]);
    free(seen);
    printf("botocore patterns: %d json-protocol models, %d distinct patterns, %d compile, "
           "%d do not\n",
           models, compiled + failed, compiled, failed);
    CHECK(models > 0);
    CHECK(failed == 0);
    return 0;
}

/* ---- acg_validate_shape on generated tables ---- */

struct found {
    size_t count;
    char text[2048];   /* "path: message" lines */
};

static void validate_tiny(const void *req, struct found *f)
{
    struct acg_validator v;
    const struct acg_operation *op = acg_service_find_operation(&tiny_service, "PutThing");
    acg_validator_init(&v);
    acg_validate_shape(&v, op->input, req);
    f->count = v.count + v.dropped;
    size_t n = 0;
    f->text[0] = '\0';
    for (size_t i = 0; i < v.count && n < sizeof f->text; i++) {
        int k = snprintf(f->text + n, sizeof f->text - n, "%s: %s\n", v.items[i].path,
                         v.items[i].message);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

#define CHECK_ONLY(f, want)                                                      \
    do {                                                                         \
        if ((f).count != 1 || strcmp((f).text, want "\n") != 0) {                \
            fprintf(stderr, "%zu violation(s):\n%s", (f).count, (f).text);       \
            return __LINE__;                                                     \
        }                                                                        \
    } while (0)

/* A required idempotency token of the input itself is filled when absent (as botocore fills
 * it before validating), so its absence is no violation; a nested one's still is. */
struct token_input {
    void *arena_;
    const char *token;
    struct token_input *nested;
};

static const struct acg_shape token_input_shape;
static const struct acg_member token_input_members[] = {
    { .name = "Token", .shape = &acg_shape_string,
      .flags = ACG_MEMBER_REQUIRED | ACG_MEMBER_IDEMPOTENCY_TOKEN,
      .offset = offsetof(struct token_input, token) },
    { .name = "Nested", .shape = &token_input_shape,
      .offset = offsetof(struct token_input, nested) },
};
static const struct acg_shape token_input_shape = {
    .name = "TokenInput", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct token_input),
    .members = token_input_members, .member_count = 2,
};

static int test_required_idempotency_token(void)
{
    struct token_input nested = { NULL, NULL, NULL };
    struct token_input in = { NULL, NULL, NULL };
    struct acg_validator v;
    acg_validator_init(&v);
    acg_validate_shape(&v, &token_input_shape, &in);
    CHECK(v.count == 0);
    in.nested = &nested;
    acg_validate_shape(&v, &token_input_shape, &in);
    CHECK(v.count == 1);
    CHECK_STR(v.items[0].path, "Nested.Token");
    CHECK_STR(v.items[0].message, "is required");
    return 0;
}

static int test_shape_walk_on_tiny_tables(void)
{
    struct tiny_put_thing_request req;
    struct tiny_thing thing, kids[11], deep[70];
    struct tiny_choice choice;
    struct found f;
    tiny_put_thing_request_init(&req);

    /* Required, pattern, length and UTF-8 of a top-level member. */
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "name: is required");
    req.name = "ok-name";
    validate_tiny(&req, &f);
    CHECK(f.count == 0);
    req.name = "Bad Name";
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "name: does not match the pattern ^[a-z][a-z0-9-]*$");
    req.name = "abcdefghijklmnopq";
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "name: length 17 is more than the maximum 16");
    req.name = "\xff";
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "name: is not valid UTF-8");
    req.name = "\xc3\xa9";      /* one code point, but not the pattern */
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "name: does not match the pattern ^[a-z][a-z0-9-]*$");
    req.name = "ok";
    req.token = "";             /* Token: min 1 */
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "token: length 0 is less than the minimum 1");
    req.token = NULL;

    /* Nested structure: ranges of integers and doubles, blob length; no check on enums,
     * unconstrained longs and floats (as botocore). */
    memset(&thing, 0, sizeof thing);
    req.thing = &thing;
    thing.kind = "not-a-listed-kind";
    thing.has_big = true;
    thing.big = INT64_MIN;
    thing.has_ratio = true;
    thing.ratio = -1e30f;
    validate_tiny(&req, &f);
    CHECK(f.count == 0);
    thing.has_count = true;
    thing.count = 101;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.count: value 101 is more than the maximum 100");
    thing.count = -1;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.count: value -1 is less than the minimum 0");
    thing.count = 0;
    thing.has_score = true;
    thing.score = 1.5000000000000002;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.score: value 1.5000000000000002 is more than the maximum 1.5");
    thing.score = -1.5;
    static uint8_t bytes[1025];
    thing.data.data = bytes;
    thing.data.len = 1025;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.data: length 1025 is more than the maximum 1024");
    thing.data.len = 1024;
    validate_tiny(&req, &f);
    CHECK(f.count == 0);

    /* Lists: item count, then each element by index. */
    memset(kids, 0, sizeof kids);
    thing.children = kids;
    thing.children_count = 11;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.children: has 11 items, more than the maximum 10");
    thing.children_count = 2;
    kids[1].name = "abcdefghijklmnopq";
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.children[1].name: length 17 is more than the maximum 16");
    kids[1].name = "";          /* too short, and the pattern wants a letter: both reported */
    validate_tiny(&req, &f);
    CHECK(f.count == 2);
    CHECK_STR(f.text, "thing.children[1].name: length 0 is less than the minimum 1\n"
                      "thing.children[1].name: does not match the pattern ^[a-z][a-z0-9-]*$\n");
    kids[1].name = NULL;
    kids[1].has_count = true;
    kids[1].count = 1000;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.children[1].count: value 1000 is more than the maximum 100");
    kids[1].has_count = false;

    /* Maps: entry count, keys against their shape, values by key. */
    struct tiny_tags_entry tags[6] = { { "a", "1" }, { "b", "2" }, { "c", "3" }, { "d", "4" },
                                       { "e", "5" }, { "f", "6" } };
    thing.tags = tags;
    thing.tags_count = 6;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.tags: has 6 items, more than the maximum 5");
    thing.tags_count = 2;
    tags[1].value = "0123456789abcdef0123456789abcdefX";   /* TagValue: max 32 */
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.tags[b]: length 33 is more than the maximum 32");
    tags[1].value = "2";
    tags[0].key = "Bad";                                   /* keys are Names */
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.tags[Bad]: does not match the pattern ^[a-z][a-z0-9-]*$");
    tags[0].key = "a";

    /* Lists of lists and maps of lists. */
    double row0[2] = { 0.5, 9.0 };
    struct tiny_row rows[1] = { { 2, row0 } };
    thing.matrix = rows;
    thing.matrix_count = 1;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.matrix[0][1]: value 9 is more than the maximum 1.5");
    row0[1] = 1.0;
    struct tiny_thing grouped[1];
    memset(grouped, 0, sizeof grouped);
    grouped[0].name = "NO";
    struct tiny_groups_entry groups[1] = { { "g", { 1, grouped } } };
    thing.groups = groups;
    thing.groups_count = 1;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.groups[g][0].name: does not match the pattern ^[a-z][a-z0-9-]*$");
    grouped[0].name = "yes";

    /* Unions: exactly one member. */
    memset(&choice, 0, sizeof choice);
    thing.choice = &choice;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.choice: must have exactly one member set, has 0");
    choice.text = "x";
    choice.has_number = true;
    validate_tiny(&req, &f);
    CHECK_ONLY(f, "thing.choice: must have exactly one member set, has 2");
    choice.has_number = false;
    validate_tiny(&req, &f);
    CHECK(f.count == 0);

    /* Recursion: the walk stops at ACG_VALIDATE_MAX_DEPTH instead of running away. */
    memset(deep, 0, sizeof deep);
    for (int i = 0; i < 69; i++)
        deep[i].parent = &deep[i + 1];
    thing.parent = &deep[0];
    validate_tiny(&req, &f);
    CHECK(f.count == 1 && strstr(f.text, "is nested more than 64 levels deep") != NULL);
    CHECK(strncmp(f.text, "thing.parent.parent.parent.", 27) == 0);
    thing.parent = NULL;

    /* Everything at once: every violation reported, in member order. */
    req.name = NULL;
    thing.count = 500;
    kids[0].name = "abcdefghijklmnopq";
    validate_tiny(&req, &f);
    CHECK(f.count == 3);
    CHECK_STR(f.text, "name: is required\nthing.count: value 500 is more than the maximum 100\n"
                      "thing.children[0].name: length 17 is more than the maximum 16\n");
    struct acg_validator v;
    struct acg_error err;
    acg_validator_init(&v);
    acg_error_init(&err);
    acg_validate_shape(&v, acg_service_find_operation(&tiny_service, "PutThing")->input, &req);
    CHECK(acg_validator_result(&v, &err) == ACG_ERR_VALIDATION);
    CHECK_STR(err.where, "name");

    /* A NULL value has nothing to check; an input with nothing required passes empty. */
    acg_validator_init(&v);
    acg_validate_shape(&v, acg_service_find_operation(&tiny_service, "PutThing")->input, NULL);
    CHECK(v.count == 0);
    struct tiny_forget_request forget;
    tiny_forget_request_init(&forget);
    acg_validate_shape(&v, acg_service_find_operation(&tiny_service, "Forget")->input, &forget);
    CHECK(v.count == 0);
    acg_pattern_release(&pattern_0);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_paths),
    TEST(test_messages),
    TEST(test_nothing_checked_when_absent_or_within_bounds),
    TEST(test_result_joins_violations),
    TEST(test_overflow_is_counted),
    TEST(test_utf8_length),
    TEST(test_pattern_semantics),
    TEST(test_pattern_jit_agrees),
    TEST(test_uncompilable_pattern_not_enforced),
    TEST(test_threads_share_patterns),
    TEST(test_every_botocore_pattern_compiles),
    TEST(test_required_idempotency_token),
    TEST(test_shape_walk_on_tiny_tables),
};

int main(void)
{
    return RUN_TESTS("validate", tests);
}
