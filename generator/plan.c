/* The plan: walks the selected operations' closure, names every shape, and fills the
 * template context. Every decision about the output (C names, kinds, order, which shapes
 * get tables) is made in the plan's sources; templates only lay the values out.
 *
 * This file holds the walk and the root context; plan_types.c plans the header's types,
 * plan_tables.c the descriptor tables and plan_ops.c the operations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "plan_internal.h"
#include "text.h"

size_t plan_width(const char *first, ...)
{
    va_list ap;
    size_t width = 0;
    va_start(ap, first);
    for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
        width += strlen(s);
    va_end(ap);
    return width;
}

char *plan_fmt(struct planner *p, const char *f, ...)
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

struct pshape *plan_shape_of(struct planner *p, const struct shape *s)
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

bool plan_is_struct(const struct shape *s)
{
    return s->type == SHAPE_STRUCTURE || s->type == SHAPE_UNION;
}

bool plan_is_flagged(const struct shape *s)
{
    switch (s->type) {
    case SHAPE_BOOLEAN: case SHAPE_INTEGER: case SHAPE_LONG: case SHAPE_FLOAT:
    case SHAPE_DOUBLE: case SHAPE_TIMESTAMP:
        return true;
    default:
        return false;
    }
}

bool plan_selected(const struct gen_options *o, const char *name)
{
    if (o->operations == NULL || o->operations[0] == NULL)
        return true;
    for (const char **op = o->operations; *op; op++) {
        if (strcmp(*op, name) == 0)
            return true;
    }
    return false;
}

size_t plan_pattern(struct planner *p, const char *pat)
{
    for (size_t i = 0; i < p->pattern_count; i++) {
        if (strcmp(p->patterns[i], pat) == 0)
            return i;
    }
    if (p->pattern_count == p->pattern_cap) {
        size_t cap = p->pattern_cap ? p->pattern_cap * 2 : 64;
        const char **v = acg_arena_calloc(p->a, cap, sizeof *v);
        if (v == NULL)
            return 0;
        if (p->pattern_count)
            memcpy(v, p->patterns, p->pattern_count * sizeof *v);
        p->patterns = v;
        p->pattern_cap = cap;
    }
    p->patterns[p->pattern_count] = pat;
    return p->pattern_count++;
}

static bool name_used(const char **used, size_t n, const char *name)
{
    for (size_t u = 0; u < n; u++) {
        if (strcmp(used[u], name) == 0)
            return true;
    }
    return false;
}

/* The C fields of a structure's members: each member's own (a collision between two is an
 * error), then the has_x or x_count field beside it, which takes a trailing '_' while its
 * name is another field's (GuardDuty has both ScannedResources, a list, and
 * ScannedResourcesCount). */
static void name_fields(struct planner *p, const struct shape *s, struct pshape *ps)
{
    const char **names = acg_arena_calloc(p->a, s->member_count + 1, sizeof *names);
    const char **extras = acg_arena_calloc(p->a, s->member_count + 1, sizeof *extras);
    const char **used = acg_arena_calloc(p->a, 2 * s->member_count + 2, sizeof *used);
    size_t nused = 0;
    if (names == NULL || extras == NULL || used == NULL)
        return;
    used[nused++] = "arena_";
    for (size_t i = 0; i < s->member_count; i++) {
        const struct member *mb = &s->members[i];
        names[i] = names_c_ident(p->a, mb->name);
        if (name_used(used, nused, names[i]))
            diag_error(p->d, p->m->path, mb->mark, "shapes.%s.members.%s: its C field %s "
                       "collides with another field of the structure", s->name, mb->name,
                       names[i]);
        used[nused++] = names[i];
    }
    for (size_t i = 0; i < s->member_count; i++) {
        const struct member *mb = &s->members[i];
        const char *extra = NULL;
        if (mb->target && plan_is_flagged(mb->target))
            extra = plan_fmt(p, "has_%s", names[i]);
        else if (mb->target && (mb->target->type == SHAPE_LIST || mb->target->type == SHAPE_MAP))
            extra = plan_fmt(p, "%s_count", names[i]);
        while (extra != NULL && name_used(used, nused, extra))
            extra = plan_fmt(p, "%s_", extra);
        if (extra != NULL)
            used[nused++] = extra;
        extras[i] = extra;
    }
    ps->fields = names;
    ps->extras = extras;
}

const char **plan_field_names(struct planner *p, const struct shape *s)
{
    struct pshape *ps = plan_shape_of(p, s);
    if (ps->fields == NULL)
        name_fields(p, s, ps);
    return ps->fields;
}

const char **plan_extra_field_names(struct planner *p, const struct shape *s)
{
    struct pshape *ps = plan_shape_of(p, s);
    if (ps->fields == NULL)
        name_fields(p, s, ps);
    return ps->extras;
}

/* ---- closure ---- */

static void mark_closure(struct planner *p, const struct shape *s)
{
    if (s == NULL)
        return;
    struct pshape *ps = plan_shape_of(p, s);
    if (ps->in_closure)
        return;
    ps->in_closure = true;
    for (size_t i = 0; i < s->member_count; i++)
        mark_closure(p, s->members[i].target);
    const struct member *inner[] = { s->item, s->key, s->value };
    for (size_t i = 0; i < 3; i++) {
        if (inner[i] == NULL || inner[i]->target == NULL)
            continue;
        const struct shape *t = inner[i]->target;
        if (i != 1 && (t->type == SHAPE_LIST || t->type == SHAPE_MAP))
            plan_shape_of(p, t)->as_element = true;
        mark_closure(p, t);
    }
}

/* ---- names ---- */

struct named {
    const char *c;
    const char *model_name;
    size_t index;
};

static int by_c_name(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->c, y->c);
    return c ? c : strcmp(x->model_name, y->model_name);
}

/* Snake-case names for every shape. Two shapes whose names meet ("EventTypeList",
 * "eventTypeList") would declare one type twice: the first by model name keeps the name,
 * the others get _2, _3, ... The sorted order is also the output order. */
static int name_shapes(struct planner *p)
{
    size_t n = p->m->shape_count;
    struct named *v = acg_arena_calloc(p->a, n + 1, sizeof *v);
    p->order = acg_arena_calloc(p->a, n + 1, sizeof *p->order);
    if (v == NULL || p->order == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        p->ps[i].s = p->m->shapes[i];
        p->ps[i].c = names_c_ident(p->a, p->m->shapes[i]->name);
        v[i] = (struct named){ p->ps[i].c, p->m->shapes[i]->name, i };
    }
    qsort(v, n, sizeof *v, by_c_name);
    for (size_t k = 0; k < n; k++) {
        int suffix = 2;
        for (size_t j = k + 1; j < n && strcmp(v[j].c, v[k].c) == 0; j++)
            p->ps[v[j].index].c = plan_fmt(p, "%s_%d", v[j].c, suffix++);
        p->order[k] = v[k].index;
    }
    /* A map's entry struct is <map>_entry, unless a shape already has that name (S3's
     * Metadata map beside its MetadataEntry structure): then <map>_map_entry. */
    for (size_t i = 0; i < n; i++) {
        const char *entry = plan_fmt(p, "%s_entry", p->ps[i].c);
        for (size_t j = 0; j < n && p->ps[i].s->type == SHAPE_MAP; j++) {
            if (strcmp(p->ps[j].c, entry) == 0) {
                entry = plan_fmt(p, "%s_map_entry", p->ps[i].c);
                j = (size_t)-1;   /* check the new name too */
            }
        }
        p->ps[i].entry = plan_fmt(p, "struct %s_%s", p->prefix, entry);
    }
    return 0;
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

/* ---- the root context ---- */

/* A path short enough for the banner's line: long ones keep their last three parts
 * (".../personalize/2018-05-22/service-2.json.gz"); MANIFEST has the whole path. */
static const char *short_path(struct planner *p, const char *path)
{
    if (strlen(path) <= 60)
        return path;
    const char *cut = path + strlen(path);
    for (int parts = 0; parts < 3 && cut > path; parts++) {
        cut--;
        while (cut > path && *cut != '/')
            cut--;
    }
    return *cut == '/' ? plan_fmt(p, "...%s", cut) : path;
}

static void plan_banner(struct planner *p, struct tv *root, const char *endpoint_code)
{
    const struct model *m = p->m;
    const char *op_names = "";
    size_t op_count = 0;
    for (size_t i = 0; i < m->operation_count; i++) {
        if (plan_selected(p->o, m->operations[i].name)) {
            op_names = plan_fmt(p, "%s%s%s", op_names, op_count ? ", " : "", m->operations[i].name);
            op_count++;
        }
    }
    const char *ops = op_count == m->operation_count ? plan_fmt(p, "all %zu", op_count) : op_names;
    tv_set_str(root, "version", GEN_VERSION);
    const char *path = p->o->display_path ? p->o->display_path : m->path;
    tv_set_str(root, "model_path", path);
    tv_set_str(root, "model_path_short", short_path(p, path));
    tv_set_str(root, "model_sha256", m->sha256);
    tv_set_str(root, "banner_ops", text_comment(p->a, plan_fmt(p, "Operations: %s.", ops), 0, 100));
    tv_set_str(root, "operation_names", op_names);
    tv_set_str(root, "prefix", p->prefix);
    tv_set_str(root, "PREFIX", p->upper);
    tv_set_str(root, "service_comment", text_comment(p->a, text_plain(p->a, m->doc), 0, 100));
    tv_set_str(root, "endpoint_code", endpoint_code ? endpoint_code : "");
}

/* The runtime's names for a model's protocol: its enum acg_protocol constant and its codec
 * object (acg_codec_...). */
static const char *const protocol_names[][3] = {
    { "json", "JSON", "json" },
    { "rest-json", "REST_JSON", "rest_json" },
    { "rest-xml", "REST_XML", "rest_xml" },
    { "query", "QUERY", "query" },
    { "ec2", "EC2", "query" },   /* ec2 is awsQuery's variant: one codec */
    { "smithy-rpc-v2-cbor", "RPC_V2_CBOR", "rpc_v2_cbor" },
};

static const char *const *protocol_runtime_names(const char *protocol)
{
    for (size_t i = 0; i < sizeof protocol_names / sizeof protocol_names[0]; i++) {
        if (strcmp(protocol_names[i][0], protocol) == 0)
            return protocol_names[i];
    }
    return protocol_names[0];
}

static void plan_service(struct planner *p, struct tv *root)
{
    const struct model *m = p->m;
    struct acg_arena *a = p->a;
    tv_set_str(root, "service_id", text_c_string(a, m->service_id ? m->service_id : ""));
    tv_set_str(root, "signing_name", text_c_string(a, m->signing_name ? m->signing_name : ""));
    tv_set_str(root, "endpoint_prefix", text_c_string(a, m->endpoint_prefix ? m->endpoint_prefix : ""));
    tv_set_bool(root, "has_target_prefix", m->target_prefix != NULL);
    tv_set_str(root, "target_prefix", text_c_string(a, m->target_prefix ? m->target_prefix : ""));
    tv_set_str(root, "json_version", text_c_string(a, m->json_version));
    tv_set_str(root, "api_version", text_c_string(a, m->api_version ? m->api_version : ""));
    tv_set_bool(root, "has_xml_namespace", m->xml_namespace != NULL);
    tv_set_str(root, "xml_namespace", text_c_string(a, m->xml_namespace ? m->xml_namespace : ""));
    tv_set_str(root, "protocol", protocol_runtime_names(m->protocol)[1]);
    tv_set_str(root, "codec", protocol_runtime_names(m->protocol)[2]);
    tv_set_bool(root, "query_compatible", m->query_compatible);
    tv_set_str(root, "service_doc_lit",
               text_c_string_wrapped(a, text_summary(a, text_plain(a, m->doc), 400), 8, 100));
    const char *v = p->o->validation;
    bool other = v != NULL && strcmp(v, "enforce") != 0;
    tv_set_bool(root, "has_validation_default", other);
    tv_set_str(root, "validation_default", !other ? "ACG_VALIDATE_ENFORCE"
                                           : strcmp(v, "off") == 0 ? "ACG_VALIDATE_OFF"
                                                                   : "ACG_VALIDATE_WARN");
}

int gen_plan(const struct model *m, const struct gen_options *o, const char *endpoint_code,
             struct acg_arena *a, struct tv **out, struct diag *d)
{
    int errors_before = d->errors;
    struct planner p = { .m = m, .o = o, .a = a, .d = d };
    p.prefix = gen_prefix(m, o, a);
    p.upper = names_upper(a, p.prefix);
    p.ps = acg_arena_calloc(a, m->shape_count + 1, sizeof *p.ps);
    struct tv *root = tv_map(a);
    if (p.ps == NULL || root == NULL || name_shapes(&p) != 0)
        return -1;
    for (const char **op = o->operations; op && *op; op++) {
        if (model_find_operation(m, *op) == NULL)
            diag_error(d, m->path, (struct gen_mark){ 0, 0 },
                       "--operation %s: no such operation in the model", *op);
    }
    for (size_t i = 0; i < m->operation_count; i++) {
        const struct operation *op = &m->operations[i];
        if (!plan_selected(o, op->name))
            continue;
        const struct shape *tops[] = { op->input, op->output };
        for (size_t k = 0; k < 2; k++) {
            mark_closure(&p, tops[k]);
            if (tops[k] == NULL)
                continue;
            plan_shape_of(&p, tops[k])->top_level = true;
            if (k == 0)
                plan_shape_of(&p, tops[k])->is_input = true;
            else
                plan_shape_of(&p, tops[k])->is_output = true;
        }
        for (size_t k = 0; k < op->error_count; k++) {
            mark_closure(&p, op->errors[k]);
            plan_shape_of(&p, op->errors[k])->top_level = true;
        }
    }
    plan_banner(&p, root, endpoint_code);
    plan_service(&p, root);
    plan_types(&p, root);
    plan_tables(&p, root);
    plan_operations(&p, root);
    if (tv_failed(root)) {
        diag_error(d, m->path, (struct gen_mark){ 0, 0 }, "out of memory while planning");
        return -1;
    }
    *out = root;
    return d->errors > errors_before ? -1 : 0;
}
