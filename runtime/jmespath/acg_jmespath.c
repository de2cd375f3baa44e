/* JMESPath's public face: compiling, searching, and the error records all stages share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp_private.h"

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

static int vfail(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
                 const char *fmt, va_list ap) ACG_PRINTF(4, 0);
static int vfail_at(struct acg_error *err, enum acg_jmespath_error kind, const char *expr,
                    size_t pos, const char *fmt, va_list ap) ACG_PRINTF(5, 0);

static int vfail(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
                 const char *fmt, va_list ap)
{
    int status = kind == ACG_JMESPATH_ERROR_LIMIT ? ACG_ERR_TOO_LARGE : ACG_ERR_INVALID_ARG;
    if (err == NULL || err->status != ACG_OK)
        return status;
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    acg_error_set_at(err, status, where, "%s: %s", acg_jmespath_error_name(kind), msg);
    snprintf(err->aws_type, sizeof err->aws_type, "%s", acg_jmespath_error_name(kind));
    return status;
}

int jp_fail(struct acg_error *err, enum acg_jmespath_error kind, const char *where,
            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(err, kind, where, fmt, ap);
    va_end(ap);
    return rc;
}

/* Columns count code points, as the Python library's do. */
static size_t column(const char *expr, size_t pos)
{
    size_t col = 0;
    for (size_t i = 0; i < pos; i++)
        col += ((unsigned char)expr[i] & 0xC0) != 0x80;
    return col;
}

static int vfail_at(struct acg_error *err, enum acg_jmespath_error kind, const char *expr,
                    size_t pos, const char *fmt, va_list ap)
{
    char where[32], msg[320];
    size_t col = column(expr, pos);
    snprintf(where, sizeof where, "column %zu", col);
    vsnprintf(msg, sizeof msg, fmt, ap);
    return jp_fail(err, kind, where, "%s at column %zu", msg, col);
}

int jp_error_at(struct acg_error *err, enum acg_jmespath_error kind, const char *expr, size_t pos,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_at(err, kind, expr, pos, fmt, ap);
    va_end(ap);
    return rc;
}

int jp_syntax_error(struct acg_error *err, const char *expr, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_at(err, ACG_JMESPATH_ERROR_SYNTAX, expr, pos, fmt, ap);
    va_end(ap);
    return rc;
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
