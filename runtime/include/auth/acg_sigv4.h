/* AWS Signature Version 4 for any HTTP request (header signing).
 *
 * The clock is a parameter: the signer never reads the time. The derived signing key is
 * cached per (secret, day, region, service) in struct acg_sigv4_cache, which the caller owns
 * (one per client; not thread-safe by itself).
 *
 * What the signer does with the request, in AWS's order:
 *   - path: with normalize_path, empty and "." segments are dropped, ".." removes the
 *     segment before it, a trailing '/' is kept, and every byte outside the unreserved set
 *     (A-Z a-z 0-9 - . _ ~) and '/' is percent-encoded once more (so "%20" signs as "%2520",
 *     as AWS requires for every service but S3). Without normalize_path (S3) the path is
 *     signed as it goes on the wire: bytes an HTTP client cannot send raw (a space, '"',
 *     '<', '>', '\\', '^', '`', '{', '|', '}', non-ASCII bytes) percent-encoded once, the
 *     rest (RFC 3986 path characters and existing %XX escapes) as given, so
 *     "/example space/" signs as "/example%20space/". An empty path signs as "/".
 *   - query: split on '&' (empty pieces ignored), each piece split on its first '=', both
 *     halves percent-decoded (only valid %XX escapes; '+' stays a literal plus) and
 *     re-encoded with the unreserved set, sorted by key then value, "key=" when empty.
 *   - headers: names lower-cased, values trimmed with runs of whitespace (line breaks of
 *     multi-line values included) folded to one space, repeated names merged with ',' in
 *     request order, sorted by name. Hop-by-hop headers, User-Agent, X-Amzn-Trace-Id and
 *     Expect are not signed (proxies change them), as in AWS's SDKs.
 *   - headers the signer owns and ignores in the request: Authorization, X-Amz-Date (it
 *     signs its own, from now_ms) and, when the credentials carry a session token,
 *     X-Amz-Security-Token (it signs the credentials' token, or leaves it unsigned when
 *     sign_session_token is false). The caller then sends exactly: its own headers minus
 *     those, plus X-Amz-Date: result.amz_date, Authorization: result.authorization and,
 *     with a session token, X-Amz-Security-Token: creds->session_token.
 *   - payload hash: payload_hash when given, else the value of an X-Amz-Content-SHA256
 *     request header when present (S3's UNSIGNED-PAYLOAD), else SHA-256 of the payload.
 *
 * Example:
 *     struct acg_sigv4_params p = { .creds = &creds, .region = "us-east-1",
 *         .service = "personalize", .now_ms = now, .normalize_path = true,
 *         .sign_session_token = true };
 *     struct acg_sigv4_result r;
 *     acg_sigv4_result_init(&r);
 *     if (acg_sigv4_sign(&p, &req, &client->sigv4_cache, &r, &err) == ACG_OK)
 *         ... add X-Amz-Date, Authorization (and the token) and send ...
 *     acg_sigv4_result_free(&r);
 */
#ifndef ACG_SIGV4_H
#define ACG_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * folds and merges duplicates. query is the raw query string without '?', or NULL.
 * Everything is borrowed for the duration of the call and never kept. A NULL header value
 * signs as an empty one. */
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

/* Zero-initialise (`struct acg_sigv4_cache c = {0};`) before first use. scope never holds
 * the secret itself, only its SHA-256; key is the derived key, a secret for one day, so
 * release the cache with acg_sigv4_cache_clear(). */
#define ACG_SIGV4_SCOPE_MAX 256

struct acg_sigv4_cache {
    char scope[ACG_SIGV4_SCOPE_MAX]; /* secret digest + date/region/service the key is for */
    unsigned char key[32];
    bool valid;
};

/* What the signer produced. The headers to add to the request are x_amz_date,
 * authorization and (when there is a session token) the token itself, plus
 * x-amz-content-sha256 only where a service asks for it (not for JSON services).
 * canonical_request contains the session token when it is signed: redact before logging. */
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
/* Zeroes the texts, the signature and the date but keeps the buffers, for a result that
 * signs again (a client's, one attempt after another). NULL-safe. */
void acg_sigv4_result_wipe(struct acg_sigv4_result *r);

/* Signs req. cache may be NULL. out must have been through acg_sigv4_result_init; it may be
 * reused for another signature (a retry) without freeing in between. On failure out holds
 * empty buffers and no signature, err says which input was wrong, and the status is
 * ACG_ERR_INVALID_ARG (bad parameters or request, or credentials whose expiration_ms is
 * not after now_ms: expired credentials never sign), ACG_ERR_NOMEM or ACG_ERR_TOO_LARGE. */
ACG_NODISCARD int acg_sigv4_sign(const struct acg_sigv4_params *p, const struct acg_sigv4_request *req,
                                 struct acg_sigv4_cache *cache, struct acg_sigv4_result *out,
                                 struct acg_error *err);

/* Copies r's canonical request into out (appending) with the value of a signed
 * x-amz-security-token header replaced by "<redacted>": the form for --debug logs, which
 * must never show the session token. The signature is not in the canonical request. */
ACG_NODISCARD int acg_sigv4_canonical_request_for_log(const struct acg_sigv4_result *r,
                                                      struct acg_buf *out);

/* The derived key HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request") for p's credentials, day (from now_ms), region and service. The caller
 * zeroes key when done (acg_secure_zero in acg_crypto.h). */
ACG_NODISCARD int acg_sigv4_signing_key(const struct acg_sigv4_params *p, unsigned char key[32],
                                        struct acg_error *err);

/* Zeroes the cached key and forgets its scope. NULL-safe. */
void acg_sigv4_cache_clear(struct acg_sigv4_cache *cache);

/* Hex SHA-256 of data into out (65 bytes). data may be NULL when len is 0. Writes "" in the
 * (allocation-failure) case where libcrypto cannot compute it. */
void acg_sha256_hex(const void *data, size_t len, char out[65]);

/* Milliseconds since the Unix epoch <-> SigV4's basic ISO 8601 form "YYYYMMDDTHHMMSSZ" (UTC,
 * whole seconds; formatting truncates toward the earlier second). Years 0000-9999.
 * Both return ACG_OK or ACG_ERR_INVALID_ARG. */
ACG_NODISCARD int acg_sigv4_format_time(int64_t now_ms, char out[17]);
ACG_NODISCARD int acg_sigv4_parse_time(const char *amz_date, int64_t *now_ms);

#ifdef __cplusplus
}
#endif

#endif
