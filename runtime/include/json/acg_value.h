/* A JSON value tree, allocated from an arena: what JMESPath evaluates, what the command-line
 * program builds from decoded responses and what its output formatters print.
 *
 * Values are null, true/false, integers (int64, exact), doubles, strings (UTF-8, with a
 * length and a terminating NUL; a string may hold U+0000), arrays and objects. Objects keep
 * their members in insertion order.
 *
 * Every pointer inside a value belongs to the arena it was made in; destroying the arena
 * releases the whole tree. A value may appear in several containers (evaluation results
 * share parts of their input), so a tree is read-only once it is complete:
 *
 *   - acg_value_parse and JMESPath evaluation give frozen values; the builders refuse to
 *     change a frozen container (ACG_ERR_INVALID_ARG);
 *   - containers made with acg_value_new_array / _object stay open for pushes and adds.
 *
 * Example: build {"Name": "x", "Tags": [1, 2.5]} and print it as `aws --output json` does.
 *
 *     struct acg_value *o = acg_value_new_object(a), *tags = acg_value_new_array(a);
 *     int rc = acg_value_object_add(a, o, "Name", 4, acg_value_new_string(a, "x", 1));
 *     if (rc == ACG_OK) rc = acg_value_object_add(a, o, "Tags", 4, tags);
 *     if (rc == ACG_OK) rc = acg_value_array_push(a, tags, acg_value_new_int(a, 1));
 *     if (rc == ACG_OK) rc = acg_value_array_push(a, tags, acg_value_new_double(a, 2.5));
 *     if (rc == ACG_OK) rc = acg_value_write_json(o, ACG_JSON_PY_INDENT, &buf, err);
 *
 * The constructors return NULL when the arena is out of memory; the builders accept a NULL
 * item and then fail with ACG_ERR_NOMEM, so a chain like the one above needs one check. */
#ifndef ACG_VALUE_H
#define ACG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"

/* Deepest nesting any function here reads, writes or builds (parse, writers, equality). */
#define ACG_VALUE_MAX_DEPTH 512

enum acg_value_type {
    ACG_VALUE_NULL,
    ACG_VALUE_BOOL,
    ACG_VALUE_INT,    /* int64; JSON integers beyond int64 are read as doubles */
    ACG_VALUE_DOUBLE, /* any double, NaN and the infinities included */
    ACG_VALUE_STRING,
    ACG_VALUE_ARRAY,
    ACG_VALUE_OBJECT,
};

struct acg_value;

struct acg_value_member {
    const char *key; /* UTF-8, NUL-terminated, key_len bytes */
    size_t key_len;
    struct acg_value *value;
};

struct acg_value {
    enum acg_value_type type;
    /* Bookkeeping for evaluators, not for readers: the value's size counted as a tree
     * (nodes, plus string bytes / 8) and its depth, both set on frozen values and 0 on open
     * containers. A shared subtree counts once per appearance, so a result built by
     * repeating a value can be refused before printing it would run away. */
    size_t weight_;
    uint32_t depth_;
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            const char *ptr;
            size_t len;
        } str;
        struct {
            struct acg_value **items;
            size_t count;
            size_t cap;
        } arr;
        struct {
            struct acg_value_member *members;
            size_t count;
            size_t cap;
        } obj;
    } u;
};

/* Shared constants (read-only, never freed), for results that need no allocation. */
extern const struct acg_value acg_value_null_const;
extern const struct acg_value acg_value_true_const;
extern const struct acg_value acg_value_false_const;

/* ---- constructors: NULL when the arena is out of memory ---- */

struct acg_value *acg_value_new_null(struct acg_arena *a);
struct acg_value *acg_value_new_bool(struct acg_arena *a, bool b);
struct acg_value *acg_value_new_int(struct acg_arena *a, int64_t i);
struct acg_value *acg_value_new_double(struct acg_arena *a, double d);
/* Copies len bytes of s (not checked: pass valid UTF-8, as output writers refuse other). */
struct acg_value *acg_value_new_string(struct acg_arena *a, const char *s, size_t len);
/* An empty, open array or object. */
struct acg_value *acg_value_new_array(struct acg_arena *a);
struct acg_value *acg_value_new_object(struct acg_arena *a);

/* Appends item to the open array arr. ACG_ERR_NOMEM when item is NULL or the arena is
 * full; ACG_ERR_INVALID_ARG when arr is not an open array. */
ACG_NODISCARD int acg_value_array_push(struct acg_arena *a, struct acg_value *arr,
                                       struct acg_value *item);
/* Appends the member key (copied) to the open object obj without looking for an earlier
 * member of the same name: keys from a C struct or a decoded map are already unique, and
 * checking each would make building a large map quadratic. Use acg_value_object_set when
 * the key may be present. Errors as for acg_value_array_push. */
ACG_NODISCARD int acg_value_object_add(struct acg_arena *a, struct acg_value *obj,
                                       const char *key, size_t key_len, struct acg_value *value);
/* Replaces the value of the member key if obj has one (keeping its position), otherwise
 * appends it, as a Python dict assignment does. */
ACG_NODISCARD int acg_value_object_set(struct acg_arena *a, struct acg_value *obj,
                                       const char *key, size_t key_len, struct acg_value *value);

/* ---- reading ---- */

/* The value of member key in obj, or NULL when obj is not an object or has no such member.
 * Linear in the member count. */
const struct acg_value *acg_value_object_get(const struct acg_value *obj, const char *key,
                                             size_t key_len);

/* Parses one JSON value (RFC 8259, checked by the runtime's strict scanner: no trailing
 * commas, valid UTF-8 and escapes, nesting up to ACG_VALUE_MAX_DEPTH) into a frozen tree in
 * arena. Numbers with a fraction or an exponent become doubles, others int64, integers
 * beyond int64 doubles. When an object repeats a key, the last value wins and the member
 * keeps the position of the first, as Python's json.loads builds a dict. Leading and
 * trailing whitespace is allowed; an empty text is an error. On failure returns ACG_ERR_JSON
 * (or ACG_ERR_NOMEM) with the byte offset in err, and *out is NULL. */
ACG_NODISCARD int acg_value_parse(struct acg_arena *a, const char *js, size_t len,
                                  struct acg_value **out, struct acg_error *err);

/* Deep equality in JSON terms: numbers compare by value (1 == 1.0, and an int64 against a
 * double exactly, never through a rounding conversion), a boolean never equals a number,
 * objects are equal when they hold the same keys with equal values in any order, arrays
 * element by element. NaN equals nothing. Values nested deeper than ACG_VALUE_MAX_DEPTH
 * compare unequal. */
bool acg_value_equal(const struct acg_value *a, const struct acg_value *b);

/* Exact three-way comparison of two numbers (INT or DOUBLE): -1, 0, 1, or 2 when either is
 * NaN. Python compares an int with a float this way. */
int acg_value_compare_numbers(const struct acg_value *a, const struct acg_value *b);

/* The value's weight (see weight_ above) and, when depth is not NULL, its depth (1 for a
 * scalar). Frozen values answer from their bookkeeping; open ones are counted, and the
 * count stops as soon as it passes limit (the answer is then limit + 1), so measuring a
 * huge built tree against a small limit stays cheap. */
size_t acg_value_measure(const struct acg_value *v, size_t limit, uint32_t *depth);

/* Freezes v and every open container inside it: their bookkeeping is filled in and the
 * builders refuse them from then on. Fails with ACG_ERR_INVALID_ARG when the tree is
 * nested deeper than ACG_VALUE_MAX_DEPTH. Optional: evaluation measures open values itself,
 * freezing first only saves measuring the same built tree at every evaluation. */
ACG_NODISCARD int acg_value_freeze(struct acg_value *v, struct acg_error *err);

/* ---- writing ---- */

/* Flags for acg_value_write_json. Without flags the output is Python's
 * json.dumps(v, separators=(',', ':'), ensure_ascii=False). */
enum {
    /* json.dumps(v, indent=4): newlines and four spaces a level, ", " never at line ends,
     * ": " after keys, [] and {} when empty: what `aws --output json` prints (without the
     * trailing newline the command adds). */
    ACG_JSON_PY_INDENT = 1,
    /* ensure_ascii=True: every character outside ' '..'~' as \uXXXX (lower-case hex,
     * surrogate pairs beyond the BMP), as JMESPath's to_string in Python writes. */
    ACG_JSON_PY_ASCII = 2,
    /* json.dumps(v)'s default separators ", " and ": " on one line (ignored with
     * ACG_JSON_PY_INDENT), as botocore writes pagination tokens. */
    ACG_JSON_PY_SPACED = 4,
};

/* Appends v as JSON text to out. Strings escape '"', '\\' and control characters (\n, \r,
 * \t, \b, \f, others \u00xx); doubles print as Python's repr (acg_format_double in common/acg_format.h) with
 * NaN, Infinity and -Infinity as Python writes them. Fails with ACG_ERR_INVALID_ARG for
 * invalid UTF-8 or nesting deeper than ACG_VALUE_MAX_DEPTH, or the buffer's error; what was
 * written before a failure stays in out. */
ACG_NODISCARD int acg_value_write_json(const struct acg_value *v, unsigned flags,
                                       struct acg_buf *out, struct acg_error *err);


#endif
