/* One call of any operation, driven by its descriptor: validate, build, send, decode. The
 * generated per-operation functions are thin typed wrappers around acg_call(). */
#include <stdlib.h>
#include <string.h>

#include "client/acg_call_steps.h"
#include "client/acg_client.h"
#include "client/acg_operation.h"
#include "json/acg_json.h"

#define MAX_CONTEXT_PARAMS ACG_MAX_CONTEXT_PARAMS

static void token(void *ctx, char out[37])
{
    acg_uuid4(ctx, out);
}

/* The input as the debug log shows it: compact JSON with sensitive members redacted. */
static void log_input(struct acg_client *c, const struct acg_operation *op, const void *in)
{
    struct acg_buf shown;
    struct acg_json_writer w;
    if (!acg_client_log_enabled(c, ACG_LOG_DEBUG) || op->input == NULL)
        return;
    acg_buf_init(&shown, 0);
    acg_json_writer_init(&w, &shown, ACG_JSON_REDACTED);
    struct acg_json_encode_opts opts = { .member_names = true };
    if (acg_json_encode(&w, op->input, in, &opts) == ACG_OK)
        acg_client_log(c, ACG_LOG_DEBUG, "input: %s", shown.data);
    acg_buf_free(&shown);
}

/* A string input member's value, or NULL. */
static const char *string_member(const struct acg_shape *in_shape, const void *in,
                                 const char *name)
{
    const struct acg_member *m = acg_shape_find_member(in_shape, name, strlen(name));
    const char *v = NULL;
    if (m != NULL && m->shape->type == ACG_SHAPE_STRING)
        memcpy(&v, (const unsigned char *)in + m->offset, sizeof v);
    return v;
}

/* The operation's hostPrefix with each {Label} replaced by that input member, which must
 * be a valid host label part, as botocore checks. */
static int expand_host_prefix(const struct acg_operation *op, const void *in, char *out,
                              size_t size, struct acg_error *err)
{
    size_t n = 0;
    for (const char *p = op->host_prefix; *p != '\0';) {
        const char *piece = p;
        size_t len = 1;
        if (*p == '{') {
            const char *end = strchr(p, '}');
            char label[128];
            len = end != NULL ? (size_t)(end - p - 1) : 0;
            if (end == NULL || len >= sizeof label)
                return acg_error_set(err, ACG_ERR_INVALID_ARG, "bad hostPrefix in %s", op->name);
            memcpy(label, p + 1, len);
            label[len] = '\0';
            piece = op->input != NULL && in != NULL ? string_member(op->input, in, label) : NULL;
            if (piece == NULL || piece[0] == '\0' || strspn(piece, "abcdefghijklmnopqrstuvwxyz"
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(piece))
                return acg_error_set_at(err, ACG_ERR_VALIDATION, label,
                                        "Invalid value for parameter %s: must be a valid host "
                                        "label", label);
            p = end + 1;
            len = strlen(piece);
        } else {
            p++;
        }
        if (n + len >= size)
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "the host prefix is too long");
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = '\0';
    return ACG_OK;
}

/* Collects the endpoint parameters the operation binds. */
static size_t context_params(const struct acg_operation *op, const void *in,
                             struct acg_endpoint_param *out)
{
    size_t n = 0;
    const struct acg_shape *s = op->input;
    for (size_t i = 0; s != NULL && in != NULL && i < s->member_count && n < MAX_CONTEXT_PARAMS;
         i++) {
        const struct acg_member *m = &s->members[i];
        if (m->context_param == NULL || !acg_member_present(m, in))
            continue;
        const unsigned char *p = (const unsigned char *)in + m->offset;
        out[n] = (struct acg_endpoint_param){ .name = m->context_param };
        if (m->shape->type == ACG_SHAPE_BOOLEAN) {
            out[n].type = ACG_EP_BOOL;
            memcpy(&out[n].boolean, p, sizeof out[n].boolean);
        } else if (m->shape->type == ACG_SHAPE_STRING) {
            out[n].type = ACG_EP_STRING;
            memcpy(&out[n].str, p, sizeof out[n].str);
        } else {
            continue;
        }
        n++;
    }
    for (size_t i = 0; i < op->static_param_count && n < MAX_CONTEXT_PARAMS; i++) {
        const struct acg_static_param *sp = &op->static_params[i];
        out[n++] = (struct acg_endpoint_param){ .name = sp->name,
                                                .type = sp->value ? ACG_EP_STRING : ACG_EP_BOOL,
                                                .str = sp->value,
                                                .boolean = sp->boolean };
    }
    /* operationContextParams paths that name a top-level string member. */
    for (size_t i = 0; i < op->path_param_count && n < MAX_CONTEXT_PARAMS && in != NULL; i++) {
        const char *v = string_member(s, in, op->path_params[i].path);
        if (v != NULL)
            out[n++] = (struct acg_endpoint_param){ .name = op->path_params[i].name,
                                                    .type = ACG_EP_STRING,
                                                    .str = v };
    }
    return n;
}

static void release_detail(void *detail)
{
    struct acg_arena *arena;
    memcpy(&arena, detail, sizeof arena);   /* arena_ is the first member of error structs */
    acg_arena_destroy(arena);
}

/* A service error the model describes: its body decoded into the error's struct, kept in
 * err->detail. A body that does not decode leaves only the code and message. */
static void decode_detail(const struct acg_service *svc, const struct acg_response *resp,
                          struct acg_error *err)
{
    const struct acg_shape *s = acg_service_find_error(svc, err->aws_type);
    struct acg_http_message msg = { resp->http_status, resp->body.data, resp->body.len,
                                    resp->headers, resp->header_count };
    if (s == NULL || !(s->flags & ACG_SHAPE_TOP_LEVEL) || err->detail != NULL)
        return;
    struct acg_arena *arena = acg_arena_new();
    void *detail = arena ? acg_arena_calloc(arena, 1, s->size) : NULL;
    if (detail == NULL || acg_protocol_parse(svc, s, &msg, detail, arena, NULL) != ACG_OK) {
        acg_arena_destroy(arena);
        return;
    }
    memcpy(detail, &arena, sizeof arena);
    err->detail = detail;
    err->detail_free = release_detail;
    err->detail_shape = s;
}

static int decode_output(const struct acg_service *svc, const struct acg_operation *op,
                         const struct acg_response *resp, void *out, struct acg_error *err)
{
    struct acg_http_message msg = { resp->http_status, resp->body.data, resp->body.len,
                                    resp->headers, resp->header_count };
    if (op->output == NULL || out == NULL)
        return ACG_OK;
    struct acg_arena *arena = acg_arena_new();
    if (arena == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the %s response",
                             op->name);
    int rc = acg_protocol_parse(svc, op->output, &msg, out, arena, err);
    if (rc != ACG_OK) {
        acg_release(arena, out, op->output->size);
        acg_op_response_error(err, op->name);
        return rc;
    }
    memcpy(out, &arena, sizeof arena);      /* arena_ is the first member of outputs */
    return ACG_OK;
}

bool acg_operation_streams_output(const struct acg_operation *op)
{
    const struct acg_shape *s = op->output;
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if ((m->flags & ACG_MEMBER_PAYLOAD) && m->shape->type == ACG_SHAPE_BLOB &&
            ((m->flags & ACG_MEMBER_STREAMING) || (m->shape->flags & ACG_SHAPE_STREAMING)))
            return true;
    }
    return false;
}

int acg_call(struct acg_client *c, const struct acg_operation *op, const void *in, void *out,
             struct acg_error *err)
{
    return acg_call_ex(c, op, in, out, NULL, err);
}

int acg_call_prepare(struct acg_client *c, const struct acg_operation *op, const void *in,
                     void *out, const struct acg_call_options *options, struct acg_call_prep *p,
                     struct acg_error *err)
{
    struct acg_validator v;
    int rc;

    /* The output is zeroed before anything can fail, so its _free is always safe. */
    if (op != NULL && op->output != NULL && out != NULL)
        memset(out, 0, op->output->size);
    if (c == NULL || op == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_call: no client or operation");
    if (op->input != NULL && in == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s: the input is NULL", op->name);
    if (op->flags & ACG_OP_EVENT_STREAM)
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "operation %s uses event streams, which "
                             "this runtime does not support", op->name);
    acg_validator_init(&v);
    if (op->input != NULL && acg_client_validation_mode(c) != ACG_VALIDATE_OFF)
        acg_validate_shape(&v, op->input, in);
    ACG_TRY(acg_op_check(c, &v, err));

    const struct acg_service *svc = acg_client_service(c);
    p->send = (struct acg_send){ .op = op, .req = &p->req, .context = p->params,
                                 .want_headers = svc->protocol == ACG_PROTOCOL_REST_JSON ||
                                                 svc->protocol == ACG_PROTOCOL_REST_XML };
    if (options != NULL && options->output_sink != NULL && acg_operation_streams_output(op))
        p->send.sink = options->output_sink;
    struct acg_build_ctx ctx = { token, c };
    acg_request_init(&p->req);
    rc = acg_protocol_build(svc, op, in, &ctx, &p->req, err);
    if (rc == ACG_OK && op->host_prefix != NULL) {
        rc = expand_host_prefix(op, in, p->host_prefix, sizeof p->host_prefix, err);
        p->send.host_prefix = p->host_prefix;
    }
    if (rc != ACG_OK) {
        acg_request_free(&p->req);
        return rc;
    }
    log_input(c, op, in);
    p->send.context_count = context_params(op, in, p->params);
    return ACG_OK;
}

int acg_call_complete(struct acg_client *c, const struct acg_operation *op,
                      struct acg_call_prep *p, int rc, struct acg_response *resp, void *out,
                      struct acg_error *err)
{
    const struct acg_service *svc = acg_client_service(c);
    if (rc == ACG_OK)
        rc = decode_output(svc, op, resp, out, err);
    else if (rc == ACG_ERR_SERVICE)
        decode_detail(svc, resp, err);
    acg_response_free(resp);
    acg_request_free(&p->req);
    return rc;
}

int acg_call_ex(struct acg_client *c, const struct acg_operation *op, const void *in, void *out,
                const struct acg_call_options *options, struct acg_error *err)
{
    struct acg_call_prep p;
    struct acg_response resp;
    ACG_TRY(acg_call_prepare(c, op, in, out, options, &p, err));
    acg_response_init(&resp);
    int rc = acg_client_send(c, &p.send, &resp, err);
    return acg_call_complete(c, op, &p, rc, &resp, out, err);
}

const void *acg_error_detail(const struct acg_error *err, const struct acg_shape *s)
{
    if (err == NULL || err->detail == NULL || err->detail_shape != s)
        return NULL;
    return err->detail;
}
