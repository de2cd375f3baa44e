/* acg-gen: command line -> options -> one of its modes (one model, a manifest, a model-change
 * report). Only this file prints and exits: 0 done (or no drift with --check), 1 --check
 * found something that would change, 2 bad usage, a bad model or manifest, 3 an output
 * could not be written; --diff exits 0 when the models agree, else 10 compatible, 11
 * changes behaviour, 12 breaks ABI, 13 breaks source (the most severe change found). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/acg_buf.h"
#include "plan.h"

static const char usage[] =
    "usage: acg-gen --model FILE (--out DIR | --vendor DIR) [--operation NAME]...\n"
    "               [--templates DIR] [--prefix NAME] [--rules FILE] [--check]\n"
    "       acg-gen --manifest FILE [--check] [--list] [--vendor DIR] [--out-root DIR]\n"
    "       acg-gen --diff OLD NEW [--operation NAME]... [--format text|json]\n"
    "  --model FILE      service model, YAML or JSON, optionally gzip-compressed\n"
    "  --out DIR         where the generated sources go\n"
    "  --operation NAME  generate (or compare) this operation (repeatable; default: all)\n"
    "  --templates DIR   render these templates instead of the built-in ones\n"
    "  --prefix NAME     C prefix (default: the serviceId in snake_case)\n"
    "  --rules FILE      endpoint rule set (default: endpoint-rule-set-1.* beside the model)\n"
    "  --check           write nothing; exit 1 and name every file that would change\n"
    "  --manifest FILE   generate every service the bindings manifest lists; write its lock\n"
    "  --list            with --manifest: print its inputs and outputs (\"in PATH\", \"out PATH\")\n"
    "  --out-root DIR    with --manifest: outputs, lock and snapshots go under DIR\n"
    "  --vendor DIR      a self-contained folder: the service(s), the runtime, a Makefile,\n"
    "                    a CMakeLists.txt and a README (--with-cli: the programs too)\n"
    "  --runtime DIR     where the runtime's sources are (default: found beside acg-gen)\n"
    "  --diff OLD NEW    report how NEW differs from OLD for a C consumer of the bindings\n"
    "  --format FMT      --diff's report: text (default) or json\n";

/* Options that take no value; returns 1 when a was one of them. */
static int flag(const char *a, struct gen_options *o, struct gen_tool_options *t)
{
    if (strcmp(a, "--check") == 0)
        o->check = true;
    else if (strcmp(a, "--list") == 0)
        t->list = true;
    else if (strcmp(a, "--with-cli") == 0)
        t->vendor_cli = true;
    else
        return 0;
    return 1;
}

/* Options that take one value; returns 1 when a was one of them. */
static int option(const char *a, const char *v, struct gen_options *o, struct gen_tool_options *t)
{
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
    else if (strcmp(a, "--manifest") == 0)
        t->manifest_path = v;
    else if (strcmp(a, "--vendor") == 0)
        t->vendor_dir = v;
    else if (strcmp(a, "--out-root") == 0)
        t->out_root = v;
    else if (strcmp(a, "--runtime") == 0)
        t->runtime_dir = v;
    else if (strcmp(a, "--format") == 0 && (strcmp(v, "json") == 0 || strcmp(v, "text") == 0))
        t->json = strcmp(v, "json") == 0;
    else
        return 0;
    return 1;
}

static int parse_args(int argc, char **argv, struct gen_options *o, struct gen_tool_options *t,
                      const char **ops, size_t max_ops)
{
    size_t nops = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (flag(a, o, t))
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--diff") == 0 && i + 2 < argc) {
            t->diff_old = argv[++i];
            t->diff_new = argv[++i];
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "acg-gen: %s needs a value\n%s", a, usage);
            return -1;
        }
        if (strcmp(a, "--operation") == 0 && nops + 1 < max_ops) {
            ops[nops++] = v;
        } else if (!option(a, v, o, t)) {
            fprintf(stderr, "acg-gen: unknown option %s %s\n%s", a, v, usage);
            return -1;
        }
        i++;
    }
    ops[nops] = NULL;
    o->operations = ops;
    if (t->manifest_path == NULL && t->diff_old == NULL &&
        (o->model_path == NULL || (o->out_dir == NULL && t->vendor_dir == NULL))) {
        fprintf(stderr, "acg-gen: --model with --out or --vendor, --manifest, or --diff is "
                        "required\n%s", usage);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct gen_options o = { 0 };
    struct gen_tool_options t = { 0 };
    const char *ops[1024];
    struct diag d;
    struct acg_buf out;
    int status;

    o.templates_dir = NULL;   /* the built-in ones */
    if (parse_args(argc, argv, &o, &t, ops, sizeof ops / sizeof ops[0]) != 0)
        return GEN_EXIT_BAD_INPUT;
    o.display_path = o.model_path;
    diag_init(&d);
    acg_buf_init(&out, 0);
    if (t.manifest_path != NULL)
        status = gen_cmd_manifest(&o, &t, &out, &d);
    else if (t.diff_old != NULL)
        status = gen_cmd_diff(&o, &t, &out, &d);
    else
        status = gen_cmd_model(&o, &t, &out, &d);
    if (out.data != NULL)
        fputs(out.data, stdout);
    if (d.text != NULL)
        fputs(d.text, stderr);
    diag_free(&d);
    acg_buf_free(&out);
    return status;
}
