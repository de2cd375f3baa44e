/* --output text, rule for rule as awscli/text.py writes it:
 *
 *   - a scalar prints as Python's str() and a newline;
 *   - an object prints its scalar values on one tab-separated line in key order (after
 *     the upper-cased name it was found under, if any), then each non-scalar member under
 *     its own name, in key order;
 *   - a list of objects prints one line per object with the columns of every key that is
 *     scalar in any of them (sorted; '' where one lacks it);
 *   - a list of scalars prints on one tab-separated line, or one "NAME\tvalue" line per
 *     item under a name; nested lists follow their list's scalars.
 *
 * A list mixing objects with other values makes the AWS CLI fail (AttributeError) after
 * printing what came before; this formatter fails at the same point. */
#include <stdlib.h>
#include <string.h>

#include "acg_output_private.h"

struct text {
    struct acg_buf *out;
    struct acg_error *err;
};

/* A set of keys, sorted by code point (which UTF-8 byte order is). */
struct keys {
    const struct acg_value_member **k;
    size_t n;
};

static bool is_container(const struct acg_value *v)
{
    return v->type == ACG_VALUE_ARRAY || v->type == ACG_VALUE_OBJECT;
}

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c != 0 ? c : al < bl ? -1 : al > bl;
}

static int member_cmp(const void *x, const void *y)
{
    const struct acg_value_member *a = *(const struct acg_value_member *const *)x;
    const struct acg_value_member *b = *(const struct acg_value_member *const *)y;
    return key_cmp(a->key, a->key_len, b->key, b->key_len);
}

/* The object's members sorted by key, as sorted(d.items()) gives them. */
static int sorted_members(const struct acg_value *obj, struct keys *out)
{
    out->n = obj->u.obj.count;
    out->k = malloc((out->n + 1) * sizeof *out->k);
    if (out->k == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < out->n; i++)
        out->k[i] = &obj->u.obj.members[i];
    qsort(out->k, out->n, sizeof *out->k, member_cmp);
    return ACG_OK;
}

static bool keys_has(const struct keys *s, const char *key, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = key_cmp(key, len, s->k[mid]->key, s->k[mid]->key_len);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

static int put(struct text *t, const char *s, size_t n)
{
    return acg_buf_append(t->out, s, n);
}

static int put_ident(struct text *t, const struct acg_value_member *ident)
{
    return acg_py_upper(t->out, ident->key, ident->key_len);
}

static int format_value(struct text *t, const struct acg_value *v,
                        const struct acg_value_member *ident, const struct keys *scalar_keys,
                        unsigned depth);

static int scalar_list(struct text *t, const struct acg_value *const *items, size_t n,
                       const struct acg_value_member *ident)
{
    for (size_t i = 0; i < n; i++) {
        if (ident != NULL) {
            ACG_TRY(put_ident(t, ident));
            ACG_TRY(put(t, "\t", 1));
        } else if (i > 0) {
            ACG_TRY(put(t, "\t", 1));
        }
        ACG_TRY(acg_py_str(t->out, items[i]));
        if (ident != NULL)
            ACG_TRY(put(t, "\n", 1));
    }
    return ident == NULL ? put(t, "\n", 1) : ACG_OK;
}

/* Keys that are scalar in any of the objects, sorted, each once. */
static int all_scalar_keys(struct text *t, const struct acg_value *list, struct keys *out)
{
    size_t total = 0;
    for (size_t i = 0; i < list->u.arr.count; i++) {
        const struct acg_value *el = list->u.arr.items[i];
        if (el->type != ACG_VALUE_OBJECT) /* the AWS CLI's AttributeError, word for word */
            return acg_error_set(t->err, ACG_ERR_INVALID_ARG,
                                 "'%s' object has no attribute 'items'", acg_py_type_name(el));
        total += el->u.obj.count;
    }
    out->k = malloc((total + 1) * sizeof *out->k);
    if (out->k == NULL)
        return ACG_ERR_NOMEM;
    out->n = 0;
    for (size_t i = 0; i < list->u.arr.count; i++) {
        const struct acg_value *el = list->u.arr.items[i];
        for (size_t j = 0; j < el->u.obj.count; j++) {
            if (!is_container(el->u.obj.members[j].value))
                out->k[out->n++] = &el->u.obj.members[j];
        }
    }
    qsort(out->k, out->n, sizeof *out->k, member_cmp);
    size_t u = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (u == 0 || member_cmp(&out->k[u - 1], &out->k[i]) != 0)
            out->k[u++] = out->k[i];
    }
    out->n = u;
    return ACG_OK;
}

static int format_list(struct text *t, const struct acg_value *list,
                       const struct acg_value_member *ident, unsigned depth)
{
    size_t n = list->u.arr.count;
    bool any_object = false, any_list = false;
    for (size_t i = 0; i < n; i++) {
        any_object |= list->u.arr.items[i]->type == ACG_VALUE_OBJECT;
        any_list |= list->u.arr.items[i]->type == ACG_VALUE_ARRAY;
    }
    if (n == 0)
        return ACG_OK;
    if (any_object) {
        struct keys all = {NULL, 0};
        int rc = all_scalar_keys(t, list, &all);
        for (size_t i = 0; i < n && rc == ACG_OK; i++)
            rc = format_value(t, list->u.arr.items[i], ident, &all, depth + 1);
        free(all.k);
        return rc;
    }
    if (!any_list)
        return scalar_list(t, (const struct acg_value *const *)list->u.arr.items, n, ident);
    /* scalars first on their own, then each nested list */
    const struct acg_value **scalars = malloc(n * sizeof *scalars);
    if (scalars == NULL)
        return ACG_ERR_NOMEM;
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_container(list->u.arr.items[i]))
            scalars[ns++] = list->u.arr.items[i];
    }
    int rc = ns > 0 ? scalar_list(t, scalars, ns, ident) : ACG_OK;
    free(scalars);
    for (size_t i = 0; i < n && rc == ACG_OK; i++) {
        if (is_container(list->u.arr.items[i]))
            rc = format_value(t, list->u.arr.items[i], ident, NULL, depth + 1);
    }
    return rc;
}

static int format_object(struct text *t, const struct acg_value *obj,
                         const struct acg_value_member *ident, const struct keys *scalar_keys,
                         unsigned depth)
{
    struct keys sorted;
    ACG_TRY(sorted_members(obj, &sorted));
    int rc = ACG_OK;
    bool line = false;
    /* the scalar line: with scalar_keys, one column per key ('' where absent) */
    size_t ncols = scalar_keys != NULL ? scalar_keys->n : sorted.n;
    for (size_t i = 0; i < ncols && rc == ACG_OK; i++) {
        const struct acg_value *v;
        if (scalar_keys != NULL) {
            v = acg_value_object_get(obj, scalar_keys->k[i]->key, scalar_keys->k[i]->key_len);
        } else {
            v = sorted.k[i]->value;
            if (is_container(v))
                continue;
        }
        if (!line && ident != NULL)
            rc = put_ident(t, ident);
        if (rc == ACG_OK && (line || ident != NULL))
            rc = put(t, "\t", 1);
        if (rc == ACG_OK)
            rc = v != NULL ? acg_py_str(t->out, v) : ACG_OK;
        line = true;
    }
    if (rc == ACG_OK && line)
        rc = put(t, "\n", 1);
    /* then the other members, each under its own name */
    for (size_t i = 0; i < sorted.n && rc == ACG_OK; i++) {
        const struct acg_value_member *m = sorted.k[i];
        bool rest = scalar_keys != NULL ? !keys_has(scalar_keys, m->key, m->key_len)
                                        : is_container(m->value);
        if (rest)
            rc = format_value(t, m->value, m, NULL, depth + 1);
    }
    free(sorted.k);
    return rc;
}

static int format_value(struct text *t, const struct acg_value *v,
                        const struct acg_value_member *ident, const struct keys *scalar_keys,
                        unsigned depth)
{
    if (depth > ACG_VALUE_MAX_DEPTH)
        return acg_error_set(t->err, ACG_ERR_INVALID_ARG, "text output: nesting too deep");
    if (v->type == ACG_VALUE_OBJECT)
        return format_object(t, v, ident, scalar_keys, depth);
    if (v->type == ACG_VALUE_ARRAY)
        return format_list(t, v, ident, depth);
    ACG_TRY(acg_py_str(t->out, v));
    return put(t, "\n", 1);
}

int acg_output_text(const struct acg_value *v, struct acg_buf *out, struct acg_error *err)
{
    struct text t = {out, err};
    int rc = format_value(&t, v, NULL, NULL, 1);
    if (rc != ACG_OK && err != NULL && err->status == ACG_OK)
        acg_error_set(err, rc, "text output: %s", acg_status_name((enum acg_status)rc));
    return rc;
}
