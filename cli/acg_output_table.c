/* --output table, as awscli/formatter.py's TableFormatter builds it and awscli/table.py's
 * MultiTable renders it: the same sections, rows, widths and write calls.
 *
 * Building walks the value as TableFormatter._build_table does (objects become a header
 * row and a value row, lists of objects one row per object under the union of their
 * scalar keys, non-scalar members nested sections one level deeper); rendering scales each
 * section's columns to the widest section, turning single-row sections vertical first
 * when the table would be wider than the terminal.
 *
 * With colour the AWS CLI writes through colorama with autoreset, which appends a reset
 * (ESC [0m) to every write, even an empty one; the write calls are kept as they are there
 * so the bytes match. Where the AWS CLI raises while building (a row of another length, a
 * list of objects holding something else), nothing is printed and this fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_output_private.h"

#define RESET "\x1b[0m"
#define ROW_STYLE "\x1b[1m\x1b[34m" /* Style.BRIGHT + Fore.BLUE */
#define INDENT_STYLE "\x1b[2m\x1b[33m|" RESET /* Style.DIM + Fore.YELLOW + '|' */

struct text {
    const char *s;
    size_t len;
};

struct row {
    struct text *cells;
    size_t n;
};

struct section {
    struct text title;
    bool has_title;   /* a title of None counts four columns ("None") but prints nothing */
    struct text *headers;
    size_t nheaders;
    struct row *rows;
    size_t nrows, rows_cap;
    int indent;
    bool cols_set;
    size_t ncols;
    size_t *max_widths;
    size_t nwidths;
};

struct table {
    struct acg_arena *arena;
    struct acg_error *err;
    struct section **sections;
    size_t nsections, cap;
    struct section *cur;
    struct acg_buf *out;
    bool color;
};

static int nomem(struct table *t)
{
    return acg_error_set(t->err, ACG_ERR_NOMEM, "table output: out of memory");
}

static int fail(struct table *t, const char *why)
{
    return acg_error_set(t->err, ACG_ERR_INVALID_ARG, "table output: %s", why);
}

/* Where the AWS CLI's table code raises, its exception's text, which the AWS CLI prints. */
static int python_error(struct table *t, const char *text)
{
    return acg_error_set(t->err, ACG_ERR_INVALID_ARG, "%s", text);
}

static size_t width_of(struct text x)
{
    return acg_py_display_width(x.s, x.len);
}

/* ---- sections (awscli.table.Section) ---- */

static int new_section(struct table *t, const struct text *title, int indent)
{
    struct section *s = acg_arena_calloc(t->arena, 1, sizeof *s);
    if (s == NULL)
        return nomem(t);
    if (title != NULL) {
        s->title = *title;
        s->has_title = true;
    } else {
        s->title = (struct text){"None", 4};
    }
    s->indent = indent;
    if (t->nsections == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        struct section **n = acg_arena_calloc(t->arena, cap, sizeof *n);
        if (n == NULL)
            return nomem(t);
        if (t->nsections > 0)
            memcpy(n, t->sections, t->nsections * sizeof *n);
        t->sections = n;
        t->cap = cap;
    }
    t->sections[t->nsections++] = s;
    t->cur = s;
    return ACG_OK;
}

static int update_widths(struct table *t, struct section *s, const struct text *cells, size_t n)
{
    if (s->nwidths == 0) {
        s->max_widths = acg_arena_calloc(t->arena, n, sizeof *s->max_widths);
        if (s->max_widths == NULL)
            return nomem(t);
        for (size_t i = 0; i < n; i++)
            s->max_widths[i] = width_of(cells[i]);
        s->nwidths = n;
        return ACG_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (i >= s->nwidths) /* IndexError in the AWS CLI */
            return python_error(t, "list index out of range");
        size_t w = width_of(cells[i]);
        if (w > s->max_widths[i])
            s->max_widths[i] = w;
    }
    return ACG_OK;
}

static int add_header(struct table *t, struct text *headers, size_t n)
{
    struct section *s = t->cur;
    ACG_TRY(update_widths(t, s, headers, n));
    if (!s->cols_set) {
        s->cols_set = true;
        s->ncols = n;
    }
    s->headers = headers;
    s->nheaders = n;
    return ACG_OK;
}

static int add_row_cells(struct table *t, struct section *s, struct text *cells, size_t n)
{
    if (!s->cols_set) {
        s->cols_set = true;
        s->ncols = n;
    }
    if (n != s->ncols) { /* ValueError in the AWS CLI */
        char why[96];
        snprintf(why, sizeof why, "Row should have %zu elements, instead it has %zu", s->ncols, n);
        return python_error(t, why);
    }
    if (s->nrows == s->rows_cap) {
        size_t cap = s->rows_cap ? s->rows_cap * 2 : 4;
        struct row *r = acg_arena_calloc(t->arena, cap, sizeof *r);
        if (r == NULL)
            return nomem(t);
        if (s->nrows > 0)
            memcpy(r, s->rows, s->nrows * sizeof *r);
        s->rows = r;
        s->rows_cap = cap;
    }
    s->rows[s->nrows++] = (struct row){cells, n};
    return update_widths(t, s, cells, n);
}

/* str() of a value, kept in the arena. */
static int cell(struct table *t, const struct acg_value *v, struct text *out)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_py_str(&b, v);
    char *s = rc == ACG_OK ? acg_arena_strndup(t->arena, b.data ? b.data : "", b.len) : NULL;
    *out = (struct text){s, b.len};
    acg_buf_free(&b);
    if (rc == ACG_ERR_INVALID_ARG)
        return fail(t, "nesting too deep");
    return s != NULL ? ACG_OK : nomem(t);
}

static struct text *texts(struct table *t, size_t n)
{
    return acg_arena_calloc(t->arena, n, sizeof(struct text));
}

/* ---- building (TableFormatter._build_table and friends) ---- */

static bool scalar(const struct acg_value *v)
{
    return v->type != ACG_VALUE_ARRAY && v->type != ACG_VALUE_OBJECT;
}

static int key_order(const void *x, const void *y)
{
    const struct text *a = x, *b = y;
    int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
    return c != 0 ? c : a->len < b->len ? -1 : a->len > b->len;
}

/* The object's keys whose values are scalar (or not), sorted. */
static int group_keys(struct table *t, const struct acg_value *obj, bool want_scalar,
                      struct text **out, size_t *n)
{
    *out = texts(t, obj->u.obj.count + 1);
    if (*out == NULL)
        return nomem(t);
    *n = 0;
    for (size_t i = 0; i < obj->u.obj.count; i++) {
        const struct acg_value_member *m = &obj->u.obj.members[i];
        if (scalar(m->value) == want_scalar)
            (*out)[(*n)++] = (struct text){m->key, m->key_len};
    }
    qsort(*out, *n, sizeof **out, key_order);
    return ACG_OK;
}

/* What _group_scalar_keys raises for an element of a list of objects that is not one:
 * scalars are not iterable, a string is indexed by its characters; other cases fail
 * later and otherwise in Python, and get a message of ours. */
static int not_an_object(struct table *t, const struct acg_value *v)
{
    char why[96];
    if (v->type == ACG_VALUE_STRING && v->u.str.len > 0)
        return python_error(t, "string indices must be integers, not 'str'");
    if (v->type == ACG_VALUE_ARRAY || v->type == ACG_VALUE_STRING)
        return fail(t, "a list of objects holds something else");
    snprintf(why, sizeof why, "'%s' object is not iterable", acg_py_type_name(v));
    return python_error(t, why);
}

/* The union of the objects' scalar (or other) keys, sorted, each once. */
static int group_keys_of_list(struct table *t, const struct acg_value *list, bool want_scalar,
                              struct text **out, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < list->u.arr.count; i++) {
        if (list->u.arr.items[i]->type != ACG_VALUE_OBJECT)
            return not_an_object(t, list->u.arr.items[i]);
        total += list->u.arr.items[i]->u.obj.count;
    }
    *out = texts(t, total + 1);
    if (*out == NULL)
        return nomem(t);
    *n = 0;
    for (size_t i = 0; i < list->u.arr.count; i++) {
        const struct acg_value *obj = list->u.arr.items[i];
        for (size_t j = 0; j < obj->u.obj.count; j++) {
            const struct acg_value_member *m = &obj->u.obj.members[j];
            if (scalar(m->value) == want_scalar)
                (*out)[(*n)++] = (struct text){m->key, m->key_len};
        }
    }
    qsort(*out, *n, sizeof **out, key_order);
    size_t u = 0;
    for (size_t i = 0; i < *n; i++) {
        if (u == 0 || key_order(&(*out)[u - 1], &(*out)[i]) != 0)
            (*out)[u++] = (*out)[i];
    }
    *n = u;
    return ACG_OK;
}

static int build(struct table *t, const struct text *title, const struct acg_value *v, int indent,
                 bool *built, unsigned depth);

static int sub_table_from_dict(struct table *t, const struct acg_value *obj, int indent,
                               unsigned depth)
{
    struct text *headers, *more;
    size_t nh, nm;
    ACG_TRY(group_keys(t, obj, true, &headers, &nh));
    ACG_TRY(group_keys(t, obj, false, &more, &nm));
    if (nh == 1) {
        struct text *cells = texts(t, 2);
        if (cells == NULL)
            return nomem(t);
        cells[0] = headers[0];
        ACG_TRY(cell(t, acg_value_object_get(obj, headers[0].s, headers[0].len), &cells[1]));
        ACG_TRY(add_row_cells(t, t->cur, cells, 2));
    } else if (nh > 0) {
        ACG_TRY(add_header(t, headers, nh));
        struct text *cells = texts(t, nh);
        if (cells == NULL)
            return nomem(t);
        for (size_t i = 0; i < nh; i++)
            ACG_TRY(cell(t, acg_value_object_get(obj, headers[i].s, headers[i].len), &cells[i]));
        ACG_TRY(add_row_cells(t, t->cur, cells, nh));
    }
    for (size_t i = 0; i < nm; i++) {
        bool built;
        ACG_TRY(build(t, &more[i], acg_value_object_get(obj, more[i].s, more[i].len), indent + 1,
                      &built, depth + 1));
    }
    return ACG_OK;
}

static int sub_table_from_list(struct table *t, const struct acg_value *list, int indent,
                               const struct text *title, unsigned depth)
{
    struct text *headers, *more;
    size_t nh, nm;
    ACG_TRY(group_keys_of_list(t, list, true, &headers, &nh));
    ACG_TRY(group_keys_of_list(t, list, false, &more, &nm));
    ACG_TRY(add_header(t, headers, nh));
    for (size_t e = 0; e < list->u.arr.count; e++) {
        const struct acg_value *el = list->u.arr.items[e];
        if (e > 0 && nm > 0) {
            ACG_TRY(new_section(t, title, indent));
            ACG_TRY(add_header(t, headers, nh));
        }
        struct text *cells = texts(t, nh + 1);
        if (cells == NULL)
            return nomem(t);
        for (size_t i = 0; i < nh; i++) {
            const struct acg_value *v = acg_value_object_get(el, headers[i].s, headers[i].len);
            if (v == NULL)
                cells[i] = (struct text){"", 0};
            else
                ACG_TRY(cell(t, v, &cells[i]));
        }
        ACG_TRY(add_row_cells(t, t->cur, cells, nh));
        for (size_t i = 0; i < nm; i++) {
            const struct acg_value *v = acg_value_object_get(el, more[i].s, more[i].len);
            bool built;
            if (v != NULL)
                ACG_TRY(build(t, &more[i], v, indent + 1, &built, depth + 1));
        }
    }
    return ACG_OK;
}

/* Items of a list whose first item is not an object: scalars are one-cell rows, lists of
 * scalars and objects (their keys) whole rows, other lists nest without a title. */
static int list_rows(struct table *t, const struct acg_value *list, unsigned depth)
{
    for (size_t i = 0; i < list->u.arr.count; i++) {
        const struct acg_value *item = list->u.arr.items[i];
        struct text *cells;
        if (scalar(item)) {
            cells = texts(t, 1);
            if (cells == NULL)
                return nomem(t);
            ACG_TRY(cell(t, item, &cells[0]));
            ACG_TRY(add_row_cells(t, t->cur, cells, 1));
            continue;
        }
        if (item->type == ACG_VALUE_OBJECT) { /* iterating a dict gives its keys */
            cells = texts(t, item->u.obj.count + 1);
            if (cells == NULL)
                return nomem(t);
            for (size_t k = 0; k < item->u.obj.count; k++) {
                const struct acg_value_member *m = &item->u.obj.members[k];
                cells[k] = (struct text){m->key, m->key_len};
            }
            ACG_TRY(add_row_cells(t, t->cur, cells, item->u.obj.count));
            continue;
        }
        bool all_scalar = true;
        for (size_t k = 0; k < item->u.arr.count; k++)
            all_scalar &= scalar(item->u.arr.items[k]);
        if (!all_scalar) {
            bool built;
            ACG_TRY(build(t, NULL, item, 0, &built, depth + 1));
            continue;
        }
        cells = texts(t, item->u.arr.count + 1);
        if (cells == NULL)
            return nomem(t);
        for (size_t k = 0; k < item->u.arr.count; k++)
            ACG_TRY(cell(t, item->u.arr.items[k], &cells[k]));
        ACG_TRY(add_row_cells(t, t->cur, cells, item->u.arr.count));
    }
    return ACG_OK;
}

static int build(struct table *t, const struct text *title, const struct acg_value *v, int indent,
                 bool *built, unsigned depth)
{
    *built = false;
    if (depth > ACG_VALUE_MAX_DEPTH)
        return fail(t, "nesting too deep");
    if (!acg_py_truthy(v))
        return ACG_OK;
    if (title != NULL)
        ACG_TRY(new_section(t, title, indent));
    if (t->cur == NULL)
        return fail(t, "no section to add rows to");
    if (v->type == ACG_VALUE_ARRAY) {
        if (v->u.arr.items[0]->type == ACG_VALUE_OBJECT)
            ACG_TRY(sub_table_from_list(t, v, indent, title, depth));
        else
            ACG_TRY(list_rows(t, v, depth));
    }
    if (v->type == ACG_VALUE_OBJECT)
        ACG_TRY(sub_table_from_dict(t, v, indent, depth));
    *built = true;
    return ACG_OK;
}

/* ---- rendering (MultiTable.render) ---- */

/* The AWS CLI's column widths: each column's widest text plus padding, scaled to
 * max_width with Python's round() (half to even), then nudged one column at a time until
 * the sum is exact. */
static long *column_widths(struct table *t, const struct section *s, size_t padding,
                           long max_width)
{
    size_t n = s->nwidths;
    long *scaled = acg_arena_calloc(t->arena, n + 1, sizeof *scaled);
    if (scaled == NULL)
        return NULL;
    size_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += s->max_widths[i] + padding;
    double scale = (double)max_width / (double)sum;
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        scaled[i] = (long)rint(scale * (double)(s->max_widths[i] + padding));
        total += scaled[i];
    }
    long off = total - max_width;
    while (off != 0 && n > 0) {
        for (size_t k = 0; k < n && off != 0; k++) {
            size_t i = off > 0 ? k : n - 1 - k;
            scaled[i] += off > 0 ? -1 : 1;
            off += off > 0 ? -1 : 1;
        }
    }
    return scaled;
}

static long total_width(const struct section *s)
{
    long total = 0;
    for (size_t i = 0; i < s->nwidths; i++)
        total += (long)s->max_widths[i] + 4;
    total += 2 + 2L * s->indent;
    long title = (long)width_of(s->title) + 2 + 2L * s->indent;
    return title > total ? title : total;
}

static long max_width(const struct table *t)
{
    long m = 0;
    for (size_t i = 0; i < t->nsections; i++) {
        long w = total_width(t->sections[i]);
        if (i == 0 || w > m)
            m = w;
    }
    return m;
}

/* Sections with a header and a single row become rows of (header, value). */
static int convert_to_vertical(struct table *t)
{
    for (size_t i = 0; i < t->nsections; i++) {
        struct section *s = t->sections[i];
        if (s->nrows != 1 || s->nheaders == 0)
            continue;
        struct section *n = acg_arena_calloc(t->arena, 1, sizeof *n);
        if (n == NULL)
            return nomem(t);
        n->title = s->title;
        n->has_title = s->has_title;
        n->indent = s->indent;
        size_t pairs = s->nheaders < s->rows[0].n ? s->nheaders : s->rows[0].n;
        for (size_t k = 0; k < pairs; k++) {
            struct text *cells = texts(t, 2);
            if (cells == NULL)
                return nomem(t);
            cells[0] = s->headers[k];
            cells[1] = s->rows[0].cells[k];
            ACG_TRY(add_row_cells(t, n, cells, 2));
        }
        t->sections[i] = n;
    }
    return ACG_OK;
}

/* One write to the stream: with colour, colorama's autoreset follows it. */
static int emit(struct table *t, const char *s, size_t n)
{
    ACG_TRY(acg_buf_append(t->out, s, n));
    return t->color ? acg_buf_append(t->out, RESET, sizeof RESET - 1) : ACG_OK;
}

static int spaces(struct acg_buf *b, long n)
{
    for (long i = 0; i < n; i++)
        ACG_TRY(acg_buf_append_char(b, ' '));
    return ACG_OK;
}

static int dashes(struct acg_buf *b, long n)
{
    for (long i = 0; i < n; i++)
        ACG_TRY(acg_buf_append_char(b, '-'));
    return ACG_OK;
}

/* awscli.table.center_text (edges of one column each). */
static int center(struct acg_buf *b, struct text text, long len, bool left_edge, long tl)
{
    long start = len / 2 - tl / 2 - 1;
    if (left_edge)
        ACG_TRY(acg_buf_append_char(b, '|'));
    ACG_TRY(spaces(b, start));
    ACG_TRY(acg_buf_append(b, text.s, text.len));
    long so_far = (left_edge ? 1 : 0) + start + tl;
    ACG_TRY(spaces(b, len - 1 - so_far));
    return acg_buf_append_char(b, '|');
}

/* awscli.table.align_left, the text possibly wrapped in colour codes. */
static int align_left(struct table *t, struct acg_buf *b, struct text text, long len,
                      bool left_edge)
{
    long tl = (long)width_of(text), edges = (left_edge ? 1 : 0) + 1;
    long pad = len - (tl + 2 + edges) >= 0 ? 2 : 0;
    if (left_edge)
        ACG_TRY(acg_buf_append_char(b, '|'));
    ACG_TRY(spaces(b, pad));
    if (t->color)
        ACG_TRY(acg_buf_append_str(b, ROW_STYLE));
    ACG_TRY(acg_buf_append(b, text.s, text.len));
    if (t->color)
        ACG_TRY(acg_buf_append_str(b, RESET));
    ACG_TRY(spaces(b, len - ((left_edge ? 1 : 0) + pad + tl) - 1));
    return acg_buf_append_char(b, '|');
}

/* IndentedStream.write of a line (text ends with a newline). */
static int indented_line(struct table *t, const struct section *s, struct acg_buf *line)
{
    struct acg_buf edge;
    acg_buf_init(&edge, 0);
    int rc = ACG_OK;
    for (int i = 0; i < s->indent && rc == ACG_OK; i++)
        rc = t->color ? acg_buf_append_str(&edge, INDENT_STYLE) : acg_buf_append_char(&edge, '|');
    const char *e = edge.data != NULL ? edge.data : "";
    if (rc == ACG_OK)
        rc = emit(t, e, edge.len);
    if (rc == ACG_OK)
        rc = emit(t, line->data != NULL ? line->data : "", line->len - 1);
    if (rc == ACG_OK)
        rc = emit(t, e, edge.len);
    if (rc == ACG_OK)
        rc = emit(t, "\n", 1);
    acg_buf_free(&edge);
    acg_buf_reset(line);
    return rc;
}

static int line_break(struct table *t, const struct section *s, const long *widths, size_t n,
                      struct acg_buf *line)
{
    for (size_t i = 0; i < n; i++) {
        if (i == 0)
            ACG_TRY(acg_buf_append_char(line, '+'));
        ACG_TRY(dashes(line, widths[i] - (i == 0 ? 2 : 1)));
        ACG_TRY(acg_buf_append_char(line, '+'));
    }
    ACG_TRY(acg_buf_append_char(line, '\n'));
    return indented_line(t, s, line);
}

static int render_section(struct table *t, const struct section *s, long width,
                          struct acg_buf *line)
{
    width -= 2L * s->indent;
    if (s->has_title && s->title.len > 0) {
        ACG_TRY(center(line, s->title, width, true, (long)width_of(s->title)));
        ACG_TRY(acg_buf_append_char(line, '\n'));
        ACG_TRY(indented_line(t, s, line));
        if (s->nheaders == 0 && s->nrows == 0) {
            ACG_TRY(acg_buf_append_char(line, '+'));
            ACG_TRY(dashes(line, width - 2));
            ACG_TRY(acg_buf_append(line, "+\n", 2));
            ACG_TRY(indented_line(t, s, line));
        }
    }
    long *widths = NULL;
    if ((s->nheaders > 0 || s->nrows > 0) && s->nwidths > 0) {
        widths = column_widths(t, s, 4, width);
        if (widths == NULL)
            return nomem(t);
    }
    if (s->nheaders > 0) {
        size_t n = s->nwidths < s->nheaders ? s->nwidths : s->nheaders;
        struct acg_buf titles;
        acg_buf_init(&titles, 0);
        int rc = ACG_OK;
        for (size_t i = 0; i < n && rc == ACG_OK; i++)
            rc = center(&titles, s->headers[i], widths[i], i == 0,
                        (long)width_of(s->headers[i]));
        if (rc == ACG_OK)
            rc = line_break(t, s, widths, s->nwidths, line);
        if (rc == ACG_OK)
            rc = acg_buf_append(line, titles.data ? titles.data : "", titles.len);
        if (rc == ACG_OK)
            rc = acg_buf_append_char(line, '\n');
        if (rc == ACG_OK)
            rc = indented_line(t, s, line);
        acg_buf_free(&titles);
        ACG_TRY(rc);
    }
    if (s->nrows == 0 || widths == NULL)   /* no columns */
        return ACG_OK;
    ACG_TRY(line_break(t, s, widths, s->nwidths, line));
    for (size_t r = 0; r < s->nrows; r++) {
        const struct row *row = &s->rows[r];
        size_t n = s->nwidths < row->n ? s->nwidths : row->n;
        for (size_t i = 0; i < n; i++)
            ACG_TRY(align_left(t, line, row->cells[i], widths[i], i == 0));
        ACG_TRY(acg_buf_append_char(line, '\n'));
        ACG_TRY(indented_line(t, s, line));
    }
    return line_break(t, s, widths, s->nwidths, line);
}

static int render(struct table *t, int terminal_width)
{
    long width = max_width(t);
    if (width > terminal_width) {
        ACG_TRY(convert_to_vertical(t));
        width = max_width(t);
    }
    struct acg_buf line;
    acg_buf_init(&line, 0);
    int rc = dashes(&line, width);
    if (rc == ACG_OK)
        rc = acg_buf_append_char(&line, '\n');
    if (rc == ACG_OK)
        rc = emit(t, line.data, line.len);
    acg_buf_reset(&line);
    for (size_t i = 0; i < t->nsections && rc == ACG_OK; i++)
        rc = render_section(t, t->sections[i], width, &line);
    acg_buf_free(&line);
    return rc;
}

int acg_output_table(const char *title, const struct acg_value *v, bool color, int width,
                     struct acg_buf *out, struct acg_error *err)
{
    struct table t = {.err = err, .out = out, .color = color};
    t.arena = acg_arena_new();
    if (t.arena == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "table output: out of memory");
    struct text name = {title, strlen(title)};
    bool built = false;
    int rc = build(&t, &name, v, 0, &built, 1);
    if (rc == ACG_OK && built)
        rc = render(&t, width);
    if (rc != ACG_OK && err != NULL && err->status == ACG_OK)
        acg_error_set(err, rc, "table output: %s", acg_status_name((enum acg_status)rc));
    acg_arena_destroy(t.arena);
    return rc;
}
