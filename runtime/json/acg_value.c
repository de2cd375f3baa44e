/* JSON value trees: constructors, builders, parsing, equality and bookkeeping.
 *
 * Parsing reuses the runtime's strict token reader, so what it accepts is exactly what
 * every other JSON reader in the runtime accepts; this file only turns tokens into nodes.
 * Writing lives in acg_value_write.c, float formatting in acg_value_float.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "acg_text_private.h"
#include "json/acg_value.h"
#include "json/acg_value_private.h"

const struct acg_value acg_value_null_const = {.type = ACG_VALUE_NULL, .weight_ = 1, .depth_ = 1};
const struct acg_value acg_value_true_const = {
    .type = ACG_VALUE_BOOL, .weight_ = 1, .depth_ = 1, .u.b = true};
const struct acg_value acg_value_false_const = {
    .type = ACG_VALUE_BOOL, .weight_ = 1, .depth_ = 1, .u.b = false};

/* ---- constructors ---- */

static struct acg_value *new_value(struct acg_arena *a, enum acg_value_type type)
{
    struct acg_value *v = acg_arena_calloc(a, 1, sizeof *v);
    if (v != NULL) {
        v->type = type;
        if (type != ACG_VALUE_ARRAY && type != ACG_VALUE_OBJECT) {
            v->weight_ = 1;
            v->depth_ = 1;
        }
    }
    return v;
}

struct acg_value *acg_value_new_null(struct acg_arena *a)
{
    return new_value(a, ACG_VALUE_NULL);
}

struct acg_value *acg_value_new_bool(struct acg_arena *a, bool b)
{
    struct acg_value *v = new_value(a, ACG_VALUE_BOOL);
    if (v != NULL)
        v->u.b = b;
    return v;
}

struct acg_value *acg_value_new_int(struct acg_arena *a, int64_t i)
{
    struct acg_value *v = new_value(a, ACG_VALUE_INT);
    if (v != NULL)
        v->u.i = i;
    return v;
}

struct acg_value *acg_value_new_double(struct acg_arena *a, double d)
{
    struct acg_value *v = new_value(a, ACG_VALUE_DOUBLE);
    if (v != NULL)
        v->u.d = d;
    return v;
}

struct acg_value *acg_value_new_string(struct acg_arena *a, const char *s, size_t len)
{
    char *copy = acg_arena_strndup(a, s, len);
    struct acg_value *v = copy != NULL ? new_value(a, ACG_VALUE_STRING) : NULL;
    if (v != NULL) {
        v->u.str.ptr = copy;
        v->u.str.len = len;
        v->weight_ = acg_value_string_weight(len);
    }
    return v;
}

struct acg_value *acg_value_new_array(struct acg_arena *a)
{
    return new_value(a, ACG_VALUE_ARRAY);
}

struct acg_value *acg_value_new_object(struct acg_arena *a)
{
    return new_value(a, ACG_VALUE_OBJECT);
}

/* ---- builders ---- */

/* Makes room for one more item of size bytes in an arena array. The old block stays in the
 * arena; doubling keeps the waste below the final size. */
static int grow(struct acg_arena *a, void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return ACG_OK;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *n = acg_arena_calloc(a, ncap, size);
    if (n == NULL)
        return ACG_ERR_NOMEM;
    if (count > 0)
        memcpy(n, *items, count * size);
    *items = n;
    *cap = ncap;
    return ACG_OK;
}

static int check_open(const struct acg_value *v, enum acg_value_type type, struct acg_value *item)
{
    if (item == NULL)
        return ACG_ERR_NOMEM;
    if (v == NULL || v->type != type || v->weight_ != 0)
        return ACG_ERR_INVALID_ARG;
    return ACG_OK;
}

int acg_value_array_push(struct acg_arena *a, struct acg_value *arr, struct acg_value *item)
{
    ACG_TRY(check_open(arr, ACG_VALUE_ARRAY, item));
    void *items = arr->u.arr.items;
    ACG_TRY(grow(a, &items, &arr->u.arr.cap, arr->u.arr.count, sizeof item));
    arr->u.arr.items = items;
    arr->u.arr.items[arr->u.arr.count++] = item;
    return ACG_OK;
}

int acg_value_object_add(struct acg_arena *a, struct acg_value *obj, const char *key,
                         size_t key_len, struct acg_value *value)
{
    ACG_TRY(check_open(obj, ACG_VALUE_OBJECT, value));
    if (key == NULL)
        return ACG_ERR_INVALID_ARG;
    char *k = acg_arena_strndup(a, key, key_len);
    if (k == NULL)
        return ACG_ERR_NOMEM;
    void *members = obj->u.obj.members;
    ACG_TRY(grow(a, &members, &obj->u.obj.cap, obj->u.obj.count, sizeof(struct acg_value_member)));
    obj->u.obj.members = members;
    struct acg_value_member *m = &obj->u.obj.members[obj->u.obj.count++];
    m->key = k;
    m->key_len = key_len;
    m->value = value;
    return ACG_OK;
}

int acg_value_object_set(struct acg_arena *a, struct acg_value *obj, const char *key,
                         size_t key_len, struct acg_value *value)
{
    ACG_TRY(check_open(obj, ACG_VALUE_OBJECT, value));
    for (size_t i = 0; i < obj->u.obj.count; i++) {
        struct acg_value_member *m = &obj->u.obj.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) {
            m->value = value;
            return ACG_OK;
        }
    }
    return acg_value_object_add(a, obj, key, key_len, value);
}

const struct acg_value *acg_value_object_get(const struct acg_value *obj, const char *key,
                                             size_t key_len)
{
    if (obj == NULL || obj->type != ACG_VALUE_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->u.obj.count; i++) {
        const struct acg_value_member *m = &obj->u.obj.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
            return m->value;
    }
    return NULL;
}

/* ---- bookkeeping ---- */

size_t acg_value_string_weight(size_t len)
{
    return 1 + len / 8;
}

static size_t add_sat(size_t x, size_t y)
{
    return x > SIZE_MAX - y ? SIZE_MAX : x + y;
}

/* Counts an open tree (or answers from a frozen one), stopping past limit. */
static size_t measure(const struct acg_value *v, size_t limit, uint32_t *depth, uint32_t level)
{
    if (v->weight_ != 0 || level > ACG_VALUE_MAX_DEPTH) {
        *depth = v->weight_ != 0 ? v->depth_ : ACG_VALUE_MAX_DEPTH + 1;
        return v->weight_ != 0 ? v->weight_ : limit + 1;
    }
    if (v->type != ACG_VALUE_ARRAY && v->type != ACG_VALUE_OBJECT) {
        *depth = 1;
        return v->type == ACG_VALUE_STRING ? acg_value_string_weight(v->u.str.len) : 1;
    }
    size_t total = 1;
    uint32_t deepest = 0, d;
    size_t n = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : v->u.obj.count;
    for (size_t i = 0; i < n && total <= limit; i++) {
        const struct acg_value *c = v->type == ACG_VALUE_ARRAY ? v->u.arr.items[i]
                                                               : v->u.obj.members[i].value;
        total = add_sat(total, measure(c, limit - total + 1, &d, level + 1));
        if (v->type == ACG_VALUE_OBJECT)
            total = add_sat(total, acg_value_string_weight(v->u.obj.members[i].key_len));
        if (d > deepest)
            deepest = d;
    }
    *depth = deepest + 1;
    return total;
}

size_t acg_value_measure(const struct acg_value *v, size_t limit, uint32_t *depth)
{
    uint32_t d = 0;
    size_t w = measure(v, limit, &d, 1);
    if (depth != NULL)
        *depth = d;
    return w;
}

static bool is_container(const struct acg_value *v)
{
    return v->type == ACG_VALUE_ARRAY || v->type == ACG_VALUE_OBJECT;
}

static int freeze(struct acg_value *v, uint32_t level)
{
    if (v->weight_ != 0)
        return ACG_OK;
    if (!is_container(v)) {
        v->weight_ = v->type == ACG_VALUE_STRING ? acg_value_string_weight(v->u.str.len) : 1;
        v->depth_ = 1;
        return ACG_OK;
    }
    if (level > ACG_VALUE_MAX_DEPTH)
        return ACG_ERR_INVALID_ARG;
    size_t n = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : v->u.obj.count;
    size_t total = 1;
    uint32_t deepest = 0;
    for (size_t i = 0; i < n; i++) {
        struct acg_value *c = v->type == ACG_VALUE_ARRAY ? v->u.arr.items[i]
                                                         : v->u.obj.members[i].value;
        ACG_TRY(freeze(c, level + 1));
        total = add_sat(total, c->weight_);
        if (v->type == ACG_VALUE_OBJECT)
            total = add_sat(total, acg_value_string_weight(v->u.obj.members[i].key_len));
        if (c->depth_ > deepest)
            deepest = c->depth_;
    }
    v->weight_ = total;
    v->depth_ = deepest + 1;
    return ACG_OK;
}

int acg_value_freeze(struct acg_value *v, struct acg_error *err)
{
    if (v == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_value_freeze: NULL value");
    if (freeze(v, 1) != ACG_OK)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "value nested deeper than %d levels",
                             ACG_VALUE_MAX_DEPTH);
    return ACG_OK;
}

/* ---- key index: duplicate keys and lookups in large objects ---- */

static uint64_t hash_key(const char *s, size_t len)
{
    uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

int acg_key_index_init(struct acg_key_index *ix, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 && cap < SIZE_MAX / 4)
        cap *= 2;
    ix->slots = malloc(cap * sizeof *ix->slots);
    if (ix->slots == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++)
        ix->slots[i] = SIZE_MAX;
    ix->mask = cap - 1;
    return ACG_OK;
}

void acg_key_index_free(struct acg_key_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
}

size_t acg_key_index_put(struct acg_key_index *ix, const struct acg_value_member *members,
                         size_t i)
{
    const struct acg_value_member *m = &members[i];
    size_t s = (size_t)hash_key(m->key, m->key_len) & ix->mask;
    while (ix->slots[s] != SIZE_MAX) {
        const struct acg_value_member *o = &members[ix->slots[s]];
        if (o->key_len == m->key_len && memcmp(o->key, m->key, m->key_len) == 0)
            return ix->slots[s];
        s = (s + 1) & ix->mask;
    }
    ix->slots[s] = i;
    return SIZE_MAX;
}

size_t acg_key_index_find(const struct acg_key_index *ix, const struct acg_value_member *members,
                          const char *key, size_t len)
{
    size_t s = (size_t)hash_key(key, len) & ix->mask;
    while (ix->slots[s] != SIZE_MAX) {
        const struct acg_value_member *o = &members[ix->slots[s]];
        if (o->key_len == len && memcmp(o->key, key, len) == 0)
            return ix->slots[s];
        s = (s + 1) & ix->mask;
    }
    return SIZE_MAX;
}

/* Keeps the first position of each key with the last value given for it, in place.
 * Objects up to a few dozen members are checked pairwise, larger ones through an index. */
int acg_value_dedup_members(struct acg_value_member *members, size_t *count)
{
    size_t n = *count, out = 0;
    if (n <= 32) {
        for (size_t i = 0; i < n; i++) {
            size_t j = 0;
            while (j < out && !(members[j].key_len == members[i].key_len &&
                                memcmp(members[j].key, members[i].key, members[i].key_len) == 0))
                j++;
            if (j < out)
                members[j].value = members[i].value;
            else
                members[out++] = members[i];
        }
        *count = out;
        return ACG_OK;
    }
    struct acg_key_index ix;
    ACG_TRY(acg_key_index_init(&ix, n));
    for (size_t i = 0; i < n; i++) {
        members[out] = members[i];
        size_t prev = acg_key_index_put(&ix, members, out);
        if (prev != SIZE_MAX)
            members[prev].value = members[i].value;
        else
            out++;
    }
    acg_key_index_free(&ix);
    *count = out;
    return ACG_OK;
}

/* ---- parsing ---- */

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static uint32_t hex4(const char *s)
{
    return (uint32_t)(hexval(s[0]) << 12 | hexval(s[1]) << 8 | hexval(s[2]) << 4 | hexval(s[3]));
}

/* Decodes a string the scanner has checked (escapes well formed, surrogates paired) into
 * out, which has room for len bytes: decoding never lengthens. U+0000 is kept. */
static size_t unescape(const char *s, size_t len, char *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        char c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            uint32_t cp = hex4(s + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + i + 2) - 0xDC00);
                i += 6;
            }
            o += acg_utf8_encode(cp, out + o);
            break;
        }
        default: out[o++] = c; break;
        }
    }
    return o;
}

struct parser {
    struct acg_json_reader r;
    struct acg_arena *arena;
    struct acg_error *err;
};

static int nomem(const struct parser *p)
{
    return acg_error_set(p->err, ACG_ERR_NOMEM, "out of memory reading JSON");
}

static int parse_string(struct parser *p, int tok, const char **s, size_t *len)
{
    const struct acg_json_token *t = &p->r.toks[tok];
    size_t n = (size_t)(t->end - t->start);
    char *out = acg_arena_calloc(p->arena, n + 1, 1);
    if (out == NULL)
        return nomem(p);
    *len = unescape(p->r.js + t->start, n, out);
    *s = out;
    return ACG_OK;
}

/* Integers that fit int64 stay exact; anything else goes through strtod, as Python's
 * json.loads gives a float for "1.0" and "1e2" (and we for integers past int64). */
static int parse_number(struct parser *p, const char *s, size_t n, struct acg_value *v)
{
    bool integral = memchr(s, '.', n) == NULL && memchr(s, 'e', n) == NULL &&
                    memchr(s, 'E', n) == NULL;
    if (integral) {
        bool neg = s[0] == '-';
        uint64_t mag = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        size_t i = neg ? 1 : 0;
        for (; i < n; i++) {
            uint64_t digit = (uint64_t)(s[i] - '0');
            if (mag > (lim - digit) / 10)
                break;
            mag = mag * 10 + digit;
        }
        if (i == n) {
            v->type = ACG_VALUE_INT;
            v->u.i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
            return ACG_OK;
        }
    }
    char small[64];
    char *text = n < sizeof small ? small : malloc(n + 1);
    if (text == NULL)
        return nomem(p);
    memcpy(text, s, n);
    text[n] = '\0';
    v->type = ACG_VALUE_DOUBLE;
    v->u.d = acg_strtod_c(text, NULL);
    if (text != small)
        free(text);
    return ACG_OK;
}

static int parse_node(struct parser *p, int tok, struct acg_value **out);

static int parse_array(struct parser *p, int tok, struct acg_value *v)
{
    size_t n = (size_t)p->r.toks[tok].size;
    v->u.arr.items = acg_arena_calloc(p->arena, n, sizeof *v->u.arr.items);
    if (v->u.arr.items == NULL)
        return nomem(p);
    v->u.arr.count = v->u.arr.cap = n;
    int child = tok + 1;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(parse_node(p, child, &v->u.arr.items[i]));
        child = acg_json_skip(&p->r, child);
    }
    return ACG_OK;
}

static int parse_object(struct parser *p, int tok, struct acg_value *v)
{
    size_t n = (size_t)p->r.toks[tok].size;
    struct acg_value_member *m = acg_arena_calloc(p->arena, n, sizeof *m);
    if (m == NULL)
        return nomem(p);
    int key = tok + 1;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(parse_string(p, key, &m[i].key, &m[i].key_len));
        ACG_TRY(parse_node(p, key + 1, &m[i].value));
        key = acg_json_skip(&p->r, key + 1);
    }
    if (acg_value_dedup_members(m, &n) != ACG_OK)
        return nomem(p);
    v->u.obj.members = m;
    v->u.obj.count = v->u.obj.cap = n;
    return ACG_OK;
}

static int parse_node(struct parser *p, int tok, struct acg_value **out)
{
    const struct acg_json_token *t = &p->r.toks[tok];
    const char *s = p->r.js + t->start;
    struct acg_value *v = acg_arena_calloc(p->arena, 1, sizeof *v);
    if (v == NULL)
        return nomem(p);
    *out = v;
    switch (t->type) {
    case ACG_JSON_OBJECT:
        v->type = ACG_VALUE_OBJECT;
        ACG_TRY(parse_object(p, tok, v));
        break;
    case ACG_JSON_ARRAY:
        v->type = ACG_VALUE_ARRAY;
        ACG_TRY(parse_array(p, tok, v));
        break;
    case ACG_JSON_STRING:
        v->type = ACG_VALUE_STRING;
        ACG_TRY(parse_string(p, tok, &v->u.str.ptr, &v->u.str.len));
        break;
    default:
        if (s[0] == 'n') {
            v->type = ACG_VALUE_NULL;
        } else if (s[0] == 't' || s[0] == 'f') {
            v->type = ACG_VALUE_BOOL;
            v->u.b = s[0] == 't';
        } else {
            ACG_TRY(parse_number(p, s, (size_t)(t->end - t->start), v));
        }
        break;
    }
    return freeze(v, 1);
}

int acg_value_parse(struct acg_arena *a, const char *js, size_t len, struct acg_value **out,
                    struct acg_error *err)
{
    *out = NULL;
    if (a == NULL || (js == NULL && len > 0))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_value_parse: NULL argument");
    size_t i = 0;
    while (i < len && (js[i] == ' ' || js[i] == '\t' || js[i] == '\n' || js[i] == '\r'))
        i++;
    if (i == len) /* the token reader reads an empty body as {}, which is AWS's, not ours */
        return acg_error_set(err, ACG_ERR_JSON, "no JSON value (byte offset %zu)", len);
    struct parser p = {.arena = a, .err = err};
    int rc = acg_json_reader_parse_depth(&p.r, js, len, NULL, err, ACG_VALUE_MAX_DEPTH);
    if (rc == ACG_OK)
        rc = parse_node(&p, 0, out);
    acg_json_reader_free(&p.r);
    if (rc != ACG_OK)
        *out = NULL;
    return rc;
}

/* ---- comparing ---- */

/* Python's int/float comparison: exact, whatever the magnitudes. */
static int cmp_int_double(int64_t i, double d)
{
    if (isnan(d))
        return 2;
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double t = trunc(d);
    int64_t ti = (int64_t)t;
    if (i != ti)
        return i < ti ? -1 : 1;
    return d > t ? -1 : d < t ? 1 : 0;
}

int acg_value_compare_numbers(const struct acg_value *a, const struct acg_value *b)
{
    if (a->type == ACG_VALUE_INT && b->type == ACG_VALUE_INT)
        return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    if (a->type == ACG_VALUE_INT)
        return cmp_int_double(a->u.i, b->u.d);
    if (b->type == ACG_VALUE_INT) {
        int c = cmp_int_double(b->u.i, a->u.d);
        return c == 2 ? 2 : -c;
    }
    if (isnan(a->u.d) || isnan(b->u.d))
        return 2;
    return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
}

static bool is_number(const struct acg_value *v)
{
    return v->type == ACG_VALUE_INT || v->type == ACG_VALUE_DOUBLE;
}

bool acg_value_equal_mode(const struct acg_value *a, const struct acg_value *b, bool py,
                          unsigned level)
{
    if (level > ACG_VALUE_MAX_DEPTH)
        return false;
    /* Python's == inside containers treats True as 1 and False as 0. */
    if (py && (a->type == ACG_VALUE_BOOL || b->type == ACG_VALUE_BOOL) &&
        (is_number(a) || is_number(b))) {
        struct acg_value x = *a, y = *b;
        if (x.type == ACG_VALUE_BOOL)
            x = (struct acg_value){.type = ACG_VALUE_INT, .u.i = a->u.b};
        if (y.type == ACG_VALUE_BOOL)
            y = (struct acg_value){.type = ACG_VALUE_INT, .u.i = b->u.b};
        return acg_value_compare_numbers(&x, &y) == 0;
    }
    if (is_number(a) && is_number(b))
        return acg_value_compare_numbers(a, b) == 0;
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case ACG_VALUE_NULL: return true;
    case ACG_VALUE_BOOL: return a->u.b == b->u.b;
    case ACG_VALUE_STRING:
        return a->u.str.len == b->u.str.len &&
               memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
    case ACG_VALUE_ARRAY:
        if (a->u.arr.count != b->u.arr.count)
            return false;
        for (size_t i = 0; i < a->u.arr.count; i++) {
            if (a->u.arr.items[i] != b->u.arr.items[i] &&
                !acg_value_equal_mode(a->u.arr.items[i], b->u.arr.items[i], py, level + 1))
                return false;
        }
        return true;
    case ACG_VALUE_OBJECT:
        return acg_value_objects_equal(a, b, py, level);
    default:
        return false;
    }
}

bool acg_value_objects_equal(const struct acg_value *a, const struct acg_value *b, bool py,
                             unsigned level)
{
    size_t n = a->u.obj.count;
    if (n != b->u.obj.count)
        return false;
    const struct acg_value_member *bm = b->u.obj.members;
    struct acg_key_index ix = {NULL, 0};
    bool indexed = n > 16 && acg_key_index_init(&ix, n) == ACG_OK;
    for (size_t i = 0; indexed && i < n; i++)
        (void)acg_key_index_put(&ix, bm, i);
    bool equal = true;
    for (size_t i = 0; equal && i < n; i++) {
        const struct acg_value_member *m = &a->u.obj.members[i];
        const struct acg_value *other = NULL;
        if (indexed) {
            size_t j = acg_key_index_find(&ix, bm, m->key, m->key_len);
            other = j != SIZE_MAX ? bm[j].value : NULL;
        } else {
            other = acg_value_object_get(b, m->key, m->key_len);
        }
        equal = other != NULL && acg_value_equal_mode(m->value, other, py, level + 1);
    }
    acg_key_index_free(&ix);
    return equal;
}

bool acg_value_equal(const struct acg_value *a, const struct acg_value *b)
{
    return acg_value_equal_mode(a, b, false, 1);
}
