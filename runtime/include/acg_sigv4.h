/* AWS Signature Version 4 for any HTTP request (header signing).
 *
 * The clock is a parameter: the signer never reads the time. The derived signing key is
 * cached per (secret, day, region, service) in struct acg_sigv4_cache, which the caller owns
 * (one per client; not thread-safe by itself). */
#ifndef ACG_SIGV4_H
#define ACG_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acg_buf.h"
#include "acg_error.h"

struct acg_header {
    const char *name;
    const char *value;
};

struct acg_credentials {
    char access_key_id[128];
    char secret_access_key[128];
    char session_token[4096];   /* "" when none */
    int64_t expiration_ms;      /* 0 when the credentials do not expire */
    char source[32];            /* "env", "shared-credentials-file", "process", "imds", ... */
};

struct acg_sigv4_params {
    const struct acg_credentials *creds;
    const char *region;
    const char *service;          /* signing name */
    int64_t now_ms;               /* the signing time */
    bool normalize_path;          /* true for every service but S3 */
    bool sign_session_token;      /* true: X-Amz-Security-Token is signed; false: added after */
};

/* The request to sign. Header names keep their case here; the signer lower-cases, trims,
 * folds and merges duplicates. query is the raw query string without '?', or NULL. */
struct acg_sigv4_request {
    const char *method;
    const char *path;             /* as sent, percent-encoded */
    const char *query;
    const struct acg_header *headers;
    size_t header_count;
    const void *payload;
    size_t payload_len;
    const char *payload_hash;     /* hex SHA-256 to use instead of hashing payload, or NULL */
};

struct acg_sigv4_cache {
    char scope[256];              /* secret digest + date/region/service the key is for */
    unsigned char key[32];
    bool valid;
};

/* What the signer produced. The headers to add to the request are x_amz_date,
 * authorization and (when there is a session token) the token itself, plus
 * x-amz-content-sha256 only where a service asks for it (not for JSON services). */
struct acg_sigv4_result {
    char amz_date[17];                /* YYYYMMDDTHHMMSSZ */
    char payload_hash[65];
    struct acg_buf canonical_request; /* for --debug and the sigv4 tool */
    struct acg_buf string_to_sign;
    struct acg_buf authorization;     /* the whole Authorization header value */
    char signature[65];               /* never log this */
};

void acg_sigv4_result_init(struct acg_sigv4_result *r);
void acg_sigv4_result_free(struct acg_sigv4_result *r);   /* zeroes the signature */

/* cache may be NULL. */
ACG_NODISCARD int acg_sigv4_sign(const struct acg_sigv4_params *p, const struct acg_sigv4_request *req,
                                 struct acg_sigv4_cache *cache, struct acg_sigv4_result *out,
                                 struct acg_error *err);

/* Hex SHA-256 of data into out (65 bytes). */
void acg_sha256_hex(const void *data, size_t len, char out[65]);

#endif
