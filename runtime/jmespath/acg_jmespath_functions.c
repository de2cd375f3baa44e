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
    const char *expected[2]; /* the signature's types, as the library's messages list them */
    jp_fn fn;
};

/* ---- argument checks ---- */

static bool is_number(const struct acg_value *v)
{
    return v->type == ACG_VALUE_INT || v->type == ACG_VALUE_DOUBLE;
}

/* str() of an argument; an expression reference prints as the library's object would,
 * its address aside. */
static int arg_str(struct acg_buf *b, const struct jp_arg *a)
{
    if (a->expref != NULL)
        return acg_buf_printf(b, "<jmespath.visitor._Expression object at %p>",
                              (const void *)a->expref);
    return jp_py_str(b, a->value);
}

/* JMESPathTypeError: 'In function NAME(), invalid type for value: VALUE, expected one of:
 * EXPECTED, received: "TYPE"'. */
static int type_error(struct jp_eval *e, const struct jp_node *call, size_t i,
                      const struct jp_arg *value, const char *got, const char *expected)
{
    char where[96];
    struct acg_buf b;
    snprintf(where, sizeof where, "%.*s() argument %zu", (int)call->name_len, call->name, i + 1);
    acg_buf_init(&b, 0);
    /* on a failure on the way the record keeps what was written */
    int rc = acg_buf_printf(&b, "In function %.*s(), invalid type for value: ",
                            (int)call->name_len, call->name);
    if (rc == ACG_OK)
        rc = arg_str(&b, value);
    if (rc == ACG_OK)
        rc = acg_buf_printf(&b, ", expected one of: %s, received: \"%s\"", expected, got);
    (void)rc;   /* cut short or not, the message is recorded */
    return jp_fail_buf(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where, &b);
}

/* The same for a value met inside an argument (an element, a key). */
static int value_type_error(struct jp_eval *e, const struct jp_node *call, size_t i,
                            const struct acg_value *v, const char *got, const char *expected)
{
    struct jp_arg a = {v, NULL};
    return type_error(e, call, i, &a, got, expected);
}

static bool element_is(const struct acg_value *v, unsigned sub)
{
    return sub == T_ARRAY_NUMBER ? is_number(v) : v->type == ACG_VALUE_STRING;
}

static bool top_type_ok(const struct jp_arg *a, unsigned t)
{
    const struct acg_value *v = a->value;
    if (a->expref != NULL)
        return (t & T_EXPREF) != 0;
    if (is_number(v))
        return (t & T_NUMBER) != 0;
    if (v->type == ACG_VALUE_STRING)
        return (t & T_STRING) != 0;
    if (v->type == ACG_VALUE_ARRAY)
        return (t & (T_ARRAY | T_ARRAY_NUMBER | T_ARRAY_STRING)) != 0;
    if (v->type == ACG_VALUE_OBJECT)
        return (t & T_OBJECT) != 0;
    return false;
}

/* _type_check_single: the value's JMESPath type, then for typed arrays each element's,
 * named by its Python type; with two element types the first element picks one. */
static int check_arg(struct jp_eval *e, const struct jp_node *call, size_t i,
                     const struct jp_arg *a, unsigned t, const char *expected)
{
    if (t == T_ANY) {
        if (a->expref != NULL) /* the library would pass the reference on */
            return type_error(e, call, i, a, "expref", "[]");
        return ACG_OK;
    }
    if (!top_type_ok(a, t))
        return type_error(e, call, i, a, a->expref != NULL ? "expref" : jp_type_name(a->value),
                          expected);
    const struct acg_value *v = a->value;
    unsigned sub = t & (T_ARRAY_NUMBER | T_ARRAY_STRING);
    if (sub == 0 || a->expref != NULL || v->type != ACG_VALUE_ARRAY || v->u.arr.count == 0)
        return ACG_OK;
    if (sub == (T_ARRAY_NUMBER | T_ARRAY_STRING)) {
        const struct acg_value *first = v->u.arr.items[0];
        sub = is_number(first) ? T_ARRAY_NUMBER
              : first->type == ACG_VALUE_STRING ? T_ARRAY_STRING : 0;
        if (sub == 0)
            return value_type_error(e, call, i, first, jp_py_type_name(first), expected);
    }
    for (size_t k = 0; k < v->u.arr.count; k++) {
        const struct acg_value *el = v->u.arr.items[k];
        if (!element_is(el, sub))
            return value_type_error(e, call, i, el, jp_py_type_name(el), expected);
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
    if (isnan(d) || isinf(d)) /* Python's ValueError and OverflowError */
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, c->name,
                       "cannot convert float %s to integer", isnan(d) ? "NaN" : "infinity");
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
    const bool negative = s < end && *s == '-';
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
        *t = (struct total){false, 0, negative ? -special : special};
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
    (void)c, (void)n;
    const struct acg_value *subject = a[0].value, *search = a[1].value;
    bool found = false;
    if (subject->type == ACG_VALUE_ARRAY) {
        for (size_t i = 0; i < subject->u.arr.count && !found; i++) {
            const struct acg_value *el = subject->u.arr.items[i];
            found = el == search || acg_value_equal_mode(el, search, true, 1);
        }
    } else if (search->type != ACG_VALUE_STRING) {
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, "contains() argument 2",
                       "'in <string>' requires string as left operand, not %s",
                       jp_py_type_name(search));
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

/* Python's len() of a string, array or object. */
static size_t py_len(const struct acg_value *v)
{
    if (v->type == ACG_VALUE_ARRAY)
        return v->u.arr.count;
    if (v->type == ACG_VALUE_OBJECT)
        return v->u.obj.count;
    size_t n = 0;
    for (size_t i = 0; i < v->u.str.len; i++)
        n += ((unsigned char)v->u.str.ptr[i] & 0xC0) != 0x80;
    return n;
}

/* The first (k 0) or second character of s as a string value; it points into s. */
static int nth_char(struct jp_eval *e, const struct acg_value *s, size_t k,
                    const struct acg_value **out)
{
    size_t at = 0, len;
    (void)jp_decode(s->u.str.ptr, s->u.str.len, &len);
    if (k == 1) {
        at = len;
        (void)jp_decode(s->u.str.ptr + at, s->u.str.len - at, &len);
    }
    return jp_make_string(e, s->u.str.ptr + at, len, out);
}

/* Element i of a sequence dict.update reads as a key-value pair: a string of two
 * characters, an array of two items or an object of two keys; Python's errors otherwise.
 * Keys other than strings would make a dict JSON cannot hold: refused. */
static int update_pair(struct jp_eval *e, const char *where, size_t i, const struct acg_value *el,
                       struct acg_value_member *m)
{
    const struct acg_value *key, *value;
    if (el->type != ACG_VALUE_STRING && el->type != ACG_VALUE_ARRAY &&
        el->type != ACG_VALUE_OBJECT)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where,
                       "cannot convert dictionary update sequence element #%zu to a sequence", i);
    if (py_len(el) != 2)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, where,
                       "dictionary update sequence element #%zu has length %zu; 2 is required", i,
                       py_len(el));
    if (el->type == ACG_VALUE_STRING) {
        ACG_TRY(nth_char(e, el, 0, &key));
        ACG_TRY(nth_char(e, el, 1, &value));
    } else if (el->type == ACG_VALUE_OBJECT) { /* iterating a dict gives its keys */
        const struct acg_value_member *om = el->u.obj.members;
        ACG_TRY(jp_make_string(e, om[0].key, om[0].key_len, &key));
        ACG_TRY(jp_make_string(e, om[1].key, om[1].key_len, &value));
    } else {
        key = el->u.arr.items[0];
        value = el->u.arr.items[1];
    }
    if (key->type == ACG_VALUE_ARRAY || key->type == ACG_VALUE_OBJECT)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where, "unhashable type: '%s'",
                       jp_py_type_name(key));
    if (key->type != ACG_VALUE_STRING)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, where,
                       "merge(): a key-value pair with a %s key cannot make a JSON object",
                       jp_type_name(key));
    m->key = key->u.str.ptr;
    m->key_len = key->u.str.len;
    m->value = (struct acg_value *)value; /* frozen: never written through */
    return ACG_OK;
}

/* The members argument i adds (count first with m NULL, then fill m): the library checks
 * only merge's first argument; later ones go to dict.update, which takes an object's
 * members, reads a string or array as a sequence of key-value pairs, and fails on
 * anything else as Python does. */
static int merge_operand(struct jp_eval *e, size_t i, const struct acg_value *v,
                         struct acg_value_member *m, size_t *count)
{
    char where[48];
    snprintf(where, sizeof where, "merge() argument %zu", i + 1);
    if (v->type == ACG_VALUE_OBJECT) {
        if (m != NULL)
            memcpy(m, v->u.obj.members, v->u.obj.count * sizeof *m);
        *count = v->u.obj.count;
        return ACG_OK;
    }
    if (v->type != ACG_VALUE_STRING && v->type != ACG_VALUE_ARRAY)
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_TYPE, where,
                       "'%s' object is not iterable", jp_py_type_name(v));
    *count = 0;
    if (v->type == ACG_VALUE_STRING && v->u.str.len > 0) /* each character: a string of one */
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_VALUE, where,
                       "dictionary update sequence element #0 has length 1; 2 is required");
    for (size_t k = 0; v->type == ACG_VALUE_ARRAY && k < v->u.arr.count; k++) {
        struct acg_value_member pair;
        ACG_TRY(update_pair(e, where, k, v->u.arr.items[k], &pair));
        if (m != NULL)
            m[k] = pair;
    }
    *count = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : 0;
    return ACG_OK;
}

static int fn_merge(struct jp_eval *e, const struct jp_node *c, struct jp_arg *a, size_t n,
                    const struct acg_value **out)
{
    (void)c;
    size_t total = 0, count;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(merge_operand(e, i, a[i].value, NULL, &count));
        total += count;
    }
    struct acg_value *obj = acg_arena_calloc(e->arena, 1, sizeof *obj);
    struct acg_value_member *m = acg_arena_calloc(e->arena, total, sizeof *m);
    if (obj == NULL || m == NULL)
        return jp_nomem(e->err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(merge_operand(e, i, a[i].value, m + k, &count));
        k += count;
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
    const char *name = jp_type_name(a[0].value);
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
        (void)jp_order(e, "sort", "<", v[j].key, v[i].key, &c);
        tmp[k++] = c == -1 ? v[j++] : v[i++]; /* take the right one only when smaller */
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* The key of el for sort_by, min_by and max_by (the library's _create_key_func): a number
 * or a string when want is 0, else only numbers (1) or only strings (2). */
static int key_of(struct jp_eval *e, const struct jp_node *c, const struct jp_node *expr,
                  const struct acg_value *el, int want, const struct acg_value **key)
{
    ACG_TRY(jp_eval(e, expr, el, key));
    int kind = is_number(*key) ? 1 : (*key)->type == ACG_VALUE_STRING ? 2 : 0;
    if (kind == 0 || (want != 0 && kind != want))
        return value_type_error(e, c, 1, *key, jp_type_name(*key),
                                want == 1   ? "['number']"
                                : want == 2 ? "['string']"
                                            : "['number', 'string']");
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
            rc = jp_eval(e, expr, v[0].value, &k0);
            if (rc == ACG_OK && !is_number(k0) && k0->type != ACG_VALUE_STRING)
                rc = value_type_error(e, c, 1, v[0].value, jp_type_name(k0),
                                      "['string', 'number']");
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
            ACG_TRY(jp_order(e, c->name, want_max ? ">" : "<", key, best_key, &cmp));
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
    {"abs", 1, false, {T_NUMBER}, {"['number']"}, fn_abs},
    {"avg", 1, false, {T_ARRAY_NUMBER}, {"['array-number']"}, fn_avg},
    {"ceil", 1, false, {T_NUMBER}, {"['number']"}, fn_ceil},
    {"contains", 2, false, {T_ARRAY | T_STRING, T_ANY}, {"['array', 'string']", "[]"},
     fn_contains},
    {"ends_with", 2, false, {T_STRING, T_STRING}, {"['string']", "['string']"}, fn_starts_ends},
    {"floor", 1, false, {T_NUMBER}, {"['number']"}, fn_floor},
    {"join", 2, false, {T_STRING, T_ARRAY_STRING}, {"['string']", "['array-string']"}, fn_join},
    {"keys", 1, false, {T_OBJECT}, {"['object']"}, fn_keys_values},
    {"length", 1, false, {T_STRING | T_ARRAY | T_OBJECT}, {"['string', 'array', 'object']"},
     fn_length},
    {"map", 2, false, {T_EXPREF, T_ARRAY}, {"['expref']", "['array']"}, fn_map},
    {"max", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, {"['array-number', 'array-string']"},
     fn_max},
    {"max_by", 2, false, {T_ARRAY, T_EXPREF}, {"['array']", "['expref']"}, fn_max_by},
    {"merge", 1, true, {T_OBJECT}, {"['object']"}, fn_merge},
    {"min", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, {"['array-number', 'array-string']"},
     fn_max},
    {"min_by", 2, false, {T_ARRAY, T_EXPREF}, {"['array']", "['expref']"}, fn_max_by},
    {"not_null", 1, true, {T_ANY}, {"[]"}, fn_not_null},
    {"reverse", 1, false, {T_ARRAY | T_STRING}, {"['array', 'string']"}, fn_reverse},
    {"sort", 1, false, {T_ARRAY_NUMBER | T_ARRAY_STRING}, {"['array-string', 'array-number']"},
     fn_sort},
    {"sort_by", 2, false, {T_ARRAY, T_EXPREF}, {"['array']", "['expref']"}, fn_sort_by},
    {"starts_with", 2, false, {T_STRING, T_STRING}, {"['string']", "['string']"},
     fn_starts_ends},
    {"sum", 1, false, {T_ARRAY_NUMBER}, {"['array-number']"}, fn_sum},
    {"to_array", 1, false, {T_ANY}, {"[]"}, fn_to_array},
    {"to_number", 1, false, {T_ANY}, {"[]"}, fn_to_number},
    {"to_string", 1, false, {T_ANY}, {"[]"}, fn_to_string},
    {"type", 1, false, {T_ANY}, {"[]"}, fn_type},
    {"values", 1, false, {T_OBJECT}, {"['object']"}, fn_keys_values},
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
                       "Unknown function: %.*s()", (int)call->name_len, call->name);
    if (f->variadic ? nargs < f->nparams : nargs != f->nparams) /* (Variadict)ArityError */
        return jp_fail(e->err, ACG_JMESPATH_ERROR_INVALID_ARITY, where,
                       "Expected %s%zu argument%s for function %s(), received %zu",
                       f->variadic ? "at least " : "", f->nparams, f->nparams == 1 ? "" : "s",
                       f->name, nargs);
    /* Like the library, only as many arguments as the signature lists are checked; merge
     * looks at the rest itself. */
    for (size_t i = 0; i < nargs && i < f->nparams; i++)
        ACG_TRY(check_arg(e, call, i, &args[i], f->types[i], f->expected[i]));
    return f->fn(e, call, args, nargs, out);
}
