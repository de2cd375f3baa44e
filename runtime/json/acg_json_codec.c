/* JSON encoding and decoding driven by the descriptor tables: one walker each way for every
 * shape of every service, as botocore's JSON serializer and parser do it.
 *
 * Values sit where shape/acg_shape.h says: a member of a structure at its offset (a
 * structure member as a pointer, a list or map as struct acg_seq, a scalar beside its
 * has_ flag), a list element or map value by value. */
#include <string.h>

#include "json/acg_json.h"

/* ---- encoding ---- */

static int encode_struct(struct acg_json_writer *w, const struct acg_shape *s,
                         const unsigned char *base, const struct acg_json_encode_opts *o);
static int encode_value(struct acg_json_writer *w, const struct acg_shape *s, const void *p,
                        int ts_format, const struct acg_json_encode_opts *o);

static int encode_seq(struct acg_json_writer *w, const struct acg_shape *s,
                      const struct acg_seq *seq, const struct acg_json_encode_opts *o)
{
    const unsigned char *items = seq->items;
    if (s->type == ACG_SHAPE_LIST) {
        ACG_TRY(acg_json_begin_array(w));
        for (size_t i = 0; i < seq->count; i++)
            ACG_TRY(encode_value(w, s->item, items + i * s->item_size, ACG_TS_DEFAULT, o));
        return acg_json_end_array(w);
    }
    ACG_TRY(acg_json_begin_object(w));
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = items + i * s->item_size;
        const char *key;
        memcpy(&key, entry + s->members[0].offset, sizeof key);
        if (key == NULL)
            return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "a map key is NULL");
        ACG_TRY(acg_json_key(w, key));
        ACG_TRY(encode_value(w, s->members[1].shape, entry + s->members[1].offset,
                             s->members[1].ts_format, o));
    }
    return acg_json_end_object(w);
}

/* One value as a list element holds it. ts_format: the member's override, or default. */
static int encode_value(struct acg_json_writer *w, const struct acg_shape *s, const void *p,
                        int ts_format, const struct acg_json_encode_opts *o)
{
    if ((s->flags & ACG_SHAPE_SENSITIVE) && w->redact_sensitive)
        return acg_json_write_redacted(w);
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        return encode_struct(w, s, p, o);
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        return encode_seq(w, s, p, o);
    case ACG_SHAPE_STRING: case ACG_SHAPE_DOCUMENT: {
        const char *str;
        memcpy(&str, p, sizeof str);
        if (str == NULL)
            return acg_json_write_null(w);
        return s->type == ACG_SHAPE_STRING ? acg_json_write_string(w, str)
                                           : acg_json_write_document(w, str);
    }
    case ACG_SHAPE_BOOLEAN: return acg_json_write_bool(w, *(const bool *)p);
    case ACG_SHAPE_INTEGER: return acg_json_write_int32(w, *(const int32_t *)p);
    case ACG_SHAPE_LONG: return acg_json_write_int64(w, *(const int64_t *)p);
    case ACG_SHAPE_FLOAT: return acg_json_write_float(w, *(const float *)p);
    case ACG_SHAPE_DOUBLE: return acg_json_write_double(w, *(const double *)p);
    case ACG_SHAPE_BLOB: return acg_json_write_blob(w, p);
    case ACG_SHAPE_TIMESTAMP:
        return acg_json_write_timestamp(w, p, ts_format != ACG_TS_DEFAULT ? ts_format
                                                                          : s->ts_format);
    }
    return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "shape %s has an unknown type %d",
                         s->name, s->type);
}

/* Where a member's value starts, as encode_value takes it (a structure member's pointer is
 * followed); NULL for an absent structure. */
static const void *member_value(const struct acg_member *m, const unsigned char *base)
{
    const void *p = base + m->offset;
    if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
        memcpy(&p, base + m->offset, sizeof p);
    return p;
}

/* A string member bound to a header whose value is base64 of JSON text (jsonvalue): the
 * struct holds the JSON text, which callers and the command line give as any JSON value. */
static bool is_jsonvalue_header(const struct acg_member *m)
{
    return (m->flags & ACG_MEMBER_JSONVALUE) && m->location == ACG_LOC_HEADER &&
           m->shape->type == ACG_SHAPE_STRING;
}

static const char *key_of(const struct acg_member *m, const struct acg_json_encode_opts *o)
{
    return o != NULL && o->member_names ? m->name : acg_member_wire_name(m);
}

static int encode_struct(struct acg_json_writer *w, const struct acg_shape *s,
                         const unsigned char *base, const struct acg_json_encode_opts *o)
{
    /* botocore fills the input's own idempotency tokens, not those of nested structures. */
    struct acg_json_encode_opts inner;
    const struct acg_json_encode_opts *child = o;
    if (o != NULL && o->token != NULL) {
        inner = *o;
        inner.token = NULL;
        child = &inner;
    }
    ACG_TRY(acg_json_begin_object(w));
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if (o != NULL && o->body_only && m->location != ACG_LOC_BODY)
            continue;
        if (!acg_member_present(m, base)) {
            /* botocore fills an absent top-level idempotency token with a fresh UUID. */
            if ((m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) && m->shape->type == ACG_SHAPE_STRING &&
                o != NULL && o->token != NULL) {
                char uuid[37];
                o->token(o->token_ctx, uuid);
                ACG_TRY(acg_json_key(w, key_of(m, o)));
                ACG_TRY(acg_json_write_string(w, uuid));
            }
            continue;
        }
        ACG_TRY(acg_json_key(w, key_of(m, o)));
        if (is_jsonvalue_header(m) && o != NULL && o->member_names) {
            /* The JSON the header carries, as the AWS CLI prints it (botocore parses it). */
            const char *json;
            memcpy(&json, base + m->offset, sizeof json);
            ACG_TRY(acg_json_write_document(w, json));
            continue;
        }
        ACG_TRY(encode_value(w, m->shape, member_value(m, base), m->ts_format, child));
    }
    return acg_json_end_object(w);
}

int acg_json_encode(struct acg_json_writer *w, const struct acg_shape *s, const void *value,
                    const struct acg_json_encode_opts *o)
{
    if (value == NULL) {
        ACG_TRY(acg_json_begin_object(w));
        return acg_json_end_object(w);
    }
    return encode_value(w, s, value, ACG_TS_DEFAULT, o);
}

/* ---- decoding ---- */

/* Types stored beside a bool has_x flag in a structure. */
static bool flagged(const struct acg_shape *s)
{
    return s->type >= ACG_SHAPE_BOOLEAN && s->type <= ACG_SHAPE_TIMESTAMP;
}

static int decode_struct(struct acg_json_decoder *d, const struct acg_shape *s,
                         unsigned char *out);
static int decode_value(struct acg_json_decoder *d, const struct acg_shape *s, void *p,
                        bool *has);

/* Whether the NUL-terminated name is exactly key (key->len bytes), what
 * acg_name_compare(name, key->name, key->len) == 0 says, for the guess below that is right
 * for nearly every member of a body. A key read straight from the body holds no NUL (the
 * scanner refuses control bytes), so one strncmp finds it: it stops at the end of name, and
 * a name shorter than the key differs from the key's byte there. A key with escapes was
 * decoded and may hold a NUL: it takes the general comparison. */
static bool name_is(const struct acg_json_decoder *d, const char *name,
                    const struct acg_json_key *key)
{
    if (key->name != d->js + key->start)
        return acg_name_compare(name, key->name, key->len) == 0;
    return strncmp(name, key->name, key->len) == 0 && name[key->len] == '\0';
}

/* The member named key: the one after the last match first (bodies usually follow the
 * model's order), then a binary search of the wire-name index. */
static const struct acg_member *find_member(const struct acg_json_decoder *d,
                                            const struct acg_shape *s,
                                            const struct acg_json_key *key, size_t *next)
{
    if (d->by_member_name)
        return acg_shape_find_member(s, key->name, key->len);
    if (*next < s->member_count) {
        const struct acg_member *m = &s->members[*next];
        if (name_is(d, acg_member_wire_name(m), key)) {
            (*next)++;
            return m;
        }
    }
    const struct acg_member *m = acg_shape_find_wire(s, key->name, key->len);
    if (m != NULL)
        *next = (size_t)(m - s->members) + 1;
    return m;
}

static int decode_struct(struct acg_json_decoder *d, const struct acg_shape *s,
                         unsigned char *out)
{
    struct acg_json_key key;
    bool more;
    size_t next = 0;
    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_object(d, &key, &more));
    while (more) {
        const struct acg_member *m = find_member(d, s, &key, &next);
        int rc;
        if (m == NULL || (m->location != ACG_LOC_BODY && !d->by_member_name)) {
            rc = acg_json_decode_skip(d);
        } else if (d->by_member_name && is_jsonvalue_header(m)) {
            rc = acg_json_decode_document(d, (const char **)(void *)(out + m->offset));
        } else if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION) {
            rc = ACG_OK;
            if (!acg_json_decode_null(d)) {
                void *child = acg_json_decode_alloc(d, 1, m->shape->size);
                rc = child == NULL ? ACG_ERR_NOMEM : decode_struct(d, m->shape, child);
                memcpy(out + m->offset, &child, sizeof child);
            }
        } else {
            bool *has = flagged(m->shape) ? (bool *)(void *)(out + m->has_offset) : NULL;
            rc = decode_value(d, m->shape, out + m->offset, has);
        }
        if (rc != ACG_OK)
            return acg_json_decode_fail_member(d, &key, rc);
        ACG_TRY(acg_json_decode_next_member(d, &key, &more));
    }
    return ACG_OK;
}

static int decode_list(struct acg_json_decoder *d, const struct acg_shape *s, struct acg_seq *out)
{
    struct acg_json_list list;
    bool more;
    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_array(d, &more));
    /* One element's room for the whole list: each is decoded there, then copied onto the
     * decoder's stack, so the list ends up in one piece of arena memory. */
    unsigned char *item = acg_json_decode_alloc(d, 1, s->item_size);
    if (item == NULL)
        return ACG_ERR_NOMEM;
    acg_json_list_begin(d, &list);
    while (more) {
        memset(item, 0, s->item_size);
        int rc = decode_value(d, s->item, item, NULL);
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, item, s->item_size);
        if (rc != ACG_OK)
            return acg_json_decode_fail_index(d, list.count, rc);
        ACG_TRY(acg_json_decode_next_element(d, &more));
    }
    out->items = acg_json_list_finish(d, &list, s->item_size);
    if (out->items == NULL)
        return ACG_ERR_NOMEM;
    out->count = list.count;
    return ACG_OK;
}

static int decode_map(struct acg_json_decoder *d, const struct acg_shape *s, struct acg_seq *out)
{
    struct acg_json_list list;
    struct acg_json_key key;
    bool more;
    if (acg_json_decode_null(d))
        return ACG_OK;
    ACG_TRY(acg_json_decode_object(d, &key, &more));
    unsigned char *entry = acg_json_decode_alloc(d, 1, s->item_size);
    if (entry == NULL)
        return ACG_ERR_NOMEM;
    acg_json_list_begin(d, &list);
    while (more) {
        const char *k;
        memset(entry, 0, s->item_size);
        int rc = acg_json_decode_key(d, &key, &k);
        if (rc == ACG_OK) {
            memcpy(entry + s->members[0].offset, &k, sizeof k);
            rc = decode_value(d, s->members[1].shape, entry + s->members[1].offset, NULL);
        }
        if (rc == ACG_OK)
            rc = acg_json_list_add(d, &list, entry, s->item_size);
        if (rc != ACG_OK)
            return acg_json_decode_fail_member(d, &key, rc);
        ACG_TRY(acg_json_decode_next_member(d, &key, &more));
    }
    out->items = acg_json_list_finish(d, &list, s->item_size);
    if (out->items == NULL)
        return ACG_ERR_NOMEM;
    out->count = list.count;
    return ACG_OK;
}

/* One value into p, where a list element holds it; has: the member's presence flag, or
 * NULL. */
static int decode_value(struct acg_json_decoder *d, const struct acg_shape *s, void *p,
                        bool *has)
{
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION: return decode_struct(d, s, p);
    case ACG_SHAPE_LIST: return decode_list(d, s, p);
    case ACG_SHAPE_MAP: return decode_map(d, s, p);
    case ACG_SHAPE_STRING: return acg_json_decode_string(d, p);
    case ACG_SHAPE_DOCUMENT: return acg_json_decode_document(d, p);
    case ACG_SHAPE_BOOLEAN: return acg_json_decode_bool(d, p, has);
    case ACG_SHAPE_INTEGER: return acg_json_decode_int32(d, p, has);
    case ACG_SHAPE_LONG: return acg_json_decode_int64(d, p, has);
    case ACG_SHAPE_FLOAT: return acg_json_decode_float(d, p, has);
    case ACG_SHAPE_DOUBLE: return acg_json_decode_double(d, p, has);
    case ACG_SHAPE_TIMESTAMP: return acg_json_decode_timestamp(d, p, has);
    case ACG_SHAPE_BLOB: return acg_json_decode_blob(d, p);
    }
    return acg_error_set(d->err, ACG_ERR_INVALID_ARG, "shape %s has an unknown type %d",
                         s->name, s->type);
}

int acg_json_decode_shape(struct acg_json_decoder *d, const struct acg_shape *s, void *out)
{
    return decode_struct(d, s, out);
}

enum { CLI_INPUT = 1, TRUNCATE_INTEGERS = 2 };

/* CLI_INPUT: the AWS CLI's reading of its input (member names, NaN and the infinities). */
static int decode_body(const char *body, size_t len, const struct acg_shape *s, void *out,
                       struct acg_arena *arena, struct acg_error *err, int how)
{
    struct acg_json_decoder d;
    int rc = acg_json_decoder_begin(&d, body, len, arena, err);
    d.nonfinite = (how & CLI_INPUT) != 0;
    d.by_member_name = (how & CLI_INPUT) != 0;
    d.truncate_integers = (how & TRUNCATE_INTEGERS) != 0;
    if (rc == ACG_OK)
        rc = decode_struct(&d, s, out);
    if (rc == ACG_OK)
        rc = acg_json_decoder_end(&d);
    acg_json_decoder_free(&d);
    return rc;
}

int acg_json_decode_body(const char *body, size_t len, const struct acg_shape *s, void *out,
                         struct acg_arena *arena, struct acg_error *err)
{
    return decode_body(body, len, s, out, arena, err, 0);
}

int acg_json_decode_rest_body(const char *body, size_t len, const struct acg_shape *s, void *out,
                              struct acg_arena *arena, struct acg_error *err)
{
    return decode_body(body, len, s, out, arena, err, TRUNCATE_INTEGERS);
}

int acg_json_decode_input(const char *body, size_t len, const struct acg_shape *s, void *out,
                          struct acg_arena *arena, struct acg_error *err)
{
    return decode_body(body, len, s, out, arena, err, CLI_INPUT);
}
