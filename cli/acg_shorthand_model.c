/* The model-driven half of shorthand (awscli.shorthand.BackCompatVisitor and
 * argprocess._supports_shorthand_syntax), and the bits of Python's behaviour the AWS CLI's
 * messages show: int() and float() of text, repr() of a string.
 *
 * The parser gives only strings, lists and objects; this pass walks them with the input's
 * shape and converts what the model says is a number or a boolean. Members the model does
 * not have are left alone, as in the AWS CLI: the validator reports them afterwards. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acg_shorthand.h"
#include "acg_text_private.h"
#include "common/acg_error.h"

/* Internal: a document member was given a value; the enclosing structure names it. */
#define DOCUMENT 1

/* ---- Python's repr() of a str ---- */

static size_t utf8_next(const char *s, size_t len, size_t i, uint32_t *c)
{
    unsigned char b = (unsigned char)s[i];
    size_t extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
    uint32_t v = extra == 0 ? b : extra == 1 ? (b & 0x1Fu) : extra == 2 ? (b & 0x0Fu)
                                                                         : (b & 0x07u);
    for (size_t j = 1; j <= extra && i + j < len; j++)
        v = (v << 6) | ((unsigned char)s[i + j] & 0x3Fu);
    *c = v;
    return i + extra + 1;
}

/* Python prints these as escapes in a repr: C0 and C1 controls, DEL, the no-break and
 * soft-hyphen characters, line and paragraph separators. */
static bool unprintable(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || c == 0x2028 || c == 0x2029;
}

int acg_py_repr(struct acg_buf *b, const char *s, size_t len)
{
    bool single = memchr(s, '\'', len) != NULL, dbl = memchr(s, '"', len) != NULL;
    char q = single && !dbl ? '"' : '\'';
    int rc = acg_buf_append_char(b, q);
    for (size_t i = 0; rc == ACG_OK && i < len;) {
        uint32_t c;
        size_t next = utf8_next(s, len, i, &c);
        if (c == (uint32_t)q || c == '\\')
            rc = acg_buf_printf(b, "\\%c", (char)c);
        else if (c == '\n')
            rc = acg_buf_append_str(b, "\\n");
        else if (c == '\r')
            rc = acg_buf_append_str(b, "\\r");
        else if (c == '\t')
            rc = acg_buf_append_str(b, "\\t");
        else if (unprintable(c))
            rc = c < 0x100 ? acg_buf_printf(b, "\\x%02x", (unsigned)c)
                           : acg_buf_printf(b, "\\u%04x", (unsigned)c);
        else
            rc = acg_buf_append(b, s + i, next - i);
        i = next;
    }
    return rc == ACG_OK ? acg_buf_append_char(b, q) : rc;
}

/* ---- int() and float() of text ---- */

static size_t strip_start(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t c;
        size_t next = utf8_next(s, len, i, &c);
        if (!acg_py_isspace(c))
            break;
        i = next;
    }
    return i;
}

static size_t strip_end(const char *s, size_t start, size_t len)
{
    while (len > start) {
        size_t k = len - 1;
        while (k > start && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        uint32_t c;
        (void)utf8_next(s, len, k, &c);
        if (!acg_py_isspace(c))
            break;
        len = k;
    }
    return len;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits with single underscores between them, as Python's int() and float() take them;
 * copies the digits (without underscores) to out. Returns the length read, 0 for none. */
static size_t digits(const char *s, size_t len, struct acg_buf *out)
{
    size_t i = 0;
    while (i < len && is_digit(s[i])) {
        if (acg_buf_append_char(out, s[i]) != ACG_OK)
            return 0;
        i++;
        if (i + 1 < len && s[i] == '_' && is_digit(s[i + 1]))
            i++;
    }
    return i;
}

static bool word_ieq(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (c != word[i])
            return false;
    }
    return true;
}

/* Python's int(text) for base 10: 0, or 1 for text int() refuses, 2 for a number outside
 * int64 (Python would take it; no member holds it). Digits are ASCII only. */
static int py_int(const char *text, size_t len, int64_t *out)
{
    size_t start = strip_start(text, len), end = strip_end(text, start, len);
    struct acg_buf b;
    acg_buf_init(&b, 0);
    size_t i = start;
    int result = acg_buf_append_char(&b, '+') == ACG_OK ? 0 : 1;
    if (result == 0 && i < end && (text[i] == '+' || text[i] == '-'))
        b.data[0] = text[i++];
    size_t n = result == 0 && i < end ? digits(text + i, end - i, &b) : 0;
    if (n == 0 || i + n != end)
        result = 1;
    if (result == 0) {
        errno = 0;
        char *stop = NULL;
        long long v = strtoll(b.data, &stop, 10);
        result = errno == 0 && *stop == '\0' ? 0 : 2;
        *out = (int64_t)v;
    }
    acg_buf_free(&b);
    return result;
}

/* Python's float(text): decimal numbers with underscores, inf, infinity, nan. */
static bool py_float(const char *text, size_t len, double *out)
{
    size_t start = strip_start(text, len), end = strip_end(text, start, len);
    size_t i = start;
    bool neg = i < end && text[i] == '-';
    if (i < end && (text[i] == '+' || text[i] == '-'))
        i++;
    if (word_ieq(text + i, end - i, "inf") || word_ieq(text + i, end - i, "infinity")) {
        *out = neg ? -(double)INFINITY : (double)INFINITY;
        return true;
    }
    if (word_ieq(text + i, end - i, "nan")) {
        *out = (double)NAN;
        return true;
    }
    struct acg_buf b;
    acg_buf_init(&b, 0);
    bool ok = acg_buf_append_char(&b, neg ? '-' : '+') == ACG_OK;
    size_t whole = ok ? digits(text + i, end - i, &b) : 0, frac = 0;
    i += whole;
    if (ok && i < end && text[i] == '.') {
        ok = acg_buf_append_char(&b, '.') == ACG_OK;
        i++;
        frac = ok ? digits(text + i, end - i, &b) : 0;
        i += frac;
    }
    ok = ok && whole + frac > 0;
    if (ok && i < end && (text[i] == 'e' || text[i] == 'E')) {
        ok = acg_buf_append_char(&b, 'e') == ACG_OK;
        i++;
        if (ok && i < end && (text[i] == '+' || text[i] == '-'))
            ok = acg_buf_append_char(&b, text[i++]) == ACG_OK;
        size_t e = ok ? digits(text + i, end - i, &b) : 0;
        ok = ok && e > 0;
        i += e;
    }
    ok = ok && i == end;
    if (ok) {
        char *stop = NULL;
        *out = acg_strtod_c(b.data, &stop);
    }
    acg_buf_free(&b);
    return ok;
}

/* ---- the visitor ---- */

static const char *py_type(const struct acg_value *v)
{
    return v->type == ACG_VALUE_ARRAY ? "list" : v->type == ACG_VALUE_OBJECT ? "dict" : "str";
}

static int plain(int rc)
{
    return rc == ACG_OK ? ACG_SHORTHAND_PLAIN : ACG_ERR_NOMEM;
}

static int to_int(struct acg_arena *a, struct acg_value **v, struct acg_buf *msg)
{
    struct acg_value *s = *v;
    int64_t n = 0;
    if (s->type != ACG_VALUE_STRING)
        return plain(acg_buf_printf(msg, "int() argument must be a string, a bytes-like "
                                              "object or a real number, not '%s'", py_type(s)));
    int bad = py_int(s->u.str.ptr, s->u.str.len, &n);
    if (bad != 0) {
        int rc = acg_buf_append_str(msg, bad == 2 ? "integer out of the 64-bit range: "
                                                  : "invalid literal for int() with base 10: ");
        return plain(rc == ACG_OK ? acg_py_repr(msg, s->u.str.ptr, s->u.str.len) : rc);
    }
    *v = acg_value_new_int(a, n);
    return *v != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

static int to_float(struct acg_arena *a, struct acg_value **v, struct acg_buf *msg)
{
    struct acg_value *s = *v;
    double d = 0;
    if (s->type != ACG_VALUE_STRING)
        return plain(acg_buf_printf(msg, "float() argument must be a string or a real "
                                              "number, not '%s'", py_type(s)));
    if (!py_float(s->u.str.ptr, s->u.str.len, &d)) {
        int rc = acg_buf_append_str(msg, "could not convert string to float: ");
        return plain(rc == ACG_OK ? acg_py_repr(msg, s->u.str.ptr, s->u.str.len) : rc);
    }
    *v = acg_value_new_double(a, d);
    return *v != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

/* Only "true" and "false" (any case) become booleans; other text stays text. */
static int to_bool(struct acg_arena *a, struct acg_value **v, struct acg_buf *msg)
{
    struct acg_value *s = *v;
    if (s->type != ACG_VALUE_STRING)
        return plain(acg_buf_printf(msg, "'%s' object has no attribute 'lower'",
                                         py_type(s)));
    if (word_ieq(s->u.str.ptr, s->u.str.len, "true"))
        *v = acg_value_new_bool(a, true);
    else if (word_ieq(s->u.str.ptr, s->u.str.len, "false"))
        *v = acg_value_new_bool(a, false);
    return *v != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

static int visit(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                 bool top, struct acg_buf *msg);

static int visit_structure(struct acg_arena *a, const struct acg_shape *s, struct acg_value *v,
                           struct acg_buf *msg)
{
    if (v->type != ACG_VALUE_OBJECT)
        return ACG_OK;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        for (size_t k = 0; k < v->u.obj.count; k++) {
            struct acg_value_member *e = &v->u.obj.members[k];
            if (strcmp(e->key, m->name) != 0 || e->key_len != strlen(m->name))
                continue;
            int rc = visit(a, m->shape, &e->value, false, msg);
            if (rc == DOCUMENT) {
                rc = acg_buf_printf(msg, "Shorthand syntax does not support document types. "
                                         "Use JSON input for top-level argument to specify "
                                         "nested parameter: %s", m->name);
                return rc == ACG_OK ? ACG_SHORTHAND_ERROR : ACG_ERR_NOMEM;
            }
            if (rc != ACG_OK)
                return rc;
        }
    }
    return ACG_OK;
}

static int visit_list(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                      bool top, struct acg_buf *msg)
{
    if ((*v)->type != ACG_VALUE_ARRAY) {
        /* "foo=bar" where foo is a list means ["bar"]; the top-level value itself is left
         * as it is (the AWS CLI wraps it in a parent it then throws away). */
        if (top)
            return ACG_OK;
        struct acg_value *list = acg_value_new_array(a);
        if (list == NULL || acg_value_array_push(a, list, *v) != ACG_OK)
            return ACG_ERR_NOMEM;
        *v = list;
        return ACG_OK;
    }
    for (size_t k = 0; k < (*v)->u.arr.count; k++) {
        int rc = visit(a, s->item, &(*v)->u.arr.items[k], false, msg);
        if (rc != ACG_OK)
            return rc;
    }
    return ACG_OK;
}

static int visit_map(struct acg_arena *a, const struct acg_shape *s, struct acg_value *v,
                     struct acg_buf *msg)
{
    if (v->type != ACG_VALUE_OBJECT || s->member_count < 2)
        return ACG_OK;
    for (size_t k = 0; k < v->u.obj.count; k++) {
        int rc = visit(a, s->members[1].shape, &v->u.obj.members[k].value, false, msg);
        if (rc != ACG_OK)
            return rc;
    }
    return ACG_OK;
}

static int visit(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                 bool top, struct acg_buf *msg)
{
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE:
    case ACG_SHAPE_UNION:
        return visit_structure(a, s, *v, msg);
    case ACG_SHAPE_DOCUMENT:
        return DOCUMENT;
    case ACG_SHAPE_LIST:
        return visit_list(a, s, v, top, msg);
    case ACG_SHAPE_MAP:
        return visit_map(a, s, *v, msg);
    case ACG_SHAPE_INTEGER:
    case ACG_SHAPE_LONG:
        return to_int(a, v, msg);
    case ACG_SHAPE_FLOAT:
    case ACG_SHAPE_DOUBLE:
        return to_float(a, v, msg);
    case ACG_SHAPE_BOOLEAN:
        return to_bool(a, v, msg);
    default:
        return ACG_OK;
    }
}

int acg_shorthand_adjust(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                         struct acg_buf *msg)
{
    int rc = visit(a, s, v, true, msg);
    if (rc == DOCUMENT) {
        /* Only a structure names the member; the AWS CLI's bare exception has no text. */
        return ACG_SHORTHAND_PLAIN;
    }
    return rc;
}

/* ---- which options take shorthand ---- */

static bool document_container(const struct acg_shape *s)
{
    for (int depth = 0; s != NULL && depth < 64; depth++) {
        if (s->type == ACG_SHAPE_DOCUMENT)
            return true;
        if (s->type == ACG_SHAPE_LIST)
            s = s->item;
        else if (s->type == ACG_SHAPE_MAP && s->member_count >= 2)
            s = s->members[1].shape;
        else
            return false;
    }
    return false;
}

static bool complex_type(const struct acg_shape *s)
{
    return s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION ||
           s->type == ACG_SHAPE_LIST || s->type == ACG_SHAPE_MAP ||
           s->type == ACG_SHAPE_DOCUMENT;
}

bool acg_shorthand_supported(const struct acg_shape *s)
{
    if (document_container(s))
        return false;
    if (s->type == ACG_SHAPE_LIST)
        return s->item != NULL && complex_type(s->item);
    return s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION ||
           s->type == ACG_SHAPE_MAP;
}
