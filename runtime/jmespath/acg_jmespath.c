/* JMESPath's public face: compiling, searching, and the error records all stages share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp_private.h"

/* The analyzer's stand-ins for the error functions (jp_private.h) must not rename their
 * definitions. */
#undef jp_fail_buf
#undef jp_fail
#undef jp_error_at
#undef jp_lexer_error
#undef jp_parse_error
#undef jp_incomplete_error
#undef jp_nomem

static const char *const kind_names[] = {
    "", "syntax", "invalid-type", "invalid-value", "invalid-arity", "unknown-function", "limit",
};

const char *acg_jmespath_error_name(enum acg_jmespath_error kind)
{
    size_t k = (size_t)kind;
    return k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "";
}

enum acg_jmespath_error acg_jmespath_error_kind(const struct acg_error *err)
{
    if (err == NULL || err->status == ACG_OK)
        return ACG_JMESPATH_ERROR_NONE;
    for (size_t k = 1; k < sizeof kind_names / sizeof kind_names[0]; k++) {
        if (strcmp(err->aws_type, kind_names[k]) == 0)
            return (enum acg_jmespath_error)k;
    }
    return ACG_JMESPATH_ERROR_NONE;
}

/* Messages too long for acg_error.message live here, owned by the error record. */
static void free_detail(void *detail)
{
    free(detail);
}

const char *acg_jmespath_error_message(const struct acg_error *err)
{
    if (err == NULL)
        return "";
    if (err->detail != NULL && err->detail_free == free_detail)
        return err->detail;
    return err->message;
}

/* Copies at most size - 1 bytes of s, not splitting a UTF-8 sequence. */
static void copy_truncated(char *dst, size_t size, const char *s, size_t n)
{
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

int jp_fail_buf(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
                struct acg_buf *b)
{
    int status = kind == ACG_JMESPATH_ERROR_LIMIT ? ACG_ERR_TOO_LARGE : ACG_ERR_INVALID_ARG;
    const char *text = b->data != NULL ? b->data : "";
    if (err != NULL && err->status == ACG_OK) {
        err->status = (enum acg_status)status;
        acg_copy_str(err->where, sizeof err->where, where);
        acg_copy_str(err->aws_type, sizeof err->aws_type, acg_jmespath_error_name(kind));
        copy_truncated(err->message, sizeof err->message, text, b->len);
        if (b->len >= sizeof err->message && err->detail == NULL) {
            err->detail = acg_buf_take(b, NULL);
            err->detail_free = err->detail != NULL ? free_detail : NULL;
        }
    }
    acg_buf_free(b);
    return status;
}

int jp_fail(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
            const char *fmt, ...)
{
    struct acg_buf b;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    acg_buf_init(&b, 0);
    /* on failure the record gets an empty text rather than none */
    if (n >= 0 && acg_buf_reserve(&b, (size_t)n + 1) == ACG_OK) {
        va_start(ap, fmt);
        vsnprintf(b.data, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b.len = (size_t)n;
    }
    return jp_fail_buf(err, kind, where, &b);
}

size_t jp_column(const char *expr, size_t pos)
{
    size_t col = 0;
    for (size_t i = 0; i < pos; i++)
        col += ((unsigned char)expr[i] & 0xC0) != 0x80;
    return col;
}

static void where_column(char where[32], size_t col)
{
    snprintf(where, 32, "column %zu", col);
}

int jp_error_at(struct acg_error *err, enum acg_jmespath_error kind, const char *expr, size_t pos,
                const char *fmt, ...)
{
    char where[32], msg[320];
    size_t col = jp_column(expr, pos);
    where_column(where, col);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return jp_fail(err, kind, where, "%s at column %zu", msg, col);
}

/* Appends n spaces and a caret: the underline of the library's messages. */
static int underline(struct acg_buf *b, size_t n)
{
    ACG_TRY(acg_buf_reserve(b, n + 1));
    for (size_t i = 0; i < n; i++)
        ACG_TRY(acg_buf_append_char(b, ' '));
    return acg_buf_append_char(b, '^');
}

int jp_lexer_error(struct acg_error *err, const char *expr, size_t len, size_t pos,
                   struct acg_buf *msg)
{
    struct acg_buf b;
    char where[32];
    size_t col = jp_column(expr, pos);
    where_column(where, col);
    acg_buf_init(&b, 0);
    if (acg_buf_append_str(&b, "Bad jmespath expression: ") == ACG_OK &&
        acg_buf_append(&b, msg->data, msg->len) == ACG_OK &&
        acg_buf_append(&b, ":\n", 2) == ACG_OK && acg_buf_append(&b, expr, len) == ACG_OK &&
        acg_buf_append_char(&b, '\n') == ACG_OK)
        (void)underline(&b, col);
    acg_buf_free(msg);
    return jp_fail_buf(err, ACG_JMESPATH_ERROR_SYNTAX, where, &b);
}

/* The token type upper-cased, as ParseError stores it. */
static int append_upper(struct acg_buf *b, const char *s)
{
    for (; *s != '\0'; s++)
        ACG_TRY(acg_buf_append_char(b, *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s));
    return ACG_OK;
}

int jp_parse_error(struct acg_error *err, const char *expr, size_t len, size_t col,
                   const char *msg, struct acg_buf *value, const char *type)
{
    struct acg_buf b;
    char where[32];
    where_column(where, col);
    acg_buf_init(&b, 0);
    if (acg_buf_printf(&b, "%s: Parse error at column %zu, token \"", msg, col) == ACG_OK &&
        acg_buf_append(&b, value->data, value->len) == ACG_OK &&
        acg_buf_append(&b, "\" (", 3) == ACG_OK && append_upper(&b, type) == ACG_OK &&
        acg_buf_append_str(&b, "), for expression:\n\"") == ACG_OK &&
        acg_buf_append(&b, expr, len) == ACG_OK && acg_buf_append(&b, "\"\n", 2) == ACG_OK)
        (void)underline(&b, col + 1); /* + 1 for the opening quote */
    acg_buf_free(value);
    return jp_fail_buf(err, ACG_JMESPATH_ERROR_SYNTAX, where, &b);
}

int jp_incomplete_error(struct acg_error *err, const char *expr, size_t len)
{
    struct acg_buf b;
    char where[32];
    size_t col = jp_column(expr, len);
    where_column(where, col);
    acg_buf_init(&b, 0);
    if (acg_buf_append_str(&b, "Invalid jmespath expression: Incomplete expression:\n\"") ==
            ACG_OK &&
        acg_buf_append(&b, expr, len) == ACG_OK && acg_buf_append(&b, "\"\n", 2) == ACG_OK)
        (void)underline(&b, col + 1);
    return jp_fail_buf(err, ACG_JMESPATH_ERROR_SYNTAX, where, &b);
}

int jp_nomem(struct acg_error *err)
{
    return acg_error_set(err, ACG_ERR_NOMEM, "out of memory evaluating JMESPath");
}

/* Python's str.isspace: ASCII whitespace with the separators 0x1C-0x1F, and the Unicode
 * space characters (Zs, and the line and paragraph separators). */
size_t jp_py_space_len(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0)
        return 0;
    if (s[0] < 0x80)
        return (s[0] >= 0x09 && s[0] <= 0x0D) || (s[0] >= 0x1C && s[0] <= 0x20);
    if (len >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
        return 2;
    if (len < 3)
        return 0;
    uint32_t cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    if ((s[0] & 0xF0) != 0xE0)
        return 0;
    bool space = cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
                 cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    return space ? 3 : 0;
}

int acg_jmespath_compile(const char *expr, size_t len, struct acg_jmespath **out,
                         struct acg_error *err)
{
    *out = NULL;
    if (expr == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JMESPath: NULL expression");
    if (len == SIZE_MAX)
        len = strlen(expr);
    struct acg_jmespath *jp = calloc(1, sizeof *jp);
    if (jp == NULL || (jp->arena = acg_arena_new()) == NULL) {
        free(jp);
        return jp_nomem(err);
    }
    jp->text = acg_arena_strndup(jp->arena, expr, len);
    int rc = jp->text != NULL ? ACG_OK : jp_nomem(err);
    if (rc == ACG_OK)
        rc = jp_parse(jp->text, len, jp->arena, &jp->root, err);
    if (rc != ACG_OK) {
        acg_jmespath_destroy(jp);
        return rc;
    }
    *out = jp;
    return ACG_OK;
}

void acg_jmespath_destroy(struct acg_jmespath *jp)
{
    if (jp == NULL)
        return;
    acg_arena_destroy(jp->arena);
    free(jp);
}

const char *acg_jmespath_text(const struct acg_jmespath *jp)
{
    return jp->text;
}

int acg_jmespath_search_limited(const struct acg_jmespath *jp, const struct acg_value *data,
                                struct acg_arena *arena, size_t max_weight,
                                const struct acg_value **result, struct acg_error *err)
{
    *result = NULL;
    if (jp == NULL || data == NULL || arena == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "JMESPath: NULL argument");
    struct jp_eval e = {
        .arena = arena,
        .err = err,
        .max_weight = max_weight ? max_weight : ACG_JMESPATH_MAX_WEIGHT,
    };
    const struct acg_value *out = NULL;
    int rc = jp_eval(&e, jp->root, data, &out);
    free(e.stack);
    if (rc == ACG_OK)
        *result = out;
    return rc;
}

int acg_jmespath_search(const struct acg_jmespath *jp, const struct acg_value *data,
                        struct acg_arena *arena, const struct acg_value **result,
                        struct acg_error *err)
{
    return acg_jmespath_search_limited(jp, data, arena, 0, result, err);
}
