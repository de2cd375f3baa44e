/* The credential provider chain, in the order AWS SDKs use: explicit keys, environment,
 * shared credentials and config file keys, credential_process, container credentials,
 * EC2 instance metadata (IMDSv2). The first provider that has credentials is kept and asked
 * again when its temporary credentials come within five minutes of expiring. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <curl/curl.h>

#include "acg_arena.h"
#include "acg_buf.h"
#include "acg_credentials.h"
#include "acg_json.h"

#define REFRESH_MARGIN_MS (5 * 60 * 1000)
#define NO_CREDENTIALS \
    "Unable to locate credentials. You can configure credentials by running \"aws configure\"."

enum source { SRC_NONE, SRC_STATIC, SRC_PROCESS, SRC_CONTAINER, SRC_IMDS };

struct acg_credentials_provider {
    pthread_mutex_t lock;
    enum source source;
    struct acg_credentials cached;
    bool have;
    struct acg_credentials static_creds;  /* explicit, environment or file keys */
    bool have_static;
    char *process;                        /* credential_process command */
};

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
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

struct acg_credentials_provider *acg_credentials_provider_new(const struct acg_profile *profile,
                                                              const char *explicit_access_key,
                                                              const char *explicit_secret_key,
                                                              const char *explicit_session_token,
                                                              struct acg_error *err)
{
    struct acg_credentials_provider *p = calloc(1, sizeof *p);
    if (p == NULL) {
        acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the credentials provider");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    const char *id = NULL, *secret = NULL, *token = NULL, *source = NULL;
    if (explicit_access_key && explicit_secret_key) {
        id = explicit_access_key, secret = explicit_secret_key, token = explicit_session_token;
        source = "explicit";
    } else if (acg_env("AWS_ACCESS_KEY_ID") && acg_env("AWS_SECRET_ACCESS_KEY")) {
        id = acg_env("AWS_ACCESS_KEY_ID"), secret = acg_env("AWS_SECRET_ACCESS_KEY");
        token = acg_env("AWS_SESSION_TOKEN");
        source = "env";
    } else if (acg_profile_get(profile, "aws_access_key_id") && acg_profile_get(profile, "aws_secret_access_key")) {
        id = acg_profile_get(profile, "aws_access_key_id");
        secret = acg_profile_get(profile, "aws_secret_access_key");
        token = acg_profile_get(profile, "aws_session_token");
        source = "shared-credentials-file";
    }
    if (id != NULL) {
        if (set_keys(&p->static_creds, id, secret, token, source) != 0) {
            acg_error_set(err, ACG_ERR_CONFIG, "the configured credentials are too long");
            acg_credentials_provider_destroy(p);
            return NULL;
        }
        p->have_static = true;
        p->source = SRC_STATIC;
    } else if (acg_profile_get(profile, "credential_process") != NULL) {
        p->process = strdup(acg_profile_get(profile, "credential_process"));
        p->source = SRC_PROCESS;
        if (p->process == NULL) {
            acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the credentials provider");
            acg_credentials_provider_destroy(p);
            return NULL;
        }
    }
    return p;
}

void acg_credentials_provider_destroy(struct acg_credentials_provider *p)
{
    if (p == NULL)
        return;
    wipe(&p->cached, sizeof p->cached);
    wipe(&p->static_creds, sizeof p->static_creds);
    free(p->process);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Reads the credentials JSON the process, container and IMDS sources all return:
 * AccessKeyId, SecretAccessKey, SessionToken or Token, Expiration. */
static int parse_json_creds(const char *body, size_t len, const char *source, struct acg_credentials *out,
                            struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    const char *id = NULL, *secret = NULL, *token = NULL, *expiration = NULL, *version = NULL;
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
        if (acg_json_key_is(&r, key, "Version") && r.toks[key + 1].type == ACG_JSON_PRIMITIVE)
            version = "1";
    }
    (void)version;
    acg_json_reader_free(&r);
    if (rc != ACG_OK || id == NULL || secret == NULL) {
        acg_arena_destroy(a);
        return acg_error_set(err, ACG_ERR_CONFIG, "the %s credentials are malformed", source);
    }
    rc = set_keys(out, id, secret, token, source);
    if (rc == 0 && expiration != NULL &&
        acg_time_parse(expiration, strlen(expiration), &out->expiration_ms) != ACG_OK)
        rc = -1;
    acg_arena_destroy(a);
    if (rc != 0) {
        wipe(out, sizeof *out);
        return acg_error_set(err, ACG_ERR_CONFIG, "the %s credentials are malformed", source);
    }
    return ACG_OK;
}

static int from_process(const char *command, struct acg_credentials *out, struct acg_error *err)
{
    struct acg_buf buf;
    char chunk[4096];
    size_t n;
    FILE *f = popen(command, "r");
    if (f == NULL)
        return acg_error_set(err, ACG_ERR_CONFIG, "credential_process could not be started");
    acg_buf_init(&buf, 1 << 20);
    int rc = ACG_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && rc == ACG_OK)
        rc = acg_buf_append(&buf, chunk, n);
    int status = pclose(f);
    if (rc == ACG_OK && (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
        rc = acg_error_set(err, ACG_ERR_CONFIG, "credential_process exited with status %d",
                           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else if (rc != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "credential_process printed too much");
    else
        rc = parse_json_creds(buf.data ? buf.data : "", buf.len, "process", out, err);
    acg_buf_free_secure(&buf);
    return rc;
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    return acg_buf_append(user, data, size * n) == ACG_OK ? size * n : 0;
}

/* One small HTTP exchange with a metadata service; returns the HTTP status or -1. */
static long http_call(const char *method, const char *url, const char *header1, const char *header2,
                      struct acg_buf *body)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    long status = -1;
    if (h == NULL)
        return -1;
    if (header1)
        hdrs = curl_slist_append(hdrs, header1);
    if (header2)
        hdrs = curl_slist_append(hdrs, header2);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  /* metadata services are never behind a proxy */
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return status;
}

/* botocore allows a full container URI only for loopback and the ECS/EKS link-local hosts. */
static bool allowed_full_uri(const char *uri)
{
    static const char *const hosts[] = { "http://127.", "http://localhost", "http://[::1]",
                                         "http://169.254.170.2", "http://169.254.170.23",
                                         "http://[fd00:ec2::23]", "https://" };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        if (strncmp(uri, hosts[i], strlen(hosts[i])) == 0)
            return true;
    }
    return false;
}

static int from_container(struct acg_credentials *out, struct acg_error *err, bool *tried)
{
    char url[2048], auth[4200];
    const char *rel = acg_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = acg_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    *tried = rel || full;
    if (rel)
        snprintf(url, sizeof url, "http://169.254.170.2%s", rel);
    else if (full && allowed_full_uri(full))
        snprintf(url, sizeof url, "%s", full);
    else if (full)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI must name a loopback or container host");
    else
        return ACG_ERR_CONFIG;
    auth[0] = '\0';
    const char *token_file = acg_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token = acg_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (token_file != NULL) {
        FILE *f = fopen(token_file, "r");
        char tok[4096] = "";
        if (f == NULL)
            return acg_error_set(err, ACG_ERR_CONFIG, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        size_t n = fread(tok, 1, sizeof tok - 1, f);
        fclose(f);
        tok[n] = '\0';
        tok[strcspn(tok, "\r\n")] = '\0';
        snprintf(auth, sizeof auth, "Authorization: %s", tok);
        wipe(tok, sizeof tok);
    } else if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: %s", token);
    }
    struct acg_buf body;
    acg_buf_init(&body, 1 << 20);
    long status = http_call("GET", url, auth[0] ? auth : NULL, NULL, &body);
    wipe(auth, sizeof auth);
    int rc = status == 200 ? parse_json_creds(body.data ? body.data : "", body.len, "container", out, err)
                           : acg_error_set(err, ACG_ERR_CONFIG, "the container credentials endpoint answered %ld", status);
    acg_buf_free_secure(&body);
    return rc;
}

static int from_imds(struct acg_credentials *out, struct acg_error *err)
{
    const char *disabled = acg_env("AWS_EC2_METADATA_DISABLED");
    if (disabled != NULL && strcmp(disabled, "true") == 0)
        return ACG_ERR_CONFIG;
    const char *base = acg_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char url[2048], header[1200], role[256];
    struct acg_buf body;
    if (base == NULL)
        base = "http://169.254.169.254";
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    acg_buf_init(&body, 1 << 20);
    snprintf(url, sizeof url, "%.*s/latest/api/token", (int)blen, base);
    long status = http_call("PUT", url, "X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL, &body);
    if (status != 200 || body.len == 0 || body.len > 1000) {
        acg_buf_free_secure(&body);
        return ACG_ERR_CONFIG;
    }
    snprintf(header, sizeof header, "X-aws-ec2-metadata-token: %s", body.data);
    acg_buf_reset(&body);
    snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/", (int)blen, base);
    status = http_call("GET", url, header, NULL, &body);
    int rc = ACG_ERR_CONFIG;
    if (status == 200 && body.len > 0 && body.len < sizeof role) {
        snprintf(role, sizeof role, "%.*s", (int)strcspn(body.data, "\r\n"), body.data);
        acg_buf_reset(&body);
        snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/%s", (int)blen, base, role);
        status = http_call("GET", url, header, NULL, &body);
        if (status == 200)
            rc = parse_json_creds(body.data ? body.data : "", body.len, "imds", out, err);
    }
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
        return from_process(p->process, out, err);
    case SRC_CONTAINER:
        return from_container(out, err, &tried);
    case SRC_IMDS:
        return from_imds(out, err);
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
    if (from_imds(out, &quiet) == ACG_OK) {
        p->source = SRC_IMDS;
        return ACG_OK;
    }
    return acg_error_set(err, ACG_ERR_CONFIG, NO_CREDENTIALS);
}

int acg_credentials_get(struct acg_credentials_provider *p, int64_t now_ms, struct acg_credentials *out,
                        struct acg_error *err)
{
    int rc = ACG_OK;
    pthread_mutex_lock(&p->lock);
    bool fresh = p->have && (p->cached.expiration_ms == 0 || now_ms < p->cached.expiration_ms - REFRESH_MARGIN_MS);
    if (!fresh) {
        struct acg_credentials next;
        rc = resolve(p, &next, err);
        if (rc == ACG_OK) {
            p->cached = next;
            p->have = true;
        }
        wipe(&next, sizeof next);
    }
    if (rc == ACG_OK)
        *out = p->cached;
    pthread_mutex_unlock(&p->lock);
    return rc;
}
