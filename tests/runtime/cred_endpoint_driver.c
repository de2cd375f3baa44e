/* Prints the endpoint the credential providers resolve for a service, as
 * tests/runtime/test_cred_endpoints.py compares it with botocore's:
 * "url=...", "signing_region=...", "max_attempts=N", or "error=...".
 * Usage: cred_endpoint_driver STS|SSO|"SSO OIDC" REGION|- (profile and settings from the
 * environment: AWS_PROFILE, AWS_CONFIG_FILE, AWS_STS_REGIONAL_ENDPOINTS, ...). */
#include <stdio.h>
#include <string.h>

#include "auth/acg_config.h"
#include "auth/acg_cred_providers.h"

int main(int argc, char **argv)
{
    struct acg_profile *profile = NULL;
    struct acg_cred_target t;
    struct acg_error err;
    if (argc < 3)
        return 2;
    acg_error_init(&err);
    int rc = acg_profile_load(NULL, &profile, &err);
    if (rc == ACG_OK)
        rc = acg_cred_endpoint(profile, argv[1], strcmp(argv[2], "-") != 0 ? argv[2] : NULL, &t, &err);
    if (rc != ACG_OK)
        printf("error=%s\n", err.message);
    else
        printf("url=%s\nsigning_region=%s\nmax_attempts=%d\n", t.ep.url, t.ep.signing_region, t.max_attempts);
    acg_profile_free(profile);
    acg_error_free(&err);
    return 0;
}
