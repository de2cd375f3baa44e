/* One call of any operation, driven by its descriptor: validate, build, send, decode. The
 * generated per-operation functions are thin typed wrappers around acg_call().
 *
 * Decoding. A 2xx body is decoded after it has arrived whole (decode_output), except in
 * the blocking call of an operation whose output is one JSON document (awsJson, restJson1
 * without a payload member), when the body is large or of unknown length: then the
 * transfer hands it to acg_json_decode_pull while it arrives (decode_arriving, from inside
 * acg_http_run), so it is never held whole. The checks stay those of a whole body: its
 * response checksums are summed as it passes and compared before the decoder's verdict
 * counts, a transfer that fails part-way is the send's retryable error (the output
 * released first), and a decode error reads as decode_output's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        if (acg_member_context_param(m) == NULL || !acg_member_present(m, in))
            continue;
        const unsigned char *p = (const unsigned char *)in + m->offset;
        out[n] = (struct acg_endpoint_param){ .name = acg_member_context_param(m) };
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
    if (rc == ACG_OK && acg_s3_service(svc) &&
        acg_s3_bucket_location(op, msg.body, msg.body_len, out, arena) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_JSON, "the %s response is not XML", op->name);
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

/* The input member an httpChecksum trait names, if it is a string member. */
static const struct acg_member *string_member(const struct acg_shape *s, const char *name)
{
    const struct acg_member *m = s != NULL && name != NULL
                                     ? acg_shape_find_member(s, name, strlen(name)) : NULL;
    return m != NULL && m->shape->type == ACG_SHAPE_STRING ? m : NULL;
}

/* botocore's handle_request_validation_mode_member: with response_checksum_validation
 * when_supported, the validation mode member (GetObject's ChecksumMode) is ENABLED unless
 * the caller set it. */
static int checksum_mode(struct acg_client *c, const struct acg_operation *op,
                         struct acg_arena **arena, const void **in, struct acg_error *err)
{
    static const char *const enabled = "ENABLED";
    const struct acg_member *m = op->checksum != NULL
                                     ? string_member(op->input, op->checksum->validation_mode_member)
                                     : NULL;
    if (m == NULL || *in == NULL || acg_member_present(m, *in) ||
        !acg_client_validate_when_supported(c))
        return ACG_OK;
    if (*arena == NULL && (*arena = acg_arena_new()) == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    unsigned char *copy = acg_arena_calloc(*arena, 1, op->input->size);
    if (copy == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    memcpy(copy, *in, op->input->size);
    memcpy(copy + m->offset, &enabled, sizeof enabled);
    *in = copy;
    return ACG_OK;
}

static bool has_header_prefix(const struct acg_request *r, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < r->header_count; i++) {
        if (strncasecmp(r->headers[i].name, prefix, n) == 0)
            return true;
    }
    return false;
}

/* botocore's resolve_request_checksum_algorithm and _apply_request_header_checksum: the
 * algorithm the caller named in the trait's member, else CRC32 when the operation requires
 * a checksum or supports one (request_checksum_calculation when_supported); its
 * x-amz-checksum-* header over the body, and the member's header naming CRC32 when it was
 * chosen here. A checksum header the caller set wins. The header computed here is marked
 * (req->computed_checksum): S3 over https moves it into an aws-chunked trailer for
 * streaming uploads, as botocore does (acg_client.c). */
static int request_checksum(struct acg_client *c, const struct acg_operation *op,
                            const void *in, struct acg_request *req, struct acg_error *err)
{
    const struct acg_checksum *cs = op->checksum;
    if (cs == NULL || has_header_prefix(req, "x-amz-checksum-"))
        return ACG_OK;
    const struct acg_member *m = string_member(op->input, cs->request_algorithm_member);
    const char *name = NULL;
    enum acg_checksum_algorithm a;
    if (m != NULL && in != NULL && acg_member_present(m, in)) {
        memcpy(&name, (const unsigned char *)in + m->offset, sizeof name);
        a = acg_checksum_algorithm_from_name(name);
        if (a == ACG_CHECKSUM_NONE)
            return acg_error_set(err, ACG_ERR_VALIDATION, "Unsupported checksum algorithm: %s",
                                 name);
    } else if (cs->request_required ||
               (cs->request_algorithm_member != NULL && acg_client_checksum_when_supported(c))) {
        a = ACG_CHECKSUM_CRC32;
        if (m != NULL)
            ACG_TRY(acg_request_add_header(req, acg_member_wire_name(m), "CRC32", err));
    } else {
        return ACG_OK;
    }
    char header[48], value[ACG_CHECKSUM_TEXT_MAX];
    const void *body = req->body_ref != NULL ? req->body_ref : req->body.data;
    size_t len = req->body_ref != NULL ? req->body_ref_len : req->body.len;
    if (acg_checksum_of(a, body, len, value) != ACG_OK)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory computing the request checksum");
    snprintf(header, sizeof header, "x-amz-checksum-%s", acg_checksum_algorithm_name(a));
    ACG_TRY(acg_request_add_header(req, header, value, err));
    req->computed_checksum = req->header_count;
    return ACG_OK;
}

/* A download on its way to the caller's sink, its checksums computed as it passes. */
static int checked_write(void *ctx, const void *data, size_t len)
{
    struct acg_call_prep *p = ctx;
    for (size_t i = 0; i < 4; i++) {
        if (p->sums[i].algorithm != ACG_CHECKSUM_NONE)
            acg_checksum_update(&p->sums[i], data, len);
    }
    return p->inner_sink->write(p->inner_sink->ctx, data, len);
}

static void release_sums(struct acg_call_prep *p)
{
    for (size_t i = 0; i < 4; i++) {
        if (p->sums[i].algorithm != ACG_CHECKSUM_NONE)
            acg_checksum_free(&p->sums[i]);
        p->sums[i].algorithm = ACG_CHECKSUM_NONE;
    }
}

/* Starts the running checksums of the operation's responseAlgorithms (afresh: each
 * attempt's body is summed on its own). */
static int start_sums(const struct acg_operation *op, struct acg_call_prep *p)
{
    const struct acg_checksum *cs = op->checksum;
    release_sums(p);
    for (size_t i = 0; i < cs->response_algorithm_count; i++) {
        enum acg_checksum_algorithm a = acg_checksum_algorithm_from_name(cs->response_algorithms[i]);
        if (a != ACG_CHECKSUM_NONE && acg_checksum_init(&p->sums[a - 1], a) != ACG_OK) {
            release_sums(p);
            return ACG_ERR_NOMEM;
        }
    }
    return ACG_OK;
}

/* resolve_response_checksum_algorithms: the responseAlgorithms this runtime computes,
 * when the validation mode member is set. A sink gets wrapped so they are computed. */
static int response_checksums(const struct acg_operation *op, const void *in,
                              struct acg_call_prep *p)
{
    const struct acg_checksum *cs = op->checksum;
    const struct acg_member *m = cs != NULL ? string_member(op->input, cs->validation_mode_member)
                                            : NULL;
    p->validate = m != NULL && in != NULL && acg_member_present(m, in) &&
                  cs->response_algorithm_count > 0;
    if (!p->validate || p->send.sink == NULL)
        return ACG_OK;
    ACG_TRY(start_sums(op, p));
    p->inner_sink = p->send.sink;
    p->sink = (struct acg_body_sink){ checked_write, p };
    p->send.sink = &p->sink;
    return ACG_OK;
}

static const char *response_header(const struct acg_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

/* handle_checksum_body: the first of the response's x-amz-checksum-* headers, in botocore's
 * order of preference, that the operation lists and is a whole-object checksum (S3's
 * multipart ones end "-N"), compared with the body's. */
static int validate_response(const struct acg_operation *op, struct acg_call_prep *p,
                             const struct acg_response *resp, struct acg_error *err)
{
    const struct acg_checksum *cs = op->checksum;
    int rc = ACG_OK;
    for (int a = ACG_CHECKSUM_CRC32C; p->validate && a <= ACG_CHECKSUM_SHA256; a++) {
        bool listed = false;
        for (size_t i = 0; i < cs->response_algorithm_count; i++)
            listed = listed || (int)acg_checksum_algorithm_from_name(cs->response_algorithms[i]) == a;
        char name[48], got[ACG_CHECKSUM_TEXT_MAX];
        snprintf(name, sizeof name, "x-amz-checksum-%s",
                 acg_checksum_algorithm_name((enum acg_checksum_algorithm)a));
        const char *expected = listed ? response_header(resp, name) : NULL;
        if (expected == NULL || strchr(expected, '-') != NULL)
            continue;
        if (p->inner_sink != NULL || p->arriving.used)
            rc = acg_checksum_final(&p->sums[a - 1], got);
        else
            rc = acg_checksum_of((enum acg_checksum_algorithm)a, resp->body.data, resp->body.len,
                                 got);
        if (rc != ACG_OK)
            rc = acg_error_set(err, rc, "out of memory checking the response checksum");
        else if (strcmp(got, expected) != 0)
            rc = acg_error_set(err, ACG_ERR_TRANSPORT, "Expected checksum %s did not match "
                               "calculated checksum: %s", expected, got);
        break;
    }
    release_sums(p);
    return rc;
}

/* The input as botocore's before-parameter-build handlers leave it, into p->prepared. */
static int prepare_input(struct acg_client *c, const struct acg_operation *op, const void *in,
                         struct acg_call_prep *p, const void **ready, struct acg_error *err)
{
    const struct acg_service *svc = acg_client_service(c);
    *ready = in;
    if (in == NULL)
        return ACG_OK;
    ACG_TRY(acg_s3_validate_bucket(svc, op, in, err));
    ACG_TRY(acg_protocol_prepare_input(svc, op, in, &p->prepared, ready, err));
    acg_s3_prepare(svc, op, *ready, &p->s3);
    ACG_TRY(acg_s3_quote_copy_source(svc, op, &p->prepared, ready, err));
    ACG_TRY(acg_s3_sse_customer_keys(svc, op, &p->prepared, ready, err));
    return checksum_mode(c, op, &p->prepared, ready, err);
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
    p->prepared = NULL;
    p->validate = false;
    p->inner_sink = NULL;
    memset(&p->arriving, 0, sizeof p->arriving);
    p->out = out;
    memset(&p->s3, 0, sizeof p->s3);
    memset(p->sums, 0, sizeof p->sums);
    if (c == NULL || op == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_call: no client or operation");
    if (op->input != NULL && in == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s: the input is NULL", op->name);
    if (op->flags & ACG_OP_EVENT_STREAM)
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "operation %s uses event streams, which "
                             "this runtime does not support", op->name);
    /* The protocol's own adjustments first (Route 53's ids), before validation, as botocore
     * runs its before-parameter-build handlers. */
    rc = prepare_input(c, op, in, p, &in, err);
    if (rc != ACG_OK) {
        acg_arena_destroy(p->prepared);
        p->prepared = NULL;
        return rc;
    }
    acg_validator_init(&v);
    if (op->input != NULL && acg_client_validation_mode(c) != ACG_VALIDATE_OFF)
        acg_validate_shape(&v, op->input, in);
    rc = acg_op_check(c, &v, err);

    const struct acg_service *svc = acg_client_service(c);
    if (rc == ACG_OK)
        rc = acg_protocol_check(svc, err);
    if (rc != ACG_OK) {
        acg_arena_destroy(p->prepared);
        p->prepared = NULL;
        return rc;
    }
    p->send = (struct acg_send){ .op = op, .req = &p->req, .context = p->params,
                                 .want_headers = svc->protocol == ACG_PROTOCOL_REST_JSON ||
                                                 svc->protocol == ACG_PROTOCOL_REST_XML };
    if (options != NULL && options->output_sink != NULL && acg_operation_streams_output(op))
        p->send.sink = options->output_sink;
    struct acg_build_ctx ctx = { token, c };
    acg_request_init(&p->req);
    rc = acg_protocol_build(svc, op, in, &ctx, &p->req, err);
    if (rc == ACG_OK && acg_s3_finish_request(&p->s3, &p->req) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    if (rc == ACG_OK && options != NULL && options->payload != NULL) {
        p->req.body_ref = options->payload;
        p->req.body_ref_len = options->payload_len;
    }
    if (rc == ACG_OK && acg_s3_host_prefix_applies(svc, op)) {
        rc = acg_request_host_prefix(op, in, p->host_prefix, sizeof p->host_prefix, err);
        p->send.host_prefix = p->host_prefix;
    }
    if (rc == ACG_OK)
        rc = request_checksum(c, op, in, &p->req, err);
    if (rc == ACG_OK)
        rc = acg_op_context_params(op, in, &p->req.arena, p->params, MAX_CONTEXT_PARAMS,
                                   &p->send.context_count, err);
    if (rc == ACG_OK && response_checksums(op, in, p) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up checksums");
    /* The checksums to check are in the headers, whatever the protocol. */
    p->send.want_headers = p->send.want_headers || p->validate;
    if (rc != ACG_OK) {
        acg_request_free(&p->req);
        acg_arena_destroy(p->prepared);
        p->prepared = NULL;
        return rc;
    }
    log_input(c, op, in);
    return ACG_OK;
}

/* The outcome of a body decoded as it arrived: its error moves into err; an output decoded
 * for a call that failed afterwards (its checksum) is released. */
static int arrived(const struct acg_operation *op, struct acg_call_prep *p, int rc,
                   struct acg_error *err)
{
    struct acg_arriving *a = &p->arriving;
    if (rc == ACG_OK && a->rc != ACG_OK) {
        rc = a->rc;
        if (err != NULL && err->status == ACG_OK)
            acg_error_set_at(err, a->rc, a->err.where, "%s", a->err.message);
    } else if (rc != ACG_OK && a->rc == ACG_OK && p->out != NULL) {
        struct acg_arena *arena;
        memcpy(&arena, p->out, sizeof arena);
        acg_release(arena, p->out, op->output->size);
    }
    acg_error_free(&a->err);
    return rc;
}

int acg_call_complete(struct acg_client *c, const struct acg_operation *op,
                      struct acg_call_prep *p, int rc, struct acg_response *resp, void *out,
                      struct acg_error *err)
{
    const struct acg_service *svc = acg_client_service(c);
    if (rc == ACG_OK)
        rc = validate_response(op, p, resp, err);
    release_sums(p);
    if (p->arriving.used)
        rc = arrived(op, p, rc, err);
    else if (rc == ACG_OK)
        rc = decode_output(svc, op, resp, out, err);
    else if (rc == ACG_ERR_SERVICE)
        decode_detail(svc, resp, err);
    if (rc == ACG_OK)
        acg_s3_finish(op, &p->s3, out);
    acg_response_free(resp);
    acg_request_free(&p->req);
    acg_arena_destroy(p->prepared);
    p->prepared = NULL;
    return rc;
}

/* A 2xx body at least this large (or of unknown length) is decoded while it arrives. At
 * libcurl's receive buffer (256 KiB, acg_http.c) a body takes several reads, so the decode
 * has a transfer to overlap, and holding it whole starts to cost; a smaller one usually
 * comes in one read, where the whole-body decode is faster (the pulled decoder's set-up
 * costs ~30 % on a 1 KB body: bench/notes.md, item 3). */
#define ARRIVING_MIN_BYTES ((size_t)256 << 10)

/* The pulled body, its checksums computed as it passes. */
static size_t pull_summed(void *ctx, char *buf, size_t cap, int *failed)
{
    struct acg_call_prep *p = ctx;
    size_t n = p->pull(p->pull_ctx, buf, cap, failed);
    for (size_t i = 0; p->validate && i < 4; i++) {
        if (p->sums[i].algorithm != ACG_CHECKSUM_NONE)
            acg_checksum_update(&p->sums[i], buf, n);
    }
    return n;
}

/* acg_arriving's decode: one attempt's body into the output, or nothing kept on failure, so
 * a retry starts from a zeroed output. */
static int decode_arriving(struct acg_arriving *a, const struct acg_response *resp,
                           acg_json_pull_fn pull, void *pull_ctx)
{
    struct acg_call_prep *p = a->ctx;
    const struct acg_operation *op = p->send.op;
    struct acg_http_message msg = { resp->http_status, NULL, 0, resp->headers,
                                    resp->header_count };
    struct acg_arena *arena = acg_arena_new();
    if (arena == NULL || (p->validate && start_sums(op, p) != ACG_OK)) {
        acg_arena_destroy(arena);
        return acg_error_set(&a->err, ACG_ERR_NOMEM, "out of memory reading the %s response",
                             op->name);
    }
    p->pull = pull;
    p->pull_ctx = pull_ctx;
    int rc = acg_protocol_parse_pulled(p->svc, op->output, &msg, pull_summed, p, p->out,
                                       arena, &a->err);
    if (rc != ACG_OK) {
        acg_release(arena, p->out, op->output->size);
        acg_op_response_error(&a->err, op->name);
        /* The rest of the body still counts towards its checksum, which is checked first
         * (validate_response), as it is for a body kept whole. */
        char rest[4096];
        int failed = 0;
        while (p->validate && pull_summed(p, rest, sizeof rest, &failed) > 0)
            ;
        return rc;
    }
    memcpy(p->out, &arena, sizeof arena);   /* arena_ is the first member of outputs */
    return ACG_OK;
}

/* Whether the blocking call decodes its 2xx body as it arrives: a JSON document that is
 * the whole output (acg_protocol_pulls), not a download to a sink, not S3's, not HEAD's. */
static bool decodes_arriving(const struct acg_service *svc, const struct acg_operation *op,
                             const struct acg_call_prep *p)
{
    return p->out != NULL && op->output != NULL && p->send.sink == NULL &&
           !acg_s3_service(svc) && acg_protocol_pulls(svc, op->output) &&
           (op->http_method == NULL || strcmp(op->http_method, "HEAD") != 0);
}

int acg_call_ex(struct acg_client *c, const struct acg_operation *op, const void *in, void *out,
                const struct acg_call_options *options, struct acg_error *err)
{
    struct acg_call_prep p;
    struct acg_response resp;
    int rc = acg_call_prepare(c, op, in, out, options, &p, err);
    if (rc != ACG_OK)
        return rc;
    acg_response_init(&resp);
    if (decodes_arriving(acg_client_service(c), op, &p)) {
        p.arriving.min_bytes = ARRIVING_MIN_BYTES;
        p.arriving.decode = decode_arriving;
        p.arriving.ctx = &p;
        p.svc = acg_client_service(c);
        rc = acg_client_send_decoding(c, &p.send, &resp, &p.arriving, err);
    } else {
        rc = acg_client_send(c, &p.send, &resp, err);
    }
    return acg_call_complete(c, op, &p, rc, &resp, out, err);
}

const void *acg_error_detail(const struct acg_error *err, const struct acg_shape *s)
{
    if (err == NULL || err->detail == NULL || err->detail_shape != s)
        return NULL;
    return err->detail;
}
