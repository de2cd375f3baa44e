/* The CBOR codec (runtime/cbor) over the tiny all-shapes model's tables: exact bytes as
 * botocore writes them, values that survive JSON -> struct -> CBOR -> struct -> JSON, every
 * encoding a server may choose (indefinite lengths, half floats, tags), and hostile bodies
 * that must fail with a message and a member path, never crash or over-allocate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbor/acg_cbor.h"
#include "harness.h"
#include "json/acg_json.h"
#include "tiny.h"

static const struct acg_shape *response_shape(void)
{
    return acg_service_find_operation(&tiny_service, "PutThing")->output;
}

/* The bytes written as hex ("a1 65 ..."; spaces ignored) into out; returns the length. */
static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = 0;
    for (const char *p = hex; *p != '\0';) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            return n;
        out[n++] = (unsigned char)v;
        p += 2;
    }
    return n;
}

static void tohex(const unsigned char *b, size_t len, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && o + 3 < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%02x", i ? " " : "", b[i]);
}

/* Decodes body as PutThingResponse and prints it as compact JSON (or the error, with its
 * path, as "ERR where: message") into out. */
static int decode_to_json(const unsigned char *body, size_t len, char *out, size_t size)
{
    struct tiny_put_thing_response v;
    struct acg_error err;
    struct acg_buf b;
    struct acg_json_writer w;
    struct acg_arena *arena = acg_arena_new();
    memset(&v, 0, sizeof v);
    acg_error_init(&err);
    acg_buf_init(&b, 0);
    int rc = acg_cbor_decode_body((const char *)body, len, response_shape(), &v, arena, &err);
    v.arena_ = arena;
    if (rc == ACG_OK) {
        acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
        rc = acg_json_encode(&w, response_shape(), &v, NULL);
    }
    if (rc == ACG_OK)
        snprintf(out, size, "%s", b.data);
    else
        snprintf(out, size, "ERR %s: %s", err.where, err.message);
    acg_buf_free(&b);
    tiny_put_thing_response_free(&v);
    return rc;
}

static int decode_hex(const char *hex, char *out, size_t size)
{
    unsigned char body[512];
    return decode_to_json(body, unhex(hex, body), out, size);
}

/* JSON -> PutThingResponse -> CBOR (hex into cbor_hex) -> struct -> JSON (into out). */
static int roundtrip(const char *json, char *cbor_hex, size_t hex_size, char *out, size_t size)
{
    struct tiny_put_thing_response v;
    struct acg_buf cbor;
    struct acg_arena *arena = acg_arena_new();
    memset(&v, 0, sizeof v);
    acg_buf_init(&cbor, 0);
    int rc = acg_json_decode_input(json, strlen(json), response_shape(), &v, arena, NULL);
    v.arena_ = arena;
    if (rc == ACG_OK)
        rc = acg_cbor_encode(&cbor, response_shape(), &v, NULL, NULL);
    if (rc == ACG_OK) {
        tohex((const unsigned char *)cbor.data, cbor.len, cbor_hex, hex_size);
        rc = decode_to_json((const unsigned char *)cbor.data, cbor.len, out, size);
    }
    tiny_put_thing_response_free(&v);
    acg_buf_free(&cbor);
    return rc;
}

static int same_after_roundtrip(const char *json)
{
    char hex[4096], out[4096];
    if (roundtrip(json, hex, sizeof hex, out, sizeof out) != ACG_OK || strcmp(out, json) != 0) {
        fprintf(stderr, "want %s\n got %s\n cbor %s\n", json, out, hex);
        return 0;
    }
    return 1;
}

static const char *encode_hex(const char *json)
{
    static char hex[4096];
    char out[2048];
    if (roundtrip(json, hex, sizeof hex, out, sizeof out) != ACG_OK)
        snprintf(hex, sizeof hex, "ERR %s", out);
    return hex;
}

/* ---- encoding ---- */

static int test_integers_take_the_smallest_head(void)
{
    CHECK_STR(encode_hex("{\"count\":0}"), "a1 65 63 6f 75 6e 74 00");
    CHECK_STR(encode_hex("{\"count\":23}"), "a1 65 63 6f 75 6e 74 17");
    CHECK_STR(encode_hex("{\"count\":24}"), "a1 65 63 6f 75 6e 74 18 18");
    CHECK_STR(encode_hex("{\"count\":256}"), "a1 65 63 6f 75 6e 74 19 01 00");
    CHECK_STR(encode_hex("{\"count\":-1}"), "a1 65 63 6f 75 6e 74 20");
    CHECK_STR(encode_hex("{\"count\":-25}"), "a1 65 63 6f 75 6e 74 38 18");
    CHECK_STR(encode_hex("{\"count\":-2147483648}"), "a1 65 63 6f 75 6e 74 3a 7f ff ff ff");
    CHECK_STR(encode_hex("{\"thing\":{\"big\":4294967296}}"),
              "a1 65 74 68 69 6e 67 a1 63 62 69 67 1b 00 00 00 01 00 00 00 00");
    CHECK_STR(encode_hex("{\"thing\":{\"big\":-9223372036854775808}}"),
              "a1 65 74 68 69 6e 67 a1 63 62 69 67 3b 7f ff ff ff ff ff ff ff");
    return 0;
}

static int test_floats_doubles_and_specials(void)
{
    /* float shapes in single precision, double shapes in double, as botocore writes them */
    CHECK_STR(encode_hex("{\"thing\":{\"ratio\":1.5}}"),
              "a1 65 74 68 69 6e 67 a1 65 72 61 74 69 6f fa 3f c0 00 00");
    CHECK_STR(encode_hex("{\"thing\":{\"score\":1.5}}"),
              "a1 65 74 68 69 6e 67 a1 65 73 63 6f 72 65 fb 3f f8 00 00 00 00 00 00");
    CHECK_STR(encode_hex("{\"thing\":{\"score\":NaN}}"),
              "a1 65 74 68 69 6e 67 a1 65 73 63 6f 72 65 f9 7e 00");
    CHECK_STR(encode_hex("{\"thing\":{\"ratio\":-Infinity}}"),
              "a1 65 74 68 69 6e 67 a1 65 72 61 74 69 6f f9 fc 00");
    return 0;
}

static int test_timestamps_blobs_booleans(void)
{
    /* whole seconds as an integer under tag 1; a fraction as a double, to the millisecond */
    CHECK_STR(encode_hex("{\"thing\":{\"created\":1700000000}}"),
              "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 1a 65 53 f1 00");
    CHECK_STR(encode_hex("{\"thing\":{\"created\":1700000000.5}}"),
              "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 fb 41 d9 54 fc 40 20 00 00");
    CHECK_STR(encode_hex("{\"thing\":{\"created\":-1}}"),
              "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 20");
    /* the model's timestampFormat does not apply: tag 1 whatever it says */
    CHECK_STR(encode_hex("{\"thing\":{\"isoTime\":\"1970-01-01T00:00:10Z\"}}"),
              "a1 65 74 68 69 6e 67 a1 67 69 73 6f 54 69 6d 65 c1 0a");
    CHECK_STR(encode_hex("{\"thing\":{\"data\":\"\",\"flag\":true}}"),
              "a1 65 74 68 69 6e 67 a2 64 66 6c 61 67 f5 64 64 61 74 61 40");
    CHECK_STR(encode_hex("{\"thing\":{\"data\":\"AQI=\"}}"),
              "a1 65 74 68 69 6e 67 a1 64 64 61 74 61 42 01 02");
    return 0;
}

static int test_documents_become_cbor_values(void)
{
    CHECK_STR(encode_hex("{\"thing\":{\"extra\":{\"a\":[1,-2,1.5,\"x\",true,null]}}}"),
              "a1 65 74 68 69 6e 67 a1 65 65 78 74 72 61 a1 61 61 86 01 21 fb 3f f8 00 00 00 00 "
              "00 00 61 78 f5 f6");
    CHECK(same_after_roundtrip("{\"thing\":{\"extra\":{\"a\":[1,-2,1.5,\"x\",true,null],\"b\":{}}}}"));
    CHECK(same_after_roundtrip("{\"thing\":{\"extra\":\"text\"}}"));
    return 0;
}

static int test_every_shape_survives_a_roundtrip(void)
{
    CHECK(same_after_roundtrip("{}"));
    CHECK(same_after_roundtrip(
        "{\"thing\":{\"name\":\"n\",\"secret\":\"s\",\"kind\":\"LARGE\",\"flag\":false,"
        "\"count\":7,\"big\":-9223372036854775808,\"ratio\":0.1,\"score\":-1e-300,"
        "\"data\":\"AAEC\",\"created\":1700000000,\"tags\":{\"z\":\"1\",\"a\":\"\xc3\xa9\xf0\x9f\x98\x80\"},"
        "\"matrix\":[[1.5,2],[],[3]],\"groups\":{\"g\":[{\"name\":\"c\"}],\"h\":[]},"
        "\"children\":[{},{\"count\":1}],\"parent\":{\"parent\":{\"name\":\"p\"}},"
        "\"choice\":{\"thing\":{\"flag\":true}},\"default\":\"d\"},\"count\":2147483647}"));
    return 0;
}

static int test_idempotency_tokens_are_filled(void)
{
    const struct acg_operation *op = acg_service_find_operation(&tiny_service, "PutThing");
    struct tiny_put_thing_request in;
    struct acg_buf b;
    tiny_put_thing_request_init(&in);
    in.name = "n";
    acg_buf_init(&b, 0);
    struct acg_cbor_encode_opts o = { NULL, NULL };
    CHECK(acg_cbor_encode(&b, op->input, &in, &o, NULL) == ACG_OK);
    CHECK(b.len == 8 && memcmp(b.data, "\xa1\x64name\x61n", 8) == 0);
    acg_buf_free(&b);
    return 0;
}

static int test_bad_values_are_refused(void)
{
    struct tiny_put_thing_response v;
    struct tiny_thing t;
    struct tiny_tags_entry tag = { NULL, "x" };
    struct acg_buf b;
    struct acg_error err;
    memset(&v, 0, sizeof v);
    memset(&t, 0, sizeof t);
    v.thing = &t;
    t.name = "\xff";
    acg_buf_init(&b, 0);
    acg_error_init(&err);
    CHECK(acg_cbor_encode(&b, response_shape(), &v, NULL, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.where, "thing.name");
    t.name = NULL;
    t.tags = &tag;
    t.tags_count = 1;
    acg_error_init(&err);
    CHECK(acg_cbor_encode(&b, response_shape(), &v, NULL, &err) == ACG_ERR_INVALID_ARG);
    CHECK_STR(err.where, "thing.tags");
    acg_buf_free(&b);
    return 0;
}

/* ---- decoding ---- */

static int test_what_servers_may_send(void)
{
    char out[1024];
    /* indefinite map, array and chunked strings; half and single floats; undefined */
    CHECK(decode_hex("bf 65 74 68 69 6e 67 bf 7f 62 6e 61 62 6d 65 ff 7f 61 61 61 62 ff "
                     "68 63 68 69 6c 64 72 65 6e 9f a0 a1 65 63 6f 75 6e 74 03 ff "
                     "65 72 61 74 69 6f f9 3e 00 65 73 63 6f 72 65 fa 3f c0 00 00 "
                     "64 66 6c 61 67 f7 ff ff", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"name\":\"ab\",\"ratio\":1.5,\"score\":1.5,"
                   "\"children\":[{},{\"count\":3}]}}");
    /* integers for floats, any integer width for ints, null meaning absent */
    CHECK(decode_hex("a2 65 74 68 69 6e 67 a3 65 73 63 6f 72 65 20 63 62 69 67 1a 00 00 00 05 "
                     "64 6e 61 6d 65 f6 65 63 6f 75 6e 74 1b 00 00 00 00 00 00 00 07",
                     out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"big\":5,\"score\":-1},\"count\":7}");
    /* empty and null bodies are an empty output */
    CHECK(decode_hex("", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{}");
    CHECK(decode_hex("f6", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{}");
    return 0;
}

static int test_unknown_keys_are_skipped(void)
{
    char out[1024];
    /* an unknown key holding a tag, a nested map with a chunked byte string, an indefinite
     * array, a float and a simple value of the one-byte form */
    CHECK(decode_hex("a3 61 78 c2 42 01 02 61 79 a1 01 9f 5f 41 01 ff fb 00 00 00 00 00 00 00 00 "
                     "f8 20 ff 65 63 6f 75 6e 74 05", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"count\":5}");
    /* a key with NUL in it is no member's, however it starts (found by fuzz_cbor) */
    CHECK(decode_hex("a2 67 63 6f 75 6e 74 00 78 01 65 63 6f 75 6e 74 05", out, sizeof out) ==
          ACG_OK);
    CHECK_STR(out, "{\"count\":5}");
    CHECK(decode_hex("a1 6a 61 74 00 00 00 00 00 01 00 00 00", out, sizeof out) == ACG_OK);
    return 0;
}

static int test_null_map_values_are_left_out(void)
{
    char out[1024];
    CHECK(decode_hex("a1 65 74 68 69 6e 67 a1 64 74 61 67 73 a2 61 61 f6 61 62 61 31", out,
                     sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"tags\":{\"b\":\"1\"}}}");
    return 0;
}

static int test_timestamps_keep_their_text(void)
{
    unsigned char body[64];
    struct tiny_put_thing_response v;
    struct acg_arena *arena = acg_arena_new();
    memset(&v, 0, sizeof v);
    /* {"thing": {"created": 1(1700000000.123)}} */
    size_t n = unhex("a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 fb 41 d9 54 fc 40 07 df 3b",
                     body);
    CHECK(acg_cbor_decode_body((const char *)body, n, response_shape(), &v, arena, NULL) == ACG_OK);
    v.arena_ = arena;
    CHECK(v.thing != NULL && v.thing->has_created);
    CHECK_STR(v.thing->created.wire, "1700000000.123");
    CHECK(v.thing->created.seconds == 1700000000 && v.thing->created.nanos == 123000000);
    tiny_put_thing_response_free(&v);

    arena = acg_arena_new();
    memset(&v, 0, sizeof v);
    /* a whole float keeps Python's ".0"; a negative integer its sign */
    n = unhex("a1 65 74 68 69 6e 67 a2 67 63 72 65 61 74 65 64 c1 f9 3c 00 "
              "67 69 73 6f 54 69 6d 65 c1 38 63", body);
    CHECK(acg_cbor_decode_body((const char *)body, n, response_shape(), &v, arena, NULL) == ACG_OK);
    v.arena_ = arena;
    CHECK_STR(v.thing->created.wire, "1.0");
    CHECK_STR(v.thing->iso_time.wire, "-100");
    CHECK(v.thing->iso_time.seconds == -100 && v.thing->iso_time.nanos == 0);
    tiny_put_thing_response_free(&v);
    return 0;
}

static int test_documents_decode_to_json(void)
{
    char out[1024];
    /* {"thing": {"extra": {"a": [h'0102', 1(5), -3, 2.5, false, null], "b": "x"}}} */
    CHECK(decode_hex("a1 65 74 68 69 6e 67 a1 65 65 78 74 72 61 a2 61 61 86 42 01 02 c1 05 22 "
                     "f9 41 00 f4 f6 61 62 61 78", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"extra\":{\"a\":[\"AQI=\",5,-3,2.5,false,null],\"b\":\"x\"}}}");
    CHECK(decode_hex("a1 65 74 68 69 6e 67 a1 65 65 78 74 72 61 a1 01 02", out, sizeof out) ==
          ACG_ERR_JSON);
    return 0;
}

struct bad_body {
    const char *hex;
    int status;
    const char *where;     /* NULL: none expected */
    const char *message;   /* a part of it */
};

static const struct bad_body bad_bodies[] = {
    { "a1 65 63 6f 75 6e 74 1a 80 00 00 00", ACG_ERR_JSON, "count", "out of range" },
    { "a1 65 63 6f 75 6e 74 f9 3c 00", ACG_ERR_JSON, "count", "expected an integer, got a float" },
    { "a1 65 74 68 69 6e 67 a1 68 63 68 69 6c 64 72 65 6e 82 a0 a1 65 63 6f 75 6e 74 61 31",
      ACG_ERR_JSON, "thing.children[1].count", "expected an integer, got a text string" },
    { "a1 65 74 68 69 6e 67 a1 65 72 61 74 69 6f fb 47 f0 00 00 00 00 00 00", ACG_ERR_JSON,
      "thing.ratio", "out of range for a float" },
    { "a1 65 74 68 69 6e 67 a1 64 6e 61 6d 65 62 61 00", ACG_ERR_JSON, "thing.name", "NUL" },
    { "a1 65 74 68 69 6e 67 a1 64 6e 61 6d 65 62 c3 28", ACG_ERR_JSON, "thing.name", "UTF-8" },
    { "a1 65 74 68 69 6e 67 a1 64 64 61 74 61 61 61", ACG_ERR_JSON, "thing.data",
      "expected a byte string" },
    { "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c0 61 61", ACG_ERR_JSON, "thing.created",
      "tag 0" },
    { "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 1b 00 00 00 ff ff ff ff ff",
      ACG_ERR_JSON, "thing.created", "outside years" },
    { "a1 65 74 68 69 6e 67 a1 67 63 72 65 61 74 65 64 c1 f9 7e 00", ACG_ERR_JSON,
      "thing.created", "epoch seconds" },
    { "a1 65 74 68 69 6e 67 a1 64 66 6c 61 67 01", ACG_ERR_JSON, "thing.flag", "a boolean" },
    { "a1 01 02", ACG_ERR_JSON, NULL, "a text string key" },
    { "82 01 02", ACG_ERR_JSON, NULL, "expected a map, got an array" },
    { "a0 00", ACG_ERR_JSON, NULL, "bytes after" },
    { "a1 65 63 6f 75 6e 74", ACG_ERR_JSON, NULL, "ends inside" },
    { "a1 7b 00 00 00 00 00 00 10 00 00", ACG_ERR_JSON, NULL, "longer than the rest" },
    { "a1 61 78 9b 00 00 00 01 00 00 00 00", ACG_ERR_JSON, NULL, "more items than bytes" },
    { "a1 61 78 1c", ACG_ERR_JSON, NULL, "reserved" },
    { "a1 61 78 ff", ACG_ERR_JSON, NULL, "a break outside" },
    { "a1 61 78 7f 41 01 ff", ACG_ERR_JSON, NULL, "another type" },
    { "bf 61 78 01", ACG_ERR_JSON, NULL, "ends inside" },
};

static int test_hostile_bodies_fail_cleanly(void)
{
    for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
        const struct bad_body *b = &bad_bodies[i];
        unsigned char body[512];
        struct tiny_put_thing_response v;
        struct acg_error err;
        struct acg_arena *arena = acg_arena_new();
        memset(&v, 0, sizeof v);
        acg_error_init(&err);
        size_t n = unhex(b->hex, body);
        int rc = acg_cbor_decode_body((const char *)body, n, response_shape(), &v, arena, &err);
        v.arena_ = arena;
        tiny_put_thing_response_free(&v);
        if (rc != b->status || strstr(err.message, b->message) == NULL ||
            (b->where != NULL && strcmp(err.where, b->where) != 0)) {
            fprintf(stderr, "body %zu (%s): rc %d where '%s' message '%s'\n", i, b->hex, rc,
                    err.where, err.message);
            return __LINE__;
        }
    }
    return 0;
}

/* Every prefix of a valid body fails (or, for none of them, succeeds wrongly). */
static int test_every_truncation_fails(void)
{
    char hex[4096], out[4096];
    unsigned char body[2048];
    CHECK(roundtrip("{\"thing\":{\"name\":\"n\",\"tags\":{\"a\":\"b\"},\"matrix\":[[1.5]],"
                    "\"created\":1700000000.5,\"data\":\"AAE=\",\"extra\":{\"x\":[1]},"
                    "\"children\":[{\"flag\":true}]},\"count\":1}", hex, sizeof hex, out,
                    sizeof out) == ACG_OK);
    size_t n = unhex(hex, body);
    for (size_t cut = 1; cut < n; cut++)
        CHECK(decode_to_json(body, cut, out, sizeof out) != ACG_OK);
    return 0;
}

static int test_nesting_is_bounded(void)
{
    /* an unknown key holding 100000 nested arrays, and a recursion of known members */
    size_t depth = 100000, n = 0;
    unsigned char *body = malloc(depth + 16);
    char out[512];
    CHECK(body != NULL);
    body[n++] = 0xa1;
    body[n++] = 0x61;
    body[n++] = 'x';
    memset(body + n, 0x81, depth);
    n += depth;
    body[n++] = 0x00;
    int rc = decode_to_json(body, n, out, sizeof out);
    free(body);
    CHECK(rc == ACG_ERR_JSON && strstr(out, "nesting deeper than 64") != NULL);

    unsigned char deep[2048];
    n = unhex("a1 65 74 68 69 6e 67", deep);
    for (int i = 0; i < 100; i++) {
        memcpy(deep + n, "\xa1\x66parent", 8);
        n += 8;
    }
    deep[n++] = 0xa0;
    CHECK(decode_to_json(deep, n, out, sizeof out) == ACG_ERR_JSON);
    CHECK(strstr(out, "nesting deeper") != NULL);
    return 0;
}

static int test_memory_is_bounded(void)
{
    /* {"thing": {"children": [100000 x null]}}: 100 KB of body, but 100000 structs */
    size_t count = 100000, n = 0;
    unsigned char *body = malloc(count + 32);
    char out[512];
    CHECK(body != NULL);
    n += unhex("a1 65 74 68 69 6e 67 a1 68 63 68 69 6c 64 72 65 6e 9a 00 01 86 a0", body);
    memset(body + n, 0xf6, count);
    n += count;
    int rc = decode_to_json(body, n, out, sizeof out);
    free(body);
    if (rc != ACG_ERR_TOO_LARGE)
        fprintf(stderr, "%d %s\n", rc, out);
    CHECK(rc == ACG_ERR_TOO_LARGE);
    CHECK(strstr(out, "more than") != NULL);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_integers_take_the_smallest_head),
    TEST(test_floats_doubles_and_specials),
    TEST(test_timestamps_blobs_booleans),
    TEST(test_documents_become_cbor_values),
    TEST(test_every_shape_survives_a_roundtrip),
    TEST(test_idempotency_tokens_are_filled),
    TEST(test_bad_values_are_refused),
    TEST(test_what_servers_may_send),
    TEST(test_unknown_keys_are_skipped),
    TEST(test_null_map_values_are_left_out),
    TEST(test_timestamps_keep_their_text),
    TEST(test_documents_decode_to_json),
    TEST(test_hostile_bodies_fail_cleanly),
    TEST(test_every_truncation_fails),
    TEST(test_nesting_is_bounded),
    TEST(test_memory_is_bounded),
};

int main(void)
{
    return RUN_TESTS("generated/tiny-cbor", tests);
}
