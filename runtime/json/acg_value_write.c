/* JSON text from value trees, byte for byte as Python's json.dumps writes it (floats by
 * common/acg_format.h, Python's repr). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_text_private.h"
#include "common/acg_format.h"
#include "json/acg_value.h"
#include "json/acg_value_private.h"

/* ---- JSON ---- */

struct writer {
    struct acg_buf *out;
    unsigned flags;
    struct acg_error *err;
};

static int put(struct writer *w, const char *s, size_t n)
{
    int rc = acg_buf_append(w->out, s, n);
    if (rc != ACG_OK)
        return acg_error_set(w->err, rc, "JSON output: %s", acg_status_name((enum acg_status)rc));
    return ACG_OK;
}

/* Decodes the UTF-8 sequence of n bytes at s (already checked). */
static uint32_t decode_utf8(const unsigned char *s, size_t n)
{
    uint32_t cp = n == 2 ? s[0] & 0x1Fu : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    return cp;
}

static int put_u(struct writer *w, uint32_t unit)
{
    char buf[16];
    snprintf(buf, sizeof buf, "\\u%04x", unit & 0xFFFFu);
    return put(w, buf, 6);
}

/* json.dumps's string encoders: py_encode_basestring (ensure_ascii=False) escapes '"',
 * '\\' and control characters; py_encode_basestring_ascii also everything outside ' '..'~'
 * (so DEL too), astral characters as surrogate pairs. */
static int put_string(struct writer *w, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    bool ascii = (w->flags & ACG_JSON_PY_ASCII) != 0;
    ACG_TRY(put(w, "\"", 1));
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && s[run] >= 0x20 && s[run] != '"' && s[run] != '\\' &&
               (s[run] < 0x7F || (!ascii && s[run] == 0x7F)))
            run++;
        ACG_TRY(put(w, str + i, run - i));
        i = run;
        if (i == len)
            break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t n = acg_utf8_sequence_len(str + i, len - i);
            if (n == 0)
                return acg_error_set(w->err, ACG_ERR_INVALID_ARG,
                                     "JSON output: invalid UTF-8 in a string");
            if (!ascii) {
                ACG_TRY(put(w, str + i, n));
            } else {
                uint32_t cp = decode_utf8(s + i, n);
                if (cp >= 0x10000) {
                    ACG_TRY(put_u(w, 0xD800 + ((cp - 0x10000) >> 10)));
                    ACG_TRY(put_u(w, 0xDC00 + ((cp - 0x10000) & 0x3FF)));
                } else {
                    ACG_TRY(put_u(w, cp));
                }
            }
            i += n;
            continue;
        }
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default: break;
        }
        if (esc != NULL)
            ACG_TRY(put(w, esc, 2));
        else
            ACG_TRY(put_u(w, c));
        i++;
    }
    return put(w, "\"", 1);
}

static int newline(struct writer *w, unsigned level)
{
    static const char spaces[] = "                                ";
    ACG_TRY(put(w, "\n", 1));
    size_t n = (size_t)level * 4;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        ACG_TRY(put(w, spaces, k));
        n -= k;
    }
    return ACG_OK;
}

static int put_number(struct writer *w, const struct acg_value *v)
{
    char buf[40];
    size_t n;
    if (v->type == ACG_VALUE_INT) {
        n = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v->u.i);
    } else if (isnan(v->u.d)) {
        return put(w, "NaN", 3);
    } else if (isinf(v->u.d)) {
        return v->u.d > 0 ? put(w, "Infinity", 8) : put(w, "-Infinity", 9);
    } else {
        n = acg_format_double(v->u.d, buf);
    }
    return put(w, buf, n);
}

static int write_value(struct writer *w, const struct acg_value *v, unsigned level)
{
    bool indent = (w->flags & ACG_JSON_PY_INDENT) != 0;
    bool spaced = (w->flags & ACG_JSON_PY_SPACED) != 0 && !indent;
    if (level >= ACG_VALUE_MAX_DEPTH)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON output: nesting deeper than %d",
                             ACG_VALUE_MAX_DEPTH);
    switch (v->type) {
    case ACG_VALUE_NULL: return put(w, "null", 4);
    case ACG_VALUE_BOOL: return v->u.b ? put(w, "true", 4) : put(w, "false", 5);
    case ACG_VALUE_INT:
    case ACG_VALUE_DOUBLE: return put_number(w, v);
    case ACG_VALUE_STRING: return put_string(w, v->u.str.ptr, v->u.str.len);
    case ACG_VALUE_ARRAY:
        if (v->u.arr.count == 0)
            return put(w, "[]", 2);
        ACG_TRY(put(w, "[", 1));
        for (size_t i = 0; i < v->u.arr.count; i++) {
            if (i > 0)
                ACG_TRY(spaced ? put(w, ", ", 2) : put(w, ",", 1));
            if (indent)
                ACG_TRY(newline(w, level + 1));
            ACG_TRY(write_value(w, v->u.arr.items[i], level + 1));
        }
        if (indent)
            ACG_TRY(newline(w, level));
        return put(w, "]", 1);
    case ACG_VALUE_OBJECT:
        if (v->u.obj.count == 0)
            return put(w, "{}", 2);
        ACG_TRY(put(w, "{", 1));
        for (size_t i = 0; i < v->u.obj.count; i++) {
            const struct acg_value_member *m = &v->u.obj.members[i];
            if (i > 0)
                ACG_TRY(spaced ? put(w, ", ", 2) : put(w, ",", 1));
            if (indent)
                ACG_TRY(newline(w, level + 1));
            ACG_TRY(put_string(w, m->key, m->key_len));
            ACG_TRY(indent || spaced ? put(w, ": ", 2) : put(w, ":", 1));
            ACG_TRY(write_value(w, m->value, level + 1));
        }
        if (indent)
            ACG_TRY(newline(w, level));
        return put(w, "}", 1);
    }
    return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON output: unknown value type");
}

int acg_value_write_json(const struct acg_value *v, unsigned flags, struct acg_buf *out,
                         struct acg_error *err)
{
    if (v == NULL || out == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_value_write_json: NULL argument");
    struct writer w = {out, flags, err};
    return write_value(&w, v, 0);
}
