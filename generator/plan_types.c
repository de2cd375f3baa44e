/* The header's types: enum constants, structs with their fields and doc comments, map
 * entries. A C type reaches the templates as data: const or not, a base type name and the
 * pointer stars, so "const char *job_name;" is laid out by the template from
 * { const, "char", "*", "job_name" }. */
#include <string.h>

#include "names.h"
#include "plan_internal.h"
#include "text.h"

/* A C type as the templates spell it. */
struct ctype {
    bool is_const;
    const char *base;
    const char *stars;
};

/* How a value of shape t is stored as a list element or a map value. */
static struct ctype element_type(struct planner *p, const struct shape *t)
{
    switch (t->type) {
    case SHAPE_STRING: case SHAPE_DOCUMENT: return (struct ctype){ true, "char", "*" };
    case SHAPE_BOOLEAN: return (struct ctype){ false, "bool", "" };
    case SHAPE_INTEGER: return (struct ctype){ false, "int32_t", "" };
    case SHAPE_LONG: return (struct ctype){ false, "int64_t", "" };
    case SHAPE_FLOAT: return (struct ctype){ false, "float", "" };
    case SHAPE_DOUBLE: return (struct ctype){ false, "double", "" };
    case SHAPE_TIMESTAMP: return (struct ctype){ false, "struct acg_timestamp", "" };
    case SHAPE_BLOB: return (struct ctype){ false, "struct acg_blob", "" };
    default:
        return (struct ctype){ false, plan_fmt(p, "struct %s_%s", p->prefix,
                                               plan_shape_of(p, t)->c), "" };
    }
}

const char *plan_element_pointer(struct planner *p, const struct shape *t)
{
    struct ctype c = element_type(p, t);
    return plan_fmt(p, "const %s %s%s", c.base, c.stars, *c.stars ? "const *" : "*");
}

static void add_field(struct planner *p, struct tv *fields, const char *comment, struct ctype t,
                      const char *name)
{
    struct tv *f = tv_push(fields);
    tv_set_str(f, "comment", comment);
    tv_set_bool(f, "const", t.is_const);
    tv_set_str(f, "type", t.base);
    tv_set_str(f, "stars", t.stars);
    tv_set_str(f, "name", name);
    tv_set_bool(f, "wrap", 4 + 6 * t.is_const + strlen(t.base) + 1 + strlen(t.stars) +
                               strlen(name) + 1 > 100);
    (void)p;
}

static const char *member_doc(struct planner *p, const struct member *mb)
{
    const char *doc = text_doc_escape(p->a, text_plain(p->a, mb->doc ? mb->doc : mb->target->doc));
    const struct shape *t = mb->target;
    const char *extra = "";
    if (t->type == SHAPE_DOCUMENT)
        extra = " A JSON value, as text.";
    if (mb->required)
        extra = plan_fmt(p, "%s Required.", extra);
    if (t->sensitive)
        extra = plan_fmt(p, "%s Sensitive: never logged.", extra);
    if (t->enum_count)
        extra = plan_fmt(p, "%s See %s_%s_* for the known values.", extra, p->upper,
                         names_upper(p->a, plan_shape_of(p, t)->c));
    if (*doc == '\0' && *extra == ' ')
        extra++;
    return text_doc_comment(p->a, plan_fmt(p, "%s%s", doc, extra), 4, 100);
}

/* The fields one member takes in its structure. */
static void member_fields(struct planner *p, struct tv *fields, const struct member *mb,
                          const char *f, const char *extra)
{
    const struct shape *t = mb->target;
    const char *doc = member_doc(p, mb);
    struct ctype et;
    switch (t->type) {
    case SHAPE_STRUCTURE: case SHAPE_UNION:
        et = element_type(p, t);
        add_field(p, fields, doc, (struct ctype){ false, et.base, "*" }, f);
        break;
    case SHAPE_LIST:
        et = element_type(p, t->item->target);
        add_field(p, fields, doc, (struct ctype){ false, "size_t", "" }, extra);
        add_field(p, fields, "", (struct ctype){ et.is_const, et.base, plan_fmt(p, "%s*", et.stars) },
                  f);
        break;
    case SHAPE_MAP:
        add_field(p, fields, doc, (struct ctype){ false, "size_t", "" }, extra);
        add_field(p, fields, "", (struct ctype){ false, plan_shape_of(p, t)->entry, "*" }, f);
        break;
    default:
        if (plan_is_flagged(t)) {
            add_field(p, fields, doc, (struct ctype){ false, "bool", "" }, extra);
            add_field(p, fields, "", element_type(p, t), f);
        } else {
            add_field(p, fields, doc, element_type(p, t), f);
        }
    }
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
        cand = plan_fmt(p, "%s_%d", name, n);
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

static void plan_enum(struct planner *p, const struct shape *s, struct tv *enums)
{
    struct tv *e = tv_push(enums);
    tv_set_str(e, "comment", text_comment(p->a, plan_fmt(p, "Known values of %s. Others may "
                                                         "arrive and are kept as they are.", s->name),
                                          0, 100));
    struct tv *vals = tv_set_list(e, "values");
    const char *base = plan_fmt(p, "%s_%s", p->upper, names_upper(p->a, plan_shape_of(p, s)->c));
    for (size_t k = 0; k < s->enum_count; k++) {
        const char *raw = s->enum_values[k];
        const char *id = names_upper(p->a, *raw ? raw : "EMPTY");
        struct tv *v = tv_push(vals);
        const char *macro = unique_macro(p, plan_fmt(p, "%s_%s", base, id));
        const char *value = text_c_string(p->a, raw);
        tv_set_str(v, "macro", macro);
        tv_set_str(v, "value", value);
        tv_set_bool(v, "wrap", 9 + strlen(macro) + strlen(value) > 100);
    }
}

static void plan_struct(struct planner *p, const struct pshape *ps, struct tv *structs)
{
    const struct shape *s = ps->s;
    struct tv *st = tv_push(structs);
    tv_set_str(st, "type", plan_fmt(p, "struct %s_%s", p->prefix, ps->c));
    tv_set_str(st, "comment", text_doc_comment(p->a, text_doc_escape(p->a, text_plain(p->a, s->doc)),
                                               0, 100));
    struct tv *fields = tv_set_list(st, "fields");
    if (plan_is_struct(s)) {
        const char **names = plan_field_names(p, s);
        const char **extras = plan_extra_field_names(p, s);
        /* First, so the runtime finds it in any top-level struct. */
        if (ps->top_level)
            add_field(p, fields, "    /** Owns every pointer below in a decoded value; NULL in one "
                      "you built. */\n", (struct ctype){ false, "struct acg_arena", "*" }, "arena_");
        for (size_t k = 0; names && k < s->member_count; k++) {
            if (s->members[k].target)
                member_fields(p, fields, &s->members[k], names[k], extras[k]);
        }
        if (s->member_count == 0 && !ps->top_level)
            add_field(p, fields, "    /* No members; present so the struct is not empty. */\n",
                      (struct ctype){ false, "char", "" }, "unused_");
        return;
    }
    struct ctype et = s->type == SHAPE_LIST
                          ? element_type(p, s->item->target)
                          : (struct ctype){ false, ps->entry, "" };
    add_field(p, fields, "", (struct ctype){ false, "size_t", "" }, "count");
    add_field(p, fields, "", (struct ctype){ et.is_const, et.base, plan_fmt(p, "%s*", et.stars) },
              "items");
}

static void plan_entry(struct planner *p, const struct pshape *ps, struct tv *entries)
{
    struct tv *en = tv_push(entries);
    struct ctype vt = element_type(p, ps->s->value->target);
    tv_set_str(en, "type", ps->entry);
    tv_set_bool(en, "const", vt.is_const);
    tv_set_str(en, "value_type", vt.base);
    tv_set_str(en, "stars", vt.stars);
}

void plan_types(struct planner *p, struct tv *root)
{
    struct tv *enums = tv_set_list(root, "enums");
    struct tv *structs = tv_set_list(root, "structs");
    struct tv *entries = tv_set_list(root, "entries");
    struct tv *inputs = tv_set_list(root, "inputs");
    struct tv *outputs = tv_set_list(root, "outputs");
    for (size_t k = 0; k < p->m->shape_count; k++) {
        const struct pshape *ps = &p->ps[p->order[k]];
        const struct shape *s = ps->s;
        if (!ps->in_closure)
            continue;
        if (s->enum_count > 0)
            plan_enum(p, s, enums);
        if (plan_is_struct(s) || (ps->as_element && (s->type == SHAPE_LIST || s->type == SHAPE_MAP)))
            plan_struct(p, ps, structs);
        if (s->type == SHAPE_MAP)
            plan_entry(p, ps, entries);
        if (ps->is_input && plan_is_struct(s))
            tv_set_str(tv_push(inputs), "c", ps->c);
        if (ps->is_output && plan_is_struct(s))
            tv_set_str(tv_push(outputs), "c", ps->c);
    }
}
