/* CBOR encoding driven by the descriptor tables, byte for byte as botocore's
 * RpcV2CBORSerializer writes a request (definite lengths, smallest integer heads), except
 * that a timestamp with a fraction keeps its milliseconds where botocore drops them.
 *
 * Values sit where shape/acg_shape.h says: a member of a structure at its offset (a
 * structure member as a pointer, a list or map as struct acg_seq, a scalar beside its
 * has_ flag), a list element or map value by value. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cbor/acg_cbor.h"
#include "json/acg_json.h"
#include "acg_text_private.h"
#include "cbor/acg_cbor_private.h"

enum { MT_UINT, MT_NINT, MT_BYTES, MT_TEXT, MT_ARRAY, MT_MAP, MT_TAG, MT_SIMPLE };

struct writer {
    struct acg_buf *out;
    struct acg_error *err;
    const struct acg_cbor_encode_opts *o;
};

/* ---- data items ---- */

/* The initial byte of major type major with argument v, in the fewest bytes. */
static int put_head(struct writer *w, unsigned major, uint64_t v)
{
    unsigned char b[9];
    size_t n = v < 24 ? 1 : v <= 0xff ? 2 : v <= 0xffff ? 3 : v <= 0xffffffff ? 5 : 9;
    static const unsigned char info[] = { 0, 0, 24, 25, 0, 26, 0, 0, 0, 27 };
    b[0] = (unsigned char)(major << 5 | (n == 1 ? v : info[n]));
    for (size_t i = n - 1; i >= 1; i--) {
        b[i] = (unsigned char)v;
        v >>= 8;
    }
    return acg_buf_append(w->out, b, n);
}

static int put_int(struct writer *w, int64_t v)
{
    /* -1 - v cannot overflow for negative v: it is at most INT64_MAX. */
    return v >= 0 ? put_head(w, MT_UINT, (uint64_t)v) : put_head(w, MT_NINT, (uint64_t)(-1 - v));
}

/* n big-endian bytes of bits after the initial byte 0xe0 | info. */
static int put_bits(struct writer *w, unsigned info, uint64_t bits, size_t n)
{
    unsigned char b[9];
    b[0] = (unsigned char)(MT_SIMPLE << 5 | info);
    for (size_t i = n; i >= 1; i--) {
        b[i] = (unsigned char)bits;
        bits >>= 8;
    }
    return acg_buf_append(w->out, b, n + 1);
}

/* NaN and the infinities in half precision, as botocore writes them; 1 when v is finite. */
static int put_non_finite(struct writer *w, double v)
{
    if (isnan(v))
        return put_bits(w, 25, 0x7e00, 2);
    if (isinf(v))
        return put_bits(w, 25, v > 0 ? 0x7c00 : 0xfc00, 2);
    return 1;
}

static int put_double(struct writer *w, double v)
{
    int rc = put_non_finite(w, v);
    if (rc <= 0)
        return rc;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return put_bits(w, 27, bits, 8);
}

static int put_float(struct writer *w, float v)
{
    int rc = put_non_finite(w, v);
    if (rc <= 0)
        return rc;
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return put_bits(w, 26, bits, 4);
}

static int put_text(struct writer *w, const char *s, size_t len)
{
    if (acg_utf8_valid_prefix(s, len) != len)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG,
                             "CBOR writer: a string is not valid UTF-8");
    ACG_TRY(put_head(w, MT_TEXT, len));
    return acg_buf_append(w->out, s, len);
}

/* Tag 1 over epoch seconds: a whole number as an integer; otherwise a double to the
 * millisecond, the protocol's resolution (truncated toward the past like the seconds). */
static int put_timestamp(struct writer *w, const struct acg_timestamp *t)
{
    ACG_TRY(put_head(w, MT_TAG, 1));
    int32_t ms = t->nanos / 1000000;
    if (ms == 0)
        return put_int(w, t->seconds);
    return put_double(w, (double)t->seconds + ms / 1000.0);
}

/* ---- documents: JSON text to the CBOR values it stands for ---- */

static int put_json_token(struct writer *w, struct acg_json_reader *r, int tok);

static int put_json_number(struct writer *w, struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    const char *s = r->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    int64_t i;
    bool has = false;
    /* Written without fraction or exponent and within int64: an integer, else a double. */
    if (strcspn(s, ".eE") >= len) {
        struct acg_error scratch;
        acg_error_init(&scratch);
        struct acg_error *keep = r->err;
        r->err = &scratch;
        int rc = acg_json_read_int64(r, tok, &i, &has);
        r->err = keep;
        if (rc == ACG_OK && has)
            return put_int(w, i);
    }
    double d;
    ACG_TRY(acg_json_read_double(r, tok, &d, &has));
    return put_double(w, d);
}

static int put_json_token(struct writer *w, struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    const char *str;
    switch (t->type) {
    case ACG_JSON_OBJECT:
        ACG_TRY(put_head(w, MT_MAP, (uint64_t)t->size));
        for (int k = acg_json_object_next(r, tok, 0); k > 0; k = acg_json_object_next(r, tok, k)) {
            ACG_TRY(acg_json_read_string(r, k, &str));
            ACG_TRY(put_text(w, str, strlen(str)));
            ACG_TRY(put_json_token(w, r, k + 1));
        }
        return ACG_OK;
    case ACG_JSON_ARRAY:
        ACG_TRY(put_head(w, MT_ARRAY, (uint64_t)t->size));
        for (int i = 0, e = tok + 1; i < t->size; i++, e = acg_json_skip(r, e))
            ACG_TRY(put_json_token(w, r, e));
        return ACG_OK;
    case ACG_JSON_STRING:
        ACG_TRY(acg_json_read_string(r, tok, &str));
        return put_text(w, str, strlen(str));
    default:
        break;
    }
    switch (r->js[t->start]) {
    case 't': return put_bits(w, 21, 0, 0);
    case 'f': return put_bits(w, 20, 0, 0);
    case 'n': return put_bits(w, 22, 0, 0);
    default: return put_json_number(w, r, tok);
    }
}

static int put_document(struct writer *w, const char *json)
{
    struct acg_json_reader r;
    struct acg_arena *arena = acg_arena_new();
    if (arena == NULL)
        return acg_error_set(w->err, ACG_ERR_NOMEM, "out of memory writing a document");
    int rc = acg_json_reader_parse(&r, json, strlen(json), arena, w->err);
    if (rc == ACG_OK)
        rc = r.ntoks > 0 ? put_json_token(w, &r, 0) : put_bits(w, 22, 0, 0);
    acg_json_reader_free(&r);
    acg_arena_destroy(arena);
    if (rc == ACG_ERR_JSON)
        rc = ACG_ERR_INVALID_ARG;
    return rc;
}

/* ---- the walker ---- */

static int encode_value(struct writer *w, const struct acg_shape *s, const void *p);

static int encode_seq(struct writer *w, const struct acg_shape *s, const struct acg_seq *seq)
{
    const unsigned char *items = seq->items;
    if (s->type == ACG_SHAPE_LIST) {
        ACG_TRY(put_head(w, MT_ARRAY, seq->count));
        for (size_t i = 0; i < seq->count; i++) {
            int rc = encode_value(w, s->item, items + i * s->item_size);
            if (rc != ACG_OK)
                return acg_cbor_fail_index(w->err, i, rc);
        }
        return ACG_OK;
    }
    ACG_TRY(put_head(w, MT_MAP, seq->count));
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = items + i * s->item_size;
        const char *key;
        memcpy(&key, entry + s->members[0].offset, sizeof key);
        if (key == NULL)
            return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "CBOR writer: a map key is NULL");
        ACG_TRY(put_text(w, key, strlen(key)));
        int rc = encode_value(w, s->members[1].shape, entry + s->members[1].offset);
        if (rc != ACG_OK)
            return acg_cbor_fail_member(w->err, key, rc);
    }
    return ACG_OK;
}

/* Whether an absent member gets a fresh idempotency token, as botocore fills one. */
static bool fills_token(const struct writer *w, const struct acg_member *m)
{
    return (m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN) && m->shape->type == ACG_SHAPE_STRING &&
           w->o != NULL && w->o->token != NULL;
}

/* Where a member's value starts, as encode_value takes it (a structure member's pointer is
 * followed). */
static const void *member_value(const struct acg_member *m, const unsigned char *base)
{
    const void *p = base + m->offset;
    if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
        memcpy(&p, base + m->offset, sizeof p);
    return p;
}

static int encode_struct(struct writer *w, const struct acg_shape *s, const unsigned char *base)
{
    size_t n = 0;
    for (size_t i = 0; i < s->member_count; i++) {
        if (acg_member_present(&s->members[i], base) || fills_token(w, &s->members[i]))
            n++;
    }
    ACG_TRY(put_head(w, MT_MAP, n));
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        const char *name = acg_member_wire_name(m);
        if (!acg_member_present(m, base)) {
            if (fills_token(w, m)) {
                char uuid[37];
                w->o->token(w->o->token_ctx, uuid);
                ACG_TRY(put_text(w, name, strlen(name)));
                ACG_TRY(put_text(w, uuid, strlen(uuid)));
            }
            continue;
        }
        ACG_TRY(put_text(w, name, strlen(name)));
        int rc = encode_value(w, m->shape, member_value(m, base));
        if (rc != ACG_OK)
            return acg_cbor_fail_member(w->err, m->name, rc);
    }
    return ACG_OK;
}

/* One value as a list element holds it. */
static int encode_value(struct writer *w, const struct acg_shape *s, const void *p)
{
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        return encode_struct(w, s, p);
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        return encode_seq(w, s, p);
    case ACG_SHAPE_STRING: case ACG_SHAPE_DOCUMENT: {
        const char *str;
        memcpy(&str, p, sizeof str);
        if (str == NULL)
            return put_bits(w, 22, 0, 0);
        return s->type == ACG_SHAPE_STRING ? put_text(w, str, strlen(str)) : put_document(w, str);
    }
    case ACG_SHAPE_BOOLEAN: return put_bits(w, *(const bool *)p ? 21 : 20, 0, 0);
    case ACG_SHAPE_INTEGER: return put_int(w, *(const int32_t *)p);
    case ACG_SHAPE_LONG: return put_int(w, *(const int64_t *)p);
    case ACG_SHAPE_FLOAT: return put_float(w, *(const float *)p);
    case ACG_SHAPE_DOUBLE: return put_double(w, *(const double *)p);
    case ACG_SHAPE_TIMESTAMP: return put_timestamp(w, p);
    case ACG_SHAPE_BLOB: {
        const struct acg_blob *b = p;
        if (b->data == NULL && b->len > 0)
            return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "CBOR writer: NULL blob");
        ACG_TRY(put_head(w, MT_BYTES, b->len));
        return b->len > 0 ? acg_buf_append(w->out, b->data, b->len) : ACG_OK;
    }
    }
    return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "shape %s has an unknown type %d",
                         s->name, s->type);
}

int acg_cbor_encode(struct acg_buf *out, const struct acg_shape *s, const void *value,
                    const struct acg_cbor_encode_opts *o, struct acg_error *err)
{
    struct writer w = { out, err, o };
    if (out == NULL || s == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "CBOR writer: no buffer or shape");
    int rc = value == NULL ? put_head(&w, MT_MAP, 0) : encode_value(&w, s, value);
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "cannot write %s as CBOR: %s", s->name,
                             acg_status_name((enum acg_status)rc));
    return ACG_OK;
}
