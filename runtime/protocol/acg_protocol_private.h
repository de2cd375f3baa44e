/* The protocols' codecs, behind acg_protocol_build, acg_protocol_parse and the rest. */
#ifndef ACG_PROTOCOL_PRIVATE_H
#define ACG_PROTOCOL_PRIVATE_H

#include "protocol/acg_protocol.h"

/* A protocol's codec. Each protocol's file defines its object (acg_codec_json and the
 * others in acg_service.h) and a service's table names the one it speaks, so a program
 * links the codecs of its own services only: an awsJson program carries no XML or CBOR
 * code, and does not load libexpat. */
struct acg_codec {
    /* NULL: the input is sent as the caller gave it. */
    int (*prepare_input)(const struct acg_service *svc, const struct acg_operation *op,
                         const void *in, struct acg_arena **arena, const void **out,
                         struct acg_error *err);
    int (*build)(const struct acg_service *svc, const struct acg_operation *op, const void *in,
                 const struct acg_build_ctx *ctx, struct acg_request *req,
                 struct acg_error *err);
    int (*parse)(const struct acg_service *svc, const struct acg_shape *shape,
                 const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                 struct acg_error *err);
    /* NULL: the JSON protocols, whose errors the client decodes itself. */
    int (*parse_error)(const struct acg_service *svc, const struct acg_http_message *msg,
                       const char *request_id_header, struct acg_error *err);
    /* NULL: the error code comes from the headers and body as awsJson sends them. */
    bool (*error_code)(const char *error_type_header, const char *body, size_t len,
                       char *code, size_t size);
    /* Outputs decoded from a body handed over in pieces (acg_protocol_parse_pulled): which
     * ones can be, and the decode. NULL: none, the whole body is decoded. */
    bool (*pulls)(const struct acg_shape *output);
    int (*parse_pulled)(const struct acg_shape *shape, const struct acg_http_message *msg,
                        acg_json_pull_fn pull, void *pull_ctx, void *out,
                        struct acg_arena *arena, struct acg_error *err);
};

int acg_awsjson_build(const struct acg_service *svc, const struct acg_operation *op,
                      const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                      struct acg_error *err);
int acg_awsjson_parse(const struct acg_service *svc, const struct acg_shape *shape,
                      const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                      struct acg_error *err);
int acg_rpcv2cbor_build(const struct acg_service *svc, const struct acg_operation *op,
                        const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                        struct acg_error *err);
int acg_rpcv2cbor_parse(const struct acg_service *svc, const struct acg_shape *shape,
                        const struct acg_http_message *msg, void *out,
                        struct acg_arena *arena, struct acg_error *err);
/* smithy-rpc-v2-cbor's error decoding (acg_error_cbor.c): see acg_protocol_parse_error;
 * query_error_header is x-amzn-query-error ("Code;Sender"), or NULL. */
int acg_error_cbor_decode(long http_status, const char *query_error_header,
                          const char *request_id_header, const char *body, size_t body_len,
                          struct acg_error *err);

int acg_restjson_build(const struct acg_service *svc, const struct acg_operation *op,
                       const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                       struct acg_error *err);
int acg_restjson_parse(const struct acg_service *svc, const struct acg_shape *shape,
                       const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                       struct acg_error *err);

/* restJson1's acg_protocol_parse_pulled: the bound members, then the body as it arrives. */
int acg_restjson_parse_pulled(const struct acg_shape *shape, const struct acg_http_message *msg,
                              acg_json_pull_fn pull, void *pull_ctx, void *out,
                              struct acg_arena *arena, struct acg_error *err);

bool acg_restjson_error_code(const char *error_type_header, const char *body, size_t len,
                             char *code, size_t size);

/* HTTP bindings shared by the REST protocols (acg_rest.c): the method, the URI with its
 * labels, the query string and the headers from the input's bound members; and the
 * output's members bound to headers, header maps and the status code (xml: header text
 * read as botocore's XML parser reads it, for restXml). */
int acg_rest_bind(const struct acg_operation *op, const void *in, const struct acg_build_ctx *ctx,
                  struct acg_request *req, struct acg_error *err);
int acg_rest_parse_bound(const struct acg_shape *shape, const struct acg_http_message *msg,
                         bool xml, void *out, struct acg_arena *arena, struct acg_error *err);
/* Whether text[0..len) is one JSON value (jsonvalue headers, document payloads); err says
 * why not (may be NULL). */
bool acg_rest_is_json(const char *text, size_t len, struct acg_error *err);
/* The member of shape that is the whole body (the payload trait), or NULL. */
const struct acg_member *acg_rest_payload(const struct acg_shape *shape);
/* A blob or string payload member of in appended to body as it is (nothing when absent). */
int acg_rest_raw_payload(struct acg_buf *body, const struct acg_member *m, const void *in);
/* The whole body into a blob or string payload member of out, copied into arena. */
int acg_rest_parse_raw_payload(const struct acg_member *payload, const struct acg_http_message *msg,
                               void *out, struct acg_arena *arena, struct acg_error *err);

int acg_restxml_build(const struct acg_service *svc, const struct acg_operation *op,
                      const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                      struct acg_error *err);
int acg_restxml_prepare(const struct acg_service *svc, const struct acg_operation *op,
                        const void *in, struct acg_arena **arena, const void **out,
                        struct acg_error *err);
int acg_restxml_parse(const struct acg_service *svc, const struct acg_shape *shape,
                      const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                      struct acg_error *err);

int acg_query_build(const struct acg_service *svc, const struct acg_operation *op,
                    const void *in, const struct acg_build_ctx *ctx, struct acg_request *req,
                    struct acg_error *err);
int acg_query_parse(const struct acg_service *svc, const struct acg_shape *shape,
                    const struct acg_http_message *msg, void *out, struct acg_arena *arena,
                    struct acg_error *err);
/* The XML protocols' error bodies (acg_protocol_parse_error). */
int acg_error_xml_decode(const struct acg_http_message *msg, bool rest_xml,
                         const char *request_id_header, struct acg_error *err);

#endif
