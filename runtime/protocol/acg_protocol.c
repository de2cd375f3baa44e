/* Chooses the protocol a service speaks. */
#include <string.h>

#include "acg_protocol_private.h"

int acg_protocol_check(const struct acg_service *svc, struct acg_error *err)
{
    (void)svc;
    (void)err;
    return ACG_OK;
}

int acg_protocol_prepare_input(const struct acg_service *svc, const struct acg_operation *op,
                               const void *in, struct acg_arena **arena, const void **out,
                               struct acg_error *err)
{
    *out = in;
    if (svc->protocol == ACG_PROTOCOL_REST_XML)
        return acg_restxml_prepare(svc, op, in, arena, out, err);
    return ACG_OK;
}

int acg_protocol_build(const struct acg_service *svc, const struct acg_operation *op,
                       const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                       struct acg_error *err)
{
    switch (svc->protocol) {
    case ACG_PROTOCOL_JSON:
        return acg_awsjson_build(svc, op, in, ctx, req, err);
    case ACG_PROTOCOL_REST_JSON:
        return acg_restjson_build(svc, op, in, ctx, req, err);
    case ACG_PROTOCOL_REST_XML:
        return acg_restxml_build(svc, op, in, ctx, req, err);
    case ACG_PROTOCOL_RPC_V2_CBOR:
        return acg_rpcv2cbor_build(svc, op, in, ctx, req, err);
    case ACG_PROTOCOL_QUERY: case ACG_PROTOCOL_EC2:
        return acg_query_build(svc, op, in, ctx, req, err);
    default:
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the %s protocol of %s is not supported",
                             acg_protocol_name(svc->protocol), svc->service_id);
    }
}

int acg_protocol_parse(const struct acg_service *svc, const struct acg_shape *shape,
                       const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                       struct acg_error *err)
{
    switch (svc->protocol) {
    case ACG_PROTOCOL_JSON:
        return acg_awsjson_parse(shape, msg, out, arena, err);
    case ACG_PROTOCOL_REST_JSON:
        return acg_restjson_parse(shape, msg, out, arena, err);
    case ACG_PROTOCOL_REST_XML:
        return acg_restxml_parse(shape, msg, out, arena, err);
    case ACG_PROTOCOL_RPC_V2_CBOR:
        return acg_rpcv2cbor_parse(shape, msg, out, arena, err);
    case ACG_PROTOCOL_QUERY: case ACG_PROTOCOL_EC2:
        return acg_query_parse(svc, shape, msg, out, arena, err);
    default:
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the %s protocol of %s is not supported",
                             acg_protocol_name(svc->protocol), svc->service_id);
    }
}

bool acg_protocol_pulls(const struct acg_service *svc, const struct acg_shape *shape)
{
    return shape != NULL && (svc->protocol == ACG_PROTOCOL_JSON ||
                             (svc->protocol == ACG_PROTOCOL_REST_JSON &&
                              acg_rest_payload(shape) == NULL));
}

int acg_protocol_parse_pulled(const struct acg_service *svc, const struct acg_shape *shape,
                              const struct acg_http_message *msg, acg_json_pull_fn pull,
                              void *pull_ctx, void *out, struct acg_arena *arena,
                              struct acg_error *err)
{
    if (!acg_protocol_pulls(svc, shape))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s responses are not decoded as they "
                             "arrive", acg_protocol_name(svc->protocol));
    if (svc->protocol == ACG_PROTOCOL_REST_JSON)
        return acg_restjson_parse_pulled(shape, msg, pull, pull_ctx, out, arena, err);
    return acg_json_decode_pull(pull, pull_ctx, shape, out, arena, err);
}

int acg_protocol_parse_error(const struct acg_service *svc, const struct acg_http_message *msg,
                             const char *request_id_header, struct acg_error *err)
{
    switch (svc->protocol) {
    case ACG_PROTOCOL_QUERY: case ACG_PROTOCOL_EC2: case ACG_PROTOCOL_REST_XML:
        return acg_error_xml_decode(msg, svc->protocol == ACG_PROTOCOL_REST_XML,
                                    request_id_header, err);
    case ACG_PROTOCOL_RPC_V2_CBOR:
        /* The protocol has clients ignore X-Amzn-ErrorType: the code is in the body. */
        return acg_error_cbor_decode(msg->status, NULL, request_id_header, msg->body,
                                     msg->body_len, err);
    default:
        return ACG_ERR_UNSUPPORTED;   /* the JSON protocols: the client's own decoder */
    }
}

bool acg_protocol_error_code(const struct acg_service *svc, const char *error_type_header,
                             const char *body, size_t len, char *code, size_t size)
{
    if (svc->protocol == ACG_PROTOCOL_REST_JSON)
        return acg_restjson_error_code(error_type_header, body, len, code, size);
    return false;
}

const char *acg_protocol_name(int protocol)
{
    switch (protocol) {
    case ACG_PROTOCOL_JSON: return "json";
    case ACG_PROTOCOL_REST_JSON: return "rest-json";
    case ACG_PROTOCOL_REST_XML: return "rest-xml";
    case ACG_PROTOCOL_QUERY: return "query";
    case ACG_PROTOCOL_EC2: return "ec2";
    case ACG_PROTOCOL_RPC_V2_CBOR: return "smithy-rpc-v2-cbor";
    default: return "unknown";
    }
}
