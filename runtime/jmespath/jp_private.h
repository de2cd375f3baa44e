/* What the JMESPath lexer, parser, evaluator and functions share: tokens, the syntax tree,
 * the evaluation context and the error helpers. Not installed. */
#ifndef ACG_JP_PRIVATE_H
#define ACG_JP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jmespath/acg_jmespath.h"

/* ---- tokens (the Python library's lexer, token for token) ---- */

enum jp_tok {
    JP_EOF, JP_UNQUOTED_IDENTIFIER, JP_QUOTED_IDENTIFIER, JP_LITERAL, JP_RBRACKET, JP_RPAREN,
    JP_COMMA, JP_RBRACE, JP_NUMBER, JP_CURRENT, JP_EXPREF, JP_COLON, JP_PIPE, JP_OR, JP_AND,
    JP_EQ, JP_GT, JP_LT, JP_GTE, JP_LTE, JP_NE, JP_FLATTEN, JP_STAR, JP_FILTER, JP_DOT,
    JP_NOT, JP_LBRACE, JP_LBRACKET, JP_LPAREN,
};

struct jp_token {
    enum jp_tok type;
    size_t start;               /* byte offset in the expression */
    size_t end;                 /* byte offset just past it */
    int64_t number;             /* JP_NUMBER, clamped to +-2^62 */
    const char *str;            /* identifiers and raw strings, decoded, in the arena */
    size_t len;
    const struct acg_value *literal; /* JP_LITERAL */
};

/* Splits expr into tokens (ending with JP_EOF) in a malloc'd array the caller frees.
 * Strings and literals go to arena. Syntax errors are reported through err. */
int jp_lex(const char *expr, size_t len, struct acg_arena *arena, struct jp_token **out,
           size_t *count, struct acg_error *err);

/* Binding power of a token (the Python parser's table). */
int jp_binding_power(enum jp_tok t);
/* The Python lexer's name of a token type: "eof", "unquoted_identifier", "rbracket"... */
const char *jp_tok_name(enum jp_tok t);

/* ---- syntax tree ---- */

enum jp_node_type {
    JP_N_FIELD, JP_N_SUBEXPRESSION, JP_N_INDEX_EXPRESSION, JP_N_INDEX, JP_N_SLICE,
    JP_N_PROJECTION, JP_N_VALUE_PROJECTION, JP_N_FILTER_PROJECTION, JP_N_FLATTEN,
    JP_N_IDENTITY, JP_N_CURRENT, JP_N_LITERAL, JP_N_COMPARATOR, JP_N_OR, JP_N_AND, JP_N_NOT,
    JP_N_PIPE, JP_N_MULTI_LIST, JP_N_MULTI_HASH, JP_N_FUNCTION, JP_N_EXPREF,
};

struct jp_function;

struct jp_node {
    enum jp_node_type type;
    /* Children: sub-expressions, index expressions, pipes' halves, multi-selects,
     * function arguments; projections hold left, right (and the filter's condition). */
    struct jp_node **kids;
    size_t nkids;
    size_t cap;
    const char *name;      /* FIELD; FUNCTION's name */
    size_t name_len;
    const char **keys;     /* MULTI_HASH: one key per child */
    size_t *key_lens;
    int64_t index;         /* INDEX */
    int64_t slice[3];      /* SLICE: start, stop, step */
    bool has[3];           /* which slice parts were given */
    enum jp_tok op;        /* COMPARATOR */
    const struct acg_value *literal;      /* LITERAL */
    const struct jp_function *function;   /* FUNCTION; NULL when unknown */
};

struct acg_jmespath {
    struct acg_arena *arena; /* the tree, its names and literals */
    struct jp_node *root;
    char *text;
};

int jp_parse(const char *expr, size_t len, struct acg_arena *arena, struct jp_node **root,
             struct acg_error *err);

/* ---- evaluation ---- */

struct jp_eval {
    struct acg_arena *arena;
    struct acg_error *err;
    size_t max_weight;
    /* Scratch for arrays under construction: items collect here, and move into the arena
     * in one piece when the array is complete (nested arrays stack above their parent's). */
    const struct acg_value **stack;
    size_t len;
    size_t cap;
};

int jp_eval(struct jp_eval *e, const struct jp_node *n, const struct acg_value *cur,
            const struct acg_value **out);
int jp_push(struct jp_eval *e, const struct acg_value *v);
/* Moves the items pushed since base into a new frozen array (checked against the limits). */
int jp_finish_array(struct jp_eval *e, size_t base, const struct acg_value **out);
/* A frozen array of the n values at items (copied), checked against the limits. */
int jp_make_array(struct jp_eval *e, const struct acg_value *const *items, size_t n,
                  const struct acg_value **out);
/* A frozen string value holding s (not copied: s must live as long as the result). */
int jp_make_string(struct jp_eval *e, const char *s, size_t len, const struct acg_value **out);
int jp_make_number(struct jp_eval *e, bool is_int, int64_t i, double d,
                   const struct acg_value **out);
bool jp_truthy(const struct acg_value *v);
/* Weighs an object of count members into obj's bookkeeping, checked against the limits. */
int jp_weigh_object(struct jp_eval *e, const struct acg_value_member *m, size_t count,
                    struct acg_value *obj);
/* The == of the language (as the Python library decides it). */
bool jp_equal(const struct acg_value *a, const struct acg_value *b);
/* Orders two numbers or two strings (*cmp -1, 0, 1, or 2 for NaN); a number against a
 * string is an invalid-type error at where, Python's TypeError for a op b. */
int jp_order(struct jp_eval *e, const char *where, const char *op, const struct acg_value *a,
             const struct acg_value *b, int *cmp);

/* ---- functions ---- */

/* One evaluated argument: a value, or the expression of an expression reference. */
struct jp_arg {
    const struct acg_value *value;
    const struct jp_node *expref;
};

const struct jp_function *jp_function_lookup(const char *name, size_t len);
/* Checks arity and types as the Python library does, then calls. */
int jp_call(struct jp_eval *e, const struct jp_node *call, struct jp_arg *args, size_t nargs,
            const struct acg_value **out);

/* Length of the whitespace character at s as Python's str.isspace sees it (ASCII and
 * Unicode spaces), or 0. */
size_t jp_py_space_len(const char *s, size_t len);

/* ---- errors ---- */

/* Every message is the text str() gives for the exception the Python library raises in
 * the same place (the AWS CLI prints exactly that), built in an acg_buf. */

/* Records a JMESPath error of kind (status ACG_ERR_INVALID_ARG, or ACG_ERR_TOO_LARGE for
 * limits) with where and the text in b, unless err already holds one; frees b. A text too
 * long for err->message is kept whole for acg_jmespath_error_message. */
int jp_fail_buf(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
                struct acg_buf *b);
/* The same with a formatted text. */
int jp_fail(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
            const char *fmt, ...) ACG_PRINTF(4, 5);
/* An error of kind at byte offset pos of expr, where saying its column in code points. */
int jp_error_at(struct acg_error *err, enum acg_jmespath_error kind, const char *expr,
                size_t pos, const char *fmt, ...) ACG_PRINTF(5, 6);
/* Code points in the first pos bytes of expr: the library's positions count them. */
size_t jp_column(const char *expr, size_t pos);
/* LexerError at byte offset pos: "Bad jmespath expression: MSG:\nEXPR\n   ^". */
int jp_lexer_error(struct acg_error *err, const char *expr, size_t len, size_t pos,
                   struct acg_buf *msg);
/* ParseError at column col (code points) naming a token by its value and type:
 * "MSG: Parse error at column N, token \"V\" (TYPE), for expression:\n\"EXPR\"\n ^". */
int jp_parse_error(struct acg_error *err, const char *expr, size_t len, size_t col,
                   const char *msg, struct acg_buf *value, const char *type);
/* IncompleteExpressionError, pointing past the end. */
int jp_incomplete_error(struct acg_error *err, const char *expr, size_t len);
int jp_nomem(struct acg_error *err);
#ifdef __clang_analyzer__
/* Each of these returns a failure status (acg_error.h says why the analyzer is told). */
#define jp_fail_buf(...) ACG_ANALYZER_FAILURE(jp_fail_buf(__VA_ARGS__))
#define jp_fail(...) ACG_ANALYZER_FAILURE(jp_fail(__VA_ARGS__))
#define jp_error_at(...) ACG_ANALYZER_FAILURE(jp_error_at(__VA_ARGS__))
#define jp_lexer_error(...) ACG_ANALYZER_FAILURE(jp_lexer_error(__VA_ARGS__))
#define jp_parse_error(...) ACG_ANALYZER_FAILURE(jp_parse_error(__VA_ARGS__))
#define jp_incomplete_error(...) ACG_ANALYZER_FAILURE(jp_incomplete_error(__VA_ARGS__))
#define jp_nomem(...) ACG_ANALYZER_FAILURE(jp_nomem(__VA_ARGS__))
#endif

/* ---- Python's view of values, for the messages ---- */

/* Appends str(v): None, True, 1, 1.5, text as it is, repr() of arrays and objects. */
int jp_py_str(struct acg_buf *b, const struct acg_value *v);
/* type(v).__name__: "NoneType", "bool", "int", "float", "str", "list", "dict". */
const char *jp_py_type_name(const struct acg_value *v);
/* The JMESPath type: "null", "boolean", "number", "string", "array", "object". */
const char *jp_type_name(const struct acg_value *v);
/* The code point at s (n > 0 bytes) and its length in *len. */
uint32_t jp_decode(const char *s, size_t n, size_t *len);

#endif
