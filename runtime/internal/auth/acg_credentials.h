/* The credential provider chain, in the order AWS SDKs use:
 * environment, shared credentials file, shared config file (static keys, then
 * credential_process), container credentials, EC2 instance metadata (IMDSv2).
 * Temporary credentials are refreshed a few minutes before they expire. */
#ifndef ACG_CREDENTIALS_H
#define ACG_CREDENTIALS_H

#include <stdint.h>

#include "auth/acg_config.h"
#include "common/acg_error.h"
#include "auth/acg_sigv4.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_credentials_provider;

/* profile may be NULL. The provider keeps what it resolves and re-resolves on expiry.
 * explicit_* (all three may be NULL) win over the chain when both keys are given.
 * Static keys are chosen here; NULL with ACG_ERR_CONFIG when they are too long or partial
 * (a key id without its secret in the same file, as botocore's PartialCredentialsError).
 * The credentials' source names where they came from: "explicit", "env", "assume-role",
 * "assume-role-with-web-identity", "sso", "shared-credentials-file", "config-file",
 * "process", "container", "imds" (the chain's order, as botocore's). */
struct acg_credentials_provider *acg_credentials_provider_new(const struct acg_profile *profile,
                                                              const char *explicit_access_key,
                                                              const char *explicit_secret_key,
                                                              const char *explicit_session_token,
                                                              struct acg_error *err);
void acg_credentials_provider_destroy(struct acg_credentials_provider *p);

/* The client's region, which the STS client of assume-role and web identity uses as
 * botocore's nested client does ("" or NULL: the profile's or the environment's). */
void acg_credentials_provider_set_region(struct acg_credentials_provider *p, const char *region);

/* credential_process runs as the AWS CLI runs it (the command line split into words as
 * Python's shlex.split splits it, the program started directly, no shell) but, unlike the
 * AWS CLI, bounded: one run may take timeout_ms (<= 0: the default, 60000) and print at
 * most 1 MiB on stdout; past either the helper is killed and the fetch fails with
 * ACG_ERR_CREDENTIALS. NULL-safe. */
void acg_credentials_provider_set_process_timeout(struct acg_credentials_provider *p,
                                                  long timeout_ms);

/* The prompt assume-role asks an MFA code with (struct acg_client_config.mfa_prompt).
 * NULL-safe. */
void acg_credentials_provider_set_mfa_prompt(struct acg_credentials_provider *p,
                                             int (*prompt)(void *ctx, const char *prompt,
                                                           char *code, size_t size),
                                             void *ctx);

/* Copies current credentials into out, resolving or refreshing first when needed.
 * now_ms is the clock: credentials with an expiration are fetched again once now_ms is
 * within five minutes of it; if that refresh fails before they expire, the old ones are
 * returned. Credentials already expired when fetched are refused (ACG_ERR_CREDENTIALS,
 * "Credentials were refreshed, but the refreshed credentials are still expired.", as
 * botocore says), so expired credentials are never returned. Thread-safe and lock-light:
 * the provider's mutex is held only to copy or swap the cached credentials, never during a
 * fetch. One caller fetches; meanwhile the others return the cached credentials if they
 * have not expired, or else wait for that fetch and share its outcome (its error included).
 * ACG_ERR_CONFIG "Unable to locate credentials. ..." when no provider has any; error
 * messages never hold a secret. */
ACG_NODISCARD int acg_credentials_get(struct acg_credentials_provider *p, int64_t now_ms,
                                      struct acg_credentials *out, struct acg_error *err);

/* Empties c by its strings' first bytes only (the struct is mostly room for a token), so
 * acg_credentials_wipe() may follow whether or not a get filled it. */
void acg_credentials_init(struct acg_credentials *c);

/* Zeroes the keys and token acg_credentials_get() copied into c, up to their terminators
 * (every string of c must be terminated: start from acg_credentials_init()). */
void acg_credentials_wipe(struct acg_credentials *c);

#ifdef __cplusplus
}
#endif

#endif
