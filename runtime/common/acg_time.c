/* Calendar arithmetic, timestamp formatting and parsing.
 *
 * No gmtime/timegm/localtime: they depend on the C library's time_t range and, for the
 * local variants, on process-wide state. Howard Hinnant's days-from-civil algorithms
 * (http://howardhinnant.github.io/date_algorithms.html) are exact for the proleptic
 * Gregorian calendar, need no tables and are trivially thread-safe. Timestamps are int64
 * milliseconds since the epoch; everything accepted or written lies in years 0001-9999,
 * the range of Python's datetime that botocore uses. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_time.h"
#include "acg_text_private.h"

#define MS_PER_DAY INT64_C(86400000)

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

/* Splits epoch_ms into calendar fields. Floor division keeps times before 1970 right:
 * -1 ms is 1969-12-31T23:59:59.999. */
struct civil {
    int64_t year;
    unsigned month, day, hour, minute, second, ms, weekday; /* weekday 0 = Sunday */
};

static void split(int64_t epoch_ms, struct civil *c)
{
    int64_t days = epoch_ms / MS_PER_DAY;
    int64_t rem = epoch_ms % MS_PER_DAY;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, &c->year, &c->month, &c->day);
    c->ms = (unsigned)(rem % 1000);
    rem /= 1000;
    c->second = (unsigned)(rem % 60);
    c->minute = (unsigned)(rem / 60 % 60);
    c->hour = (unsigned)(rem / 3600);
    /* 1970-01-01 was a Thursday (4). */
    int64_t wd = (days % 7 + 7 + 4) % 7;
    c->weekday = (unsigned)wd;
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

static char *put_ms(char *p, unsigned ms)
{
    *p++ = '.';
    *p++ = (char)('0' + ms / 100);
    return put2(p, ms % 100);
}

void acg_time_format_iso8601(int64_t epoch_ms, char out[32])
{
    struct civil c;
    split(epoch_ms, &c);
    char *p = put_date_time(out, &c);
    if (c.ms != 0)
        p = put_ms(p, c.ms);
    *p++ = 'Z';
    *p = '\0';
}

void acg_time_format_iso8601_ms(int64_t epoch_ms, char out[32])
{
    struct civil c;
    split(epoch_ms, &c);
    char *p = put_ms(put_date_time(out, &c), c.ms);
    *p++ = 'Z';
    *p = '\0';
}

void acg_time_format_display(int64_t epoch_ms, char out[40])
{
    struct civil c;
    split(epoch_ms, &c);
    char *p = put_date_time(out, &c);
    if (c.ms != 0) {
        p = put_ms(p, c.ms);
        memcpy(p, "000", 3);
        p += 3;
    }
    memcpy(p, "+00:00", 7);
}

static const char weekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void acg_time_format_http_date(int64_t epoch_ms, char out[40])
{
    struct civil c;
    split(epoch_ms, &c);
    snprintf(out, 40, "%s, %02u %s %04lld %02u:%02u:%02u GMT", weekdays[c.weekday], c.day,
             months[c.month - 1], (long long)c.year % 1000000000, c.hour, c.minute, c.second);
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
 * 1700000000.123 is 1700000000.12299990654 as a double; rounding to the microsecond first
 * gives .123000 as botocore does, where truncating to milliseconds would give .122. */
int acg_time_from_epoch_seconds(double seconds, int64_t *epoch_ms)
{
    if (!isfinite(seconds))
        return ACG_ERR_INVALID_ARG;
    /* Reject early so the int64 conversions below cannot overflow. */
    if (seconds < -62135596801.0 || seconds > 253402300800.0)
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
    int64_t ms = (int64_t)intpart * 1000 + (int64_t)us / 1000;
    if (ms < ACG_TIME_MIN_MS || ms > ACG_TIME_MAX_MS)
        return ACG_ERR_INVALID_ARG;
    *epoch_ms = ms;
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

static int to_epoch_ms(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                       unsigned second, unsigned ms, int64_t offset_min, int64_t *out)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
        return ACG_ERR_INVALID_ARG;
    int64_t days = days_from_civil(year, month, day);
    int64_t v = days * MS_PER_DAY + (int64_t)hour * 3600000 + (int64_t)minute * 60000 +
                (int64_t)second * 1000 + ms - offset_min * 60000;
    if (v < ACG_TIME_MIN_MS || v > ACG_TIME_MAX_MS)
        return ACG_ERR_INVALID_ARG;
    *out = v;
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
    if (accept(c, ':')) {
        if (!digits(c, 2, &mm))
            return false;
    } else if (is_digit(peek(c))) {
        if (!digits(c, 2, &mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *offset_min = (int64_t)(hh * 60 + mm) * (sign == '-' ? -1 : 1);
    return true;
}

/* Fraction of a second: any number of digits, kept to the millisecond by truncation, as
 * dateutil keeps six digits and whole milliseconds are what remains of those. */
static bool parse_fraction(struct cursor *c, unsigned *ms)
{
    unsigned v = 0;
    int n = 0;
    while (is_digit(peek(c))) {
        if (n < 3)
            v = v * 10 + (unsigned)(peek(c) - '0');
        n++;
        c->pos++;
    }
    if (n == 0)
        return false;
    for (; n < 3; n++)
        v *= 10;
    *ms = v;
    return true;
}

/* ISO 8601 as AWS services and users write it: extended ("2023-11-14T22:13:20.123+01:00")
 * or basic ("20231114T221320Z") form, 'T', 't' or a space between date and time, seconds
 * and fraction optional, a date alone meaning midnight UTC. */
static int parse_iso8601(const char *s, size_t len, int64_t *out)
{
    struct cursor c = {s, len, 0};
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
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
                if (!parse_fraction(&c, &ms))
                    return ACG_ERR_INVALID_ARG;
            }
        }
        if (!parse_offset(&c, &off))
            return ACG_ERR_INVALID_ARG;
    }
    if (!at_end(&c))
        return ACG_ERR_INVALID_ARG;
    return to_epoch_ms(y, mo, d, h, mi, sec, ms, off, out);
}

/* RFC 7231 IMF-fixdate, "Tue, 14 Nov 2023 22:13:20 GMT", with the weekday optional and a
 * numeric offset allowed in place of GMT (RFC 2822). The weekday is not cross-checked. */
static int parse_http_date(const char *s, size_t len, int64_t *out)
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
    return to_epoch_ms(y, mo, d, h, mi, sec, 0, off, out);
}

/* Epoch seconds as text, as Python's float() reads it (botocore tries that first):
 * optional sign, digits with an optional fraction, optional exponent. */
static bool is_number_text(const char *s, size_t len)
{
    size_t i = 0, int_digits = 0, frac_digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit((unsigned char)s[i])) {
        i++;
        int_digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit((unsigned char)s[i])) {
            i++;
            frac_digits++;
        }
    }
    if (int_digits + frac_digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < len && is_digit((unsigned char)s[i])) {
            i++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return false;
    }
    return i == len;
}

int acg_time_parse(const char *s, size_t len, int64_t *epoch_ms)
{
    if (s == NULL || epoch_ms == NULL)
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
    if (is_number_text(s, len)) {
        /* strtod wants a terminated copy; long digit strings are legal, if odd. */
        char small[64];
        char *buf = len < sizeof small ? small : malloc(len + 1);
        if (buf == NULL)
            return ACG_ERR_NOMEM;
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end = NULL;
        double v = acg_strtod_c(buf, &end);
        bool complete = end == buf + len;
        if (buf != small)
            free(buf);
        if (!complete)
            return ACG_ERR_INVALID_ARG;
        return acg_time_from_epoch_seconds(v, epoch_ms);
    }
    if (len >= 8 && is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) &&
        is_digit((unsigned char)s[2]) && is_digit((unsigned char)s[3]))
        return parse_iso8601(s, len, epoch_ms);
    return parse_http_date(s, len, epoch_ms);
}
