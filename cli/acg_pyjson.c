/* Where and why Python's json.loads refuses a text, in its words ("Expecting ',' delimiter:
 * line 1 column 7 (char 6)"), for the AWS CLI's "Invalid JSON: ..." messages.
 *
 * This follows CPython's C scanner (Modules/_json.c) step by step over code points: the
 * same checks in the same order give the same message at the same position. It only finds
 * the first error; the runtime's reader parses the text itself. */
#include <stdlib.h>
#include <string.h>

#include "acg_shorthand.h"
#include "common/acg_error.h"

/* Nesting deeper than this is reported at the bracket (Python would stop at its recursion
 * limit, around a thousand levels). */
#define MAX_DEPTH 512

struct scan {
    const uint32_t *cp;
    size_t n;
    const char *msg;   /* the first error, or NULL */
    size_t at;
    int depth;
};

static bool ws(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const struct scan *s, size_t i)
{
    while (i < s->n && ws(s->cp[i]))
        i++;
    return i;
}

static bool fail(struct scan *s, const char *msg, size_t at)
{
    s->msg = msg;
    s->at = at;
    return false;
}

static bool word_at(const struct scan *s, size_t i, const char *w)
{
    size_t len = strlen(w);
    if (i + len > s->n)
        return false;
    for (size_t k = 0; k < len; k++) {
        if (s->cp[i + k] != (uint32_t)(unsigned char)w[k])
            return false;
    }
    return true;
}

static bool is_hex(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* scanstring_unicode: i is just past the opening quote. */
static bool string(struct scan *s, size_t i, size_t *end)
{
    size_t begin = i - 1;
    while (i < s->n) {
        uint32_t c = s->cp[i];
        if (c == '"') {
            *end = i + 1;
            return true;
        }
        if (c < 0x20)
            return fail(s, "Invalid control character at", i);
        if (c != '\\') {
            i++;
            continue;
        }
        if (++i == s->n)
            break;
        if (s->cp[i] != 'u') {
            if (strchr("\"\\/bfnrt", (int)s->cp[i]) == NULL || s->cp[i] == 0)
                return fail(s, "Invalid \\escape", i - 1);
            i++;
            continue;
        }
        if (i + 5 >= s->n)
            return fail(s, "Invalid \\uXXXX escape", i);
        for (size_t k = 1; k <= 4; k++) {
            if (!is_hex(s->cp[i + k]))
                return fail(s, "Invalid \\uXXXX escape", i);
        }
        i += 5;
    }
    return fail(s, "Unterminated string starting at", begin);
}

static bool digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* _match_number_unicode; false (no message) when no number starts at i. */
static bool number(const struct scan *s, size_t i, size_t *end)
{
    if (i < s->n && s->cp[i] == '-')
        i++;
    if (i >= s->n)
        return false;
    if (s->cp[i] >= '1' && s->cp[i] <= '9') {
        while (i < s->n && digit(s->cp[i]))
            i++;
    } else if (s->cp[i] == '0') {
        i++;
    } else {
        return false;
    }
    if (i + 1 < s->n && s->cp[i] == '.' && digit(s->cp[i + 1])) {
        i += 2;
        while (i < s->n && digit(s->cp[i]))
            i++;
    }
    if (i < s->n && (s->cp[i] == 'e' || s->cp[i] == 'E')) {
        size_t e = i++;
        if (i < s->n && (s->cp[i] == '+' || s->cp[i] == '-'))
            i++;
        size_t d = i;
        while (i < s->n && digit(s->cp[i]))
            i++;
        if (i == d)
            i = e;
    }
    *end = i;
    return true;
}

static bool value(struct scan *s, size_t i, size_t *end);

static bool array(struct scan *s, size_t i, size_t *end)
{
    i = skip_ws(s, i);
    if (i < s->n && s->cp[i] == ']') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (!value(s, i, &i))
            return false;
        i = skip_ws(s, i);
        if (i < s->n && s->cp[i] == ']')
            break;
        if (i >= s->n || s->cp[i] != ',')
            return fail(s, "Expecting ',' delimiter", i);
        i = skip_ws(s, i + 1);
    }
    *end = i + 1;
    return true;
}

static bool object(struct scan *s, size_t i, size_t *end)
{
    i = skip_ws(s, i);
    if (i < s->n && s->cp[i] == '}') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (i >= s->n || s->cp[i] != '"')
            return fail(s, "Expecting property name enclosed in double quotes", i);
        if (!string(s, i + 1, &i))
            return false;
        i = skip_ws(s, i);
        if (i >= s->n || s->cp[i] != ':')
            return fail(s, "Expecting ':' delimiter", i);
        if (!value(s, skip_ws(s, i + 1), &i))
            return false;
        i = skip_ws(s, i);
        if (i < s->n && s->cp[i] == '}')
            break;
        if (i >= s->n || s->cp[i] != ',')
            return fail(s, "Expecting ',' delimiter", i);
        i = skip_ws(s, i + 1);
    }
    *end = i + 1;
    return true;
}

/* scan_once_unicode. */
static bool value(struct scan *s, size_t i, size_t *end)
{
    if (i >= s->n)
        return fail(s, "Expecting value", i);
    uint32_t c = s->cp[i];
    static const char *const words[] = {"null", "true", "false", "NaN", "Infinity", "-Infinity"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (c == (uint32_t)(unsigned char)words[k][0] && word_at(s, i, words[k])) {
            *end = i + strlen(words[k]);
            return true;
        }
    }
    if (c == '"')
        return string(s, i + 1, end);
    if (c == '{' || c == '[') {
        if (s->depth >= MAX_DEPTH)
            return fail(s, "Expecting value", i);
        s->depth++;
        bool ok = c == '{' ? object(s, i + 1, end) : array(s, i + 1, end);
        s->depth--;
        return ok;
    }
    if (number(s, i, end))
        return true;
    return fail(s, "Expecting value", i);
}

int acg_py_json_error(const char *text, size_t len, struct acg_buf *msg)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    uint32_t *cp = acg_py_codepoints(text, len, &s.n);
    if (cp == NULL)
        return ACG_ERR_NOMEM;
    s.cp = cp;
    size_t end = 0;
    if (value(&s, skip_ws(&s, 0), &end)) {
        end = skip_ws(&s, end);
        if (end != s.n)
            fail(&s, "Extra data", end);
    }
    int rc = ACG_OK;
    if (s.msg != NULL) {
        size_t line = 1, col = s.at + 1;
        for (size_t k = 0; k < s.at; k++) {
            if (cp[k] == '\n') {
                line++;
                col = s.at - k;
            }
        }
        rc = acg_buf_printf(msg, "%s: line %zu column %zu (char %zu)", s.msg, line, col, s.at);
        rc = rc == ACG_OK ? ACG_ERR_JSON : rc;
    }
    free(cp);
    return rc;
}
