/* Helpers shared by the runtime's JSON, time, base64 and validation sources. Not installed
 * and not part of the runtime's public contract: generated code never includes this file. */
#ifndef ACG_JSON_PRIVATE_H
#define ACG_JSON_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Eight bytes from p in memory order, at any alignment (memcpy keeps the load
 * well-defined), for scanning text a word at a time. A byte is ASCII when its high bit is
 * clear, so a word is all ASCII when (word & ACG_HIGH_BITS) == 0. */
#define ACG_HIGH_BITS UINT64_C(0x8080808080808080)
static inline uint64_t acg_load8(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Length of the longest valid UTF-8 prefix of s: len when all of s is valid. */
size_t acg_utf8_valid_prefix(const char *s, size_t len);
/* Length (2-4) of the valid multi-byte sequence at s (s[0] >= 0x80, avail bytes readable),
 * or 0 when it is not valid UTF-8. */
size_t acg_utf8_sequence_len(const char *s, size_t avail);
/* Writes cp (a Unicode scalar value) as UTF-8; returns the byte count (1-4). */
size_t acg_utf8_encode(uint32_t cp, char out[4]);

/* Upper bound of the decoded size of len base64 characters. */
size_t acg_base64_decoded_max(size_t len);
/* Decodes strict padded base64 into out (at least acg_base64_decoded_max(len) bytes).
 * On failure returns ACG_ERR_INVALID_ARG and sets *bad to the offset of the offending
 * character (len when the input is cut short). */
int acg_base64_decode_to(const char *s, size_t len, uint8_t *out, size_t *out_len, size_t *bad);

/* strtod that reads '.' as the decimal point whatever the process locale is. The text
 * must be NUL-terminated; *end as for strtod. */
double acg_strtod_c(const char *s, char **end);

#endif
