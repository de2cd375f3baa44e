/* The descriptor tables (runtime/include/shape/acg_shape.h): one struct acg_shape per shape
 * that needs its own, with its members, wire-name index and limits. Scalars without
 * constraints or traits point at the runtime's shared descriptors (acg_shape_string, ...),
 * which keeps the tables of a large model small. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "plan_internal.h"
#include "text.h"

static const char *type_enum(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_STRUCTURE: return "STRUCTURE";
    case SHAPE_UNION: return "UNION";
    case SHAPE_DOCUMENT: return "DOCUMENT";
    case SHAPE_LIST: return "LIST";
    case SHAPE_MAP: return "MAP";
    case SHAPE_STRING: return "STRING";
    case SHAPE_BOOLEAN: return "BOOLEAN";
    case SHAPE_INTEGER: return "INTEGER";
    case SHAPE_LONG: return "LONG";
    case SHAPE_FLOAT: return "FLOAT";
    case SHAPE_DOUBLE: return "DOUBLE";
    case SHAPE_TIMESTAMP: return "TIMESTAMP";
    case SHAPE_BLOB: return "BLOB";
    }
    return "STRING";
}

static const char *ts_enum(const char *format)
{
    if (format == NULL)
        return NULL;
    if (strcmp(format, "iso8601") == 0)
        return "ISO8601";
    if (strcmp(format, "rfc822") == 0)
        return "HTTP_DATE";
    return "EPOCH_SECONDS";
}

/* A scalar needs a descriptor of its own only for what the shared ones cannot say. */
static bool needs_own(const struct shape *s)
{
    if (plan_is_struct(s) || s->type == SHAPE_LIST || s->type == SHAPE_MAP)
        return true;
    return s->min.set || s->max.set || s->pattern != NULL || s->enum_count > 0 || s->sensitive ||
           s->timestamp_format != NULL || s->streaming || s->requires_length ||
           s->xml_ns_uri != NULL || s->location_name != NULL;
}

/* The C expression for a pointer to the descriptor of shape s. */
static const char *shape_ref(struct planner *p, const struct shape *s)
{
    const struct pshape *ps = plan_shape_of(p, s);
    if (ps->own_descriptor)
        return plan_fmt(p, "&%s_shape", ps->c);
    return plan_fmt(p, "&acg_shape_%s", shape_type_name(s->type));
}

/* The spelling of a value's C type for sizeof. */
static const char *value_type(struct planner *p, const struct shape *t)
{
    switch (t->type) {
    case SHAPE_STRING: case SHAPE_DOCUMENT: return "const char *";
    case SHAPE_BOOLEAN: return "bool";
    case SHAPE_INTEGER: return "int32_t";
    case SHAPE_LONG: return "int64_t";
    case SHAPE_FLOAT: return "float";
    case SHAPE_DOUBLE: return "double";
    case SHAPE_TIMESTAMP: return "struct acg_timestamp";
    case SHAPE_BLOB: return "struct acg_blob";
    case SHAPE_LIST: case SHAPE_MAP:
        if (!plan_shape_of(p, t)->as_element)
            return "struct acg_seq";
        break;
    default:
        break;
    }
    return plan_fmt(p, "struct %s_%s", p->prefix, plan_shape_of(p, t)->c);
}

static void add_flag(struct tv *flags, const char *name)
{
    tv_set_str(tv_push(flags), "flag", name);
}

/* Constraints go into the shape's own initializer; the bounds' presence is a flag. Returns
 * the width of the bounds written on one line (" .min = 1, .max = 63,"), 0 without bounds. */
static size_t plan_limits(struct planner *p, const struct shape *s, struct tv *row,
                          struct tv *flags)
{
    bool floating = s->type == SHAPE_FLOAT || s->type == SHAPE_DOUBLE;
    if (s->min.set)
        add_flag(flags, "HAS_MIN");
    if (s->max.set)
        add_flag(flags, "HAS_MAX");
    tv_set_bool(row, "has_min", s->min.set);
    tv_set_bool(row, "has_max", s->max.set);
    tv_set_str(row, "min_field", floating ? "min_value" : "min");
    tv_set_str(row, "max_field", floating ? "max_value" : "max");
    tv_set_bool(row, "has_min_only", s->min.set && !s->max.set);
    tv_set_bool(row, "has_max_only", s->max.set && !s->min.set);
    tv_set_bool(row, "has_both", s->min.set && s->max.set);
    const char *min = floating ? plan_fmt(p, "%.17g", s->min.d)
                      : s->min.i == INT64_MIN ? "INT64_MIN"
                      : plan_fmt(p, "%" PRId64, s->min.i);
    const char *max = floating ? plan_fmt(p, "%.17g", s->max.d) : plan_fmt(p, "%" PRId64, s->max.i);
    tv_set_str(row, "min", min);
    tv_set_str(row, "max", max);
    tv_set_bool(row, "has_pattern", s->pattern != NULL);
    tv_set_fmt(row, "pattern", "%zu", s->pattern ? plan_pattern(p, s->pattern) : 0);
    tv_set_bool(row, "has_enum", s->enum_count > 0);
    tv_set_fmt(row, "enum_count", "%zu", s->enum_count);
    /* The values in rows that stay within 100 columns. */
    struct tv *rows = tv_set_list(row, "enum_rows");
    struct tv *vals = NULL;
    size_t width = 0;
    for (size_t i = 0; i < s->enum_count; i++) {
        const char *lit = text_c_string(p->a, s->enum_values[i]);
        if (vals == NULL || width + strlen(lit) + 2 > 96) {
            tv_mark_last(vals, "last");
            vals = tv_set_list(tv_push(rows), "values");
            width = 0;
        }
        tv_set_str(tv_push(vals), "value", lit);
        width += strlen(lit) + 2;
    }
    tv_mark_last(vals, "last");
    size_t field = floating ? strlen(" .min_value = ,") : strlen(" .min = ,");
    return (s->min.set ? field + strlen(min) : 0) + (s->max.set ? field + strlen(max) : 0);
}

/* One member row; field is the C field (or entry field) it lives in, NULL for a list's
 * element (at offset 0 of its item). */
static void plan_member_row(struct planner *p, struct tv *members, const struct member *mb,
                            const char *field, const char *has_field)
{
    struct tv *r = tv_push(members);
    tv_set_bool(r, "has_offset", field != NULL);
    const char *wire = mb->location_name;
    const char *ref = shape_ref(p, mb->target);
    const char *name = text_c_string(p->a, mb->name);
    tv_set_str(r, "name", name);
    tv_set_bool(r, "has_wire", wire != NULL);
    tv_set_str(r, "wire", text_c_string(p->a, wire ? wire : ""));
    tv_set_str(r, "shape", ref);
    /* The name and the shape share the first line when they fit in 100 columns. */
    tv_set_bool(r, "shape_apart", !plan_fits("    { .name = ", name, ", .shape = ", ref, ","));
    tv_set_str(r, "field", field ? field : "");
    tv_set_bool(r, "has_flag", has_field != NULL);
    tv_set_str(r, "has_field", has_field ? has_field : "");
    struct tv *flags = tv_set_list(r, "flags");
    const struct { bool on; const char *name; } fl[] = {
        { mb->required, "REQUIRED" },          { mb->idempotency_token, "IDEMPOTENCY_TOKEN" },
        { mb->host_label, "HOST_LABEL" },      { mb->jsonvalue, "JSONVALUE" },
        { mb->xml_attribute, "XML_ATTRIBUTE" }, { mb->flattened, "FLATTENED" },
        { mb->streaming, "STREAMING" },         { mb->event_payload, "EVENT_PAYLOAD" },
        { mb->payload, "PAYLOAD" },
        { mb->deprecated, "DEPRECATED" },
    };
    const char *flag = "";
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        if (fl[i].on) {
            add_flag(flags, fl[i].name);
            flag = fl[i].name;
        }
    }
    tv_mark_last(flags, "last");
    tv_set_bool(r, "has_flags", tv_list_len(flags) > 0);
    /* A single flag shares the offset line when both fit in 100 columns. */
    bool join = tv_list_len(flags) == 1 && field != NULL &&
                plan_fits("      .flags = ACG_MEMBER_", flag, ", .offset = offsetof(T, ", field, ") },");
    tv_set_bool(r, "flags_apart", tv_list_len(flags) > 0 && !join);
    tv_set_bool(r, "flags_joined", join);
    static const char *const locs[] = { "BODY", "URI", "QUERY", "HEADER", "HEADERS", "STATUS_CODE" };
    tv_set_bool(r, "has_location", mb->location != LOC_BODY);
    tv_set_str(r, "location", locs[mb->location]);
    tv_set_bool(r, "has_xml_ns", mb->xml_ns_uri != NULL);
    tv_set_str(r, "xml_ns", text_c_string(p->a, mb->xml_ns_uri ? mb->xml_ns_uri : ""));
    tv_set_bool(r, "has_xml_prefix", mb->xml_ns_prefix != NULL);
    tv_set_str(r, "xml_prefix", text_c_string(p->a, mb->xml_ns_prefix ? mb->xml_ns_prefix : ""));
    tv_set_bool(r, "has_context", mb->context_param != NULL);
    tv_set_str(r, "context", text_c_string(p->a, mb->context_param ? mb->context_param : ""));
    tv_set_bool(r, "has_traits",
                mb->xml_ns_uri != NULL || mb->xml_ns_prefix != NULL || mb->context_param != NULL);
    /* A member with nothing but its name, shape and offset takes one line when it fits. */
    bool plain = field != NULL && wire == NULL && has_field == NULL &&
                 tv_list_len(flags) == 0 && mb->location == LOC_BODY &&
                 mb->xml_ns_uri == NULL && mb->xml_ns_prefix == NULL && mb->context_param == NULL;
    tv_set_bool(r, "one_line", plain && plan_fits("    { .name = ", name, ", .shape = ", ref,
                                                  ", .offset = offsetof(T, ", field, ") },"));
    /* A has_ offset shares the offset's line when both fit. */
    tv_set_bool(r, "has_joined", has_field != NULL && field != NULL && !join &&
                                     plan_fits("      .has_offset = offsetof(T, ", has_field,
                                               "), .offset = offsetof(T, ", field, ") },"));
}

/* Member indexes sorted by wire name, as the decoders search them. */
struct wire_key {
    const char *name;
    size_t index;
};

static int by_wire(const void *a, const void *b)
{
    const struct wire_key *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->index < y->index ? -1 : 1);
}

/* The index, in rows of 16 so the line stays short. */
static void plan_wire_index(struct planner *p, const struct shape *s, struct tv *shape_row)
{
    struct wire_key *keys = acg_arena_calloc(p->a, s->member_count + 1, sizeof *keys);
    struct tv *list = tv_set_list(shape_row, "by_wire");
    if (keys == NULL)
        return;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct member *mb = &s->members[i];
        keys[i].name = mb->location_name ? mb->location_name : mb->name;
        keys[i].index = i;
    }
    qsort(keys, s->member_count, sizeof *keys, by_wire);
    struct tv *row = NULL;
    for (size_t i = 0; i < s->member_count; i++) {
        if (i % 16 == 0) {
            tv_mark_last(row, "last");
            row = tv_set_list(tv_push(list), "indexes");
        }
        tv_set_fmt(tv_push(row), "index", "%zu", keys[i].index);
    }
    tv_mark_last(row, "last");
}

static void plan_composite(struct planner *p, const struct pshape *ps, struct tv *row)
{
    const struct shape *s = ps->s;
    struct tv *members = tv_set_list(row, "members");
    tv_set_str(row, "struct", plan_fmt(p, "struct %s_%s", p->prefix, ps->c));
    if (plan_is_struct(s)) {
        const char **names = plan_field_names(p, s);
        const char **extras = plan_extra_field_names(p, s);
        for (size_t k = 0; names && k < s->member_count; k++) {
            const struct member *mb = &s->members[k];
            if (mb->target == NULL)
                continue;
            /* A list or map member is read as struct acg_seq: from its count field on. */
            bool seq = mb->target->type == SHAPE_LIST || mb->target->type == SHAPE_MAP;
            plan_member_row(p, members, mb, seq ? extras[k] : names[k],
                            plan_is_flagged(mb->target) ? extras[k] : NULL);
        }
        tv_set_fmt(row, "member_count", "%zu", s->member_count);
        /* Small structures are searched in order; the index pays off past a few members. */
        tv_set_bool(row, "has_by_wire", s->member_count > 8);
        plan_wire_index(p, s, row);
        tv_set_bool(row, "has_members", s->member_count > 0);
        tv_set_str(row, "offset_type", plan_fmt(p, "struct %s_%s", p->prefix, ps->c));
        tv_set_bool(row, "has_offset_type", s->member_count > 0);
        return;
    }
    if (s->type == SHAPE_LIST) {
        tv_set_str(row, "item_type", value_type(p, s->item->target));
        tv_set_str(row, "item", shape_ref(p, s->item->target));
        tv_set_bool(row, "has_item_name", s->item->location_name != NULL);
        tv_set_str(row, "item_name", text_c_string(p->a, s->item->location_name
                                                            ? s->item->location_name : ""));
        tv_set_str(row, "member_count", "0");
        tv_set_bool(row, "has_offset_type", false);
        tv_set_bool(row, "has_members", false);
        tv_set_bool(row, "has_by_wire", false);
        tv_set_list(row, "by_wire");
        return;
    } else {
        const char *entry = ps->entry;
        plan_member_row(p, members, s->key, "key", NULL);
        plan_member_row(p, members, s->value, "value", NULL);
        tv_set_str(row, "item_type", entry);
        tv_set_str(row, "offset_type", entry);
        tv_set_bool(row, "has_offset_type", true);
        tv_set_str(row, "member_count", "2");
    }
    tv_set_bool(row, "has_members", true);
    tv_set_bool(row, "has_by_wire", false);
    tv_set_list(row, "by_wire");
}

static void plan_shape_row(struct planner *p, const struct pshape *ps, struct tv *rows)
{
    const struct shape *s = ps->s;
    struct tv *r = tv_push(rows);
    tv_set_str(r, "c", ps->c);
    const char *name = text_c_string(p->a, s->name);
    tv_set_str(r, "name", name);
    /* Names too long to share a line with what comes beside them get lines of their own. */
    tv_set_bool(r, "long_c", !plan_fits("static const struct acg_member ", ps->c, "_members[] = {"));
    tv_set_bool(r, "long_name", !plan_fits("    .name = ", name, ", .type = ACG_SHAPE_",
                                           type_enum(s), ","));
    tv_set_bool(r, "size_joined", plan_fits("    .name = ", name, ", .type = ACG_SHAPE_",
                                            type_enum(s), ", .size = sizeof(", value_type(p, s),
                                            "),"));
    tv_set_str(r, "type", type_enum(s));
    tv_set_str(r, "size_type", value_type(p, s));
    tv_set_bool(r, "has_ts", s->timestamp_format != NULL);
    tv_set_str(r, "ts", s->timestamp_format ? ts_enum(s->timestamp_format) : "");
    struct tv *flags = tv_set_list(r, "flags");
    const struct { bool on; const char *name; } fl[] = {
        { s->sensitive, "SENSITIVE" },   { s->exception, "EXCEPTION" },
        { s->fault, "FAULT" },           { s->retryable, "RETRYABLE" },
        { s->throttling, "THROTTLING" }, { s->event_stream, "EVENT_STREAM" },
        { s->streaming, "STREAMING" },   { s->requires_length, "REQUIRES_LENGTH" },
        { s->flattened, "FLATTENED" },   { s->sparse, "SPARSE" },
        { ps->top_level, "TOP_LEVEL" },
    };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        if (fl[i].on)
            add_flag(flags, fl[i].name);
    }
    size_t range_width = plan_limits(p, s, r, flags);
    /* "    .flags = ACG_SHAPE_A | ACG_SHAPE_HAS_MIN," */
    size_t flags_width = plan_width("    .flags = ,", (const char *)NULL);
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        flags_width += fl[i].on ? plan_width("ACG_SHAPE_ | ", fl[i].name, (const char *)NULL) : 0;
    flags_width += s->min.set ? strlen("ACG_SHAPE_HAS_MIN | ") : 0;
    flags_width += s->max.set ? strlen("ACG_SHAPE_HAS_MAX | ") : 0;
    flags_width -= tv_list_len(flags) > 0 ? strlen(" | ") : 0;
    tv_mark_last(flags, "last");
    tv_set_bool(r, "has_flags", tv_list_len(flags) > 0);
    /* The bounds follow the flags that announce them when the line stays within 100 columns. */
    tv_set_bool(r, "range_joined", range_width > 0 && flags_width + range_width <= 100);
    bool composite = plan_is_struct(s) || s->type == SHAPE_LIST || s->type == SHAPE_MAP;
    tv_set_bool(r, "composite", composite);
    tv_set_bool(r, "is_struct", plan_is_struct(s));
    tv_set_bool(r, "is_seq", s->type == SHAPE_LIST || s->type == SHAPE_MAP);
    tv_set_bool(r, "is_list", s->type == SHAPE_LIST);
    /* A list or map that is never an element is a struct acg_seq: the runtime knows. */
    tv_set_bool(r, "has_size", plan_is_struct(s) || ps->as_element);
    if (composite)
        plan_composite(p, ps, r);
    tv_set_bool(r, "has_error_code", s->error_code != NULL && strcmp(s->error_code, s->name) != 0);
    tv_set_str(r, "error_code", text_c_string(p->a, s->error_code ? s->error_code : ""));
    tv_set_bool(r, "has_http_status", s->http_status > 0);
    tv_set_fmt(r, "http_status", "%d", s->http_status);
    tv_set_bool(r, "has_xml_name", s->location_name != NULL);
    tv_set_str(r, "xml_name", text_c_string(p->a, s->location_name ? s->location_name : ""));
    tv_set_bool(r, "has_xml_ns", s->xml_ns_uri != NULL);
    tv_set_str(r, "xml_ns", text_c_string(p->a, s->xml_ns_uri ? s->xml_ns_uri : ""));
    bool item_name = s->type == SHAPE_LIST && s->item->location_name != NULL;
    tv_set_bool(r, "has_traits", (s->error_code != NULL && strcmp(s->error_code, s->name) != 0) ||
                                     s->http_status > 0 || s->location_name != NULL ||
                                     s->xml_ns_uri != NULL || item_name);
}

/* Exceptions sorted by the code they arrive with, for acg_service_find_error. */
static int by_code(const void *a, const void *b)
{
    const struct shape *x = *(const struct shape *const *)a;
    const struct shape *y = *(const struct shape *const *)b;
    return strcmp(x->error_code ? x->error_code : x->name, y->error_code ? y->error_code : y->name);
}

static void plan_errors(struct planner *p, struct tv *root)
{
    const struct shape **errs = acg_arena_calloc(p->a, p->m->shape_count + 1, sizeof *errs);
    size_t n = 0;
    struct tv *list = tv_set_list(root, "service_errors");
    struct tv *accessors = tv_set_list(root, "errors");
    if (errs == NULL)
        return;
    for (size_t k = 0; k < p->m->shape_count; k++) {
        const struct pshape *ps = &p->ps[p->order[k]];
        if (!ps->in_closure || !ps->s->exception || !ps->top_level || !plan_is_struct(ps->s))
            continue;
        errs[n++] = ps->s;
        struct tv *e = tv_push(accessors);
        tv_set_str(e, "c", ps->c);
        tv_set_str(e, "comment", text_doc_comment(p->a, plan_fmt(p, "The %s error decoded from "
                                                                "err.\n@param err the error an "
                                                                "operation filled\n@return the "
                                                                "error's fields, owned by err, or "
                                                                "NULL when err holds another "
                                                                "error", ps->s->name), 0, 100));
    }
    qsort(errs, n, sizeof *errs, by_code);
    for (size_t i = 0; i < n; i++)
        tv_set_str(tv_push(list), "c", plan_shape_of(p, errs[i])->c);
    tv_set_fmt(root, "service_error_count", "%zu", n);
    tv_set_bool(root, "has_service_errors", n > 0);
}

/* Shapes in dependency order (what a shape refers to comes first, ties by name), so only
 * a reference back into a recursion needs a declaration ahead of its definition. */
enum { UNSEEN, VISITING, DONE };

static void order_shape(struct planner *p, const struct shape *s, char *state, size_t *out,
                        size_t *n, bool *declare)
{
    struct pshape *ps = plan_shape_of(p, s);
    size_t i = (size_t)(ps - p->ps);
    if (!ps->own_descriptor || state[i] == DONE)
        return;
    if (state[i] == VISITING) {
        declare[i] = true;
        return;
    }
    state[i] = VISITING;
    for (size_t k = 0; k < s->member_count; k++) {
        if (s->members[k].target != NULL)
            order_shape(p, s->members[k].target, state, out, n, declare);
    }
    const struct member *inner[] = { s->item, s->key, s->value };
    for (size_t k = 0; k < 3; k++) {
        if (inner[k] != NULL && inner[k]->target != NULL)
            order_shape(p, inner[k]->target, state, out, n, declare);
    }
    state[i] = DONE;
    out[(*n)++] = i;
}

void plan_tables(struct planner *p, struct tv *root)
{
    struct tv *rows = tv_set_list(root, "shapes");
    for (size_t k = 0; k < p->m->shape_count; k++) {
        struct pshape *ps = &p->ps[p->order[k]];
        ps->own_descriptor = ps->in_closure && needs_own(ps->s);
    }
    size_t n = 0, count = p->m->shape_count;
    char *state = acg_arena_calloc(p->a, count + 1, 1);
    bool *declare = acg_arena_calloc(p->a, count + 1, sizeof *declare);
    size_t *order = acg_arena_calloc(p->a, count + 1, sizeof *order);
    if (state == NULL || declare == NULL || order == NULL)
        return;
    for (size_t k = 0; k < count; k++)
        order_shape(p, p->ps[p->order[k]].s, state, order, &n, declare);
    struct tv *decls = tv_set_list(root, "declarations");
    for (size_t k = 0; k < count; k++) {
        if (declare[p->order[k]])
            tv_set_str(tv_push(decls), "c", p->ps[p->order[k]].c);
    }
    tv_set_bool(root, "has_declarations", tv_list_len(decls) > 0);
    for (size_t k = 0; k < n; k++)
        plan_shape_row(p, &p->ps[order[k]], rows);
    plan_errors(p, root);
    struct tv *pats = tv_set_list(root, "patterns");
    for (size_t i = 0; i < p->pattern_count; i++) {
        struct tv *pt = tv_push(pats);
        tv_set_fmt(pt, "index", "%zu", i);
        /* One column less than the width: the last piece is followed by ");", not ",". */
        tv_set_str(pt, "source", text_c_string_wrapped(p->a, p->patterns[i], 4, 99));
    }
    tv_set_bool(root, "has_patterns", p->pattern_count > 0);
}
