/* A generated struct as a JSON value tree, keyed by the model's member names: the parsed
 * response the AWS CLI prints and the data JMESPath expressions (pagination tokens, waiter
 * matchers, --query) search.
 *
 *     struct acg_value_struct_options o = { .timestamps = ACG_VALUE_TIME_WIRE,
 *                                           .wire_numbers = true };
 *     struct acg_value *v;
 *     int rc = acg_value_from_struct(arena, op->output, out, &o, &v, err);
 */
#ifndef ACG_VALUE_STRUCT_H
#define ACG_VALUE_STRUCT_H

#include <stdbool.h>

#include "common/acg_arena.h"
#include "common/acg_error.h"
#include "json/acg_value.h"
#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How timestamps become values; the AWS CLI's cli_timestamp_format. */
enum acg_value_time {
    /* As received ("wire", the AWS CLI v1 default): the text the service sent; a value
     * built in C (no wire text) as ISO 8601. */
    ACG_VALUE_TIME_WIRE,
    /* Python's datetime.isoformat() in UTC: "2023-11-14T22:13:20.123000+00:00". */
    ACG_VALUE_TIME_ISO8601,
};

struct acg_value_struct_options {
    enum acg_value_time timestamps;
    /* Wire timestamps of body members are JSON numbers (the JSON protocols): they become
     * numbers, an integer or a double as Python's json module reads them. Otherwise, and
     * for header members always, the wire text is a string. */
    bool wire_numbers;
    /* Members the model marks sensitive become the string "*** sensitive ***". */
    bool redact_sensitive;
};

/* Builds the value of obj, a struct of shape s (an operation's input or output, or any
 * structure), in arena: structures and maps as objects (absent members left out, members
 * in model order, those bound to headers or the status code before the body's, as botocore's
 * REST parsers order them), lists as arrays, blobs as base64 strings, documents as their JSON,
 * floats as the shortest double that prints like the float. The tree is open (not frozen)
 * and independent of obj. options NULL: wire timestamps as strings, nothing redacted.
 * ACG_ERR_NOMEM, or ACG_ERR_INVALID_ARG for a document that is no JSON or a NULL map key. */
ACG_NODISCARD int acg_value_from_struct(struct acg_arena *arena, const struct acg_shape *s,
                                        const void *obj,
                                        const struct acg_value_struct_options *options,
                                        struct acg_value **out, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
