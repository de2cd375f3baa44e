/* The JMESPath lexer: the Python library's, token for token, quirks included (a backslash
 * keeps the character after it in raw strings and literals; a literal that is not JSON is
 * read as a JSON string, the deprecated JEP-12 form). Working on bytes is the same as the
 * library's working on code points, since every delimiter is ASCII and no byte of a
 * multi-byte UTF-8 sequence is. */
#include <math.h>
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
    if (tok != NULL)
        *tok = t;
    return ACG_OK;
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
        if (lx->pos >= lx->len)
            return jp_syntax_error(lx->err, lx->s, start, "unclosed %c delimiter", delim);
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
            return jp_syntax_error(lx->err, lx->s, start, "bad literal `%.*s`",
                                   (int)(n > 40 ? 40 : n), text);
    }
    t->literal = v;
    return ACG_OK;
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
    if (v == NULL || v->type != ACG_VALUE_STRING)
        return jp_syntax_error(lx->err, lx->s, start, "invalid quoted identifier");
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
        return jp_syntax_error(lx->err, lx->s, start, "unknown token '-'");
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
        return jp_syntax_error(lx->err, lx->s, lx->pos, "unknown token '='");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return lex_number(lx);
        return jp_syntax_error(lx->err, lx->s, lx->pos, "unknown token");
    }
}

int jp_lex(const char *expr, size_t len, struct acg_arena *arena, struct jp_token **out,
           size_t *count, struct acg_error *err)
{
    struct lexer lx = {.s = expr, .len = len, .arena = arena, .err = err};
    *out = NULL;
    *count = 0;
    if (len == 0)
        return jp_syntax_error(err, expr, 0, "empty expression");
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
