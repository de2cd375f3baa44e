/* UTF-8 checks for strings that come from outside, and the one Unicode property the
 * runtime's Python-compatible text needs. */
#ifndef ACG_UTF8_H
#define ACG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of code points in valid UTF-8, or -1 when s is not valid UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF). */
long acg_utf8_length(const char *s, size_t len);

/* A run of code points, first to last inclusive. */
struct acg_cp_range {
    uint32_t first;
    uint32_t last;
};

/* Whether cp lies in one of the n ranges, which are sorted and disjoint (a binary search):
 * the lookup behind the generated Unicode property tables. */
bool acg_cp_in_ranges(const struct acg_cp_range *ranges, size_t n, uint32_t cp);

/* Python's str.isprintable() of the one code point (Unicode as the Python the AWS CLI runs
 * on knows it): what repr() writes as it is rather than escaped. */
bool acg_unicode_printable(uint32_t cp);

#ifdef __cplusplus
}
#endif

#endif
