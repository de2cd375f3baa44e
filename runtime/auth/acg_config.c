/* Shared config and credentials files (INI, read with libinih) and the settings the AWS CLI
 * resolves from them and the environment.
 *
 * A profile is the merge of `[profile NAME]` (or `[default]`) from the config file and
 * `[NAME]` from the credentials file, the latter winning key by key, as botocore merges them.
 * Indented lines under a key with an empty value (`s3 =` then `  max_concurrent_requests =
 * 10`) reach the handler as continuation values of that key; they become sub-section
 * entries. `services = NAME` points at a `[services NAME]` section whose sub-sections hold
 * per-service settings such as endpoint_url. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <ini.h>

#include "auth/acg_config.h"
#include "common/acg_text.h"

struct entry {
    char *section;   /* NULL for a top-level key; the sub-section name otherwise */
    char *key;
    char *value;
    bool from_credentials_file;   /* which file gave the value (the source a chain reports) */
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

struct acg_profile {
    char *name;
    bool named_by_caller;      /* acg_profile_load got the name (--profile), not AWS_PROFILE */
    struct entries keys;       /* the profile's keys and sub-section keys */
    struct entries services;   /* every [services X] section: section = "X/sub" */
};

const char *acg_env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static char *dup_trim(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void wipe_str(char *s)
{
    volatile char *v = s;
    for (size_t k = 0; v != NULL && v[k] != '\0'; k++)
        v[k] = 0;
}

static void entries_free(struct entries *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].section);
        free(e->v[i].key);
        free(e->v[i].value);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}

/* Sets section/key to value, replacing an earlier value. Returns 0 or -1 on no memory. */
static int entries_set(struct entries *e, const char *section, const char *key, const char *value,
                       bool from_credentials_file)
{
    for (size_t i = 0; i < e->n; i++) {
        struct entry *x = &e->v[i];
        bool same_section = (x->section == NULL && section == NULL) ||
                            (x->section != NULL && section != NULL && strcmp(x->section, section) == 0);
        if (same_section && strcmp(x->key, key) == 0) {
            char *v = dup_trim(value);
            if (v == NULL)
                return -1;
            wipe_str(x->value);   /* the value replaced may be a secret from the other file */
            free(x->value);
            x->value = v;
            x->from_credentials_file = from_credentials_file;
            return 0;
        }
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct entry *v = realloc(e->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    struct entry *x = &e->v[e->n];
    x->section = section ? dup_trim(section) : NULL;
    x->key = dup_trim(key);
    x->value = dup_trim(value);
    x->from_credentials_file = from_credentials_file;
    if (x->key == NULL || x->value == NULL || (section != NULL && x->section == NULL)) {
        free(x->section);
        free(x->key);
        free(x->value);
        return -1;
    }
    e->n++;
    return 0;
}

static const struct entry *entries_find(const struct entries *e, const char *section, const char *key)
{
    for (size_t i = 0; i < e->n; i++) {
        const struct entry *x = &e->v[i];
        bool same_section = (x->section == NULL && section == NULL) ||
                            (x->section != NULL && section != NULL && strcmp(x->section, section) == 0);
        if (same_section && strcmp(x->key, key) == 0)
            return x;
    }
    return NULL;
}

static const char *entries_get(const struct entries *e, const char *section, const char *key)
{
    const struct entry *x = entries_find(e, section, key);
    return x ? x->value : NULL;
}

/* Debian builds libinih with its default INI_MAX_LINE of 200 bytes and no realloc, so a
 * real aws_session_token (often over 1,000 characters) would be cut and the rest read as a
 * parse error. The reader below hands inih whole lines from the file; a line that would not
 * fit has its value parked in `long_values` and replaced by a marker ("\x01" and an index)
 * that the handler swaps back. */
#define LONG_MARK '\x01'

struct parse_state {
    struct acg_profile *p;
    bool credentials_file;
    bool found;
    bool nomem;
    char last_key[128];         /* the key continuation lines belong to */
    char last_section[256];
    FILE *file;
    char *line;                 /* getline's buffer */
    size_t line_cap;
    char **long_values;
    size_t n_long;
};

/* Which profile a section header names, in config-file or credentials-file syntax. */
static bool section_is_profile(const char *section, const char *name, bool credentials_file)
{
    if (credentials_file)
        return strcmp(section, name) == 0;
    if (strcmp(name, "default") == 0 && strcmp(section, "default") == 0)
        return true;
    if (strncmp(section, "profile", 7) != 0 || (section[7] != ' ' && section[7] != '\t'))
        return false;
    const char *n = section + 8;
    while (*n == ' ' || *n == '\t')
        n++;
    return strcmp(n, name) == 0;
}

/* ini_reader: one line of the file into str (num bytes), parking an over-long value. */
static char *read_line(char *str, int num, void *user)
{
    struct parse_state *s = user;
    ssize_t n = getline(&s->line, &s->line_cap, s->file);
    if (n < 0 || num < 32)
        return NULL;
    const char *first = s->line + strspn(s->line, " \t");
    char *eq = strchr(s->line, '=');
    bool comment_or_section = strchr(";#[", *first) != NULL;
    /* botocore's parser (configparser without inline comments) keeps "a ; b" whole, while
     * inih would cut it at " ;"; a value holding ';' is parked too, so it arrives as written. */
    bool semicolon = eq != NULL && !comment_or_section && strchr(eq + 1, ';') != NULL;
    if (n < num && !semicolon) {
        memcpy(str, s->line, (size_t)n + 1);
        return str;
    }
    if (eq == NULL || comment_or_section || eq - s->line > num - 24) {
        if (n < num) {   /* a short line that only looked like it needed parking */
            memcpy(str, s->line, (size_t)n + 1);
            return str;
        }
        if (*first == ';' || *first == '#') {   /* a long comment is still a comment */
            snprintf(str, (size_t)num, "%s", "#\n");
            return str;
        }
        /* a long section header, key or comment: hand inih a line it reports as an error
         * (a section header without its ']') so the file's line number comes back */
        snprintf(str, (size_t)num, "%s", "[\n");
        return str;
    }
    char **grown = realloc(s->long_values, (s->n_long + 1) * sizeof *grown);
    if (grown == NULL) {
        s->nomem = true;
        return NULL;
    }
    s->long_values = grown;
    if ((s->long_values[s->n_long] = strdup(eq + 1)) == NULL) {
        s->nomem = true;
        return NULL;
    }
    snprintf(str, (size_t)num, "%.*s= %c%zu\n", (int)(eq - s->line), s->line, LONG_MARK, s->n_long);
    s->n_long++;
    return str;
}

static void free_long_values(struct parse_state *s)
{
    for (size_t i = 0; i < s->n_long; i++) {
        wipe_str(s->long_values[i]);   /* may be a session token */
        free(s->long_values[i]);
    }
    free(s->long_values);
    s->long_values = NULL;
    s->n_long = 0;
}

/* The parked value a marker stands for, or v itself. */
static const char *unpark(const struct parse_state *s, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (v[0] != LONG_MARK)
        return v;
    char *end = NULL;
    unsigned long i = strtoul(v + 1, &end, 10);
    return end != v + 1 && *end == '\0' && i < s->n_long ? s->long_values[i] : v;
}

static int on_line(void *user, const char *section, const char *key, const char *value)
{
    struct parse_state *s = user;
    value = unpark(s, value);
    bool continuation = strcmp(section, s->last_section) == 0 && strcmp(key, s->last_key) == 0;
    snprintf(s->last_section, sizeof s->last_section, "%s", section);
    snprintf(s->last_key, sizeof s->last_key, "%s", key);
    int rc = 0;
    if (section_is_profile(section, s->p->name, s->credentials_file)) {
        s->found = true;
        if (continuation) {
            /* "  sub_key = value" under "key =": a sub-section entry */
            const char *eq = strchr(value, '=');
            if (eq != NULL) {
                char sub[256];
                snprintf(sub, sizeof sub, "%.*s", (int)(eq - value), value);
                rc = entries_set(&s->p->keys, key, sub, unpark(s, eq + 1), s->credentials_file);
            }
        } else {
            rc = entries_set(&s->p->keys, NULL, key, value, s->credentials_file);
        }
    } else if (!s->credentials_file && strncmp(section, "services", 8) == 0 &&
               (section[8] == ' ' || section[8] == '\t')) {
        const char *svc = section + 9;
        while (*svc == ' ' || *svc == '\t')
            svc++;
        /* A top-level entry named after the section records that it exists and has keys:
         * botocore refuses a `services = X` whose [services X] is missing or empty. */
        rc = entries_set(&s->p->services, NULL, svc, "", false);
        if (rc == 0 && continuation) {
            const char *eq = strchr(value, '=');
            if (eq != NULL) {
                char where[512], sub[256];
                snprintf(where, sizeof where, "%s/%s", svc, key);
                snprintf(sub, sizeof sub, "%.*s", (int)(eq - value), value);
                rc = entries_set(&s->p->services, where, sub, unpark(s, eq + 1), false);
            }
        }
    }
    if (rc != 0)
        s->nomem = true;
    return rc == 0;
}

/* path from the environment variable, else ~/.aws/<file>. */
static void file_path(const char *env, const char *file, char *out, size_t size)
{
    const char *p = acg_env(env);
    const char *home = getenv("HOME");
    if (p != NULL && p[0] == '~' && (p[1] == '/' || p[1] == '\0') && home != NULL)
        snprintf(out, size, "%s%s", home, p + 1);   /* "~/x" only; "~user" is left as written */
    else if (p != NULL)
        snprintf(out, size, "%s", p);
    else
        snprintf(out, size, "%s/.aws/%s", home ? home : "", file);
}

static int parse_file(const char *path, struct parse_state *s, struct acg_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return ACG_OK; /* a missing file is an empty one */
    s->last_key[0] = s->last_section[0] = '\0';
    s->file = f;
    int line = ini_parse_stream(read_line, s, on_line, s);
    fclose(f);
    s->file = NULL;
    free_long_values(s);
    if (s->line != NULL)
        memset(s->line, 0, s->line_cap);   /* the last line read may hold a secret */
    free(s->line);
    s->line = NULL;
    s->line_cap = 0;
    if (s->nomem)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading %s", path);
    if (line > 0)
        return acg_error_set(err, ACG_ERR_CONFIG, "Unable to parse config file: %s (line %d)", path, line);
    return ACG_OK;
}

int acg_profile_load(const char *name, struct acg_profile **out, struct acg_error *err)
{
    char path[4096];
    bool explicit_arg = name != NULL;
    bool explicit_name = name != NULL || acg_env("AWS_PROFILE") != NULL;
    *out = NULL;
    if (name == NULL)
        name = acg_env("AWS_PROFILE");
    if (name == NULL)
        name = "default";
    struct acg_profile *p = calloc(1, sizeof *p);
    if (p == NULL || (p->name = strdup(name)) == NULL) {
        free(p);
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory loading the profile");
    }
    p->named_by_caller = explicit_arg;
    struct parse_state s = { .p = p };
    file_path("AWS_CONFIG_FILE", "config", path, sizeof path);
    int rc = parse_file(path, &s, err);
    if (rc == ACG_OK) {
        s.credentials_file = true;
        file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", path, sizeof path);
        rc = parse_file(path, &s, err);
    }
    if (rc == ACG_OK && !s.found && explicit_name && strcmp(name, "default") != 0)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "The config profile (%s) could not be found", name);
    if (rc != ACG_OK) {
        acg_profile_free(p);
        return rc;
    }
    *out = p;
    return ACG_OK;
}

void acg_profile_free(struct acg_profile *p)
{
    if (p == NULL)
        return;
    /* values may be secrets: zero them before release */
    for (size_t i = 0; i < p->keys.n; i++)
        wipe_str(p->keys.v[i].value);
    entries_free(&p->keys);
    entries_free(&p->services);
    free(p->name);
    free(p);
}

const char *acg_profile_name(const struct acg_profile *p)
{
    return p ? p->name : "default";
}

const char *acg_profile_get(const struct acg_profile *p, const char *key)
{
    return p ? entries_get(&p->keys, NULL, key) : NULL;
}

bool acg_profile_named_by_caller(const struct acg_profile *p)
{
    return p != NULL && p->named_by_caller;
}

bool acg_profile_from_credentials_file(const struct acg_profile *p, const char *key)
{
    const struct entry *x = p ? entries_find(&p->keys, NULL, key) : NULL;
    return x != NULL && x->from_credentials_file;
}

const char *acg_profile_get_sub(const struct acg_profile *p, const char *section, const char *key)
{
    return p ? entries_get(&p->keys, section, key) : NULL;
}

const char *acg_profile_service_get(const struct acg_profile *p, const char *service_key, const char *key)
{
    const char *services = acg_profile_get(p, "services");
    if (services == NULL)
        return NULL;
    char where[512];
    snprintf(where, sizeof where, "%s/%s", services, service_key);
    return entries_get(&p->services, where, key);
}

static bool truthy(const char *v)
{
    return v != NULL && strcasecmp(v, "true") == 0;
}

/* Environment first, then the profile. */
static const char *setting(const struct acg_profile *p, const char *env, const char *key)
{
    const char *v = acg_env(env);
    return v ? v : acg_profile_get(p, key);
}

/* botocore's validate_region_name: a host label, ^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$.
 * The region becomes part of the endpoint's host name, so anything else ('.', ':', '#',
 * '@', '/') could point a signed request, session token and all, at another host. */
static bool valid_region(const char *v)
{
    size_t n = strlen(v);
    bool all_digits = true;
    if (n > 63 || (n > 0 && (v[0] == '-' || v[n - 1] == '-')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        bool digit = c >= '0' && c <= '9';
        if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-')
            return false;
        all_digits = all_digits && digit;
    }
    return !all_digits;
}

static int parse_long(const char *v, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

int acg_settings_resolve(const struct acg_profile *p, const char *service_id, const char *explicit_region,
                         const char *explicit_endpoint, int explicit_fips, int explicit_dual_stack,
                         struct acg_settings *out, struct acg_error *err)
{
    char from[400];
    memset(out, 0, sizeof *out);
    const char *v = explicit_region;
    snprintf(from, sizeof from, "the caller (--region)");
    if (v == NULL && (v = acg_env("AWS_REGION")) != NULL)
        snprintf(from, sizeof from, "the environment (AWS_REGION)");
    if (v == NULL && (v = acg_env("AWS_DEFAULT_REGION")) != NULL)
        snprintf(from, sizeof from, "the environment (AWS_DEFAULT_REGION)");
    if (v == NULL && (v = acg_profile_get(p, "region")) != NULL)
        snprintf(from, sizeof from, "the config file (profile %s)", acg_profile_name(p));
    ACG_TRY(acg_check_value(v, ACG_ERR_CONFIG, "the region", from, err));
    if (v != NULL && !valid_region(v))
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "Provided region_name '%s' doesn't match a supported format (the "
                             "region from %s must be letters, digits and hyphens, at most 63)",
                             v, from);
    acg_copy_str(out->region, sizeof out->region, v ? v : "");

    long n = 3;
    v = setting(p, "AWS_MAX_ATTEMPTS", "max_attempts");
    if (v != NULL && parse_long(v, 1, 100, &n) != 0)
        return acg_error_set(err, ACG_ERR_CONFIG, "max_attempts must be a whole number from 1 to 100, not \"%s\"", v);
    out->max_attempts = (int)n;

    v = setting(p, "AWS_RETRY_MODE", "retry_mode");
    if (v != NULL && strcmp(v, "standard") != 0 && strcmp(v, "legacy") != 0 && strcmp(v, "adaptive") != 0)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "retry_mode must be legacy, standard or adaptive, not \"%s\"", v);
    snprintf(out->retry_mode, sizeof out->retry_mode, "%s", v ? v : "standard");

    v = setting(p, "AWS_CA_BUNDLE", "ca_bundle");
    snprintf(out->ca_bundle, sizeof out->ca_bundle, "%s", v ? v : "");

    /* Endpoint URL, in botocore's order (ConfiguredEndpointProvider._ENDPOINT_URL_LOOKUP_ORDER):
     * explicit; then, unless configured endpoints are ignored, the service's environment
     * variable, the global environment variable, the services section, the profile's
     * endpoint_url. The service key is botocore's: the service id with spaces and hyphens as
     * underscores, upper-cased for the variable and lower-cased for the services section. */
    char env_name[160], service_key[128];
    size_t k = 0;
    snprintf(env_name, sizeof env_name, "AWS_ENDPOINT_URL_");
    for (const char *c = service_id ? service_id : ""; *c && k + 1 < sizeof service_key; c++, k++) {
        char ch = (*c == ' ' || *c == '-') ? '_' : *c;
        service_key[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        size_t e = strlen(env_name);
        if (e + 1 < sizeof env_name) {
            env_name[e] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
            env_name[e + 1] = '\0';
        }
    }
    service_key[k] = '\0';
    v = explicit_endpoint;
    snprintf(from, sizeof from, "the caller (--endpoint-url)");
    bool ignore = truthy(setting(p, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls"));
    if (v == NULL && !ignore) {
        v = acg_env(env_name);
        snprintf(from, sizeof from, "the environment (%s)", env_name);
        if (v == NULL && (v = acg_env("AWS_ENDPOINT_URL")) != NULL)
            snprintf(from, sizeof from, "the environment (AWS_ENDPOINT_URL)");
        const char *services = acg_profile_get(p, "services");
        if (v == NULL && services != NULL && entries_get(&p->services, NULL, services) == NULL)
            return acg_error_set(err, ACG_ERR_CONFIG,
                                 "The profile is configured to use the services section but the \"%s\" "
                                 "services configuration does not exist.", services);
        if (v == NULL && (v = acg_profile_service_get(p, service_key, "endpoint_url")) != NULL)
            snprintf(from, sizeof from, "the config file ([services %s] %s)", services, service_key);
        if (v == NULL && (v = acg_profile_get(p, "endpoint_url")) != NULL)
            snprintf(from, sizeof from, "the config file (profile %s)", acg_profile_name(p));
    }
    ACG_TRY(acg_check_value(v, ACG_ERR_CONFIG, "the endpoint URL", from, err));
    if (v != NULL && strlen(v) >= sizeof out->endpoint_url)
        return acg_error_set(err, ACG_ERR_CONFIG, "the endpoint URL is too long");
    snprintf(out->endpoint_url, sizeof out->endpoint_url, "%s", v ? v : "");

    out->use_fips = explicit_fips >= 0 ? explicit_fips != 0
                                        : truthy(setting(p, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"));
    out->use_dual_stack = explicit_dual_stack >= 0
                              ? explicit_dual_stack != 0
                              : truthy(setting(p, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"));
    out->disable_request_compression =
        truthy(setting(p, "AWS_DISABLE_REQUEST_COMPRESSION", "disable_request_compression"));
    n = 10240;
    v = setting(p, "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "request_min_compression_size_bytes");
    if (v != NULL && parse_long(v, 0, 10485760, &n) != 0)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "request_min_compression_size_bytes must be from 0 to 10485760, not \"%s\"", v);
    out->request_min_compression_size_bytes = n;
    return ACG_OK;
}
