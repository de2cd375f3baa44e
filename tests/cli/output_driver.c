/* Driver for tests/cli/test_output_formats.py: reads cases from stdin, one JSON array a
 * line, [format, color ("on"/"off"), terminal width, operation, query or null, response],
 * applies the query (JMESPath) and formats the result. Each answer is a header line
 * "ok N", "error N" (N bytes follow: what was written before the error, as the AWS CLI
 * leaves it) or "query-error KIND", then the N bytes and a newline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/acg_output.h"
#include "jmespath/acg_jmespath.h"

static void answer(const struct acg_value *c)
{
    const struct acg_value *const *f = (const struct acg_value *const *)c->u.arr.items;
    struct acg_output_options o;
    acg_output_options_init(&o);
    struct acg_error err;
    acg_error_init(&err);
    if (acg_output_parse_format(f[0]->u.str.ptr, &o.format) != ACG_OK ||
        acg_output_parse_color(f[1]->u.str.ptr, &o.color) != ACG_OK) {
        printf("bad-case format\n");
        return;
    }
    o.terminal_width = (int)f[2]->u.i;
    struct acg_arena *a = acg_arena_new();
    const struct acg_value *v = f[5];
    struct acg_jmespath *jp = NULL; /* the result may point into it: kept to the end */
    if (f[4]->type == ACG_VALUE_STRING) {
        int rc = acg_jmespath_compile(f[4]->u.str.ptr, f[4]->u.str.len, &jp, &err);
        if (rc == ACG_OK)
            rc = acg_jmespath_search(jp, f[5], a, &v, &err);
        if (rc != ACG_OK) {
            acg_jmespath_destroy(jp);
            printf("query-error %s\n", acg_jmespath_error_name(acg_jmespath_error_kind(&err)));
            acg_error_free(&err);
            acg_arena_destroy(a);
            return;
        }
    }
    struct acg_buf out;
    acg_buf_init(&out, 0);
    int rc = acg_output_format(f[3]->u.str.ptr, v, &o, &out, &err);
    printf("%s %zu\n", rc == ACG_OK ? "ok" : "error", out.len);
    if (out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    printf("\n");
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
            c->u.arr.count != 6)
            printf("bad-case %s\n", err.message);
        else
            answer(c);
        fflush(stdout);
        acg_arena_destroy(a);
    }
    free(line);
    return 0;
}
