/* Stage 4: every decision about the C output — names, types, order, the code snippets for
 * each member — made once, as a tree of template values the templates only lay out. */
#ifndef GEN_PLAN_H
#define GEN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "diag.h"
#include "model.h"
#include "render.h"

#define GEN_VERSION "0.2.0"

struct gen_options {
    const char *model_path;
    const char *display_path;      /* the model path as written in banners ("models/...") */
    const char *out_dir;
    const char *templates_dir;
    const char *prefix;            /* C prefix; NULL: from serviceId */
    const char **operations;       /* NULL-terminated; NULL or empty: all */
    const char *ruleset_path;      /* endpoint-rule-set-1.(json|yaml)[.gz]; NULL: beside the model */
    bool check;
    const char *validation;        /* the client's default: "warn" or "off"; NULL: enforce */
};

/* Builds the template context for every output file of one service. Returns 0, or -1 with
 * diagnostics. endpoint_code is the C text of the endpoint resolver (from endpoints.c). */
int gen_plan(const struct model *m, const struct gen_options *o, const char *endpoint_code,
             struct acg_arena *a, struct tv **out, struct diag *d);

/* The service prefix gen_plan uses: o->prefix or the serviceId in snake_case. */
const char *gen_prefix(const struct model *m, const struct gen_options *o, struct acg_arena *a);

#endif
