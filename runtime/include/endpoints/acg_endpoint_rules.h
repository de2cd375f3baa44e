/* The standard library of AWS endpoint rule sets, for the resolver functions the generator
 * writes from each service's endpoint-rule-set-1.
 *
 * Values in the rules language are strings, booleans, records (what aws.partition,
 * aws.parseArn and parseURL return) and arrays, or unset. A generated resolver holds them
 * in struct acg_ev values, calls the functions below, and leaves through acg_ep_result,
 * acg_ep_fail or acg_ep_no_match, which also release the context. */
#ifndef ACG_ENDPOINT_RULES_H
#define ACG_ENDPOINT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "endpoints/acg_endpoint.h"
#include "common/acg_error.h"
#include "common/acg_pattern.h"

#ifdef __cplusplus
extern "C" {
#endif

enum acg_ev_type { ACG_EV_NONE = 0, ACG_EV_STRING, ACG_EV_BOOL, ACG_EV_RECORD, ACG_EV_ARRAY };

struct acg_ev_field;

struct acg_ev {
    enum acg_ev_type type;
    bool b;
    const char *s;
    const struct acg_ev_field *fields;  /* records */
    const struct acg_ev *items;         /* arrays */
    size_t n;                           /* fields or items */
};

struct acg_ev_field {
    const char *name;
    struct acg_ev value;
};

/* Scratch memory for one resolution. */
struct acg_ep_ctx {
    struct acg_arena *arena;
    bool failed;   /* an allocation failed; the result is ACG_ERR_NOMEM */
};

void acg_ep_begin(struct acg_ep_ctx *c);

struct acg_ev acg_ev_none(void);
struct acg_ev acg_ev_string(const char *s);   /* NULL gives an unset value */
struct acg_ev acg_ev_bool(bool b);
/* A condition holds when its value is set and is not false. */
bool acg_ev_ok(struct acg_ev v);
/* v, or fallback when v is unset (parameter defaults). */
struct acg_ev acg_ev_or(struct acg_ev v, struct acg_ev fallback);

/* A parameter from the operation's context values, by name; unset when absent. */
struct acg_ev acg_ep_context(struct acg_ep_ctx *c, const struct acg_endpoint_params *p, const char *name);
/* A clientContextParam from the client's settings, by its snake_case key; unset when absent. */
struct acg_ev acg_ep_client_context(struct acg_ep_ctx *c, const struct acg_endpoint_params *p,
                                    const char *key);

/* The rules language's functions, case for case as botocore's RuleSetStandardLibrary
 * (botocore/endpoint_provider.py) answers. Unset inputs give unset or false; where botocore
 * raises instead (stringEquals or booleanEquals on an unset value, getAttr of a missing
 * key), the condition is simply false: the rule sets AWS publishes guard those calls with
 * isSet, so no published rule set can tell the difference.
 * not() uses Python's truth rules: unset, false, "" and empty arrays and records are false. */
struct acg_ev acg_ep_is_set(struct acg_ev v);
struct acg_ev acg_ep_not(struct acg_ev v);
struct acg_ev acg_ep_boolean_equals(struct acg_ev a, struct acg_ev b);
struct acg_ev acg_ep_string_equals(struct acg_ev a, struct acg_ev b);
/* path: "name", "a.b", "resourceId[1]" */
struct acg_ev acg_ep_get_attr(struct acg_ep_ctx *c, struct acg_ev v, const char *path);
struct acg_ev acg_ep_substring(struct acg_ep_ctx *c, struct acg_ev v, int start, int stop,
                               struct acg_ev reverse);
struct acg_ev acg_ep_uri_encode(struct acg_ep_ctx *c, struct acg_ev v);
struct acg_ev acg_ep_parse_url(struct acg_ep_ctx *c, struct acg_ev v);
struct acg_ev acg_ep_is_valid_host_label(struct acg_ev v, struct acg_ev allow_subdomains);
struct acg_ev acg_ep_partition(struct acg_ep_ctx *c, struct acg_ev region);
struct acg_ev acg_ep_parse_arn(struct acg_ep_ctx *c, struct acg_ev v);
struct acg_ev acg_ep_is_virtual_hostable_s3_bucket(struct acg_ev v, struct acg_ev allow_subdomains);
/* A template's pieces joined into one string (unset when a piece is not a string). */
struct acg_ev acg_ep_concat(struct acg_ep_ctx *c, const struct acg_ev *parts, size_t n);

/* Endings. Each releases the context. */
int acg_ep_result(struct acg_ep_ctx *c, struct acg_endpoint *out, struct acg_error *err,
                  struct acg_ev url, struct acg_ev signing_name, struct acg_ev signing_region);
int acg_ep_fail(struct acg_ep_ctx *c, struct acg_error *err, struct acg_ev message);
int acg_ep_no_match(struct acg_ep_ctx *c, struct acg_error *err);

/* The partitions table (runtime/acg_partitions.c, from AWS's partitions.json). */
struct acg_partition {
    const char *id;
    struct acg_pattern *region_regex;   /* compiled on first use */
    const char *const *regions;   /* NULL-terminated */
    const char *dns_suffix;
    const char *dual_stack_dns_suffix;
    const char *implicit_global_region;
    bool supports_fips;
    bool supports_dual_stack;
};
extern const struct acg_partition acg_partitions[];
extern const size_t acg_partition_count;

/* The partition a region belongs to, as botocore's aws.partition finds it: the first, in
 * partitions.json order, whose region list holds it or whose regionRegex matches it; else
 * the first partition (aws). Patterns compile on first use (acg_pattern); the table is
 * read-only otherwise. */
const struct acg_partition *acg_partition_for(const char *region);

#ifdef __cplusplus
}
#endif

#endif
