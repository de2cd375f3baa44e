/* Operations: their descriptors (HTTP binding, errors, endpoint parameters, traits), the
 * typed wrappers in the header, and the program's commands with their documentation. */
#include <stdlib.h>
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

static void string_list(struct planner *p, struct tv *o, const char *key, const char **v,
                        size_t n)
{
    struct tv *list = tv_set_list(o, key);
    for (size_t i = 0; i < n; i++)
        tv_set_str(tv_push(list), "value", text_c_string(p->a, v[i]));
}

/* The list shape a result key (dotted member names) ends at in shape s, or NULL. */
static const struct shape *result_list(const struct shape *s, const char *path)
{
    while (s != NULL) {
        size_t len = strcspn(path, ".");
        const struct shape *next = NULL;
        for (size_t i = 0; i < s->member_count; i++) {
            if (strlen(s->members[i].name) == len && memcmp(s->members[i].name, path, len) == 0)
                next = s->members[i].target;
        }
        if (path[len] == '\0')
            return next != NULL && next->type == SHAPE_LIST ? next : NULL;
        s = next;
        path += len + 1;
    }
    return NULL;
}

static void plan_paginator(struct planner *p, const struct operation *op, struct tv *o)
{
    const struct paginator *pg = op->paginator;
    tv_set_bool(o, "has_paginator", pg != NULL);
    /* botocore pages only by a result key (its PageIterator reads result_keys[0]). */
    tv_set_bool(o, "pageable", pg != NULL && pg->result_key_count > 0 && op->output != NULL);
    if (pg == NULL)
        return;
    const struct shape *list = pg->result_key_count > 0
                                   ? result_list(op->output, pg->result_keys[0]) : NULL;
    tv_set_str(o, "pages_comment", text_doc_comment(p->a, plan_fmt(p,
        "Pages of %s, fetched one call at a time as botocore's paginator does (see "
        "client/acg_pager.h); nothing is sent before the first %s_%s_next_page().\n"
        "@param client a client from %s_client_new()%s\n"
        "@param options starting token, page size, item limit (may be NULL)\n"
        "@param pager set to the pager; free it with acg_pager_free()\n"
        "@param err filled on failure (may be NULL)\n"
        "@return ACG_OK, or a negative enum acg_status", op->name, p->prefix,
        names_c_ident(p->a, op->name), p->prefix,
        op->input != NULL ? "\n@param in the first request; copied" : ""), 0, 100));
    tv_set_str(o, "next_page_comment", text_doc_comment(p->a, plan_fmt(p,
        "The next page of %s into *page, owned by the pager until its next call; NULL after "
        "the last.", op->name), 0, 100));
    /* Long operation names put the pager functions' return types and last parameters on
     * lines of their own. */
    const char *c = names_c_ident(p->a, op->name);
    const char *out_c = plan_shape_of(p, op->output)->c;
    const char *pre = p->prefix;
    const char *item = list != NULL && list->item != NULL
                           ? plan_element_pointer(p, list->item->target) : "";
    bool fits = plan_fits("    const struct ", pre, "_", out_c, " **page, struct acg_error *err)") &&
                plan_fits("    *page = (const struct ", pre, "_", out_c, " *)next;") &&
                plan_fits("    ", item, "*item, struct acg_error *err)") &&
                plan_fits("    return acg_pager_new(client, &", c, "_op, NULL, options, pager, err);");
    tv_set_bool(o, "pager_long", !fits);
    tv_set_bool(o, "has_items", list != NULL && list->item != NULL);
    tv_set_str(o, "item_pointer", item);
    string_list(p, o, "input_tokens", pg->input_tokens, pg->token_count);
    string_list(p, o, "output_tokens", pg->output_tokens, pg->token_count);
    string_list(p, o, "result_keys", pg->result_keys, pg->result_key_count);
    string_list(p, o, "non_aggregate_keys", pg->non_aggregate_keys, pg->non_aggregate_key_count);
    tv_set_fmt(o, "token_count", "%zu", pg->token_count);
    tv_set_fmt(o, "result_key_count", "%zu", pg->result_key_count);
    tv_set_fmt(o, "non_aggregate_key_count", "%zu", pg->non_aggregate_key_count);
    tv_set_bool(o, "has_result_keys", pg->result_key_count > 0);
    tv_set_bool(o, "has_non_aggregate_keys", pg->non_aggregate_key_count > 0);
    tv_set_str(o, "limit_key", pg->limit_key ? text_c_string(p->a, pg->limit_key) : "NULL");
    tv_set_str(o, "more_results", pg->more_results ? text_c_string(p->a, pg->more_results)
                                                   : "NULL");
}

/* Waiters whose operation is generated, sorted by name as the runtime searches them. */
static int by_waiter_name(const void *a, const void *b)
{
    return strcmp((*(const struct waiter *const *)a)->name,
                  (*(const struct waiter *const *)b)->name);
}

static void plan_waiters(struct planner *p, struct tv *root)
{
    struct tv *list = tv_set_list(root, "waiters");
    const struct waiter **ws = acg_arena_calloc(p->a, p->m->waiter_count + 1, sizeof *ws);
    size_t n = 0;
    for (size_t i = 0; ws != NULL && i < p->m->waiter_count; i++) {
        if (plan_selected(p->o, p->m->waiters[i].operation->name))
            ws[n++] = &p->m->waiters[i];
    }
    if (n > 0)
        qsort(ws, n, sizeof *ws, by_waiter_name);
    for (size_t i = 0; i < n; i++) {
        struct tv *w = tv_push(list);
        const struct shape *in = ws[i]->operation->input;
        tv_set_fmt(w, "index", "%zu", i);
        tv_set_bool(w, "has_input", in != NULL);
        tv_set_str(w, "in_c", in != NULL ? plan_shape_of(p, in)->c : "");
        tv_set_str(w, "comment", text_doc_comment(p->a, plan_fmt(p,
            "Waits until %s says %s is done, as botocore's %s waiter does: polls every %d "
            "seconds, at most %d times. See client/acg_waiter.h.", ws[i]->operation->name,
            ws[i]->name, ws[i]->name, ws[i]->delay_s, ws[i]->max_attempts), 0, 100));
        tv_set_str(w, "c", names_c_ident(p->a, ws[i]->name));
        tv_set_str(w, "name", text_c_string(p->a, ws[i]->name));
        tv_set_str(w, "op_c", names_c_ident(p->a, ws[i]->operation->name));
        tv_set_fmt(w, "delay", "%d", ws[i]->delay_s);
        tv_set_fmt(w, "max_attempts", "%d", ws[i]->max_attempts);
        tv_set_fmt(w, "acceptor_count", "%zu", ws[i]->acceptor_count);
        struct tv *acc = tv_set_list(w, "acceptors");
        for (size_t k = 0; k < ws[i]->acceptor_count; k++) {
            const struct acceptor *a = &ws[i]->acceptors[k];
            struct tv *x = tv_push(acc);
            tv_set_str(x, "state", names_upper(p->a, a->state));
            tv_set_str(x, "matcher", strcmp(a->matcher, "pathAll") == 0   ? "PATH_ALL"
                                     : strcmp(a->matcher, "pathAny") == 0 ? "PATH_ANY"
                                                                          : names_upper(p->a, a->matcher));
            tv_set_str(x, "argument", a->argument ? text_c_string(p->a, a->argument) : "NULL");
            tv_set_str(x, "expected", text_c_string(p->a, a->expected));
        }
    }
    tv_set_bool(root, "has_waiters", n > 0);
    tv_set_fmt(root, "waiter_count", "%zu", n);
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

/* The operation's Doxygen comment: its documentation, each parameter with who owns what,
 * and what the call returns. */
static const char *operation_comment(struct planner *p, const struct operation *op)
{
    const char *doc = text_doc_escape(p->a, text_plain(p->a, op->doc));
    const char *in = !op->input ? "" : "\n@param in the request (borrowed)";
    const char *out = !op->output ? "" : plan_fmt(p, "\n@param out the response: release it with "
                                                     "%s_%s_free()",
                                                  p->prefix, plan_shape_of(p, op->output)->c);
    const char *text = plan_fmt(p, "%s%s@param client from %s_client_new()%s%s\n"
                                   "@param err why it failed (may be NULL)\n"
                                   "@return ACG_OK, or a negative enum acg_status "
                                   "(ACG_ERR_VALIDATION: nothing was sent)",
                                doc, *doc ? "\n" : "", p->prefix, in, out);
    return text_doc_comment(p->a, text, 0, 100);
}

/* The C names of the operations being generated, for async_name. */
struct op_names {
    const char **c;
    size_t count;
};

/* Whether name is an operation's function, or one generated beside it. */
static bool op_name_taken(const struct op_names *names, const char *name)
{
    static const char *const beside[] = { "", "_to", "_pages", "_next_page", "_next_item" };
    for (size_t i = 0; i < names->count; i++) {
        size_t n = strlen(names->c[i]);
        if (strncmp(name, names->c[i], n) != 0)
            continue;
        for (size_t k = 0; k < sizeof beside / sizeof beside[0]; k++)
            if (strcmp(name + n, beside[k]) == 0)
                return true;
    }
    return false;
}

/* The typed async wrapper's name: c_async, unless that is another operation's (Lambda has
 * Invoke and InvokeAsync): then c_async_call, c_async_call2, ... */
static const char *async_name(struct planner *p, const struct op_names *names, const char *c)
{
    const char *name = plan_fmt(p, "%s_async", c);
    for (int n = 1; op_name_taken(names, name); n++)
        name = n == 1 ? plan_fmt(p, "%s_async_call", c) : plan_fmt(p, "%s_async_call%d", c, n);
    return name;
}

/* Where the parameters after client (or loop) go: err joins the line of the last of in and
 * out when it fits, and the async wrapper's call fits one line or takes two. */
static void plan_parameters(struct planner *p, const struct operation *op, size_t index,
                            const char *async_c, struct tv *o)
{
    const char *last = op->output ? plan_fmt(p, "    struct %s_%s *out,", p->prefix,
                                             plan_shape_of(p, op->output)->c)
                       : op->input ? plan_fmt(p, "    const struct %s_%s *in,", p->prefix,
                                              plan_shape_of(p, op->input)->c)
                       : NULL;
    tv_set_bool(o, "err_joined", last != NULL && plan_fits(last, " struct acg_error *err);"));
    const char *call = plan_fmt(p, "%s_service.operations[%zu], %s, %s,", p->prefix, index,
                                op->input ? "in" : "NULL", op->output ? "out" : "NULL");
    tv_set_bool(o, "long_async", !plan_fits("ACG_NODISCARD static inline int ", p->prefix, "_",
                                            async_c, "(struct acg_async *loop,"));
    tv_set_bool(o, "async_call_one_line",
                plan_fits("    return acg_async_call(loop, ", call, " err, done, ctx, call);"));
}

static void plan_operation(struct planner *p, const struct operation *op, size_t index,
                           const struct op_names *names, struct tv *ops,
                           struct error_lists *seen)
{
    struct tv *o = tv_push(ops);
    const char *c = names_c_ident(p->a, op->name);
    tv_set_str(o, "c", c);
    /* Its place in the service's operations[] (the tables list them in this order). */
    tv_set_fmt(o, "index", "%zu", index);
    const char *async_c = async_name(p, names, c);
    tv_set_str(o, "async_c", async_c);
    tv_set_str(o, "name", text_c_string(p->a, op->name));
    tv_set_str(o, "comment", operation_comment(p, op));
    tv_set_str(o, "doc_lit", text_c_string_wrapped(p->a, help_text(p, op->doc), 6, 100));
    tv_set_bool(o, "has_input", op->input != NULL);
    tv_set_bool(o, "has_output", op->output != NULL);
    tv_set_bool(o, "streams_output", streams_output(op));
    /* Long names put the return type of the operation's functions on a line of its own. */
    tv_set_bool(o, "long_op",
                !plan_fits("ACG_NODISCARD int ", p->prefix, "_", c, "_pages(struct acg_client *client,") ||
                !plan_fits("static inline int ", p->prefix, "_", c, "_next_page(struct acg_pager *pager,"));
    plan_parameters(p, op, index, async_c, o);
    tv_set_str(o, "in_c", op->input ? plan_shape_of(p, op->input)->c : "");
    tv_set_str(o, "out_c", op->output ? plan_shape_of(p, op->output)->c : "");
    tv_set_bool(o, "io_one_line", op->input != NULL && op->output != NULL &&
                                      40 + strlen(plan_shape_of(p, op->input)->c) +
                                              strlen(plan_shape_of(p, op->output)->c) <= 100);
    const char *name = text_c_string(p->a, op->name);
    const char *method = text_c_string(p->a, op->http_method);
    const char *uri = text_c_string_wrapped(p->a, op->request_uri, 8, 100);
    tv_set_str(o, "http_method", method);
    tv_set_str(o, "request_uri", uri);
    /* The name, method and URI share one line when it fits. */
    tv_set_bool(o, "name_joined", strchr(uri, '\n') == NULL &&
                                      plan_fits("    .name = ", name, ", .http_method = ", method,
                                                ", .request_uri = ", uri, ","));
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
    plan_paginator(p, op, o);
    plan_member_docs(p, op, o);
}

void plan_operations(struct planner *p, struct tv *root)
{
    struct tv *ops = tv_set_list(root, "operations");
    struct error_lists seen = { 0 };
    size_t n = 0;
    struct op_names names = { 0 };
    seen.keys = acg_arena_calloc(p->a, p->m->operation_count + 1, sizeof *seen.keys);
    seen.names = acg_arena_calloc(p->a, p->m->operation_count + 1, sizeof *seen.names);
    names.c = acg_arena_calloc(p->a, p->m->operation_count + 1, sizeof *names.c);
    if (seen.keys == NULL || seen.names == NULL || names.c == NULL)
        return;
    for (size_t i = 0; i < p->m->operation_count; i++)
        if (plan_selected(p->o, p->m->operations[i].name))
            names.c[names.count++] = names_c_ident(p->a, p->m->operations[i].name);
    for (size_t i = 0; i < p->m->operation_count; i++) {
        if (plan_selected(p->o, p->m->operations[i].name)) {
            plan_operation(p, &p->m->operations[i], n, &names, ops, &seen);
            n++;
        }
    }
    tv_set_fmt(root, "operation_count", "%zu", n);
    plan_waiters(p, root);
}
