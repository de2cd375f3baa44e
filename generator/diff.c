/* The model-change report. Both models are loaded and resolved by the model stage; the
 * structure (operations, shapes, members, required, constraints) is compared on the
 * resolved models, the traits the generator reads one by one on the document trees. Each
 * change is classified once, where it happens: a shape both revisions reach is compared
 * once, not at every member that refers to it. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diff.h"
#include "files.h"
#include "generate.h"
#include "json/acg_json.h"
#include "load.h"
#include "model.h"
#include "names.h"
#include "plan.h"

enum { REACH_IN = 1, REACH_OUT = 2 };

/* One revision: the model, its document tree and which shapes the operations reach. */
struct side {
    struct model m;
    const struct doc_node *ops;      /* the "operations" mapping */
    const struct doc_node *shapes;   /* the "shapes" mapping */
    uint8_t *reach;                  /* REACH_* per shape, parallel to m.shapes */
};

struct differ {
    struct side old, new;
    const char *const *ops;
    const char *prefix;
    struct diff_report *r;
    struct acg_arena *a;
};

/* Strings built in the arena are NULL only when memory ran out; "" keeps printf safe. */
static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

GEN_PRINTF(5, 6)
static void add(struct differ *x, enum diff_class cls, const char *kind, const char *path,
                const char *fmt, ...)
{
    struct diff_report *r = x->r;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->count == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct diff_change *v = acg_arena_calloc(x->a, cap, sizeof *v);
        if (v == NULL)
            return;
        if (r->count)
            memcpy(v, r->changes, r->count * sizeof *v);
        r->changes = v;
        r->cap = cap;
    }
    struct diff_change *c = &r->changes[r->count++];
    c->cls = cls;
    c->kind = kind;
    c->path = nz(gen_strf(x->a, "%s", nz(path)));
    c->message = nz(gen_strf(x->a, "%s", msg));
    r->counts[cls]++;
    if (cls > r->worst)
        r->worst = cls;
}

/* ---- document trees ---- */

static bool doc_equal(const struct doc_node *a, const struct doc_node *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->kind != b->kind || a->count != b->count)
        return false;
    if (a->kind == DOC_SCALAR)
        return strcmp(a->text, b->text) == 0;
    for (size_t i = 0; i < a->count; i++) {
        bool same = a->kind == DOC_SEQ
                        ? doc_equal(a->items[i], b->items[i])
                        : doc_equal(a->pairs[i].value, doc_get(b, a->pairs[i].key->text));
        if (!same)
            return false;
    }
    return true;
}

/* A scalar's text for a message, "(none)" when absent, "(changed)" for structures. */
static const char *shown(const struct doc_node *n)
{
    if (n == NULL)
        return "(none)";
    if (n->kind != DOC_SCALAR)
        return "(a structure)";
    return strlen(n->text) > 80 ? "(long text)" : n->text;
}

static bool in_list(const char *key, const char *const *list)
{
    for (; *list != NULL; list++) {
        if (strcmp(key, *list) == 0)
            return true;
    }
    return false;
}

/* Calls each(key) once for every key of a or b (a's order, then b's own). */
static void each_key(struct differ *x, const struct doc_node *a, const struct doc_node *b,
                     const char *path, void (*each)(struct differ *, const char *, const char *,
                                                    const struct doc_node *, const struct doc_node *))
{
    for (size_t i = 0; a != NULL && a->kind == DOC_MAP && i < a->count; i++) {
        const char *k = a->pairs[i].key->text;
        each(x, path, k, a->pairs[i].value, doc_get(b, k));
    }
    for (size_t i = 0; b != NULL && b->kind == DOC_MAP && i < b->count; i++) {
        const char *k = b->pairs[i].key->text;
        if (doc_get(a, k) == NULL)
            each(x, path, k, NULL, b->pairs[i].value);
    }
}

/* Traits compared key by key on shapes, members and operations. Keys compared elsewhere
 * are skipped; documentation and deprecation notes are compatible; keys the generated code
 * never reads (box is for Java) are compatible; every other trait changes behaviour. */
static void trait(struct differ *x, const char *path, const char *key, const struct doc_node *o,
                  const struct doc_node *n)
{
    static const char *const skipped[] = {
        "type", "members", "member", "key", "value", "required", "min", "max", "pattern", "enum",
        "shape", "name", "input", "output", "errors", "http", "union", "document", NULL,
    };
    static const char *const docs[] = { "documentation", "documentationUrl", NULL };
    static const char *const deprecation[] = { "deprecated", "deprecatedMessage", "deprecatedSince", NULL };
    static const char *const unused[] = { "box", "idempotent", NULL };
    if (in_list(key, skipped) || doc_equal(o, n))
        return;
    const char *where = gen_strf(x->a, "%s.%s", path, key);
    if (where == NULL)
        return;
    if (in_list(key, docs))
        add(x, DIFF_COMPATIBLE, "documentation", where, "documentation changed");
    else if (in_list(key, deprecation))
        add(x, DIFF_COMPATIBLE, "deprecation", where, "%s -> %s", shown(o), shown(n));
    else if (in_list(key, unused))
        add(x, DIFF_COMPATIBLE, "trait", where, "%s -> %s (the generated code does not act on it)",
            shown(o), shown(n));
    else
        add(x, DIFF_BEHAVIOUR, "trait", where, "%s -> %s", shown(o), shown(n));
}

/* ---- reach: what the selected operations use ---- */

static size_t shape_index(const struct model *m, const struct shape *s)
{
    size_t lo = 0, hi = m->shape_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->name, m->shapes[mid]->name);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0; /* unreachable: every resolved shape is in the table */
}

static void mark(struct side *sd, const struct shape *s, uint8_t how)
{
    if (s == NULL)
        return;
    size_t i = shape_index(&sd->m, s);
    if ((sd->reach[i] & how) == how)
        return;
    sd->reach[i] |= how;
    for (size_t k = 0; k < s->member_count; k++)
        mark(sd, s->members[k].target, how);
    const struct member *inner[] = { s->item, s->key, s->value };
    for (size_t k = 0; k < 3; k++) {
        if (inner[k] != NULL)
            mark(sd, inner[k]->target, how);
    }
}

static bool selected(const struct differ *x, const char *op)
{
    if (x->ops == NULL || x->ops[0] == NULL)
        return true;
    for (const char *const *p = x->ops; *p; p++) {
        if (strcmp(*p, op) == 0)
            return true;
    }
    return false;
}

static int load_side(struct differ *x, struct side *sd, const char *path, struct diag *d)
{
    if (model_load(path, &sd->m, d) != 0)
        return -1;
    sd->ops = doc_get(sd->m.doc_tree.root, "operations");
    sd->shapes = doc_get(sd->m.doc_tree.root, "shapes");
    sd->reach = acg_arena_calloc(x->a, sd->m.shape_count + 1, 1);
    if (sd->reach == NULL)
        return -1;
    for (size_t i = 0; i < sd->m.operation_count; i++) {
        const struct operation *op = &sd->m.operations[i];
        if (!selected(x, op->name))
            continue;
        mark(sd, op->input, REACH_IN);
        mark(sd, op->output, REACH_OUT);
        for (size_t k = 0; k < op->error_count; k++)
            mark(sd, op->errors[k], REACH_OUT);
    }
    return 0;
}

static uint8_t reach_of(const struct side *sd, const struct shape *s)
{
    return s ? sd->reach[shape_index(&sd->m, s)] : 0;
}

/* ---- C types ---- */

static const char *upper(struct differ *x, const char *snake)
{
    return nz(names_upper(x->a, snake));
}

/* The C identifier the plan gives a model name. */
static const char *cname(struct differ *x, const char *name)
{
    return nz(names_c_ident(x->a, name));
}

/* What a member's C field is, as a comparable string: "structure:Tag", "list:string". */
static const char *ckind(struct differ *x, const struct shape *s)
{
    switch (s->type) {
    case SHAPE_STRUCTURE: return gen_strf(x->a, "structure:%s", s->name);
    case SHAPE_UNION: return gen_strf(x->a, "union:%s", s->name);
    case SHAPE_LIST: return gen_strf(x->a, "list:%s", nz(ckind(x, s->item->target)));
    case SHAPE_MAP: return gen_strf(x->a, "map:%s", nz(ckind(x, s->value->target)));
    default: return shape_type_name(s->type);
    }
}

/* The same for people: "struct personalize_tag *", "int32_t", "a list of const char *". */
static const char *ctype(struct differ *x, const struct shape *s)
{
    switch (s->type) {
    case SHAPE_STRUCTURE:
    case SHAPE_UNION:
        return nz(gen_strf(x->a, "struct %s_%s *", x->prefix, cname(x, s->name)));
    case SHAPE_LIST: return nz(gen_strf(x->a, "a list of %s", ctype(x, s->item->target)));
    case SHAPE_MAP: return nz(gen_strf(x->a, "a map to %s", ctype(x, s->value->target)));
    case SHAPE_STRING: return "const char *";
    case SHAPE_BOOLEAN: return "bool";
    case SHAPE_INTEGER: return "int32_t";
    case SHAPE_LONG: return "int64_t";
    case SHAPE_FLOAT: return "float";
    case SHAPE_DOUBLE: return "double";
    case SHAPE_TIMESTAMP: return "struct acg_timestamp";
    case SHAPE_BLOB: return "struct acg_blob";
    default: return "JSON text";
    }
}

static const char *c_struct(struct differ *x, const char *shape)
{
    return nz(gen_strf(x->a, "struct %s_%s", x->prefix, cname(x, shape)));
}

/* ---- constraints ---- */

static void bound(struct differ *x, const char *path, const char *which, struct bound o,
                  struct bound n, bool is_min)
{
    char ov[32] = "(none)", nv[32] = "(none)";
    if (!o.set && !n.set)
        return;
    if (o.set && n.set && o.d == n.d)
        return;
    if (o.set)
        snprintf(ov, sizeof ov, "%.17g", o.d);
    if (n.set)
        snprintf(nv, sizeof nv, "%.17g", n.d);
    /* A minimum that rises, or a maximum that falls, refuses values it accepted. */
    bool stricter = !o.set || (n.set && (is_min ? n.d > o.d : n.d < o.d));
    add(x, DIFF_BEHAVIOUR, "constraint", gen_strf(x->a, "%s.%s", path, which),
        "%s %s -> %s: validation is %s", which, ov, nv, stricter ? "stricter" : "looser");
}

static bool has_value(const struct shape *s, const char *v)
{
    for (size_t i = 0; i < s->enum_count; i++) {
        if (strcmp(s->enum_values[i], v) == 0)
            return true;
    }
    return false;
}

static void enum_values(struct differ *x, const char *path, const struct shape *o,
                        const struct shape *n)
{
    const char *base = upper(x, cname(x, n->name));
    const char *up = upper(x, x->prefix);
    for (size_t i = 0; i < o->enum_count; i++) {
        const char *v = o->enum_values[i];
        if (!has_value(n, v))
            add(x, DIFF_SOURCE, "enum-value-removed", gen_strf(x->a, "%s.enum.%s", path, v),
                "%s_%s_%s is gone", up, base, upper(x, *v ? v : "EMPTY"));
    }
    for (size_t i = 0; i < n->enum_count; i++) {
        const char *v = n->enum_values[i];
        if (!has_value(o, v))
            add(x, DIFF_BEHAVIOUR, "enum-value-added", gen_strf(x->a, "%s.enum.%s", path, v),
                "\"%s\" may now arrive (new constant %s_%s_%s)", v, up, base,
                upper(x, *v ? v : "EMPTY"));
    }
}

/* Bounds, pattern and enum values: what validation checks and which constants exist. */
static void constraints(struct differ *x, const char *path, const struct shape *o,
                        const struct shape *n)
{
    bound(x, path, "min", o->min, n->min, true);
    bound(x, path, "max", o->max, n->max, false);
    if (o->pattern != NULL || n->pattern != NULL) {
        const char *how = o->pattern == NULL ? "stricter" : n->pattern == NULL ? "looser" : "changed";
        if (o->pattern == NULL || n->pattern == NULL || strcmp(o->pattern, n->pattern) != 0)
            add(x, DIFF_BEHAVIOUR, "constraint", gen_strf(x->a, "%s.pattern", path),
                "pattern %s -> %s: validation is %s", o->pattern ? o->pattern : "(none)",
                n->pattern ? n->pattern : "(none)", how);
    }
    enum_values(x, path, o, n);
}

/* ---- members ---- */

static const struct doc_node *shape_node(const struct side *sd, const char *shape)
{
    return doc_get(sd->shapes, shape);
}

static const struct doc_node *member_node(const struct side *sd, const char *shape,
                                          const char *member)
{
    const struct doc_node *s = shape_node(sd, shape);
    const struct doc_node *members = doc_get(s, "members");
    return members ? doc_get(members, member) : doc_get(s, member);
}

/* A member's target: the same shape is compared where the shape is; another one is a new
 * C type (breaks source) or, with the same C type, other constraints and traits. */
static void target(struct differ *x, const char *path, const struct shape *o,
                   const struct shape *n)
{
    if (strcmp(o->name, n->name) == 0)
        return;
    const char *ok = ckind(x, o), *nk = ckind(x, n);
    if (ok == NULL || nk == NULL || strcmp(ok, nk) != 0) {
        add(x, DIFF_SOURCE, "member-type-changed", path, "its C type changes from %s to %s",
            ctype(x, o), ctype(x, n));
        return;
    }
    add(x, DIFF_COMPATIBLE, "member-target-changed", path,
        "refers to %s instead of %s, with the same C type", n->name, o->name);
    constraints(x, path, o, n);
    each_key(x, shape_node(&x->old, o->name), shape_node(&x->new, n->name), path, trait);
}

/* A member both revisions have, or a list's member, a map's key or value (field NULL). */
static void member(struct differ *x, const char *shape, const struct member *o,
                   const struct member *n, const char *path, bool input)
{
    target(x, path, o->target, n->target);
    if (o->required != n->required)
        add(x, input ? DIFF_BEHAVIOUR : DIFF_COMPATIBLE,
            n->required ? "required-added" : "required-removed", gen_strf(x->a, "%s.required", path),
            n->required ? "now required%s" : "no longer required%s",
            input ? (n->required ? ": calls that leave it out fail validation" : "") : " (output only)");
    each_key(x, member_node(&x->old, shape, o->name), member_node(&x->new, shape, n->name), path,
             trait);
}

static const struct member *find_member(const struct shape *s, const char *name, size_t *at)
{
    for (size_t i = 0; i < s->member_count; i++) {
        if (strcmp(s->members[i].name, name) == 0) {
            if (at != NULL)
                *at = i;
            return &s->members[i];
        }
    }
    return NULL;
}

/* Members added: the struct grows; at the end only its size changes, elsewhere the members
 * after the new one move. */
static void added_member(struct differ *x, const struct shape *o, const struct shape *n,
                         size_t i, bool input)
{
    const struct member *mb = &n->members[i];
    const char *path = gen_strf(x->a, "shapes.%s.members.%s", n->name, mb->name);
    const char *next = NULL;
    for (size_t k = i + 1; k < n->member_count && next == NULL; k++) {
        if (find_member(o, n->members[k].name, NULL) != NULL)
            next = n->members[k].name;
    }
    if (next == NULL)
        add(x, DIFF_ABI, "member-added", path, "new field %s at the end of %s: its size changes",
            cname(x, mb->name), c_struct(x, n->name));
    else
        add(x, DIFF_ABI, "member-added", path, "new field %s in %s before %s: the fields after "
            "it move", cname(x, mb->name), c_struct(x, n->name),
            cname(x, next));
    if (mb->required && input)
        add(x, DIFF_BEHAVIOUR, "required-added", gen_strf(x->a, "%s.required", path),
            "a new required member: calls that leave it out fail validation");
}

/* Whether the members both revisions have come in the same order. */
static bool same_order(const struct shape *o, const struct shape *n)
{
    size_t last = 0;
    bool first = true;
    for (size_t i = 0; i < o->member_count; i++) {
        size_t at;
        if (find_member(n, o->members[i].name, &at) == NULL)
            continue;
        if (!first && at < last)
            return false;
        last = at;
        first = false;
    }
    return true;
}

static void members(struct differ *x, const struct shape *o, const struct shape *n, bool input)
{
    for (size_t i = 0; i < o->member_count; i++) {
        const struct member *mo = &o->members[i];
        const char *path = gen_strf(x->a, "shapes.%s.members.%s", o->name, mo->name);
        const struct member *mn = find_member(n, mo->name, NULL);
        if (mn == NULL)
            add(x, DIFF_SOURCE, "member-removed", path, "field %s of %s is gone",
                cname(x, mo->name), c_struct(x, o->name));
        else if (path != NULL)
            member(x, o->name, mo, mn, path, input);
    }
    for (size_t i = 0; i < n->member_count; i++) {
        if (find_member(o, n->members[i].name, NULL) == NULL)
            added_member(x, o, n, i, input);
    }
    if (!same_order(o, n))
        add(x, DIFF_ABI, "member-order-changed", gen_strf(x->a, "shapes.%s.members", n->name),
            "the fields of %s come in another order", c_struct(x, n->name));
}

/* ---- shapes ---- */

static void shape(struct differ *x, const struct shape *o, const struct shape *n)
{
    const char *path = gen_strf(x->a, "shapes.%s", n->name);
    bool input = (reach_of(&x->new, n) & REACH_IN) != 0;
    if (path == NULL)
        return;
    if (o->type != n->type) {
        add(x, DIFF_SOURCE, "shape-type-changed", path, "a %s, was a %s: every field of this "
            "type changes", shape_type_name(n->type), shape_type_name(o->type));
        return;
    }
    each_key(x, shape_node(&x->old, o->name), shape_node(&x->new, n->name), path, trait);
    constraints(x, path, o, n);
    if (o->type == SHAPE_STRUCTURE || o->type == SHAPE_UNION)
        members(x, o, n, input);
    const struct member *oi[] = { o->item, o->key, o->value }, *ni[] = { n->item, n->key, n->value };
    const char *names[] = { "member", "key", "value" };
    for (size_t i = 0; i < 3; i++) {
        if (oi[i] != NULL && ni[i] != NULL)
            member(x, o->name, oi[i], ni[i], gen_strf(x->a, "%s.%s", path, names[i]), input);
    }
}

static void shapes(struct differ *x)
{
    for (size_t i = 0; i < x->new.m.shape_count; i++) {
        const struct shape *n = x->new.m.shapes[i];
        const struct shape *o = model_find_shape(&x->old.m, n->name);
        if (o != NULL && reach_of(&x->old, o) && x->new.reach[i])
            shape(x, o, n);
    }
}

/* ---- operations ---- */

static const char *shape_name(const struct shape *s)
{
    return s ? s->name : "(none)";
}

static bool has_error(const struct operation *op, const char *name)
{
    for (size_t i = 0; i < op->error_count; i++) {
        if (strcmp(op->errors[i]->name, name) == 0)
            return true;
    }
    return false;
}

static void errors(struct differ *x, const char *path, const struct operation *o,
                   const struct operation *n)
{
    for (size_t i = 0; i < o->error_count; i++) {
        if (!has_error(n, o->errors[i]->name))
            add(x, DIFF_BEHAVIOUR, "error-removed",
                gen_strf(x->a, "%s.errors.%s", path, o->errors[i]->name),
                "no longer listed among the errors the call returns");
    }
    for (size_t i = 0; i < n->error_count; i++) {
        if (!has_error(o, n->errors[i]->name))
            add(x, DIFF_BEHAVIOUR, "error-added",
                gen_strf(x->a, "%s.errors.%s", path, n->errors[i]->name),
                "the call may now fail with %s (%s_error_as_%s)", n->errors[i]->name, x->prefix,
                cname(x, n->errors[i]->name));
    }
}

static void http_key(struct differ *x, const char *path, const char *key,
                     const struct doc_node *o, const struct doc_node *n)
{
    if (!doc_equal(o, n))
        add(x, DIFF_BEHAVIOUR, "http-changed", gen_strf(x->a, "%s.%s", path, key), "%s -> %s",
            shown(o), shown(n));
}

static void operation(struct differ *x, const struct operation *o, const struct operation *n)
{
    const char *path = gen_strf(x->a, "operations.%s", n->name);
    const char *fn = gen_strf(x->a, "%s_%s()", x->prefix, cname(x, n->name));
    const struct doc_node *on = doc_get(x->old.ops, o->name), *nn = doc_get(x->new.ops, n->name);
    if (path == NULL || fn == NULL)
        return;
    if (strcmp(shape_name(o->input), shape_name(n->input)) != 0)
        add(x, DIFF_SOURCE, "operation-input-changed", gen_strf(x->a, "%s.input", path),
            "%s takes %s, was %s", fn, shape_name(n->input), shape_name(o->input));
    if (strcmp(shape_name(o->output), shape_name(n->output)) != 0)
        add(x, DIFF_SOURCE, "operation-output-changed", gen_strf(x->a, "%s.output", path),
            "%s returns %s, was %s", fn, shape_name(n->output), shape_name(o->output));
    errors(x, path, o, n);
    each_key(x, doc_get(on, "http"), doc_get(nn, "http"), gen_strf(x->a, "%s.http", path), http_key);
    each_key(x, on, nn, path, trait);
}

static void operations(struct differ *x)
{
    const struct model *om = &x->old.m, *nm = &x->new.m;
    size_t i = 0, k = 0;
    while (i < om->operation_count || k < nm->operation_count) {
        const struct operation *o = i < om->operation_count ? &om->operations[i] : NULL;
        const struct operation *n = k < nm->operation_count ? &nm->operations[k] : NULL;
        int c = o == NULL ? 1 : n == NULL ? -1 : strcmp(o->name, n->name);
        const struct operation *one = c <= 0 ? o : n;
        if (one != NULL && selected(x, one->name)) {
            const char *path = gen_strf(x->a, "operations.%s", one->name);
            const char *fn = cname(x, one->name);
            if (c < 0)
                add(x, DIFF_SOURCE, "operation-removed", path, "%s_%s() is gone", x->prefix, fn);
            else if (c > 0)
                add(x, DIFF_COMPATIBLE, "operation-added", path, "new function %s_%s()",
                    x->prefix, fn);
            else
                operation(x, o, n);
        }
        i += c <= 0;
        k += c >= 0;
    }
}

/* ---- the service ---- */

static void metadata_key(struct differ *x, const char *path, const char *key,
                         const struct doc_node *o, const struct doc_node *n)
{
    static const char *const names_only[] = { "serviceFullName", "uid", NULL };
    const char *where = gen_strf(x->a, "%s.%s", path, key);
    if (doc_equal(o, n) || where == NULL)
        return;
    if (strcmp(key, "serviceId") == 0)
        add(x, DIFF_SOURCE, "metadata", where, "%s -> %s: the default C prefix follows it",
            shown(o), shown(n));
    else if (in_list(key, names_only))
        add(x, DIFF_COMPATIBLE, "metadata", where, "%s -> %s", shown(o), shown(n));
    else
        add(x, DIFF_BEHAVIOUR, "metadata", where, "%s -> %s", shown(o), shown(n));
}

/* Parameters a rule set declares that the other does not, as "A, B". */
static const char *params_only(struct differ *x, const struct doc_node *a, const struct doc_node *b)
{
    const struct doc_node *pa = doc_get(a, "parameters"), *pb = doc_get(b, "parameters");
    const char *list = "";
    for (size_t i = 0; pa != NULL && pa->kind == DOC_MAP && i < pa->count; i++) {
        if (doc_get(pb, pa->pairs[i].key->text) == NULL)
            list = gen_strf(x->a, "%s%s%s", list, *list ? ", " : "", pa->pairs[i].key->text);
        if (list == NULL)
            return "";
    }
    return *list ? list : "none";
}

static int rules(struct differ *x, struct diag *d)
{
    char *op = gen_find_rules(x->old.m.path), *np = gen_find_rules(x->new.m.path);
    struct doc od = { 0 }, nd = { 0 };
    int rc = 0;
    if ((op != NULL && doc_load(op, &od, d) != 0) || (np != NULL && doc_load(np, &nd, d) != 0))
        rc = -1;
    else if ((op == NULL) != (np == NULL))
        add(x, DIFF_BEHAVIOUR, "endpoint-rules", "endpointRuleSet", "%s",
            np ? "a rule set now decides the endpoint" : "no rule set any more: the default "
                 "https://{endpointPrefix}.{region}.{dnsSuffix}");
    else if (op != NULL && !doc_equal(od.root, nd.root))
        add(x, DIFF_BEHAVIOUR, "endpoint-rules", "endpointRuleSet", "the endpoint rules changed "
            "(parameters added: %s; removed: %s)", params_only(x, nd.root, od.root),
            params_only(x, od.root, nd.root));
    doc_free(&od);
    doc_free(&nd);
    free(op);
    free(np);
    return rc;
}

static void service(struct differ *x)
{
    const struct doc_node *o = x->old.m.doc_tree.root, *n = x->new.m.doc_tree.root;
    each_key(x, doc_get(o, "metadata"), doc_get(n, "metadata"), "metadata", metadata_key);
    if (!doc_equal(doc_get(o, "documentation"), doc_get(n, "documentation")))
        add(x, DIFF_COMPATIBLE, "documentation", "documentation", "documentation changed");
}

/* Every selected operation must be in one of the models. */
static int check_selection(struct differ *x, struct diag *d)
{
    int rc = 0;
    for (const char *const *p = x->ops; p != NULL && *p != NULL; p++) {
        if (model_find_operation(&x->old.m, *p) == NULL && model_find_operation(&x->new.m, *p) == NULL) {
            diag_error(d, x->new.m.path, (struct gen_mark){ 0, 0 },
                       "--operation %s: in neither model", *p);
            rc = -1;
        }
    }
    return rc;
}

static const char *operation_list(struct differ *x)
{
    const char *s = "";
    if (x->ops == NULL || x->ops[0] == NULL)
        return "all";
    for (const char *const *p = x->ops; *p != NULL && s != NULL; p++)
        s = gen_strf(x->a, "%s%s%s", s, p == x->ops ? "" : ", ", *p);
    return s ? s : "";
}

int diff_models(const char *old_path, const char *new_path, const char *const *ops,
                const char *prefix, struct diff_report *r, struct diag *d)
{
    struct differ x = { .ops = ops, .r = r };
    int rc = -1;
    memset(r, 0, sizeof *r);
    r->a = x.a = acg_arena_new();
    if (x.a != NULL && load_side(&x, &x.old, old_path, d) == 0 &&
        load_side(&x, &x.new, new_path, d) == 0 && check_selection(&x, d) == 0) {
        struct gen_options o = { .prefix = prefix };
        x.prefix = gen_prefix(&x.new.m, &o, x.a);
        r->old_path = gen_strf(x.a, "%s", old_path);
        r->new_path = gen_strf(x.a, "%s", new_path);
        memcpy(r->old_sha256, x.old.m.sha256, sizeof r->old_sha256);
        memcpy(r->new_sha256, x.new.m.sha256, sizeof r->new_sha256);
        r->operations = operation_list(&x);
        service(&x);
        operations(&x);
        shapes(&x);
        rc = rules(&x, d);
    }
    model_free(&x.old.m);
    model_free(&x.new.m);
    return rc;
}

void diff_report_free(struct diff_report *r)
{
    acg_arena_destroy(r->a);
    memset(r, 0, sizeof *r);
}

/* ---- the report ---- */

const char *diff_class_name(enum diff_class c)
{
    static const char *const names[] = { "none", "compatible", "changes-behaviour", "breaks-abi",
                                         "breaks-source" };
    return names[c];
}

static const char *class_title(enum diff_class c)
{
    static const char *const titles[] = { "no change", "compatible", "changes behaviour",
                                          "breaks ABI", "breaks source" };
    return titles[c];
}

static bool is_doc(const struct diff_change *c)
{
    return strcmp(c->kind, "documentation") == 0;
}

int diff_format_text(const struct diff_report *r, struct acg_buf *out)
{
    int rc = acg_buf_printf(out, "Model changes for C code built on the bindings (acg-gen %s)\n"
                                 "  old: %s (sha256 %s)\n  new: %s (sha256 %s)\n"
                                 "  operations: %s\n", GEN_VERSION, r->old_path, r->old_sha256,
                            r->new_path, r->new_sha256, r->operations);
    for (int cls = DIFF_SOURCE; cls > DIFF_NONE && rc == ACG_OK; cls--) {
        size_t docs = 0;
        if (r->counts[cls] == 0)
            continue;
        rc = acg_buf_printf(out, "\n%s (%zu):\n", class_title((enum diff_class)cls), r->counts[cls]);
        for (size_t i = 0; i < r->count && rc == ACG_OK; i++) {
            const struct diff_change *c = &r->changes[i];
            if ((int)c->cls != cls)
                continue;
            if (is_doc(c))
                docs++;
            else
                rc = acg_buf_printf(out, "  %s: %s: %s\n", c->path, c->kind, c->message);
        }
        if (docs > 0 && rc == ACG_OK)
            rc = acg_buf_printf(out, "  documentation: %zu change%s (--format json lists "
                                     "them)\n", docs, docs == 1 ? "" : "s");
    }
    if (rc == ACG_OK)
        rc = acg_buf_printf(out, "\nbreaks source: %zu, breaks ABI: %zu, changes behaviour: %zu, "
                                 "compatible: %zu; most severe: %s\n", r->counts[DIFF_SOURCE],
                            r->counts[DIFF_ABI], r->counts[DIFF_BEHAVIOUR],
                            r->counts[DIFF_COMPATIBLE], class_title(r->worst));
    return rc;
}

static int json_str(struct acg_json_writer *w, const char *key, const char *value)
{
    int rc = acg_json_key(w, key);
    return rc == ACG_OK ? acg_json_write_string(w, value) : rc;
}

static int json_model(struct acg_json_writer *w, const char *key, const char *path,
                      const char *sha256)
{
    int rc = acg_json_key(w, key);
    if (rc == ACG_OK)
        rc = acg_json_begin_object(w);
    if (rc == ACG_OK)
        rc = json_str(w, "path", path);
    if (rc == ACG_OK)
        rc = json_str(w, "sha256", sha256);
    return rc == ACG_OK ? acg_json_end_object(w) : rc;
}

static int json_changes(struct acg_json_writer *w, const struct diff_report *r)
{
    int rc = acg_json_key(w, "changes");
    if (rc == ACG_OK)
        rc = acg_json_begin_array(w);
    for (int cls = DIFF_SOURCE; cls > DIFF_NONE && rc == ACG_OK; cls--) {
        for (size_t i = 0; i < r->count && rc == ACG_OK; i++) {
            const struct diff_change *c = &r->changes[i];
            if ((int)c->cls != cls)
                continue;
            rc = acg_json_begin_object(w);
            if (rc == ACG_OK)
                rc = json_str(w, "class", diff_class_name(c->cls));
            if (rc == ACG_OK)
                rc = json_str(w, "kind", c->kind);
            if (rc == ACG_OK)
                rc = json_str(w, "path", c->path);
            if (rc == ACG_OK)
                rc = json_str(w, "message", c->message);
            if (rc == ACG_OK)
                rc = acg_json_end_object(w);
        }
    }
    return rc == ACG_OK ? acg_json_end_array(w) : rc;
}

int diff_format_json(const struct diff_report *r, struct acg_buf *out)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, out, ACG_JSON_DISPLAY);
    int rc = acg_json_begin_object(&w);
    if (rc == ACG_OK)
        rc = json_model(&w, "old", r->old_path, r->old_sha256);
    if (rc == ACG_OK)
        rc = json_model(&w, "new", r->new_path, r->new_sha256);
    if (rc == ACG_OK)
        rc = json_str(&w, "operations", r->operations);
    if (rc == ACG_OK)
        rc = json_str(&w, "most_severe", diff_class_name(r->worst));
    if (rc == ACG_OK)
        rc = acg_json_key(&w, "counts");
    if (rc == ACG_OK)
        rc = acg_json_begin_object(&w);
    for (int cls = DIFF_SOURCE; cls > DIFF_NONE && rc == ACG_OK; cls--) {
        rc = acg_json_key(&w, diff_class_name((enum diff_class)cls));
        if (rc == ACG_OK)
            rc = acg_json_write_int64(&w, (int64_t)r->counts[cls]);
    }
    if (rc == ACG_OK)
        rc = acg_json_end_object(&w);
    if (rc == ACG_OK)
        rc = json_changes(&w, r);
    if (rc == ACG_OK)
        rc = acg_json_end_object(&w);
    return rc == ACG_OK ? acg_buf_append_char(out, '\n') : rc;
}

int gen_cmd_diff(const struct gen_options *o, const struct gen_tool_options *t,
                 struct acg_buf *out, struct diag *d)
{
    static const int status[] = { GEN_EXIT_OK, GEN_EXIT_DIFF_COMPATIBLE, GEN_EXIT_DIFF_BEHAVIOUR,
                                  GEN_EXIT_DIFF_ABI, GEN_EXIT_DIFF_SOURCE };
    struct diff_report r;
    if (diff_models(t->diff_old, t->diff_new, o->operations, o->prefix, &r, d) != 0) {
        diff_report_free(&r);
        return GEN_EXIT_BAD_INPUT;
    }
    int rc = t->json ? diff_format_json(&r, out) : diff_format_text(&r, out);
    int exit_status = rc == ACG_OK ? status[r.worst] : GEN_EXIT_BAD_INPUT;
    diff_report_free(&r);
    return exit_status;
}
