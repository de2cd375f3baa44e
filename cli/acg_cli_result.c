/* What the program prints for a successful call: the output as a value (member names,
 * timestamps as configured), pages merged as the AWS CLI merges them, --query applied,
 * then one of the output formats (cli/acg_output.h).
 *
 * Paginated operations follow awscli/formatter.py: json, table and yaml print botocore's
 * build_full_result() (the result keys of every page concatenated, the first page's
 * non-aggregate keys, NextToken when --max-items stopped early); text prints each page as
 * it comes, the first with the non-aggregate keys, and NextToken last. */
#include <string.h>

#include "acg_cli_private.h"
#include "common/acg_text.h"
#include "jmespath/acg_jmespath.h"

/* ---- botocore.utils.set_value_from_jmespath and merge_dicts over value trees ---- */

/* The value at a dotted path of member names, or NULL: what jmespath.search gives for the
 * dotted result keys and non-aggregate keys of botocore's paginators. */
static struct acg_value *get_path(const struct acg_value *obj, const char *path)
{
    for (;;) {
        size_t len = strcspn(path, ".");
        const struct acg_value *v = acg_value_object_get(obj, path, len);
        if (v == NULL || path[len] == '\0')
            return (struct acg_value *)v;
        obj = v;
        path += len + 1;
    }
}

/* Sets the dotted path in the open object obj to value, creating objects on the way. */
static int set_path(struct acg_arena *a, struct acg_value *obj, const char *path,
                    struct acg_value *value)
{
    for (;;) {
        size_t len = strcspn(path, ".");
        if (path[len] == '\0')
            return acg_value_object_set(a, obj, path, len, value);
        struct acg_value *next = (struct acg_value *)acg_value_object_get(obj, path, len);
        if (next == NULL) {
            next = acg_value_new_object(a);
            ACG_TRY(acg_value_object_add(a, obj, path, len, next));
        } else if (next->type != ACG_VALUE_OBJECT) {
            return ACG_ERR_INVALID_ARG;
        }
        obj = next;
        path += len + 1;
    }
}

/* A copy of an array that later pages can extend. */
static struct acg_value *open_copy(struct acg_arena *a, const struct acg_value *v)
{
    struct acg_value *copy = acg_value_new_array(a);
    for (size_t i = 0; copy != NULL && i < v->u.arr.count; i++) {
        if (acg_value_array_push(a, copy, v->u.arr.items[i]) != ACG_OK)
            return NULL;
    }
    return copy;
}

/* existing + more for build_full_result's numbers and strings. */
static struct acg_value *combined(struct acg_arena *a, const struct acg_value *existing,
                                  const struct acg_value *more)
{
    if (existing->type == ACG_VALUE_STRING && more->type == ACG_VALUE_STRING) {
        struct acg_buf b;
        acg_buf_init(&b, 0);
        struct acg_value *v = NULL;
        if (acg_buf_append(&b, existing->u.str.ptr, existing->u.str.len) == ACG_OK &&
            acg_buf_append(&b, more->u.str.ptr, more->u.str.len) == ACG_OK)
            v = acg_value_new_string(a, b.data, b.len);
        acg_buf_free(&b);
        return v;
    }
    if (existing->type == ACG_VALUE_INT && more->type == ACG_VALUE_INT)
        return acg_value_new_int(a, existing->u.i + more->u.i);
    double x = existing->type == ACG_VALUE_INT ? (double)existing->u.i : existing->u.d;
    double y = more->type == ACG_VALUE_INT ? (double)more->u.i : more->u.d;
    return acg_value_new_double(a, x + y);
}

static bool is_scalar_sum(const struct acg_value *v)
{
    return v->type == ACG_VALUE_INT || v->type == ACG_VALUE_DOUBLE || v->type == ACG_VALUE_STRING;
}

/* One page into the full result, as build_full_result does for each result key: lists
 * concatenated, numbers added, strings joined. */
static int merge_page(struct acg_arena *a, const struct acg_paginator *pg,
                      const struct acg_value *page, struct acg_value *full)
{
    for (size_t i = 0; i < pg->result_key_count; i++) {
        const char *path = pg->result_keys[i];
        const struct acg_value *more = get_path(page, path);
        struct acg_value *existing = get_path(full, path), *set = NULL;
        if (more == NULL || more->type == ACG_VALUE_NULL)
            continue;
        if (existing == NULL || existing->type == ACG_VALUE_NULL) {
            set = more->type == ACG_VALUE_ARRAY ? open_copy(a, more) : (struct acg_value *)more;
        } else if (more->type == ACG_VALUE_ARRAY && existing->type == ACG_VALUE_ARRAY) {
            for (size_t k = 0; k < more->u.arr.count; k++)
                ACG_TRY(acg_value_array_push(a, existing, more->u.arr.items[k]));
            continue;
        } else if (is_scalar_sum(more) && is_scalar_sum(existing)) {
            set = combined(a, existing, more);
        } else {
            continue;
        }
        if (set == NULL)
            return ACG_ERR_NOMEM;
        ACG_TRY(set_path(a, full, path, set));
    }
    return ACG_OK;
}

/* merge_dicts(dict1, dict2): dict2's members into dict1, objects merged member by member. */
static int merge_into(struct acg_arena *a, struct acg_value *into, const struct acg_value *from)
{
    for (size_t i = 0; i < from->u.obj.count; i++) {
        const struct acg_value_member *m = &from->u.obj.members[i];
        struct acg_value *have = (struct acg_value *)acg_value_object_get(into, m->key, m->key_len);
        if (m->value->type == ACG_VALUE_OBJECT && have != NULL && have->type == ACG_VALUE_OBJECT)
            ACG_TRY(merge_into(a, have, m->value));
        else
            ACG_TRY(acg_value_object_set(a, into, m->key, m->key_len, m->value));
    }
    return ACG_OK;
}

/* ---- printing ---- */

static bool text_safe(const char *s, size_t len)
{
    return acg_is_terminal_safe(s, len, ACG_ESCAPE_KEEP_NEWLINES);
}

/* s[0..len) escaped for the terminal (common/acg_text.h) into b, reset first. */
static int escape_into(struct acg_buf *b, const char *s, size_t len)
{
    acg_buf_reset(b);
    return acg_escape_append(b, s, len, ACG_ESCAPE_KEEP_NEWLINES);
}

static const struct acg_value *escaped(struct acg_arena *a, const struct acg_value *v,
                                       unsigned depth, struct acg_buf *b);

/* An object's copy from member `first` on, whose value is already escaped. */
static struct acg_value *escaped_object(struct acg_arena *a, const struct acg_value *v,
                                        size_t first, const struct acg_value *value,
                                        unsigned depth, struct acg_buf *b)
{
    struct acg_value *copy = acg_value_new_object(a);
    for (size_t i = 0; copy != NULL && i < v->u.obj.count; i++) {
        const struct acg_value_member *m = &v->u.obj.members[i];
        const struct acg_value *x = i < first    ? m->value
                                    : i == first ? value
                                                 : escaped(a, m->value, depth + 1, b);
        if (x == NULL || escape_into(b, m->key, m->key_len) != ACG_OK ||
            acg_value_object_add(a, copy, b->data, b->len, (struct acg_value *)x) != ACG_OK)
            return NULL;
    }
    return copy;
}

/* An array's copy from item `first` on, which is already escaped. */
static struct acg_value *escaped_array(struct acg_arena *a, const struct acg_value *v,
                                       size_t first, const struct acg_value *item,
                                       unsigned depth, struct acg_buf *b)
{
    struct acg_value *copy = acg_value_new_array(a);
    for (size_t i = 0; copy != NULL && i < v->u.arr.count; i++) {
        const struct acg_value *x = i < first    ? v->u.arr.items[i]
                                    : i == first ? item
                                                 : escaped(a, v->u.arr.items[i], depth + 1, b);
        if (x == NULL || acg_value_array_push(a, copy, (struct acg_value *)x) != ACG_OK)
            return NULL;
    }
    return copy;
}

/* v, or a copy of it where a string or key would drive the terminal, escaped; NULL when
 * memory runs out. Copies only the paths that change: v itself (perhaps shared, perhaps a
 * --query literal that outlives this page) is never written. */
static const struct acg_value *escaped(struct acg_arena *a, const struct acg_value *v,
                                       unsigned depth, struct acg_buf *b)
{
    if (depth > ACG_VALUE_MAX_DEPTH)
        return v;   /* the formatter refuses it */
    if (v->type == ACG_VALUE_STRING) {
        if (text_safe(v->u.str.ptr, v->u.str.len))
            return v;
        return escape_into(b, v->u.str.ptr, v->u.str.len) == ACG_OK
                   ? acg_value_new_string(a, b->data, b->len) : NULL;
    }
    if (v->type == ACG_VALUE_ARRAY) {
        for (size_t i = 0; i < v->u.arr.count; i++) {
            const struct acg_value *item = escaped(a, v->u.arr.items[i], depth + 1, b);
            if (item == NULL)
                return NULL;
            if (item != v->u.arr.items[i])
                return escaped_array(a, v, i, item, depth, b);
        }
    } else if (v->type == ACG_VALUE_OBJECT) {
        for (size_t i = 0; i < v->u.obj.count; i++) {
            const struct acg_value_member *m = &v->u.obj.members[i];
            const struct acg_value *value = escaped(a, m->value, depth + 1, b);
            if (value == NULL)
                return NULL;
            if (value != m->value || !text_safe(m->key, m->key_len))
                return escaped_object(a, v, i, value, depth, b);
        }
    }
    return v;
}

/* The text and table formatters get server text escaped before they lay it out: escaped
 * afterwards, the escapes would widen cells past their borders, and the table's own colour
 * codes could not be told from a server's. */
static int escape_for_terminal(struct acg_arena *a, const struct acg_value **v)
{
    struct acg_buf b;
    acg_buf_init_secure(&b, 0);   /* the text may be a sensitive member (--show-sensitive) */
    const struct acg_value *e = escaped(a, *v, 0, &b);
    acg_buf_free_secure(&b);
    if (e == NULL)
        return ACG_ERR_NOMEM;
    *v = e;
    return ACG_OK;
}

static int print_value(const struct acg_cli_print *print, const char *operation,
                       const struct acg_value *v, struct acg_arena *a, struct acg_buf *out,
                       struct acg_error *err)
{
    if (print->query != NULL)
        ACG_TRY(acg_jmespath_search(print->query, v, a, &v, err));
    if (print->output.format == ACG_OUTPUT_TEXT || print->output.format == ACG_OUTPUT_TABLE)
        ACG_TRY(escape_for_terminal(a, &v));
    return acg_output_format(operation, v, &print->output, out, err);
}

static int page_value(const struct acg_cli_print *print, const struct acg_operation *op,
                      const void *page, struct acg_arena *a, struct acg_value **out,
                      struct acg_error *err)
{
    return acg_value_from_struct(a, op->output, page, &print->values, out, err);
}

/* Sets each of keys (dotted paths) in obj to its value in page, null where page lacks it. */
static int copy_keys(struct acg_arena *a, const char *const *keys, size_t n,
                     const struct acg_value *page, struct acg_value *obj)
{
    for (size_t i = 0; i < n; i++) {
        struct acg_value *v = get_path(page, keys[i]);
        ACG_TRY(set_path(a, obj, keys[i], v != NULL ? v : acg_value_new_null(a)));
    }
    return ACG_OK;
}

/* {"NextToken": {"NextToken": token}}: what TextFormatter prints after the pages. */
static struct acg_value *next_token_object(struct acg_arena *a, const char *token)
{
    struct acg_value *outer = acg_value_new_object(a), *inner = acg_value_new_object(a);
    struct acg_value *t = acg_value_new_string(a, token, strlen(token));
    if (outer == NULL || acg_value_object_add(a, inner, "NextToken", 9, t) != ACG_OK ||
        acg_value_object_add(a, outer, "NextToken", 9, inner) != ACG_OK)
        return NULL;
    return outer;
}

/* TextFormatter: each page printed as it comes, the first with the non-aggregate part. */
static int print_text_page(const struct acg_cli_print *print, const struct acg_operation *op,
                           const struct acg_value *page, bool first, struct acg_arena *a,
                           struct acg_buf *out, struct acg_error *err)
{
    const struct acg_paginator *pg = op->paginator;
    struct acg_value *current = acg_value_new_object(a);
    if (current == NULL)
        return ACG_ERR_NOMEM;
    if (first)
        ACG_TRY(copy_keys(a, pg->non_aggregate_keys, pg->non_aggregate_key_count, page, current));
    ACG_TRY(copy_keys(a, pg->result_keys, pg->result_key_count, page, current));
    return print_value(print, op->name, current, a, out, err);
}

static int run_pages(struct acg_pager *pager, const struct acg_cli_print *print,
                     const struct acg_operation *op, struct acg_arena *a, struct acg_buf *out,
                     struct acg_error *err)
{
    const struct acg_paginator *pg = op->paginator;
    bool text = print->output.format == ACG_OUTPUT_TEXT;
    struct acg_value *full = acg_value_new_object(a), *rest = acg_value_new_object(a), *value;
    const void *page;
    int rc = full != NULL && rest != NULL ? ACG_OK : ACG_ERR_NOMEM;
    for (bool first = true; rc == ACG_OK; first = false) {
        rc = acg_pager_next(pager, &page, err);
        if (rc != ACG_OK || page == NULL)
            break;
        rc = page_value(print, op, page, a, &value, err);
        if (rc == ACG_OK && text)
            rc = print_text_page(print, op, value, first, a, out, err);
        if (rc == ACG_OK && !text && first)
            rc = copy_keys(a, pg->non_aggregate_keys, pg->non_aggregate_key_count, value, rest);
        if (rc == ACG_OK && !text)
            rc = merge_page(a, pg, value, full);
    }
    const char *token = acg_pager_resume_token(pager);
    if (rc != ACG_OK)
        return rc;
    if (text)
        return token == NULL ? ACG_OK
                             : print_value(print, op->name, next_token_object(a, token), a, out, err);
    ACG_TRY(merge_into(a, full, rest));
    if (token != NULL)
        ACG_TRY(acg_value_object_set(a, full, "NextToken", 9,
                                     acg_value_new_string(a, token, strlen(token))));
    return print_value(print, op->name, full, a, out, err);
}

int acg_cli_print_pages(struct acg_client *client, const struct acg_operation *op, const void *in,
                        const struct acg_cli_print *print, struct acg_buf *out,
                        struct acg_error *err)
{
    struct acg_pager *pager = NULL;
    struct acg_arena *a = acg_arena_new();
    int rc = a != NULL ? acg_pager_new(client, op, in, &print->paging, &pager, err)
                       : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = run_pages(pager, print, op, a, out, err);
    acg_pager_free(pager);
    acg_arena_destroy(a);
    return rc;
}

int acg_cli_print_output(const struct acg_operation *op, const void *output,
                         const struct acg_cli_print *print, struct acg_buf *out,
                         struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_value *v;
    int rc = a != NULL ? page_value(print, op, output, a, &v, err) : ACG_ERR_NOMEM;
    /* S3's GetBucketLocation: botocore's handler sets LocationConstraint from the body's
     * root element, None (printed null) for us-east-1's empty one */
    if (rc == ACG_OK && strcmp(op->name, "GetBucketLocation") == 0 && op->output != NULL &&
        acg_shape_find_member(op->output, "LocationConstraint", 18) != NULL &&
        acg_value_object_get(v, "LocationConstraint", 18) == NULL)
        rc = acg_value_object_set(a, v, "LocationConstraint", 18, acg_value_new_null(a));
    if (rc == ACG_OK)
        rc = print_value(print, op->name, v, a, out, err);
    acg_arena_destroy(a);
    return rc;
}
