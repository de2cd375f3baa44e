/* LD_PRELOAD shim for tests/security/test_secrets_memory.py: every block the process frees
 * is searched for the secret named by ACG_SCAN_SECRET; a hit is reported on stderr as
 * "SECRET-IN-FREED-BLOCK". realloc is done as malloc + copy + free, so a buffer that grows
 * while holding the secret is caught too (glibc's own realloc frees the old block without
 * calling free). glibc's __libc_* entry points avoid dlsym, which itself allocates. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);

static char needle[4096];
static size_t needle_len;

__attribute__((constructor)) static void init(void)
{
    const char *s = getenv("ACG_SCAN_SECRET");
    if (s != NULL && strlen(s) < sizeof needle) {
        memcpy(needle, s, strlen(s));
        needle_len = strlen(s);
    }
}

void free(void *p)
{
    if (p != NULL && needle_len > 0 && memmem(p, malloc_usable_size(p), needle, needle_len))
        write(2, "SECRET-IN-FREED-BLOCK\n", 22);
    __libc_free(p);
}

void *realloc(void *p, size_t size)
{
    if (p == NULL)
        return __libc_malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    void *q = __libc_malloc(size);
    if (q == NULL)
        return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(q, p, old < size ? old : size);
    free(p);
    return q;
}
