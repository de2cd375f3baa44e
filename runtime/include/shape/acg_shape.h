/* Descriptor tables: what generated code tells the runtime about a service.
 *
 * acg-gen writes typed C structs for a service's shapes and, beside them, constant tables of
 * the structs below. The runtime's walkers (encode and decode for each protocol, validate,
 * free, convert to and from JSON values for the command-line program) read the tables;
 * generated code holds no per-shape logic.
 *
 * How a value of each shape type is stored, as a member of a structure and as an element of
 * a list or a map value:
 *
 *   type         member of a structure                element / map value
 *   string       const char *x (NULL: absent)         const char *
 *   boolean      bool has_x; bool x                   bool
 *   integer      bool has_x; int32_t x                int32_t
 *   long         bool has_x; int64_t x                int64_t
 *   float        bool has_x; float x                  float
 *   double       bool has_x; double x                 double
 *   timestamp    bool has_x; struct acg_timestamp x   struct acg_timestamp
 *   blob         struct acg_blob x (data NULL: absent) struct acg_blob
 *   document     const char *x (JSON text)            const char *
 *   structure    struct S *x (NULL: absent)           struct S
 *   union        like a structure; one member set     like a structure
 *   list         size_t x_count; E *x                 struct L { size_t count; E *items; }
 *   map          size_t x_count; struct M_entry *x    struct M { size_t count; M_entry *items; }
 *
 * A list or map member is laid out exactly like struct acg_seq (the count, then the items
 * pointer), which is how the walkers read it; items is NULL when the member is absent and
 * non-NULL (possibly with count 0) when it is present and empty. A map entry is
 * { const char *key; V value; } with value at offset members[1].offset of the entry.
 *
 * The descriptor format is shared by every protocol: fields one codec ignores (XML names,
 * HTTP bindings) are there for the others. Changing these structs' layout changes the
 * runtime ABI (ACG_RUNTIME_ABI in acg_runtime.h).
 *
 * The types stored beside a has_ flag are exactly ACG_SHAPE_BOOLEAN through
 * ACG_SHAPE_TIMESTAMP, in that order in enum acg_shape_type. */
#ifndef ACG_SHAPE_H
#define ACG_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_pattern.h"
#include "common/acg_time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a blob. data is NULL when the member is absent; a present but empty blob has a
 * non-NULL data and len 0. */
struct acg_blob {
    const uint8_t *data;
    size_t len;
};

/* How a list or map value is laid out (and a list or map member of a structure). */
struct acg_seq {
    size_t count;
    void *items;
};

enum acg_shape_type {
    ACG_SHAPE_STRUCTURE = 1,
    ACG_SHAPE_UNION,
    ACG_SHAPE_LIST,
    ACG_SHAPE_MAP,
    ACG_SHAPE_STRING,
    ACG_SHAPE_BOOLEAN,
    ACG_SHAPE_INTEGER,
    ACG_SHAPE_LONG,
    ACG_SHAPE_FLOAT,
    ACG_SHAPE_DOUBLE,
    ACG_SHAPE_TIMESTAMP,
    ACG_SHAPE_BLOB,
    ACG_SHAPE_DOCUMENT,
};

/* A timestamp's format on the wire: the member's or shape's timestampFormat, else the
 * protocol's default for where the value travels. */
enum acg_ts_format {
    ACG_TS_DEFAULT = 0,
    ACG_TS_EPOCH_SECONDS,  /* unixTimestamp: 1700000000.123 */
    ACG_TS_ISO8601,        /* "2023-11-14T22:13:20.123Z" */
    ACG_TS_HTTP_DATE,      /* rfc822: "Tue, 14 Nov 2023 22:13:20 GMT" */
};

/* Where a member travels in an HTTP message (restJson1, restXml). */
enum acg_location {
    ACG_LOC_BODY = 0,
    ACG_LOC_URI,           /* a {label} of the request URI */
    ACG_LOC_QUERY,         /* a query string parameter */
    ACG_LOC_HEADER,        /* one header */
    ACG_LOC_HEADERS,       /* a map of headers sharing a prefix (the wire name) */
    ACG_LOC_STATUS_CODE,   /* the response's status code */
};

/* struct acg_member.flags */
enum {
    ACG_MEMBER_REQUIRED = 1 << 0,
    ACG_MEMBER_IDEMPOTENCY_TOKEN = 1 << 1, /* filled with a UUID when absent */
    ACG_MEMBER_HOST_LABEL = 1 << 2,        /* fills a {label} of the host prefix */
    ACG_MEMBER_JSONVALUE = 1 << 3,         /* a header holding base64 of JSON text */
    ACG_MEMBER_XML_ATTRIBUTE = 1 << 4,
    ACG_MEMBER_FLATTENED = 1 << 5,         /* XML list or map without a wrapping element */
    ACG_MEMBER_PAYLOAD = 1 << 6,           /* the member is the whole HTTP body */
    ACG_MEMBER_STREAMING = 1 << 7,         /* a payload blob read or written as a stream */
    ACG_MEMBER_EVENT_PAYLOAD = 1 << 8,
    ACG_MEMBER_DEPRECATED = 1 << 9,
};

/* struct acg_shape.flags */
enum {
    ACG_SHAPE_SENSITIVE = 1 << 0,          /* never logged; redacted on request */
    ACG_SHAPE_EXCEPTION = 1 << 1,
    ACG_SHAPE_FAULT = 1 << 2,              /* the server's fault rather than the caller's */
    ACG_SHAPE_RETRYABLE = 1 << 3,
    ACG_SHAPE_THROTTLING = 1 << 4,
    ACG_SHAPE_EVENT_STREAM = 1 << 5,
    ACG_SHAPE_STREAMING = 1 << 6,
    ACG_SHAPE_REQUIRES_LENGTH = 1 << 7,
    ACG_SHAPE_FLATTENED = 1 << 8,          /* XML: a flattened list or map */
    ACG_SHAPE_SPARSE = 1 << 9,             /* null elements are kept */
    ACG_SHAPE_TOP_LEVEL = 1 << 10,         /* an operation's input, output or error: has arena_ */
    ACG_SHAPE_HAS_MIN = 1 << 11,           /* min (or min_value) is a constraint */
    ACG_SHAPE_HAS_MAX = 1 << 12,           /* max (or max_value) is a constraint */
};

struct acg_shape;

/* Traits few members have (XML namespaces, endpoint context parameters). A member without
 * any has traits NULL, which keeps the member rows every table is made of small. */
struct acg_member_traits {
    const char *xml_namespace;    /* xmlNamespace uri, or NULL */
    const char *xml_prefix;       /* its prefix ("xsi"), or NULL */
    const char *context_param;    /* endpoint contextParam name, or NULL */
};

struct acg_member {
    const char *name;             /* the model's member name (and --cli-input-json key) */
    const struct acg_shape *shape;
    uint32_t offset;              /* of the value in the enclosing struct or entry */
    uint32_t has_offset;          /* of the bool has_x flag (booleans, numbers, timestamps) */
    const char *wire_name;        /* locationName: JSON key, header, query key, XML element,
                                   * URI label; NULL when it is name */
    uint16_t flags;               /* ACG_MEMBER_* */
    uint8_t location;             /* enum acg_location */
    uint8_t ts_format;            /* enum acg_ts_format; ACG_TS_DEFAULT: the shape's */
    const struct acg_member_traits *traits;   /* NULL: none */
};

/* Traits of exceptions and of the XML protocols' shapes; NULL for every other shape. */
struct acg_shape_traits {
    uint16_t http_status;         /* error.httpStatusCode, 0 when unset */
    const char *error_code;       /* error.code when it differs from name */
    const char *xml_name;         /* the shape's own locationName, or NULL */
    const char *xml_namespace;
    const char *item_name;        /* lists: the element's locationName (XML), or NULL */
};

/* The descriptor of one shape. Its fields are ordered so that no padding falls between
 * them: a table holds hundreds of these. */
struct acg_shape {
    const char *name;             /* the model's shape name */
    uint8_t type;                 /* enum acg_shape_type */
    uint8_t ts_format;            /* enum acg_ts_format */
    uint16_t flags;               /* ACG_SHAPE_* */
    /* Structures, unions, lists and maps; scalars leave these zero (acg_shape_size), and so
     * do lists and maps that are never an element (struct acg_seq). */
    uint32_t size;                /* sizeof the C value as a list element or map value */
    uint32_t item_size;           /* lists: sizeof an element; maps: sizeof an entry */
    uint16_t member_count;
    uint16_t enum_count;
    const struct acg_member *members;  /* structure, union: members in model order;
                                        * map: [0] key, [1] value */
    const struct acg_shape *item; /* lists: the element's shape */
    const uint16_t *by_wire_name; /* structures with many members: member indexes sorted by
                                   * wire name (strcmp order), for decoders; else NULL */
    /* Constraints from the model, checked before a request is sent: a length (code points,
     * bytes, items) or an integer range in min and max, a float or double range in
     * min_value and max_value. A shape has one kind or the other, so they share storage. */
    union {
        int64_t min;
        double min_value;
    };
    union {
        int64_t max;
        double max_value;
    };
    struct acg_pattern *pattern;  /* NULL: none */
    const char *const *enum_values;
    const struct acg_shape_traits *traits;  /* NULL: none */
};

/* The traits' fields, NULL (or 0) for a member or shape without traits. */
static inline const char *acg_member_xml_namespace(const struct acg_member *m)
{
    return m->traits != NULL ? m->traits->xml_namespace : NULL;
}

static inline const char *acg_member_xml_prefix(const struct acg_member *m)
{
    return m->traits != NULL ? m->traits->xml_prefix : NULL;
}

static inline const char *acg_member_context_param(const struct acg_member *m)
{
    return m->traits != NULL ? m->traits->context_param : NULL;
}

static inline const char *acg_shape_xml_name(const struct acg_shape *s)
{
    return s->traits != NULL ? s->traits->xml_name : NULL;
}

static inline const char *acg_shape_xml_namespace(const struct acg_shape *s)
{
    return s->traits != NULL ? s->traits->xml_namespace : NULL;
}

static inline const char *acg_shape_item_name(const struct acg_shape *s)
{
    return s->traits != NULL ? s->traits->item_name : NULL;
}

/* The size of a value of shape s where a list element holds it. */
size_t acg_shape_size(const struct acg_shape *s);

/* The descriptors of scalars without constraints or traits, which generated tables share. */
extern const struct acg_shape acg_shape_string;
extern const struct acg_shape acg_shape_boolean;
extern const struct acg_shape acg_shape_integer;
extern const struct acg_shape acg_shape_long;
extern const struct acg_shape acg_shape_float;
extern const struct acg_shape acg_shape_double;
extern const struct acg_shape acg_shape_timestamp;
extern const struct acg_shape acg_shape_blob;
extern const struct acg_shape acg_shape_document;

/* The wire name of m: its locationName, or its member name. */
static inline const char *acg_member_wire_name(const struct acg_member *m)
{
    return m->wire_name != NULL ? m->wire_name : m->name;
}

/* strcmp's order between the NUL-terminated name and the len bytes at key, which may
 * hold NUL bytes; reads nothing past either. */
int acg_name_compare(const char *name, const char *key, size_t len);

/* The member of a structure or union whose wire name is the len bytes at name, or NULL. */
const struct acg_member *acg_shape_find_wire(const struct acg_shape *s, const char *name,
                                             size_t len);

/* The member of a structure or union with the model name name, or NULL. */
const struct acg_member *acg_shape_find_member(const struct acg_shape *s, const char *name,
                                               size_t len);

/* Whether the member of the struct at base is present (set, non-NULL, or with items). */
bool acg_member_present(const struct acg_member *m, const void *base);

struct acg_arena;

/* Destroys arena (which owns everything a decoded value points to) and zeroes the size bytes
 * of value: what the generated _free functions do. */
void acg_release(struct acg_arena *arena, void *value, size_t size);

#ifdef __cplusplus
}
#endif

#endif
