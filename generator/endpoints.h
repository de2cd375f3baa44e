/* The endpoint rule set (AWS's endpoint-rule-set-1) turned into one C function. */
#ifndef GEN_ENDPOINTS_H
#define GEN_ENDPOINTS_H

#include "common/acg_buf.h"
#include "diag.h"
#include "load.h"

/* Appends the definition of
 *     int fn_name(const struct acg_endpoint_params *params, struct acg_endpoint *out,
 *                 struct acg_error *err)
 * written from the rule set (the root of an endpoint-rule-set-1 document; file names it in
 * diagnostics). Conditions become nested ifs, assignments locals, templates concatenations,
 * and every function of the rules language a call into runtime/acg_endpoint_rules.c.
 * Returns 0, or -1 with diagnostics for anything it cannot translate. */
int gen_endpoints_emit(const struct doc_node *ruleset, const char *file, const char *fn_name,
                       struct acg_buf *out, struct diag *d);

/* Flags for the _flags variants. */
enum {
    GEN_ENDPOINTS_STATIC = 1   /* define the function static, for a file that holds its only use */
};

/* gen_endpoints_emit with flags (0 gives the same output). */
int gen_endpoints_emit_flags(const struct doc_node *ruleset, const char *file, const char *fn_name,
                             unsigned flags, struct acg_buf *out, struct diag *d);

/* gen_endpoints_emit_flags for a service model with clientContextParams (the mapping from
 * the model's top level, or NULL): each of those parameters takes, after the operation's
 * context values and before its builtIn, the client's setting keyed by the parameter's name
 * in snake_case, as botocore reads Config(client_context_params={...}). */
int gen_endpoints_emit_client(const struct doc_node *ruleset, const struct doc_node *client_params,
                              const char *file, const char *fn_name, unsigned flags,
                              struct acg_buf *out, struct diag *d);

/* For models without a rule set: the function AWS's standard regional rule set gives,
 * https://{endpointPrefix}.{region}.{dnsSuffix} through the partitions table, with the FIPS
 * (PREFIX-fips.) and dual-stack ({dualStackDnsSuffix}) forms, a custom endpoint when one is
 * configured, and AWS's errors (FIPS or dual-stack with a custom endpoint, missing region, a
 * partition without FIPS or dual-stack). endpoint_prefix must be a host name label such as
 * "personalize"; anything else is an error. A comment line precedes the function. */
int gen_endpoints_emit_default(const char *endpoint_prefix, const char *fn_name, struct acg_buf *out,
                               struct diag *d);
int gen_endpoints_emit_default_flags(const char *endpoint_prefix, const char *fn_name, unsigned flags,
                                     struct acg_buf *out, struct diag *d);

#endif
