/* File helpers for the manifest, the lock and vendoring: whole-file reads, paths joined
 * and made relative, and sorted directory listings (byte order, never the locale's). */
#ifndef GEN_FILES_H
#define GEN_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "diag.h"

/* A printf-formatted string in the arena, or NULL when memory runs out. */
char *gen_strf(struct acg_arena *a, const char *fmt, ...) GEN_PRINTF(2, 3);

/* Reads path whole into out (appended). Returns 0, or -1 with a diagnostic. */
int files_read(const char *path, struct acg_buf *out, struct diag *d);

/* "dir/rel", or rel alone when it is absolute or dir is NULL, "" or "."; in the arena. */
char *files_join(struct acg_arena *a, const char *dir, const char *rel);
/* The folder part of path ("." when it has none), in the arena. */
char *files_dirname(struct acg_arena *a, const char *path);

/* The SHA-256 of the file's bytes as 64 hex digits. Returns 0, or -1 with a diagnostic. */
int files_sha256(const char *path, char out[65], struct diag *d);

bool files_is_dir(const char *path);
bool files_is_file(const char *path);

/* The entries of dir (without "." and ".."), sorted by strcmp, NULL-terminated, in the
 * arena; *count gets their number. NULL when dir cannot be read. */
char **files_list(struct acg_arena *a, const char *dir, size_t *count);

#endif
