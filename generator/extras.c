/* The files that sit beside a model in botocore's data folder and add to it: how operations
 * page (paginators-1) and what to wait for (waiters-2). Both are optional; a waiters file
 * written by the user in the same format adds waiters AWS does not ship. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "extras.h"

char *gen_find_beside(const char *model_path, const char *base)
{
    static const char *const suffixes[] = { ".yaml", ".json", ".yaml.gz", ".json.gz" };
    const char *slash = strrchr(model_path, '/');
    size_t dir_len = slash ? (size_t)(slash - model_path) : 1;
    const char *dir = slash ? model_path : ".";
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t n = dir_len + strlen(base) + strlen(suffixes[i]) + 2;
        char *p = malloc(n);
        if (p == NULL)
            return NULL;
        snprintf(p, n, "%.*s/%s%s", (int)dir_len, dir, base, suffixes[i]);
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

struct loader {
    struct model *m;
    const char *path;
    struct diag *d;
    struct acg_arena *a;
};

GEN_PRINTF(3, 4)
static void fail(struct loader *l, const struct doc_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(l->d, l->path, at ? at->mark : (struct gen_mark){ 0, 0 }, fmt, ap);
    va_end(ap);
}

/* A string or a list of strings, as paginators write tokens and result keys. */
static const char **strings(struct loader *l, const struct doc_node *n, size_t *count)
{
    *count = 0;
    if (n == NULL)
        return NULL;
    size_t cap = n->kind == DOC_SEQ ? n->count : 1;
    const char **out = acg_arena_calloc(l->a, cap + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    if (doc_is_scalar(n)) {
        out[(*count)++] = n->text;
        return out;
    }
    for (size_t i = 0; n->kind == DOC_SEQ && i < n->count; i++) {
        if (doc_is_scalar(n->items[i]))
            out[(*count)++] = n->items[i]->text;
        else
            fail(l, n->items[i], "expected a string");
    }
    return out;
}

static struct operation *find_op(struct model *m, const char *name)
{
    return (struct operation *)model_find_operation(m, name);
}

static void load_paginator(struct loader *l, struct operation *op, const struct doc_node *def)
{
    struct paginator *p = acg_arena_calloc(l->a, 1, sizeof *p);
    size_t outputs = 0;
    if (p == NULL)
        return;
    p->input_tokens = strings(l, doc_get(def, "input_token"), &p->token_count);
    p->output_tokens = strings(l, doc_get(def, "output_token"), &outputs);
    p->result_keys = strings(l, doc_get(def, "result_key"), &p->result_key_count);
    p->non_aggregate_keys = strings(l, doc_get(def, "non_aggregate_keys"),
                                    &p->non_aggregate_key_count);
    p->limit_key = doc_get_str(def, "limit_key");
    p->more_results = doc_get_str(def, "more_results");
    if (p->token_count == 0 || outputs != p->token_count) {
        fail(l, def, "pagination.%s: input_token and output_token must pair up", op->name);
        return;
    }
    for (size_t i = 0; i < p->token_count; i++) {
        const struct shape *in = op->input;
        bool found = false;
        for (size_t k = 0; in != NULL && k < in->member_count; k++)
            found = found || strcmp(in->members[k].name, p->input_tokens[i]) == 0;
        if (!found)
            fail(l, def, "pagination.%s: input_token %s is not a member of the input", op->name,
                 p->input_tokens[i]);
    }
    op->paginator = p;
}

static const char *const matchers[] = { "path", "pathAll", "pathAny", "status", "error" };
static const char *const states[] = { "success", "failure", "retry" };

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

/* The expected value as JSON text: strings quoted, numbers and booleans as they are. */
static const char *expected_json(struct loader *l, const struct doc_node *n)
{
    if (!doc_is_scalar(n))
        return NULL;
    bool bare = !n->quoted && (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0 ||
                               strspn(n->text, "-0123456789.") == n->text_len);
    if (bare)
        return n->text;
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_buf_append_char(&b, '"');
    for (const char *c = n->text; *c != '\0' && rc == ACG_OK; c++) {
        if (*c == '"' || *c == '\\')
            rc = acg_buf_append_char(&b, '\\');
        if (rc == ACG_OK)
            rc = acg_buf_append_char(&b, *c);
    }
    if (rc == ACG_OK)
        rc = acg_buf_append_char(&b, '"');
    char *s = rc == ACG_OK ? acg_arena_strndup(l->a, b.data, b.len) : NULL;
    acg_buf_free(&b);
    return s;
}

static void load_waiter(struct loader *l, struct waiter *w, const char *name,
                        const struct doc_node *def)
{
    const struct doc_node *acc = doc_get(def, "acceptors");
    const char *op = doc_get_str(def, "operation");
    w->name = name;
    w->mark = def->mark;
    w->operation = op != NULL ? model_find_operation(l->m, op) : NULL;
    w->delay_s = (int)strtol(doc_get_str(def, "delay") ? doc_get_str(def, "delay") : "0", NULL, 10);
    w->max_attempts = (int)strtol(doc_get_str(def, "maxAttempts") ? doc_get_str(def, "maxAttempts")
                                                                 : "0", NULL, 10);
    if (w->operation == NULL)
        fail(l, def, "waiters.%s.operation: \"%s\" is not an operation of the model", name,
             op ? op : "(missing)");
    if (w->delay_s <= 0 || w->max_attempts <= 0)
        fail(l, def, "waiters.%s: delay and maxAttempts must be positive", name);
    if (acc == NULL || acc->kind != DOC_SEQ || acc->count == 0) {
        fail(l, def, "waiters.%s: acceptors must be a non-empty list", name);
        return;
    }
    w->acceptors = acg_arena_calloc(l->a, acc->count, sizeof *w->acceptors);
    for (size_t i = 0; w->acceptors != NULL && i < acc->count; i++) {
        const struct doc_node *a = acc->items[i];
        struct acceptor *x = &w->acceptors[w->acceptor_count++];
        x->state = doc_get_str(a, "state");
        x->matcher = doc_get_str(a, "matcher");
        x->argument = doc_get_str(a, "argument");
        x->expected = expected_json(l, doc_get(a, "expected"));
        if (!one_of(x->state, states, 3) || !one_of(x->matcher, matchers, 5) || x->expected == NULL)
            fail(l, a, "waiters.%s.acceptors[%zu]: needs a state (success, failure, retry), a "
                 "matcher (path, pathAll, pathAny, status, error) and an expected value", name, i);
        else if (strncmp(x->matcher, "path", 4) == 0 && x->argument == NULL)
            fail(l, a, "waiters.%s.acceptors[%zu]: a %s matcher needs an argument", name, i,
                 x->matcher);
    }
}

static int load_file(struct model *m, const char *path, bool waiters, struct diag *d)
{
    struct doc doc;
    int errors = d->errors;
    if (doc_load(path, &doc, d) != 0)
        return -1;
    struct loader l = { m, path, d, m->pool };
    const struct doc_node *top = doc_get(doc.root, waiters ? "waiters" : "pagination");
    if (top == NULL || top->kind != DOC_MAP) {
        fail(&l, doc.root, "expected a \"%s\" mapping", waiters ? "waiters" : "pagination");
    } else if (waiters) {
        m->waiters = acg_arena_calloc(m->pool, top->count + 1, sizeof *m->waiters);
        for (size_t i = 0; m->waiters != NULL && i < top->count; i++)
            load_waiter(&l, &m->waiters[m->waiter_count++], top->pairs[i].key->text,
                        top->pairs[i].value);
    } else {
        for (size_t i = 0; i < top->count; i++) {
            struct operation *op = find_op(m, top->pairs[i].key->text);
            if (op == NULL)
                fail(&l, top->pairs[i].key, "pagination.%s: no such operation",
                     top->pairs[i].key->text);
            else
                load_paginator(&l, op, top->pairs[i].value);
        }
    }
    /* The strings live in the document; the model keeps it. */
    m->extra_docs[m->extra_doc_count++] = doc;
    return d->errors > errors ? -1 : 0;
}

/* paginators-1.sdk-extras: botocore's loader merges its "merge" section into the
 * paginators (S3's non_aggregate_keys: RequestCharged, Prefix, ...). Only the keys those
 * files hold, non_aggregate_keys, are merged; an operation without a paginator is skipped. */
static int load_page_extras(struct model *m, const char *path, struct diag *d)
{
    struct doc doc;
    int errors = d->errors;
    if (doc_load(path, &doc, d) != 0)
        return -1;
    struct loader l = { m, path, d, m->pool };
    const struct doc_node *top = doc_get(doc_get(doc.root, "merge"), "pagination");
    for (size_t i = 0; top != NULL && top->kind == DOC_MAP && i < top->count; i++) {
        struct operation *op = find_op(m, top->pairs[i].key->text);
        const struct doc_node *keys = doc_get(top->pairs[i].value, "non_aggregate_keys");
        if (op == NULL || op->paginator == NULL || keys == NULL)
            continue;
        struct paginator *p = (struct paginator *)op->paginator;
        p->non_aggregate_keys = strings(&l, keys, &p->non_aggregate_key_count);
    }
    m->extra_docs[m->extra_doc_count++] = doc;
    return d->errors > errors ? -1 : 0;
}

int gen_extras_load(struct model *m, const char *model_path, struct diag *d)
{
    int rc = 0;
    char *pages = gen_find_beside(model_path, "paginators-1");
    char *page_extras = gen_find_beside(model_path, "paginators-1.sdk-extras");
    char *waits = gen_find_beside(model_path, "waiters-2");
    if (pages != NULL && load_file(m, pages, false, d) != 0)
        rc = -1;
    if (rc == 0 && pages != NULL && page_extras != NULL && load_page_extras(m, page_extras, d) != 0)
        rc = -1;
    free(page_extras);
    if (waits != NULL && load_file(m, waits, true, d) != 0)
        rc = -1;
    free(pages);
    free(waits);
    return rc;
}
