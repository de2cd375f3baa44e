/* The JMESPath evaluator: a walk over the syntax tree that mirrors the Python library's
 * TreeInterpreter node for node (which is what decides int against float, what a
 * projection drops, and that a sub-expression goes on past a null).
 *
 * Nothing is allocated per node visited: field lookups, comparisons and truth tests use
 * the input's own values and the shared constants, and arrays under construction collect
 * on one scratch stack that moves into the arena in one piece per finished array. Every
 * array or object built is weighed (see acg_value.weight_) and refused past the limit. */
#include <stdlib.h>
#include <string.h>

#include "json/acg_value_private.h"
#include "jp_private.h"

#define VNULL (&acg_value_null_const)

bool jp_truthy(const struct acg_value *v)
{
    switch (v->type) {
    case ACG_VALUE_NULL: return false;
    case ACG_VALUE_BOOL: return v->u.b;
    case ACG_VALUE_STRING: return v->u.str.len > 0;
    case ACG_VALUE_ARRAY: return v->u.arr.count > 0;
    case ACG_VALUE_OBJECT: return v->u.obj.count > 0;
    default: return true; /* numbers, 0 included */
    }
}

static const struct acg_value *boolean(bool b)
{
    return b ? &acg_value_true_const : &acg_value_false_const;
}

int jp_push(struct jp_eval *e, const struct acg_value *v)
{
    if (e->len == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        const struct acg_value **s = realloc((void *)e->stack, cap * sizeof *s);
        if (s == NULL)
            return jp_nomem(e->err);
        e->stack = s;
        e->cap = cap;
    }
    e->stack[e->len++] = v;
    return ACG_OK;
}

static size_t add_sat(size_t x, size_t y)
{
    return x > SIZE_MAX - y ? SIZE_MAX : x + y;
}

/* Weight and depth of a new container holding items (and keys, for an object). */
static int weigh(struct jp_eval *e, const struct acg_value *const *items, size_t n,
                 const size_t *key_lens, struct acg_value *into)
{
    size_t total = 1;
    uint32_t deepest = 0, d;
    for (size_t i = 0; i < n && total <= e->max_weight; i++) {
        total = add_sat(total, acg_value_measure(items[i], e->max_weight, &d));
        if (key_lens != NULL)
            total = add_sat(total, 1 + key_lens[i] / 8);
        if (d > deepest)
            deepest = d;
    }
    if (total > e->max_weight)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_LIMIT, "result",
                       "a value built by the expression would exceed the size limit (%zu)",
                       e->max_weight);
    if (deepest + 1 > ACG_VALUE_MAX_DEPTH)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_LIMIT, "result",
                       "a value built by the expression would nest deeper than %d levels",
                       ACG_VALUE_MAX_DEPTH);
    into->weight_ = total;
    into->depth_ = deepest + 1;
    return ACG_OK;
}

int jp_make_array(struct jp_eval *e, const struct acg_value *const *items, size_t n,
                  const struct acg_value **out)
{
    struct acg_value *arr = acg_arena_calloc(e->arena, 1, sizeof *arr);
    struct acg_value **copy = acg_arena_calloc(e->arena, n, sizeof *copy);
    if (arr == NULL || copy == NULL)
        return jp_nomem(e->err);
    arr->type = ACG_VALUE_ARRAY;
    ACG_TRY(weigh(e, items, n, NULL, arr));
    /* Frozen values are never written again, so sharing them through non-const item
     * pointers is safe. */
    for (size_t i = 0; i < n; i++)
        copy[i] = (struct acg_value *)items[i];
    arr->u.arr.items = copy;
    arr->u.arr.count = arr->u.arr.cap = n;
    *out = arr;
    return ACG_OK;
}

int jp_finish_array(struct jp_eval *e, size_t base, const struct acg_value **out)
{
    /* the stack is still unallocated when nothing was ever pushed */
    size_t n = e->len - base;
    int rc = jp_make_array(e, n > 0 ? e->stack + base : NULL, n, out);
    e->len = base;
    return rc;
}

int jp_make_string(struct jp_eval *e, const char *s, size_t len, const struct acg_value **out)
{
    struct acg_value *v = acg_arena_calloc(e->arena, 1, sizeof *v);
    if (v == NULL)
        return jp_nomem(e->err);
    v->type = ACG_VALUE_STRING;
    v->u.str.ptr = s;
    v->u.str.len = len;
    v->weight_ = 1 + len / 8;
    v->depth_ = 1;
    if (v->weight_ > e->max_weight)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_LIMIT, "result",
                       "a string built by the expression would exceed the size limit (%zu)",
                       e->max_weight);
    *out = v;
    return ACG_OK;
}

int jp_make_number(struct jp_eval *e, bool is_int, int64_t i, double d,
                   const struct acg_value **out)
{
    struct acg_value *v = is_int ? acg_value_new_int(e->arena, i)
                                 : acg_value_new_double(e->arena, d);
    if (v == NULL)
        return jp_nomem(e->err);
    *out = v;
    return ACG_OK;
}

/* A multi-select hash: keys in order, a repeated key keeping its first place and its last
 * value, as a Python dict assignment does. */
static int make_object(struct jp_eval *e, const struct jp_node *n, size_t base,
                       const struct acg_value **out)
{
    size_t count = n->nkids;
    struct acg_value *obj = acg_arena_calloc(e->arena, 1, sizeof *obj);
    struct acg_value_member *m = acg_arena_calloc(e->arena, count, sizeof *m);
    if (obj == NULL || m == NULL)
        return jp_nomem(e->err);
    for (size_t i = 0; i < count; i++) {
        m[i].key = n->keys[i];
        m[i].key_len = n->key_lens[i];
        m[i].value = (struct acg_value *)e->stack[base + i];
    }
    e->len = base;
    obj->type = ACG_VALUE_OBJECT;
    if (acg_value_dedup_members(m, &count) != ACG_OK)
        return jp_nomem(e->err);
    ACG_TRY(jp_weigh_object(e, m, count, obj));
    obj->u.obj.members = m;
    obj->u.obj.count = obj->u.obj.cap = count;
    *out = obj;
    return ACG_OK;
}

int jp_weigh_object(struct jp_eval *e, const struct acg_value_member *m, size_t count,
                    struct acg_value *obj)
{
    size_t total = 1;
    uint32_t deepest = 0, d;
    for (size_t i = 0; i < count && total <= e->max_weight; i++) {
        total = add_sat(total, acg_value_measure(m[i].value, e->max_weight, &d));
        total = add_sat(total, 1 + m[i].key_len / 8);
        if (d > deepest)
            deepest = d;
    }
    if (total > e->max_weight || deepest + 1 > ACG_VALUE_MAX_DEPTH)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_LIMIT, "result",
                       "an object built by the expression would exceed the limits");
    obj->weight_ = total;
    obj->depth_ = deepest + 1;
    return ACG_OK;
}

/* ---- comparisons ---- */

static bool is_number(const struct acg_value *v)
{
    return v->type == ACG_VALUE_INT || v->type == ACG_VALUE_DOUBLE;
}

/* The library's _equals: a number never equals a boolean at the top; below it, Python's ==
 * (where True == 1). */
bool jp_equal(const struct acg_value *a, const struct acg_value *b)
{
    if ((is_number(a) && b->type == ACG_VALUE_BOOL) || (is_number(b) && a->type == ACG_VALUE_BOOL))
        return false;
    return acg_value_equal_mode(a, b, true, 1);
}

int jp_order(struct jp_eval *e, const char *where, const char *op, const struct acg_value *a,
             const struct acg_value *b, int *cmp)
{
    if (is_number(a) && is_number(b)) {
        *cmp = acg_value_compare_numbers(a, b);
        return ACG_OK;
    }
    if (a->type == ACG_VALUE_STRING && b->type == ACG_VALUE_STRING) {
        size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        int c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;
        if (c == 0)
            c = a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
        *cmp = c < 0 ? -1 : c > 0;
        return ACG_OK;
    }
    return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where,
                   "'%s' not supported between instances of '%s' and '%s'", op,
                   jp_py_type_name(a), jp_py_type_name(b));
}

/* An expression reference met as a value: in the library an object that is true, equal
 * to nothing (each evaluation makes a new one) and not ordered; it cannot be a result. */
static bool is_expref(const struct jp_node *n)
{
    return n->type == JP_N_EXPREF;
}

static int comparator(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                      const struct acg_value **out)
{
    const struct acg_value *a = VNULL, *b = VNULL;
    if (!is_expref(n->kids[0]))
        ACG_TRY(jp_eval(e, n->kids[0], cur, &a));
    if (!is_expref(n->kids[1]))
        ACG_TRY(jp_eval(e, n->kids[1], cur, &b));
    if (is_expref(n->kids[0]) || is_expref(n->kids[1])) {
        *out = n->op == JP_EQ ? boolean(false) : n->op == JP_NE ? boolean(true) : VNULL;
        return ACG_OK;
    }
    if (n->op == JP_EQ || n->op == JP_NE) {
        bool eq = jp_equal(a, b);
        *out = boolean(n->op == JP_EQ ? eq : !eq);
        return ACG_OK;
    }
    bool comparable = (is_number(a) || a->type == ACG_VALUE_STRING) &&
                      (is_number(b) || b->type == ACG_VALUE_STRING);
    if (!comparable) {
        *out = VNULL;
        return ACG_OK;
    }
    static const char *const ops[] = {[JP_LT] = "<", [JP_LTE] = "<=", [JP_GT] = ">",
                                      [JP_GTE] = ">="};
    int c;
    ACG_TRY(jp_order(e, "comparison", ops[n->op], a, b, &c));
    bool r;
    switch (n->op) {
    case JP_LT: r = c == -1; break;
    case JP_LTE: r = c == -1 || c == 0; break;
    case JP_GT: r = c == 1; break;
    default: r = c == 1 || c == 0; break;
    }
    *out = boolean(r);
    return ACG_OK;
}

/* ---- projections, indexes, slices ---- */

static int projection(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                      const struct acg_value **out)
{
    const struct acg_value *base;
    ACG_TRY(jp_eval(e, n->kids[0], cur, &base));
    bool values = n->type == JP_N_VALUE_PROJECTION;
    if (base->type != (values ? ACG_VALUE_OBJECT : ACG_VALUE_ARRAY)) {
        *out = VNULL;
        return ACG_OK;
    }
    size_t count = values ? base->u.obj.count : base->u.arr.count;
    size_t mark = e->len;
    for (size_t i = 0; i < count; i++) {
        const struct acg_value *el = values ? base->u.obj.members[i].value : base->u.arr.items[i];
        const struct acg_value *r;
        if (n->type == JP_N_FILTER_PROJECTION && !is_expref(n->kids[2])) {
            ACG_TRY(jp_eval(e, n->kids[2], el, &r));
            if (!jp_truthy(r))
                continue;
        }
        ACG_TRY(jp_eval(e, n->kids[1], el, &r));
        if (r->type != ACG_VALUE_NULL)
            ACG_TRY(jp_push(e, r));
    }
    return jp_finish_array(e, mark, out);
}

static int flatten(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                   const struct acg_value **out)
{
    const struct acg_value *base;
    ACG_TRY(jp_eval(e, n->kids[0], cur, &base));
    if (base->type != ACG_VALUE_ARRAY) {
        *out = VNULL;
        return ACG_OK;
    }
    size_t mark = e->len;
    for (size_t i = 0; i < base->u.arr.count; i++) {
        const struct acg_value *el = base->u.arr.items[i];
        if (el->type != ACG_VALUE_ARRAY) {
            ACG_TRY(jp_push(e, el));
            continue;
        }
        for (size_t j = 0; j < el->u.arr.count; j++)
            ACG_TRY(jp_push(e, el->u.arr.items[j]));
    }
    return jp_finish_array(e, mark, out);
}

static int64_t clamp_index(int64_t i, int64_t len, int64_t step)
{
    if (i < 0) {
        i += len;
        if (i < 0)
            i = step < 0 ? -1 : 0;
    } else if (i >= len) {
        i = step < 0 ? len - 1 : len;
    }
    return i;
}

/* Python's list slicing (PySlice_AdjustIndices), a step of 0 being an error. */
static int slice(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                 const struct acg_value **out)
{
    if (cur->type != ACG_VALUE_ARRAY) {
        *out = VNULL;
        return ACG_OK;
    }
    int64_t len = (int64_t)cur->u.arr.count;
    int64_t step = n->has[2] ? n->slice[2] : 1;
    if (step == 0)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, "slice",
                       "slice step cannot be zero");
    int64_t start = n->has[0] ? clamp_index(n->slice[0], len, step) : step < 0 ? len - 1 : 0;
    int64_t stop = n->has[1] ? clamp_index(n->slice[1], len, step) : step < 0 ? -1 : len;
    size_t mark = e->len;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
        ACG_TRY(jp_push(e, cur->u.arr.items[i]));
    return jp_finish_array(e, mark, out);
}

static int index_node(const struct jp_node *n, const struct acg_value *cur,
                      const struct acg_value **out)
{
    *out = VNULL;
    if (cur->type != ACG_VALUE_ARRAY)
        return ACG_OK;
    int64_t len = (int64_t)cur->u.arr.count, i = n->index;
    if (i < 0)
        i += len;
    if (i >= 0 && i < len)
        *out = cur->u.arr.items[i];
    return ACG_OK;
}

/* ---- multi-selects and functions ---- */

static int multi_select(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                        const struct acg_value **out)
{
    if (cur->type == ACG_VALUE_NULL) {
        *out = VNULL;
        return ACG_OK;
    }
    size_t mark = e->len;
    for (size_t i = 0; i < n->nkids; i++) {
        const struct acg_value *r;
        ACG_TRY(jp_eval(e, n->kids[i], cur, &r));
        ACG_TRY(jp_push(e, r));
    }
    if (n->type == JP_N_MULTI_LIST)
        return jp_finish_array(e, mark, out);
    return make_object(e, n, mark, out);
}

static int function(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                    const struct acg_value **out)
{
    struct jp_arg small[8];
    struct jp_arg *args = small;
    if (n->nkids > 8) {
        args = acg_arena_calloc(e->arena, n->nkids, sizeof *args);
        if (args == NULL)
            return jp_nomem(e->err);
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct jp_node *k = n->kids[i];
        args[i].expref = k->type == JP_N_EXPREF ? k->kids[0] : NULL;
        args[i].value = VNULL;
        if (args[i].expref == NULL)
            ACG_TRY(jp_eval(e, k, cur, &args[i].value));
    }
    return jp_call(e, n, args, n->nkids, out);
}

static int logical(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                   const struct acg_value **out)
{
    bool t = true;
    if (!is_expref(n->kids[0]) || n->type == JP_N_OR) { /* a || b gives the reference */
        ACG_TRY(jp_eval(e, n->kids[0], cur, out));
        t = jp_truthy(*out);
    }
    if (n->type == JP_N_NOT) {
        *out = boolean(!t);
        return ACG_OK;
    }
    if ((n->type == JP_N_OR) == t)
        return ACG_OK;
    return jp_eval(e, n->kids[1], cur, out);
}

/* Sub-expressions, index expressions and pipes apply their children in turn. */
static int chain(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
                 const struct acg_value **out)
{
    for (size_t i = 0; i < n->nkids; i++)
        ACG_TRY(jp_eval(e, n->kids[i], cur, &cur));
    *out = cur;
    return ACG_OK;
}

int jp_eval(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
            const struct acg_value **out)
{
    switch (n->type) {
    case JP_N_FIELD: {
        const struct acg_value *v = acg_value_object_get(cur, n->name, n->name_len);
        *out = v != NULL ? v : VNULL;
        return ACG_OK;
    }
    case JP_N_SUBEXPRESSION:
    case JP_N_INDEX_EXPRESSION:
    case JP_N_PIPE:
        return chain(e, n, cur, out);
    case JP_N_INDEX: return index_node(n, cur, out);
    case JP_N_SLICE: return slice(e, n, cur, out);
    case JP_N_PROJECTION:
    case JP_N_VALUE_PROJECTION:
    case JP_N_FILTER_PROJECTION:
        return projection(e, n, cur, out);
    case JP_N_FLATTEN: return flatten(e, n, cur, out);
    case JP_N_IDENTITY:
    case JP_N_CURRENT:
        *out = cur;
        return ACG_OK;
    case JP_N_LITERAL:
        *out = n->literal;
        return ACG_OK;
    case JP_N_COMPARATOR: return comparator(e, n, cur, out);
    case JP_N_OR:
    case JP_N_AND:
    case JP_N_NOT:
        return logical(e, n, cur, out);
    case JP_N_MULTI_LIST:
    case JP_N_MULTI_HASH:
        return multi_select(e, n, cur, out);
    case JP_N_FUNCTION: return function(e, n, cur, out);
    case JP_N_EXPREF:
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, "expref",
                       "an expression reference (&) can only be a function argument");
    }
    return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, "", "unknown node");
}
