/* Checks on text that comes from outside (environment, files, servers, the caller) before
 * it reaches a request line or a header. */
#ifndef ACG_TEXT_H
#define ACG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether s (len bytes) can go into an HTTP header value or request line as it is: no CR,
 * LF, NUL or other control character (tab is allowed), no DEL. */
bool acg_text_is_header_safe(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
