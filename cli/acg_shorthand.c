/* The AWS CLI v1's shorthand syntax, as awscli/shorthand.py reads it.
 *
 * The grammar, in the AWS CLI's words:
 *
 *   parameter      = keyval *("," keyval)
 *   keyval         = key "=" [values] / key "@=" [file-optional-values]
 *   values         = csv-list / explicit-list / hash-literal
 *   explicit-list  = "[" [value *("," value)] "]"
 *   hash-literal   = "{" [keyval *("," keyval)] "}"
 *
 * The AWS CLI's parser is a hand-written recursive descent over a Python string with a few
 * regular expressions; what it accepts, where an error points and what it says depend on
 * their details (Unicode character classes that stop at U+FFFF, a backtracking quoted-value
 * expression, a csv list that backs up to the previous comma when its next item turns out
 * to be a key). This file follows it step by step over an array of code points, so indexes
 * (and the caret under an error) count characters as Python does.
 *
 * One deliberate difference: AWS CLI v1 prints a syntax error's location as the literal
 * text "{self._error_location()}" (a formatting slip in its source); we print the location
 * its code computes, the input with a caret under the place. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acg_shorthand.h"
#include "common/acg_error.h"
#include "common/acg_utf8.h"

/* Nesting deeper than this is refused rather than recursing without bound (Python stops at
 * its recursion limit, a few hundred levels of brackets). */
#define MAX_DEPTH 200

/* Internal status of a syntax error that a csv list may still recover from (Python's
 * ShorthandParseSyntaxError); everything else is an acg_status. */
#define SYNTAX 1

/* Stands for "no character": the end of the input. */
#define END_CP UINT32_MAX

struct parser {
    struct acg_arena *a;
    const uint32_t *cp;   /* the input as code points */
    size_t n;
    size_t i;             /* Python's self._index */
    bool resolve;         /* self._should_resolve_paramfiles */
    int depth;
    const struct acg_shorthand_files *files;
    struct acg_buf *msg;
    struct acg_buf scratch;
    /* The pending syntax error: what was expected, what was found, where. */
    const char *expected;
    uint32_t expected_cp;  /* when expected is NULL */
    const char *actual;    /* "EOF", "<none>", or NULL for actual_cp */
    uint32_t actual_cp;
    size_t at;
};

/* ---- characters ---- */

bool acg_py_isspace(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

/* string.whitespace, what _consume_whitespace skips. */
static bool ascii_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C;
}

static bool in(uint32_t c, uint32_t lo, uint32_t hi)
{
    return c >= lo && c <= hi;
}

/* The classes of _START_WORD, _FIRST_FOLLOW_CHARS and _SECOND_FOLLOW_CHARS. */
static bool start_word(uint32_t c)
{
    return c == '!' || in(c, 0x23, 0x26) || in(c, 0x28, 0x2B) || in(c, 0x2D, 0x3C) ||
           in(c, 0x3E, 0x5A) || in(c, 0x5C, 0x7A) || in(c, 0x7C, 0xFFFF);
}

static bool first_follow(uint32_t c)
{
    return acg_py_isspace(c) || c == '!' || in(c, 0x23, 0x26) || in(c, 0x28, 0x2B) ||
           in(c, 0x2D, 0x5C) || in(c, 0x5E, 0x7C) || in(c, 0x7E, 0xFFFF);
}

static bool second_follow(uint32_t c)
{
    return acg_py_isspace(c) || c == '!' || in(c, 0x23, 0x26) || in(c, 0x28, 0x2B) ||
           in(c, 0x2D, 0x3C) || in(c, 0x3E, 0xFFFF);
}

static bool key_char(uint32_t c)
{
    return in(c, 'a', 'z') || in(c, 'A', 'Z') || in(c, '0', '9') || c == '-' || c == '_' ||
           c == '.' || c == '#' || c == '/' || c == ':';
}

/* ---- UTF-8 ---- */

static int put_utf8(struct acg_buf *b, uint32_t c)
{
    char s[4];
    size_t n;
    if (c < 0x80) {
        s[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return acg_buf_append(b, s, n);
}

static int put_cps(struct acg_buf *b, const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = put_utf8(b, cp[i]);
        if (rc != ACG_OK)
            return rc;
    }
    return ACG_OK;
}

uint32_t *acg_py_codepoints(const char *s, size_t len, size_t *n)
{
    uint32_t *out = malloc((len + 1) * sizeof *out);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; k++) {
        unsigned char c = (unsigned char)s[i];
        size_t extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        uint32_t v = extra == 0 ? c : extra == 1 ? (c & 0x1Fu) : extra == 2 ? (c & 0x0Fu)
                                                                             : (c & 0x07u);
        for (size_t j = 1; j <= extra; j++)
            v = (v << 6) | ((unsigned char)s[i + j] & 0x3Fu);
        out[k] = v;
        i += extra + 1;
    }
    *n = k;
    return out;
}

/* ---- errors ---- */

/* Python's _error_location: the input, a newline, spaces and a caret under index, and the
 * rest of the input after the caret's line. */
static int put_location(struct acg_buf *b, const uint32_t *cp, size_t n, size_t index)
{
    size_t spaces = index, cut = n;
    for (size_t k = index; k > 0; k--) {
        if (cp[k - 1] == '\n') {
            spaces = index - k;
            break;
        }
    }
    for (size_t k = index; k < n; k++) {
        if (cp[k] == '\n') {
            cut = k;
            break;
        }
    }
    int rc = put_cps(b, cp, cut);
    if (rc == ACG_OK)
        rc = acg_buf_append_char(b, '\n');
    for (size_t k = 0; rc == ACG_OK && k < spaces; k++)
        rc = acg_buf_append_char(b, ' ');
    if (rc == ACG_OK)
        rc = acg_buf_append_char(b, '^');
    if (rc == ACG_OK)
        rc = put_cps(b, cp + cut, n - cut);
    return rc;
}

static int syntax_error(struct parser *p, const char *expected, uint32_t expected_cp,
                        const char *actual)
{
    p->expected = expected;
    p->expected_cp = expected_cp;
    p->actual = actual;
    p->actual_cp = p->i < p->n ? p->cp[p->i] : END_CP;
    p->at = p->i;
    return SYNTAX;
}

static int render_syntax(struct parser *p)
{
    struct acg_buf *b = p->msg;
    int rc = acg_buf_append_str(b, "Expected: '");
    if (rc == ACG_OK)
        rc = p->expected != NULL ? acg_buf_append_str(b, p->expected)
                                 : put_utf8(b, p->expected_cp);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(b, "', received: '");
    if (rc == ACG_OK)
        rc = p->actual != NULL ? acg_buf_append_str(b, p->actual) : put_utf8(b, p->actual_cp);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(b, "' for input:\n");
    if (rc == ACG_OK)
        rc = put_location(b, p->cp, p->n, p->at);
    return rc == ACG_OK ? ACG_SHORTHAND_ERROR : rc;
}

static int duplicate_key(struct parser *p, const struct acg_value *key, size_t index)
{
    struct acg_buf *b = p->msg;
    int rc = acg_buf_printf(b, "Second instance of key \"%s\" encountered for input:\n",
                            key->u.str.ptr);
    if (rc == ACG_OK)
        rc = put_location(b, p->cp, p->n, index);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(b, "\nThis is often because there is a preceding \",\" "
                                   "instead of a space.");
    return rc == ACG_OK ? ACG_SHORTHAND_ERROR : rc;
}

/* ---- small steps ---- */

static uint32_t current(const struct parser *p)
{
    return p->i < p->n ? p->cp[p->i] : END_CP;
}

static bool at_eof(const struct parser *p)
{
    return p->i >= p->n;
}

static void skip_space(struct parser *p)
{
    while (p->i < p->n && ascii_space(p->cp[p->i]))
        p->i++;
}

/* _expect: the character c (after whitespace when ws), then whitespace when ws. */
static int expect(struct parser *p, uint32_t c, bool ws)
{
    if (ws)
        skip_space(p);
    if (at_eof(p))
        return syntax_error(p, NULL, c, "EOF");
    if (p->cp[p->i] != c)
        return syntax_error(p, NULL, c, NULL);
    p->i++;
    if (ws)
        skip_space(p);
    return ACG_OK;
}

/* Length of the match of ({escaped comma}|[first])({escaped comma}|[follow])* at p->i. */
static size_t match_word(const struct parser *p, bool (*follow)(uint32_t))
{
    size_t i = p->i;
    bool any = false;
    for (;;) {
        if (i + 1 < p->n && p->cp[i] == '\\' && p->cp[i + 1] == ',')
            i += 2;
        else if (i < p->n && (any ? follow(p->cp[i]) : start_word(p->cp[i])))
            i++;
        else
            break;
        any = true;
    }
    return i - p->i;
}

/* Replaces each non-overlapping pair (a, b) by b, left to right, as str.replace does. */
static void unescape_pair(uint32_t *s, size_t *n, uint32_t a, uint32_t b)
{
    size_t w = 0;
    for (size_t r = 0; r < *n; r++) {
        if (s[r] == a && r + 1 < *n && s[r + 1] == b)
            r++;
        s[w++] = s[r];
    }
    *n = w;
}

/* A string value from code points: copied to UTF-8, resolved as a file after "@=". */
static int make_string(struct parser *p, const uint32_t *cp, size_t n, struct acg_value **out)
{
    acg_buf_reset(&p->scratch);
    if (put_cps(&p->scratch, cp, n) != ACG_OK)
        return ACG_ERR_NOMEM;
    const char *text = p->scratch.data != NULL ? p->scratch.data : "";
    if (p->resolve && p->files != NULL) {
        struct acg_value *loaded = NULL;
        int rc = p->files->load(p->files->ctx, text, p->scratch.len, p->a, &loaded, p->msg);
        if (rc != ACG_OK)
            return rc;
        if (loaded != NULL) {
            *out = loaded;
            return ACG_OK;
        }
    }
    *out = acg_value_new_string(p->a, text, p->scratch.len);
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

/* A matched unquoted word: "\," becomes ",", trailing whitespace goes. */
static int word_value(struct parser *p, size_t start, size_t len, struct acg_value **out)
{
    uint32_t *w = malloc((len + 1) * sizeof *w);
    if (w == NULL)
        return ACG_ERR_NOMEM;
    memcpy(w, p->cp + start, len * sizeof *w);
    unescape_pair(w, &len, '\\', ',');
    while (len > 0 && acg_py_isspace(w[len - 1]))
        len--;
    int rc = make_string(p, w, len, out);
    free(w);
    return rc;
}

/* The end (one past the closing quote) of the quoted value at p->i, as the AWS CLI's
 * '(?:\\'|[^'])*' finds it: an unescaped quote closes it; failing that, the backtracking
 * expression settles on the last escaped quote. 0 when nothing matches. */
static size_t quoted_end(const struct parser *p, uint32_t q)
{
    size_t last_escaped = 0;
    for (size_t i = p->i + 1; i < p->n; i++) {
        if (p->cp[i] == '\\' && i + 1 < p->n && p->cp[i + 1] == q) {
            last_escaped = i + 1;
            i++;
        } else if (p->cp[i] == q) {
            return i + 1;
        }
    }
    return last_escaped != 0 ? last_escaped + 1 : 0;
}

static int quoted_value(struct parser *p, struct acg_value **out)
{
    uint32_t q = p->cp[p->i];
    size_t end = quoted_end(p, q);
    if (end == 0)
        return syntax_error(p, q == '\'' ? "<singled quoted>" : "<double quoted>", 0, "<none>");
    size_t len = end - p->i - 2;
    uint32_t *w = malloc((len + 1) * sizeof *w);
    if (w == NULL)
        return ACG_ERR_NOMEM;
    memcpy(w, p->cp + p->i + 1, len * sizeof *w);
    p->i = end;
    unescape_pair(w, &len, '\\', q);
    unescape_pair(w, &len, '\\', '\\');
    int rc = make_string(p, w, len, out);
    free(w);
    return rc;
}

/* ---- the grammar ---- */

static int values(struct parser *p, struct acg_value **out);
static int explicit_values(struct parser *p, struct acg_value **out);

static int key(struct parser *p, struct acg_value **out)
{
    size_t start = p->i;
    while (p->i < p->n && key_char(p->cp[p->i]))
        p->i++;
    acg_buf_reset(&p->scratch);
    if (put_cps(&p->scratch, p->cp + start, p->i - start) != ACG_OK)
        return ACG_ERR_NOMEM;
    *out = acg_value_new_string(p->a, p->scratch.data != NULL ? p->scratch.data : "",
                                p->scratch.len);
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

/* key, then "@=" (values read from files) or "=". */
static int key_and_equals(struct parser *p, struct acg_value **k)
{
    int rc = key(p, k);
    if (rc != ACG_OK)
        return rc;
    p->resolve = false;
    rc = expect(p, '@', true);
    if (rc == ACG_OK)
        p->resolve = true;
    else if (rc != SYNTAX)
        return rc;
    return expect(p, '=', true);
}

/* _value: an unquoted word, or "" when none starts here. */
static int plain_value(struct parser *p, struct acg_value **out)
{
    size_t len = match_word(p, first_follow);
    if (len == 0) {
        *out = acg_value_new_string(p->a, "", 0);
        return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    size_t start = p->i;
    p->i += len;
    return word_value(p, start, len, out);
}

static int first_value(struct parser *p, struct acg_value **out)
{
    uint32_t c = current(p);
    if (c == '\'' || c == '"')
        return quoted_value(p, out);
    return plain_value(p, out);
}

static int second_value(struct parser *p, struct acg_value **out)
{
    uint32_t c = current(p);
    if (c == '\'' || c == '"')
        return quoted_value(p, out);
    size_t len = match_word(p, second_follow);
    if (len == 0)
        return syntax_error(p, "<second>", 0, "<none>");
    size_t start = p->i;
    p->i += len;
    return word_value(p, start, len, out);
}

static int push(struct parser *p, struct acg_value *list, struct acg_value *item)
{
    return acg_value_array_push(p->a, list, item);
}

/* foo=bar gives "bar"; foo=bar,baz gives ["bar", "baz"]; in foo=a,b,c=d the list stops
 * before c, backing up to the comma that precedes it. */
static int csv_value(struct parser *p, struct acg_value **out)
{
    struct acg_value *first = NULL, *item = NULL;
    int rc = first_value(p, &first);
    if (rc != ACG_OK)
        return rc;
    skip_space(p);
    if (at_eof(p) || p->cp[p->i] != ',') {
        *out = first;
        return ACG_OK;
    }
    rc = expect(p, ',', true);
    if (rc != ACG_OK)
        return rc;
    struct acg_value *list = acg_value_new_array(p->a);
    if (list == NULL || push(p, list, first) != ACG_OK)
        return ACG_ERR_NOMEM;
    for (;;) {
        rc = second_value(p, &item);
        if (rc == ACG_OK) {
            skip_space(p);
            if (at_eof(p)) {
                rc = push(p, list, item);
                break;
            }
            rc = expect(p, ',', true);
            if (rc == ACG_OK) {
                rc = push(p, list, item);
                if (rc != ACG_OK)
                    return rc;
                continue;
            }
        }
        if (rc != SYNTAX || at_eof(p))
            return rc;
        while (p->i > 0 && p->cp[p->i] != ',')
            p->i--;
        rc = ACG_OK;
        break;
    }
    if (rc != ACG_OK)
        return rc;
    *out = list->u.arr.count == 1 ? first : list;
    return ACG_OK;
}

static int explicit_list(struct parser *p, struct acg_value **out)
{
    int rc = expect(p, '[', true);
    if (rc != ACG_OK)
        return rc;
    struct acg_value *list = acg_value_new_array(p->a);
    if (list == NULL)
        return ACG_ERR_NOMEM;
    while (current(p) != ']') {
        struct acg_value *item = NULL;
        rc = explicit_values(p, &item);
        if (rc == ACG_OK)
            rc = push(p, list, item);
        if (rc != ACG_OK)
            return rc;
        skip_space(p);
        if (current(p) != ']') {
            rc = expect(p, ',', false);
            if (rc != ACG_OK)
                return rc;
            skip_space(p);
        }
    }
    *out = list;
    return expect(p, ']', false);
}

static int hash_literal(struct parser *p, struct acg_value **out)
{
    int rc = expect(p, '{', true);
    if (rc != ACG_OK)
        return rc;
    struct acg_value *obj = acg_value_new_object(p->a);
    if (obj == NULL)
        return ACG_ERR_NOMEM;
    while (current(p) != '}') {
        struct acg_value *k = NULL, *v = NULL;
        rc = key_and_equals(p, &k);
        if (rc == ACG_OK)
            rc = explicit_values(p, &v);
        if (rc != ACG_OK)
            return rc;
        skip_space(p);
        if (current(p) != '}') {
            rc = expect(p, ',', false);
            if (rc != ACG_OK)
                return rc;
            skip_space(p);
        }
        /* A repeated key keeps its first place and takes the last value, as a dict. */
        rc = acg_value_object_set(p->a, obj, k->u.str.ptr, k->u.str.len, v);
        if (rc != ACG_OK)
            return rc;
    }
    *out = obj;
    return expect(p, '}', false);
}

/* Brackets nest through here and values(); both count the depth. */
static int nested(struct parser *p, struct acg_value **out, bool explicit_only)
{
    if (p->depth >= MAX_DEPTH) {
        acg_buf_reset(p->msg);
        if (acg_buf_printf(p->msg, "the value nests brackets deeper than %d levels",
                           MAX_DEPTH) != ACG_OK)
            return ACG_ERR_NOMEM;
        return ACG_SHORTHAND_ERROR;
    }
    p->depth++;
    int rc;
    uint32_t c = current(p);
    if (c == '[')
        rc = explicit_list(p, out);
    else if (c == '{')
        rc = hash_literal(p, out);
    else
        rc = explicit_only ? first_value(p, out) : csv_value(p, out);
    p->depth--;
    return rc;
}

static int explicit_values(struct parser *p, struct acg_value **out)
{
    return nested(p, out, true);
}

static int values(struct parser *p, struct acg_value **out)
{
    if (at_eof(p)) {
        *out = acg_value_new_string(p->a, "", 0);
        return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    return nested(p, out, false);
}

static int keyval(struct parser *p, struct acg_value **k, struct acg_value **v)
{
    int rc = key_and_equals(p, k);
    return rc == ACG_OK ? values(p, v) : rc;
}

static int parameter(struct parser *p, struct acg_value **out)
{
    struct acg_value *params = acg_value_new_object(p->a), *k = NULL, *v = NULL;
    if (params == NULL)
        return ACG_ERR_NOMEM;
    int rc = keyval(p, &k, &v);
    if (rc == ACG_OK)
        rc = acg_value_object_add(p->a, params, k->u.str.ptr, k->u.str.len, v);
    size_t last = p->i;
    while (rc == ACG_OK && p->i < p->n) {
        rc = expect(p, ',', true);
        if (rc == ACG_OK)
            rc = keyval(p, &k, &v);
        if (rc != ACG_OK)
            break;
        if (acg_value_object_get(params, k->u.str.ptr, k->u.str.len) != NULL)
            return duplicate_key(p, k, last + 1);
        rc = acg_value_object_add(p->a, params, k->u.str.ptr, k->u.str.len, v);
        last = p->i;
    }
    *out = params;
    return rc;
}

int acg_shorthand_parse(struct acg_arena *a, const char *text, size_t len,
                        const struct acg_shorthand_files *files, struct acg_value **out,
                        struct acg_buf *msg)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    *out = NULL;
    if (acg_utf8_length(text, len) < 0) {
        return acg_buf_append_str(msg, "the value is not valid UTF-8") == ACG_OK
                   ? ACG_SHORTHAND_ERROR
                   : ACG_ERR_NOMEM;
    }
    uint32_t *cp = acg_py_codepoints(text, len, &p.n);
    if (cp == NULL)
        return ACG_ERR_NOMEM;
    p.a = a;
    p.cp = cp;
    p.files = files;
    p.msg = msg;
    acg_buf_init(&p.scratch, 0);
    struct acg_value *v = NULL;
    int rc = parameter(&p, &v);
    if (rc == SYNTAX)
        rc = render_syntax(&p);
    if (rc == ACG_OK)
        *out = v;
    acg_buf_free_secure(&p.scratch);
    free(cp);
    return rc;
}
