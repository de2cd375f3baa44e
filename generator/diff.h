/* The model-change report: how a new revision of a service model differs from an old one,
 * each change classified by what it means to C code built on the generated bindings.
 *
 *   breaks source      code that compiled may not: a function, struct, field or enum
 *                      constant is gone, or a field's C type changed
 *   breaks ABI         code compiles but must be recompiled: a struct's layout changed
 *                      (a member added, even at the end, or members reordered)
 *   changes behaviour  same code, different outcome: validation stricter or looser, a new
 *                      required member, a new enum value or error, another wire name, HTTP
 *                      binding, trait or endpoint rule
 *   compatible         documentation, new operations, deprecation notes, new types
 *
 * Only what the selected operations reach is compared (all operations by default). */
#ifndef GEN_DIFF_H
#define GEN_DIFF_H

#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "diag.h"

enum diff_class { DIFF_NONE, DIFF_COMPATIBLE, DIFF_BEHAVIOUR, DIFF_ABI, DIFF_SOURCE };

struct diff_change {
    enum diff_class cls;
    const char *kind;       /* "member-removed", "constraint", ... (README lists them) */
    const char *path;       /* where, in the model's terms: "shapes.Tag.members.tagKey" */
    const char *message;    /* what it means, in C terms */
};

struct diff_report {
    const char *old_path, *new_path;
    char old_sha256[65], new_sha256[65];
    const char *operations;         /* "all" or "A, B" */
    struct diff_change *changes;    /* in the order found */
    size_t count, cap;
    size_t counts[DIFF_SOURCE + 1];
    enum diff_class worst;
    struct acg_arena *a;            /* owns every string above */
};

/* Compares the models at old_path and new_path (and the endpoint rule sets beside them)
 * over the operations ops (NULL-terminated; NULL or empty: all). prefix names the C symbols
 * in messages (NULL: from the new model's serviceId). Returns 0, or -1 with diagnostics
 * when a model cannot be loaded or an operation is in neither. */
int diff_models(const char *old_path, const char *new_path, const char *const *ops,
                const char *prefix, struct diff_report *r, struct diag *d);
void diff_report_free(struct diff_report *r);

/* "breaks-source", "breaks-abi", "changes-behaviour", "compatible", "none". */
const char *diff_class_name(enum diff_class c);

/* The report for people (documentation changes counted, not listed) and for tools. */
int diff_format_text(const struct diff_report *r, struct acg_buf *out);
int diff_format_json(const struct diff_report *r, struct acg_buf *out);

#endif
