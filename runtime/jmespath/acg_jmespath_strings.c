/* acg_jmespath_search_strings: a JMESPath search whose result is read as strings. */
#include <stdint.h>
#include <string.h>

#include "jmespath/acg_jmespath.h"
#include "jmespath/acg_jmespath_strings.h"

/* v's text copied into arena, or NULL (in *s) when v is no string. The copy outlives the
 * compiled expression, whose literals a result may point into. */
static int copy_string(const struct acg_value *v, struct acg_arena *arena, const char **s)
{
    *s = NULL;
    if (v->type != ACG_VALUE_STRING)
        return ACG_OK;
    *s = acg_arena_strndup(arena, v->u.str.ptr, v->u.str.len);
    return *s != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

static int collect(const struct acg_value *v, struct acg_arena *arena,
                   struct acg_jmespath_strings *out)
{
    size_t n = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : 1;
    out->is_list = v->type == ACG_VALUE_ARRAY;
    out->items = acg_arena_calloc(arena, n + 1, sizeof *out->items);
    if (out->items == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s;
        ACG_TRY(copy_string(out->is_list ? v->u.arr.items[i] : v, arena, &s));
        if (s != NULL)
            out->items[out->count++] = s;
    }
    return ACG_OK;
}

int acg_jmespath_search_strings(const char *expr, const struct acg_value *data,
                                struct acg_arena *arena, struct acg_jmespath_strings *out,
                                struct acg_error *err)
{
    struct acg_jmespath *q = NULL;
    const struct acg_value *v = NULL;
    memset(out, 0, sizeof *out);
    int rc = acg_jmespath_compile(expr, SIZE_MAX, &q, err);
    if (rc == ACG_OK)
        rc = acg_jmespath_search(q, data, arena, &v, err);
    if (rc == ACG_OK && collect(v, arena, out) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the result of %s", expr);
    acg_jmespath_destroy(q);
    if (rc != ACG_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
