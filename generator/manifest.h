/* The bindings manifest: one YAML file listing what to generate, and its lock file, which
 * records what the bindings were generated from (README.md, "The bindings manifest",
 * documents both). Paths in the manifest are relative to its folder. */
#ifndef GEN_MANIFEST_H
#define GEN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "diag.h"
#include "load.h"

struct manifest_file {
    const char *path;            /* to open */
    const char *shown;           /* as the lock and the banners name it (machine-independent) */
    struct gen_mark mark;        /* of its value in the manifest */
};

struct manifest_service {
    const char *name;
    struct manifest_file model;
    struct manifest_file rules;        /* path NULL: beside the model, or the default */
    struct manifest_file paginators;   /* path NULL: none */
    struct manifest_file waiters;
    const char *out_dir;               /* resolved */
    const char *prefix;                /* NULL: from the serviceId */
    const char **operations;           /* NULL-terminated; NULL: all */
    const struct doc_node *operations_node;
    const char *validation;            /* "enforce", "warn" or "off" */
    struct gen_mark mark;
};

struct manifest {
    const char *path;
    const char *dir;                   /* the manifest's folder: inputs are relative to it */
    const char *lock_path;
    const char *lock_shown;            /* as written, for messages */
    const char *snapshots_dir;         /* NULL: no snapshots */
    const char *templates_dir;         /* NULL: the built-in templates */
    const char *vendor_dir;            /* NULL: no vendoring */
    bool vendor_cli;
    struct manifest_service *services;
    size_t count;
    struct doc doc;                    /* owns the manifest's strings */
    struct acg_arena *a;               /* owns the rest */
};

/* Reads and checks the manifest at path; outputs (out, lock, snapshots, vendor) go under
 * out_root when it is not NULL, else beside the manifest. Returns 0, or -1 with a
 * "file:line:col: error: ..." diagnostic for every problem. */
int manifest_load(const char *path, const char *out_root, struct manifest *m, struct diag *d);
void manifest_free(struct manifest *m);

#endif
