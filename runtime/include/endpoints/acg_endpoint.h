/* Endpoint resolution: the inputs a generated rule-set function reads, and its result.
 *
 * Each service's endpoint-rule-set is turned into C by the generator (the function named in
 * struct acg_service.resolve_endpoint); the standard library functions of the rules
 * language and the partitions table live in the runtime. */
#ifndef ACG_ENDPOINT_H
#define ACG_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values the SDK supplies for parameters the rule set marks builtIn. NULL/false = unset. */
struct acg_endpoint_builtins {
    const char *region;              /* AWS::Region */
    bool use_fips;                   /* AWS::UseFIPS */
    bool use_dual_stack;             /* AWS::UseDualStack */
    const char *endpoint;            /* SDK::Endpoint: a custom endpoint URL */
    const char *account_id;          /* AWS::Auth::AccountId */
    const char *account_id_endpoint_mode; /* AWS::Auth::AccountIdEndpointMode */
    bool use_global_endpoint;        /* AWS::STS::UseGlobalEndpoint */
    /* Added after the first contract: AWS::S3::ForcePathStyle as botocore computes it for
     * the call (path style with a custom endpoint unless addressing_style is virtual, or
     * with addressing_style = path; always for GetBucketLocation; never for an ARN bucket). */
    bool s3_force_path_style;
};

enum acg_endpoint_value_type { ACG_EP_UNSET = 0, ACG_EP_STRING, ACG_EP_BOOL, ACG_EP_STRING_ARRAY };

/* One named parameter value from an operation (contextParams, staticContextParams,
 * operationContextParams). */
struct acg_endpoint_param {
    const char *name;
    enum acg_endpoint_value_type type;
    const char *str;
    bool boolean;
    const char *const *strs; /* ACG_EP_STRING_ARRAY */
    size_t strs_count;
};

struct acg_endpoint_params {
    struct acg_endpoint_builtins builtins;
    const struct acg_endpoint_param *context;
    size_t context_count;
    /* The client's values for the service's clientContextParams, named as botocore's
     * Config(client_context_params={...}) names them: the parameter in snake_case
     * ("disable_multi_region_access_points"). Read only for parameters the model declares. */
    const struct acg_endpoint_param *client_context;
    size_t client_context_count;
};

struct acg_endpoint {
    char url[1024];
    char signing_name[64];   /* from the sigv4 auth scheme property; "" keeps the service's;
                              * "!" and a scheme's name ("!sigv4a"): the endpoint lists only
                              * schemes the runtime cannot sign with */
    char signing_region[64]; /* likewise; "" keeps the configured region */
};

/* Fills out, or returns ACG_ERR_ENDPOINT with the rule's error text as err->message
 * (for example "Invalid Configuration: FIPS and custom endpoint are not supported"). */
typedef int (*acg_resolve_endpoint_fn)(const struct acg_endpoint_params *params,
                                       struct acg_endpoint *out, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
