/* A stand-in JMESPath evaluator for acg_jmespath_search_strings (json/acg_jmespath.h): the
 * forms of botocore's operationContextParams and nothing more. Fields, list projections
 * ([*]), multiselect lists (.[a, b]), flattens ([]) and keys(), with JMESPath's rules for
 * them: a projection or flatten applies what follows to each element and drops the nulls,
 * a flatten ends the projection before it, a multiselect keeps its nulls. */
#include <string.h>

#include "json/acg_jmespath.h"
#include "json/acg_json.h"

enum step_kind { STEP_FIELD, STEP_PROJECT, STEP_FLATTEN, STEP_MULTI };

struct chain;

struct step {
    enum step_kind kind;
    const char *name;          /* STEP_FIELD */
    struct chain *subs;        /* STEP_MULTI */
    size_t sub_count;
};

struct chain {
    struct step *steps;
    size_t count;
};

#define MAX_STEPS 16
#define MAX_SUBS 16

struct parser {
    const char *s;
    struct acg_arena *a;
    int depth;
};

static void skip_ws(struct parser *p)
{
    while (*p->s == ' ')
        p->s++;
}

static bool ident_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

static int parse_chain(struct parser *p, struct chain *out);

static int parse_field(struct parser *p, struct step *st)
{
    const char *start = p->s;
    if (!ident_char(*p->s, true))
        return ACG_ERR_UNSUPPORTED;
    while (ident_char(*p->s, false))
        p->s++;
    st->kind = STEP_FIELD;
    st->name = acg_arena_strndup(p->a, start, (size_t)(p->s - start));
    return st->name != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

/* "[a.b, c]" after a dot: the opening bracket is the current character. */
static int parse_multi(struct parser *p, struct step *st)
{
    st->kind = STEP_MULTI;
    st->subs = acg_arena_calloc(p->a, MAX_SUBS, sizeof *st->subs);
    if (st->subs == NULL)
        return ACG_ERR_NOMEM;
    p->s++;
    for (;;) {
        if (st->sub_count == MAX_SUBS)
            return ACG_ERR_UNSUPPORTED;
        skip_ws(p);
        ACG_TRY(parse_chain(p, &st->subs[st->sub_count++]));
        skip_ws(p);
        if (*p->s == ']') {
            p->s++;
            return ACG_OK;
        }
        if (*p->s != ',')
            return ACG_ERR_UNSUPPORTED;
        p->s++;
    }
}

static int parse_chain(struct parser *p, struct chain *out)
{
    if (++p->depth > 4)
        return ACG_ERR_UNSUPPORTED;
    out->steps = acg_arena_calloc(p->a, MAX_STEPS, sizeof *out->steps);
    out->count = 0;
    if (out->steps == NULL)
        return ACG_ERR_NOMEM;
    ACG_TRY(parse_field(p, &out->steps[out->count++]));
    for (;;) {
        struct step *st = &out->steps[out->count];
        if (out->count == MAX_STEPS)
            return ACG_ERR_UNSUPPORTED;
        if (strncmp(p->s, "[*]", 3) == 0) {
            st->kind = STEP_PROJECT;
            p->s += 3;
        } else if (strncmp(p->s, "[]", 2) == 0) {
            st->kind = STEP_FLATTEN;
            p->s += 2;
        } else if (p->s[0] == '.' && p->s[1] == '[') {
            p->s++;
            ACG_TRY(parse_multi(p, st));
        } else if (p->s[0] == '.') {
            p->s++;
            ACG_TRY(parse_field(p, st));
        } else {
            break;
        }
        out->count++;
    }
    p->depth--;
    return ACG_OK;
}

/* ---- evaluation ---- */

/* A value: a token of the document, a list the evaluator built, a key from keys(), or null
 * (tok < 0, not a list, no str). */
struct jval {
    int tok;
    bool is_list;
    struct jval *items;
    size_t count;
    const char *str;
};

static const struct jval null_value = { -1, false, NULL, 0, NULL };

struct eval {
    struct acg_json_reader *r;
    struct acg_arena *a;
};

static bool is_null(const struct eval *e, const struct jval *v)
{
    if (v->is_list || v->str != NULL)
        return false;
    return v->tok < 0 || acg_json_is_null(e->r, v->tok);
}

/* The elements of a list value or of an array token; false for anything else. */
static bool elements(const struct eval *e, const struct jval *v, struct jval **items, size_t *n)
{
    if (v->is_list) {
        *items = v->items;
        *n = v->count;
        return true;
    }
    if (v->tok < 0 || v->str != NULL || e->r->toks[v->tok].type != ACG_JSON_ARRAY)
        return false;
    size_t count = (size_t)e->r->toks[v->tok].size;
    struct jval *out = acg_arena_calloc(e->a, count + 1, sizeof *out);
    if (out == NULL)
        return false;
    int t = v->tok + 1;
    for (size_t i = 0; i < count; i++, t = acg_json_skip(e->r, t))
        out[i] = (struct jval){ t, false, NULL, 0, NULL };
    *items = out;
    *n = count;
    return true;
}

static struct jval field(const struct eval *e, const struct jval *v, const char *name)
{
    if (v->is_list || v->str != NULL || v->tok < 0 ||
        e->r->toks[v->tok].type != ACG_JSON_OBJECT)
        return null_value;
    for (int k = acg_json_object_next(e->r, v->tok, 0); k > 0;
         k = acg_json_object_next(e->r, v->tok, k)) {
        if (acg_json_key_is(e->r, k, name))
            return (struct jval){ k + 1, false, NULL, 0, NULL };
    }
    return null_value;
}

static int eval_steps(const struct eval *e, const struct chain *c, size_t from, size_t to,
                      struct jval v, struct jval *out);

/* The next flatten at or after i: where a projection's right-hand side stops. */
static size_t projection_end(const struct chain *c, size_t i)
{
    while (i < c->count && c->steps[i].kind != STEP_FLATTEN)
        i++;
    return i;
}

/* Applies steps [from, to) to each of items, keeping the results that are not null. */
static int project(const struct eval *e, const struct chain *c, size_t from, size_t to,
                   const struct jval *items, size_t n, struct jval *out)
{
    struct jval *res = acg_arena_calloc(e->a, n + 1, sizeof *res);
    size_t k = 0;
    if (res == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        ACG_TRY(eval_steps(e, c, from, to, items[i], &res[k]));
        if (!is_null(e, &res[k]))
            k++;
    }
    *out = (struct jval){ -1, true, res, k, NULL };
    return ACG_OK;
}

/* One level of nesting removed: list elements spliced in, others kept. */
static int flatten(const struct eval *e, const struct jval *items, size_t n, struct jval **out,
                   size_t *count)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct jval *sub;
        size_t m;
        total += elements(e, &items[i], &sub, &m) ? m : 1;
    }
    struct jval *flat = acg_arena_calloc(e->a, total + 1, sizeof *flat);
    if (flat == NULL)
        return ACG_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct jval *sub;
        size_t m;
        if (elements(e, &items[i], &sub, &m)) {
            for (size_t j = 0; j < m; j++)
                flat[k++] = sub[j];
        } else {
            flat[k++] = items[i];
        }
    }
    *out = flat;
    *count = k;
    return ACG_OK;
}

static int eval_steps(const struct eval *e, const struct chain *c, size_t from, size_t to,
                      struct jval v, struct jval *out)
{
    for (size_t i = from; i < to; i++) {
        const struct step *st = &c->steps[i];
        struct jval *items;
        size_t n;
        switch (st->kind) {
        case STEP_FIELD:
            v = field(e, &v, st->name);
            break;
        case STEP_MULTI: {
            if (is_null(e, &v))
                break;
            struct jval *res = acg_arena_calloc(e->a, st->sub_count + 1, sizeof *res);
            if (res == NULL)
                return ACG_ERR_NOMEM;
            for (size_t k = 0; k < st->sub_count; k++)
                ACG_TRY(eval_steps(e, &st->subs[k], 0, st->subs[k].count, v, &res[k]));
            v = (struct jval){ -1, true, res, st->sub_count, NULL };
            break;
        }
        case STEP_PROJECT:
        case STEP_FLATTEN: {
            size_t end = projection_end(c, i + 1);
            if (!elements(e, &v, &items, &n)) {
                *out = null_value;
                return ACG_OK;
            }
            if (st->kind == STEP_FLATTEN)
                ACG_TRY(flatten(e, items, n, &items, &n));
            ACG_TRY(project(e, c, i + 1, end < to ? end : to, items, n, &v));
            i = (end < to ? end : to) - 1;
            break;
        }
        }
        if (is_null(e, &v))
            break;
    }
    *out = v;
    return ACG_OK;
}

/* keys(chain): an object's member names as a list of strings. */
static int eval_keys(const struct eval *e, const struct chain *c, struct jval *out)
{
    struct jval v;
    ACG_TRY(eval_steps(e, c, 0, c->count, (struct jval){ 0, false, NULL, 0, NULL }, &v));
    *out = null_value;
    if (v.is_list || v.tok < 0 || e->r->toks[v.tok].type != ACG_JSON_OBJECT)
        return ACG_OK;
    size_t n = (size_t)e->r->toks[v.tok].size, k = 0;
    struct jval *res = acg_arena_calloc(e->a, n + 1, sizeof *res);
    if (res == NULL)
        return ACG_ERR_NOMEM;
    for (int key = acg_json_object_next(e->r, v.tok, 0); key > 0 && k < n;
         key = acg_json_object_next(e->r, v.tok, key)) {
        res[k] = (struct jval){ -1, false, NULL, 0, NULL };
        ACG_TRY(acg_json_read_string(e->r, key, &res[k].str));
        k++;
    }
    *out = (struct jval){ -1, true, res, k, NULL };
    return ACG_OK;
}

/* The string v holds, or NULL. */
static int string_of(const struct eval *e, const struct jval *v, const char **out)
{
    *out = v->str;
    if (v->str == NULL && !v->is_list && v->tok >= 0 &&
        e->r->toks[v->tok].type == ACG_JSON_STRING)
        return acg_json_read_string(e->r, v->tok, out);
    return ACG_OK;
}

static int collect(const struct eval *e, const struct jval *v, struct acg_jmespath_strings *out)
{
    struct jval *items;
    size_t n;
    if (!v->is_list && v->tok >= 0 && e->r->toks[v->tok].type != ACG_JSON_ARRAY) {
        const char *s = NULL;
        ACG_TRY(string_of(e, v, &s));
        if (s == NULL)
            return ACG_OK;
        out->items = acg_arena_calloc(e->a, 1, sizeof *out->items);
        if (out->items == NULL)
            return ACG_ERR_NOMEM;
        out->items[out->count++] = s;
        return ACG_OK;
    }
    if (!elements(e, v, &items, &n))
        return ACG_OK;
    out->is_list = true;
    out->items = acg_arena_calloc(e->a, n + 1, sizeof *out->items);
    if (out->items == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        ACG_TRY(string_of(e, &items[i], &s));
        if (s != NULL)
            out->items[out->count++] = s;
    }
    return ACG_OK;
}

int acg_jmespath_search_strings(const char *expr, const char *json, size_t len,
                                struct acg_arena *arena, struct acg_jmespath_strings *out,
                                struct acg_error *err)
{
    struct parser p = { expr, arena, 0 };
    struct chain c;
    struct acg_json_reader r;
    bool keys = strncmp(expr, "keys(", 5) == 0;
    int rc;
    memset(out, 0, sizeof *out);
    if (keys)
        p.s += 5;
    rc = parse_chain(&p, &c);
    if (rc == ACG_OK && keys && *p.s++ != ')')
        rc = ACG_ERR_UNSUPPORTED;
    if (rc == ACG_OK && *p.s != '\0')
        rc = ACG_ERR_UNSUPPORTED;
    if (rc == ACG_ERR_UNSUPPORTED)
        return acg_error_set(err, rc, "the JMESPath expression %s is not supported yet", expr);
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "out of memory reading a JMESPath expression");
    rc = acg_json_reader_parse(&r, json, len, arena, err);
    if (rc == ACG_OK && r.ntoks > 0) {
        struct eval e = { &r, arena };
        struct jval v;
        if (keys)
            rc = eval_keys(&e, &c, &v);
        else
            rc = eval_steps(&e, &c, 0, c.count, (struct jval){ 0, false, NULL, 0, NULL }, &v);
        if (rc == ACG_OK)
            rc = collect(&e, &v, out);
    }
    acg_json_reader_free(&r);
    if (rc != ACG_OK)
        memset(out, 0, sizeof *out);
    return acg_error_set(err, rc, "cannot evaluate %s", expr);
}
