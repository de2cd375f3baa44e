/* awsQuery and ec2: every operation is POST / with a form-encoded body, Action=Name&
 * Version=apiVersion and the input's members as botocore's QuerySerializer and
 * EC2Serializer name them; answers are XML.
 *
 *   awsQuery  Tags.member.1.Key=k       wrapped list: .member (or the list's locationName)
 *             Tags.1.Key=k              flattened list (named by its locationName, if any)
 *             Attributes.entry.1.key=a  map (flattened: no .entry)
 *             Tags=                     an empty list is sent empty
 *   ec2       TagSpecification.1.Tag.1.Key=k   lists are always Name.N; names are queryName,
 *                                              else locationName with a capital first letter
 *
 * A query answer wraps the output in <NameResponse><NameResult>; ec2's does not. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_base64.h"
#include "xml/acg_xml.h"
#include "acg_protocol_private.h"

/* A parameter name like "A.member.1.B.entry.2.value" never needs more in AWS's models. */
#define KEY_MAX 512

struct form {
    struct acg_buf *body;
    bool ec2;
    const struct acg_build_ctx *ctx;
    struct acg_error *err;
    char key[KEY_MAX];
    size_t key_len;
};

/* Python's quote_plus, which urlencode uses: unreserved bytes as they are, space as '+'. */
static int put_encoded(struct acg_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            ACG_TRY(acg_buf_append_char(out, (char)c));
        } else if (c == ' ') {
            ACG_TRY(acg_buf_append_char(out, '+'));
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            ACG_TRY(acg_buf_append(out, esc, 3));
        }
    }
    return ACG_OK;
}

static int put_param(struct form *f, const char *value, size_t len)
{
    ACG_TRY(acg_buf_append_char(f->body, '&'));
    ACG_TRY(put_encoded(f->body, f->key, f->key_len));
    ACG_TRY(acg_buf_append_char(f->body, '='));
    return put_encoded(f->body, value, len);
}

/* Appends ".name" (or "name" at the top) to the key; *saved is where to cut it back. With
 * capital, the first letter is upper case (ec2's locationName rule). */
static int push(struct form *f, const char *name, bool capital, size_t *saved)
{
    size_t len = strlen(name), dot = f->key_len > 0;
    *saved = f->key_len;
    if (f->key_len + dot + len >= KEY_MAX)
        return acg_error_set(f->err, ACG_ERR_INVALID_ARG, "the parameter name %.100s.%s is "
                             "longer than %d bytes", f->key, name, KEY_MAX);
    if (dot)
        f->key[f->key_len++] = '.';
    memcpy(f->key + f->key_len, name, len);
    if (capital && name[0] >= 'a' && name[0] <= 'z')
        f->key[f->key_len] = (char)(name[0] - 'a' + 'A');
    f->key_len += len;
    f->key[f->key_len] = '\0';
    return ACG_OK;
}

static int push_index(struct form *f, size_t i, size_t *saved)
{
    char n[24];
    snprintf(n, sizeof n, "%zu", i);
    return push(f, n, false, saved);
}

static void pop(struct form *f, size_t saved)
{
    f->key_len = saved;
    f->key[saved] = '\0';
}

/* A member's name in the form, and whether ec2 capitalises it: botocore's
 * _get_serialized_name (queryName is in wire_name already, and capitalised as written). */
static const char *member_name(const struct form *f, const struct acg_member *m, bool *capital)
{
    const char *wire = m->wire_name != NULL ? m->wire_name : acg_shape_xml_name(m->shape);
    *capital = f->ec2 && wire != NULL;
    return wire != NULL ? wire : m->name;
}

static int put_value(struct form *f, const struct acg_shape *s, const void *p, int ts_format);
static int put_list(struct form *f, const struct acg_shape *s, const struct acg_seq *seq,
                    bool flat);
static int put_map(struct form *f, const struct acg_shape *s, const struct acg_seq *seq,
                   bool flat);

/* Flattened by the member or by the list or map shape itself. */
static bool flattened(const struct acg_member *m)
{
    return (m->flags & ACG_MEMBER_FLATTENED) || (m->shape->flags & ACG_SHAPE_FLATTENED);
}

static int put_struct(struct form *f, const struct acg_shape *s, const unsigned char *base)
{
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        bool capital = false, present = acg_member_present(m, base);
        size_t saved;
        /* botocore fills an absent idempotency token with a fresh UUID. */
        bool token = !present && (m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) &&
                     m->shape->type == ACG_SHAPE_STRING && f->ctx != NULL && f->ctx->token != NULL;
        if (!present && !token)
            continue;
        const char *name = member_name(f, m, &capital);
        ACG_TRY(push(f, name, capital, &saved));
        if (token) {
            char uuid[37];
            f->ctx->token(f->ctx->token_ctx, uuid);
            ACG_TRY(put_param(f, uuid, strlen(uuid)));
        } else if (m->shape->type == ACG_SHAPE_LIST) {
            ACG_TRY(put_list(f, m->shape, (const void *)(base + m->offset), flattened(m)));
        } else if (m->shape->type == ACG_SHAPE_MAP) {
            ACG_TRY(put_map(f, m->shape, (const void *)(base + m->offset), flattened(m)));
        } else {
            const void *p = base + m->offset;
            if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
                memcpy(&p, base + m->offset, sizeof p);
            ACG_TRY(put_value(f, m->shape, p, m->ts_format));
        }
        pop(f, saved);
    }
    return ACG_OK;
}

static int put_list(struct form *f, const struct acg_shape *s, const struct acg_seq *seq,
                    bool flat)
{
    const unsigned char *items = seq->items;
    size_t saved = f->key_len, ignored;
    if (seq->count == 0)
        return f->ec2 ? ACG_OK : put_param(f, "", 0);   /* query sends an empty list empty */
    if (!f->ec2 && flat && acg_shape_item_name(s) != NULL) {
        /* "A.B" becomes "A.ItemName": the item's name replaces the member's. */
        char *dot = strrchr(f->key, '.');
        pop(f, dot != NULL ? (size_t)(dot - f->key) : 0);
        ACG_TRY(push(f, acg_shape_item_name(s), false, &ignored));
    } else if (!f->ec2 && !flat) {
        ACG_TRY(push(f, acg_shape_item_name(s) != NULL ? acg_shape_item_name(s) : "member", false,
                     &ignored));
    }
    for (size_t i = 0; i < seq->count; i++) {
        size_t at;
        ACG_TRY(push_index(f, i + 1, &at));
        ACG_TRY(put_value(f, s->item, items + i * s->item_size, ACG_TS_DEFAULT));
        pop(f, at);
    }
    pop(f, saved);
    return ACG_OK;
}

static int put_map(struct form *f, const struct acg_shape *s, const struct acg_seq *seq,
                   bool flat)
{
    const unsigned char *items = seq->items;
    const struct acg_member *key = &s->members[0], *value = &s->members[1];
    size_t saved = f->key_len, ignored;
    if (!flat)
        ACG_TRY(push(f, "entry", false, &ignored));
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = items + i * s->item_size;
        size_t at, inner;
        ACG_TRY(push_index(f, i + 1, &at));
        ACG_TRY(push(f, key->wire_name != NULL ? key->wire_name : "key",
                     f->ec2 && key->wire_name != NULL, &inner));
        ACG_TRY(put_value(f, key->shape, entry + key->offset, ACG_TS_DEFAULT));
        pop(f, inner);
        ACG_TRY(push(f, value->wire_name != NULL ? value->wire_name : "value",
                     f->ec2 && value->wire_name != NULL, &inner));
        ACG_TRY(put_value(f, value->shape, entry + value->offset, value->ts_format));
        pop(f, at);
    }
    pop(f, saved);
    return ACG_OK;
}

static int put_timestamp(struct form *f, const struct acg_shape *s, const void *p, int ts_format)
{
    char text[ACG_TIME_TEXT_MAX];
    int fmt = ts_format != ACG_TS_DEFAULT ? ts_format : s->ts_format;
    size_t n = acg_time_format(p, fmt == ACG_TS_EPOCH_SECONDS ? ACG_TIME_EPOCH
                                  : fmt == ACG_TS_HTTP_DATE ? ACG_TIME_HTTP_DATE : ACG_TIME_ISO8601,
                               text);
    return put_param(f, text, n);
}

/* One value as a list element holds it, under the current key. */
static int put_value(struct form *f, const struct acg_shape *s, const void *p, int ts_format)
{
    char num[ACG_XML_NUMBER_MAX];
    size_t n;
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        return put_struct(f, s, p);
    case ACG_SHAPE_LIST:
        return put_list(f, s, p, (s->flags & ACG_SHAPE_FLATTENED) != 0);
    case ACG_SHAPE_MAP:
        return put_map(f, s, p, (s->flags & ACG_SHAPE_FLATTENED) != 0);
    case ACG_SHAPE_STRING: {
        const char *str;
        memcpy(&str, p, sizeof str);
        return str != NULL ? put_param(f, str, strlen(str)) : ACG_OK;
    }
    case ACG_SHAPE_BOOLEAN:
        return put_param(f, *(const bool *)p ? "true" : "false", *(const bool *)p ? 4 : 5);
    case ACG_SHAPE_INTEGER:
        n = (size_t)snprintf(num, sizeof num, "%" PRId32, *(const int32_t *)p);
        return put_param(f, num, n);
    case ACG_SHAPE_LONG:
        n = (size_t)snprintf(num, sizeof num, "%" PRId64, *(const int64_t *)p);
        return put_param(f, num, n);
    case ACG_SHAPE_FLOAT:
        return put_param(f, num, acg_xml_format_double(*(const float *)p, true, num));
    case ACG_SHAPE_DOUBLE:
        return put_param(f, num, acg_xml_format_double(*(const double *)p, false, num));
    case ACG_SHAPE_TIMESTAMP:
        return put_timestamp(f, s, p, ts_format);
    case ACG_SHAPE_BLOB: {
        struct acg_buf b64;
        acg_buf_init(&b64, 0);
        int rc = acg_base64_encode(((const struct acg_blob *)p)->data,
                                   ((const struct acg_blob *)p)->len, &b64);
        if (rc == ACG_OK)
            rc = put_param(f, b64.data != NULL ? b64.data : "", b64.len);
        acg_buf_free(&b64);
        return rc;
    }
    default:
        return acg_error_set(f->err, ACG_ERR_UNSUPPORTED, "%s: a document cannot be sent by the "
                             "query protocol", f->key);
    }
}

int acg_query_build(const struct acg_service *svc, const struct acg_operation *op,
                    const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                    struct acg_error *err)
{
    struct form f = { .body = &req->body, .ec2 = svc->protocol == ACG_PROTOCOL_EC2, .ctx = ctx,
                      .err = err };
    req->method = op->http_method != NULL ? op->http_method : "POST";
    ACG_TRY(acg_buf_append_char(&req->path, '/'));
    ACG_TRY(acg_request_add_header(req, "Content-Type",
                                   "application/x-www-form-urlencoded; charset=utf-8", err));
    int rc = acg_buf_append_str(&req->body, "Action=");
    if (rc == ACG_OK)
        rc = put_encoded(&req->body, op->name, strlen(op->name));
    if (rc == ACG_OK)
        rc = acg_buf_append_str(&req->body, "&Version=");
    if (rc == ACG_OK && svc->api_version != NULL)
        rc = put_encoded(&req->body, svc->api_version, strlen(svc->api_version));
    if (rc == ACG_OK && op->input != NULL && in != NULL)
        rc = put_struct(&f, op->input, in);
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "cannot write the %s input as a query string: %s", op->name,
                             acg_status_name((enum acg_status)rc));
    return ACG_OK;
}

int acg_query_parse(const struct acg_service *svc, const struct acg_shape *shape,
                    const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                    struct acg_error *err)
{
    /* <NameResponse><NameResult>: the result wrapper is the operation's name with Result
     * (botocore's resultWrapper says so in every query model), so it is matched by that
     * suffix under whatever root the answer has. */
    static const char *const result[] = { "*", "*Result", NULL };
    /* A modelled error's members sit in <ErrorResponse><Error> (ec2:
     * <Response><Errors><Error>), as botocore's _get_error_root finds them. */
    static const char *const query_error[] = { "ErrorResponse", "Error", NULL };
    static const char *const ec2_error[] = { "*", "Errors", "Error", NULL };
    bool ec2 = svc->protocol == ACG_PROTOCOL_EC2;
    const char *const *path = ec2 ? NULL : result;
    if (shape->flags & ACG_SHAPE_EXCEPTION)
        path = ec2 ? ec2_error : query_error;
    return acg_xml_decode(msg->body, msg->body_len, shape, path, out, arena, err);
}

static int query_parse_error(const struct acg_service *svc, const struct acg_http_message *msg,
                             const char *request_id_header, struct acg_error *err)
{
    (void)svc;
    return acg_error_xml_decode(msg, false, request_id_header, err);
}

/* awsQuery's codec, and ec2's: the build and parse steps ask svc->protocol which one. */
const struct acg_codec acg_codec_query = {
    .build = acg_query_build,
    .parse = acg_query_parse,
    .parse_error = query_parse_error,
};
