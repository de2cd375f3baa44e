/* The endpoint rules language's standard library, following the Smithy rules specification
 * and botocore's RuleSetStandardLibrary (botocore/endpoint_provider.py) case for case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints/acg_endpoint_rules.h"
#include "common/acg_pattern.h"

void acg_ep_begin(struct acg_ep_ctx *c)
{
    c->arena = acg_arena_new();
    c->failed = c->arena == NULL;
}

static void ep_end(struct acg_ep_ctx *c)
{
    acg_arena_destroy(c->arena);
    c->arena = NULL;
}

/* ASCII only, whatever the locale: ctype's isalnum would accept more under some. */
static bool is_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

struct acg_ev acg_ev_none(void)
{
    struct acg_ev v = { ACG_EV_NONE, false, NULL, NULL, NULL, 0 };
    return v;
}

struct acg_ev acg_ev_string(const char *s)
{
    struct acg_ev v = acg_ev_none();
    if (s != NULL) {
        v.type = ACG_EV_STRING;
        v.s = s;
    }
    return v;
}

struct acg_ev acg_ev_bool(bool b)
{
    struct acg_ev v = acg_ev_none();
    v.type = ACG_EV_BOOL;
    v.b = b;
    return v;
}

bool acg_ev_ok(struct acg_ev v)
{
    return v.type != ACG_EV_NONE && !(v.type == ACG_EV_BOOL && !v.b);
}

struct acg_ev acg_ev_or(struct acg_ev v, struct acg_ev fallback)
{
    return v.type == ACG_EV_NONE ? fallback : v;
}

static char *dup_n(struct acg_ep_ctx *c, const char *s, size_t n)
{
    char *p = c->arena ? acg_arena_strndup(c->arena, s, n) : NULL;
    if (p == NULL)
        c->failed = true;
    return p;
}

/* The first of the n values at list called name, as a rules value. */
static struct acg_ev find_param(struct acg_ep_ctx *c, const struct acg_endpoint_param *list,
                                size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const struct acg_endpoint_param *cp = &list[i];
        if (strcmp(cp->name, name) != 0)
            continue;
        switch (cp->type) {
        case ACG_EP_STRING:
            return acg_ev_string(cp->str);
        case ACG_EP_BOOL:
            return acg_ev_bool(cp->boolean);
        case ACG_EP_STRING_ARRAY: {
            struct acg_ev *items = c->arena ? acg_arena_calloc(c->arena, cp->strs_count, sizeof *items) : NULL;
            if (items == NULL) {
                c->failed = true;
                return acg_ev_none();
            }
            for (size_t k = 0; k < cp->strs_count; k++)
                items[k] = acg_ev_string(cp->strs[k]);
            struct acg_ev v = acg_ev_none();
            v.type = ACG_EV_ARRAY;
            v.items = items;
            v.n = cp->strs_count;
            return v;
        }
        case ACG_EP_UNSET:
            break;
        }
    }
    return acg_ev_none();
}

struct acg_ev acg_ep_context(struct acg_ep_ctx *c, const struct acg_endpoint_params *p, const char *name)
{
    return find_param(c, p->context, p->context_count, name);
}

struct acg_ev acg_ep_client_context(struct acg_ep_ctx *c, const struct acg_endpoint_params *p,
                                    const char *key)
{
    return find_param(c, p->client_context, p->client_context_count, key);
}

struct acg_ev acg_ep_is_set(struct acg_ev v)
{
    return acg_ev_bool(v.type != ACG_EV_NONE);
}

/* botocore evaluates `not value` with Python's truth rules: unset, false, the empty string
 * and empty arrays and records are false. */
struct acg_ev acg_ep_not(struct acg_ev v)
{
    bool truthy;
    switch (v.type) {
    case ACG_EV_BOOL:
        truthy = v.b;
        break;
    case ACG_EV_STRING:
        truthy = v.s[0] != '\0';
        break;
    case ACG_EV_RECORD:
    case ACG_EV_ARRAY:
        truthy = v.n > 0;
        break;
    case ACG_EV_NONE:
    default:
        truthy = false;
        break;
    }
    return acg_ev_bool(!truthy);
}

struct acg_ev acg_ep_boolean_equals(struct acg_ev a, struct acg_ev b)
{
    if (a.type != ACG_EV_BOOL || b.type != ACG_EV_BOOL)
        return acg_ev_bool(false);
    return acg_ev_bool(a.b == b.b);
}

struct acg_ev acg_ep_string_equals(struct acg_ev a, struct acg_ev b)
{
    if (a.type != ACG_EV_STRING || b.type != ACG_EV_STRING)
        return acg_ev_bool(false);
    return acg_ev_bool(strcmp(a.s, b.s) == 0);
}

static struct acg_ev field(struct acg_ev v, const char *name, size_t len)
{
    if (v.type != ACG_EV_RECORD)
        return acg_ev_none();
    for (size_t i = 0; i < v.n; i++) {
        if (strlen(v.fields[i].name) == len && memcmp(v.fields[i].name, name, len) == 0)
            return v.fields[i].value;
    }
    return acg_ev_none();
}

struct acg_ev acg_ep_get_attr(struct acg_ep_ctx *c, struct acg_ev v, const char *path)
{
    (void)c;
    const char *p = path;
    while (*p != '\0' && v.type != ACG_EV_NONE) {
        size_t len = strcspn(p, ".[");
        if (len > 0)
            v = field(v, p, len);
        p += len;
        if (*p == '[') {
            char *end = NULL;
            long index = strtol(p + 1, &end, 10);
            if (end == NULL || *end != ']' || v.type != ACG_EV_ARRAY || index < 0 || (size_t)index >= v.n)
                return acg_ev_none();
            v = v.items[index];
            p = end + 1;
        }
        if (*p == '.')
            p++;
    }
    return v;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80)
            return false;
    }
    return true;
}

struct acg_ev acg_ep_substring(struct acg_ep_ctx *c, struct acg_ev v, int start, int stop,
                               struct acg_ev reverse)
{
    if (v.type != ACG_EV_STRING || start < 0 || start >= stop || !is_ascii(v.s))
        return acg_ev_none();
    size_t len = strlen(v.s);
    if (len < (size_t)stop)
        return acg_ev_none();
    size_t from = (size_t)start, to = (size_t)stop;
    if (reverse.type == ACG_EV_BOOL && reverse.b) {
        from = len - (size_t)stop;
        to = len - (size_t)start;
    }
    return acg_ev_string(dup_n(c, v.s + from, to - from));
}

/* Percent-encoding of everything but unreserved characters, as botocore's percent_encode. */
struct acg_ev acg_ep_uri_encode(struct acg_ep_ctx *c, struct acg_ev v)
{
    if (v.type != ACG_EV_STRING)
        return acg_ev_none();
    size_t n = strlen(v.s);
    char *out = c->arena ? acg_arena_calloc(c->arena, 3 * n + 1, 1) : NULL;
    if (out == NULL) {
        c->failed = true;
        return acg_ev_none();
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v.s[i];
        if (is_alnum((char)ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out[o++] = (char)ch;
        } else {
            snprintf(out + o, 4, "%%%02X", ch);
            o += 3;
        }
    }
    return acg_ev_string(out);
}

static struct acg_ev record(struct acg_ep_ctx *c, const struct acg_ev_field *fields, size_t n)
{
    struct acg_ev_field *copy = c->arena ? acg_arena_calloc(c->arena, n, sizeof *copy) : NULL;
    if (copy == NULL) {
        c->failed = true;
        return acg_ev_none();
    }
    memcpy(copy, fields, n * sizeof *copy);
    struct acg_ev v = acg_ev_none();
    v.type = ACG_EV_RECORD;
    v.fields = copy;
    v.n = n;
    return v;
}

static bool is_ipv4(const char *host, size_t len)
{
    int parts = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        if (host[i] == '.') {
            if (digits == 0)
                return false;
            parts++;
            digits = 0;
        } else if (host[i] >= '0' && host[i] <= '9' && digits < 3) {
            digits++;
        } else {
            return false;
        }
    }
    return parts == 3 && digits > 0;
}

/* botocore's normalizedPath: RFC 3986 dot-segment removal that also drops empty segments
 * (botocore.utils.remove_dot_segments), then urllib's quote() (everything but letters,
 * digits, "_.-~/" percent-encoded), then a trailing slash. */
static char *normalized_path(struct acg_ep_ctx *c, const char *path, size_t len)
{
    /* segment starts and lengths, for ".." to pop */
    size_t cap = len / 2 + 2;
    size_t *starts = c->arena ? acg_arena_calloc(c->arena, cap, sizeof *starts) : NULL;
    size_t *lens = c->arena ? acg_arena_calloc(c->arena, cap, sizeof *lens) : NULL;
    char *out = c->arena ? acg_arena_calloc(c->arena, 3 * len + 3, 1) : NULL;
    if (starts == NULL || lens == NULL || out == NULL) {
        c->failed = true;
        return NULL;
    }
    size_t nseg = 0;
    for (size_t i = 0; i <= len;) {
        size_t n = 0;
        while (i + n < len && path[i + n] != '/')
            n++;
        if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (nseg > 0)
                nseg--;
        } else if (n > 0 && !(n == 1 && path[i] == '.') && nseg < cap) {
            starts[nseg] = i;
            lens[nseg] = n;
            nseg++;
        }
        i += n + 1;
    }
    size_t o = 0;
    if (len > 0 && path[0] == '/')
        out[o++] = '/';
    for (size_t k = 0; k < nseg; k++) {
        if (k > 0)
            out[o++] = '/';
        for (size_t i = starts[k]; i < starts[k] + lens[k]; i++) {
            unsigned char ch = (unsigned char)path[i];
            if (is_alnum((char)ch) || ch == '_' || ch == '.' || ch == '-' || ch == '~') {
                out[o++] = (char)ch;
            } else {
                snprintf(out + o, 4, "%%%02X", ch);
                o += 3;
            }
        }
    }
    if (len > 0 && path[len - 1] == '/' && nseg > 0)
        out[o++] = '/';
    /* an empty path normalizes to "/" */
    if (o == 0 || out[o - 1] != '/')
        out[o++] = '/';
    out[o] = '\0';
    return out;
}

/* s[0..n) equals the lower-case ASCII word, ignoring case. */
static bool ascii_ieq(const char *s, const char *word, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (ch != word[i])
            return false;
    }
    return true;
}

struct acg_ev acg_ep_parse_url(struct acg_ep_ctx *c, struct acg_ev v)
{
    if (v.type != ACG_EV_STRING)
        return acg_ev_none();
    const char *s = v.s;
    const char *sep = strstr(s, "://");
    if (sep == NULL)
        return acg_ev_none();
    size_t scheme_len = (size_t)(sep - s);
    /* urlparse lower-cases the scheme */
    bool https = scheme_len == 5 && ascii_ieq(s, "https", 5);
    bool http = scheme_len == 4 && ascii_ieq(s, "http", 4);
    if (!https && !http)
        return acg_ev_none();
    const char *auth = sep + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *rest = auth + auth_len;
    size_t path_len = strcspn(rest, "?#");
    /* URLs with a query are not endpoints; a bare '?' is an empty query, which urlparse
     * lets through */
    if (auth_len == 0 || (rest[path_len] == '?' && rest[path_len + 1] != '\0' && rest[path_len + 1] != '#'))
        return acg_ev_none();
    /* a port must be numeric */
    const char *host = auth;
    size_t host_len = auth_len;
    bool ipv6 = host[0] == '[';
    if (ipv6) {
        const char *close = memchr(host, ']', auth_len);
        if (close == NULL)
            return acg_ev_none();
        host_len = (size_t)(close - host) + 1;
    } else {
        const char *colon = memchr(host, ':', auth_len);
        if (colon != NULL)
            host_len = (size_t)(colon - host);
    }
    if (host_len < auth_len) {
        /* urlparse takes an empty port as none, and refuses one that is not a number in
         * 0..65535 */
        const char *port = host + host_len;
        long number = 0;
        if (*port != ':')
            return acg_ev_none();
        for (const char *d = port + 1; d < auth + auth_len; d++) {
            if (*d < '0' || *d > '9')
                return acg_ev_none();
            number = number * 10 + (*d - '0');
            if (number > 65535)
                return acg_ev_none();
        }
    }
    struct acg_ev_field f[5] = {
        { "scheme", acg_ev_string(https ? "https" : "http") },
        { "authority", acg_ev_string(dup_n(c, auth, auth_len)) },
        { "path", acg_ev_string(dup_n(c, rest, path_len)) },
        { "normalizedPath", acg_ev_string(normalized_path(c, rest, path_len)) },
        { "isIp", acg_ev_bool(ipv6 || is_ipv4(host, host_len)) },
    };
    return record(c, f, 5);
}

/* An RFC 1123 label as botocore checks it, ^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$: letters, digits
 * and hyphens, 1 to 63 of them, neither starting nor ending with a hyphen. */
static bool host_label(const char *s, size_t len)
{
    if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    }
    return true;
}

struct acg_ev acg_ep_is_valid_host_label(struct acg_ev v, struct acg_ev allow_subdomains)
{
    if (v.type != ACG_EV_STRING)
        return acg_ev_bool(false);
    bool sub = allow_subdomains.type == ACG_EV_BOOL && allow_subdomains.b;
    const char *s = v.s;
    if (!sub)
        return acg_ev_bool(strchr(s, '.') == NULL && host_label(s, strlen(s)));
    for (;;) {
        size_t n = strcspn(s, ".");
        if (!host_label(s, n))
            return acg_ev_bool(false);
        if (s[n] == '\0')
            return acg_ev_bool(true);
        s += n + 1;
    }
}

struct acg_ev acg_ep_is_virtual_hostable_s3_bucket(struct acg_ev v, struct acg_ev allow_subdomains)
{
    if (v.type != ACG_EV_STRING || strlen(v.s) < 3)
        return acg_ev_bool(false);
    for (const char *p = v.s; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            return acg_ev_bool(false);
    }
    if (is_ipv4(v.s, strlen(v.s)))
        return acg_ev_bool(false);
    return acg_ep_is_valid_host_label(v, allow_subdomains);
}

const struct acg_partition *acg_partition_for(const char *region)
{
    if (region != NULL && is_ascii(region)) {
        for (size_t i = 0; i < acg_partition_count; i++) {
            const struct acg_partition *p = &acg_partitions[i];
            for (const char *const *r = p->regions; *r; r++) {
                if (strcmp(*r, region) == 0)
                    return p;
            }
            if (acg_pattern_search(p->region_regex, region, strlen(region)) == 1)
                return p;
        }
    }
    return &acg_partitions[0];
}

struct acg_ev acg_ep_partition(struct acg_ep_ctx *c, struct acg_ev region)
{
    if (region.type != ACG_EV_STRING)
        return acg_ev_none();
    const struct acg_partition *p = acg_partition_for(region.s);
    struct acg_ev_field f[6] = {
        { "name", acg_ev_string(p->id) },
        { "dnsSuffix", acg_ev_string(p->dns_suffix) },
        { "dualStackDnsSuffix", acg_ev_string(p->dual_stack_dns_suffix) },
        { "supportsFIPS", acg_ev_bool(p->supports_fips) },
        { "supportsDualStack", acg_ev_bool(p->supports_dual_stack) },
        { "implicitGlobalRegion", acg_ev_string(p->implicit_global_region) },
    };
    return record(c, f, 6);
}

struct acg_ev acg_ep_parse_arn(struct acg_ep_ctx *c, struct acg_ev v)
{
    if (v.type != ACG_EV_STRING || strncmp(v.s, "arn:", 4) != 0)
        return acg_ev_none();
    /* arn:partition:service:region:account:resource (resource may hold ':') */
    const char *parts[5];
    size_t lens[5];
    const char *p = v.s + 4;
    for (int i = 0; i < 4; i++) {
        const char *colon = strchr(p, ':');
        if (colon == NULL)
            return acg_ev_none();
        parts[i] = p;
        lens[i] = (size_t)(colon - p);
        p = colon + 1;
    }
    parts[4] = p;
    lens[4] = strlen(p);
    if (lens[0] == 0 || lens[1] == 0 || lens[4] == 0)
        return acg_ev_none();
    /* resourceId: the resource split on ':' and '/' */
    size_t count = 1;
    for (size_t i = 0; i < lens[4]; i++)
        count += parts[4][i] == ':' || parts[4][i] == '/';
    struct acg_ev *items = c->arena ? acg_arena_calloc(c->arena, count, sizeof *items) : NULL;
    if (items == NULL) {
        c->failed = true;
        return acg_ev_none();
    }
    const char *r = parts[4];
    for (size_t k = 0; k < count; k++) {
        size_t n = strcspn(r, ":/");
        items[k] = acg_ev_string(dup_n(c, r, n));
        r += n + (r[n] != '\0');
    }
    struct acg_ev ids = acg_ev_none();
    ids.type = ACG_EV_ARRAY;
    ids.items = items;
    ids.n = count;
    struct acg_ev_field f[5] = {
        { "partition", acg_ev_string(dup_n(c, parts[0], lens[0])) },
        { "service", acg_ev_string(dup_n(c, parts[1], lens[1])) },
        { "region", acg_ev_string(dup_n(c, parts[2], lens[2])) },
        { "accountId", acg_ev_string(dup_n(c, parts[3], lens[3])) },
        { "resourceId", ids },
    };
    return record(c, f, 5);
}

struct acg_ev acg_ep_concat(struct acg_ep_ctx *c, const struct acg_ev *parts, size_t n)
{
    size_t total = 0;
    char num[32];
    for (size_t i = 0; i < n; i++) {
        if (parts[i].type == ACG_EV_STRING)
            total += strlen(parts[i].s);
        else if (parts[i].type == ACG_EV_BOOL)
            total += 5;
        else
            return acg_ev_none();
    }
    char *out = c->arena ? acg_arena_calloc(c->arena, total + 1, 1) : NULL;
    if (out == NULL) {
        c->failed = true;
        return acg_ev_none();
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = parts[i].s;
        if (parts[i].type == ACG_EV_BOOL) {
            /* botocore formats Python booleans into templates */
            snprintf(num, sizeof num, "%s", parts[i].b ? "True" : "False");
            s = num;
        }
        size_t len = strlen(s);
        memcpy(out + o, s, len);
        o += len;
    }
    out[o] = '\0';
    return acg_ev_string(out);
}

static int copy_out(char *dst, size_t size, struct acg_ev v)
{
    if (v.type != ACG_EV_STRING) {
        dst[0] = '\0';
        return 0;
    }
    if (strlen(v.s) >= size)
        return -1;
    snprintf(dst, size, "%s", v.s);
    return 0;
}

int acg_ep_result(struct acg_ep_ctx *c, struct acg_endpoint *out, struct acg_error *err,
                  struct acg_ev url, struct acg_ev signing_name, struct acg_ev signing_region)
{
    int rc = ACG_OK;
    if (c->failed)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory resolving the endpoint");
    else if (url.type != ACG_EV_STRING)
        rc = acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint rules gave no URL");
    else if (copy_out(out->url, sizeof out->url, url) != 0 ||
             copy_out(out->signing_name, sizeof out->signing_name, signing_name) != 0 ||
             copy_out(out->signing_region, sizeof out->signing_region, signing_region) != 0)
        rc = acg_error_set(err, ACG_ERR_ENDPOINT, "the resolved endpoint is too long");
    ep_end(c);
    return rc;
}

int acg_ep_fail(struct acg_ep_ctx *c, struct acg_error *err, struct acg_ev message)
{
    int rc;
    if (c->failed)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory resolving the endpoint");
    else
        rc = acg_error_set(err, ACG_ERR_ENDPOINT, "%s",
                           message.type == ACG_EV_STRING ? message.s : "endpoint resolution failed");
    ep_end(c);
    return rc;
}

int acg_ep_no_match(struct acg_ep_ctx *c, struct acg_error *err)
{
    ep_end(c);
    return acg_error_set(err, ACG_ERR_ENDPOINT, "No endpoint found for the given parameters");
}
