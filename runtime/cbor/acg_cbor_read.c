/* CBOR decoding driven by the descriptor tables: one pass from front to back, straight into
 * the typed structs, with the JSON decoder's rules (runtime/json/acg_json_codec.c) and what
 * botocore's RpcV2CBORParser accepts.
 *
 * Every length is checked against the bytes left before it is used, so a hostile head
 * ("a string of 2^64 bytes", "an array of 2^32 items") fails at once instead of allocating;
 * every allocation is counted against the memory budget; recursion is bounded by
 * ACG_CBOR_MAX_DEPTH (tags count as a level). Nothing outside [body, body + len) is read. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbor/acg_cbor.h"
#include "json/acg_json.h"
#include "acg_text_private.h"
#include "cbor/acg_cbor_private.h"

enum { MT_UINT, MT_NINT, MT_BYTES, MT_TEXT, MT_ARRAY, MT_MAP, MT_TAG, MT_SIMPLE };

/* Decoded strings are packed into arena chunks of at most this size; a longer one gets
 * arena memory of its own. */
#define POOL_CHUNK ((size_t)64 * 1024)
#define BIG_STRING (POOL_CHUNK / 16)

struct reader {
    const unsigned char *p;  /* the body; not owned */
    size_t len;
    size_t pos;              /* the next byte to read */
    struct acg_arena *arena; /* where decoded values go; not owned */
    struct acg_error *err;   /* may be NULL */
    int depth;
    size_t max_memory;       /* arena, list stack and scratch together */
    char *pool;              /* string space taken from the arena a chunk at a time */
    size_t pool_left;
    unsigned char *stack;    /* owned: items of indefinite-length lists being decoded */
    size_t stack_len;
    size_t stack_cap;
    char *scratch;           /* owned: the chunks of an indefinite-length string, joined */
    size_t scratch_cap;
    int nomem;               /* what the last failed allocation returns: TOO_LARGE or NOMEM */
};

/* One data item's initial byte and argument. */
struct head {
    unsigned major;
    unsigned info;           /* the additional information (low five bits) */
    uint64_t arg;            /* the argument: a value, a length, a count, a tag, float bits */
    bool indefinite;
    size_t at;               /* byte offset of the initial byte */
};

/* ---- paths and failures ---- */

static void prepend_where(struct acg_error *err, const char *prefix)
{
    char old[sizeof err->where];
    const char *dot = err->where[0] != '\0' && err->where[0] != '[' ? "." : "";
    acg_copy_str(old, sizeof old, err->where);
    size_t n = acg_copy_str(err->where, sizeof err->where, prefix);
    n += acg_copy_str(err->where + n, sizeof err->where - n, dot);
    acg_copy_str(err->where + n, sizeof err->where - n, old);
}

int acg_cbor_fail_member(struct acg_error *err, const char *name, int status)
{
    if (err == NULL || status == ACG_OK)
        return status;
    acg_error_set(err, status, "%s", acg_status_name((enum acg_status)status));
    prepend_where(err, name);
    return status;
}

int acg_cbor_fail_index(struct acg_error *err, size_t index, int status)
{
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", index);
    return acg_cbor_fail_member(err, buf, status);
}

static int malformed(const struct reader *r, size_t at, const char *what)
{
    return acg_error_set(r->err, ACG_ERR_JSON, "malformed CBOR: %s (at byte offset %zu)", what,
                         at);
}

static const char *type_name(const struct head *h)
{
    static const char *const names[] = { "an unsigned integer", "a negative integer",
                                         "a byte string", "a text string", "an array", "a map",
                                         "a tag" };
    if (h->major < MT_SIMPLE)
        return names[h->major];
    if (h->info == 20 || h->info == 21)
        return "a boolean";
    return h->info >= 25 && h->info <= 27 ? "a float" : "a simple value";
}

static int wrong_type(const struct reader *r, const struct head *h, const char *want)
{
    return acg_error_set(r->err, ACG_ERR_JSON, "expected %s, got %s (at byte offset %zu)", want,
                         type_name(h), h->at);
}

/* ---- memory ---- */

static bool within_budget(const struct reader *r, size_t n)
{
    size_t used = acg_arena_used(r->arena) + r->stack_cap + r->scratch_cap;
    return n <= r->max_memory && used <= r->max_memory - n;
}

static void *over_budget(struct reader *r)
{
    r->nomem = ACG_ERR_TOO_LARGE;
    acg_error_set(r->err, ACG_ERR_TOO_LARGE, "the decoded response would take more than %zu "
                  "bytes of memory, %d times its %zu bytes of CBOR", r->max_memory,
                  ACG_CBOR_MEMORY_FACTOR, r->len);
    return NULL;
}

static void *alloc(struct reader *r, size_t count, size_t size)
{
    if ((size != 0 && count > SIZE_MAX / size) || !within_budget(r, count * size))
        return over_budget(r);
    void *p = acg_arena_calloc(r->arena, count, size);
    r->nomem = ACG_ERR_NOMEM;
    if (p == NULL)
        acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", count,
                      size);
    return p;
}

/* n bytes for text; small ones share chunks sized by what is left of the body. */
static char *text_space(struct reader *r, size_t n)
{
    if (n > BIG_STRING)
        return alloc(r, n, 1);
    if (n > r->pool_left) {
        size_t chunk = r->len - r->pos < POOL_CHUNK ? r->len - r->pos : POOL_CHUNK;
        chunk = chunk < n ? n : chunk;
        r->pool = alloc(r, chunk, 1);
        if (r->pool == NULL)
            return NULL;
        r->pool_left = chunk;
    }
    char *p = r->pool;
    r->pool += n;
    r->pool_left -= n;
    return p;
}

/* Makes room for at least need bytes in an owned buffer (the list stack, the scratch). */
static int grow(struct reader *r, void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return ACG_OK;
    size_t n = *cap > 0 ? *cap : 256;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory reading CBOR");
        n *= 2;
    }
    if (!within_budget(r, n - *cap)) {
        over_budget(r);
        return r->nomem;
    }
    void *p = realloc(*buf, n);
    if (p == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory reading CBOR");
    *buf = p;
    *cap = n;
    return ACG_OK;
}

/* ---- data items ---- */

static int read_head(struct reader *r, struct head *h)
{
    memset(h, 0, sizeof *h);
    h->at = r->pos;
    if (r->pos >= r->len)
        return malformed(r, r->pos, "the body ends inside a value");
    unsigned ib = r->p[r->pos++];
    h->major = ib >> 5;
    h->info = ib & 31;
    h->arg = h->info;
    h->indefinite = false;
    if (h->info >= 24 && h->info <= 27) {
        size_t n = (size_t)1 << (h->info - 24);
        if (r->len - r->pos < n)
            return malformed(r, h->at, "the body ends inside a value");
        h->arg = 0;
        for (size_t i = 0; i < n; i++)
            h->arg = h->arg << 8 | r->p[r->pos++];
    } else if (h->info == 31 && h->major >= MT_BYTES && h->major <= MT_MAP) {
        h->indefinite = true;
    } else if (h->info >= 28) {
        return malformed(r, h->at, h->info == 31 && h->major == MT_SIMPLE
                                       ? "a break outside an indefinite-length item"
                                       : "reserved additional information");
    }
    return ACG_OK;
}

/* Reads a break (0xff) if one comes next. */
static bool at_break(struct reader *r)
{
    if (r->pos < r->len && r->p[r->pos] == 0xff) {
        r->pos++;
        return true;
    }
    return false;
}

/* Reads null or undefined, which mean absent, if one comes next. */
static bool at_null(struct reader *r)
{
    if (r->pos < r->len && (r->p[r->pos] == 0xf6 || r->p[r->pos] == 0xf7)) {
        r->pos++;
        return true;
    }
    return false;
}

/* Whether the item whose head was just read has another element: a count down for a
 * definite length, the break for an indefinite one. */
static bool more_items(struct reader *r, const struct head *h, uint64_t *left)
{
    if (h->indefinite)
        return !at_break(r);
    if (*left == 0)
        return false;
    (*left)--;
    return true;
}

/* The bytes of a string whose head h was read: in the body for a definite length, joined in
 * the scratch buffer (valid until the next string) for an indefinite one. */
static int read_string(struct reader *r, const struct head *h, const char **out, size_t *len)
{
    *out = "";
    *len = 0;
    if (!h->indefinite) {
        if (h->arg > r->len - r->pos)
            return malformed(r, h->at, "a string longer than the rest of the body");
        *out = (const char *)r->p + r->pos;
        *len = (size_t)h->arg;
        r->pos += (size_t)h->arg;
        return ACG_OK;
    }
    size_t n = 0;
    struct head chunk;
    while (!at_break(r)) {
        ACG_TRY(read_head(r, &chunk));
        if (chunk.major != h->major || chunk.indefinite)
            return malformed(r, chunk.at, "a chunk of another type in an indefinite string");
        if (chunk.arg > r->len - r->pos)
            return malformed(r, chunk.at, "a string longer than the rest of the body");
        ACG_TRY(grow(r, (void **)&r->scratch, &r->scratch_cap, n + (size_t)chunk.arg + 1));
        memcpy(r->scratch + n, r->p + r->pos, (size_t)chunk.arg);
        n += (size_t)chunk.arg;
        r->pos += (size_t)chunk.arg;
    }
    *out = r->scratch != NULL ? r->scratch : "";
    *len = n;
    return ACG_OK;
}

/* A text string read as a NUL-terminated arena copy: UTF-8 checked, no NUL inside. */
static int read_text(struct reader *r, const struct head *h, const char **out)
{
    const char *s;
    size_t len;
    *out = NULL;
    if (h->major != MT_TEXT)
        return wrong_type(r, h, "a text string");
    ACG_TRY(read_string(r, h, &s, &len));
    if (acg_utf8_valid_prefix(s, len) != len)
        return malformed(r, h->at, "a text string that is not UTF-8");
    if (memchr(s, '\0', len) != NULL)
        return acg_error_set(r->err, ACG_ERR_JSON, "a text string holds NUL (at byte offset %zu)",
                             h->at);
    char *p = text_space(r, len + 1);
    if (p == NULL)
        return r->nomem;
    memcpy(p, s, len);
    p[len] = '\0';
    *out = p;
    return ACG_OK;
}

static int enter(struct reader *r, size_t at)
{
    if (r->depth >= ACG_CBOR_MAX_DEPTH)
        return acg_error_set(r->err, ACG_ERR_JSON, "nesting deeper than %d levels at byte offset "
                             "%zu", ACG_CBOR_MAX_DEPTH, at);
    r->depth++;
    return ACG_OK;
}

/* Moves past one whole item, checking it: unknown members are skipped this way. */
static int skip_item(struct reader *r)
{
    struct head h;
    const char *s;
    size_t len;
    ACG_TRY(read_head(r, &h));
    if (h.major == MT_BYTES || h.major == MT_TEXT)
        return read_string(r, &h, &s, &len);
    if (h.major < MT_ARRAY || h.major == MT_SIMPLE)
        return ACG_OK;
    if (!h.indefinite && h.arg > r->len - r->pos)
        return malformed(r, h.at, "more items than bytes left in the body");
    ACG_TRY(enter(r, h.at));
    /* An array's items, a map's keys and values, a tag's one item. */
    uint64_t left = h.major == MT_TAG ? 1 : h.arg;
    while (more_items(r, &h, &left)) {
        ACG_TRY(skip_item(r));
        if (h.major == MT_MAP)
            ACG_TRY(skip_item(r));
    }
    r->depth--;
    return ACG_OK;
}

/* ---- numbers ---- */

static double half_to_double(unsigned bits)
{
    unsigned e = bits >> 10 & 0x1f, m = bits & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m == 0 ? INFINITY : NAN) : ldexp(m + 1024, (int)e - 25);
    return bits & 0x8000 ? -v : v;
}

/* A float item's value (half, single or double precision); false for other simple values. */
static bool float_value(const struct head *h, double *out)
{
    if (h->major != MT_SIMPLE || h->info < 25 || h->info > 27)
        return false;
    if (h->info == 25) {
        *out = half_to_double((unsigned)h->arg);
    } else if (h->info == 26) {
        float f;
        uint32_t bits = (uint32_t)h->arg;
        memcpy(&f, &bits, sizeof f);
        *out = f;
    } else {
        memcpy(out, &h->arg, sizeof *out);
    }
    return true;
}

/* An integer item within [min, max]. */
static int read_integer(struct reader *r, int64_t min, int64_t max, int64_t *out)
{
    struct head h;
    ACG_TRY(read_head(r, &h));
    if (h.major != MT_UINT && h.major != MT_NINT)
        return wrong_type(r, &h, "an integer");
    /* A negative item stands for -1 - arg. */
    if (h.arg > (uint64_t)INT64_MAX || (h.major == MT_UINT && (int64_t)h.arg > max) ||
        (h.major == MT_NINT && -1 - (int64_t)h.arg < min))
        return acg_error_set(r->err, ACG_ERR_JSON, "an integer out of range [%" PRId64 ", %"
                             PRId64 "] (at byte offset %zu)", min, max, h.at);
    *out = h.major == MT_UINT ? (int64_t)h.arg : -1 - (int64_t)h.arg;
    return ACG_OK;
}

/* A float of any width, or an integer (the protocol lets a whole number travel as one). */
static int read_real(struct reader *r, double *out)
{
    struct head h;
    ACG_TRY(read_head(r, &h));
    if (float_value(&h, out))
        return ACG_OK;
    if (h.major == MT_UINT)
        *out = (double)h.arg;
    else if (h.major == MT_NINT)
        *out = -1.0 - (double)h.arg;
    else
        return wrong_type(r, &h, "a number");
    return ACG_OK;
}

/* What Python's repr prints for v: the shortest text that reads back as v, ".0" after a
 * whole number. */
static void python_repr(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        for (char *c = buf; *c != '\0'; c++)
            *c = *c == ',' ? '.' : *c;   /* a locale's decimal comma */
        if (acg_strtod_c(buf, NULL) == v)
            break;
    }
    if (strcspn(buf, ".e") == strlen(buf))
        snprintf(buf + strlen(buf), size - strlen(buf), ".0");
}

/* Writes v in decimal at out; returns the length. */
static size_t put_decimal(char *out, uint64_t v)
{
    char rev[20];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    return n;
}

/* ms milliseconds since the epoch as the instant and as Python's repr of its seconds:
 * "-12.5", "1700000000.123", "1.0" (float) or "1700000000" (integer). Services send whole
 * seconds or milliseconds; this keeps printf and strtod out of the common case. */
static void from_ms(int64_t ms, bool is_float, struct acg_timestamp *t, char text[48])
{
    uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    size_t n = 0;
    t->seconds = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    t->nanos = (int32_t)((ms % 1000 + 1000) % 1000) * 1000000;
    if (ms < 0)
        text[n++] = '-';
    n += put_decimal(text + n, a / 1000);
    if (is_float) {
        unsigned frac = (unsigned)(a % 1000);
        text[n++] = '.';
        text[n++] = (char)('0' + frac / 100);
        if (frac % 100 != 0)
            text[n++] = (char)('0' + frac / 10 % 10);
        if (frac % 10 != 0)
            text[n++] = (char)('0' + frac % 10);
    }
    text[n] = '\0';
}

/* Tag 1 over an integer or a float, kept exactly as its decimal text says, the text in wire.
 * The tag may be left out: a bare number is unambiguous where a timestamp is expected. */
static int read_timestamp(struct reader *r, struct acg_timestamp *out)
{
    struct head h;
    char text[48];
    double v;
    ACG_TRY(read_head(r, &h));
    if (h.major == MT_TAG) {
        if (h.arg != 1)
            return acg_error_set(r->err, ACG_ERR_JSON, "expected tag 1 (epoch seconds), got "
                                 "tag %" PRIu64 " (at byte offset %zu)", h.arg, h.at);
        ACG_TRY(read_head(r, &h));
    }
    /* Beyond 1e11 seconds lies outside years 1-9999 anyway. */
    bool ok = true;
    if ((h.major == MT_UINT || h.major == MT_NINT) && h.arg < UINT64_C(100000000000)) {
        int64_t sec = h.major == MT_UINT ? (int64_t)h.arg : -1 - (int64_t)h.arg;
        from_ms(sec * 1000, false, out, text);
    } else if (h.major == MT_UINT || h.major == MT_NINT) {
        ok = false;
        snprintf(text, sizeof text, "%s%" PRIu64, h.major == MT_NINT ? "-1-" : "", h.arg);
    } else if (!float_value(&h, &v) || !isfinite(v)) {
        return wrong_type(r, &h, "epoch seconds");
    } else if (fabs(v) < 1e11 && (v != 0 || !signbit(v)) &&
               (double)llround(v * 1000) / 1000 == v) {
        from_ms(llround(v * 1000), true, out, text);
    } else {
        python_repr(v, text, sizeof text);
        ok = acg_time_parse(text, strlen(text), out) == ACG_OK;
    }
    if (!ok || out->seconds < ACG_TIME_MIN_SECONDS || out->seconds > ACG_TIME_MAX_SECONDS)
        return acg_error_set(r->err, ACG_ERR_JSON, "timestamp %s is outside years 1-9999 (at "
                             "byte offset %zu)", text, h.at);
    size_t len = strlen(text) + 1;
    char *wire = text_space(r, len);
    if (wire == NULL)
        return r->nomem;
    memcpy(wire, text, len);
    out->wire = wire;
    return ACG_OK;
}

static int read_blob(struct reader *r, struct acg_blob *out)
{
    struct head h;
    const char *s;
    size_t len;
    ACG_TRY(read_head(r, &h));
    if (h.major != MT_BYTES)
        return wrong_type(r, &h, "a byte string");
    ACG_TRY(read_string(r, &h, &s, &len));
    /* One byte at least, so a present empty blob has non-NULL data. */
    uint8_t *p = (uint8_t *)text_space(r, len > 0 ? len : 1);
    if (p == NULL)
        return r->nomem;
    memcpy(p, s, len);
    out->data = p;
    out->len = len;
    return ACG_OK;
}

/* ---- documents: whatever value arrives, as JSON text ---- */

static int write_json(struct reader *r, struct acg_json_writer *w);

static int write_json_container(struct reader *r, struct acg_json_writer *w, const struct head *h)
{
    uint64_t left = h->arg;
    ACG_TRY(enter(r, h->at));
    ACG_TRY(h->major == MT_MAP ? acg_json_begin_object(w) : acg_json_begin_array(w));
    while (more_items(r, h, &left)) {
        if (h->major == MT_MAP) {
            struct head k;
            const char *key;
            ACG_TRY(read_head(r, &k));
            ACG_TRY(read_text(r, &k, &key));
            ACG_TRY(acg_json_key(w, key));
        }
        ACG_TRY(write_json(r, w));
    }
    r->depth--;
    return h->major == MT_MAP ? acg_json_end_object(w) : acg_json_end_array(w);
}

static int write_json(struct reader *r, struct acg_json_writer *w)
{
    struct head h;
    double v;
    const char *s;
    size_t len;
    ACG_TRY(read_head(r, &h));
    switch (h.major) {
    case MT_UINT:
        return h.arg <= INT64_MAX ? acg_json_write_int64(w, (int64_t)h.arg)
                                  : acg_json_write_double(w, (double)h.arg);
    case MT_NINT:
        return h.arg <= INT64_MAX ? acg_json_write_int64(w, -1 - (int64_t)h.arg)
                                  : acg_json_write_double(w, -1.0 - (double)h.arg);
    case MT_BYTES: {
        ACG_TRY(read_string(r, &h, &s, &len));
        struct acg_blob b = { (const uint8_t *)s, len };
        return acg_json_write_blob(w, &b);
    }
    case MT_TEXT:
        ACG_TRY(read_text(r, &h, &s));
        return acg_json_write_string(w, s);
    case MT_ARRAY: case MT_MAP:
        return write_json_container(r, w, &h);
    case MT_TAG:   /* the tagged value stands for itself: epoch seconds stay a number */
        ACG_TRY(enter(r, h.at));
        ACG_TRY(write_json(r, w));
        r->depth--;
        return ACG_OK;
    default:
        break;
    }
    if (h.info == 20 || h.info == 21)
        return acg_json_write_bool(w, h.info == 21);
    if (h.info == 22 || h.info == 23)
        return acg_json_write_null(w);
    if (float_value(&h, &v))
        return acg_json_write_double(w, v);
    return wrong_type(r, &h, "a document value");
}

static int read_document(struct reader *r, const char **out)
{
    struct acg_buf b;
    struct acg_json_writer w;
    acg_buf_init(&b, r->max_memory);
    acg_json_writer_init(&w, &b, ACG_JSON_WIRE);
    w.err = r->err;
    int rc = write_json(r, &w);
    char *p = rc == ACG_OK ? text_space(r, b.len + 1) : NULL;
    if (p != NULL) {
        memcpy(p, b.data, b.len + 1);
        *out = p;
    } else if (rc == ACG_OK) {
        rc = r->nomem;
    }
    acg_buf_free(&b);
    return rc;
}

/* ---- the walker ---- */

/* Types stored beside a bool has_x flag in a structure. */
static bool flagged(const struct acg_shape *s)
{
    return s->type >= ACG_SHAPE_BOOLEAN && s->type <= ACG_SHAPE_TIMESTAMP;
}

static int decode_value(struct reader *r, const struct acg_shape *s, void *p, bool *has);

/* Reads the head of a map or array (major), counted as one level of nesting. */
static int open_container(struct reader *r, unsigned major, struct head *h)
{
    ACG_TRY(read_head(r, h));
    if (h->major != major)
        return wrong_type(r, h, major == MT_MAP ? "a map" : "an array");
    /* Each item takes a byte at least: a longer count cannot be honest. */
    if (!h->indefinite && h->arg > r->len - r->pos)
        return malformed(r, h->at, "more items than bytes left in the body");
    return enter(r, h->at);
}

/* The member whose wire name is the len bytes at key: the one after the last match first
 * (bodies usually follow the model's order), then a binary search of the wire-name index. */
static const struct acg_member *find_member(const struct acg_shape *s, const char *key,
                                            size_t len, size_t *next)
{
    if (*next < s->member_count) {
        const struct acg_member *m = &s->members[*next];
        const char *name = acg_member_wire_name(m);
        if (strnlen(name, len + 1) == len && memcmp(name, key, len) == 0) {
            (*next)++;
            return m;
        }
    }
    const struct acg_member *m = acg_shape_find_wire(s, key, len);
    if (m != NULL)
        *next = (size_t)(m - s->members) + 1;
    return m;
}

/* One member's value, m found in the structure at out. */
static int decode_member(struct reader *r, const struct acg_member *m, unsigned char *out)
{
    if (m->shape->type != ACG_SHAPE_STRUCTURE && m->shape->type != ACG_SHAPE_UNION) {
        bool *has = flagged(m->shape) ? (bool *)(void *)(out + m->has_offset) : NULL;
        return decode_value(r, m->shape, out + m->offset, has);
    }
    if (at_null(r))
        return ACG_OK;
    void *child = alloc(r, 1, m->shape->size);
    if (child == NULL)
        return r->nomem;
    memcpy(out + m->offset, &child, sizeof child);
    return decode_value(r, m->shape, child, NULL);
}

static int decode_struct(struct reader *r, const struct acg_shape *s, unsigned char *out)
{
    struct head h, k;
    size_t next = 0;
    uint64_t left;
    ACG_TRY(open_container(r, MT_MAP, &h));
    left = h.arg;
    while (more_items(r, &h, &left)) {
        const char *key;
        size_t len;
        ACG_TRY(read_head(r, &k));
        if (k.major != MT_TEXT)
            return wrong_type(r, &k, "a text string key");
        ACG_TRY(read_string(r, &k, &key, &len));
        /* A name with NUL in it matches no member (and would end a C string early). */
        const struct acg_member *m = memchr(key, '\0', len) == NULL
                                         ? find_member(s, key, len, &next) : NULL;
        int rc = m == NULL ? skip_item(r) : decode_member(r, m, out);
        if (rc != ACG_OK)
            return m != NULL ? acg_cbor_fail_member(r->err, m->name, rc) : rc;
    }
    r->depth--;
    return ACG_OK;
}

/* Items of an indefinite-length array collect on the reader's stack, then move into the
 * arena in one piece. */
static int decode_list_indefinite(struct reader *r, const struct acg_shape *s, struct acg_seq *out)
{
    size_t base = r->stack_len, count = 0, size = s->item_size;
    unsigned char *item = alloc(r, 1, size);
    if (item == NULL)
        return r->nomem;
    while (!at_break(r)) {
        memset(item, 0, size);
        int rc = decode_value(r, s->item, item, NULL);
        if (rc == ACG_OK)
            rc = grow(r, (void **)&r->stack, &r->stack_cap, r->stack_len + size);
        if (rc != ACG_OK)
            return acg_cbor_fail_index(r->err, count, rc);
        memcpy(r->stack + r->stack_len, item, size);
        r->stack_len += size;
        count++;
    }
    out->items = alloc(r, count, size);
    if (out->items == NULL)
        return r->nomem;
    if (count > 0)
        memcpy(out->items, r->stack + base, count * size);
    r->stack_len = base;
    out->count = count;
    return ACG_OK;
}

static int decode_list(struct reader *r, const struct acg_shape *s, struct acg_seq *out)
{
    struct head h;
    ACG_TRY(open_container(r, MT_ARRAY, &h));
    if (h.indefinite) {
        ACG_TRY(decode_list_indefinite(r, s, out));
    } else {
        unsigned char *items = alloc(r, (size_t)h.arg, s->item_size);
        if (items == NULL)
            return r->nomem;
        for (size_t i = 0; i < h.arg; i++) {
            int rc = decode_value(r, s->item, items + i * s->item_size, NULL);
            if (rc != ACG_OK)
                return acg_cbor_fail_index(r->err, i, rc);
        }
        out->items = items;
        out->count = (size_t)h.arg;
    }
    r->depth--;
    return ACG_OK;
}

/* Maps: entries with a null value are left out, as botocore leaves them out. The entries
 * collect on the stack like an indefinite list's items. */
static int decode_map(struct reader *r, const struct acg_shape *s, struct acg_seq *out)
{
    struct head h, k;
    uint64_t left;
    size_t base = r->stack_len, count = 0, size = s->item_size;
    ACG_TRY(open_container(r, MT_MAP, &h));
    unsigned char *entry = alloc(r, 1, size);
    if (entry == NULL)
        return r->nomem;
    left = h.arg;
    while (more_items(r, &h, &left)) {
        const char *key;
        memset(entry, 0, size);
        ACG_TRY(read_head(r, &k));
        ACG_TRY(read_text(r, &k, &key));
        if (at_null(r))
            continue;
        memcpy(entry + s->members[0].offset, &key, sizeof key);
        int rc = decode_value(r, s->members[1].shape, entry + s->members[1].offset, NULL);
        if (rc == ACG_OK)
            rc = grow(r, (void **)&r->stack, &r->stack_cap, r->stack_len + size);
        if (rc != ACG_OK)
            return acg_cbor_fail_member(r->err, key, rc);
        memcpy(r->stack + r->stack_len, entry, size);
        r->stack_len += size;
        count++;
    }
    out->items = alloc(r, count, size);
    if (out->items == NULL)
        return r->nomem;
    if (count > 0)
        memcpy(out->items, r->stack + base, count * size);
    r->stack_len = base;
    out->count = count;
    r->depth--;
    return ACG_OK;
}

static int decode_scalar(struct reader *r, const struct acg_shape *s, void *p)
{
    struct head h;
    int64_t i;
    double d;
    switch (s->type) {
    case ACG_SHAPE_STRING:
        ACG_TRY(read_head(r, &h));
        return read_text(r, &h, p);
    case ACG_SHAPE_BOOLEAN:
        ACG_TRY(read_head(r, &h));
        if (h.major != MT_SIMPLE || (h.info != 20 && h.info != 21))
            return wrong_type(r, &h, "a boolean");
        *(bool *)p = h.info == 21;
        return ACG_OK;
    case ACG_SHAPE_INTEGER:
        ACG_TRY(read_integer(r, INT32_MIN, INT32_MAX, &i));
        *(int32_t *)p = (int32_t)i;
        return ACG_OK;
    case ACG_SHAPE_LONG:
        return read_integer(r, INT64_MIN, INT64_MAX, p);
    case ACG_SHAPE_FLOAT:
        ACG_TRY(read_real(r, &d));
        if (isfinite(d) && fabs(d) > FLT_MAX)
            return acg_error_set(r->err, ACG_ERR_JSON, "%g is out of range for a float (at byte "
                                 "offset %zu)", d, r->pos);
        *(float *)p = (float)d;
        return ACG_OK;
    case ACG_SHAPE_DOUBLE:
        return read_real(r, p);
    case ACG_SHAPE_TIMESTAMP:
        return read_timestamp(r, p);
    case ACG_SHAPE_BLOB:
        return read_blob(r, p);
    case ACG_SHAPE_DOCUMENT:
        return read_document(r, p);
    }
    return acg_error_set(r->err, ACG_ERR_INVALID_ARG, "shape %s has an unknown type %d",
                         s->name, s->type);
}

/* One value into p, where a list element holds it; has: the member's presence flag, or
 * NULL. Null and undefined leave it absent. */
static int decode_value(struct reader *r, const struct acg_shape *s, void *p, bool *has)
{
    if (at_null(r))
        return ACG_OK;
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION: return decode_struct(r, s, p);
    case ACG_SHAPE_LIST: return decode_list(r, s, p);
    case ACG_SHAPE_MAP: return decode_map(r, s, p);
    default: break;
    }
    ACG_TRY(decode_scalar(r, s, p));
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_cbor_decode_body(const char *body, size_t len, const struct acg_shape *s, void *out,
                         struct acg_arena *arena, struct acg_error *err)
{
    struct reader r;
    memset(&r, 0, sizeof r);
    r.p = (const unsigned char *)body;
    r.len = len;
    r.arena = arena;
    r.err = err;
    r.max_memory = len > (SIZE_MAX - ACG_CBOR_MEMORY_FLOOR) / ACG_CBOR_MEMORY_FACTOR
                       ? SIZE_MAX
                       : ACG_CBOR_MEMORY_FLOOR + len * ACG_CBOR_MEMORY_FACTOR;
    if ((body == NULL && len > 0) || arena == NULL || s == NULL || out == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "CBOR decoder: missing argument");
    /* AWS answers operations without output with an empty body. */
    if (len == 0)
        return ACG_OK;
    int rc = at_null(&r) ? ACG_OK : decode_struct(&r, s, out);
    if (rc == ACG_OK && r.pos != r.len)
        rc = malformed(&r, r.pos, "bytes after the body's map");
    free(r.stack);
    free(r.scratch);
    return rc;
}
