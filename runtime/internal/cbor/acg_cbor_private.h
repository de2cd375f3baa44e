/* What the CBOR codec's two halves share. Not installed: generated code never sees it. */
#ifndef ACG_CBOR_PRIVATE_H
#define ACG_CBOR_PRIVATE_H

#include <stddef.h>

#include "common/acg_error.h"

/* Put a member name (".name" when something follows) or "[index]" in front of err->where
 * and return status, so a path builds from the innermost member outwards as the walkers
 * return: "a.b[3].c". A path too long for where loses its outer end. err may be NULL. */
int acg_cbor_fail_member(struct acg_error *err, const char *name, int status);
int acg_cbor_fail_index(struct acg_error *err, size_t index, int status);

#endif
