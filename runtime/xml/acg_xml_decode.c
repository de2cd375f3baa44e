/* The XML decoder: libexpat reports elements and text as it reads the body, and a stack
 * of frames, one per open element, says where each goes in the value being filled. No
 * tree is built; a value is complete when its element ends.
 *
 * Lists and maps grow in place in the struct that holds them (struct acg_seq): their
 * items move to a room twice as large when the count reaches a power of two, which only
 * happens when a new item starts, never while one is being filled. So flattened lists,
 * whose items may be interleaved with other members, need no state of their own. */
#include <expat.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_base64.h"
#include "xml/acg_xml.h"
#include "acg_text_private.h"
#include "acg_xml_private.h"

/* expat reports a namespaced name as "URI<sep>local". A control character cannot occur
 * in an XML 1.0 document, so it cannot be part of a URI. */
#define NS_SEP '\x01'
#define NO_INDEX ((size_t)-1)

enum kind {
    K_SKIP,     /* unknown, or not wanted: skipped with its content */
    K_PATH,     /* on the way down the path to the value */
    K_STRUCT,   /* a structure or union at at */
    K_LIST,     /* a wrapped list: the struct acg_seq at at; each child is an item */
    K_MAP,      /* a wrapped map: each child is an entry */
    K_ENTRY,    /* a map entry at at: <key> and <value> children */
    K_SCALAR,   /* text for a scalar at at */
};

struct frame {
    enum kind kind;
    const struct acg_shape *shape;
    unsigned char *at;
    bool *has;              /* scalars: the member's presence flag, or NULL */
    bool text_done;         /* scalars: a child element ended the text */
    size_t path_next;       /* K_PATH: the index in path of the name a child must have */
    size_t next_member;     /* K_STRUCT: where the member search starts */
    const char *name;       /* the member this element is, for err->where; or NULL */
    size_t index;           /* the list item this element is, or NO_INDEX */
};

struct decoder {
    XML_Parser parser;
    const struct acg_shape *shape;
    void *out;
    const char *const *path;
    bool out_started;
    struct acg_arena *arena;
    struct acg_error *err;
    size_t len;
    size_t max_memory;
    int status;
    int depth;
    struct frame frames[ACG_XML_MAX_DEPTH];
    struct acg_buf text;    /* the text of the scalar being read */
};

/* ---- failures ---- */

/* "Reservations[0].Instances[2].State" from the frames open now. */
static void where_of(const struct decoder *d, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < d->depth && n < size; i++) {
        const struct frame *f = &d->frames[i];
        int w = 0;
        if (f->name != NULL)
            w = snprintf(out + n, size - n, "%s%s", n > 0 ? "." : "", f->name);
        if (w >= 0 && (size_t)w < size - n)
            n += (size_t)w;
        if (f->index != NO_INDEX && n < size) {
            w = snprintf(out + n, size - n, "[%zu]", f->index);
            if (w >= 0 && (size_t)w < size - n)
                n += (size_t)w;
        }
    }
}

/* Records the first failure and stops the parser. */
static void fail(struct decoder *d, int status, const char *fmt, ...) ACG_PRINTF(3, 4);
static void fail(struct decoder *d, int status, const char *fmt, ...)
{
    char msg[300], where[sizeof d->err->where];
    va_list ap;
    if (d->status != ACG_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    where_of(d, where, sizeof where);
    d->status = status;
    acg_error_set_at(d->err, status, where, "%s (line %lu)", msg,
                     (unsigned long)XML_GetCurrentLineNumber(d->parser));
    XML_StopParser(d->parser, XML_FALSE);
}

/* ---- memory ---- */

static void *alloc(struct decoder *d, size_t count, size_t size)
{
    size_t used = acg_arena_used(d->arena) + d->text.cap;
    if (size != 0 && count > d->max_memory / size) {
        fail(d, ACG_ERR_TOO_LARGE, "too many items");
        return NULL;
    }
    if (used > d->max_memory || count * size > d->max_memory - used) {
        fail(d, ACG_ERR_TOO_LARGE, "the decoded response would take more than %zu bytes of "
             "memory, %d times its %zu bytes of XML", d->max_memory, ACG_XML_MEMORY_FACTOR,
             d->len);
        return NULL;
    }
    void *p = acg_arena_calloc(d->arena, count, size);
    if (p == NULL)
        fail(d, ACG_ERR_NOMEM, "out of memory decoding the response");
    return p;
}

static char *copy_text(struct decoder *d, const char *text, size_t len)
{
    char *p = alloc(d, len + 1, 1);
    if (p != NULL)
        memcpy(p, text, len);
    return p;
}

/* Room for one more item at the end of seq; NULL (failed) when out of budget. */
static unsigned char *add_item(struct decoder *d, struct acg_seq *seq, size_t size)
{
    size_t n = seq->count;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        unsigned char *room = alloc(d, n < 4 ? 4 : 2 * n, size);
        if (room == NULL)
            return NULL;
        if (n > 0)
            memcpy(room, seq->items, n * size);
        seq->items = room;
    }
    seq->count = n + 1;
    return (unsigned char *)seq->items + n * size;
}

/* A present list or map, empty so far: items is non-NULL with count 0. */
static bool mark_present(struct decoder *d, struct acg_seq *seq)
{
    if (seq->items == NULL)
        seq->items = alloc(d, 1, 1);
    return seq->items != NULL;
}

/* ---- names ---- */

static const char *local_name(const char *name)
{
    const char *sep = strrchr(name, NS_SEP);
    return sep != NULL ? sep + 1 : name;
}

/* "*" matches anything, "*Suffix" names ending in Suffix, anything else itself. */
static bool matches(const char *pattern, const char *name)
{
    if (pattern[0] != '*')
        return strcmp(pattern, name) == 0;
    size_t p = strlen(pattern + 1), n = strlen(name);
    return n >= p && strcmp(name + n - p, pattern + 1) == 0;
}

static bool is_flattened(const struct acg_member *m)
{
    return (m->flags & ACG_MEMBER_FLATTENED) || (m->shape->flags & ACG_SHAPE_FLATTENED);
}

static const char *item_name(const struct acg_shape *list)
{
    return acg_shape_item_name(list) != NULL ? acg_shape_item_name(list)
                                           : acg_shape_xml_name(list->item);
}

/* The element name a member arrives as (botocore's _member_key_name). */
static const char *xml_name(const struct acg_member *m)
{
    if (m->shape->type == ACG_SHAPE_LIST && is_flattened(m) && item_name(m->shape) != NULL)
        return item_name(m->shape);
    if (m->wire_name != NULL)
        return m->wire_name;
    return acg_shape_xml_name(m->shape) != NULL ? acg_shape_xml_name(m->shape) : m->name;
}

/* A map's key or value element name. */
static const char *entry_name(const struct acg_member *m, const char *fallback)
{
    if (m->wire_name != NULL)
        return m->wire_name;
    return acg_shape_xml_name(m->shape) != NULL ? acg_shape_xml_name(m->shape) : fallback;
}

/* The member whose element is name: the one after the last match first (bodies follow
 * the model's order), then all of them. */
static const struct acg_member *find_member(struct frame *f, const char *name)
{
    const struct acg_shape *s = f->shape;
    for (size_t k = 0; k < s->member_count; k++) {
        size_t i = (f->next_member + k) % s->member_count;
        const struct acg_member *m = &s->members[i];
        if (!(m->flags & ACG_MEMBER_XML_ATTRIBUTE) && m->location == ACG_LOC_BODY &&
            strcmp(xml_name(m), name) == 0) {
            f->next_member = i + 1;
            return m;
        }
    }
    return NULL;
}

/* ---- scalars ---- */

static bool flagged(const struct acg_shape *s)
{
    return s->type >= ACG_SHAPE_BOOLEAN && s->type <= ACG_SHAPE_TIMESTAMP;
}

static void set_has(bool *has)
{
    if (has != NULL)
        *has = true;
}

static void read_number(struct decoder *d, const struct acg_shape *s, const char *t, size_t n,
                        unsigned char *at)
{
    int64_t i;
    double v;
    int rc;
    switch (s->type) {
    case ACG_SHAPE_INTEGER:
        rc = acg_xml_parse_int(t, n, INT32_MIN, INT32_MAX, &i);
        if (rc == ACG_OK) {
            int32_t i32 = (int32_t)i;
            memcpy(at, &i32, sizeof i32);
        }
        break;
    case ACG_SHAPE_LONG:
        rc = acg_xml_parse_int(t, n, INT64_MIN, INT64_MAX, &i);
        if (rc == ACG_OK)
            memcpy(at, &i, sizeof i);
        break;
    case ACG_SHAPE_FLOAT:
        rc = acg_xml_parse_double(t, n, &v);
        if (rc == ACG_OK && isfinite(v) && (v > FLT_MAX || v < -FLT_MAX))
            rc = ACG_ERR_TOO_LARGE;
        if (rc == ACG_OK) {
            float f = (float)v;
            memcpy(at, &f, sizeof f);
        }
        break;
    default:
        rc = acg_xml_parse_double(t, n, &v);
        if (rc == ACG_OK)
            memcpy(at, &v, sizeof v);
        break;
    }
    if (rc != ACG_OK)
        fail(d, ACG_ERR_JSON, "%s '%.*s' for a %s", rc == ACG_ERR_TOO_LARGE ? "out of range:" :
             "expected a number, got", n > 40 ? 40 : (int)n, t,
             s->type == ACG_SHAPE_INTEGER ? "32-bit integer" : s->type == ACG_SHAPE_LONG ?
             "64-bit integer" : s->type == ACG_SHAPE_FLOAT ? "float" : "double");
}

static void read_blob(struct decoder *d, const char *t, size_t n, unsigned char *at)
{
    struct acg_blob b = { NULL, 0 };
    uint8_t *bytes = alloc(d, acg_base64_decoded_max(n) + 1, 1);
    if (bytes == NULL)
        return;
    if (acg_xml_parse_base64(t, n, bytes, &b.len) != ACG_OK) {
        fail(d, ACG_ERR_JSON, "expected base64, got '%.*s'", n > 40 ? 40 : (int)n, t);
        return;
    }
    b.data = bytes;
    memcpy(at, &b, sizeof b);
}

/* Text t (n bytes) into the scalar of shape s at at. */
static void read_scalar(struct decoder *d, const struct acg_shape *s, const char *t, size_t n,
                        unsigned char *at, bool *has)
{
    switch (s->type) {
    case ACG_SHAPE_STRING: {
        const char *copy = copy_text(d, t, n);
        if (copy != NULL)
            memcpy(at, &copy, sizeof copy);
        return;
    }
    case ACG_SHAPE_BOOLEAN: {
        bool b = n == 4 && memcmp(t, "true", 4) == 0;   /* botocore: anything else is false */
        memcpy(at, &b, sizeof b);
        break;
    }
    case ACG_SHAPE_INTEGER: case ACG_SHAPE_LONG: case ACG_SHAPE_FLOAT: case ACG_SHAPE_DOUBLE:
        read_number(d, s, t, n, at);
        break;
    case ACG_SHAPE_TIMESTAMP: {
        struct acg_timestamp ts = { 0, 0, NULL };
        if (acg_time_parse(t, n, &ts) != ACG_OK) {
            fail(d, ACG_ERR_JSON, "expected a timestamp (years 1-9999), got '%.*s'",
                 n > 40 ? 40 : (int)n, t);
            return;
        }
        ts.wire = copy_text(d, t, n);
        memcpy(at, &ts, sizeof ts);
        break;
    }
    case ACG_SHAPE_BLOB:
        read_blob(d, t, n, at);
        return;
    default:
        return;
    }
    if (d->status == ACG_OK)
        set_has(has);
}

/* ---- opening an element ---- */

static void open_value(struct decoder *d, const struct acg_shape *s, unsigned char *at,
                       bool *has, struct frame *f);

static void open_scalar(struct decoder *d, const struct acg_shape *s, unsigned char *at,
                        bool *has, struct frame *f)
{
    f->kind = K_SCALAR;
    f->shape = s;
    f->at = at;
    f->has = has;
    acg_buf_reset(&d->text);
}

static void open_item(struct decoder *d, const struct acg_shape *list, struct acg_seq *seq,
                      struct frame *f)
{
    unsigned char *item = add_item(d, seq, list->item_size);
    if (item == NULL)
        return;
    f->index = seq->count - 1;
    open_value(d, list->item, item, NULL, f);
}

static void open_entry(struct decoder *d, const struct acg_shape *map, struct acg_seq *seq,
                       struct frame *f)
{
    unsigned char *entry = add_item(d, seq, map->item_size);
    if (entry == NULL)
        return;
    f->index = seq->count - 1;
    f->kind = K_ENTRY;
    f->shape = map;
    f->at = entry;
}

/* A value where a list element holds it (an item, a map value, the root). */
static void open_value(struct decoder *d, const struct acg_shape *s, unsigned char *at,
                       bool *has, struct frame *f)
{
    f->shape = s;
    f->at = at;
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        f->kind = K_STRUCT;
        return;
    case ACG_SHAPE_LIST: case ACG_SHAPE_MAP:
        if (mark_present(d, (struct acg_seq *)(void *)at))
            f->kind = s->type == ACG_SHAPE_LIST ? K_LIST : K_MAP;
        return;
    case ACG_SHAPE_DOCUMENT:
        f->kind = K_SKIP;   /* XML has no documents */
        return;
    default:
        open_scalar(d, s, at, has, f);
    }
}

static void open_member(struct decoder *d, unsigned char *base, const struct acg_member *m,
                        struct frame *f)
{
    const struct acg_shape *s = m->shape;
    unsigned char *at = base + m->offset;
    f->name = m->name;
    if (s->type == ACG_SHAPE_LIST && is_flattened(m)) {
        open_item(d, s, (struct acg_seq *)(void *)at, f);
    } else if (s->type == ACG_SHAPE_MAP && is_flattened(m)) {
        open_entry(d, s, (struct acg_seq *)(void *)at, f);
    } else if (s->type == ACG_SHAPE_LIST || s->type == ACG_SHAPE_MAP) {
        open_value(d, s, at, NULL, f);
    } else if (acg_member_present(m, base)) {
        f->kind = K_SKIP;   /* the first occurrence counts */
    } else if (s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION) {
        void *child = alloc(d, 1, s->size);
        memcpy(at, &child, sizeof child);
        if (child != NULL)
            open_value(d, s, child, NULL, f);
    } else {
        open_value(d, s, at, flagged(s) ? (bool *)(void *)(base + m->has_offset) : NULL, f);
    }
}

/* The attributes of a structure's element that are members ("xsi:type" matches the local
 * name "type" in any namespace; a name without prefix only an attribute without one). */
static void read_attributes(struct decoder *d, struct frame *f, const XML_Char **attrs)
{
    for (size_t i = 0; i < f->shape->member_count && d->status == ACG_OK; i++) {
        const struct acg_member *m = &f->shape->members[i];
        if (!(m->flags & ACG_MEMBER_XML_ATTRIBUTE) || acg_member_present(m, f->at))
            continue;
        const char *want = acg_member_wire_name(m), *colon = strchr(want, ':');
        for (size_t a = 0; attrs[a] != NULL; a += 2) {
            const char *sep = strchr(attrs[a], NS_SEP);
            bool hit = colon != NULL ? sep != NULL && strcmp(sep + 1, colon + 1) == 0
                                     : sep == NULL && strcmp(attrs[a], want) == 0;
            if (hit) {
                unsigned char *at = f->at + m->offset;
                bool *has = flagged(m->shape) ? (bool *)(void *)(f->at + m->has_offset) : NULL;
                read_scalar(d, m->shape, attrs[a + 1], strlen(attrs[a + 1]), at, has);
                break;
            }
        }
    }
}

/* The value itself starts at this element, unless it already has. */
static void open_out(struct decoder *d, struct frame *f)
{
    if (d->out_started) {
        f->kind = K_SKIP;
        return;
    }
    d->out_started = true;
    open_value(d, d->shape, d->out, NULL, f);
}

static void open_child(struct decoder *d, struct frame *parent, struct frame *f,
                       const char *name)
{
    switch (parent->kind) {
    case K_SKIP:
        return;
    case K_SCALAR:
        parent->text_done = true;   /* botocore reads the text before the first child */
        return;
    case K_PATH:
        if (!matches(d->path[parent->path_next], name))
            return;
        if (d->path[parent->path_next + 1] == NULL) {
            open_out(d, f);
        } else {
            f->kind = K_PATH;
            f->path_next = parent->path_next + 1;
        }
        return;
    case K_STRUCT: {
        const struct acg_member *m = find_member(parent, name);
        if (m != NULL)
            open_member(d, parent->at, m, f);
        return;
    }
    case K_LIST:
        open_item(d, parent->shape, (struct acg_seq *)(void *)parent->at, f);
        return;
    case K_MAP:
        open_entry(d, parent->shape, (struct acg_seq *)(void *)parent->at, f);
        return;
    case K_ENTRY: {
        const struct acg_member *key = &parent->shape->members[0];
        const struct acg_member *value = &parent->shape->members[1];
        if (strcmp(name, entry_name(key, "key")) == 0) {
            f->name = "key";
            open_scalar(d, key->shape, parent->at + key->offset, NULL, f);
        } else if (strcmp(name, entry_name(value, "value")) == 0) {
            f->name = "value";
            open_value(d, value->shape, parent->at + value->offset, NULL, f);
        }
        return;
    }
    }
}

/* ---- expat's callbacks ---- */

static void XMLCALL on_start(void *user, const XML_Char *qname, const XML_Char **attrs)
{
    struct decoder *d = user;
    if (d->status != ACG_OK)
        return;
    if (d->depth == ACG_XML_MAX_DEPTH) {
        fail(d, ACG_ERR_JSON, "elements nest deeper than %d", ACG_XML_MAX_DEPTH);
        return;
    }
    const char *name = local_name(qname);
    struct frame *f = &d->frames[d->depth];
    memset(f, 0, sizeof *f);
    f->kind = K_SKIP;
    f->index = NO_INDEX;
    d->depth++;
    if (d->depth > 1) {
        open_child(d, &d->frames[d->depth - 2], f, name);
    } else if (d->path != NULL && d->path[0] != NULL && d->path[1] != NULL &&
               matches(d->path[0], name)) {
        f->kind = K_PATH;
        f->path_next = 1;
    } else {
        open_out(d, f);
    }
    if (f->kind == K_STRUCT)
        read_attributes(d, f, attrs);
}

static void XMLCALL on_end(void *user, const XML_Char *qname)
{
    struct decoder *d = user;
    (void)qname;
    if (d->status != ACG_OK || d->depth == 0)
        return;
    struct frame *f = &d->frames[d->depth - 1];
    if (f->kind == K_SCALAR) {
        read_scalar(d, f->shape, d->text.data != NULL ? d->text.data : "", d->text.len, f->at,
                    f->has);
    } else if (f->kind == K_ENTRY) {
        const char *key;
        memcpy(&key, f->at + f->shape->members[0].offset, sizeof key);
        if (key == NULL)
            fail(d, ACG_ERR_JSON, "a map entry has no <%s>",
                 entry_name(&f->shape->members[0], "key"));
    }
    d->depth--;
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len)
{
    struct decoder *d = user;
    if (d->status != ACG_OK || d->depth == 0)
        return;
    const struct frame *f = &d->frames[d->depth - 1];
    if (f->kind != K_SCALAR || f->text_done || len <= 0)
        return;
    if (acg_arena_used(d->arena) + d->text.len + (size_t)len > d->max_memory) {
        fail(d, ACG_ERR_TOO_LARGE, "the decoded response would take more than %zu bytes of "
             "memory", d->max_memory);
        return;
    }
    if (acg_buf_append(&d->text, s, (size_t)len) != ACG_OK)
        fail(d, ACG_ERR_NOMEM, "out of memory decoding the response");
}

/* AWS never sends a document type declaration, and without one there are no entities to
 * expand, internal or external: refusing it closes the billion laughs and XXE doors. */
static void XMLCALL on_doctype(void *user, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    fail(user, ACG_ERR_JSON, "the body has a document type declaration, which is refused");
}

static void XMLCALL on_entity(void *user, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    fail(user, ACG_ERR_JSON, "the body declares an entity, which is refused");
}

/* ---- the entry point ---- */

static bool blank(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (body[i] != ' ' && body[i] != '\t' && body[i] != '\n' && body[i] != '\r')
            return false;
    }
    return true;
}

static int parse(struct decoder *d, const char *body, size_t len)
{
    size_t off = 0;
    do {
        size_t chunk = len - off > (size_t)INT_MAX / 2 ? (size_t)INT_MAX / 2 : len - off;
        bool last = off + chunk == len;
        if (XML_Parse(d->parser, body + off, (int)chunk, last) != XML_STATUS_OK) {
            if (d->status != ACG_OK)
                return d->status;
            enum XML_Error code = XML_GetErrorCode(d->parser);
            return acg_error_set(d->err, ACG_ERR_JSON, "malformed XML: %s (line %lu, column %lu)",
                                 XML_ErrorString(code),
                                 (unsigned long)XML_GetCurrentLineNumber(d->parser),
                                 (unsigned long)XML_GetCurrentColumnNumber(d->parser));
        }
        off += chunk;
    } while (off < len);
    return d->status;
}

int acg_xml_decode(const char *body, size_t len, const struct acg_shape *s,
                   const char *const *path, void *out, struct acg_arena *arena,
                   struct acg_error *err)
{
    if ((body == NULL && len > 0) || s == NULL || out == NULL || arena == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_xml_decode: NULL argument");
    if (blank(body, len))
        return ACG_OK;   /* AWS sends nothing for some operations without output */
    struct decoder d;
    memset(&d, 0, sizeof d);
    d.shape = s;
    d.out = out;
    d.path = path;
    d.arena = arena;
    d.err = err;
    d.len = len;
    d.max_memory = len > (SIZE_MAX - ACG_XML_MEMORY_FLOOR) / ACG_XML_MEMORY_FACTOR
                       ? SIZE_MAX : ACG_XML_MEMORY_FLOOR + len * ACG_XML_MEMORY_FACTOR;
    acg_buf_init(&d.text, 0);
    d.parser = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (d.parser == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the XML parser");
    XML_SetUserData(d.parser, &d);
    XML_SetElementHandler(d.parser, on_start, on_end);
    XML_SetCharacterDataHandler(d.parser, on_text);
    XML_SetStartDoctypeDeclHandler(d.parser, on_doctype);
    XML_SetEntityDeclHandler(d.parser, on_entity);
    /* Parameter entities are never read; external entities would need a handler, which
     * is never set, so expat reads nothing but the body. */
    XML_SetParamEntityParsing(d.parser, XML_PARAM_ENTITY_PARSING_NEVER);
    int rc = parse(&d, body, len);
    XML_ParserFree(d.parser);
    acg_buf_free(&d.text);
    return rc;
}
