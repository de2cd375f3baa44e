/* Template values, template parsing (with the standalone-line rule) and rendering. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

enum tv_kind { TV_STR, TV_BOOL, TV_LIST, TV_MAP };

struct tv_owner {
    struct acg_arena *arena;
    bool failed;
};

struct tv_entry {
    const char *key;
    struct tv *value;
};

struct tv {
    enum tv_kind kind;
    struct tv_owner *owner;
    const char *str;
    bool boolean;
    /* list items or map entries, grown by doubling (old arrays stay in the arena) */
    struct tv **items;
    struct tv_entry *entries;
    size_t count, cap;
};

static struct tv *tv_new(struct tv_owner *o, enum tv_kind kind)
{
    struct tv *v = acg_arena_calloc(o->arena, 1, sizeof *v);
    if (v == NULL) {
        o->failed = true;
        return NULL;
    }
    v->kind = kind;
    v->owner = o;
    return v;
}

struct tv *tv_map(struct acg_arena *a)
{
    struct tv_owner *o = acg_arena_calloc(a, 1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->arena = a;
    return tv_new(o, TV_MAP);
}

static bool grow(struct tv *v, size_t elem)
{
    if (v->count < v->cap)
        return true;
    size_t cap = v->cap ? v->cap * 2 : 8;
    void *p = acg_arena_calloc(v->owner->arena, cap, elem);
    if (p == NULL) {
        v->owner->failed = true;
        return false;
    }
    void *old = v->kind == TV_LIST ? (void *)v->items : (void *)v->entries;
    if (v->count)
        memcpy(p, old, v->count * elem);
    if (v->kind == TV_LIST)
        v->items = p;
    else
        v->entries = p;
    v->cap = cap;
    return true;
}

static void map_put(struct tv *map, const char *key, struct tv *value)
{
    if (map == NULL || value == NULL)
        return;
    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->entries[i].key, key) == 0) {
            map->entries[i].value = value;
            return;
        }
    }
    if (!grow(map, sizeof *map->entries))
        return;
    map->entries[map->count].key = key;
    map->entries[map->count].value = value;
    map->count++;
}

void tv_set_str(struct tv *map, const char *key, const char *value)
{
    if (map == NULL)
        return;
    struct tv *v = tv_new(map->owner, TV_STR);
    if (v != NULL)
        v->str = value ? value : "";
    map_put(map, key, v);
}

void tv_set_bool(struct tv *map, const char *key, bool value)
{
    if (map == NULL)
        return;
    struct tv *v = tv_new(map->owner, TV_BOOL);
    if (v != NULL)
        v->boolean = value;
    map_put(map, key, v);
}

struct tv *tv_set_list(struct tv *map, const char *key)
{
    if (map == NULL)
        return NULL;
    struct tv *v = tv_new(map->owner, TV_LIST);
    map_put(map, key, v);
    return v;
}

void tv_mark_last(struct tv *list, const char *key)
{
    for (size_t i = 0; list != NULL && i < list->count; i++)
        tv_set_bool(list->items[i], key, i + 1 == list->count);
}

struct tv *tv_push(struct tv *list)
{
    if (list == NULL || !grow(list, sizeof *list->items))
        return NULL;
    struct tv *m = tv_new(list->owner, TV_MAP);
    if (m != NULL)
        list->items[list->count++] = m;
    return m;
}

size_t tv_list_len(const struct tv *list)
{
    return list ? list->count : 0;
}

void tv_set_fmt(struct tv *map, const char *key, const char *fmt, ...)
{
    if (map == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : acg_arena_calloc(map->owner->arena, (size_t)n + 1, 1);
    if (s == NULL) {
        map->owner->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tv_set_str(map, key, s);
}

bool tv_failed(const struct tv *map)
{
    return map == NULL || map->owner->failed;
}

static const struct tv *map_get(const struct tv *map, const char *key, size_t key_len)
{
    for (size_t i = 0; i < map->count; i++) {
        if (strlen(map->entries[i].key) == key_len && memcmp(map->entries[i].key, key, key_len) == 0)
            return map->entries[i].value;
    }
    return NULL;
}

/* ---- templates ---- */

enum tok_kind { TOK_TEXT, TOK_VAR, TOK_SECTION, TOK_INVERTED, TOK_CLOSE, TOK_PARTIAL };

struct tok {
    enum tok_kind kind;
    const char *start;   /* text, or the tag's name */
    size_t len;
    size_t end;          /* sections: index of the matching close */
    struct gen_mark mark;
};

struct template {
    char *name;
    char *path;
    char *text;
    struct tok *toks;
    size_t ntoks;
    struct template *next;
};

struct template_set {
    char *dir;
    struct template *list;
};

/* The templates built into acg-gen (templates_embedded.c, made from templates/). */
struct embedded_file {
    const char *name;
    const char *data;
};
extern const struct embedded_file gen_embedded_templates[];

struct template_set *templates_open(const char *dir)
{
    struct template_set *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return NULL;
    if (dir == NULL)
        return ts;
    ts->dir = strdup(dir);
    if (ts->dir == NULL) {
        free(ts);
        return NULL;
    }
    return ts;
}

void templates_close(struct template_set *ts)
{
    if (ts == NULL)
        return;
    struct template *t = ts->list;
    while (t != NULL) {
        struct template *next = t->next;
        free(t->name);
        free(t->path);
        free(t->text);
        free(t->toks);
        free(t);
        t = next;
    }
    free(ts->dir);
    free(ts);
}

static struct gen_mark mark_at(const char *text, const char *p)
{
    struct gen_mark m = { 1, 1 };
    for (const char *q = text; q < p; q++) {
        if (*q == '\n') {
            m.line++;
            m.column = 1;
        } else {
            m.column++;
        }
    }
    return m;
}

static int push_tok(struct template *t, size_t *cap, struct tok tk)
{
    if (t->ntoks == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        struct tok *p = realloc(t->toks, n * sizeof *p);
        if (p == NULL)
            return -1;
        t->toks = p;
        *cap = n;
    }
    t->toks[t->ntoks++] = tk;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits the text into tokens, applying the standalone-line rule, and matches sections. */
/* The parse's open sections, innermost last (token indexes). */
struct parse {
    struct template *t;
    struct diag *d;
    size_t cap;
    size_t stack[64];
    size_t depth;
};

/* The tag's kind from its sigil; *inner moves past it. */
static enum tok_kind tag_kind(const char **inner, bool *comment)
{
    *comment = false;
    switch (**inner) {
    case '#': (*inner)++; return TOK_SECTION;
    case '^': (*inner)++; return TOK_INVERTED;
    case '/': (*inner)++; return TOK_CLOSE;
    case '>': (*inner)++; return TOK_PARTIAL;
    case '!': *comment = true; return TOK_VAR;
    default: return TOK_VAR;
    }
}

/* Standalone: only blanks before the tag on its line and only blanks then a newline (or the
 * end) after it. Such a line vanishes from the output: the text before the tag ends at the
 * line's start and the text after resumes on the next line. */
static void standalone(const char *text, const char *p, const char *open, const char **text_end,
                       const char **after)
{
    const char *ls = open;
    while (ls > p && is_blank(ls[-1]))
        ls--;
    bool at_line_start = ls == text || ls[-1] == '\n';
    const char *rs = *after;
    while (is_blank(*rs))
        rs++;
    if (at_line_start && (*rs == '\n' || *rs == '\0')) {
        *text_end = ls;
        *after = *rs == '\n' ? rs + 1 : rs;
    }
}

/* Records a section tag: opens nest, closes must match the innermost open one. */
static int nest(struct parse *ps, const struct tok *tk)
{
    struct template *t = ps->t;
    if (tk->kind == TOK_CLOSE) {
        if (ps->depth == 0) {
            diag_error(ps->d, t->path, tk->mark, "{{/%.*s}} closes nothing", (int)tk->len, tk->start);
            return -1;
        }
        struct tok *open_tok = &t->toks[ps->stack[ps->depth - 1]];
        if (open_tok->len != tk->len || memcmp(open_tok->start, tk->start, tk->len) != 0) {
            diag_error(ps->d, t->path, tk->mark, "{{/%.*s}} closes {{#%.*s}} (line %d)", (int)tk->len,
                       tk->start, (int)open_tok->len, open_tok->start, open_tok->mark.line);
            return -1;
        }
        open_tok->end = t->ntoks;
        ps->depth--;
    }
    if (push_tok(t, &ps->cap, *tk) != 0)
        return -1;
    if (tk->kind == TOK_SECTION || tk->kind == TOK_INVERTED) {
        if (ps->depth == sizeof ps->stack / sizeof ps->stack[0]) {
            diag_error(ps->d, t->path, tk->mark, "sections nested too deeply");
            return -1;
        }
        ps->stack[ps->depth++] = t->ntoks - 1;
    }
    return 0;
}

static int parse_template(struct template *t, struct diag *d)
{
    struct parse ps = { .t = t, .d = d };
    const char *p = t->text;
    while (*p != '\0') {
        const char *open = strstr(p, "{{");
        if (open == NULL) {
            if (push_tok(t, &ps.cap, (struct tok){ TOK_TEXT, p, strlen(p), 0, { 0, 0 } }) != 0)
                return -1;
            break;
        }
        const char *close = strstr(open + 2, "}}");
        struct gen_mark mk = mark_at(t->text, open);
        if (close == NULL) {
            diag_error(d, t->path, mk, "unclosed tag");
            return -1;
        }
        const char *inner = open + 2, *name_end = close;
        bool comment;
        enum tok_kind kind = tag_kind(&inner, &comment);
        while (inner < name_end && is_blank(*inner))
            inner++;
        while (name_end > inner && is_blank(name_end[-1]))
            name_end--;
        const char *after = close + 2, *text_end = open;
        if (kind != TOK_VAR || comment)
            standalone(t->text, p, open, &text_end, &after);
        if (text_end > p &&
            push_tok(t, &ps.cap, (struct tok){ TOK_TEXT, p, (size_t)(text_end - p), 0, { 0, 0 } }) != 0)
            return -1;
        p = after;
        if (comment)
            continue;
        if (name_end == inner) {
            diag_error(d, t->path, mk, "empty tag name");
            return -1;
        }
        struct tok tk = { kind, inner, (size_t)(name_end - inner), 0, mk };
        if (nest(&ps, &tk) != 0)
            return -1;
    }
    if (ps.depth > 0) {
        struct tok *open_tok = &t->toks[ps.stack[ps.depth - 1]];
        diag_error(d, t->path, open_tok->mark, "section {{#%.*s}} is never closed", (int)open_tok->len,
                   open_tok->start);
        return -1;
    }
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct acg_buf b;
    char chunk[8192];
    size_t n;
    acg_buf_init(&b, 16u << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (acg_buf_append(&b, chunk, n) != ACG_OK) {
            fclose(f);
            acg_buf_free(&b);
            return NULL;
        }
    }
    fclose(f);
    if (b.data == NULL && acg_buf_append(&b, "", 0) != ACG_OK)
        return NULL;
    return acg_buf_take(&b, NULL);
}

static char *embedded(const char *name)
{
    for (const struct embedded_file *f = gen_embedded_templates; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0)
            return strdup(f->data);
    }
    return NULL;
}

static struct template *get_template(struct template_set *ts, const char *name, size_t name_len,
                                     struct diag *d)
{
    for (struct template *t = ts->list; t != NULL; t = t->next) {
        if (strlen(t->name) == name_len && memcmp(t->name, name, name_len) == 0)
            return t;
    }
    struct template *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->name = strndup(name, name_len);
    const char *dir = ts->dir != NULL ? ts->dir : "(built in)";
    size_t plen = strlen(dir) + name_len + 2;
    t->path = malloc(plen);
    if (t->name == NULL || t->path == NULL)
        goto fail;
    snprintf(t->path, plen, "%s/%.*s", dir, (int)name_len, name);
    t->text = ts->dir != NULL ? read_file(t->path) : embedded(t->name);
    if (t->text == NULL) {
        diag_error(d, t->path, (struct gen_mark){ 0, 0 }, "cannot read the template");
        goto fail;
    }
    if (parse_template(t, d) != 0)
        goto fail;
    t->next = ts->list;
    ts->list = t;
    return t;
fail:
    free(t->name);
    free(t->path);
    free(t->text);
    free(t->toks);
    free(t);
    return NULL;
}

struct render_state {
    struct template_set *ts;
    struct acg_buf *out;
    struct diag *d;
    const struct tv *stack[64];
    size_t depth;
    int partial_depth;
};

static const struct tv *lookup(const struct render_state *rs, const struct tok *tk)
{
    for (size_t i = rs->depth; i > 0; i--) {
        const struct tv *v = map_get(rs->stack[i - 1], tk->start, tk->len);
        if (v != NULL)
            return v;
    }
    return NULL;
}

static int render_range(struct render_state *rs, const struct template *t, size_t from, size_t to);

static int render_tok_section(struct render_state *rs, const struct template *t, size_t i)
{
    const struct tok *tk = &t->toks[i];
    const struct tv *v = lookup(rs, tk);
    if (v == NULL) {
        diag_error(rs->d, t->path, tk->mark, "unknown name \"%.*s\"", (int)tk->len, tk->start);
        return -1;
    }
    if (v->kind == TV_STR || v->kind == TV_MAP) {
        diag_error(rs->d, t->path, tk->mark, "\"%.*s\" is not a list or a boolean", (int)tk->len,
                   tk->start);
        return -1;
    }
    bool truthy = v->kind == TV_BOOL ? v->boolean : v->count > 0;
    if (tk->kind == TOK_INVERTED)
        return truthy ? 0 : render_range(rs, t, i + 1, tk->end);
    if (v->kind == TV_BOOL)
        return truthy ? render_range(rs, t, i + 1, tk->end) : 0;
    for (size_t k = 0; k < v->count; k++) {
        if (rs->depth == sizeof rs->stack / sizeof rs->stack[0]) {
            diag_error(rs->d, t->path, tk->mark, "sections nested too deeply");
            return -1;
        }
        rs->stack[rs->depth++] = v->items[k];
        int rc = render_range(rs, t, i + 1, tk->end);
        rs->depth--;
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int render_range(struct render_state *rs, const struct template *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const struct tok *tk = &t->toks[i];
        switch (tk->kind) {
        case TOK_TEXT:
            if (acg_buf_append(rs->out, tk->start, tk->len) != ACG_OK)
                return -1;
            break;
        case TOK_VAR: {
            const struct tv *v = lookup(rs, tk);
            if (v == NULL || v->kind != TV_STR) {
                diag_error(rs->d, t->path, tk->mark, v ? "\"%.*s\" is not a string" : "unknown name \"%.*s\"",
                           (int)tk->len, tk->start);
                return -1;
            }
            if (acg_buf_append_str(rs->out, v->str) != ACG_OK)
                return -1;
            break;
        }
        case TOK_SECTION:
        case TOK_INVERTED:
            if (render_tok_section(rs, t, i) != 0)
                return -1;
            i = tk->end;
            break;
        case TOK_CLOSE:
            break;
        case TOK_PARTIAL: {
            if (rs->partial_depth > 16) {
                diag_error(rs->d, t->path, tk->mark, "partials nested too deeply");
                return -1;
            }
            struct template *p = get_template(rs->ts, tk->start, tk->len, rs->d);
            if (p == NULL)
                return -1;
            rs->partial_depth++;
            int rc = render_range(rs, p, 0, p->ntoks);
            rs->partial_depth--;
            if (rc != 0)
                return rc;
            break;
        }
        }
    }
    return 0;
}

int render(struct template_set *ts, const char *name, const struct tv *ctx, struct acg_buf *out,
           struct diag *d)
{
    struct template *t = get_template(ts, name, strlen(name), d);
    if (t == NULL)
        return -1;
    if (tv_failed(ctx)) {
        diag_error(d, t->path, (struct gen_mark){ 0, 0 }, "out of memory building the plan");
        return -1;
    }
    struct render_state rs = { ts, out, d, { ctx }, 1, 0 };
    return render_range(&rs, t, 0, t->ntoks);
}
