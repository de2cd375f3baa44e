/* JSON reader: jsmn tokens, checked strictly, walked by generated deserializers.
 *
 * jsmn (JSMN_STRICT, JSMN_PARENT_LINKS) finds the tokens, but even in strict mode it lets
 * through trailing commas ({"a":1,} [1,]), missing commas ([1 2]), several top-level
 * values ({}{}), truncated literals (tru, nul), numbers outside the JSON grammar (01, 1.,
 * 1e), and it never looks inside strings beyond their escapes. It is also quadratic in
 * nesting depth when closing brackets. So parsing is three linear passes:
 *
 *   1. a depth scan that refuses nesting deeper than max_depth before jsmn sees the body;
 *   2. jsmn, with a token array that grows (jsmn resumes after JSMN_ERROR_NOMEM);
 *   3. a walk over the tokens in document order with a small explicit stack that checks
 *      the bytes between tokens (exactly one ',' between elements, one ':' after a key,
 *      nothing else but whitespace), literals, the number grammar, string escapes,
 *      surrogate pairs, control characters and UTF-8, and fills next[] (the token after
 *      each subtree) so skipping a value is O(1). The tokens are then rewritten in place
 *      as struct acg_json_token.
 *
 * Every error names the byte offset and, where the walk knows it, the member path.
 * Nothing reads outside [js, js + len): the body need not be NUL-terminated. */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_json.h"
#include "acg_json_private.h"

#define DEPTH_LIMIT 4096

/* Eight bytes at a time ("SWAR", from Bit Twiddling Hacks): most of a body is string
 * content, and testing a word for "any quote, backslash, control or non-ASCII byte" is far
 * cheaper than eight table lookups. memcpy keeps unaligned loads well-defined. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t load8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Non-zero when some byte of v is below n (n <= 128); exact as a yes/no answer. */
static uint64_t has_less(uint64_t v, unsigned n)
{
    return (v - ONES * n) & ~v & HIGHS;
}

static uint64_t has_byte(uint64_t v, unsigned char b)
{
    return has_less(v ^ (ONES * b), 1);
}

/* Tokens are converted in place; the two layouts must agree. */
_Static_assert(sizeof(jsmntok_t) == sizeof(struct acg_json_token), "token layouts differ");
_Static_assert((int)JSMN_OBJECT == ACG_JSON_OBJECT && (int)JSMN_ARRAY == ACG_JSON_ARRAY &&
                   (int)JSMN_STRING == ACG_JSON_STRING && (int)JSMN_PRIMITIVE == ACG_JSON_PRIMITIVE,
               "token types differ");

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

/* ---- errors ---- */

static const char *type_name(const struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    switch (t->type) {
    case ACG_JSON_OBJECT: return "an object";
    case ACG_JSON_ARRAY: return "an array";
    case ACG_JSON_STRING: return "a string";
    default: break;
    }
    switch (r->js[t->start]) {
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
    }
}

static bool tok_ok(const struct acg_json_reader *r, int tok)
{
    return r != NULL && r->toks != NULL && tok >= 0 && tok < r->ntoks;
}

static int bad_token(struct acg_json_reader *r, int tok)
{
    return acg_error_set(r ? r->err : NULL, ACG_ERR_INVALID_ARG,
                         "JSON reader: token %d does not exist", tok);
}

static int wrong_type(struct acg_json_reader *r, int tok, const char *want)
{
    return acg_error_set(r->err, ACG_ERR_JSON, "expected %s, got %s (at byte offset %d)", want,
                         type_name(r, tok), r->toks[tok].start);
}

/* ---- pass 1: nesting depth ---- */

/* What the depth scan cares about: 1 quote, 2 opening and 3 closing brackets. */
static const unsigned char depth_class[256] = {
    ['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3,
};

static int check_depth(struct acg_json_reader *r)
{
    const unsigned char *p = (const unsigned char *)r->js;
    const unsigned char *end = p + r->len;
    int depth = 0;
    while (p < end) {
        unsigned char k = depth_class[*p++];
        if (k == 0)
            continue;
        if (k == 1) {
            /* Skip the string; an unterminated one is jsmn's to report. */
            while (p < end) {
                while (end - p >= 8) {
                    uint64_t v = load8(p);
                    if (has_byte(v, '"') | has_byte(v, '\\'))
                        break;
                    p += 8;
                }
                if (p >= end)
                    break;
                unsigned char c = *p++;
                if (c == '\\') {
                    if (p < end)
                        p++;
                } else if (c == '"') {
                    break;
                }
            }
        } else if (k == 2) {
            if (++depth > r->max_depth)
                return acg_error_set(r->err, ACG_ERR_JSON,
                                     "nesting deeper than %d levels at byte offset %td",
                                     r->max_depth, (const char *)p - 1 - r->js);
        } else {
            depth--;
        }
    }
    return ACG_OK;
}

/* ---- pass 2: jsmn ---- */

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(unsigned char c)
{
    return is_ws(c) || c == ',' || c == ']' || c == '}';
}

static int describe_byte(struct acg_json_reader *r, size_t pos, const char *what)
{
    unsigned char c = (unsigned char)r->js[pos];
    if (c >= 0x21 && c < 0x7f)
        return acg_error_set(r->err, ACG_ERR_JSON, "%s '%c' at byte offset %zu", what, c, pos);
    return acg_error_set(r->err, ACG_ERR_JSON, "%s (byte 0x%02x) at byte offset %zu", what, c,
                         pos);
}

/* jsmn in strict mode wants a delimiter after a primitive, so a body that is a single
 * number or literal (a document can be) is tokenised here. */
static int tokenize_primitive(struct acg_json_reader *r, size_t start, jsmntok_t **out)
{
    size_t e = start;
    while (e < r->len && !is_delim((unsigned char)r->js[e])) {
        unsigned char c = (unsigned char)r->js[e];
        if (c < 0x20 || c >= 0x7f)
            return describe_byte(r, e, "unexpected character");
        e++;
    }
    jsmntok_t *t = malloc(sizeof *t);
    if (t == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory parsing JSON");
    t->type = JSMN_PRIMITIVE;
    t->start = (int)start;
    t->end = (int)e;
    t->size = 0;
    t->parent = -1;
    *out = t;
    r->ntoks = 1;
    return ACG_OK;
}

static int tokenize(struct acg_json_reader *r, jsmntok_t **out)
{
    size_t first = 0;
    while (first < r->len && is_ws((unsigned char)r->js[first]))
        first++;
    if (first == r->len)
        return acg_error_set(r->err, ACG_ERR_JSON, "no JSON value (byte offset %zu)", first);
    unsigned char c0 = (unsigned char)r->js[first];
    if (c0 == '-' || (c0 >= '0' && c0 <= '9') || c0 == 't' || c0 == 'f' || c0 == 'n')
        return tokenize_primitive(r, first, out);

    /* A generous guess (AWS bodies run at one token per 8-16 bytes): pages of a large
     * allocation that jsmn never writes cost nothing, while growing means a copy. jsmn
     * tells us when it needs more and carries on where it stopped. There is never more
     * than one token per byte. */
    size_t cap = r->len / 16 + 16;
    if (cap > r->len + 1)
        cap = r->len + 1;
    jsmntok_t *toks = malloc(cap * sizeof *toks);
    if (toks == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory parsing JSON");
    jsmn_parser p;
    jsmn_init(&p);
    int n;
    for (;;) {
        n = jsmn_parse(&p, r->js, r->len, toks, (unsigned)cap);
        if (n != JSMN_ERROR_NOMEM)
            break;
        size_t ncap = cap * 2;
        if (ncap > r->len + 1)
            ncap = r->len + 1;
        jsmntok_t *grown = ncap > cap ? realloc(toks, ncap * sizeof *toks) : NULL;
        if (grown == NULL) {
            free(toks);
            return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory parsing JSON");
        }
        toks = grown;
        cap = ncap;
    }
    if (n <= 0) {
        /* n == 0: jsmn stopped at a NUL byte before any token. */
        free(toks);
        /* jsmn stops at a NUL byte wherever it is and then reports something vague. */
        const char *nul = memchr(r->js, '\0', r->len);
        if (nul != NULL)
            return acg_error_set(r->err, ACG_ERR_JSON, "NUL byte at byte offset %td",
                                 nul - r->js);
        size_t pos = p.pos < r->len ? p.pos : r->len;
        if (n == 0)
            return acg_error_set(r->err, ACG_ERR_JSON, "no JSON value (byte offset %zu)", pos);
        if (n == JSMN_ERROR_PART)
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "unexpected end of input (value starting at byte offset %zu)",
                                 pos);
        if (pos < r->len && r->js[pos] == '"')
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "bad escape in the string starting at byte offset %zu", pos);
        return describe_byte(r, pos, "unexpected character");
    }
    *out = toks;
    r->ntoks = n;
    return ACG_OK;
}

/* ---- pass 3: the checking walk ---- */

struct frame {
    int tok;
    int pos;    /* where the bytes not yet accounted for begin */
    int nchild; /* children seen so far */
};

struct walk {
    struct acg_json_reader *r;
    jsmntok_t *jt;
    struct frame *stack;
    int sp;
    bool in_child; /* checking a token not yet pushed: the innermost array holds it */
};

static int span_start(const jsmntok_t *t)
{
    return t->type == JSMN_STRING ? t->start - 1 : t->start;
}

static int span_end(const jsmntok_t *t)
{
    return t->type == JSMN_STRING ? t->end + 1 : t->end;
}

/* The member path of the innermost frames, for parse errors: "a.b[2]". The innermost
 * array shows an index only while one of its elements is being checked. */
static void walk_path(const struct walk *w, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < w->sp && n < size; i++) {
        const jsmntok_t *t = &w->jt[w->stack[i].tok];
        int k = 0;
        if (t->type == JSMN_STRING && t->parent >= 0 && w->jt[t->parent].type == JSMN_OBJECT) {
            int len = t->end - t->start;
            k = snprintf(out + n, size - n, "%s%.*s", n ? "." : "", len > 64 ? 64 : len,
                         w->r->js + t->start);
        } else if (t->type == JSMN_ARRAY && w->stack[i].nchild > 0 &&
                   (i + 1 < w->sp || w->in_child)) {
            k = snprintf(out + n, size - n, "[%d]", w->stack[i].nchild - 1);
        }
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

static int walk_error(struct walk *w, size_t pos, const char *msg)
{
    char where[256];
    walk_path(w, where, sizeof where);
    return acg_error_set_at(w->r->err, ACG_ERR_JSON, where, "%s at byte offset %zu", msg, pos);
}

/* The bytes in [from, to) between two tokens: whitespace, then sep (when not 0), then
 * whitespace. */
static int check_gap(struct walk *w, int from, int to, char sep, const char *missing)
{
    const char *js = w->r->js;
    int i = from;
    while (i < to && is_ws((unsigned char)js[i]))
        i++;
    if (sep != 0) {
        if (i >= to || js[i] != sep)
            return walk_error(w, (size_t)(i < to ? i : to), missing);
        i++;
        while (i < to && is_ws((unsigned char)js[i]))
            i++;
    }
    if (i < to) {
        if (js[i] == ',')
            return walk_error(w, (size_t)i, "unexpected ','");
        if (js[i] == ':')
            return walk_error(w, (size_t)i, "unexpected ':'");
        char msg[40];
        unsigned char c = (unsigned char)js[i];
        if (c > 0x20 && c < 0x7f)
            snprintf(msg, sizeof msg, "unexpected character '%c'", c);
        else
            snprintf(msg, sizeof msg, "unexpected byte 0x%02x", c);
        return walk_error(w, (size_t)i, msg);
    }
    return ACG_OK;
}

/* JSON number grammar (RFC 8259 section 6) or one of the three literals. */
static bool valid_primitive(const char *s, size_t len)
{
    size_t i = 0;
    switch (s[0]) {
    case 't': return len == 4 && memcmp(s, "true", 4) == 0;
    case 'f': return len == 5 && memcmp(s, "false", 5) == 0;
    case 'n': return len == 4 && memcmp(s, "null", 4) == 0;
    default: break;
    }
    if (s[i] == '-')
        i++;
    if (i >= len)
        return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return false;
    }
    if (i < len && s[i] == '.') {
        i++;
        size_t d = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == len;
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

/* Bytes that need no attention inside a string: printable ASCII except '\\'. ('"' cannot
 * occur inside a token.) */
static const unsigned char plain_byte[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
    R16(0), R16(0), R16(1), R16(1), R16(1), 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    R16(1), R16(1), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
};

/* Decodes the \u escape at s (pointing at the backslash) with its low surrogate if any.
 * Returns the code point and sets *used, or -1 with *used at the offending escape. */
static long decode_u_escape(const char *s, size_t avail, size_t *used)
{
    *used = 0;
    if (avail < 6)
        return -1;
    int hi = hex4(s + 2);
    if (hi < 0)
        return -1;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return -1; /* a low surrogate with no high one before it */
    if (hi < 0xD800 || hi > 0xDBFF) {
        *used = 6;
        return hi;
    }
    if (avail < 12 || s[6] != '\\' || s[7] != 'u')
        return -1;
    int lo = hex4(s + 8);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return -1;
    *used = 12;
    return 0x10000 + (((long)hi - 0xD800) << 10) + (lo - 0xDC00);
}

static int check_string(struct walk *w, const jsmntok_t *t)
{
    const char *js = w->r->js;
    const unsigned char *p = (const unsigned char *)js;
    size_t i = (size_t)t->start, end = (size_t)t->end;
    while (i < end) {
        while (end - i >= 8) {
            uint64_t v = load8(p + i);
            if ((v & HIGHS) | has_less(v, 0x20) | has_byte(v, '\\'))
                break;
            i += 8;
        }
        if (i >= end)
            break;
        if (plain_byte[p[i]]) {
            i++;
            continue;
        }
        unsigned char c = p[i];
        if (c == '\\') {
            if (i + 1 >= end)
                return walk_error(w, i, "bad escape in string");
            switch (p[i + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                i += 2;
                break;
            case 'u': {
                size_t used;
                if (decode_u_escape(js + i, end - i, &used) < 0)
                    return walk_error(w, i,
                                      "bad \\u escape or unpaired UTF-16 surrogate in string");
                i += used;
                break;
            }
            default:
                return walk_error(w, i, "bad escape in string");
            }
        } else if (c < 0x20) {
            return walk_error(w, i, "control character in string");
        } else {
            size_t valid = acg_utf8_valid_prefix(js + i, end - i);
            if (valid == 0)
                return walk_error(w, i, "invalid UTF-8 in string");
            /* Step over the multi-byte run in one go; ASCII resumes the fast path. */
            size_t j = i + 1;
            while (j < i + valid && p[j] >= 0x80)
                j++;
            i = j;
        }
    }
    return ACG_OK;
}

/* Pops the innermost frame: its token's subtree ends before token `next`. */
static int close_frame(struct walk *w, int next)
{
    struct frame f = w->stack[--w->sp];
    const jsmntok_t *t = &w->jt[f.tok];
    int end;
    w->r->next[f.tok] = next;
    if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) {
        w->sp++; /* keep the path while reporting */
        ACG_TRY(check_gap(w, f.pos, t->end - 1, 0, ""));
        /* jsmn counts children as it links them, so this holds; generated list readers
         * trust size, so it is checked rather than assumed. */
        if (f.nchild != t->size)
            return walk_error(w, (size_t)t->start, "malformed structure");
        w->sp--;
        end = t->end;
    } else if (t->type == JSMN_STRING && t->parent >= 0 &&
               w->jt[t->parent].type == JSMN_OBJECT) {
        if (f.nchild != 1) {
            w->sp++;
            int rc = walk_error(w, (size_t)f.pos, "expected ':' and a value after the member name");
            w->sp--;
            return rc;
        }
        end = f.pos;
    } else {
        end = span_end(t);
    }
    if (w->sp > 0)
        w->stack[w->sp - 1].pos = end;
    return ACG_OK;
}

static int walk_tokens(struct acg_json_reader *r, jsmntok_t *jt)
{
    struct walk w = {r, jt, NULL, 0, false};
    int stack_size = 2 * r->max_depth + 4;
    int rc = ACG_OK;
    w.stack = malloc((size_t)stack_size * sizeof *w.stack);
    if (w.stack == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory parsing JSON");

    for (int i = 0; i < r->ntoks; i++) {
        const jsmntok_t *t = &jt[i];
        int parent = t->parent;
        while (w.sp > 0 && w.stack[w.sp - 1].tok != parent) {
            rc = close_frame(&w, i);
            if (rc != ACG_OK)
                goto done;
        }
        if (parent < 0) {
            if (i != 0) {
                rc = walk_error(&w, (size_t)span_start(t), "more than one top-level value");
                goto done;
            }
            rc = check_gap(&w, 0, span_start(t), 0, "");
        } else if (w.sp == 0) {
            rc = walk_error(&w, (size_t)span_start(t), "malformed structure");
        } else {
            struct frame *pf = &w.stack[w.sp - 1];
            const jsmntok_t *pt = &jt[pf->tok];
            switch (pt->type) {
            case JSMN_OBJECT:
                if (t->type != JSMN_STRING)
                    rc = walk_error(&w, (size_t)span_start(t), "expected a member name");
                else
                    rc = check_gap(&w, pf->pos, span_start(t), pf->nchild ? ',' : 0,
                                   "expected ',' between members");
                break;
            case JSMN_ARRAY:
                rc = check_gap(&w, pf->pos, span_start(t), pf->nchild ? ',' : 0,
                               "expected ',' between elements");
                break;
            case JSMN_STRING:
                if (pt->parent < 0 || jt[pt->parent].type != JSMN_OBJECT)
                    rc = walk_error(&w, (size_t)pf->pos, "unexpected ':'");
                else if (pf->nchild != 0)
                    rc = walk_error(&w, (size_t)span_start(t), "expected ',' between members");
                else
                    rc = check_gap(&w, pf->pos, span_start(t), ':', "expected ':' after the member name");
                break;
            default:
                rc = walk_error(&w, (size_t)span_start(t), "unexpected value");
                break;
            }
            pf->nchild++;
        }
        if (rc != ACG_OK)
            goto done;
        w.in_child = true;

        if (t->type == JSMN_STRING) {
            rc = check_string(&w, t);
        } else if (t->type == JSMN_PRIMITIVE) {
            if (!valid_primitive(r->js + t->start, (size_t)(t->end - t->start))) {
                char msg[64];
                int len = t->end - t->start;
                snprintf(msg, sizeof msg, "invalid literal or number '%.*s'", len > 24 ? 24 : len,
                         r->js + t->start);
                rc = walk_error(&w, (size_t)t->start, msg);
            }
        }
        if (rc != ACG_OK)
            goto done;
        w.in_child = false;

        if (w.sp >= stack_size) {
            rc = walk_error(&w, (size_t)span_start(t), "nesting too deep");
            goto done;
        }
        w.stack[w.sp].tok = i;
        w.stack[w.sp].pos = (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) ? t->start + 1
                                                                             : span_end(t);
        w.stack[w.sp].nchild = 0;
        w.sp++;
    }
    while (w.sp > 0) {
        rc = close_frame(&w, r->ntoks);
        if (rc != ACG_OK)
            goto done;
    }
    /* Only whitespace may follow the value. */
    if (r->ntoks > 0)
        rc = check_gap(&w, span_end(&jt[0]), (int)r->len, 0, "");
done:
    free(w.stack);
    return rc;
}

/* Rewrites the jsmn tokens as acg_json_token in the same storage. memcpy keeps this clear
 * of aliasing rules; both are five ints. */
static void convert_tokens(jsmntok_t *jt, int n)
{
    unsigned char *base = (unsigned char *)jt;
    for (int i = 0; i < n; i++) {
        jsmntok_t j;
        struct acg_json_token a;
        memcpy(&j, base + (size_t)i * sizeof j, sizeof j);
        a.type = (int)j.type;
        a.start = j.start;
        a.end = j.end;
        a.size = j.size;
        a.parent = j.parent;
        memcpy(base + (size_t)i * sizeof a, &a, sizeof a);
    }
}

int acg_json_reader_parse(struct acg_json_reader *r, const char *js, size_t len,
                          struct acg_arena *arena, struct acg_error *err)
{
    return acg_json_reader_parse_depth(r, js, len, arena, err, ACG_JSON_MAX_DEPTH);
}

int acg_json_reader_parse_depth(struct acg_json_reader *r, const char *js, size_t len,
                                struct acg_arena *arena, struct acg_error *err, int max_depth)
{
    /* r may hold garbage (generated code declares it uninitialised): read nothing from it. */
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
    if (len > (size_t)INT_MAX - 2)
        return acg_error_set(err, ACG_ERR_TOO_LARGE, "JSON body of %zu bytes is too large", len);

    ACG_TRY(check_depth(r));
    jsmntok_t *jt = NULL;
    ACG_TRY(tokenize(r, &jt));
    r->next = malloc((size_t)r->ntoks * sizeof *r->next);
    if (r->next == NULL) {
        free(jt);
        r->ntoks = 0;
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory parsing JSON");
    }
    int rc = walk_tokens(r, jt);
    convert_tokens(jt, r->ntoks);
    r->toks = (struct acg_json_token *)(void *)jt;
    if (rc != ACG_OK) {
        free(r->next);
        free(r->toks);
        r->next = NULL;
        r->toks = NULL;
        r->ntoks = 0;
    }
    return rc;
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

/* ---- walking ---- */

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
                long cp = decode_u_escape(s, (size_t)(end - s), &used);
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

/* Puts prefix (and a '.' before a following name) in front of err->where. Paths are
 * built from the innermost member outwards as the generated decoders return, so this runs
 * once per level; a path too long for where loses its innermost end. */
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

static void ensure_error(struct acg_error *err, int status)
{
    if (err->status == ACG_OK)
        acg_error_set(err, status, "%s", acg_status_name((enum acg_status)status));
}

int acg_json_fail_member(struct acg_json_reader *r, int key, int status)
{
    if (r == NULL || r->err == NULL || status == ACG_OK)
        return status;
    ensure_error(r->err, status);
    char name[96];
    size_t n = 0;
    if (tok_ok(r, key) && r->toks[key].type == ACG_JSON_STRING) {
        const char *s = r->js + r->toks[key].start;
        const char *end = r->js + r->toks[key].end;
        /* Keys with escapes are shown decoded where that is simple; others verbatim. */
        while (s < end && n + 5 < sizeof name) {
            if (*s == '\\' && s + 1 < end && s[1] != 'u') {
                name[n++] = s[1] == '"' || s[1] == '\\' || s[1] == '/' ? s[1] : '?';
                s += 2;
            } else {
                name[n++] = *s++;
            }
        }
    }
    name[n] = '\0';
    prepend_where(r->err, name);
    return status;
}

int acg_json_fail_index(struct acg_json_reader *r, size_t index, int status)
{
    if (r == NULL || r->err == NULL || status == ACG_OK)
        return status;
    ensure_error(r->err, status);
    char buf[32];
    snprintf(buf, sizeof buf, "[%zu]", index);
    prepend_where(r->err, buf);
    return status;
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

/* ---- scalars ---- */

static bool is_number_token(const struct acg_json_reader *r, int tok)
{
    const struct acg_json_token *t = &r->toks[tok];
    char c = r->js[t->start];
    return t->type == ACG_JSON_PRIMITIVE && (c == '-' || (c >= '0' && c <= '9'));
}

/* Decodes the string token into a fresh NUL-terminated arena copy. */
static int decode_string(struct acg_json_reader *r, int tok, char **out, size_t *out_len)
{
    const struct acg_json_token *t = &r->toks[tok];
    const char *s = r->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    if (r->arena == NULL)
        return acg_error_set(r->err, ACG_ERR_INVALID_ARG, "JSON reader: no arena");
    const char *bs = memchr(s, '\\', len);
    if (bs == NULL) {
        char *p = acg_arena_strndup(r->arena, s, len);
        if (p == NULL)
            return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory decoding a string");
        *out = p;
        *out_len = len;
        return ACG_OK;
    }
    /* Decoded text is never longer than its escaped form. */
    char *p = acg_arena_calloc(r->arena, len + 1, 1);
    if (p == NULL)
        return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory decoding a string");
    size_t head = (size_t)(bs - s);
    memcpy(p, s, head);
    size_t o = head, i = head;
    while (i < len) {
        if (s[i] != '\\') {
            const char *nb = memchr(s + i, '\\', len - i);
            size_t run = nb != NULL ? (size_t)(nb - (s + i)) : len - i;
            memcpy(p + o, s + i, run);
            o += run;
            i += run;
            continue;
        }
        if (i + 1 >= len)
            return acg_error_set(r->err, ACG_ERR_JSON, "bad escape at byte offset %zu",
                                 (size_t)t->start + i);
        char c = s[i + 1];
        switch (c) {
        case 'b': p[o++] = '\b'; i += 2; break;
        case 'f': p[o++] = '\f'; i += 2; break;
        case 'n': p[o++] = '\n'; i += 2; break;
        case 'r': p[o++] = '\r'; i += 2; break;
        case 't': p[o++] = '\t'; i += 2; break;
        case '"': case '\\': case '/': p[o++] = c; i += 2; break;
        case 'u': {
            size_t used;
            long cp = decode_u_escape(s + i, len - i, &used);
            if (cp < 0)
                return acg_error_set(r->err, ACG_ERR_JSON, "bad \\u escape at byte offset %zu",
                                     (size_t)t->start + i);
            if (cp == 0)
                return acg_error_set(r->err, ACG_ERR_JSON,
                                     "embedded NUL (\\u0000) not supported at byte offset %zu",
                                     (size_t)t->start + i);
            o += acg_utf8_encode((uint32_t)cp, p + o);
            i += used;
            break;
        }
        default:
            return acg_error_set(r->err, ACG_ERR_JSON, "bad escape at byte offset %zu",
                                 (size_t)t->start + i);
        }
    }
    p[o] = '\0';
    *out = p;
    *out_len = o;
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
    ACG_TRY(decode_string(r, tok, &s, &n));
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

/* Integers must be written as integers: "1.0" or "1e3" is not silently truncated. */
static int parse_integer(struct acg_json_reader *r, int tok, int64_t min, int64_t max,
                         const char *what, int64_t *out)
{
    if (!is_number_token(r, tok))
        return wrong_type(r, tok, "a number");
    const struct acg_json_token *t = &r->toks[tok];
    const char *s = r->js + t->start;
    size_t len = (size_t)(t->end - t->start), i = 0;
    bool neg = s[0] == '-';
    if (neg)
        i++;
    /* Accumulate as a negative number so INT64_MIN is representable. */
    int64_t v = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c < '0' || c > '9')
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "expected an integer, got '%.*s' (at byte offset %d)",
                                 (int)(len > 32 ? 32 : len), s, t->start);
        int d = c - '0';
        if (v < (INT64_MIN + d) / 10)
            goto range;
        v = v * 10 - d;
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
    return acg_error_set(r->err, ACG_ERR_JSON,
                         "number %.*s is out of range for %s (at byte offset %d)",
                         (int)(len > 32 ? 32 : len), s, what, t->start);
}

int acg_json_read_int32(struct acg_json_reader *r, int tok, int32_t *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    int64_t v;
    ACG_TRY(parse_integer(r, tok, INT32_MIN, INT32_MAX, "a 32-bit integer", &v));
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
    int64_t v;
    ACG_TRY(parse_integer(r, tok, INT64_MIN, INT64_MAX, "a 64-bit integer", &v));
    *out = v;
    if (has != NULL)
        *has = true;
    return ACG_OK;
}

/* Numbers, and the strings "NaN", "Infinity", "-Infinity" that awsJson uses for the
 * values JSON cannot write (botocore accepts them for float and double members). */
static int parse_real(struct acg_json_reader *r, int tok, double *out)
{
    const struct acg_json_token *t = &r->toks[tok];
    if (t->type == ACG_JSON_STRING) {
        const char *s = r->js + t->start;
        size_t len = (size_t)(t->end - t->start);
        if (len == 3 && memcmp(s, "NaN", 3) == 0)
            *out = NAN;
        else if (len == 8 && memcmp(s, "Infinity", 8) == 0)
            *out = INFINITY;
        else if (len == 9 && memcmp(s, "-Infinity", 9) == 0)
            *out = -INFINITY;
        else
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "expected a number, got a string other than NaN, Infinity or "
                                 "-Infinity (at byte offset %d)", t->start);
        return ACG_OK;
    }
    if (!is_number_token(r, tok))
        return wrong_type(r, tok, "a number");
    /* The grammar was checked while parsing, so strtod sees no hex, inf or nan. */
    char small[64];
    char *buf = small;
    size_t len = (size_t)(t->end - t->start);
    if (len >= sizeof small) {
        buf = malloc(len + 1);
        if (buf == NULL)
            return acg_error_set(r->err, ACG_ERR_NOMEM, "out of memory reading a number");
    }
    memcpy(buf, r->js + t->start, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = acg_strtod_c(buf, &end);
    bool overflow = errno == ERANGE && isinf(v);
    bool complete = end == buf + len;
    if (buf != small)
        free(buf);
    if (!complete)
        return acg_error_set(r->err, ACG_ERR_JSON, "unreadable number at byte offset %d",
                             t->start);
    if (overflow)
        return acg_error_set(r->err, ACG_ERR_JSON,
                             "number is out of range for a double (at byte offset %d)", t->start);
    *out = v;
    return ACG_OK;
}

int acg_json_read_double(struct acg_json_reader *r, int tok, double *out, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    double v;
    ACG_TRY(parse_real(r, tok, &v));
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
    ACG_TRY(parse_real(r, tok, &v));
    if (isfinite(v) && fabs(v) > (double)FLT_MAX)
        return acg_error_set(r->err, ACG_ERR_JSON,
                             "number is out of range for a float (at byte offset %d)",
                             r->toks[tok].start);
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
    /* base64 text has no escapes; "\/" is legal JSON for '/', so decode those first. */
    if (memchr(s, '\\', len) != NULL) {
        char *d;
        ACG_TRY(decode_string(r, tok, &d, &len));
        s = d;
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

int acg_json_read_timestamp(struct acg_json_reader *r, int tok, int64_t *out_ms, bool *has)
{
    if (!tok_ok(r, tok))
        return bad_token(r, tok);
    if (acg_json_is_null(r, tok))
        return ACG_OK;
    const struct acg_json_token *t = &r->toks[tok];
    int64_t ms;
    if (t->type == ACG_JSON_STRING) {
        const char *s = r->js + t->start;
        size_t len = (size_t)(t->end - t->start);
        /* Escapes in a timestamp are legal JSON, if unlikely; decode them first. */
        if (memchr(s, '\\', len) != NULL && r->arena != NULL) {
            char *d;
            ACG_TRY(decode_string(r, tok, &d, &len));
            s = d;
        }
        if (acg_time_parse(s, len, &ms) != ACG_OK)
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "expected a timestamp, got '%.*s' (at byte offset %d)",
                                 len > 40 ? 40 : (int)len, s, t->start);
    } else {
        if (!is_number_token(r, tok))
            return wrong_type(r, tok, "a timestamp");
        double v;
        ACG_TRY(parse_real(r, tok, &v));
        if (acg_time_from_epoch_seconds(v, &ms) != ACG_OK)
            return acg_error_set(r->err, ACG_ERR_JSON,
                                 "timestamp out of range (years 1-9999) at byte offset %d",
                                 t->start);
    }
    *out_ms = ms;
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
