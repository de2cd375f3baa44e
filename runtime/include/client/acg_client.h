/* A service client: configuration, credentials, endpoint, one HTTP connection, retries.
 *
 * Generated code describes its service with struct acg_service and each operation with
 * struct acg_operation, serializes a request body, and calls acg_client_invoke(), which
 * resolves the endpoint, signs with SigV4, sends over libcurl, retries in AWS's standard
 * mode and decodes service errors. */
#ifndef ACG_CLIENT_H
#define ACG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_buf.h"
#include "endpoints/acg_endpoint.h"
#include "http/acg_retry.h"
#include "common/acg_error.h"
#include "common/acg_log.h"
#include "client/acg_validate.h"

struct acg_service {
    const char *service_id;     /* "Personalize"; also names AWS_ENDPOINT_URL_<ID> */
    const char *signing_name;   /* "personalize" */
    const char *endpoint_prefix;
    const char *target_prefix;  /* "AmazonPersonalize" for X-Amz-Target */
    const char *json_version;   /* "1.1" -> application/x-amz-json-1.1 */
    const char *api_version;
    acg_resolve_endpoint_fn resolve_endpoint;
    const struct acg_error_info *errors;
    size_t error_count;
    /* metadata.awsQueryCompatible (SQS on awsJson 1.0): every request carries the signed
     * header "x-amzn-query-mode: true", as botocore sends it, so the service answers
     * errors with x-amzn-query-error (the old awsQuery code, which errors then show). */
    bool aws_query_compatible;
};

struct acg_operation {
    const char *name;            /* "DescribeBatchInferenceJob" */
    bool request_compression;    /* model: requestcompression with gzip */
    bool event_stream;           /* not supported: invoking fails with ACG_ERR_UNSUPPORTED */
};

/* One call's request, ready to send. */
struct acg_call {
    const struct acg_operation *op;
    const char *body;            /* serialized JSON */
    size_t body_len;
    const char *host_prefix;     /* the operation's hostPrefix with labels filled, or NULL */
    const struct acg_endpoint_param *context;  /* endpoint context parameters */
    size_t context_count;
};

struct acg_body_pool;

struct acg_response {
    long http_status;
    struct acg_buf body;
    char request_id[80];
    /* The client pool body was lent from, if any; acg_response_free() gives it back. */
    struct acg_body_pool *pool_;
};

void acg_response_init(struct acg_response *r);
/* Releases the body. A body acg_client_invoke() lent from the client's buffer pool goes
 * back to it for the client's next call (within a size cap), which is why a client making
 * call after call reuses one warm buffer. Safe after acg_client_destroy(); NULL-safe and
 * idempotent. */
void acg_response_free(struct acg_response *r);

/* Settings given in code; each unset field falls back to the environment and the shared
 * config files the way the AWS CLI reads them. */
struct acg_client_config {
    const char *region;
    const char *profile;
    const char *endpoint_url;       /* like --endpoint-url */
    const char *access_key_id;      /* explicit credentials win over every provider */
    const char *secret_access_key;
    const char *session_token;
    int use_fips;                   /* -1 unset (default), 0 off, 1 on */
    int use_dual_stack;             /* -1 unset, 0, 1 */
    int max_attempts;               /* 0: from config, else 3 */
    const char *retry_mode;         /* NULL: from config, else "standard" */
    long connect_timeout_ms;        /* 0: 60000 */
    long read_timeout_ms;           /* 0: 60000; the longest silence (no byte either way) */
    bool no_verify_ssl;
    const char *ca_bundle;
    size_t max_response_bytes;      /* 0: 64 MiB; a larger body fails with ACG_ERR_TOO_LARGE */
    enum acg_validation_mode validation;
    acg_log_fn log;
    void *log_ctx;
    enum acg_log_level log_level;
    /* Test hooks: clock in milliseconds since the epoch and a random source; NULL = real. */
    int64_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, int64_t ms);
    uint32_t (*random)(void *ctx);
    void *hook_ctx;
    /* Added after the first contract: the cap on one attempt, however slowly the server
     * trickles bytes (read_timeout_ms alone never fires then). 0: 900000 (15 minutes). */
    long total_timeout_ms;
    /* The longest one run of credential_process may take before it is killed (the AWS CLI
     * has no limit; a helper that hangs would hang every call). 0: 60000 (one minute). */
    long credential_process_timeout_ms;
};

/* Zeroes *cfg, then sets use_fips and use_dual_stack to -1. */
void acg_client_config_init(struct acg_client_config *cfg);

/* Threads: a client may be shared by any number of threads once acg_client_new() has
 * returned. It owns one libcurl easy handle (one keep-alive connection) and one SigV4 key
 * cache behind the client's mutex; each attempt holds the mutex while it signs and sends
 * and releases it before any retry delay, so concurrent calls are serialised attempt by
 * attempt on that one connection. The retry quota (a token bucket shared by all calls, as
 * in botocore) and the pool of response buffers each have their own lock; the credentials
 * provider is thread-safe by contract. acg_client_destroy() must not race with a call.
 * libcurl's global initialisation runs once per process (pthread_once). For parallel
 * requests, create one client per thread. */
struct acg_client;

/* Resolves region, credentials source and settings. Returns NULL and fills err
 * (ACG_ERR_CONFIG, ACG_ERR_NOMEM) on failure. */
struct acg_client *acg_client_new(const struct acg_service *svc, const struct acg_client_config *cfg,
                                  struct acg_error *err);
void acg_client_destroy(struct acg_client *c);

enum acg_validation_mode acg_client_validation_mode(const struct acg_client *c);
void acg_client_log(const struct acg_client *c, enum acg_log_level level, const char *fmt, ...)
    ACG_PRINTF(3, 4);

/* Sends one call with retries. On 2xx returns ACG_OK with resp filled. On a service error
 * returns ACG_ERR_SERVICE with err's http_status, aws_type, message and request_id set and
 * resp->body holding the error body, so the caller can decode a modelled exception.
 * resp must be initialised; the caller frees it in every case. When resp->body has no
 * allocation yet, the body is read into a buffer lent from the client's pool (see
 * acg_response_free). */
ACG_NODISCARD int acg_client_invoke(struct acg_client *c, const struct acg_call *call,
                                    struct acg_response *resp, struct acg_error *err);

/* A fresh UUID v4 for idempotency tokens, written into out (37 bytes). */
void acg_uuid4(struct acg_client *c, char out[37]);

#endif
