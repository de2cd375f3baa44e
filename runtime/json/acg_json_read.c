/* JSON reading: one strict scanner, consumed two ways.
 *
 * The scanner reads a body once, front to back, and checks as it goes everything RFC 8259
 * asks and more: the grammar (no trailing or missing commas, one value per body, literals
 * and numbers spelt exactly), string escapes and UTF-16 surrogate pairs, UTF-8 (RFC 3629:
 * no overlongs, no surrogates, nothing past U+10FFFF), no control bytes in strings, and a
 * nesting limit checked before each object or array is entered, so recursion stays bounded
 * and no input makes it do more than linear work. Every error names a byte offset.
 *
 * The decoder (acg_json_decode_*) hands values to generated deserializers as it meets them:
 * strings are copied out of the body once, into arena chunks; numbers are converted where
 * they stand; unknown members are skipped, checked all the same; list items collect on a
 * stack and move into the arena when the list ends. Nothing is kept per token, so decoding
 * needs little memory beyond the decoded value itself.
 *
 * The token reader (acg_json_reader_*) runs the same scan over a whole value and records
 * it as tokens, for the runtime's own small bodies that are easier to walk by index.
 *
 * Nothing reads outside [js, js + len): bodies need not be NUL-terminated. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "acg_text_private.h"

#define DEPTH_LIMIT 4096

/* Decoded strings are packed into arena chunks of at most this size; a string longer than
 * BIG_STRING gets arena memory of its own, so a chunk never wastes more than that. */
#define POOL_CHUNK ((size_t)64 * 1024)
#define BIG_STRING (POOL_CHUNK / 16)

/* ---- eight bytes at a time ---- */

/* String content is most of a body, and testing a word at once for "any quote, backslash,
 * control or non-ASCII byte" is far cheaper than eight byte tests (after Bit Twiddling
 * Hacks, "determine if a word has a byte less than n"). */
#define ONES UINT64_C(0x0101010101010101)

/* Sets the high bit of each byte of v where a string scan must stop: '"', '\\', a control
 * byte (below 0x20) or a non-ASCII byte (0x80 and up). For the other bytes none of the four
 * terms reaches the high bit; a subtraction can borrow into the byte above, but a borrow
 * starts only at a byte that is itself a stop, so the lowest flagged byte is always a true
 * one. */
static uint64_t string_stops(uint64_t v)
{
    return ((v - ONES * 0x20) | v | ((v ^ (ONES * '"')) - ONES) | ((v ^ (ONES * '\\')) - ONES)) &
           ACG_HIGH_BITS;
}

/* On a little-endian machine the lowest byte of a word comes first in memory, so the first
 * stop in a word is found from the mask's trailing zero bits. Elsewhere the caller steps to
 * it a byte at a time. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST_FLAGGED_BYTE(mask) ((size_t)__builtin_ctzll(mask) / 8)
#endif

/* Sixteen bytes at a time with SSE2, which every x86-64 has (GCC and Clang builtins). */
#if defined(__GNUC__) && defined(__SSE2__)
#include <emmintrin.h>
#define ACG_SCAN_SSE2 1
#endif

/* ---- locale-independent strtod ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* strtod in the C locale. The plain call is right unless the program switched
 * LC_NUMERIC to a decimal comma; only then (strtod stopped at the '.') retry with the
 * thread temporarily in the C locale, which uselocale makes thread-safe. */
double acg_strtod_c(const char *s, char **end)
{
    char *e = NULL;
    double v = strtod(s, &e);
    if (*e == '.') {
        pthread_once(&c_locale_once, make_c_locale);
        if (c_locale != (locale_t)0) {
            locale_t old = uselocale(c_locale);
            v = strtod(s, &e);
            uselocale(old);
        }
    }
    if (end != NULL)
        *end = e;
    return v;
}

/* ---- bytes ---- */

static bool is_ws(int c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool starts_value(int c)
{
    switch (c) {
    case '{': case '[': case '"': case '-': case 't': case 'f': case 'n': return true;
    default: return is_digit(c);
    }
}

/* With the non-finite extension on, NaN and Infinity start values too. */
static bool starts_value_in(const struct acg_json_decoder *d, int c)
{
    return starts_value(c) || (d->nonfinite && (c == 'N' || c == 'I'));
}

/* Bytes that may continue a number or literal: anything printable but the delimiters. The
 * run is then held to the grammar, so "1:2" or "truex" is one bad token, not two. */
static bool in_primitive(int c)
{
    return c > 0x20 && c < 0x7f && c != ',' && c != ']' && c != '}';
}

static const char *value_name(int first_byte)
{
    switch (first_byte) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
    }
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* What can be wrong with a \u escape. */
enum { ESC_BAD = -1, ESC_UNPAIRED = -2 };

/* Reads the \u escape at s (s[0] is the backslash; avail bytes readable), with the low
 * surrogate that must follow a high one. Returns the code point and sets *used, or ESC_BAD
 * (not four hex digits) or ESC_UNPAIRED (a surrogate without its partner). */
static long u_escape(const char *s, size_t avail, size_t *used)
{
    *used = 0;
    if (avail < 6)
        return ESC_BAD;
    int hi = hex4(s + 2);
    if (hi < 0)
        return ESC_BAD;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return ESC_UNPAIRED;
    if (hi < 0xD800 || hi > 0xDBFF) {
        *used = 6;
        return hi;
    }
    if (avail < 12 || s[6] != '\\' || s[7] != 'u')
        return ESC_UNPAIRED;
    int lo = hex4(s + 8);
    if (lo < 0)
        return ESC_BAD;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return ESC_UNPAIRED;
    *used = 12;
    return 0x10000 + (((long)hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* Writes the content of a checked string (len bytes at s, escapes and all) to out, which
 * has room for len bytes: decoding never lengthens. Returns the decoded length. *nul_at is
 * set to the offset in s of the first \u0000, or SIZE_MAX; the caller decides whether a NUL
 * inside the text is acceptable. */
static size_t unescape(const char *s, size_t len, char *out, size_t *nul_at)
{
    size_t i = 0, o = 0;
    *nul_at = SIZE_MAX;
    while (i < len) {
        const char *bs = memchr(s + i, '\\', len - i);
        size_t run = bs != NULL ? (size_t)(bs - (s + i)) : len - i;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i + 1 >= len) /* the end (a checked string has no lone backslash at the end) */
            break;
        char c = s[i + 1];
        switch (c) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            size_t used;
            long cp = u_escape(s + i, len - i, &used);
            if (cp == 0 && *nul_at == SIZE_MAX)
                *nul_at = i;
            o += acg_utf8_encode((uint32_t)cp, out + o);
            i += used;
            continue;
        }
        default: out[o++] = c; break; /* '"', '\\' or '/' */
        }
        i += 2;
    }
    return o;
}

/* ---- the scanner ---- */

/* Where a string, number or literal lies in the body. */
struct span {
    size_t start; /* first byte; for a string, the byte after its opening quote */
    size_t end;   /* one past the last byte; for a string, its closing quote */
    bool escaped; /* a string with at least one backslash escape */
};

/* The byte at pos, or -1 at the end of the body. */
static inline int peek(const struct acg_json_decoder *d)
{
    return d->pos < d->len ? (unsigned char)d->js[d->pos] : -1;
}

static inline void skip_ws(struct acg_json_decoder *d)
{
    while (d->pos < d->len && is_ws((unsigned char)d->js[d->pos]))
        d->pos++;
}

/* Describes the byte at pos (or the end of the body), found where the grammar wants
 * something else. */
static int unexpected(const struct acg_json_decoder *d, size_t pos)
{
    if (pos >= d->len)
        return acg_error_set(d->err, ACG_ERR_JSON, "unexpected end of input at byte offset %zu",
                             d->len);
    unsigned char c = (unsigned char)d->js[pos];
    if (c == ',' || c == ':')
        return acg_error_set(d->err, ACG_ERR_JSON, "unexpected '%c' at byte offset %zu", c, pos);
    if (c == '\0')
        return acg_error_set(d->err, ACG_ERR_JSON, "NUL byte at byte offset %zu", pos);
    if (c > 0x20 && c < 0x7f)
        return acg_error_set(d->err, ACG_ERR_JSON, "unexpected character '%c' at byte offset %zu",
                             c, pos);
    return acg_error_set(d->err, ACG_ERR_JSON, "unexpected byte 0x%02x at byte offset %zu", c,
                         pos);
}

/* The escape at i (a backslash inside the string that starts at d->pos). Sets *used. */
static int check_escape(const struct acg_json_decoder *d, size_t i, size_t *used)
{
    if (i + 1 >= d->len)
        return acg_error_set(d->err, ACG_ERR_JSON,
                             "unexpected end of input (string starting at byte offset %zu)",
                             d->pos);
    switch (d->js[i + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        *used = 2;
        return ACG_OK;
    case 'u': {
        long cp = u_escape(d->js + i, d->len - i, used);
        if (cp == ESC_UNPAIRED)
            return acg_error_set(d->err, ACG_ERR_JSON,
                                 "unpaired UTF-16 surrogate in string at byte offset %zu", i);
        if (cp != ESC_BAD)
            return ACG_OK;
        break;
    }
    default:
        break;
    }
    return acg_error_set(d->err, ACG_ERR_JSON, "bad escape in string at byte offset %zu", i);
}

/* The string that starts at d->pos goes on at i past what the fast path below takes in one
 * run (an escape, a non-ASCII byte, a control byte or the end of the body): the rest of it,
 * byte by byte where needed. Out of line, so the fast path stays a leaf with few registers
 * to save. */
static int scan_string_rest(struct acg_json_decoder *d, struct span *s, size_t i)
{
    const unsigned char *p = (const unsigned char *)d->js;
    size_t len = d->len;
    bool escaped = false;
    for (;;) {
        /* Eight ordinary bytes at a time: no quote, backslash, control or non-ASCII byte.
         * Then one at a time up to the byte that stopped the run. */
        while (len - i >= 8) {
            uint64_t stops = string_stops(acg_load8(p + i));
            if (stops != 0) {
#ifdef FIRST_FLAGGED_BYTE
                i += FIRST_FLAGGED_BYTE(stops);
#endif
                break;
            }
            i += 8;
        }
        while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
            i++;
        if (i >= len)
            return acg_error_set(d->err, ACG_ERR_JSON,
                                 "unexpected end of input (string starting at byte offset %zu)",
                                 d->pos);
        unsigned char c = p[i];
        if (c == '"') {
            break;
        } else if (c == '\\') {
            size_t used;
            ACG_TRY(check_escape(d, i, &used));
            escaped = true;
            i += used;
        } else if (c == '\0') {
            return acg_error_set(d->err, ACG_ERR_JSON, "NUL byte in string at byte offset %zu", i);
        } else if (c < 0x20) {
            return acg_error_set(d->err, ACG_ERR_JSON,
                                 "control character in string at byte offset %zu", i);
        } else {
            size_t n = acg_utf8_sequence_len((const char *)p + i, len - i);
            if (n == 0)
                return acg_error_set(d->err, ACG_ERR_JSON,
                                     "invalid UTF-8 in string at byte offset %zu", i);
            i += n;
        }
    }
    s->start = d->pos + 1;
    s->end = i;
    s->escaped = escaped;
    d->pos = i + 1;
    return ACG_OK;
}

/* Reads the string whose opening quote is at pos and moves past its closing quote. Most
 * strings of a body are plain ASCII up to their closing quote: they are found here, sixteen
 * bytes at a time where SSE2 is there (every x86-64), else eight; anything else goes on in
 * scan_string_rest from the byte that stopped the run. */
static int scan_string(struct acg_json_decoder *d, struct span *s)
{
    const unsigned char *p = (const unsigned char *)d->js;
    size_t len = d->len;
    size_t i = d->pos + 1;
#ifdef ACG_SCAN_SSE2
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* Signed bytes: a non-ASCII byte is negative, so below 0x20 like a control byte. */
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                 _mm_cmpeq_epi8(v, backslash)),
                                    _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask != 0) {
            i += (size_t)__builtin_ctz(mask);
            goto stopped;
        }
        i += 16;
    }
#endif
    while (len - i >= 8) {
        uint64_t stops = string_stops(acg_load8(p + i));
        if (stops != 0) {
#ifdef FIRST_FLAGGED_BYTE
            i += FIRST_FLAGGED_BYTE(stops);
#endif
            break;
        }
        i += 8;
    }
    while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
        i++;
#ifdef ACG_SCAN_SSE2
stopped:
#endif
    if (i >= len || p[i] != '"')
        return scan_string_rest(d, s, i);
    s->start = d->pos + 1;
    s->end = i;
    s->escaped = false;
    d->pos = i + 1;
    return ACG_OK;
}

static size_t count_digits(const char *p, size_t i, size_t len)
{
    size_t j = i;
    while (j < len && is_digit(p[j]))
        j++;
    return j - i;
}

/* Follows the number grammar (RFC 8259 section 6), or matches one of the three literals,
 * from p[i]. Sets *end past what matched; false when the grammar breaks first. */
static bool match_primitive(const char *p, size_t i, size_t len, size_t *end)
{
    size_t n;
    switch (p[i]) {
    case 't': *end = i + 4; return len - i >= 4 && memcmp(p + i, "true", 4) == 0;
    case 'f': *end = i + 5; return len - i >= 5 && memcmp(p + i, "false", 5) == 0;
    case 'n': *end = i + 4; return len - i >= 4 && memcmp(p + i, "null", 4) == 0;
    default: break;
    }
    if (p[i] == '-')
        i++;
    if (i < len && p[i] == '0')
        i++;
    else if (i < len && p[i] >= '1' && p[i] <= '9')
        i += count_digits(p, i, len);
    else
        return false;
    if (i < len && p[i] == '.') {
        n = count_digits(p, i + 1, len);
        if (n == 0)
            return false;
        i += 1 + n;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-'))
            i++;
        n = count_digits(p, i, len);
        if (n == 0)
            return false;
        i += n;
    }
    *end = i;
    return true;
}

/* Python's json module reads NaN, Infinity and -Infinity as numbers; so does the decoder
 * when its caller asks (input written for the AWS CLI). */
static bool match_nonfinite(const char *p, size_t i, size_t len, size_t *end)
{
    static const char *const words[] = { "NaN", "Infinity", "-Infinity" };
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (len - i >= n && memcmp(p + i, words[k], n) == 0) {
            *end = i + n;
            return true;
        }
    }
    return false;
}

/* Reads the number or literal that starts at pos (its first byte starts a value). */
static int scan_primitive(struct acg_json_decoder *d, struct span *s)
{
    size_t end;
    s->start = d->pos;
    s->escaped = false;
    if (d->nonfinite && match_nonfinite(d->js, d->pos, d->len, &end) &&
        (end == d->len || !in_primitive((unsigned char)d->js[end]))) {
        s->end = end;
        d->pos = end;
        return ACG_OK;
    }
    if (!match_primitive(d->js, d->pos, d->len, &end) ||
        (end < d->len && in_primitive((unsigned char)d->js[end]))) {
        /* Show all of what was meant as one token: "1.5.2", "truex", "1:2". */
        end = d->pos;
        while (end < d->len && in_primitive((unsigned char)d->js[end]))
            end++;
        size_t n = end - d->pos;
        return acg_error_set(d->err, ACG_ERR_JSON,
                             "invalid literal or number '%.*s' at byte offset %zu",
                             (int)(n > 24 ? 24 : n), d->js + d->pos, d->pos);
    }
    s->end = end;
    d->pos = end;
    return ACG_OK;
}

static bool at_null(const struct acg_json_decoder *d)
{
    return d->len - d->pos >= 4 && memcmp(d->js + d->pos, "null", 4) == 0 &&
           (d->len - d->pos == 4 || !in_primitive((unsigned char)d->js[d->pos + 4]));
}

/* ---- paths in error messages ---- */

/* Puts prefix (and a '.' before a following name) in front of err->where. Paths are
 * built from the innermost member outwards as decoding returns, so this runs once per
 * level; a path too long for where loses its innermost end. */
static void prepend_where(struct acg_error *err, const char *prefix)
{
    char *where = err->where;
    size_t cap = sizeof err->where - 1;
    size_t plen = strlen(prefix);
    size_t wlen = strlen(where);
    size_t dot = wlen > 0 && where[0] != '[' ? 1 : 0;
    if (plen > cap)
        plen = cap;
    if (plen + dot > cap)
        dot = 0;
    size_t keep = wlen;
    if (plen + dot + keep > cap)
        keep = cap - plen - dot;
    memmove(where + plen + dot, where, keep);
    memcpy(where, prefix, plen);
    if (dot)
        where[plen] = '.';
    where[plen + dot + keep] = '\0';
}

/* Makes sure a status that came without a message (an allocation) has one. */
static void ensure_error(struct acg_error *err, int status)
{
    if (err->status == ACG_OK)
        acg_error_set(err, status, "%s", acg_status_name((enum acg_status)status));
}

/* Prefixes where with a member name as written (len bytes at s): escapes are shown decoded
 * where that is simple, others verbatim. */
static int fail_name(struct acg_error *err, const char *s, size_t len, int status)
{
    if (err == NULL || status == ACG_OK)
        return status;
    ensure_error(err, status);
    char name[96];
    size_t n = 0;
    const char *end = s + len;
    while (s < end && n + 5 < sizeof name) {
        if (*s == '\\' && s + 1 < end && s[1] != 'u') {
            name[n++] = s[1] == '"' || s[1] == '\\' || s[1] == '/' ? s[1] : '?';
            s += 2;
        } else {
            name[n++] = *s++;
        }
    }
    name[n] = '\0';
    prepend_where(err, name);
    return status;
}

static int fail_at_index(struct acg_error *err, size_t index, int status)
{
    if (err == NULL || status == ACG_OK)
        return status;
    ensure_error(err, status);
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", index);
    prepend_where(err, buf);
    return status;
}

int acg_json_decode_fail_member(struct acg_json_decoder *d, const struct acg_json_key *key,
                                int status)
{
    return fail_name(d->err, d->js + key->start, key->end - key->start, status);
}

int acg_json_decode_fail_index(struct acg_json_decoder *d, size_t index, int status)
{
    return fail_at_index(d->err, index, status);
}

/* ---- objects and arrays ---- */

static int fail_nomem(const struct acg_json_decoder *d)
{
    return acg_error_set(d->err, ACG_ERR_NOMEM, "out of memory reading JSON");
}

/* At a '{' or '[': counts the level against the limit before going in. */
static int open_container(struct acg_json_decoder *d)
{
    if (d->depth >= d->max_depth)
        return acg_error_set(d->err, ACG_ERR_JSON, "nesting deeper than %d levels at byte offset %zu",
                             d->max_depth, d->pos);
    d->depth++;
    d->pos++;
    skip_ws(d);
    return ACG_OK;
}

static void close_container(struct acg_json_decoder *d, bool *more)
{
    d->depth--;
    d->pos++;
    *more = false;
}

/* A separator was due at pos: "expected ','" when another value starts there, otherwise
 * whatever is there instead. */
static int bad_separator(const struct acg_json_decoder *d, const char *missing)
{
    int c = peek(d);
    if (c >= 0 && starts_value_in(d, c))
        return acg_error_set(d->err, ACG_ERR_JSON, "%s at byte offset %zu", missing, d->pos);
    return unexpected(d, d->pos);
}

/* Decodes a member name with escapes into key_buf, for comparing with member names. */
static int decode_key_name(struct acg_json_decoder *d, struct acg_json_key *key)
{
    size_t len = key->end - key->start;
    if (len > d->key_cap) {
        char *buf = realloc(d->key_buf, len);
        if (buf == NULL)
            return fail_nomem(d);
        d->key_buf = buf;
        d->key_cap = len;
    }
    size_t nul_at;
    key->name = d->key_buf;
    key->len = unescape(d->js + key->start, len, d->key_buf, &nul_at);
    return ACG_OK;
}

/* Reads a member name and the ':' after it. A failure after the name has been read is
 * about that member, so the name goes into where. */
static int read_key(struct acg_json_decoder *d, struct acg_json_key *key)
{
    struct span s;
    if (peek(d) != '"')
        return unexpected(d, d->pos);
    ACG_TRY(scan_string(d, &s));
    /* Field by field: one wide copy of start and end would load what scan_string has just
     * stored in two halves, which stalls store forwarding on x86. */
    key->start = s.start;
    key->len = s.end - s.start;
    key->end = key->start + key->len;
    if (s.escaped) {
        ACG_TRY(decode_key_name(d, key));
    } else {
        key->name = d->js + s.start;
    }
    skip_ws(d);
    if (peek(d) != ':') {
        int rc = acg_error_set(d->err, ACG_ERR_JSON,
                               "expected ':' after the member name at byte offset %zu", d->pos);
        return acg_json_decode_fail_member(d, key, rc);
    }
    d->pos++;
    skip_ws(d);
    return ACG_OK;
}

static int wrong_value(struct acg_json_decoder *d, const char *want);

int acg_json_decode_object(struct acg_json_decoder *d, struct acg_json_key *key, bool *more)
{
    *more = false;
    skip_ws(d);
    if (peek(d) != '{')
        return wrong_value(d, "an object");
    ACG_TRY(open_container(d));
    if (peek(d) == '}') {
        close_container(d, more);
        return ACG_OK;
    }
    *more = true;
    return read_key(d, key);
}

int acg_json_decode_next_member(struct acg_json_decoder *d, struct acg_json_key *key,
                                bool *more)
{
    skip_ws(d);
    int c = peek(d);
    if (c == ',') {
        size_t comma = d->pos++;
        skip_ws(d);
        if (peek(d) == '}')
            return acg_error_set(d->err, ACG_ERR_JSON, "unexpected ',' at byte offset %zu", comma);
        *more = true;
        return read_key(d, key);
    }
    if (c == '}') {
        close_container(d, more);
        return ACG_OK;
    }
    return bad_separator(d, "expected ',' between members");
}

static void stream_mark(struct acg_json_decoder *d);

int acg_json_decode_array(struct acg_json_decoder *d, bool *more)
{
    *more = false;
    skip_ws(d);
    if (peek(d) != '[')
        return wrong_value(d, "an array");
    ACG_TRY(open_container(d));
    if (d->stream != NULL && d->depth == 2)
        stream_mark(d);
    int c = peek(d);
    if (c == ']') {
        close_container(d, more);
        return ACG_OK;
    }
    if (c == ',' || c < 0) /* "[,1]" or "[": the array is malformed, not an element */
        return unexpected(d, d->pos);
    *more = true;
    return ACG_OK;
}

static int stream_refill(struct acg_json_decoder *d);

int acg_json_decode_next_element(struct acg_json_decoder *d, bool *more)
{
    skip_ws(d);
    int c = peek(d);
    if (c < 0 && d->stream != NULL) {
        /* The window of a pulled body ends between two items of an array: the next
         * piece. */
        ACG_TRY(stream_refill(d));
        skip_ws(d);
        c = peek(d);
    }
    if (c == ',') {
        size_t comma = d->pos++;
        skip_ws(d);
        c = peek(d);
        if (c == ']' || c == ',')
            return acg_error_set(d->err, ACG_ERR_JSON, "unexpected ',' at byte offset %zu",
                                 c == ']' ? comma : d->pos);
        if (c < 0)
            return unexpected(d, d->pos);
        *more = true;
        return ACG_OK;
    }
    if (c == ']') {
        close_container(d, more);
        return ACG_OK;
    }
    return bad_separator(d, "expected ',' between elements");
}

/* ---- checking a whole value, and the token reader's tokens ---- */

/* Tokens of the value the token reader is reading. */
struct tokens {
    struct acg_json_token *toks;
    int *next;
    int count;
    int cap;
};

/* Appends a token (when t is not NULL) and gives its index in *tok (-1 without t). */
static int record(const struct acg_json_decoder *d, struct tokens *t, int type, size_t start,
                  size_t end, int parent, int *tok)
{
    *tok = -1;
    if (t == NULL)
        return ACG_OK;
    if (t->count == t->cap) {
        /* There are never more tokens than bytes, and bodies are below INT_MAX bytes. */
        size_t cap = t->cap > 0 ? (size_t)t->cap * 2 : 64;
        if (cap > d->len + 1)
            cap = d->len + 1;
        if (cap <= (size_t)t->cap)
            return fail_nomem(d);
        struct acg_json_token *toks = realloc(t->toks, cap * sizeof *toks);
        if (toks != NULL)
            t->toks = toks;
        int *next = toks != NULL ? realloc(t->next, cap * sizeof *next) : NULL;
        if (next == NULL)
            return fail_nomem(d);
        t->next = next;
        t->cap = (int)cap;
    }
    *tok = t->count++;
    struct acg_json_token *k = &t->toks[*tok];
    k->type = type;
    k->start = (int)start;
    k->end = (int)end;
    k->size = 0;
    k->parent = parent;
    t->next[*tok] = *tok + 1;
    return ACG_OK;
}

/* Checks the value at pos and moves past it. With t, also records it and everything in it
 * as tokens, parent being the enclosing token. A failure inside a member or element gets
 * its name or index in where. */
static int scan_value(struct acg_json_decoder *d, struct tokens *t, int parent)
{
    struct span s;
    bool more;
    int tok;
    int size = 0;

    skip_ws(d);
    size_t start = d->pos;
    int c = peek(d);
    if (c == '{') {
        struct acg_json_key key = { 0 };
        ACG_TRY(record(d, t, ACG_JSON_OBJECT, start, start, parent, &tok));
        ACG_TRY(acg_json_decode_object(d, &key, &more));
        while (more) {
            int name;
            int rc = record(d, t, ACG_JSON_STRING, key.start, key.end, tok, &name);
            if (rc == ACG_OK)
                rc = scan_value(d, t, name);
            if (rc != ACG_OK)
                return acg_json_decode_fail_member(d, &key, rc);
            if (t != NULL) {
                t->toks[name].size = 1;
                t->next[name] = t->count;
            }
            size++;
            ACG_TRY(acg_json_decode_next_member(d, &key, &more));
        }
    } else if (c == '[') {
        ACG_TRY(record(d, t, ACG_JSON_ARRAY, start, start, parent, &tok));
        ACG_TRY(acg_json_decode_array(d, &more));
        while (more) {
            int rc = scan_value(d, t, tok);
            if (rc != ACG_OK)
                return acg_json_decode_fail_index(d, (size_t)size, rc);
            size++;
            ACG_TRY(acg_json_decode_next_element(d, &more));
        }
    } else if (c == '"') {
        ACG_TRY(scan_string(d, &s));
        return record(d, t, ACG_JSON_STRING, s.start, s.end, parent, &tok);
    } else if (c >= 0 && starts_value_in(d, c)) {
        ACG_TRY(scan_primitive(d, &s));
        return record(d, t, ACG_JSON_PRIMITIVE, s.start, s.end, parent, &tok);
    } else {
        return unexpected(d, start);
    }
    if (t != NULL) {
        t->toks[tok].end = (int)d->pos;
        t->toks[tok].size = size;
        t->next[tok] = t->count;
    }
    return ACG_OK;
}

/* The value at pos is not of the type wanted. A malformed value is reported as such (the
 * more basic fault), a well-formed one as the mismatch. */
static int wrong_value(struct acg_json_decoder *d, const char *want)
{
    size_t at = d->pos;
    int c = peek(d);
    if (c < 0 || !starts_value_in(d, c))
        return unexpected(d, at);
    ACG_TRY(scan_value(d, NULL, -1));
    return acg_error_set(d->err, ACG_ERR_JSON, "expected %s, got %s (at byte offset %zu)", want,
                         value_name(c), c == '"' ? at + 1 : at);
}

int acg_json_decode_skip(struct acg_json_decoder *d)
{
    return scan_value(d, NULL, -1);
}

int acg_json_decode_skip_object(struct acg_json_decoder *d)
{
    if (acg_json_decode_null(d))
        return ACG_OK;
    if (peek(d) != '{')
        return wrong_value(d, "an object");
    return scan_value(d, NULL, -1);
}

/* Only whitespace may follow the outermost value. */
static int check_end(struct acg_json_decoder *d)
{
    skip_ws(d);
    int c = peek(d);
    if (c < 0)
        return ACG_OK;
    if (starts_value_in(d, c))
        return acg_error_set(d->err, ACG_ERR_JSON,
                             "more than one top-level value at byte offset %zu", d->pos);
    return unexpected(d, d->pos);
}

/* ---- a body pulled in pieces ---- */

/* The window (d->js, d->len) on a pulled body always ends where the scanner can stop: just
 * before a ',' between two items of an array that is a member of the outermost object, or
 * at the end of the body. So no token is ever cut, the scanner never learns of pieces, and
 * the only place that asks for more is acg_json_decode_next_element at that depth. The
 * bytes of the items already decoded are then dropped: nothing refers to them (the outer
 * member names lie before the array, the next item has not begun). A cheap second scan
 * (depth, inside a string or not) finds those places in what has been pulled. */
/* The least room offered to a read: as much as libcurl's receive buffer holds (256 KiB,
 * http/acg_http.c), so each read it makes lands in the window whole, not in a buffer of
 * the transport's to be copied again. The buffer is allocated, not touched, beyond what
 * arrives: a small body costs a few pages of it. */
#define PULL_PIECE ((size_t)256 * 1024)

struct acg_json_stream {
    acg_json_pull_fn pull;
    void *ctx;
    char *buf;          /* the window and what has been pulled past it */
    size_t cap;
    size_t filled;      /* bytes in buf; the window is buf[0, d->len), d->len <= filled */
    bool eof;
    size_t scanned;     /* how far the boundary scan has read */
    int depth;          /* its nesting depth at scanned */
    bool in_string;
    bool array2;        /* the container open at depth 2 is an array */
    size_t safe;        /* the last place found where the window may end (0: none) */
    size_t mark;        /* where the current depth-2 array's items start (SIZE_MAX: none) */
    int pins;           /* while positive, nothing is dropped */
    size_t dropped;     /* bytes dropped so far */
    size_t total;       /* bytes pulled so far */
};

/* Bytes the boundary scan stops at: in a string, '"' and '\\' (1); outside one, those and
 * the structural bytes (2). */
static const unsigned char scan_stops[256] = {
    ['"'] = 3, ['\\'] = 3, ['{'] = 2, ['}'] = 2, ['['] = 2, [']'] = 2, [','] = 2,
};

/* The first '"' or '\\' in b[i, n), or n: sixteen bytes at a time where SSE2 is there. */
static size_t to_quote_or_backslash(const unsigned char *b, size_t i, size_t n)
{
#ifdef ACG_SCAN_SSE2
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < n && !(scan_stops[b[i]] & 1))
        i++;
    return i;
}

/* A structural byte outside strings, at offset at: depth, and the boundaries. */
static void scan_structural(struct acg_json_stream *st, unsigned char c, size_t at)
{
    switch (c) {
    case '{': case '[':
        if (++st->depth == 2)
            st->array2 = c == '[';
        break;
    case '}': case ']': st->depth--; break;
    case ',':
        if (st->depth == 2 && st->array2)
            st->safe = at;
        break;
    default: break;   /* a backslash outside a string: the decoder will refuse it */
    }
}

#ifdef ACG_SCAN_SSE2
/* The 64 bits of four compares' results, the k-th byte's at bit k. */
static inline uint64_t mask64(const __m128i m[4])
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(m[0]) |
           (uint64_t)(unsigned)_mm_movemask_epi8(m[1]) << 16 |
           (uint64_t)(unsigned)_mm_movemask_epi8(m[2]) << 32 |
           (uint64_t)(unsigned)_mm_movemask_epi8(m[3]) << 48;
}

/* Bit k: the parity of the bits of m at k and below (1 from an opening quote up to, not
 * including, its closing one). */
static inline uint64_t prefix_xor(uint64_t m)
{
    m ^= m << 1;
    m ^= m << 2;
    m ^= m << 4;
    m ^= m << 8;
    m ^= m << 16;
    m ^= m << 32;
    return m;
}

/* The bytes a backslash escapes (the byte after an odd run of them), as simdjson finds
 * them; *carry: the block's first byte is escaped, and afterwards the next block's is. */
static inline uint64_t escaped_bytes(uint64_t backslash, uint64_t *carry)
{
    const uint64_t even = 0x5555555555555555ULL;
    backslash &= ~*carry;
    uint64_t follows = backslash << 1 | *carry;
    uint64_t odd_starts = backslash & ~even & ~follows;
    uint64_t sum = odd_starts + backslash;
    *carry = sum < odd_starts;
    return (even ^ (sum << 1)) & follows;
}

/* The boundary scan 64 bytes at a time: quotes, backslashes and structural bytes found
 * with SSE2 compares, the bytes inside strings by a prefix xor of the unescaped quotes, so
 * only the structural bytes outside strings (a few per item) are visited one by one.
 * Returns where the byte-at-a-time scan goes on: at a block's end, or at its last byte
 * when that is a backslash escaping the next block's first. */
static size_t scan_blocks(struct acg_json_stream *st, const unsigned char *b, size_t i, size_t n)
{
    /* '[' and ']' are '{' and '}' but for the 0x20 bit: one compare finds both. */
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  bit5 = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'),
                  close = _mm_set1_epi8('}'), comma = _mm_set1_epi8(',');
    uint64_t in_string = st->in_string ? ~(uint64_t)0 : 0, carry = 0;
    while (n - i >= 64) {
        __m128i q[4], bs[4], sc[4];
        for (int j = 0; j < 4; j++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 16 * (size_t)j));
            __m128i folded = _mm_or_si128(v, bit5);
            q[j] = _mm_cmpeq_epi8(v, quote);
            bs[j] = _mm_cmpeq_epi8(v, backslash);
            sc[j] = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, open),
                                              _mm_cmpeq_epi8(folded, close)),
                                 _mm_cmpeq_epi8(v, comma));
        }
        uint64_t escaped = escaped_bytes(mask64(bs), &carry);
        uint64_t inside = prefix_xor(mask64(q) & ~escaped) ^ in_string;
        in_string = (uint64_t)0 - (inside >> 63);
        uint64_t structural = mask64(sc) & ~inside;
        while (structural != 0) {
            size_t at = i + (size_t)__builtin_ctzll(structural);
            structural &= structural - 1;
            scan_structural(st, b[at], at);
        }
        i += 64;
    }
    st->in_string = in_string != 0;
    return carry != 0 ? i - 1 : i;
}
#endif

/* The boundary scan over what has been pulled and not yet scanned: whole blocks with SSE2
 * where it is there, then strings skipped up to their next quote or backslash and a table
 * lookup a byte outside them. */
static void stream_scan(struct acg_json_stream *st)
{
    const unsigned char *b = (const unsigned char *)st->buf;
    size_t i = st->scanned, n = st->filled;
#ifdef ACG_SCAN_SSE2
    i = scan_blocks(st, b, i, n);
#endif
    while (i < n) {
        if (st->in_string) {
            i = to_quote_or_backslash(b, i, n);
            if (i >= n)
                break;
            if (b[i] == '\\') {
                if (i + 1 >= n)   /* the escaped byte has not arrived: scan it next time */
                    break;
                i += 2;
                continue;
            }
            st->in_string = false;
            i++;
            continue;
        }
        while (i < n && scan_stops[b[i]] == 0)
            i++;
        if (i >= n)
            break;
        if (b[i] == '"')
            st->in_string = true;
        else
            scan_structural(st, b[i], i);
        i++;
    }
    st->scanned = i;
}

static bool stream_more_to_come(const struct acg_json_decoder *d)
{
    return d->stream != NULL && !d->stream->eof;
}

static size_t stream_body_bytes(const struct acg_json_decoder *d)
{
    return d->stream != NULL ? d->stream->total : d->len;
}

static void stream_pin(struct acg_json_decoder *d, int by)
{
    if (d->stream != NULL)
        d->stream->pins += by;
}

static void stream_mark(struct acg_json_decoder *d)
{
    d->stream->mark = d->pos;
}

static void stream_free(struct acg_json_decoder *d)
{
    if (d->stream != NULL) {
        free(d->stream->buf);
        free(d->stream);
        d->stream = NULL;
    }
}

/* Pulls until the window can end past pos (at a later boundary, or at the end of the
 * body), and sets it there. */
static int stream_fill(struct acg_json_decoder *d)
{
    struct acg_json_stream *st = d->stream;
    for (;;) {
        stream_scan(st);
        if (st->safe > d->len || st->eof)
            break;
        if (st->cap - st->filled < PULL_PIECE) {
            /* Two pieces to start with, doubling. */
            size_t cap = st->cap > 0 ? st->cap * 2 : 2 * PULL_PIECE;
            while (cap - st->filled < PULL_PIECE)
                cap *= 2;
            char *buf = realloc(st->buf, cap);
            if (buf == NULL)
                return fail_nomem(d);
            st->buf = buf;
            st->cap = cap;
        }
        int failed = 0;
        size_t n = st->pull(st->ctx, st->buf + st->filled, st->cap - st->filled, &failed);
        if (failed != 0)
            return acg_error_set(d->err, ACG_ERR_TRANSPORT,
                                 "reading the body failed after %zu bytes", st->total);
        if (n > st->cap - st->filled)
            return acg_error_set(d->err, ACG_ERR_INVALID_ARG, "the body's reader gave %zu bytes "
                                 "for %zu of room", n, st->cap - st->filled);
        st->filled += n;
        st->total += n;
        st->eof = n == 0;
        d->max_memory = st->total > (SIZE_MAX - ACG_JSON_MEMORY_FLOOR) / ACG_JSON_MEMORY_FACTOR
                            ? SIZE_MAX
                            : ACG_JSON_MEMORY_FLOOR + st->total * ACG_JSON_MEMORY_FACTOR;
    }
    d->js = st->buf;
    d->len = st->eof && st->safe <= d->len ? st->filled : st->safe;
    return ACG_OK;
}

/* At the end of the window, between two items of a depth-2 array: drops the items decoded
 * since the array began, then pulls the next piece. */
static int stream_refill(struct acg_json_decoder *d)
{
    struct acg_json_stream *st = d->stream;
    if (d->depth == 2 && st->pins == 0 && st->mark != SIZE_MAX && d->pos > st->mark &&
        d->pos == d->len) {
        size_t drop = d->pos - st->mark;
        memmove(st->buf + st->mark, st->buf + d->pos, st->filled - d->pos);
        st->filled -= drop;
        st->scanned -= drop;
        st->safe = st->safe > d->pos ? st->safe - drop : 0;
        st->dropped += drop;
        d->pos = st->mark;
        d->len = st->mark;
    }
    return stream_fill(d);
}

/* ---- the decoder ---- */

static void start_decoder(struct acg_json_decoder *d, const char *js, size_t len,
                          struct acg_arena *arena, struct acg_error *err, int max_depth)
{
    memset(d, 0, sizeof *d);
    d->js = js;
    d->len = len;
    d->arena = arena;
    d->err = err;
    d->max_depth = max_depth;
    d->max_memory = len > (SIZE_MAX - ACG_JSON_MEMORY_FLOOR) / ACG_JSON_MEMORY_FACTOR
                        ? SIZE_MAX
                        : ACG_JSON_MEMORY_FLOOR + len * ACG_JSON_MEMORY_FACTOR;
}

/* Whether n more bytes keep the decoder within its memory budget. */
static bool within_budget(const struct acg_json_decoder *d, size_t n)
{
    size_t used = (d->arena != NULL ? acg_arena_used(d->arena) : 0) + d->stack_cap;
    return d->max_memory == 0 || (n <= d->max_memory && used <= d->max_memory - n);
}

static void *over_budget(const struct acg_json_decoder *d)
{
    acg_error_set(d->err, ACG_ERR_TOO_LARGE, "the decoded response would take more than %zu "
                  "bytes of memory, %d times its %zu bytes of JSON", d->max_memory,
                  ACG_JSON_MEMORY_FACTOR, stream_body_bytes(d));
    return NULL;
}

/* The body (or its first window) must hold one object; an empty one reads as {}. */
static int begin_object(struct acg_json_decoder *d)
{
    if (d->len == 0) {
        /* AWS answers operations without output with an empty body. */
        d->js = "{}";
        d->len = 2;
    }
    skip_ws(d);
    if (d->pos == d->len)
        return acg_error_set(d->err, ACG_ERR_JSON, "no JSON value (byte offset %zu)", d->pos);
    if (peek(d) != '{')
        return wrong_value(d, "an object");
    return ACG_OK;
}

int acg_json_decoder_begin(struct acg_json_decoder *d, const char *js, size_t len,
                           struct acg_arena *arena, struct acg_error *err)
{
    start_decoder(d, js, len, arena, err, ACG_JSON_MAX_DEPTH);
    if (js == NULL && len > 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JSON decoder: NULL body");
    if (arena == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JSON decoder: no arena");
    return begin_object(d);
}

int acg_json_decoder_end(struct acg_json_decoder *d)
{
    return check_end(d);
}

int acg_json_decoder_begin_pull(struct acg_json_decoder *d, acg_json_pull_fn pull, void *ctx,
                                struct acg_arena *arena, struct acg_error *err)
{
    start_decoder(d, NULL, 0, arena, err, ACG_JSON_MAX_DEPTH);
    if (pull == NULL || arena == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JSON decoder: no reader or no arena");
    d->stream = calloc(1, sizeof *d->stream);
    if (d->stream == NULL)
        return fail_nomem(d);
    d->stream->pull = pull;
    d->stream->ctx = ctx;
    d->stream->mark = SIZE_MAX;
    ACG_TRY(stream_fill(d));
    return begin_object(d);
}

/* truncate_integers: restJson1's reading of integers (acg_json_decode_rest_pull). */
static int decode_pull(acg_json_pull_fn pull, void *ctx, const struct acg_shape *s, void *out,
                       struct acg_arena *arena, struct acg_error *err, bool truncate_integers)
{
    struct acg_json_decoder d;
    int rc = acg_json_decoder_begin_pull(&d, pull, ctx, arena, err);
    d.truncate_integers = truncate_integers;
    if (rc == ACG_OK)
        rc = acg_json_decode_shape(&d, s, out);
    if (rc == ACG_OK)
        rc = acg_json_decoder_end(&d);
    if (rc != ACG_OK && err != NULL && d.stream != NULL && d.stream->dropped > 0 &&
        d.stream->mark != SIZE_MAX) {
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used,
                 " (offsets past byte %zu are %zu short: the items read before were dropped)",
                 d.stream->mark, d.stream->dropped);
    }
    acg_json_decoder_free(&d);
    return rc;
}

int acg_json_decode_pull(acg_json_pull_fn pull, void *ctx, const struct acg_shape *s, void *out,
                         struct acg_arena *arena, struct acg_error *err)
{
    return decode_pull(pull, ctx, s, out, arena, err, false);
}

int acg_json_decode_rest_pull(acg_json_pull_fn pull, void *ctx, const struct acg_shape *s,
                              void *out, struct acg_arena *arena, struct acg_error *err)
{
    return decode_pull(pull, ctx, s, out, arena, err, true);
}

void acg_json_decoder_free(struct acg_json_decoder *d)
{
    if (d == NULL)
        return;
    free(d->stack);
    free(d->key_buf);
    stream_free(d);
    d->stack = NULL;
    d->key_buf = NULL;
    d->stack_len = d->stack_cap = d->key_cap = 0;
}

bool acg_json_decode_null(struct acg_json_decoder *d)
{
    skip_ws(d);
    if (!at_null(d))
        return false;
    d->pos += 4;
    return true;
}

void *acg_json_decode_alloc(struct acg_json_decoder *d, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return over_budget(d);
    if (!within_budget(d, count * size))
        return over_budget(d);
    void *p = acg_arena_calloc(d->arena, count, size);
    if (p == NULL)
        acg_error_set(d->err, ACG_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", count,
                      size);
    return p;
}

/* n bytes of arena memory for text copied out of the body from offset from on. Text needs
 * no alignment, so it is packed into chunks; a chunk is sized by what remains of the body
 * (nothing decodes longer than it is written), so a small body takes one small chunk. */
static char *text_space(struct acg_json_decoder *d, size_t n, size_t from)
{
    if (n > BIG_STRING)
        return acg_json_decode_alloc(d, n, 1);
    if (n > d->pool_left) {
        size_t chunk = stream_more_to_come(d) ? POOL_CHUNK : d->len - from;
        if (chunk > POOL_CHUNK)
            chunk = POOL_CHUNK;
        if (chunk < n)
            chunk = n;
        char *p = acg_json_decode_alloc(d, chunk, 1);
        if (p == NULL)
            return NULL;
        d->pool = p;
        d->pool_left = chunk;
    }
    char *p = d->pool;
    d->pool += n;
    d->pool_left -= n;
    return p;
}

/* A NUL-terminated arena copy of the string content [start, end), unescaped. */
static int copy_text(struct acg_json_decoder *d, size_t start, size_t end, bool escaped,
                     char **out)
{
    size_t len = end - start;
    char *p = text_space(d, len + 1, start);
    if (p == NULL)
        return ACG_ERR_NOMEM;
    if (!escaped) {
        memcpy(p, d->js + start, len);
        p[len] = '\0';
        *out = p;
        return ACG_OK;
    }
    size_t nul_at;
    size_t n = unescape(d->js + start, len, p, &nul_at);
    if (nul_at != SIZE_MAX)
        return acg_error_set(d->err, ACG_ERR_JSON,
                             "embedded NUL (\\u0000) not supported at byte offset %zu",
                             start + nul_at);
    p[n] = '\0';
    *out = p;
    return ACG_OK;
}

/* ---- lists ---- */

void acg_json_list_begin(struct acg_json_decoder *d, struct acg_json_list *list)
{
    list->base = d->stack_len;
    list->count = 0;
}

int acg_json_list_add(struct acg_json_decoder *d, struct acg_json_list *list, const void *item,
                      size_t size)
{
    if (d->stack_cap - d->stack_len < size) {
        size_t cap = d->stack_cap > 0 ? d->stack_cap : 256;
        while (cap - d->stack_len < size) {
            if (cap > SIZE_MAX / 2)
                return fail_nomem(d);
            cap *= 2;
        }
        if (!within_budget(d, cap - d->stack_cap)) {
            over_budget(d);
            return ACG_ERR_TOO_LARGE;
        }
        unsigned char *stack = realloc(d->stack, cap);
        if (stack == NULL)
            return fail_nomem(d);
        d->stack = stack;
        d->stack_cap = cap;
    }
    memcpy(d->stack + d->stack_len, item, size);
    d->stack_len += size;
    list->count++;
    return ACG_OK;
}

void *acg_json_list_finish(struct acg_json_decoder *d, struct acg_json_list *list, size_t size)
{
    void *items = acg_json_decode_alloc(d, list->count, size);
    if (items == NULL)
        return NULL;
    if (list->count > 0)
        memcpy(items, d->stack + list->base, list->count * size);
    d->stack_len = list->base;
    return items;
}

/* ---- conversions shared by the decoder and the token reader ---- */

/* Integers must be written as integers: "1.0" or "1e3" is not silently truncated. */
static int to_integer(struct acg_error *err, const char *js, const struct span *s, int64_t min,
                      int64_t max, const char *what, int64_t *out)
{
    const char *p = js + s->start;
    size_t len = s->end - s->start, i = 0;
    int shown = (int)(len > 32 ? 32 : len);
    bool neg = p[0] == '-';
    if (neg)
        i++;
    /* Accumulate as a negative number so INT64_MIN is representable. */
    int64_t v = 0;
    for (; i < len; i++) {
        if (!is_digit(p[i]))
            return acg_error_set(err, ACG_ERR_JSON,
                                 "expected an integer, got '%.*s' (at byte offset %zu)", shown, p,
                                 s->start);
        int digit = p[i] - '0';
        if (v < (INT64_MIN + digit) / 10)
            goto range;
        v = v * 10 - digit;
    }
    if (!neg) {
        if (v == INT64_MIN)
            goto range;
        v = -v;
    }
    if (v < min || v > max)
        goto range;
    *out = v;
    return ACG_OK;
range:
    return acg_error_set(err, ACG_ERR_JSON, "number %.*s is out of range for %s (at byte offset %zu)",
                         shown, p, what, s->start);
}

/* A plain decimal ("-12.375") with at most 15 digits: the digits as an integer and the
 * power of ten that scales them are both exact in a double, so one division rounds once,
 * to the same value strtod finds (Clinger's fast path). Returns false for anything else. */
static bool double_exact(const char *s, size_t len, double *out)
{
    static const double tens[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = s[0] == '-' ? 1 : 0;
    uint64_t digits = 0;
    int count = 0, scale = 0;
    for (; i < len && is_digit(s[i]); i++, count++)
        digits = digits * 10 + (uint64_t)(s[i] - '0');
    if (i < len && s[i] == '.') {
        for (i++; i < len && is_digit(s[i]); i++, count++, scale++)
            digits = digits * 10 + (uint64_t)(s[i] - '0');
    }
    /* (Where double arithmetic is carried out in a wider format, it would round twice.) */
    if (i != len || count > 15 || FLT_EVAL_METHOD != 0)
        return false;
    double v = (double)digits / tens[scale];
    *out = s[0] == '-' ? -v : v;
    return true;
}

/* A number (grammar already checked, so strtod sees no hex, inf or nan). */
static int to_double(struct acg_error *err, const char *js, const struct span *s, double *out)
{
    if (double_exact(js + s->start, s->end - s->start, out))
        return ACG_OK;
    if (js[s->start] == 'N' || js[s->start] == 'I' || (js[s->start] == '-' && js[s->start + 1] == 'I')) {
        /* Only the non-finite extension lets these through the scanner. */
        *out = js[s->start] == 'N' ? NAN : js[s->start] == '-' ? -INFINITY : INFINITY;
        return ACG_OK;
    }
    char small[64];
    char *buf = small;
    size_t len = s->end - s->start;
    if (len >= sizeof small) {
        buf = malloc(len + 1);
        if (buf == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading a number");
    }
    memcpy(buf, js + s->start, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = acg_strtod_c(buf, &end);
    bool overflow = errno == ERANGE && isinf(v);
    bool complete = end == buf + len;
    if (buf != small)
        free(buf);
    if (!complete)
        return acg_error_set(err, ACG_ERR_JSON, "unreadable number at byte offset %zu", s->start);
    if (overflow)
        return acg_error_set(err, ACG_ERR_JSON,
                             "number is out of range for a double (at byte offset %zu)", s->start);
    *out = v;
    return ACG_OK;
}

/* The strings awsJson uses for the doubles JSON cannot write (botocore accepts them for float
 * and double members). */
static int special_double(struct acg_error *err, const char *js, const struct span *s,
                          double *out)
{
    const char *p = js + s->start;
    size_t len = s->end - s->start;
    if (len == 3 && memcmp(p, "NaN", 3) == 0)
        *out = NAN;
    else if (len == 8 && memcmp(p, "Infinity", 8) == 0)
        *out = INFINITY;
    else if (len == 9 && memcmp(p, "-Infinity", 9) == 0)
        *out = -INFINITY;
    else
        return acg_error_set(err, ACG_ERR_JSON,
                             "expected a number, got a string other than NaN, Infinity or "
                             "-Infinity (at byte offset %zu)", s->start);
    return ACG_OK;
}

static int check_float(struct acg_error *err, double v, size_t offset)
{
    if (isfinite(v) && fabs(v) > (double)FLT_MAX)
        return acg_error_set(err, ACG_ERR_JSON,
                             "number is out of range for a float (at byte offset %zu)", offset);
    return ACG_OK;
}

/* A timestamp's text, number or string, parsed exactly (acg_time_parse). */
static int parse_timestamp(struct acg_error *err, const char *text, size_t len, size_t offset,
                           struct acg_timestamp *out)
{
    if (acg_time_parse(text, len, out) != ACG_OK)
        return acg_error_set(err, ACG_ERR_JSON,
                             "expected a timestamp (years 1-9999), got '%.*s' (at byte offset %zu)",
                             len > 40 ? 40 : (int)len, text, offset);
    return ACG_OK;
}

/* Epoch seconds written as a plain decimal ("1705305600.123", "-1.5"), the form awsJson
 * sends: the seconds and nanoseconds straight from the digits, as acg_time_parse takes them
 * (fraction digits past the nanosecond cut off, a negative instant with a fraction counted
 * down from the second below). False for anything else (an exponent, more than 12 integer
 * digits, a value out of range), which acg_time_parse then reads or reports. */
static bool epoch_plain(const char *p, size_t len, struct acg_timestamp *out)
{
    size_t i = p[0] == '-' ? 1 : 0, first = i;
    int64_t sec = 0, nanos = 0;
    for (; i < len && is_digit(p[i]); i++) {
        if (i - first >= 12)
            return false;
        sec = sec * 10 + (p[i] - '0');
    }
    if (i == first)
        return false;
    int places = 0;
    if (i < len && p[i] == '.') {
        for (i++; i < len && is_digit(p[i]); i++) {
            if (places < 9) {
                nanos = nanos * 10 + (p[i] - '0');
                places++;
            }
        }
    }
    if (i != len)
        return false;
    for (; places < 9; places++)
        nanos *= 10;
    if (p[0] == '-' && (sec != 0 || nanos != 0)) {
        sec = -sec;
        if (nanos != 0) {
            sec -= 1;
            nanos = 1000000000 - nanos;
        }
    }
    if (sec < ACG_TIME_MIN_SECONDS || sec > ACG_TIME_MAX_SECONDS)
        return false;
    out->seconds = sec;
    out->nanos = (int32_t)nanos;
    return true;
}

/* ---- the decoder's scalar readers ---- */

int acg_json_decode_string(struct acg_json_decoder *d, const char **out)
{
    struct span s;
    char *p;
    skip_ws(d);
    if (peek(d) != '"') {
        if (acg_json_decode_null(d))
            return ACG_OK;
        return wrong_value(d, "a string");
    }
    ACG_TRY(scan_string(d, &s));
    ACG_TRY(copy_text(d, s.start, s.end, s.escaped, &p));
    *out = p;
    return ACG_OK;
}

int acg_json_decode_key(struct acg_json_decoder *d, const struct acg_json_key *key,
                        const char **out)
{
    char *p;
    bool escaped = memchr(d->js + key->start, '\\', key->end - key->start) != NULL;
    ACG_TRY(copy_text(d, key->start, key->end, escaped, &p));
    *out = p;
    return ACG_OK;
}

int acg_json_decode_bool(struct acg_json_decoder *d, bool *out, bool *has)
{
    struct span s;
    skip_ws(d);
    int c = peek(d);
    if (c != 't' && c != 'f') {
        if (acg_json_decode_null(d))
            return ACG_OK;
        return wrong_value(d, "a boolean");
    }
    ACG_TRY(scan_primitive(d, &s));
    *out = c == 't';
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

/* Reads a number into s; *absent instead when the value is null. */
static int read_number(struct acg_json_decoder *d, struct span *s, bool *absent, const char *want)
{
    *absent = false;
    skip_ws(d);
    int c = peek(d);
    if (c == '-' || is_digit(c) || (d->nonfinite && (c == 'N' || c == 'I')))
        return scan_primitive(d, s);
    if (acg_json_decode_null(d)) {
        *absent = true;
        return ACG_OK;
    }
    return wrong_value(d, want);
}

/* to_integer, or for a decoder that truncates (restJson1 responses, read with Python's
 * int() as botocore does) a number with a fraction or exponent cut toward zero. */
static int decoded_integer(struct acg_json_decoder *d, const struct span *s, int64_t min,
                           int64_t max, const char *what, int64_t *out)
{
    const char *p = d->js + s->start;
    size_t len = s->end - s->start;
    if (d->truncate_integers && len < 64 && (memchr(p, '.', len) != NULL ||
                                             memchr(p, 'e', len) != NULL ||
                                             memchr(p, 'E', len) != NULL)) {
        char text[64], *end = NULL;
        memcpy(text, p, len);
        text[len] = '\0';
        double v = acg_strtod_c(text, &end);
        /* Within the type's range, where every whole double converts exactly. */
        if (end == text + len && v > (double)min - 1.0 && v < (double)max + 1.0 &&
            v > -9223372036854775808.0 && v < 9223372036854775808.0) {
            *out = (int64_t)v;
            return ACG_OK;
        }
        return acg_error_set(d->err, ACG_ERR_JSON, "number %.*s is out of range for %s (at "
                             "byte offset %zu)", (int)(len > 32 ? 32 : len), p, what, s->start);
    }
    return to_integer(d->err, d->js, s, min, max, what, out);
}

int acg_json_decode_int32(struct acg_json_decoder *d, int32_t *out, bool *has)
{
    struct span s;
    bool absent;
    int64_t v;
    ACG_TRY(read_number(d, &s, &absent, "a number"));
    if (absent)
        return ACG_OK;
    ACG_TRY(decoded_integer(d, &s, INT32_MIN, INT32_MAX, "a 32-bit integer", &v));
    *out = (int32_t)v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_decode_int64(struct acg_json_decoder *d, int64_t *out, bool *has)
{
    struct span s;
    bool absent;
    int64_t v;
    ACG_TRY(read_number(d, &s, &absent, "a number"));
    if (absent)
        return ACG_OK;
    ACG_TRY(decoded_integer(d, &s, INT64_MIN, INT64_MAX, "a 64-bit integer", &v));
    *out = v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

/* A double, or one of the strings "NaN", "Infinity" and "-Infinity". */
static int read_real(struct acg_json_decoder *d, double *out, bool *absent, size_t *offset)
{
    struct span s;
    skip_ws(d);
    if (peek(d) == '"') {
        *absent = false;
        ACG_TRY(scan_string(d, &s));
        *offset = s.start;
        return special_double(d->err, d->js, &s, out);
    }
    ACG_TRY(read_number(d, &s, absent, "a number"));
    if (*absent)
        return ACG_OK;
    *offset = s.start;
    return to_double(d->err, d->js, &s, out);
}

int acg_json_decode_double(struct acg_json_decoder *d, double *out, bool *has)
{
    double v;
    bool absent;
    size_t offset;
    ACG_TRY(read_real(d, &v, &absent, &offset));
    if (absent)
        return ACG_OK;
    *out = v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_decode_float(struct acg_json_decoder *d, float *out, bool *has)
{
    double v;
    bool absent;
    size_t offset;
    ACG_TRY(read_real(d, &v, &absent, &offset));
    if (absent)
        return ACG_OK;
    ACG_TRY(check_float(d->err, v, offset));
    *out = (float)v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_decode_timestamp(struct acg_json_decoder *d, struct acg_timestamp *out, bool *has)
{
    struct span s;
    char *wire;
    skip_ws(d);
    int c = peek(d);
    if (c == '"') {
        ACG_TRY(scan_string(d, &s));
        ACG_TRY(copy_text(d, s.start, s.end, s.escaped, &wire));
    } else if (c == '-' || is_digit(c)) {
        ACG_TRY(scan_primitive(d, &s));
        ACG_TRY(copy_text(d, s.start, s.end, false, &wire));
        if (!epoch_plain(wire, s.end - s.start, out))
            ACG_TRY(parse_timestamp(d->err, wire, s.end - s.start, s.start, out));
        out->wire = wire;
        if (has != NULL)
            *has = true;
        return ACG_OK;
    } else if (acg_json_decode_null(d)) {
        return ACG_OK;
    } else {
        return wrong_value(d, "a timestamp");
    }
    ACG_TRY(parse_timestamp(d->err, wire, strlen(wire), s.start, out));
    out->wire = wire;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_decode_blob(struct acg_json_decoder *d, struct acg_blob *out)
{
    struct span s;
    skip_ws(d);
    if (peek(d) != '"') {
        if (acg_json_decode_null(d))
            return ACG_OK;
        return wrong_value(d, "a base64 string");
    }
    ACG_TRY(scan_string(d, &s));
    const char *text = d->js + s.start;
    size_t len = s.end - s.start;
    if (s.escaped) {
        /* base64 has no escapes, but "\/" is legal JSON for '/'. */
        char *p;
        ACG_TRY(copy_text(d, s.start, s.end, true, &p));
        text = p;
        len = strlen(p);
    }
    size_t max = acg_base64_decoded_max(len);
    uint8_t *p = (uint8_t *)text_space(d, max > 0 ? max : 1, s.start);
    if (p == NULL)
        return ACG_ERR_NOMEM;
    size_t n = 0, bad = 0;
    if (acg_base64_decode_to(text, len, p, &n, &bad) != ACG_OK)
        return acg_error_set(d->err, ACG_ERR_JSON,
                             "invalid base64 at character %zu of the string at byte offset %zu",
                             bad, s.start);
    out->data = p;
    out->len = n;
    return ACG_OK;
}

int acg_json_decode_document(struct acg_json_decoder *d, const char **out)
{
    char *p;
    if (acg_json_decode_null(d))
        return ACG_OK;
    size_t start = d->pos;
    /* Its text is copied whole: nothing of a pulled body may be dropped under it. */
    stream_pin(d, 1);
    int rc = scan_value(d, NULL, -1);
    stream_pin(d, -1);
    ACG_TRY(rc);
    ACG_TRY(copy_text(d, start, d->pos, false, &p));
    *out = p;
    return ACG_OK;
}

/* ---- the token reader ---- */

static bool tok_ok(const struct acg_json_reader *r, int tok)
{
    return r != NULL && r->toks != NULL && tok >= 0 && tok < r->ntoks;
}

static struct span tok_span(const struct acg_json_reader *r, int tok)
{
    struct span s = {(size_t)r->toks[tok].start, (size_t)r->toks[tok].end, false};
    return s;
}

static const char *tok_name(const struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    return t->type == ACG_JSON_STRING ? "a string" : value_name((unsigned char)r->js[t->start]);
}

static int bad_token(struct acg_json_reader *r, int tok)
{
    return acg_error_set(r ? r->err : NULL, ACG_ERR_INVALID_ARG,
                         "JSON reader: token %d does not exist", tok);
}

static int wrong_type(struct acg_json_reader *r, int tok, const char *want)
{
    return acg_error_set(r->err, ACG_ERR_JSON, "expected %s, got %s (at byte offset %d)", want,
                         tok_name(r, tok), r->toks[tok].start);
}

int acg_json_reader_parse(struct acg_json_reader *r, const char *js, size_t len,
                          struct acg_arena *arena, struct acg_error *err)
{
    return acg_json_reader_parse_depth(r, js, len, arena, err, ACG_JSON_MAX_DEPTH);
}

static int reader_parse(struct acg_json_reader *r, const char *js, size_t len,
                        struct acg_arena *arena, struct acg_error *err, int max_depth,
                        bool nonfinite)
{
    struct acg_json_decoder d;
    struct tokens t = {NULL, NULL, 0, 0};
    int rc;

    /* r may hold garbage (callers declare it uninitialised): read nothing from it. */
    memset(r, 0, sizeof *r);
    r->err = err;
    if (max_depth <= 0 || max_depth > DEPTH_LIMIT)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JSON reader: depth limit %d is not in 1-%d",
                             max_depth, DEPTH_LIMIT);
    r->max_depth = max_depth;
    r->arena = arena;
    if (js == NULL && len > 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JSON reader: NULL body");
    if (len == 0) {
        /* AWS answers operations without output with an empty body. */
        js = "{}";
        len = 2;
    }
    r->js = js;
    r->len = len;
    /* Token offsets are ints. */
    if (len > (size_t)INT_MAX - 2)
        return acg_error_set(err, ACG_ERR_TOO_LARGE, "JSON body of %zu bytes is too large", len);

    start_decoder(&d, js, len, NULL, err, max_depth);
    d.nonfinite = nonfinite;
    skip_ws(&d);
    if (d.pos == d.len) {
        rc = acg_error_set(err, ACG_ERR_JSON, "no JSON value (byte offset %zu)", d.pos);
    } else {
        rc = scan_value(&d, &t, -1);
        if (rc == ACG_OK)
            rc = check_end(&d);
    }
    acg_json_decoder_free(&d);
    if (rc != ACG_OK) {
        free(t.toks);
        free(t.next);
        return rc;
    }
    r->toks = t.toks;
    r->next = t.next;
    r->ntoks = t.count;
    return ACG_OK;
}

int acg_json_reader_parse_depth(struct acg_json_reader *r, const char *js, size_t len,
                                struct acg_arena *arena, struct acg_error *err, int max_depth)
{
    return reader_parse(r, js, len, arena, err, max_depth, false);
}

int acg_json_reader_parse_input(struct acg_json_reader *r, const char *js, size_t len,
                                struct acg_arena *arena, struct acg_error *err)
{
    return reader_parse(r, js, len, arena, err, ACG_JSON_MAX_DEPTH, true);
}

void acg_json_reader_free(struct acg_json_reader *r)
{
    if (r == NULL)
        return;
    free(r->toks);
    free(r->next);
    r->toks = NULL;
    r->next = NULL;
    r->ntoks = 0;
}

bool acg_json_is_null(const struct acg_json_reader *r, int tok)
{
    if (!tok_ok(r, tok))
        return false;
    const struct acg_json_token *t = &r->toks[tok];
    return t->type == ACG_JSON_PRIMITIVE && r->js[t->start] == 'n';
}

int acg_json_skip(const struct acg_json_reader *r, int tok)
{
    if (!tok_ok(r, tok))
        return r != NULL ? r->ntoks : 0;
    return r->next[tok];
}

int acg_json_object_begin(struct acg_json_reader *r, int obj)
{
    if (!tok_ok(r, obj))
        return bad_token(r, obj);
    if (r->toks[obj].type != ACG_JSON_OBJECT)
        return wrong_type(r, obj, "an object");
    return ACG_OK;
}

int acg_json_object_next(const struct acg_json_reader *r, int obj, int key)
{
    if (!tok_ok(r, obj) || r->toks[obj].type != ACG_JSON_OBJECT)
        return 0;
    int next;
    if (key == 0) {
        next = obj + 1;
    } else {
        if (key <= obj || !tok_ok(r, key + 1))
            return 0;
        next = r->next[key + 1];
    }
    if (next >= r->next[obj] || next >= r->ntoks)
        return 0;
    return next;
}

bool acg_json_key_is(const struct acg_json_reader *r, int key, const char *name)
{
    if (!tok_ok(r, key) || name == NULL || r->toks[key].type != ACG_JSON_STRING)
        return false;
    const char *s = r->js + r->toks[key].start;
    const char *end = r->js + r->toks[key].end;
    /* Plain keys compare byte for byte; an escape switches to decoding as we go. */
    while (s < end) {
        if (*s == '\\') {
            char buf[4];
            size_t n;
            switch (s[1]) {
            case 'b': buf[0] = '\b'; n = 1; s += 2; break;
            case 'f': buf[0] = '\f'; n = 1; s += 2; break;
            case 'n': buf[0] = '\n'; n = 1; s += 2; break;
            case 'r': buf[0] = '\r'; n = 1; s += 2; break;
            case 't': buf[0] = '\t'; n = 1; s += 2; break;
            case 'u': {
                size_t used;
                long cp = u_escape(s, (size_t)(end - s), &used);
                if (cp <= 0)
                    return false;
                n = acg_utf8_encode((uint32_t)cp, buf);
                s += used;
                break;
            }
            default: buf[0] = s[1]; n = 1; s += 2; break;
            }
            for (size_t i = 0; i < n; i++) {
                if (*name++ != buf[i])
                    return false;
            }
        } else {
            if (*name++ != *s++)
                return false;
        }
    }
    return *name == '\0';
}

int acg_json_array_begin(struct acg_json_reader *r, int arr, size_t *count)
{
    if (!tok_ok(r, arr))
        return bad_token(r, arr);
    if (r->toks[arr].type != ACG_JSON_ARRAY)
        return wrong_type(r, arr, "an array");
    if (count != NULL)
        *count = (size_t)r->toks[arr].size;
    return ACG_OK;
}

int acg_json_fail_member(struct acg_json_reader *r, int key, int status)
{
    if (r == NULL || r->err == NULL || status == ACG_OK)
        return status;
    if (!tok_ok(r, key) || r->toks[key].type != ACG_JSON_STRING)
        return fail_name(r->err, "", 0, status);
    const struct acg_json_token *t = &r->toks[key];
    return fail_name(r->err, r->js + t->start, (size_t)(t->end - t->start), status);
}

int acg_json_fail_index(struct acg_json_reader *r, size_t index, int status)
{
    if (r == NULL)
        return status;
    return fail_at_index(r->err, index, status);
}

int acg_json_enter(struct acg_json_reader *r)
{
    if (r->depth >= r->max_depth)
        return acg_error_set(r->err, ACG_ERR_JSON, "nesting deeper than %d levels", r->max_depth);
    r->depth++;
    return ACG_OK;
}

void acg_json_leave(struct acg_json_reader *r)
{
    if (r->depth > 0)
        r->depth--;
}

/* ---- the token reader's scalar readers ---- */

static bool is_number_token(const struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    char c = r->js[t->start];
    return t->type == ACG_JSON_PRIMITIVE && (c == '-' || is_digit(c));
}

/* A fresh NUL-terminated arena copy of the string token, unescaped. */
static int token_text(struct acg_json_reader *r, int tok, char **out, size_t *out_len)
{
    const struct acg_json_token *t = &r->toks[tok];
    const char *s = r->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    if (r->arena == NULL)
        return acg_error_set(r->err, ACG_ERR_INVALID_ARG, "JSON reader: no arena");
    char *p = acg_arena_calloc(r->arena, len + 1, 1);
    if (p == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory decoding a string");
    size_t nul_at;
    size_t n = unescape(s, len, p, &nul_at);
    if (nul_at != SIZE_MAX)
        return acg_error_set(r->err, ACG_ERR_JSON,
                             "embedded NUL (\\u0000) not supported at byte offset %zu",
                             (size_t)t->start + nul_at);
    p[n] = '\0';
    *out = p;
    *out_len = n;
    return ACG_OK;
}

int acg_json_read_string(struct acg_json_reader *r, int tok, const char **out)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    if (r->toks[tok].type != ACG_JSON_STRING)
        return wrong_type(r, tok, "a string");
    char *s;
    size_t n;
    ACG_TRY(token_text(r, tok, &s, &n));
    *out = s;
    return ACG_OK;
}

int acg_json_read_bool(struct acg_json_reader *r, int tok, bool *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    const struct acg_json_token *t = &r->toks[tok];
    char c = r->js[t->start];
    if (t->type != ACG_JSON_PRIMITIVE || (c != 't' && c != 'f'))
        return wrong_type(r, tok, "a boolean");
    *out = c == 't';
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_read_int32(struct acg_json_reader *r, int tok, int32_t *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    if (!is_number_token(r, tok))
        return wrong_type(r, tok, "a number");
    struct span s = tok_span(r, tok);
    int64_t v;
    ACG_TRY(to_integer(r->err, r->js, &s, INT32_MIN, INT32_MAX, "a 32-bit integer", &v));
    *out = (int32_t)v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_read_int64(struct acg_json_reader *r, int tok, int64_t *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    if (!is_number_token(r, tok))
        return wrong_type(r, tok, "a number");
    struct span s = tok_span(r, tok);
    int64_t v;
    ACG_TRY(to_integer(r->err, r->js, &s, INT64_MIN, INT64_MAX, "a 64-bit integer", &v));
    *out = v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

static int token_real(struct acg_json_reader *r, int tok, double *out)
{
    struct span s = tok_span(r, tok);
    if (r->toks[tok].type == ACG_JSON_STRING)
        return special_double(r->err, r->js, &s, out);
    if (!is_number_token(r, tok))
        return wrong_type(r, tok, "a number");
    return to_double(r->err, r->js, &s, out);
}

int acg_json_read_double(struct acg_json_reader *r, int tok, double *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    double v;
    ACG_TRY(token_real(r, tok, &v));
    *out = v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_read_float(struct acg_json_reader *r, int tok, float *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    double v;
    ACG_TRY(token_real(r, tok, &v));
    ACG_TRY(check_float(r->err, v, (size_t)r->toks[tok].start));
    *out = (float)v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_read_blob(struct acg_json_reader *r, int tok, struct acg_blob *out)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    const struct acg_json_token *t = &r->toks[tok];
    if (t->type != ACG_JSON_STRING)
        return wrong_type(r, tok, "a base64 string");
    if (r->arena == NULL)
        return acg_error_set(r->err, ACG_ERR_INVALID_ARG, "JSON reader: no arena");
    const char *s = r->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    /* base64 has no escapes, but "\/" is legal JSON for '/'. */
    if (memchr(s, '\\', len) != NULL) {
        char *text;
        ACG_TRY(token_text(r, tok, &text, &len));
        s = text;
    }
    uint8_t *p = acg_arena_calloc(r->arena, acg_base64_decoded_max(len), 1);
    if (p == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory decoding base64");
    size_t n = 0, bad = 0;
    if (acg_base64_decode_to(s, len, p, &n, &bad) != ACG_OK)
        return acg_error_set(r->err, ACG_ERR_JSON,
                             "invalid base64 at character %zu of the string at byte offset %d",
                             bad, t->start);
    out->data = p;
    out->len = n;
    return ACG_OK;
}

int acg_json_read_timestamp(struct acg_json_reader *r, int tok, struct acg_timestamp *out,
                            bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    const struct acg_json_token *t = &r->toks[tok];
    struct span s = tok_span(r, tok);
    const char *text = r->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    if (t->type == ACG_JSON_STRING) {
        /* Escapes in a timestamp are legal JSON, if unlikely; decode them first. */
        if (memchr(text, '\\', len) != NULL && r->arena != NULL) {
            char *decoded;
            ACG_TRY(token_text(r, tok, &decoded, &len));
            text = decoded;
        }
    } else if (!is_number_token(r, tok)) {
        return wrong_type(r, tok, "a timestamp");
    }
    ACG_TRY(parse_timestamp(r->err, text, len, s.start, out));
    out->wire = NULL;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

int acg_json_read_document(struct acg_json_reader *r, int tok, const char **out)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (r->arena == NULL)
        return acg_error_set(r->err, ACG_ERR_INVALID_ARG, "JSON reader: no arena");
    /* A null member is absent, as for every other type. */
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    const struct acg_json_token *t = &r->toks[tok];
    int start = t->type == ACG_JSON_STRING ? t->start - 1 : t->start;
    int end = t->type == ACG_JSON_STRING ? t->end + 1 : t->end;
    char *p = acg_arena_strndup(r->arena, r->js + start, (size_t)(end - start));
    if (p == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory copying a document");
    *out = p;
    return ACG_OK;
}

void *acg_json_alloc(struct acg_json_reader *r, size_t count, size_t size)
{
    if (r == NULL || r->arena == NULL)
        return NULL;
    void *p = acg_arena_calloc(r->arena, count, size);
    if (p == NULL)
        acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory allocating %zu x %zu bytes", count,
                      size);
    return p;
}
