/* Text from outside (the environment, files, helpers, servers) on its way into a request or
 * onto a terminal.
 *
 * Into a request: a CR or LF in a header value ends the header and starts another (header
 * injection); other control bytes are refused by servers or mean a broken value. Every value
 * that reaches a request line or a header goes through acg_check_value() where it enters
 * the runtime, and the HTTP layer checks every header again before sending
 * (acg_text_is_header_safe).
 *
 * Internal to the runtime and the command-line layer; what the runtime stores in struct
 * acg_error is already escaped (see acg_error.h).
 *
 * Onto a terminal: ESC and C1 sequences (U+0080-U+009F, e.g. U+009B, a CSI) move the cursor,
 * retitle the window or rewrite what was printed before. acg_escape_*() show each control
 * code point as the four characters "\xNN" (its value in hex: ESC is \x1b, DEL \x7f, U+009B
 * \x9b) and replace bytes that are not UTF-8 with U+FFFD. A backslash is left as it is. */
#ifndef ACG_TEXT_H
#define ACG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value of a hexadecimal digit (either case), or -1. */
int acg_hex_digit(char c);

/* True when s[0..len) holds a C0 control (0x00-0x1F: NUL, TAB, CR, LF, ESC, ...) or DEL:
 * the test for values from configuration and credentials, where even a TAB is wrong. */
bool acg_has_control(const char *s, size_t len);

/* Whether s[0..len) may go into an HTTP header value or request line as it is: no CR, LF,
 * NUL or other control character but TAB (RFC 9110 allows it in a field value), no DEL.
 * The HTTP layers' last line of defence against header injection. */
bool acg_text_is_header_safe(const char *s, size_t len);

/* Refuses a value that holds a control byte (NULL passes): records status in err with a
 * message naming the setting and where it came from, never the value, e.g.
 * "aws_session_token from the shared credentials file (profile dev) contains a control
 * character (such as CR or LF); it was not used and nothing was sent". */
ACG_NODISCARD int acg_check_value(const char *value, int status, const char *setting,
                                  const char *source, struct acg_error *err);

enum acg_escape_flags {
    ACG_ESCAPE_LINE = 0,           /* one line: every control, '\n' and '\t' included */
    ACG_ESCAPE_KEEP_NEWLINES = 1,  /* multi-line text: '\n', '\t' and "\r\n" pass */
    ACG_ESCAPE_JSON = 2,           /* JSON text: "\u00XX" and "\ufffd" (valid JSON escapes);
                                      implies KEEP_NEWLINES, for the whitespace between
                                      tokens (inside strings the writer escapes them) */
};

/* Appends s[0..len) to b, made safe for a terminal as described at the top. */
ACG_NODISCARD int acg_escape_append(struct acg_buf *b, const char *s, size_t len,
                                    unsigned flags);

/* The same into out (size > 0 bytes, always terminated), cutting only between whole
 * characters or escapes. Returns the length written. */
size_t acg_escape_copy(char *out, size_t size, const char *s, size_t len, unsigned flags);

/* True when s[0..len) would come out of acg_escape_*() unchanged. */
bool acg_is_terminal_safe(const char *s, size_t len, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
