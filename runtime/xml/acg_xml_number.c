/* Scalar text as botocore handles it in XML and query strings: Python's int() and float()
 * reading text, str(float) writing it (common/acg_format.h, with botocore's names for NaN
 * and the infinities), and lenient base64. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_base64.h"
#include "common/acg_format.h"
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

/* Whether p is word (lower case) in any case. */
static bool same_word(const char *p, const char *word)
{
    for (; *word != '\0'; p++, word++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if (c != *word)
            return false;
    }
    return *p == '\0';
}

/* nan, inf and infinity in any case, after an optional sign. */
static bool special_float(const char *p, double *out)
{
    double sign = 1.0;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1.0 : 1.0;
    if (same_word(p, "nan"))
        *out = sign * NAN;
    else if (same_word(p, "inf") || same_word(p, "infinity"))
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

size_t acg_xml_format_double(double v, bool single, char out[ACG_XML_NUMBER_MAX])
{
    /* botocore's _handle_float names these; Python's str() would write nan and inf. */
    if (isnan(v))
        return (size_t)snprintf(out, ACG_XML_NUMBER_MAX, "NaN");
    if (isinf(v))
        return (size_t)snprintf(out, ACG_XML_NUMBER_MAX, v > 0 ? "Infinity" : "-Infinity");
    return single ? acg_format_float((float)v, out) : acg_format_double(v, out);
}
