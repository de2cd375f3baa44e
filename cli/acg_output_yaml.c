/* --output yaml and yaml-stream, as AWS CLI v2 prints them: ruamel.yaml's safe dumper
 * (YAML(typ='safe'), default_flow_style=False; width 80, indent 2, allow_unicode), which
 * runs ruamel's Python representer and resolver and libyaml's C emitter (ruamel.yaml.clib);
 * a scalar result prints as JSON, an empty object as nothing (yaml only), and yaml-stream
 * dumps the result as the one item of a list.
 *
 * This ports what such values reach, keeping each stage's decisions and order:
 *   - the representer: keys sorted, floats as repr ('.nan', '.inf'), a container met again
 *     as an alias of the first (&id001 / *id001, numbered as the serializer numbers them);
 *   - the resolver (YAML 1.2 rules): a string that would read back as another type when
 *     plain (true, 12, 1e3, null, '', 2024-01-01) is quoted;
 *   - libyaml's emitter: its column, whitespace and indention state, scalar analysis,
 *     style choice (plain, else single-quoted, else double-quoted with escapes: characters
 *     outside its printable set, astral ones included, are escaped), keys over 128 bytes
 *     or over several lines as "? " keys, and folding of long scalars at column 80. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#include "acg_output_private.h"
#include "common/acg_format.h"

#define BEST_WIDTH 80
#define INDENT_STEP 2
#define MAX_SIMPLE_KEY 128

/* ---- the YAML 1.2 implicit resolvers (ruamel/yaml/resolver.py), in their order ---- */

struct resolver {
    const char *first; /* first characters it applies to; "" for the empty string */
    const char *pattern;
};

static const struct resolver resolvers[] = {
    {"tTfF", "^(?:true|True|TRUE|false|False|FALSE)$"},
    {"-+0123456789.",
     "^(?: [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
     " |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
     " |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?"
     " |[-+]?\\.(?:inf|Inf|INF)"
     " |\\.(?:nan|NaN|NAN))$"},
    {"-+0123456789",
     "^(?:[-+]?0b[0-1_]+ |[-+]?0o?[0-7_]+ |[-+]?[0-9_]+ |[-+]?0x[0-9a-fA-F_]+)$"},
    {"<", "^(?:<<)$"},
    {"~nN", "^(?: ~ |null|Null|NULL | )$"},
    {"0123456789",
     "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
     " |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?"
     " (?:[Tt]|[ \\t]+)[0-9][0-9]?"
     " :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?"
     " (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"},
    {"=", "^(?:=)$"},
    {"!&*", "^(?:!|&|\\*)$"},
};
#define NRESOLVERS (sizeof resolvers / sizeof resolvers[0])

static pcre2_code *compiled[NRESOLVERS];
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

static void compile_resolvers(void)
{
    for (size_t i = 0; i < NRESOLVERS; i++) {
        int code;
        PCRE2_SIZE at;
        compiled[i] = pcre2_compile((PCRE2_SPTR)resolvers[i].pattern, PCRE2_ZERO_TERMINATED,
                                    PCRE2_EXTENDED, &code, &at, NULL);
    }
}

/* True when a plain scalar with this text would read back as something other than a
 * string (so a string holding it must be quoted). */
static bool resolves_to_other(const char *s, size_t n)
{
    pthread_once(&compile_once, compile_resolvers);
    for (size_t i = 0; i < NRESOLVERS; i++) {
        bool applies = n == 0 ? i == 4 : strchr(resolvers[i].first, s[0]) != NULL && s[0] != '\0';
        if (!applies || compiled[i] == NULL)
            continue;
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(compiled[i], NULL);
        if (md == NULL)
            return true; /* quoting is always safe */
        int rc = pcre2_match(compiled[i], (PCRE2_SPTR)(n ? s : ""), n, 0, 0, md, NULL);
        pcre2_match_data_free(md);
        if (rc >= 0)
            return true;
    }
    return false;
}

/* ---- anchors: containers met more than once ---- */

struct anchor {
    const struct acg_value *v;
    unsigned id;   /* 0 until met a second time */
    bool emitted;
};

struct anchors {
    struct anchor *slots;
    size_t mask;
    size_t count;
    unsigned last;
};

static size_t slot_of(const struct anchors *a, const struct acg_value *v)
{
    size_t h = (size_t)(((uintptr_t)v >> 4) * UINT64_C(11400714819323198485)) & a->mask;
    while (a->slots[h].v != NULL && a->slots[h].v != v)
        h = (h + 1) & a->mask;
    return h;
}

static int grow_anchors(struct anchors *a)
{
    struct anchors n = {NULL, a->mask ? a->mask * 2 + 1 : 63, 0, a->last};
    n.slots = calloc(n.mask + 1, sizeof *n.slots);
    if (n.slots == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; a->slots != NULL && i <= a->mask; i++) {
        if (a->slots[i].v != NULL) {
            n.slots[slot_of(&n, a->slots[i].v)] = a->slots[i];
            n.count++;
        }
    }
    free(a->slots);
    *a = n;
    return ACG_OK;
}

/* ---- the emitter (libyaml's emitter.c) ---- */

struct emitter {
    struct acg_buf *out;
    struct acg_error *err;
    struct anchors anchors;
    long column;
    bool whitespace, indention;
    int indent; /* -1 before the first level */
    int *indents;
    size_t nindents, indents_cap;
    int flow_level;
    bool root_context, sequence_context, mapping_context, simple_key_context;
};

/* PUT: one ASCII character. */
static int put(struct emitter *e, char c)
{
    e->column++;
    return acg_buf_append_char(e->out, c);
}

/* WRITE: one character of a scalar. */
static int write_cp(struct emitter *e, uint32_t cp)
{
    char u[4];
    e->column++;
    return acg_buf_append(e->out, u, acg_py_encode(cp, u));
}

static int put_break(struct emitter *e)
{
    e->column = 0;
    return acg_buf_append_char(e->out, '\n');
}

/* WRITE_BREAK: '\n' as a line break, other breaks (NEL, LS, PS, CR) as they are. */
static int write_break(struct emitter *e, uint32_t cp)
{
    if (cp == '\n')
        return put_break(e);
    ACG_TRY(write_cp(e, cp));
    e->column = 0;
    return ACG_OK;
}

static int increase_indent(struct emitter *e, bool flow, bool indentless)
{
    if (e->nindents == e->indents_cap) {
        size_t cap = e->indents_cap ? e->indents_cap * 2 : 16;
        int *n = realloc(e->indents, cap * sizeof *n);
        if (n == NULL)
            return ACG_ERR_NOMEM;
        e->indents = n;
        e->indents_cap = cap;
    }
    e->indents[e->nindents++] = e->indent;
    if (e->indent < 0)
        e->indent = flow ? INDENT_STEP : 0;
    else if (!indentless)
        e->indent += INDENT_STEP;
    return ACG_OK;
}

static void pop_indent(struct emitter *e)
{
    e->indent = e->indents[--e->nindents];
}

static int write_indent(struct emitter *e)
{
    long indent = e->indent >= 0 ? e->indent : 0;
    if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
        ACG_TRY(put_break(e));
    while (e->column < indent)
        ACG_TRY(put(e, ' '));
    e->whitespace = e->indention = true;
    return ACG_OK;
}

/* text is ASCII. */
static int indicator(struct emitter *e, const char *text, bool need_ws, bool is_ws,
                     bool is_indention)
{
    if (need_ws && !e->whitespace)
        ACG_TRY(put(e, ' '));
    for (; *text != '\0'; text++)
        ACG_TRY(put(e, *text));
    e->whitespace = is_ws;
    e->indention = e->indention && is_indention;
    return ACG_OK;
}

/* ---- scalars ---- */

enum style { PLAIN, SINGLE, DOUBLE };

struct scalar {
    uint32_t *cp;   /* the text as code points */
    size_t n;
    size_t bytes;   /* its UTF-8 length, which libyaml's simple-key limit counts */
    bool plain_implicit; /* reads back as the same type when plain */
    bool multiline, flow_plain, block_plain, single_ok;
};

static bool is_break(uint32_t c)
{
    return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* IS_BLANKZ: a blank, a break, or the end (the NUL after the text). */
static bool is_blankz(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0 || is_break(c);
}

/* IS_PRINTABLE, decoded: '\n', ' '..'~', U+A0..U+D7FF, U+E000..U+FFFD but U+FEFF. */
static bool printable(uint32_t c)
{
    return c == '\n' || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
}

static bool one_of(uint32_t c, const char *set)
{
    return c != 0 && c < 0x80 && strchr(set, (int)c) != NULL;
}

/* yaml_emitter_analyze_scalar */
static void analyze(struct scalar *s)
{
    const uint32_t *t = s->cp;
    size_t n = s->n;
    s->multiline = false;
    if (n == 0) {
        s->flow_plain = false;
        s->block_plain = s->single_ok = true;
        return;
    }
    bool block_ind = false, flow_ind = false, breaks = false, special = false;
    bool lead_space = false, lead_break = false, trail_space = false, trail_break = false;
    bool break_space = false, space_break = false, prev_space = false, prev_break = false;
    if (n >= 3 && ((t[0] == '-' && t[1] == '-' && t[2] == '-') ||
                   (t[0] == '.' && t[1] == '.' && t[2] == '.')))
        block_ind = flow_ind = true;
    bool preceded_ws = true, followed_ws = is_blankz(n > 1 ? t[1] : 0);
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = t[i];
        if (i == 0) {
            if (one_of(ch, "#,[]{}&*!|>'\"%@`"))
                flow_ind = block_ind = true;
            if (ch == '?' || ch == ':') {
                flow_ind = true;
                if (followed_ws)
                    block_ind = true;
            }
            if (ch == '-' && followed_ws)
                flow_ind = block_ind = true;
        } else {
            if (one_of(ch, ",?[]{}"))
                flow_ind = true;
            if (ch == ':') {
                flow_ind = true;
                if (followed_ws)
                    block_ind = true;
            }
            if (ch == '#' && preceded_ws)
                flow_ind = block_ind = true;
        }
        if (!printable(ch))
            special = true;
        if (is_break(ch))
            breaks = true;
        if (ch == ' ') {
            lead_space |= i == 0;
            trail_space |= i == n - 1;
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if (is_break(ch)) {
            lead_break |= i == 0;
            trail_break |= i == n - 1;
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = prev_break = false;
        }
        preceded_ws = is_blankz(ch);
        if (i + 1 < n)
            followed_ws = is_blankz(i + 2 < n ? t[i + 2] : 0);
    }
    s->multiline = breaks;
    s->flow_plain = s->block_plain = s->single_ok = true;
    if (lead_space || lead_break || trail_space || trail_break)
        s->flow_plain = s->block_plain = false;
    if (break_space || space_break || special)
        s->flow_plain = s->block_plain = s->single_ok = false;
    if (breaks)
        s->flow_plain = s->block_plain = false;
    if (flow_ind)
        s->flow_plain = false;
    if (block_ind)
        s->block_plain = false;
}

/* yaml_emitter_select_scalar_style */
static enum style select_style(const struct emitter *e, const struct scalar *s)
{
    enum style style = PLAIN;
    if (e->simple_key_context && s->multiline)
        style = DOUBLE;
    if (style == PLAIN) {
        if ((e->flow_level > 0 && !s->flow_plain) || (e->flow_level == 0 && !s->block_plain))
            style = SINGLE;
        if (s->n == 0 && (e->flow_level > 0 || e->simple_key_context))
            style = SINGLE;
        if (!s->plain_implicit)
            style = SINGLE;
    }
    if (style == SINGLE && !s->single_ok)
        style = DOUBLE;
    return style;
}

static int write_plain(struct emitter *e, const struct scalar *s, bool allow_breaks)
{
    const uint32_t *t = s->cp;
    bool spaces = false, breaks = false;
    if (!e->whitespace && (s->n > 0 || e->flow_level > 0))
        ACG_TRY(put(e, ' '));
    for (size_t i = 0; i < s->n; i++) {
        uint32_t ch = t[i];
        if (ch == ' ') {
            if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
                !(i + 1 < s->n && t[i + 1] == ' '))
                ACG_TRY(write_indent(e));
            else
                ACG_TRY(write_cp(e, ch));
            spaces = true;
        } else if (is_break(ch)) {
            if (!breaks && ch == '\n')
                ACG_TRY(put_break(e));
            ACG_TRY(write_break(e, ch));
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                ACG_TRY(write_indent(e));
            ACG_TRY(write_cp(e, ch));
            e->indention = false;
            spaces = breaks = false;
        }
    }
    e->whitespace = e->indention = false;
    return ACG_OK;
}

static int write_single_quoted(struct emitter *e, const struct scalar *s, bool allow_breaks)
{
    const uint32_t *t = s->cp;
    bool spaces = false, breaks = false;
    ACG_TRY(indicator(e, "'", true, false, false));
    for (size_t i = 0; i < s->n; i++) {
        uint32_t ch = t[i];
        if (ch == ' ') {
            if (allow_breaks && !spaces && e->column > BEST_WIDTH && i != 0 && i != s->n - 1 &&
                !(i + 1 < s->n && t[i + 1] == ' '))
                ACG_TRY(write_indent(e));
            else
                ACG_TRY(write_cp(e, ch));
            spaces = true;
        } else if (is_break(ch)) {
            if (!breaks && ch == '\n')
                ACG_TRY(put_break(e));
            ACG_TRY(write_break(e, ch));
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                ACG_TRY(write_indent(e));
            if (ch == '\'')
                ACG_TRY(put(e, '\''));
            ACG_TRY(write_cp(e, ch));
            e->indention = false;
            spaces = breaks = false;
        }
    }
    if (breaks)
        ACG_TRY(write_indent(e));
    ACG_TRY(indicator(e, "'", false, false, false));
    e->whitespace = e->indention = false;
    return ACG_OK;
}

static int write_escape(struct emitter *e, uint32_t ch)
{
    char esc[16];
    const char *named = NULL;
    switch (ch) {
    case 0x00: named = "0"; break;
    case 0x07: named = "a"; break;
    case 0x08: named = "b"; break;
    case 0x09: named = "t"; break;
    case 0x0A: named = "n"; break;
    case 0x0B: named = "v"; break;
    case 0x0C: named = "f"; break;
    case 0x0D: named = "r"; break;
    case 0x1B: named = "e"; break;
    case 0x22: named = "\""; break;
    case 0x5C: named = "\\"; break;
    case 0x85: named = "N"; break;
    case 0xA0: named = "_"; break;
    case 0x2028: named = "L"; break;
    case 0x2029: named = "P"; break;
    default: break;
    }
    if (named != NULL)
        snprintf(esc, sizeof esc, "\\%s", named);
    else if (ch <= 0xFF)
        snprintf(esc, sizeof esc, "\\x%02X", (unsigned)ch);
    else if (ch <= 0xFFFF)
        snprintf(esc, sizeof esc, "\\u%04X", (unsigned)ch);
    else
        snprintf(esc, sizeof esc, "\\U%08X", (unsigned)ch);
    for (const char *p = esc; *p != '\0'; p++)
        ACG_TRY(put(e, *p));
    return ACG_OK;
}

static int write_double_quoted(struct emitter *e, const struct scalar *s, bool allow_breaks)
{
    const uint32_t *t = s->cp;
    bool spaces = false;
    ACG_TRY(indicator(e, "\"", true, false, false));
    for (size_t i = 0; i < s->n; i++) {
        uint32_t ch = t[i];
        if (!printable(ch) || ch == 0xFEFF || is_break(ch) || ch == '"' || ch == '\\') {
            ACG_TRY(write_escape(e, ch));
            spaces = false;
        } else if (ch == ' ') {
            if (allow_breaks && !spaces && e->column > BEST_WIDTH && i != 0 && i != s->n - 1) {
                ACG_TRY(write_indent(e));
                if (i + 1 < s->n && t[i + 1] == ' ')
                    ACG_TRY(put(e, '\\'));
            } else {
                ACG_TRY(write_cp(e, ch));
            }
            spaces = true;
        } else {
            ACG_TRY(write_cp(e, ch));
            spaces = false;
        }
    }
    ACG_TRY(indicator(e, "\"", false, false, false));
    e->whitespace = e->indention = false;
    return ACG_OK;
}

/* yaml_emitter_emit_scalar */
static int emit_scalar(struct emitter *e, const struct scalar *s)
{
    enum style style = select_style(e, s);
    ACG_TRY(increase_indent(e, true, false));
    bool allow_breaks = !e->simple_key_context;
    int rc = style == PLAIN    ? write_plain(e, s, allow_breaks)
             : style == SINGLE ? write_single_quoted(e, s, allow_breaks)
                               : write_double_quoted(e, s, allow_breaks);
    pop_indent(e);
    return rc;
}

/* The scalar's text as ruamel's representer gives it, decoded to code points. */
static int make_scalar(const struct acg_value *v, struct scalar *s)
{
    char num[40];
    const char *text = num;
    size_t len;
    bool is_str = false;
    switch (v->type) {
    case ACG_VALUE_NULL: text = "null"; len = 4; break;
    case ACG_VALUE_BOOL: text = v->u.b ? "true" : "false"; len = strlen(text); break;
    case ACG_VALUE_INT: len = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->u.i); break;
    case ACG_VALUE_DOUBLE:
        if (isnan(v->u.d))
            text = ".nan";
        else if (isinf(v->u.d))
            text = v->u.d > 0 ? ".inf" : "-.inf";
        len = text == num ? acg_format_double(v->u.d, num) : strlen(text);
        break;
    default:
        text = v->u.str.ptr;
        len = v->u.str.len;
        is_str = true;
        break;
    }
    s->cp = malloc((len + 1) * sizeof *s->cp);
    if (s->cp == NULL)
        return ACG_ERR_NOMEM;
    s->n = 0;
    s->bytes = len;
    for (size_t i = 0, k; i < len; i += k)
        s->cp[s->n++] = acg_py_decode(text + i, len - i, &k);
    s->plain_implicit = !is_str || !resolves_to_other(text, len);
    analyze(s);
    return ACG_OK;
}

/* ---- collections ---- */

static int emit_node(struct emitter *e, const struct acg_value *v, bool root, bool seq, bool map,
                     bool simple_key, const struct scalar *key, unsigned depth);

/* An empty list or object: flow style. */
static int emit_empty(struct emitter *e, bool seq)
{
    ACG_TRY(indicator(e, seq ? "[" : "{", true, true, false));
    ACG_TRY(increase_indent(e, true, false));
    pop_indent(e);
    return indicator(e, seq ? "]" : "}", false, false, false);
}

static int emit_sequence(struct emitter *e, const struct acg_value *v, unsigned depth)
{
    ACG_TRY(increase_indent(e, false, e->mapping_context && !e->indention));
    for (size_t i = 0; i < v->u.arr.count; i++) {
        ACG_TRY(write_indent(e));
        ACG_TRY(indicator(e, "-", true, false, true));
        ACG_TRY(emit_node(e, v->u.arr.items[i], false, true, false, false, NULL, depth + 1));
    }
    pop_indent(e);
    return ACG_OK;
}

static int member_order(const void *x, const void *y)
{
    const struct acg_value_member *a = *(const struct acg_value_member *const *)x;
    const struct acg_value_member *b = *(const struct acg_value_member *const *)y;
    int c = memcmp(a->key, b->key, a->key_len < b->key_len ? a->key_len : b->key_len);
    return c != 0 ? c : a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

/* The members in the representer's order: sorted(dict.items()), by key. */
static const struct acg_value_member **sorted_members(const struct acg_value *v)
{
    const struct acg_value_member **m = malloc((v->u.obj.count + 1) * sizeof *m);
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < v->u.obj.count; i++)
        m[i] = &v->u.obj.members[i];
    qsort(m, v->u.obj.count, sizeof *m, member_order);
    return m;
}

static int emit_member(struct emitter *e, const struct acg_value_member *m, unsigned depth)
{
    struct acg_value key = {.type = ACG_VALUE_STRING};
    key.u.str.ptr = m->key;
    key.u.str.len = m->key_len;
    struct scalar ks;
    ACG_TRY(write_indent(e));
    ACG_TRY(make_scalar(&key, &ks));
    int rc;
    if (!ks.multiline && ks.bytes <= MAX_SIMPLE_KEY) {
        rc = emit_node(e, &key, false, false, true, true, &ks, depth + 1);
        if (rc == ACG_OK)
            rc = indicator(e, ":", false, false, false);
    } else {
        rc = indicator(e, "?", true, false, true);
        if (rc == ACG_OK)
            rc = emit_node(e, &key, false, false, true, false, &ks, depth + 1);
        if (rc == ACG_OK)
            rc = write_indent(e);
        if (rc == ACG_OK)
            rc = indicator(e, ":", true, false, true);
    }
    free(ks.cp);
    if (rc == ACG_OK)
        rc = emit_node(e, m->value, false, false, true, false, NULL, depth + 1);
    return rc;
}

static int emit_mapping(struct emitter *e, const struct acg_value *v, unsigned depth)
{
    const struct acg_value_member **m = sorted_members(v);
    if (m == NULL)
        return ACG_ERR_NOMEM;
    int rc = increase_indent(e, false, false);
    for (size_t i = 0; i < v->u.obj.count && rc == ACG_OK; i++)
        rc = emit_member(e, m[i], depth);
    if (rc == ACG_OK)
        pop_indent(e);
    free(m);
    return rc;
}

static int emit_node(struct emitter *e, const struct acg_value *v, bool root, bool seq, bool map,
                     bool simple_key, const struct scalar *key, unsigned depth)
{
    if (depth > ACG_VALUE_MAX_DEPTH)
        return acg_error_set(e->err, ACG_ERR_INVALID_ARG, "yaml output: nesting too deep");
    e->root_context = root;
    e->sequence_context = seq;
    e->mapping_context = map;
    e->simple_key_context = simple_key;
    if (v->type != ACG_VALUE_ARRAY && v->type != ACG_VALUE_OBJECT) {
        if (key != NULL)
            return emit_scalar(e, key);
        struct scalar s;
        ACG_TRY(make_scalar(v, &s));
        int rc = emit_scalar(e, &s);
        free(s.cp);
        return rc;
    }
    struct anchor *a = &e->anchors.slots[slot_of(&e->anchors, v)];
    if (a->id != 0) { /* yaml_emitter_process_anchor */
        char name[24];
        snprintf(name, sizeof name, "id%03u", a->id);
        ACG_TRY(indicator(e, a->emitted ? "*" : "&", true, false, false));
        for (const char *p = name; *p != '\0'; p++)
            ACG_TRY(put(e, *p));
        e->whitespace = e->indention = false;
        if (a->emitted) {
            if (e->simple_key_context)
                ACG_TRY(put(e, ' '));
            return ACG_OK;
        }
        a->emitted = true;
    }
    size_t count = v->type == ACG_VALUE_ARRAY ? v->u.arr.count : v->u.obj.count;
    if (e->flow_level > 0 || count == 0)
        return emit_empty(e, v->type == ACG_VALUE_ARRAY);
    return v->type == ACG_VALUE_ARRAY ? emit_sequence(e, v, depth) : emit_mapping(e, v, depth);
}

/* The serializer's walk (keys in sorted order) numbers a container when it meets it a
 * second time. */
static int find_anchors(struct emitter *e, const struct acg_value *v, unsigned depth)
{
    if (v->type != ACG_VALUE_ARRAY && v->type != ACG_VALUE_OBJECT)
        return ACG_OK;
    if (depth > ACG_VALUE_MAX_DEPTH)
        return acg_error_set(e->err, ACG_ERR_INVALID_ARG, "yaml output: nesting too deep");
    if ((e->anchors.count + 1) * 2 > e->anchors.mask)
        ACG_TRY(grow_anchors(&e->anchors));
    struct anchor *a = &e->anchors.slots[slot_of(&e->anchors, v)];
    if (a->v != NULL) {
        if (a->id == 0)
            a->id = ++e->anchors.last;
        return ACG_OK;
    }
    a->v = v;
    e->anchors.count++;
    if (v->type == ACG_VALUE_ARRAY) {
        for (size_t i = 0; i < v->u.arr.count; i++)
            ACG_TRY(find_anchors(e, v->u.arr.items[i], depth + 1));
        return ACG_OK;
    }
    const struct acg_value_member **m = sorted_members(v);
    if (m == NULL)
        return ACG_ERR_NOMEM;
    int rc = ACG_OK;
    for (size_t i = 0; i < v->u.obj.count && rc == ACG_OK; i++)
        rc = find_anchors(e, m[i]->value, depth + 1);
    free(m);
    return rc;
}

/* One implicit document holding v; the document's end writes the last line break. */
static int dump(struct emitter *e, const struct acg_value *v)
{
    e->indent = -1;
    e->whitespace = e->indention = true;
    ACG_TRY(grow_anchors(&e->anchors));
    ACG_TRY(find_anchors(e, v, 1));
    ACG_TRY(emit_node(e, v, true, false, false, false, NULL, 1));
    return write_indent(e);
}

int acg_output_yaml(const struct acg_value *v, bool stream, struct acg_buf *out,
                    struct acg_error *err)
{
    bool container = v->type == ACG_VALUE_ARRAY || v->type == ACG_VALUE_OBJECT;
    if (!stream && v->type == ACG_VALUE_OBJECT && v->u.obj.count == 0)
        return ACG_OK;
    if (!stream && !container) {
        ACG_TRY(acg_value_write_json(v, 0, out, err));
        return acg_buf_append_char(out, '\n');
    }
    struct acg_value *wrapped[1] = {(struct acg_value *)v};
    struct acg_value list = {.type = ACG_VALUE_ARRAY};
    list.u.arr.items = wrapped;
    list.u.arr.count = list.u.arr.cap = 1;
    struct emitter e = {.out = out, .err = err};
    int rc = dump(&e, stream ? &list : v);
    free(e.anchors.slots);
    free(e.indents);
    if (rc != ACG_OK && err != NULL && err->status == ACG_OK)
        acg_error_set(err, rc, "yaml output: %s", acg_status_name((enum acg_status)rc));
    return rc;
}
