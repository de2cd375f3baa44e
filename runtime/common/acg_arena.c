/* Bump allocator in chained blocks. Blocks grow geometrically so a 10 MB body decodes in a
 * few dozen mallocs; large requests get a block of their own. The first block comes in the
 * same allocation as the arena itself, so a small response (a Describe call's) decodes with
 * one malloc and one free. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"

#define ALIGN 16u
#define FIRST_BLOCK 4096u
#define MAX_BLOCK (1u << 20)

struct block {
    struct block *prev;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct acg_arena {
    struct block *head;
    size_t next_size;
    size_t total;
};

/* Where the first block sits: right after the arena, aligned as a block's data must be. */
#define FIRST_OFFSET ((sizeof(struct acg_arena) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

static struct block *first_block(struct acg_arena *a)
{
    return (struct block *)(void *)((unsigned char *)a + FIRST_OFFSET);
}

struct acg_arena *acg_arena_new(void)
{
    struct acg_arena *a = malloc(FIRST_OFFSET + sizeof(struct block) + FIRST_BLOCK);
    if (a == NULL)
        return NULL;
    struct block *b = first_block(a);
    b->prev = NULL;
    b->size = FIRST_BLOCK;
    b->used = 0;
    a->head = b;
    a->next_size = (size_t)FIRST_BLOCK * 2;
    a->total = 0;
    return a;
}

static void destroy(struct acg_arena *a, bool wipe)
{
    if (a == NULL)
        return;
    struct block *b = a->head;
    while (b != NULL) {
        struct block *prev = b->prev;
        if (wipe)
            acg_secure_zero(b->data, b->used);
        if (b != first_block(a))
            free(b);
        b = prev;
    }
    free(a);
}

void acg_arena_destroy(struct acg_arena *a)
{
    destroy(a, false);
}

void acg_arena_destroy_secure(struct acg_arena *a)
{
    destroy(a, true);
}

static struct block *new_block(struct acg_arena *a, size_t need)
{
    size_t size = a->next_size;
    if (size < need)
        size = need;
    struct block *b = malloc(sizeof *b + size);
    if (b == NULL)
        return NULL;
    b->size = size;
    b->used = 0;
    b->prev = a->head;
    a->head = b;
    if (a->next_size < MAX_BLOCK)
        a->next_size *= 2;
    return b;
}

void *acg_arena_calloc(struct acg_arena *a, size_t count, size_t size)
{
    if (size != 0 && count > (SIZE_MAX / 2) / size)
        return NULL;
    size_t n = count * size;
    if (n == 0)
        n = 1;
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    struct block *b = a->head;
    if (b == NULL || b->size - b->used < n) {
        if (b != NULL && n > a->next_size / 2) {
            /* A large request gets a block of its own behind the head, so the head's free
             * space stays in use for the small allocations that follow. */
            struct block *big = malloc(sizeof *big + n);
            if (big == NULL)
                return NULL;
            big->size = n;
            big->used = n;
            big->prev = b->prev;
            b->prev = big;
            a->total += n;
            memset(big->data, 0, n);
            return big->data;
        }
        b = new_block(a, n);
        if (b == NULL)
            return NULL;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *acg_arena_strndup(struct acg_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = acg_arena_calloc(a, len + 1, 1);
    if (p != NULL && len > 0)
        memcpy(p, s, len);
    return p;
}

size_t acg_arena_used(const struct acg_arena *a)
{
    return a->total;
}
