/* Fuzz target: the shared config parser and settings resolution on arbitrary file bytes
 * (written to a temporary file that AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth/acg_config.h"
#include "auth/acg_credentials.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/acg-fuzz-ini-%ld", (long)getpid());
        setenv("AWS_CONFIG_FILE", path, 1);
        setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
        setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct acg_profile *p = NULL;
    struct acg_settings s;
    if (acg_profile_load("default", &p, NULL) == ACG_OK) {
        (void)acg_settings_resolve(p, "Personalize", NULL, NULL, -1, -1, &s, NULL);
        (void)acg_profile_get_sub(p, "s3", "max_concurrent_requests");
        (void)acg_profile_service_get(p, "personalize", "endpoint_url");
        /* static keys only: credential_process from fuzzed text is never run */
        if (acg_profile_get(p, "credential_process") == NULL) {
            struct acg_credentials_provider *cp = acg_credentials_provider_new(p, NULL, NULL, NULL, NULL);
            acg_credentials_provider_destroy(cp);
        }
    }
    acg_profile_free(p);
    return 0;
}
