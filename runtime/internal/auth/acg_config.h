/* The shared config and credentials files and the environment, read the way the AWS CLI
 * reads them. Values are looked up per profile; nothing is cached across calls. */
#ifndef ACG_CONFIG_H
#define ACG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One profile's settings from both files, merged (credentials file wins for keys). */
struct acg_profile;

/* Loads profile name (NULL: AWS_PROFILE, else "default") from AWS_CONFIG_FILE
 * (~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials). Missing files are
 * fine; a named profile that exists nowhere is ACG_ERR_CONFIG ("The config profile (x) could
 * not be found"), except for the implicit "default". */
ACG_NODISCARD int acg_profile_load(const char *name, struct acg_profile **out, struct acg_error *err);
void acg_profile_free(struct acg_profile *p);

const char *acg_profile_name(const struct acg_profile *p);
/* A top-level key of the profile, or NULL. */
const char *acg_profile_get(const struct acg_profile *p, const char *key);
/* Whether a section of either file is the profile (botocore's "profile in profiles"). */
bool acg_profile_exists(const struct acg_profile *p);
/* The config file's [sso-session NAME] sections: whether NAME has one, and its i-th key (in
 * the file's order; NULL past the last) with its value. */
bool acg_profile_sso_session_exists(const struct acg_profile *p, const char *name);
const char *acg_profile_sso_session_key(const struct acg_profile *p, const char *name, size_t i,
                                        const char **value);
/* Whether acg_profile_load was given the name (--profile) rather than taking AWS_PROFILE or
 * "default". As in botocore, a profile named by the caller outranks environment keys. */
bool acg_profile_named_by_caller(const struct acg_profile *p);
/* Whether the profile's top-level key came from the credentials file (false: the config
 * file, or not set). The credential chain reports "shared-credentials-file" or "config-file"
 * as botocore does, and refuses keys split across the two files. */
bool acg_profile_from_credentials_file(const struct acg_profile *p, const char *key);
/* A key of an indented sub-section, e.g. ("s3", "max_concurrent_requests"), or NULL. */
const char *acg_profile_get_sub(const struct acg_profile *p, const char *section, const char *key);
/* services = NAME reference: the [services NAME] section's key for service, or NULL. */
const char *acg_profile_service_get(const struct acg_profile *p, const char *service_key,
                                    const char *key);

/* Appends the file at path, whole, to out, which should come from acg_buf_init_secure (the
 * file may hold secrets); a file over max_bytes is ACG_ERR_TOO_LARGE. A file that
 * cannot be opened sets *missing (botocore treats it as absent); so does the null device.
 * Anything else that is not a regular file (a FIFO, socket, device or directory, also
 * behind a symbolic link) is refused with ACG_ERR_CONFIG without reading a byte: it could
 * block for ever or never end. */
ACG_NODISCARD int acg_config_read_file(const char *path, size_t max_bytes, struct acg_buf *out,
                                       bool *missing, struct acg_error *err);

/* An environment variable that is set and not empty, else NULL. */
const char *acg_env(const char *name);

/* Settings the client needs, resolved in AWS's order: explicit value, environment, profile,
 * default. */
struct acg_settings {
    char region[64];               /* "" when none is configured; else a host label as
                                      botocore validates it (never cut: a longer or
                                      malformed region is ACG_ERR_CONFIG) */
    int max_attempts;              /* default 3 */
    char retry_mode[16];           /* "standard" (default), "legacy" or "adaptive" */
    char ca_bundle[1024];
    char endpoint_url[1024];       /* service-specific or global; "" when none */
    bool use_fips;
    bool use_dual_stack;
    bool disable_request_compression;
    bool disable_host_prefix_injection;
    long request_min_compression_size_bytes;  /* default 10240 */
    /* Flexible checksums: request_checksum_calculation and response_checksum_validation
     * (AWS_REQUEST_CHECKSUM_CALCULATION, ...): "when_supported" (the default) or
     * "when_required"; true here means when_supported. */
    bool checksum_when_supported;
    bool validate_when_supported;
    /* The profile's s3 section: addressing_style ("auto" default, "path", "virtual"). */
    char s3_addressing_style[16];
};

/* Whether v is a region botocore's validate_region_name accepts (a host label). */
bool acg_region_valid(const char *v);

/* service_id: e.g. "Personalize" for AWS_ENDPOINT_URL_PERSONALIZE and the services section
 * key "personalize". explicit_* may be NULL / -1. */
ACG_NODISCARD int acg_settings_resolve(const struct acg_profile *p, const char *service_id,
                                       const char *explicit_region, const char *explicit_endpoint,
                                       int explicit_fips, int explicit_dual_stack,
                                       struct acg_settings *out, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
