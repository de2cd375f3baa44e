/* Paginators and waiters from the files beside a model (generator/extras.c). */
#ifndef GEN_EXTRAS_H
#define GEN_EXTRAS_H

#include "model.h"

/* <folder of model_path>/<base>.(yaml|json)[.gz], the first that exists, or NULL. The
 * caller frees it. */
char *gen_find_beside(const char *model_path, const char *base);

/* Loads paginators-1 and waiters-2 beside the model into m (operation paginators,
 * m->waiters). Missing files are fine. Returns 0, or -1 with diagnostics. */
int gen_extras_load(struct model *m, const char *model_path, struct diag *d);

#endif
