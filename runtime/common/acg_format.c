/* Python's float repr: find the shortest digits with printf's %e (raising the precision
 * until the text reads back as the same value), then lay them out as CPython's 'r' format
 * does: fixed notation while the decimal exponent is from -4 to 15, scientific otherwise. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_text_private.h"
#include "common/acg_format.h"

/* The significant digits of v without the point, trailing zeros dropped; *exp10 is the
 * decimal exponent of the first digit (v = d1.d2d3... x 10^exp10). Returns their count. */
static size_t shortest_digits(double v, bool single, char digits[24], int *exp10)
{
    char buf[40];
    for (int prec = 0; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec, v);
        char *comma = strchr(buf, ',');
        if (comma != NULL)
            *comma = '.';   /* a locale with a decimal comma */
        double back = acg_strtod_c(buf, NULL);
        if (single ? (float)back == (float)v : back == v)
            break;
    }
    const char *p = buf[0] == '-' ? buf + 1 : buf;
    size_t n = 0;
    for (; *p != 'e' && *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9' && n < 23)
            digits[n++] = *p;
    }
    *exp10 = *p == 'e' ? (int)strtol(p + 1, NULL, 10) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    return n;
}

static size_t layout(double v, bool single, char out[ACG_NUMBER_TEXT_MAX])
{
    char digits[24];
    int exp10;
    size_t o = 0;
    if (isnan(v))
        return (size_t)snprintf(out, ACG_NUMBER_TEXT_MAX, "nan");
    if (isinf(v))
        return (size_t)snprintf(out, ACG_NUMBER_TEXT_MAX, v < 0 ? "-inf" : "inf");
    size_t n = shortest_digits(v, single, digits, &exp10);
    if (signbit(v))
        out[o++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[o++] = digits[0];
        if (n > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, n - 1);
            o += n - 1;
        }
        o += (size_t)snprintf(out + o, ACG_NUMBER_TEXT_MAX - o, "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);
        return o;
    }
    if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = -1; i > exp10; i--)
            out[o++] = '0';
        memcpy(out + o, digits, n);
        o += n;
    } else if ((size_t)exp10 + 1 >= n) {
        memcpy(out + o, digits, n);
        o += n;
        for (size_t i = n; i < (size_t)exp10 + 1; i++)
            out[o++] = '0';
        out[o++] = '.';
        out[o++] = '0';
    } else {
        memcpy(out + o, digits, (size_t)exp10 + 1);
        o += (size_t)exp10 + 1;
        out[o++] = '.';
        memcpy(out + o, digits + exp10 + 1, n - (size_t)exp10 - 1);
        o += n - (size_t)exp10 - 1;
    }
    out[o] = '\0';
    return o;
}

size_t acg_format_double(double v, char out[ACG_NUMBER_TEXT_MAX])
{
    return layout(v, false, out);
}

size_t acg_format_float(float v, char out[ACG_NUMBER_TEXT_MAX])
{
    return layout(v, true, out);
}

size_t acg_format_int64(int64_t v, char out[ACG_NUMBER_TEXT_MAX])
{
    int n = snprintf(out, ACG_NUMBER_TEXT_MAX, "%lld", (long long)v);
    return n > 0 ? (size_t)n : 0;
}
