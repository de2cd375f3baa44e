/* The JMESPath question endpoint resolution asks: which strings does an expression select?
 * botocore evaluates each operationContextParams path with jmespath.search over the call's
 * parameters and hands the result to the rule set, which takes a string or a list of
 * strings. This is that step over the runtime's JMESPath (jmespath/acg_jmespath.h). */
#ifndef ACG_JMESPATH_STRINGS_H
#define ACG_JMESPATH_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_error.h"
#include "json/acg_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an expression selected: one string (is_list false, count 1), a list of strings
 * (is_list true; its non-string elements are left out), or nothing (count 0, is_list false:
 * null, a number, an object...). */
struct acg_jmespath_strings {
    const char **items;     /* NUL-terminated copies in arena */
    size_t count;
    bool is_list;
};

/* Compiles expr and evaluates it over data into out. The errors of acg_jmespath_compile and
 * acg_jmespath_search (ACG_ERR_INVALID_ARG with the JMESPath kind in err, ACG_ERR_TOO_LARGE,
 * ACG_ERR_NOMEM); out is then empty. */
ACG_NODISCARD int acg_jmespath_search_strings(const char *expr, const struct acg_value *data,
                                              struct acg_arena *arena,
                                              struct acg_jmespath_strings *out,
                                              struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
