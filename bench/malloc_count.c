/* LD_PRELOAD shim that counts heap allocations (malloc, calloc, realloc, aligned forms) on
 * top of glibc's allocator. The benchmark reads the count with dlsym("malloc_count_get"). */
#include <stddef.h>
#include <stdatomic.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_ulong count;

unsigned long malloc_count_get(void);
unsigned long malloc_count_get(void)
{
    return atomic_load(&count);
}

void *malloc(size_t n)
{
    atomic_fetch_add(&count, 1);
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    atomic_fetch_add(&count, 1);
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    atomic_fetch_add(&count, 1);
    return __libc_realloc(p, n);
}

void *aligned_alloc(size_t al, size_t n)
{
    atomic_fetch_add(&count, 1);
    return __libc_memalign(al, n);
}

int posix_memalign(void **out, size_t al, size_t n)
{
    atomic_fetch_add(&count, 1);
    void *p = __libc_memalign(al, n);
    if (!p)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}
