/* A bump allocator that owns every pointer inside one decoded value.
 *
 * Decoded responses keep their strings, lists and nested structures in one arena, so a
 * failed decode is cleaned up by destroying the arena and a response is released with one
 * call, however deep it is. */
#ifndef ACG_ARENA_H
#define ACG_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct acg_arena;

/* Returns NULL when out of memory. */
struct acg_arena *acg_arena_new(void);
/* NULL-safe. Every pointer the arena handed out becomes invalid. */
void acg_arena_destroy(struct acg_arena *a);
/* The same, zeroing every byte handed out first: for an arena that held secrets (a
 * credentials document's keys and token). */
void acg_arena_destroy_secure(struct acg_arena *a);

/* Zeroed memory aligned for any object type; NULL on overflow or out of memory. */
void *acg_arena_calloc(struct acg_arena *a, size_t count, size_t size);
/* A NUL-terminated copy of the first len bytes of s. */
char *acg_arena_strndup(struct acg_arena *a, const char *s, size_t len);
/* Bytes handed out so far, for tests and benchmarks. */
size_t acg_arena_used(const struct acg_arena *a);

#ifdef __cplusplus
}
#endif

#endif
