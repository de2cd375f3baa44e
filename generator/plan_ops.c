/* Operations: their descriptors (HTTP binding, errors, endpoint parameters, traits), the
 * typed wrappers in the header, and the program's commands with their documentation. */
#include <string.h>

#include "names.h"
#include "plan_internal.h"
#include "text.h"

/* Help text for the command line: the documentation's first paragraph, cut to a size every
 * C compiler takes as one string literal. */
static const char *help_text(struct planner *p, const char *doc)
{
    const char *plain = text_plain(p->a, doc);
    size_t n = strcspn(plain, "\n");
    if (n > 2000)
        return plan_fmt(p, "%.1996s ...", plain);
    return plan_fmt(p, "%.*s", (int)n, plain);
}

static void plan_host_prefix(struct planner *p, const struct operation *op, struct tv *o)
{
    tv_set_bool(o, "has_host_prefix", op->host_prefix != NULL);
    tv_set_str(o, "host_prefix", text_c_string(p->a, op->host_prefix ? op->host_prefix : ""));
    for (const char *c = op->host_prefix; c != NULL && (c = strchr(c, '{')) != NULL;) {
        const char *end = strchr(c, '}');
        size_t len = end ? (size_t)(end - c - 1) : 0;
        bool found = false;
        for (size_t i = 0; op->input && i < op->input->member_count; i++) {
            const struct member *mb = &op->input->members[i];
            found = found || (strlen(mb->name) == len && strncmp(mb->name, c + 1, len) == 0 &&
                              mb->host_label && mb->target->type == SHAPE_STRING);
        }
        if (!found)
            diag_error(p->d, p->m->path, op->mark, "operations.%s.endpoint.hostPrefix: label "
                       "{%.*s} is not a hostLabel string member of the input", op->name, (int)len,
                       c + 1);
        c = end ? end + 1 : c + strlen(c);
    }
}

static void plan_params(struct planner *p, const struct operation *op, struct tv *o)
{
    struct tv *stat = tv_set_list(o, "static_params");
    for (size_t i = 0; i < op->static_context_count; i++) {
        const struct context_value *cv = &op->static_context[i];
        struct tv *c = tv_push(stat);
        tv_set_str(c, "name", text_c_string(p->a, cv->name));
        tv_set_str(c, "value", cv->is_bool ? "NULL" : text_c_string(p->a, cv->str));
        tv_set_str(c, "boolean", cv->is_bool && cv->boolean ? "true" : "false");
    }
    tv_set_bool(o, "has_static_params", op->static_context_count > 0);
    tv_set_fmt(o, "static_param_count", "%zu", op->static_context_count);
    struct tv *paths = tv_set_list(o, "path_params");
    for (size_t i = 0; i < op->path_context_count; i++) {
        struct tv *c = tv_push(paths);
        tv_set_str(c, "name", text_c_string(p->a, op->path_context[i].name));
        tv_set_str(c, "path", text_c_string(p->a, op->path_context[i].str));
    }
    tv_set_bool(o, "has_path_params", op->path_context_count > 0);
    tv_set_fmt(o, "path_param_count", "%zu", op->path_context_count);
}

static void plan_checksum(struct planner *p, const struct operation *op, struct tv *o)
{
    bool any = op->checksum_required || op->checksum_algorithm_member != NULL ||
               op->checksum_mode_member != NULL || op->response_algorithm_count > 0;
    tv_set_bool(o, "has_checksum", any);
    tv_set_str(o, "checksum_required", op->checksum_required ? "true" : "false");
    tv_set_str(o, "checksum_member", op->checksum_algorithm_member
                                         ? text_c_string(p->a, op->checksum_algorithm_member)
                                         : "NULL");
    tv_set_str(o, "checksum_mode", op->checksum_mode_member
                                       ? text_c_string(p->a, op->checksum_mode_member)
                                       : "NULL");
    struct tv *algs = tv_set_list(o, "response_algorithms");
    for (size_t i = 0; i < op->response_algorithm_count; i++)
        tv_set_str(tv_push(algs), "name", text_c_string(p->a, op->response_algorithms[i]));
    tv_set_bool(o, "has_response_algorithms", op->response_algorithm_count > 0);
    tv_set_fmt(o, "response_algorithm_count", "%zu", op->response_algorithm_count);
}

/* The program's documentation for each input member, in member order. */
static void plan_member_docs(struct planner *p, const struct operation *op, struct tv *o)
{
    struct tv *docs = tv_set_list(o, "member_docs");
    for (size_t i = 0; op->input && i < op->input->member_count; i++) {
        const struct member *mb = &op->input->members[i];
        const char *doc = help_text(p, mb->doc ? mb->doc : mb->target ? mb->target->doc : NULL);
        const char *lit = text_c_string_wrapped(p->a, doc, 5, 99);
        /* A literal split over lines is parenthesised: clang's -Wstring-concatenation takes
         * adjacent literals in an array for a missing comma. */
        if (strchr(lit, '\n') != NULL)
            lit = plan_fmt(p, "(%s)", lit);
        else
            lit = text_c_string_wrapped(p->a, doc, 4, 100);
        tv_set_str(tv_push(docs), "doc", lit);
    }
    tv_set_bool(o, "has_member_docs", tv_list_len(docs) > 0);
}

/* Operations often share their list of errors; the first one's array serves them all. */
struct error_lists {
    const char **keys;      /* the errors' C names joined with ' ' */
    const char **names;     /* the array's name */
    size_t count;
};

static const char *errors_key(struct planner *p, const struct operation *op)
{
    const char *key = "";
    for (size_t i = 0; i < op->error_count; i++)
        key = plan_fmt(p, "%s %s", key, plan_shape_of(p, op->errors[i])->c);
    return key;
}

static void plan_errors_ref(struct planner *p, const struct operation *op, const char *c,
                            struct error_lists *seen, struct tv *o)
{
    const char *key = errors_key(p, op);
    for (size_t i = 0; i < seen->count; i++) {
        if (strcmp(seen->keys[i], key) == 0) {
            tv_set_str(o, "errors_ref", seen->names[i]);
            tv_set_bool(o, "define_errors", false);
            return;
        }
    }
    const char *name = plan_fmt(p, "%s_errors", c);
    seen->keys[seen->count] = key;
    seen->names[seen->count++] = name;
    tv_set_str(o, "errors_ref", name);
    tv_set_bool(o, "define_errors", op->error_count > 0);
}

/* Whether the operation's output is a download: a blob payload, which botocore streams
 * whether or not it is marked streaming (acg_operation_streams_output agrees). */
static bool streams_output(const struct operation *op)
{
    const struct shape *s = op->output;
    for (size_t i = 0; s != NULL && i < s->member_count; i++) {
        const struct member *m = &s->members[i];
        if (m->payload && m->target != NULL && m->target->type == SHAPE_BLOB)
            return true;
    }
    return false;
}

static void plan_operation(struct planner *p, const struct operation *op, struct tv *ops,
                           struct error_lists *seen)
{
    struct tv *o = tv_push(ops);
    tv_set_str(o, "c", names_c_ident(p->a, op->name));
    tv_set_str(o, "name", text_c_string(p->a, op->name));
    tv_set_str(o, "comment", text_comment(p->a, text_plain(p->a, op->doc), 0, 100));
    tv_set_str(o, "doc_lit", text_c_string_wrapped(p->a, help_text(p, op->doc), 6, 100));
    tv_set_bool(o, "has_input", op->input != NULL);
    tv_set_bool(o, "has_output", op->output != NULL);
    tv_set_bool(o, "streams_output", streams_output(op));
    tv_set_str(o, "in_c", op->input ? plan_shape_of(p, op->input)->c : "");
    tv_set_str(o, "out_c", op->output ? plan_shape_of(p, op->output)->c : "");
    tv_set_bool(o, "io_one_line", op->input != NULL && op->output != NULL &&
                                      40 + strlen(plan_shape_of(p, op->input)->c) +
                                              strlen(plan_shape_of(p, op->output)->c) <= 100);
    tv_set_str(o, "http_method", text_c_string(p->a, op->http_method));
    tv_set_str(o, "request_uri", text_c_string_wrapped(p->a, op->request_uri, 8, 100));
    tv_set_bool(o, "has_http_status", op->response_code > 0);
    tv_set_fmt(o, "http_status", "%d", op->response_code);
    struct tv *errs = tv_set_list(o, "errors");
    for (size_t i = 0; i < op->error_count; i++)
        tv_set_str(tv_push(errs), "c", plan_shape_of(p, op->errors[i])->c);
    tv_set_bool(o, "has_errors", op->error_count > 0);
    tv_set_fmt(o, "error_count", "%zu", op->error_count);
    plan_errors_ref(p, op, names_c_ident(p->a, op->name), seen, o);
    struct tv *flags = tv_set_list(o, "flags");
    const struct { bool on; const char *name; } fl[] = {
        { op->request_compression, "REQUEST_COMPRESSION" }, { op->event_stream, "EVENT_STREAM" },
        { op->no_auth, "NO_AUTH" },                        { op->unsigned_payload, "UNSIGNED_PAYLOAD" },
        { op->deprecated, "DEPRECATED" },                  { op->idempotent, "IDEMPOTENT" },
    };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        if (fl[i].on)
            tv_set_str(tv_push(flags), "flag", fl[i].name);
    }
    tv_mark_last(flags, "last");
    tv_set_bool(o, "has_flags", tv_list_len(flags) > 0);
    plan_host_prefix(p, op, o);
    plan_params(p, op, o);
    plan_checksum(p, op, o);
    plan_member_docs(p, op, o);
}

void plan_operations(struct planner *p, struct tv *root)
{
    struct tv *ops = tv_set_list(root, "operations");
    struct error_lists seen = { 0 };
    size_t n = 0;
    seen.keys = acg_arena_calloc(p->a, p->m->operation_count + 1, sizeof *seen.keys);
    seen.names = acg_arena_calloc(p->a, p->m->operation_count + 1, sizeof *seen.names);
    if (seen.keys == NULL || seen.names == NULL)
        return;
    for (size_t i = 0; i < p->m->operation_count; i++) {
        if (plan_selected(p->o, p->m->operations[i].name)) {
            plan_operation(p, &p->m->operations[i], ops, &seen);
            n++;
        }
    }
    tv_set_fmt(root, "operation_count", "%zu", n);
}
