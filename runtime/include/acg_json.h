/* JSON writing and reading for generated serializers and deserializers.
 *
 * Writer: appends RFC 8259 JSON to a capped acg_buf. Strings are escaped, doubles are
 * written in the shortest form that reads back to the same value, NaN and the infinities
 * become the strings "NaN", "Infinity" and "-Infinity" (awsJson rules), blobs become base64.
 *
 * Reader: parses a whole body once with jsmn (JSMN_STRICT, JSMN_PARENT_LINKS), then checks
 * what jsmn lets through (trailing commas, several top-level values, truncated literals, bad
 * numbers and escapes, invalid UTF-8). Readers of single values convert one token; generated
 * code walks objects and arrays with the helpers below. A failure returns ACG_ERR_JSON with
 * a message; generated code then prefixes the member path through acg_json_fail_member and
 * acg_json_fail_index, so the final acg_error.where reads like "batchInferenceJob.jobInput". */
#ifndef ACG_JSON_H
#define ACG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acg_arena.h"
#include "acg_buf.h"
#include "acg_error.h"

/* Bytes of a blob member. data is NULL when the member is absent; an empty but present blob
 * has a non-NULL data and len 0. */
struct acg_blob {
    const uint8_t *data;
    size_t len;
};

/* How a timestamp travels in a body (the model's timestampFormat). */
enum acg_timestamp_format {
    ACG_TS_EPOCH_SECONDS, /* 1700000000.123; the awsJson default */
    ACG_TS_ISO8601,       /* "2023-11-14T22:13:20.123Z" */
    ACG_TS_HTTP_DATE,     /* "Tue, 14 Nov 2023 22:13:20 GMT" */
};

/* ---- writer ---- */

enum acg_json_style {
    ACG_JSON_WIRE,      /* compact, timestamps in their model format: request bodies */
    ACG_JSON_DISPLAY,   /* indented by 4, timestamps ISO 8601: command-line output */
    ACG_JSON_LOG,       /* like DISPLAY, with sensitive members redacted: debug logs */
};

struct acg_json_writer {
    struct acg_buf *out;
    enum acg_json_style style;
    bool redact_sensitive; /* write "*** sensitive ***" for members the model marks sensitive */
    int depth;
    bool need_comma;
    bool after_key;
    /* Where failures are described (invalid UTF-8, a malformed document); may be NULL.
     * acg_json_writer_init sets it to NULL; assign it afterwards to get messages. */
    struct acg_error *err;
};

/* Starts a writer on out. redact_sensitive starts true for ACG_JSON_LOG only.
 * DISPLAY and LOG print what `aws --output json` prints (Python's json.dumps with indent=4
 * and ensure_ascii=False): "key": value, four spaces per level, {} and [] when empty.
 * Every call returns ACG_OK, ACG_ERR_TOO_LARGE / NOMEM from the buffer, or
 * ACG_ERR_INVALID_ARG (invalid UTF-8, a NULL string, a key outside an object, unbalanced
 * ends, a malformed document); what was written before a failure stays in out. */
void acg_json_writer_init(struct acg_json_writer *w, struct acg_buf *out, enum acg_json_style style);

ACG_NODISCARD int acg_json_begin_object(struct acg_json_writer *w);
ACG_NODISCARD int acg_json_end_object(struct acg_json_writer *w);
ACG_NODISCARD int acg_json_begin_array(struct acg_json_writer *w);
ACG_NODISCARD int acg_json_end_array(struct acg_json_writer *w);
/* Writes the member name; key is written escaped (UTF-8 checked, like strings). */
ACG_NODISCARD int acg_json_key(struct acg_json_writer *w, const char *key);

/* RFC 8259 escaping: \" \\ \b \f \n \r \t, other control characters as \u00xx; '/'
 * and valid non-ASCII UTF-8 are written as they are; invalid UTF-8 is refused. */
ACG_NODISCARD int acg_json_write_string(struct acg_json_writer *w, const char *s);
ACG_NODISCARD int acg_json_write_bool(struct acg_json_writer *w, bool v);
ACG_NODISCARD int acg_json_write_int32(struct acg_json_writer *w, int32_t v);
ACG_NODISCARD int acg_json_write_int64(struct acg_json_writer *w, int64_t v);
ACG_NODISCARD int acg_json_write_float(struct acg_json_writer *w, float v);
ACG_NODISCARD int acg_json_write_double(struct acg_json_writer *w, double v);
ACG_NODISCARD int acg_json_write_blob(struct acg_json_writer *w, const struct acg_blob *v);
/* epoch_ms: milliseconds since 1970-01-01T00:00:00Z. WIRE writes the model's format the
 * way botocore does with millisecond precision: epoch seconds as a number (1700000000 or
 * 1700000000.123), ISO 8601 as "2023-11-14T22:13:20.123Z", HTTP-date to the second.
 * DISPLAY and LOG always write "2023-11-14T22:13:20.123000+00:00". */
ACG_NODISCARD int acg_json_write_timestamp(struct acg_json_writer *w, int64_t epoch_ms,
                                           enum acg_timestamp_format format);
/* json: one JSON value as text (a document member); checked, then copied re-indented. */
ACG_NODISCARD int acg_json_write_document(struct acg_json_writer *w, const char *json);
/* Writes the redaction marker in place of a sensitive value. */
ACG_NODISCARD int acg_json_write_redacted(struct acg_json_writer *w);

/* ---- reader ---- */

struct acg_json_reader {
    const char *js;          /* the body; not owned */
    size_t len;
    struct acg_json_token *toks;  /* owned; see acg_json_reader_free */
    int ntoks;
    int *next;               /* next[i]: index of the token after token i's subtree */
    struct acg_arena *arena; /* where decoded values go; not owned */
    struct acg_error *err;   /* may be NULL */
    int depth;
    int max_depth;           /* nesting limit, set by parse: ACG_JSON_MAX_DEPTH by default */
};

/* One token; mirrors jsmntok_t so the public header does not need jsmn.h. */
struct acg_json_token {
    int type;   /* ACG_JSON_OBJECT, ACG_JSON_ARRAY, ACG_JSON_STRING, ACG_JSON_PRIMITIVE */
    int start;
    int end;
    int size;
    int parent;
};
enum { ACG_JSON_OBJECT = 1, ACG_JSON_ARRAY = 2, ACG_JSON_STRING = 3, ACG_JSON_PRIMITIVE = 4 };

#define ACG_JSON_MAX_DEPTH 64

/* Parses and checks the whole body. On failure returns ACG_ERR_JSON (or NOMEM) with a
 * message naming the byte offset (and err->where naming the member path when known). The
 * reader may be uninitialised before the call; it must be freed either way. An empty body
 * (len 0) parses as an empty object, as AWS sends for operations without output. js need
 * not be NUL-terminated; nothing past js + len is read. arena may be NULL when only the
 * structure is needed (the scalar readers then fail with ACG_ERR_INVALID_ARG). Objects and
 * arrays nested deeper than ACG_JSON_MAX_DEPTH are refused. */
ACG_NODISCARD int acg_json_reader_parse(struct acg_json_reader *r, const char *js, size_t len,
                                        struct acg_arena *arena, struct acg_error *err);
/* The same with another nesting limit (1 to 4096). */
ACG_NODISCARD int acg_json_reader_parse_depth(struct acg_json_reader *r, const char *js,
                                              size_t len, struct acg_arena *arena,
                                              struct acg_error *err, int max_depth);
void acg_json_reader_free(struct acg_json_reader *r);

bool acg_json_is_null(const struct acg_json_reader *r, int tok);
/* Index of the token after tok's whole subtree. */
int acg_json_skip(const struct acg_json_reader *r, int tok);

/* Checks tok is an object. Iterate its keys with acg_json_object_next(r, obj, 0), then
 * (r, obj, key) until it returns 0; the value of a key is token key + 1. */
ACG_NODISCARD int acg_json_object_begin(struct acg_json_reader *r, int obj);
int acg_json_object_next(const struct acg_json_reader *r, int obj, int key);
/* Compares a key token with a NUL-terminated name, escapes decoded. */
bool acg_json_key_is(const struct acg_json_reader *r, int key, const char *name);
/* Checks tok is an array and gives its length. Elements: first arr + 1, then acg_json_skip. */
ACG_NODISCARD int acg_json_array_begin(struct acg_json_reader *r, int arr, size_t *count);

/* Prefix the error's where with the key text of token key (".name") or "[index]", so a
 * path builds bottom-up as generated decoders return: "items[3].jobName". When err holds
 * no error yet (status came from an allocation), one is recorded first. Both return
 * status unchanged; neither does anything when r->err is NULL or status is ACG_OK. */
int acg_json_fail_member(struct acg_json_reader *r, int key, int status);
int acg_json_fail_index(struct acg_json_reader *r, size_t index, int status);
/* Enter and leave a nested value; fails with ACG_ERR_JSON beyond max_depth. */
ACG_NODISCARD int acg_json_enter(struct acg_json_reader *r);
void acg_json_leave(struct acg_json_reader *r);

/* Scalar readers. A null token leaves the output untouched (absent) and returns ACG_OK.
 * has may be NULL (list elements and map values carry no presence flag). A token of the
 * wrong type fails with ACG_ERR_JSON ("expected a string, got a number (at byte offset
 * 12)"), and so do: integers with a fraction or exponent or outside the type's range;
 * doubles beyond DBL_MAX and floats beyond FLT_MAX (the strings "NaN", "Infinity" and
 * "-Infinity" are accepted for both); booleans other than true/false; strings holding
 * \u0000 (strings are NUL-terminated); blobs that are not strict base64. Strings are
 * unescaped into the arena; without escapes they are a plain copy. */
ACG_NODISCARD int acg_json_read_string(struct acg_json_reader *r, int tok, const char **out);
ACG_NODISCARD int acg_json_read_bool(struct acg_json_reader *r, int tok, bool *out, bool *has);
ACG_NODISCARD int acg_json_read_int32(struct acg_json_reader *r, int tok, int32_t *out, bool *has);
ACG_NODISCARD int acg_json_read_int64(struct acg_json_reader *r, int tok, int64_t *out, bool *has);
ACG_NODISCARD int acg_json_read_float(struct acg_json_reader *r, int tok, float *out, bool *has);
ACG_NODISCARD int acg_json_read_double(struct acg_json_reader *r, int tok, double *out, bool *has);
ACG_NODISCARD int acg_json_read_blob(struct acg_json_reader *r, int tok, struct acg_blob *out);
/* Accepts epoch seconds (number, fractions kept to the millisecond) and ISO 8601 or HTTP-date
 * strings, whatever the model's format says, as AWS SDKs do. */
ACG_NODISCARD int acg_json_read_timestamp(struct acg_json_reader *r, int tok, int64_t *out_ms,
                                          bool *has);
/* Copies the value's JSON text (any type, as received, quotes included for a string) into
 * the arena. */
ACG_NODISCARD int acg_json_read_document(struct acg_json_reader *r, int tok, const char **out);
/* Zeroed arena memory for count objects of size bytes (count 0 still gives a non-NULL
 * pointer, so an empty list stays distinguishable from an absent one). */
void *acg_json_alloc(struct acg_json_reader *r, size_t count, size_t size);

/* ---- helpers shared with the command-line layer ---- */

/* Formats epoch_ms as "YYYY-MM-DDTHH:MM:SS[.mmm]Z" into out (at least 32 bytes); the
 * fraction is left out when it is zero. Exact and thread-safe for any int64 (years
 * 0001-9999 print with four digits). The writer's wire form always carries ".mmm", as
 * botocore writes ISO 8601 with millisecond precision; its display form is
 * "2023-11-14T22:13:20.123000+00:00", Python's datetime.isoformat() as the AWS CLI prints. */
void acg_time_format_iso8601(int64_t epoch_ms, char out[32]);
/* Parses, as botocore's parse_timestamp does, the first len bytes of s (no NUL needed,
 * surrounding whitespace ignored):
 *   epoch seconds ("1700000000", "1700000000.123", "-1.5", "1.7e9"), rounded like Python's
 *     datetime.fromtimestamp (to the microsecond, half-even) and kept to the millisecond;
 *   ISO 8601, extended or basic ("2023-11-14T22:13:20.123Z", "20231114T221320Z"), 'T' or a
 *     space, seconds and fraction optional (fraction truncated to ms), offset Z, +hh:mm,
 *     +hhmm, +hh or none (UTC); a date alone is midnight UTC;
 *   HTTP-date ("Tue, 14 Nov 2023 22:13:20 GMT", weekday optional, GMT/UTC or +hhmm).
 * Returns ACG_ERR_INVALID_ARG for anything else or outside years 0001-9999 (ACG_ERR_NOMEM
 * only when copying a numeric string of 64 characters or more fails). */
ACG_NODISCARD int acg_time_parse(const char *s, size_t len, int64_t *epoch_ms);
/* Base64 (standard alphabet, padded). Decoding is strict: length a multiple of 4, '=' only
 * at the end, no whitespace; ACG_ERR_INVALID_ARG otherwise (out keeps its old contents). */
ACG_NODISCARD int acg_base64_encode(const uint8_t *data, size_t len, struct acg_buf *out);
ACG_NODISCARD int acg_base64_decode(const char *s, size_t len, struct acg_buf *out);
/* Number of code points in valid UTF-8, or -1 when s is not valid UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF). */
long acg_utf8_length(const char *s, size_t len);

#endif
