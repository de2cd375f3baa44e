/* restXml: HTTP bindings from the model (acg_rest.c) and an XML body, as botocore's
 * RestXMLSerializer and RestXMLParser do it (Route 53, CloudFront, S3, S3 Control).
 *
 * Requests: a structure payload member is the body, its element named by the member's
 * locationName with its xmlNamespace; without a payload member, the input's body members
 * go into one element named by the operation's input reference (locationName and
 * xmlNamespace, which the generator puts on the input shape); a blob or string payload is
 * the body as it is. No body member set: no body. botocore sends no Content-Type. Route 53
 * id members keep what follows their last '/', as botocore's fix_route53_ids makes them.
 *
 * Responses: the root element is the output (or its payload member), whatever its name;
 * a modelled error's members sit in <ErrorResponse><Error> (Route 53, CloudFront) or in a
 * bare <Error> root (S3). */
#include <string.h>

#include "acg_protocol_private.h"
#include "protocol/acg_s3.h"
#include "xml/acg_xml.h"

/* A copy of the input with every absent top-level idempotency token filled in, as
 * botocore's generate_idempotent_uuid handler does before serializing; in itself when
 * there is none to fill. The copy and the tokens live in req->arena; *filled tells whether
 * one of the tokens filled in goes in the body. */
static int fill_tokens(const struct acg_shape *s, const void *in, const struct acg_build_ctx *ctx,
                       struct acg_request *req, const void **out, bool *filled,
                       struct acg_error *err)
{
    unsigned char *copy = NULL;
    *out = in;
    *filled = false;
    for (size_t i = 0; ctx != NULL && ctx->token != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if (!(m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) || m->shape->type != ACG_SHAPE_STRING ||
            acg_member_present(m, in))
            continue;
        if (req->arena == NULL && (req->arena = acg_arena_new()) == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
        if (copy == NULL && (copy = acg_arena_calloc(req->arena, 1, s->size)) != NULL)
            memcpy(copy, in, s->size);
        char *token = acg_arena_calloc(req->arena, 37, 1);
        if (copy == NULL || token == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
        ctx->token(ctx->token_ctx, token);
        memcpy(copy + m->offset, &token, sizeof token);
        *out = copy;
        *filled = *filled || m->location == ACG_LOC_BODY;
    }
    return ACG_OK;
}

/* botocore's fix_route53_ids (before-parameter-build.route53): a Route 53 id member keeps
 * only what follows its last '/', so an output's "/hostedzone/Z1D633PJN98FT9" can be passed
 * back as it is. */
static bool route53_id(const struct acg_service *svc, const struct acg_member *m)
{
    static const char *const names[] = { "ResourceId", "DelegationSetId", "ChangeId" };
    if (svc == NULL || svc->service_id == NULL || strcmp(svc->service_id, "Route 53") != 0 ||
        m->shape->type != ACG_SHAPE_STRING || m->shape->name == NULL)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(m->shape->name, names[i]) == 0)
            return true;
    }
    return false;
}

static int fix_ids(const struct acg_service *svc, const struct acg_shape *s, const void *in,
                   struct acg_arena **arena, const void **out, struct acg_error *err)
{
    unsigned char *copy = NULL;
    *out = in;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        const char *value;
        if (!route53_id(svc, m) || !acg_member_present(m, in))
            continue;
        memcpy(&value, (const unsigned char *)in + m->offset, sizeof value);
        const char *slash = strrchr(value, '/');
        if (slash == NULL)
            continue;
        if (*arena == NULL && (*arena = acg_arena_new()) == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
        if (copy == NULL && (copy = acg_arena_calloc(*arena, 1, s->size)) != NULL)
            memcpy(copy, in, s->size);
        if (copy == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
        value = slash + 1;
        memcpy(copy + m->offset, &value, sizeof value);
        *out = copy;
    }
    return ACG_OK;
}

int acg_restxml_prepare(const struct acg_service *svc, const struct acg_operation *op,
                        const void *in, struct acg_arena **arena, const void **out,
                        struct acg_error *err)
{
    *out = in;
    if (op->input == NULL || in == NULL)
        return ACG_OK;
    return fix_ids(svc, op->input, in, arena, out, err);
}

/* The body of an input without a payload member: its body members in the element the
 * input reference names. Tokens filled in come last, after the caller's members, as
 * botocore adds them to the end of its parameters. */
static int write_body(struct acg_xml_writer *w, const struct acg_shape *s, const void *in,
                      const void *filled, const char *root)
{
    struct acg_buf *b = w->out;
    size_t end_len = strlen(root) + 3;
    ACG_TRY(acg_xml_encode(w, s, in, root, NULL));
    if (filled == in)
        return ACG_OK;
    /* Reopen the root: drop "</root>", or turn "<root ... />" into "<root ...>". */
    if (b->len >= 3 && memcmp(b->data + b->len - 3, " />", 3) == 0) {
        b->len -= 3;
        b->data[b->len] = '\0';
        ACG_TRY(acg_buf_append_char(b, '>'));
    } else if (b->len >= end_len) {
        b->len -= end_len;
        b->data[b->len] = '\0';
    }
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if ((m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) && m->location == ACG_LOC_BODY &&
            !acg_member_present(m, in) && acg_member_present(m, filled))
            ACG_TRY(acg_xml_encode_member(w, m, (const unsigned char *)filled + m->offset));
    }
    return acg_buf_printf(b, "</%s>", root);
}

static bool any_body_value(const struct acg_shape *s, const void *in)
{
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if (m->location == ACG_LOC_BODY && acg_member_present(m, in))
            return true;
    }
    return false;
}

int acg_restxml_build(const struct acg_service *svc, const struct acg_operation *op,
                      const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                      struct acg_error *err)
{
    const struct acg_shape *s = op->input;
    const struct acg_member *payload = acg_rest_payload(s);
    struct acg_xml_writer w;
    const void *filled = in;
    bool token_in_body = false;
    int rc = ACG_OK;
    if (s != NULL && in != NULL) {
        ACG_TRY(fix_ids(svc, s, in, &req->arena, &in, err));
        ACG_TRY(fill_tokens(s, in, ctx, req, &filled, &token_in_body, err));
    }
    /* S3: the endpoint rules place the bucket (host or path), so the URI goes without it */
    struct acg_operation bound = *op;
    bound.request_uri = acg_s3_request_uri(svc, op);
    ACG_TRY(acg_rest_bind(&bound, filled, ctx, req, err));
    if (req->path.len == 0 && acg_buf_append_char(&req->path, '/') != ACG_OK)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    if (s == NULL || in == NULL)
        return ACG_OK;
    acg_xml_writer_init(&w, &req->body, err);
    if (payload != NULL && (payload->shape->type == ACG_SHAPE_BLOB ||
                            payload->shape->type == ACG_SHAPE_STRING)) {
        rc = acg_rest_raw_payload(&req->body, payload, in);
    } else if (payload != NULL) {
        const void *value;
        memcpy(&value, (const unsigned char *)in + payload->offset, sizeof value);
        if (payload->shape->type != ACG_SHAPE_STRUCTURE && payload->shape->type != ACG_SHAPE_UNION)
            return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the rest-xml protocol feature %s "
                                 "payloads (%s.%s) is not supported",
                                 payload->shape->type == ACG_SHAPE_DOCUMENT ? "document" : "list",
                                 s->name, payload->name);
        if (value != NULL)   /* botocore sends no body for an absent payload */
            rc = acg_xml_encode_member(&w, payload, value);
    } else if (any_body_value(s, filled)) {
        rc = write_body(&w, s, in, token_in_body ? filled : in,
                        acg_shape_xml_name(s) != NULL ? acg_shape_xml_name(s) : s->name);
    }
    if (rc != ACG_OK)
        return err != NULL && err->status != ACG_OK
                   ? err->status
                   : acg_error_set(err, rc, "cannot write the %s input as XML", op->name);
    return ACG_OK;
}

int acg_restxml_parse(const struct acg_service *svc, const struct acg_shape *shape,
                      const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                      struct acg_error *err)
{
    (void)svc;
    /* botocore's _get_error_root: <ErrorResponse><Error>, else the root itself. */
    static const char *const error_root[] = { "ErrorResponse", "Error", NULL };
    const struct acg_member *payload = acg_rest_payload(shape);
    ACG_TRY(acg_rest_parse_bound(shape, msg, true, out, arena, err));
    if (payload == NULL)
        return acg_xml_decode(msg->body, msg->body_len, shape,
                              (shape->flags & ACG_SHAPE_EXCEPTION) ? error_root : NULL, out,
                              arena, err);
    if (payload->shape->type == ACG_SHAPE_BLOB || payload->shape->type == ACG_SHAPE_STRING)
        return acg_rest_parse_raw_payload(payload, msg, out, arena, err);
    if (payload->shape->type != ACG_SHAPE_STRUCTURE && payload->shape->type != ACG_SHAPE_UNION)
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the rest-xml protocol feature %s "
                             "payloads (%s.%s) is not supported",
                             payload->shape->type == ACG_SHAPE_DOCUMENT ? "document" : "list",
                             shape->name, payload->name);
    /* A structure payload is there even when the body is empty, as botocore parses it. */
    void *value = acg_arena_calloc(arena, 1, payload->shape->size);
    if (value == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the body");
    memcpy((unsigned char *)out + payload->offset, &value, sizeof value);
    return acg_xml_decode(msg->body, msg->body_len, payload->shape,
                          (payload->shape->flags & ACG_SHAPE_EXCEPTION) ? error_root : NULL,
                          value, arena, err);
}

static int restxml_parse_error(const struct acg_service *svc, const struct acg_http_message *msg,
                               const char *request_id_header, struct acg_error *err)
{
    (void)svc;
    return acg_error_xml_decode(msg, true, request_id_header, err);
}

const struct acg_codec acg_codec_rest_xml = {
    .prepare_input = acg_restxml_prepare,
    .build = acg_restxml_build,
    .parse = acg_restxml_parse,
    .parse_error = restxml_parse_error,
};
