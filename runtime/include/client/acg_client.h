/* A service client: configuration, credentials, endpoint, a pool of HTTP connections,
 * retries, and acg_call(), which runs any operation from its descriptor.
 *
 * Generated code describes its service and operations with the tables of
 * shape/acg_service.h; each generated operation function hands its descriptor, input and
 * output to acg_call(), which validates the input, has the service's protocol build the
 * request, resolves the endpoint, signs with SigV4, sends over libcurl, retries in AWS's
 * standard mode, decodes the output or the modelled error. */
#ifndef ACG_CLIENT_H
#define ACG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "common/acg_log.h"
#include "endpoints/acg_endpoint.h"
#include "protocol/acg_protocol.h"
#include "shape/acg_service.h"
#include "shape/acg_validate.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_body_pool;

struct acg_response {
    long http_status;
    struct acg_buf body;
    char request_id[80];
    struct acg_buf header_text;   /* the headers as "name\0value\0" pairs */
    struct acg_header *headers;   /* pointing into header_text */
    size_t header_count;
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
/* Reads the code of an MFA device (struct acg_client_config.mfa_prompt). */
typedef int (*acg_mfa_prompt_fn)(void *ctx, const char *prompt, char *code, size_t size);

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
    /* Added after the first contract: values for the service's clientContextParams, as
     * botocore takes them in Config(client_context_params={...}): each name is the
     * parameter's in snake_case ("use_arn_region"), each value a string or a boolean.
     * acg_client_new copies them. Entries the model does not declare are ignored. */
    const struct acg_endpoint_param *client_context;
    size_t client_context_count;
    /* The longest one run of credential_process may take before it is killed (the AWS CLI
     * has no limit; a helper that hangs would hang every call). 0: 60000 (one minute). */
    long credential_process_timeout_ms;
    /* Added after the first contract: requests go out unsigned and no credentials are
     * looked up (the AWS CLI's --no-sign-request), for public resources. */
    bool no_sign_request;
    /* The most transfers one client runs at once (each on its own libcurl handle and
     * keep-alive connection); a call beyond that waits for a handle. 0: 32. */
    int max_connections;
    /* Asked for the code of an MFA device when an assume-role profile has mfa_serial:
     * prompt is botocore's ("Enter MFA code for <serial>: "); write the code, NUL-terminated,
     * into code (size bytes) and return 0, or non-zero when there is none. NULL: such a
     * profile fails unless the AWS CLI's cache holds the role's credentials. */
    acg_mfa_prompt_fn mfa_prompt;
    void *mfa_prompt_ctx;
};

/* Zeroes *cfg, then sets use_fips and use_dual_stack to -1. */
void acg_client_config_init(struct acg_client_config *cfg);

/* Threads. The contract:
 *
 * May be shared: one struct acg_client, by any number of threads, once acg_client_new()
 * has returned and until acg_client_destroy() is called. Calls on it (acg_call,
 * acg_call_ex, acg_client_send, the generated operations, pagers and waiters, acg_uuid4)
 * run in parallel: each attempt takes a libcurl handle from the client's pool (at most
 * max_connections; beyond that an attempt waits for one to come back), and no lock is
 * held across a transfer or a retry delay. The handles share a DNS cache and a TLS
 * session cache; each keeps its own keep-alive connection. Credentials are refreshed by
 * one call while the others go on with the credentials they have, as long as those have
 * not expired; calls that have none wait for that one fetch. The retry quota (a token
 * bucket, as in botocore) is shared by every call of the client.
 *
 * May not be shared, one per call in flight: the struct acg_error, the input and output
 * structs (and the arena the output's values live in), struct acg_response, a pager or a
 * waiter, and an asynchronous loop (client/acg_async.h), which belongs to one thread at a
 * time. A response freed after acg_client_destroy() is still safe.
 *
 * The caller's callbacks (log, now_ms, sleep_ms, random) are called from every calling
 * thread, possibly at once. acg_client_destroy() must not race with a call, and a client
 * made before fork() is not used in the child. libcurl's global initialisation runs once
 * per process (pthread_once) when the first client is made; a program that also uses
 * libcurl itself calls curl_global_init before starting threads. */
struct acg_client;

/* Resolves region, credentials source and settings. Returns NULL and fills err
 * (ACG_ERR_CONFIG, ACG_ERR_NOMEM) on failure. */
struct acg_client *acg_client_new(const struct acg_service *svc, const struct acg_client_config *cfg,
                                  struct acg_error *err);
void acg_client_destroy(struct acg_client *c);

enum acg_validation_mode acg_client_validation_mode(const struct acg_client *c);
void acg_client_log(const struct acg_client *c, enum acg_log_level level, const char *fmt, ...)
    ACG_PRINTF(3, 4);

/* Runs operation op: validates in (a struct of op->input, or NULL when the operation takes
 * none) by the client's validation mode, builds and sends the request with retries, and
 * decodes a 2xx answer into out (a struct of op->output, or NULL), which is zeroed first
 * and owns what it points to afterwards (release it with its generated _free). A modelled
 * error is decoded into err->detail (read it with acg_error_detail). Nothing is sent when
 * validation fails. A large JSON answer (awsJson, restJson1 without a payload member; 256
 * KiB or more, or of unknown length) is decoded while it arrives and never held whole; a
 * transfer that fails part-way is retried with the output released first, and the errors
 * are those of a body kept whole. */
ACG_NODISCARD int acg_call(struct acg_client *c, const struct acg_operation *op, const void *in,
                           void *out, struct acg_error *err);

/* What a call may do differently. */
struct acg_call_options {
    /* An operation whose output's payload is a streaming blob (a download) writes the body
     * here as it arrives, instead of keeping it in the output struct; the call is then not
     * retried once a byte has been written. NULL: kept in memory. */
    const struct acg_body_sink *output_sink;
    /* Added after the first contract: the bytes of the input's streaming blob payload (S3's
     * PutObject Body) when they are not in the input struct, sent from here as they are and
     * never copied, so a caller can map a file instead of reading it into memory (the
     * program does). NULL: the input's own. */
    const void *payload;
    size_t payload_len;
};

/* acg_call with options (NULL: the defaults). */
ACG_NODISCARD int acg_call_ex(struct acg_client *c, const struct acg_operation *op,
                              const void *in, void *out, const struct acg_call_options *options,
                              struct acg_error *err);

/* Whether op's output is a stream: a blob payload, as botocore streams it (marked streaming
 * or not). */
bool acg_operation_streams_output(const struct acg_operation *op);

/* The modelled error err holds if it is of shape s, else NULL. */
const void *acg_error_detail(const struct acg_error *err, const struct acg_shape *s);

/* One request, built, on its way out: what acg_call hands the client's transport. */
struct acg_send {
    const struct acg_operation *op;
    const struct acg_request *req;
    const char *host_prefix;                   /* the operation's, labels filled, or NULL */
    const struct acg_endpoint_param *context;  /* endpoint context parameters */
    size_t context_count;
    bool want_headers;                         /* keep the response's headers in resp */
    const struct acg_body_sink *sink;          /* a 2xx body goes here as it arrives */
};

/* Sends one request with retries. On 2xx returns ACG_OK with resp filled. On a service
 * error returns ACG_ERR_SERVICE with err's http_status, aws_type, message and request_id
 * set and resp->body holding the error body, so the caller can decode a modelled
 * exception. resp must be initialised; the caller frees it in every case. When resp->body
 * has no allocation yet, the body is read into a buffer lent from the client's pool (see
 * acg_response_free). */
ACG_NODISCARD int acg_client_send(struct acg_client *c, const struct acg_send *s,
                                  struct acg_response *resp, struct acg_error *err);

/* The service a client was made for. */
const struct acg_service *acg_client_service(const struct acg_client *c);

/* A fresh UUID v4 for idempotency tokens, written into out (37 bytes). */
void acg_uuid4(struct acg_client *c, char out[37]);

#ifdef __cplusplus
}
#endif

#endif
