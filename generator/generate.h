/* One service, start to end: the model loaded, its endpoint rules compiled, the plan made,
 * every output file rendered and written (or compared). The body of `acg-gen --model`, which
 * the manifest and vendoring run once per service. Prints nothing. */
#ifndef GEN_GENERATE_H
#define GEN_GENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_buf.h"
#include "diag.h"
#include "plan.h"

/* The output files of one service, in the order they are written. */
size_t gen_output_count(void);
/* The name of output i for the C prefix ("personalize.h", ..., "MANIFEST") in buf. */
const char *gen_output_name(size_t i, const char *prefix, char *buf, size_t size);
/* Whether output i is the program (<prefix>_main.c), which needs the CLI library. */
bool gen_output_is_program(size_t i);

/* endpoint-rule-set-1.{yaml,json}[.gz] beside the model, malloc'd, or NULL. */
char *gen_find_rules(const char *model_path);

struct gen_run {
    bool skip_program;          /* in: leave out <prefix>_main.c (bindings without the CLI) */
    char prefix[128];           /* out: the C prefix used */
    char model_sha256[65];      /* out: of the model file's bytes */
    int changed;                /* out: files that differ (were rewritten, or would be) */
};

/* Generates one service by o into o->out_dir. In check mode nothing is written and a line
 * "DIR/NAME would change" per differing file is appended to report. Returns 0, -1 when the
 * model, its rules or the plan have errors, -2 when an output could not be written (each
 * with diagnostics in d). */
int gen_generate(const struct gen_options *o, struct gen_run *r, struct acg_buf *report,
                 struct diag *d);

/* The C prefix the service in model_path gets (o->prefix, else from its serviceId) in buf,
 * without generating anything. Returns 0 or -1 with diagnostics. */
int gen_model_prefix(const char *model_path, const char *prefix, char *buf, size_t size,
                     struct diag *d);

#endif
