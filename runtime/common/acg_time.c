/* Calendar arithmetic, timestamp formatting and parsing.
 *
 * No gmtime/timegm/localtime: they depend on the C library's time_t range and, for the
 * local variants, on process-wide state. Howard Hinnant's days-from-civil algorithms
 * (http://howardhinnant.github.io/date_algorithms.html) are exact for the proleptic
 * Gregorian calendar, need no tables and are trivially thread-safe. An instant is whole
 * seconds since the epoch and nanoseconds into the second. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_time.h"
#include "acg_text_private.h"

#define SECONDS_PER_DAY INT64_C(86400)

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);                        /* [0, 399] */
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* [0, 365] */
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* An instant's calendar fields. Floor division keeps times before 1970 right: -1 s is
 * 1969-12-31T23:59:59. */
struct civil {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday; /* weekday 0 = Sunday */
};

static void split(int64_t seconds, struct civil *c)
{
    int64_t days = seconds / SECONDS_PER_DAY;
    int64_t rem = seconds % SECONDS_PER_DAY;
    if (rem < 0) {
        rem += SECONDS_PER_DAY;
        days--;
    }
    civil_from_days(days, &c->year, &c->month, &c->day);
    c->second = (unsigned)(rem % 60);
    c->minute = (unsigned)(rem / 60 % 60);
    c->hour = (unsigned)(rem / 3600);
    /* 1970-01-01 was a Thursday (4). */
    c->weekday = (unsigned)((days % 7 + 7 + 4) % 7);
}

static char *put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* "YYYY-MM-DDTHH:MM:SS" at p; returns the end. Years outside 0001-9999 cannot come from
 * the parsers; they are still printed in full (at most 11 characters for any int64 of
 * milliseconds) rather than wrapped, so a bad value stays recognisable. */
static char *put_date_time(char *p, const struct civil *c)
{
    char year[16];
    int n = snprintf(year, sizeof year, "%04lld", (long long)c->year);
    if (n < 0 || n >= (int)sizeof year)
        n = 0;
    memcpy(p, year, (size_t)n);
    p += n;
    *p++ = '-';
    p = put2(p, c->month);
    *p++ = '-';
    p = put2(p, c->day);
    *p++ = 'T';
    p = put2(p, c->hour);
    *p++ = ':';
    p = put2(p, c->minute);
    *p++ = ':';
    return put2(p, c->second);
}

/* ".ffffff" for a non-zero microsecond count; nothing for zero. */
static char *put_micros(char *p, int32_t nanos)
{
    unsigned us = (unsigned)(nanos / 1000);
    if (us == 0)
        return p;
    *p++ = '.';
    for (unsigned div = 100000; div > 0; div /= 10)
        *p++ = (char)('0' + us / div % 10);
    return p;
}

static const char weekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

size_t acg_time_format(const struct acg_timestamp *t, enum acg_time_style style,
                       char out[ACG_TIME_TEXT_MAX])
{
    struct civil c;
    char *p = out;
    split(t->seconds, &c);
    switch (style) {
    case ACG_TIME_EPOCH: {
        int n = snprintf(out, ACG_TIME_TEXT_MAX, "%lld", (long long)t->seconds);
        return n > 0 ? (size_t)n : 0;
    }
    case ACG_TIME_HTTP_DATE: {
        int n = snprintf(out, ACG_TIME_TEXT_MAX, "%s, %02u %s %04lld %02u:%02u:%02u GMT",
                         weekdays[c.weekday], c.day, months[c.month - 1],
                         (long long)c.year % 1000000000, c.hour, c.minute, c.second);
        return n > 0 ? (size_t)n : 0;
    }
    case ACG_TIME_ISO8601:
        p = put_micros(put_date_time(p, &c), t->nanos);
        *p++ = 'Z';
        break;
    case ACG_TIME_ISOFORMAT:
        p = put_micros(put_date_time(p, &c), t->nanos);
        memcpy(p, "+00:00", 6);
        p += 6;
        break;
    }
    *p = '\0';
    return (size_t)(p - out);
}

int64_t acg_time_to_ms(const struct acg_timestamp *t)
{
    return t->seconds * 1000 + t->nanos / 1000000;
}

/* Python's _PyTime_RoundHalfEven. */
static double round_half_even(double x)
{
    double r = round(x);
    if (fabs(x - r) == 0.5)
        r = 2.0 * round(x / 2.0);
    return r;
}

/* Mirrors CPython's _PyTime_DoubleToDenominator with ROUND_HALF_EVEN, which
 * datetime.fromtimestamp uses: split off the fraction, round it to microseconds, carry.
 * 1700000000.123 is 1700000000.12299990654 as a double; rounding gives .123000. */
int acg_time_from_double(double seconds, struct acg_timestamp *t)
{
    if (!isfinite(seconds) || seconds < (double)ACG_TIME_MIN_SECONDS - 1.0 ||
        seconds > (double)ACG_TIME_MAX_SECONDS + 1.0)
        return ACG_ERR_INVALID_ARG;
    double intpart;
    double frac = modf(seconds, &intpart);
    double us = round_half_even(frac * 1e6);
    if (us >= 1e6) {
        us -= 1e6;
        intpart += 1.0;
    } else if (us < 0) {
        us += 1e6;
        intpart -= 1.0;
    }
    int64_t sec = (int64_t)intpart;
    if (sec < ACG_TIME_MIN_SECONDS || sec > ACG_TIME_MAX_SECONDS)
        return ACG_ERR_INVALID_ARG;
    t->seconds = sec;
    t->nanos = (int32_t)us * 1000;
    return ACG_OK;
}

/* ---- parsing ---- */

struct cursor {
    const char *s;
    size_t len;
    size_t pos;
};

static bool at_end(const struct cursor *c)
{
    return c->pos >= c->len;
}

static int peek(const struct cursor *c)
{
    return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static bool accept(struct cursor *c, char ch)
{
    if (peek(c) == (unsigned char)ch) {
        c->pos++;
        return true;
    }
    return false;
}

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* Exactly n digits. */
static bool digits(struct cursor *c, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        int ch = peek(c);
        if (!is_digit(ch))
            return false;
        v = v * 10 + (unsigned)(ch - '0');
        c->pos++;
    }
    *out = v;
    return true;
}

static void skip_spaces(struct cursor *c)
{
    while (peek(c) == ' ' || peek(c) == '\t')
        c->pos++;
}

static int to_instant(int64_t year, unsigned month, unsigned day, unsigned hour,
                      unsigned minute, unsigned second, int32_t nanos, int64_t offset_min,
                      struct acg_timestamp *out)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
        return ACG_ERR_INVALID_ARG;
    int64_t v = days_from_civil(year, month, day) * SECONDS_PER_DAY + (int64_t)hour * 3600 +
                (int64_t)minute * 60 + (int64_t)second - offset_min * 60;
    if (v < ACG_TIME_MIN_SECONDS || v > ACG_TIME_MAX_SECONDS)
        return ACG_ERR_INVALID_ARG;
    out->seconds = v;
    out->nanos = nanos;
    return ACG_OK;
}

/* "Z", "+05:30", "+0530", "+05", "-08:00", "UTC", "GMT"; nothing means UTC. */
static bool parse_offset(struct cursor *c, int64_t *offset_min)
{
    *offset_min = 0;
    if (at_end(c))
        return true;
    if (accept(c, 'Z') || accept(c, 'z'))
        return true;
    if (c->len - c->pos == 3 && (memcmp(c->s + c->pos, "UTC", 3) == 0 ||
                                 memcmp(c->s + c->pos, "GMT", 3) == 0)) {
        c->pos += 3;
        return true;
    }
    int sign = peek(c);
    if (sign != '+' && sign != '-')
        return false;
    c->pos++;
    unsigned hh = 0, mm = 0;
    if (!digits(c, 2, &hh))
        return false;
    if (accept(c, ':') || is_digit(peek(c))) {
        if (!digits(c, 2, &mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *offset_min = (int64_t)(hh * 60 + mm) * (sign == '-' ? -1 : 1);
    return true;
}

/* Fraction of a second: any number of digits, kept to the nanosecond. */
static bool parse_fraction(struct cursor *c, int32_t *nanos)
{
    int32_t v = 0;
    int n = 0;
    while (is_digit(peek(c))) {
        if (n < 9)
            v = v * 10 + (peek(c) - '0');
        n++;
        c->pos++;
    }
    if (n == 0)
        return false;
    for (; n < 9; n++)
        v *= 10;
    *nanos = v;
    return true;
}

/* ISO 8601 as AWS services and users write it: extended ("2023-11-14T22:13:20.123+01:00")
 * or basic ("20231114T221320Z") form, 'T', 't' or a space between date and time, seconds
 * and fraction optional, a date alone meaning midnight UTC. */
static int parse_iso8601(const char *s, size_t len, struct acg_timestamp *out)
{
    struct cursor c = {s, len, 0};
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    int32_t nanos = 0;
    int64_t off = 0;
    bool extended;

    if (!digits(&c, 4, &y))
        return ACG_ERR_INVALID_ARG;
    extended = accept(&c, '-');
    if (!digits(&c, 2, &mo))
        return ACG_ERR_INVALID_ARG;
    if (extended && !accept(&c, '-'))
        return ACG_ERR_INVALID_ARG;
    if (!digits(&c, 2, &d))
        return ACG_ERR_INVALID_ARG;
    if (!at_end(&c)) {
        if (!(accept(&c, 'T') || accept(&c, 't') || accept(&c, ' ')))
            return ACG_ERR_INVALID_ARG;
        if (!digits(&c, 2, &h))
            return ACG_ERR_INVALID_ARG;
        if (extended && !accept(&c, ':'))
            return ACG_ERR_INVALID_ARG;
        if (!digits(&c, 2, &mi))
            return ACG_ERR_INVALID_ARG;
        if (extended ? accept(&c, ':') : is_digit(peek(&c))) {
            if (!digits(&c, 2, &sec))
                return ACG_ERR_INVALID_ARG;
            if (accept(&c, '.') || accept(&c, ',')) {
                if (!parse_fraction(&c, &nanos))
                    return ACG_ERR_INVALID_ARG;
            }
        }
        if (!parse_offset(&c, &off))
            return ACG_ERR_INVALID_ARG;
    }
    if (!at_end(&c))
        return ACG_ERR_INVALID_ARG;
    return to_instant(y, mo, d, h, mi, sec, nanos, off, out);
}

/* RFC 7231 IMF-fixdate, "Tue, 14 Nov 2023 22:13:20 GMT", with the weekday optional and a
 * numeric offset allowed in place of GMT (RFC 2822). The weekday is not cross-checked. */
static int parse_http_date(const char *s, size_t len, struct acg_timestamp *out)
{
    struct cursor c = {s, len, 0};
    unsigned d = 0, y = 0, h = 0, mi = 0, sec = 0, mo = 0;
    int64_t off = 0;

    if (len >= 4 && !is_digit((unsigned char)s[0])) {
        bool found = false;
        for (int i = 0; i < 7; i++) {
            if (memcmp(s, weekdays[i], 3) == 0)
                found = true;
        }
        if (!found || s[3] != ',')
            return ACG_ERR_INVALID_ARG;
        c.pos = 4;
        skip_spaces(&c);
    }
    if (!digits(&c, is_digit(c.pos + 1 < c.len ? (unsigned char)s[c.pos + 1] : -1) ? 2 : 1, &d))
        return ACG_ERR_INVALID_ARG;
    if (!accept(&c, ' '))
        return ACG_ERR_INVALID_ARG;
    if (c.len - c.pos < 3)
        return ACG_ERR_INVALID_ARG;
    for (unsigned i = 0; i < 12; i++) {
        if (memcmp(c.s + c.pos, months[i], 3) == 0)
            mo = i + 1;
    }
    if (mo == 0)
        return ACG_ERR_INVALID_ARG;
    c.pos += 3;
    if (!accept(&c, ' ') || !digits(&c, 4, &y) || !accept(&c, ' '))
        return ACG_ERR_INVALID_ARG;
    if (!digits(&c, 2, &h) || !accept(&c, ':') || !digits(&c, 2, &mi) || !accept(&c, ':') ||
        !digits(&c, 2, &sec))
        return ACG_ERR_INVALID_ARG;
    skip_spaces(&c);
    if (at_end(&c) || !parse_offset(&c, &off) || !at_end(&c))
        return ACG_ERR_INVALID_ARG;
    return to_instant(y, mo, d, h, mi, sec, 0, off, out);
}

/* Epoch seconds as text, as Python's float() reads it (botocore tries that first):
 * optional sign, digits with an optional fraction, optional exponent. The value is taken
 * exactly from the digits (no double in between); digits past the nanosecond are cut off.
 * Returns 1 parsed, 0 not a number, or an error status for a number out of range. */
static int parse_epoch(const char *s, size_t len, struct acg_timestamp *out)
{
    char digits_buf[64];
    size_t nd = 0, int_digits = 0, i = 0;
    bool negative = false, seen = false;
    long exp = 0;
    if (s[i] == '+' || s[i] == '-')
        negative = s[i++] == '-';
    for (bool frac = false; i < len; i++) {
        if (s[i] == '.' && !frac) {
            frac = true;
            continue;
        }
        if (!is_digit((unsigned char)s[i]))
            break;
        seen = true;
        if (nd == 0 && s[i] == '0') {   /* leading zeros carry no digit */
            if (frac)
                exp--;
            continue;
        }
        if (nd < sizeof digits_buf)
            digits_buf[nd++] = s[i];
        else if (!frac)
            exp++;                      /* a digit too many to keep: only its place counts */
        if (!frac)
            int_digits++;
    }
    if (!seen)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        char *end = NULL;
        char tail[32];
        size_t n = len - i - 1;
        if (n == 0 || n >= sizeof tail)
            return n == 0 ? 0 : ACG_ERR_INVALID_ARG;
        memcpy(tail, s + i + 1, n);
        tail[n] = '\0';
        long e = strtol(tail, &end, 10);
        if (*end != '\0' || tail[0] == ' ')
            return 0;
        if (e > 64 || e < -64)
            return nd == 0 || e < 0 ? (out->seconds = 0, out->nanos = 0, 1) : ACG_ERR_INVALID_ARG;
        exp += e;
        i = len;
    }
    if (i != len)
        return 0;
    /* The value is 0.D x 10^point, D the kept digits. */
    long point = (long)int_digits + exp;
    if (nd == 0)
        point = 0;
    if (point > 12)
        return ACG_ERR_INVALID_ARG;
    int64_t sec = 0, nanos = 0;
    for (long k = 0; k < point; k++)
        sec = sec * 10 + (k < (long)nd ? digits_buf[k] - '0' : 0);
    for (long k = point; k < point + 9; k++)
        nanos = nanos * 10 + (k >= 0 && k < (long)nd ? digits_buf[k] - '0' : 0);
    if (negative && (sec != 0 || nanos != 0)) {
        sec = -sec;
        if (nanos != 0) {
            sec -= 1;
            nanos = 1000000000 - nanos;
        }
    }
    if (sec < ACG_TIME_MIN_SECONDS || sec > ACG_TIME_MAX_SECONDS)
        return ACG_ERR_INVALID_ARG;
    out->seconds = sec;
    out->nanos = (int32_t)nanos;
    return 1;
}

int acg_time_parse(const char *s, size_t len, struct acg_timestamp *t)
{
    if (s == NULL || t == NULL)
        return ACG_ERR_INVALID_ARG;
    /* Python's float() and dateutil both ignore surrounding whitespace. */
    while (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                       s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return ACG_ERR_INVALID_ARG;
    struct acg_timestamp v = { 0, 0, t->wire };
    int rc = parse_epoch(s, len, &v);
    if (rc == 0 && len >= 8 && is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) &&
        is_digit((unsigned char)s[2]) && is_digit((unsigned char)s[3]))
        rc = parse_iso8601(s, len, &v) == ACG_OK ? 1 : ACG_ERR_INVALID_ARG;
    else if (rc == 0)
        rc = parse_http_date(s, len, &v) == ACG_OK ? 1 : ACG_ERR_INVALID_ARG;
    if (rc != 1)
        return ACG_ERR_INVALID_ARG;
    *t = v;
    return ACG_OK;
}
