/* The modes of acg-gen beyond one model: the bindings manifest (manifest.c), the
 * model-change report (diff.c) and vendoring (vendor.c). main.c parses the command line
 * into these options, runs one mode, prints what it produced and exits with its status. */
#ifndef GEN_COMMANDS_H
#define GEN_COMMANDS_H

#include <stdbool.h>

#include "common/acg_buf.h"
#include "diag.h"
#include "plan.h"

/* acg-gen's exit statuses. --diff exits with the most severe class of change it found. */
enum gen_exit {
    GEN_EXIT_OK = 0,
    GEN_EXIT_DRIFT = 1,          /* --check: something would change */
    GEN_EXIT_BAD_INPUT = 2,      /* usage, a bad model, manifest or lock file */
    GEN_EXIT_WRITE = 3,          /* an output could not be written */
    GEN_EXIT_DIFF_COMPATIBLE = 10,
    GEN_EXIT_DIFF_BEHAVIOUR = 11,
    GEN_EXIT_DIFF_ABI = 12,
    GEN_EXIT_DIFF_SOURCE = 13,
};

struct gen_tool_options {
    const char *manifest_path;   /* --manifest FILE */
    const char *diff_old;        /* --diff OLD NEW */
    const char *diff_new;
    bool json;                   /* --format json */
    const char *vendor_dir;      /* --vendor DIR */
    bool vendor_cli;             /* --with-cli: the command-line library and programs too */
    bool list;                   /* --list: print the manifest's inputs and outputs */
    const char *out_root;        /* --out-root DIR: what a manifest run writes goes under DIR */
    const char *runtime_dir;     /* --runtime DIR: the runtime sources vendoring copies */
};

/* Each appends what it has to say to out (main prints it on stdout), problems to d, and
 * returns an enum gen_exit. */
int gen_cmd_model(const struct gen_options *o, const struct gen_tool_options *t,
                  struct acg_buf *out, struct diag *d);
int gen_cmd_manifest(const struct gen_options *o, const struct gen_tool_options *t,
                     struct acg_buf *out, struct diag *d);
int gen_cmd_diff(const struct gen_options *o, const struct gen_tool_options *t,
                 struct acg_buf *out, struct diag *d);

#endif
