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
    /* botocore's JSONSerializer (default precision) writes iso and epoch, and rfc822 as
     * http; datetime.isoformat() is display. */
    static const struct {
        int64_t seconds;
        int32_t nanos;
        const char *iso;
        const char *epoch;
        const char *display;
        const char *http;
    } rows[] = {
        {0, 0, "1970-01-01T00:00:00Z", "0", "1970-01-01T00:00:00+00:00",
         "Thu, 01 Jan 1970 00:00:00 GMT"},
        {-1, 999000000, "1969-12-31T23:59:59.999000Z", "-1", "1969-12-31T23:59:59.999000+00:00",
         "Wed, 31 Dec 1969 23:59:59 GMT"},
        {INT64_C(1700000000), 123000000, "2023-11-14T22:13:20.123000Z", "1700000000",
         "2023-11-14T22:13:20.123000+00:00", "Tue, 14 Nov 2023 22:13:20 GMT"},
        {INT64_C(951782400), 0, "2000-02-29T00:00:00Z", "951782400", "2000-02-29T00:00:00+00:00",
         "Tue, 29 Feb 2000 00:00:00 GMT"},
        {INT64_C(4107542400), 0, "2100-03-01T00:00:00Z", "4107542400",
         "2100-03-01T00:00:00+00:00", "Mon, 01 Mar 2100 00:00:00 GMT"},
        {INT64_C(-62135596800), 0, "0001-01-01T00:00:00Z", "-62135596800",
         "0001-01-01T00:00:00+00:00", "Mon, 01 Jan 0001 00:00:00 GMT"},
        {INT64_C(253402300799), 999000000, "9999-12-31T23:59:59.999000Z", "253402300799",
         "9999-12-31T23:59:59.999000+00:00", "Fri, 31 Dec 9999 23:59:59 GMT"},
        {INT64_C(-2208988800), 0, "1900-01-01T00:00:00Z", "-2208988800",
         "1900-01-01T00:00:00+00:00", "Mon, 01 Jan 1900 00:00:00 GMT"},
        {INT64_C(2147483648), 0, "2038-01-19T03:14:08Z", "2147483648",
         "2038-01-19T03:14:08+00:00", "Tue, 19 Jan 2038 03:14:08 GMT"},
        {0, 10000000, "1970-01-01T00:00:00.010000Z", "0", "1970-01-01T00:00:00.010000+00:00",
         "Thu, 01 Jan 1970 00:00:00 GMT"},
        {INT64_C(1700000000), 123456789, "2023-11-14T22:13:20.123456Z", "1700000000",
         "2023-11-14T22:13:20.123456+00:00", "Tue, 14 Nov 2023 22:13:20 GMT"},
        /* Below a microsecond: truncated away, as datetime has no nanoseconds. */
        {INT64_C(1700000000), 999, "2023-11-14T22:13:20Z", "1700000000",
         "2023-11-14T22:13:20+00:00", "Tue, 14 Nov 2023 22:13:20 GMT"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct acg_timestamp t = {rows[i].seconds, rows[i].nanos, NULL};
        char iso[ACG_TIME_TEXT_MAX], epoch[ACG_TIME_TEXT_MAX], display[ACG_TIME_TEXT_MAX],
            http[ACG_TIME_TEXT_MAX];
        CHECK(acg_time_format(&t, ACG_TIME_ISO8601, iso) == strlen(rows[i].iso));
        CHECK(acg_time_format(&t, ACG_TIME_EPOCH, epoch) == strlen(rows[i].epoch));
        CHECK(acg_time_format(&t, ACG_TIME_ISOFORMAT, display) == strlen(rows[i].display));
        CHECK(acg_time_format(&t, ACG_TIME_HTTP_DATE, http) == strlen(rows[i].http));
        CHECK_STR(iso, rows[i].iso);
        CHECK_STR(epoch, rows[i].epoch);
        CHECK_STR(display, rows[i].display);
        CHECK_STR(http, rows[i].http);
        /* What was written reads back to the same instant, to the microsecond. */
        int32_t micros = rows[i].nanos / 1000 * 1000;
        struct acg_timestamp back = {0, 0, "keep"};
        CHECK(acg_time_parse(iso, strlen(iso), &back) == ACG_OK);
        CHECK(back.seconds == rows[i].seconds && back.nanos == micros);
        CHECK_STR(back.wire, "keep");
        CHECK(acg_time_parse(display, strlen(display), &back) == ACG_OK);
        CHECK(back.seconds == rows[i].seconds && back.nanos == micros);
        CHECK(acg_time_parse(epoch, strlen(epoch), &back) == ACG_OK);
        CHECK(back.seconds == rows[i].seconds && back.nanos == 0);
        CHECK(acg_time_parse(http, strlen(http), &back) == ACG_OK);
        CHECK(back.seconds == rows[i].seconds && back.nanos == 0);
        CHECK(acg_time_to_ms(&t) == rows[i].seconds * 1000 + rows[i].nanos / 1000000);
    }
    /* Extremes of int64 still format without overflowing the buffer. */
    char iso[ACG_TIME_TEXT_MAX];
    struct acg_timestamp t = {INT64_MIN, 999999999, NULL};
    CHECK(acg_time_format(&t, ACG_TIME_ISO8601, iso) < sizeof iso);
    CHECK(strlen(iso) < sizeof iso && iso[strlen(iso) - 1] == 'Z');
    CHECK(acg_time_format(&t, ACG_TIME_HTTP_DATE, iso) < sizeof iso);
    CHECK(acg_time_format(&t, ACG_TIME_ISOFORMAT, iso) < sizeof iso);
    CHECK(acg_time_format(&t, ACG_TIME_EPOCH, iso) < sizeof iso);
    CHECK_STR(iso, "-9223372036854775808");
    t.seconds = INT64_MAX;
    CHECK(acg_time_format(&t, ACG_TIME_ISO8601, iso) < sizeof iso);
    CHECK(strlen(iso) < sizeof iso && iso[strlen(iso) - 1] == 'Z');
    CHECK(acg_time_format(&t, ACG_TIME_HTTP_DATE, iso) < sizeof iso);
    CHECK(acg_time_format(&t, ACG_TIME_ISOFORMAT, iso) < sizeof iso);
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
    int64_t expect = INT64_C(-62135596800);
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
                struct acg_timestamp t = {0, 1, NULL};
                if (acg_time_parse(s, 20, &t) != ACG_OK || t.seconds != expect || t.nanos != 0) {
                    fprintf(stderr, "%s: got %lld want %lld\n", s, (long long)t.seconds,
                            (long long)expect);
                    return __LINE__;
                }
                /* Formatting every day is slower; every 97th keeps the inverse covered. */
                if (days % 97 == 0) {
                    char out[ACG_TIME_TEXT_MAX];
                    acg_time_format(&t, ACG_TIME_ISO8601, out);
                    CHECK_STR(out, s);
                }
                expect += 86400;
                days++;
            }
        }
    }
    CHECK(days == 3652059);
    CHECK(expect == INT64_C(253402300800));
    return 0;
}

static int test_parse_forms(void)
{
    /* refused: seconds -1 with nanos -1. Values are kept exactly, to the nanosecond. */
    static const struct {
        const char *s;
        int64_t seconds;
        int32_t nanos;
    } rows[] = {
        {"2023-11-14T22:13:20Z", INT64_C(1700000000), 0},
        {"2023-11-14t22:13:20z", INT64_C(1700000000), 0},
        {"2023-11-14T22:13:20.1Z", INT64_C(1700000000), 100000000},
        {"2023-11-14T22:13:20.12Z", INT64_C(1700000000), 120000000},
        {"2023-11-14T22:13:20.123Z", INT64_C(1700000000), 123000000},
        {"2023-11-14T22:13:20.1239Z", INT64_C(1700000000), 123900000},
        {"2023-11-14T22:13:20.123456789Z", INT64_C(1700000000), 123456789},
        {"2023-11-14T22:13:20.1234567891234Z", INT64_C(1700000000), 123456789},
        {"2023-11-14T22:13:20,5Z", INT64_C(1700000000), 500000000},
        {"2023-11-14T22:13:20", INT64_C(1700000000), 0},
        {"2023-11-14T22:13:20+00:00", INT64_C(1700000000), 0},
        {"2023-11-14T22:13:20-00:00", INT64_C(1700000000), 0},
        {"2023-11-15T03:43:20+05:30", INT64_C(1700000000), 0},
        {"2023-11-15T03:43:20+0530", INT64_C(1700000000), 0},
        {"2023-11-14T14:13:20-08", INT64_C(1700000000), 0},
        {"2023-11-14T22:13:20 UTC", -1, -1},
        {"2023-11-14T22:13:20UTC", INT64_C(1700000000), 0},
        {"2023-11-14 22:13:20", INT64_C(1700000000), 0},
        {"20231114T221320Z", INT64_C(1700000000), 0},
        {"20231114T221320.5Z", INT64_C(1700000000), 500000000},
        {"2023-11-14", INT64_C(1699920000), 0},
        {"Tue, 14 Nov 2023 22:13:20 GMT", INT64_C(1700000000), 0},
        {"14 Nov 2023 22:13:20 GMT", INT64_C(1700000000), 0},
        {"Tue, 14 Nov 2023 23:13:20 +0100", INT64_C(1700000000), 0},
        {"Wed, 1 Nov 2023 00:00:00 GMT", INT64_C(1698796800), 0},
        {"1700000000", INT64_C(1700000000), 0},
        {"1700000000.123", INT64_C(1700000000), 123000000},
        {"1700000000.123456789", INT64_C(1700000000), 123456789},
        {"  1700000000.5\n", INT64_C(1700000000), 500000000},
        {"-1.5", -2, 500000000},
        {"-0.000000001", -1, 999999999},
        {"+10", 10, 0},
        {"1.7e9", INT64_C(1700000000), 0},
        {"1.7000000001e9", INT64_C(1700000000), 100000000},
        {".5", 0, 500000000},
        {"1700000000.1230000000000000000000000000000000000000000000000000000000000000001",
         INT64_C(1700000000), 123000000},
        {"5.", 5, 0},
        {"253402300799.999999999", INT64_C(253402300799), 999999999},
        /* refused */
        {"", -1, -1},
        {"   ", -1, -1},
        {"now", -1, -1},
        {"2023-11-14T22:13:20Zjunk", -1, -1},
        {"2023-11-14T", -1, -1},
        {"2023-1-14", -1, -1},
        {"2023/11/14", -1, -1},
        {"2023-11-14T22:13:20+5:30", -1, -1},
        {"2023-11-14T22:13:20+24:00", -1, -1},
        {"2023-11-31", -1, -1},
        {"1900-02-29", -1, -1},
        {"2023-00-10", -1, -1},
        {"Xyz, 14 Nov 2023 22:13:20 GMT", -1, -1},
        {"Tue, 14 Foo 2023 22:13:20 GMT", -1, -1},
        {"Tue, 14 Nov 2023 22:13:20", -1, -1},
        {"1e", -1, -1},
        {"-", -1, -1},
        {"1e400", -1, -1},
        {"nan", -1, -1},
        {"inf", -1, -1},
        {"0x10", -1, -1},
        {"99999999999999999999", -1, -1},
        {"253402300800", -1, -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct acg_timestamp t = {42, 42, "wire"};
        int rc = acg_time_parse(rows[i].s, strlen(rows[i].s), &t);
        bool ok = rows[i].nanos == -1
                      ? rc == ACG_ERR_INVALID_ARG && t.seconds == 42 && t.nanos == 42
                      : rc == ACG_OK && t.seconds == rows[i].seconds && t.nanos == rows[i].nanos;
        if (!ok || strcmp(t.wire, "wire") != 0) {
            fprintf(stderr, "parse \"%s\": rc %d seconds %lld nanos %d\n", rows[i].s, rc,
                    (long long)t.seconds, (int)t.nanos);
            return __LINE__;
        }
    }
    /* Not NUL-terminated: only len bytes are read. */
    struct acg_timestamp t = {0, 0, NULL};
    CHECK(acg_time_parse("2023-11-14T22:13:20Zgarbage", 20, &t) == ACG_OK);
    CHECK(t.seconds == INT64_C(1700000000) && t.nanos == 0);
    CHECK(acg_time_parse(NULL, 0, &t) == ACG_ERR_INVALID_ARG);
    return 0;
}

static int test_epoch_seconds_rounding(void)
{
    /* botocore.utils.parse_timestamp on these floats (datetime.fromtimestamp: half-even to
     * the microsecond), as seconds and microseconds. */
    static const struct {
        double s;
        int64_t seconds;
        int32_t micros;
    } rows[] = {
        {1700000000.123, INT64_C(1700000000), 123000}, {0.0005, 0, 500}, {0.0015, 0, 1500},
        {0.9999995, 1, 0}, {-0.0000005, 0, 0}, {-0.0001, -1, 999900},
        {253402300799.999, INT64_C(253402300799), 998993},
        {1234567890.987654321, INT64_C(1234567890), 987654}, {0.0000005, 0, 0},
        {0.0000015, 0, 2}, {-1.5, -2, 500000}, {1e-7, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct acg_timestamp t = {0, 0, NULL};
        CHECK(acg_time_from_double(rows[i].s, &t) == ACG_OK);
        if (t.seconds != rows[i].seconds || t.nanos != rows[i].micros * 1000) {
            fprintf(stderr, "%.17g: got %lld.%09d\n", rows[i].s, (long long)t.seconds,
                    (int)t.nanos);
            return __LINE__;
        }
    }
    struct acg_timestamp t = {0, 0, NULL};
    CHECK(acg_time_from_double(NAN, &t) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_double(INFINITY, &t) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_double(253402300800.0, &t) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_double(-62135596800.5, &t) == ACG_ERR_INVALID_ARG);
    CHECK(acg_time_from_double(1e300, &t) == ACG_ERR_INVALID_ARG);
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

/* Each input line is "seconds micros" (an instant to the microsecond, micros 0-999999).
 * Python prints what botocore's JSONSerializer (default precision) writes for it as
 * unixTimestamp, iso8601 and rfc822, datetime.isoformat(), the instant as exact decimal
 * epoch text, and what botocore's parse_timestamp reads from that text (through a double,
 * as seconds and microseconds). */
static const char differential_py[] =
    "import sys, json, datetime, decimal\n"
    "from botocore.serialize import JSONSerializer\n"
    "from botocore.utils import parse_timestamp\n"
    "s = JSONSerializer()\n"
    "utc = datetime.timezone.utc\n"
    "ep = datetime.datetime(1970, 1, 1, tzinfo=utc)\n"
    "for line in open(sys.argv[1]):\n"
    "    sec, us = (int(x) for x in line.split())\n"
    "    dt = ep + datetime.timedelta(seconds=sec, microseconds=us)\n"
    "    text = str(decimal.Decimal(sec) + decimal.Decimal(us).scaleb(-6))\n"
    "    try:\n"
    "        back = parse_timestamp(text).astimezone(utc) - ep\n"
    "        bsec, bus = back.days * 86400 + back.seconds, back.microseconds\n"
    "    except Exception:\n"
    "        bsec, bus = 'x', 'x'\n"
    "    print(json.dumps(s._timestamp_unixtimestamp(dt)), s._timestamp_iso8601(dt),\n"
    "          dt.isoformat(), '|' + s._timestamp_rfc822(dt) + '|', text, bsec, bus)\n";

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
    static struct acg_timestamp values[N];
    f = fdopen(fi, "w");
    for (int i = 0; i < N; i++) {
        int64_t span = INT64_C(253402300799) - INT64_C(-62135596800);
        int64_t v;
        switch (i % 3) {
        case 0: v = INT64_C(-62135596800) + (int64_t)(rng() % (uint64_t)span); break;
        case 1: v = INT64_C(1500000000) + (int64_t)(rng() % INT64_C(500000000)); break;
        default: v = (int64_t)(rng() % 4000) - 2000; break;
        }
        /* A quarter whole seconds, a quarter whole milliseconds, the rest any microsecond;
         * our value also carries nanoseconds below the microsecond, which every format
         * drops as botocore (datetime) has none. */
        int32_t us;
        switch (i % 4) {
        case 0: us = 0; break;
        case 1: us = (int32_t)(rng() % 1000) * 1000; break;
        default: us = (int32_t)(rng() % 1000000); break;
        }
        values[i].seconds = v;
        values[i].nanos = us * 1000 + (i % 2 ? (int32_t)(rng() % 1000) : 0);
        fprintf(f, "%lld %d\n", (long long)v, (int)us);
    }
    fclose(f);
    const char *py = getenv("PYTHON");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s %s %s 2>/dev/null", py ? py : "python3", script, input);
    FILE *p = popen(cmd, "r");
    int compared = 0, mismatched = 0;
    char line[512];
    while (p != NULL && compared < N && fgets(line, sizeof line, p) != NULL) {
        char epoch[64], iso[64], display[64], http[64], text[64], bsec[32], bus[32];
        int hn = 0;
        if (sscanf(line, "%63s %63s %63s |%n", epoch, iso, display, &hn) != 3 || hn == 0)
            break;
        const char *bar = strchr(line + hn, '|');
        if (bar == NULL || (size_t)(bar - (line + hn)) >= sizeof http)
            break;
        memcpy(http, line + hn, (size_t)(bar - (line + hn)));
        http[bar - (line + hn)] = '\0';
        if (sscanf(bar + 1, "%63s %31s %31s", text, bsec, bus) != 3)
            break;
        const struct acg_timestamp *v = &values[compared++];
        struct acg_buf b;
        struct acg_json_writer w;
        acg_buf_init(&b, 0);
        acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
        int rc = acg_json_write_timestamp(&w, v, ACG_TS_EPOCH_SECONDS);
        /* Python's strftime("%Y") does not zero-pad years before 1000 on glibc
         * ("964-05-12T..."); ISO 8601 wants four digits, which is what we write. */
        size_t ylen = strcspn(iso, "-");
        if (ylen < 4 && strlen(iso) + 4 - ylen < sizeof iso) {
            memmove(iso + 4 - ylen, iso, strlen(iso) + 1);
            memset(iso, '0', 4 - ylen);
        }
        char ours_iso[ACG_TIME_TEXT_MAX], ours_display[ACG_TIME_TEXT_MAX],
            ours_http[ACG_TIME_TEXT_MAX];
        acg_time_format(v, ACG_TIME_ISO8601, ours_iso);
        acg_time_format(v, ACG_TIME_ISOFORMAT, ours_display);
        acg_time_format(v, ACG_TIME_HTTP_DATE, ours_http);
        /* The exact text parses to exactly the microsecond instant; through a double it
         * reads as botocore reads it (its double loses microseconds on large values). */
        struct acg_timestamp exact = {0, 0, NULL}, viadouble = {0, 0, NULL};
        int prc = acg_time_parse(text, strlen(text), &exact);
        int drc = acg_time_from_double(strtod(text, NULL), &viadouble);
        bool parse_ok = prc == ACG_OK && exact.seconds == v->seconds &&
                        exact.nanos == v->nanos / 1000 * 1000;
        bool double_ok = strcmp(bsec, "x") == 0
                             ? drc != ACG_OK || viadouble.seconds >= INT64_C(253402300799)
                             : drc == ACG_OK && viadouble.seconds == strtoll(bsec, NULL, 10) &&
                                   viadouble.nanos == (int32_t)strtol(bus, NULL, 10) * 1000;
        if (rc != ACG_OK || strcmp(b.data, epoch) != 0 || strcmp(ours_iso, iso) != 0 ||
            strcmp(ours_display, display) != 0 || strcmp(ours_http, http) != 0 || !parse_ok ||
            !double_ok) {
            if (mismatched++ < 5)
                fprintf(stderr,
                        "%lld.%09d: ours %s %s %s %s %lld.%09d %lld.%09d, python %s %s %s %s "
                        "%s %s.%s\n",
                        (long long)v->seconds, (int)v->nanos, b.data, ours_iso, ours_display,
                        ours_http, (long long)exact.seconds, (int)exact.nanos,
                        (long long)viadouble.seconds, (int)viadouble.nanos, epoch, iso,
                        display, http, text, bsec, bus);
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
