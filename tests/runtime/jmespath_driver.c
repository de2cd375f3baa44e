/* Driver for tests/runtime/test_jmespath_py.py: reads cases from stdin, one JSON array
 * [expression, data] a line, and answers each on one line of stdout: "ok " and the result
 * as compact JSON (json.dumps(separators=(',', ':'), ensure_ascii=False)), or "error ", the
 * error kind, a space and the whole message as a JSON string (it may span lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath/acg_jmespath.h"

static void answer(const struct acg_value *c)
{
    struct acg_error err;
    acg_error_init(&err);
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath *jp = NULL;
    const struct acg_value *result = NULL;
    struct acg_buf out;
    acg_buf_init(&out, 0);
    const struct acg_value *expr = c->u.arr.items[0];
    int rc = acg_jmespath_compile(expr->u.str.ptr, expr->u.str.len, &jp, &err);
    if (rc == ACG_OK)
        rc = acg_jmespath_search(jp, c->u.arr.items[1], a, &result, &err);
    if (rc == ACG_OK)
        rc = acg_value_write_json(result, 0, &out, &err);
    if (rc == ACG_OK) {
        printf("ok %s\n", out.data);
    } else {
        const char *msg = acg_jmespath_error_message(&err);
        struct acg_value *text = acg_value_new_string(a, msg, strlen(msg));
        struct acg_error scratch;
        acg_error_init(&scratch);
        acg_buf_reset(&out);
        if (text == NULL || acg_value_write_json(text, 0, &out, &scratch) != ACG_OK)
            printf("error %s \"(message lost)\"\n",
                   acg_jmespath_error_name(acg_jmespath_error_kind(&err)));
        else
            printf("error %s %s\n", acg_jmespath_error_name(acg_jmespath_error_kind(&err)),
                   out.data);
    }
    acg_error_free(&err);
    acg_buf_free(&out);
    acg_jmespath_destroy(jp);
    acg_arena_destroy(a);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        struct acg_arena *a = acg_arena_new();
        struct acg_value *c = NULL;
        struct acg_error err;
        acg_error_init(&err);
        if (acg_value_parse(a, line, (size_t)n, &c, &err) != ACG_OK || c->type != ACG_VALUE_ARRAY ||
            c->u.arr.count != 2 || c->u.arr.items[0]->type != ACG_VALUE_STRING)
            printf("bad-case %s\n", err.message);
        else
            answer(c);
        fflush(stdout);
        acg_arena_destroy(a);
    }
    free(line);
    return 0;
}
