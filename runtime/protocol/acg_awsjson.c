/* awsJson 1.0 and 1.1: every operation is POST / with the operation named in X-Amz-Target
 * and the input as a JSON body; the output is the JSON body of a 2xx answer. */
#include <stdio.h>

#include "json/acg_json.h"
#include "acg_protocol_private.h"

int acg_awsjson_build(const struct acg_service *svc, const struct acg_operation *op,
                      const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                      struct acg_error *err)
{
    char target[256], content_type[48];
    struct acg_json_writer w;
    struct acg_json_encode_opts opts = { .token = ctx ? ctx->token : NULL,
                                         .token_ctx = ctx ? ctx->token_ctx : NULL };

    req->method = "POST";
    ACG_TRY(acg_buf_append_char(&req->path, '/'));
    if ((size_t)snprintf(target, sizeof target, "%s.%s", svc->target_prefix, op->name) >=
        sizeof target)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the X-Amz-Target value is too long");
    snprintf(content_type, sizeof content_type, "application/x-amz-json-%s",
             svc->json_version != NULL ? svc->json_version : "1.0");
    ACG_TRY(acg_request_add_header(req, "Content-Type", content_type, err));
    ACG_TRY(acg_request_add_header(req, "X-Amz-Target", target, err));
    /* botocore marks requests of awsQueryCompatible services so the service answers with
     * the query protocol's error codes. */
    if (svc->flags & ACG_SERVICE_QUERY_COMPATIBLE)
        ACG_TRY(acg_request_add_header(req, "x-amzn-query-mode", "true", err));
    acg_json_writer_init(&w, &req->body, ACG_JSON_WIRE);
    w.err = err;
    int rc = acg_json_encode(&w, op->input, in, &opts);
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "cannot write the %s input as JSON: %s", op->name,
                             acg_status_name((enum acg_status)rc));
    return ACG_OK;
}

int acg_awsjson_parse(const struct acg_service *svc, const struct acg_shape *shape,
                      const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                      struct acg_error *err)
{
    (void)svc;
    return acg_json_decode_body(msg->body, msg->body_len, shape, out, arena, err);
}

/* Every awsJson output is one JSON document. */
static bool awsjson_pulls(const struct acg_shape *output)
{
    (void)output;
    return true;
}

static int awsjson_parse_pulled(const struct acg_shape *shape, const struct acg_http_message *msg,
                                acg_json_pull_fn pull, void *pull_ctx, void *out,
                                struct acg_arena *arena, struct acg_error *err)
{
    (void)msg;
    return acg_json_decode_pull(pull, pull_ctx, shape, out, arena, err);
}

const struct acg_codec acg_codec_json = {
    .build = acg_awsjson_build,
    .parse = acg_awsjson_parse,
    .pulls = awsjson_pulls,
    .parse_pulled = awsjson_parse_pulled,
};
