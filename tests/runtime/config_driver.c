/* Prints what the config and credentials modules resolve, one "key=value" per line, for
 * tests/runtime/test_config_credentials.py. Secrets are never printed: only their length and
 * whether they equal EXPECT_SECRET. Usage: config_driver PROFILE|- REGION|- SERVICE_ID [GETS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/acg_config.h"
#include "auth/acg_credentials.h"

int main(int argc, char **argv)
{
    struct acg_profile *profile = NULL;
    struct acg_settings s;
    struct acg_error err;
    if (argc < 4)
        return 2;
    acg_error_init(&err);
    const char *name = strcmp(argv[1], "-") ? argv[1] : NULL;
    const char *region = strcmp(argv[2], "-") ? argv[2] : NULL;
    if (acg_profile_load(name, &profile, &err) != ACG_OK ||
        acg_settings_resolve(profile, argv[3], region, getenv("EXPLICIT_ENDPOINT"), -1, -1, &s, &err) != ACG_OK) {
        printf("error=%s\n", err.message);
        acg_profile_free(profile);
        return 1;
    }
    printf("profile=%s\nregion=%s\nmax_attempts=%d\nretry_mode=%s\nendpoint_url=%s\n", acg_profile_name(profile),
           s.region, s.max_attempts, s.retry_mode, s.endpoint_url);
    printf("use_fips=%d\nuse_dual_stack=%d\nca_bundle=%s\nmin_compression=%ld\n", s.use_fips, s.use_dual_stack,
           s.ca_bundle, s.request_min_compression_size_bytes);
    const char *sub = acg_profile_get_sub(profile, "s3", "max_concurrent_requests");
    printf("s3.max_concurrent_requests=%s\n", sub ? sub : "");
    struct acg_credentials_provider *p = acg_credentials_provider_new(profile, getenv("EXPLICIT_KEY"),
                                                                      getenv("EXPLICIT_SECRET"), NULL, &err);
    if (p == NULL)
        printf("creds_error=%s\n", err.message);
    if (getenv("PROCESS_TIMEOUT_MS") != NULL)
        acg_credentials_provider_set_process_timeout(p, strtol(getenv("PROCESS_TIMEOUT_MS"), NULL, 10));
    int gets = argc > 4 ? atoi(argv[4]) : 1;
    long long step = argc > 5 ? atoll(argv[5]) : 0;
    for (int i = 0; p != NULL && i < gets; i++) {
        struct acg_credentials c;
        acg_error_init(&err);
        if (acg_credentials_get(p, 1700000000000LL + i * step, &c, &err) != ACG_OK) {
            printf("creds_error=%s\n", err.message);
            break;
        }
        const char *want = getenv("EXPECT_SECRET");
        printf("source=%s\naccess_key=%s\nsecret_ok=%d\ntoken_len=%zu\nexpiration=%lld\n", c.source,
               c.access_key_id, want != NULL && strcmp(want, c.secret_access_key) == 0,
               strlen(c.session_token), (long long)c.expiration_ms);
    }
    acg_credentials_provider_destroy(p);
    acg_profile_free(profile);
    return 0;
}
