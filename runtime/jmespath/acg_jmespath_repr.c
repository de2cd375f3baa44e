/* Python's str() and type names of the values json.loads gives, which the library's error
 * messages embed ("invalid type for value: [1, 'a']", "received: \"str\""). The CLI has
 * its own copy for its output formats; the runtime cannot reach it, hence this small one. */
#include <stdio.h>
#include <string.h>

#include "common/acg_format.h"
#include "common/acg_utf8.h"
#include "jp_private.h"

const char *jp_py_type_name(const struct acg_value *v)
{
    switch (v->type) {
    case ACG_VALUE_NULL: return "NoneType";
    case ACG_VALUE_BOOL: return "bool";
    case ACG_VALUE_INT: return "int";
    case ACG_VALUE_DOUBLE: return "float";
    case ACG_VALUE_STRING: return "str";
    case ACG_VALUE_ARRAY: return "list";
    default: return "dict";
    }
}

const char *jp_type_name(const struct acg_value *v)
{
    switch (v->type) {
    case ACG_VALUE_NULL: return "null";
    case ACG_VALUE_BOOL: return "boolean";
    case ACG_VALUE_INT:
    case ACG_VALUE_DOUBLE: return "number";
    case ACG_VALUE_STRING: return "string";
    case ACG_VALUE_ARRAY: return "array";
    default: return "object";
    }
}

/* The code point at s and its byte length; a byte that starts no valid sequence reads as
 * itself (Python would never hold one: the text came from valid UTF-8). */
uint32_t jp_decode(const char *str, size_t n, size_t *len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (k == 0 || k > n) {
        *len = 1;
        return s[0];
    }
    uint32_t cp = k == 1 ? s[0] : s[0] & (0x7F >> k);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return s[0];
        }
        cp = cp << 6 | (s[i] & 0x3F);
    }
    *len = k;
    return cp;
}

/* repr() of a string: single quotes unless it holds one and no double quote; escapes for
 * the quote, the backslash, \t \n \r and what str.isprintable() refuses. */
static int repr_string(struct acg_buf *b, const char *s, size_t n)
{
    bool single = n > 0 && memchr(s, '\'', n) != NULL, dbl = n > 0 && memchr(s, '"', n) != NULL;
    char quote = single && !dbl ? '"' : '\'';
    ACG_TRY(acg_buf_append_char(b, quote));
    for (size_t i = 0, k; i < n; i += k) {
        uint32_t cp = jp_decode(s + i, n - i, &k);
        char esc[16];
        if (cp == (uint32_t)quote || cp == '\\')
            snprintf(esc, sizeof esc, "\\%c", (char)cp);
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            snprintf(esc, sizeof esc, "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
        else if (acg_unicode_printable(cp))
            esc[0] = '\0';
        else if (cp <= 0xFF)
            snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
        else
            snprintf(esc, sizeof esc, cp <= 0xFFFF ? "\\u%04x" : "\\U%08x", (unsigned)cp);
        ACG_TRY(esc[0] != '\0' ? acg_buf_append_str(b, esc) : acg_buf_append(b, s + i, k));
    }
    return acg_buf_append_char(b, quote);
}

static int repr(struct acg_buf *b, const struct acg_value *v)
{
    if (v->type == ACG_VALUE_STRING)
        return repr_string(b, v->u.str.ptr, v->u.str.len);
    if (v->type == ACG_VALUE_ARRAY) {
        ACG_TRY(acg_buf_append_char(b, '['));
        for (size_t i = 0; i < v->u.arr.count; i++) {
            if (i > 0)
                ACG_TRY(acg_buf_append(b, ", ", 2));
            ACG_TRY(repr(b, v->u.arr.items[i]));
        }
        return acg_buf_append_char(b, ']');
    }
    if (v->type == ACG_VALUE_OBJECT) {
        ACG_TRY(acg_buf_append_char(b, '{'));
        for (size_t i = 0; i < v->u.obj.count; i++) {
            const struct acg_value_member *m = &v->u.obj.members[i];
            if (i > 0)
                ACG_TRY(acg_buf_append(b, ", ", 2));
            ACG_TRY(repr_string(b, m->key, m->key_len));
            ACG_TRY(acg_buf_append(b, ": ", 2));
            ACG_TRY(repr(b, m->value));
        }
        return acg_buf_append_char(b, '}');
    }
    return jp_py_str(b, v);
}

/* Values nest at most ACG_VALUE_MAX_DEPTH deep, which bounds the recursion. */
int jp_py_str(struct acg_buf *b, const struct acg_value *v)
{
    char num[ACG_NUMBER_TEXT_MAX];
    switch (v->type) {
    case ACG_VALUE_NULL: return acg_buf_append(b, "None", 4);
    case ACG_VALUE_BOOL: return acg_buf_append_str(b, v->u.b ? "True" : "False");
    case ACG_VALUE_INT: return acg_buf_append(b, num, acg_format_int64(v->u.i, num));
    case ACG_VALUE_DOUBLE: return acg_buf_append(b, num, acg_format_double(v->u.d, num));
    case ACG_VALUE_STRING: return acg_buf_append(b, v->u.str.ptr, v->u.str.len);
    default: return repr(b, v);
    }
}
