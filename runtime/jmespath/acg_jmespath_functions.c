/* JMESPath's built-in functions, with the Python library's signatures, checks and results:
 * arity first, then each argument's type in order (arrays of numbers or strings element by
 * element, the first element deciding which for max, min and sort), then the call.
 *
 * Where Python's own operators decide, so do they here: sum adds left to right starting
 * from the integer 0 (integers stay exact; a double makes the rest double), avg divides
 * like Python's true division, ceil and floor give integers, max and min keep the first of
 * equal elements, sort and sort_by are stable, contains uses Python's == (where true == 1),
 * to_number reads strings the way int() and then float() do, and to_string is
 * json.dumps(separators=(',', ':')) with every non-ASCII character escaped. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_text_private.h"
#include "json/acg_value_private.h"
#include "jp_private.h"

#define VNULL (&acg_value_null_const)

enum {
    T_ANY = 0,
    T_NUMBER = 1 << 0,
    T_STRING = 1 << 1,
    T_ARRAY = 1 << 2,
    T_OBJECT = 1 << 3,
    T_EXPREF = 1 << 4,
    T_ARRAY_NUMBER = 1 << 5, /* an array whose elements are all numbers */
    T_ARRAY_STRING = 1 << 6,
};

typedef int (*jp_fn)(struct jp_eval *e, const struct jp_node *call, struct jp_arg *args,
                     size_t n, const struct acg_value **out);

struct jp_function {
    const char *name;
    size_t nparams;
    bool variadic;        /* at least nparams arguments, the last type for the rest */
    unsigned types[2];    /* per parameter; T_ANY accepts any value */
    jp_fn fn;
};

/* ---- argument checks ---- */

static const char *type_name(const struct jp_arg *a)
{
    if (a->expref != NULL)
        return "expref";
    switch (a->value->type) {
    case ACG_VALUE_NULL: return "null";
    case ACG_VALUE_BOOL: return "boolean";
    case ACG_VALUE_INT:
    case ACG_VALUE_DOUBLE: return "number";
    case ACG_VALUE_STRING: return "string";
    case ACG_VALUE_ARRAY: return "array";
    default: return "object";
    }
}

static bool is_number(const struct acg_value *v)
{
    return v->type == ACG_VALUE_INT || v->type == ACG_VALUE_DOUBLE;
}

static int type_error(struct jp_eval *e, const struct jp_node *call, size_t i, const char *got,
                      const char *expected)
{
    char where[96];
    snprintf(where, sizeof where, "%.*s() argument %zu", (int)call->name_len, call->name, i + 1);
    return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where,
                   "%.*s(): argument %zu is %s, expected %s", (int)call->name_len, call->name,
                   i + 1, got, expected);
}

static const char *expected_text(unsigned t)
{
    switch (t) {
    case T_NUMBER: return "a number";
    case T_STRING: return "a string";
    case T_ARRAY: return "an array";
    case T_OBJECT: return "an object";
    case T_EXPREF: return "an expression reference";
    case T_ARRAY | T_STRING: return "an array or a string";
    case T_STRING | T_ARRAY | T_OBJECT: return "a string, an array or an object";
    case T_ARRAY_NUMBER: return "an array of numbers";
    case T_ARRAY_STRING: return "an array of strings";
    default: return "an array of numbers or an array of strings";
    }
}

static bool element_is(const struct acg_value *v, unsigned sub)
{
    return sub == T_ARRAY_NUMBER ? is_number(v) : v->type == ACG_VALUE_STRING;
}

static int check_arg(struct jp_eval *e, const struct jp_node *call, size_t i,
                     const struct jp_arg *a, unsigned t)
{
    if (t == T_ANY) {
        if (a->expref != NULL)
            return type_error(e, call, i, "an expression reference", "a value");
        return ACG_OK;
    }
    const struct acg_value *v = a->value;
    bool ok;
    if (a->expref != NULL)
        ok = (t & T_EXPREF) != 0;
    else if (is_number(v))
        ok = (t & T_NUMBER) != 0;
    else if (v->type == ACG_VALUE_STRING)
        ok = (t & T_STRING) != 0;
    else if (v->type == ACG_VALUE_ARRAY)
        ok = (t & (T_ARRAY | T_ARRAY_NUMBER | T_ARRAY_STRING)) != 0;
    else if (v->type == ACG_VALUE_OBJECT)
        ok = (t & T_OBJECT) != 0;
    else
        ok = false;
    if (!ok)
        return type_error(e, call, i, type_name(a), expected_text(t));
    unsigned sub = t & (T_ARRAY_NUMBER | T_ARRAY_STRING);
    if (sub == 0 || v->type != ACG_VALUE_ARRAY || v->u.arr.count == 0)
        return ACG_OK;
    if (sub == (T_ARRAY_NUMBER | T_ARRAY_STRING)) /* the first element decides */
        sub = is_number(v->u.arr.items[0]) ? T_ARRAY_NUMBER
              : v->u.arr.items[0]->type == ACG_VALUE_STRING ? T_ARRAY_STRING : 0;
    for (size_t k = 0; k < v->u.arr.count; k++) {
        if (sub == 0 || !element_is(v->u.arr.items[k], sub))
            return type_error(e, call, i, "an array holding other values", expected_text(t));
    }
    return ACG_OK;
}

/* ---- numbers ---- */

static int fn_abs(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                  const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *v = a[0].value;
    if (v->type == ACG_VALUE_DOUBLE)
        return jp_make_number(e, false, 0, fabs(v->u.d), out);
    if (v->u.i == INT64_MIN) /* Python's answer is an integer past int64 */
        return jp_make_number(e, false, 0, 9223372036854775808.0, out);
    return jp_make_number(e, true, v->u.i < 0 ? -v->u.i : v->u.i, 0, out);
}

static int round_to_int(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, bool up,
                        const struct acg_value **out)
{
    const struct acg_value *v = a[0].value;
    if (v->type == ACG_VALUE_INT) {
        *out = v;
        return ACG_OK;
    }
    double d = up ? ceil(v->u.d) : floor(v->u.d);
    if (isnan(d) || isinf(d))
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, c->name,
                       "%s(): cannot convert %s to an integer", c->name,
                       isnan(d) ? "NaN" : "infinity");
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        return jp_make_number(e, true, (int64_t)d, 0, out);
    return jp_make_number(e, false, 0, d, out); /* an integer past int64, kept as a double */
}

static int fn_ceil(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                   const struct acg_value **out)
{
    (void)n;
    return round_to_int(e, c, a, true, out);
}

static int fn_floor(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                    const struct acg_value **out)
{
    (void)n;
    return round_to_int(e, c, a, false, out);
}

/* Python's sum(): integers add exactly (past int64 they continue as a double), a double
 * turns the running total into a double from there on. */
struct total {
    bool is_int;
    int64_t i;
    double d;
};

static struct total sum_of(const struct acg_value *arr)
{
    struct total t = {true, 0, 0};
    for (size_t k = 0; k < arr->u.arr.count; k++) {
        const struct acg_value *v = arr->u.arr.items[k];
        if (t.is_int && v->type == ACG_VALUE_INT) {
            int64_t r;
            if (!__builtin_add_overflow(t.i, v->u.i, &r)) {
                t.i = r;
                continue;
            }
        }
        if (t.is_int) {
            t.d = (double)t.i;
            t.is_int = false;
        }
        t.d += v->type == ACG_VALUE_INT ? (double)v->u.i : v->u.d;
    }
    return t;
}

static int fn_sum(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                  const struct acg_value **out)
{
    (void)c, (void)n;
    struct total t = sum_of(a[0].value);
    return jp_make_number(e, t.is_int, t.i, t.d, out);
}

static int fn_avg(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                  const struct acg_value **out)
{
    (void)c, (void)n;
    size_t count = a[0].value->u.arr.count;
    if (count == 0) {
        *out = VNULL;
        return ACG_OK;
    }
    struct total t = sum_of(a[0].value);
    double avg;
    if (!t.is_int)
        avg = t.d / (double)count;
    else if (t.i >= -(INT64_C(1) << 53) && t.i <= (INT64_C(1) << 53))
        avg = (double)t.i / (double)count; /* both exact, so correctly rounded as Python's */
    else
        avg = (double)((long double)t.i / (long double)count);
    return jp_make_number(e, false, 0, avg, out);
}

/* ---- to_number: Python's int(), then float() ---- */

static const char *skip_space(const char *s, const char *end)
{
    size_t w;
    while (s < end && (w = jp_py_space_len(s, (size_t)(end - s))) > 0)
        s += w;
    return s;
}

static const char *trim_space_end(const char *s, const char *end)
{
    /* every whitespace character is 1 to 3 bytes: look back at each width */
    for (;;) {
        size_t w = 0;
        for (size_t k = 1; k <= 3 && w == 0 && (size_t)(end - s) >= k; k++) {
            if (jp_py_space_len(end - k, k) == k)
                w = k;
        }
        if (w == 0)
            return end;
        end -= w;
    }
}

/* Digits with single underscores between them (PEP 515); copies the digits to *o. */
static const char *digit_run(const char *s, const char *end, char **o, size_t *count)
{
    *count = 0;
    while (s < end) {
        if (*s >= '0' && *s <= '9') {
            *(*o)++ = *s++;
            (*count)++;
        } else if (*s == '_' && *count > 0 && s + 1 < end && s[1] >= '0' && s[1] <= '9') {
            s++;
        } else {
            break;
        }
    }
    return s;
}

static bool ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] | 0x20) != word[i])
            return false;
    }
    return true;
}

/* Parses s like int(s), then float(s); false when neither accepts it. buf holds at least
 * len + 8 bytes. */
static bool py_number(const char *s, size_t len, char *buf, struct total *t)
{
    const char *end = trim_space_end(s, s + len);
    s = skip_space(s, end);
    char *o = buf;
    if (s < end && (*s == '+' || *s == '-'))
        *o++ = *s++;
    size_t n_int, n_frac = 0, n_exp;
    const char *p = digit_run(s, end, &o, &n_int);
    if (p == end && n_int > 0) {
        *o = '\0';
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        bool overflow = (v == LLONG_MAX || v == LLONG_MIN) && errno == ERANGE;
        if (!overflow) {
            *t = (struct total){true, v, 0};
            return true;
        }
    }
    size_t rest = (size_t)(end - s);
    double special = ieq(s, rest, "inf") || ieq(s, rest, "infinity") ? INFINITY
                     : ieq(s, rest, "nan")                           ? NAN
                                                                     : 0;
    if (special != 0) {
        *t = (struct total){false, 0, buf[0] == '-' ? -special : special};
        return true;
    }
    if (p < end && *p == '.') {
        *o++ = '.';
        p = digit_run(p + 1, end, &o, &n_frac);
    }
    if (n_int + n_frac == 0)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        *o++ = 'e';
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            *o++ = *p++;
        p = digit_run(p, end, &o, &n_exp);
        if (n_exp == 0)
            return false;
    }
    if (p != end)
        return false;
    *o = '\0';
    *t = (struct total){false, 0, acg_strtod_c(buf, NULL)};
    return true;
}

static int fn_to_number(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                        const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *v = a[0].value;
    *out = VNULL;
    if (is_number(v)) {
        *out = v;
        return ACG_OK;
    }
    if (v->type != ACG_VALUE_STRING)
        return ACG_OK;
    char small[64];
    char *buf = v->u.str.len + 8 <= sizeof small ? small : malloc(v->u.str.len + 8);
    if (buf == NULL)
        return jp_nomem(e->err);
    struct total t;
    bool ok = py_number(v->u.str.ptr, v->u.str.len, buf, &t);
    if (buf != small)
        free(buf);
    return ok ? jp_make_number(e, t.is_int, t.i, t.d, out) : ACG_OK;
}

/* ---- strings ---- */

static int fn_length(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                     const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *v = a[0].value;
    size_t len = 0;
    if (v->type == ACG_VALUE_STRING) {
        for (size_t i = 0; i < v->u.str.len; i++)
            len += ((unsigned char)v->u.str.ptr[i] & 0xC0) != 0x80;
    } else {
        len = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : v->u.obj.count;
    }
    return jp_make_number(e, true, (int64_t)len, 0, out);
}

static int fn_starts_ends(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                          const struct acg_value **out)
{
    (void)e, (void)n;
    const struct acg_value *s = a[0].value, *x = a[1].value;
    bool r = false;
    if (x->u.str.len <= s->u.str.len) {
        size_t at = c->name[0] == 's' ? 0 : s->u.str.len - x->u.str.len;
        r = memcmp(s->u.str.ptr + at, x->u.str.ptr, x->u.str.len) == 0;
    }
    *out = r ? &acg_value_true_const : &acg_value_false_const;
    return ACG_OK;
}

static int fn_contains(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                       const struct acg_value **out)
{
    (void)n;
    const struct acg_value *subject = a[0].value, *search = a[1].value;
    bool found = false;
    if (subject->type == ACG_VALUE_ARRAY) {
        for (size_t i = 0; i < subject->u.arr.count && !found; i++) {
            const struct acg_value *el = subject->u.arr.items[i];
            found = el == search || acg_value_equal_mode(el, search, true, 1);
        }
    } else if (search->type != ACG_VALUE_STRING) {
        /* Python: 'in <string>' requires string as left operand */
        return type_error(e, c, 1, "not a string", "a string to search a string");
    } else {
        size_t hl = subject->u.str.len, nl = search->u.str.len;
        for (size_t i = 0; i + nl <= hl && !found; i++)
            found = memcmp(subject->u.str.ptr + i, search->u.str.ptr, nl) == 0;
    }
    *out = found ? &acg_value_true_const : &acg_value_false_const;
    return ACG_OK;
}

static int fn_join(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                   const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *sep = a[0].value, *arr = a[1].value;
    size_t total = 0;
    for (size_t i = 0; i < arr->u.arr.count; i++) {
        total += arr->u.arr.items[i]->u.str.len + (i > 0 ? sep->u.str.len : 0);
        if (total / 8 >= e->max_weight)
            return jp_make_string(e, "", total, out); /* fails: over the limit */
    }
    char *buf = acg_arena_calloc(e->arena, total + 1, 1);
    if (buf == NULL)
        return jp_nomem(e->err);
    size_t o = 0;
    for (size_t i = 0; i < arr->u.arr.count; i++) {
        if (i > 0) {
            memcpy(buf + o, sep->u.str.ptr, sep->u.str.len);
            o += sep->u.str.len;
        }
        memcpy(buf + o, arr->u.arr.items[i]->u.str.ptr, arr->u.arr.items[i]->u.str.len);
        o += arr->u.arr.items[i]->u.str.len;
    }
    return jp_make_string(e, buf, total, out);
}

static int fn_to_string(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                        const struct acg_value **out)
{
    (void)c, (void)n;
    if (a[0].value->type == ACG_VALUE_STRING) {
        *out = a[0].value;
        return ACG_OK;
    }
    struct acg_buf b;
    /* weights bound the text: no value of the limit's weight prints past ~12 bytes a unit */
    acg_buf_init(&b, e->max_weight < SIZE_MAX / 16 ? e->max_weight * 16 : 0);
    int rc = acg_value_write_json(a[0].value, ACG_JSON_PY_ASCII, &b, e->err);
    char *s = rc == ACG_OK ? acg_arena_strndup(e->arena, b.data ? b.data : "", b.len) : NULL;
    size_t len = b.len;
    acg_buf_free(&b);
    if (rc != ACG_OK)
        return rc;
    if (s == NULL)
        return jp_nomem(e->err);
    return jp_make_string(e, s, len, out);
}

static int fn_reverse(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                      const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *v = a[0].value;
    if (v->type == ACG_VALUE_ARRAY) {
        size_t mark = e->len;
        for (size_t i = v->u.arr.count; i > 0; i--)
            ACG_TRY(jp_push(e, v->u.arr.items[i - 1]));
        return jp_finish_array(e, mark, out);
    }
    size_t len = v->u.str.len;
    char *buf = acg_arena_calloc(e->arena, len + 1, 1);
    if (buf == NULL)
        return jp_nomem(e->err);
    /* code point by code point: each sequence keeps its bytes in order */
    size_t i = 0;
    while (i < len) {
        size_t k = 1;
        while (i + k < len && ((unsigned char)v->u.str.ptr[i + k] & 0xC0) == 0x80)
            k++;
        memcpy(buf + len - i - k, v->u.str.ptr + i, k);
        i += k;
    }
    return jp_make_string(e, buf, len, out);
}

/* ---- objects and arrays ---- */

static int fn_keys_values(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                          const struct acg_value **out)
{
    (void)n;
    const struct acg_value *obj = a[0].value;
    bool keys = c->name[0] == 'k';
    size_t mark = e->len;
    for (size_t i = 0; i < obj->u.obj.count; i++) {
        const struct acg_value_member *m = &obj->u.obj.members[i];
        const struct acg_value *v = m->value;
        if (keys)
            ACG_TRY(jp_make_string(e, m->key, m->key_len, &v));
        ACG_TRY(jp_push(e, v));
    }
    return jp_finish_array(e, mark, out);
}

/* The Python library checks only merge's first argument; later ones go to dict.update,
 * which takes an empty string or array as nothing, fails with TypeError on a scalar and
 * with ValueError on other strings and arrays (it would read an array of key-value pairs,
 * which JSON values rarely are: those are refused here too). */
static int merge_operand(struct jp_eval *e, const struct jp_node *c, size_t i,
                         const struct acg_value *v)
{
    if (v->type == ACG_VALUE_OBJECT)
        return ACG_OK;
    if (v->type == ACG_VALUE_STRING && v->u.str.len == 0)
        return ACG_OK;
    if (v->type == ACG_VALUE_ARRAY && v->u.arr.count == 0)
        return ACG_OK;
    const struct acg_value *first = v->type == ACG_VALUE_ARRAY ? v->u.arr.items[0] : v;
    bool iterable = first->type == ACG_VALUE_STRING || first->type == ACG_VALUE_ARRAY ||
                    first->type == ACG_VALUE_OBJECT;
    if (v->type == ACG_VALUE_STRING || (v->type == ACG_VALUE_ARRAY && iterable))
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, "merge()",
                       "merge(): argument %zu is not an object", i + 1);
    struct jp_arg got = {v, NULL};
    return type_error(e, c, i, type_name(&got), "an object");
}

static int fn_merge(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                    const struct acg_value **out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(merge_operand(e, c, i, a[i].value));
        if (a[i].value->type == ACG_VALUE_OBJECT)
            total += a[i].value->u.obj.count;
    }
    struct acg_value *obj = acg_arena_calloc(e->arena, 1, sizeof *obj);
    struct acg_value_member *m = acg_arena_calloc(e->arena, total, sizeof *m);
    if (obj == NULL || m == NULL)
        return jp_nomem(e->err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i].value->type != ACG_VALUE_OBJECT)
            continue;
        memcpy(m + k, a[i].value->u.obj.members, a[i].value->u.obj.count * sizeof *m);
        k += a[i].value->u.obj.count;
    }
    /* dict.update: a later value replaces an earlier one in the earlier one's place */
    if (acg_value_dedup_members(m, &total) != ACG_OK)
        return jp_nomem(e->err);
    obj->type = ACG_VALUE_OBJECT;
    ACG_TRY(jp_weigh_object(e, m, total, obj));
    obj->u.obj.members = m;
    obj->u.obj.count = obj->u.obj.cap = total;
    *out = obj;
    return ACG_OK;
}

static int fn_not_null(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                       const struct acg_value **out)
{
    (void)e, (void)c;
    *out = VNULL;
    for (size_t i = 0; i < n; i++) {
        if (a[i].value->type != ACG_VALUE_NULL) {
            *out = a[i].value;
            break;
        }
    }
    return ACG_OK;
}

static int fn_to_array(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                       const struct acg_value **out)
{
    (void)c, (void)n;
    if (a[0].value->type == ACG_VALUE_ARRAY) {
        *out = a[0].value;
        return ACG_OK;
    }
    return jp_make_array(e, &a[0].value, 1, out);
}

static int fn_type(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                   const struct acg_value **out)
{
    (void)c, (void)n;
    const char *name = type_name(&a[0]);
    return jp_make_string(e, name, strlen(name), out);
}

static int fn_map(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                  const struct acg_value **out)
{
    (void)c, (void)n;
    const struct acg_value *arr = a[1].value;
    size_t mark = e->len;
    for (size_t i = 0; i < arr->u.arr.count; i++) {
        const struct acg_value *r;
        ACG_TRY(jp_eval(e, a[0].expref, arr->u.arr.items[i], &r));
        ACG_TRY(jp_push(e, r));
    }
    return jp_finish_array(e, mark, out);
}

/* ---- ordering ---- */

struct keyed {
    const struct acg_value *key;
    const struct acg_value *value;
};

/* Stable merge sort; keys are all numbers or all strings, so ordering cannot fail. */
static void merge_sort(struct jp_eval *e, struct keyed *v, struct keyed *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(e, v, tmp, h);
    merge_sort(e, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int c = 0;
        (void)jp_order(e, "sort", v[j].key, v[i].key, &c);
        tmp[k++] = c == -1 ? v[j++] : v[i++]; /* take the right one only when smaller */
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* The key of el for sort_by, min_by and max_by: a number or a string; want (when not 0)
 * the one kind every key of sort_by must have. */
static int key_of(struct jp_eval *e, const struct jp_node *c, const struct jp_node *expr,
                  const struct acg_value *el, int want, const struct acg_value **key)
{
    ACG_TRY(jp_eval(e, expr, el, key));
    int kind = is_number(*key) ? 1 : (*key)->type == ACG_VALUE_STRING ? 2 : 0;
    if (kind == 0 || (want != 0 && kind != want)) {
        struct jp_arg got = {*key, NULL};
        return type_error(e, c, 1, type_name(&got),
                          want == 1 ? "a number key" : want == 2 ? "a string key"
                                                                 : "a number or string key");
    }
    return ACG_OK;
}

static int sorted(struct jp_eval *e, const struct jp_node *c, const struct acg_value *arr,
                  const struct jp_node *expr, const struct acg_value **out)
{
    size_t n = arr->u.arr.count;
    if (n == 0 && expr != NULL) {
        *out = arr;
        return ACG_OK;
    }
    struct keyed *v = malloc((2 * n + 1) * sizeof *v);
    if (v == NULL)
        return jp_nomem(e->err);
    int rc = ACG_OK;
    int want = 0;
    for (size_t i = 0; i < n && rc == ACG_OK; i++) {
        v[i].value = arr->u.arr.items[i];
        v[i].key = v[i].value;
        if (expr == NULL)
            continue;
        if (i == 0) { /* the first key decides the kind, evaluated once more below */
            const struct acg_value *k0;
            rc = key_of(e, c, expr, v[0].value, 0, &k0);
            want = rc == ACG_OK && is_number(k0) ? 1 : 2;
        }
        if (rc == ACG_OK)
            rc = key_of(e, c, expr, v[i].value, want, &v[i].key);
    }
    if (rc == ACG_OK) {
        merge_sort(e, v, v + n, n);
        size_t mark = e->len;
        for (size_t i = 0; i < n && rc == ACG_OK; i++)
            rc = jp_push(e, v[i].value);
        if (rc == ACG_OK)
            rc = jp_finish_array(e, mark, out);
    }
    free(v);
    return rc;
}

static int fn_sort(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                   const struct acg_value **out)
{
    (void)n;
    return sorted(e, c, a[0].value, NULL, out);
}

static int fn_sort_by(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                      const struct acg_value **out)
{
    (void)n;
    return sorted(e, c, a[0].value, a[1].expref, out);
}

/* max, min, max_by, min_by: Python's builtins keep the first of equal elements and compare
 * as they go, so mixed key kinds fail at the first comparison that meets them. */
static int extreme(struct jp_eval *e, const struct jp_node *c, const struct acg_value *arr,
                   const struct jp_node *expr, bool want_max, const struct acg_value **out)
{
    *out = VNULL;
    const struct acg_value *best = NULL, *best_key = NULL;
    for (size_t i = 0; i < arr->u.arr.count; i++) {
        const struct acg_value *el = arr->u.arr.items[i], *key = el;
        if (expr != NULL)
            ACG_TRY(key_of(e, c, expr, el, 0, &key));
        if (best != NULL) {
            int cmp;
            ACG_TRY(jp_order(e, c->name, key, best_key, &cmp));
            if (cmp != (want_max ? 1 : -1))
                continue;
        }
        best = el;
        best_key = key;
    }
    if (best != NULL)
        *out = best;
    return ACG_OK;
}

static int fn_max(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                  const struct acg_value **out)
{
    (void)n;
    return extreme(e, c, a[0].value, NULL, c->name[1] == 'a', out);
}

static int fn_max_by(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                     const struct acg_value **out)
{
    (void)n;
    return extreme(e, c, a[0].value, a[1].expref, c->name[1] == 'a', out);
}

/* Sorted by name for the binary search in jp_function_lookup. */
static const struct jp_function functions[] = {
    {"abs", 1, false, {T_NUMBER}, fn_abs},
    {"avg", 1, false, {T_ARRAY_NUMBER}, fn_avg},
    {"ceil", 1, false, {T_NUMBER}, fn_ceil},
    {"contains", 2, false, {T_ARRAY | T_STRING, T_ANY}, fn_contains},
    {"ends_with", 2, false, {T_STRING, T_STRING}, fn_starts_ends},
    {"floor", 1, false, {T_NUMBER}, fn_floor},
    {"join", 2, false, {T_STRING, T_ARRAY_STRING}, fn_join},
    {"keys", 1, false, {T_OBJECT}, fn_keys_values},
    {"length", 1, false, {T_STRING | T_ARRAY | T_OBJECT}, fn_length},
    {"map", 2, false, {T_EXPREF, T_ARRAY}, fn_map},
    {"max", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, fn_max},
    {"max_by", 2, false, {T_ARRAY, T_EXPREF}, fn_max_by},
    {"merge", 1, true, {T_OBJECT}, fn_merge},
    {"min", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, fn_max},
    {"min_by", 2, false, {T_ARRAY, T_EXPREF}, fn_max_by},
    {"not_null", 1, true, {T_ANY}, fn_not_null},
    {"reverse", 1, false, {T_ARRAY | T_STRING}, fn_reverse},
    {"sort", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, fn_sort},
    {"sort_by", 2, false, {T_ARRAY, T_EXPREF}, fn_sort_by},
    {"starts_with", 2, false, {T_STRING, T_STRING}, fn_starts_ends},
    {"sum", 1, false, {T_ARRAY_NUMBER}, fn_sum},
    {"to_array", 1, false, {T_ANY}, fn_to_array},
    {"to_number", 1, false, {T_ANY}, fn_to_number},
    {"to_string", 1, false, {T_ANY}, fn_to_string},
    {"type", 1, false, {T_ANY}, fn_type},
    {"values", 1, false, {T_OBJECT}, fn_keys_values},
};

const struct jp_function *jp_function_lookup(const char *name, size_t len)
{
    size_t lo = 0, hi = sizeof functions / sizeof functions[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *f = functions[mid].name;
        size_t flen = strlen(f);
        int c = memcmp(name, f, len < flen ? len : flen);
        if (c == 0)
            c = len < flen ? -1 : len > flen;
        if (c == 0)
            return &functions[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int jp_call(struct jp_eval *e, const struct jp_node *call, struct jp_arg *args, size_t nargs,
            const struct acg_value **out)
{
    const struct jp_function *f = call->function;
    char where[96];
    snprintf(where, sizeof where, "%.*s()", (int)call->name_len, call->name);
    if (f == NULL)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_UNKNOWN_FUNCTION, where,
                       "unknown function %.*s()", (int)call->name_len, call->name);
    if (f->variadic ? nargs < f->nparams : nargs != f->nparams)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_ARITY, where,
                       "%s() takes %s%zu argument%s, got %zu", f->name,
                       f->variadic ? "at least " : "", f->nparams, f->nparams == 1 ? "" : "s",
                       nargs);
    /* Like the library, only as many arguments as the signature lists are checked; merge
     * looks at the rest itself. */
    for (size_t i = 0; i < nargs && i < f->nparams; i++)
        ACG_TRY(check_arg(e, call, i, &args[i], f->types[i]));
    return f->fn(e, call, args, nargs, out);
}
