/* One service generated: load, model, rules, plan, render, write. Moved out of main.c so the
 * manifest and vendoring can run it once per service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/acg_arena.h"
#include "endpoints.h"
#include "extras.h"
#include "generate.h"
#include "load.h"
#include "model.h"
#include "render.h"
#include "vendor.h"
#include "write.h"

struct output {
    const char *template_name;
    const char *suffix;   /* appended to the prefix; NULL: the file is "MANIFEST" */
};

static const struct output outputs[] = {
    { "service.h.tmpl", ".h" },
    { "tables.c.tmpl", "_tables.c" },
    { "endpoints.c.tmpl", "_endpoints.c" },
    { "main.c.tmpl", "_main.c" },
    { "MANIFEST.tmpl", NULL },
};

#define OUTPUT_COUNT (sizeof outputs / sizeof outputs[0])

size_t gen_output_count(void)
{
    return OUTPUT_COUNT;
}

const char *gen_output_name(size_t i, const char *prefix, char *buf, size_t size)
{
    if (outputs[i].suffix)
        snprintf(buf, size, "%s%s", prefix, outputs[i].suffix);
    else
        snprintf(buf, size, "MANIFEST");
    return buf;
}

bool gen_output_is_program(size_t i)
{
    return strcmp(outputs[i].template_name, "main.c.tmpl") == 0;
}

char *gen_find_rules(const char *model_path)
{
    return gen_find_beside(model_path, "endpoint-rule-set-1");
}

/* Renders and writes (or compares) every output. Returns 0 or -1 (render) or -2 (write). */
static int emit_all(const struct gen_options *o, struct gen_run *r, const struct tv *ctx,
                    struct acg_buf *report, struct diag *d)
{
    struct template_set *ts = templates_open(o->templates_dir);
    int rc = 0;
    if (ts == NULL)
        return -1;
    if (!o->check && write_mkdirs(o->out_dir, d) != 0) {
        templates_close(ts);
        return -2;
    }
    for (size_t i = 0; i < OUTPUT_COUNT && rc == 0; i++) {
        char name[512];
        struct acg_buf out;
        if (r->skip_program && gen_output_is_program(i))
            continue;
        gen_output_name(i, r->prefix, name, sizeof name);
        acg_buf_init(&out, 0);
        if (render(ts, outputs[i].template_name, ctx, &out, d) != 0) {
            rc = -1;
        } else {
            int w = write_output(o->out_dir, name, out.data ? out.data : "", out.len, o->check, d);
            if (w < 0)
                rc = -2;
            else if (w > 0)
                r->changed++;
            if (w > 0 && o->check && acg_buf_printf(report, "%s/%s would change\n", o->out_dir,
                                                    name) != ACG_OK)
                rc = -2;
        }
        acg_buf_free(&out);
    }
    templates_close(ts);
    return rc;
}

/* The endpoint resolver's C text: from the rule set beside the model (or o->ruleset_path),
 * with the model's clientContextParams read from the client's settings, else the default
 * https://{endpointPrefix}.{region}.{dnsSuffix}. */
static int endpoint_code(const struct gen_options *o, const struct model *m, const char *fn,
                         struct acg_buf *code, struct diag *d)
{
    char *path = o->ruleset_path ? strdup(o->ruleset_path) : gen_find_rules(o->model_path);
    struct doc rules = { 0 };
    int rc;
    if (path != NULL)
        rc = doc_load(path, &rules, d) == 0 &&
                     gen_endpoints_emit_client(rules.root,
                                               doc_get(m->doc_tree.root, "clientContextParams"),
                                               path, fn, 0, code, d) == 0
                 ? 0 : -1;
    else
        rc = gen_endpoints_emit_default(m->endpoint_prefix, fn, code, d);
    doc_free(&rules);
    free(path);
    return rc;
}

int gen_generate(const struct gen_options *o, struct gen_run *r, struct acg_buf *report,
                 struct diag *d)
{
    struct model m;
    struct acg_buf code;
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = NULL;
    char fn[300];
    int rc = -1;
    r->changed = 0;
    acg_buf_init(&code, 0);
    if (a == NULL)
        return -1;
    if (model_load(o->model_path, &m, d) != 0 || gen_extras_load(&m, o->model_path, d) != 0) {
        model_free(&m);   /* a model that failed to load may still hold memory */
        acg_arena_destroy(a);
        return -1;
    }
    snprintf(r->prefix, sizeof r->prefix, "%s", gen_prefix(&m, o, a));
    memcpy(r->model_sha256, m.sha256, sizeof r->model_sha256);
    snprintf(fn, sizeof fn, "%s_resolve_endpoint", r->prefix);
    if (endpoint_code(o, &m, fn, &code, d) == 0 && gen_plan(&m, o, code.data, a, &ctx, d) == 0)
        rc = emit_all(o, r, ctx, report, d);
    model_free(&m);
    acg_buf_free(&code);
    acg_arena_destroy(a);
    return rc;
}

int gen_model_prefix(const char *model_path, const char *prefix, char *buf, size_t size,
                     struct diag *d)
{
    struct gen_options o = { .model_path = model_path, .prefix = prefix };
    struct model m;
    struct acg_arena *a = acg_arena_new();
    int rc = a != NULL ? model_load(model_path, &m, d) : -1;
    if (rc == 0)
        snprintf(buf, size, "%s", gen_prefix(&m, &o, a));
    if (a != NULL)
        model_free(&m);
    acg_arena_destroy(a);
    return rc;
}

int gen_cmd_model(const struct gen_options *o, const struct gen_tool_options *t,
                  struct acg_buf *out, struct diag *d)
{
    struct gen_run r = { 0 };
    int rc = 0, changed = 0;
    if (o->out_dir != NULL) {
        rc = gen_generate(o, &r, out, d);
        changed = r.changed;
    }
    if (rc == 0 && t->vendor_dir != NULL) {
        struct vendor_options v = { .dir = t->vendor_dir, .runtime_dir = t->runtime_dir,
                                    .cli = t->vendor_cli, .check = o->check };
        rc = vendor_generate(&v, o, 1, &changed, out, d);
    }
    if (rc == -1)
        return GEN_EXIT_BAD_INPUT;
    if (rc == -2)
        return GEN_EXIT_WRITE;
    return o->check && changed > 0 ? GEN_EXIT_DRIFT : GEN_EXIT_OK;
}
