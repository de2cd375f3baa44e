/* Calendar and timestamp tests: fixed values, every day of years 1-9999 against an
 * independent day count, the parser's accepted and refused forms, and a differential run
 * against Python (datetime, botocore) when python3 with botocore is installed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acg_text_private.h"
#include "json/acg_json.h"
#include "harness.h"

static int test_format_known_values(void)
{
    static const struct {
        int64_t ms;
        const char *iso;
        const char *display;
        const char *http;
    } rows[] = {
        {0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {-1, "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999000+00:00",
         "Wed, 31 Dec 1969 23:59:59 GMT"},
        {INT64_C(1700000000123), "2023-11-14T22:13:20.123Z", "2023-11-14T22:13:20.123000+00:00",
         "Tue, 14 Nov 2023 22:13:20 GMT"},
        {INT64_C(951782400000), "2000-02-29T00:00:00Z", "2000-02-29T00:00:00+00:00",
         "Tue, 29 Feb 2000 00:00:00 GMT"},
        {INT64_C(4107542400000), "2100-03-01T00:00:00Z", "2100-03-01T00:00:00+00:00",
         "Mon, 01 Mar 2100 00:00:00 GMT"},
        {INT64_C(-62135596800000), "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00",
         "Mon, 01 Jan 0001 00:00:00 GMT"},
        {INT64_C(253402300799999), "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999000+00:00",
         "Fri, 31 Dec 9999 23:59:59 GMT"},
        {INT64_C(-2208988800000), "1900-01-01T00:00:00Z", "1900-01-01T00:00:00+00:00",
         "Mon, 01 Jan 1900 00:00:00 GMT"},
        {INT64_C(2147483648000), "2038-01-19T03:14:08Z", "2038-01-19T03:14:08+00:00",
         "Tue, 19 Jan 2038 03:14:08 GMT"},
        {10, "1970-01-01T00:00:00.010Z", "1970-01-01T00:00:00.010000+00:00",
         "Thu, 01 Jan 1970 00:00:00 GMT"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char iso[32], display[40], http[40];
        acg_time_format_iso8601(rows[i].ms, iso);
        acg_time_format_display(rows[i].ms, display);
        acg_time_format_http_date(rows[i].ms, http);
        CHECK_STR(iso, rows[i].iso);
        CHECK_STR(display, rows[i].display);
        CHECK_STR(http, rows[i].http);
        int64_t back = 0;
        CHECK(acg_time_parse(iso, strlen(iso), &back) == ACG_OK && back == rows[i].ms);
        CHECK(acg_time_parse(display, strlen(display), &back) == ACG_OK && back == rows[i].ms);
    }
    /* Extremes of int64 still format without overflowing the buffer. */
    char iso[32];
    acg_time_format_iso8601(INT64_MIN, iso);
    CHECK(strlen(iso) < sizeof iso && iso[strlen(iso) - 1] == 'Z');
    acg_time_format_iso8601(INT64_MAX, iso);
    CHECK(strlen(iso) < sizeof iso && iso[strlen(iso) - 1] == 'Z');
    return 0;
}

static void put_num(char *p, unsigned v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Every date of years 1-9999 parses to the previous date plus one day, and formats back to
 * the same text: an independent count that exercises days_from_civil and its inverse. */
static int test_every_day(void)
{
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t expect = INT64_C(-62135596800000);
    char s[] = "0001-01-01T00:00:00Z";
    long days = 0;
    for (unsigned y = 1; y <= 9999; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        put_num(s, y, 4);
        for (unsigned m = 1; m <= 12; m++) {
            put_num(s + 5, m, 2);
            unsigned dim = mdays[m - 1] + (m == 2 && leap);
            for (unsigned d = 1; d <= dim; d++) {
                put_num(s + 8, d, 2);
                int64_t ms = 0;
                if (acg_time_parse(s, 20, &ms) != ACG_OK || ms != expect) {
                    fprintf(stderr, "%s: got %lld want %lld\n", s, (long long)ms, (long long)expect);
                    return __LINE__;
                }
                /* Formatting every day is slower; every 97th keeps the inverse covered. */
                if (days % 97 == 0) {
                    char out[32];
                    acg_time_format_iso8601(ms, out);
                    CHECK_STR(out, s);
                }
                expect += 86400000;
                days++;
            }
        }
    }
    CHECK(days == 3652059);
    CHECK(expect == INT64_C(253402300800000));
    return 0;
}

static int test_parse_forms(void)
{
    static const struct {
        const char *s;
        int64_t ms;
    } rows[] = {
        {"2023-11-14T22:13:20Z", INT64_C(1700000000000)},
        {"2023-11-14t22:13:20z", INT64_C(1700000000000)},
        {"2023-11-14T22:13:20.1Z", INT64_C(1700000000100)},
        {"2023-11-14T22:13:20.12Z", INT64_C(1700000000120)},
        {"2023-11-14T22:13:20.123Z", INT64_C(1700000000123)},
        {"2023-11-14T22:13:20.1239Z", INT64_C(1700000000123)},
        {"2023-11-14T22:13:20,5Z", INT64_C(1700000000500)},
        {"2023-11-14T22:13:20", INT64_C(1700000000000)},
        {"2023-11-14T22:13:20+00:00", INT64_C(1700000000000)},
        {"2023-11-14T22:13:20-00:00", INT64_C(1700000000000)},
        {"2023-11-15T03:43:20+05:30", INT64_C(1700000000000)},
        {"2023-11-15T03:43:20+0530", INT64_C(1700000000000)},
        {"2023-11-14T14:13:20-08", INT64_C(1700000000000)},
        {"2023-11-14T22:13:20 UTC", -1},
        {"2023-11-14T22:13:20UTC", INT64_C(1700000000000)},
        {"2023-11-14 22:13:20", INT64_C(1700000000000)},
        {"20231114T221320Z", INT64_C(1700000000000)},
        {"20231114T221320.5Z", INT64_C(1700000000500)},
        {"2023-11-14", INT64_C(1699920000000)},
        {"Tue, 14 Nov 2023 22:13:20 GMT", INT64_C(1700000000000)},
        {"14 Nov 2023 22:13:20 GMT", INT64_C(1700000000000)},
        {"Tue, 14 Nov 2023 23:13:20 +0100", INT64_C(1700000000000)},
        {"Wed, 1 Nov 2023 00:00:00 GMT", INT64_C(1698796800000)},
        {"1700000000", INT64_C(1700000000000)},
        {"1700000000.123", INT64_C(1700000000123)},
        {"  1700000000.5\n", INT64_C(1700000000500)},
        {"-1.5", -1500},
        {"+10", 10000},
        {"1.7e9", INT64_C(1700000000000)},
        {".5", 500},
        {"1700000000.1230000000000000000000000000000000000000000000000000000000000000001",
         INT64_C(1700000000123)},
        {"5.", 5000},
        /* refused */
        {"", -1},
        {"   ", -1},
        {"now", -1},
        {"2023-11-14T22:13:20Zjunk", -1},
        {"2023-11-14T", -1},
        {"2023-1-14", -1},
        {"2023/11/14", -1},
        {"2023-11-14T22:13:20+5:30", -1},
        {"2023-11-14T22:13:20+24:00", -1},
        {"2023-11-31", -1},
        {"1900-02-29", -1},
        {"2023-00-10", -1},
        {"Xyz, 14 Nov 2023 22:13:20 GMT", -1},
        {"Tue, 14 Foo 2023 22:13:20 GMT", -1},
        {"Tue, 14 Nov 2023 22:13:20", -1},
        {"1e", -1},
        {"-", -1},
        {"1e400", -1},
        {"nan", -1},
        {"inf", -1},
        {"0x10", -1},
        {"99999999999999999999", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms = 42;
        int rc = acg_time_parse(rows[i].s, strlen(rows[i].s), &ms);
        bool ok = rows[i].ms == -1
                      ? rc == ACG_ERR_INVALID_ARG && ms == 42
                      : rc == ACG_OK && ms == rows[i].ms;
        if (!ok) {
            fprintf(stderr, "parse \"%s\": rc %d ms %lld\n", rows[i].s, rc, (long long)ms);
            return __LINE__;
        }
    }
    /* Not NUL-terminated: only len bytes are read. */
    int64_t ms = 0;
    CHECK(acg_time_parse("2023-11-14T22:13:20Zgarbage", 20, &ms) == ACG_OK);
    CHECK(ms == INT64_C(1700000000000));
    CHECK(acg_time_parse(NULL, 0, &ms) == ACG_ERR_INVALID_ARG);
    return 0;
}

static int test_epoch_seconds_rounding(void)
{
    /* botocore.utils.parse_timestamp on these floats, in whole milliseconds. */
    static const struct {
        double s;
        int64_t ms;
    } rows[] = {
        {1700000000.123, INT64_C(1700000000123)}, {0.0005, 0}, {0.0015, 1}, {0.9999995, 1000},
        {-0.0000005, 0}, {-0.0001, -1}, {253402300799.999, INT64_C(253402300799998)},
        {1234567890.987654321, INT64_C(1234567890987)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms = 0;
        CHECK(acg_time_from_epoch_seconds(rows[i].s, &ms) == ACG_OK);
        CHECK(ms == rows[i].ms);
    }
    int64_t ms = 0;
    CHECK(acg_time_from_epoch_seconds(NAN, &ms) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_epoch_seconds(INFINITY, &ms) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_epoch_seconds(253402300800.0, &ms) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_epoch_seconds(-62135596800.5, &ms) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_epoch_seconds(1e300, &ms) == ACG_ERR_INVALID_ARG);
    return 0;
}

/* ---- differential against Python ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char differential_py[] =
    "import sys, json, datetime\n"
    "from botocore.serialize import JSONSerializer\n"
    "from botocore.utils import parse_timestamp\n"
    "s = JSONSerializer(timestamp_precision='millisecond')\n"
    "utc = datetime.timezone.utc\n"
    "ep = datetime.datetime(1970, 1, 1, tzinfo=utc)\n"
    "for line in open(sys.argv[1]):\n"
    "    ms = int(line)\n"
    "    dt = ep + datetime.timedelta(milliseconds=ms)\n"
    "    secs = s._timestamp_unixtimestamp(dt)\n"
    "    back = parse_timestamp(json.loads(json.dumps(secs))).astimezone(utc)\n"
    "    bms = (back - ep) // datetime.timedelta(milliseconds=1)\n"
    "    print(json.dumps(secs), s._timestamp_iso8601(dt), dt.isoformat(), bms)\n";

static int test_differential_python(void)
{
    char script[] = "/tmp/acg_time_pyXXXXXX";
    char input[] = "/tmp/acg_time_inXXXXXX";
    int fs = mkstemp(script), fi = mkstemp(input);
    CHECK(fs >= 0 && fi >= 0);
    FILE *f = fdopen(fs, "w");
    fputs(differential_py, f);
    fclose(f);
    enum { N = 3000 };
    static int64_t values[N];
    f = fdopen(fi, "w");
    for (int i = 0; i < N; i++) {
        int64_t span = INT64_C(253402300799999) - INT64_C(-62135596800000);
        int64_t v;
        switch (i % 3) {
        case 0: v = INT64_C(-62135596800000) + (int64_t)(rng() % (uint64_t)span); break;
        case 1: v = INT64_C(1500000000000) + (int64_t)(rng() % INT64_C(500000000000)); break;
        default: v = (int64_t)(rng() % 4000000) - 2000000; break;
        }
        values[i] = v;
        fprintf(f, "%lld\n", (long long)v);
    }
    fclose(f);
    const char *py = getenv("PYTHON");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s %s 2>/dev/null", py ? py : "python3", script, input);
    FILE *p = popen(cmd, "r");
    int compared = 0, mismatched = 0;
    char line[256];
    while (p != NULL && compared < N && fgets(line, sizeof line, p) != NULL) {
        char epoch[64], iso[64], display[64];
        long long back;
        if (sscanf(line, "%63s %63s %63s %lld", epoch, iso, display, &back) != 4)
            break;
        int64_t v = values[compared++];
        struct acg_buf b;
        struct acg_json_writer w;
        acg_buf_init(&b, 0);
        acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
        int rc = acg_json_write_timestamp(&w, v, ACG_TS_EPOCH_SECONDS);
        /* botocore writes 1700000000.0 for whole seconds; we write 1700000000. */
        size_t el = strlen(epoch);
        if (el > 2 && strcmp(epoch + el - 2, ".0") == 0)
            epoch[el - 2] = '\0';
        /* Python's strftime("%Y") does not zero-pad years before 1000 on glibc
         * ("964-05-12T..."); ISO 8601 wants four digits, which is what we write. */
        size_t ylen = strcspn(iso, "-");
        if (ylen < 4 && strlen(iso) + 4 - ylen < sizeof iso) {
            memmove(iso + 4 - ylen, iso, strlen(iso) + 1);
            memset(iso, '0', 4 - ylen);
        }
        char ours_iso[40], ours_display[40];
        acg_time_format_iso8601_ms(v, ours_iso);
        acg_time_format_display(v, ours_display);
        int64_t parsed = 0;
        int prc = acg_time_parse(epoch, strlen(epoch), &parsed);
        if (rc != ACG_OK || strcmp(b.data, epoch) != 0 || strcmp(ours_iso, iso) != 0 ||
            strcmp(ours_display, display) != 0 || prc != ACG_OK || parsed != back) {
            if (mismatched++ < 5)
                fprintf(stderr, "ms %lld: ours %s %s %s %lld, python %s %s %s %lld\n",
                        (long long)v, b.data, ours_iso, ours_display, (long long)parsed, epoch,
                        iso, display, back);
        }
        acg_buf_free(&b);
    }
    if (p != NULL)
        pclose(p);
    unlink(script);
    unlink(input);
    if (compared == 0) {
        printf("differential: python3 with botocore not available, skipped\n");
        return 0;
    }
    printf("differential: %d timestamps compared with botocore, %d mismatched\n", compared,
           mismatched);
    CHECK(compared == N);
    CHECK(mismatched == 0);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_format_known_values),
    TEST(test_every_day),
    TEST(test_parse_forms),
    TEST(test_epoch_seconds_rounding),
    TEST(test_differential_python),
};

int main(void)
{
    return RUN_TESTS("time", tests);
}
