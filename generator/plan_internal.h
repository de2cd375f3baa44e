/* Shared by the plan's sources: plan.c (closure, names, the root context), plan_types.c (the
 * header's types), plan_tables.c (descriptor tables) and plan_cli.c (the program's
 * documentation). Not used outside the plan. */
#ifndef GEN_PLAN_INTERNAL_H
#define GEN_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "diag.h"
#include "model.h"
#include "plan.h"
#include "render.h"

/* What the plan knows about one shape of the model. */
struct pshape {
    const struct shape *s;
    const char *c;            /* snake-case name, unique in the service */
    const char *entry;        /* maps: the entry struct's type ("struct svc_tags_entry") */
    bool in_closure;          /* reachable from a selected operation */
    bool top_level;           /* an operation's input, output or error: has arena_ */
    bool is_input;            /* a selected operation's input */
    bool is_output;           /* a selected operation's output */
    bool as_element;          /* a list or map that is a list element or map value */
    bool own_descriptor;      /* gets a table of its own (else a shared runtime scalar) */
    const char **fields;      /* structures: C field name per member */
    const char **extras;      /* and its has_ or _count field, NULL for other members */
};

struct planner {
    const struct model *m;
    const struct gen_options *o;
    struct acg_arena *a;
    struct diag *d;
    const char *prefix;       /* "personalize" */
    const char *upper;        /* "PERSONALIZE" */
    struct pshape *ps;        /* parallel to m->shapes */
    size_t *order;            /* shape indexes sorted by C name: the output order */
    const char **patterns;    /* distinct patterns in first-use order */
    size_t pattern_count, pattern_cap;
    const char **macros;      /* enum constant names handed out, for uniqueness */
    size_t macro_count, macro_cap;
};

/* A printf-formatted string in the plan's arena ("" when memory runs out; the tree then
 * reports the failure). */
char *plan_fmt(struct planner *p, const char *f, ...) GEN_PRINTF(2, 3);

/* The width in columns of the strings given, up to a NULL: what a generated line would take
 * (plan_width("    .min = ", min, ",", NULL)), for the layout choices the templates offer. */
size_t plan_width(const char *first, ...);
/* Whether a line of those strings fits the generated code's 100 columns. */
#define plan_fits(...) (plan_width(__VA_ARGS__, (const char *)NULL) <= 100)

/* The plan's record of shape s. */
struct pshape *plan_shape_of(struct planner *p, const struct shape *s);

bool plan_is_struct(const struct shape *s);
/* Types stored with a bool has_x flag beside them in a structure. */
bool plan_is_flagged(const struct shape *s);
/* Whether an operation is among those asked for. */
bool plan_selected(const struct gen_options *o, const char *name);
/* C field names for a structure's members; collisions are reported once. */
const char **plan_field_names(struct planner *p, const struct shape *s);
/* Per member: the has_x (flagged scalars) or x_count (lists, maps) field, else NULL. */
const char **plan_extra_field_names(struct planner *p, const struct shape *s);
/* The index of pattern pat in the pattern table (added on first use). */
size_t plan_pattern(struct planner *p, const char *pat);

/* The C type of a pointer to a list element of shape t: "const struct x_y *",
 * "const char *const *", "const int32_t *". */
const char *plan_element_pointer(struct planner *p, const struct shape *t);

/* The header's enums, forward declarations, structs and map entries. */
void plan_types(struct planner *p, struct tv *root);
/* The descriptor tables: shapes, members, limits, operations, errors. */
void plan_tables(struct planner *p, struct tv *root);
/* Operations (wrappers, descriptors and the program's commands). */
void plan_operations(struct planner *p, struct tv *root);

#endif
