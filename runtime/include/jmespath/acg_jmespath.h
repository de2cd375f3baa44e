/* JMESPath: compile an expression once, evaluate it over JSON value trees many times.
 *
 * The whole language of the JMESPath specification, with the results of the Python
 * `jmespath` library (1.1.0), which the AWS CLI's --query uses, wherever the specification
 * leaves room: integers stay integers (sum of integers, ceil, floor), avg is a double,
 * to_string writes compact JSON with every non-ASCII character escaped, comparisons of
 * strings go by code point, sort and sort_by are stable, 1 == 1.0 but never 1 == true.
 *
 * Errors come back as a status plus a struct acg_error whose aws_type holds the kind, one
 * of "syntax", "invalid-type", "invalid-value", "invalid-arity", "unknown-function" (the
 * specification's names) or "limit", and where holds "column N" or "function() argument
 * N". The message is the text the Python library's exception gives as str() (what the AWS
 * CLI prints), so it may span lines and quote the whole expression or value:
 *
 *     Invalid jmespath expression: Incomplete expression:
 *     "Users[?"
 *             ^
 *     In function length(), invalid type for value: None, expected one of: ['string',
 *     'array', 'object'], received: "null"
 *
 * (the second on one line). Read it with acg_jmespath_error_message: a text too long for
 * acg_error.message is kept whole there until acg_error_free. Limits have no Python
 * counterpart and say so in words of their own. As in the Python library, unknown
 * functions, arity and argument types are checked when the call is evaluated, not when
 * the expression is compiled.
 *
 *     struct acg_jmespath *q = NULL;
 *     const struct acg_value *result;
 *     int rc = acg_jmespath_compile("Items[?Size > `10`].Name | sort(@)", SIZE_MAX, &q, err);
 *     if (rc == ACG_OK)
 *         rc = acg_jmespath_search(q, response, arena, &result, err);
 *     ...use result while response, q and arena live...
 *     acg_jmespath_destroy(q);
 *
 * Hostile expressions are bounded: nesting deeper than ACG_JMESPATH_MAX_NESTING fails to
 * compile ("syntax"), and a result (or any value built on the way) whose size counted as a
 * tree would pass a limit fails ("limit"), so no expression can exhaust the stack or build
 * a value that would take astronomically long to compare or print. */
#ifndef ACG_JMESPATH_H
#define ACG_JMESPATH_H

#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_error.h"
#include "json/acg_value.h"

/* Nested brackets, parentheses, operators and projections an expression may hold. */
#define ACG_JMESPATH_MAX_NESTING 256
/* Default size limit of any value an evaluation builds: nodes plus string bytes / 8,
 * counting a shared subtree once per appearance (see acg_value.weight_). */
#define ACG_JMESPATH_MAX_WEIGHT ((size_t)1 << 26)

enum acg_jmespath_error {
    ACG_JMESPATH_ERROR_NONE,             /* no JMESPath error (or another status, e.g. NOMEM) */
    ACG_JMESPATH_ERROR_SYNTAX,           /* "syntax" */
    ACG_JMESPATH_ERROR_INVALID_TYPE,     /* "invalid-type" */
    ACG_JMESPATH_ERROR_INVALID_VALUE,    /* "invalid-value" */
    ACG_JMESPATH_ERROR_INVALID_ARITY,    /* "invalid-arity" */
    ACG_JMESPATH_ERROR_UNKNOWN_FUNCTION, /* "unknown-function" */
    ACG_JMESPATH_ERROR_LIMIT,            /* "limit": nesting or result size */
};

/* A compiled expression: immutable, so one may be searched from several threads at once. */
struct acg_jmespath;

/* Compiles the first len bytes of expr (len SIZE_MAX: up to its NUL), which must be UTF-8.
 * On success *out owns the syntax tree and the literals; on failure it is NULL and err
 * says what is wrong where: ACG_ERR_INVALID_ARG with kind "syntax", or ACG_ERR_NOMEM. */
ACG_NODISCARD int acg_jmespath_compile(const char *expr, size_t len, struct acg_jmespath **out,
                                       struct acg_error *err);
/* NULL-safe. Results of searches may point into the compiled expression (its literals, the
 * keys of its multi-select hashes): finish with them first. */
void acg_jmespath_destroy(struct acg_jmespath *jp);
/* The expression text as compiled (NUL-terminated). */
const char *acg_jmespath_text(const struct acg_jmespath *jp);

/* Evaluates jp over data. *result is never NULL on success (a JSON null is a value); it
 * may point into data, into the compiled expression or to the shared constants
 * of acg_value.h, and whatever the evaluation builds is allocated from arena; it is frozen
 * and must not be changed. Evaluation allocates for the values it builds and, through
 * malloc, one reused scratch stack. Fails with ACG_ERR_INVALID_ARG and a kind for the
 * errors of the language, ACG_ERR_TOO_LARGE with kind "limit", or ACG_ERR_NOMEM; *result
 * is then NULL and what was allocated stays in arena until it is destroyed. */
ACG_NODISCARD int acg_jmespath_search(const struct acg_jmespath *jp, const struct acg_value *data,
                                      struct acg_arena *arena, const struct acg_value **result,
                                      struct acg_error *err);
/* The same with another size limit (0: ACG_JMESPATH_MAX_WEIGHT). */
ACG_NODISCARD int acg_jmespath_search_limited(const struct acg_jmespath *jp,
                                              const struct acg_value *data,
                                              struct acg_arena *arena, size_t max_weight,
                                              const struct acg_value **result,
                                              struct acg_error *err);

/* The whole message of the error in err: err->message, or the longer text kept with it
 * (released by acg_error_free). Never NULL; "" for a NULL err. */
const char *acg_jmespath_error_message(const struct acg_error *err);

/* The kind of a JMESPath error recorded in err (from err->aws_type), and its name. */
enum acg_jmespath_error acg_jmespath_error_kind(const struct acg_error *err);
const char *acg_jmespath_error_name(enum acg_jmespath_error kind);

#endif
