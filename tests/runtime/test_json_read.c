/* Token reader tests: malformed JSON is refused with an offset and a path (trailing and
 * missing commas, several top-level values, truncated literals, numbers outside the grammar,
 * bad escapes, lone surrogates, control bytes, invalid UTF-8), values decode exactly,
 * walking skips nested values, paths build bottom-up, hostile input never crashes, Python's
 * json module agrees on validity, and a 10 MB body parses fast (the rate is printed, not
 * asserted). The one-pass decoder has its own tests in test_json_read_decoder.c. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json/acg_json.h"
#include "harness.h"

/* Parses a copy of js in a buffer of exactly its length, so valgrind and ASan catch any
 * read past the end (bodies are not NUL-terminated). */
struct parsed {
    struct acg_json_reader r;
    struct acg_arena *arena;
    struct acg_error err;
    char *copy;
    int rc;
};

static void parse_n(struct parsed *p, const char *js, size_t len)
{
    memset(p, 0, sizeof *p);
    acg_error_init(&p->err);
    p->arena = acg_arena_new();
    p->copy = malloc(len ? len : 1);
    if (len)
        memcpy(p->copy, js, len);
    p->rc = acg_json_reader_parse(&p->r, p->copy, len, p->arena, &p->err);
}

static void parse(struct parsed *p, const char *js)
{
    parse_n(p, js, strlen(js));
}

static void done(struct parsed *p)
{
    acg_json_reader_free(&p->r);
    acg_arena_destroy(p->arena);
    free(p->copy);
}

/* ---- malformed input ---- */

static const struct {
    const char *js;
    const char *message_part; /* a phrase the message must contain */
    const char *where;        /* expected err.where */
} malformed[] = {
    {"{\"a\":1,}", "unexpected ','", ""},
    {"[1,]", "unexpected ','", ""},
    {"{\"a\":[1,2,]}", "unexpected ','", "a"},
    {"{}{}", "more than one top-level value", ""},
    {"[] []", "more than one top-level value", ""},
    {"{\"a\":1} x", "unexpected character 'x'", ""},
    {"tru", "invalid literal or number 'tru'", ""},
    {"[tru]", "invalid literal or number 'tru'", "[0]"},
    {"{\"a\":nul}", "invalid literal or number 'nul'", "a"},
    {"{\"a\":truex}", "invalid literal or number 'truex'", "a"},
    {"{\"a\":falsy}", "invalid literal", "a"},
    {"[True]", "unexpected character 'T'", "[0]"},
    {"[NaN]", "unexpected character 'N'", "[0]"},
    {"[01]", "invalid literal or number '01'", "[0]"},
    {"[-01]", "invalid literal or number '-01'", "[0]"},
    {"[1.]", "invalid literal or number '1.'", "[0]"},
    {"[.5]", "unexpected character '.'", "[0]"},
    {"[+1]", "unexpected character '+'", "[0]"},
    {"[1e]", "invalid literal or number '1e'", "[0]"},
    {"[1e+]", "invalid literal or number '1e+'", "[0]"},
    {"[-]", "invalid literal or number '-'", "[0]"},
    {"[1.5.2]", "invalid literal or number", "[0]"},
    {"[0x10]", "invalid literal or number", "[0]"},
    {"[1:2]", "invalid literal or number", "[0]"},
    {"[\"\\x\"]", "bad escape", "[0]"},
    {"[\"\\u12G4\"]", "bad escape", "[0]"},
    {"[\"\\ud800\"]", "unpaired UTF-16 surrogate", "[0]"},
    {"[\"\\ud800x\"]", "unpaired UTF-16 surrogate", "[0]"},
    {"[\"\\ud800\\u0041\"]", "unpaired UTF-16 surrogate", "[0]"},
    {"[\"\\udc00\"]", "unpaired UTF-16 surrogate", "[0]"},
    {"[\"\\udc00\\ud800\"]", "unpaired UTF-16 surrogate", "[0]"},
    {"{\"k\":\"a\x01\"}", "control character", "k"},
    {"{\"k\":\"a\tb\"}", "control character", "k"},
    {"{\"k\":\"\xff\"}", "invalid UTF-8", "k"},
    {"{\"k\":\"\xc0\xaf\"}", "invalid UTF-8", "k"},         /* overlong '/' */
    {"{\"k\":\"\xed\xa0\x80\"}", "invalid UTF-8", "k"},     /* encoded surrogate */
    {"{\"k\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8", "k"}, /* past U+10FFFF */
    {"{\"k\":\"\xe2\x82\"}", "invalid UTF-8", "k"},         /* truncated sequence */
    {"{\"\xff\":1}", "invalid UTF-8", ""},
    {"[1 2]", "expected ',' between elements", ""},
    {"[\"a\" \"b\"]", "expected ',' between elements", ""},
    {"{\"a\" 1}", "expected ':' after the member name", "a"},
    {"{\"a\":1 \"b\":2}", "expected ',' between members", ""},
    {"{\"a\"}", "expected ':' after the member name", "a"},
    {"{\"a\":}", "unexpected character '}'", "a"},
    {"{\"a\":1,\"b\"}", "expected ':' after the member name", "b"},
    {"[\"a\":1]", "unexpected ':'", ""},
    {"{\"a\":\"b\":\"c\"}", "unexpected ':'", ""},
    {"{,\"a\":1}", "unexpected ','", ""},
    {"[,1]", "unexpected ','", ""},
    {"[1,,2]", "unexpected ','", ""},
    {"{\"a\"::1}", "unexpected ':'", "a"},
    {"{1:2}", "unexpected character '1'", ""},
    {"{[]:1}", "unexpected character '['", ""},
    {"[1}", "unexpected character '}'", ""},
    {"{\"a\":1]", "unexpected character ']'", ""},
    {"[1]]", "unexpected character ']'", ""},
    {"]", "unexpected character ']'", ""},
    {"[", "unexpected end of input", ""},
    {"{\"a\":[1,2", "unexpected end of input", "a"},
    {"{\"a\":\"abc", "unexpected end of input", "a"},
    {"[1,", "unexpected end of input", ""},
    {"\"abc", "unexpected end of input", ""},
    {"   ", "no JSON value", ""},
    {"/* */ {}", "unexpected character '/'", ""},
    {"{'a':1}", "unexpected character", ""},
    {" 1 2", "more than one top-level value", ""},
};

static int test_malformed_rejected(void)
{
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        struct parsed p;
        parse(&p, malformed[i].js);
        if (p.rc != ACG_ERR_JSON || strstr(p.err.message, malformed[i].message_part) == NULL ||
            strstr(p.err.message, "byte offset") == NULL ||
            strcmp(p.err.where, malformed[i].where) != 0) {
            fprintf(stderr, "case %zu %s: rc %d where \"%s\" message \"%s\"\n", i,
                    malformed[i].js, p.rc, p.err.where, p.err.message);
            done(&p);
            return __LINE__;
        }
        /* The reader holds nothing after a failure. */
        CHECK(p.r.toks == NULL && p.r.next == NULL && p.r.ntoks == 0);
        done(&p);
    }
    return 0;
}

static int test_error_offsets(void)
{
    static const struct {
        const char *js;
        const char *offset;
    } rows[] = {
        {"{\"a\":1,}", "offset 6"},
        {"[1,2,3,tru]", "offset 7"},
        {"{\"a\":\"\xff\"}", "offset 6"},
        {"{}  {}", "offset 4"},
        {"[\"ok\",\"\\q\"]", "offset 7"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct parsed p;
        parse(&p, rows[i].js);
        int ok = p.rc == ACG_ERR_JSON && strstr(p.err.message, rows[i].offset) != NULL;
        if (!ok)
            fprintf(stderr, "%s: %s\n", rows[i].js, p.err.message);
        done(&p);
        CHECK(ok);
    }
    return 0;
}

static int test_nul_byte_rejected(void)
{
    struct parsed p;
    parse_n(&p, "{\"a\":1}\0", 8);
    CHECK(p.rc == ACG_ERR_JSON);
    done(&p);
    parse_n(&p, "\0{}", 3);
    CHECK(p.rc == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "NUL") != NULL);
    CHECK(p.r.ntoks == 0);
    done(&p);
    parse_n(&p, "\0", 1);
    CHECK(p.rc == ACG_ERR_JSON);
    done(&p);
    parse_n(&p, " \0 ", 3);
    CHECK(p.rc == ACG_ERR_JSON);
    done(&p);
    parse_n(&p, "{\"a\":\"x\0y\"}", 11);
    CHECK(p.rc == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "NUL") != NULL);
    done(&p);
    return 0;
}

static const char *valid[] = {
    "{}", "[]", " \t\r\n{ } \n", "{\"a\":1}", "[1,-1,0,-0,1.5,-1.5e10,1E+2,1e-2,0.0]",
    "{\"a\":{\"b\":{\"c\":[[[]]]}}}", "\"just a string\"", "123", "-0.5e-3", "true", "false",
    "null", "[true,false,null]", "{\"\":\"\"}", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"]",
    "[\"\\ud83d\\ude00\"]", "[\"\xf0\x9f\x98\x80 \xc3\xa9 \xe2\x82\xac\"]",
    "{ \"a\" : [ 1 , 2 ] , \"b\" : { } }", "[\"\x7f\"]",
};

static int test_valid_accepted(void)
{
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        struct parsed p;
        parse(&p, valid[i]);
        if (p.rc != ACG_OK)
            fprintf(stderr, "%s: %s\n", valid[i], p.err.message);
        int rc = p.rc;
        int skip_root = rc == ACG_OK ? acg_json_skip(&p.r, 0) : -1;
        int ntoks = p.r.ntoks;
        done(&p);
        CHECK(rc == ACG_OK);
        CHECK(skip_root == ntoks);
    }
    return 0;
}

static int test_empty_body_is_empty_object(void)
{
    struct parsed p;
    parse_n(&p, "", 0);
    CHECK(p.rc == ACG_OK);
    CHECK(acg_json_object_begin(&p.r, 0) == ACG_OK);
    CHECK(acg_json_object_next(&p.r, 0, 0) == 0);
    done(&p);
    return 0;
}

static char *nested(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, open, (size_t)depth);
    memset(s + depth, close, (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

static int test_depth_limit(void)
{
    char *ok = nested(64, '[', ']');
    char *deep = nested(65, '[', ']');
    struct parsed p;
    parse(&p, ok);
    CHECK(p.rc == ACG_OK);
    done(&p);
    parse(&p, deep);
    CHECK(p.rc == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "nesting deeper than 64") != NULL);
    CHECK(strstr(p.err.message, "offset 64") != NULL);
    done(&p);
    free(ok);
    free(deep);

    /* Objects count too, and brackets inside strings do not. */
    struct acg_buf b;
    acg_buf_init(&b, 0);
    for (int i = 0; i < 64; i++)
        CHECK(acg_buf_append_str(&b, "{\"[[[[\":") == ACG_OK);
    CHECK(acg_buf_append_str(&b, "1") == ACG_OK);
    for (int i = 0; i < 64; i++)
        CHECK(acg_buf_append_str(&b, "}") == ACG_OK);
    parse(&p, b.data);
    CHECK(p.rc == ACG_OK);
    done(&p);
    acg_buf_free(&b);

    /* A million open brackets fail at the limit, long before the end of the body. */
    size_t n = 1000000;
    char *huge = malloc(n);
    memset(huge, '[', n);
    parse_n(&p, huge, n);
    CHECK(p.rc == ACG_ERR_JSON);
    done(&p);
    free(huge);

    /* Another limit can be asked for; the reader's prior contents are never read. */
    struct acg_json_reader r;
    memset(&r, 0x5a, sizeof r);
    CHECK(acg_json_reader_parse(&r, "[[1]]", 5, NULL, NULL) == ACG_OK);
    CHECK(r.max_depth == ACG_JSON_MAX_DEPTH);
    acg_json_reader_free(&r);
    CHECK(acg_json_reader_parse_depth(&r, "[[1]]", 5, NULL, NULL, 2) == ACG_OK);
    acg_json_reader_free(&r);
    CHECK(acg_json_reader_parse_depth(&r, "[[[1]]]", 7, NULL, NULL, 2) == ACG_ERR_JSON);
    acg_json_reader_free(&r);
    CHECK(acg_json_reader_parse_depth(&r, "[]", 2, NULL, NULL, 0) == ACG_ERR_INVALID_ARG);
    acg_json_reader_free(&r);
    return 0;
}

static int test_enter_leave(void)
{
    struct parsed p;
    parse(&p, "{}");
    p.r.max_depth = 3;
    CHECK(acg_json_enter(&p.r) == ACG_OK);
    CHECK(acg_json_enter(&p.r) == ACG_OK);
    CHECK(acg_json_enter(&p.r) == ACG_OK);
    CHECK(acg_json_enter(&p.r) == ACG_ERR_JSON);
    acg_json_leave(&p.r);
    CHECK(acg_json_enter(&p.r) == ACG_OK);
    done(&p);
    return 0;
}

/* ---- strings ---- */

static const struct {
    const char *json;
    const char *text;
} strings[] = {
    {"\"plain\"", "plain"},
    {"\"\"", ""},
    {"\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d"},
    {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"},
    {"\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac"},
    {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"},
    {"\"x\\uD834\\uDD1Ey\"", "x\xf0\x9d\x84\x9ey"},
    {"\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf"},
    {"\"\\u0001\"", "\x01"},
    {"\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\"", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
    {"\"tail\\n\"", "tail\n"},
};

static int test_read_strings(void)
{
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        struct parsed p;
        parse(&p, strings[i].json);
        CHECK(p.rc == ACG_OK);
        const char *out = NULL;
        CHECK(acg_json_read_string(&p.r, 0, &out) == ACG_OK);
        CHECK_STR(out, strings[i].text);
        done(&p);
    }
    return 0;
}

static int test_embedded_nul_refused(void)
{
    struct parsed p;
    parse(&p, "{\"k\":\"a\\u0000b\"}");
    CHECK(p.rc == ACG_OK);
    const char *out = NULL;
    CHECK(acg_json_read_string(&p.r, 2, &out) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "embedded NUL") != NULL);
    CHECK(out == NULL);
    done(&p);
    return 0;
}

static int test_wrong_types(void)
{
    struct parsed p;
    parse(&p, "[1,\"s\",true,{},[],null]");
    CHECK(p.rc == ACG_OK);
    const char *s = NULL;
    bool b = false, has = false;
    int32_t i32 = 0;
    double d = 0;
    CHECK(acg_json_read_string(&p.r, 1, &s) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "expected a string, got a number") != NULL);
    acg_error_init(&p.err);
    CHECK(acg_json_read_int32(&p.r, 2, &i32, &has) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "expected a number, got a string") != NULL);
    acg_error_init(&p.err);
    CHECK(acg_json_read_bool(&p.r, 1, &b, &has) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "expected a boolean, got a number") != NULL);
    acg_error_init(&p.err);
    CHECK(acg_json_read_double(&p.r, 4, &d, &has) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "expected a number, got an object") != NULL);
    acg_error_init(&p.err);
    CHECK(acg_json_object_begin(&p.r, 5) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "expected an object, got an array") != NULL);
    acg_error_init(&p.err);
    size_t count = 9;
    CHECK(acg_json_array_begin(&p.r, 4, &count) == ACG_ERR_JSON && count == 9);
    CHECK(!has);
    CHECK(s == NULL);
    done(&p);
    return 0;
}

static int test_null_means_absent(void)
{
    struct parsed p;
    parse(&p, "[null]");
    CHECK(p.rc == ACG_OK);
    const char *s = "untouched";
    bool b = true, has = false;
    int32_t i32 = 7;
    int64_t i64 = 8;
    struct acg_timestamp ts = {9, 9, NULL};
    float f = 1.5f;
    double d = 2.5;
    struct acg_blob blob = {NULL, 0};
    const char *doc = NULL;
    CHECK(acg_json_is_null(&p.r, 1));
    CHECK(acg_json_read_string(&p.r, 1, &s) == ACG_OK && strcmp(s, "untouched") == 0);
    CHECK(acg_json_read_bool(&p.r, 1, &b, &has) == ACG_OK && b && !has);
    CHECK(acg_json_read_int32(&p.r, 1, &i32, &has) == ACG_OK && i32 == 7 && !has);
    CHECK(acg_json_read_int64(&p.r, 1, &i64, &has) == ACG_OK && i64 == 8 && !has);
    CHECK(acg_json_read_float(&p.r, 1, &f, &has) == ACG_OK && f == 1.5f && !has);
    CHECK(acg_json_read_double(&p.r, 1, &d, &has) == ACG_OK && d == 2.5 && !has);
    CHECK(acg_json_read_timestamp(&p.r, 1, &ts, &has) == ACG_OK && ts.seconds == 9 &&
          ts.nanos == 9 && !has);
    CHECK(acg_json_read_blob(&p.r, 1, &blob) == ACG_OK && blob.data == NULL);
    CHECK(acg_json_read_document(&p.r, 1, &doc) == ACG_OK && doc == NULL);
    CHECK(p.err.status == ACG_OK);
    done(&p);
    return 0;
}

/* ---- numbers ---- */

static const struct {
    const char *json;
    int rc32;
    int32_t v32;
    int rc64;
    int64_t v64;
} integers[] = {
    {"0", ACG_OK, 0, ACG_OK, 0},
    {"-0", ACG_OK, 0, ACG_OK, 0},
    {"42", ACG_OK, 42, ACG_OK, 42},
    {"2147483647", ACG_OK, INT32_MAX, ACG_OK, INT32_MAX},
    {"-2147483648", ACG_OK, INT32_MIN, ACG_OK, INT32_MIN},
    {"2147483648", ACG_ERR_JSON, 0, ACG_OK, INT64_C(2147483648)},
    {"-2147483649", ACG_ERR_JSON, 0, ACG_OK, INT64_C(-2147483649)},
    {"9223372036854775807", ACG_ERR_JSON, 0, ACG_OK, INT64_MAX},
    {"-9223372036854775808", ACG_ERR_JSON, 0, ACG_OK, INT64_MIN},
    {"9223372036854775808", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"-9223372036854775809", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"99999999999999999999999999", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"1.0", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"1.5", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"1e3", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
    {"-1E+0", ACG_ERR_JSON, 0, ACG_ERR_JSON, 0},
};

static int test_read_integers(void)
{
    for (size_t i = 0; i < sizeof integers / sizeof integers[0]; i++) {
        char js[64];
        snprintf(js, sizeof js, "[%s]", integers[i].json);
        struct parsed p;
        parse(&p, js);
        CHECK(p.rc == ACG_OK);
        int32_t v32 = 0;
        int64_t v64 = 0;
        bool has32 = false, has64 = false;
        int rc32 = acg_json_read_int32(&p.r, 1, &v32, &has32);
        int rc64 = acg_json_read_int64(&p.r, 1, &v64, &has64);
        if (rc32 != integers[i].rc32 || rc64 != integers[i].rc64 ||
            (rc32 == ACG_OK && (v32 != integers[i].v32 || !has32)) ||
            (rc64 == ACG_OK && (v64 != integers[i].v64 || !has64)) ||
            (rc32 != ACG_OK && has32) || (rc64 != ACG_OK && has64)) {
            fprintf(stderr, "integer %s: rc32 %d rc64 %d\n", integers[i].json, rc32, rc64);
            done(&p);
            return __LINE__;
        }
        if (rc32 != ACG_OK)
            CHECK(strstr(p.err.message, integers[i].json) != NULL);
        done(&p);
    }
    return 0;
}

static int test_read_doubles(void)
{
    static const struct {
        const char *json;
        double v;
    } rows[] = {
        {"0.1", 0.1},
        {"1e300", 1e300},
        {"-1.5E-7", -1.5e-7},
        {"123456789012345678", 123456789012345678.0},
        {"2.2250738585072014e-308", 2.2250738585072014e-308},
        {"4.9e-324", 4.9e-324},
        {"1.7976931348623157e308", DBL_MAX},
        {"0.30000000000000004", 0.30000000000000004},
        {"1e-400", 0.0}, /* underflow reads as zero, as Python does */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char js[64];
        snprintf(js, sizeof js, "[%s]", rows[i].json);
        struct parsed p;
        parse(&p, js);
        double d = -1;
        bool has = false;
        CHECK(p.rc == ACG_OK);
        CHECK(acg_json_read_double(&p.r, 1, &d, &has) == ACG_OK);
        CHECK(has);
        CHECK(d == rows[i].v);
        done(&p);
    }
    struct parsed p;
    parse(&p, "[-0.0,\"NaN\",\"Infinity\",\"-Infinity\",1e999,\"nan\",\"1.5\",3.5e38,1e39]");
    CHECK(p.rc == ACG_OK);
    double d;
    float f;
    bool has = false;
    CHECK(acg_json_read_double(&p.r, 1, &d, &has) == ACG_OK && d == 0 && signbit(d));
    CHECK(acg_json_read_double(&p.r, 2, &d, &has) == ACG_OK && isnan(d));
    CHECK(acg_json_read_double(&p.r, 3, &d, &has) == ACG_OK && isinf(d) && d > 0);
    CHECK(acg_json_read_double(&p.r, 4, &d, &has) == ACG_OK && isinf(d) && d < 0);
    CHECK(acg_json_read_float(&p.r, 2, &f, &has) == ACG_OK && isnan(f));
    CHECK(acg_json_read_float(&p.r, 4, &f, &has) == ACG_OK && isinf(f) && f < 0);
    CHECK(acg_json_read_double(&p.r, 5, &d, &has) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "out of range") != NULL);
    acg_error_init(&p.err);
    CHECK(acg_json_read_double(&p.r, 6, &d, &has) == ACG_ERR_JSON);
    acg_error_init(&p.err);
    CHECK(acg_json_read_double(&p.r, 7, &d, &has) == ACG_ERR_JSON);
    acg_error_init(&p.err);
    CHECK(acg_json_read_float(&p.r, 8, &f, &has) == ACG_ERR_JSON);
    acg_error_init(&p.err);
    CHECK(acg_json_read_float(&p.r, 9, &f, &has) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "out of range for a float") != NULL);
    done(&p);

    parse(&p, "[0.1,16777217]");
    CHECK(acg_json_read_float(&p.r, 1, &f, &has) == ACG_OK && f == 0.1f);
    CHECK(acg_json_read_float(&p.r, 2, &f, &has) == ACG_OK && f == 16777216.0f);
    done(&p);
    return 0;
}

static int test_read_bools(void)
{
    struct parsed p;
    parse(&p, "[true,false]");
    bool b = false, has = false;
    CHECK(acg_json_read_bool(&p.r, 1, &b, &has) == ACG_OK && b && has);
    has = false;
    CHECK(acg_json_read_bool(&p.r, 2, &b, &has) == ACG_OK && !b && has);
    CHECK(acg_json_read_bool(&p.r, 2, &b, NULL) == ACG_OK);
    done(&p);
    return 0;
}

/* ---- timestamps ---- */

/* Timestamps are kept exactly as sent, to the nanosecond (seconds, nanos). The last two
 * columns are what botocore.utils.parse_timestamp (Python 3.11, botocore installed here)
 * reads, as seconds and microseconds: for numbers it goes through a double and
 * datetime.fromtimestamp, which acg_time_from_double mirrors; for strings it truncates the
 * fraction to the microsecond, which is our exact value truncated. */
static const struct {
    const char *json;
    int64_t seconds;
    int32_t nanos;
    int64_t boto_seconds;
    int32_t boto_micros;
} timestamps[] = {
    {"1700000000.123", 1700000000, 123000000, 1700000000, 123000},
    {"1700000000", 1700000000, 0, 1700000000, 0},
    {"0.0005", 0, 500000, 0, 500},
    {"0.0015", 0, 1500000, 0, 1500},
    {"0.9999995", 0, 999999500, 1, 0},
    {"0.9994999", 0, 999499900, 0, 999500},
    {"-1.5", -2, 500000000, -2, 500000},
    {"-0.0001", -1, 999900000, -1, 999900},
    {"-5e-07", -1, 999999500, 0, 0},
    {"1.0000005", 1, 500, 1, 1},
    {"253402300799.999", INT64_C(253402300799), 999000000, INT64_C(253402300799), 998993},
    {"-62135596800", INT64_C(-62135596800), 0, INT64_C(-62135596800), 0},
    {"1000000000.1235", 1000000000, 123500000, 1000000000, 123500},
    {"1234567890.987654321", 1234567890, 987654321, 1234567890, 987654},
    {"0.001", 0, 1000000, 0, 1000},
    {"0.1234995", 0, 123499500, 0, 123500},
    {"0.1235", 0, 123500000, 0, 123500},
    {"\"2023-11-14T22:13:20.123Z\"", 1700000000, 123000000, 1700000000, 123000},
    {"\"2023-11-14T23:13:20.1239+01:00\"", 1700000000, 123900000, 1700000000, 123900},
    {"\"2023-11-14T22:13:20Z\"", 1700000000, 0, 1700000000, 0},
    {"\"Tue, 14 Nov 2023 22:13:20 GMT\"", 1700000000, 0, 1700000000, 0},
    {"\"1700000000.5\"", 1700000000, 500000000, 1700000000, 500000},
    {"\"20231114T221320Z\"", 1700000000, 0, 1700000000, 0},
    {"\"2023-11-14\"", 1699920000, 0, 1699920000, 0},
    {"\"2023-11-14T17:13:20-05:00\"", 1700000000, 0, 1700000000, 0},
    {"\"9999-12-31T23:59:59.999999Z\"", INT64_C(253402300799), 999999000,
     INT64_C(253402300799), 999999},
    {"\"0001-01-01T00:00:00Z\"", INT64_C(-62135596800), 0, INT64_C(-62135596800), 0},
    {"\"2024-02-29T12:00:00Z\"", 1709208000, 0, 1709208000, 0},
    {"\"2023-11-14T22:13:20.123456789Z\"", 1700000000, 123456789, 1700000000, 123456},
    {"\"2023-11-14 22:13:20Z\"", 1700000000, 0, 1700000000, 0},
    {"\"2023-11-14T22:13:20+0530\"", 1699980200, 0, 1699980200, 0},
    {"\"2023-11-14T22:13Z\"", 1699999980, 0, 1699999980, 0},
    {"\"2023-11-14T22:13:20\\u002e123Z\"", 1700000000, 123000000, 1700000000, 123000},
};

static int test_read_timestamps(void)
{
    for (size_t i = 0; i < sizeof timestamps / sizeof timestamps[0]; i++) {
        char js[96];
        snprintf(js, sizeof js, "{\"t\":%s}", timestamps[i].json);
        struct parsed p;
        parse(&p, js);
        struct acg_timestamp ts = {0, 0, "stale"};
        bool has = false;
        int rc = p.rc == ACG_OK ? acg_json_read_timestamp(&p.r, 2, &ts, &has) : p.rc;
        if (rc != ACG_OK || ts.seconds != timestamps[i].seconds ||
            ts.nanos != timestamps[i].nanos || !has || ts.wire != NULL) {
            fprintf(stderr, "timestamp %s: rc %d got %lld.%09d want %lld.%09d (%s)\n",
                    timestamps[i].json, rc, (long long)ts.seconds, (int)ts.nanos,
                    (long long)timestamps[i].seconds, (int)timestamps[i].nanos, p.err.message);
            done(&p);
            return __LINE__;
        }
        /* botocore's reading: a number through a double, a string truncated to the µs. */
        struct acg_timestamp boto = ts;
        if (timestamps[i].json[0] != '"')
            CHECK(acg_time_from_double(strtod(timestamps[i].json, NULL), &boto) == ACG_OK);
        else
            boto.nanos = boto.nanos / 1000 * 1000;
        if (boto.seconds != timestamps[i].boto_seconds ||
            boto.nanos != timestamps[i].boto_micros * 1000) {
            fprintf(stderr, "timestamp %s: botocore reads %lld.%06d, we %lld.%09d\n",
                    timestamps[i].json, (long long)timestamps[i].boto_seconds,
                    (int)timestamps[i].boto_micros, (long long)boto.seconds, (int)boto.nanos);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }
    static const char *bad[] = {
        "\"2023-02-29T00:00:00Z\"", "\"2023-13-01T00:00:00Z\"", "\"2023-11-14T24:00:00Z\"",
        "\"2023-11-14T22:13:60Z\"", "\"10000-01-01T00:00:00Z\"", "\"0000-12-31T00:00:00Z\"",
        "\"yesterday\"", "\"\"", "\"2023-11-14T22:13:20+25:00\"", "\"2023-11-14T22:13:20.Z\"",
        "253402300800", "-62135596801", "1e300", "true", "[]", "\"Tue, 14 Nov 2023 22:13:20\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char js[96];
        snprintf(js, sizeof js, "{\"t\":%s}", bad[i]);
        struct parsed p;
        parse(&p, js);
        struct acg_timestamp ts = {77, 7, NULL};
        bool has = false;
        int rc = acg_json_read_timestamp(&p.r, 2, &ts, &has);
        if (p.rc != ACG_OK || rc != ACG_ERR_JSON || has || ts.seconds != 77 || ts.nanos != 7) {
            fprintf(stderr, "timestamp %s accepted (rc %d seconds %lld)\n", bad[i], rc,
                    (long long)ts.seconds);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }
    return 0;
}

/* ---- blobs and documents ---- */

static int test_read_blobs(void)
{
    struct parsed p;
    parse(&p, "[\"aGVsbG8=\",\"\",\"AA==\",\"/+/+\",\"\\/+\\/+\",\"aGVsbG8\",\"aGV*bG8=\","
              "\"a===\",\"aGVsbG8=aGVs\",3]");
    CHECK(p.rc == ACG_OK);
    struct acg_blob b = {NULL, 0};
    CHECK(acg_json_read_blob(&p.r, 1, &b) == ACG_OK);
    CHECK(b.len == 5 && memcmp(b.data, "hello", 5) == 0);
    CHECK(acg_json_read_blob(&p.r, 2, &b) == ACG_OK);
    CHECK(b.data != NULL && b.len == 0);
    CHECK(acg_json_read_blob(&p.r, 3, &b) == ACG_OK);
    CHECK(b.len == 1 && b.data[0] == 0);
    CHECK(acg_json_read_blob(&p.r, 4, &b) == ACG_OK);
    CHECK(b.len == 3 && b.data[0] == 0xff && b.data[1] == 0xef && b.data[2] == 0xfe);
    CHECK(acg_json_read_blob(&p.r, 5, &b) == ACG_OK); /* "\/" is JSON for '/' */
    CHECK(b.len == 3 && b.data[0] == 0xff);
    for (int i = 6; i <= 9; i++) {
        acg_error_init(&p.err);
        CHECK(acg_json_read_blob(&p.r, i, &b) == ACG_ERR_JSON);
        CHECK(strstr(p.err.message, "invalid base64") != NULL);
    }
    acg_error_init(&p.err);
    CHECK(acg_json_read_blob(&p.r, 10, &b) == ACG_ERR_JSON);
    done(&p);
    return 0;
}

static int test_read_document(void)
{
    struct parsed p;
    parse(&p, "{\"d\": {\"a\": [1, 2, {\"b\": null}]}, \"s\": \"x\\ny\", \"n\": -1.5e3, "
              "\"t\": true, \"e\": []}");
    CHECK(p.rc == ACG_OK);
    const char *vals[5] = {0};
    const char *want[5] = {"{\"a\": [1, 2, {\"b\": null}]}", "\"x\\ny\"", "-1.5e3", "true",
                           "[]"};
    int i = 0;
    for (int key = acg_json_object_next(&p.r, 0, 0); key > 0;
         key = acg_json_object_next(&p.r, 0, key)) {
        CHECK(i < 5);
        CHECK(acg_json_read_document(&p.r, key + 1, &vals[i]) == ACG_OK);
        CHECK_STR(vals[i], want[i]);
        i++;
    }
    CHECK(i == 5);
    done(&p);
    return 0;
}

static int test_alloc(void)
{
    struct parsed p;
    parse(&p, "{}");
    void *a = acg_json_alloc(&p.r, 0, 16);
    void *b = acg_json_alloc(&p.r, 4, 8);
    CHECK(a != NULL && b != NULL && a != b);
    CHECK(((unsigned char *)b)[31] == 0);
    CHECK(acg_json_alloc(&p.r, SIZE_MAX / 2, 16) == NULL);
    CHECK(p.err.status == ACG_ERR_NOMEM);
    done(&p);
    return 0;
}

/* ---- walking ---- */

static int test_object_walk_skips_nested(void)
{
    const char *js = "{\"a\":{\"x\":[1,2,{\"y\":3,\"z\":[[],[{}]]}]},\"b\":[[],[[]]],"
                     "\"c\":\"s\",\"d\":null,\"e\":{},\"f\":[{\"g\":{\"h\":1}}]}";
    struct parsed p;
    parse(&p, js);
    CHECK(p.rc == ACG_OK);
    CHECK(acg_json_object_begin(&p.r, 0) == ACG_OK);
    const char *names[] = {"a", "b", "c", "d", "e", "f"};
    const int types[] = {ACG_JSON_OBJECT, ACG_JSON_ARRAY, ACG_JSON_STRING, ACG_JSON_PRIMITIVE,
                         ACG_JSON_OBJECT, ACG_JSON_ARRAY};
    int i = 0;
    for (int key = acg_json_object_next(&p.r, 0, 0); key > 0;
         key = acg_json_object_next(&p.r, 0, key)) {
        CHECK(i < 6);
        CHECK(acg_json_key_is(&p.r, key, names[i]));
        CHECK(p.r.toks[key + 1].type == types[i]);
        i++;
    }
    CHECK(i == 6);

    /* Inner walk: the array under a.x has three elements, the third an object. */
    int a = acg_json_object_next(&p.r, 0, 0) + 1;
    int x = acg_json_object_next(&p.r, a, 0);
    CHECK(acg_json_key_is(&p.r, x, "x"));
    size_t count = 0;
    CHECK(acg_json_array_begin(&p.r, x + 1, &count) == ACG_OK);
    CHECK(count == 3);
    int el = x + 2;
    for (size_t k = 0; k < 2; k++)
        el = acg_json_skip(&p.r, el);
    CHECK(acg_json_object_begin(&p.r, el) == ACG_OK);
    int y = acg_json_object_next(&p.r, el, 0);
    int z = acg_json_object_next(&p.r, el, y);
    CHECK(acg_json_key_is(&p.r, y, "y") && acg_json_key_is(&p.r, z, "z"));
    CHECK(acg_json_object_next(&p.r, el, z) == 0);

    /* Out-of-range and wrong-typed tokens never crash. */
    CHECK(acg_json_object_next(&p.r, -1, 0) == 0);
    CHECK(acg_json_object_next(&p.r, 999, 0) == 0);
    CHECK(acg_json_object_next(&p.r, x + 1, 0) == 0);
    CHECK(acg_json_skip(&p.r, 99999) == p.r.ntoks);
    CHECK(!acg_json_key_is(&p.r, 99999, "a"));
    const char *s;
    CHECK(acg_json_read_string(&p.r, -5, &s) == ACG_ERR_INVALID_ARG);
    done(&p);
    return 0;
}

static int test_key_is(void)
{
    struct parsed p;
    parse(&p, "{\"jobName\":1,\"job\\u004eame\":2,\"a\\\"b\":3,\"\\u00e9t\\u00e9\":4,"
              "\"\\ud83d\\ude00\":5,\"tab\\t\":6,\"\":7,\"\\/\":8}");
    CHECK(p.rc == ACG_OK);
    int k1 = acg_json_object_next(&p.r, 0, 0);
    int k2 = acg_json_object_next(&p.r, 0, k1);
    int k3 = acg_json_object_next(&p.r, 0, k2);
    int k4 = acg_json_object_next(&p.r, 0, k3);
    int k5 = acg_json_object_next(&p.r, 0, k4);
    int k6 = acg_json_object_next(&p.r, 0, k5);
    int k7 = acg_json_object_next(&p.r, 0, k6);
    int k8 = acg_json_object_next(&p.r, 0, k7);
    CHECK(acg_json_key_is(&p.r, k1, "jobName"));
    CHECK(!acg_json_key_is(&p.r, k1, "job"));
    CHECK(!acg_json_key_is(&p.r, k1, "jobNames"));
    CHECK(!acg_json_key_is(&p.r, k1, "jobname"));
    CHECK(!acg_json_key_is(&p.r, k1, ""));
    CHECK(acg_json_key_is(&p.r, k2, "jobName"));
    CHECK(!acg_json_key_is(&p.r, k2, "jobNam"));
    CHECK(!acg_json_key_is(&p.r, k2, "jobNameX"));
    CHECK(acg_json_key_is(&p.r, k3, "a\"b"));
    CHECK(acg_json_key_is(&p.r, k4, "\xc3\xa9t\xc3\xa9"));
    CHECK(acg_json_key_is(&p.r, k5, "\xf0\x9f\x98\x80"));
    CHECK(acg_json_key_is(&p.r, k6, "tab\t"));
    CHECK(acg_json_key_is(&p.r, k7, ""));
    CHECK(!acg_json_key_is(&p.r, k7, "x"));
    CHECK(acg_json_key_is(&p.r, k8, "/"));
    CHECK(acg_json_object_next(&p.r, 0, k8) == 0);
    CHECK(!acg_json_key_is(&p.r, k1 + 1, "1")); /* a number is not a key */
    done(&p);
    return 0;
}

/* What generated code does on a failing member: each level prefixes its part. */
static int decode_item(struct acg_json_reader *r, int obj)
{
    ACG_TRY(acg_json_object_begin(r, obj));
    for (int key = acg_json_object_next(r, obj, 0); key > 0; key = acg_json_object_next(r, obj, key)) {
        if (acg_json_key_is(r, key, "count")) {
            int32_t v;
            bool has;
            int rc = acg_json_read_int32(r, key + 1, &v, &has);
            if (rc != ACG_OK)
                return acg_json_fail_member(r, key, rc);
        }
    }
    return ACG_OK;
}

static int decode_items(struct acg_json_reader *r, int arr)
{
    size_t n;
    ACG_TRY(acg_json_array_begin(r, arr, &n));
    int el = arr + 1;
    for (size_t i = 0; i < n; i++) {
        int rc = decode_item(r, el);
        if (rc != ACG_OK)
            return acg_json_fail_index(r, i, rc);
        el = acg_json_skip(r, el);
    }
    return ACG_OK;
}

static int test_fail_paths(void)
{
    struct parsed p;
    parse(&p, "{\"job\":{\"items\":[{\"count\":1},{\"count\":2},{\"x\":[1]},{\"count\":1.5}]}}");
    CHECK(p.rc == ACG_OK);
    int job = acg_json_object_next(&p.r, 0, 0);
    int items = acg_json_object_next(&p.r, job + 1, 0);
    int rc = decode_items(&p.r, items + 1);
    CHECK(rc == ACG_ERR_JSON);
    rc = acg_json_fail_member(&p.r, items, rc);
    rc = acg_json_fail_member(&p.r, job, rc);
    CHECK(rc == ACG_ERR_JSON);
    CHECK_STR(p.err.where, "job.items[3].count");
    CHECK(strstr(p.err.message, "expected an integer") != NULL);
    done(&p);

    /* Nested lists: "[1][0]" without dots; escaped keys shown decoded. */
    struct acg_error e;
    acg_error_init(&e);
    struct acg_json_reader r;
    memset(&r, 0, sizeof r);
    CHECK(acg_json_reader_parse(&r, "{\"a\\\"b\":1}", 10, NULL, &e) == ACG_OK);
    acg_error_set(&e, ACG_ERR_JSON, "boom");
    acg_json_fail_index(&r, 0, ACG_ERR_JSON);
    acg_json_fail_index(&r, 1, ACG_ERR_JSON);
    acg_json_fail_member(&r, 1, ACG_ERR_JSON);
    CHECK_STR(e.where, "a\"b[1][0]");
    acg_json_reader_free(&r);

    /* A status with no message yet (say NOMEM from an allocation) still gets one. */
    acg_error_init(&e);
    memset(&r, 0, sizeof r);
    CHECK(acg_json_reader_parse(&r, "{\"m\":1}", 7, NULL, &e) == ACG_OK);
    CHECK(acg_json_fail_member(&r, 1, ACG_ERR_NOMEM) == ACG_ERR_NOMEM);
    CHECK(e.status == ACG_ERR_NOMEM && e.message[0] != '\0');
    CHECK_STR(e.where, "m");
    acg_json_reader_free(&r);

    /* A long path keeps its outer end. */
    acg_error_init(&e);
    memset(&r, 0, sizeof r);
    CHECK(acg_json_reader_parse(&r, "{\"abcdefghijklmnopqrstuvwxyz\":1}", 32, NULL, &e) == ACG_OK);
    acg_error_set(&e, ACG_ERR_JSON, "boom");
    for (int i = 0; i < 20; i++)
        acg_json_fail_member(&r, 1, ACG_ERR_JSON);
    CHECK(strlen(e.where) == sizeof e.where - 1);
    CHECK(strncmp(e.where, "abcdefghijklmnopqrstuvwxyz.abc", 30) == 0);
    acg_json_reader_free(&r);
    return 0;
}

/* ---- hostile input ---- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Walks every token through every reader; any status is fine, a crash is not. */
static void read_everything(struct acg_json_reader *r)
{
    for (int i = 0; i < r->ntoks; i++) {
        const char *s;
        bool b, has;
        int32_t i32;
        int64_t i64;
        struct acg_timestamp ts;
        float f;
        double d;
        struct acg_blob blob;
        size_t n;
        struct acg_error *saved = r->err;
        struct acg_error scratch;
        acg_error_init(&scratch);
        r->err = &scratch;
        int rcs = 0;
        rcs |= acg_json_read_string(r, i, &s);
        rcs |= acg_json_read_bool(r, i, &b, &has);
        rcs |= acg_json_read_int32(r, i, &i32, &has);
        rcs |= acg_json_read_int64(r, i, &i64, &has);
        rcs |= acg_json_read_float(r, i, &f, &has);
        rcs |= acg_json_read_double(r, i, &d, &has);
        rcs |= acg_json_read_blob(r, i, &blob);
        rcs |= acg_json_read_timestamp(r, i, &ts, &has);
        rcs |= acg_json_read_document(r, i, &s);
        rcs |= acg_json_array_begin(r, i, &n);
        (void)rcs; /* any status will do; only crashes matter */
        if (acg_json_object_begin(r, i) == ACG_OK) {
            for (int k = acg_json_object_next(r, i, 0); k > 0; k = acg_json_object_next(r, i, k))
                (void)acg_json_key_is(r, k, "key");
        }
        r->err = saved;
    }
}

static int test_mutations_never_crash(void)
{
    const char *seed = "{\"a\":[1,-2.5e3,true,false,null,\"s\\u00e9\\ud83d\\ude00\\n\"],"
                       "\"b\":{\"c\":{\"d\":[[],{}]}},\"e\":\"aGVsbG8=\",\"t\":1700000000.5}";
    size_t len = strlen(seed);
    const char alphabet[] = "{}[],:\"\\u0123456789-+.eEtrufalsn \t\n\xc3\xa9\xff\x00";
    int ok = 0, rejected = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char buf[256];
        memcpy(buf, seed, len);
        size_t n = len;
        int edits = 1 + (int)(rng() % 4);
        for (int e = 0; e < edits; e++) {
            size_t pos = rng() % n;
            switch (rng() % 3) {
            case 0: /* replace */
                buf[pos] = alphabet[rng() % (sizeof alphabet - 1)];
                break;
            case 1: /* delete */
                memmove(buf + pos, buf + pos + 1, n - pos - 1);
                n--;
                break;
            default: /* insert */
                if (n < sizeof buf - 1) {
                    memmove(buf + pos + 1, buf + pos, n - pos);
                    buf[pos] = alphabet[rng() % (sizeof alphabet - 1)];
                    n++;
                }
                break;
            }
        }
        struct parsed p;
        parse_n(&p, buf, n);
        if (p.rc == ACG_OK) {
            ok++;
            read_everything(&p.r);
        } else {
            rejected++;
            CHECK(p.rc == ACG_ERR_JSON);
            CHECK(p.err.message[0] != '\0');
        }
        done(&p);
    }
    /* Every prefix of the seed but the whole is malformed. */
    for (size_t cut = 1; cut < len; cut++) {
        struct parsed p;
        parse_n(&p, seed, cut);
        CHECK(p.rc == ACG_ERR_JSON);
        done(&p);
    }
    printf("mutations: %d parsed, %d rejected\n", ok, rejected);
    CHECK(ok > 0 && rejected > 0);
    return 0;
}

/* Python's json module as a second opinion on validity: mutated bodies are judged by both.
 * Python accepts lone surrogates and \u0000 (which we refuse by design), so those are
 * left out; it is the grammar and UTF-8 that are compared. */
static const char python_judge[] =
    "import json, random, re\n"
    "rng = random.Random(20240229)\n"
    "seeds = [b'{\"a\":[1,-2.5e3,true,false,null,\"s\\\\u00e9\\\\ud83d\\\\ude00\\\\n\"],"
    "\"b\":{\"c\":{\"d\":[[],{}]}},\"e\":\"x\",\"t\":1700000000.5}', b'[0,1e5,-0.0,\"\\\\\"\",{\"\":[]}]',"
    " b'{\"k\":\"\\xc3\\xa9\\xe2\\x82\\xac\"}', b'\"str\"', b'12', b'true']\n"
    "alpha = b'{}[],:\"\\\\u0123456789-+.eEtrufalsnNI \\t\\n\\r\\xc3\\xa9\\xff\\x00\\x01/bfrx'\n"
    "def bad(c):\n"
    "    raise ValueError(c)\n"
    "for i in range(30000):\n"
    "    s = bytearray(rng.choice(seeds))\n"
    "    for _ in range(rng.randint(1, 3)):\n"
    "        p = rng.randrange(len(s)) if s else 0\n"
    "        op = rng.randrange(3)\n"
    "        if op == 0 and s: s[p] = rng.choice(alpha)\n"
    "        elif op == 1 and s: del s[p]\n"
    "        else: s.insert(p, rng.choice(alpha))\n"
    "    b = bytes(s)\n"
    "    try:\n"
    "        t = b.decode('utf-8')\n"
    "        json.loads(t, parse_constant=bad)\n"
    "        ok = 1\n"
    "        if re.search(r'\\\\u[dD][89a-fA-F]', t) or '\\\\u0000' in t: ok = -1\n"
    "    except (ValueError, RecursionError):\n"
    "        ok = 0 if b else 1  # an empty body reads as {} here\n"
    "    print(b.hex() or '-', ok)\n";

static int hexval(int c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

static int test_agrees_with_python_json(void)
{
    char script[] = "/tmp/acg_json_pyXXXXXX";
    int fd = mkstemp(script);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(python_judge, f);
    fclose(f);
    const char *py = getenv("PYTHON");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", py ? py : "python3", script);
    FILE *p = popen(cmd, "r");
    static char line[8192];
    int agree = 0, differ = 0, skipped = 0;
    while (p != NULL && fgets(line, sizeof line, p) != NULL) {
        char *sp = strchr(line, ' ');
        if (sp == NULL)
            break;
        *sp = '\0';
        int verdict = (int)strtol(sp + 1, NULL, 10);
        size_t n = line[0] == '-' ? 0 : strlen(line) / 2;
        char body[4096];
        for (size_t i = 0; i < n; i++)
            body[i] = (char)(hexval(line[2 * i]) * 16 + hexval(line[2 * i + 1]));
        if (verdict < 0) {
            skipped++;
            continue;
        }
        struct parsed q;
        parse_n(&q, body, n);
        if ((q.rc == ACG_OK) == (verdict == 1)) {
            agree++;
        } else if (differ++ < 5) {
            fprintf(stderr, "python %s, we %s: %s (%s)\n", verdict ? "accepts" : "refuses",
                    q.rc == ACG_OK ? "accept" : "refuse", line, q.err.message);
        }
        done(&q);
    }
    if (p != NULL)
        pclose(p);
    unlink(script);
    if (agree + differ == 0) {
        printf("python json: python3 not available, skipped\n");
        return 0;
    }
    printf("python json: %d bodies judged alike, %d differently, %d skipped\n", agree, differ,
           skipped);
    CHECK(differ == 0);
    CHECK(agree > 20000);
    return 0;
}

/* ---- speed ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int test_large_body(void)
{
    /* A ListBatchInferenceJobs-like body of about 10 MB. */
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(acg_buf_append_str(&b, "{\"batchInferenceJobs\":[") == ACG_OK);
    int n = 0;
    while (b.len < 10u * 1024 * 1024) {
        CHECK(acg_buf_printf(&b,
                             "%s{\"batchInferenceJobArn\":\"arn:aws:personalize:us-west-2:"
                             "123456789012:batch-inference-job/job-%d\",\"jobName\":\"job-%d\","
                             "\"status\":\"ACTIVE\",\"creationDateTime\":1700000000.%03d,"
                             "\"numResults\":%d,\"score\":%d.25,\"tags\":[\"a\",\"b\\n\"],"
                             "\"nested\":{\"x\":[1,2,3],\"y\":null,\"z\":true}}",
                             n ? "," : "", n, n, n % 1000, n, n) == ACG_OK);
        n++;
    }
    CHECK(acg_buf_append_str(&b, "]}") == ACG_OK);

    /* The first parse pays for page faults on fresh token memory; later ones show the
     * steady rate of a process that keeps decoding. Both are printed. */
    struct parsed p;
    double first = 0, best = 1e9, t0 = 0, t1 = 0;
    for (int run = 0; run < 3; run++) {
        if (run > 0)
            done(&p);
        t0 = now_seconds();
        parse_n(&p, b.data, b.len);
        t1 = now_seconds();
        CHECK(p.rc == ACG_OK);
        if (run == 0)
            first = t1 - t0;
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    /* Walk it the way a generated deserializer would. */
    int list_key = acg_json_object_next(&p.r, 0, 0);
    CHECK(acg_json_key_is(&p.r, list_key, "batchInferenceJobs"));
    size_t count = 0;
    CHECK(acg_json_array_begin(&p.r, list_key + 1, &count) == ACG_OK);
    CHECK(count == (size_t)n);
    int el = list_key + 2;
    int64_t sum = 0;
    for (size_t i = 0; i < count; i++) {
        for (int key = acg_json_object_next(&p.r, el, 0); key > 0;
             key = acg_json_object_next(&p.r, el, key)) {
            if (acg_json_key_is(&p.r, key, "numResults")) {
                int32_t v = 0;
                bool has = false;
                CHECK(acg_json_read_int32(&p.r, key + 1, &v, &has) == ACG_OK);
                sum += v;
            } else if (acg_json_key_is(&p.r, key, "jobName")) {
                const char *s = NULL;
                CHECK(acg_json_read_string(&p.r, key + 1, &s) == ACG_OK);
            } else if (acg_json_key_is(&p.r, key, "creationDateTime")) {
                struct acg_timestamp ts;
                bool has;
                CHECK(acg_json_read_timestamp(&p.r, key + 1, &ts, &has) == ACG_OK);
            }
        }
        el = acg_json_skip(&p.r, el);
    }
    double t2 = now_seconds();
    CHECK(sum == (int64_t)n * (n - 1) / 2);
    CHECK(el == acg_json_skip(&p.r, list_key + 1));
    CHECK(el == p.r.ntoks);
    double mb = (double)b.len / (1024.0 * 1024.0);
    printf("large body: %.1f MB, %d tokens; parse: first %.1f ms (%.0f MB/s), best of 3 "
           "%.1f ms (%.0f MB/s); parse+walk %.1f ms (%.0f MB/s)\n",
           mb, p.r.ntoks, first * 1e3, mb / first, best * 1e3, mb / best, (t2 - t0) * 1e3,
           mb / (t2 - t0));
    done(&p);
    acg_buf_free(&b);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_malformed_rejected),
    TEST(test_error_offsets),
    TEST(test_nul_byte_rejected),
    TEST(test_valid_accepted),
    TEST(test_empty_body_is_empty_object),
    TEST(test_depth_limit),
    TEST(test_enter_leave),
    TEST(test_read_strings),
    TEST(test_embedded_nul_refused),
    TEST(test_wrong_types),
    TEST(test_null_means_absent),
    TEST(test_read_integers),
    TEST(test_read_doubles),
    TEST(test_read_bools),
    TEST(test_read_timestamps),
    TEST(test_read_blobs),
    TEST(test_read_document),
    TEST(test_alloc),
    TEST(test_object_walk_skips_nested),
    TEST(test_key_is),
    TEST(test_fail_paths),
    TEST(test_mutations_never_crash),
    TEST(test_agrees_with_python_json),
    TEST(test_large_body),
};

int main(void)
{
    return RUN_TESTS("json_read", tests);
}
