/* The one JMESPath question the runtime asks today: which strings does an expression select
 * from a JSON document? Endpoint parameters from operationContextParams are answered this
 * way (botocore runs jmespath.search(path, input) and hands the result to the rule set).
 *
 * This is the interface a full evaluator will implement. Until it lands, the evaluator behind
 * it (acg_jmespath_strings.c) knows exactly the forms botocore's models use in
 * operationContextParams (none of the restJson1 models has any; DynamoDB's are these):
 *
 *     TableCreationParameters.TableName                 a path of fields
 *     TransactItems[*].Get.TableName                    a list projection
 *     TransactItems[*].[Put.TableName, Update.TableName][]
 *                                                       a multiselect list, then a flatten
 *     keys(RequestItems)                                an object's keys
 *
 * and fails with ACG_ERR_UNSUPPORTED for anything else. */
#ifndef ACG_JMESPATH_H
#define ACG_JMESPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an expression selected: one string (is_list false, count 1), a list of strings
 * (is_list true; its non-string elements are left out), or nothing (count 0, is_list false:
 * null, a number, an object...). */
struct acg_jmespath_strings {
    const char **items;     /* in arena */
    size_t count;
    bool is_list;
};

/* Evaluates expr over the JSON document json[0..len) into out, its strings in arena.
 * ACG_ERR_JSON for a document that is not JSON, ACG_ERR_UNSUPPORTED for an expression the
 * evaluator does not know (err says which), ACG_ERR_NOMEM. */
ACG_NODISCARD int acg_jmespath_search_strings(const char *expr, const char *json, size_t len,
                                              struct acg_arena *arena,
                                              struct acg_jmespath_strings *out,
                                              struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
