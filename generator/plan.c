/* The plan: walks the selected operations' closure and fills the template context. Every
 * C type, name, order and code snippet is decided here; templates only lay them out.
 *
 * Storage of a value depends on where it sits:
 *   member of a structure        element of a list / value of a map
 *   string:    const char *x      const char *
 *   number:    bool has_x; T x    T (int32_t, int64_t, float, double, bool)
 *   timestamp: bool has_x; int64_t x (milliseconds since the epoch)
 *   blob:      struct acg_blob x  struct acg_blob
 *   document:  const char *x (JSON text)
 *   structure: struct S *x        struct S
 *   list:      size_t x_count; E *x      struct L { size_t count; E *items; }
 *   map:       size_t x_count; struct M_entry *x   struct M { size_t count; ... *items; }
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "plan.h"
#include "text.h"

struct pshape {
    const struct shape *s;
    const char *c;            /* snake-case name */
    const char *type;         /* C type of a value: "struct personalize_x", "const char *" ... */
    const char *entry_type;   /* maps: the entry struct */
    bool in_closure;
    bool top_level;           /* operation input, output or error: public functions, arena_ */
    bool as_member_struct;    /* a structure some member points to: needs read_x_ptr */
    bool as_element;          /* a list or map used as a list element or map value */
    bool needs_validate;
    const char **fields;      /* structures: C field name per member, computed once */
};

struct planner {
    const struct model *m;
    const struct gen_options *o;
    struct acg_arena *a;
    struct diag *d;
    const char *prefix;       /* "personalize" */
    const char *upper;        /* "PERSONALIZE" */
    struct pshape *ps;        /* parallel to m->shapes */
    const char **patterns;    /* distinct patterns in first-use order */
    size_t pattern_count, pattern_cap;
    const char **macros;      /* enum constant names handed out, for uniqueness */
    size_t macro_count, macro_cap;
};

/* ---- small helpers ---- */

static char *fmt(struct planner *p, const char *f, ...) GEN_PRINTF(2, 3);
static char *fmt(struct planner *p, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : acg_arena_calloc(p->a, (size_t)n + 1, 1);
    if (s == NULL)
        return (char *)"";
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

static struct pshape *P(struct planner *p, const struct shape *s)
{
    size_t lo = 0, hi = p->m->shape_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->name, p->m->shapes[mid]->name);
        if (c == 0)
            return &p->ps[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL; /* unreachable: every shape is in the table */
}

static bool is_struct(const struct shape *s)
{
    return s->type == SHAPE_STRUCTURE || s->type == SHAPE_UNION;
}

static bool is_flagged(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_BOOLEAN: case SHAPE_INTEGER: case SHAPE_LONG: case SHAPE_FLOAT:
    case SHAPE_DOUBLE: case SHAPE_TIMESTAMP:
        return true;
    default:
        return false;
    }
}

/* "T *name" spelled as a C programmer would: "const char **x", "struct s *x". */
static char *ptr_to(struct planner *p, const char *type)
{
    size_t n = strlen(type);
    return n && type[n - 1] == '*' ? fmt(p, "%s*", type) : fmt(p, "%s *", type);
}

static char *const_ptr_to(struct planner *p, const char *type)
{
    size_t n = strlen(type);
    return n && type[n - 1] == '*' ? fmt(p, "%sconst *", type) : fmt(p, "const %s *", type);
}

static const char *scalar_ctype(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_BOOLEAN: return "bool";
    case SHAPE_INTEGER: return "int32_t";
    case SHAPE_LONG: return "int64_t";
    case SHAPE_FLOAT: return "float";
    case SHAPE_DOUBLE: return "double";
    case SHAPE_TIMESTAMP: return "int64_t";
    default: return NULL;
    }
}

static const char *scalar_rw(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_BOOLEAN: return "bool";
    case SHAPE_INTEGER: return "int32";
    case SHAPE_LONG: return "int64";
    case SHAPE_FLOAT: return "float";
    case SHAPE_DOUBLE: return "double";
    case SHAPE_TIMESTAMP: return "timestamp";
    default: return NULL;
    }
}

static const char *ts_format(const struct shape *s)
{
    if (s->timestamp_format == NULL || strcmp(s->timestamp_format, "unixTimestamp") == 0)
        return "ACG_TS_EPOCH_SECONDS";
    if (strcmp(s->timestamp_format, "iso8601") == 0)
        return "ACG_TS_ISO8601";
    return "ACG_TS_HTTP_DATE";
}

static void add_pattern(struct planner *p, const char *pat, size_t *index)
{
    for (size_t i = 0; i < p->pattern_count; i++) {
        if (strcmp(p->patterns[i], pat) == 0) {
            *index = i;
            return;
        }
    }
    if (p->pattern_count == p->pattern_cap) {
        size_t cap = p->pattern_cap ? p->pattern_cap * 2 : 64;
        const char **v = acg_arena_calloc(p->a, cap, sizeof *v);
        if (v == NULL)
            return;
        if (p->pattern_count)
            memcpy(v, p->patterns, p->pattern_count * sizeof *v);
        p->patterns = v;
        p->pattern_cap = cap;
    }
    p->patterns[p->pattern_count] = pat;
    *index = p->pattern_count++;
}

/* Enum constant names must be unique across the header; a clash gets _2, _3, ... */
static const char *unique_macro(struct planner *p, const char *name)
{
    const char *cand = name;
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < p->macro_count && !taken; i++)
            taken = strcmp(p->macros[i], cand) == 0;
        if (!taken)
            break;
        cand = fmt(p, "%s_%d", name, n);
    }
    if (p->macro_count == p->macro_cap) {
        size_t cap = p->macro_cap ? p->macro_cap * 2 : 256;
        const char **v = acg_arena_calloc(p->a, cap, sizeof *v);
        if (v == NULL)
            return cand;
        if (p->macro_count)
            memcpy(v, p->macros, p->macro_count * sizeof *v);
        p->macros = v;
        p->macro_cap = cap;
    }
    p->macros[p->macro_count++] = cand;
    return cand;
}

/* ---- closure and analysis ---- */

static void mark_closure(struct planner *p, const struct shape *s)
{
    if (s == NULL)
        return;
    struct pshape *ps = P(p, s);
    if (ps->in_closure)
        return;
    ps->in_closure = true;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct shape *t = s->members[i].target;
        if (t == NULL)
            continue;
        if (is_struct(t))
            P(p, t)->as_member_struct = true;
        mark_closure(p, t);
    }
    const struct member *inner[] = { s->item, s->value };
    for (size_t i = 0; i < 2; i++) {
        if (inner[i] && inner[i]->target) {
            if (inner[i]->target->type == SHAPE_LIST || inner[i]->target->type == SHAPE_MAP)
                P(p, inner[i]->target)->as_element = true;
            mark_closure(p, inner[i]->target);
        }
    }
    if (s->key)
        mark_closure(p, s->key->target);
}

/* Checks a parent makes on a value of this shape in place (length, range, item count). */
static bool value_checks(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_STRING:
        return true; /* UTF-8 validity at least */
    case SHAPE_BLOB: case SHAPE_INTEGER: case SHAPE_LONG: case SHAPE_FLOAT: case SHAPE_DOUBLE:
    case SHAPE_LIST: case SHAPE_MAP:
        return s->min.set || s->max.set;
    default:
        return false;
    }
}

/* Whether a validate_<shape> function is needed for the shape's inside. */
static bool own_checks(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_MAP: case SHAPE_UNION:
        return true; /* keys must be set; exactly one union member */
    case SHAPE_LIST:
        return value_checks(s->item->target);
    case SHAPE_STRUCTURE:
        for (size_t i = 0; i < s->member_count; i++) {
            if (s->members[i].required || (s->members[i].target && value_checks(s->members[i].target)))
                return true;
        }
        return false;
    default:
        return false;
    }
}

/* Fixed point, since shapes can be recursive. */
static void analyse_validation(struct planner *p)
{
    for (size_t i = 0; i < p->m->shape_count; i++)
        p->ps[i].needs_validate = p->ps[i].in_closure && own_checks(p->m->shapes[i]);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < p->m->shape_count; i++) {
            const struct shape *s = p->m->shapes[i];
            struct pshape *ps = &p->ps[i];
            if (!ps->in_closure || ps->needs_validate)
                continue;
            bool need = false;
            for (size_t k = 0; k < s->member_count; k++)
                need = need || P(p, s->members[k].target)->needs_validate;
            if (s->item)
                need = need || P(p, s->item->target)->needs_validate;
            if (need) {
                ps->needs_validate = true;
                changed = true;
            }
        }
    }
}

/* ---- per-shape naming ---- */

static const struct planner *sort_planner; /* qsort has no context argument */

static int by_c_name(const void *a, const void *b)
{
    const struct pshape *x = &sort_planner->ps[*(const size_t *)a];
    const struct pshape *y = &sort_planner->ps[*(const size_t *)b];
    int c = strcmp(x->c, y->c);
    return c ? c : strcmp(x->s->name, y->s->name);
}

static void name_shapes(struct planner *p)
{
    for (size_t i = 0; i < p->m->shape_count; i++) {
        const struct shape *s = p->m->shapes[i];
        struct pshape *ps = &p->ps[i];
        ps->s = s;
        ps->c = names_c_ident(p->a, s->name);
        switch (s->type) {
        case SHAPE_STRUCTURE: case SHAPE_UNION: case SHAPE_LIST: case SHAPE_MAP:
            ps->type = fmt(p, "struct %s_%s", p->prefix, ps->c);
            break;
        case SHAPE_STRING: case SHAPE_DOCUMENT:
            ps->type = "const char *";
            break;
        case SHAPE_BLOB:
            ps->type = "struct acg_blob";
            break;
        default:
            ps->type = scalar_ctype(s);
            break;
        }
        if (s->type == SHAPE_MAP)
            ps->entry_type = fmt(p, "struct %s_%s_entry", p->prefix, ps->c);
    }
    /* Two shapes whose C names meet ("EventTypeList", "eventTypeList") would declare one type
     * twice: the first by model name keeps the name, the others get _2, _3, ... */
    size_t *order = acg_arena_calloc(p->a, p->m->shape_count + 1, sizeof *order);
    if (order == NULL)
        return;
    for (size_t i = 0; i < p->m->shape_count; i++)
        order[i] = i;
    sort_planner = p;
    qsort(order, p->m->shape_count, sizeof *order, by_c_name);
    for (size_t k = 1; k < p->m->shape_count; k++) {
        struct pshape *first = &p->ps[order[k - 1]];
        int n = 2;
        while (k < p->m->shape_count && strcmp(p->ps[order[k]].c, first->c) == 0) {
            struct pshape *ps = &p->ps[order[k]];
            ps->c = fmt(p, "%s_%d", ps->c, n++);
            if (ps->type != NULL && strncmp(ps->type, "struct ", 7) == 0)
                ps->type = fmt(p, "struct %s_%s", p->prefix, ps->c);
            if (ps->entry_type != NULL)
                ps->entry_type = fmt(p, "struct %s_%s_entry", p->prefix, ps->c);
            k++;
        }
    }
}

/* ---- snippets: serialize ---- */

static const char *write_elem(struct planner *p, const struct shape *t, const char *v)
{
    struct pshape *pt = P(p, t);
    switch (t->type) {
    case SHAPE_STRING: return fmt(p, "acg_json_write_string(w, %s)", v);
    case SHAPE_DOCUMENT: return fmt(p, "acg_json_write_document(w, %s)", v);
    case SHAPE_BLOB: return fmt(p, "acg_json_write_blob(w, &%s)", v);
    case SHAPE_TIMESTAMP: return fmt(p, "acg_json_write_timestamp(w, %s, %s)", v, ts_format(t));
    case SHAPE_STRUCTURE: case SHAPE_UNION: return fmt(p, "write_%s(w, &%s)", pt->c, v);
    case SHAPE_LIST: case SHAPE_MAP: return fmt(p, "write_%s(w, %s.items, %s.count)", pt->c, v, v);
    default: return fmt(p, "acg_json_write_%s(w, %s)", scalar_rw(t), v);
    }
}

static const char *write_member(struct planner *p, const struct shape *t, const char *f)
{
    struct pshape *pt = P(p, t);
    switch (t->type) {
    case SHAPE_STRUCTURE: case SHAPE_UNION: return fmt(p, "write_%s(w, in->%s)", pt->c, f);
    case SHAPE_LIST: case SHAPE_MAP: return fmt(p, "write_%s(w, in->%s, in->%s_count)", pt->c, f, f);
    default: return write_elem(p, t, fmt(p, "in->%s", f));
    }
}

static const char *present(struct planner *p, const struct shape *t, const char *f)
{
    if (is_flagged(t))
        return fmt(p, "in->has_%s", f);
    if (t->type == SHAPE_BLOB)
        return fmt(p, "in->%s.data != NULL", f);
    return fmt(p, "in->%s != NULL", f);
}

/* ---- snippets: deserialize ---- */

/* Reads one list element or map value into v (an lvalue: "item", "item.value"). */
static const char *read_elem(struct planner *p, const struct shape *t, const char *v)
{
    struct pshape *pt = P(p, t);
    switch (t->type) {
    case SHAPE_STRING: return fmt(p, "acg_json_decode_string(d, &%s)", v);
    case SHAPE_DOCUMENT: return fmt(p, "acg_json_decode_document(d, &%s)", v);
    case SHAPE_BLOB: return fmt(p, "acg_json_decode_blob(d, &%s)", v);
    case SHAPE_STRUCTURE: case SHAPE_UNION: return fmt(p, "read_%s(d, &%s)", pt->c, v);
    case SHAPE_LIST: case SHAPE_MAP:
        return fmt(p, "read_%s(d, &%s.items, &%s.count)", pt->c, v, v);
    default: return fmt(p, "acg_json_decode_%s(d, &%s, NULL)", scalar_rw(t), v);
    }
}

static const char *read_member(struct planner *p, const struct shape *t, const char *f)
{
    struct pshape *pt = P(p, t);
    switch (t->type) {
    case SHAPE_STRING: return fmt(p, "acg_json_decode_string(d, &out->%s)", f);
    case SHAPE_DOCUMENT: return fmt(p, "acg_json_decode_document(d, &out->%s)", f);
    case SHAPE_BLOB: return fmt(p, "acg_json_decode_blob(d, &out->%s)", f);
    case SHAPE_STRUCTURE: case SHAPE_UNION: return fmt(p, "read_%s_ptr(d, &out->%s)", pt->c, f);
    case SHAPE_LIST: case SHAPE_MAP:
        return fmt(p, "read_%s(d, &out->%s, &out->%s_count)", pt->c, f, f);
    default:
        return fmt(p, "acg_json_decode_%s(d, &out->%s, &out->has_%s)", scalar_rw(t), f, f);
    }
}

/* "T name;" spelled as a C programmer would: "double item;", "const char *item;". */
static char *declare(struct planner *p, const char *type, const char *name)
{
    size_t n = strlen(type);
    return n && type[n - 1] == '*' ? fmt(p, "%s%s;", type, name) : fmt(p, "%s %s;", type, name);
}

/* A structure's deserializer finds a member by the length of the name first (a switch),
 * then compares the few names of that length: "lengths", ascending, each with its
 * members in model order. */
static void plan_member_dispatch(struct planner *p, const struct shape *s, const char **names,
                                 struct tv *r)
{
    struct tv *lengths = tv_set_list(r, "lengths");
    size_t from = 0; /* names shorter than this are planned */
    for (;;) {
        size_t len = SIZE_MAX;
        for (size_t k = 0; k < s->member_count; k++) {
            size_t n = strlen(s->members[k].name);
            if (s->members[k].target != NULL && n >= from && n < len)
                len = n;
        }
        if (len == SIZE_MAX)
            return;
        struct tv *group = tv_push(lengths);
        struct tv *members = tv_set_list(group, "members");
        tv_set_fmt(group, "len", "%zu", len);
        for (size_t k = 0; k < s->member_count; k++) {
            const struct member *mb = &s->members[k];
            if (mb->target == NULL || strlen(mb->name) != len)
                continue;
            struct tv *y = tv_push(members);
            tv_set_str(y, "key", text_c_string(p->a, mb->name));
            tv_set_str(y, "call", read_member(p, mb->target, names[k]));
            tv_set_bool(y, "first", tv_list_len(members) == 1);
        }
        from = len + 1;
    }
}

/* ---- snippets: validate ---- */

static const char *bound_l(struct planner *p, const struct bound *b)
{
    return b->set ? fmt(p, "%" PRId64, b->i) : "-1";
}

static const char *int_lit(struct planner *p, int64_t v)
{
    if (v == INT64_MIN)
        return "INT64_MIN";
    return fmt(p, "INT64_C(%" PRId64 ")", v);
}

static const char *pattern_ref(struct planner *p, const struct shape *t)
{
    if (t->pattern == NULL)
        return "NULL";
    size_t idx = 0;
    add_pattern(p, t->pattern, &idx);
    return fmt(p, "&pattern_%zu", idx);
}

/* Checks on one value; name is a C string literal or "NULL" (the current path). Returns
 * lines (each ending in '\n', indented by ind) or "" when nothing needs checking. */
static const char *check_value(struct planner *p, const struct shape *t, const char *name,
                               const char *v, const char *has, const char *count, int ind)
{
    struct pshape *pt = P(p, t);
    const char *sp = fmt(p, "%*s", ind, "");
    switch (t->type) {
    case SHAPE_STRING:
        return fmt(p, "%sacg_validate_string(v, %s, %s, %s, %s, %s);\n", sp, name, v,
                   bound_l(p, &t->min), bound_l(p, &t->max), pattern_ref(p, t));
    case SHAPE_BLOB:
        if (!t->min.set && !t->max.set)
            return "";
        return fmt(p, "%sacg_validate_blob_length(v, %s, %s.data != NULL, %s.len, %s, %s);\n", sp, name,
                   v, v, bound_l(p, &t->min), bound_l(p, &t->max));
    case SHAPE_INTEGER: case SHAPE_LONG:
        if (!t->min.set && !t->max.set)
            return "";
        return fmt(p, "%sacg_validate_int_range(v, %s, %s, %s, %s, %s, %s, %s);\n", sp, name, has, v,
                   t->min.set ? "true" : "false", int_lit(p, t->min.i), t->max.set ? "true" : "false",
                   int_lit(p, t->max.i));
    case SHAPE_FLOAT: case SHAPE_DOUBLE:
        if (!t->min.set && !t->max.set)
            return "";
        return fmt(p, "%sacg_validate_float_range(v, %s, %s, %s, %s, %.17g, %s, %.17g);\n", sp, name,
                   has, v, t->min.set ? "true" : "false", t->min.d, t->max.set ? "true" : "false",
                   t->max.d);
    case SHAPE_STRUCTURE: case SHAPE_UNION:
        if (!pt->needs_validate)
            return "";
        return fmt(p, "%svalidate_%s(v, %s);\n", sp, pt->c, v);
    case SHAPE_LIST: case SHAPE_MAP: {
        const char *lines = "";
        if (t->min.set || t->max.set)
            lines = fmt(p, "%sacg_validate_count(v, %s, %s, %s, %s, %s);\n", sp, name, has, count,
                        bound_l(p, &t->min), bound_l(p, &t->max));
        if (pt->needs_validate)
            lines = fmt(p, "%s%svalidate_%s(v, %s, %s);\n", lines, sp, pt->c, v, count);
        return lines;
    }
    default:
        return "";
    }
}

/* The checks for a structure member: required, then the value's own, entered by name. */
static const char *check_member(struct planner *p, const struct member *mb, const char *f)
{
    const struct shape *t = mb->target;
    const char *name = text_c_string(p->a, mb->name);
    const char *lines = "";
    const char *pres = present(p, t, f);
    if (mb->required)
        lines = fmt(p, "    acg_validate_required(v, %s, %s);\n", name, pres);
    if (!P(p, t)->needs_validate && !value_checks(t))
        return lines;
    switch (t->type) {
    case SHAPE_STRUCTURE: case SHAPE_UNION:
        if (!P(p, t)->needs_validate)
            return lines;
        return fmt(p, "%s    if (in->%s != NULL) {\n        size_t mark = acg_validate_enter(v, %s);\n"
                      "        validate_%s(v, in->%s);\n        acg_validate_leave(v, mark);\n    }\n",
                   lines, f, name, P(p, t)->c, f);
    case SHAPE_LIST: case SHAPE_MAP: {
        const char *out = lines;
        if (t->min.set || t->max.set)
            out = fmt(p, "%s    acg_validate_count(v, %s, in->%s != NULL, in->%s_count, %s, %s);\n", out,
                      name, f, f, bound_l(p, &t->min), bound_l(p, &t->max));
        if (P(p, t)->needs_validate)
            out = fmt(p, "%s    if (in->%s != NULL) {\n        size_t mark = acg_validate_enter(v, %s);\n"
                         "        validate_%s(v, in->%s, in->%s_count);\n"
                         "        acg_validate_leave(v, mark);\n    }\n",
                      out, f, name, P(p, t)->c, f, f);
        return out;
    }
    default:
        return fmt(p, "%s%s", lines,
                   check_value(p, t, name, fmt(p, "in->%s", f), is_flagged(t) ? fmt(p, "in->has_%s", f) : "true",
                               "0", 4));
    }
}

/* Element checks inside validate_<list>/<map>: element v is an lvalue like items[i]. */
static const char *check_elem(struct planner *p, const struct shape *t, const char *v, int ind)
{
    switch (t->type) {
    case SHAPE_STRUCTURE: case SHAPE_UNION:
        return check_value(p, t, "NULL", fmt(p, "&%s", v), "true", "0", ind);
    case SHAPE_LIST: case SHAPE_MAP:
        return check_value(p, t, "NULL", fmt(p, "%s.items", v), "true", fmt(p, "%s.count", v), ind);
    case SHAPE_STRING:
        return fmt(p, "%*sacg_validate_required(v, NULL, %s != NULL);\n%s", ind, "", v,
                   check_value(p, t, "NULL", v, "true", "0", ind));
    default:
        return check_value(p, t, "NULL", v, "true", "0", ind);
    }
}

/* ---- header declarations ---- */

static const char *member_doc(struct planner *p, const struct member *mb)
{
    const char *doc = text_plain(p->a, mb->doc ? mb->doc : mb->target->doc);
    const struct shape *t = mb->target;
    const char *extra = "";
    if (t->type == SHAPE_TIMESTAMP)
        extra = " Milliseconds since 1970-01-01T00:00:00Z.";
    else if (t->type == SHAPE_DOCUMENT)
        extra = " A JSON value, as text.";
    if (mb->required)
        extra = fmt(p, "%s Required.", extra);
    if (t->sensitive)
        extra = fmt(p, "%s Sensitive: redacted in logs.", extra);
    if (t->enum_count)
        extra = fmt(p, "%s See %s_%s_* for the known values.", extra, p->upper, names_upper(p->a, P(p, t)->c));
    return text_comment(p->a, fmt(p, "%s%s", doc, *doc ? extra : extra + (*extra == ' ')), 4, 100);
}

static void add_field(struct tv *fields, const char *comment, const char *decl)
{
    struct tv *f = tv_push(fields);
    tv_set_str(f, "comment", comment);
    tv_set_str(f, "decl", decl);
}

/* Field declarations for one member; collisions with another member's fields are errors. */
static void member_fields(struct planner *p, struct tv *fields, const struct member *mb, const char *f)
{
    const struct shape *t = mb->target;
    struct pshape *pt = P(p, t);
    const char *doc = member_doc(p, mb);
    switch (t->type) {
    case SHAPE_STRUCTURE: case SHAPE_UNION:
        add_field(fields, doc, fmt(p, "%s%s;", ptr_to(p, pt->type), f));
        break;
    case SHAPE_LIST:
        add_field(fields, doc, fmt(p, "size_t %s_count;", f));
        add_field(fields, "", fmt(p, "%s%s;", ptr_to(p, P(p, t->item->target)->type), f));
        break;
    case SHAPE_MAP:
        add_field(fields, doc, fmt(p, "size_t %s_count;", f));
        add_field(fields, "", fmt(p, "%s%s;", ptr_to(p, pt->entry_type), f));
        break;
    default:
        if (is_flagged(t)) {
            add_field(fields, doc, fmt(p, "bool has_%s;", f));
            add_field(fields, "", fmt(p, "%s %s;", pt->type, f));
        } else {
            size_t n = strlen(pt->type);
            add_field(fields, doc, fmt(p, "%s%s%s;", pt->type, pt->type[n - 1] == '*' ? "" : " ", f));
        }
    }
}

/* C field names for a structure's members, with the derived names each one uses. */
static const char **field_names(struct planner *p, const struct shape *s)
{
    if (P(p, s)->fields != NULL)
        return P(p, s)->fields;
    const char **names = acg_arena_calloc(p->a, s->member_count + 1, sizeof *names);
    const char **used = acg_arena_calloc(p->a, 2 * s->member_count + 2, sizeof *used);
    size_t nused = 0;
    if (names == NULL || used == NULL)
        return NULL;
    used[nused++] = "arena_";
    for (size_t i = 0; i < s->member_count; i++) {
        const struct member *mb = &s->members[i];
        const char *f = names_c_ident(p->a, mb->name);
        const char *derived = NULL;
        if (mb->target && is_flagged(mb->target))
            derived = fmt(p, "has_%s", f);
        else if (mb->target && (mb->target->type == SHAPE_LIST || mb->target->type == SHAPE_MAP))
            derived = fmt(p, "%s_count", f);
        const char *mine[2] = { f, derived };
        for (size_t k = 0; k < 2; k++) {
            if (mine[k] == NULL)
                continue;
            for (size_t u = 0; u < nused; u++) {
                if (strcmp(used[u], mine[k]) == 0)
                    diag_error(p->d, p->m->path, mb->mark,
                               "shapes.%s.members.%s: its C field %s collides with another field of "
                               "the structure", s->name, mb->name, mine[k]);
            }
            used[nused++] = mine[k];
        }
        names[i] = f;
    }
    P(p, s)->fields = names;
    return names;
}

/* ---- building the context ---- */

static void plan_enums(struct planner *p, struct tv *root)
{
    struct tv *enums = tv_set_list(root, "enums");
    for (size_t i = 0; i < p->m->shape_count; i++) {
        const struct shape *s = p->m->shapes[i];
        if (!p->ps[i].in_closure || s->enum_count == 0)
            continue;
        struct tv *e = tv_push(enums);
        tv_set_str(e, "comment", text_comment(p->a, fmt(p, "Known values of %s. Others may arrive "
                                                            "and are kept as they are.", s->name), 0, 100));
        struct tv *vals = tv_set_list(e, "values");
        const char *base = fmt(p, "%s_%s", p->upper, names_upper(p->a, p->ps[i].c));
        for (size_t k = 0; k < s->enum_count; k++) {
            const char *raw = s->enum_values[k];
            const char *id = names_upper(p->a, *raw ? raw : "EMPTY");
            struct tv *v = tv_push(vals);
            tv_set_str(v, "macro", unique_macro(p, fmt(p, "%s_%s", base, id)));
            tv_set_str(v, "value", text_c_string(p->a, raw));
        }
    }
}

static void plan_shape(struct planner *p, size_t i, struct tv *structs, struct tv *entries,
                       struct tv *writers, struct tv *readers, struct tv *validators)
{
    const struct shape *s = p->m->shapes[i];
    struct pshape *ps = &p->ps[i];
    struct tv *st = NULL;
    if (is_struct(s) || (ps->as_element && (s->type == SHAPE_LIST || s->type == SHAPE_MAP))) {
        st = tv_push(structs);
        tv_set_str(st, "type", ps->type);
        tv_set_str(st, "c", ps->c);
        tv_set_str(st, "comment", text_comment(p->a, text_plain(p->a, s->doc), 0, 100));
        struct tv *fields = tv_set_list(st, "fields");
        if (is_struct(s)) {
            const char **names = field_names(p, s);
            for (size_t k = 0; names && k < s->member_count; k++) {
                if (s->members[k].target)
                    member_fields(p, fields, &s->members[k], names[k]);
            }
            if (ps->top_level)
                add_field(fields, "    /* Owns every pointer above in a decoded value; NULL in one you "
                                     "built. */\n", "struct acg_arena *arena_;");
            if (s->member_count == 0 && !ps->top_level)
                add_field(fields, "    /* No members; present so the struct is not empty. */\n",
                          "char unused_;");
        } else {
            const char *elem = s->type == SHAPE_LIST ? P(p, s->item->target)->type : ps->entry_type;
            add_field(fields, "", "size_t count;");
            add_field(fields, "", fmt(p, "%sitems;", ptr_to(p, elem)));
        }
        tv_set_bool(st, "top_level", ps->top_level);
    }
    if (s->type == SHAPE_MAP) {
        struct tv *en = tv_push(entries);
        const struct shape *vt = s->value->target;
        size_t n = strlen(P(p, vt)->type);
        tv_set_str(en, "type", ps->entry_type);
        tv_set_str(en, "value_decl", fmt(p, "%s%svalue;", P(p, vt)->type,
                                         P(p, vt)->type[n - 1] == '*' ? "" : " "));
    }

    /* serializer */
    struct tv *w = tv_push(writers);
    tv_set_str(w, "c", ps->c);
    tv_set_bool(w, "is_struct", is_struct(s));
    tv_set_bool(w, "is_list", s->type == SHAPE_LIST);
    tv_set_bool(w, "is_map", s->type == SHAPE_MAP);
    tv_set_bool(w, "is_other", !is_struct(s) && s->type != SHAPE_LIST && s->type != SHAPE_MAP);
    tv_set_str(w, "type", ps->type);
    struct tv *wm = tv_set_list(w, "members");
    struct tv *r = tv_push(readers);
    tv_set_str(r, "c", ps->c);
    tv_set_str(r, "type", ps->type);
    tv_set_bool(r, "is_struct", is_struct(s));
    tv_set_bool(r, "is_list", s->type == SHAPE_LIST);
    tv_set_bool(r, "is_map", s->type == SHAPE_MAP);
    tv_set_bool(r, "is_other", !is_struct(s) && s->type != SHAPE_LIST && s->type != SHAPE_MAP);
    tv_set_bool(r, "ptr_reader", ps->as_member_struct);
    if (is_struct(s)) {
        const char **names = field_names(p, s);
        tv_set_bool(w, "has_members", s->member_count > 0);
        tv_set_bool(r, "has_members", s->member_count > 0);
        for (size_t k = 0; names && k < s->member_count; k++) {
            const struct member *mb = &s->members[k];
            if (mb->target == NULL)
                continue;
            struct tv *x = tv_push(wm);
            tv_set_str(x, "present", present(p, mb->target, names[k]));
            tv_set_str(x, "key", text_c_string(p->a, mb->name));
            tv_set_str(x, "call", write_member(p, mb->target, names[k]));
            tv_set_bool(x, "sensitive", mb->target->sensitive);
        }
        if (names != NULL)
            plan_member_dispatch(p, s, names, r);
    } else if (s->type == SHAPE_LIST) {
        const struct shape *et = s->item->target;
        tv_set_str(w, "items_param", fmt(p, "%sitems", const_ptr_to(p, P(p, et)->type)));
        tv_set_str(w, "elem_call", write_elem(p, et, "items[i]"));
        tv_set_bool(w, "sensitive", et->sensitive);
        tv_set_str(r, "out_param", fmt(p, "%sout", ptr_to(p, ptr_to(p, P(p, et)->type))));
        tv_set_str(r, "item_decl", declare(p, P(p, et)->type, "item"));
        tv_set_str(r, "elem_call", read_elem(p, et, "item"));
    } else if (s->type == SHAPE_MAP) {
        const struct shape *vt = s->value->target;
        tv_set_str(w, "items_param", fmt(p, "const %s *items", ps->entry_type));
        tv_set_str(w, "elem_call", write_elem(p, vt, "items[i].value"));
        tv_set_bool(w, "sensitive", vt->sensitive);
        tv_set_str(r, "out_param", fmt(p, "%s **out", ps->entry_type));
        tv_set_str(r, "item_decl", declare(p, ps->entry_type, "item"));
        tv_set_str(r, "elem_call", read_elem(p, vt, "item.value"));
    }

    /* validator */
    if (!ps->needs_validate)
        return;
    struct tv *v = tv_push(validators);
    tv_set_str(v, "c", ps->c);
    tv_set_str(v, "type", ps->type);
    tv_set_bool(v, "is_struct", is_struct(s));
    tv_set_bool(v, "is_list", s->type == SHAPE_LIST);
    tv_set_bool(v, "is_map", s->type == SHAPE_MAP);
    if (is_struct(s)) {
        const char **names = field_names(p, s);
        const char *lines = "";
        const char *union_sum = "";
        for (size_t k = 0; names && k < s->member_count; k++) {
            if (s->members[k].target == NULL)
                continue;
            lines = fmt(p, "%s%s", lines, check_member(p, &s->members[k], names[k]));
            if (s->type == SHAPE_UNION)
                union_sum = fmt(p, "%s%s(%s)", union_sum, *union_sum ? " + " : "",
                                present(p, s->members[k].target, names[k]));
        }
        if (s->type == SHAPE_UNION)
            lines = fmt(p, "%s    acg_validate_union(v, NULL, %s);\n", lines, *union_sum ? union_sum : "0");
        tv_set_str(v, "checks", lines);
    } else if (s->type == SHAPE_LIST) {
        const struct shape *et = s->item->target;
        tv_set_str(v, "items_param", fmt(p, "%sitems", const_ptr_to(p, P(p, et)->type)));
        tv_set_str(v, "checks", check_elem(p, et, "items[i]", 8));
    } else {
        const struct shape *vt = s->value->target;
        tv_set_str(v, "items_param", fmt(p, "const %s *items", ps->entry_type));
        tv_set_str(v, "checks", fmt(p, "%s%s", check_elem(p, s->key->target, "items[i].key", 8),
                                    check_elem(p, vt, "items[i].value", 8)));
    }
}

/* Help text for the command line: the documentation's first paragraph, cut to a size every
 * C compiler takes as one string literal. */
static const char *help_text(struct planner *p, const char *doc)
{
    const char *plain = text_plain(p->a, doc);
    size_t n = strcspn(plain, "\n");
    if (n > 2000)
        return fmt(p, "%.1996s ...", plain);
    return fmt(p, "%.*s", (int)n, plain);
}

static const char *cli_kind(const struct shape *t)
{
    switch (t->type) {
    case SHAPE_STRING: return "ACG_CLI_STRING";
    case SHAPE_BOOLEAN: return "ACG_CLI_BOOLEAN";
    case SHAPE_INTEGER: case SHAPE_LONG: return "ACG_CLI_INTEGER";
    case SHAPE_FLOAT: case SHAPE_DOUBLE: return "ACG_CLI_FLOAT";
    case SHAPE_TIMESTAMP: return "ACG_CLI_TIMESTAMP";
    case SHAPE_BLOB: return "ACG_CLI_BLOB";
    default: return "ACG_CLI_JSON";
    }
}

static const char *constraints_text(struct planner *p, const struct shape *t)
{
    const char *c = "";
    const char *what = t->type == SHAPE_STRING || t->type == SHAPE_BLOB ? "length"
                       : t->type == SHAPE_LIST || t->type == SHAPE_MAP ? "items" : "range";
    if (t->min.set || t->max.set) {
        const char *lo = t->min.set ? fmt(p, "%.17g", t->min.d) : "";
        const char *hi = t->max.set ? fmt(p, "%.17g", t->max.d) : "";
        c = fmt(p, "%s %s..%s", what, lo, hi);
    }
    if (t->pattern)
        c = fmt(p, "%s%spattern %s", c, *c ? ", " : "", t->pattern);
    if (t->enum_count) {
        const char *vals = "";
        for (size_t i = 0; i < t->enum_count; i++)
            vals = fmt(p, "%s%s%s", vals, i ? ", " : "", t->enum_values[i]);
        c = fmt(p, "%s%sone of: %s", c, *c ? "; " : "", vals);
    }
    return strlen(c) > 2000 ? fmt(p, "%.1996s ...", c) : c;
}

/* hostPrefix "{Label}.data." -> a printf format and its arguments from the input. */
static void plan_host_prefix(struct planner *p, const struct operation *op, struct tv *o,
                             const char **in_fields)
{
    const char *f = "", *args = "";
    tv_set_bool(o, "has_host_prefix", op->host_prefix != NULL);
    if (op->host_prefix == NULL)
        return;
    for (const char *c = op->host_prefix; *c;) {
        if (*c == '{') {
            const char *end = strchr(c, '}');
            const char *label = end ? acg_arena_strndup(p->a, c + 1, (size_t)(end - c - 1)) : "";
            bool found = false;
            for (size_t i = 0; op->input && i < op->input->member_count; i++) {
                if (strcmp(op->input->members[i].name, label) == 0 &&
                    op->input->members[i].target->type == SHAPE_STRING) {
                    args = fmt(p, "%s, in->%s", args, in_fields[i]);
                    found = true;
                }
            }
            if (!found)
                diag_error(p->d, p->m->path, op->mark, "operations.%s.endpoint.hostPrefix: label {%s} is "
                           "not a string member of the input", op->name, label);
            f = fmt(p, "%s%%s", f);
            c = end ? end + 1 : c + strlen(c);
        } else {
            f = fmt(p, "%s%c", f, *c == '%' ? '%' : *c);
            if (*c == '%')
                f = fmt(p, "%s%%", f);
            c++;
        }
    }
    tv_set_str(o, "host_prefix_format", text_c_string(p->a, f));
    tv_set_str(o, "host_prefix_args", args);
}

static void plan_context_params(struct planner *p, const struct operation *op, struct tv *o,
                                const char **in_fields)
{
    struct tv *list = tv_set_list(o, "context_params");
    const struct shape *in = op->input;
    for (size_t i = 0; in && i < in->member_count; i++) {
        const struct member *mb = &in->members[i];
        if (mb->context_param == NULL)
            continue;
        struct tv *c = tv_push(list);
        tv_set_str(c, "name", text_c_string(p->a, mb->context_param));
        if (mb->target->type == SHAPE_BOOLEAN)
            tv_set_str(c, "init", fmt(p, "in->has_%s ? ACG_EP_BOOL : ACG_EP_UNSET, NULL, in->%s, NULL, 0",
                                      in_fields[i], in_fields[i]));
        else
            tv_set_str(c, "init", fmt(p, "in->%s ? ACG_EP_STRING : ACG_EP_UNSET, in->%s, false, NULL, 0",
                                      in_fields[i], in_fields[i]));
    }
    for (size_t i = 0; i < op->static_context_count; i++) {
        const struct context_value *cv = &op->static_context[i];
        struct tv *c = tv_push(list);
        tv_set_str(c, "name", text_c_string(p->a, cv->name));
        if (cv->is_bool)
            tv_set_str(c, "init", fmt(p, "ACG_EP_BOOL, NULL, %s, NULL, 0", cv->boolean ? "true" : "false"));
        else
            tv_set_str(c, "init", fmt(p, "ACG_EP_STRING, %s, false, NULL, 0", text_c_string(p->a, cv->str)));
    }
    for (size_t i = 0; i < op->path_context_count; i++) {
        const struct context_value *cv = &op->path_context[i];
        /* A plain member path of the input is supported; JMESPath projections are not, and the
         * parameter stays unset (those rule sets fall back to the regional endpoint). */
        bool done = false;
        for (size_t k = 0; in && k < in->member_count && !done; k++) {
            if (strcmp(in->members[k].name, cv->str) == 0 && in->members[k].target->type == SHAPE_STRING) {
                struct tv *c = tv_push(list);
                tv_set_str(c, "name", text_c_string(p->a, cv->name));
                tv_set_str(c, "init", fmt(p, "in->%s ? ACG_EP_STRING : ACG_EP_UNSET, in->%s, false, NULL, 0",
                                          in_fields[k], in_fields[k]));
                done = true;
            }
        }
        if (!done)
            diag_warning(p->d, p->m->path, op->mark, "operations.%s.operationContextParams.%s: path \"%s\" "
                         "is not supported; the parameter is left unset", op->name, cv->name, cv->str);
    }
    tv_set_bool(o, "has_context", tv_list_len(list) > 0);
}

static void plan_operation(struct planner *p, const struct operation *op, struct tv *ops)
{
    struct tv *o = tv_push(ops);
    const char *c = names_c_ident(p->a, op->name);
    tv_set_str(o, "c", c);
    tv_set_str(o, "name", op->name);
    tv_set_str(o, "name_lit", text_c_string(p->a, op->name));
    tv_set_str(o, "command", text_c_string(p->a, names_xform(p->a, op->name, '-')));
    const char *plain = text_plain(p->a, op->doc);
    tv_set_str(o, "comment", text_comment(p->a, plain, 0, 100));
    tv_set_str(o, "doc_lit", text_c_string(p->a, help_text(p, op->doc)));
    tv_set_bool(o, "has_input", op->input != NULL);
    tv_set_bool(o, "has_output", op->output != NULL);
    tv_set_bool(o, "event_stream", op->event_stream);
    tv_set_str(o, "request_compression", op->request_compression ? "true" : "false");
    tv_set_str(o, "event_stream_lit", op->event_stream ? "true" : "false");
    if (op->input) {
        tv_set_str(o, "in_type", P(p, op->input)->type);
        tv_set_str(o, "in_c", P(p, op->input)->c);
    }
    if (op->output) {
        tv_set_str(o, "out_type", P(p, op->output)->type);
        tv_set_str(o, "out_c", P(p, op->output)->c);
    }
    const char **in_fields = op->input ? field_names(p, op->input) : NULL;
    struct tv *tokens = tv_set_list(o, "idempotency_tokens");
    struct tv *members = tv_set_list(o, "cli_members");
    for (size_t i = 0; op->input && in_fields && i < op->input->member_count; i++) {
        const struct member *mb = &op->input->members[i];
        if (mb->idempotency_token && mb->target->type == SHAPE_STRING)
            tv_set_str(tv_push(tokens), "field", in_fields[i]);
        struct tv *m = tv_push(members);
        tv_set_str(m, "option", text_c_string(p->a, names_xform(p->a, mb->name, '-')));
        tv_set_str(m, "json_name", text_c_string(p->a, mb->name));
        tv_set_str(m, "kind", cli_kind(mb->target));
        tv_set_str(m, "required", mb->required ? "true" : "false");
        tv_set_str(m, "type_name", text_c_string(p->a, shape_type_name(mb->target->type)));
        tv_set_str(m, "constraints", text_c_string(p->a, constraints_text(p, mb->target)));
        tv_set_str(m, "doc", text_c_string(p->a, help_text(p, mb->doc ? mb->doc : mb->target->doc)));
    }
    tv_set_bool(o, "has_tokens", tv_list_len(tokens) > 0);
    tv_set_bool(o, "has_cli_members", tv_list_len(members) > 0);
    plan_host_prefix(p, op, o, in_fields);
    plan_context_params(p, op, o, in_fields);
}

const char *gen_prefix(const struct model *m, const struct gen_options *o, struct acg_arena *a)
{
    if (o->prefix != NULL)
        return o->prefix;
    /* "Personalize" -> "personalize"; "Cognito Identity Provider" -> "cognito_identity_provider" */
    const char *id = m->service_id ? m->service_id : "service";
    char buf[256];
    size_t n = 0;
    for (const char *c = id; *c && n + 1 < sizeof buf; c++)
        buf[n++] = (*c == ' ' || *c == '-' || *c == '.') ? '_' : *c;
    buf[n] = '\0';
    char *s = names_c_ident(a, buf);
    return s ? s : "service";
}

static bool selected(const struct gen_options *o, const char *name)
{
    if (o->operations == NULL || o->operations[0] == NULL)
        return true;
    for (const char **op = o->operations; *op; op++) {
        if (strcmp(*op, name) == 0)
            return true;
    }
    return false;
}

int gen_plan(const struct model *m, const struct gen_options *o, const char *endpoint_code,
             struct acg_arena *a, struct tv **out, struct diag *d)
{
    int errors_before = d->errors;
    struct planner p = { m, o, a, d, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, 0 };
    p.prefix = gen_prefix(m, o, a);
    p.upper = names_upper(a, p.prefix);
    p.ps = acg_arena_calloc(a, m->shape_count + 1, sizeof *p.ps);
    struct tv *root = tv_map(a);
    if (p.ps == NULL || root == NULL)
        return -1;
    for (const char **op = o->operations; op && *op; op++) {
        if (model_find_operation(m, *op) == NULL)
            diag_error(d, m->path, (struct gen_mark){ 0, 0 }, "--operation %s: no such operation in the model",
                       *op);
    }
    for (size_t i = 0; i < m->operation_count; i++) {
        const struct operation *op = &m->operations[i];
        if (!selected(o, op->name))
            continue;
        mark_closure(&p, op->input);
        mark_closure(&p, op->output);
        for (size_t k = 0; k < op->error_count; k++)
            mark_closure(&p, op->errors[k]);
    }
    /* top level: inputs, outputs and errors of the selected operations */
    for (size_t i = 0; i < m->operation_count; i++) {
        const struct operation *op = &m->operations[i];
        if (!selected(o, op->name))
            continue;
        if (op->input)
            P(&p, op->input)->top_level = true;
        if (op->output)
            P(&p, op->output)->top_level = true;
        for (size_t k = 0; k < op->error_count; k++)
            P(&p, op->errors[k])->top_level = true;
    }
    name_shapes(&p);
    analyse_validation(&p);

    /* banner and service */
    const char *op_names = "";
    size_t op_count = 0;
    for (size_t i = 0; i < m->operation_count; i++) {
        if (selected(o, m->operations[i].name)) {
            op_names = fmt(&p, "%s%s%s", op_names, op_count ? ", " : "", m->operations[i].name);
            op_count++;
        }
    }
    tv_set_str(root, "version", GEN_VERSION);
    tv_set_str(root, "model_path", o->display_path ? o->display_path : m->path);
    tv_set_str(root, "model_sha256", m->sha256);
    tv_set_str(root, "banner_ops", text_comment(a, fmt(&p, "Operations: %s.", op_count == m->operation_count
                                                                                  ? fmt(&p, "all %zu", op_count)
                                                                                  : op_names), 0, 100));
    tv_set_str(root, "operation_names", op_names);
    tv_set_str(root, "prefix", p.prefix);
    tv_set_str(root, "PREFIX", p.upper);
    tv_set_str(root, "service_id", text_c_string(a, m->service_id ? m->service_id : ""));
    tv_set_str(root, "signing_name", text_c_string(a, m->signing_name ? m->signing_name : ""));
    tv_set_str(root, "endpoint_prefix", text_c_string(a, m->endpoint_prefix ? m->endpoint_prefix : ""));
    tv_set_str(root, "target_prefix", text_c_string(a, m->target_prefix ? m->target_prefix : ""));
    tv_set_str(root, "json_version", text_c_string(a, m->json_version));
    tv_set_str(root, "api_version", text_c_string(a, m->api_version ? m->api_version : ""));
    tv_set_bool(root, "aws_query_compatible", m->aws_query_compatible);
    tv_set_str(root, "service_comment", text_comment(a, text_plain(a, m->doc), 0, 100));
    tv_set_str(root, "service_doc_lit", text_c_string(a, text_summary(a, text_plain(a, m->doc), 400)));
    tv_set_str(root, "endpoint_code", endpoint_code ? endpoint_code : "");

    plan_enums(&p, root);
    struct tv *structs = tv_set_list(root, "structs");
    struct tv *entries = tv_set_list(root, "entries");
    struct tv *writers = tv_set_list(root, "writers");
    struct tv *readers = tv_set_list(root, "readers");
    struct tv *validators = tv_set_list(root, "validators");
    struct tv *tops = tv_set_list(root, "top_level");
    struct tv *errors = tv_set_list(root, "errors");
    for (size_t i = 0; i < m->shape_count; i++) {
        if (!p.ps[i].in_closure)
            continue;
        plan_shape(&p, i, structs, entries, writers, readers, validators);
        const struct shape *s = m->shapes[i];
        if (p.ps[i].top_level) {
            struct tv *t = tv_push(tops);
            tv_set_str(t, "c", p.ps[i].c);
            tv_set_str(t, "type", p.ps[i].type);
            tv_set_str(t, "name", s->name);
            tv_set_bool(t, "needs_validate", p.ps[i].needs_validate);
        }
        if (s->exception && is_struct(s) && p.ps[i].top_level) {
            struct tv *e = tv_push(errors);
            tv_set_str(e, "c", p.ps[i].c);
            tv_set_str(e, "type", p.ps[i].type);
            tv_set_str(e, "code", text_c_string(a, s->error_code ? s->error_code : s->name));
            tv_set_str(e, "name_code", text_c_string(a, s->name));
            tv_set_bool(e, "code_differs", s->error_code != NULL && strcmp(s->error_code, s->name) != 0);
            tv_set_str(e, "retryable", s->retryable ? "true" : "false");
            tv_set_str(e, "throttling", s->throttling ? "true" : "false");
            tv_set_str(e, "comment", text_comment(a, fmt(&p, "The %s error decoded, or NULL when err holds "
                                                             "another error.", s->name), 0, 100));
        }
    }
    tv_set_bool(root, "has_errors", tv_list_len(errors) > 0);
    struct tv *ops = tv_set_list(root, "operations");
    for (size_t i = 0; i < m->operation_count; i++) {
        if (selected(o, m->operations[i].name))
            plan_operation(&p, &m->operations[i], ops);
    }
    struct tv *pats = tv_set_list(root, "patterns");
    for (size_t i = 0; i < p.pattern_count; i++) {
        struct tv *pt = tv_push(pats);
        tv_set_fmt(pt, "index", "%zu", i);
        tv_set_str(pt, "source", text_c_string(a, p.patterns[i]));
    }
    tv_set_bool(root, "has_patterns", p.pattern_count > 0);
    if (tv_failed(root)) {
        diag_error(d, m->path, (struct gen_mark){ 0, 0 }, "out of memory while planning");
        return -1;
    }
    *out = root;
    return d->errors > errors_before ? -1 : 0;
}
