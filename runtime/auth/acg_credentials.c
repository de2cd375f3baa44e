/* The credential provider chain, in botocore's (and the AWS CLI's documented) order: explicit
 * keys, environment (skipped when the caller named the profile), credentials-file keys,
 * credential_process, config-file keys, container credentials, EC2 instance metadata
 * (IMDSv2). The first provider that has credentials is kept and asked
 * again when its temporary credentials come within five minutes of expiring. */
/* glibc declares posix_spawn_file_actions_addclosefrom_np only for _GNU_SOURCE. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_text.h"
#include "auth/acg_credentials.h"
#include "auth/acg_cred_providers.h"
#include "json/acg_json.h"

extern char **environ;   /* the child of credential_process inherits our environment */

#define REFRESH_MARGIN_MS ((int64_t)5 * 60 * 1000)
/* credential_process: the default bound on one run, and the most stdout kept (a
 * credentials document is a few kilobytes; "credential_process = yes" prints for ever). */
#define PROCESS_DEFAULT_TIMEOUT_MS 60000L
#define PROCESS_MAX_OUTPUT (1 << 20)
#define NO_CREDENTIALS \
    "Unable to locate credentials. You can configure credentials by running \"aws configure\"."

enum source { SRC_NONE, SRC_STATIC, SRC_PROCESS, SRC_CONTAINER, SRC_IMDS, SRC_DELEGATE };

/* Threads: lock guards cached, have, refreshing and failure, and is held only to copy or
 * swap them, never while a source is asked. The one caller that refreshes owns source for
 * the time (refreshing is set); the rest is read-only after creation. */
struct acg_credentials_provider {
    pthread_mutex_t lock;
    pthread_cond_t refreshed;             /* a fetch ended (refreshing went false) */
    bool refreshing;                      /* one caller is fetching, unlocked */
    unsigned long fetches;                /* fetches ended, so a waiter knows its one ended */
    struct acg_error failure;             /* the last fetch's error, for its waiters */
    enum source source;
    struct acg_credentials cached;
    bool have;
    struct acg_credentials static_creds;  /* explicit, environment or file keys */
    bool have_static;
    char *process;                        /* credential_process command */
    struct acg_cred_delegate *delegate;   /* assume-role, web identity or SSO (acg_cred_*.c) */
    char region[64];                      /* the client's, for the STS client */
    int64_t now_ms;                       /* the clock of the get being served */
    long process_timeout_ms;
    int (*mfa_prompt)(void *ctx, const char *prompt, char *code, size_t size);
    void *mfa_prompt_ctx;
};

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* What the three values are called where they come from, for messages. */
static const char *const ENV_NAMES[3] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                          "AWS_SESSION_TOKEN" };
static const char *const FILE_NAMES[3] = { "aws_access_key_id", "aws_secret_access_key",
                                           "aws_session_token" };
static const char *const EXPLICIT_NAMES[3] = { "the access key id", "the secret access key",
                                               "the session token" };
static const char *const JSON_NAMES[3] = { "AccessKeyId", "SecretAccessKey", "SessionToken" };

/* Refuses keys that would put a control character into a header (the token travels as
 * X-Amz-Security-Token, the key id inside Authorization) or into the signature. */
static int check_keys(const char *id, const char *secret, const char *token,
                      const char *const names[3], const char *where, int status,
                      struct acg_error *err)
{
    ACG_TRY(acg_check_value(id, status, names[0], where, err));
    ACG_TRY(acg_check_value(secret, status, names[1], where, err));
    return acg_check_value(token, status, names[2], where, err);
}

static int set_keys(struct acg_credentials *c, const char *id, const char *secret, const char *token,
                    const char *source)
{
    memset(c, 0, sizeof *c);
    if (strlen(id) >= sizeof c->access_key_id || strlen(secret) >= sizeof c->secret_access_key ||
        (token && strlen(token) >= sizeof c->session_token))
        return -1;
    snprintf(c->access_key_id, sizeof c->access_key_id, "%s", id);
    snprintf(c->secret_access_key, sizeof c->secret_access_key, "%s", secret);
    snprintf(c->session_token, sizeof c->session_token, "%s", token ? token : "");
    snprintf(c->source, sizeof c->source, "%s", source);
    return 0;
}

/* Keys a provider holds from the start: the caller's, the environment's or a profile's. */
struct static_keys {
    const char *id, *secret, *token, *source;
    const char *const *names;   /* what the settings are called, for check_keys' messages */
    char where[300];
};

static struct static_keys explicit_keys(const char *id, const char *secret, const char *token)
{
    struct static_keys k = { .id = id, .secret = secret, .token = token, .source = "explicit",
                             .names = EXPLICIT_NAMES,
                             .where = "the caller (explicit credentials)" };
    return k;
}

/* The profile's own keys, in botocore's profile order: credentials-file keys, then
 * credential_process, then config-file keys. The merged profile lets the credentials file
 * win key by key; botocore reads each file on its own and calls a key id without its
 * secret (in the same file) partial. */
static int profile_keys(const struct acg_profile *profile, struct static_keys *k,
                        struct acg_error *err)
{
    const char *pid = acg_profile_get(profile, "aws_access_key_id");
    bool id_in_creds = acg_profile_from_credentials_file(profile, "aws_access_key_id");
    bool secret_in_creds = acg_profile_from_credentials_file(profile, "aws_secret_access_key");
    if (pid == NULL || (!id_in_creds && acg_profile_get(profile, "credential_process") != NULL))
        return ACG_OK;
    k->secret = acg_profile_get(profile, "aws_secret_access_key");
    if (k->secret == NULL || id_in_creds != secret_in_creds)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "Partial credentials found in %s, missing: aws_secret_access_key",
                             id_in_creds ? "shared-credentials-file" : "config-file");
    k->id = pid;
    k->token = acg_profile_get(profile, "aws_session_token");
    if (k->token != NULL &&
        acg_profile_from_credentials_file(profile, "aws_session_token") != id_in_creds)
        k->token = NULL;   /* a token belongs with keys from its own file */
    k->source = id_in_creds ? "shared-credentials-file" : "config-file";
    k->names = FILE_NAMES;
    snprintf(k->where, sizeof k->where, "the %s (profile %s)",
             id_in_creds ? "shared credentials file" : "config file", acg_profile_name(profile));
    return ACG_OK;
}

/* Where the provider's credentials come from, in botocore's order: the caller's keys, the
 * environment, the providers that call a service or a program (p->delegate), the profile's
 * keys. visited NULL: the client's chain; else the providers of an assume-role's source
 * profile (botocore's ProfileProviderBuilder: no environment, no assume-role, no container
 * or instance metadata). */
static int choose_keys(struct acg_credentials_provider *p, const struct acg_profile *profile,
                       const struct static_keys *explicit_keys, struct acg_cred_visited *visited,
                       struct static_keys *k, struct acg_error *err)
{
    *k = *explicit_keys;
    if (k->id != NULL && k->secret != NULL)
        return ACG_OK;
    k->id = k->secret = k->token = NULL;
    bool named = acg_profile_named_by_caller(profile);
    /* botocore drops the environment provider when the profile was named explicitly
     * (--profile); AWS_PROFILE does not do that. */
    if (!named && acg_env("AWS_ACCESS_KEY_ID") && acg_env("AWS_SECRET_ACCESS_KEY")) {
        k->id = acg_env("AWS_ACCESS_KEY_ID");
        k->secret = acg_env("AWS_SECRET_ACCESS_KEY");
        k->token = acg_env("AWS_SESSION_TOKEN");
        k->source = "env";
        k->names = ENV_NAMES;
        snprintf(k->where, sizeof k->where, "the environment");
        return ACG_OK;
    }
    int with = visited != NULL ? 0 : ACG_CRED_WITH_ASSUME_ROLE | (named ? 0 : ACG_CRED_WITH_ENV);
    ACG_TRY(acg_cred_delegate_new(profile, with, visited, &p->delegate, err));
    if (p->delegate != NULL) {
        p->source = SRC_DELEGATE;   /* after the environment, before the profile's keys */
        return ACG_OK;
    }
    return profile_keys(profile, k, err);
}

/* Sets the provider up from the keys chosen, or from the profile's credential_process. */
static int adopt_keys(struct acg_credentials_provider *p, const struct acg_profile *profile,
                      const struct static_keys *k, struct acg_error *err)
{
    if (k->id != NULL) {
        ACG_TRY(check_keys(k->id, k->secret, k->token, k->names, k->where, ACG_ERR_CONFIG, err));
        if (set_keys(&p->static_creds, k->id, k->secret, k->token, k->source) != 0)
            return acg_error_set(err, ACG_ERR_CONFIG, "the configured credentials are too long");
        p->have_static = true;
        p->source = SRC_STATIC;
        return ACG_OK;
    }
    /* An assume-role, web identity or SSO delegate comes first, as in botocore's chain. */
    const char *process = acg_profile_get(profile, "credential_process");
    if (p->source != SRC_NONE || process == NULL)
        return ACG_OK;
    p->process = strdup(process);
    p->source = SRC_PROCESS;
    if (p->process == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the credentials provider");
    return ACG_OK;
}

static struct acg_credentials_provider *provider_new(const struct acg_profile *profile,
                                                     const struct static_keys *explicit_keys,
                                                     struct acg_cred_visited *visited,
                                                     struct acg_error *err)
{
    struct acg_credentials_provider *p = calloc(1, sizeof *p);
    if (p == NULL) {
        acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the credentials provider");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->refreshed, NULL);
    acg_error_init(&p->failure);
    p->process_timeout_ms = PROCESS_DEFAULT_TIMEOUT_MS;
    struct static_keys k;
    int rc = choose_keys(p, profile, explicit_keys, visited, &k, err);
    if (rc == ACG_OK)
        rc = adopt_keys(p, profile, &k, err);
    if (rc == ACG_OK && visited != NULL && p->source == SRC_NONE)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "The source profile \"%s\" must have credentials.",
                           acg_profile_name(profile));
    if (rc != ACG_OK) {
        acg_credentials_provider_destroy(p);
        return NULL;
    }
    return p;
}

struct acg_credentials_provider *acg_credentials_provider_new(const struct acg_profile *profile,
                                                              const char *explicit_access_key,
                                                              const char *explicit_secret_key,
                                                              const char *explicit_session_token,
                                                              struct acg_error *err)
{
    struct static_keys keys = explicit_keys(explicit_access_key, explicit_secret_key,
                                            explicit_session_token);
    return provider_new(profile, &keys, NULL, err);
}

struct acg_credentials_provider *acg_credentials_provider_new_source(const struct acg_profile *profile,
                                                                     const char *credential_source,
                                                                     struct acg_cred_visited *visited,
                                                                     struct acg_error *err)
{
    struct static_keys keys = explicit_keys(NULL, NULL, NULL);
    if (credential_source == NULL)
        return provider_new(profile, &keys, visited, err);
    if (strcmp(credential_source, "Environment") == 0) {  /* the caller checked both are set */
        keys = explicit_keys(acg_env("AWS_ACCESS_KEY_ID"), acg_env("AWS_SECRET_ACCESS_KEY"),
                             acg_env("AWS_SESSION_TOKEN"));
        return provider_new(NULL, &keys, NULL, err);
    }
    struct acg_credentials_provider *p = calloc(1, sizeof *p);
    if (p == NULL) {
        acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the credentials provider");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    p->source = strcmp(credential_source, "EcsContainer") == 0 ? SRC_CONTAINER : SRC_IMDS;
    return p;
}

void acg_credentials_provider_set_region(struct acg_credentials_provider *p, const char *region)
{
    if (p != NULL)
        acg_copy_str(p->region, sizeof p->region, region != NULL ? region : "");
}

void acg_credentials_provider_set_process_timeout(struct acg_credentials_provider *p,
                                                  long timeout_ms)
{
    if (p != NULL)
        p->process_timeout_ms = timeout_ms > 0 ? timeout_ms : PROCESS_DEFAULT_TIMEOUT_MS;
}

void acg_credentials_provider_set_mfa_prompt(struct acg_credentials_provider *p,
                                             int (*prompt)(void *ctx, const char *prompt,
                                                           char *code, size_t size),
                                             void *ctx)
{
    if (p != NULL) {
        p->mfa_prompt = prompt;
        p->mfa_prompt_ctx = ctx;
    }
}

void acg_credentials_provider_destroy(struct acg_credentials_provider *p)
{
    if (p == NULL)
        return;
    wipe(&p->cached, sizeof p->cached);
    wipe(&p->static_creds, sizeof p->static_creds);
    free(p->process);
    acg_cred_delegate_destroy(p->delegate);
    pthread_cond_destroy(&p->refreshed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Reads the credentials JSON the process, container and IMDS sources all return:
 * AccessKeyId, SecretAccessKey, SessionToken or Token, Expiration (ISO 8601). The
 * credential_process format also carries "Version": 1, which botocore insists on. */
static int parse_json_creds(const char *body, size_t len, const char *source, bool want_version,
                            struct acg_credentials *out, struct acg_error *err)
{
    const char *where = strcmp(source, "process") == 0     ? "the output of credential_process"
                        : strcmp(source, "container") == 0 ? "the container credentials endpoint"
                                                           : "the EC2 instance metadata service";
    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    const char *id = NULL, *secret = NULL, *token = NULL, *expiration = NULL;
    int64_t version = 0;
    bool has_version = false;
    int rc;
    if (a == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading credentials");
    rc = acg_json_reader_parse(&r, body, len, a, NULL);
    if (rc == ACG_OK)
        rc = acg_json_object_begin(&r, 0);
    for (int key = rc == ACG_OK ? acg_json_object_next(&r, 0, 0) : 0; key > 0 && rc == ACG_OK;
         key = acg_json_object_next(&r, 0, key)) {
        const char **slot = acg_json_key_is(&r, key, "AccessKeyId")       ? &id
                            : acg_json_key_is(&r, key, "SecretAccessKey") ? &secret
                            : acg_json_key_is(&r, key, "SessionToken")    ? &token
                            : acg_json_key_is(&r, key, "Token")           ? &token
                            : acg_json_key_is(&r, key, "Expiration")      ? &expiration
                                                                          : NULL;
        if (slot != NULL && r.toks[key + 1].type == ACG_JSON_STRING)
            rc = acg_json_read_string(&r, key + 1, slot);
        else if (acg_json_key_is(&r, key, "Version") && r.toks[key + 1].type == ACG_JSON_PRIMITIVE)
            rc = acg_json_read_int64(&r, key + 1, &version, &has_version);
    }
    acg_json_reader_free(&r);
    if (rc == ACG_OK && want_version && (!has_version || version != 1)) {
        acg_arena_destroy_secure(a);   /* the keys and token were decoded into it */
        return acg_error_set(err, ACG_ERR_CREDENTIALS,
                             "Unsupported version for the %s credentials, supported versions: 1", source);
    }
    if (rc != ACG_OK || id == NULL || secret == NULL) {
        acg_arena_destroy_secure(a);
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the %s credentials are malformed%s", source,
                             rc == ACG_OK ? " (AccessKeyId or SecretAccessKey is missing)" : "");
    }
    if (check_keys(id, secret, token, JSON_NAMES, where, ACG_ERR_CREDENTIALS, err) != ACG_OK) {
        acg_arena_destroy_secure(a);
        return ACG_ERR_CREDENTIALS;
    }
    rc = set_keys(out, id, secret, token, source);
    struct acg_timestamp expires = { 0, 0, NULL };
    if (rc == 0 && expiration != NULL) {
        if (acg_time_parse(expiration, strlen(expiration), &expires) != ACG_OK)
            rc = -1;
        else
            out->expiration_ms = acg_time_to_ms(&expires);
    }
    acg_arena_destroy_secure(a);
    if (rc != 0) {
        wipe(out, sizeof *out);
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the %s credentials are malformed", source);
    }
    return ACG_OK;
}

/* The first line of a failed credential_process's stderr, for the error message. Runs of 20
 * or more key-like characters are replaced: a helper that echoes a secret key or session
 * token while failing must not get it into our logs. */
static void summarise_stderr(const char *text, size_t len, char *out, size_t size)
{
    size_t o = 0, i = 0;
    while (i < len && (text[i] == '\n' || text[i] == '\r' || text[i] == ' '))
        i++;
    while (i < len && text[i] != '\n' && text[i] != '\r' && o + 1 < size) {
        size_t run = 0;
        while (i + run < len && (isalnum((unsigned char)text[i + run]) || strchr("+/=_-", text[i + run]) != NULL))
            run++;
        if (run >= 20) {
            int n = snprintf(out + o, size - o, "[redacted]");
            o = n > 0 && (size_t)n < size - o ? o + (size_t)n : size - 1;
            i += run;
        } else if (run > 0) {
            for (size_t k = 0; k < run && o + 1 < size; k++)
                out[o++] = text[i + k];
            i += run;
        } else {
            out[o++] = isprint((unsigned char)text[i]) ? text[i] : '?';
            i++;
        }
    }
    out[o < size ? o : size - 1] = '\0';
}

/* Splits a credential_process command line into words as botocore does (shlex.split, POSIX
 * mode): blanks separate words; '...' keeps everything literally; "..." keeps everything
 * but a backslash before '"' or '\'; outside quotes a backslash keeps the next character.
 * No other shell syntax exists: '$', ';', '|', '&', '>', '`', '#' are ordinary characters.
 * On success *argv_out is one allocation (the pointers, then the words) to free(). */
static int split_command(const char *s, char ***argv_out, struct acg_error *err)
{
    size_t len = strlen(s), max_words = len / 2 + 2, n = 0;
    char **argv = malloc(max_words * sizeof *argv + len + 1);
    *argv_out = NULL;
    if (argv == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory starting credential_process");
    char *o = (char *)(argv + max_words);
    char quote = 0;
    bool in_word = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                *o++ = c;
        } else if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
                *o++ = s[++i];
            else
                *o++ = c;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_word) {
                *o++ = '\0';
                in_word = false;
            }
        } else {
            if (!in_word) {
                argv[n++] = o;
                in_word = true;
            }
            if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '\\') {
                if (i + 1 == len) {
                    free(argv);
                    return acg_error_set(err, ACG_ERR_CONFIG, "credential_process: No escaped character");
                }
                *o++ = s[++i];
            } else {
                *o++ = c;
            }
        }
    }
    if (quote != 0) {
        free(argv);
        return acg_error_set(err, ACG_ERR_CONFIG, "credential_process: No closing quotation");
    }
    if (in_word)
        *o++ = '\0';
    if (n == 0) {
        free(argv);
        return acg_error_set(err, ACG_ERR_CONFIG, "credential_process is empty");
    }
    argv[n] = NULL;
    *argv_out = argv;
    return ACG_OK;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How a child's run ended, for the message. */
enum run_end { RUN_DONE, RUN_TIMEOUT, RUN_TOO_MUCH, RUN_FAILED };

/* Reads the child's stdout (capped at PROCESS_MAX_OUTPUT) and stderr (the first 4 KiB kept,
 * the rest read and dropped) until both close, polling so a chatty child never blocks on a
 * full pipe, and never past deadline_ms. */
static enum run_end drain(int out_fd, int err_fd, int64_t deadline_ms, struct acg_buf *out,
                          struct acg_buf *errtext)
{
    struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
    char chunk[4096];
    int open_fds = 2;
    enum run_end end = RUN_DONE;
    while (open_fds > 0 && end == RUN_DONE) {
        int64_t left = deadline_ms - monotonic_ms();
        if (left <= 0) {
            end = RUN_TIMEOUT;
            break;
        }
        int ready = poll(fds, 2, left > INT32_MAX ? INT32_MAX : (int)left);
        if (ready < 0 && errno != EINTR)
            end = RUN_FAILED;
        for (int i = 0; ready > 0 && i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0 && acg_buf_append(out, chunk, (size_t)n) != ACG_OK) {
                end = RUN_TOO_MUCH;
            } else if (i == 1 && errtext->len < 4096) {
                /* best effort: a failed append only shortens the error summary */
                int kept = acg_buf_append(errtext, chunk, (size_t)n);
                (void)kept;
            }
        }
    }
    wipe(chunk, sizeof chunk);
    return end;
}

/* Waits for the child until deadline_ms, then kills it (SIGKILL) and reaps it, so no
 * zombie and no runaway helper is left behind. Returns the wait status, or -1. */
static int reap(pid_t pid, int64_t deadline_ms, bool kill_now, bool *killed)
{
    int status = 0;
    *killed = false;
    for (;;) {
        pid_t r = kill_now ? 0 : waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (kill_now || monotonic_ms() >= deadline_ms) {
            kill(pid, SIGKILL);
            *killed = true;
            while (waitpid(pid, &status, 0) < 0) {
                if (errno != EINTR)
                    return -1;
            }
            return status;
        }
        struct timespec pause = { 0, 10L * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

/* Runs credential_process as the AWS CLI runs it: the command line split into words
 * (split_command), the program found on PATH and started directly, no shell, so nothing
 * in the profile value is interpreted; the child inherits stdin and the environment, gets
 * pipes for stdout and stderr and no other descriptor of ours. Unlike botocore (which
 * waits for ever), the run is bounded: timeout_ms for the whole run and
 * PROCESS_MAX_OUTPUT bytes of stdout; past either the child is killed and reaped. */
static int from_process(const char *command, long timeout_ms, struct acg_credentials *out,
                        struct acg_error *err)
{
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
    posix_spawn_file_actions_t actions;
    struct acg_buf stdout_buf, stderr_buf;
    char **argv = NULL;
    pid_t pid;
    bool killed = false;
    int rc;
    acg_buf_init_secure(&stdout_buf, PROCESS_MAX_OUTPUT);
    acg_buf_init_secure(&stderr_buf, 8192);   /* a failing helper may echo a secret */
    rc = split_command(command, &argv, err);
    if (rc != ACG_OK)
        goto done;
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "credential_process could not be started (no pipe)");
        goto done;
    }
    /* Our ends must not leak into processes other threads start meanwhile. */
    (void)fcntl(out_pipe[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(err_pipe[0], F_SETFD, FD_CLOEXEC);
    if (posix_spawn_file_actions_init(&actions) != 0) {
        rc = acg_error_set(err, ACG_ERR_NOMEM, "credential_process could not be started");
        goto done;
    }
    int actions_rc = posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    if (actions_rc == 0)
        actions_rc = posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* Every other descriptor (libcurl's sockets, files the caller has open) stays ours. */
    if (actions_rc == 0)
        actions_rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#else
    if (actions_rc == 0)
        actions_rc = posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    if (actions_rc == 0)
        actions_rc = posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
#endif
    int spawned = actions_rc != 0 ? actions_rc
                                  : posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
    if (spawned != 0) {
        /* the program's name is the user's own configuration, not a secret */
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "credential_process could not be started: %s: %s",
                           argv[0], strerror(spawned));
        goto done;
    }
    int64_t deadline = monotonic_ms() + timeout_ms;
    enum run_end end = drain(out_pipe[0], err_pipe[0], deadline, &stdout_buf, &stderr_buf);
    int status = reap(pid, deadline, end != RUN_DONE, &killed);
    if (end == RUN_TIMEOUT || (end == RUN_DONE && killed)) {
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS,
                           "credential_process did not finish within %ld ms and was stopped",
                           timeout_ms);
    } else if (end == RUN_TOO_MUCH) {
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS,
                           "credential_process printed more than %d bytes and was stopped",
                           PROCESS_MAX_OUTPUT);
    } else if (end == RUN_FAILED || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char summary[200];
        summarise_stderr(stderr_buf.data ? stderr_buf.data : "", stderr_buf.len, summary, sizeof summary);
        if (status != -1 && WIFEXITED(status))
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "credential_process exited with status %d%s%s",
                               WEXITSTATUS(status), summary[0] ? ": " : "", summary);
        else
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "credential_process was killed%s%s",
                               summary[0] ? ": " : "", summary);
    } else {
        rc = parse_json_creds(stdout_buf.data ? stdout_buf.data : "", stdout_buf.len, "process", true, out, err);
    }
done:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    free(argv);
    acg_buf_free_secure(&stdout_buf);
    acg_buf_free_secure(&stderr_buf);
    return rc;
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    return acg_buf_append(user, data, size * n) == ACG_OK ? size * n : 0;
}

#define NO_ANSWER (-1)      /* the exchange failed after a connection was made, or no memory */
#define NOT_THERE (-2)      /* nothing listens: no connection could be made in time */

/* One small HTTP exchange with a metadata service; returns the HTTP status, NO_ANSWER or
 * NOT_THERE. The URL is parsed (u) or text (url, when u is NULL). timeout_ms bounds the
 * connection and, doubled, the whole exchange. */
static long http_call(const char *method, const char *url, CURLU *u, const char *header1,
                      const char *header2, long timeout_ms, struct acg_buf *body)
{
    CURL *h = curl_easy_init();
    /* The list nodes are ours and point at the caller's lines, which the caller zeroes:
     * curl_slist_append would keep a copy of the token that nobody wipes. */
    struct curl_slist nodes[2], *hdrs = NULL;
    size_t n_nodes = 0;
    long status = NO_ANSWER;
    double connect_s = 0;
    if (h == NULL)
        return NO_ANSWER;
    const char *headers[] = { header1, header2 };
    /* The last line of defence against header injection: whatever its source, a line with
     * a control character is never handed to libcurl. */
    if (u == NULL && (!acg_text_is_header_safe(url, strlen(url)) || strpbrk(url, " \t") != NULL))
        goto done;
    for (size_t i = 0; i < 2; i++) {
        if (headers[i] == NULL)
            continue;
        if (!acg_text_is_header_safe(headers[i], strlen(headers[i])))
            goto done;
        nodes[n_nodes].data = (char *)(uintptr_t)headers[i];   /* libcurl only reads it */
        nodes[n_nodes].next = NULL;
        if (n_nodes > 0)
            nodes[n_nodes - 1].next = &nodes[n_nodes];
        n_nodes++;
    }
    hdrs = n_nodes > 0 ? &nodes[0] : NULL;
    /* The parse the caller judged is the one libcurl uses: no second reading of the text. */
    if (u != NULL)
        curl_easy_setopt(h, CURLOPT_CURLU, u);
    else
        curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2 * timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  /* metadata services are never behind a proxy */
    /* Only HTTP(S), and redirects are not followed (curl's default): a credentials URL from the
     * environment must not turn into a file:// read or a hop to another host. */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    } else if (rc == CURLE_COULDNT_CONNECT ||
               (rc == CURLE_OPERATION_TIMEDOUT &&
                curl_easy_getinfo(h, CURLINFO_CONNECT_TIME, &connect_s) == CURLE_OK && connect_s == 0)) {
        status = NOT_THERE;
    }
done:
    curl_easy_cleanup(h);
    return status;
}

/* botocore's ContainerMetadataFetcher._ALLOWED_HOSTS, for plain http. */
static const char *const CONTAINER_HOSTS[] = { "169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                               "localhost" };
#define CONTAINER_HOSTS_TEXT "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost"

/* The host Python's urlsplit(url).hostname gives, which is what botocore judges: the
 * netloc after its last '@', without the port, IPv6 brackets removed. */
static void python_hostname(const char *url, char *out, size_t size)
{
    const char *netloc = strstr(url, "//");
    out[0] = '\0';
    if (netloc == NULL)
        return;
    netloc += 2;
    size_t n = strcspn(netloc, "/?#");
    for (size_t i = n; i > 0; i--) {
        if (netloc[i - 1] == '@') {
            netloc += i;
            n -= i;
            break;
        }
    }
    if (n > 0 && netloc[0] == '[') {
        const char *close = memchr(netloc, ']', n);
        n = close != NULL ? (size_t)(close - netloc) - 1 : n - 1;
        netloc++;
    } else {
        const char *colon = memchr(netloc, ':', n);
        if (colon != NULL)
            n = (size_t)(colon - netloc);
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, netloc, n);
    out[n] = '\0';
}

/* What Python's ip_address(host).is_loopback says: 127.0.0.0/8 or ::1. */
static bool is_loopback_literal(const char *host)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) == 1)
        return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
    return false;
}

/* Parses the container credentials URL once, with libcurl's URL API, and judges the host
 * libcurl will connect to by botocore's rule: any https URL; plain http only to a loopback
 * address or the ECS/EKS agent hosts. "http://127.0.0.1:1@192.0.2.2/" is judged by
 * 192.0.2.2, as botocore and libcurl both read it. Where libcurl and botocore would read
 * the host differently ("http://127.1/", which libcurl makes 127.0.0.1), the URL is
 * refused as botocore refuses it. User information is dropped (urllib3 does not send it
 * either). On success *out is the parse to hand to libcurl (CURLOPT_CURLU). */
static int parse_container_url(const char *url, const char *setting, CURLU **out,
                               struct acg_error *err)
{
    char *scheme = NULL, *host = NULL;
    char expected[256];
    int rc = ACG_OK;
    *out = NULL;
    ACG_TRY(acg_check_value(url, ACG_ERR_CONFIG, setting, "the environment", err));
    CURLU *u = curl_url();
    if (u == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory parsing %s", setting);
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = acg_error_set(err, ACG_ERR_CONFIG, "%s is not a valid URL", setting);
        goto done;
    }
    char bare[256];
    size_t hlen = strlen(host);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']')
        snprintf(bare, sizeof bare, "%.*s", (int)(hlen - 2), host + 1);
    else
        snprintf(bare, sizeof bare, "%s", host);
    python_hostname(url, expected, sizeof expected);
    bool https = strcmp(scheme, "https") == 0;
    bool allowed = https || is_loopback_literal(bare);
    for (size_t i = 0; !allowed && i < sizeof CONTAINER_HOSTS / sizeof CONTAINER_HOSTS[0]; i++)
        allowed = strcasecmp(bare, CONTAINER_HOSTS[i]) == 0;
    if (strcmp(scheme, "http") != 0 && !https) {
        rc = acg_error_set(err, ACG_ERR_CONFIG,
                           "%s must be an https URL, or http to a loopback address or one of "
                           "these hosts: " CONTAINER_HOSTS_TEXT, setting);
    } else if (!allowed || strcasecmp(bare, expected) != 0) {
        rc = acg_error_set(err, ACG_ERR_CONFIG,
                           "Unsupported host '%s' in %s. Can only retrieve metadata from a "
                           "loopback address or one of these hosts: " CONTAINER_HOSTS_TEXT,
                           allowed ? expected : bare, setting);
    } else if (curl_url_set(u, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
               curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
               curl_url_set(u, CURLUPART_OPTIONS, NULL, 0) != CURLUE_OK ||
               curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK) {
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory parsing %s", setting);
    }
done:
    curl_free(scheme);
    curl_free(host);
    if (rc != ACG_OK)
        curl_url_cleanup(u);
    else
        *out = u;
    return rc;
}

/* The Authorization header line for the container endpoint, from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch: the agent rotates it) or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN; "" when neither is set. */
static int container_auth(char *auth, size_t size, struct acg_error *err)
{
    const char *token_file = acg_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token = acg_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    int rc = ACG_OK;
    auth[0] = '\0';
    if (token_file != NULL) {
        /* the same reader as the config files: a FIFO or device is refused, not waited on */
        struct acg_buf tok;
        bool missing = false;
        acg_buf_init_secure(&tok, 0);
        rc = acg_config_read_file(token_file, 4000, &tok, &missing, err);
        if (rc == ACG_OK && missing)
            rc = acg_error_set(err, ACG_ERR_CONFIG, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        size_t n = tok.len;
        while (n > 0 && (tok.data[n - 1] == '\n' || tok.data[n - 1] == '\r'))
            tok.data[--n] = '\0';   /* a file written by echo ends in a newline */
        /* a header-splitting token: botocore refuses CR and LF, we refuse every control
         * (a NUL in the file included: the token would end there) */
        if (rc == ACG_OK && acg_has_control(tok.data != NULL ? tok.data : "", n))
            rc = acg_error_set(err, ACG_ERR_CONFIG, "the authorization token from "
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE contains a control "
                               "character (such as CR or LF); it was not used and nothing was sent");
        if (rc == ACG_OK)
            snprintf(auth, size, "Authorization: %s", tok.data != NULL ? tok.data : "");
        acg_buf_free(&tok);
    } else if (token != NULL) {
        rc = acg_check_value(token, ACG_ERR_CONFIG, "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                             "the environment", err);
        if (rc == ACG_OK)
            snprintf(auth, size, "Authorization: %s", token);
    }
    return rc;
}

static int from_container(struct acg_credentials *out, struct acg_error *err, bool *tried)
{
    char url[2048], auth[4200];
    const char *rel = acg_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = acg_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    struct acg_buf body;
    CURLU *u = NULL;
    long status = -1;
    int rc;
    *tried = rel || full;
    if (!*tried)
        return ACG_ERR_CONFIG;
    /* botocore judges the relative form by the same rule: "@evil.example/" after the
     * agent's address would otherwise move the request (and the token) elsewhere. */
    if (rel)
        snprintf(url, sizeof url, "http://169.254.170.2%s", rel);
    else
        snprintf(url, sizeof url, "%s", full);
    ACG_TRY(parse_container_url(url, rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                                          : "AWS_CONTAINER_CREDENTIALS_FULL_URI", &u, err));
    acg_buf_init_secure(&body, 1 << 20);
    rc = container_auth(auth, sizeof auth, err);
    if (rc != ACG_OK)
        goto done;
    for (int attempt = 0; attempt < 2 && (status < 0 || status >= 500); attempt++) {
        acg_buf_reset(&body);
        status = http_call("GET", NULL, u, auth[0] ? auth : NULL, NULL, 2000L, &body);
    }
    rc = status == 200 ? parse_json_creds(body.data ? body.data : "", body.len, "container", false, out, err)
         : status < 0  ? acg_error_set(err, ACG_ERR_CREDENTIALS, "the container credentials endpoint did not answer")
                       : acg_error_set(err, ACG_ERR_CREDENTIALS, "the container credentials endpoint answered %ld", status);
done:
    wipe(auth, sizeof auth);
    curl_url_cleanup(u);
    acg_buf_free_secure(&body);
    return rc;
}

/* botocore's knobs for IMDS: AWS_METADATA_SERVICE_TIMEOUT (seconds, default 1) and
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS (default here 2: one retry). */
static void imds_knobs(long *timeout_ms, int *attempts)
{
    const char *v = acg_env("AWS_METADATA_SERVICE_TIMEOUT");
    char *end = NULL;
    *timeout_ms = 1000;
    *attempts = 2;
    if (v != NULL) {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno == 0 && end != v && *end == '\0' && n >= 1 && n <= 60)
            *timeout_ms = n * 1000;
    }
    v = acg_env("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
    if (v != NULL) {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno == 0 && end != v && *end == '\0' && n >= 1 && n <= 10)
            *attempts = (int)n;
    }
}

/* One IMDS exchange, asked again when the service answers 5xx or drops the exchange: it is
 * local but can be briefly busy. When nothing listens at all (not on EC2) it is not asked
 * again, so a machine without credentials learns so within one timeout. */
static long imds_call(const char *method, const char *url, const char *header, struct acg_buf *body)
{
    long timeout_ms, status = NO_ANSWER;
    int attempts;
    imds_knobs(&timeout_ms, &attempts);
    for (int attempt = 0; attempt < attempts && (status == NO_ANSWER || status >= 500); attempt++) {
        acg_buf_reset(body);
        status = http_call(method, url, NULL, header, NULL, timeout_ms, body);
    }
    return status;
}

/* EC2 instance metadata, IMDSv2: a session token from PUT /latest/api/token, then the role
 * name and the role's credentials with that token. As botocore does, a token request answered
 * 403, 404 or 405 (IMDSv2 switched off or an old proxy in the way) falls back to asking
 * without a token; any other failure means no credentials from here. */
static int from_imds(struct acg_credentials *out, struct acg_error *err)
{
    const char *disabled = acg_env("AWS_EC2_METADATA_DISABLED");
    if (disabled != NULL && strcasecmp(disabled, "true") == 0)
        return ACG_ERR_CONFIG;
    const char *base = acg_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char url[2048], header[1200], role[256];
    struct acg_buf body;
    int rc = ACG_ERR_CONFIG;
    if (base == NULL)
        base = "http://169.254.169.254";
    ACG_TRY(acg_check_value(base, ACG_ERR_CONFIG, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                            "the environment", err));
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    header[0] = '\0';
    acg_buf_init_secure(&body, 1 << 20);   /* the IMDSv2 token, then the credentials */
    snprintf(url, sizeof url, "%.*s/latest/api/token", (int)blen, base);
    long status = imds_call("PUT", url, "X-aws-ec2-metadata-token-ttl-seconds: 21600", &body);
    if (status == 200 && body.len > 0 && body.len < 1000) {
        rc = acg_check_value(body.data, ACG_ERR_CREDENTIALS, "the IMDSv2 session token",
                             "the EC2 instance metadata service", err);
        if (rc != ACG_OK)
            goto done;
        rc = ACG_ERR_CONFIG;
        snprintf(header, sizeof header, "X-aws-ec2-metadata-token: %s", body.data);
    } else if (status != 403 && status != 404 && status != 405) {
        goto done;
    }
    snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/", (int)blen, base);
    status = imds_call("GET", url, header[0] ? header : NULL, &body);
    if (status != 200 || body.len == 0 || body.len >= sizeof role)
        goto done;
    snprintf(role, sizeof role, "%.*s", (int)strcspn(body.data, "\r\n"), body.data);
    if (role[0] == '\0' || strpbrk(role, "/?#% ") != NULL || acg_has_control(role, strlen(role)))
        goto done;   /* a role name is a path segment; anything else is not a role */
    snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/%s", (int)blen, base, role);
    status = imds_call("GET", url, header[0] ? header : NULL, &body);
    if (status == 200)
        rc = parse_json_creds(body.data ? body.data : "", body.len, "imds", false, out, err);
done:
    wipe(header, sizeof header);
    acg_buf_free_secure(&body);
    return rc;
}

/* Runs the chain's dynamic sources (or the one already chosen) for fresh credentials. */
static int resolve(struct acg_credentials_provider *p, struct acg_credentials *out, struct acg_error *err)
{
    struct acg_error quiet;
    bool tried = false;
    int rc;
    switch (p->source) {
    case SRC_STATIC:
        *out = p->static_creds;
        return ACG_OK;
    case SRC_PROCESS:
        return from_process(p->process, p->process_timeout_ms, out, err);
    case SRC_CONTAINER:
        return from_container(out, err, &tried);
    case SRC_IMDS:
        return from_imds(out, err);
    case SRC_DELEGATE: {
        struct acg_cred_ctx ctx = { p->now_ms, p->region, p->process_timeout_ms, p->mfa_prompt,
                                    p->mfa_prompt_ctx };
        return p->delegate->fetch(p->delegate, &ctx, out, err);
    }
    case SRC_NONE:
        break;
    }
    acg_error_init(&quiet);
    rc = from_container(out, &quiet, &tried);
    if (tried) {
        if (rc == ACG_OK)
            p->source = SRC_CONTAINER;
        else
            acg_error_set(err, quiet.status, "%s", quiet.message);
        return rc;
    }
    rc = from_imds(out, &quiet);
    if (rc == ACG_OK) {
        p->source = SRC_IMDS;
        return ACG_OK;
    }
    /* The service answered with credentials we refuse: say so, not "no credentials". */
    if (rc == ACG_ERR_CREDENTIALS || quiet.status == ACG_ERR_CREDENTIALS)
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "%s", quiet.message);
    return acg_error_set(err, ACG_ERR_CONFIG, NO_CREDENTIALS);
}

/* Copies each string up to its terminator: the struct is 4.4 KB, mostly the room a session
 * token may need, and a call copies it (and wipes the copy) every time it signs. */
static void copy_credentials(struct acg_credentials *dst, const struct acg_credentials *src)
{
    acg_copy_str(dst->access_key_id, sizeof dst->access_key_id, src->access_key_id);
    acg_copy_str(dst->secret_access_key, sizeof dst->secret_access_key, src->secret_access_key);
    acg_copy_str(dst->session_token, sizeof dst->session_token, src->session_token);
    dst->expiration_ms = src->expiration_ms;
    acg_copy_str(dst->source, sizeof dst->source, src->source);
}

/* Zeroes a string's bytes and its terminator (all of it when it has none). */
static void wipe_string(char *s, size_t size)
{
    size_t n = strnlen(s, size);
    wipe(s, n < size ? n + 1 : size);
}

/* Whether the cached credentials may sign at now_ms, and whether they are also outside the
 * refresh margin. Called with the lock held. */
static bool usable(const struct acg_credentials_provider *p, int64_t now_ms)
{
    return p->have && (p->cached.expiration_ms == 0 || now_ms < p->cached.expiration_ms);
}

static bool fresh(const struct acg_credentials_provider *p, int64_t now_ms)
{
    /* botocore refreshes assumed and SSO credentials 15 minutes before they expire */
    /* (delegate is set at creation; source may still change under a refresh) */
    int64_t margin = p->delegate != NULL ? ACG_CRED_EXPIRY_WINDOW_MS
                                         : (int64_t)REFRESH_MARGIN_MS;
    return p->have && (p->cached.expiration_ms == 0 || now_ms < p->cached.expiration_ms - margin);
}

/* The fetch, for the caller that set refreshing. Called with the lock held, it lets go of
 * it while the source is asked (a process or a network round trip, which callers with
 * usable credentials must not wait for), then stores the outcome and wakes the callers
 * waiting for it. */
static int refresh(struct acg_credentials_provider *p, int64_t now_ms, struct acg_error *err)
{
    struct acg_credentials next;
    struct acg_error refresh_err;
    acg_credentials_init(&next);
    acg_error_init(&refresh_err);
    p->now_ms = now_ms;   /* the delegates' clock; only the refreshing caller reads it */
    pthread_mutex_unlock(&p->lock);
    int rc = resolve(p, &next, &refresh_err);
    pthread_mutex_lock(&p->lock);
    if (rc == ACG_OK && next.expiration_ms != 0 && now_ms >= next.expiration_ms) {
        /* A source that hands out expired credentials (a stale cache behind
         * credential_process, a wrong clock): botocore's words, and never used. */
        rc = acg_error_set(&refresh_err, ACG_ERR_CREDENTIALS,
                           "Credentials were refreshed, but the refreshed credentials are "
                           "still expired.");
    }
    if (rc == ACG_OK) {
        p->cached = next;
        p->have = true;
    } else if (usable(p, now_ms)) {
        /* Inside the refresh margin but not yet expired: as botocore's advisory refresh,
         * a failed refresh keeps the credentials we have and tries again next time. */
        rc = ACG_OK;
    } else {
        acg_error_set(err, refresh_err.status, "%s", refresh_err.message);
    }
    p->failure = refresh_err;   /* no detail: a credentials error is never modelled */
    p->refreshing = false;
    p->fetches++;
    pthread_cond_broadcast(&p->refreshed);
    wipe(&next, sizeof next);
    return rc;
}

int acg_credentials_get(struct acg_credentials_provider *p, int64_t now_ms, struct acg_credentials *out,
                        struct acg_error *err)
{
    int rc = ACG_OK;
    pthread_mutex_lock(&p->lock);
    if (!fresh(p, now_ms) && !(p->refreshing && usable(p, now_ms))) {
        if (p->refreshing) {
            /* Nothing usable and a fetch under way: share its outcome, do not start another. */
            unsigned long fetch = p->fetches;
            while (p->refreshing && p->fetches == fetch)
                pthread_cond_wait(&p->refreshed, &p->lock);
            if (!usable(p, now_ms) && p->failure.status != ACG_OK)
                rc = acg_error_set(err, p->failure.status, "%s", p->failure.message);
            else if (!usable(p, now_ms))
                rc = acg_error_set(err, ACG_ERR_CREDENTIALS,
                                   "Credentials were refreshed, but the refreshed credentials "
                                   "are still expired.");
        } else {
            p->refreshing = true;
            rc = refresh(p, now_ms, err);
        }
    }
    if (rc == ACG_OK)
        copy_credentials(out, &p->cached);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void acg_credentials_init(struct acg_credentials *c)
{
    c->access_key_id[0] = c->secret_access_key[0] = c->session_token[0] = '\0';
    c->expiration_ms = 0;
    c->source[0] = '\0';
}

void acg_credentials_wipe(struct acg_credentials *c)
{
    if (c == NULL)
        return;
    wipe_string(c->access_key_id, sizeof c->access_key_id);
    wipe_string(c->secret_access_key, sizeof c->secret_access_key);
    wipe_string(c->session_token, sizeof c->session_token);
    c->expiration_ms = 0;
    c->source[0] = '\0';
}
