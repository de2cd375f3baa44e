/* Stage 2: the service model — shapes, members, operations — resolved from the document
 * tree, with every reference checked. Nothing here decides C names or layout (plan does). */
#ifndef GEN_MODEL_H
#define GEN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "load.h"

enum shape_type {
    SHAPE_STRUCTURE,
    SHAPE_UNION,      /* structure with union: true */
    SHAPE_DOCUMENT,   /* structure with document: true */
    SHAPE_LIST,
    SHAPE_MAP,
    SHAPE_STRING,
    SHAPE_BOOLEAN,
    SHAPE_INTEGER,
    SHAPE_LONG,
    SHAPE_FLOAT,
    SHAPE_DOUBLE,
    SHAPE_TIMESTAMP,
    SHAPE_BLOB,
};

struct shape;

/* A numeric bound as written in the model; both views are kept so integer bounds stay exact. */
struct bound {
    bool set;
    int64_t i;
    double d;
};

/* Where a member travels in an HTTP message (the member's "location"). */
enum member_location {
    LOC_BODY,
    LOC_URI,
    LOC_QUERY,
    LOC_HEADER,
    LOC_HEADERS,
    LOC_STATUS_CODE,
};

struct member {
    const char *name;          /* model name */
    struct shape *target;
    const char *doc;           /* may be NULL */
    const char *location_name; /* locationName (queryName for ec2), or NULL */
    enum member_location location;
    bool required;
    bool idempotency_token;
    bool host_label;
    bool deprecated;
    bool jsonvalue;
    bool xml_attribute;
    bool flattened;
    bool streaming;
    bool event_payload;
    bool payload;              /* its structure's payload: the whole HTTP body */
    const char *xml_ns_uri;    /* xmlNamespace, or NULL */
    const char *xml_ns_prefix;
    const char *context_param; /* endpoint context parameter name, or NULL */
    struct gen_mark mark;
};

struct shape {
    const char *name;
    enum shape_type type;
    struct gen_mark mark;
    const char *doc;
    /* structure / union */
    struct member *members;
    size_t member_count;
    /* list: member; map: key and value */
    struct member *item;
    struct member *key;
    struct member *value;
    /* constraints */
    struct bound min, max;
    const char *pattern;
    const char **enum_values;
    size_t enum_count;
    bool sensitive;
    bool deprecated;
    const char *timestamp_format;  /* "iso8601", "unixTimestamp", "rfc822" or NULL */
    /* exceptions */
    bool exception;
    const char *error_code;        /* error.code when it differs from the name */
    bool retryable;
    bool throttling;
    bool event_stream;             /* eventstream: true */
    bool fault;                    /* error.senderFault false or fault: true */
    int http_status;               /* error.httpStatusCode, 0 when unset */
    const char *payload;           /* structures: the member that is the HTTP body */
    bool streaming;
    bool requires_length;
    bool flattened;
    bool sparse;
    const char *xml_ns_uri;        /* xmlNamespace, or NULL */
    const char *xml_ns_prefix;     /* its prefix, or NULL (handed to the members that refer
                                    * to the shape: the tables keep prefixes on members) */
    const char *location_name;     /* the shape's own locationName (rare), or NULL */
};

struct context_value {
    const char *name;
    bool is_bool;
    bool boolean;
    const char *str;
};

/* How an operation pages (paginators-1). */
struct paginator {
    const char **input_tokens;
    const char **output_tokens;
    size_t token_count;
    const char *limit_key;
    const char *more_results;
    const char **result_keys;
    size_t result_key_count;
    const char **non_aggregate_keys;
    size_t non_aggregate_key_count;
};

/* One acceptor of a waiter (waiters-2). */
struct acceptor {
    const char *state;       /* success, failure, retry */
    const char *matcher;     /* path, pathAll, pathAny, status, error */
    const char *argument;    /* JMESPath, or NULL */
    const char *expected;    /* JSON text */
};

struct operation;

struct waiter {
    const char *name;
    const struct operation *operation;
    int delay_s;
    int max_attempts;
    struct acceptor *acceptors;
    size_t acceptor_count;
    struct gen_mark mark;
};

struct operation {
    const char *name;
    struct gen_mark mark;
    const char *doc;
    struct shape *input;           /* may be NULL */
    struct shape *output;          /* may be NULL */
    struct shape **errors;
    size_t error_count;
    const char *host_prefix;       /* endpoint.hostPrefix or NULL */
    const char *http_method;       /* http.method, "POST" when the model has none */
    const char *request_uri;       /* http.requestUri, "/" when the model has none */
    int response_code;             /* http.responseCode, 0 when unset */
    bool no_auth;                  /* auth: [smithy.api#noAuth] or authtype: none */
    bool unsigned_payload;         /* authtype: v4-unsigned-body or unsignedPayload */
    bool idempotent;
    bool checksum_required;        /* httpChecksumRequired or requestChecksumRequired */
    const char *checksum_algorithm_member;   /* httpChecksum.requestAlgorithmMember */
    const char *checksum_mode_member;        /* httpChecksum.requestValidationModeMember */
    const char **response_algorithms;
    size_t response_algorithm_count;
    bool request_compression;      /* requestcompression lists gzip */
    bool event_stream;             /* input or output holds an event stream */
    bool deprecated;
    struct context_value *static_context;  /* staticContextParams */
    size_t static_context_count;
    struct context_value *path_context;    /* operationContextParams: name + JMESPath in str */
    size_t path_context_count;
    const struct paginator *paginator;     /* NULL: not paginated */
};

struct model {
    const char *path;
    char sha256[65];
    const char *api_version;
    const char *endpoint_prefix;
    const char *json_version;      /* "1.0" or "1.1" */
    const char *protocol;
    const char *service_full_name;
    const char *service_id;
    const char *signing_name;
    const char *target_prefix;
    const char *uid;
    const char *xml_namespace;     /* metadata.xmlNamespace, or NULL */
    bool query_compatible;         /* metadata.awsQueryCompatible */
    const char *doc;
    struct shape **shapes;         /* sorted by name */
    size_t shape_count;
    struct operation *operations;  /* sorted by name */
    size_t operation_count;
    struct waiter *waiters;        /* from waiters-2, in file order */
    size_t waiter_count;
    struct doc extra_docs[3];      /* the paginators (and their sdk-extras) and waiters files,
                                    * kept for their text */
    size_t extra_doc_count;
    struct doc doc_tree;           /* owns the strings above */
    void *pool;
};

/* Loads and checks a model file. Returns 0, or -1 with diagnostics (every problem found,
 * each with file:line:column). */
int model_load(const char *path, struct model *m, struct diag *d);
/* The same from an already loaded document (takes ownership of doc). */
int model_from_doc(struct doc *doc, struct model *m, struct diag *d);
void model_free(struct model *m);

struct shape *model_find_shape(const struct model *m, const char *name);
const struct operation *model_find_operation(const struct model *m, const char *name);
const char *shape_type_name(enum shape_type t);

#endif
