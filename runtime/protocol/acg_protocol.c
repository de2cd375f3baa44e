/* Chooses the protocol a service speaks. */
#include <string.h>

#include "acg_protocol_private.h"

int acg_protocol_check(const struct acg_service *svc, struct acg_error *err)
{
    (void)svc;
    (void)err;
    return ACG_OK;
}

static int unsupported(const struct acg_service *svc, struct acg_error *err)
{
    return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the %s protocol of %s is not supported",
                         acg_protocol_name(svc->protocol), svc->service_id);
}

int acg_protocol_prepare_input(const struct acg_service *svc, const struct acg_operation *op,
                               const void *in, struct acg_arena **arena, const void **out,
                               struct acg_error *err)
{
    *out = in;
    if (svc->codec == NULL || svc->codec->prepare_input == NULL)
        return ACG_OK;
    return svc->codec->prepare_input(svc, op, in, arena, out, err);
}

int acg_protocol_build(const struct acg_service *svc, const struct acg_operation *op,
                       const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                       struct acg_error *err)
{
    if (svc->codec == NULL)
        return unsupported(svc, err);
    return svc->codec->build(svc, op, in, ctx, req, err);
}

int acg_protocol_parse(const struct acg_service *svc, const struct acg_shape *shape,
                       const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                       struct acg_error *err)
{
    if (svc->codec == NULL)
        return unsupported(svc, err);
    return svc->codec->parse(svc, shape, msg, out, arena, err);
}

bool acg_protocol_pulls(const struct acg_service *svc, const struct acg_shape *shape)
{
    return shape != NULL && svc->codec != NULL && svc->codec->pulls != NULL &&
           svc->codec->pulls(shape);
}

int acg_protocol_parse_pulled(const struct acg_service *svc, const struct acg_shape *shape,
                              const struct acg_http_message *msg, acg_json_pull_fn pull,
                              void *pull_ctx, void *out, struct acg_arena *arena,
                              struct acg_error *err)
{
    if (!acg_protocol_pulls(svc, shape))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s responses are not decoded as they "
                             "arrive", acg_protocol_name(svc->protocol));
    return svc->codec->parse_pulled(shape, msg, pull, pull_ctx, out, arena, err);
}

int acg_protocol_parse_error(const struct acg_service *svc, const struct acg_http_message *msg,
                             const char *request_id_header, struct acg_error *err)
{
    if (svc->codec == NULL || svc->codec->parse_error == NULL)
        return ACG_ERR_UNSUPPORTED;   /* the JSON protocols: the client's own decoder */
    return svc->codec->parse_error(svc, msg, request_id_header, err);
}

bool acg_protocol_error_code(const struct acg_service *svc, const char *error_type_header,
                             const char *body, size_t len, char *code, size_t size)
{
    if (svc->codec == NULL || svc->codec->error_code == NULL)
        return false;
    return svc->codec->error_code(error_type_header, body, len, code, size);
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
