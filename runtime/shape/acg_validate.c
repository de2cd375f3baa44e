/* Request validation against model constraints.
 *
 * Every violation is recorded with its member path, so one call reports them all, the way
 * the AWS CLI's parameter validation does. Lengths count Unicode code points (what the
 * services count), after checking the text is valid UTF-8.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_buf.h"
#include "acg_text_private.h"
#include "common/acg_utf8.h"
#include "shape/acg_validate.h"

/* Only the counters and the path: an item is written whole when it is recorded, and the
 * 12 KB of items would otherwise be cleared on every call. */
void acg_validator_init(struct acg_validator *v)
{
    v->path[0] = '\0';
    v->path_len = 0;
    v->count = 0;
    v->dropped = 0;
}

/* Appends text to the path, truncating rather than overflowing; leave() restores the mark
 * whether or not the append fitted. */
static void path_append(struct acg_validator *v, const char *a, const char *b, const char *c)
{
    const char *parts[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        const char *s = parts[i];
        if (s == NULL)
            continue;
        size_t n = strlen(s);
        size_t room = sizeof v->path - 1 - v->path_len;
        if (n > room)
            n = room;
        memcpy(v->path + v->path_len, s, n);
        v->path_len += n;
    }
    v->path[v->path_len] = '\0';
}

size_t acg_validate_enter(struct acg_validator *v, const char *name)
{
    size_t mark = v->path_len;
    path_append(v, v->path_len > 0 ? "." : NULL, name, NULL);
    return mark;
}

size_t acg_validate_enter_index(struct acg_validator *v, size_t index)
{
    size_t mark = v->path_len;
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", index);
    path_append(v, buf, NULL, NULL);
    return mark;
}

size_t acg_validate_enter_key(struct acg_validator *v, const char *key)
{
    size_t mark = v->path_len;
    path_append(v, "[", key, "]");
    return mark;
}

void acg_validate_leave(struct acg_validator *v, size_t mark)
{
    if (mark <= v->path_len) {
        v->path_len = mark;
        v->path[mark] = '\0';
    }
}

static void vfail(struct acg_validator *v, const char *member, const char *fmt, va_list ap)
    ACG_PRINTF(3, 0);

static void vfail(struct acg_validator *v, const char *member, const char *fmt, va_list ap)
{
    if (v->count >= ACG_VALIDATION_MAX) {
        v->dropped++;
        return;
    }
    struct acg_violation *item = &v->items[v->count++];
    bool has_member = member != NULL && member[0] != '\0';
    size_t n = v->path_len < sizeof item->path - 1 ? v->path_len : sizeof item->path - 1;
    memcpy(item->path, v->path, n);
    if (has_member) {
        if (n > 0 && n < sizeof item->path - 1)
            item->path[n++] = '.';
        size_t m = strlen(member);
        if (m > sizeof item->path - 1 - n)
            m = sizeof item->path - 1 - n;
        memcpy(item->path + n, member, m);
        n += m;
    }
    item->path[n] = '\0';
    vsnprintf(item->message, sizeof item->message, fmt, ap);
}

void acg_validate_fail(struct acg_validator *v, const char *member, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(v, member, fmt, ap);
    va_end(ap);
}

void acg_validate_required(struct acg_validator *v, const char *member, bool present)
{
    if (!present)
        acg_validate_fail(v, member, "is required");
}

static void check_length(struct acg_validator *v, const char *member, size_t len, long min,
                         long max)
{
    if (min >= 0 && len < (size_t)min)
        acg_validate_fail(v, member, "length %zu is less than the minimum %ld", len, min);
    else if (max >= 0 && len > (size_t)max)
        acg_validate_fail(v, member, "length %zu is more than the maximum %ld", len, max);
}


void acg_validate_string(struct acg_validator *v, const char *member, const char *s, long min,
                         long max, struct acg_pattern *pattern)
{
    if (s == NULL)
        return;
    size_t bytes = strlen(s);
    long len = acg_utf8_length(s, bytes);
    if (len < 0) {
        acg_validate_fail(v, member, "is not valid UTF-8");
        return;
    }
    check_length(v, member, (size_t)len, min, max);
    if (pattern != NULL && acg_pattern_search(pattern, s, bytes) == 0)
        acg_validate_fail(v, member, "does not match the pattern %s", pattern->source);
}

void acg_validate_blob_length(struct acg_validator *v, const char *member, bool present,
                              size_t len, long min, long max)
{
    if (present)
        check_length(v, member, len, min, max);
}

void acg_validate_int_range(struct acg_validator *v, const char *member, bool present,
                            int64_t value, bool has_min, int64_t min, bool has_max, int64_t max)
{
    if (!present)
        return;
    if (has_min && value < min)
        acg_validate_fail(v, member, "value %lld is less than the minimum %lld",
                          (long long)value, (long long)min);
    else if (has_max && value > max)
        acg_validate_fail(v, member, "value %lld is more than the maximum %lld",
                          (long long)value, (long long)max);
}

/* The shortest text that reads back as v, so messages say 0.1 rather than
 * 0.10000000000000001. */
static void shortest(double v, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (acg_strtod_c(buf, NULL) == v)
            return;
    }
}

void acg_validate_float_range(struct acg_validator *v, const char *member, bool present,
                              double value, bool has_min, double min, bool has_max, double max)
{
    if (!present)
        return;
    /* NaN compares false both ways and so passes, as it does in botocore. */
    char a[32], b[32];
    if (has_min && value < min) {
        shortest(value, a, sizeof a);
        shortest(min, b, sizeof b);
        acg_validate_fail(v, member, "value %s is less than the minimum %s", a, b);
    } else if (has_max && value > max) {
        shortest(value, a, sizeof a);
        shortest(max, b, sizeof b);
        acg_validate_fail(v, member, "value %s is more than the maximum %s", a, b);
    }
}

void acg_validate_count(struct acg_validator *v, const char *member, bool present, size_t count,
                        long min, long max)
{
    if (!present)
        return;
    if (min >= 0 && count < (size_t)min)
        acg_validate_fail(v, member, "has %zu item%s, fewer than the minimum %ld", count,
                          count == 1 ? "" : "s", min);
    else if (max >= 0 && count > (size_t)max)
        acg_validate_fail(v, member, "has %zu item%s, more than the maximum %ld", count,
                          count == 1 ? "" : "s", max);
}

void acg_validate_union(struct acg_validator *v, const char *member, int set_count)
{
    if (set_count != 1)
        acg_validate_fail(v, member, "must have exactly one member set, has %d", set_count);
}

int acg_validator_result(const struct acg_validator *v, struct acg_error *err)
{
    if (v->count == 0)
        return ACG_OK;
    char msg[sizeof err->message];
    size_t n = 0;
    msg[0] = '\0';
    for (size_t i = 0; i < v->count && n < sizeof msg - 1; i++) {
        int k = snprintf(msg + n, sizeof msg - n, "%s%s%s%s", i ? "; " : "", v->items[i].path,
                         v->items[i].path[0] ? ": " : "", v->items[i].message);
        if (k < 0)
            break;
        n += (size_t)k;
    }
    if (v->dropped > 0 && n < sizeof msg - 1)
        snprintf(msg + n, sizeof msg - n, "; and %zu more", v->dropped);
    return acg_error_set_at(err, ACG_ERR_VALIDATION, v->items[0].path, "%s", msg);
}

/* ---- the walker: a value against its shape's constraints ---- */

static void check_value(struct acg_validator *v, const struct acg_shape *s, const void *p,
                        int depth);

/* A length bound as the checks take it: -1 for none. */
static long bound(const struct acg_shape *s, int flag, int64_t b)
{
    if (!(s->flags & flag))
        return -1;
    return b > LONG_MAX ? LONG_MAX : b < 0 ? 0 : (long)b;
}

static void check_seq(struct acg_validator *v, const struct acg_shape *s,
                      const struct acg_seq *seq, int depth)
{
    if (s->flags & (ACG_SHAPE_HAS_MIN | ACG_SHAPE_HAS_MAX))
        acg_validate_count(v, NULL, true, seq->count, bound(s, ACG_SHAPE_HAS_MIN, s->min),
                           bound(s, ACG_SHAPE_HAS_MAX, s->max));
    const unsigned char *items = seq->items;
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *item = items + i * s->item_size;
        if (s->type == ACG_SHAPE_LIST) {
            size_t mark = acg_validate_enter_index(v, i);
            check_value(v, s->item, item, depth + 1);
            acg_validate_leave(v, mark);
            continue;
        }
        const char *key;
        memcpy(&key, item + s->members[0].offset, sizeof key);
        if (key == NULL) {
            size_t mark = acg_validate_enter_index(v, i);
            acg_validate_fail(v, NULL, "map key is NULL");
            acg_validate_leave(v, mark);
            continue;
        }
        size_t mark = acg_validate_enter_key(v, key);
        check_value(v, s->members[0].shape, item + s->members[0].offset, depth + 1);
        check_value(v, s->members[1].shape, item + s->members[1].offset, depth + 1);
        acg_validate_leave(v, mark);
    }
}

static void check_struct(struct acg_validator *v, const struct acg_shape *s,
                         const unsigned char *base, int depth)
{
    int set = 0;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        bool present = acg_member_present(m, base);
        set += present;
        /* The input's own idempotency tokens are filled when absent, required or not, as
         * botocore fills them before it validates. */
        bool filled = depth == 0 && (m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) &&
                      m->shape->type == ACG_SHAPE_STRING;
        if ((m->flags & ACG_MEMBER_REQUIRED) && !present && !filled)
            acg_validate_required(v, m->name, false);
        if (!present)
            continue;
        size_t mark = acg_validate_enter(v, m->name);
        const void *p = base + m->offset;
        if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
            memcpy(&p, base + m->offset, sizeof p);
        check_value(v, m->shape, p, depth + 1);
        acg_validate_leave(v, mark);
    }
    if (s->type == ACG_SHAPE_UNION)
        acg_validate_union(v, NULL, set);
}

/* p points at the value as a list element holds it (a struct itself, not a pointer). */
static void check_value(struct acg_validator *v, const struct acg_shape *s, const void *p,
                        int depth)
{
    bool has_min = (s->flags & ACG_SHAPE_HAS_MIN) != 0, has_max = (s->flags & ACG_SHAPE_HAS_MAX) != 0;
    if (depth > ACG_VALIDATE_MAX_DEPTH) {
        acg_validate_fail(v, NULL, "is nested more than %d levels deep", ACG_VALIDATE_MAX_DEPTH);
        return;
    }
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        check_struct(v, s, p, depth);
        break;
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        check_seq(v, s, p, depth);
        break;
    case ACG_SHAPE_STRING: {
        const char *str;
        memcpy(&str, p, sizeof str);
        if (str == NULL && !(s->flags & ACG_SHAPE_SPARSE))
            acg_validate_required(v, NULL, false);
        acg_validate_string(v, NULL, str, bound(s, ACG_SHAPE_HAS_MIN, s->min),
                            bound(s, ACG_SHAPE_HAS_MAX, s->max), s->pattern);
        break;
    }
    case ACG_SHAPE_BLOB:
        acg_validate_blob_length(v, NULL, true, ((const struct acg_blob *)p)->len,
                                 bound(s, ACG_SHAPE_HAS_MIN, s->min),
                                 bound(s, ACG_SHAPE_HAS_MAX, s->max));
        break;
    case ACG_SHAPE_INTEGER: case ACG_SHAPE_LONG: {
        int64_t x = 0;
        if (s->type == ACG_SHAPE_INTEGER) {
            int32_t i32;
            memcpy(&i32, p, sizeof i32);
            x = i32;
        } else {
            memcpy(&x, p, sizeof x);
        }
        acg_validate_int_range(v, NULL, true, x, has_min, s->min, has_max, s->max);
        break;
    }
    case ACG_SHAPE_FLOAT: case ACG_SHAPE_DOUBLE: {
        double x;
        if (s->type == ACG_SHAPE_FLOAT) {
            float f;
            memcpy(&f, p, sizeof f);
            x = f;
        } else {
            memcpy(&x, p, sizeof x);
        }
        acg_validate_float_range(v, NULL, true, x, has_min, s->min_value, has_max,
                                 s->max_value);
        break;
    }
    default:
        break;
    }
}

void acg_validate_shape(struct acg_validator *v, const struct acg_shape *s, const void *value)
{
    if (value != NULL)
        check_value(v, s, value, 0);
}
