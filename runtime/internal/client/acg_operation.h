/* Steps every generated operation shares around acg_client_invoke(). */
#ifndef ACG_OPERATION_H
#define ACG_OPERATION_H

#include <stdbool.h>

#include "client/acg_client.h"
#include "common/acg_error.h"
#include "shape/acg_validate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Applies the client's validation mode to what a validator found: enforce fails with
 * ACG_ERR_VALIDATION (every violation in err->message), warn logs each violation and lets
 * the call go on, off ignores them. */
ACG_NODISCARD int acg_op_check(struct acg_client *c, const struct acg_validator *v, struct acg_error *err);

/* Turns a failure to read caller-supplied JSON input (ACG_ERR_JSON with a member path) into
 * the validation error it is for the caller: "path: problem". Other statuses pass through. */
int acg_op_input_error(struct acg_error *err, int status);

/* Says that a body which failed to decode (ACG_ERR_JSON) was the service's response to
 * operation, so it cannot be mistaken for a problem with the caller's input. */
void acg_op_response_error(struct acg_error *err, const char *operation);

/* The endpoint parameters a call of op with input in (or NULL) binds, into out (at most max,
 * *count of them), in the order botocore gives them precedence, the rule set taking the
 * first of a name: staticContextParams, then contextParam members (strings, booleans, lists
 * of strings), then operationContextParams (JMESPath over the input,
 * jmespath/acg_jmespath_strings.h).
 * Values point into op's tables, into in, or into *arena, which is created when it is NULL
 * and something needs it; the caller destroys it. */
ACG_NODISCARD int acg_op_context_params(const struct acg_operation *op, const void *in,
                                        struct acg_arena **arena,
                                        struct acg_endpoint_param *out, size_t max,
                                        size_t *count, struct acg_error *err);

/* Whether flexible checksums are computed (request_checksum_calculation) and validated
 * (response_checksum_validation) when supported, not only when required. */
bool acg_client_checksum_when_supported(const struct acg_client *c);
bool acg_client_validate_when_supported(const struct acg_client *c);

/* Whether a message at level would be logged, so callers can skip building it. */
bool acg_client_log_enabled(const struct acg_client *c, enum acg_log_level level);

#ifdef __cplusplus
}
#endif

#endif
