/* restJson1: HTTP bindings from the model (acg_rest.c) and a JSON body, as botocore's
 * RestJSONSerializer and RestJSONParser do it. */
#include <string.h>
#include <strings.h>

#include "acg_protocol_private.h"
#include "json/acg_json.h"

static int write_json(struct acg_request *req, const struct acg_shape *s, const void *value,
                      bool body_only, const struct acg_build_ctx *ctx, struct acg_error *err)
{
    struct acg_json_writer w;
    struct acg_json_encode_opts opts = { .body_only = body_only,
                                         .token = ctx ? ctx->token : NULL,
                                         .token_ctx = ctx ? ctx->token_ctx : NULL };
    acg_json_writer_init(&w, &req->body, ACG_JSON_WIRE);
    w.err = err;
    return acg_json_encode(&w, s, value, &opts);
}

static bool has_body_member(const struct acg_shape *s)
{
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        if (s->members[i].location == ACG_LOC_BODY)
            return true;
    }
    return false;
}

static bool any_body_value(const struct acg_shape *s, const void *in)
{
    for (size_t i = 0; s != NULL && in != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if (m->location == ACG_LOC_BODY &&
            (acg_member_present(m, in) || (m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN)))
            return true;
    }
    return false;
}

static bool has_header(const struct acg_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return true;
    }
    return false;
}

int acg_restjson_build(const struct acg_service *svc, const struct acg_operation *op,
                       const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                       struct acg_error *err)
{
    const struct acg_shape *s = op->input;
    const struct acg_member *payload = acg_rest_payload(s);
    bool raw = payload != NULL && (payload->shape->type == ACG_SHAPE_BLOB ||
                                   payload->shape->type == ACG_SHAPE_STRING);
    int rc;
    (void)svc;
    ACG_TRY(acg_rest_bind(op, in, ctx, req, err));
    if (s == NULL || in == NULL)
        return ACG_OK;
    if (raw) {
        rc = acg_rest_raw_payload(&req->body, payload, in);
    } else if (payload != NULL) {
        /* A structure's pointer, or a document's text: NULL when the payload is absent. */
        const void *value;
        memcpy(&value, (const unsigned char *)in + payload->offset, sizeof value);
        if (value != NULL && payload->shape->type == ACG_SHAPE_DOCUMENT)
            value = (const unsigned char *)in + payload->offset;
        rc = value != NULL ? write_json(req, payload->shape, value, false, NULL, err)
                           : acg_buf_append_str(&req->body, "{}");
    } else if (any_body_value(s, in)) {
        rc = write_json(req, s, in, true, ctx, err);
    } else {
        /* botocore sends {} when the input has body members, none of them set. */
        rc = has_body_member(s) ? acg_buf_append_str(&req->body, "{}") : ACG_OK;
    }
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "cannot write the %s input as JSON", op->name);
    if (!raw && req->body.len > 0 && !has_header(req, "Content-Type"))
        ACG_TRY(acg_request_add_header(req, "Content-Type", "application/json", err));
    return ACG_OK;
}

int acg_restjson_parse(const struct acg_service *svc, const struct acg_shape *shape,
                       const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                       struct acg_error *err)
{
    (void)svc;
    const struct acg_member *payload = acg_rest_payload(shape);
    unsigned char *base = out;
    ACG_TRY(acg_rest_parse_bound(shape, msg, false, out, arena, err));
    if (payload == NULL)
        return acg_json_decode_rest_body(msg->body, msg->body_len, shape, out, arena, err);
    unsigned char *p = base + payload->offset;
    switch (payload->shape->type) {
    case ACG_SHAPE_BLOB: case ACG_SHAPE_STRING:
        return acg_rest_parse_raw_payload(payload, msg, out, arena, err);
    case ACG_SHAPE_DOCUMENT: {
        /* botocore reads an empty body as {} here too. */
        char *text = msg->body_len > 0 ? acg_arena_strndup(arena, msg->body, msg->body_len)
                                       : acg_arena_strndup(arena, "{}", 2);
        if (text == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the body");
        if (msg->body_len > 0 && !acg_rest_is_json(text, msg->body_len, err))
            return ACG_ERR_JSON;
        memcpy(p, &text, sizeof text);
        return ACG_OK;
    }
    default: {
        /* A structure payload is present even when the body is empty, as botocore parses
         * it ({} for nothing). */
        void *value = acg_arena_calloc(arena, 1, payload->shape->size);
        if (value == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the body");
        memcpy(p, &value, sizeof value);
        return acg_json_decode_rest_body(msg->body, msg->body_len, payload->shape, value, arena,
                                         err);
    }
    }
}

int acg_restjson_parse_pulled(const struct acg_shape *shape, const struct acg_http_message *msg,
                              acg_json_pull_fn pull, void *pull_ctx, void *out,
                              struct acg_arena *arena, struct acg_error *err)
{
    ACG_TRY(acg_rest_parse_bound(shape, msg, false, out, arena, err));
    return acg_json_decode_rest_pull(pull, pull_ctx, shape, out, arena, err);
}

/* The string value of member name in the top-level object, or NULL; *seen tells whether
 * the member is there at all. */
static const char *top_string(struct acg_json_reader *r, const char *name, bool *seen)
{
    *seen = false;
    for (int k = acg_json_object_next(r, 0, 0); k > 0; k = acg_json_object_next(r, 0, k)) {
        const char *s = NULL;
        if (!acg_json_key_is(r, k, name))
            continue;
        *seen = true;
        if (r->toks[k + 1].type == ACG_JSON_STRING && acg_json_read_string(r, k + 1, &s) == ACG_OK)
            return s;
        return NULL;
    }
    return NULL;
}

bool acg_restjson_error_code(const char *error_type_header, const char *body, size_t len,
                             char *code, size_t size)
{
    struct acg_arena *arena;
    struct acg_json_reader r;
    const char *found = NULL;
    bool seen = false, wrote = false;
    if ((error_type_header != NULL && error_type_header[0] != '\0') || len == 0 || size == 0)
        return false;
    arena = acg_arena_new();
    if (arena != NULL && acg_json_reader_parse(&r, body, len, arena, NULL) == ACG_OK &&
        r.ntoks > 0 && r.toks[0].type == ACG_JSON_OBJECT) {
        /* botocore: body.get('code', body.get('Code')); a null code keeps the __type. */
        found = top_string(&r, "code", &seen);
        if (!seen)
            found = top_string(&r, "Code", &seen);
        if (found != NULL) {
            size_t n = strcspn(found, ":");
            const char *hash = NULL;
            for (size_t i = 0; i < n; i++)
                hash = found[i] == '#' ? found + i : hash;
            if (hash != NULL) {
                n -= (size_t)(hash + 1 - found);
                found = hash + 1;
            }
            if (n >= size)
                n = size - 1;
            memcpy(code, found, n);
            code[n] = '\0';
            wrote = true;
        }
    }
    if (arena != NULL)
        acg_json_reader_free(&r);
    acg_arena_destroy(arena);
    return wrote;
}

/* A body that is one JSON document: not a payload member's bytes. */
static bool restjson_pulls(const struct acg_shape *output)
{
    return acg_rest_payload(output) == NULL;
}

const struct acg_codec acg_codec_rest_json = {
    .build = acg_restjson_build,
    .parse = acg_restjson_parse,
    .error_code = acg_restjson_error_code,
    .pulls = restjson_pulls,
    .parse_pulled = acg_restjson_parse_pulled,
};
