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
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <ini.h>

#include "auth/acg_config.h"
#include "common/acg_text.h"

struct entry {
    char *section;   /* NULL for a top-level key; the sub-section name otherwise */
    char *key;
    char *value;
    bool from_credentials_file;   /* which file gave the value (the source a chain reports) */
};

/* A profile's settings. Lookups go through a hash index (open addressing), so a file of
 * N keys loads in O(N): a linear search per key made 200,000 keys take minutes. */
struct entries {
    struct entry *v;
    size_t n, cap;
    size_t *slots;     /* index + 1 into v, 0 for an empty slot; nslots is a power of two */
    size_t nslots;
};

struct acg_profile {
    char *name;
    bool named_by_caller;      /* acg_profile_load got the name (--profile), not AWS_PROFILE */
    struct entries keys;       /* the profile's keys and sub-section keys */
    struct entries services;   /* every [services X] section: section = "X/sub" */
    struct entries sso_sessions;  /* every [sso-session X]: (NULL, X) marks it, (X, key) its keys */
    bool found;                /* a section of either file is the profile */
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
    free(e->slots);
    memset(e, 0, sizeof *e);
}

/* FNV-1a over the section (or a mark for none) and the key. */
static size_t hash_pair(const char *section, const char *key)
{
    uint64_t h = 14695981039346656037u;
    const char *parts[2] = { section != NULL ? section : "\x01", key };
    for (int k = 0; k < 2; k++) {
        for (const unsigned char *c = (const unsigned char *)parts[k]; *c != '\0'; c++)
            h = (h ^ *c) * 1099511628211u;
        h = (h ^ 0xff) * 1099511628211u;   /* keeps ("ab", "c") apart from ("a", "bc") */
    }
    return (size_t)h;
}

static bool same_pair(const struct entry *x, const char *section, const char *key)
{
    bool same_section = (x->section == NULL && section == NULL) ||
                        (x->section != NULL && section != NULL && strcmp(x->section, section) == 0);
    return same_section && strcmp(x->key, key) == 0;
}

/* The slot holding section/key, or the empty slot where it would go. nslots > 0. */
static size_t *find_slot(const struct entries *e, const char *section, const char *key)
{
    size_t mask = e->nslots - 1;
    for (size_t i = hash_pair(section, key) & mask;; i = (i + 1) & mask) {
        size_t *slot = &e->slots[i];
        if (*slot == 0 || same_pair(&e->v[*slot - 1], section, key))
            return slot;
    }
}

/* Keeps the index at most half full. Returns 0 or -1 on no memory. */
static int grow_index(struct entries *e)
{
    if ((e->n + 1) * 2 <= e->nslots)
        return 0;
    size_t nslots = e->nslots ? e->nslots * 2 : 32;
    size_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return -1;
    free(e->slots);
    e->slots = slots;
    e->nslots = nslots;
    for (size_t i = 0; i < e->n; i++)
        *find_slot(e, e->v[i].section, e->v[i].key) = i + 1;
    return 0;
}

/* Sets section/key to value (all three trimmed first), replacing an earlier value.
 * Returns 0 or -1 on no memory. */
static int entries_set(struct entries *e, const char *section, const char *key, const char *value,
                       bool from_credentials_file)
{
    char *sec = section != NULL ? dup_trim(section) : NULL;
    char *k = dup_trim(key);
    char *v = dup_trim(value);
    if (k == NULL || v == NULL || (section != NULL && sec == NULL) || grow_index(e) != 0)
        goto fail;
    size_t *slot = find_slot(e, sec, k);
    if (*slot != 0) {
        struct entry *x = &e->v[*slot - 1];
        wipe_str(x->value);   /* the value replaced may be a secret from the other file */
        free(x->value);
        x->value = v;
        x->from_credentials_file = from_credentials_file;
        free(sec);
        free(k);
        return 0;
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct entry *grown = realloc(e->v, cap * sizeof *grown);
        if (grown == NULL)
            goto fail;
        e->v = grown;
        e->cap = cap;
    }
    e->v[e->n] = (struct entry){ sec, k, v, from_credentials_file };
    *slot = ++e->n;
    return 0;
fail:
    free(sec);
    free(k);
    wipe_str(v);
    free(v);
    return -1;
}

static const struct entry *entries_find(const struct entries *e, const char *section, const char *key)
{
    if (e->nslots == 0)
        return NULL;
    size_t slot = *find_slot(e, section, key);
    return slot != 0 ? &e->v[slot - 1] : NULL;
}

static const char *entries_get(const struct entries *e, const char *section, const char *key)
{
    const struct entry *x = entries_find(e, section, key);
    return x ? x->value : NULL;
}

/* Debian builds libinih with its default INI_MAX_LINE of 200 bytes and no realloc, so a
 * real aws_session_token (often over 1,000 characters) would be cut and the rest read as a
 * parse error. The file is read whole into a buffer of ours (zeroed when done) and the
 * reader below hands inih one line at a time with every value parked: inih sees
 * "key = \x01N" and the handler swaps the marker back for value N, which points into that
 * buffer. So no value, secret or not, is ever cut, split at a ';' (botocore's
 * configparser keeps "a ; b" whole), or copied into inih's own line buffer. */
#define PARK_MARK '\x01'
#define CONFIG_MAX_BYTES ((size_t)64 << 20)

struct parse_state {
    struct acg_profile *p;
    bool credentials_file;
    bool found;
    bool nomem;
    char last_key[128];         /* the key continuation lines belong to */
    char last_section[256];
    char *text;                 /* the whole file; lines are cut in place */
    size_t len, pos;
    const char **values;        /* parked values, pointing into text */
    size_t n_values, cap_values;
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

/* ini_reader: the next line of the file into str (num bytes), its value parked. */
static char *read_line(char *str, int num, void *user)
{
    struct parse_state *s = user;
    if (s->pos >= s->len || num < 32)
        return NULL;
    char *line = s->text + s->pos;
    char *nl = memchr(line, '\n', s->len - s->pos);
    size_t n = nl != NULL ? (size_t)(nl - line) : s->len - s->pos;
    s->pos += n + (nl != NULL);
    line[n] = '\0';   /* text[len] is the buffer's own terminator */
    const char *first = line + strspn(line, " \t");
    size_t sep = strcspn(line, "=:");   /* inih's separators, and configparser's */
    if (*first == '\0' || strchr(";#[", *first) != NULL || line[sep] == '\0') {
        /* a blank line, comment or section header, or a word without a value */
        if (n + 2 <= (size_t)num) {
            memcpy(str, line, n);
            memcpy(str + n, "\n", 2);
        } else if (*first == ';' || *first == '#') {
            snprintf(str, (size_t)num, "%s", "#\n");   /* a long comment is still a comment */
        } else {
            /* a long section header or word: hand inih a line it reports as an error (a
             * section header without its ']') so the file's line number comes back */
            snprintf(str, (size_t)num, "%s", "[\n");
        }
        return str;
    }
    if (sep > (size_t)num - 24) {
        snprintf(str, (size_t)num, "%s", "[\n");   /* a key inih could not hold */
        return str;
    }
    if (s->n_values == s->cap_values) {
        size_t cap = s->cap_values ? s->cap_values * 2 : 64;
        const char **grown = realloc(s->values, cap * sizeof *grown);
        if (grown == NULL) {
            s->nomem = true;
            return NULL;
        }
        s->values = grown;
        s->cap_values = cap;
    }
    s->values[s->n_values] = line + sep + 1;
    snprintf(str, (size_t)num, "%.*s%c %c%zu\n", (int)sep, line, line[sep], PARK_MARK, s->n_values);
    s->n_values++;
    return str;
}

/* The parked value a marker stands for, or v itself. */
static const char *unpark(const struct parse_state *s, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (v[0] != PARK_MARK)
        return v;
    char *end = NULL;
    unsigned long i = strtoul(v + 1, &end, 10);
    return end != v + 1 && *end == '\0' && i < s->n_values ? s->values[i] : v;
}

static int on_line(void *user, const char *section, const char *key, const char *value)
{
    struct parse_state *s = user;
    value = unpark(s, value);
    bool continuation = strcmp(section, s->last_section) == 0 && strcmp(key, s->last_key) == 0;
    acg_copy_str(s->last_section, sizeof s->last_section, section);
    acg_copy_str(s->last_key, sizeof s->last_key, key);
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
    } else if (!s->credentials_file && strncmp(section, "sso-session", 11) == 0 &&
               (section[11] == ' ' || section[11] == '\t')) {
        const char *name = section + 12;
        while (*name == ' ' || *name == '\t')
            name++;
        rc = entries_set(&s->p->sso_sessions, NULL, name, "", false);
        if (rc == 0 && !continuation)
            rc = entries_set(&s->p->sso_sessions, name, key, value, false);
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

int acg_config_read_file(const char *path, size_t max_bytes, struct acg_buf *out, bool *missing,
                         struct acg_error *err)
{
    struct stat st, null_st;
    *missing = false;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        *missing = true;   /* as botocore: a file it cannot open is no file */
        return ACG_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A FIFO or a device could hang the program or feed it without end. The null
         * device is the usual way to say "no file" and reads as empty. */
        bool null_device = S_ISCHR(st.st_mode) && stat("/dev/null", &null_st) == 0 &&
                           S_ISCHR(null_st.st_mode) && st.st_rdev == null_st.st_rdev;
        close(fd);
        if (null_device) {
            *missing = true;
            return ACG_OK;
        }
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "%s is not a regular file (a FIFO, socket, device or directory); "
                             "it was not read", path);
    }
    int rc = ACG_OK;
    for (;;) {
        if (acg_buf_reserve(out, 65536) != ACG_OK) {
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading %s", path);
            break;
        }
        ssize_t n = read(fd, out->data + out->len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = acg_error_set(err, ACG_ERR_CONFIG, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (out->len > max_bytes) {
            rc = acg_error_set(err, ACG_ERR_TOO_LARGE, "%s is larger than %zu bytes", path, max_bytes);
            break;
        }
    }
    close(fd);
    return rc;
}

static int parse_file(const char *path, struct parse_state *s, struct acg_error *err)
{
    struct acg_buf text;
    bool missing = false;
    acg_buf_init_secure(&text, 0);
    int rc = acg_config_read_file(path, CONFIG_MAX_BYTES, &text, &missing, err);
    if (rc != ACG_OK || missing || text.len == 0) {
        acg_buf_free(&text);
        return rc;
    }
    s->last_key[0] = s->last_section[0] = '\0';
    s->text = text.data;
    s->len = text.len;
    s->pos = 0;
    s->n_values = 0;
    int line = ini_parse_stream(read_line, s, on_line, s);
    free(s->values);
    s->values = NULL;
    s->n_values = s->cap_values = 0;
    s->text = NULL;
    acg_buf_free(&text);   /* secure: the file's bytes are zeroed */
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
    p->found = s.found;
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
    entries_free(&p->sso_sessions);
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

bool acg_profile_exists(const struct acg_profile *p)
{
    return p != NULL && p->found;
}

bool acg_profile_sso_session_exists(const struct acg_profile *p, const char *name)
{
    return p != NULL && entries_find(&p->sso_sessions, NULL, name) != NULL;
}

const char *acg_profile_sso_session_key(const struct acg_profile *p, const char *name, size_t i,
                                        const char **value)
{
    for (size_t k = 0; p != NULL && k < p->sso_sessions.n; k++) {
        const struct entry *x = &p->sso_sessions.v[k];
        if (x->section != NULL && strcmp(x->section, name) == 0 && i-- == 0) {
            *value = x->value;
            return x->key;
        }
    }
    return NULL;
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

/* botocore's ensure_boolean of a text setting: "true" in any case; "1", "yes" are false. */
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

bool acg_region_valid(const char *v)
{
    return v != NULL && valid_region(v);
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
    out->disable_host_prefix_injection = truthy(setting(p, "AWS_DISABLE_HOST_PREFIX_INJECTION",
                                                        "disable_host_prefix_injection"));
    n = 10240;
    v = setting(p, "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "request_min_compression_size_bytes");
    if (v != NULL && parse_long(v, 0, 10485760, &n) != 0)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "request_min_compression_size_bytes must be from 0 to 10485760, not \"%s\"", v);
    out->request_min_compression_size_bytes = n;
    v = setting(p, "AWS_REQUEST_CHECKSUM_CALCULATION", "request_checksum_calculation");
    out->checksum_when_supported = v == NULL || strcasecmp(v, "when_required") != 0;
    v = setting(p, "AWS_RESPONSE_CHECKSUM_VALIDATION", "response_checksum_validation");
    out->validate_when_supported = v == NULL || strcasecmp(v, "when_required") != 0;
    v = acg_profile_get_sub(p, "s3", "addressing_style");
    snprintf(out->s3_addressing_style, sizeof out->s3_addressing_style, "%s", v ? v : "auto");
    return ACG_OK;
}
