/* The wire protocols: an operation's input turned into an HTTP request, and an HTTP
 * response turned into its output, each driven by the descriptor tables. The client signs,
 * sends and retries what these build; it never looks inside a body. */
#ifndef ACG_PROTOCOL_H
#define ACG_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/acg_sigv4.h"
#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "json/acg_json.h"
#include "shape/acg_service.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A request as the protocol builds it, before the client adds the endpoint, its own
 * headers and the signature. */
struct acg_request {
    const char *method;          /* "POST" */
    struct acg_buf path;         /* from '/', percent-encoded; appended to the endpoint's */
    struct acg_buf query;        /* "a=1&b=2" percent-encoded, without '?' */
    struct acg_header *headers;  /* names and values live in arena */
    size_t header_count;
    size_t header_cap;
    struct acg_buf body;
    struct acg_arena *arena;     /* owns the header text */
    /* Added after the first contract: a body the request borrows instead of body (a
     * streaming payload the caller holds, acg_call_options.payload); NULL: body. */
    const void *body_ref;
    size_t body_ref_len;
    /* 1 + the index in headers of the x-amz-checksum-* header computed for the body (not
     * the caller's), or 0: S3 over https moves it to an aws-chunked trailer. */
    size_t computed_checksum;
};

void acg_request_init(struct acg_request *r);
/* Releases everything the request holds; NULL-safe and idempotent. */
void acg_request_free(struct acg_request *r);
/* Adds a header, copying name and value (values with control characters are refused). */
ACG_NODISCARD int acg_request_add_header(struct acg_request *r, const char *name,
                                         const char *value, struct acg_error *err);

/* What the client hands over for the build: a source of UUIDs for idempotency tokens. */
struct acg_build_ctx {
    void (*token)(void *ctx, char out[37]);
    void *token_ctx;
};

/* The input as botocore's before-parameter-build handlers leave it, before validation:
 * Route 53's ids keep what follows their last '/' (fix_route53_ids). *out is in itself, or
 * a shallow copy allocated in *arena (created when NULL; the caller destroys it). */
ACG_NODISCARD int acg_protocol_prepare_input(const struct acg_service *svc,
                                             const struct acg_operation *op, const void *in,
                                             struct acg_arena **arena, const void **out,
                                             struct acg_error *err);

/* Builds op's request from in (a struct of op->input, or NULL) by svc's protocol. */
ACG_NODISCARD int acg_protocol_build(const struct acg_service *svc, const struct acg_operation *op,
                                     const void *in, const struct acg_build_ctx *ctx,
                                     struct acg_request *req, struct acg_error *err);

/* The operation's hostPrefix with each {Label} replaced by that hostLabel input member, as
 * botocore's serializers expand it, into out (size bytes, NUL-terminated). A label whose
 * value is missing, empty or not made of letters, digits, '-' and '.' fails with
 * ACG_ERR_VALIDATION naming the member; a prefix that does not fit, ACG_ERR_INVALID_ARG.
 * op->host_prefix must not be NULL. */
ACG_NODISCARD int acg_request_host_prefix(const struct acg_operation *op, const void *in,
                                          char *out, size_t size, struct acg_error *err);

/* A response as the protocols read it. */
struct acg_http_message {
    long status;
    const char *body;
    size_t body_len;
    const struct acg_header *headers;   /* the response's, as received */
    size_t header_count;
};

/* Reads msg into out, a zeroed struct of shape (the operation's output, or the modelled
 * error the response carries), its values in arena. */
ACG_NODISCARD int acg_protocol_parse(const struct acg_service *svc, const struct acg_shape *shape,
                                     const struct acg_http_message *msg, void *out,
                                     struct acg_arena *arena, struct acg_error *err);

/* Whether a 2xx answer's body for shape can be decoded as it arrives
 * (acg_protocol_parse_pulled): a JSON document that is the whole output, as awsJson's
 * outputs are and restJson1's without a payload member. */
bool acg_protocol_pulls(const struct acg_service *svc, const struct acg_shape *shape);
/* acg_protocol_parse for a body that pull hands over in pieces (acg_json_decode_pull):
 * msg gives the status and the headers (its body is not read). Only where
 * acg_protocol_pulls says so. */
ACG_NODISCARD int acg_protocol_parse_pulled(const struct acg_service *svc,
                                            const struct acg_shape *shape,
                                            const struct acg_http_message *msg,
                                            acg_json_pull_fn pull, void *pull_ctx, void *out,
                                            struct acg_arena *arena, struct acg_error *err);

/* The error code of a non-2xx answer where the protocol reads it otherwise than
 * acg_error_decode (which follows awsJson: X-Amzn-ErrorType, then the body's "__type", then
 * "code"). restJson1, as botocore's RestJSONParser: the header, then the body's "code" (or
 * "Code"), then "__type". When the protocol's code differs, writes it (bare: no "ns#", no
 * ":suffix") into code (size bytes) and returns true. */
bool acg_protocol_error_code(const struct acg_service *svc, const char *error_type_header,
                             const char *body, size_t len, char *code, size_t size);

/* Reads a non-2xx answer's error body into err for the XML protocols (awsQuery, ec2,
 * restXml) and rpc-v2-cbor: status ACG_ERR_SERVICE, aws_type from <Code> (ErrorResponse/Error/Code,
 * Response/Errors/Error/Code or Error/Code; the body's __type for CBOR), message from the <Message> beside it,
 * request_id from request_id_header (may be NULL), else the body's RequestId (RequestID).
 * A body that is no XML error gives the status as the code and an excerpt as the message,
 * as botocore does. Returns ACG_ERR_SERVICE, or ACG_ERR_UNSUPPORTED without touching err
 * for the protocols whose errors the client decodes itself (awsJson, restJson). An error
 * already in err is kept, as acg_error_set does. */
ACG_NODISCARD int acg_protocol_parse_error(const struct acg_service *svc,
                                           const struct acg_http_message *msg,
                                           const char *request_id_header, struct acg_error *err);

/* Whether calls of svc can be made as its protocol needs: ACG_OK, or ACG_ERR_UNSUPPORTED
 * with a message naming the feature that is missing. Every protocol's services are
 * supported now (S3 and S3 Control through protocol/acg_s3.h); kept for callers that ask. */
ACG_NODISCARD int acg_protocol_check(const struct acg_service *svc, struct acg_error *err);

/* The model's name for a protocol ("json", "rest-json", ...). */
const char *acg_protocol_name(int protocol);

#ifdef __cplusplus
}
#endif

#endif
