/* The credential providers that call an AWS service for temporary credentials, as
 * botocore's credentials.py has them:
 *
 *   assume-role                    role_arn with source_profile or credential_source in the
 *                                  profile: STS AssumeRole signed with the source's credentials
 *                                  (acg_cred_sts.c);
 *   assume-role-with-web-identity  AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the
 *                                  profile's web_identity_token_file + role_arn: STS
 *                                  AssumeRoleWithWebIdentity, unsigned (acg_cred_sts.c);
 *   sso                            sso_session (or the legacy sso_start_url and sso_region)
 *                                  with sso_account_id and sso_role_name: the token the AWS
 *                                  CLI's `aws sso login` keeps in ~/.aws/sso/cache, then SSO
 *                                  GetRoleCredentials, unsigned (acg_cred_sso.c).
 *
 * The chain in acg_credentials.c asks acg_cred_delegate_new() at botocore's place (after
 * the environment's keys, before the profile's own keys); each provider keeps what it
 * fetches in the AWS CLI's cache (~/.aws/cli/cache, acg_cred_cache.c) under the name
 * botocore gives it, so the AWS CLI and this runtime reuse each other's credentials.
 *
 * Internal to the runtime. Error messages are botocore's where it has one; no message holds
 * a key, a secret, a session token or a bearer token. */
#ifndef ACG_CRED_PROVIDERS_H
#define ACG_CRED_PROVIDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/acg_config.h"
#include "auth/acg_credentials.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a fetch needs from the client that asks. */
struct acg_cred_ctx {
    int64_t now_ms;        /* the client's clock */
    const char *region;    /* the client's region ("" or NULL: none configured) */
    long process_timeout_ms;   /* the client's bound on a source profile's credential_process */
    /* the client's acg_mfa_prompt_fn, or NULL */
    int (*mfa_prompt)(void *ctx, const char *prompt, char *code, size_t size);
    void *mfa_prompt_ctx;
};

/* One provider chosen for a profile. fetch fills out (with expiration_ms) or fails. */
struct acg_cred_delegate {
    const char *method;    /* botocore's METHOD: "assume-role", ... */
    int (*fetch)(struct acg_cred_delegate *d, const struct acg_cred_ctx *ctx,
                 struct acg_credentials *out, struct acg_error *err);
    void (*destroy)(struct acg_cred_delegate *d);
};

/* One chain's shared state: the client's profile, whose settings (endpoint URLs,
 * sts_regional_endpoints, ca_bundle) the STS and SSO clients take as botocore's nested
 * clients take the session's, and the profiles an assume-role chain went through, for
 * botocore's loop check. */
#define ACG_CRED_MAX_CHAIN 32
struct acg_cred_visited {
    const struct acg_profile *session;
    char *names[ACG_CRED_MAX_CHAIN];
    size_t n;
};
void acg_cred_visited_free(struct acg_cred_visited *v);

/* acg_cred_delegate_new flags */
enum {
    ACG_CRED_WITH_ASSUME_ROLE = 1 << 0,  /* the main chain; a source profile's chain has none */
    ACG_CRED_WITH_ENV = 1 << 1,          /* web identity may read AWS_WEB_IDENTITY_TOKEN_FILE... */
};

/* The first of assume-role, web identity and SSO that the profile (and, with
 * ACG_CRED_WITH_ENV, the environment) configures, in botocore's order; *out NULL when none
 * does. A configuration botocore refuses is refused here with its message (ACG_ERR_CONFIG).
 * visited may be NULL: a fresh chain whose session profile is profile. */
ACG_NODISCARD int acg_cred_delegate_new(const struct acg_profile *profile, unsigned flags,
                                        struct acg_cred_visited *visited,
                                        struct acg_cred_delegate **out, struct acg_error *err);
void acg_cred_delegate_destroy(struct acg_cred_delegate *d);

/* The providers, for acg_cred_delegate_new. Each returns ACG_OK with *out NULL when the
 * profile does not configure it. */
ACG_NODISCARD int acg_cred_assume_role_new(const struct acg_profile *profile,
                                           struct acg_cred_visited *visited,
                                           struct acg_cred_delegate **out, struct acg_error *err);
ACG_NODISCARD int acg_cred_web_identity_new(const struct acg_profile *profile,
                                            const struct acg_profile *session, bool use_env,
                                            struct acg_cred_delegate **out, struct acg_error *err);
ACG_NODISCARD int acg_cred_sso_new(const struct acg_profile *profile,
                                   const struct acg_profile *session,
                                   struct acg_cred_delegate **out, struct acg_error *err);

/* From acg_credentials.c: a provider for an assume-role's source. credential_source NULL:
 * the source profile's own providers (web identity from the profile, SSO, the credentials
 * file's keys, credential_process, the config file's keys; no environment, container or
 * instance metadata), NULL with botocore's 'The source profile "X" must have credentials.'
 * when it has none. Else "Environment", "EcsContainer" or "Ec2InstanceMetadata". */
struct acg_credentials_provider *acg_credentials_provider_new_source(
    const struct acg_profile *profile, const char *credential_source,
    struct acg_cred_visited *visited, struct acg_error *err);

/* What the endpoint rule sets of STS, SSO and SSO OIDC take and give. */
struct acg_cred_endpoint_in {
    const char *region;          /* NULL: none */
    bool use_fips;
    bool use_dual_stack;
    const char *endpoint;        /* a configured endpoint URL, or NULL */
    bool use_global_endpoint;    /* STS: sts_regional_endpoints = legacy */
};
struct acg_cred_endpoint_out {
    char url[1024];
    char signing_name[64];       /* "" keeps the service's */
    char signing_region[64];     /* "" keeps the region */
};

/* service_id "STS", "SSO" or "SSO OIDC": the service's rule set, from botocore's model,
 * turned into C by scripts/gen_cred_endpoints.sh. It lives with the endpoint rules
 * (runtime/endpoints/acg_cred_endpoints.c); the rule's error text comes back as
 * ACG_ERR_ENDPOINT. */
ACG_NODISCARD int acg_cred_resolve_endpoint(const char *service_id, const struct acg_cred_endpoint_in *in,
                                            struct acg_cred_endpoint_out *out, struct acg_error *err);

/* ---- shared by the providers (acg_cred_delegate.c) ---- */

/* How the credentials client reaches its service. */
struct acg_cred_target {
    struct acg_cred_endpoint_out ep;
    char ca_bundle[1024];   /* AWS_CA_BUNDLE or the profile's ca_bundle; "" for the system's */
    int max_attempts;       /* the client's rule: max_attempts, else 5 in legacy mode, else 3 */
};

/* One service's endpoint for the credentials client, resolved as botocore resolves it for
 * the client it creates: the rule set with the region, FIPS and dual-stack settings and the
 * configured endpoint URL (AWS_ENDPOINT_URL_STS, ..., the profile's services section) of
 * service_id ("STS", "SSO", "SSO OIDC"); STS takes sts_regional_endpoints. */
ACG_NODISCARD int acg_cred_endpoint(const struct acg_profile *profile, const char *service_id,
                                    const char *region, struct acg_cred_target *out,
                                    struct acg_error *err);

/* A response from a credentials service. headers holds "name: value\n" lines of the
 * final response, names lower-cased; body is a secure buffer. */
struct acg_cred_response {
    long status;           /* 0: no response */
    struct acg_buf headers;
    struct acg_buf body;
};
void acg_cred_response_init(struct acg_cred_response *r);
void acg_cred_response_free(struct acg_cred_response *r);

/* One HTTP exchange: method to base URL + path (+ "?" query when not NULL), with the
 * headers given (each already checked for control characters). No redirects, TLS verified
 * (with ca_bundle when not ""), proxies from the environment as libcurl reads them. A
 * transport failure is ACG_ERR_TRANSPORT with botocore's words for it. */
ACG_NODISCARD int acg_cred_http(const char *method, const char *base_url, const char *path,
                                const char *query, const struct acg_header *headers,
                                size_t header_count, const char *body, size_t body_len,
                                const char *ca_bundle, struct acg_cred_response *resp,
                                struct acg_error *err);

/* The error code of an answer (the protocol's rules), into code (size bytes; "" none). */
typedef void (*acg_cred_code_fn)(const struct acg_cred_response *resp, char *code, size_t size);

/* acg_cred_http, attempted again as the runtime's client retries (http/acg_retry.h's
 * standard mode: no answer, 500, 502, 503, 504, botocore's throttling codes; up to
 * target->max_attempts, full-jitter backoff). resp holds the last answer; *retries the attempts made after the first. The
 * request must be the same each time (a signed one stays valid for minutes). */
ACG_NODISCARD int acg_cred_http_retry(const char *method, const struct acg_cred_target *target,
                                      const char *path, const char *query,
                                      const struct acg_header *headers, size_t header_count,
                                      const char *body, size_t body_len, acg_cred_code_fn code_of,
                                      struct acg_cred_response *resp, int *retries,
                                      struct acg_error *err);

/* Splits an endpoint URL: the path botocore's _urljoin makes of it and path_suffix (into
 * path, e.g. "/" or "/prefix/federation/credentials"), and the Host header's value
 * (default ports dropped). */
ACG_NODISCARD int acg_cred_url_parts(const char *url, const char *path_suffix, char *path,
                                     size_t path_size, char *host, size_t host_size);

/* Appends s percent-encoded as botocore's percent_encode (unreserved characters kept). */
ACG_NODISCARD int acg_cred_percent_encode(struct acg_buf *b, const char *s);

/* Python's repr() of a str, as botocore's messages show names in lists. */
ACG_NODISCARD int acg_cred_py_repr(struct acg_buf *b, const char *s);

/* Refuses a value with a control character (CR, LF, TAB, ...), naming what and where,
 * never the value. */
ACG_NODISCARD int acg_cred_check_value(const char *value, const char *what, const char *where,
                                       struct acg_error *err);

/* Copies fetched keys into out, refusing control characters. expiration_ms > 0. */
ACG_NODISCARD int acg_cred_set(struct acg_credentials *out, const char *id, const char *secret,
                               const char *token, int64_t expiration_ms, const char *source,
                               const char *where, struct acg_error *err);

/* Zeroes n bytes where the compiler cannot drop it. */
void acg_cred_wipe(void *p, size_t n);
/* Zeroes a decoded string in place (an arena's copy of a key or token) before its arena is
 * released; NULL-safe. */
void acg_cred_wipe_str(const char *s);

/* ---- the AWS CLI's credential cache (acg_cred_cache.c) ---- */

/* Lower-case hex SHA-1 of s (41 bytes with the NUL). */
ACG_NODISCARD int acg_cred_sha1_hex(const char *s, char out[41]);

/* Appends s as Python's json.dumps writes a str (ensure_ascii: every character outside
 * ASCII as \uXXXX, surrogate pairs above U+FFFF). s must be UTF-8. */
ACG_NODISCARD int acg_cred_json_string(struct acg_buf *b, const char *s);

/* The cache folder: ~/.aws/cli/cache (HOME from the environment). */
ACG_NODISCARD int acg_cred_cache_dir(char *out, size_t size);

/* Reads DIR/KEY.json whole into out (a secure buffer); *found false when it is missing or
 * not a regular file. */
ACG_NODISCARD int acg_cred_cache_read(const char *dir, const char *key, struct acg_buf *out,
                                      bool *found, struct acg_error *err);

/* Writes text to DIR/KEY.json as botocore's JSONFileCache does: the folder made when
 * missing, a temporary file beside it (mode 0600) written and synced, then renamed over the
 * old one. A failure to write is not an error for the caller (botocore would raise; the
 * credentials are good either way): the return says whether it was written. */
bool acg_cred_cache_write(const char *dir, const char *key, const char *text, size_t len);

/* Parses a timestamp as dateutil reads the ones the caches hold: "2024-01-01T00:00:00Z",
 * "...UTC", "...+00:00", fractions of seconds. ACG_OK or ACG_ERR_INVALID_ARG. */
ACG_NODISCARD int acg_cred_parse_time(const char *s, int64_t *ms);

/* A cached credentials document's parts (what botocore's fetchers read back):
 * {"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}}. Fills
 * out when the entry is there and has more than window_ms left at now_ms; *usable false
 * otherwise (expired, malformed: botocore then fetches anew). */
ACG_NODISCARD int acg_cred_cache_load(const char *dir, const char *key, int64_t now_ms,
                                      int64_t window_ms, const char *source, const char *where,
                                      struct acg_credentials *out, bool *usable,
                                      struct acg_error *err);

/* botocore's CachedCredentialFetcher window: cached credentials with less than 15 minutes
 * left are fetched anew. */
#define ACG_CRED_EXPIRY_WINDOW_MS ((int64_t)15 * 60 * 1000)

#ifdef __cplusplus
}
#endif

#endif
