/* Output formats: choosing one, settling colour and width from the terminal, the json
 * format, and the pieces of Python's behaviour the text and table formats print through
 * (str() and repr() of values, len(), str.upper(), the table's display width). */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "acg_output_private.h"
#include "common/acg_format.h"
#include "common/acg_utf8.h"

void acg_output_options_init(struct acg_output_options *o)
{
    o->format = ACG_OUTPUT_JSON;
    o->color = ACG_COLOR_AUTO;
    o->terminal_width = 0;
}

int acg_output_parse_format(const char *name, enum acg_output_format *out)
{
    static const char *const names[] = {"json", "text", "table", "yaml", "yaml-stream"};
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum acg_output_format)i;
            return ACG_OK;
        }
    }
    return ACG_ERR_INVALID_ARG;
}

int acg_output_parse_color(const char *name, enum acg_output_color *out)
{
    static const char *const names[] = {"auto", "on", "off"};
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum acg_output_color)i;
            return ACG_OK;
        }
    }
    return ACG_ERR_INVALID_ARG;
}

static int output_json(const struct acg_value *v, struct acg_buf *out, struct acg_error *err)
{
    /* The AWS CLI prints nothing for {} (an operation without output), but does print
     * other empty or false values. */
    if (v->type == ACG_VALUE_OBJECT && v->u.obj.count == 0)
        return ACG_OK;
    ACG_TRY(acg_value_write_json(v, ACG_JSON_PY_INDENT, out, err));
    return acg_buf_append_char(out, '\n');
}

int acg_output_format(const char *operation, const struct acg_value *v,
                      const struct acg_output_options *o, struct acg_buf *out,
                      struct acg_error *err)
{
    if (v == NULL || o == NULL || out == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "output: NULL argument");
    switch (o->format) {
    case ACG_OUTPUT_JSON: return output_json(v, out, err);
    case ACG_OUTPUT_TEXT: return acg_output_text(v, out, err);
    case ACG_OUTPUT_TABLE:
        return acg_output_table(operation != NULL ? operation : "", v, o->color == ACG_COLOR_ON,
                                o->terminal_width > 0 ? o->terminal_width : 80, out, err);
    case ACG_OUTPUT_YAML: return acg_output_yaml(v, false, out, err);
    case ACG_OUTPUT_YAML_STREAM: return acg_output_yaml(v, true, out, err);
    }
    return acg_error_set(err, ACG_ERR_INVALID_ARG, "output: unknown format");
}

int acg_output_print(FILE *f, const char *operation, const struct acg_value *v,
                     const struct acg_output_options *o, struct acg_error *err)
{
    struct acg_output_options settled = *o;
    int fd = fileno(f);
    bool tty = fd >= 0 && isatty(fd);
    if (settled.color == ACG_COLOR_AUTO)
        settled.color = tty ? ACG_COLOR_ON : ACG_COLOR_OFF;
    if (settled.terminal_width <= 0) {
        /* awscli.table.determine_terminal_width: the window size, else 80 */
        struct winsize ws;
        settled.terminal_width = fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 80;
        if (settled.terminal_width <= 0)
            settled.terminal_width = 1; /* a window of width 0: every table is too wide */
    }
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_output_format(operation, v, &settled, &b, err);
    if (b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len && rc == ACG_OK)
        rc = acg_error_set(err, ACG_ERR_TRANSPORT, "cannot write the output");
    if (fflush(f) != 0 && rc == ACG_OK)
        rc = acg_error_set(err, ACG_ERR_TRANSPORT, "cannot write the output");
    acg_buf_free(&b);
    return rc;
}

/* ---- Python's view of text ---- */

uint32_t acg_py_decode(const char *str, size_t n, size_t *len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (k == 0 || k > n) {
        *len = 1;
        return 0xFFFD;
    }
    uint32_t cp = k == 1 ? s[0] : k == 2 ? s[0] & 0x1Fu : k == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    *len = k;
    return cp;
}

size_t acg_py_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t acg_py_len(const char *s, size_t n)
{
    size_t count = 0, i = 0, k;
    while (i < n) {
        (void)acg_py_decode(s + i, n - i, &k);
        i += k;
        count++;
    }
    return count;
}

size_t acg_py_display_width(const char *s, size_t n)
{
    size_t width = 0, i = 0, k;
    while (i < n) {
        uint32_t cp = acg_py_decode(s + i, n - i, &k);
        width += cp >= 0x80 && acg_cp_in_ranges(acg_unicode_wide, acg_unicode_wide_count, cp) ? 2 : 1;
        i += k;
    }
    return width;
}

/* The upper case of cp when it is several code points (UTF-8), or NULL. */
static const char *upper_several(uint32_t cp)
{
    size_t lo = 0, hi = acg_unicode_upper_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < acg_unicode_upper[mid].cp)
            hi = mid;
        else if (cp > acg_unicode_upper[mid].cp)
            lo = mid + 1;
        else
            return acg_unicode_upper[mid].upper;
    }
    return NULL;
}

/* The upper case of cp when it is one code point; cp itself when it has none. */
static uint32_t upper_one(uint32_t cp)
{
    size_t lo = 0, hi = acg_unicode_upper_runs_count;   /* the last run starting <= cp */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (acg_unicode_upper_runs[mid].first <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return cp;
    const struct acg_cp_case_run *r = &acg_unicode_upper_runs[lo - 1];
    uint32_t at = cp - r->first;
    if (at % r->step != 0 || at / r->step >= r->count)
        return cp;
    return (uint32_t)((int64_t)cp + r->delta);
}

int acg_py_upper(struct acg_buf *b, const char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n) {
        uint32_t cp = acg_py_decode(s + i, n - i, &k);
        if (cp >= 'a' && cp <= 'z') {
            ACG_TRY(acg_buf_append_char(b, (char)(cp - 32)));
        } else if (cp < 0x80) {
            ACG_TRY(acg_buf_append_char(b, (char)cp));
        } else {
            const char *several = upper_several(cp);
            uint32_t up = several == NULL ? upper_one(cp) : cp;
            char utf8[4];
            if (several != NULL)
                ACG_TRY(acg_buf_append_str(b, several));
            else if (up != cp)
                ACG_TRY(acg_buf_append(b, utf8, acg_py_encode(up, utf8)));
            else
                ACG_TRY(acg_buf_append(b, s + i, k));
        }
        i += k;
    }
    return ACG_OK;
}

bool acg_py_truthy(const struct acg_value *v)
{
    switch (v->type) {
    case ACG_VALUE_NULL: return false;
    case ACG_VALUE_BOOL: return v->u.b;
    case ACG_VALUE_INT: return v->u.i != 0;
    case ACG_VALUE_DOUBLE: return v->u.d != 0; /* NaN is true */
    case ACG_VALUE_STRING: return v->u.str.len > 0;
    case ACG_VALUE_ARRAY: return v->u.arr.count > 0;
    default: return v->u.obj.count > 0;
    }
}

const char *acg_py_type_name(const struct acg_value *v)
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

/* repr() of a string: single quotes unless the text has one and no double quote;
 * backslash escapes for the quote, '\\', \t \n \r, other control characters and
 * characters str.isprintable() refuses. */
static int repr_string(struct acg_buf *b, const char *s, size_t n)
{
    bool single = memchr(s, '\'', n) != NULL, dbl = memchr(s, '"', n) != NULL;
    char quote = single && !dbl ? '"' : '\'';
    ACG_TRY(acg_buf_append_char(b, quote));
    size_t i = 0, k;
    while (i < n) {
        uint32_t cp = acg_py_decode(s + i, n - i, &k);
        char esc[16];
        if (cp == (uint32_t)quote || cp == '\\') {
            snprintf(esc, sizeof esc, "\\%c", (char)cp);
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            snprintf(esc, sizeof esc, "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
        } else if ((cp >= 0x20 && cp < 0x7F) ||
                   (cp > 0x7F && acg_unicode_printable(cp))) {
            /* printable; C0 controls and DEL take the \x form below */
            ACG_TRY(acg_buf_append(b, s + i, k));
            i += k;
            continue;
        } else if (cp <= 0xFF) {
            snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
        } else if (cp <= 0xFFFF) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
        } else {
            snprintf(esc, sizeof esc, "\\U%08x", (unsigned)cp);
        }
        ACG_TRY(acg_buf_append_str(b, esc));
        i += k;
    }
    return acg_buf_append_char(b, quote);
}

static int py_repr(struct acg_buf *b, const struct acg_value *v, unsigned depth)
{
    if (depth > ACG_VALUE_MAX_DEPTH)
        return ACG_ERR_INVALID_ARG;
    if (v->type == ACG_VALUE_STRING)
        return repr_string(b, v->u.str.ptr, v->u.str.len);
    if (v->type == ACG_VALUE_ARRAY) {
        ACG_TRY(acg_buf_append_char(b, '['));
        for (size_t i = 0; i < v->u.arr.count; i++) {
            if (i > 0)
                ACG_TRY(acg_buf_append(b, ", ", 2));
            ACG_TRY(py_repr(b, v->u.arr.items[i], depth + 1));
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
            ACG_TRY(py_repr(b, m->value, depth + 1));
        }
        return acg_buf_append_char(b, '}');
    }
    return acg_py_str(b, v);
}

int acg_py_str(struct acg_buf *b, const struct acg_value *v)
{
    char num[32];
    switch (v->type) {
    case ACG_VALUE_NULL: return acg_buf_append(b, "None", 4);
    case ACG_VALUE_BOOL:
        return v->u.b ? acg_buf_append(b, "True", 4) : acg_buf_append(b, "False", 5);
    case ACG_VALUE_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->u.i);
        return acg_buf_append_str(b, num);
    case ACG_VALUE_DOUBLE: return acg_buf_append(b, num, acg_format_double(v->u.d, num));
    case ACG_VALUE_STRING: return acg_buf_append(b, v->u.str.ptr, v->u.str.len);
    default: return py_repr(b, v, 1);
    }
}
