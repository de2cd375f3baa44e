/* Fuzz target: endpoint rules evaluation. The input is split on NUL bytes into a region, a
 * custom endpoint and a context value; the first byte holds the FIPS and dual-stack
 * switches. It drives the generated Personalize resolver and the rules library functions
 * that take free text (parseURL, parseArn, host labels, substring, uriEncode). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints/acg_endpoint_rules.h"
#include "personalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *copy = malloc(size + 2);
    if (copy == NULL)
        return 0;
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = '\0';
    copy[size] = '\0';
    const char *parts[3] = { copy, "", "" };
    size_t at = 0;
    for (int k = 1; k < 3; k++) {
        at += strlen(copy + at) + 1;
        if (at < size)
            parts[k] = copy + at;
    }
    struct acg_endpoint_params params;
    memset(&params, 0, sizeof params);
    params.builtins.region = parts[0][0] ? parts[0] : NULL;
    params.builtins.endpoint = parts[1][0] ? parts[1] : NULL;
    params.builtins.use_fips = data[0] & 1;
    params.builtins.use_dual_stack = data[0] & 2;
    struct acg_endpoint ep;
    (void)personalize_resolve_endpoint(&params, &ep, NULL);

    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    struct acg_ev v = acg_ev_string(parts[2]);
    (void)acg_ep_parse_url(&c, v);
    struct acg_ev arn = acg_ep_parse_arn(&c, v);
    (void)acg_ep_get_attr(&c, arn, "resourceId[1]");
    (void)acg_ep_is_valid_host_label(v, acg_ev_bool(data[0] & 4));
    (void)acg_ep_is_virtual_hostable_s3_bucket(v, acg_ev_bool(data[0] & 8));
    (void)acg_ep_substring(&c, v, data[0] & 7, (data[0] >> 3) & 31, acg_ev_bool(data[0] & 128));
    (void)acg_ep_uri_encode(&c, v);
    (void)acg_ep_partition(&c, v);
    (void)acg_ep_no_match(&c, NULL);
    free(copy);
    return 0;
}
