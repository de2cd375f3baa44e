/* Scalar text both ways as botocore handles it in XML and query strings: Python's int()
 * and float() reading text, Python's str(float) writing it, and lenient base64. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_base64.h"
#include "xml/acg_xml.h"
#include "acg_text_private.h"
#include "acg_xml_private.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **text, size_t *len)
{
    while (*len > 0 && is_space(**text)) {
        (*text)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*text)[*len - 1]))
        (*len)--;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Copies the digits of text into out without the '_' Python allows between two digits;
 * false when an '_' stands anywhere else or out is too small. */
static bool drop_underscores(const char *text, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '_') {
            if (i == 0 || i + 1 == len || !is_digit(text[i - 1]) || !is_digit(text[i + 1]))
                return false;
            continue;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = text[i];
    }
    out[o] = '\0';
    return true;
}

int acg_xml_parse_int(const char *text, size_t len, int64_t min, int64_t max, int64_t *out)
{
    char buf[64];
    trim(&text, &len);
    if (!drop_underscores(text, len, buf, sizeof buf))
        return ACG_ERR_INVALID_ARG;
    const char *p = buf;
    bool negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (*p == '\0')
        return ACG_ERR_INVALID_ARG;
    /* Accumulate as a negative number: its range holds INT64_MIN. */
    int64_t v = 0;
    bool overflow = false;
    for (; *p != '\0'; p++) {
        if (!is_digit(*p))
            return ACG_ERR_INVALID_ARG;
        int digit = *p - '0';
        if (v < (INT64_MIN + digit) / 10)
            overflow = true;
        else
            v = v * 10 - digit;
    }
    if (!negative) {
        if (v == INT64_MIN)
            overflow = true;
        v = -v;
    }
    if (overflow || v < min || v > max)
        return ACG_ERR_TOO_LARGE;
    *out = v;
    return ACG_OK;
}

/* nan, inf and infinity in any case, after an optional sign. */
static bool special_float(const char *p, double *out)
{
    double sign = 1.0;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1.0 : 1.0;
    char word[9];
    size_t n = strlen(p);
    if (n >= sizeof word)
        return false;
    for (size_t i = 0; i <= n; i++)
        word[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    if (strcmp(word, "nan") == 0)
        *out = sign * NAN;
    else if (strcmp(word, "inf") == 0 || strcmp(word, "infinity") == 0)
        *out = sign * INFINITY;
    else
        return false;
    return true;
}

int acg_xml_parse_double(const char *text, size_t len, double *out)
{
    char buf[400];
    trim(&text, &len);
    if (!drop_underscores(text, len, buf, sizeof buf) || buf[0] == '\0')
        return ACG_ERR_INVALID_ARG;
    if (special_float(buf, out))
        return ACG_OK;
    /* strtod also reads hexadecimal, "nan(...)" and more; float() reads only decimal. */
    if (strspn(buf, "0123456789+-.eE") != strlen(buf))
        return ACG_ERR_INVALID_ARG;
    char *end;
    double v = acg_strtod_c(buf, &end);
    if (*end != '\0' || end == buf)
        return ACG_ERR_INVALID_ARG;
    *out = v;
    return ACG_OK;
}

static bool in_alphabet(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' ||
           c == '/' || c == '=';
}

int acg_xml_parse_base64(const char *text, size_t len, uint8_t *out, size_t *out_len)
{
    char quad[4];
    size_t q = 0, o = 0;
    bool padded = false;
    for (size_t i = 0; i < len; i++) {
        if (!in_alphabet(text[i]))
            continue;
        if (padded)
            return ACG_ERR_INVALID_ARG;   /* data after the padding */
        quad[q++] = text[i];
        if (q < 4)
            continue;
        size_t n, bad;
        if (acg_base64_decode_to(quad, 4, out + o, &n, &bad) != ACG_OK)
            return ACG_ERR_INVALID_ARG;
        o += n;
        padded = quad[3] == '=';
        q = 0;
    }
    if (q != 0)
        return ACG_ERR_INVALID_ARG;
    *out_len = o;
    return ACG_OK;
}

/* The shortest significant digits (at most 17) that read back as v, as %.*e writes them
 * ("1.5e+02"), and their count. */
static int shortest(double v, bool single, char *buf, size_t size)
{
    int prec = 0;
    for (; prec < 17; prec++) {
        snprintf(buf, size, "%.*e", prec, v);
        for (char *p = buf; *p != '\0'; p++) {
            if (*p == ',')
                *p = '.';   /* whatever the locale's decimal point */
        }
        double back = acg_strtod_c(buf, NULL);
        if (single ? (float)back == (float)v : back == v)
            break;
    }
    return prec + 1;
}

size_t acg_xml_format_double(double v, bool single, char out[ACG_XML_NUMBER_MAX])
{
    if (isnan(v))
        return (size_t)snprintf(out, ACG_XML_NUMBER_MAX, "NaN");
    if (isinf(v))
        return (size_t)snprintf(out, ACG_XML_NUMBER_MAX, v > 0 ? "Infinity" : "-Infinity");
    char sci[40], digits[20];
    int count = shortest(v, single, sci, sizeof sci);
    /* sci is "[-]d.ddde[+-]xx": gather the digits and the exponent. */
    const char *p = sci;
    bool negative = *p == '-';
    if (negative)
        p++;
    int n = 0;
    for (; *p != 'e'; p++) {
        if (is_digit(*p) && n < count)
            digits[n++] = *p;
    }
    digits[n] = '\0';
    int exp = (int)strtol(p + 1, NULL, 10);
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    /* Python's repr: fixed notation for 1e-4 <= |v| < 1e16, scientific outside. Every
     * piece below fits: at most 17 digits, 15 zeros, a sign, a point and an exponent. */
    char *o = out;
    if (negative)
        *o++ = '-';
    if (exp < -4 || exp >= 16) {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)n - 1);
            o += n - 1;
        }
        snprintf(o, ACG_XML_NUMBER_MAX - (size_t)(o - out), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        return strlen(out);
    }
    if (exp < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exp - 1; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)n);
        o += n;
    } else {
        for (int i = 0; i <= exp; i++)
            *o++ = i < n ? digits[i] : '0';
        *o++ = '.';
        if (n <= exp + 1) {
            *o++ = '0';
        } else {
            memcpy(o, digits + exp + 1, (size_t)(n - exp - 1));
            o += n - exp - 1;
        }
    }
    *o = '\0';
    return strlen(out);
}
