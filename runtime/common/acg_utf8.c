/* UTF-8 validation and code point counting (RFC 3629).
 *
 * Valid means what RFC 3629 allows and nothing more: no overlong forms, no encoded UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Model length constraints count code
 * points (what Java's codePointCount and Python's len() give), so a length is only defined
 * on valid text. */
#include <stddef.h>
#include <stdint.h>

#include "common/acg_utf8.h"
#include "acg_text_private.h"

/* The second-byte ranges come from RFC 3629's table, which rules out overlongs, surrogates
 * and code points past U+10FFFF in one comparison. */
size_t acg_utf8_sequence_len(const char *str, size_t avail)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return n;
}

/* Length of the ASCII run at the start of s, found eight bytes at a time: most text AWS
 * sends is ASCII, and one test of a word's high bits replaces eight byte comparisons. */
static size_t ascii_run(const char *s, size_t len)
{
    size_t i = 0;
    while (len - i >= 8 && (acg_load8(s + i) & ACG_HIGH_BITS) == 0)
        i += 8;
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    return i;
}

size_t acg_utf8_valid_prefix(const char *s, size_t len)
{
    size_t i = ascii_run(s, len);
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i += ascii_run(s + i, len - i);
            continue;
        }
        size_t n = acg_utf8_sequence_len(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

long acg_utf8_length(const char *s, size_t len)
{
    size_t i = 0;
    long count = 0;
    if (s == NULL)
        return len == 0 ? 0 : -1;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            size_t run = ascii_run(s + i, len - i);
            i += run;
            count += (long)run;
            continue;
        }
        size_t n = acg_utf8_sequence_len(s + i, len - i);
        if (n == 0)
            return -1;
        i += n;
        count++;
    }
    return count;
}

size_t acg_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool acg_cp_in_ranges(const struct acg_cp_range *ranges, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < ranges[mid].first)
            hi = mid;
        else if (cp > ranges[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}
