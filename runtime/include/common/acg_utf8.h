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

/* Python's str.isprintable() of the one code point (Unicode as the Python the AWS CLI runs
 * on knows it): what repr() writes as it is rather than escaped. */
bool acg_unicode_printable(uint32_t cp);

#ifdef __cplusplus
}
#endif

#endif
