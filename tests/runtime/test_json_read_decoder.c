/* Decoder tests: the one-pass reader under the runtime's table-driven decoder
 * (acg_json_decode_body). A small hand-written deserializer on the same calls exercises
 * members, lists, maps and nesting; the scalar readers keep the token readers' rules (null
 * is absent, wrong types and malformed values fail with an offset); member paths build
 * bottom-up; list items and strings come back intact whatever the chunking; epoch seconds
 * are kept exactly as written (to the nanosecond, with their text); and hostile input never
 * crashes and is judged as the token reader judges it. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acg_text_private.h"
#include "json/acg_json.h"
#include "harness.h"

/* Decodes a copy of js in a buffer of exactly its length, so ASan catches any read past the
 * end (bodies are not NUL-terminated). */
struct decoded {
    struct acg_json_decoder d;
    struct acg_arena *arena;
    struct acg_error err;
    char *copy;
    int rc;
};

static void begin_n(struct decoded *p, const char *js, size_t len)
{
    memset(p, 0, sizeof *p);
    acg_error_init(&p->err);
    p->arena = acg_arena_new();
    p->copy = malloc(len ? len : 1);
    if (len)
        memcpy(p->copy, js, len);
    p->rc = acg_json_decoder_begin(&p->d, p->copy, len, p->arena, &p->err);
}

static void done(struct decoded *p)
{
    acg_json_decoder_free(&p->d);
    acg_arena_destroy(p->arena);
    free(p->copy);
}

/* ---- a deserializer written the way the generator writes them ---- */

struct item {
    const char *name;
    bool has_count;
    int32_t count;
};

struct tag {
    const char *key;
    const char *value;
};

struct row {
    size_t count;
    double *items;
};

struct thing {
    const char *name;
    bool has_count;
    int32_t count;
    bool has_at;
    struct acg_timestamp at;
    struct item *items;
    size_t items_count;
    struct tag *tags;
    size_t tags_count;
    struct row *matrix;
    size_t matrix_count;
    const char **names;
    size_t names_count;
    struct thing *child;
    const char *extra;
};

static int read_item(struct acg_json_decoder *d, struct item *out)
{
    struct acg_json_key key;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_object(d, &key, &more));
    while (more) {
        int rc;

        switch (key.len) {
        case 4:
            if (memcmp(key.name, "name", 4) == 0)
                rc = acg_json_decode_string(d, &out->name);
            else
                rc = acg_json_decode_skip(d);
            break;
        case 5:
            if (memcmp(key.name, "count", 5) == 0)
                rc = acg_json_decode_int32(d, &out->count, &out->has_count);
            else
                rc = acg_json_decode_skip(d);
            break;
        default:
            rc = acg_json_decode_skip(d);
            break;
        }
        if (rc != ACG_OK)
            return acg_json_decode_fail_member(d, &key, rc);
        ACG_TRY(acg_json_decode_next_member(d, &key, &more));
    }
    return ACG_OK;
}

static int read_items(struct acg_json_decoder *d, struct item **out, size_t *count)
{
    struct item item;
    struct acg_json_list list;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_array(d, &more));
    acg_json_list_begin(d, &list);
    while (more) {
        int rc;

        memset(&item, 0, sizeof item);
        rc = read_item(d, &item);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, &item, sizeof item);
        if (rc != ACG_OK)
            return acg_json_decode_fail_index(d, list.count, rc);
        ACG_TRY(acg_json_decode_next_element(d, &more));
    }
    *out = acg_json_list_finish(d, &list, sizeof item);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    *count = list.count;
    return ACG_OK;
}

static int read_strings(struct acg_json_decoder *d, const char ***out, size_t *count)
{
    const char *item;
    struct acg_json_list list;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_array(d, &more));
    acg_json_list_begin(d, &list);
    while (more) {
        int rc;

        item = NULL;
        rc = acg_json_decode_string(d, &item);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, &item, sizeof item);
        if (rc != ACG_OK)
            return acg_json_decode_fail_index(d, list.count, rc);
        ACG_TRY(acg_json_decode_next_element(d, &more));
    }
    *out = acg_json_list_finish(d, &list, sizeof item);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    *count = list.count;
    return ACG_OK;
}

static int read_row(struct acg_json_decoder *d, double **out, size_t *count)
{
    double item;
    struct acg_json_list list;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_array(d, &more));
    acg_json_list_begin(d, &list);
    while (more) {
        int rc;

        item = 0;
        rc = acg_json_decode_double(d, &item, NULL);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, &item, sizeof item);
        if (rc != ACG_OK)
            return acg_json_decode_fail_index(d, list.count, rc);
        ACG_TRY(acg_json_decode_next_element(d, &more));
    }
    *out = acg_json_list_finish(d, &list, sizeof item);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    *count = list.count;
    return ACG_OK;
}

static int read_matrix(struct acg_json_decoder *d, struct row **out, size_t *count)
{
    struct row item;
    struct acg_json_list list;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_array(d, &more));
    acg_json_list_begin(d, &list);
    while (more) {
        int rc;

        memset(&item, 0, sizeof item);
        rc = read_row(d, &item.items, &item.count);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, &item, sizeof item);
        if (rc != ACG_OK)
            return acg_json_decode_fail_index(d, list.count, rc);
        ACG_TRY(acg_json_decode_next_element(d, &more));
    }
    *out = acg_json_list_finish(d, &list, sizeof item);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    *count = list.count;
    return ACG_OK;
}

static int read_tags(struct acg_json_decoder *d, struct tag **out, size_t *count)
{
    struct tag item;
    struct acg_json_list list;
    struct acg_json_key key;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_object(d, &key, &more));
    acg_json_list_begin(d, &list);
    while (more) {
        int rc;

        memset(&item, 0, sizeof item);
        rc = acg_json_decode_key(d, &key, &item.key);
        if (rc == ACG_OK)
            rc = acg_json_decode_string(d, &item.value);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, &item, sizeof item);
        if (rc != ACG_OK)
            return acg_json_decode_fail_member(d, &key, rc);
        ACG_TRY(acg_json_decode_next_member(d, &key, &more));
    }
    *out = acg_json_list_finish(d, &list, sizeof item);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    *count = list.count;
    return ACG_OK;
}

static int read_thing(struct acg_json_decoder *d, struct thing *out);

static int read_thing_ptr(struct acg_json_decoder *d, struct thing **out)
{
    if (acg_json_decode_null(d))
        return ACG_OK;
    *out = acg_json_decode_alloc(d, 1, sizeof **out);
    if (*out == NULL)
        return ACG_ERR_NOMEM;
    return read_thing(d, *out);
}

static int read_thing(struct acg_json_decoder *d, struct thing *out)
{
    struct acg_json_key key;
    bool more;

    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_object(d, &key, &more));
    while (more) {
        int rc;

        switch (key.len) {
        case 2:
            if (memcmp(key.name, "at", 2) == 0)
                rc = acg_json_decode_timestamp(d, &out->at, &out->has_at);
            else
                rc = acg_json_decode_skip(d);
            break;
        case 4:
            if (memcmp(key.name, "name", 4) == 0)
                rc = acg_json_decode_string(d, &out->name);
            else if (memcmp(key.name, "tags", 4) == 0)
                rc = read_tags(d, &out->tags, &out->tags_count);
            else
                rc = acg_json_decode_skip(d);
            break;
        case 5:
            if (memcmp(key.name, "count", 5) == 0)
                rc = acg_json_decode_int32(d, &out->count, &out->has_count);
            else if (memcmp(key.name, "items", 5) == 0)
                rc = read_items(d, &out->items, &out->items_count);
            else if (memcmp(key.name, "names", 5) == 0)
                rc = read_strings(d, &out->names, &out->names_count);
            else if (memcmp(key.name, "child", 5) == 0)
                rc = read_thing_ptr(d, &out->child);
            else if (memcmp(key.name, "extra", 5) == 0)
                rc = acg_json_decode_document(d, &out->extra);
            else
                rc = acg_json_decode_skip(d);
            break;
        case 6:
            if (memcmp(key.name, "matrix", 6) == 0)
                rc = read_matrix(d, &out->matrix, &out->matrix_count);
            else
                rc = acg_json_decode_skip(d);
            break;
        default:
            rc = acg_json_decode_skip(d);
            break;
        }
        if (rc != ACG_OK)
            return acg_json_decode_fail_member(d, &key, rc);
        ACG_TRY(acg_json_decode_next_member(d, &key, &more));
    }
    return ACG_OK;
}

/* Decodes js as a thing: begin, read the object, end, as acg_json_decode_body does. */
static int decode_thing(struct decoded *p, const char *js, size_t len, struct thing *out)
{
    memset(out, 0, sizeof *out);
    begin_n(p, js, len);
    if (p->rc == ACG_OK)
        p->rc = read_thing(&p->d, out);
    if (p->rc == ACG_OK)
        p->rc = acg_json_decoder_end(&p->d);
    return p->rc;
}

/* ---- tests ---- */

static int test_members_lists_maps(void)
{
    const char *js =
        "{\"name\":\"n\\u00e9\",\"count\":7,\"unknown\":{\"deep\":[1,{\"x\":null}]},"
        "\"items\":[{\"name\":\"a\",\"count\":1},null,{\"count\":3,\"other\":\"x\"}],"
        "\"tags\":{\"z\":\"1\",\"a\":\"2\",\"a\":\"3\",\"k\\u0041\":null},"
        "\"matrix\":[[1.5,-2],[],[3e2]],\"names\":[\"x\",null,\"\"],"
        "\"child\":{\"name\":\"c\",\"child\":{\"count\":-1}},\"at\":1700000000.123,"
        "\"extra\":{ \"a\" : [true] },\"count\":8}";
    struct decoded p;
    struct thing t;
    CHECK(decode_thing(&p, js, strlen(js), &t) == ACG_OK);
    CHECK_STR(t.name, "n\xc3\xa9");
    CHECK(t.has_count && t.count == 8); /* the last of a repeated member wins */
    CHECK(t.items_count == 3);
    CHECK_STR(t.items[0].name, "a");
    CHECK(t.items[0].has_count && t.items[0].count == 1);
    CHECK(t.items[1].name == NULL && !t.items[1].has_count);
    CHECK(t.items[2].name == NULL && t.items[2].count == 3);
    CHECK(t.tags_count == 4); /* maps keep every entry in order, duplicates included */
    CHECK_STR(t.tags[0].key, "z");
    CHECK_STR(t.tags[0].value, "1");
    CHECK_STR(t.tags[2].key, "a");
    CHECK_STR(t.tags[2].value, "3");
    CHECK_STR(t.tags[3].key, "kA");
    CHECK(t.tags[3].value == NULL);
    CHECK(t.matrix_count == 3);
    CHECK(t.matrix[0].count == 2 && t.matrix[0].items[0] == 1.5 && t.matrix[0].items[1] == -2);
    CHECK(t.matrix[1].count == 0 && t.matrix[1].items != NULL); /* empty, not absent */
    CHECK(t.matrix[2].count == 1 && t.matrix[2].items[0] == 300);
    CHECK(t.names_count == 3 && t.names[1] == NULL);
    CHECK_STR(t.names[0], "x");
    CHECK_STR(t.names[2], "");
    CHECK(t.child != NULL && t.child->child != NULL && t.child->child->count == -1);
    CHECK_STR(t.child->name, "c");
    CHECK(t.has_at && t.at.seconds == INT64_C(1700000000) && t.at.nanos == 123000000);
    CHECK_STR(t.at.wire, "1700000000.123");
    CHECK_STR(t.extra, "{ \"a\" : [true] }");
    done(&p);

    /* Absent stays absent; empty stays empty. */
    CHECK(decode_thing(&p, "{\"items\":null,\"tags\":{},\"names\":[]}", 35, &t) == ACG_OK);
    CHECK(t.items == NULL && t.items_count == 0);
    CHECK(t.tags != NULL && t.tags_count == 0);
    CHECK(t.names != NULL && t.names_count == 0);
    done(&p);
    return 0;
}

static int test_escaped_member_names(void)
{
    const char *js = "{\"n\\u0061me\":\"x\",\"\\u0063ount\":5,\"na\\\"me\":\"y\",\"\":1}";
    struct decoded p;
    struct thing t;
    CHECK(decode_thing(&p, js, strlen(js), &t) == ACG_OK);
    CHECK_STR(t.name, "x");
    CHECK(t.count == 5);
    done(&p);

    /* A failing member shows its name as written, simple escapes decoded. */
    js = "{\"na\\\"me\":{\"x\":1},\"items\":[{},{\"co\\u0075nt\":\"5\"}]}";
    CHECK(decode_thing(&p, js, strlen(js), &t) == ACG_ERR_JSON);
    CHECK_STR(p.err.where, "items[1].co\\u0075nt");
    CHECK(strstr(p.err.message, "expected a number, got a string (at byte offset 45)") != NULL);
    done(&p);
    return 0;
}

static int test_begin_and_end(void)
{
    struct decoded p;
    struct thing t;
    CHECK(decode_thing(&p, "", 0, &t) == ACG_OK); /* an empty body is {} */
    done(&p);
    CHECK(decode_thing(&p, " \n{ } \t", 7, &t) == ACG_OK);
    done(&p);

    static const struct {
        const char *js;
        size_t len; /* 0: strlen(js) */
        const char *message_part;
    } rows[] = {
        {"   ", 0, "no JSON value"},
        {"[]", 0, "expected an object, got an array (at byte offset 0)"},
        {"null", 0, "expected an object, got null"},
        {" \"s\"", 0, "expected an object, got a string (at byte offset 2)"},
        {"[1,", 0, "unexpected end of input"}, /* malformed beats mistyped */
        {"tru", 0, "invalid literal or number 'tru'"},
        {"{} {}", 0, "more than one top-level value at byte offset 3"},
        {"{} x", 0, "unexpected character 'x' at byte offset 3"},
        {"{}\0", 3, "NUL byte at byte offset 2"},
        {"{\"name\":\"a\"", 0, "unexpected end of input"},
        {"}", 0, "unexpected character '}'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].js);
        int rc = decode_thing(&p, rows[i].js, len, &t);
        if (rc != ACG_ERR_JSON || strstr(p.err.message, rows[i].message_part) == NULL) {
            fprintf(stderr, "%s: rc %d \"%s\"\n", rows[i].js, rc, p.err.message);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }

    struct acg_json_decoder d;
    struct acg_error err;
    acg_error_init(&err);
    struct acg_arena *arena = acg_arena_new();
    CHECK(acg_json_decoder_begin(&d, NULL, 3, arena, &err) == ACG_ERR_INVALID_ARG);
    acg_json_decoder_free(&d);
    CHECK(acg_json_decoder_begin(&d, "{}", 2, NULL, NULL) == ACG_ERR_INVALID_ARG);
    acg_json_decoder_free(&d);
    acg_arena_destroy(arena);
    acg_json_decoder_free(&d); /* idempotent */
    acg_json_decoder_free(NULL);
    return 0;
}

/* Each row decodes {"v":VALUE} with one reader. */
enum reader { R_STRING, R_BOOL, R_INT32, R_INT64, R_FLOAT, R_DOUBLE, R_TIME, R_BLOB, R_DOC };

struct scalars {
    const char *s;
    bool b;
    int32_t i32;
    int64_t i64;
    float f;
    double x;
    struct acg_timestamp ts;
    struct acg_blob blob;
    bool has;
};

static int read_one(const char *value, enum reader which, struct scalars *v, struct decoded *p)
{
    char js[256];
    struct acg_json_key key;
    bool more;
    int n = snprintf(js, sizeof js, "{\"v\":%s}", value);
    begin_n(p, js, (size_t)n);
    if (p->rc != ACG_OK)
        return p->rc;
    int rc = acg_json_decode_object(&p->d, &key, &more);
    if (rc == ACG_OK) {
        switch (which) {
        case R_STRING: rc = acg_json_decode_string(&p->d, &v->s); break;
        case R_BOOL: rc = acg_json_decode_bool(&p->d, &v->b, &v->has); break;
        case R_INT32: rc = acg_json_decode_int32(&p->d, &v->i32, &v->has); break;
        case R_INT64: rc = acg_json_decode_int64(&p->d, &v->i64, &v->has); break;
        case R_FLOAT: rc = acg_json_decode_float(&p->d, &v->f, &v->has); break;
        case R_DOUBLE: rc = acg_json_decode_double(&p->d, &v->x, &v->has); break;
        case R_TIME: rc = acg_json_decode_timestamp(&p->d, &v->ts, &v->has); break;
        case R_BLOB: rc = acg_json_decode_blob(&p->d, &v->blob); break;
        case R_DOC: rc = acg_json_decode_document(&p->d, &v->s); break;
        }
        if (rc != ACG_OK)
            rc = acg_json_decode_fail_member(&p->d, &key, rc);
    }
    if (rc == ACG_OK)
        rc = acg_json_decode_next_member(&p->d, &key, &more);
    if (rc == ACG_OK)
        rc = acg_json_decoder_end(&p->d);
    return rc;
}

static int test_scalars(void)
{
    struct decoded p;
    struct scalars v;

    memset(&v, 0, sizeof v);
    CHECK(read_one("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\ud83d\\ude00\"", R_STRING, &v, &p) == ACG_OK);
    CHECK_STR(v.s, "a\"b\\c/d\b\f\n\r\t\xf0\x9f\x98\x80");
    done(&p);
    CHECK(read_one("true", R_BOOL, &v, &p) == ACG_OK && v.b && v.has);
    done(&p);
    CHECK(read_one("-2147483648", R_INT32, &v, &p) == ACG_OK && v.i32 == INT32_MIN);
    done(&p);
    CHECK(read_one("-9223372036854775808", R_INT64, &v, &p) == ACG_OK && v.i64 == INT64_MIN);
    done(&p);
    CHECK(read_one("0.1", R_FLOAT, &v, &p) == ACG_OK && v.f == 0.1f);
    done(&p);
    CHECK(read_one("\"-Infinity\"", R_DOUBLE, &v, &p) == ACG_OK && isinf(v.x) && v.x < 0);
    done(&p);
    CHECK(read_one("2.2250738585072014e-308", R_DOUBLE, &v, &p) == ACG_OK &&
          v.x == 2.2250738585072014e-308);
    done(&p);
    CHECK(read_one("\"2023-11-14T22:13:20\\u002e123Z\"", R_TIME, &v, &p) == ACG_OK &&
          v.ts.seconds == INT64_C(1700000000) && v.ts.nanos == 123000000 && v.has);
    CHECK_STR(v.ts.wire, "2023-11-14T22:13:20.123Z"); /* the string, unescaped */
    done(&p);
    CHECK(read_one("\"2023-11-14T22:13:20.123456789Z\"", R_TIME, &v, &p) == ACG_OK &&
          v.ts.seconds == INT64_C(1700000000) && v.ts.nanos == 123456789);
    done(&p);
    memset(&v, 0, sizeof v);
    CHECK(read_one("null", R_TIME, &v, &p) == ACG_OK && !v.has && v.ts.wire == NULL);
    done(&p);
    CHECK(read_one("\"\\/+\\/+\"", R_BLOB, &v, &p) == ACG_OK && v.blob.len == 3 &&
          v.blob.data[0] == 0xff);
    done(&p);
    CHECK(read_one("\"\"", R_BLOB, &v, &p) == ACG_OK && v.blob.data != NULL && v.blob.len == 0);
    done(&p);
    CHECK(read_one("-1.5e3", R_DOC, &v, &p) == ACG_OK);
    CHECK_STR(v.s, "-1.5e3");
    done(&p);

    /* null leaves every output as it was. */
    for (int r = R_STRING; r <= R_DOC; r++) {
        struct scalars u;
        struct scalars before;
        memset(&u, 0x5a, sizeof u);
        u.has = false;
        memcpy(&before, &u, sizeof u);
        CHECK(read_one(" null ", (enum reader)r, &u, &p) == ACG_OK);
        CHECK(memcmp(&u, &before, sizeof u) == 0);
        done(&p);
    }
    return 0;
}

/* restJson1 responses: integers may come as 5.0 or 1e3 (botocore reads them with int()). */
struct ints {
    bool has_i;
    int32_t i;
    bool has_l;
    int64_t l;
};

static const struct acg_member ints_members[] = {
    { .name = "i", .shape = &acg_shape_integer, .offset = offsetof(struct ints, i),
      .has_offset = offsetof(struct ints, has_i) },
    { .name = "l", .shape = &acg_shape_long, .offset = offsetof(struct ints, l),
      .has_offset = offsetof(struct ints, has_l) },
};
static const struct acg_shape ints_shape = {
    .name = "Ints", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct ints),
    .members = ints_members, .member_count = 2,
};

static int decode_ints(const char *js, bool rest, struct ints *out)
{
    struct acg_arena *a = acg_arena_new();
    memset(out, 0, sizeof *out);
    int rc = rest ? acg_json_decode_rest_body(js, strlen(js), &ints_shape, out, a, NULL)
                  : acg_json_decode_body(js, strlen(js), &ints_shape, out, a, NULL);
    acg_arena_destroy(a);
    return rc;
}

static int test_rest_integers_truncate(void)
{
    struct ints v;
    CHECK(decode_ints("{\"i\": 5.0, \"l\": 1796889600.0}", true, &v) == ACG_OK);
    CHECK(v.has_i && v.i == 5 && v.has_l && v.l == INT64_C(1796889600));
    CHECK(decode_ints("{\"i\": -2.75, \"l\": 1e3}", true, &v) == ACG_OK);
    CHECK(v.i == -2 && v.l == 1000);
    CHECK(decode_ints("{\"i\": 2147483647.9}", true, &v) == ACG_OK && v.i == INT32_MAX);
    CHECK(decode_ints("{\"i\": 2147483648.0}", true, &v) == ACG_ERR_JSON);
    CHECK(decode_ints("{\"l\": 1e19}", true, &v) == ACG_ERR_JSON);
    CHECK(decode_ints("{\"l\": 1e400}", true, &v) == ACG_ERR_JSON);
    /* awsJson keeps its strict integers. */
    CHECK(decode_ints("{\"i\": 5.0}", false, &v) == ACG_ERR_JSON);
    return 0;
}

static int test_scalar_failures(void)
{
    static const struct {
        const char *value;
        enum reader which;
        const char *message_part;
        const char *where;
    } rows[] = {
        {"5", R_STRING, "expected a string, got a number (at byte offset 5)", "v"},
        {"{\"a\":[]}", R_STRING, "expected a string, got an object (at byte offset 5)", "v"},
        {"\"5\"", R_INT32, "expected a number, got a string (at byte offset 6)", "v"},
        {"[]", R_BOOL, "expected a boolean, got an array", "v"},
        {"true", R_TIME, "expected a timestamp, got a boolean", "v"},
        {"1", R_BLOB, "expected a base64 string, got a number", "v"},
        /* a malformed value is reported as such, whatever was wanted */
        {"{\"a\":tru}", R_STRING, "invalid literal or number 'tru'", "v.a"},
        {"[1 2]", R_INT32, "expected ',' between elements", "v"},
        {"nul", R_STRING, "invalid literal or number 'nul'", "v"},
        {"nullx", R_INT32, "invalid literal or number 'nullx'", "v"},
        {"1.0", R_INT32, "expected an integer, got '1.0'", "v"},
        {"2147483648", R_INT32, "out of range for a 32-bit integer", "v"},
        {"9223372036854775808", R_INT64, "out of range for a 64-bit integer", "v"},
        {"1e39", R_FLOAT, "out of range for a float", "v"},
        {"1e999", R_DOUBLE, "out of range for a double", "v"},
        {"\"nan\"", R_DOUBLE, "other than NaN, Infinity or -Infinity", "v"},
        {"01", R_INT32, "invalid literal or number '01'", "v"},
        {"-", R_DOUBLE, "invalid literal or number '-'", "v"},
        {"\"a\\u0000b\"", R_STRING, "embedded NUL (\\u0000) not supported at byte offset 7", "v"},
        {"\"a\\x\"", R_STRING, "bad escape in string at byte offset 7", "v"},
        {"\"\\udc00\"", R_STRING, "unpaired UTF-16 surrogate", "v"},
        {"\"\xc0\xaf\"", R_STRING, "invalid UTF-8 in string at byte offset 6", "v"},
        {"\"a\tb\"", R_STRING, "control character in string at byte offset 7", "v"},
        {"\"yesterday\"", R_TIME,
         "expected a timestamp (years 1-9999), got 'yesterday' (at byte offset 6)", "v"},
        {"253402300800", R_TIME,
         "expected a timestamp (years 1-9999), got '253402300800' (at byte offset 5)", "v"},
        {"\"aGV*bG8=\"", R_BLOB, "invalid base64 at character 3", "v"},
        {"[1,]", R_DOC, "unexpected ','", "v"},
        {"", R_STRING, "unexpected character '}'", "v"},
        {",", R_STRING, "unexpected ','", "v"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct decoded p;
        struct scalars v;
        memset(&v, 0, sizeof v);
        int rc = read_one(rows[i].value, rows[i].which, &v, &p);
        if (rc != ACG_ERR_JSON || strstr(p.err.message, rows[i].message_part) == NULL ||
            strcmp(p.err.where, rows[i].where) != 0 || v.has) {
            fprintf(stderr, "row %zu %s: rc %d where \"%s\" message \"%s\"\n", i, rows[i].value,
                    rc, p.err.where, p.err.message);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }
    return 0;
}

static int test_structure_failures(void)
{
    static const struct {
        const char *js;
        const char *message_part;
        const char *where;
    } rows[] = {
        {"{\"name\":\"a\",}", "unexpected ',' at byte offset 11", ""},
        {"{\"name\":\"a\" \"count\":1}", "expected ',' between members", ""},
        {"{\"name\" \"a\"}", "expected ':' after the member name", "name"},
        {"{\"name\":}", "unexpected character '}'", "name"},
        {"{,}", "unexpected ','", ""},
        {"{\"items\":[{},]}", "unexpected ','", "items"},
        {"{\"items\":[,{}]}", "unexpected ','", "items"},
        {"{\"items\":[{} {}]}", "expected ',' between elements", "items"},
        {"{\"items\":[{\"count\":1},{\"count\":1.5}]}", "expected an integer", "items[1].count"},
        {"{\"matrix\":[[1],[2,\"x\"]]}", "expected a number", "matrix[1][1]"},
        {"{\"tags\":{\"k\":1}}", "expected a string, got a number", "tags.k"},
        {"{\"tags\":{\"a\\u0000\":\"v\"}}", "embedded NUL", "tags.a\\u0000"},
        {"{\"child\":{\"child\":{\"name\":[]}}}", "expected a string", "child.child.name"},
        {"{\"unknown\":[1,{\"x\":tru}]}", "invalid literal or number 'tru'", "unknown[1].x"},
        {"{\"items\":{}}", "expected an array, got an object", "items"},
        {"{\"child\":[]}", "expected an object, got an array", "child"},
        {"{\"name\":\"a\"]", "unexpected character ']'", ""},
        {"{\"items\":[1}", "expected an object, got a number", "items[0]"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct decoded p;
        struct thing t;
        int rc = decode_thing(&p, rows[i].js, strlen(rows[i].js), &t);
        if (rc != ACG_ERR_JSON || strstr(p.err.message, rows[i].message_part) == NULL ||
            strstr(p.err.message, "byte offset") == NULL || strcmp(p.err.where, rows[i].where) != 0) {
            fprintf(stderr, "row %zu %s: rc %d where \"%s\" message \"%s\"\n", i, rows[i].js, rc,
                    p.err.where, p.err.message);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }
    return 0;
}

static char *nested(int depth)
{
    /* {"child":{"child":...{}...}} */
    size_t n = (size_t)depth * 10 + 3;
    char *s = malloc(n);
    size_t o = 0;
    for (int i = 0; i < depth - 1; i++)
        o += (size_t)snprintf(s + o, n - o, "{\"child\":");
    o += (size_t)snprintf(s + o, n - o, "{}");
    for (int i = 0; i < depth - 1; i++)
        s[o++] = '}';
    s[o] = '\0';
    return s;
}

static int test_depth_limit(void)
{
    struct decoded p;
    struct thing t;
    char *ok = nested(ACG_JSON_MAX_DEPTH);
    char *deep = nested(ACG_JSON_MAX_DEPTH + 1);
    CHECK(decode_thing(&p, ok, strlen(ok), &t) == ACG_OK);
    done(&p);
    CHECK(decode_thing(&p, deep, strlen(deep), &t) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "nesting deeper than 64 levels at byte offset 576") != NULL);
    done(&p);
    /* Skipped values count too. */
    deep[2] = 'X';
    CHECK(decode_thing(&p, deep, strlen(deep), &t) == ACG_ERR_JSON);
    CHECK(strstr(p.err.message, "nesting deeper than 64") != NULL);
    done(&p);
    free(ok);
    free(deep);

    size_t n = 1000000;
    char *huge = malloc(n);
    memset(huge, '[', n);
    huge[0] = '{';
    memcpy(huge + 1, "\"x\":", 4);
    CHECK(decode_thing(&p, huge, n, &t) == ACG_ERR_JSON);
    done(&p);
    free(huge);
    return 0;
}

/* Strings of every length up to a few times the chunk sizes, and a long list: what comes out
 * is what went in, in order. */
static int test_many_strings_and_items(void)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(acg_buf_append_str(&b, "{\"names\":[") == ACG_OK);
    size_t count = 0;
    for (size_t len = 0; len < 9000; len += 1 + len / 3, count++) {
        CHECK(acg_buf_append_str(&b, count ? ",\"" : "\"") == ACG_OK);
        for (size_t i = 0; i < len; i++)
            CHECK(acg_buf_append_char(&b, (char)('a' + (len + i) % 26)) == ACG_OK);
        CHECK(acg_buf_append_char(&b, '"') == ACG_OK);
    }
    CHECK(acg_buf_append_str(&b, "],\"items\":[") == ACG_OK);
    for (int i = 0; i < 20000; i++)
        CHECK(acg_buf_printf(&b, "%s{\"count\":%d,\"name\":\"n%d\"}", i ? "," : "", i, i) == ACG_OK);
    CHECK(acg_buf_append_str(&b, "]}") == ACG_OK);

    struct decoded p;
    struct thing t;
    CHECK(decode_thing(&p, b.data, b.len, &t) == ACG_OK);
    CHECK(t.names_count == count);
    size_t k = 0;
    for (size_t len = 0; len < 9000; len += 1 + len / 3, k++) {
        CHECK(strlen(t.names[k]) == len);
        for (size_t i = 0; i < len; i++)
            CHECK(t.names[k][i] == (char)('a' + (len + i) % 26));
    }
    CHECK(t.items_count == 20000);
    for (int i = 0; i < 20000; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        CHECK(t.items[i].count == i);
        CHECK_STR(t.items[i].name, name);
    }
    done(&p);
    acg_buf_free(&b);
    return 0;
}

/* Strings are scanned a word at a time: every byte value, at every position within the
 * word, must be found exactly where it is. */
static int test_every_byte_everywhere(void)
{
    for (int b = 0; b < 256; b++) {
        for (size_t at = 0; at < 20; at++) {
            char js[64];
            size_t n = 0;
            n += (size_t)snprintf(js, sizeof js, "{\"v\":\"");
            size_t start = n;
            for (size_t i = 0; i < 24; i++)
                js[n++] = i == at ? (char)b : (char)('a' + i);
            js[n++] = '"';
            js[n++] = '}';
            struct decoded p;
            struct scalars v;
            memset(&v, 0, sizeof v);
            begin_n(&p, js, n);
            struct acg_json_key key;
            bool more;
            int rc = acg_json_decode_object(&p.d, &key, &more);
            if (rc == ACG_OK)
                rc = acg_json_decode_string(&p.d, &v.s);
            char want[64];
            snprintf(want, sizeof want, "at byte offset %zu", start + at);
            bool ok;
            if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\')
                ok = rc == ACG_OK && strlen(v.s) == 24 && v.s[at] == (char)b;
            else if (b == '"') /* the string ends there */
                ok = rc == ACG_OK && strlen(v.s) == at;
            else if (b == '\\') /* "\\" then a letter: a bad escape unless it is one */
                ok = strchr("bfnrt", 'a' + (int)at + 1) != NULL
                         ? rc == ACG_OK && strlen(v.s) == 23
                         : rc == ACG_ERR_JSON && strstr(p.err.message, "bad escape") &&
                               strstr(p.err.message, want);
            else /* control bytes, and a lone non-ASCII byte is not UTF-8 */
                ok = rc == ACG_ERR_JSON && strstr(p.err.message, want) != NULL;
            if (!ok) {
                fprintf(stderr, "byte 0x%02x at %zu: rc %d \"%s\"\n", (unsigned)b, at, rc,
                        p.err.message);
                done(&p);
                return __LINE__;
            }
            done(&p);
        }
    }
    return 0;
}

/* Epoch seconds read without a double must give what the general path gives: strtod, then
 * botocore's rounding to the microsecond. */
static uint64_t rng_state = 88172645463325252u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The instant "[-]S[.F]" stands for, from its digits alone: seconds and nanoseconds. */
static void exact_epoch(const char *text, int64_t *seconds, int32_t *nanos)
{
    bool negative = *text == '-';
    const char *p = text + negative;
    int64_t s = 0;
    int32_t n = 0;
    while (*p >= '0' && *p <= '9')
        s = s * 10 + (*p++ - '0');
    if (*p == '.')
        p++;
    for (int k = 0; k < 9; k++)
        n = n * 10 + (*p >= '0' && *p <= '9' ? *p++ - '0' : 0);
    if (negative && (s != 0 || n != 0)) {
        s = -s;
        if (n != 0) {
            s -= 1;
            n = 1000000000 - n;
        }
    }
    *seconds = s;
    *nanos = n;
}

static int test_epoch_seconds_exact(void)
{
    static const struct {
        const char *text;
        int64_t seconds;
        int32_t nanos;
    } fixed[] = {
        {"0", 0, 0}, {"1", 1, 0}, {"1700000000", 1700000000, 0},
        {"1700000000.123", 1700000000, 123000000}, {"1700000000.1235", 1700000000, 123500000},
        {"1000000000.1235", 1000000000, 123500000}, {"0.0005", 0, 500000},
        {"0.0015", 0, 1500000}, {"0.999999", 0, 999999000}, {"0.000001", 0, 1000},
        {"8589934591.999999", INT64_C(8589934591), 999999000},
        {"8589934591.5", INT64_C(8589934591), 500000000}, {"8589934592", INT64_C(8589934592), 0},
        {"8589934592.5", INT64_C(8589934592), 500000000},
        {"4294967295.999999", INT64_C(4294967295), 999999000},
        {"4294967296.000001", INT64_C(4294967296), 1000}, {"1.1", 1, 100000000},
        {"9999999999", INT64_C(9999999999), 0}, {"9999999999.999", INT64_C(9999999999), 999000000},
        {"253402300799.999", INT64_C(253402300799), 999000000}, {"1.0000005", 1, 500},
        {"0.9999995", 0, 999999500}, {"-1.5", -2, 500000000}, {"1e9", 1000000000, 0},
        {"17e8", 1700000000, 0}, {"0.1234995", 0, 123499500},
        {"123456789.000999", 123456789, 999000}, {"12345678901", INT64_C(12345678901), 0},
        {"1.5e-9", 0, 1}, {"1700000000.123456789999", 1700000000, 123456789},
        {"-0.000000001", -1, 999999999},
    };
    char text[64];
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    for (size_t i = 0; i < nfixed + 300000; i++) {
        int64_t want_s = 0;
        int32_t want_ns = 0;
        if (i < nfixed) {
            snprintf(text, sizeof text, "%s", fixed[i].text);
            want_s = fixed[i].seconds;
            want_ns = fixed[i].nanos;
        } else {
            uint64_t r = rng();
            uint64_t seconds = r % (i % 2 ? (UINT64_C(1) << 33) + 1000 : 2000000000);
            int digits = (int)((r >> 40) % 11);
            if (digits == 0) {
                snprintf(text, sizeof text, "%s%llu", (r >> 60) % 8 == 0 ? "-" : "",
                         (unsigned long long)seconds);
            } else {
                uint64_t frac = (r >> 12) % 10000000000;
                if ((r >> 50) % 4 == 0)
                    frac = frac / 10 * 10 + 5; /* halfway cases */
                char f[16];
                snprintf(f, sizeof f, "%010llu", (unsigned long long)frac);
                f[digits] = '\0';
                snprintf(text, sizeof text, "%s%llu.%s", (r >> 60) % 8 == 0 ? "-" : "",
                         (unsigned long long)seconds, f);
            }
            exact_epoch(text, &want_s, &want_ns);
        }
        struct decoded p;
        struct scalars v;
        memset(&v, 0, sizeof v);
        int rc = read_one(text, R_TIME, &v, &p);
        bool ok = rc == ACG_OK && v.has && v.ts.seconds == want_s && v.ts.nanos == want_ns &&
                  v.ts.wire != NULL && strcmp(v.ts.wire, text) == 0;
        if (!ok) {
            fprintf(stderr, "epoch %s: got %lld.%09d (rc %d, wire %s), want %lld.%09d\n", text,
                    (long long)v.ts.seconds, (int)v.ts.nanos, rc,
                    v.ts.wire ? v.ts.wire : "(null)", (long long)want_s, (int)want_ns);
            done(&p);
            return __LINE__;
        }
        done(&p);
    }
    return 0;
}

/* Short decimals are read without strtod; the value must be the one strtod gives, bit for
 * bit. */
static int test_doubles_exact(void)
{
    static const char *fixed[] = {
        "0", "-0", "0.25", "-0.75", "0.1", "0.3", "1.7976931348623157", "123456789012345",
        "1234567890123456", "0.000000000000001", "9007199254740993", "0.30000000000000004",
        "999999999999999.9", "5e-324", "1e22", "1.5e3", "-123.456", "3.14159265358979",
    };
    char text[64];
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    for (size_t i = 0; i < nfixed + 200000; i++) {
        if (i < nfixed) {
            snprintf(text, sizeof text, "%s", fixed[i]);
        } else {
            uint64_t r = rng();
            int digits = 1 + (int)(r % 17);
            int point = (int)((r >> 8) % (unsigned)(digits + 1));
            size_t n = 0;
            if ((r >> 16) & 1)
                text[n++] = '-';
            for (int k = 0; k < digits; k++) {
                if (k == point && k > 0)
                    text[n++] = '.';
                uint64_t digit = (rng() >> 20) % 10;
                if (k == 0 && point != 1 && digits > 1 && digit == 0)
                    digit = 1; /* no leading zeros: JSON forbids them */
                text[n++] = (char)('0' + digit);
            }
            text[n] = '\0';
        }
        double want = acg_strtod_c(text, NULL);
        struct decoded p;
        struct scalars v;
        memset(&v, 0, sizeof v);
        int rc = read_one(text, R_DOUBLE, &v, &p);
        done(&p);
        if (rc != ACG_OK || memcmp(&v.x, &want, sizeof want) != 0) {
            fprintf(stderr, "double %s: rc %d got %.17g want %.17g\n", text, rc, v.x, want);
            return __LINE__;
        }
    }
    return 0;
}

/* Mutated bodies: the decoder never crashes, and skipping a body accepts exactly what the
 * token reader accepts (an object at the top). */
static int test_mutations(void)
{
    const char *seed = "{\"name\":\"s\\u00e9\\ud83d\\ude00\\n\",\"count\":-25,\"items\":[{\"name\":"
                       "\"a\",\"count\":1},null],\"tags\":{\"k\":\"v\"},\"matrix\":[[1.5e3],[]],"
                       "\"child\":{\"at\":\"2023-11-14T22:13:20Z\"},\"at\":1700000000.5,"
                       "\"extra\":[true,false,{}]}";
    size_t len = strlen(seed);
    const char alphabet[] = "{}[],:\"\\u0123456789-+.eEtrufalsn \t\n\xc3\xa9\xff\x00";
    uint32_t state = 2024;
    int decoded = 0, refused = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char buf[512];
        memcpy(buf, seed, len);
        size_t n = len;
        int edits = 1 + iter % 4;
        for (int e = 0; e < edits; e++) {
            state = state * 1103515245u + 12345u;
            size_t pos = (state >> 8) % n;
            unsigned op = (state >> 4) % 3;
            char c = alphabet[(state >> 16) % (sizeof alphabet - 1)];
            if (op == 0) {
                buf[pos] = c;
            } else if (op == 1 && n > 1) {
                memmove(buf + pos, buf + pos + 1, n - pos - 1);
                n--;
            } else if (n < sizeof buf - 1) {
                memmove(buf + pos + 1, buf + pos, n - pos);
                buf[pos] = c;
                n++;
            }
        }
        struct decoded p;
        struct thing t;
        if (decode_thing(&p, buf, n, &t) == ACG_OK)
            decoded++;
        else
            refused++;
        CHECK(p.rc == ACG_OK || (p.rc == ACG_ERR_JSON && strstr(p.err.message, "byte offset")));
        done(&p);

        /* Skipping checks the same things the token reader checks. */
        begin_n(&p, buf, n);
        int skip_rc = p.rc;
        if (skip_rc == ACG_OK)
            skip_rc = acg_json_decode_skip(&p.d);
        if (skip_rc == ACG_OK)
            skip_rc = acg_json_decoder_end(&p.d);
        done(&p);
        struct acg_json_reader r;
        int token_rc = acg_json_reader_parse(&r, buf, n, NULL, NULL);
        bool object = token_rc == ACG_OK && r.ntoks > 0 && r.toks[0].type == ACG_JSON_OBJECT;
        acg_json_reader_free(&r);
        CHECK((skip_rc == ACG_OK) == object);
    }
    printf("mutations: %d decoded, %d refused\n", decoded, refused);
    CHECK(decoded > 0 && refused > 0);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_members_lists_maps),
    TEST(test_escaped_member_names),
    TEST(test_begin_and_end),
    TEST(test_scalars),
    TEST(test_rest_integers_truncate),
    TEST(test_scalar_failures),
    TEST(test_structure_failures),
    TEST(test_depth_limit),
    TEST(test_many_strings_and_items),
    TEST(test_every_byte_everywhere),
    TEST(test_epoch_seconds_exact),
    TEST(test_doubles_exact),
    TEST(test_mutations),
};

int main(void)
{
    return RUN_TESTS("json_read_decoder", tests);
}
