/* The JMESPath parser: the Python library's top-down operator precedence (Pratt) parser,
 * rule for rule, so every expression gives the same tree there and here, including what
 * the library tolerates (a missing comma between function arguments or hash pairs, a
 * trailing comma in an argument list, [0][1:2] not projecting). Recursion is counted and
 * bounded by ACG_JMESPATH_MAX_NESTING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp_private.h"

/* Tokens with a binding power below this stop a projection. */
#define PROJECTION_STOP 10

struct parser {
    const char *expr;
    size_t len;
    struct jp_token *toks;
    size_t i;
    struct acg_arena *arena;
    struct acg_error *err;
    int depth;
};

int jp_binding_power(enum jp_tok t)
{
    switch (t) {
    case JP_PIPE: return 1;
    case JP_OR: return 2;
    case JP_AND: return 3;
    case JP_EQ: case JP_GT: case JP_LT: case JP_GTE: case JP_LTE: case JP_NE: return 5;
    case JP_FLATTEN: return 9;
    case JP_STAR: return 20;
    case JP_FILTER: return 21;
    case JP_DOT: return 40;
    case JP_NOT: return 45;
    case JP_LBRACE: return 50;
    case JP_LBRACKET: return 55;
    case JP_LPAREN: return 60;
    default: return 0;
    }
}

/* The Python lexer's token types, in enum jp_tok's order. */
static const char *const tok_names[] = {
    "eof", "unquoted_identifier", "quoted_identifier", "literal", "rbracket", "rparen",
    "comma", "rbrace", "number", "current", "expref", "colon", "pipe", "or", "and", "eq", "gt",
    "lt", "gte", "lte", "ne", "flatten", "star", "filter", "dot", "not", "lbrace", "lbracket",
    "lparen",
};

/* Their values where the text is fixed. */
static const char *const tok_texts[] = {
    "", "", "", "", "]", ")", ",", "}", "", "@", "&", ":", "|", "||", "&&", "==", ">", "<", ">=",
    "<=", "!=", "[]", "*", "[?", ".", "!", "{", "[", "(",
};

const char *jp_tok_name(enum jp_tok t)
{
    return (size_t)t < sizeof tok_names / sizeof tok_names[0] ? tok_names[t] : "unknown";
}

static const struct jp_token *cur(const struct parser *p)
{
    return &p->toks[p->i];
}

static enum jp_tok cur_type(const struct parser *p)
{
    return p->toks[p->i].type;
}

/* The type of the token n places ahead; the end token repeats past the end. */
static enum jp_tok ahead(const struct parser *p, size_t n)
{
    size_t i = p->i;
    while (n-- > 0 && p->toks[i].type != JP_EOF)
        i++;
    return p->toks[i].type;
}

static void advance(struct parser *p)
{
    if (p->toks[p->i].type != JP_EOF)
        p->i++;
}

/* str(int(text)) of a number token: no leading zeros, no "-0". */
static int number_text(struct acg_buf *b, const char *s, size_t n)
{
    bool neg = n > 0 && s[0] == '-';
    size_t i = neg;
    while (i + 1 < n && s[i] == '0')
        i++;
    if (neg && !(n - i == 1 && s[i] == '0'))
        ACG_TRY(acg_buf_append_char(b, '-'));
    return acg_buf_append(b, s + i, n - i);
}

/* The token's value as ParseError prints it: str() of what the Python lexer yields. */
static int token_value(const struct parser *p, const struct jp_token *t, struct acg_buf *b)
{
    switch (t->type) {
    case JP_UNQUOTED_IDENTIFIER:
    case JP_QUOTED_IDENTIFIER: return acg_buf_append(b, t->str, t->len);
    case JP_LITERAL: return jp_py_str(b, t->literal);
    case JP_NUMBER: return number_text(b, p->expr + t->start, t->end - t->start);
    default: return acg_buf_append_str(b, tok_texts[t->type]);
    }
}

/* ParseError naming token t, at column col. */
static int fail_at(struct parser *p, const struct jp_token *t, size_t col, const char *msg)
{
    struct acg_buf value;
    acg_buf_init(&value, 0);
    if (token_value(p, t, &value) != ACG_OK) {
        acg_buf_free(&value);
        return jp_nomem(p->err);
    }
    return jp_parse_error(p->err, p->expr, p->len, col, msg, &value, tok_names[t->type]);
}

static int fail(struct parser *p, const struct jp_token *t, const char *msg)
{
    return fail_at(p, t, jp_column(p->expr, t->start), msg);
}

/* ParseError whose message is prefix and the token's value ("Unexpected token: x"). */
static int fail_with_value(struct parser *p, const struct jp_token *t, size_t col,
                           const char *prefix, const char *suffix)
{
    struct acg_buf msg;
    acg_buf_init(&msg, 0);
    if (acg_buf_append_str(&msg, prefix) != ACG_OK || token_value(p, t, &msg) != ACG_OK ||
        acg_buf_append_str(&msg, suffix) != ACG_OK) {
        acg_buf_free(&msg);
        return jp_nomem(p->err);
    }
    int rc = fail_at(p, t, col, msg.data);
    acg_buf_free(&msg);
    return rc;
}

/* _raise_parse_error_maybe_eof: the end of the expression makes it incomplete. */
static int fail_expecting(struct parser *p, const struct jp_token *t, const char *expected)
{
    if (t->type == JP_EOF)
        return jp_incomplete_error(p->err, p->expr, p->len);
    char msg[160];
    snprintf(msg, sizeof msg, "Expecting: %s, got: %s", expected, tok_names[t->type]);
    return fail(p, t, msg);
}

static int match(struct parser *p, enum jp_tok type)
{
    if (cur_type(p) != type)
        return fail_expecting(p, cur(p), tok_names[type]);
    advance(p);
    return ACG_OK;
}

static int new_node(struct parser *p, enum jp_node_type type, struct jp_node **out)
{
    *out = acg_arena_calloc(p->arena, 1, sizeof **out);
    if (*out == NULL)
        return jp_nomem(p->err);
    (*out)->type = type;
    return ACG_OK;
}

static int add_kid(struct parser *p, struct jp_node *n, struct jp_node *kid)
{
    if (n->nkids == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 2;
        struct jp_node **k = acg_arena_calloc(p->arena, cap, sizeof *k);
        if (k == NULL)
            return jp_nomem(p->err);
        if (n->nkids > 0)
            memcpy(k, n->kids, n->nkids * sizeof *k);
        n->kids = k;
        n->cap = cap;
    }
    n->kids[n->nkids++] = kid;
    return ACG_OK;
}

/* A node with up to three children (NULL ones are left out). */
static int make(struct parser *p, enum jp_node_type type, struct jp_node *a, struct jp_node *b,
                struct jp_node *c, struct jp_node **out)
{
    ACG_TRY(new_node(p, type, out));
    struct jp_node *kids[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        if (kids[i] != NULL)
            ACG_TRY(add_kid(p, *out, kids[i]));
    }
    return ACG_OK;
}

static int identity(struct parser *p, struct jp_node **out)
{
    return new_node(p, JP_N_IDENTITY, out);
}

static int expression(struct parser *p, int bp, struct jp_node **out);

static int projection_rhs(struct parser *p, int bp, struct jp_node **out);
static int multi_select_list(struct parser *p, struct jp_node **out);
static int multi_select_hash(struct parser *p, struct jp_node **out);

/* After '.': an identifier, '*', a multi-select list or hash (or a function call). */
static int dot_rhs(struct parser *p, int bp, struct jp_node **out)
{
    switch (cur_type(p)) {
    case JP_QUOTED_IDENTIFIER:
    case JP_UNQUOTED_IDENTIFIER:
    case JP_STAR:
        return expression(p, bp, out);
    case JP_LBRACKET:
        advance(p);
        return multi_select_list(p, out);
    case JP_LBRACE:
        advance(p);
        return multi_select_hash(p, out);
    default: {
        char msg[160];
        snprintf(msg, sizeof msg, "Expecting: ['quoted_identifier', 'unquoted_identifier', "
                 "'lbracket', 'lbrace'], got: %s", tok_names[cur_type(p)]);
        return fail(p, cur(p), msg);
    }
    }
}

static int projection_rhs(struct parser *p, int bp, struct jp_node **out)
{
    enum jp_tok t = cur_type(p);
    if (jp_binding_power(t) < PROJECTION_STOP)
        return identity(p, out);
    if (t == JP_LBRACKET || t == JP_FILTER)
        return expression(p, bp, out);
    if (t == JP_DOT) {
        advance(p);
        return dot_rhs(p, bp, out);
    }
    return fail(p, cur(p), "syntax error");
}

/* [start:stop:step], each part optional. A second number in one part replaces the first,
 * as in the Python library. */
static int slice_expression(struct parser *p, struct jp_node **out)
{
    ACG_TRY(new_node(p, JP_N_SLICE, out));
    int part = 0;
    while (cur_type(p) != JP_RBRACKET && part < 3) {
        if (cur_type(p) == JP_COLON) {
            if (++part == 3)
                return fail(p, cur(p), "syntax error");
            advance(p);
        } else if (cur_type(p) == JP_NUMBER) {
            (*out)->slice[part] = cur(p)->number;
            (*out)->has[part] = true;
            advance(p);
        } else {
            return fail(p, cur(p), "syntax error");
        }
    }
    return match(p, JP_RBRACKET);
}

static int index_expression(struct parser *p, struct jp_node **out)
{
    if (ahead(p, 0) == JP_COLON || ahead(p, 1) == JP_COLON)
        return slice_expression(p, out);
    ACG_TRY(new_node(p, JP_N_INDEX, out));
    (*out)->index = cur(p)->number;
    advance(p);
    return match(p, JP_RBRACKET);
}

static int project_if_slice(struct parser *p, struct jp_node *left, struct jp_node *right,
                            struct jp_node **out)
{
    struct jp_node *ix, *rhs;
    ACG_TRY(make(p, JP_N_INDEX_EXPRESSION, left, right, NULL, &ix));
    if (right->type != JP_N_SLICE) {
        *out = ix;
        return ACG_OK;
    }
    ACG_TRY(projection_rhs(p, jp_binding_power(JP_STAR), &rhs));
    return make(p, JP_N_PROJECTION, ix, rhs, NULL, out);
}

static int multi_select_list(struct parser *p, struct jp_node **out)
{
    ACG_TRY(new_node(p, JP_N_MULTI_LIST, out));
    for (;;) {
        struct jp_node *e;
        ACG_TRY(expression(p, 0, &e));
        ACG_TRY(add_kid(p, *out, e));
        if (cur_type(p) == JP_RBRACKET)
            break;
        ACG_TRY(match(p, JP_COMMA));
    }
    return match(p, JP_RBRACKET);
}

static int add_key(struct parser *p, struct jp_node *n, const char *key, size_t len)
{
    /* keys grow with kids: the same capacity doubling, one step behind */
    const char **keys = acg_arena_calloc(p->arena, n->nkids + 1, sizeof *keys);
    size_t *lens = acg_arena_calloc(p->arena, n->nkids + 1, sizeof *lens);
    if (keys == NULL || lens == NULL)
        return jp_nomem(p->err);
    if (n->nkids > 0) {
        memcpy(keys, n->keys, n->nkids * sizeof *keys);
        memcpy(lens, n->key_lens, n->nkids * sizeof *lens);
    }
    keys[n->nkids] = key;
    lens[n->nkids] = len;
    n->keys = keys;
    n->key_lens = lens;
    return ACG_OK;
}

static int multi_select_hash(struct parser *p, struct jp_node **out)
{
    ACG_TRY(new_node(p, JP_N_MULTI_HASH, out));
    for (;;) {
        const struct jp_token *key = cur(p);
        if (key->type != JP_QUOTED_IDENTIFIER && key->type != JP_UNQUOTED_IDENTIFIER)
            return fail_expecting(p, key, "['quoted_identifier', 'unquoted_identifier']");
        advance(p);
        ACG_TRY(match(p, JP_COLON));
        struct jp_node *value = NULL;
        ACG_TRY(expression(p, 0, &value));
        ACG_TRY(add_key(p, *out, key->str, key->len));
        ACG_TRY(add_kid(p, *out, value));
        if (cur_type(p) == JP_COMMA) {
            advance(p);
        } else if (cur_type(p) == JP_RBRACE) {
            advance(p);
            break;
        }
    }
    return ACG_OK;
}

static int nud_lbracket(struct parser *p, struct jp_node **out)
{
    struct jp_node *left = NULL, *right = NULL;
    enum jp_tok t = cur_type(p);
    if (t == JP_NUMBER || t == JP_COLON) {
        ACG_TRY(identity(p, &left));
        ACG_TRY(index_expression(p, &right));
        return project_if_slice(p, left, right, out);
    }
    if (t == JP_STAR && ahead(p, 1) == JP_RBRACKET) {
        advance(p);
        advance(p);
        ACG_TRY(identity(p, &left));
        ACG_TRY(projection_rhs(p, jp_binding_power(JP_STAR), &right));
        return make(p, JP_N_PROJECTION, left, right, NULL, out);
    }
    return multi_select_list(p, out);
}

static int led_filter(struct parser *p, struct jp_node *left, struct jp_node **out)
{
    struct jp_node *cond = NULL, *right = NULL;
    ACG_TRY(expression(p, 0, &cond));
    ACG_TRY(match(p, JP_RBRACKET));
    if (cur_type(p) == JP_FLATTEN)
        ACG_TRY(identity(p, &right));
    else
        ACG_TRY(projection_rhs(p, jp_binding_power(JP_FILTER), &right));
    return make(p, JP_N_FILTER_PROJECTION, left, right, cond, out);
}

static int nud(struct parser *p, const struct jp_token *t, struct jp_node **out)
{
    struct jp_node *left = NULL, *right = NULL;
    switch (t->type) {
    case JP_LITERAL:
        ACG_TRY(new_node(p, JP_N_LITERAL, out));
        (*out)->literal = t->literal;
        return ACG_OK;
    case JP_QUOTED_IDENTIFIER:
        if (cur_type(p) == JP_LPAREN) /* the library says column 0 */
            return fail_at(p, cur(p), 0, "Quoted identifier not allowed for function names.");
        /* fall through */
    case JP_UNQUOTED_IDENTIFIER:
        ACG_TRY(new_node(p, JP_N_FIELD, out));
        (*out)->name = t->str;
        (*out)->name_len = t->len;
        return ACG_OK;
    case JP_STAR:
        ACG_TRY(identity(p, &left));
        if (cur_type(p) == JP_RBRACKET)
            ACG_TRY(identity(p, &right));
        else
            ACG_TRY(projection_rhs(p, jp_binding_power(JP_STAR), &right));
        return make(p, JP_N_VALUE_PROJECTION, left, right, NULL, out);
    case JP_FILTER:
        ACG_TRY(identity(p, &left));
        return led_filter(p, left, out);
    case JP_LBRACE:
        return multi_select_hash(p, out);
    case JP_LPAREN:
        ACG_TRY(expression(p, 0, out));
        return match(p, JP_RPAREN);
    case JP_FLATTEN:
        ACG_TRY(identity(p, &left));
        ACG_TRY(make(p, JP_N_FLATTEN, left, NULL, NULL, &left));
        ACG_TRY(projection_rhs(p, jp_binding_power(JP_FLATTEN), &right));
        return make(p, JP_N_PROJECTION, left, right, NULL, out);
    case JP_NOT:
        ACG_TRY(expression(p, jp_binding_power(JP_NOT), &left));
        return make(p, JP_N_NOT, left, NULL, NULL, out);
    case JP_LBRACKET:
        return nud_lbracket(p, out);
    case JP_CURRENT:
        return new_node(p, JP_N_CURRENT, out);
    case JP_EXPREF:
        ACG_TRY(expression(p, jp_binding_power(JP_EXPREF), &left));
        return make(p, JP_N_EXPREF, left, NULL, NULL, out);
    default:
        if (t->type == JP_EOF)
            return jp_incomplete_error(p->err, p->expr, p->len);
        return fail(p, t, "invalid token");
    }
}

static int led_function(struct parser *p, struct jp_node *left, struct jp_node **out)
{
    if (left->type != JP_N_FIELD) { /* named by the token before '(' */
        const struct jp_token *name = &p->toks[p->i - 2];
        return fail_with_value(p, name, jp_column(p->expr, name->start),
                               "Invalid function name '", "'");
    }
    ACG_TRY(new_node(p, JP_N_FUNCTION, out));
    (*out)->name = left->name;
    (*out)->name_len = left->name_len;
    (*out)->function = jp_function_lookup(left->name, left->name_len);
    while (cur_type(p) != JP_RPAREN) {
        struct jp_node *arg;
        ACG_TRY(expression(p, 0, &arg));
        if (cur_type(p) == JP_COMMA)
            advance(p);
        ACG_TRY(add_kid(p, *out, arg));
    }
    return match(p, JP_RPAREN);
}

static int led_lbracket(struct parser *p, struct jp_node *left, struct jp_node **out)
{
    struct jp_node *right = NULL;
    enum jp_tok t = cur_type(p);
    if (t == JP_NUMBER || t == JP_COLON) {
        ACG_TRY(index_expression(p, &right));
        if (left->type == JP_N_INDEX_EXPRESSION) {
            ACG_TRY(add_kid(p, left, right));
            *out = left;
            return ACG_OK;
        }
        return project_if_slice(p, left, right, out);
    }
    ACG_TRY(match(p, JP_STAR));
    ACG_TRY(match(p, JP_RBRACKET));
    ACG_TRY(projection_rhs(p, jp_binding_power(JP_STAR), &right));
    return make(p, JP_N_PROJECTION, left, right, NULL, out);
}

static int led(struct parser *p, enum jp_tok t, struct jp_node *left, struct jp_node **out)
{
    struct jp_node *right = NULL;
    switch (t) {
    case JP_DOT:
        if (cur_type(p) != JP_STAR) {
            ACG_TRY(dot_rhs(p, jp_binding_power(JP_DOT), &right));
            if (left->type == JP_N_SUBEXPRESSION) {
                ACG_TRY(add_kid(p, left, right));
                *out = left;
                return ACG_OK;
            }
            return make(p, JP_N_SUBEXPRESSION, left, right, NULL, out);
        }
        advance(p);
        ACG_TRY(projection_rhs(p, jp_binding_power(JP_DOT), &right));
        return make(p, JP_N_VALUE_PROJECTION, left, right, NULL, out);
    case JP_PIPE:
    case JP_OR:
    case JP_AND:
        ACG_TRY(expression(p, jp_binding_power(t), &right));
        return make(p, t == JP_PIPE ? JP_N_PIPE : t == JP_OR ? JP_N_OR : JP_N_AND, left, right,
                    NULL, out);
    case JP_LPAREN:
        return led_function(p, left, out);
    case JP_FILTER:
        return led_filter(p, left, out);
    case JP_EQ: case JP_NE: case JP_GT: case JP_GTE: case JP_LT: case JP_LTE:
        ACG_TRY(expression(p, jp_binding_power(t), &right));
        ACG_TRY(make(p, JP_N_COMPARATOR, left, right, NULL, out));
        (*out)->op = t;
        return ACG_OK;
    case JP_FLATTEN:
        ACG_TRY(make(p, JP_N_FLATTEN, left, NULL, NULL, &left));
        ACG_TRY(projection_rhs(p, jp_binding_power(JP_FLATTEN), &right));
        return make(p, JP_N_PROJECTION, left, right, NULL, out);
    case JP_LBRACKET:
        return led_lbracket(p, left, out);
    default:
        return fail(p, &p->toks[p->i - 1], "invalid token");
    }
}

static bool has_led(enum jp_tok t)
{
    switch (t) {
    case JP_DOT: case JP_PIPE: case JP_OR: case JP_AND: case JP_LPAREN: case JP_FILTER:
    case JP_EQ: case JP_NE: case JP_GT: case JP_GTE: case JP_LT: case JP_LTE:
    case JP_FLATTEN: case JP_LBRACKET:
        return true;
    default:
        return false;
    }
}

static int expression(struct parser *p, int bp, struct jp_node **out)
{
    if (p->depth >= ACG_JMESPATH_MAX_NESTING)
        return jp_error_at(p->err, ACG_JMESPATH_ERROR_LIMIT, p->expr, cur(p)->start,
                           "expression nested deeper than %d levels", ACG_JMESPATH_MAX_NESTING);
    p->depth++;
    const struct jp_token *t = cur(p);
    struct jp_node *left = NULL;
    advance(p);
    ACG_TRY(nud(p, t, &left));
    while (bp < jp_binding_power(cur_type(p))) {
        enum jp_tok op = cur_type(p);
        if (!has_led(op))
            return fail(p, cur(p), "invalid token");
        advance(p);
        ACG_TRY(led(p, op, left, &left));
    }
    p->depth--;
    *out = left;
    return ACG_OK;
}

int jp_parse(const char *expr, size_t len, struct acg_arena *arena, struct jp_node **root,
             struct acg_error *err)
{
    struct parser p = {.expr = expr, .len = len, .arena = arena, .err = err};
    size_t count;
    *root = NULL;
    ACG_TRY(jp_lex(expr, len, arena, &p.toks, &count, err));
    int rc = expression(&p, 0, root);
    if (rc == ACG_OK && cur_type(&p) != JP_EOF)
        rc = fail_with_value(&p, cur(&p), jp_column(expr, cur(&p)->start), "Unexpected token: ",
                             "");
    free(p.toks);
    if (rc != ACG_OK)
        *root = NULL;
    return rc;
}
