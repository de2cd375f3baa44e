/* CBOR (RFC 8949) encoding and decoding driven by the descriptor tables, as the Smithy
 * rpcv2Cbor protocol and botocore write and read it.
 *
 * Encoding writes a struct of a shape in one pass: structures and unions as maps with
 * definite lengths and text-string keys (the members' wire names, absent members left
 * out), lists as arrays, maps as maps, strings as text strings, blobs as byte strings,
 * booleans as simple values, integers and longs in their smallest encoding, floats as
 * single and doubles as double precision (NaN and the infinities as half precision, as
 * botocore writes them), timestamps as tag 1 over epoch seconds: an integer when the value
 * has no fraction (what botocore sends), else a double at millisecond resolution (the
 * protocol's), and documents (JSON text) as the CBOR values that JSON stands for.
 *
 * Decoding reads a body once from front to back straight into the struct, with the JSON
 * decoder's rules (json/acg_json.h): values in the arena, unknown keys skipped, null (and
 * undefined) meaning absent, a list's items in one piece of arena memory, the member path
 * of a failure in err->where. It accepts definite and indefinite lengths (strings in
 * chunks too), any width of integer and float where the shape takes a number, timestamps
 * as tag 1 over an integer or a float of any width. A timestamp keeps the instant to the
 * nanosecond of its decimal form and, in wire, that number's text as Python's repr writes
 * it ("1700000000" or "1700000000.123"): what the AWS CLI v1 prints for it (v2 prints the
 * instant in ISO 8601, as our program does). A document member receives the JSON text of
 * whatever value arrives (byte strings as base64, timestamps as epoch seconds).
 *
 * Hostile input is bounded: nesting deeper than ACG_CBOR_MAX_DEPTH fails, lengths are
 * checked against the bytes left before anything is allocated, and the decoded value may
 * take at most ACG_CBOR_MEMORY_FLOOR + ACG_CBOR_MEMORY_FACTOR times the body's size.
 * Failures return ACG_ERR_JSON (the status for "a body does not match the model"), or
 * ACG_ERR_TOO_LARGE / ACG_ERR_NOMEM, with a message naming the byte offset. */
#ifndef ACG_CBOR_H
#define ACG_CBOR_H

#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ACG_CBOR_MAX_DEPTH 64
#define ACG_CBOR_MEMORY_FACTOR 8
#define ACG_CBOR_MEMORY_FLOOR ((size_t)1 << 20)

struct acg_cbor_encode_opts {
    /* Fills an absent idempotency token with a fresh UUID (NULL: the member stays out). */
    void (*token)(void *ctx, char out[37]);
    void *token_ctx;
};

/* Appends value, a struct of shape s, to out as CBOR. A NULL value writes an empty map.
 * o may be NULL, err too. Fails with ACG_ERR_INVALID_ARG for what cannot be written (a
 * string that is not UTF-8, a NULL map key, a malformed document), or the buffer's
 * ACG_ERR_TOO_LARGE / ACG_ERR_NOMEM; what was written before stays in out.
 *
 *     struct acg_buf body;
 *     acg_buf_init(&body, 0);
 *     int rc = acg_cbor_encode(&body, op->input, &request, NULL, &err); */
ACG_NODISCARD int acg_cbor_encode(struct acg_buf *out, const struct acg_shape *s,
                                  const void *value, const struct acg_cbor_encode_opts *o,
                                  struct acg_error *err);

/* Reads body, one CBOR map (an empty body counts as an empty map, and so does null), into
 * out, a zeroed struct of shape s, its values allocated from arena. Nothing past body + len
 * is read; bytes after the map fail. On failure out may hold a partial value whose memory
 * is the arena's: destroy the arena and zero out. */
ACG_NODISCARD int acg_cbor_decode_body(const char *body, size_t len, const struct acg_shape *s,
                                       void *out, struct acg_arena *arena,
                                       struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
