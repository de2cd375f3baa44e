/* Rule set -> C. The output mirrors the rules tree: each condition is an `if`, a condition
 * that assigns binds a local first, endpoint and error rules return, and tree rules nest.
 * As in botocore, a tree whose rules all fail to match falls through to its next sibling,
 * and assignments are visible only inside their own rule. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "endpoints.h"
#include "names.h"
#include "text.h"

#define MAX_VARS 512

struct var {
    const char *name;   /* the rules name, e.g. "PartitionResult" */
    const char *c;      /* the C local, e.g. "v_partition_result_2" */
};

struct emitter {
    struct acg_buf *out;
    struct diag *d;
    const char *file;
    struct acg_arena *a;
    int rc;
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

GEN_PRINTF(3, 4)
static void line(struct emitter *e, int depth, const char *f, ...)
{
    va_list ap;
    char text[8192];
    va_start(ap, f);
    vsnprintf(text, sizeof text, f, ap);
    va_end(ap);
    for (int i = 0; i < depth; i++) {
        if (acg_buf_append_str(e->out, "    ") != ACG_OK)
            e->rc = -1;
    }
    if (acg_buf_append_str(e->out, text) != ACG_OK || acg_buf_append_char(e->out, '\n') != ACG_OK)
        e->rc = -1;
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
    return cand;
}

static const char *lookup(struct emitter *e, const struct doc_node *at, const char *name, size_t len)
{
    for (size_t i = e->nvars; i > 0; i--) {
        if (strlen(e->vars[i - 1].name) == len && strncmp(e->vars[i - 1].name, name, len) == 0)
            return e->vars[i - 1].c;
    }
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

/* "https://{Region}.{PartitionResult#dnsSuffix}" -> a concatenation of its pieces. */
static const char *template_expr(struct emitter *e, const struct doc_node *at, const char *s)
{
    const char *parts = "";
    size_t count = 0;
    char lit[4096];
    size_t nlit = 0;
    for (const char *p = s; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            if (nlit + 1 < sizeof lit)
                lit[nlit++] = p[0];
            p += 2;
            continue;
        }
        if (*p != '{') {
            if (nlit + 1 < sizeof lit)
                lit[nlit++] = *p;
            p++;
            continue;
        }
        const char *end = strchr(p, '}');
        if (end == NULL) {
            fail(e, at, "endpoint rules: unclosed template in \"%s\"", s);
            return "acg_ev_none()";
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
            piece = lookup(e, at, ref, (size_t)(end - ref));
        }
        parts = fmt(e, "%s%s%s", parts, count ? ", " : "", piece);
        count++;
        p = end + 1;
    }
    if (count == 0 || (count == 1 && nlit == 0 && strncmp(parts, "acg_ev_string(", 14) == 0)) {
        lit[nlit] = '\0';
        return count == 0 ? fmt(e, "acg_ev_string(%s)", text_c_string(e->a, lit)) : parts;
    }
    if (nlit > 0) {
        lit[nlit] = '\0';
        parts = fmt(e, "%s, acg_ev_string(%s)", parts, text_c_string(e->a, lit));
        count++;
    }
    return fmt(e, "acg_ep_concat(&c, (const struct acg_ev[]){ %s }, %zu)", parts, count);
}

static const char *expr(struct emitter *e, const struct doc_node *n);

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
        if (!doc_is_scalar(path)) {
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

static void emit_rules(struct emitter *e, const struct doc_node *rules, int depth);

static void emit_endpoint(struct emitter *e, const struct doc_node *ep, int depth)
{
    const char *url = expr(e, doc_get(ep, "url"));
    const char *name = "acg_ev_none()", *region = "acg_ev_none()";
    const struct doc_node *schemes = doc_get(doc_get(ep, "properties"), "authSchemes");
    for (size_t i = 0; schemes && schemes->kind == DOC_SEQ && i < schemes->count; i++) {
        const char *scheme = doc_get_str(schemes->items[i], "name");
        if (scheme == NULL || strcmp(scheme, "sigv4") != 0)
            continue;
        if (doc_get(schemes->items[i], "signingName"))
            name = expr(e, doc_get(schemes->items[i], "signingName"));
        if (doc_get(schemes->items[i], "signingRegion"))
            region = expr(e, doc_get(schemes->items[i], "signingRegion"));
        break;
    }
    const struct doc_node *headers = doc_get(ep, "headers");
    if (headers != NULL && headers->kind == DOC_MAP && headers->count > 0)
        fail(e, headers, "endpoint rules: endpoint headers are not supported");
    line(e, depth, "return acg_ep_result(&c, out, err, %s,", url);
    line(e, depth + 1, "%s, %s);", name, region);
}

static void emit_rule(struct emitter *e, const struct doc_node *rule, int depth)
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
                e->vars[e->nvars++] = (struct var){ assign, local };
        } else {
            line(e, depth + opened, "if (acg_ev_ok(%s)) {", value);
        }
        opened++;
    }
    int inner = depth + opened;
    if (type != NULL && strcmp(type, "endpoint") == 0) {
        emit_endpoint(e, doc_get(rule, "endpoint"), inner);
    } else if (type != NULL && strcmp(type, "error") == 0) {
        line(e, inner, "return acg_ep_fail(&c, err, %s);", expr(e, doc_get(rule, "error")));
    } else if (type != NULL && strcmp(type, "tree") == 0) {
        emit_rules(e, doc_get(rule, "rules"), inner);
    } else {
        fail(e, rule, "endpoint rules: unknown rule type \"%s\"", type ? type : "(missing)");
    }
    while (opened-- > 0)
        line(e, depth + opened, "}");
    e->nvars = saved;
}

static void emit_rules(struct emitter *e, const struct doc_node *rules, int depth)
{
    if (rules == NULL || rules->kind != DOC_SEQ) {
        fail(e, rules, "endpoint rules: expected a list of rules");
        return;
    }
    for (size_t i = 0; i < rules->count; i++)
        emit_rule(e, rules->items[i], depth);
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
        if (!used[i])
            continue;
        const char *local = unique_local(e, "p_", name);
        const char *value = builtin ? builtin_expr(e, def, builtin)
                                    : fmt(e, "acg_ep_context(&c, params, %s)", text_c_string(e->a, name));
        if (dflt != NULL && dflt->kind == DOC_SCALAR)
            value = fmt(e, "acg_ev_or(%s, %s)", value, expr(e, dflt));
        line(e, 1, "const struct acg_ev %s = %s;", local, value);
        if (doc_is_true(doc_get(def, "required")) && dflt == NULL && builtin == NULL) {
            line(e, 1, "if (%s.type == ACG_EV_NONE)", local);
            line(e, 2, "return acg_ep_fail(&c, err, acg_ev_string(%s));",
                 text_c_string(e->a, fmt(e, "Missing required endpoint parameter: %s", name)));
        }
        e->vars[e->nvars++] = (struct var){ name, local };
    }
}

int gen_endpoints_emit(const struct doc_node *ruleset, const char *file, const char *fn_name,
                       struct acg_buf *out, struct diag *d)
{
    struct emitter e;
    memset(&e, 0, sizeof e);
    e.out = out;
    e.d = d;
    e.file = file;
    e.a = acg_arena_new();
    if (e.a == NULL)
        return -1;
    const struct doc_node *rules = doc_get(ruleset, "rules");
    line(&e, 0, "int %s(const struct acg_endpoint_params *params, struct acg_endpoint *out,", fn_name);
    line(&e, 1, "struct acg_error *err)");
    line(&e, 0, "{");
    line(&e, 1, "struct acg_ep_ctx c;");
    line(&e, 0, "%s", "");
    line(&e, 1, "acg_ep_begin(&c);");
    emit_params(&e, doc_get(ruleset, "parameters"), rules);
    emit_rules(&e, rules, 1);
    line(&e, 1, "return acg_ep_no_match(&c, err);");
    line(&e, 0, "}");
    acg_arena_destroy(e.a);
    return e.rc;
}

int gen_endpoints_emit_default(const char *endpoint_prefix, const char *fn_name, struct acg_buf *out,
                               struct diag *d)
{
    struct emitter e;
    memset(&e, 0, sizeof e);
    e.out = out;
    e.d = d;
    e.a = acg_arena_new();
    if (e.a == NULL)
        return -1;
    const char *host = text_c_string(e.a, fmt(&e, "https://%s.", endpoint_prefix ? endpoint_prefix : "service"));
    const char *fips_host = text_c_string(e.a, fmt(&e, "https://%s-fips.", endpoint_prefix ? endpoint_prefix : "service"));
    line(&e, 0, "/* The model has no endpoint rule set: https://{endpointPrefix}.{region}.{dnsSuffix}. */");
    line(&e, 0, "int %s(const struct acg_endpoint_params *params, struct acg_endpoint *out,", fn_name);
    line(&e, 1, "struct acg_error *err)");
    line(&e, 0, "{");
    line(&e, 1, "struct acg_ep_ctx c;");
    line(&e, 0, "%s", "");
    line(&e, 1, "acg_ep_begin(&c);");
    line(&e, 1, "if (params->builtins.endpoint != NULL)");
    line(&e, 2, "return acg_ep_result(&c, out, err, acg_ev_string(params->builtins.endpoint),");
    line(&e, 3, "acg_ev_none(), acg_ev_none());");
    line(&e, 1, "if (params->builtins.region == NULL)");
    line(&e, 2, "return acg_ep_fail(&c, err, acg_ev_string(\"Invalid Configuration: Missing Region\"));");
    line(&e, 1, "const struct acg_ev partition = acg_ep_partition(&c, acg_ev_string(params->builtins.region));");
    line(&e, 1, "const struct acg_ev parts[] = {");
    line(&e, 2, "acg_ev_string(params->builtins.use_fips ? %s : %s),", fips_host, host);
    line(&e, 2, "acg_ev_string(params->builtins.region),");
    line(&e, 2, "acg_ev_string(\".\"),");
    line(&e, 2, "acg_ep_get_attr(&c, partition, params->builtins.use_dual_stack ? \"dualStackDnsSuffix\" : \"dnsSuffix\"),");
    line(&e, 1, "};");
    line(&e, 1, "return acg_ep_result(&c, out, err, acg_ep_concat(&c, parts, 4), acg_ev_none(), acg_ev_none());");
    line(&e, 0, "}");
    acg_arena_destroy(e.a);
    return e.rc;
}
