/* One call of any operation, driven by its descriptor: validate, build, send, decode. The
 * generated per-operation functions are thin typed wrappers around acg_call(). */
#include <stdlib.h>
#include <string.h>

#include "client/acg_call_steps.h"
#include "client/acg_client.h"
#include "client/acg_operation.h"
#include "jmespath/acg_jmespath_strings.h"
#include "json/acg_json.h"
#include "json/acg_value_struct.h"

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

/* The strings of a list of strings at p (struct acg_seq), in arena. */
static int string_list(const struct acg_shape *s, const void *p, struct acg_arena *arena,
                       struct acg_endpoint_param *out)
{
    const struct acg_seq *seq = p;
    const char **strs = arena ? acg_arena_calloc(arena, seq->count + 1, sizeof *strs) : NULL;
    if (strs == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < seq->count; i++)
        memcpy(&strs[i], (const unsigned char *)seq->items + i * s->item_size, sizeof strs[i]);
    out->type = ACG_EP_STRING_ARRAY;
    out->strs = strs;
    out->strs_count = seq->count;
    return ACG_OK;
}

/* operationContextParams: each path is a JMESPath expression over the input, as botocore
 * evaluates it on the call's parameters (member names, as the caller wrote them). */
static int path_params(const struct acg_operation *op, const void *in, struct acg_arena *arena,
                       struct acg_endpoint_param *out, size_t max, size_t *n,
                       struct acg_error *err)
{
    struct acg_value *input = NULL;
    int rc = acg_value_from_struct(arena, op->input, in, NULL, &input, err);
    for (size_t i = 0; rc == ACG_OK && i < op->path_param_count && *n < max; i++) {
        struct acg_jmespath_strings found;
        rc = acg_jmespath_search_strings(op->path_params[i].path, input, arena, &found, err);
        if (rc != ACG_OK || (found.count == 0 && !found.is_list))
            continue;
        out[*n] = (struct acg_endpoint_param){ .name = op->path_params[i].name };
        if (found.is_list) {
            out[*n].type = ACG_EP_STRING_ARRAY;
            out[*n].strs = found.items;
            out[*n].strs_count = found.count;
        } else {
            out[*n].type = ACG_EP_STRING;
            out[*n].str = found.items[0];
        }
        (*n)++;
    }
    return rc;
}

int acg_op_context_params(const struct acg_operation *op, const void *in,
                          struct acg_arena **arena, struct acg_endpoint_param *out, size_t max,
                          size_t *count, struct acg_error *err)
{
    size_t n = 0;
    const struct acg_shape *s = op->input;
    *count = 0;
    if (*arena == NULL && (op->path_param_count > 0 || s != NULL) &&
        (*arena = acg_arena_new()) == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory binding endpoint parameters");
    for (size_t i = 0; i < op->static_param_count && n < max; i++) {
        const struct acg_static_param *sp = &op->static_params[i];
        out[n++] = (struct acg_endpoint_param){ .name = sp->name,
                                                .type = sp->value ? ACG_EP_STRING : ACG_EP_BOOL,
                                                .str = sp->value,
                                                .boolean = sp->boolean };
    }
    for (size_t i = 0; s != NULL && in != NULL && i < s->member_count && n < max; i++) {
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
        } else if (m->shape->type == ACG_SHAPE_LIST && m->shape->item->type == ACG_SHAPE_STRING) {
            if (string_list(m->shape, p, *arena, &out[n]) != ACG_OK)
                return acg_error_set(err, ACG_ERR_NOMEM, "out of memory binding %s", m->name);
        } else {
            continue;
        }
        n++;
    }
    if (op->path_param_count > 0 && s != NULL && in != NULL)
        ACG_TRY(path_params(op, in, *arena, out, max, &n, err));
    *count = n;
    return ACG_OK;
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

/* botocore streams every blob payload of an output, marked streaming or not (Lambda's Invoke,
 * Bedrock's InvokeModel), and the AWS CLI writes each to an outfile. */
bool acg_operation_streams_output(const struct acg_operation *op)
{
    const struct acg_shape *s = op->output;
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if ((m->flags & ACG_MEMBER_PAYLOAD) && m->shape->type == ACG_SHAPE_BLOB)
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
    ACG_TRY(acg_protocol_check(svc, err));
    p->send = (struct acg_send){ .op = op, .req = &p->req, .context = p->params,
                                 .want_headers = svc->protocol == ACG_PROTOCOL_REST_JSON ||
                                                 svc->protocol == ACG_PROTOCOL_REST_XML };
    if (options != NULL && options->output_sink != NULL && acg_operation_streams_output(op))
        p->send.sink = options->output_sink;
    struct acg_build_ctx ctx = { token, c };
    acg_request_init(&p->req);
    rc = acg_protocol_build(svc, op, in, &ctx, &p->req, err);
    if (rc == ACG_OK && op->host_prefix != NULL) {
        rc = acg_request_host_prefix(op, in, p->host_prefix, sizeof p->host_prefix, err);
        p->send.host_prefix = p->host_prefix;
    }
    if (rc == ACG_OK)
        rc = acg_op_context_params(op, in, &p->req.arena, p->params, MAX_CONTEXT_PARAMS,
                                   &p->send.context_count, err);
    if (rc != ACG_OK) {
        acg_request_free(&p->req);
        return rc;
    }
    log_input(c, op, in);
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
    struct acg_arena *prepared = NULL;
    const void *ready = in;
    int rc = ACG_OK;
    if (op != NULL && op->output != NULL && out != NULL)
        memset(out, 0, op->output->size);
    /* The protocol's own adjustments first (Route 53's ids), before validation, as botocore
     * runs its before-parameter-build handlers. */
    if (c != NULL && op != NULL && in != NULL)
        rc = acg_protocol_prepare_input(acg_client_service(c), op, in, &prepared, &ready, err);
    if (rc == ACG_OK)
        rc = acg_call_prepare(c, op, ready, out, options, &p, err);
    if (rc == ACG_OK) {
        acg_response_init(&resp);
        rc = acg_client_send(c, &p.send, &resp, err);
        rc = acg_call_complete(c, op, &p, rc, &resp, out, err);
    }
    acg_arena_destroy(prepared);
    return rc;
}

const void *acg_error_detail(const struct acg_error *err, const struct acg_shape *s)
{
    if (err == NULL || err->detail == NULL || err->detail_shape != s)
        return NULL;
    return err->detail;
}
