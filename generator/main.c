/* acg-gen: command line -> options -> load, model, plan, render, write. Only this file
 * prints and chooses exit statuses: 0 done (or no drift with --check), 1 --check found
 * files that would change, 2 bad usage or a bad model, 3 an output could not be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "endpoints.h"
#include "model.h"
#include "plan.h"
#include "render.h"
#include "write.h"

static const char usage[] =
    "usage: acg-gen --model FILE --out DIR [--operation NAME]... [--templates DIR]\n"
    "               [--prefix NAME] [--rules FILE] [--check]\n"
    "  --model FILE      service model, YAML or JSON, optionally gzip-compressed\n"
    "  --out DIR         where the generated sources go\n"
    "  --operation NAME  generate this operation (repeatable; default: all)\n"
    "  --templates DIR   render these templates instead of the built-in ones\n"
    "  --prefix NAME     C prefix (default: the serviceId in snake_case)\n"
    "  --rules FILE      endpoint rule set (default: endpoint-rule-set-1.* beside the model)\n"
    "  --check           write nothing; exit 1 and name every file that would change\n";

struct output {
    const char *template_name;
    const char *suffix;   /* appended to the prefix; "MANIFEST" stands alone */
};

static const struct output outputs[] = {
    { "service.h.tmpl", ".h" },
    { "tables.c.tmpl", "_tables.c" },
    { "endpoints.c.tmpl", "_endpoints.c" },
    { "main.c.tmpl", "_main.c" },
    { "MANIFEST.tmpl", NULL },
};

/* endpoint-rule-set-1.{json,yaml}[.gz] in the model's folder, or NULL. */
static char *find_rules(const char *model_path)
{
    static const char *const names[] = { "endpoint-rule-set-1.yaml", "endpoint-rule-set-1.json",
                                         "endpoint-rule-set-1.yaml.gz", "endpoint-rule-set-1.json.gz" };
    const char *slash = strrchr(model_path, '/');
    size_t dir_len = slash ? (size_t)(slash - model_path) : 1;
    const char *dir = slash ? model_path : ".";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = dir_len + strlen(names[i]) + 2;
        char *p = malloc(n);
        if (p == NULL)
            return NULL;
        snprintf(p, n, "%.*s/%s", (int)dir_len, dir, names[i]);
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

static int parse_args(int argc, char **argv, struct gen_options *o, const char **ops, size_t max_ops)
{
    size_t nops = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--check") == 0) {
            o->check = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (v == NULL) {
            fprintf(stderr, "acg-gen: %s needs a value\n%s", a, usage);
            return -1;
        }
        if (strcmp(a, "--model") == 0)
            o->model_path = v;
        else if (strcmp(a, "--out") == 0)
            o->out_dir = v;
        else if (strcmp(a, "--templates") == 0)
            o->templates_dir = v;
        else if (strcmp(a, "--prefix") == 0)
            o->prefix = v;
        else if (strcmp(a, "--rules") == 0)
            o->ruleset_path = v;
        else if (strcmp(a, "--operation") == 0 && nops + 1 < max_ops)
            ops[nops++] = v;
        else {
            fprintf(stderr, "acg-gen: unknown option %s\n%s", a, usage);
            return -1;
        }
        i++;
    }
    ops[nops] = NULL;
    o->operations = ops;
    if (o->model_path == NULL || o->out_dir == NULL) {
        fprintf(stderr, "acg-gen: --model and --out are required\n%s", usage);
        return -1;
    }
    return 0;
}

/* Renders and writes (or compares) every output. Returns the number of files that
 * differ, or -1 on an error. */
static int emit_all(const struct gen_options *o, const char *prefix, const struct tv *ctx, struct diag *d)
{
    struct template_set *ts = templates_open(o->templates_dir);
    int changed = 0;
    if (ts == NULL || (!o->check && write_mkdirs(o->out_dir, d) != 0)) {
        templates_close(ts);
        return -1;
    }
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char name[512];
        struct acg_buf out;
        acg_buf_init(&out, 0);
        if (outputs[i].suffix)
            snprintf(name, sizeof name, "%s%s", prefix, outputs[i].suffix);
        else
            snprintf(name, sizeof name, "MANIFEST");
        if (render(ts, outputs[i].template_name, ctx, &out, d) != 0) {
            acg_buf_free(&out);
            changed = -1;
            break;
        }
        int rc = write_output(o->out_dir, name, out.data ? out.data : "", out.len, o->check, d);
        acg_buf_free(&out);
        if (rc < 0) {
            changed = -1;
            break;
        }
        if (rc > 0) {
            changed++;
            if (o->check)
                printf("%s/%s would change\n", o->out_dir, name);
        }
    }
    templates_close(ts);
    return changed;
}

int main(int argc, char **argv)
{
    struct gen_options o = { 0 };
    const char *ops[1024];
    struct diag d;
    struct model m;
    struct doc rules = { 0 };
    struct acg_buf endpoint_code;
    struct acg_arena *a = NULL;
    struct tv *ctx = NULL;
    char *rules_path = NULL;
    int status = 2;

    o.templates_dir = NULL;   /* the built-in ones */
    if (parse_args(argc, argv, &o, ops, sizeof ops / sizeof ops[0]) != 0)
        return 2;
    o.display_path = o.model_path;
    diag_init(&d);
    acg_buf_init(&endpoint_code, 0);
    a = acg_arena_new();
    if (a == NULL)
        return 2;
    if (model_load(o.model_path, &m, &d) != 0)
        goto done;
    rules_path = o.ruleset_path ? strdup(o.ruleset_path) : find_rules(o.model_path);
    const char *prefix = gen_prefix(&m, &o, a);
    char fn[300];
    snprintf(fn, sizeof fn, "%s_resolve_endpoint", prefix);
    if (rules_path != NULL) {
        if (doc_load(rules_path, &rules, &d) != 0 ||
            gen_endpoints_emit_client(rules.root, doc_get(m.doc_tree.root, "clientContextParams"),
                                      rules_path, fn, 0, &endpoint_code, &d) != 0)
            goto done;
    } else if (gen_endpoints_emit_default(m.endpoint_prefix, fn, &endpoint_code, &d) != 0) {
        goto done;
    }
    if (gen_plan(&m, &o, endpoint_code.data, a, &ctx, &d) != 0)
        goto done;
    int changed = emit_all(&o, prefix, ctx, &d);
    if (changed < 0)
        status = 3;
    else
        status = o.check && changed > 0 ? 1 : 0;
done:
    if (d.text != NULL)
        fputs(d.text, stderr);
    diag_free(&d);
    model_free(&m);
    doc_free(&rules);
    free(rules_path);
    acg_buf_free(&endpoint_code);
    acg_arena_destroy(a);
    return status;
}
