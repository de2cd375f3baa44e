/* Documentation and literal escaping. Everything here is deterministic byte for byte. */
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

char *text_comment(struct acg_arena *a, const char *plain, int indent, int width)
{
    struct acg_buf b;
    int rc = ACG_OK;
    int col = 0;
    int avail = width - indent - 3;
    acg_buf_init(&b, 0);
    if (plain == NULL || *plain == '\0')
        return acg_arena_strndup(a, "", 0);
    if (avail < 20)
        avail = 20;
    rc = indent_to(&b, indent);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(&b, "/* ");
    col = 0;
    const char *p = plain;
    while (*p != '\0' && rc == ACG_OK) {
        if (*p == '\n') {
            /* A paragraph starts on a line of its own (a blank comment line between
             * paragraphs would add thousands of lines to a large service's header). */
            while (*p == '\n')
                p++;
            rc = acg_buf_append_char(&b, '\n');
            if (rc == ACG_OK)
                rc = indent_to(&b, indent);
            if (rc == ACG_OK)
                rc = acg_buf_append_str(&b, " * ");
            col = 0;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t wl = strcspn(p, " \n");
        if (col > 0 && col + 1 + (int)wl > avail) {
            rc = acg_buf_append_char(&b, '\n');
            if (rc == ACG_OK)
                rc = indent_to(&b, indent);
            if (rc == ACG_OK)
                rc = acg_buf_append_str(&b, " * ");
            col = 0;
        } else if (col > 0) {
            rc = acg_buf_append_char(&b, ' ');
            col++;
        }
        /* write the word, breaking up comment delimiters */
        for (size_t i = 0; i < wl && rc == ACG_OK; i++) {
            char c = p[i];
            char last = b.len ? b.data[b.len - 1] : 0;
            if ((c == '/' && last == '*') || (c == '*' && last == '/'))
                rc = acg_buf_append_char(&b, ' ');
            if (rc == ACG_OK)
                rc = acg_buf_append_char(&b, c);
        }
        col += (int)wl;
        p += wl;
    }
    if (rc == ACG_OK && col + 3 > avail) {
        /* The closing delimiter would overflow the last line: it gets its own. */
        rc = acg_buf_append_char(&b, '\n');
        if (rc == ACG_OK)
            rc = indent_to(&b, indent);
        if (rc == ACG_OK)
            rc = acg_buf_append_str(&b, " */\n");
    } else if (rc == ACG_OK) {
        char last = b.len ? b.data[b.len - 1] : 0;
        rc = acg_buf_append_str(&b, last == '/' || last == '*' ? "  */\n" : " */\n");
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
