/* Smithy RPC v2 CBOR (smithy-rpc-v2-cbor), as botocore's RpcV2CBORSerializer and
 * RpcV2CBORParser speak it: every operation is POST /service/{targetPrefix}/operation/{Name}
 * with the header smithy-protocol: rpc-v2-cbor, Accept: application/cbor and, when the
 * operation has an input, its CBOR body and Content-Type: application/cbor (an operation
 * without input sends no body and no Content-Type). The output is the CBOR body of a 2xx
 * answer; errors are read by acg_error_cbor.c. */
#include "cbor/acg_cbor.h"
#include "acg_protocol_private.h"

#define CBOR_TYPE "application/cbor"

int acg_rpcv2cbor_build(const struct acg_service *svc, const struct acg_operation *op,
                        const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                        struct acg_error *err)
{
    struct acg_cbor_encode_opts opts = { ctx ? ctx->token : NULL, ctx ? ctx->token_ctx : NULL };

    req->method = "POST";
    if (svc->target_prefix == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s has no targetPrefix for the "
                             "rpc-v2-cbor path", svc->service_id);
    ACG_TRY(acg_buf_printf(&req->path, "/service/%s/operation/%s", svc->target_prefix,
                           op->name));
    ACG_TRY(acg_request_add_header(req, "smithy-protocol", "rpc-v2-cbor", err));
    /* botocore marks requests of awsQueryCompatible services so the service answers with
     * the query protocol's error codes. */
    if (svc->flags & ACG_SERVICE_QUERY_COMPATIBLE)
        ACG_TRY(acg_request_add_header(req, "x-amzn-query-mode", "true", err));
    ACG_TRY(acg_request_add_header(req, "Accept", CBOR_TYPE, err));
    if (op->input == NULL)
        return ACG_OK;
    ACG_TRY(acg_request_add_header(req, "Content-Type", CBOR_TYPE, err));
    return acg_cbor_encode(&req->body, op->input, in, &opts, err);
}

int acg_rpcv2cbor_parse(const struct acg_service *svc, const struct acg_shape *shape,
                        const struct acg_http_message *msg, void *out,
                        struct acg_arena *arena, struct acg_error *err)
{
    (void)svc;
    return acg_cbor_decode_body(msg->body, msg->body_len, shape, out, arena, err);
}

/* The protocol has clients ignore X-Amzn-ErrorType: the code is in the body. */
static int rpcv2cbor_parse_error(const struct acg_service *svc, const struct acg_http_message *msg,
                                 const char *request_id_header, struct acg_error *err)
{
    (void)svc;
    return acg_error_cbor_decode(msg->status, NULL, request_id_header, msg->body, msg->body_len,
                                 err);
}

const struct acg_codec acg_codec_rpc_v2_cbor = {
    .build = acg_rpcv2cbor_build,
    .parse = acg_rpcv2cbor_parse,
    .parse_error = rpcv2cbor_parse_error,
};
