/* The JMESPath lexer: the Python library's, token for token, quirks included (a backslash
 * keeps the character after it in raw strings and literals; a literal that is not JSON is
 * read as a JSON string, the deprecated JEP-12 form). Working on bytes is the same as the
 * library's working on code points, since every delimiter is ASCII and no byte of a
 * multi-byte UTF-8 sequence is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_text_private.h"
#include "jp_private.h"

#define NUMBER_CLAMP ((int64_t)1 << 62)

struct lexer {
    const char *s;
    size_t len;
    size_t pos;
    struct acg_arena *arena;
    struct acg_error *err;
    struct jp_token *toks;
    size_t count;
    size_t cap;
};

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int add(struct lexer *lx, enum jp_tok type, size_t start, struct jp_token **tok)
{
    if (lx->count == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 16;
        struct jp_token *t = realloc(lx->toks, cap * sizeof *t);
        if (t == NULL)
            return jp_nomem(lx->err);
        lx->toks = t;
        lx->cap = cap;
    }
    struct jp_token *t = &lx->toks[lx->count++];
    memset(t, 0, sizeof *t);
    t->type = type;
    t->start = start;
    t->end = lx->pos;
    if (tok != NULL)
        *tok = t;
    return ACG_OK;
}

/* LexerError at byte offset pos, its message prefix followed by n bytes of text. */
static int lex_error(struct lexer *lx, size_t pos, const char *prefix, const char *text, size_t n)
{
    struct acg_buf m;
    acg_buf_init(&m, 0);
    if (acg_buf_append_str(&m, prefix) != ACG_OK || acg_buf_append(&m, text, n) != ACG_OK) {
        acg_buf_free(&m);
        return jp_nomem(lx->err);
    }
    return jp_lexer_error(lx->err, lx->s, lx->len, pos, &m);
}

/* Reads up to the closing delimiter; a backslash keeps itself and the byte after it. The
 * text (without delimiters) goes to the arena in *out. */
static int consume_until(struct lexer *lx, char delim, char **out, size_t *out_len)
{
    size_t start = lx->pos++;
    char *buf = acg_arena_calloc(lx->arena, lx->len - start + 1, 1);
    if (buf == NULL)
        return jp_nomem(lx->err);
    size_t n = 0;
    for (;;) {
        if (lx->pos < lx->len && lx->s[lx->pos] == delim)
            break;
        if (lx->pos < lx->len && lx->s[lx->pos] == '\\')
            buf[n++] = lx->s[lx->pos++];
        if (lx->pos >= lx->len) {
            char what[32];
            snprintf(what, sizeof what, "Unclosed %c delimiter", delim);
            return lex_error(lx, start, what, "", 0);
        }
        buf[n++] = lx->s[lx->pos++];
    }
    lx->pos++;
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return ACG_OK;
}

/* Python's str.replace(old, new) for a two-byte old "\\" delim and a one-byte new: removes
 * the backslash of each escaped delimiter, left to right. */
static size_t unescape_delim(char *s, size_t n, char delim)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == delim)
            continue;
        s[o++] = s[i];
    }
    s[o] = '\0';
    return o;
}

static bool json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Python's json.loads reads NaN, Infinity and -Infinity as floats; the strict scanner does
 * not, so a literal that is exactly one of them is recognised here. */
static const struct acg_value *non_finite_literal(struct lexer *lx, const char *s, size_t n)
{
    while (n > 0 && json_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && json_space(s[n - 1]))
        n--;
    double d;
    if (n == 3 && memcmp(s, "NaN", 3) == 0)
        d = NAN;
    else if (n == 8 && memcmp(s, "Infinity", 8) == 0)
        d = INFINITY;
    else if (n == 9 && memcmp(s, "-Infinity", 9) == 0)
        d = -INFINITY;
    else
        return NULL;
    return acg_value_new_double(lx->arena, d);
}

/* Parses text as JSON; *out stays NULL (and no error is recorded) when it is not JSON. */
static int try_json(struct lexer *lx, const char *text, size_t n, struct acg_value **out)
{
    struct acg_error scratch;
    acg_error_init(&scratch);
    int rc = acg_value_parse(lx->arena, text, n, out, &scratch);
    if (rc == ACG_ERR_NOMEM)
        return jp_nomem(lx->err);
    return ACG_OK;
}

static int lex_literal(struct lexer *lx)
{
    size_t start = lx->pos;
    char *text;
    size_t n;
    ACG_TRY(consume_until(lx, '`', &text, &n));
    n = unescape_delim(text, n, '`');
    struct jp_token *t;
    ACG_TRY(add(lx, JP_LITERAL, start, &t));
    struct acg_value *v = (struct acg_value *)non_finite_literal(lx, text, n);
    if (v == NULL)
        ACG_TRY(try_json(lx, text, n, &v));
    if (v == NULL) {
        /* JEP-12's deprecated form: the text, left-stripped, as the body of a JSON string. */
        size_t skip = 0, w;
        while (skip < n && (w = jp_py_space_len(text + skip, n - skip)) > 0)
            skip += w;
        char *quoted = acg_arena_calloc(lx->arena, n - skip + 3, 1);
        if (quoted == NULL)
            return jp_nomem(lx->err);
        quoted[0] = '"';
        memcpy(quoted + 1, text + skip, n - skip);
        quoted[n - skip + 1] = '"';
        ACG_TRY(try_json(lx, quoted, n - skip + 2, &v));
        if (v == NULL || v->type != ACG_VALUE_STRING)
            return lex_error(lx, start, "Bad token ", text, n);
    }
    t->literal = v;
    return ACG_OK;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* What json.loads says (the part before its first ':') about the body of a quoted
 * identifier, found in the order its scanner meets the faults; NULL for none of them. */
static const char *json_string_error(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20)
            return "Invalid control character at";
        if (s[i] != '\\')
            continue;
        char e = ++i < n ? s[i] : '\0';
        if (e == 'u') {
            for (size_t k = 1; k <= 4; k++) {
                if (i + k >= n || !is_hex(s[i + k]))
                    return "Invalid \\uXXXX escape";
            }
            i += 4;
        } else if (e == '\0' || strchr("\"\\/bfnrt", e) == NULL) {
            return "Invalid \\escape";
        }
    }
    return NULL;
}

static int lex_quoted_identifier(struct lexer *lx)
{
    size_t start = lx->pos;
    char *text;
    size_t n;
    ACG_TRY(consume_until(lx, '"', &text, &n));
    char *quoted = acg_arena_calloc(lx->arena, n + 3, 1);
    if (quoted == NULL)
        return jp_nomem(lx->err);
    quoted[0] = '"';
    memcpy(quoted + 1, text, n);
    quoted[n + 1] = '"';
    struct acg_value *v = NULL;
    ACG_TRY(try_json(lx, quoted, n + 2, &v));
    if (v == NULL || v->type != ACG_VALUE_STRING) {
        /* Python takes an unpaired surrogate escape, which this JSON reader refuses */
        const char *why = json_string_error(text, n);
        why = why != NULL ? why : "Invalid \\uXXXX escape";
        return lex_error(lx, start, why, "", 0);
    }
    struct jp_token *t;
    ACG_TRY(add(lx, JP_QUOTED_IDENTIFIER, start, &t));
    t->str = v->u.str.ptr;
    t->len = v->u.str.len;
    return ACG_OK;
}

static int lex_raw_string(struct lexer *lx)
{
    size_t start = lx->pos;
    char *text;
    size_t n;
    ACG_TRY(consume_until(lx, '\'', &text, &n));
    n = unescape_delim(text, n, '\'');
    struct acg_value *v = acg_value_new_string(lx->arena, text, n);
    struct jp_token *t;
    if (v == NULL)
        return jp_nomem(lx->err);
    ACG_TRY(add(lx, JP_LITERAL, start, &t));
    t->literal = v;
    return ACG_OK;
}

static int lex_number(struct lexer *lx)
{
    size_t start = lx->pos;
    bool neg = lx->s[lx->pos] == '-';
    if (neg)
        lx->pos++;
    int64_t v = 0;
    size_t digits = 0;
    while (lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9') {
        v = v <= NUMBER_CLAMP / 10 ? v * 10 + (lx->s[lx->pos] - '0') : NUMBER_CLAMP;
        lx->pos++;
        digits++;
    }
    if (digits == 0)
        return lex_error(lx, start, "Unknown token '-'", "", 0);
    struct jp_token *t;
    ACG_TRY(add(lx, JP_NUMBER, start, &t));
    if (v > NUMBER_CLAMP)
        v = NUMBER_CLAMP;
    t->number = neg ? -v : v;
    return ACG_OK;
}

/* One of the two-character operators, or the one-character token when the second
 * character does not follow. */
static int match_or_else(struct lexer *lx, char second, enum jp_tok both, enum jp_tok one)
{
    size_t start = lx->pos++;
    if (lx->pos < lx->len && lx->s[lx->pos] == second) {
        lx->pos++;
        return add(lx, both, start, NULL);
    }
    return add(lx, one, start, NULL);
}

static int lex_bracket(struct lexer *lx)
{
    size_t start = lx->pos++;
    if (lx->pos < lx->len && lx->s[lx->pos] == ']') {
        lx->pos++;
        return add(lx, JP_FLATTEN, start, NULL);
    }
    if (lx->pos < lx->len && lx->s[lx->pos] == '?') {
        lx->pos++;
        return add(lx, JP_FILTER, start, NULL);
    }
    return add(lx, JP_LBRACKET, start, NULL);
}

static int simple_token(char c, enum jp_tok *type)
{
    switch (c) {
    case '.': *type = JP_DOT; return 1;
    case '*': *type = JP_STAR; return 1;
    case ']': *type = JP_RBRACKET; return 1;
    case ',': *type = JP_COMMA; return 1;
    case ':': *type = JP_COLON; return 1;
    case '@': *type = JP_CURRENT; return 1;
    case '(': *type = JP_LPAREN; return 1;
    case ')': *type = JP_RPAREN; return 1;
    case '{': *type = JP_LBRACE; return 1;
    case '}': *type = JP_RBRACE; return 1;
    default: return 0;
    }
}

static int lex_one(struct lexer *lx)
{
    char c = lx->s[lx->pos];
    enum jp_tok type;
    if (simple_token(c, &type)) {
        lx->pos++;
        return add(lx, type, lx->pos - 1, NULL);
    }
    if (is_ident_start((unsigned char)c)) {
        size_t start = lx->pos;
        while (lx->pos < lx->len && is_ident((unsigned char)lx->s[lx->pos]))
            lx->pos++;
        struct jp_token *t;
        ACG_TRY(add(lx, JP_UNQUOTED_IDENTIFIER, start, &t));
        t->str = acg_arena_strndup(lx->arena, lx->s + start, lx->pos - start);
        t->len = lx->pos - start;
        return t->str != NULL ? ACG_OK : jp_nomem(lx->err);
    }
    switch (c) {
    case ' ': case '\t': case '\n': case '\r': lx->pos++; return ACG_OK;
    case '[': return lex_bracket(lx);
    case '\'': return lex_raw_string(lx);
    case '|': return match_or_else(lx, '|', JP_OR, JP_PIPE);
    case '&': return match_or_else(lx, '&', JP_AND, JP_EXPREF);
    case '`': return lex_literal(lx);
    case '"': return lex_quoted_identifier(lx);
    case '<': return match_or_else(lx, '=', JP_LTE, JP_LT);
    case '>': return match_or_else(lx, '=', JP_GTE, JP_GT);
    case '!': return match_or_else(lx, '=', JP_NE, JP_NOT);
    case '=':
        if (lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '=') {
            lx->pos += 2;
            return add(lx, JP_EQ, lx->pos - 2, NULL);
        }
        return lex_error(lx, lx->pos, "Unknown token '='", "", 0);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return lex_number(lx);
        size_t k;
        (void)jp_decode(lx->s + lx->pos, lx->len - lx->pos, &k);
        return lex_error(lx, lx->pos, "Unknown token ", lx->s + lx->pos, k);
    }
}

int jp_lex(const char *expr, size_t len, struct acg_arena *arena, struct jp_token **out,
           size_t *count, struct acg_error *err)
{
    struct lexer lx = {.s = expr, .len = len, .arena = arena, .err = err};
    *out = NULL;
    *count = 0;
    if (len == 0)
        return jp_fail(err, ACG_JMESPATH_ERROR_SYNTAX, "column 0",
                       "Invalid JMESPath expression: cannot be empty.");
    int rc = ACG_OK;
    while (rc == ACG_OK && lx.pos < lx.len)
        rc = lex_one(&lx);
    if (rc == ACG_OK)
        rc = add(&lx, JP_EOF, len, NULL);
    if (rc != ACG_OK) {
        free(lx.toks);
        return rc;
    }
    *out = lx.toks;
    *count = lx.count;
    return ACG_OK;
}
