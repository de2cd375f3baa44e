/* Stage 6: output files. Writes go to a temporary file renamed into place, unchanged files
 * are left alone (so make sees no change), and check mode only compares. */
#ifndef GEN_WRITE_H
#define GEN_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Writes or, with check, compares dir/name. Returns 1 when the file differs (and, without
 * check, was rewritten), 0 when it is the same, -1 on an I/O error (with a diagnostic). */
int write_output(const char *dir, const char *name, const char *data, size_t len, bool check,
                 struct diag *d);

/* Creates dir (one level, plus parents) when missing. */
int write_mkdirs(const char *dir, struct diag *d);

#endif
