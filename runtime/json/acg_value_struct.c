/* Generated structs as JSON value trees (json/acg_value_struct.h), read the way the JSON
 * encoder reads them (acg_json_codec.c): members at their offsets, lists and maps as
 * struct acg_seq, scalars beside their has_ flags. */
#include <stdlib.h>
#include <string.h>

#include "common/acg_base64.h"
#include "common/acg_format.h"
#include "common/acg_time.h"
#include "json/acg_value_struct.h"

#define REDACTED "*** sensitive ***"

struct builder {
    struct acg_arena *arena;
    struct acg_value_struct_options o;
    struct acg_error *err;
};

static int build(const struct builder *b, const struct acg_shape *s, const void *p,
                 enum acg_location where, struct acg_value **out);

static struct acg_value *string_value(const struct builder *b, const char *s)
{
    return acg_value_new_string(b->arena, s, strlen(s));
}

/* Python's float(str(f)): the double that prints with the float's shortest digits. */
static struct acg_value *float_value(const struct builder *b, float f)
{
    char text[ACG_NUMBER_TEXT_MAX];
    acg_format_float(f, text);
    return acg_value_new_double(b->arena, strtod(text, NULL));
}

static int blob_value(const struct builder *b, const struct acg_blob *blob,
                      struct acg_value **out)
{
    struct acg_buf text;
    acg_buf_init(&text, 0);
    int rc = acg_base64_encode(blob->data, blob->len, &text);
    if (rc == ACG_OK) {
        *out = acg_value_new_string(b->arena, text.data != NULL ? text.data : "", text.len);
        rc = *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    acg_buf_free(&text);
    return rc;
}

static int timestamp_value(const struct builder *b, const struct acg_timestamp *t,
                           enum acg_location where, struct acg_value **out)
{
    char text[ACG_TIME_TEXT_MAX];
    if (b->o.timestamps == ACG_VALUE_TIME_WIRE && t->wire != NULL) {
        /* The JSON protocols send epoch seconds as numbers: Python reads 1700000000 as an
         * int and 1700000000.5 or 1.7e9 as a float, and prints them back the same way. */
        if (b->o.wire_numbers && where == ACG_LOC_BODY) {
            struct acg_error ignored;
            acg_error_init(&ignored);
            if (acg_value_parse(b->arena, t->wire, strlen(t->wire), out, &ignored) == ACG_OK &&
                ((*out)->type == ACG_VALUE_INT || (*out)->type == ACG_VALUE_DOUBLE))
                return ACG_OK;
        }
        *out = string_value(b, t->wire);
        return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    acg_time_format(t, ACG_TIME_ISOFORMAT, text);
    *out = string_value(b, text);
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

static int document_value(const struct builder *b, const char *json, struct acg_value **out)
{
    int rc = acg_value_parse(b->arena, json, strlen(json), out, b->err);
    if (rc == ACG_ERR_JSON)
        rc = acg_error_set(b->err, ACG_ERR_INVALID_ARG, "a document member holds no JSON");
    return rc;
}

static int list_value(const struct builder *b, const struct acg_shape *s,
                      const struct acg_seq *seq, struct acg_value **out)
{
    struct acg_value *arr = acg_value_new_array(b->arena);
    const unsigned char *items = seq->items;
    if (arr == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < seq->count; i++) {
        struct acg_value *item;
        ACG_TRY(build(b, s->item, items + i * s->item_size, ACG_LOC_BODY, &item));
        ACG_TRY(acg_value_array_push(b->arena, arr, item));
    }
    *out = arr;
    return ACG_OK;
}

static int map_value(const struct builder *b, const struct acg_shape *s,
                     const struct acg_seq *seq, struct acg_value **out)
{
    struct acg_value *obj = acg_value_new_object(b->arena);
    const unsigned char *entries = seq->items;
    if (obj == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = entries + i * s->item_size;
        const char *key;
        struct acg_value *value;
        memcpy(&key, entry + s->members[0].offset, sizeof key);
        if (key == NULL)
            return acg_error_set(b->err, ACG_ERR_INVALID_ARG, "a key of map %s is NULL",
                                 s->name);
        ACG_TRY(build(b, s->members[1].shape, entry + s->members[1].offset, ACG_LOC_BODY,
                      &value));
        ACG_TRY(acg_value_object_add(b->arena, obj, key, strlen(key), value));
    }
    *out = obj;
    return ACG_OK;
}

static int struct_value(const struct builder *b, const struct acg_shape *s,
                        const unsigned char *base, struct acg_value **out)
{
    struct acg_value *obj = acg_value_new_object(b->arena);
    if (obj == NULL)
        return ACG_ERR_NOMEM;
    /* Members bound to headers and the status code first, then the body's: botocore's REST
     * parsers fill their dict in that order, and the AWS CLI prints it so. */
    size_t n = base != NULL ? (size_t)s->member_count : 0;
    for (size_t k = 0; k < 2 * n; k++) {
        bool body_pass = k >= n;
        const struct acg_member *m = &s->members[body_pass ? k - n : k];
        const void *p = base + m->offset;
        struct acg_value *value;
        if (body_pass != (m->location == ACG_LOC_BODY) || !acg_member_present(m, base))
            continue;
        if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
            memcpy(&p, base + m->offset, sizeof p);
        ACG_TRY(build(b, m->shape, p, (enum acg_location)m->location, &value));
        ACG_TRY(acg_value_object_add(b->arena, obj, m->name, strlen(m->name), value));
    }
    *out = obj;
    return ACG_OK;
}

/* The value at p, where a list element of shape s sits. */
static int build(const struct builder *b, const struct acg_shape *s, const void *p,
                 enum acg_location where, struct acg_value **out)
{
    const char *str;
    *out = NULL;
    if ((s->flags & ACG_SHAPE_SENSITIVE) && b->o.redact_sensitive)
        *out = string_value(b, REDACTED);
    else switch ((enum acg_shape_type)s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION: return struct_value(b, s, p, out);
    case ACG_SHAPE_LIST: return list_value(b, s, p, out);
    case ACG_SHAPE_MAP: return map_value(b, s, p, out);
    case ACG_SHAPE_STRING: case ACG_SHAPE_DOCUMENT:
        memcpy(&str, p, sizeof str);
        if (str == NULL)
            *out = acg_value_new_null(b->arena);   /* a sparse list's or map's gap */
        else if (s->type == ACG_SHAPE_DOCUMENT)
            return document_value(b, str, out);
        else
            *out = string_value(b, str);
        break;
    case ACG_SHAPE_BOOLEAN: *out = acg_value_new_bool(b->arena, *(const bool *)p); break;
    case ACG_SHAPE_INTEGER: *out = acg_value_new_int(b->arena, *(const int32_t *)p); break;
    case ACG_SHAPE_LONG: *out = acg_value_new_int(b->arena, *(const int64_t *)p); break;
    case ACG_SHAPE_FLOAT: *out = float_value(b, *(const float *)p); break;
    case ACG_SHAPE_DOUBLE: *out = acg_value_new_double(b->arena, *(const double *)p); break;
    case ACG_SHAPE_BLOB: return blob_value(b, p, out);
    case ACG_SHAPE_TIMESTAMP: return timestamp_value(b, p, where, out);
    default:
        return acg_error_set(b->err, ACG_ERR_INVALID_ARG, "shape %s has an unknown type %d",
                             s->name, s->type);
    }
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

int acg_value_from_struct(struct acg_arena *arena, const struct acg_shape *s, const void *obj,
                          const struct acg_value_struct_options *options,
                          struct acg_value **out, struct acg_error *err)
{
    struct builder b = { arena, { ACG_VALUE_TIME_WIRE, false, false }, err };
    if (options != NULL)
        b.o = *options;
    *out = NULL;
    if (s == NULL || obj == NULL) {
        *out = acg_value_new_object(arena);
        return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    int rc = build(&b, s, obj, ACG_LOC_BODY, out);
    if (rc == ACG_ERR_NOMEM)
        acg_error_set(err, rc, "out of memory building the value of %s", s->name);
    return rc;
}
