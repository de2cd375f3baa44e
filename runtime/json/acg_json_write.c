/* JSON writer for request bodies (ACG_JSON_WIRE), and for command-line output and debug
 * logs (ACG_JSON_REDACTED, or ACG_JSON_DISPLAY for output with sensitive values shown).
 *
 * The display styles reproduce `aws --output json`, which is Python's
 * json.dumps(indent=4, ensure_ascii=False): four spaces per level, ", " never at line ends,
 * ": " after keys, "{}" and "[]" for empty containers, non-ASCII text written as is and
 * control characters as lower-case \u00xx. The wire style is compact; botocore's body is
 * the same JSON value (it escapes non-ASCII as \uXXXX, which decodes to the same text).
 *
 * The writer keeps no stack: need_comma says whether the innermost open container already
 * has an element, which is all the separators and indentation need. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json/acg_json.h"
#include "acg_text_private.h"

#define REDACTED "*** sensitive ***"

void acg_json_writer_init(struct acg_json_writer *w, struct acg_buf *out, enum acg_json_style style)
{
    w->out = out;
    w->style = style;
    w->redact_sensitive = style == ACG_JSON_REDACTED;
    w->depth = 0;
    w->need_comma = false;
    w->after_key = false;
    w->err = NULL;
}

static bool pretty(const struct acg_json_writer *w)
{
    return w->style != ACG_JSON_WIRE;
}

static int put(struct acg_json_writer *w, const char *s, size_t len)
{
    return acg_buf_append(w->out, s, len);
}

static int newline_indent(struct acg_json_writer *w, int depth)
{
    static const char spaces[] = "                                "; /* 32 */
    ACG_TRY(acg_buf_append_char(w->out, '\n'));
    size_t n = (size_t)depth * 4;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        ACG_TRY(put(w, spaces, k));
        n -= k;
    }
    return ACG_OK;
}

/* Separator and indentation before a value; after a key there is nothing to add. */
static int before_value(struct acg_json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return ACG_OK;
    }
    if (w->need_comma)
        ACG_TRY(acg_buf_append_char(w->out, ','));
    if (w->depth > 0 && pretty(w))
        ACG_TRY(newline_indent(w, w->depth));
    w->need_comma = true;
    return ACG_OK;
}

/* Bytes that go out unchanged: printable ASCII other than '"' and '\\'. */
static bool plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Writes s as a quoted JSON string. Runs of plain bytes are appended in one call;
 * multi-byte UTF-8 sequences are checked and copied; anything else is escaped. */
static int put_string(struct acg_json_writer *w, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    ACG_TRY(acg_buf_append_char(w->out, '"'));
    while (i < len) {
        size_t run = i;
        while (run < len && plain(p[run]))
            run++;
        if (run > i) {
            ACG_TRY(put(w, s + i, run - i));
            i = run;
            if (i == len)
                break;
        }
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t valid = acg_utf8_valid_prefix(s + i, len - i);
            if (valid == 0)
                return acg_error_set(w->err, ACG_ERR_INVALID_ARG,
                                     "string is not valid UTF-8 (byte 0x%02x at offset %zu)", c,
                                     i);
            /* Copy the whole valid stretch, ASCII included, up to the next special byte. */
            size_t j = i;
            while (j < i + valid && (p[j] >= 0x80 || plain(p[j])))
                j++;
            ACG_TRY(put(w, s + i, j - i));
            i = j;
            continue;
        }
        char esc[8];
        size_t n = 2;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            n = 6;
            break;
        }
        ACG_TRY(put(w, esc, n));
        i++;
    }
    return acg_buf_append_char(w->out, '"');
}

int acg_json_begin_object(struct acg_json_writer *w)
{
    ACG_TRY(before_value(w));
    ACG_TRY(acg_buf_append_char(w->out, '{'));
    w->depth++;
    w->need_comma = false;
    return ACG_OK;
}

static int end_container(struct acg_json_writer *w, char close)
{
    if (w->depth <= 0 || w->after_key)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: unbalanced '%c'",
                             close);
    w->depth--;
    if (w->need_comma && pretty(w))
        ACG_TRY(newline_indent(w, w->depth));
    ACG_TRY(acg_buf_append_char(w->out, close));
    w->need_comma = true; /* the parent now holds this container */
    return ACG_OK;
}

int acg_json_end_object(struct acg_json_writer *w)
{
    return end_container(w, '}');
}

int acg_json_begin_array(struct acg_json_writer *w)
{
    ACG_TRY(before_value(w));
    ACG_TRY(acg_buf_append_char(w->out, '['));
    w->depth++;
    w->need_comma = false;
    return ACG_OK;
}

int acg_json_end_array(struct acg_json_writer *w)
{
    return end_container(w, ']');
}

int acg_json_key(struct acg_json_writer *w, const char *key)
{
    if (key == NULL || w->depth <= 0 || w->after_key)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: key outside an object");
    if (w->need_comma)
        ACG_TRY(acg_buf_append_char(w->out, ','));
    if (pretty(w))
        ACG_TRY(newline_indent(w, w->depth));
    ACG_TRY(put_string(w, key, strlen(key)));
    if (pretty(w))
        ACG_TRY(put(w, ": ", 2));
    else
        ACG_TRY(acg_buf_append_char(w->out, ':'));
    w->need_comma = true;
    w->after_key = true;
    return ACG_OK;
}

int acg_json_write_string(struct acg_json_writer *w, const char *s)
{
    if (s == NULL)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: NULL string");
    ACG_TRY(before_value(w));
    return put_string(w, s, strlen(s));
}

int acg_json_write_null(struct acg_json_writer *w)
{
    ACG_TRY(before_value(w));
    return put(w, "null", 4);
}

int acg_json_write_bool(struct acg_json_writer *w, bool v)
{
    ACG_TRY(before_value(w));
    return v ? put(w, "true", 4) : put(w, "false", 5);
}

int acg_json_write_int32(struct acg_json_writer *w, int32_t v)
{
    return acg_json_write_int64(w, v);
}

int acg_json_write_int64(struct acg_json_writer *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    ACG_TRY(before_value(w));
    return put(w, buf, (size_t)n);
}

/* printf follows LC_NUMERIC; a program that set a locale with a decimal comma must still
 * produce JSON, so the comma goes back to a point. */
static void fix_decimal_point(char *buf)
{
    for (char *p = buf; *p != '\0'; p++) {
        if (*p == ',')
            *p = '.';
    }
}

/* Shortest "%.Ng" text that reads back as exactly v: what Python's repr gives, up to
 * notation (1e+16 rather than 1e16), so the same JSON value as botocore writes. */
static int format_double(double v, char *buf, size_t size)
{
    int n = 0;
    /* A normal double needs 15 to 17 digits and %g drops trailing zeros, so starting at 15
     * gives the shortest text. Subnormals carry fewer significant bits: start at 1. */
    for (int prec = fabs(v) < DBL_MIN && v != 0 ? 1 : 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, v);
        fix_decimal_point(buf);
        if (acg_strtod_c(buf, NULL) == v)
            break;
    }
    return n;
}

static int format_float(float v, char *buf, size_t size)
{
    int n = 0;
    for (int prec = fabsf(v) < FLT_MIN && v != 0 ? 1 : 6; prec <= 9; prec++) {
        n = snprintf(buf, size, "%.*g", prec, (double)v);
        fix_decimal_point(buf);
        if ((float)acg_strtod_c(buf, NULL) == v)
            break;
    }
    return n;
}

/* awsJson has no literal for these; botocore and the AWS SDKs send them as strings. */
static const char *non_finite(double v)
{
    if (isnan(v))
        return "NaN";
    if (isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    return NULL;
}

int acg_json_write_double(struct acg_json_writer *w, double v)
{
    const char *name = non_finite(v);
    if (name != NULL)
        return acg_json_write_string(w, name);
    char buf[40];
    int n = format_double(v, buf, sizeof buf);
    ACG_TRY(before_value(w));
    return put(w, buf, (size_t)n);
}

int acg_json_write_float(struct acg_json_writer *w, float v)
{
    const char *name = non_finite(v);
    if (name != NULL)
        return acg_json_write_string(w, name);
    char buf[40];
    int n = format_float(v, buf, sizeof buf);
    ACG_TRY(before_value(w));
    return put(w, buf, (size_t)n);
}

int acg_json_write_blob(struct acg_json_writer *w, const struct acg_blob *v)
{
    if (v == NULL || (v->data == NULL && v->len > 0))
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: NULL blob");
    ACG_TRY(before_value(w));
    ACG_TRY(acg_buf_append_char(w->out, '"'));
    ACG_TRY(acg_base64_encode(v->data, v->len, w->out));
    return acg_buf_append_char(w->out, '"');
}


int acg_json_write_timestamp(struct acg_json_writer *w, const struct acg_timestamp *t,
                             int format)
{
    char buf[ACG_TIME_TEXT_MAX];
    if (pretty(w)) {
        /* The AWS CLI prints parsed timestamps with datetime.isoformat(), in the local
         * zone of the machine. We always print UTC with an explicit +00:00: the same
         * instant and format, but independent of the environment and thread-safe. */
        acg_time_format(t, ACG_TIME_ISOFORMAT, buf);
        return acg_json_write_string(w, buf);
    }
    switch (format) {
    case ACG_TS_DEFAULT:
    case ACG_TS_EPOCH_SECONDS: {
        size_t n = acg_time_format(t, ACG_TIME_EPOCH, buf);
        ACG_TRY(before_value(w));
        return put(w, buf, n);
    }
    case ACG_TS_ISO8601:
        acg_time_format(t, ACG_TIME_ISO8601, buf);
        return acg_json_write_string(w, buf);
    case ACG_TS_HTTP_DATE:
        acg_time_format(t, ACG_TIME_HTTP_DATE, buf);
        return acg_json_write_string(w, buf);
    }
    return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: unknown timestamp format %d",
                         format);
}

int acg_json_write_redacted(struct acg_json_writer *w)
{
    return acg_json_write_string(w, REDACTED);
}

/* Re-emits one checked value token by token. Strings and numbers are copied as they were
 * written (the reader has checked their escapes and grammar); only whitespace changes. */
static int copy_value(struct acg_json_writer *w, const struct acg_json_reader *r, int tok,
                      int *next)
{
    const struct acg_json_token *t = &r->toks[tok];
    if (t->type == ACG_JSON_OBJECT || t->type == ACG_JSON_ARRAY) {
        bool object = t->type == ACG_JSON_OBJECT;
        ACG_TRY(object ? acg_json_begin_object(w) : acg_json_begin_array(w));
        int child = tok + 1;
        for (int i = 0; i < t->size; i++) {
            if (object) {
                const struct acg_json_token *k = &r->toks[child];
                if (w->need_comma)
                    ACG_TRY(acg_buf_append_char(w->out, ','));
                if (pretty(w))
                    ACG_TRY(newline_indent(w, w->depth));
                ACG_TRY(put(w, r->js + k->start - 1, (size_t)(k->end - k->start + 2)));
                ACG_TRY(pretty(w) ? put(w, ": ", 2) : acg_buf_append_char(w->out, ':'));
                w->need_comma = true;
                w->after_key = true;
                child++;
            }
            ACG_TRY(copy_value(w, r, child, &child));
        }
        *next = child;
        return object ? acg_json_end_object(w) : acg_json_end_array(w);
    }
    ACG_TRY(before_value(w));
    *next = tok + 1;
    if (t->type == ACG_JSON_STRING)
        return put(w, r->js + t->start - 1, (size_t)(t->end - t->start) + 2);
    return put(w, r->js + t->start, (size_t)(t->end - t->start));
}

int acg_json_write_document(struct acg_json_writer *w, const char *json)
{
    if (json == NULL)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "JSON writer: NULL document");
    struct acg_json_reader r;
    struct acg_error perr;
    acg_error_init(&perr);
    memset(&r, 0, sizeof r);
    size_t len = strlen(json);
    int rc = ACG_OK;
    if (len == 0) {
        rc = acg_error_set(w->err, ACG_ERR_INVALID_ARG, "document is empty");
        goto done;
    }
    if (acg_json_reader_parse(&r, json, len, NULL, &perr) != ACG_OK) {
        rc = acg_error_set(w->err, perr.status == ACG_ERR_NOMEM ? ACG_ERR_NOMEM : ACG_ERR_INVALID_ARG,
                           "document is not valid JSON: %s", perr.message);
        goto done;
    }
    int next = 0;
    rc = copy_value(w, &r, 0, &next);
done:
    acg_json_reader_free(&r);
    return rc;
}
