/* acg-gen --manifest: every service the manifest lists generated (or checked), the lock
 * written (or compared), the model-change report when a model no longer matches its lock
 * entry, snapshots of the locked models, and vendoring. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diff.h"
#include "files.h"
#include "generate.h"
#include "manifest.h"
#include "model.h"
#include "vendor.h"
#include "write.h"

/* What a run knows about one service beyond the manifest. */
struct svc_state {
    char prefix[128];
    char model_sha256[65];
    const char *rules_path;      /* the rule set used, or NULL (the default endpoint) */
    const char *rules_shown;
    char rules_sha256[65];
    char paginators_sha256[65];
    char waiters_sha256[65];
    const struct doc_node *locked;   /* its entry in the lock, or NULL */
};

struct run {
    struct manifest *m;
    struct svc_state *st;
    const struct gen_tool_options *t;
    bool check;
    struct doc lock;             /* the lock as it was */
    struct acg_buf *out;
    struct diag *d;
    int drift;                   /* things that differ from the lock or the outputs */
};

/* The operations, sorted, for the lock: "[A, B]" or "all". */
static const char *operation_list(struct acg_arena *a, const char **ops)
{
    size_t n = 0;
    if (ops == NULL)
        return "all";
    while (ops[n] != NULL)
        n++;
    const char **v = acg_arena_calloc(a, n + 1, sizeof *v);
    if (v == NULL)
        return "";
    memcpy(v, ops, n * sizeof *v);
    for (size_t i = 1; i < n; i++) {   /* a few names: insertion sort keeps it plain */
        for (size_t k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
            const char *t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    }
    const char *s = "[";
    for (size_t i = 0; i < n && s != NULL; i++)
        s = gen_strf(a, "%s%s%s", s, i ? ", " : "", v[i]);
    return s ? gen_strf(a, "%s]", s) : "";
}

/* Loads the service's model once to check its operations (each error at its line in the
 * manifest), learn the C prefix and find the rule set and the hashes. */
static int prepare(struct run *r, struct manifest_service *s, struct svc_state *st)
{
    struct model model;
    struct acg_arena *a = r->m->a;
    int rc = model_load(s->model.path, &model, r->d);
    for (size_t i = 0; rc == 0 && s->operations != NULL && s->operations[i] != NULL; i++) {
        if (model_find_operation(&model, s->operations[i]) == NULL) {
            diag_error(r->d, r->m->path, s->operations_node->items[i]->mark,
                       "services.%s.operations: %s is not an operation of %s", s->name,
                       s->operations[i], s->model.shown);
            rc = -1;
        }
    }
    if (rc == 0) {
        struct gen_options o = { .prefix = s->prefix };
        snprintf(st->prefix, sizeof st->prefix, "%s", gen_prefix(&model, &o, a));
        memcpy(st->model_sha256, model.sha256, sizeof st->model_sha256);
    }
    model_free(&model);
    st->rules_path = s->rules.path;
    st->rules_shown = s->rules.shown;
    if (st->rules_path == NULL) {
        char *found = gen_find_rules(s->model.path);
        st->rules_path = found ? gen_strf(a, "%s", found) : NULL;
        if (found != NULL)
            st->rules_shown = gen_strf(a, "%s/%s", files_dirname(a, s->model.shown),
                                       strrchr(found, '/') ? strrchr(found, '/') + 1 : found);
        free(found);
    }
    if (rc == 0 && st->rules_path != NULL && files_sha256(st->rules_path, st->rules_sha256, r->d) != 0)
        rc = -1;
    if (rc == 0 && s->paginators.path && files_sha256(s->paginators.path, st->paginators_sha256, r->d))
        rc = -1;
    if (rc == 0 && s->waiters.path && files_sha256(s->waiters.path, st->waiters_sha256, r->d))
        rc = -1;
    return rc;
}

/* ---- the lock ---- */

static int lock_file(struct acg_buf *b, const char *key, const char *shown, const char *sha)
{
    if (shown == NULL)
        return ACG_OK;
    return acg_buf_printf(b, "    %s: \"%s\"\n    %s-sha256: %s\n", key, shown, key, sha);
}

/* The lock's bytes: a comment, the generator, one entry per service in manifest order. */
static int lock_text(struct run *r, struct acg_buf *b)
{
    struct manifest *m = r->m;
    const char *base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
    int rc = acg_buf_printf(b, "# %s: what acg-gen --manifest %s generated the bindings from.\n"
                               "# Written by acg-gen; do not edit. `acg-gen --manifest %s "
                               "--check` fails when a\n# model, a rule set or the generator no "
                               "longer matches it.\ngenerator: acg-gen %s\nservices:\n",
                            m->lock_shown, base, base, GEN_VERSION);
    for (size_t i = 0; i < m->count && rc == ACG_OK; i++) {
        const struct manifest_service *s = &m->services[i];
        const struct svc_state *st = &r->st[i];
        rc = acg_buf_printf(b, "  - name: %s\n    prefix: %s\n", s->name, st->prefix);
        if (rc == ACG_OK)
            rc = lock_file(b, "model", s->model.shown, st->model_sha256);
        if (rc == ACG_OK)
            rc = lock_file(b, "rules", st->rules_shown, st->rules_sha256);
        if (rc == ACG_OK)
            rc = lock_file(b, "paginators", s->paginators.shown, st->paginators_sha256);
        if (rc == ACG_OK)
            rc = lock_file(b, "waiters", s->waiters.shown, st->waiters_sha256);
        if (rc == ACG_OK)
            rc = acg_buf_printf(b, "    operations: %s\n", operation_list(m->a, s->operations));
    }
    return rc;
}

/* The old lock's entry for each service, when there is a lock. */
static void read_lock(struct run *r)
{
    if (!files_is_file(r->m->lock_path) || doc_load(r->m->lock_path, &r->lock, r->d) != 0)
        return;
    const struct doc_node *list = doc_get(r->lock.root, "services");
    for (size_t i = 0; list != NULL && list->kind == DOC_SEQ && i < list->count; i++) {
        const char *name = doc_get_str(list->items[i], "name");
        for (size_t k = 0; name != NULL && k < r->m->count; k++) {
            if (strcmp(r->m->services[k].name, name) == 0)
                r->st[k].locked = list->items[i];
        }
    }
}

GEN_PRINTF(2, 3)
static void say(struct run *r, const char *fmt, ...)
{
    va_list ap;
    char line[1024];
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (acg_buf_printf(r->out, "%s\n", line) != ACG_OK)
        diag_error(r->d, r->m->path, (struct gen_mark){ 0, 0 }, "out of memory");
}

/* The model-change report between the locked model's snapshot and the model now. */
static void model_report(struct run *r, size_t i, const char *locked_shown, const char *locked_sha)
{
    const struct manifest_service *s = &r->m->services[i];
    const char *base = locked_shown && strrchr(locked_shown, '/') ? strrchr(locked_shown, '/') + 1
                                                                 : locked_shown;
    char *dir = r->m->snapshots_dir ? files_join(r->m->a, r->m->snapshots_dir, s->name) : NULL;
    char *old = dir && base ? files_join(r->m->a, dir, base) : NULL;
    char sha[65] = "";
    struct diag quiet;
    diag_init(&quiet);
    if (old == NULL || !files_is_file(old) || files_sha256(old, sha, &quiet) != 0 ||
        locked_sha == NULL || strcmp(sha, locked_sha) != 0) {
        say(r, "%s: no snapshot of the locked model to compare with%s", s->name,
            r->m->snapshots_dir ? "" : " (set snapshots: in the manifest)");
        diag_free(&quiet);
        return;
    }
    diag_free(&quiet);
    struct diff_report report;
    if (diff_models(old, s->model.path, s->operations, s->prefix, &report, r->d) == 0 &&
        diff_format_text(&report, r->out) != ACG_OK)
        diag_error(r->d, r->m->path, (struct gen_mark){ 0, 0 }, "out of memory");
    diff_report_free(&report);
}

/* Whether the locked hash of key (model, rules, ...) differs from sha (NULL: no such file). */
static bool changed(const struct doc_node *e, const char *key, const char *sha)
{
    char name[64];
    snprintf(name, sizeof name, "%s-sha256", key);
    const char *was = doc_get_str(e, name);
    if (was == NULL || sha == NULL)
        return (was == NULL) != (sha == NULL);
    return strcmp(was, sha) != 0;
}

/* The operations as the lock lists them ("all" or "[A, B]"). */
static const char *locked_operations(struct run *r, const struct doc_node *e)
{
    const struct doc_node *ops = doc_get(e, "operations");
    const char **v;
    if (ops == NULL || ops->kind == DOC_SCALAR)
        return ops ? ops->text : "";
    v = acg_arena_calloc(r->m->a, ops->count + 1, sizeof *v);
    for (size_t i = 0; v != NULL && i < ops->count; i++)
        v[i] = ops->items[i]->kind == DOC_SCALAR ? ops->items[i]->text : "?";
    return v ? operation_list(r->m->a, v) : "";
}

/* Says what no longer matches service i's lock entry; the model-change report with it. */
static void compare_lock(struct run *r, size_t i)
{
    const struct manifest_service *s = &r->m->services[i];
    const struct svc_state *st = &r->st[i];
    const struct doc_node *e = st->locked;
    const char *lock = r->m->lock_shown;
    if (e == NULL) {
        say(r, "%s: not in %s yet", s->name, lock);
        r->drift++;
        return;
    }
    if (changed(e, "model", st->model_sha256)) {
        say(r, "%s: the model changed since %s (sha256 %.12s... in the lock, %.12s... now)",
            s->name, lock, doc_get_str(e, "model-sha256") ? doc_get_str(e, "model-sha256") : "?",
            st->model_sha256);
        model_report(r, i, doc_get_str(e, "model"), doc_get_str(e, "model-sha256"));
        r->drift++;
    }
    const char *hashed[][2] = { { "rules", st->rules_path ? st->rules_sha256 : NULL },
                                { "paginators", s->paginators.path ? st->paginators_sha256 : NULL },
                                { "waiters", s->waiters.path ? st->waiters_sha256 : NULL } };
    for (size_t k = 0; k < 3; k++) {
        if (changed(e, hashed[k][0], hashed[k][1])) {
            say(r, "%s: the %s file changed since %s", s->name, hashed[k][0], lock);
            r->drift++;
        }
    }
    if (strcmp(locked_operations(r, e), operation_list(r->m->a, s->operations)) != 0) {
        say(r, "%s: the operations differ from %s", s->name, lock);
        r->drift++;
    }
}

static void compare_generator(struct run *r)
{
    const char *was = doc_get_str(r->lock.root, "generator");
    char now[64];
    snprintf(now, sizeof now, "acg-gen %s", GEN_VERSION);
    if (r->lock.root == NULL) {
        say(r, "%s: no lock yet", r->m->lock_shown);
        r->drift++;
    } else if (was == NULL || strcmp(was, now) != 0) {
        say(r, "%s: written by %s; this is %s", r->m->lock_shown, was ? was : "(unknown)", now);
        r->drift++;
    }
}

/* ---- generating ---- */

static struct gen_options service_options(const struct run *r, size_t i)
{
    const struct manifest_service *s = &r->m->services[i];
    struct gen_options o = {
        .model_path = s->model.path, .display_path = s->model.shown, .out_dir = s->out_dir,
        .templates_dir = r->m->templates_dir, .prefix = s->prefix, .operations = s->operations,
        .ruleset_path = s->rules.path, .check = r->check, .validation = s->validation,
    };
    return o;
}

/* Writes (or compares) path whole; counts a difference as drift. Returns 0 or -2. */
static int put(struct run *r, const char *path, const char *data, size_t len)
{
    struct acg_arena *a = r->m->a;
    const char *dir = files_dirname(a, path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!r->check && write_mkdirs(dir, r->d) != 0)
        return -2;
    int w = write_output(dir, base, data, len, r->check, r->d);
    if (w < 0)
        return -2;
    if (w > 0 && r->check) {
        say(r, "%s would change", path);
        r->drift++;
    }
    return 0;
}

/* Copies the models and rule sets as locked into snapshots/<name>/, so that a later model
 * change can be reported against them. */
static int snapshot(struct run *r)
{
    for (size_t i = 0; r->m->snapshots_dir != NULL && i < r->m->count; i++) {
        const char *files[] = { r->m->services[i].model.path, r->st[i].rules_path };
        for (size_t k = 0; k < 2; k++) {
            struct acg_buf b;
            if (files[k] == NULL)
                continue;
            const char *name = strrchr(files[k], '/') ? strrchr(files[k], '/') + 1 : files[k];
            char *to = gen_strf(r->m->a, "%s/%s/%s", r->m->snapshots_dir, r->m->services[i].name,
                                name);
            acg_buf_init(&b, 0);
            int rc = to != NULL && files_read(files[k], &b, r->d) == 0
                         ? put(r, to, b.data ? b.data : "", b.len) : -1;
            acg_buf_free(&b);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static int write_lock(struct run *r)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = lock_text(r, &b) == ACG_OK ? put(r, r->m->lock_path, b.data, b.len) : -1;
    acg_buf_free(&b);
    return rc;
}

static int generate(struct run *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->m->count && rc == 0; i++) {
        struct gen_options o = service_options(r, i);
        struct gen_run g = { 0 };
        rc = gen_generate(&o, &g, r->out, r->d);
        r->drift += r->check ? g.changed : 0;
    }
    if (rc == 0)
        rc = write_lock(r);
    if (rc == 0 && !r->check)
        rc = snapshot(r);
    const char *vendor_dir = r->t->vendor_dir ? r->t->vendor_dir : r->m->vendor_dir;
    if (rc == 0 && vendor_dir != NULL) {
        struct vendor_options v = { .dir = vendor_dir, .runtime_dir = r->t->runtime_dir,
                                    .cli = r->t->vendor_cli || r->m->vendor_cli, .check = r->check };
        struct gen_options *all = acg_arena_calloc(r->m->a, r->m->count, sizeof *all);
        int changes = 0;
        for (size_t i = 0; all != NULL && i < r->m->count; i++)
            all[i] = service_options(r, i);
        rc = all ? vendor_generate(&v, all, r->m->count, &changes, r->out, r->d) : -1;
        r->drift += r->check ? changes : 0;
    }
    return rc;
}

/* --list: every file the run reads ("in") and writes ("out"), for build systems. */
static void list(struct run *r)
{
    say(r, "in %s", r->m->path);
    for (size_t i = 0; i < r->m->count; i++) {
        const struct manifest_service *s = &r->m->services[i];
        const char *inputs[] = { s->model.path, r->st[i].rules_path, s->paginators.path,
                                 s->waiters.path };
        for (size_t k = 0; k < 4; k++) {
            if (inputs[k] != NULL)
                say(r, "in %s", inputs[k]);
        }
        for (size_t k = 0; k < gen_output_count(); k++) {
            char name[256];
            say(r, "out %s/%s", s->out_dir, gen_output_name(k, r->st[i].prefix, name, sizeof name));
        }
    }
    say(r, "out %s", r->m->lock_path);
}

int gen_cmd_manifest(const struct gen_options *o, const struct gen_tool_options *t,
                     struct acg_buf *out, struct diag *d)
{
    struct manifest m;
    struct run r = { .m = &m, .t = t, .check = o->check, .out = out, .d = d };
    int rc = manifest_load(t->manifest_path, t->out_root, &m, d);
    if (rc == 0) {
        r.st = acg_arena_calloc(m.a, m.count, sizeof *r.st);
        rc = r.st ? 0 : -1;
    }
    for (size_t i = 0; rc == 0 && i < m.count; i++)
        rc = prepare(&r, &m.services[i], &r.st[i]);
    if (rc == 0 && t->list) {
        list(&r);
    } else if (rc == 0) {
        read_lock(&r);
        compare_generator(&r);
        for (size_t i = 0; i < m.count && r.lock.root != NULL; i++)
            compare_lock(&r, i);
        rc = generate(&r);
    }
    doc_free(&r.lock);
    manifest_free(&m);
    if (rc == -1 || d->errors > 0)
        return GEN_EXIT_BAD_INPUT;
    if (rc == -2)
        return GEN_EXIT_WRITE;
    return r.check && r.drift > 0 ? GEN_EXIT_DRIFT : GEN_EXIT_OK;
}
