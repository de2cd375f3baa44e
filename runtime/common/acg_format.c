/* Python's float repr: the shortest digits that read back as the value (printf's correctly
 * rounded %e at increasing precision, with a look at the neighbours where the rounding
 * interval is lopsided), laid out as CPython's 'r' format does: fixed notation while the
 * decimal exponent is from -4 to 15, scientific otherwise. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_format.h"

static bool reads_back(const char *digits, int nd, int exp10, double v, bool is_float)
{
    char text[48];
    snprintf(text, sizeof text, "%.*se%d", nd, digits, exp10 - (nd - 1));
    if (is_float)
        return strtof(text, NULL) == (float)v; /* no '.', so any locale reads it */
    return strtod(text, NULL) == v;
}

/* The p-digit decimals next to digits (one unit in the last place up or down). Going down
 * from 10...0 crosses into the decade below, where the neighbour is 99...9. */
static void step(char *d, int nd, int *exp10, int dir)
{
    int i = nd - 1;
    if (dir > 0) {
        while (i >= 0 && d[i] == '9')
            d[i--] = '0';
        if (i >= 0) {
            d[i]++;
        } else {
            d[0] = '1';
            (*exp10)++;
        }
        return;
    }
    while (i >= 0 && d[i] == '0')
        d[i--] = '9';
    d[i]--;
    if (d[0] == '0') {
        memset(d, '9', (size_t)nd);
        (*exp10)--;
    }
}

/* printf rounds correctly to p digits, so the first p whose nearest p-digit decimal reads
 * back is the shortest length; when that decimal falls just outside the rounding interval
 * (which is lopsided at powers of two) the neighbour on the other side may still be in it,
 * and is then the shortest and nearest, as Python's repr picks. */
static int shortest_digits(double v, bool is_float, char digits[24], int *decpt)
{
    int maxp = is_float ? 9 : 17;
    for (int p = 1; p <= maxp; p++) {
        char buf[64], d[24];
        int nd = 0;
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        const char *s = buf;
        for (; *s != '\0' && *s != 'e'; s++) {
            if (*s >= '0' && *s <= '9')
                d[nd++] = *s;
        }
        int exp10 = (int)strtol(s + 1, NULL, 10);
        d[nd] = '\0';
        bool ok = reads_back(d, nd, exp10, v, is_float);
        for (int dir = -1; !ok && dir <= 1; dir += 2) {
            char n[24];
            int e = exp10;
            memcpy(n, d, (size_t)nd + 1);
            step(n, nd, &e, dir);
            if (reads_back(n, nd, e, v, is_float)) {
                memcpy(d, n, (size_t)nd + 1);
                exp10 = e;
                ok = true;
            }
        }
        if (ok || p == maxp) {
            while (nd > 1 && d[nd - 1] == '0')
                nd--;
            memcpy(digits, d, (size_t)nd);
            digits[nd] = '\0';
            *decpt = exp10 + 1;
            return nd;
        }
    }
    return 0;
}

/* float.__repr__'s layout (Python's format_float_short with 'r'). */
static size_t layout(double v, bool is_float, char out[ACG_NUMBER_TEXT_MAX])
{
    char *o = out;
    if (isnan(v))
        return (size_t)snprintf(out, 32, "nan");
    if (signbit(v))
        *o++ = '-';
    if (isinf(v))
        return (size_t)(o - out) + (size_t)snprintf(o, 8, "inf");
    if (v == 0)
        return (size_t)(o - out) + (size_t)snprintf(o, 8, "0.0");
    char d[24];
    int decpt = 0;
    int nd = shortest_digits(fabs(v), is_float, d, &decpt);
    if (decpt <= -4 || decpt > 16) {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        int e = decpt - 1;
        o += snprintf(o, 8, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (decpt <= 0) {
        *o++ = '0';
        *o++ = '.';
        memset(o, '0', (size_t)-decpt);
        o += -decpt;
        memcpy(o, d, (size_t)nd);
        o += nd;
    } else if (decpt >= nd) {
        memcpy(o, d, (size_t)nd);
        o += nd;
        memset(o, '0', (size_t)(decpt - nd));
        o += decpt - nd;
        memcpy(o, ".0", 2);
        o += 2;
    } else {
        memcpy(o, d, (size_t)decpt);
        o += decpt;
        *o++ = '.';
        memcpy(o, d + decpt, (size_t)(nd - decpt));
        o += nd - decpt;
    }
    *o = '\0';
    return (size_t)(o - out);
}

size_t acg_format_double(double v, char out[ACG_NUMBER_TEXT_MAX])
{
    return layout(v, false, out);
}

size_t acg_format_float(float v, char out[ACG_NUMBER_TEXT_MAX])
{
    return layout((double)v, true, out);
}

size_t acg_format_int64(int64_t v, char out[ACG_NUMBER_TEXT_MAX])
{
    int n = snprintf(out, ACG_NUMBER_TEXT_MAX, "%lld", (long long)v);
    return n > 0 ? (size_t)n : 0;
}

