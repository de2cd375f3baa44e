/* Writer tests: escaping, numbers, timestamps, blobs, documents, styles and limits. Expected
 * texts for doubles and timestamps come from Python (json.dumps, botocore's serializer at its
 * default precision, datetime.isoformat), so bodies are the JSON values botocore writes. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "harness.h"

struct out {
    struct acg_buf buf;
    struct acg_json_writer w;
    struct acg_error err;
};

static void start(struct out *o, enum acg_json_style style)
{
    acg_buf_init(&o->buf, 0);
    acg_json_writer_init(&o->w, &o->buf, style);
    acg_error_init(&o->err);
    o->w.err = &o->err;
}

static const char *text(struct out *o)
{
    return o->buf.data != NULL ? o->buf.data : "";
}

static void finish(struct out *o)
{
    acg_buf_free(&o->buf);
}

/* ---- strings ---- */

static const struct {
    const char *in;
    const char *json;
} escapes[] = {
    {"", "\"\""},
    {"plain text", "\"plain text\""},
    {"quote\" backslash\\ slash/", "\"quote\\\" backslash\\\\ slash/\""},
    {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
    {"\x01\x02\x1f", "\"\\u0001\\u0002\\u001f\""},
    {"del\x7f", "\"del\x7f\""},
    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
    {"\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""},
    {"\xe2\x80\xa8", "\"\xe2\x80\xa8\""},
    {"mixed \xc3\xa9\n\"x\"", "\"mixed \xc3\xa9\\n\\\"x\\\"\""},
    {"\xef\xbf\xbf", "\"\xef\xbf\xbf\""},
    {"\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""},
};

static int test_string_escaping(void)
{
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_string(&o.w, escapes[i].in) == ACG_OK);
        CHECK_STR(text(&o), escapes[i].json);
        finish(&o);
    }
    return 0;
}

static int test_invalid_utf8_refused(void)
{
    static const char *bad[] = {
        "\xff", "a\x80", "\xc0\xaf", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "ok\xf8\x88\x80\x80\x80", "\xe0\x80\xaf",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_string(&o.w, bad[i]) == ACG_ERR_INVALID_ARG);
        CHECK(strstr(o.err.message, "not valid UTF-8") != NULL);
        finish(&o);
    }
    /* Keys are checked the same way. */
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(acg_json_begin_object(&o.w) == ACG_OK);
    CHECK(acg_json_key(&o.w, "k\xff") == ACG_ERR_INVALID_ARG);
    finish(&o);
    return 0;
}

/* ---- numbers ---- */

static int test_integers(void)
{
    static const struct {
        int64_t v;
        const char *json;
    } rows[] = {
        {0, "0"},
        {-1, "-1"},
        {INT32_MAX, "2147483647"},
        {INT32_MIN, "-2147483648"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_int64(&o.w, rows[i].v) == ACG_OK);
        CHECK_STR(text(&o), rows[i].json);
        finish(&o);
    }
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(acg_json_write_int32(&o.w, INT32_MIN) == ACG_OK);
    CHECK_STR(text(&o), "-2147483648");
    finish(&o);
    return 0;
}

static int test_doubles(void)
{
    /* Right column: what Python's json.dumps writes, when it differs only in notation. */
    static const struct {
        double v;
        const char *json;
    } rows[] = {
        {0.1, "0.1"},
        {1e300, "1e+300"},
        {-0.0, "-0"},
        {0.0, "0"},
        {1.5, "1.5"},
        {100.0, "100"},
        {1e21, "1e+21"},
        {1e16, "1e+16"},
        {123456789012345678.0, "1.2345678901234568e+17"},
        {0.30000000000000004, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {5e-324, "5e-324"},
        {1.5e-323, "1.5e-323"},
        {-2.5e-7, "-2.5e-07"},
        {9007199254740993.0, "9007199254740992"},
        {1700000000.123, "1700000000.123"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_double(&o.w, rows[i].v) == ACG_OK);
        /* Exact text, and it must read back as the same double. */
        if (strcmp(text(&o), rows[i].json) != 0) {
            fprintf(stderr, "double %.17g: got %s want %s\n", rows[i].v, text(&o), rows[i].json);
            finish(&o);
            return __LINE__;
        }
        CHECK(strtod(text(&o), NULL) == rows[i].v);
        finish(&o);
    }
    /* Shortest form that reads back, over many values. */
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_double(&o.w, v) == ACG_OK);
        double back = strtod(text(&o), NULL);
        CHECK(back == v && signbit(back) == signbit(v));
        CHECK(o.buf.len <= 24);
        finish(&o);
    }
    return 0;
}

static int test_non_finite(void)
{
    static const struct {
        double v;
        const char *json;
    } rows[] = {
        {NAN, "\"NaN\""},
        {INFINITY, "\"Infinity\""},
        {-INFINITY, "\"-Infinity\""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_double(&o.w, rows[i].v) == ACG_OK);
        CHECK_STR(text(&o), rows[i].json);
        finish(&o);
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_float(&o.w, (float)rows[i].v) == ACG_OK);
        CHECK_STR(text(&o), rows[i].json);
        finish(&o);
    }
    return 0;
}

static int test_floats(void)
{
    static const struct {
        float v;
        const char *json;
    } rows[] = {
        {0.1f, "0.1"},
        {1.5f, "1.5"},
        {-0.0f, "-0"},
        {3.4028235e38f, "3.4028235e+38"},
        {16777216.0f, "16777216"},
        {1e-45f, "1e-45"},
        {1.2e-44f, "1.3e-44"}, /* the float nearest 1.2e-44 is 9 x 2^-149 */
        {0.3f, "0.3"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_float(&o.w, rows[i].v) == ACG_OK);
        CHECK((float)strtod(text(&o), NULL) == rows[i].v);
        if (strcmp(text(&o), rows[i].json) != 0) {
            fprintf(stderr, "float: got %s want %s\n", text(&o), rows[i].json);
            finish(&o);
            return __LINE__;
        }
        finish(&o);
    }
    return 0;
}

static int test_bools(void)
{
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(acg_json_begin_array(&o.w) == ACG_OK);
    CHECK(acg_json_write_bool(&o.w, true) == ACG_OK);
    CHECK(acg_json_write_bool(&o.w, false) == ACG_OK);
    CHECK(acg_json_end_array(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "[true,false]");
    finish(&o);
    return 0;
}

/* ---- timestamps ---- */

/* From botocore's JSONSerializer() at its default precision (unixTimestamp: whole seconds,
 * int(calendar.timegm(...)); iso8601: "%Y-%m-%dT%H:%M:%SZ", or ".%f" before the Z when
 * there are microseconds; rfc822), json.dumps, and datetime.isoformat() for the display
 * column. Python's datetime holds microseconds: nanoseconds below them are dropped. glibc's
 * strftime writes year 1 as "1-01-01"; ISO 8601 wants the four digits we write. */
static const struct {
    int64_t seconds;
    int32_t nanos;
    const char *epoch;
    const char *iso;
    const char *http;
    const char *display;
} timestamps[] = {
    {1700000000, 123000000, "1700000000", "\"2023-11-14T22:13:20.123000Z\"",
     "\"Tue, 14 Nov 2023 22:13:20 GMT\"", "\"2023-11-14T22:13:20.123000+00:00\""},
    {1700000000, 0, "1700000000", "\"2023-11-14T22:13:20Z\"",
     "\"Tue, 14 Nov 2023 22:13:20 GMT\"", "\"2023-11-14T22:13:20+00:00\""},
    {-2, 500000000, "-2", "\"1969-12-31T23:59:58.500000Z\"",
     "\"Wed, 31 Dec 1969 23:59:58 GMT\"", "\"1969-12-31T23:59:58.500000+00:00\""},
    {-1, 999000000, "-1", "\"1969-12-31T23:59:59.999000Z\"",
     "\"Wed, 31 Dec 1969 23:59:59 GMT\"", "\"1969-12-31T23:59:59.999000+00:00\""},
    {0, 0, "0", "\"1970-01-01T00:00:00Z\"",
     "\"Thu, 01 Jan 1970 00:00:00 GMT\"", "\"1970-01-01T00:00:00+00:00\""},
    {0, 1000000, "0", "\"1970-01-01T00:00:00.001000Z\"",
     "\"Thu, 01 Jan 1970 00:00:00 GMT\"", "\"1970-01-01T00:00:00.001000+00:00\""},
    {0, 999000000, "0", "\"1970-01-01T00:00:00.999000Z\"",
     "\"Thu, 01 Jan 1970 00:00:00 GMT\"", "\"1970-01-01T00:00:00.999000+00:00\""},
    {1700000000, 100000000, "1700000000", "\"2023-11-14T22:13:20.100000Z\"",
     "\"Tue, 14 Nov 2023 22:13:20 GMT\"", "\"2023-11-14T22:13:20.100000+00:00\""},
    {INT64_C(123456789012), 345000000, "123456789012", "\"5882-03-11T00:30:12.345000Z\"",
     "\"Sat, 11 Mar 5882 00:30:12 GMT\"", "\"5882-03-11T00:30:12.345000+00:00\""},
    {INT64_C(253402300799), 999000000, "253402300799", "\"9999-12-31T23:59:59.999000Z\"",
     "\"Fri, 31 Dec 9999 23:59:59 GMT\"", "\"9999-12-31T23:59:59.999000+00:00\""},
    {INT64_C(-62135596800), 0, "-62135596800", "\"0001-01-01T00:00:00Z\"",
     "\"Mon, 01 Jan 0001 00:00:00 GMT\"", "\"0001-01-01T00:00:00+00:00\""},
    {951782400, 0, "951782400", "\"2000-02-29T00:00:00Z\"",
     "\"Tue, 29 Feb 2000 00:00:00 GMT\"", "\"2000-02-29T00:00:00+00:00\""},
    {1700000000, 123456789, "1700000000", "\"2023-11-14T22:13:20.123456Z\"",
     "\"Tue, 14 Nov 2023 22:13:20 GMT\"", "\"2023-11-14T22:13:20.123456+00:00\""},
    {1700000000, 999, "1700000000", "\"2023-11-14T22:13:20Z\"",
     "\"Tue, 14 Nov 2023 22:13:20 GMT\"", "\"2023-11-14T22:13:20+00:00\""},
    {-1, 999999999, "-1", "\"1969-12-31T23:59:59.999999Z\"",
     "\"Wed, 31 Dec 1969 23:59:59 GMT\"", "\"1969-12-31T23:59:59.999999+00:00\""},
    {INT64_C(253402300799), 999999999, "253402300799", "\"9999-12-31T23:59:59.999999Z\"",
     "\"Fri, 31 Dec 9999 23:59:59 GMT\"", "\"9999-12-31T23:59:59.999999+00:00\""},
};

static int test_timestamps(void)
{
    for (size_t i = 0; i < sizeof timestamps / sizeof timestamps[0]; i++) {
        /* wire is what a decoded value arrived as; writing never uses it. */
        struct acg_timestamp t = {timestamps[i].seconds, timestamps[i].nanos, "1.5"};
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_EPOCH_SECONDS) == ACG_OK);
        CHECK_STR(text(&o), timestamps[i].epoch);
        finish(&o);
        /* No format in the model: the awsJson default, epoch seconds. */
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_DEFAULT) == ACG_OK);
        CHECK_STR(text(&o), timestamps[i].epoch);
        finish(&o);
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_ISO8601) == ACG_OK);
        CHECK_STR(text(&o), timestamps[i].iso);
        finish(&o);
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_HTTP_DATE) == ACG_OK);
        CHECK_STR(text(&o), timestamps[i].http);
        finish(&o);
        /* Display and log print ISO 8601 whatever the wire format is. */
        for (int f = ACG_TS_DEFAULT; f <= ACG_TS_HTTP_DATE; f++) {
            start(&o, f == ACG_TS_ISO8601 ? ACG_JSON_REDACTED : ACG_JSON_DISPLAY);
            CHECK(acg_json_write_timestamp(&o.w, &t, f) == ACG_OK);
            CHECK_STR(text(&o), timestamps[i].display);
            finish(&o);
        }
    }
    /* An unknown format is refused with a message. */
    struct acg_timestamp t = {0, 0, NULL};
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(acg_json_write_timestamp(&o.w, &t, 99) == ACG_ERR_INVALID_ARG);
    CHECK(strstr(o.err.message, "unknown timestamp format 99") != NULL);
    finish(&o);
    return 0;
}

/* ---- structure and styles ---- */

static int write_sample(struct acg_json_writer *w)
{
    ACG_TRY(acg_json_begin_object(w));
    ACG_TRY(acg_json_key(w, "jobName"));
    ACG_TRY(acg_json_write_string(w, "my-job"));
    ACG_TRY(acg_json_key(w, "numResults"));
    ACG_TRY(acg_json_write_int32(w, 25));
    ACG_TRY(acg_json_key(w, "tags"));
    ACG_TRY(acg_json_begin_array(w));
    ACG_TRY(acg_json_write_string(w, "a"));
    ACG_TRY(acg_json_begin_object(w));
    ACG_TRY(acg_json_end_object(w));
    ACG_TRY(acg_json_begin_array(w));
    ACG_TRY(acg_json_end_array(w));
    ACG_TRY(acg_json_end_array(w));
    ACG_TRY(acg_json_key(w, "config"));
    ACG_TRY(acg_json_begin_object(w));
    ACG_TRY(acg_json_key(w, "itemExplorationConfig"));
    ACG_TRY(acg_json_begin_object(w));
    ACG_TRY(acg_json_key(w, "explorationWeight"));
    ACG_TRY(acg_json_write_string(w, "0.3"));
    ACG_TRY(acg_json_end_object(w));
    ACG_TRY(acg_json_end_object(w));
    ACG_TRY(acg_json_key(w, "secret"));
    ACG_TRY(w->redact_sensitive ? acg_json_write_redacted(w) : acg_json_write_string(w, "s3cr3t"));
    return acg_json_end_object(w);
}

static int test_wire_is_compact(void)
{
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(write_sample(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "{\"jobName\":\"my-job\",\"numResults\":25,\"tags\":[\"a\",{},[]],"
                        "\"config\":{\"itemExplorationConfig\":{\"explorationWeight\":\"0.3\"}},"
                        "\"secret\":\"s3cr3t\"}");
    CHECK(o.w.depth == 0);
    finish(&o);
    return 0;
}

/* The text `aws --output json` prints: json.dumps(indent=4, ensure_ascii=False). */
static int test_display_matches_aws_cli(void)
{
    struct out o;
    start(&o, ACG_JSON_DISPLAY);
    CHECK(write_sample(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "{\n"
                        "    \"jobName\": \"my-job\",\n"
                        "    \"numResults\": 25,\n"
                        "    \"tags\": [\n"
                        "        \"a\",\n"
                        "        {},\n"
                        "        []\n"
                        "    ],\n"
                        "    \"config\": {\n"
                        "        \"itemExplorationConfig\": {\n"
                        "            \"explorationWeight\": \"0.3\"\n"
                        "        }\n"
                        "    },\n"
                        "    \"secret\": \"s3cr3t\"\n"
                        "}");
    finish(&o);
    start(&o, ACG_JSON_DISPLAY);
    CHECK(acg_json_begin_object(&o.w) == ACG_OK);
    CHECK(acg_json_end_object(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "{}");
    finish(&o);
    return 0;
}

static int test_log_redacts(void)
{
    struct out o;
    start(&o, ACG_JSON_REDACTED);
    CHECK(o.w.redact_sensitive);
    CHECK(write_sample(&o.w) == ACG_OK);
    CHECK(strstr(text(&o), "\"secret\": \"*** sensitive ***\"") != NULL);
    CHECK(strstr(text(&o), "s3cr3t") == NULL);
    finish(&o);
    start(&o, ACG_JSON_WIRE);
    CHECK(!o.w.redact_sensitive);
    CHECK(acg_json_write_redacted(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "\"*** sensitive ***\"");
    finish(&o);
    return 0;
}

static int test_misuse_refused(void)
{
    struct out o;
    start(&o, ACG_JSON_WIRE);
    CHECK(acg_json_key(&o.w, "top") == ACG_ERR_INVALID_ARG);
    CHECK(acg_json_end_object(&o.w) == ACG_ERR_INVALID_ARG);
    CHECK(acg_json_write_string(&o.w, NULL) == ACG_ERR_INVALID_ARG);
    CHECK(acg_json_write_blob(&o.w, NULL) == ACG_ERR_INVALID_ARG);
    finish(&o);
    /* No err attached: statuses still come back. */
    struct acg_buf b;
    struct acg_json_writer w;
    acg_buf_init(&b, 0);
    acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
    CHECK(w.err == NULL);
    CHECK(acg_json_write_string(&w, "\xff") == ACG_ERR_INVALID_ARG);
    acg_buf_free(&b);
    return 0;
}

static int test_buffer_cap(void)
{
    struct acg_buf b;
    struct acg_json_writer w;
    acg_buf_init(&b, 16);
    acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
    CHECK(acg_json_write_string(&w, "0123456789") == ACG_OK);
    CHECK(acg_json_write_string(&w, "0123456789") == ACG_ERR_TOO_LARGE);
    acg_buf_free(&b);
    return 0;
}

/* ---- blobs and base64 ---- */

static int test_blobs(void)
{
    static const struct {
        const char *data;
        const char *json;
    } rows[] = {
        {"", "\"\""},         {"f", "\"Zg==\""},         {"fo", "\"Zm8=\""},
        {"foo", "\"Zm9v\""},  {"foob", "\"Zm9vYg==\""},   {"fooba", "\"Zm9vYmE=\""},
        {"foobar", "\"Zm9vYmFy\""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        struct acg_blob blob = {(const uint8_t *)rows[i].data, strlen(rows[i].data)};
        CHECK(acg_json_write_blob(&o.w, &blob) == ACG_OK);
        CHECK_STR(text(&o), rows[i].json);
        finish(&o);
    }
    struct out o;
    start(&o, ACG_JSON_WIRE);
    const uint8_t bytes[] = {0xff, 0xef, 0xfe, 0x00};
    struct acg_blob blob = {bytes, 4};
    CHECK(acg_json_write_blob(&o.w, &blob) == ACG_OK);
    CHECK_STR(text(&o), "\"/+/+AA==\"");
    finish(&o);
    return 0;
}

static int test_base64_round_trips(void)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 151 + 7);
    for (size_t len = 0; len <= sizeof data; len++) {
        struct acg_buf enc, dec;
        acg_buf_init(&enc, 0);
        acg_buf_init(&dec, 0);
        CHECK(acg_base64_encode(data, len, &enc) == ACG_OK);
        CHECK(enc.len == (len + 2) / 3 * 4);
        CHECK(acg_base64_decode(enc.data ? enc.data : "", enc.len, &dec) == ACG_OK);
        CHECK(dec.len == len);
        CHECK(len == 0 || memcmp(dec.data, data, len) == 0);
        acg_buf_free(&enc);
        acg_buf_free(&dec);
    }
    static const char *bad[] = {"Zg=", "Zg", "Z===", "=Zg=", "Zg==Zg==", "Zm9v YmFy", "Zm9v\nYmFy",
                                "Zm9-", "Zm9_", "Zg=x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct acg_buf dec;
        acg_buf_init(&dec, 0);
        CHECK(acg_base64_decode(bad[i], strlen(bad[i]), &dec) == ACG_ERR_INVALID_ARG);
        CHECK(dec.len == 0);
        acg_buf_free(&dec);
    }
    return 0;
}

/* ---- documents ---- */

static int test_documents(void)
{
    static const struct {
        const char *in;
        const char *wire;
    } rows[] = {
        {"{\"a\": [1, 2.5, {\"b\": null}], \"c\": \"x\\ny\"}",
         "{\"a\":[1,2.5,{\"b\":null}],\"c\":\"x\\ny\"}"},
        {" 42 ", "42"},
        {"\"s\"", "\"s\""},
        {"null", "null"},
        {"[]", "[]"},
        {"{ }", "{}"},
        {"[true,false,-1e-5]", "[true,false,-1e-5]"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct out o;
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_begin_object(&o.w) == ACG_OK);
        CHECK(acg_json_key(&o.w, "d") == ACG_OK);
        CHECK(acg_json_write_document(&o.w, rows[i].in) == ACG_OK);
        CHECK(acg_json_key(&o.w, "n") == ACG_OK);
        CHECK(acg_json_write_int32(&o.w, 1) == ACG_OK);
        CHECK(acg_json_end_object(&o.w) == ACG_OK);
        char want[256];
        snprintf(want, sizeof want, "{\"d\":%s,\"n\":1}", rows[i].wire);
        CHECK_STR(text(&o), want);
        finish(&o);
    }
    struct out o;
    start(&o, ACG_JSON_DISPLAY);
    CHECK(acg_json_begin_object(&o.w) == ACG_OK);
    CHECK(acg_json_key(&o.w, "doc") == ACG_OK);
    CHECK(acg_json_write_document(&o.w, "{\"a\":[1,{\"b\":{}}],\"c\":[]}") == ACG_OK);
    CHECK(acg_json_end_object(&o.w) == ACG_OK);
    CHECK_STR(text(&o), "{\n"
                        "    \"doc\": {\n"
                        "        \"a\": [\n"
                        "            1,\n"
                        "            {\n"
                        "                \"b\": {}\n"
                        "            }\n"
                        "        ],\n"
                        "        \"c\": []\n"
                        "    }\n"
                        "}");
    finish(&o);

    static const char *bad[] = {"", "{", "{\"a\":1,}", "[1 2]", "tru", "{}{}", "\"\\ud800\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        start(&o, ACG_JSON_WIRE);
        CHECK(acg_json_write_document(&o.w, bad[i]) == ACG_ERR_INVALID_ARG);
        CHECK(strstr(o.err.message, "document") != NULL);
        finish(&o);
    }
    return 0;
}

/* What the writer produces, the reader accepts and decodes back to the same values. */
static int test_round_trip_through_reader(void)
{
    struct out o;
    start(&o, ACG_JSON_WIRE);
    const char *s = "tab\t quote\" \xc3\xa9 \xf0\x9f\x98\x80 \x01 end";
    CHECK(acg_json_begin_object(&o.w) == ACG_OK);
    CHECK(acg_json_key(&o.w, "s") == ACG_OK);
    CHECK(acg_json_write_string(&o.w, s) == ACG_OK);
    CHECK(acg_json_key(&o.w, "d") == ACG_OK);
    CHECK(acg_json_write_double(&o.w, 0.1 + 0.2) == ACG_OK);
    CHECK(acg_json_key(&o.w, "t") == ACG_OK);
    struct acg_timestamp t = {INT64_C(1700000000), 123456000, NULL};
    CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_ISO8601) == ACG_OK);
    CHECK(acg_json_key(&o.w, "e") == ACG_OK);
    CHECK(acg_json_write_timestamp(&o.w, &t, ACG_TS_EPOCH_SECONDS) == ACG_OK);
    CHECK(acg_json_end_object(&o.w) == ACG_OK);

    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    memset(&r, 0, sizeof r);
    CHECK(acg_json_reader_parse(&r, o.buf.data, o.buf.len, a, NULL) == ACG_OK);
    const char *back = NULL;
    double d = 0;
    struct acg_timestamp back_t = {0, 0, NULL};
    bool has = false;
    CHECK(acg_json_read_string(&r, 2, &back) == ACG_OK);
    CHECK_STR(back, s);
    CHECK(acg_json_read_double(&r, 4, &d, &has) == ACG_OK && d == 0.1 + 0.2);
    /* ISO 8601 keeps the microseconds; unixTimestamp is whole seconds, as botocore sends. */
    CHECK(acg_json_read_timestamp(&r, 6, &back_t, &has) == ACG_OK);
    CHECK(back_t.seconds == INT64_C(1700000000) && back_t.nanos == 123456000);
    CHECK(acg_json_read_timestamp(&r, 8, &back_t, &has) == ACG_OK);
    CHECK(back_t.seconds == INT64_C(1700000000) && back_t.nanos == 0);
    acg_json_reader_free(&r);
    acg_arena_destroy(a);
    finish(&o);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_string_escaping),
    TEST(test_invalid_utf8_refused),
    TEST(test_integers),
    TEST(test_doubles),
    TEST(test_non_finite),
    TEST(test_floats),
    TEST(test_bools),
    TEST(test_timestamps),
    TEST(test_wire_is_compact),
    TEST(test_display_matches_aws_cli),
    TEST(test_log_redacts),
    TEST(test_misuse_refused),
    TEST(test_buffer_cap),
    TEST(test_blobs),
    TEST(test_base64_round_trips),
    TEST(test_documents),
    TEST(test_round_trip_through_reader),
};

int main(void)
{
    return RUN_TESTS("json_write", tests);
}
