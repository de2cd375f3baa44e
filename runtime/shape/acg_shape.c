/* The descriptors every service shares (scalars without constraints) and the lookups the
 * walkers make in any service's tables. */
#include <string.h>

#include "common/acg_arena.h"
#include "shape/acg_service.h"
#include "shape/acg_shape.h"

const struct acg_shape acg_shape_string = { .name = "String", .type = ACG_SHAPE_STRING };
const struct acg_shape acg_shape_boolean = { .name = "Boolean", .type = ACG_SHAPE_BOOLEAN };
const struct acg_shape acg_shape_integer = { .name = "Integer", .type = ACG_SHAPE_INTEGER };
const struct acg_shape acg_shape_long = { .name = "Long", .type = ACG_SHAPE_LONG };
const struct acg_shape acg_shape_float = { .name = "Float", .type = ACG_SHAPE_FLOAT };
const struct acg_shape acg_shape_double = { .name = "Double", .type = ACG_SHAPE_DOUBLE };
const struct acg_shape acg_shape_timestamp = { .name = "Timestamp", .type = ACG_SHAPE_TIMESTAMP };
const struct acg_shape acg_shape_blob = { .name = "Blob", .type = ACG_SHAPE_BLOB };
const struct acg_shape acg_shape_document = { .name = "Document", .type = ACG_SHAPE_DOCUMENT };

/* strcmp order between a NUL-terminated name and the len bytes at key (which may hold a
 * NUL, as a JSON key can): nothing past the end of either is read. */
int acg_name_compare(const char *name, const char *key, size_t len)
{
    size_t n = strnlen(name, len);
    int c = memcmp(name, key, n);
    if (c != 0)
        return c;
    if (n < len)
        return -1;
    return name[len] == '\0' ? 0 : 1;
}

const struct acg_member *acg_shape_find_wire(const struct acg_shape *s, const char *name,
                                             size_t len)
{
    if (s->by_wire_name == NULL) {
        for (size_t i = 0; i < s->member_count; i++) {
            if (acg_name_compare(acg_member_wire_name(&s->members[i]), name, len) == 0)
                return &s->members[i];
        }
        return NULL;
    }
    size_t lo = 0, hi = s->member_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct acg_member *m = &s->members[s->by_wire_name[mid]];
        int c = acg_name_compare(acg_member_wire_name(m), name, len);
        if (c == 0)
            return m;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct acg_member *acg_shape_find_member(const struct acg_shape *s, const char *name,
                                               size_t len)
{
    for (size_t i = 0; i < s->member_count; i++) {
        if (acg_name_compare(s->members[i].name, name, len) == 0)
            return &s->members[i];
    }
    return NULL;
}

size_t acg_shape_size(const struct acg_shape *s)
{
    switch (s->type) {
    case ACG_SHAPE_STRING: case ACG_SHAPE_DOCUMENT: return sizeof(const char *);
    case ACG_SHAPE_BOOLEAN: return sizeof(bool);
    case ACG_SHAPE_INTEGER: return sizeof(int32_t);
    case ACG_SHAPE_LONG: return sizeof(int64_t);
    case ACG_SHAPE_FLOAT: return sizeof(float);
    case ACG_SHAPE_DOUBLE: return sizeof(double);
    case ACG_SHAPE_TIMESTAMP: return sizeof(struct acg_timestamp);
    case ACG_SHAPE_BLOB: return sizeof(struct acg_blob);
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        return s->size != 0 ? s->size : sizeof(struct acg_seq);
    default: return s->size;
    }
}

bool acg_member_present(const struct acg_member *m, const void *base)
{
    const unsigned char *p = (const unsigned char *)base + m->offset;
    switch (m->shape->type) {
    case ACG_SHAPE_BOOLEAN: case ACG_SHAPE_INTEGER: case ACG_SHAPE_LONG: case ACG_SHAPE_FLOAT:
    case ACG_SHAPE_DOUBLE: case ACG_SHAPE_TIMESTAMP: {
        bool has;
        memcpy(&has, (const unsigned char *)base + m->has_offset, sizeof has);
        return has;
    }
    case ACG_SHAPE_BLOB:
        return ((const struct acg_blob *)(const void *)p)->data != NULL;
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        return ((const struct acg_seq *)(const void *)p)->items != NULL;
    default: {
        const void *ptr;
        memcpy(&ptr, p, sizeof ptr);
        return ptr != NULL;
    }
    }
}

void acg_release(struct acg_arena *arena, void *value, size_t size)
{
    acg_arena_destroy(arena);
    memset(value, 0, size);
}

const struct acg_shape *acg_service_find_error(const struct acg_service *svc, const char *code)
{
    size_t lo = 0, hi = svc->error_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(acg_error_code(svc->errors[mid]), code);
        if (c == 0)
            return svc->errors[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct acg_operation *acg_service_find_operation(const struct acg_service *svc,
                                                       const char *name)
{
    size_t lo = 0, hi = svc->operation_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(svc->operations[mid]->name, name);
        if (c == 0)
            return svc->operations[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct acg_waiter *acg_service_find_waiter(const struct acg_service *svc, const char *name)
{
    size_t lo = 0, hi = svc->waiter_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(svc->waiters[mid].name, name);
        if (c == 0)
            return &svc->waiters[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
