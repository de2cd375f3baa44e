/* UTF-8 checks for strings that come from outside. */
#ifndef ACG_UTF8_H
#define ACG_UTF8_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of code points in valid UTF-8, or -1 when s is not valid UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF). */
long acg_utf8_length(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
