/* Rule set -> C. The output mirrors the rules tree: each condition is an `if`, a condition
 * that assigns binds a local first, endpoint and error rules return, and tree rules nest.
 * As in botocore, a tree whose rules all fail to match falls through to its next sibling,
 * and assignments are visible only inside their own rule. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_names.h"
#include "endpoints.h"
#include "names.h"
#include "text.h"

#define MAX_VARS 512

struct var {
    const char *name;   /* the rules name, e.g. "PartitionResult" */
    const char *c;      /* the C local, e.g. "v_partition_result_2" */
    bool string;        /* a string parameter: a string or unset, never another type */
};

struct emitter {
    struct acg_buf *out;
    struct diag *d;
    const char *file;
    struct acg_arena *a;
    int rc;
    const struct doc_node *client_params;  /* the model's clientContextParams, or NULL */
    struct var vars[MAX_VARS];   /* parameters first, then assignments in scope */
    size_t nvars;
    const char *used[MAX_VARS];  /* every C local name handed out, to keep them unique */
    size_t nused;
};

GEN_PRINTF(3, 4)
static void fail(struct emitter *e, const struct doc_node *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(e->d, e->file, at ? at->mark : (struct gen_mark){ 0, 0 }, fmt, ap);
    va_end(ap);
    e->rc = -1;
}

GEN_PRINTF(2, 3)
static const char *fmt(struct emitter *e, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : acg_arena_calloc(e->a, (size_t)n + 1, 1);
    if (s == NULL) {
        e->rc = -1;
        return "";
    }
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

#define WIDTH 100

/* Appends depth levels of indentation, then s[0..n) and a newline. */
static void put(struct emitter *e, int depth, const char *s, size_t n)
{
    for (int i = 0; i < depth; i++) {
        if (acg_buf_append_str(e->out, "    ") != ACG_OK)
            e->rc = -1;
    }
    if (acg_buf_append(e->out, s, n) != ACG_OK || acg_buf_append_char(e->out, '\n') != ACG_OK)
        e->rc = -1;
}

/* For a statement without commas to break at: after " = ", else inside its string
 * literal after a space (C joins adjacent literals), else as it is. */
static void put_unbroken(struct emitter *e, int depth, int more, const char *text, size_t len, size_t room)
{
    const char *eq = strstr(text, " = ");
    if (eq != NULL && (size_t)(eq - text) + 2 <= len && memchr(text, '"', (size_t)(eq - text)) == NULL) {
        size_t cut = (size_t)(eq - text) + 2;
        put(e, depth, text, cut);
        put(e, more, text + cut + 1, len - cut - 1);
        return;
    }
    const char *open = memchr(text, '"', len);
    size_t split = 0;
    bool quoted = false;
    for (size_t i = open ? (size_t)(open - text) : len; i < len && i + 1 < room; i++) {
        if (text[i] == '\\' && quoted) {
            i++;
        } else if (text[i] == '"') {
            quoted = !quoted;
        } else if (quoted && text[i] == ' ' && i + 1 < len && text[i + 1] != '"') {
            split = i + 1;   /* after the space */
        }
    }
    if (split == 0) {
        put(e, depth, text, len);
        return;
    }
    /* text[0..split) + '"', then '"' + the rest at the continuation depth */
    const char *head = fmt(e, "%.*s\"", (int)split, text);
    put(e, depth, head, split + 1);
    const char *tail = fmt(e, "\"%.*s", (int)(len - split), text + split);
    size_t tail_room = 4 * (size_t)more < WIDTH - 40 ? WIDTH - 4 * (size_t)more : 40;
    if (len - split + 1 <= tail_room)
        put(e, more, tail, len - split + 1);
    else
        put_unbroken(e, more, more, tail, len - split + 1, tail_room);
}

/* Writes text (one C statement or if-line) at depth, broken after the commas that are
 * least deeply nested in parentheses and braces when it would pass WIDTH columns: as many
 * pieces per line as fit, continuation lines at depth more (depth itself for the elements
 * of a list), and the same again one level further in for any piece still too long. Commas
 * inside string literals are not break points. */
static void put_wrapped(struct emitter *e, int depth, int more, const char *text, size_t len)
{
    size_t room = 4 * (size_t)depth < WIDTH - 40 ? WIDTH - 4 * (size_t)depth : 40;
    if (len <= room) {
        put(e, depth, text, len);
        return;
    }
    int level = 0, best = -1;
    bool quoted = false;
    for (size_t i = 0; i + 1 < len; i++) {
        char ch = text[i];
        if (quoted) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                quoted = false;
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == '(' || ch == '{' || ch == '[') {
            level++;
        } else if (ch == ')' || ch == '}' || ch == ']') {
            level--;
        } else if (ch == ',' && text[i + 1] == ' ' && (best < 0 || level < best)) {
            best = level;
        }
    }
    if (best < 0) {
        put_unbroken(e, depth, more > depth ? more : depth + 1, text, len, room);
        return;
    }
    /* Split after each ", " at nesting level best; pack the pieces greedily. */
    size_t start = 0, line_start = 0, line_end = 0;
    int line_depth = depth;
    level = 0;
    quoted = false;
    for (size_t i = 0; i <= len; i++) {
        bool cut = i == len;
        if (!cut) {
            char ch = text[i];
            if (quoted) {
                if (ch == '\\')
                    i++;
                else if (ch == '"')
                    quoted = false;
                continue;
            }
            if (ch == '"')
                quoted = true;
            else if (ch == '(' || ch == '{' || ch == '[')
                level++;
            else if (ch == ')' || ch == '}' || ch == ']')
                level--;
            cut = ch == ',' && i + 1 < len && text[i + 1] == ' ' && level == best;
        }
        if (!cut)
            continue;
        size_t piece_end = i == len ? len : i + 1;   /* the comma stays on its line */
        size_t line_room = 4 * (size_t)line_depth < WIDTH - 40 ? WIDTH - 4 * (size_t)line_depth : 40;
        if (line_end > line_start && piece_end - line_start > line_room) {
            put_wrapped(e, line_depth, line_depth == depth && more > depth ? more : line_depth + 1, text + line_start,
                        line_end - line_start);
            line_depth = more;
            line_start = start;
        }
        line_end = piece_end;
        start = piece_end + (piece_end < len);   /* skip the space after the comma */
    }
    if (line_end > line_start)
        put_wrapped(e, line_depth, line_depth == depth && more > depth ? more : line_depth + 1, text + line_start,
                    line_end - line_start);
}

/* One statement of output at depth levels of indentation, wrapped to WIDTH columns. */
GEN_PRINTF(3, 4)
static void line(struct emitter *e, int depth, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *text = n < 0 ? NULL : acg_arena_calloc(e->a, (size_t)n + 1, 1);
    if (text == NULL) {
        e->rc = -1;
        return;
    }
    va_start(ap, f);
    vsnprintf(text, (size_t)n + 1, f, ap);
    va_end(ap);
    /* an if's continuation lines go two levels in, clear of the block's body */
    put_wrapped(e, depth, depth + (strncmp(text, "if (", 4) == 0 ? 2 : 1), text, (size_t)n);
}

static const char *unique_local(struct emitter *e, const char *prefix, const char *name)
{
    const char *base = fmt(e, "%s%s", prefix, names_c_ident(e->a, name));
    const char *cand = base;
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < e->nused && !taken; i++)
            taken = strcmp(e->used[i], cand) == 0;
        if (!taken)
            break;
        cand = fmt(e, "%s_%d", base, n);
    }
    if (e->nused < MAX_VARS)
        e->used[e->nused++] = cand;
    else
        fail(e, NULL, "endpoint rules: more than %d parameters and assignments", MAX_VARS);
    return cand;
}

static const struct var *find_var(struct emitter *e, const char *name, size_t len)
{
    for (size_t i = e->nvars; i > 0; i--) {
        if (strlen(e->vars[i - 1].name) == len && strncmp(e->vars[i - 1].name, name, len) == 0)
            return &e->vars[i - 1];
    }
    return NULL;
}

static const char *lookup(struct emitter *e, const struct doc_node *at, const char *name, size_t len)
{
    const struct var *v = find_var(e, name, len);
    if (v != NULL)
        return v->c;
    fail(e, at, "endpoint rules: \"%.*s\" is not a parameter or an assigned value in scope", (int)len, name);
    return "acg_ev_none()";
}

static bool is_number(const struct doc_node *n)
{
    if (!doc_is_scalar(n) || n->quoted || n->text_len == 0)
        return false;
    for (size_t i = 0; i < n->text_len; i++) {
        if ((n->text[i] < '0' || n->text[i] > '9') && !(i == 0 && n->text[i] == '-'))
            return false;
    }
    return true;
}

/* The pieces of template s as C values, comma-separated, in *parts; returns their count,
 * or 0 when the template is one value as it is (then *parts is that value). */
static size_t template_parts(struct emitter *e, const struct doc_node *at, const char *s, const char **out)
{
    const char *parts = "";
    size_t count = 0;
    char lit[4096];
    size_t nlit = 0;
    bool whole_string = false;
    for (const char *p = s; *p;) {
        if (nlit + 1 >= sizeof lit) {
            fail(e, at, "endpoint rules: template longer than %zu bytes", sizeof lit - 1);
            *out = "acg_ev_none()";
            return 0;
        }
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            lit[nlit++] = p[0];
            p += 2;
            continue;
        }
        if (*p != '{') {
            lit[nlit++] = *p;
            p++;
            continue;
        }
        const char *end = strchr(p, '}');
        if (end == NULL) {
            fail(e, at, "endpoint rules: unclosed template in \"%s\"", s);
            *out = "acg_ev_none()";
            return 0;
        }
        if (nlit > 0) {
            lit[nlit] = '\0';
            parts = fmt(e, "%s%sacg_ev_string(%s)", parts, count ? ", " : "", text_c_string(e->a, lit));
            count++;
            nlit = 0;
        }
        const char *ref = p + 1;
        const char *hash = memchr(ref, '#', (size_t)(end - ref));
        const char *piece;
        if (hash != NULL) {
            const char *var = lookup(e, at, ref, (size_t)(hash - ref));
            piece = fmt(e, "acg_ep_get_attr(&c, %s, %s)", var,
                        text_c_string(e->a, fmt(e, "%.*s", (int)(end - hash - 1), hash + 1)));
        } else {
            const struct var *v = find_var(e, ref, (size_t)(end - ref));
            whole_string = count == 0 && nlit == 0 && end[1] == '\0' && v != NULL && v->string;
            piece = lookup(e, at, ref, (size_t)(end - ref));
        }
        parts = fmt(e, "%s%s%s", parts, count ? ", " : "", piece);
        count++;
        p = end + 1;
    }
    /* a lone literal, or "{Name}" of a string parameter, is that value as it is */
    if (count == 0 || (count == 1 && nlit == 0 && (strncmp(parts, "acg_ev_string(", 14) == 0 || whole_string))) {
        lit[nlit] = '\0';
        *out = count == 0 ? fmt(e, "acg_ev_string(%s)", text_c_string(e->a, lit)) : parts;
        return 0;
    }
    if (nlit > 0) {
        lit[nlit] = '\0';
        parts = fmt(e, "%s, acg_ev_string(%s)", parts, text_c_string(e->a, lit));
        count++;
    }
    *out = parts;
    return count;
}

/* "https://{Region}.{PartitionResult#dnsSuffix}" -> a concatenation of its pieces. */
static const char *template_expr(struct emitter *e, const struct doc_node *at, const char *s)
{
    const char *parts;
    size_t count = template_parts(e, at, s, &parts);
    if (count == 0)
        return parts;
    return fmt(e, "acg_ep_concat(&c, (const struct acg_ev[]){ %s }, %zu)", parts, count);
}

/* Like expr, but a template with several pieces is first declared as an array named name,
 * so that the statement using it stays short. */
static const char *expr(struct emitter *e, const struct doc_node *n);

static const char *hoisted_expr(struct emitter *e, const struct doc_node *n, const char *name, int depth)
{
    if (n == NULL || n->kind != DOC_SCALAR || (!n->quoted && (strcmp(n->text, "true") == 0 ||
                                                              strcmp(n->text, "false") == 0)))
        return expr(e, n);
    const char *parts;
    size_t count = template_parts(e, n, n->text, &parts);
    if (count == 0)
        return parts;
    const char *one_line = fmt(e, "const struct acg_ev %s[] = { %s };", name, parts);
    if (4 * (size_t)depth + strlen(one_line) <= WIDTH) {
        line(e, depth, "%s", one_line);
    } else {
        line(e, depth, "const struct acg_ev %s[] = {", name);
        const char *body = fmt(e, "%s,", parts);
        put_wrapped(e, depth + 1, depth + 1, body, strlen(body));   /* elements line up */
        line(e, depth, "};");
    }
    return fmt(e, "acg_ep_concat(&c, %s, %zu)", name, count);
}

static const char *call_expr(struct emitter *e, const struct doc_node *n)
{
    const char *fn = doc_get_str(n, "fn");
    const struct doc_node *argv = doc_get(n, "argv");
    size_t argc = argv && argv->kind == DOC_SEQ ? argv->count : 0;
    static const struct {
        const char *rules;
        const char *c;
        size_t argc;
        bool ctx;
    } fns[] = {
        { "isSet", "acg_ep_is_set", 1, false },
        { "not", "acg_ep_not", 1, false },
        { "booleanEquals", "acg_ep_boolean_equals", 2, false },
        { "stringEquals", "acg_ep_string_equals", 2, false },
        { "uriEncode", "acg_ep_uri_encode", 1, true },
        { "parseURL", "acg_ep_parse_url", 1, true },
        { "isValidHostLabel", "acg_ep_is_valid_host_label", 2, false },
        { "aws.partition", "acg_ep_partition", 1, true },
        { "aws.parseArn", "acg_ep_parse_arn", 1, true },
        { "aws.isVirtualHostableS3Bucket", "acg_ep_is_virtual_hostable_s3_bucket", 2, false },
    };
    if (fn == NULL) {
        fail(e, n, "endpoint rules: a function call needs \"fn\"");
        return "acg_ev_none()";
    }
    if (strcmp(fn, "getAttr") == 0) {
        const struct doc_node *path = argc == 2 ? argv->items[1] : NULL;
        if (path == NULL || !doc_is_scalar(path)) {
            fail(e, n, "endpoint rules: getAttr takes a value and a literal path");
            return "acg_ev_none()";
        }
        return fmt(e, "acg_ep_get_attr(&c, %s, %s)", expr(e, argv->items[0]), text_c_string(e->a, path->text));
    }
    if (strcmp(fn, "substring") == 0) {
        if (argc != 4 || !is_number(argv->items[1]) || !is_number(argv->items[2])) {
            fail(e, n, "endpoint rules: substring takes a value, two literal numbers and a boolean");
            return "acg_ev_none()";
        }
        return fmt(e, "acg_ep_substring(&c, %s, %s, %s, %s)", expr(e, argv->items[0]), argv->items[1]->text,
                   argv->items[2]->text, expr(e, argv->items[3]));
    }
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (strcmp(fn, fns[i].rules) != 0)
            continue;
        if (argc != fns[i].argc) {
            fail(e, n, "endpoint rules: %s takes %zu arguments, not %zu", fn, fns[i].argc, argc);
            return "acg_ev_none()";
        }
        const char *args = fns[i].ctx ? "&c" : "";
        for (size_t k = 0; k < argc; k++)
            args = fmt(e, "%s%s%s", args, *args ? ", " : "", expr(e, argv->items[k]));
        return fmt(e, "%s(%s)", fns[i].c, args);
    }
    fail(e, n, "endpoint rules: unknown function \"%s\"", fn);
    return "acg_ev_none()";
}

static const char *expr(struct emitter *e, const struct doc_node *n)
{
    if (n == NULL) {
        fail(e, n, "endpoint rules: missing value");
        return "acg_ev_none()";
    }
    if (n->kind == DOC_SCALAR) {
        if (!n->quoted && (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0))
            return fmt(e, "acg_ev_bool(%s)", n->text);
        if (is_number(n)) {
            fail(e, n, "endpoint rules: a number is only allowed in substring");
            return "acg_ev_none()";
        }
        return template_expr(e, n, n->text);
    }
    if (n->kind == DOC_MAP && doc_get(n, "ref") != NULL) {
        const char *ref = doc_get_str(n, "ref");
        return ref ? lookup(e, n, ref, strlen(ref)) : "acg_ev_none()";
    }
    if (n->kind == DOC_MAP && doc_get(n, "fn") != NULL)
        return call_expr(e, n);
    fail(e, n, "endpoint rules: expected a string, boolean, reference or function call");
    return "acg_ev_none()";
}

static bool emit_rules(struct emitter *e, const struct doc_node *rules, int depth);

static void emit_endpoint(struct emitter *e, const struct doc_node *ep, int depth)
{
    const char *url = hoisted_expr(e, doc_get(ep, "url"), "url", depth);
    const char *name = "acg_ev_none()", *region = "acg_ev_none()";
    const struct doc_node *schemes = doc_get(doc_get(ep, "properties"), "authSchemes");
    const char *other = NULL;   /* an auth scheme the runtime does not sign with */
    bool sigv4 = false;
    for (size_t i = 0; schemes && schemes->kind == DOC_SEQ && i < schemes->count; i++) {
        const char *scheme = doc_get_str(schemes->items[i], "name");
        if (scheme == NULL || strcmp(scheme, "sigv4") != 0) {
            other = other != NULL ? other : scheme;
            continue;
        }
        sigv4 = true;
        if (doc_get(schemes->items[i], "signingName"))
            name = expr(e, doc_get(schemes->items[i], "signingName"));
        if (doc_get(schemes->items[i], "signingRegion"))
            region = expr(e, doc_get(schemes->items[i], "signingRegion"));
        break;
    }
    /* An endpoint only another scheme can sign for (S3 Express One Zone's session auth,
     * SigV4a for multi-region access points and global endpoints) resolves as botocore
     * resolves it, its signing name "!" and the scheme: the client refuses to sign for it
     * with a message that names the scheme, instead of a request signed wrongly. */
    if (!sigv4 && other != NULL)
        name = fmt(e, "acg_ev_string(%s)", text_c_string(e->a, fmt(e, "!%s", other)));
    /* No json-protocol rule set AWS publishes sets endpoint headers (S3 Express and a few
     * REST services do), and struct acg_endpoint has nowhere to carry them: say so in the
     * output and in a warning rather than drop them unannounced. */
    const struct doc_node *headers = doc_get(ep, "headers");
    for (size_t i = 0; headers != NULL && headers->kind == DOC_MAP && i < headers->count; i++) {
        const char *hname = headers->pairs[i].key->text;
        diag_warning(e->d, e->file, headers->mark, "endpoint rules: header %s is not sent (endpoint "
                     "headers are not supported)", hname);
        line(e, depth, "/* The rule set also asks for the header %s, which is not sent. */",
             text_plain(e->a, hname));
    }
    line(e, depth, "return acg_ep_result(&c, out, err, %s, %s, %s);", url, name, region);
}

/* Returns true when the rule always ends the function (no conditions, and a body that
 * returns on every path), so the caller emits nothing after it: that code could never run. */
static bool emit_rule(struct emitter *e, const struct doc_node *rule, int depth)
{
    const char *type = doc_get_str(rule, "type");
    const struct doc_node *conds = doc_get(rule, "conditions");
    size_t saved = e->nvars;
    int opened = 0;
    const char *doc = doc_get_str(rule, "documentation");
    if (doc != NULL && acg_buf_append_str(e->out, text_comment(e->a, text_plain(e->a, doc), 4 * depth, 100)) != ACG_OK)
        e->rc = -1;
    for (size_t i = 0; conds && conds->kind == DOC_SEQ && i < conds->count; i++) {
        const struct doc_node *cond = conds->items[i];
        const char *value = expr(e, cond);
        const char *assign = doc_get_str(cond, "assign");
        if (assign != NULL) {
            const char *local = unique_local(e, "v_", assign);
            line(e, depth + opened, "const struct acg_ev %s = %s;", local, value);
            line(e, depth + opened, "if (acg_ev_ok(%s)) {", local);
            if (e->nvars < MAX_VARS)
                e->vars[e->nvars++] = (struct var){ assign, local, false };
        } else {
            line(e, depth + opened, "if (acg_ev_ok(%s)) {", value);
        }
        opened++;
    }
    int inner = depth + opened;
    bool ends = true;
    if (type != NULL && strcmp(type, "endpoint") == 0) {
        emit_endpoint(e, doc_get(rule, "endpoint"), inner);
    } else if (type != NULL && strcmp(type, "error") == 0) {
        const char *message = hoisted_expr(e, doc_get(rule, "error"), "message", inner);
        line(e, inner, "return acg_ep_fail(&c, err, %s);", message);
    } else if (type != NULL && strcmp(type, "tree") == 0) {
        ends = emit_rules(e, doc_get(rule, "rules"), inner);
    } else {
        fail(e, rule, "endpoint rules: unknown rule type \"%s\"", type ? type : "(missing)");
    }
    ends = ends && opened == 0;
    while (opened-- > 0)
        line(e, depth + opened, "}");
    e->nvars = saved;
    return ends;
}

/* As botocore does, a tree whose rules all fail to match falls through to the rule after
 * it. Returns true when one of the rules always ends the function. */
static bool emit_rules(struct emitter *e, const struct doc_node *rules, int depth)
{
    if (rules == NULL || rules->kind != DOC_SEQ) {
        fail(e, rules, "endpoint rules: expected a list of rules");
        return false;
    }
    for (size_t i = 0; i < rules->count; i++) {
        if (emit_rule(e, rules->items[i], depth))
            return true;
    }
    return false;
}

/* Marks which parameters the rules mention, so unused ones are not declared. */
static void collect_refs(const struct doc_node *n, const struct doc_node *params, bool *used)
{
    if (n == NULL)
        return;
    if (n->kind == DOC_SCALAR) {
        for (size_t i = 0; i < params->count; i++) {
            const char *name = params->pairs[i].key->text;
            char a[300], b[300];
            snprintf(a, sizeof a, "{%s}", name);
            snprintf(b, sizeof b, "{%s#", name);
            if (strstr(n->text, a) || strstr(n->text, b))
                used[i] = true;
        }
        return;
    }
    if (n->kind == DOC_MAP) {
        const char *ref = doc_get_str(n, "ref");
        for (size_t i = 0; ref && i < params->count; i++) {
            if (strcmp(params->pairs[i].key->text, ref) == 0)
                used[i] = true;
        }
        for (size_t i = 0; i < n->count; i++)
            collect_refs(n->pairs[i].value, params, used);
        return;
    }
    for (size_t i = 0; i < n->count; i++)
        collect_refs(n->items[i], params, used);
}

static const char *builtin_expr(struct emitter *e, const struct doc_node *at, const char *builtin)
{
    static const char *const map[][2] = {
        { "AWS::Region", "acg_ev_string(params->builtins.region)" },
        { "AWS::UseFIPS", "acg_ev_bool(params->builtins.use_fips)" },
        { "AWS::UseDualStack", "acg_ev_bool(params->builtins.use_dual_stack)" },
        { "SDK::Endpoint", "acg_ev_string(params->builtins.endpoint)" },
        { "AWS::Auth::AccountId", "acg_ev_string(params->builtins.account_id)" },
        { "AWS::Auth::AccountIdEndpointMode", "acg_ev_string(params->builtins.account_id_endpoint_mode)" },
        { "AWS::STS::UseGlobalEndpoint", "acg_ev_bool(params->builtins.use_global_endpoint)" },
        /* S3's own settings: botocore's values for a client without an s3 config section,
         * but for the addressing style, which the runtime works out per call. Those that
         * are clientContextParams come from the client's settings first. */
        { "AWS::S3::Accelerate", "acg_ev_bool(false)" },
        { "AWS::S3::DisableMultiRegionAccessPoints", "acg_ev_bool(false)" },
        { "AWS::S3::ForcePathStyle", "acg_ev_bool(params->builtins.s3_force_path_style)" },
        { "AWS::S3::UseArnRegion", "acg_ev_bool(true)" },
        { "AWS::S3::UseGlobalEndpoint", "acg_ev_bool(false)" },
        { "AWS::S3Control::UseArnRegion", "acg_ev_bool(false)" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(builtin, map[i][0]) == 0)
            return map[i][1];
    }
    fail(e, at, "endpoint rules: unknown builtIn \"%s\"", builtin);
    return "acg_ev_none()";
}

static void emit_params(struct emitter *e, const struct doc_node *params, const struct doc_node *rules)
{
    bool used[MAX_VARS] = { false };
    if (params == NULL || params->kind != DOC_MAP || params->count > MAX_VARS) {
        fail(e, params, "endpoint rules: expected a mapping of parameters");
        return;
    }
    collect_refs(rules, params, used);
    for (size_t i = 0; i < params->count; i++) {
        const char *name = params->pairs[i].key->text;
        const struct doc_node *def = params->pairs[i].value;
        const char *type = doc_get_str(def, "type");
        const char *builtin = doc_get_str(def, "builtIn");
        const struct doc_node *dflt = doc_get(def, "default");
        if (type == NULL) {
            fail(e, def, "endpoint rules: parameter %s has no type", name);
            continue;
        }
        const char *context = fmt(e, "acg_ep_context(&c, params, %s)", text_c_string(e->a, name));
        const char *value = builtin ? builtin_expr(e, def, builtin) : context;
        /* A clientContextParam comes, as in botocore, after what the operation binds and
         * before a builtIn: from the client's settings, keyed by its name in snake_case. */
        if (e->client_params != NULL && doc_get(e->client_params, name) != NULL) {
            const char *key = acg_xform_name(e->a, name, '_');
            const char *client = fmt(e, "acg_ev_or(%s, acg_ep_client_context(&c, params, %s))",
                                     context, text_c_string(e->a, key ? key : name));
            value = builtin ? fmt(e, "acg_ev_or(%s, %s)", client, value) : client;
        }
        /* A boolean builtIn always has a value (struct acg_endpoint_builtins holds a bool),
         * so neither a default nor the required check could ever apply to it. */
        bool always_set = builtin != NULL && strncmp(value, "acg_ev_bool(", 12) == 0;
        if (dflt != NULL && dflt->kind == DOC_SCALAR && !always_set)
            value = fmt(e, "acg_ev_or(%s, %s)", value, expr(e, dflt));
        /* botocore checks required parameters before any rule runs, with this text. */
        const char *missing = text_c_string(e->a, fmt(e, "Cannot find value for required parameter %s", name));
        bool check = doc_is_true(doc_get(def, "required")) && dflt == NULL && !always_set;
        if (!used[i]) {
            if (check) {
                line(e, 1, "if (%s.type == ACG_EV_NONE)", value);
                line(e, 2, "return acg_ep_fail(&c, err, acg_ev_string(%s));", missing);
            }
            continue;
        }
        const char *local = unique_local(e, "p_", name);
        line(e, 1, "const struct acg_ev %s = %s;", local, value);
        if (check) {
            line(e, 1, "if (%s.type == ACG_EV_NONE)", local);
            line(e, 2, "return acg_ep_fail(&c, err, acg_ev_string(%s));", missing);
        }
        e->vars[e->nvars++] = (struct var){ name, local, (type[0] == 's' || type[0] == 'S') && strcmp(type + 1, "tring") == 0 };
    }
}

static void emit_signature(struct emitter *e, const char *fn_name, unsigned flags)
{
    line(e, 0, "%sint %s(const struct acg_endpoint_params *params, struct acg_endpoint *out,",
         (flags & GEN_ENDPOINTS_STATIC) ? "static " : "", fn_name);
    line(e, 1, "struct acg_error *err)");
    line(e, 0, "{");
    line(e, 1, "struct acg_ep_ctx c;");
    line(e, 0, "%s", "");
    line(e, 1, "acg_ep_begin(&c);");
}

int gen_endpoints_emit(const struct doc_node *ruleset, const char *file, const char *fn_name,
                       struct acg_buf *out, struct diag *d)
{
    return gen_endpoints_emit_flags(ruleset, file, fn_name, 0, out, d);
}

int gen_endpoints_emit_flags(const struct doc_node *ruleset, const char *file, const char *fn_name,
                             unsigned flags, struct acg_buf *out, struct diag *d)
{
    return gen_endpoints_emit_client(ruleset, NULL, file, fn_name, flags, out, d);
}

int gen_endpoints_emit_client(const struct doc_node *ruleset, const struct doc_node *client_params,
                              const char *file, const char *fn_name, unsigned flags,
                              struct acg_buf *out, struct diag *d)
{
    struct emitter e;
    memset(&e, 0, sizeof e);
    e.client_params = client_params != NULL && client_params->kind == DOC_MAP ? client_params : NULL;
    e.out = out;
    e.d = d;
    e.file = file;
    e.a = acg_arena_new();
    if (e.a == NULL)
        return -1;
    const struct doc_node *rules = doc_get(ruleset, "rules");
    const char *version = doc_get_str(ruleset, "version");
    if (version == NULL || strcmp(version, "1.0") != 0)
        fail(&e, ruleset, "endpoint rules: version \"%s\" is not 1.0", version ? version : "(missing)");
    emit_signature(&e, fn_name, flags);
    emit_params(&e, doc_get(ruleset, "parameters"), rules);
    if (!emit_rules(&e, rules, 1))
        line(&e, 1, "return acg_ep_no_match(&c, err);");
    line(&e, 0, "}");
    acg_arena_destroy(e.a);
    return e.rc;
}

int gen_endpoints_emit_default(const char *endpoint_prefix, const char *fn_name, struct acg_buf *out,
                               struct diag *d)
{
    return gen_endpoints_emit_default_flags(endpoint_prefix, fn_name, 0, out, d);
}

int gen_endpoints_emit_default_flags(const char *endpoint_prefix, const char *fn_name, unsigned flags,
                                     struct acg_buf *out, struct diag *d)
{
    /* The rule set AWS generates for a plain regional service, written here once so that a
     * model without its own rule set still gets AWS's behaviour: FIPS and dual-stack host
     * names, the partition checks, and the errors for a custom endpoint with either switch
     * and for a missing region. PREFIX stands for the model's endpointPrefix. */
    static const char standard[] =
        "{\"version\": \"1.0\", \"parameters\": {"
        "\"Region\": {\"builtIn\": \"AWS::Region\", \"required\": false, \"type\": \"String\"},"
        "\"UseDualStack\": {\"builtIn\": \"AWS::UseDualStack\", \"required\": true, \"default\": false,"
        " \"type\": \"Boolean\"},"
        "\"UseFIPS\": {\"builtIn\": \"AWS::UseFIPS\", \"required\": true, \"default\": false,"
        " \"type\": \"Boolean\"},"
        "\"Endpoint\": {\"builtIn\": \"SDK::Endpoint\", \"required\": false, \"type\": \"String\"}},"
        "\"rules\": ["
        "{\"conditions\": [{\"fn\": \"isSet\", \"argv\": [{\"ref\": \"Endpoint\"}]}], \"type\": \"tree\", \"rules\": ["
        " {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseFIPS\"}, true]}], \"type\": \"error\","
        "  \"error\": \"Invalid Configuration: FIPS and custom endpoint are not supported\"},"
        " {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseDualStack\"}, true]}], \"type\": \"error\","
        "  \"error\": \"Invalid Configuration: Dualstack and custom endpoint are not supported\"},"
        " {\"conditions\": [], \"type\": \"endpoint\", \"endpoint\": {\"url\": {\"ref\": \"Endpoint\"}}}]},"
        "{\"conditions\": [{\"fn\": \"isSet\", \"argv\": [{\"ref\": \"Region\"}]}], \"type\": \"tree\", \"rules\": ["
        " {\"conditions\": [{\"fn\": \"aws.partition\", \"argv\": [{\"ref\": \"Region\"}], \"assign\": \"PartitionResult\"}],"
        "  \"type\": \"tree\", \"rules\": ["
        "  {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseFIPS\"}, true]},"
        "    {\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseDualStack\"}, true]}], \"type\": \"tree\", \"rules\": ["
        "   {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [true, {\"fn\": \"getAttr\", \"argv\": [{\"ref\": \"PartitionResult\"}, \"supportsFIPS\"]}]},"
        "     {\"fn\": \"booleanEquals\", \"argv\": [true, {\"fn\": \"getAttr\", \"argv\": [{\"ref\": \"PartitionResult\"}, \"supportsDualStack\"]}]}],"
        "    \"type\": \"endpoint\", \"endpoint\": {\"url\": \"https://PREFIX-fips.{Region}.{PartitionResult#dualStackDnsSuffix}\"}},"
        "   {\"conditions\": [], \"type\": \"error\","
        "    \"error\": \"FIPS and DualStack are enabled, but this partition does not support one or both\"}]},"
        "  {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseFIPS\"}, true]}], \"type\": \"tree\", \"rules\": ["
        "   {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [true, {\"fn\": \"getAttr\", \"argv\": [{\"ref\": \"PartitionResult\"}, \"supportsFIPS\"]}]}],"
        "    \"type\": \"endpoint\", \"endpoint\": {\"url\": \"https://PREFIX-fips.{Region}.{PartitionResult#dnsSuffix}\"}},"
        "   {\"conditions\": [], \"type\": \"error\", \"error\": \"FIPS is enabled but this partition does not support FIPS\"}]},"
        "  {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseDualStack\"}, true]}], \"type\": \"tree\", \"rules\": ["
        "   {\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [true, {\"fn\": \"getAttr\", \"argv\": [{\"ref\": \"PartitionResult\"}, \"supportsDualStack\"]}]}],"
        "    \"type\": \"endpoint\", \"endpoint\": {\"url\": \"https://PREFIX.{Region}.{PartitionResult#dualStackDnsSuffix}\"}},"
        "   {\"conditions\": [], \"type\": \"error\","
        "    \"error\": \"DualStack is enabled but this partition does not support DualStack\"}]},"
        "  {\"conditions\": [], \"type\": \"endpoint\", \"endpoint\": {\"url\": \"https://PREFIX.{Region}.{PartitionResult#dnsSuffix}\"}}]}]},"
        "{\"conditions\": [], \"type\": \"error\", \"error\": \"Invalid Configuration: Missing Region\"}]}";
    const char *prefix = endpoint_prefix;
    static const struct gen_mark whole = { 0, 0 };
    if (prefix == NULL || prefix[0] == '\0' || strspn(prefix, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(prefix)) {
        diag_error(d, "(model)", whole, "endpoint rules: endpointPrefix \"%s\" is not a host name label",
                   prefix ? prefix : "");
        return -1;
    }
    /* PREFIX -> endpoint_prefix; host name characters need no JSON escaping. */
    struct acg_buf text;
    acg_buf_init(&text, 0);
    int rc = 0;
    for (const char *p = standard; *p != '\0' && rc == 0;) {
        if (strncmp(p, "PREFIX", 6) == 0) {
            rc = acg_buf_append_str(&text, prefix);
            p += 6;
        } else {
            rc = acg_buf_append_char(&text, *p++);
        }
    }
    struct doc doc;
    memset(&doc, 0, sizeof doc);
    if (rc == 0)
        rc = doc_load_bytes("(standard regional rule set)", text.data, text.len, &doc, d);
    if (rc == 0 && acg_buf_printf(out, "/* The model has no endpoint rule set; this is AWS's standard regional one:\n"
                                  " * https://%s.{region}.{dnsSuffix}, with FIPS and dual-stack forms. */\n",
                                  prefix) != ACG_OK)
        rc = -1;
    if (rc == 0)
        rc = gen_endpoints_emit_flags(doc.root, "(standard regional rule set)", fn_name, flags, out, d);
    doc_free(&doc);
    acg_buf_free(&text);
    return rc == 0 ? 0 : -1;
}
