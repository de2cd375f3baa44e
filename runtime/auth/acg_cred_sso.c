/* IAM Identity Center (SSO) credentials, as botocore's SSOProvider, SSOCredentialFetcher,
 * SSOTokenLoader and SSOTokenProvider (credentials.py, utils.py, tokens.py) get them:
 *
 *   the profile names sso_account_id and sso_role_name, and either sso_session (an
 *   [sso-session NAME] section with sso_start_url and sso_region; a key set in both must
 *   agree) or, the legacy form, sso_start_url and sso_region itself;
 *
 *   the access token is the one `aws sso login` wrote to ~/.aws/sso/cache/<sha1>.json,
 *   sha1 of the session name (or, legacy, of the start URL). An sso_session token with
 *   less than 15 minutes left is refreshed through SSO OIDC CreateToken when it carries a
 *   refresh token and an unexpired client registration, and the file rewritten as botocore
 *   writes it; an expired token that was not refreshed is refused with botocore's words
 *   (run `aws sso login`) before anything is sent to the portal;
 *
 *   GET /federation/credentials?role_name=R&account_id=A on portal.sso.<sso_region>,
 *   unsigned, the token in the x-amz-sso_bearer_token header (restJson1); the answer's
 *   roleCredentials are the credentials, kept in the AWS CLI's cache (~/.aws/cli/cache)
 *   under sha1 of {"accountId","roleName","sessionName"|"startUrl"} as botocore names it,
 *   with the content botocore writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/acg_cred_providers.h"
#include "common/acg_arena.h"
#include "json/acg_json.h"

/* tokens.py: an sso_session token is refreshed once less than this is left */
#define SSO_REFRESH_WINDOW_MS ((int64_t)15 * 60 * 1000)

#define UNAUTHORIZED                                                                                           \
    "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO " \
    "session run aws sso login with the corresponding profile."

struct sso {
    struct acg_cred_delegate base;
    const struct acg_profile *session;
    char *start_url, *region, *account_id, *role_name, *session_name;
    char key[41];
};

static void sso_destroy(struct acg_cred_delegate *d)
{
    struct sso *s = (struct sso *)d;
    free(s->start_url);
    free(s->region);
    free(s->account_id);
    free(s->role_name);
    free(s->session_name);
    free(s);
}

static int member(struct acg_json_reader *r, int obj, const char *name)
{
    if (obj < 0 || r->toks[obj].type != ACG_JSON_OBJECT)
        return -1;
    for (int k = acg_json_object_next(r, obj, 0); k > 0; k = acg_json_object_next(r, obj, k)) {
        if (acg_json_key_is(r, k, name))
            return k + 1;
    }
    return -1;
}

static const char *string_at(struct acg_json_reader *r, int tok)
{
    const char *s = NULL;
    if (tok < 0 || r->toks[tok].type != ACG_JSON_STRING || acg_json_read_string(r, tok, &s) != ACG_OK)
        return NULL;
    return s;
}

/* "%Y-%m-%dT%H:%M:%SZ" of epoch milliseconds, as SSOCredentialFetcher._parse_timestamp. */
static void format_utc(int64_t ms, char out[64])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(out, 64, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m, (long long)d,
             (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60));
}

static int doc_member(struct acg_buf *b, const char *key, const char *value, bool first);
static void json_code(const struct acg_cred_response *resp, char *code, size_t size);

/* The parts of a cached SSO token botocore reads. */
struct token_file {
    const char *access, *expires_at, *refresh, *client_id, *client_secret, *registration_expires_at;
};

/* SSOTokenProvider._refresh_access_token: SSO OIDC CreateToken with the refresh token, when
 * the token has everything for it and its client registration has not expired. *done says
 * whether a new token came back (into access, *expires_ms, and the token file rewritten as
 * botocore writes it). An error answer of the service is no error here (botocore logs it and
 * goes on with the token it has); no answer at all is. */
/* CreateToken's body for a refresh. */
static int token_request(struct acg_buf *body, const struct token_file *t)
{
    ACG_TRY(acg_buf_append_char(body, '{'));
    ACG_TRY(doc_member(body, "grantType", "refresh_token", true));
    ACG_TRY(doc_member(body, "clientId", t->client_id, false));
    ACG_TRY(doc_member(body, "clientSecret", t->client_secret, false));
    ACG_TRY(doc_member(body, "refreshToken", t->refresh, false));
    return acg_buf_append_char(body, '}');
}

/* The refreshed token into the SSO cache file, as tokens.py's new_token and _sso_json_dumps
 * write it; a cache that cannot be written costs only the next refresh. */
static void save_token(const struct sso *s, const struct token_file *t, const char *token, const char *when,
                       const char *next_refresh, const char *dir, const char *key)
{
    struct acg_buf doc;
    acg_buf_init_secure(&doc, 0);
    int w = acg_buf_append_char(&doc, '{');
    if (w == ACG_OK)
        w = doc_member(&doc, "startUrl", s->start_url, true);
    if (w == ACG_OK)
        w = doc_member(&doc, "region", s->region, false);
    if (w == ACG_OK)
        w = doc_member(&doc, "accessToken", token, false);
    if (w == ACG_OK)
        w = doc_member(&doc, "expiresAt", when, false);
    if (w == ACG_OK)
        w = doc_member(&doc, "clientId", t->client_id, false);
    if (w == ACG_OK)
        w = doc_member(&doc, "clientSecret", t->client_secret, false);
    if (w == ACG_OK)
        w = doc_member(&doc, "registrationExpiresAt", t->registration_expires_at, false);
    if (w == ACG_OK && next_refresh != NULL)
        w = doc_member(&doc, "refreshToken", next_refresh, false);
    if (w == ACG_OK)
        w = acg_buf_append_char(&doc, '}');
    if (w == ACG_OK)
        (void)acg_cred_cache_write(dir, key, doc.data, doc.len);
    acg_buf_free_secure(&doc);
}

/* CreateToken's successful answer (parsed into r): the new access token into *access with
 * its expiry, and the cache file rewritten. */
static int take_token(const struct sso *s, const struct acg_cred_ctx *ctx, const struct token_file *t,
                      struct acg_json_reader *r, const char *dir, const char *key, struct acg_buf *access,
                      int64_t *expires_ms, struct acg_error *err)
{
    const char *token = string_at(r, member(r, 0, "accessToken"));
    const char *next_refresh = string_at(r, member(r, 0, "refreshToken"));
    int tok = member(r, 0, "expiresIn");
    int64_t expires_in = 0;
    bool has = false;
    if (token == NULL || tok < 0 || r->toks[tok].type != ACG_JSON_PRIMITIVE ||
        acg_json_read_int64(r, tok, &expires_in, &has) != ACG_OK || !has)
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the CreateToken answer of SSO OIDC has no accessToken and expiresIn");
    ACG_TRY(acg_cred_check_value(token, "the refreshed SSO access token", "SSO OIDC CreateToken", err));
    char when[64];
    *expires_ms = (ctx->now_ms / 1000 + expires_in) * 1000;
    format_utc(*expires_ms, when);
    acg_buf_reset(access);
    if (acg_buf_append_str(access, token) != ACG_OK)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory refreshing the SSO token");
    save_token(s, t, token, when, next_refresh, dir, key);
    return ACG_OK;
}

static int refresh_token(const struct sso *s, const struct acg_cred_ctx *ctx, const struct token_file *t,
                         const char *dir, const char *key, struct acg_buf *access, int64_t *expires_ms, bool *done,
                         struct acg_error *err)
{
    int64_t registration = 0;
    *done = false;
    if (t->refresh == NULL || t->client_id == NULL || t->client_secret == NULL || t->registration_expires_at == NULL ||
        acg_cred_parse_time(t->registration_expires_at, &registration) != ACG_OK || registration - ctx->now_ms <= 0)
        return ACG_OK;
    struct acg_cred_target target;
    char path[2048], host[512];
    int retries = 0;
    struct acg_buf body;
    struct acg_cred_response resp;
    acg_buf_init_secure(&body, 0);
    acg_cred_response_init(&resp);
    int rc = acg_cred_endpoint(s->session, "SSO OIDC", s->region, &target, err);
    if (rc == ACG_OK && acg_cred_url_parts(target.ep.url, "/token", path, sizeof path, host, sizeof host) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "the SSO OIDC endpoint URL \"%s\" is not a URL", target.ep.url);
    if (rc == ACG_OK && token_request(&body, t) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory refreshing the SSO token");
    if (rc == ACG_OK) {
        struct acg_header h = { "Content-Type", "application/json" };
        rc = acg_cred_http_retry("POST", &target, path, NULL, &h, 1, body.data, body.len, json_code, &resp, &retries,
                                 err);
    }
    struct acg_arena *a = NULL;
    struct acg_json_reader r;
    bool parsed = false;
    struct acg_error quiet;
    acg_error_init(&quiet);
    if (rc == ACG_OK && resp.status >= 200 && resp.status < 300) {
        a = acg_arena_new();
        if (a == NULL)
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory refreshing the SSO token");
        else if (acg_json_reader_parse(&r, resp.body.data != NULL ? resp.body.data : "", resp.body.len, a, &quiet) == ACG_OK)
            parsed = true;
        if (rc == ACG_OK)
            rc = parsed ? take_token(s, ctx, t, &r, dir, key, access, expires_ms, err)
                        : acg_error_set(err, ACG_ERR_CREDENTIALS,
                                        "the CreateToken answer of SSO OIDC has no accessToken and expiresIn");
        *done = rc == ACG_OK;
    }
    if (parsed) {
        acg_cred_wipe_str(string_at(&r, member(&r, 0, "accessToken")));
        acg_cred_wipe_str(string_at(&r, member(&r, 0, "refreshToken")));
        acg_cred_wipe_str(string_at(&r, member(&r, 0, "idToken")));
        acg_json_reader_free(&r);
    }
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
    acg_buf_free_secure(&body);
    acg_cred_response_free(&resp);
    return rc;
}

/* The access token to send: the one `aws sso login` cached (~/.aws/sso/cache/<sha1>.json),
 * refreshed first as botocore's SSOTokenProvider does when an sso_session token has less
 * than 15 minutes left; expired and not refreshed, it is refused with botocore's words. */
static int load_token(const struct sso *s, const struct acg_cred_ctx *ctx, struct acg_buf *token,
                      struct acg_error *err)
{
    char dir[4096], key[41];
    const char *home = getenv("HOME");
    const char *name = s->session_name != NULL ? s->session_name : s->start_url;
    struct acg_buf text;
    bool found = false;
    snprintf(dir, sizeof dir, "%s/.aws/sso/cache", home != NULL ? home : "");
    if (acg_cred_sha1_hex(name, key) != ACG_OK)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory loading the SSO token");
    acg_buf_init_secure(&text, 1 << 20);
    int rc = acg_cred_cache_read(dir, key, &text, &found, err);
    if (rc == ACG_OK && !found)
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "Error loading SSO Token: Token for %s does not exist", name);
    struct acg_arena *a = rc == ACG_OK ? acg_arena_new() : NULL;
    struct acg_json_reader r;
    struct acg_error quiet;
    acg_error_init(&quiet);
    if (rc == ACG_OK && a == NULL)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory loading the SSO token");
    struct token_file t = { NULL, NULL, NULL, NULL, NULL, NULL };
    bool parsed = false;
    if (rc == ACG_OK && acg_json_reader_parse(&r, text.data != NULL ? text.data : "", text.len, a, &quiet) == ACG_OK) {
        parsed = true;
        t.access = string_at(&r, member(&r, 0, "accessToken"));
        t.expires_at = string_at(&r, member(&r, 0, "expiresAt"));
        t.refresh = string_at(&r, member(&r, 0, "refreshToken"));
        t.client_id = string_at(&r, member(&r, 0, "clientId"));
        t.client_secret = string_at(&r, member(&r, 0, "clientSecret"));
        t.registration_expires_at = string_at(&r, member(&r, 0, "registrationExpiresAt"));
    }
    int64_t expires = 0;
    if (rc == ACG_OK &&
        (t.access == NULL || t.expires_at == NULL || acg_cred_parse_time(t.expires_at, &expires) != ACG_OK))
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "Error loading SSO Token: Token for %s is invalid", s->start_url);
    if (rc == ACG_OK && acg_buf_append_str(token, t.access) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory loading the SSO token");
    if (rc == ACG_OK && s->session_name != NULL && expires - ctx->now_ms < SSO_REFRESH_WINDOW_MS) {
        bool refreshed = false;
        rc = refresh_token(s, ctx, &t, dir, key, token, &expires, &refreshed, err);
    }
    if (rc == ACG_OK && expires - ctx->now_ms <= 0) {
        if (s->session_name != NULL)   /* SSOTokenProvider, after its refresh could not be made */
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "Error when retrieving token from sso: Token has expired and refresh failed");
        else
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, UNAUTHORIZED);
    }
    if (rc == ACG_OK)
        rc = acg_cred_check_value(token->data, "the SSO access token", "the SSO token cache", err);
    if (parsed) {
        acg_cred_wipe_str(t.access);
        acg_cred_wipe_str(t.refresh);
        acg_cred_wipe_str(t.client_secret);
        acg_json_reader_free(&r);
    }
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
    acg_buf_free_secure(&text);
    return rc;
}

static void safe_copy(char *out, size_t size, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && s[i] != '\0' && o + 5 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
}

/* botocore's restJson1 error: the code from x-amzn-errortype, else the body's code or
 * __type (namespace and ":suffix" dropped); the message from message or Message. */
static void json_error_parts(const struct acg_cred_response *resp, char *code, size_t code_size, char *message,
                             size_t message_size)
{
    code[0] = '\0';
    if (message != NULL)
        message[0] = '\0';
    const char *h = resp->headers.data != NULL ? resp->headers.data : "";
    for (const char *line = h; *line != '\0'; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != '\0')) {
        if (strncmp(line, "x-amzn-errortype: ", 18) == 0)
            safe_copy(code, code_size, line + 18, strcspn(line + 18, ":\n"));
    }
    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    struct acg_error quiet;
    acg_error_init(&quiet);
    if (a != NULL && resp->body.len > 0 && acg_json_reader_parse(&r, resp->body.data, resp->body.len, a, &quiet) == ACG_OK) {
        const char *c = string_at(&r, member(&r, 0, "code"));
        if (c == NULL)
            c = string_at(&r, member(&r, 0, "__type"));
        if (code[0] == '\0' && c != NULL) {
            const char *hash = strrchr(c, '#');
            c = hash != NULL ? hash + 1 : c;
            safe_copy(code, code_size, c, strcspn(c, ":"));
        }
        const char *m = string_at(&r, member(&r, 0, "message"));
        if (m == NULL)
            m = string_at(&r, member(&r, 0, "Message"));
        if (m != NULL && message != NULL)
            safe_copy(message, message_size, m, strlen(m));
        acg_json_reader_free(&r);
    }
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
}

static void json_code(const struct acg_cred_response *resp, char *code, size_t size)
{
    json_error_parts(resp, code, size, NULL, 0);
}

static int service_error(const struct acg_cred_response *resp, int retries, struct acg_error *err)
{
    char code[128], message[600], tries[64] = "";
    json_error_parts(resp, code, sizeof code, message, sizeof message);
    if (retries > 0)
        snprintf(tries, sizeof tries, " (reached max retries: %d)", retries);
    if (strcmp(code, "UnauthorizedException") == 0)
        return acg_error_set(err, ACG_ERR_CREDENTIALS, UNAUTHORIZED);
    if (code[0] == '\0')
        snprintf(code, sizeof code, "%ld", resp->status);
    return acg_error_set(err, ACG_ERR_CREDENTIALS, "An error occurred (%s) when calling the GetRoleCredentials operation%s: %s",
                         code, tries, message[0] != '\0' ? message : "Unknown");
}

static int doc_member(struct acg_buf *b, const char *key, const char *value, bool first)
{
    int rc = first ? ACG_OK : acg_buf_append_str(b, ", ");
    if (rc == ACG_OK)
        rc = acg_cred_json_string(b, key);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(b, ": ");
    return rc == ACG_OK ? acg_cred_json_string(b, value) : rc;
}

static int read_role_credentials(const struct sso *s, const struct acg_cred_response *resp, struct acg_credentials *out,
                                 struct acg_buf *doc, struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    struct acg_error quiet;
    int rc = ACG_OK;
    acg_error_init(&quiet);
    if (a == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the SSO answer");
    if (acg_json_reader_parse(&r, resp->body.data != NULL ? resp->body.data : "", resp->body.len, a, &quiet) != ACG_OK) {
        acg_error_free(&quiet);
        acg_arena_destroy_secure(a);
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the GetRoleCredentials answer of SSO is not JSON");
    }
    int rc_obj = member(&r, 0, "roleCredentials");
    const char *id = string_at(&r, member(&r, rc_obj, "accessKeyId"));
    const char *secret = string_at(&r, member(&r, rc_obj, "secretAccessKey"));
    const char *token = string_at(&r, member(&r, rc_obj, "sessionToken"));
    int exp_tok = member(&r, rc_obj, "expiration");
    int64_t expiration = 0;
    bool has = false;
    if (exp_tok < 0 || r.toks[exp_tok].type != ACG_JSON_PRIMITIVE ||
        acg_json_read_int64(&r, exp_tok, &expiration, &has) != ACG_OK || !has || id == NULL || secret == NULL ||
        token == NULL) {
        rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "the GetRoleCredentials answer of SSO has no roleCredentials");
    }
    char when[64];
    if (rc == ACG_OK) {
        format_utc(expiration, when);
        /* the cached Expiration is whole seconds; the credentials keep what it says */
        rc = acg_cred_set(out, id, secret, token, expiration - expiration % 1000, "sso", "SSO GetRoleCredentials", err);
    }
    if (rc == ACG_OK) {
        int w = acg_buf_append_str(doc, "{");
        if (w == ACG_OK)
            w = doc_member(doc, "ProviderType", "sso", true);
        if (w == ACG_OK)
            w = acg_buf_append_str(doc, ", \"Credentials\": {");
        if (w == ACG_OK)
            w = doc_member(doc, "AccessKeyId", id, true);
        if (w == ACG_OK)
            w = doc_member(doc, "SecretAccessKey", secret, false);
        if (w == ACG_OK)
            w = doc_member(doc, "SessionToken", token, false);
        if (w == ACG_OK)
            w = doc_member(doc, "Expiration", when, false);
        if (w == ACG_OK)
            w = doc_member(doc, "AccountId", s->account_id, false);
        if (w == ACG_OK)
            w = acg_buf_append_str(doc, "}}");
        if (w != ACG_OK)
            acg_buf_reset(doc);   /* no cache entry; the credentials are good */
    }
    acg_cred_wipe_str(secret);
    acg_cred_wipe_str(token);
    acg_json_reader_free(&r);
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
    return rc;
}

static int sso_fetch(struct acg_cred_delegate *d, const struct acg_cred_ctx *ctx, struct acg_credentials *out,
                     struct acg_error *err)
{
    struct sso *s = (struct sso *)d;
    char dir[4096], path[2048], host[512];
    int retries = 0;
    bool usable = false;
    int rc;
    dir[0] = '\0';
    if (acg_cred_cache_dir(dir, sizeof dir) == ACG_OK) {
        rc = acg_cred_cache_load(dir, s->key, ctx->now_ms, ACG_CRED_EXPIRY_WINDOW_MS, "sso",
                                 "the AWS CLI's credential cache", out, &usable, err);
        if (rc != ACG_OK || usable)
            return rc;
    }
    struct acg_buf token, query, doc;
    struct acg_cred_response resp;
    struct acg_cred_target target;
    acg_buf_init_secure(&token, 0);
    acg_buf_init(&query, 0);
    acg_buf_init_secure(&doc, 0);
    acg_cred_response_init(&resp);
    rc = load_token(s, ctx, &token, err);
    if (rc == ACG_OK)
        rc = acg_cred_endpoint(s->session, "SSO", s->region, &target, err);
    if (rc == ACG_OK &&
        acg_cred_url_parts(target.ep.url, "/federation/credentials", path, sizeof path, host, sizeof host) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "the SSO endpoint URL \"%s\" is not a URL", target.ep.url);
    if (rc == ACG_OK &&
        (acg_buf_append_str(&query, "role_name=") != ACG_OK || acg_cred_percent_encode(&query, s->role_name) != ACG_OK ||
         acg_buf_append_str(&query, "&account_id=") != ACG_OK ||
         acg_cred_percent_encode(&query, s->account_id) != ACG_OK))
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling SSO");
    if (rc == ACG_OK) {
        struct acg_header h = { "x-amz-sso_bearer_token", token.data };
        rc = acg_cred_http_retry("GET", &target, path, query.data, &h, 1, NULL, 0, json_code, &resp, &retries, err);
    }
    if (rc == ACG_OK && (resp.status < 200 || resp.status >= 300))
        rc = service_error(&resp, retries, err);
    if (rc == ACG_OK)
        rc = read_role_credentials(s, &resp, out, &doc, err);
    if (rc == ACG_OK && doc.len > 0 && dir[0] != '\0')
        (void)acg_cred_cache_write(dir, s->key, doc.data, doc.len);
    acg_buf_free_secure(&token);
    acg_buf_free(&query);
    acg_buf_free_secure(&doc);
    acg_cred_response_free(&resp);
    return rc;
}

int acg_cred_sso_new(const struct acg_profile *profile, const struct acg_profile *session,
                     struct acg_cred_delegate **out, struct acg_error *err)
{
    const char *name = acg_profile_name(profile);
    *out = NULL;
    if (acg_profile_get(profile, "sso_role_name") == NULL && acg_profile_get(profile, "sso_account_id") == NULL)
        return ACG_OK;
    const char *session_name = acg_profile_get(profile, "sso_session");
    const char *start_url = acg_profile_get(profile, "sso_start_url");
    const char *region = acg_profile_get(profile, "sso_region");
    if (session_name != NULL) {
        if (!acg_profile_sso_session_exists(profile, session_name))
            return acg_error_set(err, ACG_ERR_CONFIG, "The specified sso-session does not exist: \"%s\"", session_name);
        const char *key, *value;
        for (size_t i = 0; (key = acg_profile_sso_session_key(profile, session_name, i, &value)) != NULL; i++) {
            const char *mine = acg_profile_get(profile, key);
            if (mine != NULL && strcmp(mine, value) != 0)
                return acg_error_set(err, ACG_ERR_CONFIG,
                                     "The value for %s is inconsistent between profile (%s) and sso-session (%s).", key,
                                     mine, value);
            if (strcmp(key, "sso_start_url") == 0)
                start_url = value;
            else if (strcmp(key, "sso_region") == 0)
                region = value;
        }
    }
    const char *required[4][2] = { { "sso_role_name", acg_profile_get(profile, "sso_role_name") },
                                   { "sso_account_id", acg_profile_get(profile, "sso_account_id") },
                                   { "sso_start_url", start_url },
                                   { "sso_region", region } };
    char missing[200] = "";
    for (size_t i = 0; i < 4; i++) {
        if (required[i][1] == NULL) {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, "%s%s", used > 0 ? ", " : "", required[i][0]);
        }
    }
    if (missing[0] != '\0')
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "The profile \"%s\" is configured to use SSO but is missing required configuration: %s",
                             name, missing);
    struct sso *s = calloc(1, sizeof *s);
    if (s == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up SSO");
    s->base.method = "sso";
    s->base.fetch = sso_fetch;
    s->base.destroy = sso_destroy;
    s->session = session;
    s->start_url = strdup(start_url);
    s->region = strdup(region);
    s->account_id = strdup(required[1][1]);
    s->role_name = strdup(required[0][1]);
    s->session_name = session_name != NULL ? strdup(session_name) : NULL;
    int rc = ACG_OK;
    if (s->start_url == NULL || s->region == NULL || s->account_id == NULL || s->role_name == NULL ||
        (session_name != NULL && s->session_name == NULL))
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up SSO");
    /* json.dumps(args, sort_keys=True, separators=(',', ':')) */
    struct acg_buf j;
    acg_buf_init(&j, 0);
    if (rc == ACG_OK) {
        int w = acg_buf_append_str(&j, "{\"accountId\":");
        if (w == ACG_OK)
            w = acg_cred_json_string(&j, s->account_id);
        if (w == ACG_OK)
            w = acg_buf_append_str(&j, ",\"roleName\":");
        if (w == ACG_OK)
            w = acg_cred_json_string(&j, s->role_name);
        if (w == ACG_OK)
            w = acg_buf_append_str(&j, s->session_name != NULL ? ",\"sessionName\":" : ",\"startUrl\":");
        if (w == ACG_OK)
            w = acg_cred_json_string(&j, s->session_name != NULL ? s->session_name : s->start_url);
        if (w == ACG_OK)
            w = acg_buf_append_char(&j, '}');
        if (w == ACG_OK)
            w = acg_cred_sha1_hex(j.data, s->key);
        if (w != ACG_OK)
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up SSO");
    }
    acg_buf_free(&j);
    if (rc != ACG_OK) {
        sso_destroy(&s->base);
        return rc;
    }
    *out = &s->base;
    return ACG_OK;
}
