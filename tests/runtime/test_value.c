/* JSON value trees (parse, build, compare, write, Python float repr) and the JMESPath API's
 * contract beyond the compliance suite: error kinds and positions, limits, lifetimes. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "common/acg_format.h"
#include "jmespath/acg_jmespath.h"

static struct acg_value *parse(struct acg_arena *a, const char *js)
{
    struct acg_value *v = NULL;
    if (acg_value_parse(a, js, strlen(js), &v, NULL) != ACG_OK)
        return NULL;
    return v;
}

/* v written with flags, into a static buffer (tests are single-threaded). */
static const char *dump(const struct acg_value *v, unsigned flags)
{
    static char text[4096];
    struct acg_buf b;
    acg_buf_init(&b, 0);
    text[0] = '\0';
    if (acg_value_write_json(v, flags, &b, NULL) == ACG_OK)
        snprintf(text, sizeof text, "%s", b.data);
    else
        snprintf(text, sizeof text, "(error)");
    acg_buf_free(&b);
    return text;
}

static int test_parse_numbers_and_strings(void)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_value *v = parse(a, " [1, -0, 1.0, 1e2, 9223372036854775807, 9223372036854775808,"
                                   " \"a\\u0000b\\ud83d\\ude00\", true, null] ");
    CHECK(v != NULL && v->type == ACG_VALUE_ARRAY && v->u.arr.count == 9);
    CHECK(v->u.arr.items[0]->type == ACG_VALUE_INT && v->u.arr.items[0]->u.i == 1);
    CHECK(v->u.arr.items[1]->type == ACG_VALUE_INT && v->u.arr.items[1]->u.i == 0);
    CHECK(v->u.arr.items[2]->type == ACG_VALUE_DOUBLE && v->u.arr.items[2]->u.d == 1.0);
    CHECK(v->u.arr.items[3]->type == ACG_VALUE_DOUBLE && v->u.arr.items[3]->u.d == 100.0);
    CHECK(v->u.arr.items[4]->type == ACG_VALUE_INT && v->u.arr.items[4]->u.i == INT64_MAX);
    CHECK(v->u.arr.items[5]->type == ACG_VALUE_DOUBLE);
    const struct acg_value *s = v->u.arr.items[6];
    CHECK(s->u.str.len == 7 && memcmp(s->u.str.ptr, "a\0b\xF0\x9F\x98\x80", 7) == 0);
    CHECK_STR(dump(v, 0), "[1,0,1.0,100.0,9223372036854775807,9.223372036854776e+18,"
                          "\"a\\u0000b\xF0\x9F\x98\x80\",true,null]");
    acg_arena_destroy(a);
    return 0;
}

static int test_parse_errors(void)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_error err;
    struct acg_value *v = (struct acg_value *)1;
    const char *bad[] = {"", "   ", "[1,]", "{\"a\":1}{}", "tru", "\"\\ud800\"", "[1 2]", "01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        acg_error_init(&err);
        CHECK(acg_value_parse(a, bad[i], strlen(bad[i]), &v, &err) == ACG_ERR_JSON);
        CHECK(v == NULL && err.message[0] != '\0');
    }
    char deep[2 * ACG_VALUE_MAX_DEPTH + 8];
    size_t n = ACG_VALUE_MAX_DEPTH + 1;
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    CHECK(acg_value_parse(a, deep, 2 * n, &v, NULL) == ACG_ERR_JSON);
    CHECK(acg_value_parse(a, deep + 1, 2 * n - 2, &v, NULL) == ACG_OK);
    acg_arena_destroy(a);
    return 0;
}

static int test_duplicate_keys_keep_first_place_last_value(void)
{
    struct acg_arena *a = acg_arena_new();
    CHECK_STR(dump(parse(a, "{\"a\":1,\"b\":2,\"a\":3}"), 0), "{\"a\":3,\"b\":2}");
    /* large objects go through the hash index */
    char js[4096];
    size_t o = (size_t)snprintf(js, sizeof js, "{");
    for (int i = 0; i < 100; i++)
        o += (size_t)snprintf(js + o, sizeof js - o, "\"k%d\":%d,", i % 50, i);
    snprintf(js + o - 1, sizeof js - o + 1, "}");
    struct acg_value *v = parse(a, js);
    CHECK(v != NULL && v->u.obj.count == 50);
    CHECK(strcmp(v->u.obj.members[7].key, "k7") == 0 && v->u.obj.members[7].value->u.i == 57);
    acg_arena_destroy(a);
    return 0;
}

static int test_builders(void)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_value *o = acg_value_new_object(a), *tags = acg_value_new_array(a);
    CHECK(acg_value_object_add(a, o, "Name", 4, acg_value_new_string(a, "x", 1)) == ACG_OK);
    CHECK(acg_value_object_add(a, o, "Tags", 4, tags) == ACG_OK);
    CHECK(acg_value_array_push(a, tags, acg_value_new_int(a, 1)) == ACG_OK);
    CHECK(acg_value_array_push(a, tags, acg_value_new_double(a, 2.5)) == ACG_OK);
    CHECK(acg_value_object_set(a, o, "Name", 4, acg_value_new_bool(a, false)) == ACG_OK);
    CHECK(acg_value_object_set(a, o, "N", 1, acg_value_new_null(a)) == ACG_OK);
    CHECK(acg_value_array_push(a, tags, NULL) == ACG_ERR_NOMEM);
    CHECK(acg_value_array_push(a, o, tags) == ACG_ERR_INVALID_ARG);
    CHECK_STR(dump(o, ACG_JSON_PY_INDENT),
              "{\n    \"Name\": false,\n    \"Tags\": [\n        1,\n        2.5\n    ],\n"
              "    \"N\": null\n}");
    uint32_t depth;
    /* 1 + Name (1 + key 1) + Tags (3 + key 1) + N (1 + key 1) */
    CHECK(acg_value_measure(o, 1000, &depth) == 9 && depth == 3);
    CHECK(acg_value_measure(o, 2, NULL) > 2);
    CHECK(acg_value_freeze(o, NULL) == ACG_OK && o->weight_ == 9 && o->depth_ == 3);
    CHECK(acg_value_array_push(a, tags, acg_value_new_int(a, 3)) == ACG_ERR_INVALID_ARG);
    CHECK_STR(dump(acg_value_new_object(a), ACG_JSON_PY_INDENT), "{}");
    acg_arena_destroy(a);
    return 0;
}

static int test_equality_and_order(void)
{
    struct acg_arena *a = acg_arena_new();
    CHECK(acg_value_equal(parse(a, "[1, {\"a\": 2.0, \"b\": []}]"),
                          parse(a, "[1.0, {\"b\": [], \"a\": 2}]")));
    CHECK(!acg_value_equal(parse(a, "[true]"), parse(a, "[1]")));
    CHECK(!acg_value_equal(parse(a, "{\"a\": 1}"), parse(a, "{\"a\": 1, \"b\": 1}")));
    CHECK(!acg_value_equal(parse(a, "\"a\""), parse(a, "\"b\"")));
    struct acg_value *big = parse(a, "[9007199254740993, 9007199254740992.0, 1e400]");
    const struct acg_value *const *it = (const struct acg_value *const *)big->u.arr.items;
    CHECK(acg_value_compare_numbers(it[0], it[1]) == 1); /* exact, as Python */
    CHECK(acg_value_compare_numbers(it[1], it[0]) == -1);
    CHECK(acg_value_compare_numbers(it[0], it[2]) == -1);
    struct acg_value *nan = acg_value_new_double(a, NAN);
    CHECK(acg_value_compare_numbers(nan, it[0]) == 2 && !acg_value_equal(nan, nan));
    acg_arena_destroy(a);
    return 0;
}

static int test_writers(void)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_value *v = parse(a, "{\"k\":[\"\\n\\t\\u0001\\\"\\\\/\x7F\xC3\xA9\xF0\x9F\x98\x80\","
                                   "1e16,1e-05,0.0001,-0.0,1.5e300,123456789012.5]}");
    CHECK_STR(dump(v, 0), "{\"k\":[\"\\n\\t\\u0001\\\"\\\\/\x7F\xC3\xA9\xF0\x9F\x98\x80\","
                          "1e+16,1e-05,0.0001,-0.0,1.5e+300,123456789012.5]}");
    CHECK_STR(dump(v->u.obj.members[0].value->u.arr.items[0], ACG_JSON_PY_ASCII),
              "\"\\n\\t\\u0001\\\"\\\\/\\u007f\\u00e9\\ud83d\\ude00\"");
    struct acg_value *arr = acg_value_new_array(a);
    CHECK(acg_value_array_push(a, arr, acg_value_new_double(a, NAN)) == ACG_OK);
    CHECK(acg_value_array_push(a, arr, acg_value_new_double(a, -INFINITY)) == ACG_OK);
    CHECK(acg_value_array_push(a, arr, acg_value_new_string(a, "\xFF", 1)) == ACG_OK);
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(acg_value_write_json(arr, 0, &b, NULL) == ACG_ERR_INVALID_ARG);
    CHECK(strcmp(b.data, "[NaN,-Infinity,\"") == 0); /* what came before stays */
    acg_buf_free(&b);
    char out[32];
    CHECK(acg_format_double(1.0, out) == 3 && strcmp(out, "1.0") == 0);
    acg_format_double(0.1 + 0.2, out);
    CHECK_STR(out, "0.30000000000000004");
    acg_format_double(5e-324, out);
    CHECK_STR(out, "5e-324");
    acg_format_double(1e22, out);
    CHECK_STR(out, "1e+22");
    acg_format_double(123456789012345678.0, out);
    CHECK_STR(out, "1.2345678901234568e+17");
    acg_format_double(-INFINITY, out);
    CHECK_STR(out, "-inf");
    acg_format_float(1.1f, out);
    CHECK_STR(out, "1.1");
    acg_format_float(16777216.0f, out);
    CHECK_STR(out, "16777216.0");
    acg_format_float(3.4028235e38f, out);
    CHECK_STR(out, "3.4028235e+38");
    acg_arena_destroy(a);
    return 0;
}

/* ---- JMESPath API ---- */

static int search(const char *expr, const char *json, const char **out_text, struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath *jp = NULL;
    const struct acg_value *r = NULL;
    acg_error_init(err);
    int rc = acg_jmespath_compile(expr, SIZE_MAX, &jp, err);
    if (rc == ACG_OK)
        rc = acg_jmespath_search(jp, parse(a, json), a, &r, err);
    *out_text = rc == ACG_OK ? dump(r, 0) : "";
    acg_jmespath_destroy(jp);
    acg_arena_destroy(a);
    return rc;
}

static int test_jmespath_errors_name_kind_and_place(void)
{
    struct acg_error err;
    const char *out;
    CHECK(search("foo.[bar", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK(acg_jmespath_error_kind(&err) == ACG_JMESPATH_ERROR_SYNTAX);
    CHECK_STR(err.where, "column 8");
    CHECK_STR(err.message, "Invalid jmespath expression: Incomplete expression:\n"
                           "\"foo.[bar\"\n         ^");
    CHECK_STR(acg_jmespath_error_message(&err), err.message);
    CHECK(search("\xC3\xA9 ~", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.where, "column 0"); /* columns count characters */
    CHECK(search("a || length(`1`)", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.aws_type, "invalid-type");
    CHECK_STR(err.where, "length() argument 1");
    CHECK(search("nope(@)", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.aws_type, "unknown-function");
    CHECK(search("`false` && nope(@)", "{}", &out, &err) == ACG_OK); /* not evaluated */
    CHECK_STR(out, "false");
    CHECK(search("abs(`1`, `2`)", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.aws_type, "invalid-arity");
    CHECK(search("[::0]", "[1]", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.aws_type, "invalid-value");
    CHECK(search("`1` < 'a'", "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.aws_type, "invalid-type");
    CHECK_STR(err.message, "'<' not supported between instances of 'int' and 'str'");
    CHECK(acg_jmespath_error_kind(NULL) == ACG_JMESPATH_ERROR_NONE);
    CHECK_STR(acg_jmespath_error_message(NULL), "");
    return 0;
}

/* A message past acg_error.message's size is kept whole beside it until acg_error_free. */
static int test_jmespath_long_messages(void)
{
    struct acg_error err;
    const char *out;
    char expr[1200];
    memset(expr, 'a', 1000);
    memcpy(expr + 1000, " ~", 3);
    CHECK(search(expr, "{}", &out, &err) == ACG_ERR_INVALID_ARG);
    const char *full = acg_jmespath_error_message(&err);
    CHECK(strlen(full) == strlen("Bad jmespath expression: Unknown token ~:\n") + 1002 + 1 + 1002);
    CHECK(strncmp(full, "Bad jmespath expression: Unknown token ~:\naaa", 45) == 0);
    CHECK(strlen(err.message) == sizeof err.message - 1);
    CHECK(strncmp(full, err.message, sizeof err.message - 1) == 0);
    CHECK_STR(err.where, "column 1001");
    acg_error_free(&err);
    CHECK(err.detail == NULL);
    CHECK(acg_jmespath_error_message(&err) == err.message);
    /* a cut never splits a character: 52 ASCII bytes, then two-byte characters */
    char json[2100] = "[null, \"x";
    for (int i = 0; i < 1000; i++)
        strcat(json, "\xC3\xA9");
    strcat(json, "\"]");
    CHECK(search("abs(@)", json, &out, &err) == ACG_ERR_INVALID_ARG);
    CHECK(strncmp(err.message, "In function abs(), invalid type for value: [None, 'x\xC3\xA9", 54) == 0);
    CHECK(strlen(err.message) == sizeof err.message - 2);
    CHECK(strstr(acg_jmespath_error_message(&err), "'], expected one of: ['number'], received: "
                                                   "\"array\"") != NULL);
    acg_error_free(&err);
    return 0;
}

static int test_jmespath_python_results(void)
{
    struct acg_error err;
    const char *out;
    CHECK(search("[sum(@), avg(@), ceil(`1.5`), floor(`-1.5`), max(@)]", "[1, 2, 4]", &out,
                 &err) == ACG_OK);
    CHECK_STR(out, "[7,2.3333333333333335,2,-2,4]");
    CHECK(search("to_string(@)", "{\"a\": [1, 2.0, \"\xC3\xA9\"]}", &out, &err) == ACG_OK);
    CHECK_STR(out, "\"{\\\"a\\\":[1,2.0,\\\"\\\\u00e9\\\"]}\"");
    CHECK(search("[to_number(' 1_000 '), to_number('1e3'), to_number('x'), to_number('-inf')]",
                 "{}", &out, &err) == ACG_OK);
    CHECK_STR(out, "[1000,1000.0,null,-Infinity]");
    CHECK(search("sort_by(@, &k)[*].n", "[{\"k\":2,\"n\":\"a\"},{\"k\":1.0,\"n\":\"b\"},"
                 "{\"k\":1,\"n\":\"c\"}]", &out, &err) == ACG_OK);
    CHECK_STR(out, "[\"b\",\"c\",\"a\"]"); /* stable */
    CHECK(search("[`1` == `true`, [`1`] == [`true`], contains([`1`], `true`)]", "{}", &out,
                 &err) == ACG_OK);
    CHECK_STR(out, "[false,true,true]");
    CHECK(search("{a: `1`, b: `2`, a: `3`}", "{}", &out, &err) == ACG_OK);
    CHECK_STR(out, "{\"a\":3,\"b\":2}");
    CHECK(search("missing", "{}", &out, &err) == ACG_OK);
    CHECK_STR(out, "null");
    return 0;
}

static int test_jmespath_limits(void)
{
    struct acg_error err;
    const char *out;
    char deep[4 * ACG_JMESPATH_MAX_NESTING];
    size_t n = 0;
    for (int i = 0; i <= ACG_JMESPATH_MAX_NESTING; i++)
        deep[n++] = '(';
    deep[n++] = 'a';
    for (int i = 0; i <= ACG_JMESPATH_MAX_NESTING; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    CHECK(search(deep, "{}", &out, &err) == ACG_ERR_TOO_LARGE);
    CHECK_STR(err.aws_type, "limit");
    /* each step doubles the value as printed; 64 steps would be 2^64 leaves */
    char doubling[1024];
    n = (size_t)snprintf(doubling, sizeof doubling, "@");
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(doubling + n, sizeof doubling - n, " | [@, @]");
    CHECK(search(doubling, "1", &out, &err) == ACG_ERR_TOO_LARGE);
    CHECK(strstr(err.message, "size limit") != NULL);
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath *jp = NULL;
    const struct acg_value *r;
    CHECK(acg_jmespath_compile("[@, @, @]", SIZE_MAX, &jp, NULL) == ACG_OK);
    CHECK_STR(acg_jmespath_text(jp), "[@, @, @]");
    CHECK(acg_jmespath_search_limited(jp, parse(a, "[1, 2]"), a, 9, &r, NULL) == ACG_ERR_TOO_LARGE);
    CHECK(acg_jmespath_search_limited(jp, parse(a, "[1, 2]"), a, 10, &r, NULL) == ACG_OK);
    CHECK(r->u.arr.items[0] == r->u.arr.items[1]); /* shared, as in Python */
    acg_jmespath_destroy(jp);
    acg_arena_destroy(a);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_parse_numbers_and_strings),
        TEST(test_parse_errors),
        TEST(test_duplicate_keys_keep_first_place_last_value),
        TEST(test_builders),
        TEST(test_equality_and_order),
        TEST(test_writers),
        TEST(test_jmespath_errors_name_kind_and_place),
        TEST(test_jmespath_long_messages),
        TEST(test_jmespath_python_results),
        TEST(test_jmespath_limits),
    };
    return RUN_TESTS("test_value", tests);
}
