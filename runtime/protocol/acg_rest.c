/* HTTP bindings shared by restJson1 and restXml, as botocore's BaseRestSerializer and
 * BaseRestParser apply them: input members bound to URI labels, the query string and
 * headers; output members read from headers, header maps and the status code. The body is
 * each protocol's own business. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acg_protocol_private.h"
#include "common/acg_base64.h"
#include "common/acg_format.h"
#include "common/acg_text.h"
#include "json/acg_json.h"
#include "acg_text_private.h"

/* RFC 3986's unreserved characters, which botocore's percent_encode leaves alone; a greedy
 * label keeps '/' too. */
static int encode(struct acg_buf *b, const char *s, size_t len, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            ACG_TRY(acg_buf_append_char(b, (char)c));
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            ACG_TRY(acg_buf_append(b, esc, 3));
        }
    }
    return ACG_OK;
}

/* A scalar as text for the URI, the query string (default timestamp format: iso8601) or a
 * header (rfc822), as botocore's str() and its timestamp converters write it. */
static int scalar_text(const struct acg_shape *s, int ts_format, const void *p, int default_ts,
                       struct acg_buf *out)
{
    char buf[ACG_TIME_TEXT_MAX > ACG_NUMBER_TEXT_MAX ? ACG_TIME_TEXT_MAX : ACG_NUMBER_TEXT_MAX];
    switch (s->type) {
    case ACG_SHAPE_STRING: {
        const char *str;
        memcpy(&str, p, sizeof str);
        return acg_buf_append_str(out, str != NULL ? str : "");
    }
    case ACG_SHAPE_BOOLEAN: return acg_buf_append_str(out, *(const bool *)p ? "true" : "false");
    case ACG_SHAPE_INTEGER: return acg_buf_printf(out, "%d", (int)*(const int32_t *)p);
    case ACG_SHAPE_LONG: return acg_buf_printf(out, "%lld", (long long)*(const int64_t *)p);
    case ACG_SHAPE_FLOAT: case ACG_SHAPE_DOUBLE: {
        double v = s->type == ACG_SHAPE_FLOAT ? (double)*(const float *)p : *(const double *)p;
        /* botocore's _handle_float, then str() */
        if (isnan(v) || isinf(v))
            return acg_buf_append_str(out, isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        if (s->type == ACG_SHAPE_FLOAT)
            acg_format_float(*(const float *)p, buf);
        else
            acg_format_double(v, buf);
        return acg_buf_append_str(out, buf);
    }
    case ACG_SHAPE_TIMESTAMP: {
        int f = ts_format != ACG_TS_DEFAULT ? ts_format
                : s->ts_format != ACG_TS_DEFAULT ? s->ts_format : default_ts;
        enum acg_time_style style = f == ACG_TS_ISO8601 ? ACG_TIME_ISO8601
                                    : f == ACG_TS_HTTP_DATE ? ACG_TIME_HTTP_DATE : ACG_TIME_EPOCH;
        acg_time_format(p, style, buf);
        return acg_buf_append_str(out, buf);
    }
    case ACG_SHAPE_BLOB: {
        const struct acg_blob *blob = p;
        return acg_base64_encode(blob->data, blob->len, out);
    }
    default:
        return ACG_ERR_INVALID_ARG;
    }
}

static const void *member_ptr(const struct acg_member *m, const void *base)
{
    return (const unsigned char *)base + m->offset;
}

/* ---- the URI ---- */

/* The input member a {label} names: its wire name (locationName) is the label. */
static const struct acg_member *label_member(const struct acg_shape *in, const char *label,
                                             size_t len)
{
    for (size_t i = 0; in != NULL && i < in->member_count; i++) {
        const struct acg_member *m = &in->members[i];
        const char *name = acg_member_wire_name(m);
        if (m->location == ACG_LOC_URI && strncmp(name, label, len) == 0 && name[len] == '\0')
            return m;
    }
    return NULL;
}

/* The request URI's path with its labels filled in, and its literal query, if any, first
 * in the query string. */
static int render_uri(const struct acg_operation *op, const void *in, struct acg_request *req,
                      struct acg_error *err)
{
    struct acg_buf text;
    const char *uri = op->request_uri;
    const char *query = strchr(uri, '?');
    size_t path_len = query != NULL ? (size_t)(query - uri) : strlen(uri);
    int rc = ACG_OK;
    acg_buf_init(&text, 0);
    for (size_t i = 0; i < path_len && rc == ACG_OK;) {
        if (uri[i] != '{') {
            rc = acg_buf_append_char(&req->path, uri[i++]);
            continue;
        }
        const char *end = memchr(uri + i, '}', path_len - i);
        if (end == NULL)
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s: bad request URI", op->name);
        size_t len = (size_t)(end - uri - i - 1);
        bool greedy = len > 0 && uri[i + len] == '+';
        const struct acg_member *m = label_member(op->input, uri + i + 1, len - greedy);
        if (m == NULL || in == NULL || !acg_member_present(m, in)) {
            acg_buf_free(&text);
            return acg_error_set_at(err, ACG_ERR_VALIDATION, m ? m->name : "",
                                    "%.*s: the URI label is required", (int)(len - greedy),
                                    uri + i + 1);
        }
        acg_buf_reset(&text);
        rc = scalar_text(m->shape, m->ts_format, member_ptr(m, in), ACG_TS_ISO8601, &text);
        if (rc == ACG_OK)
            rc = encode(&req->path, text.data ? text.data : "", text.len, greedy);
        i += len + 2;
    }
    if (rc == ACG_OK && query != NULL)
        rc = acg_buf_append_str(&req->query, query + 1);
    acg_buf_free(&text);
    return rc;
}

/* ---- the query string ---- */

static int query_pair(struct acg_request *req, const char *key, const char *value, size_t len)
{
    if (req->query.len > 0)
        ACG_TRY(acg_buf_append_char(&req->query, '&'));
    ACG_TRY(encode(&req->query, key, strlen(key), false));
    ACG_TRY(acg_buf_append_char(&req->query, '='));
    return encode(&req->query, value, len, false);
}

/* A map bound to the query string adds its entries as they are (string or list values). */
static int query_map(struct acg_request *req, const struct acg_shape *s, const struct acg_seq *seq)
{
    const struct acg_member *k = &s->members[0], *v = &s->members[1];
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = (const unsigned char *)seq->items + i * s->item_size;
        const char *key;
        memcpy(&key, entry + k->offset, sizeof key);
        if (v->shape->type == ACG_SHAPE_LIST) {
            const struct acg_seq *list = (const void *)(entry + v->offset);
            for (size_t j = 0; j < list->count; j++) {
                const char *str;
                memcpy(&str, (const unsigned char *)list->items + j * sizeof str, sizeof str);
                ACG_TRY(query_pair(req, key, str ? str : "", str ? strlen(str) : 0));
            }
        } else {
            const char *str;
            memcpy(&str, entry + v->offset, sizeof str);
            ACG_TRY(query_pair(req, key, str ? str : "", str ? strlen(str) : 0));
        }
    }
    return ACG_OK;
}

static int query_member(struct acg_request *req, const struct acg_member *m, const void *p,
                        struct acg_buf *text)
{
    const char *key = acg_member_wire_name(m);
    if (m->shape->type == ACG_SHAPE_MAP)
        return query_map(req, m->shape, p);
    if (m->shape->type == ACG_SHAPE_LIST) {
        const struct acg_seq *seq = p;
        const struct acg_shape *item = m->shape->item;
        for (size_t i = 0; i < seq->count; i++) {
            acg_buf_reset(text);
            ACG_TRY(scalar_text(item, ACG_TS_DEFAULT,
                                (const unsigned char *)seq->items + i * m->shape->item_size,
                                ACG_TS_ISO8601, text));
            ACG_TRY(query_pair(req, key, text->data ? text->data : "", text->len));
        }
        return ACG_OK;
    }
    acg_buf_reset(text);
    ACG_TRY(scalar_text(m->shape, m->ts_format, p, ACG_TS_ISO8601, text));
    return query_pair(req, key, text->data ? text->data : "", text->len);
}

/* ---- headers ---- */

/* botocore quotes a list item that holds a comma or a double quote. */
static int header_list_item(struct acg_buf *out, const char *s)
{
    if (strpbrk(s, ",\"") == NULL)
        return acg_buf_append_str(out, s);
    ACG_TRY(acg_buf_append_char(out, '"'));
    for (; *s != '\0'; s++) {
        if (*s == '"')
            ACG_TRY(acg_buf_append_char(out, '\\'));
        ACG_TRY(acg_buf_append_char(out, *s));
    }
    return acg_buf_append_char(out, '"');
}

/* A scalar in a header: botocore cuts timestamps there to the whole second (calendar.timegm)
 * whatever their format. */
static int header_scalar(const struct acg_shape *s, int ts_format, const void *p,
                         struct acg_buf *out)
{
    if (s->type == ACG_SHAPE_TIMESTAMP) {
        struct acg_timestamp t = *(const struct acg_timestamp *)p;
        t.nanos = 0;
        return scalar_text(s, ts_format, &t, ACG_TS_HTTP_DATE, out);
    }
    return scalar_text(s, ts_format, p, ACG_TS_HTTP_DATE, out);
}

static int header_value(const struct acg_member *m, const void *p, struct acg_buf *out)
{
    const struct acg_shape *s = m->shape;
    if (s->type == ACG_SHAPE_LIST) {
        const struct acg_seq *seq = p;
        for (size_t i = 0; i < seq->count; i++) {
            const void *item = (const unsigned char *)seq->items + i * s->item_size;
            if (i > 0)
                ACG_TRY(acg_buf_append_char(out, ','));
            if (s->item->type == ACG_SHAPE_STRING) {
                const char *str;
                memcpy(&str, item, sizeof str);
                ACG_TRY(header_list_item(out, str != NULL ? str : ""));
            } else {
                ACG_TRY(header_scalar(s->item, ACG_TS_DEFAULT, item, out));
            }
        }
        return ACG_OK;
    }
    if (m->flags & ACG_MEMBER_JSONVALUE) {
        /* base64 of the JSON text, compact as botocore's separators=(',', ':') */
        const char *json;
        struct acg_buf compact;
        struct acg_json_writer w;
        memcpy(&json, p, sizeof json);
        acg_buf_init(&compact, 0);
        acg_json_writer_init(&w, &compact, ACG_JSON_WIRE);
        int rc = json != NULL ? acg_json_write_document(&w, json) : ACG_OK;
        if (rc == ACG_OK && compact.len > 0)
            rc = acg_base64_encode((const uint8_t *)compact.data, compact.len, out);
        acg_buf_free(&compact);
        return rc;
    }
    return header_scalar(s, m->ts_format, p, out);
}

static int add_header(struct acg_request *req, const char *name, const struct acg_buf *value,
                      struct acg_error *err)
{
    return acg_request_add_header(req, name, value->data ? value->data : "", err);
}

static int header_member(struct acg_request *req, const struct acg_member *m, const void *p,
                         struct acg_buf *text, struct acg_error *err)
{
    if (m->location == ACG_LOC_HEADERS) {
        const struct acg_shape *s = m->shape;
        if (s->type != ACG_SHAPE_MAP)
            return ACG_OK;
        const struct acg_seq *seq = p;
        struct acg_buf name;
        acg_buf_init(&name, 0);
        int rc = ACG_OK;
        for (size_t i = 0; i < seq->count && rc == ACG_OK; i++) {
            const unsigned char *entry = (const unsigned char *)seq->items + i * s->item_size;
            const char *key, *value;
            memcpy(&key, entry + s->members[0].offset, sizeof key);
            memcpy(&value, entry + s->members[1].offset, sizeof value);
            acg_buf_reset(&name);
            rc = acg_buf_printf(&name, "%s%s", acg_member_wire_name(m), key ? key : "");
            if (rc == ACG_OK)
                rc = acg_request_add_header(req, name.data, value ? value : "", err);
        }
        acg_buf_free(&name);
        return rc;
    }
    /* botocore leaves an empty list out of the headers. */
    if (m->shape->type == ACG_SHAPE_LIST && ((const struct acg_seq *)p)->count == 0)
        return ACG_OK;
    acg_buf_reset(text);
    ACG_TRY(header_value(m, p, text));
    return add_header(req, acg_member_wire_name(m), text, err);
}

/* ---- the request ---- */

int acg_rest_bind(const struct acg_operation *op, const void *in, const struct acg_build_ctx *ctx,
                  struct acg_request *req, struct acg_error *err)
{
    struct acg_buf text;
    int rc;
    req->method = op->http_method != NULL ? op->http_method : "POST";
    ACG_TRY(render_uri(op, in, req, err));
    if (op->input == NULL || in == NULL)
        return ACG_OK;
    acg_buf_init(&text, 0);
    rc = ACG_OK;
    for (size_t i = 0; i < op->input->member_count && rc == ACG_OK; i++) {
        const struct acg_member *m = &op->input->members[i];
        const void *p = member_ptr(m, in);
        char uuid[37];
        const char *token = uuid;
        if (m->location == ACG_LOC_BODY || m->location == ACG_LOC_URI)
            continue;
        if (!acg_member_present(m, in)) {
            /* botocore fills an absent top-level idempotency token with a fresh UUID. */
            if (!(m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) || ctx == NULL || ctx->token == NULL ||
                m->shape->type != ACG_SHAPE_STRING)
                continue;
            ctx->token(ctx->token_ctx, uuid);
            p = &token;
        }
        if (m->location == ACG_LOC_QUERY)
            rc = query_member(req, m, p, &text);
        else if (m->location == ACG_LOC_HEADER || m->location == ACG_LOC_HEADERS)
            rc = header_member(req, m, p, &text, err);
    }
    acg_buf_free(&text);
    if (rc != ACG_OK && (err == NULL || err->status == ACG_OK))
        return acg_error_set(err, rc, "%s: cannot bind the input to the request", op->name);
    return rc;
}

/* ---- the response ---- */

/* The value of header name in msg, case-insensitively, or NULL. */
static const char *find_header(const struct acg_http_message *msg, const char *name)
{
    for (size_t i = 0; i < msg->header_count; i++) {
        if (strcasecmp(msg->headers[i].name, name) == 0)
            return msg->headers[i].value;
    }
    return NULL;
}

bool acg_rest_is_json(const char *text, size_t len, struct acg_error *err)
{
    struct acg_json_reader r;
    bool ok = acg_json_reader_parse(&r, text, len, NULL, err) == ACG_OK;
    acg_json_reader_free(&r);
    return ok;
}

/* parse_scalar's options. */
#define HDR_JSONVALUE 1u   /* base64 JSON text */
#define HDR_XML 2u         /* restXml: botocore's XML parser reads the text */

/* A header's text into a scalar where a list element holds it, as botocore's rest parsers
 * read it: int() and float() for numbers, "true" in any case for true (restXml: exactly
 * "true"). */
static int parse_scalar(const struct acg_shape *s, unsigned opts, const char *name,
                        const char *text, size_t len, void *out, struct acg_arena *a,
                        struct acg_error *err)
{
    char *copy = acg_arena_strndup(a, text, len);
    char *end = NULL;
    if (copy == NULL)
        return ACG_ERR_NOMEM;
    switch (s->type) {
    case ACG_SHAPE_STRING: case ACG_SHAPE_DOCUMENT:
        if (opts & HDR_JSONVALUE) {
            struct acg_buf json;
            acg_buf_init(&json, 0);
            int rc = acg_base64_decode(copy, len, &json);
            copy = rc == ACG_OK && json.len > 0 && acg_rest_is_json(json.data, json.len, NULL)
                       ? acg_arena_strndup(a, json.data, json.len) : NULL;
            acg_buf_free(&json);
            if (copy == NULL)
                return acg_error_set(err, ACG_ERR_JSON, "header %s is not base64 JSON", name);
        }
        memcpy(out, &copy, sizeof copy);
        return ACG_OK;
    case ACG_SHAPE_BOOLEAN:
        *(bool *)out = (opts & HDR_XML) ? strcmp(copy, "true") == 0
                                        : strcasecmp(copy, "true") == 0;
        return ACG_OK;
    case ACG_SHAPE_INTEGER: case ACG_SHAPE_LONG: {
        errno = 0;
        long long v = strtoll(copy, &end, 10);
        if (end == copy || *end != '\0' || errno != 0 ||
            (s->type == ACG_SHAPE_INTEGER && (v < INT32_MIN || v > INT32_MAX)))
            return acg_error_set(err, ACG_ERR_JSON, "header %s is not an integer", name);
        if (s->type == ACG_SHAPE_INTEGER)
            *(int32_t *)out = (int32_t)v;
        else
            *(int64_t *)out = v;
        return ACG_OK;
    }
    case ACG_SHAPE_FLOAT: case ACG_SHAPE_DOUBLE: {
        double v = acg_strtod_c(copy, &end);
        if (end == copy || *end != '\0')
            return acg_error_set(err, ACG_ERR_JSON, "header %s is not a number", name);
        if (s->type == ACG_SHAPE_FLOAT)
            *(float *)out = (float)v;
        else
            *(double *)out = v;
        return ACG_OK;
    }
    case ACG_SHAPE_TIMESTAMP: {
        struct acg_timestamp *t = out;
        if (acg_time_parse(copy, len, t) != ACG_OK)
            return acg_error_set(err, ACG_ERR_JSON, "header %s is not a timestamp", name);
        t->wire = copy;
        return ACG_OK;
    }
    default:
        return acg_error_set(err, ACG_ERR_JSON, "header %s has a type headers cannot hold", name);
    }
}

/* A list header: items separated by commas, each trimmed (botocore splits on every comma). */
static int parse_list(const struct acg_member *m, const char *text, unsigned opts,
                      struct acg_seq *out, struct acg_arena *a, struct acg_error *err)
{
    const struct acg_shape *s = m->shape;
    size_t n = 1;
    for (const char *c = text; *c != '\0'; c++)
        n += *c == ',';
    unsigned char *items = acg_arena_calloc(a, n, s->item_size);
    if (items == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(text, ",");
        const char *start = text, *stop = text + len;
        while (start < stop && isspace((unsigned char)*start))
            start++;
        while (stop > start && isspace((unsigned char)stop[-1]))
            stop--;
        ACG_TRY(parse_scalar(s->item, opts, acg_member_wire_name(m), start,
                             (size_t)(stop - start), items + i * s->item_size, a, err));
        text += len + (text[len] == ',');
    }
    out->items = items;
    out->count = n;
    return ACG_OK;
}

/* The headers that start with the member's prefix, as a map without it. */
static int parse_header_map(const struct acg_member *m, const struct acg_http_message *msg,
                            struct acg_seq *out, struct acg_arena *a)
{
    const struct acg_shape *s = m->shape;
    const char *prefix = acg_member_wire_name(m);
    size_t plen = strlen(prefix), n = 0;
    unsigned char *items = acg_arena_calloc(a, msg->header_count + 1, s->item_size);
    if (items == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < msg->header_count; i++) {
        const struct acg_header *h = &msg->headers[i];
        if (strncasecmp(h->name, prefix, plen) != 0)
            continue;
        unsigned char *entry = items + n++ * s->item_size;
        const char *key = acg_arena_strndup(a, h->name + plen, strlen(h->name + plen));
        const char *value = acg_arena_strndup(a, h->value ? h->value : "",
                                              h->value ? strlen(h->value) : 0);
        if (key == NULL || value == NULL)
            return ACG_ERR_NOMEM;
        memcpy(entry + s->members[0].offset, &key, sizeof key);
        memcpy(entry + s->members[1].offset, &value, sizeof value);
    }
    out->items = items;
    out->count = n;
    return ACG_OK;
}

int acg_rest_parse_bound(const struct acg_shape *shape, const struct acg_http_message *msg,
                         bool xml, void *out, struct acg_arena *arena, struct acg_error *err)
{
    unsigned char *base = out;
    unsigned opts = xml ? HDR_XML : 0;
    for (size_t i = 0; i < shape->member_count; i++) {
        const struct acg_member *m = &shape->members[i];
        unsigned char *p = base + m->offset;
        bool *has = (bool *)(void *)(base + m->has_offset);
        const char *text;
        switch (m->location) {
        case ACG_LOC_STATUS_CODE:
            if (m->shape->type == ACG_SHAPE_INTEGER) {
                *(int32_t *)(void *)p = (int32_t)msg->status;
                *has = true;
            }
            break;
        case ACG_LOC_HEADERS:
            ACG_TRY(parse_header_map(m, msg, (struct acg_seq *)(void *)p, arena));
            break;
        case ACG_LOC_HEADER:
            text = find_header(msg, acg_member_wire_name(m));
            if (text == NULL)
                break;
            if (m->shape->type == ACG_SHAPE_LIST) {
                ACG_TRY(parse_list(m, text, opts, (struct acg_seq *)(void *)p, arena, err));
                break;
            }
            ACG_TRY(parse_scalar(m->shape, opts | ((m->flags & ACG_MEMBER_JSONVALUE) ? HDR_JSONVALUE
                                                                                    : 0),
                                 acg_member_wire_name(m), text, strlen(text), p, arena, err));
            if (m->shape->type >= ACG_SHAPE_BOOLEAN && m->shape->type <= ACG_SHAPE_TIMESTAMP)
                *has = true;
            break;
        default:
            break;
        }
    }
    return ACG_OK;
}

/* The payload member of shape (the whole body), or NULL. */
const struct acg_member *acg_rest_payload(const struct acg_shape *shape)
{
    for (size_t i = 0; shape != NULL && i < shape->member_count; i++) {
        if (shape->members[i].flags & ACG_MEMBER_PAYLOAD)
            return &shape->members[i];
    }
    return NULL;
}

/* A blob or string payload is the body itself, sent as it is. */
int acg_rest_raw_payload(struct acg_buf *body, const struct acg_member *m, const void *in)
{
    const unsigned char *p = (const unsigned char *)in + m->offset;
    if (m->shape->type == ACG_SHAPE_BLOB) {
        const struct acg_blob *b = (const void *)p;
        return b->data != NULL ? acg_buf_append(body, b->data, b->len) : ACG_OK;
    }
    const char *s;
    memcpy(&s, p, sizeof s);
    return s != NULL ? acg_buf_append_str(body, s) : ACG_OK;
}

int acg_rest_parse_raw_payload(const struct acg_member *payload, const struct acg_http_message *msg,
                               void *out, struct acg_arena *arena, struct acg_error *err)
{
    unsigned char *p = (unsigned char *)out + payload->offset;
    if (payload->shape->type == ACG_SHAPE_BLOB) {
        struct acg_blob *b = (void *)p;
        uint8_t *data = acg_arena_calloc(arena, msg->body_len + 1, 1);
        if (data == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the body");
        if (msg->body_len > 0)
            memcpy(data, msg->body, msg->body_len);
        b->data = data;
        b->len = msg->body_len;
        return ACG_OK;
    }
    char *text = acg_arena_strndup(arena, msg->body ? msg->body : "", msg->body_len);
    if (text == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the body");
    memcpy(p, &text, sizeof text);
    return ACG_OK;
}
