/* JSON writing and reading for generated serializers and deserializers.
 *
 * Writer: appends RFC 8259 JSON to a capped acg_buf. Strings are escaped, doubles are
 * written in the shortest form that reads back to the same value, NaN and the infinities
 * become the strings "NaN", "Infinity" and "-Infinity" (awsJson rules), blobs become base64.
 *
 * Reading has two faces over one strict scanner, which checks everything RFC 8259 asks
 * (grammar, escapes, surrogate pairs, UTF-8, no control bytes in strings) plus a nesting
 * limit, and names the byte offset of whatever it refuses:
 *
 *   - the decoder reads a body once from front to back, the way generated deserializers
 *     consume it: member by member, straight into typed values, with no token array;
 *   - the token reader checks a whole value first and then offers its tokens by index, for
 *     the runtime's own small bodies (error responses, credentials, command-line input,
 *     documents) where walking back and forth is convenient.
 *
 * A failure returns ACG_ERR_JSON with a message; the member path is prefixed level by level
 * as decoding returns (acg_json_decode_fail_member, acg_json_fail_member and the index
 * variants), so the final acg_error.where reads like "batchInferenceJob.jobInput". */
#ifndef ACG_JSON_H
#define ACG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_base64.h"
#include "common/acg_error.h"
#include "common/acg_time.h"
#include "common/acg_utf8.h"
#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- writer ---- */

enum acg_json_style {
    ACG_JSON_WIRE,      /* compact, timestamps in their model format: request bodies */
    ACG_JSON_DISPLAY,   /* indented by 4, timestamps ISO 8601: --show-sensitive output */
    ACG_JSON_REDACTED,  /* like DISPLAY, sensitive members redacted: output, debug logs */
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

/* Starts a writer on out. redact_sensitive starts true for ACG_JSON_REDACTED only.
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
ACG_NODISCARD int acg_json_write_null(struct acg_json_writer *w);
ACG_NODISCARD int acg_json_write_bool(struct acg_json_writer *w, bool v);
ACG_NODISCARD int acg_json_write_int32(struct acg_json_writer *w, int32_t v);
ACG_NODISCARD int acg_json_write_int64(struct acg_json_writer *w, int64_t v);
ACG_NODISCARD int acg_json_write_float(struct acg_json_writer *w, float v);
ACG_NODISCARD int acg_json_write_double(struct acg_json_writer *w, double v);
ACG_NODISCARD int acg_json_write_blob(struct acg_json_writer *w, const struct acg_blob *v);
/* WIRE writes format (enum acg_ts_format; ACG_TS_DEFAULT is epoch seconds) the way
 * botocore does: epoch seconds as a whole number (1700000000), ISO 8601 as
 * "2023-11-14T22:13:20Z" (".123456" before the Z when there are microseconds), HTTP-date to
 * the second. DISPLAY and REDACTED write "2023-11-14T22:13:20.123000+00:00". */
ACG_NODISCARD int acg_json_write_timestamp(struct acg_json_writer *w,
                                           const struct acg_timestamp *t, int format);
/* json: one JSON value as text (a document member); checked, then copied re-indented. */
ACG_NODISCARD int acg_json_write_document(struct acg_json_writer *w, const char *json);
/* Writes the redaction marker in place of a sensitive value. */
ACG_NODISCARD int acg_json_write_redacted(struct acg_json_writer *w);

/* ---- descriptor-driven encoding (acg_json_codec.c) ---- */

struct acg_json_encode_opts {
    bool body_only;          /* leave out members bound to the URI, query string or headers */
    bool member_names;       /* keys are model member names (printing), not wire names;
                              * jsonvalue header members are written as the JSON they hold */
    /* Fills an absent idempotency token of the value itself (not of a nested structure,
     * as botocore) with a fresh UUID (NULL: the member stays out). */
    void (*token)(void *ctx, char out[37]);
    void *token_ctx;
};

/* Writes value, a struct of shape s, as botocore's JSON serializer would: members by wire
 * name, absent members left out, timestamps in their format, blobs as base64, NaN and the
 * infinities as strings. A NULL value writes {}. o may be NULL. */
ACG_NODISCARD int acg_json_encode(struct acg_json_writer *w, const struct acg_shape *s,
                                  const void *value, const struct acg_json_encode_opts *o);

/* ---- decoder: one pass, front to back (generated deserializers) ---- */

#define ACG_JSON_MAX_DEPTH 64

/* A member name just read. name and len give it with escapes decoded (not NUL-terminated);
 * name stays valid until the decoder reads another member name. start and end delimit the
 * name as written in the body (quotes excluded), for messages. */
struct acg_json_key {
    const char *name;
    size_t len;
    size_t start;
    size_t end;
};

/* The items of a list or map being decoded. They collect on the decoder's stack and move
 * into the arena in one piece when the list ends, so a list of n items takes exactly n
 * items of arena memory however it was grown. */
struct acg_json_list {
    size_t base;  /* where the items start on the decoder's stack */
    size_t count; /* items added so far, which is the index of the next one */
};

/* Gives up to cap more bytes of a body at buf: returns how many (0: the body is over), or
 * sets *failed (non-zero) to stop the decode with ACG_ERR_TRANSPORT. */
typedef size_t (*acg_json_pull_fn)(void *ctx, char *buf, size_t cap, int *failed);

struct acg_json_stream;

struct acg_json_decoder {
    const char *js;          /* the body; not owned */
    size_t len;
    size_t pos;              /* the next byte to read */
    struct acg_arena *arena; /* where decoded values go; not owned */
    struct acg_error *err;   /* may be NULL */
    int depth;               /* objects and arrays open around pos */
    int max_depth;           /* ACG_JSON_MAX_DEPTH */
    char *pool;              /* string space taken from the arena a chunk at a time */
    size_t pool_left;
    unsigned char *stack;    /* owned: items of the lists being decoded */
    size_t stack_len;
    size_t stack_cap;
    char *key_buf;           /* owned: the last member name that held escapes, decoded */
    size_t key_cap;
    size_t max_memory;       /* arena plus list stack; past it ACG_ERR_TOO_LARGE (0: none) */
    bool nonfinite;          /* NaN, Infinity and -Infinity are numbers (Python's json) */
    bool by_member_name;     /* input written for the CLI: keys are model member names, and
                              * members bound to the URI or headers are read too */
    bool truncate_integers;  /* integers may have a fraction or exponent, cut toward zero
                              * (botocore reads restJson1 numbers with int()) */
    /* Added after the first contract (only the runtime makes decoders): a body pulled in
     * pieces (acg_json_decode_pull), js being a window on it; NULL for a whole body. */
    struct acg_json_stream *stream;
};

/* The memory a decoder allows itself for a body of len bytes: decoded values may take
 * more room than their text ({} is two bytes, the struct it fills may be a hundred), but
 * only within this small multiple, so a hostile body cannot make it take gigabytes. */
#define ACG_JSON_MEMORY_FACTOR 8
#define ACG_JSON_MEMORY_FLOOR ((size_t)1 << 20)

/* Starts decoding js, which must hold one JSON object (an empty body counts as {}, which
 * AWS sends for operations without output). js need not be NUL-terminated; nothing past
 * js + len is read. Decoded strings, lists and structures are allocated from arena (not
 * NULL). The decoder may be uninitialised before the call and must be freed with
 * acg_json_decoder_free either way. Fails with ACG_ERR_JSON when the body holds something
 * other than an object, or ACG_ERR_INVALID_ARG for a NULL body or arena.
 *
 *     struct acg_json_decoder d;
 *     int rc = acg_json_decoder_begin(&d, body, len, arena, err);
 *     if (rc == ACG_OK)
 *         rc = read_thing(&d, &thing);       (a generated reader)
 *     if (rc == ACG_OK)
 *         rc = acg_json_decoder_end(&d);
 *     acg_json_decoder_free(&d); */
ACG_NODISCARD int acg_json_decoder_begin(struct acg_json_decoder *d, const char *js, size_t len,
                                         struct acg_arena *arena, struct acg_error *err);
/* After the object has been read: only whitespace may follow it. */
ACG_NODISCARD int acg_json_decoder_end(struct acg_json_decoder *d);
/* acg_json_decoder_begin for a body that pull gives in pieces (see acg_json_decode_pull). */
ACG_NODISCARD int acg_json_decoder_begin_pull(struct acg_json_decoder *d, acg_json_pull_fn pull,
                                              void *ctx, struct acg_arena *arena,
                                              struct acg_error *err);
/* Releases the decoder's own memory (not the arena). NULL-safe and idempotent. */
void acg_json_decoder_free(struct acg_json_decoder *d);

/* Every reader below starts at the next value, checks it as it goes (a malformed value fails
 * with ACG_ERR_JSON and its byte offset, whatever type was wanted) and leaves the decoder
 * just past it. */

/* Reads the value if it is null and returns true; otherwise reads nothing. */
bool acg_json_decode_null(struct acg_json_decoder *d);
/* Reads '{' and, when the object has members, the first member name and its ':'; *more
 * tells which. Read the member's value next (or skip it), then call
 * acg_json_decode_next_member. A value that is not an object fails ("expected an object,
 * got an array (at byte offset 12)"). Objects and arrays nested deeper than max_depth fail.
 * A failure about a member name (no ':' after it) has that name in err->where. */
ACG_NODISCARD int acg_json_decode_object(struct acg_json_decoder *d, struct acg_json_key *key,
                                         bool *more);
/* After a member's value: reads ',' and the next member name and ':' (*more true), or the
 * closing '}' (*more false). */
ACG_NODISCARD int acg_json_decode_next_member(struct acg_json_decoder *d,
                                              struct acg_json_key *key, bool *more);
/* Reads '['; *more is true when an element follows. Read it, then call
 * acg_json_decode_next_element. */
ACG_NODISCARD int acg_json_decode_array(struct acg_json_decoder *d, bool *more);
/* After an element: reads ',' (*more true) or the closing ']' (*more false). */
ACG_NODISCARD int acg_json_decode_next_element(struct acg_json_decoder *d, bool *more);
/* Checks the value and moves past it: unknown members are skipped this way. */
ACG_NODISCARD int acg_json_decode_skip(struct acg_json_decoder *d);
/* Skips a value that must be an object or null (a structure without members). */
ACG_NODISCARD int acg_json_decode_skip_object(struct acg_json_decoder *d);

/* Scalar readers, with the token readers' rules (see acg_json_read_string and the rest
 * below): null leaves the output untouched and returns ACG_OK; has may be NULL; a value of
 * another type fails ("expected a string, got a number (at byte offset 12)"). */
ACG_NODISCARD int acg_json_decode_string(struct acg_json_decoder *d, const char **out);
ACG_NODISCARD int acg_json_decode_bool(struct acg_json_decoder *d, bool *out, bool *has);
ACG_NODISCARD int acg_json_decode_int32(struct acg_json_decoder *d, int32_t *out, bool *has);
ACG_NODISCARD int acg_json_decode_int64(struct acg_json_decoder *d, int64_t *out, bool *has);
ACG_NODISCARD int acg_json_decode_float(struct acg_json_decoder *d, float *out, bool *has);
ACG_NODISCARD int acg_json_decode_double(struct acg_json_decoder *d, double *out, bool *has);
ACG_NODISCARD int acg_json_decode_blob(struct acg_json_decoder *d, struct acg_blob *out);
/* Keeps the value exactly as sent (to the nanosecond), and its text in out->wire. */
ACG_NODISCARD int acg_json_decode_timestamp(struct acg_json_decoder *d,
                                            struct acg_timestamp *out, bool *has);
ACG_NODISCARD int acg_json_decode_document(struct acg_json_decoder *d, const char **out);
/* A NUL-terminated arena copy of the member name key (a map's key). */
ACG_NODISCARD int acg_json_decode_key(struct acg_json_decoder *d, const struct acg_json_key *key,
                                      const char **out);
/* Zeroed arena memory for count objects of size bytes; NULL (with err set) when out of
 * memory. */
void *acg_json_decode_alloc(struct acg_json_decoder *d, size_t count, size_t size);

/* Lists and maps: begin, add each decoded item (size bytes, copied), then finish, which
 * returns the items in the arena (non-NULL even for none, so an empty list stays
 * distinguishable from an absent one) or NULL with err set when out of memory. Lists
 * nest: an inner list finishes before the outer one adds its next item. */
void acg_json_list_begin(struct acg_json_decoder *d, struct acg_json_list *list);
ACG_NODISCARD int acg_json_list_add(struct acg_json_decoder *d, struct acg_json_list *list,
                                    const void *item, size_t size);
void *acg_json_list_finish(struct acg_json_decoder *d, struct acg_json_list *list, size_t size);

/* Reads the next value, an object or null, into out, a zeroed struct of shape s: members
 * by wire name, unknown ones skipped, null meaning absent. */
ACG_NODISCARD int acg_json_decode_shape(struct acg_json_decoder *d, const struct acg_shape *s,
                                        void *out);
/* Input written for the AWS CLI: like acg_json_decode_body, but keys are the model's member
 * names (whatever the wire calls them, wherever the member travels) and, as Python's json
 * module does, the bare words NaN, Infinity and -Infinity are read as numbers. A jsonvalue
 * header member takes any JSON value, kept as its JSON text (botocore json.dumps it). */
ACG_NODISCARD int acg_json_decode_input(const char *body, size_t len, const struct acg_shape *s,
                                        void *out, struct acg_arena *arena,
                                        struct acg_error *err);
/* acg_json_decode_body for restJson1 responses: integer members may hold numbers with a
 * fraction or exponent, cut toward zero, as botocore's int() reads them. */
ACG_NODISCARD int acg_json_decode_rest_body(const char *body, size_t len,
                                            const struct acg_shape *s, void *out,
                                            struct acg_arena *arena, struct acg_error *err);
/* acg_json_decode_body for a body that arrives in pieces, never held whole: pull is asked
 * for more as the decoder needs it. The decoder holds a window on the body that ends where
 * an array member of the outermost object (a List's page of items) is between two items;
 * the items decoded are dropped from the window, so memory is the decoded value plus a few
 * of the array's items (any other value, and an array being skipped or kept as a document,
 * is held whole). Results and errors are acg_json_decode_body's, but byte offsets in errors
 * past the first array dropped from count from where it started (the message says so). */
ACG_NODISCARD int acg_json_decode_pull(acg_json_pull_fn pull, void *ctx,
                                       const struct acg_shape *s, void *out,
                                       struct acg_arena *arena, struct acg_error *err);
/* acg_json_decode_pull with acg_json_decode_rest_body's reading of integers (restJson1). */
ACG_NODISCARD int acg_json_decode_rest_pull(acg_json_pull_fn pull, void *ctx,
                                            const struct acg_shape *s, void *out,
                                            struct acg_arena *arena, struct acg_error *err);
/* A whole body into out (a zeroed struct of shape s), its values in arena. An empty body
 * reads as {}. */
ACG_NODISCARD int acg_json_decode_body(const char *body, size_t len, const struct acg_shape *s,
                                       void *out, struct acg_arena *arena,
                                       struct acg_error *err);

/* Prefix err->where with the member name key (".name") or "[index]" as generated decoders
 * return, like acg_json_fail_member and acg_json_fail_index below. */
int acg_json_decode_fail_member(struct acg_json_decoder *d, const struct acg_json_key *key,
                                int status);
int acg_json_decode_fail_index(struct acg_json_decoder *d, size_t index, int status);

/* ---- token reader: checks a whole value, then walks it by token index ---- */

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

/* One value, or one member name, in document order. */
struct acg_json_token {
    int type;   /* ACG_JSON_OBJECT, ACG_JSON_ARRAY, ACG_JSON_STRING, ACG_JSON_PRIMITIVE */
    int start;  /* first byte; for a string, the byte after its opening quote */
    int end;    /* one past the last byte; for a string, its closing quote */
    int size;   /* members or elements; 1 for a member name (its value) */
    int parent; /* the enclosing token, -1 for the outermost value */
};
enum { ACG_JSON_OBJECT = 1, ACG_JSON_ARRAY = 2, ACG_JSON_STRING = 3, ACG_JSON_PRIMITIVE = 4 };

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
/* The same for input written for the AWS CLI: NaN, Infinity and -Infinity are numbers, as
 * Python's json module reads them. */
ACG_NODISCARD int acg_json_reader_parse_input(struct acg_json_reader *r, const char *js,
                                              size_t len, struct acg_arena *arena,
                                              struct acg_error *err);
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
ACG_NODISCARD int acg_json_read_timestamp(struct acg_json_reader *r, int tok,
                                          struct acg_timestamp *out, bool *has);
/* Copies the value's JSON text (any type, as received, quotes included for a string) into
 * the arena. */
ACG_NODISCARD int acg_json_read_document(struct acg_json_reader *r, int tok, const char **out);
/* Zeroed arena memory for count objects of size bytes (count 0 still gives a non-NULL
 * pointer, so an empty list stays distinguishable from an absent one). */
void *acg_json_alloc(struct acg_json_reader *r, size_t count, size_t size);

#ifdef __cplusplus
}
#endif

#endif
