/* Documentation and literal escaping. Everything here is deterministic byte for byte. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_buf.h"
#include "text.h"

static char *finish(struct acg_arena *a, struct acg_buf *b, int rc)
{
    char *s = rc == ACG_OK ? acg_arena_strndup(a, b->data ? b->data : "", b->len) : NULL;
    acg_buf_free(b);
    return s;
}

static const struct {
    const char *name;
    const char *text;
} entities[] = { { "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&quot;", "\"" },
                 { "&apos;", "'" }, { "&#39;", "'" }, { "&nbsp;", " " } };

/* Tags that end a paragraph: their text starts on a new line after a blank one. */
static int is_block_tag(const char *tag, size_t len)
{
    static const char *const blocks[] = { "p", "/p", "li", "ul", "/ul", "ol", "/ol", "br", "br/",
                                          "note", "/note", "important", "/important", "dl", "dt", "dd",
                                          "/li" };
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        if (strlen(blocks[i]) == len && strncmp(tag, blocks[i], len) == 0)
            return 1;
    }
    return 0;
}

char *text_plain(struct acg_arena *a, const char *html)
{
    struct acg_buf b;
    int rc = ACG_OK;
    int pending_space = 0, pending_break = 0;
    acg_buf_init(&b, 0);
    if (html == NULL)
        html = "";
    for (const char *p = html; *p != '\0' && rc == ACG_OK;) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (end != NULL) {
                const char *name = p + 1;
                size_t len = 0;
                while (name + len < end && name[len] != ' ')
                    len++;
                if (is_block_tag(name, len) && b.len > 0)
                    pending_break = 1;
                p = end + 1;
                continue;
            }
        }
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            pending_space = b.len > 0;
            p++;
            continue;
        }
        const char *lit = NULL;
        size_t skip = 1;
        if (*p == '&') {
            for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
                size_t n = strlen(entities[i].name);
                if (strncmp(p, entities[i].name, n) == 0) {
                    lit = entities[i].text;
                    skip = n;
                }
            }
        }
        if (pending_break) {
            rc = acg_buf_append_str(&b, "\n\n");
        } else if (pending_space) {
            rc = acg_buf_append_char(&b, ' ');
        }
        pending_break = pending_space = 0;
        if (rc == ACG_OK)
            rc = lit ? acg_buf_append_str(&b, lit) : acg_buf_append_char(&b, *p);
        p += skip;
    }
    return finish(a, &b, rc);
}

char *text_c_string(struct acg_arena *a, const char *s)
{
    struct acg_buf b;
    int rc;
    acg_buf_init(&b, 0);
    rc = acg_buf_append_char(&b, '"');
    char prev = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && rc == ACG_OK; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"': rc = acg_buf_append_str(&b, "\\\""); break;
        case '\\': rc = acg_buf_append_str(&b, "\\\\"); break;
        case '\n': rc = acg_buf_append_str(&b, "\\n"); break;
        case '\t': rc = acg_buf_append_str(&b, "\\t"); break;
        case '\r': rc = acg_buf_append_str(&b, "\\r"); break;
        case '?': rc = acg_buf_append_str(&b, prev == '?' ? "\\?" : "?"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                rc = acg_buf_printf(&b, "\\%03o", c);
            else
                rc = acg_buf_append_char(&b, (char)c);
        }
        prev = (char)c;
    }
    if (rc == ACG_OK)
        rc = acg_buf_append_char(&b, '"');
    return finish(a, &b, rc);
}

/* Columns byte c takes inside a literal written by text_c_string (prev: the byte before). */
static size_t escaped_width(unsigned char c, unsigned char prev)
{
    if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r' || (c == '?' && prev == '?'))
        return 2;
    return c < 0x20 || c >= 0x7f ? 4 : 1;
}

char *text_c_string_wrapped(struct acg_arena *a, const char *s, int indent, int width)
{
    size_t room = width > indent + 8 ? (size_t)(width - indent - 3) : 8; /* quotes and a comma */
    struct acg_buf b;
    int rc = ACG_OK;
    size_t start = 0, n = strlen(s);
    acg_buf_init(&b, 0);
    while (rc == ACG_OK && (start < n || b.len == 0)) {
        /* Take words while the escaped piece fits; a word too long for a line is cut. */
        size_t end = start, cols = 0, cut = 0;
        unsigned char prev = 0;
        while (end < n && cols + escaped_width((unsigned char)s[end], prev) <= room) {
            cols += escaped_width((unsigned char)s[end], prev);
            prev = (unsigned char)s[end];
            if (s[end++] == ' ')
                cut = end;
        }
        if (end < n && cut > start)
            end = cut;
        char *piece = text_c_string(a, acg_arena_strndup(a, s + start, end - start));
        if (b.len > 0) {
            rc = acg_buf_append_char(&b, '\n');
            for (int k = 0; k < indent && rc == ACG_OK; k++)
                rc = acg_buf_append_char(&b, ' ');
        }
        if (rc == ACG_OK)
            rc = piece ? acg_buf_append_str(&b, piece) : ACG_ERR_NOMEM;
        start = end;
    }
    return finish(a, &b, rc);
}

static int indent_to(struct acg_buf *b, int indent)
{
    for (int i = 0; i < indent; i++)
        ACG_TRY(acg_buf_append_char(b, ' '));
    return ACG_OK;
}

/* A block comment being written: wrapped words after indent spaces and " * ". */
struct wrap {
    struct acg_buf b;
    int rc;
    int indent;
    int avail;        /* columns for words on a line */
    int col;          /* columns used on the current line */
    int words;        /* words on the current line */
};

/* Ends the line. A paragraph starts on a line of its own too: a blank comment line between
 * paragraphs would add thousands of lines to a large service's header. */
static void line_break(struct wrap *w)
{
    if (w->rc == ACG_OK)
        w->rc = acg_buf_append_char(&w->b, '\n');
    if (w->rc == ACG_OK)
        w->rc = indent_to(&w->b, w->indent);
    if (w->rc == ACG_OK)
        w->rc = acg_buf_append_str(&w->b, " * ");
    w->col = 0;
    w->words = 0;
}

/* Writes one word, on a new line when it does not fit, breaking up comment delimiters. */
static void put_word(struct wrap *w, const char *p, size_t wl)
{
    if (w->words > 0 && w->col + 1 + (int)wl > w->avail) {
        line_break(w);
    } else if (w->words > 0 && w->rc == ACG_OK) {
        w->rc = acg_buf_append_char(&w->b, ' ');
        w->col++;
    }
    for (size_t i = 0; i < wl && w->rc == ACG_OK; i++) {
        char c = p[i];
        char last = w->b.len ? w->b.data[w->b.len - 1] : 0;
        if ((c == '/' && last == '*') || (c == '*' && last == '/'))
            w->rc = acg_buf_append_char(&w->b, ' ');
        if (w->rc == ACG_OK)
            w->rc = acg_buf_append_char(&w->b, c);
    }
    w->col += (int)wl;
    w->words++;
}

static void close_comment(struct wrap *w)
{
    if (w->rc == ACG_OK && w->col + 3 > w->avail) {
        /* The closing delimiter would overflow the last line: it gets its own. */
        w->rc = acg_buf_append_char(&w->b, '\n');
        if (w->rc == ACG_OK)
            w->rc = indent_to(&w->b, w->indent);
        if (w->rc == ACG_OK)
            w->rc = acg_buf_append_str(&w->b, " */\n");
    } else if (w->rc == ACG_OK) {
        char last = w->b.len ? w->b.data[w->b.len - 1] : 0;
        w->rc = acg_buf_append_str(&w->b, last == '/' || last == '*' ? "  */\n" : " */\n");
    }
}

/* Paragraphs ('\n' between them) wrapped into a block comment. In a Doxygen comment the
 * first line starts one column later ("/" "** "). */
static char *block_comment(struct acg_arena *a, const char *plain, int indent, int width, bool doc)
{
    struct wrap w = { .indent = indent, .avail = width - indent - 3, .col = doc };
    acg_buf_init(&w.b, 0);
    if (plain == NULL || *plain == '\0')
        return acg_arena_strndup(a, "", 0);
    if (w.avail < 20)
        w.avail = 20;
    w.rc = indent_to(&w.b, indent);
    if (w.rc == ACG_OK)
        w.rc = acg_buf_append_str(&w.b, doc ? "/** " : "/* ");
    const char *p = plain;
    while (*p != '\0' && w.rc == ACG_OK) {
        if (*p == '\n') {
            while (*p == '\n')
                p++;
            line_break(&w);
        } else if (*p == ' ') {
            p++;
        } else {
            size_t wl = strcspn(p, " \n");
            put_word(&w, p, wl);
            p += wl;
        }
    }
    close_comment(&w);
    return finish(a, &w.b, w.rc);
}

char *text_comment(struct acg_arena *a, const char *plain, int indent, int width)
{
    return block_comment(a, plain, indent, width, false);
}

char *text_doc_comment(struct acg_arena *a, const char *plain, int indent, int width)
{
    return block_comment(a, plain, indent, width, true);
}

char *text_doc_escape(struct acg_arena *a, const char *plain)
{
    struct acg_buf b;
    int rc = ACG_OK;
    acg_buf_init(&b, 0);
    for (const char *p = plain ? plain : ""; *p != '\0' && rc == ACG_OK; p++) {
        if (strchr("\\@<>&#%$", *p) != NULL)
            rc = acg_buf_append_char(&b, '\\');
        if (rc == ACG_OK)
            rc = acg_buf_append_char(&b, *p);
    }
    return finish(a, &b, rc);
}

char *text_summary(struct acg_arena *a, const char *plain, size_t max)
{
    size_t n = 0;
    if (plain == NULL)
        return acg_arena_strndup(a, "", 0);
    while (plain[n] != '\0' && plain[n] != '\n' && n < max) {
        if (plain[n] == '.' && (plain[n + 1] == ' ' || plain[n + 1] == '\0' || plain[n + 1] == '\n')) {
            n++;
            break;
        }
        n++;
    }
    return acg_arena_strndup(a, plain, n);
}
