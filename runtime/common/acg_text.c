/* Control characters in values bound for a request, and escaping for the terminal. */
#include <string.h>

#include "common/acg_text.h"
#include "acg_text_private.h"

bool acg_has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

bool acg_text_is_header_safe(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

int acg_check_value(const char *value, int status, const char *setting, const char *source,
                    struct acg_error *err)
{
    if (value == NULL || !acg_has_control(value, strlen(value)))
        return ACG_OK;
    return acg_error_set(err, status,
                         "%s from %s contains a control character (such as CR or LF); it was "
                         "not used and nothing was sent", setting, source);
}

/* One unit of output for the input at s[i]: either the input bytes themselves (returns
 * their count, *esc_len 0) or an escape written to esc (returns the input bytes it
 * replaces). */
static size_t next_unit(const char *s, size_t len, size_t i, unsigned flags, char esc[8],
                        size_t *esc_len)
{
    static const char hex[] = "0123456789abcdef";
    bool json = (flags & ACG_ESCAPE_JSON) != 0;
    bool keep_newlines = json || (flags & ACG_ESCAPE_KEEP_NEWLINES) != 0;
    unsigned char c = (unsigned char)s[i];
    unsigned cp;
    size_t consumed = 1;

    *esc_len = 0;
    if (c >= 0x20 && c < 0x7f)
        return 1;
    if (c < 0x80) {
        if (keep_newlines && (c == '\n' || c == '\t'))
            return 1;
        if (keep_newlines && c == '\r' && i + 1 < len && s[i + 1] == '\n')
            return 2;
        cp = c;
    } else {
        size_t n = acg_utf8_sequence_len(s + i, len - i);
        if (n == 0) {
            /* not UTF-8: U+FFFD, as text or as a JSON escape */
            if (json) {
                memcpy(esc, "\\ufffd", 6);
                *esc_len = 6;
            } else {
                memcpy(esc, "\xef\xbf\xbd", 3);
                *esc_len = 3;
            }
            return 1;
        }
        if (n != 2 || c != 0xc2 || (unsigned char)s[i + 1] > 0x9f)
            return n;   /* a printable character */
        cp = (unsigned char)s[i + 1];   /* U+0080-U+009F: C2 80..C2 9F */
        consumed = 2;
    }
    if (json) {
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[cp >> 4];
        esc[5] = hex[cp & 0x0f];
        *esc_len = 6;
    } else {
        esc[0] = '\\';
        esc[1] = 'x';
        esc[2] = hex[cp >> 4];
        esc[3] = hex[cp & 0x0f];
        *esc_len = 4;
    }
    return consumed;
}

bool acg_is_terminal_safe(const char *s, size_t len, unsigned flags)
{
    char esc[8];
    size_t esc_len;
    for (size_t i = 0; i < len;) {
        i += next_unit(s, len, i, flags, esc, &esc_len);
        if (esc_len > 0)
            return false;
    }
    return true;
}

int acg_escape_append(struct acg_buf *b, const char *s, size_t len, unsigned flags)
{
    char esc[8];
    size_t esc_len;
    size_t run = 0;   /* start of the bytes passed through but not yet appended */
    for (size_t i = 0; i < len;) {
        size_t n = next_unit(s, len, i, flags, esc, &esc_len);
        if (esc_len > 0) {
            ACG_TRY(acg_buf_append(b, s + run, i - run));
            ACG_TRY(acg_buf_append(b, esc, esc_len));
            run = i + n;
        }
        i += n;
    }
    return acg_buf_append(b, s + run, len - run);
}

size_t acg_escape_copy(char *out, size_t size, const char *s, size_t len, unsigned flags)
{
    char esc[8];
    size_t esc_len, o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = next_unit(s, len, i, flags, esc, &esc_len);
        const char *piece = esc_len > 0 ? esc : s + i;
        size_t piece_len = esc_len > 0 ? esc_len : n;
        if (o + piece_len >= size)
            break;
        memcpy(out + o, piece, piece_len);
        o += piece_len;
        i += n;
    }
    out[o] = '\0';
    return o;
}

int acg_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
