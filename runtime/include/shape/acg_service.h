/* Descriptor tables for a service and its operations, beside the shape tables of
 * shape/acg_shape.h: names, protocol, HTTP bindings, errors, endpoint parameters,
 * pagination and waiters. One acg_call() walks an operation's descriptor; the generated
 * per-operation functions only hand it over. */
#ifndef ACG_SERVICE_H
#define ACG_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_endpoint_params;
struct acg_endpoint;
struct acg_error;

enum acg_protocol {
    ACG_PROTOCOL_JSON = 1,      /* awsJson1_0 and awsJson1_1 */
    ACG_PROTOCOL_REST_JSON,     /* restJson1 */
    ACG_PROTOCOL_REST_XML,
    ACG_PROTOCOL_QUERY,         /* awsQuery */
    ACG_PROTOCOL_EC2,
    ACG_PROTOCOL_RPC_V2_CBOR,
};

/* An endpoint parameter fixed by the operation (staticContextParams). */
struct acg_static_param {
    const char *name;
    const char *value;          /* a string value, or NULL for a boolean */
    bool boolean;
};

/* An endpoint parameter read from the input by a JMESPath expression
 * (operationContextParams). */
struct acg_path_param {
    const char *name;
    const char *path;
};

/* How an operation pages (paginators-1.json). Tokens and result keys are JMESPath
 * expressions over the output (input tokens are top-level input member names). */
struct acg_paginator {
    const char *const *input_tokens;
    const char *const *output_tokens;
    size_t token_count;             /* input_tokens and output_tokens pair up */
    const char *limit_key;          /* NULL: none */
    const char *more_results;       /* NULL: more pages while a token comes back */
    const char *const *result_keys;
    size_t result_key_count;
    const char *const *non_aggregate_keys;
    size_t non_aggregate_key_count;
};

/* The httpChecksum trait. */
struct acg_checksum {
    bool request_required;          /* also httpChecksumRequired */
    const char *request_algorithm_member;   /* input member naming the algorithm, or NULL */
    const char *validation_mode_member;     /* input member enabling response validation */
    const char *const *response_algorithms;
    size_t response_algorithm_count;
};

/* struct acg_operation.flags */
enum {
    ACG_OP_REQUEST_COMPRESSION = 1 << 0,  /* gzip the body when it is large enough */
    ACG_OP_EVENT_STREAM = 1 << 1,         /* not supported: calls fail with ACG_ERR_UNSUPPORTED */
    ACG_OP_NO_AUTH = 1 << 2,              /* sent unsigned (smithy.api#noAuth) */
    ACG_OP_UNSIGNED_PAYLOAD = 1 << 3,
    ACG_OP_DEPRECATED = 1 << 4,
    ACG_OP_IDEMPOTENT = 1 << 5,
};

struct acg_operation {
    const char *name;               /* "DescribeBatchInferenceJob" */
    const struct acg_shape *input;  /* NULL: the operation takes no input */
    const struct acg_shape *output; /* NULL: none */
    const struct acg_shape *const *errors;  /* the modelled errors it may return */
    size_t error_count;
    const char *http_method;        /* "POST" */
    const char *request_uri;        /* "/" or "/functions/{FunctionName}/invocations?x=y" */
    uint16_t http_status;           /* http.responseCode, 0 when unset */
    uint16_t flags;                 /* ACG_OP_* */
    const char *host_prefix;        /* endpoint.hostPrefix ("{Id}.data-"), or NULL */
    const struct acg_static_param *static_params;
    size_t static_param_count;
    const struct acg_path_param *path_params;
    size_t path_param_count;
    const struct acg_paginator *paginator;  /* NULL: not paginated */
    const struct acg_checksum *checksum;    /* NULL: no checksum trait */
};

/* A waiter's acceptor (waiters-2.json). */
enum acg_waiter_matcher {
    ACG_WAIT_PATH = 1,              /* argument equals expected */
    ACG_WAIT_PATH_ALL,              /* every element of argument's list equals expected */
    ACG_WAIT_PATH_ANY,              /* some element does */
    ACG_WAIT_STATUS,                /* the HTTP status equals expected */
    ACG_WAIT_ERROR,                 /* the error code equals expected ("true"/"false": any) */
};

enum acg_waiter_state { ACG_WAIT_SUCCESS = 1, ACG_WAIT_FAILURE, ACG_WAIT_RETRY };

struct acg_acceptor {
    uint8_t state;                  /* enum acg_waiter_state */
    uint8_t matcher;                /* enum acg_waiter_matcher */
    const char *argument;           /* JMESPath over the output, or NULL */
    const char *expected;           /* the expected value as JSON text */
};

struct acg_waiter {
    const char *name;               /* "BatchInferenceJobActive" */
    const struct acg_operation *operation;
    int delay_s;
    int max_attempts;
    const struct acg_acceptor *acceptors;
    size_t acceptor_count;
};

/* struct acg_service.flags */
enum {
    ACG_SERVICE_QUERY_COMPATIBLE = 1 << 0,  /* awsQueryCompatible: codes from x-amzn-query-error */
    ACG_SERVICE_GLOBAL_ENDPOINT = 1 << 1,
};

typedef int (*acg_resolve_endpoint_fn)(const struct acg_endpoint_params *params,
                                       struct acg_endpoint *out, struct acg_error *err);

/* The runtime's codec for each protocol (its encoder, decoder and error decoder). A
 * service's table names the one it speaks, so a program links only the codecs it uses. */
struct acg_codec;
extern const struct acg_codec acg_codec_json;
extern const struct acg_codec acg_codec_rest_json;
extern const struct acg_codec acg_codec_rest_xml;
extern const struct acg_codec acg_codec_query;   /* awsQuery and ec2 */
extern const struct acg_codec acg_codec_rpc_v2_cbor;

struct acg_service {
    const char *service_id;         /* "Personalize"; also names AWS_ENDPOINT_URL_<ID> */
    const char *signing_name;       /* "personalize" */
    const char *endpoint_prefix;
    const char *target_prefix;      /* "AmazonPersonalize" for X-Amz-Target */
    const char *json_version;       /* "1.1" -> application/x-amz-json-1.1 */
    const char *api_version;
    const char *xml_namespace;      /* restXml, awsQuery */
    uint8_t protocol;               /* enum acg_protocol */
    const struct acg_codec *codec;  /* &acg_codec_json, ...: the protocol's codec */
    uint16_t flags;                 /* ACG_SERVICE_* */
    acg_resolve_endpoint_fn resolve_endpoint;
    const struct acg_operation *const *operations;  /* sorted by name */
    size_t operation_count;
    const struct acg_shape *const *errors;  /* every modelled error, sorted by code */
    size_t error_count;
    const struct acg_waiter *waiters;       /* sorted by name */
    size_t waiter_count;
};

/* The error code a modelled exception arrives with: error.code, else its shape name. */
static inline const char *acg_error_code(const struct acg_shape *s)
{
    return s->traits != NULL && s->traits->error_code != NULL ? s->traits->error_code : s->name;
}

/* The service's modelled error with this code (a binary search of svc->errors), or NULL. */
const struct acg_shape *acg_service_find_error(const struct acg_service *svc, const char *code);

/* The operation named name, or NULL. */
const struct acg_operation *acg_service_find_operation(const struct acg_service *svc,
                                                       const char *name);

/* The waiter named name ("BatchInferenceJobActive"), or NULL. */
const struct acg_waiter *acg_service_find_waiter(const struct acg_service *svc, const char *name);

#ifdef __cplusplus
}
#endif

#endif
