/* Base64 with the standard alphabet and padding (RFC 4648 section 4), as AWS JSON
 * protocols carry blobs.
 *
 * Decoding is strict: only the 64 alphabet characters, a length that is a multiple of 4, and
 * at most two '=' at the very end. Python's base64.b64decode (what botocore calls) rejects
 * bad padding as well; it silently drops stray characters, which we refuse rather than
 * guess. Non-zero bits left over in the last character are ignored, as Python does. */
#include <stddef.h>
#include <stdint.h>

#include "common/acg_base64.h"
#include "acg_text_private.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for alphabet characters, 64 for '=', 255 for everything else. */
static const uint8_t decode_table[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 62,  255, 255, 255, 63,
    52,  53,  54,  55,  56,  57,  58,  59,  60,  61,  255, 255, 255, 64,  255, 255,
    255, 0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,
    15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  255, 255, 255, 255, 255,
    255, 26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
    41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

int acg_base64_encode(const uint8_t *data, size_t len, struct acg_buf *out)
{
    if (data == NULL && len > 0)
        return ACG_ERR_INVALID_ARG;
    if (len > (SIZE_MAX / 2) / 4 * 3)
        return ACG_ERR_TOO_LARGE;
    size_t n = (len + 2) / 3 * 4;
    ACG_TRY(acg_buf_reserve(out, n));
    char *o = out->data + out->len;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = '=';
    }
    out->len += n;
    out->data[out->len] = '\0';
    return ACG_OK;
}

size_t acg_base64_decoded_max(size_t len)
{
    return len / 4 * 3 + 3;
}

int acg_base64_decode_to(const char *s, size_t len, uint8_t *out, size_t *out_len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    *out_len = 0;
    if (len % 4 != 0) {
        /* Point at the first character of the incomplete group. */
        *bad = len - len % 4;
        for (size_t i = 0; i < len; i++) {
            if (decode_table[p[i]] == 255) {
                *bad = i;
                break;
            }
        }
        return ACG_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < len; i += 4) {
        uint8_t a = decode_table[p[i]], b = decode_table[p[i + 1]];
        uint8_t c = decode_table[p[i + 2]], d = decode_table[p[i + 3]];
        bool last = i + 4 == len;
        if (a > 63) {
            *bad = i;
            return ACG_ERR_INVALID_ARG;
        }
        if (b > 63) {
            *bad = i + 1;
            return ACG_ERR_INVALID_ARG;
        }
        /* '=' may only close the final group: "xx==" or "xxx=". */
        if (c > 63 && !(c == 64 && d == 64 && last)) {
            *bad = i + 2;
            return ACG_ERR_INVALID_ARG;
        }
        if (d > 63 && !(d == 64 && last)) {
            *bad = i + 3;
            return ACG_ERR_INVALID_ARG;
        }
        out[o++] = (uint8_t)(a << 2 | b >> 4);
        if (c == 64)
            break;
        out[o++] = (uint8_t)((b & 15) << 4 | c >> 2);
        if (d == 64)
            break;
        out[o++] = (uint8_t)((c & 3) << 6 | d);
    }
    *out_len = o;
    return ACG_OK;
}

int acg_base64_decode(const char *s, size_t len, struct acg_buf *out)
{
    if (s == NULL && len > 0)
        return ACG_ERR_INVALID_ARG;
    size_t max = acg_base64_decoded_max(len);
    ACG_TRY(acg_buf_reserve(out, max));
    size_t n = 0, bad = 0;
    int rc = acg_base64_decode_to(s, len, (uint8_t *)out->data + out->len, &n, &bad);
    if (rc != ACG_OK) {
        out->data[out->len] = '\0';
        return rc;
    }
    out->len += n;
    out->data[out->len] = '\0';
    return ACG_OK;
}
