/* The bindings manifest: parsed from YAML with every problem reported at its line and
 * column, model sources resolved (a file, a folder, or botocore's installed data folder). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "manifest.h"

struct mctx {
    struct manifest *m;
    struct diag *d;
    const char *out_base;        /* where outputs go: --out-root or the manifest's folder */
    const char *botocore;        /* botocore's data folder, once found */
};

static const char *const model_names[] = { "service-2.yaml", "service-2.json", "service-2.yaml.gz",
                                           "service-2.json.gz", NULL };

GEN_PRINTF(3, 4)
static void err(struct mctx *c, const struct doc_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(c->d, c->m->path, at ? at->mark : (struct gen_mark){ 0, 0 }, fmt, ap);
    va_end(ap);
}

/* Reports every key of map that is not in allowed ("a, b, c" names them in the message). */
static void known_keys(struct mctx *c, const struct doc_node *map, const char *const *allowed,
                       const char *where)
{
    for (size_t i = 0; i < map->count; i++) {
        const char *k = map->pairs[i].key->text;
        size_t j = 0;
        while (allowed[j] != NULL && strcmp(allowed[j], k) != 0)
            j++;
        if (allowed[j] == NULL) {
            char list[512] = "";
            for (j = 0; allowed[j] != NULL; j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                         allowed[j]);
            err(c, map->pairs[i].key, "%s: unknown key \"%s\" (expected %s)", where, k, list);
        }
    }
}

/* The scalar text of map[key]; NULL when absent (an error when required) or not a scalar. */
static const char *scalar(struct mctx *c, const struct doc_node *map, const char *key,
                          bool required, const char *where)
{
    const struct doc_node *v = doc_get(map, key);
    if (v == NULL) {
        if (required)
            err(c, map, "%s: \"%s\" is required", where, key);
        return NULL;
    }
    if (v->kind != DOC_SCALAR || v->text_len == 0) {
        err(c, v, "%s.%s: expected a non-empty string", where, key);
        return NULL;
    }
    return v->text;
}

static bool c_identifier(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++) {
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    }
    return true;
}

/* ---- model sources ---- */

/* The first service-2.* file in dir (malloc'd name only), or NULL. */
static const char *model_in(struct mctx *c, const char *dir)
{
    for (size_t i = 0; model_names[i] != NULL; i++) {
        char *p = files_join(c->m->a, dir, model_names[i]);
        if (p != NULL && files_is_file(p))
            return model_names[i];
    }
    return NULL;
}

/* A model in dir itself, else in its last subfolder by name that holds one (botocore keeps
 * one folder per API version, named by date, so the last is the newest). On success sets
 * f->path and f->shown (shown names dir as shown_dir). */
static int model_in_folder(struct mctx *c, const char *dir, const char *shown_dir,
                           struct manifest_file *f)
{
    const char *file = model_in(c, dir);
    if (file != NULL) {
        f->path = files_join(c->m->a, dir, file);
        f->shown = gen_strf(c->m->a, "%s/%s", shown_dir, file);
        return 0;
    }
    size_t n;
    char **sub = files_list(c->m->a, dir, &n);
    for (size_t i = n; sub != NULL && i > 0; i--) {
        char *version = files_join(c->m->a, dir, sub[i - 1]);
        file = version && files_is_dir(version) ? model_in(c, version) : NULL;
        if (file != NULL) {
            f->path = files_join(c->m->a, version, file);
            f->shown = gen_strf(c->m->a, "%s/%s/%s", shown_dir, sub[i - 1], file);
            return 0;
        }
    }
    return -1;
}

/* botocore's data folder: the manifest's botocore key, else $ACG_BOTOCORE_DATA, else where
 * the machine's python3 imports botocore from. */
static const char *botocore_data(struct mctx *c, const struct doc_node *at)
{
    if (c->botocore != NULL)
        return c->botocore;
    const char *given = scalar(c, c->m->doc.root, "botocore", false, "manifest");
    const char *env = getenv("ACG_BOTOCORE_DATA");
    char found[4096] = "";
    if (given != NULL) {
        c->botocore = files_join(c->m->a, c->m->dir, given);
    } else if (env != NULL && *env != '\0') {
        c->botocore = env;
    } else {
        FILE *p = popen("python3 -c 'import os, botocore; print(os.path.join("
                        "os.path.dirname(botocore.__file__), \"data\"))' 2>/dev/null", "r");
        if (p != NULL && fgets(found, sizeof found, p) != NULL)
            found[strcspn(found, "\n")] = '\0';
        if (p != NULL)
            pclose(p);
        if (*found != '\0')
            c->botocore = gen_strf(c->m->a, "%s", found);
    }
    if (c->botocore == NULL || !files_is_dir(c->botocore)) {
        err(c, at, "model: cannot find botocore's data folder (set \"botocore:\" in the manifest "
            "or ACG_BOTOCORE_DATA, or install botocore for python3)");
        c->botocore = NULL;
    }
    return c->botocore;
}

static void resolve_model(struct mctx *c, struct manifest_service *s, const struct doc_node *v)
{
    const char *spec = v->text;
    s->model.mark = v->mark;
    if (strncmp(spec, "botocore:", 9) == 0) {
        const char *data = botocore_data(c, v);
        char *dir = data ? files_join(c->m->a, data, spec + 9) : NULL;
        if (data != NULL && (dir == NULL || spec[9] == '\0' || !files_is_dir(dir) ||
                             model_in_folder(c, dir, spec, &s->model) != 0))
            err(c, v, "model: botocore has no service \"%s\" in %s", spec + 9, data);
        return;
    }
    char *path = files_join(c->m->a, c->m->dir, spec);
    if (path != NULL && files_is_file(path)) {
        s->model.path = path;
        s->model.shown = spec;
    } else if (path != NULL && files_is_dir(path)) {
        if (model_in_folder(c, path, spec, &s->model) != 0)
            err(c, v, "model: no service-2.(yaml|json)[.gz] in %s or its subfolders", spec);
    } else {
        err(c, v, "model: no such file or folder: %s", path ? path : spec);
    }
}

/* An optional input file (rules, paginators, waiters) relative to the manifest. */
static void input_file(struct mctx *c, const struct doc_node *svc, const char *key,
                       struct manifest_file *f, const char *where)
{
    const char *v = scalar(c, svc, key, false, where);
    if (v == NULL)
        return;
    f->path = files_join(c->m->a, c->m->dir, v);
    f->shown = v;
    f->mark = doc_get(svc, key)->mark;
    if (f->path == NULL || !files_is_file(f->path))
        err(c, doc_get(svc, key), "%s.%s: no such file: %s", where, key, f->path ? f->path : v);
}

/* ---- services ---- */

static void parse_operations(struct mctx *c, struct manifest_service *s, const struct doc_node *svc,
                             const char *where)
{
    const struct doc_node *ops = doc_get(svc, "operations");
    s->operations_node = ops;
    if (ops == NULL) {
        err(c, svc, "%s: \"operations\" is required (a list of operation names, or all)", where);
        return;
    }
    if (ops->kind == DOC_SCALAR && strcmp(ops->text, "all") == 0)
        return;
    if (ops->kind != DOC_SEQ || ops->count == 0) {
        err(c, ops, "%s.operations: expected a list of operation names, or all", where);
        return;
    }
    s->operations = acg_arena_calloc(c->m->a, ops->count + 1, sizeof *s->operations);
    for (size_t i = 0; s->operations != NULL && i < ops->count; i++) {
        const struct doc_node *op = ops->items[i];
        if (op->kind != DOC_SCALAR || !c_identifier(op->text)) {
            err(c, op, "%s.operations[%zu]: expected an operation name", where, i);
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(s->operations[k], op->text) == 0)
                err(c, op, "%s.operations: %s is listed twice", where, op->text);
        }
        s->operations[i] = op->text;
    }
}

static void parse_service(struct mctx *c, const struct doc_node *svc, size_t index,
                          struct manifest_service *s)
{
    static const char *const keys[] = { "name", "model", "out", "operations", "prefix", "rules",
                                        "paginators", "waiters", "validation", NULL };
    char where[64];
    snprintf(where, sizeof where, "services[%zu]", index);
    s->mark = svc->mark;
    if (svc->kind != DOC_MAP) {
        err(c, svc, "%s: expected a mapping with name, model, out and operations", where);
        return;
    }
    known_keys(c, svc, keys, where);
    s->name = scalar(c, svc, "name", true, where);
    if (scalar(c, svc, "model", true, where) != NULL)
        resolve_model(c, s, doc_get(svc, "model"));
    const char *out = scalar(c, svc, "out", true, where);
    s->out_dir = out ? files_join(c->m->a, c->out_base, out) : NULL;
    parse_operations(c, s, svc, where);
    s->prefix = scalar(c, svc, "prefix", false, where);
    if (s->prefix != NULL && !c_identifier(s->prefix))
        err(c, doc_get(svc, "prefix"), "%s.prefix: \"%s\" is not a C identifier", where, s->prefix);
    input_file(c, svc, "rules", &s->rules, where);
    input_file(c, svc, "paginators", &s->paginators, where);
    input_file(c, svc, "waiters", &s->waiters, where);
    s->validation = scalar(c, svc, "validation", false, where);
    if (s->validation == NULL)
        s->validation = "enforce";
    else if (strcmp(s->validation, "enforce") != 0 && strcmp(s->validation, "warn") != 0 &&
             strcmp(s->validation, "off") != 0)
        err(c, doc_get(svc, "validation"), "%s.validation: \"%s\" is not enforce, warn or off",
            where, s->validation);
}

static void parse_services(struct mctx *c, const struct doc_node *list)
{
    struct manifest *m = c->m;
    if (list == NULL || list->kind != DOC_SEQ || list->count == 0) {
        err(c, list ? list : m->doc.root, "services: expected a list of services");
        return;
    }
    m->services = acg_arena_calloc(m->a, list->count, sizeof *m->services);
    if (m->services == NULL)
        return;
    m->count = list->count;
    for (size_t i = 0; i < list->count; i++) {
        parse_service(c, list->items[i], i, &m->services[i]);
        for (size_t k = 0; k < i && m->services[i].name; k++) {
            if (m->services[k].name && strcmp(m->services[k].name, m->services[i].name) == 0)
                err(c, doc_get(list->items[i], "name"), "services[%zu].name: \"%s\" is taken by "
                    "services[%zu]", i, m->services[i].name, k);
        }
    }
}

/* ---- the manifest ---- */

static void parse_vendor(struct mctx *c, const struct doc_node *v)
{
    static const char *const keys[] = { "dir", "cli", NULL };
    if (v == NULL)
        return;
    if (v->kind != DOC_MAP) {
        err(c, v, "vendor: expected a mapping with dir (and cli: true for the programs)");
        return;
    }
    known_keys(c, v, keys, "vendor");
    const char *dir = scalar(c, v, "dir", true, "vendor");
    const struct doc_node *cli = doc_get(v, "cli");
    c->m->vendor_dir = dir ? files_join(c->m->a, c->out_base, dir) : NULL;
    c->m->vendor_cli = doc_is_true(cli);
    if (cli != NULL && !doc_is_true(cli) && !(doc_is_scalar(cli) && strcmp(cli->text, "false") == 0))
        err(c, cli, "vendor.cli: expected true or false");
}

/* The lock file: the lock key, else the manifest's name with .lock for .yaml or .yml. */
static void lock_path(struct mctx *c)
{
    struct manifest *m = c->m;
    const char *given = scalar(c, m->doc.root, "lock", false, "manifest");
    if (given == NULL) {
        const char *base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
        const char *dot = strrchr(base, '.');
        size_t stem = dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
                          ? (size_t)(dot - base) : strlen(base);
        given = gen_strf(m->a, "%.*s.lock", (int)stem, base);
    }
    m->lock_shown = given;
    m->lock_path = given ? files_join(m->a, c->out_base, given) : NULL;
}

static void parse_root(struct mctx *c)
{
    static const char *const keys[] = { "version", "services", "lock", "snapshots", "templates",
                                        "botocore", "vendor", NULL };
    struct manifest *m = c->m;
    const struct doc_node *root = m->doc.root;
    if (root == NULL || root->kind != DOC_MAP) {
        err(c, root, "a manifest is a mapping with version: 1 and services");
        return;
    }
    known_keys(c, root, keys, "manifest");
    const char *version = scalar(c, root, "version", true, "manifest");
    if (version != NULL && strcmp(version, "1") != 0)
        err(c, doc_get(root, "version"), "version: %s is not a manifest version this acg-gen "
            "reads (1)", version);
    lock_path(c);
    const char *snap = scalar(c, root, "snapshots", false, "manifest");
    m->snapshots_dir = snap ? files_join(m->a, c->out_base, snap) : NULL;
    const char *templates = scalar(c, root, "templates", false, "manifest");
    m->templates_dir = templates ? files_join(m->a, m->dir, templates) : NULL;
    parse_vendor(c, doc_get(root, "vendor"));
    parse_services(c, doc_get(root, "services"));
}

int manifest_load(const char *path, const char *out_root, struct manifest *m, struct diag *d)
{
    int errors = d->errors;
    memset(m, 0, sizeof *m);
    m->path = path;
    m->a = acg_arena_new();
    if (m->a == NULL)
        return -1;
    m->dir = files_dirname(m->a, path);
    struct mctx c = { .m = m, .d = d, .out_base = out_root ? out_root : m->dir };
    if (doc_load(path, &m->doc, d) != 0)
        return -1;
    parse_root(&c);
    return d->errors > errors ? -1 : 0;
}

void manifest_free(struct manifest *m)
{
    doc_free(&m->doc);
    acg_arena_destroy(m->a);
    memset(m, 0, sizeof *m);
}
