/* STS's two credential providers, as botocore's AssumeRoleProvider and
 * AssumeRoleWithWebIdentityProvider (credentials.py) behave:
 *
 *   assume-role: a profile with role_arn (and no web_identity_token_file) takes its source
 *   credentials from source_profile (that profile's own providers, or, when it has a
 *   role_arn and no keys, the role it assumes: chains, loops refused with botocore's
 *   message) or from credential_source (Environment, EcsContainer, Ec2InstanceMetadata),
 *   and calls AssumeRole signed with them, with role_session_name, external_id and
 *   duration_seconds. mfa_serial adds SerialNumber and the TokenCode the client's
 *   mfa_prompt reads (the program asks on the terminal, as the AWS CLI does); as in
 *   botocore, such credentials are not refreshed by asking again. Without a prompt the
 *   profile is refused unless the AWS CLI's cache holds the role's credentials.
 *
 *   assume-role-with-web-identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
 *   AWS_ROLE_SESSION_NAME (not when the profile was named by the caller), else the
 *   profile's web_identity_token_file, role_arn and role_session_name; the token file read
 *   whole at each fetch and sent unsigned in AssumeRoleWithWebIdentity.
 *
 * Both keep the whole parsed response in the AWS CLI's cache (~/.aws/cli/cache) under
 * sha1(json.dumps(arguments, sort_keys=True)), the name and content botocore's
 * AssumeRoleCredentialFetcher gives it, and reuse an entry with 15 minutes or more left.
 * The request is awsQuery (form-encoded POST /, Action and Version), the answer XML read
 * with the runtime's XML module. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/acg_cred_providers.h"
#include "auth/acg_sigv4.h"
#include "common/acg_arena.h"
#include "shape/acg_shape.h"
#include "xml/acg_xml.h"

#define STS_VERSION "2011-06-15"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"

/* ---- the answer, as botocore parses it ---- */

struct x_credentials {
    const char *access_key_id, *secret_access_key, *session_token, *expiration;
};
struct x_user {
    const char *assumed_role_id, *arn;
};
struct x_result {
    struct x_credentials *credentials;
    const char *subject;
    struct x_user *user;
    bool has_packed;
    int32_t packed;
    const char *provider, *audience, *source_identity;
};
struct x_metadata {
    const char *request_id;
};
struct x_error {
    const char *type, *code, *message;
};

#define STR_MEMBER(NAME, TYPE, FIELD) \
    { .name = (NAME), .shape = &acg_shape_string, .offset = (uint32_t)offsetof(TYPE, FIELD) }

static const struct acg_member credentials_members[] = {
    STR_MEMBER("AccessKeyId", struct x_credentials, access_key_id),
    STR_MEMBER("SecretAccessKey", struct x_credentials, secret_access_key),
    STR_MEMBER("SessionToken", struct x_credentials, session_token),
    /* a string, so the text stays as sent; it is read as a timestamp below */
    STR_MEMBER("Expiration", struct x_credentials, expiration),
};
static const struct acg_shape credentials_shape = {
    .name = "Credentials", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct x_credentials),
    .members = credentials_members, .member_count = 4,
};
static const struct acg_member user_members[] = {
    STR_MEMBER("AssumedRoleId", struct x_user, assumed_role_id),
    STR_MEMBER("Arn", struct x_user, arn),
};
static const struct acg_shape user_shape = {
    .name = "AssumedRoleUser", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct x_user),
    .members = user_members, .member_count = 2,
};
static const struct acg_member result_members[] = {
    { .name = "Credentials", .shape = &credentials_shape,
      .offset = (uint32_t)offsetof(struct x_result, credentials) },
    STR_MEMBER("SubjectFromWebIdentityToken", struct x_result, subject),
    { .name = "AssumedRoleUser", .shape = &user_shape,
      .offset = (uint32_t)offsetof(struct x_result, user) },
    { .name = "PackedPolicySize", .shape = &acg_shape_integer,
      .offset = (uint32_t)offsetof(struct x_result, packed),
      .has_offset = (uint32_t)offsetof(struct x_result, has_packed) },
    STR_MEMBER("Provider", struct x_result, provider),
    STR_MEMBER("Audience", struct x_result, audience),
    STR_MEMBER("SourceIdentity", struct x_result, source_identity),
};
static const struct acg_shape result_shape = {
    .name = "AssumeRoleResponse", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct x_result),
    .members = result_members, .member_count = 7,
};
static const struct acg_member metadata_members[] = {
    STR_MEMBER("RequestId", struct x_metadata, request_id),
};
static const struct acg_shape metadata_shape = {
    .name = "ResponseMetadata", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct x_metadata),
    .members = metadata_members, .member_count = 1,
};
static const struct acg_member error_members[] = {
    STR_MEMBER("Type", struct x_error, type),
    STR_MEMBER("Code", struct x_error, code),
    STR_MEMBER("Message", struct x_error, message),
};
static const struct acg_shape error_shape = {
    .name = "Error", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct x_error),
    .members = error_members, .member_count = 3,
};

/* Server text in a message: control characters shown as \xNN, so a message cannot drive
 * the terminal it is printed on. */
static void safe_copy(char *out, size_t size, const char *s)
{
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)(s != NULL ? s : ""); *c != '\0' && o + 5 < size; c++) {
        if (*c < 0x20 || *c == 0x7f)
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", *c);
        else
            out[o++] = (char)*c;
    }
    out[o] = '\0';
}

/* The Code and Message of an STS error answer (ErrorResponse/Error), terminal-safe. */
static void sts_error_parts(const struct acg_cred_response *resp, char *code, size_t code_size, char *message,
                            size_t message_size)
{
    static const char *const path[] = { "ErrorResponse", "Error", NULL };
    struct acg_arena *a = acg_arena_new();
    struct x_error e = { NULL, NULL, NULL };
    struct acg_error quiet;
    acg_error_init(&quiet);
    if (a != NULL && resp->body.len > 0 &&
        acg_xml_decode(resp->body.data, resp->body.len, &error_shape, path, &e, a, &quiet) != ACG_OK)
        e.code = e.message = NULL;
    safe_copy(code, code_size, e.code != NULL ? e.code : "");
    if (message != NULL)
        safe_copy(message, message_size, e.message != NULL ? e.message : "Unknown");
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
}

static void sts_code(const struct acg_cred_response *resp, char *code, size_t size)
{
    sts_error_parts(resp, code, size, NULL, 0);
}

/* botocore's ClientError text for an error answer of STS. */
static int service_error(const struct acg_cred_response *resp, const char *operation, int retries,
                         struct acg_error *err)
{
    char code[128], message[600], tries[64] = "";
    sts_error_parts(resp, code, sizeof code, message, sizeof message);
    if (code[0] == '\0')
        snprintf(code, sizeof code, "%ld", resp->status);   /* botocore: the status as the code */
    if (retries > 0)
        snprintf(tries, sizeof tries, " (reached max retries: %d)", retries);
    return acg_error_set(err, ACG_ERR_CREDENTIALS, "An error occurred (%s) when calling the %s operation%s: %s", code,
                         operation, tries, message);
}

/* ---- the cache entry: the parsed response as json.dumps writes it ---- */

static int json_key(struct acg_buf *b, const char *key, bool first)
{
    int rc = first ? ACG_OK : acg_buf_append_str(b, ", ");
    if (rc == ACG_OK)
        rc = acg_cred_json_string(b, key);
    return rc == ACG_OK ? acg_buf_append_str(b, ": ") : rc;
}

static int json_member(struct acg_buf *b, const char *key, const char *value, bool *first)
{
    if (value == NULL)
        return ACG_OK;
    int rc = json_key(b, key, *first);
    *first = false;
    return rc == ACG_OK ? acg_cred_json_string(b, value) : rc;
}

/* botocore's datetime as _serialize_if_needed writes it: "%Y-%m-%dT%H:%M:%S%Z". */
static void format_expiration(int64_t ms, char out[64])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    /* civil_from_days */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(out, 64, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldUTC", (long long)y, (long long)m, (long long)d,
             (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60));
}

/* The account of an ARN as botocore's ArnParser finds it, or NULL. */
static const char *arn_account(const char *arn, char *out, size_t size)
{
    if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *f = arn;
    for (int i = 0; i < 4; i++) {
        f = strchr(f, ':');
        if (f == NULL)
            return NULL;
        f++;
    }
    size_t n = strcspn(f, ":");
    if (f[n] != ':' || n >= size)
        return NULL;   /* fewer than six fields */
    memcpy(out, f, n);
    out[n] = '\0';
    return out;
}

/* "Credentials": {...} as botocore caches them, the account taken from the role's ARN. */
static int json_credentials(struct acg_buf *b, const struct x_result *r, int64_t expiration_ms)
{
    char expiration[64], account[64];
    const struct x_credentials *c = r->credentials;
    bool first = true;
    format_expiration(expiration_ms, expiration);
    ACG_TRY(json_key(b, "Credentials", true));
    ACG_TRY(acg_buf_append_char(b, '{'));
    ACG_TRY(json_member(b, "AccessKeyId", c->access_key_id, &first));
    ACG_TRY(json_member(b, "SecretAccessKey", c->secret_access_key, &first));
    ACG_TRY(json_member(b, "SessionToken", c->session_token, &first));
    ACG_TRY(json_member(b, "Expiration", expiration, &first));
    ACG_TRY(json_member(b, "AccountId",
                        arn_account(r->user != NULL ? r->user->arn : NULL, account, sizeof account),
                        &first));
    return acg_buf_append_char(b, '}');
}

/* One header of the answer with every value it had joined by ", ", unless it came before. */
static int json_merged_header(struct acg_buf *b, const char *headers, const char *line, bool *first)
{
    size_t name_len = strcspn(line, ":");
    for (const char *prev = headers; prev < line; prev += strcspn(prev, "\n") + 1) {
        if (strncmp(prev, line, name_len + 1) == 0)
            return ACG_OK;   /* merged where it first appeared */
    }
    struct acg_buf name, value;
    acg_buf_init(&name, 0);
    acg_buf_init(&value, 0);
    int rc = acg_buf_append(&name, line, name_len);
    for (const char *l = line; rc == ACG_OK && *l != '\0'; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
        if (strncmp(l, line, name_len + 1) != 0)
            continue;
        const char *v = l + name_len + 1;
        v += *v == ' ';
        if (value.len > 0)
            rc = acg_buf_append_str(&value, ", ");
        if (rc == ACG_OK)
            rc = acg_buf_append(&value, v, strcspn(v, "\n"));
    }
    if (rc == ACG_OK)
        rc = json_key(b, name.data != NULL ? name.data : "", *first);
    if (rc == ACG_OK)
        rc = acg_cred_json_string(b, value.data != NULL ? value.data : "");
    *first = false;
    acg_buf_free(&name);
    acg_buf_free(&value);
    return rc;
}

/* ResponseMetadata as botocore adds it: RequestId from the body, the status, the headers
 * (names lower-cased, repeated ones joined with ", "), the retries. */
static int json_response_metadata(struct acg_buf *b, const struct x_metadata *md,
                                  const struct acg_cred_response *resp, int retries)
{
    bool meta_first = true, header_first = true;
    ACG_TRY(json_key(b, "ResponseMetadata", false));
    ACG_TRY(acg_buf_append_char(b, '{'));
    if (md->request_id != NULL)
        ACG_TRY(json_member(b, "RequestId", md->request_id, &meta_first));
    ACG_TRY(json_key(b, "HTTPStatusCode", meta_first));
    ACG_TRY(acg_buf_printf(b, "%ld", resp->status));
    ACG_TRY(json_key(b, "HTTPHeaders", false));
    ACG_TRY(acg_buf_append_char(b, '{'));
    const char *h = resp->headers.data != NULL ? resp->headers.data : "";
    for (const char *line = h; *line != '\0'; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != '\0'))
        ACG_TRY(json_merged_header(b, h, line, &header_first));
    return acg_buf_printf(b, "}, \"RetryAttempts\": %d}", retries);
}

/* The AWS CLI's cache file for an STS answer: the parsed response as botocore's JSONFileCache
 * writes it, members in its order. */
static int cache_document(struct acg_buf *b, bool web_identity, const struct x_result *r,
                          const struct x_metadata *md, const struct acg_cred_response *resp, int retries,
                          int64_t expiration_ms)
{
    bool first = false;
    ACG_TRY(acg_buf_append_char(b, '{'));
    ACG_TRY(json_credentials(b, r, expiration_ms));
    if (web_identity)
        ACG_TRY(json_member(b, "SubjectFromWebIdentityToken", r->subject, &first));
    if (r->user != NULL) {
        bool inner = true;
        ACG_TRY(json_key(b, "AssumedRoleUser", false));
        ACG_TRY(acg_buf_append_char(b, '{'));
        ACG_TRY(json_member(b, "AssumedRoleId", r->user->assumed_role_id, &inner));
        ACG_TRY(json_member(b, "Arn", r->user->arn, &inner));
        ACG_TRY(acg_buf_append_char(b, '}'));
    }
    if (r->has_packed) {
        ACG_TRY(json_key(b, "PackedPolicySize", false));
        ACG_TRY(acg_buf_printf(b, "%ld", (long)r->packed));
    }
    if (web_identity) {
        ACG_TRY(json_member(b, "Provider", r->provider, &first));
        ACG_TRY(json_member(b, "Audience", r->audience, &first));
    }
    ACG_TRY(json_member(b, "SourceIdentity", r->source_identity, &first));
    ACG_TRY(json_response_metadata(b, md, resp, retries));
    return acg_buf_append_char(b, '}');
}

/* ---- one STS call ---- */

struct sts_call {
    const struct acg_profile *session;
    const char *operation;       /* "AssumeRole" or "AssumeRoleWithWebIdentity" */
    const char *form;            /* the parameters after Action and Version */
    const struct acg_credentials *sign_with;   /* NULL: unsigned */
    const char *cache_key;
    const char *where;           /* for messages: "STS AssumeRole (profile dev)" */
    const char *method;          /* the credentials' source */
};

/* The signature headers of the form when the call is signed (AssumeRole); *n grows. */
static int sts_sign(const struct sts_call *call, const struct acg_cred_ctx *ctx,
                    const struct acg_cred_endpoint_out *ep, const char *path, const char *host,
                    const struct acg_buf *body, struct acg_sigv4_result *sig,
                    struct acg_header *headers, size_t *n, struct acg_error *err)
{
    if (call->sign_with == NULL)
        return ACG_OK;
    struct acg_header to_sign[2] = { { "Host", host }, { "Content-Type", FORM_TYPE } };
    struct acg_sigv4_params sp = {
        .creds = call->sign_with,
        .region = ep->signing_region[0] != '\0' ? ep->signing_region : ctx->region,
        .service = ep->signing_name[0] != '\0' ? ep->signing_name : "sts",
        .now_ms = ctx->now_ms,
        .normalize_path = true,
        .sign_session_token = true,
    };
    struct acg_sigv4_request req = { "POST", path, NULL, to_sign, 2, body->data, body->len, NULL };
    if (sp.region == NULL || sp.region[0] == '\0')
        return acg_error_set(err, ACG_ERR_CONFIG, "You must specify a region.");
    ACG_TRY(acg_sigv4_sign(&sp, &req, NULL, sig, err));
    headers[(*n)++] = (struct acg_header){ "X-Amz-Date", sig->amz_date };
    if (call->sign_with->session_token[0] != '\0')
        headers[(*n)++] = (struct acg_header){ "X-Amz-Security-Token", call->sign_with->session_token };
    headers[(*n)++] = (struct acg_header){ "Authorization", sig->authorization.data };
    return ACG_OK;
}

/* The credentials of a successful answer into out, and the answer into the AWS CLI's
 * cache as botocore writes it. r's secrets live in a and are wiped by the caller. */
static int sts_answer(const struct sts_call *call, const struct acg_cred_response *resp, int retries,
                      struct acg_arena *a, struct x_result *r, struct acg_credentials *out,
                      struct acg_error *err)
{
    static const char *const result_path[] = { "*", "*Result", NULL };
    static const char *const metadata_path[] = { "*", "ResponseMetadata", NULL };
    struct x_metadata md = { NULL };
    struct acg_error decode_err;
    acg_error_init(&decode_err);
    int rc = acg_xml_decode(resp->body.data, resp->body.len, &result_shape, result_path, r, a, &decode_err);
    if (rc == ACG_OK)
        rc = acg_xml_decode(resp->body.data, resp->body.len, &metadata_shape, metadata_path, &md, a,
                            &decode_err);
    acg_error_free(&decode_err);
    if (rc != ACG_OK)
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the %s answer of STS is not what botocore reads",
                             call->operation);
    int64_t expires = 0;
    if (r->credentials == NULL || r->credentials->expiration == NULL ||
        acg_cred_parse_time(r->credentials->expiration, &expires) != ACG_OK)
        return acg_error_set(err, ACG_ERR_CREDENTIALS,
                             "the %s answer of STS has no credentials with an expiration", call->operation);
    ACG_TRY(acg_cred_set(out, r->credentials->access_key_id, r->credentials->secret_access_key,
                         r->credentials->session_token, expires, call->method, call->where, err));
    struct acg_buf doc;
    acg_buf_init_secure(&doc, 0);
    bool web = strcmp(call->operation, "AssumeRoleWithWebIdentity") == 0;
    if (cache_document(&doc, web, r, &md, resp, retries, expires) == ACG_OK) {
        char dir[4096];
        if (acg_cred_cache_dir(dir, sizeof dir) == ACG_OK)
            (void)acg_cred_cache_write(dir, call->cache_key, doc.data, doc.len);
    }
    acg_buf_free_secure(&doc);
    return ACG_OK;
}

static int sts_call(const struct sts_call *call, const struct acg_cred_ctx *ctx, struct acg_credentials *out,
                    struct acg_error *err)
{
    struct acg_cred_target target;
    char path[2048], host[512];
    int retries = 0;
    struct acg_buf body;
    struct acg_cred_response resp;
    struct acg_sigv4_result sig;
    struct acg_arena *a = NULL;
    struct x_result r;
    struct acg_header headers[5];
    size_t n = 0;
    memset(&r, 0, sizeof r);
    acg_buf_init_secure(&body, 0);
    acg_cred_response_init(&resp);
    acg_sigv4_result_init(&sig);
    int rc = acg_cred_endpoint(call->session, "STS", ctx->region, &target, err);
    if (rc != ACG_OK)
        goto done;
    if (acg_cred_url_parts(target.ep.url, "/", path, sizeof path, host, sizeof host) != ACG_OK) {
        rc = acg_error_set(err, ACG_ERR_CONFIG, "the STS endpoint URL \"%s\" is not a URL", target.ep.url);
        goto done;
    }
    if (acg_buf_printf(&body, "Action=%s&Version=%s%s", call->operation, STS_VERSION, call->form) != ACG_OK) {
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling STS");
        goto done;
    }
    headers[n++] = (struct acg_header){ "Content-Type", FORM_TYPE };
    rc = sts_sign(call, ctx, &target.ep, path, host, &body, &sig, headers, &n, err);
    if (rc == ACG_OK)
        rc = acg_cred_http_retry("POST", &target, path, NULL, headers, n, body.data, body.len, sts_code,
                                 &resp, &retries, err);
    if (rc != ACG_OK)
        goto done;
    if (resp.status < 200 || resp.status >= 300) {
        rc = service_error(&resp, call->operation, retries, err);
        goto done;
    }
    a = acg_arena_new();
    rc = a != NULL ? sts_answer(call, &resp, retries, a, &r, out, err)
                   : acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the STS answer");
done:
    if (a != NULL && r.credentials != NULL) {
        acg_cred_wipe_str(r.credentials->secret_access_key);
        acg_cred_wipe_str(r.credentials->session_token);
    }
    acg_arena_destroy_secure(a);
    acg_sigv4_result_free(&sig);
    acg_cred_response_free(&resp);
    acg_buf_free_secure(&body);   /* the web identity token */
    return rc;
}

/* Python's int() of a duration_seconds: surrounding blanks, a sign, '_' between digits. */
static bool py_int(const char *s, long *out)
{
    char digits[32];
    size_t n = 0;
    bool neg = false;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (*s < '0' || *s > '9')
        return false;
    for (; (*s >= '0' && *s <= '9') || *s == '_'; s++) {
        if (*s == '_' && (s[1] < '0' || s[1] > '9'))
            return false;
        if (*s != '_' && n + 1 < sizeof digits)
            digits[n++] = *s;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    if (*s != '\0' || n > 15)
        return false;
    digits[n] = '\0';
    *out = strtol(digits, NULL, 10) * (neg ? -1 : 1);
    return true;
}

/* The cache key: sha1 of json.dumps(args, sort_keys=True), args holding what is set of
 * DurationSeconds, ExternalId, RoleArn, RoleSessionName (not a generated one), SerialNumber
 * (already in sorted order). */
static int cache_key(const char *duration, const char *external_id, const char *role_arn, const char *session_name,
                     const char *serial, char out[41])
{
    struct acg_buf j;
    bool first = true;
    int rc;
    acg_buf_init(&j, 0);
    rc = acg_buf_append_char(&j, '{');
    if (rc == ACG_OK && duration != NULL) {
        rc = json_key(&j, "DurationSeconds", first);
        first = false;
        if (rc == ACG_OK)
            rc = acg_buf_append_str(&j, duration);
    }
    if (rc == ACG_OK)
        rc = json_member(&j, "ExternalId", external_id, &first);
    if (rc == ACG_OK)
        rc = json_member(&j, "RoleArn", role_arn, &first);
    if (rc == ACG_OK)
        rc = json_member(&j, "RoleSessionName", session_name, &first);
    if (rc == ACG_OK)
        rc = json_member(&j, "SerialNumber", serial, &first);
    if (rc == ACG_OK)
        rc = acg_buf_append_char(&j, '}');
    if (rc == ACG_OK)
        rc = acg_cred_sha1_hex(j.data, out);
    acg_buf_free(&j);
    return rc;
}

static int form_param(struct acg_buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return ACG_OK;
    int rc = acg_buf_printf(b, "&%s=", name);
    return rc == ACG_OK ? acg_cred_percent_encode(b, value) : rc;
}

/* ---- assume-role ---- */

struct assume_role {
    struct acg_cred_delegate base;
    const struct acg_profile *session;
    char *profile_name, *role_arn, *session_name, *external_id, *mfa_serial, *credential_source;
    long duration;
    bool has_duration;
    bool mfa_asked;            /* the one MFA code botocore asks for was used */
    char generated_name[64];   /* botocore-session-<seconds>, made at the first fetch */
    char key[41];
    char where[300];
    struct acg_profile *source_profile;          /* owned; source_profile's */
    struct acg_credentials_provider *source;     /* its own providers, or credential_source */
    struct acg_cred_delegate *source_role;       /* or the role it assumes */
};

static void assume_role_destroy(struct acg_cred_delegate *d)
{
    struct assume_role *ar = (struct assume_role *)d;
    acg_cred_delegate_destroy(ar->source_role);
    acg_credentials_provider_destroy(ar->source);
    acg_profile_free(ar->source_profile);
    free(ar->profile_name);
    free(ar->role_arn);
    free(ar->session_name);
    free(ar->external_id);
    free(ar->mfa_serial);
    free(ar->credential_source);
    free(ar);
}

static int source_credentials(struct assume_role *ar, const struct acg_cred_ctx *ctx, struct acg_credentials *out,
                              struct acg_error *err)
{
    if (ar->source_role != NULL)
        return ar->source_role->fetch(ar->source_role, ctx, out, err);
    acg_credentials_provider_set_region(ar->source, ctx->region);
    acg_credentials_provider_set_process_timeout(ar->source, ctx->process_timeout_ms);
    struct acg_error inner;
    acg_error_init(&inner);
    int rc = acg_credentials_get(ar->source, ctx->now_ms, out, &inner);
    if (rc != ACG_OK && ar->credential_source != NULL && strcmp(ar->credential_source, "Environment") != 0)
        acg_error_set(err, ACG_ERR_CREDENTIALS,
                      "Error when retrieving credentials from %s: No credentials found in credential_source "
                      "referenced in profile %s",
                      ar->credential_source, ar->profile_name);
    else if (rc != ACG_OK)
        acg_error_set(err, inner.status, "%s", inner.message);
    acg_error_free(&inner);
    return rc;
}

/* The code of the profile's MFA device, asked once through the client's prompt. */
static int mfa_code(struct assume_role *ar, const struct acg_cred_ctx *ctx, char *code, size_t size,
                    struct acg_error *err)
{
    if (ctx->mfa_prompt == NULL)
        return acg_error_set(err, ACG_ERR_CREDENTIALS,
                             "The profile \"%s\" assumes role %s with MFA (mfa_serial %s): the code cannot be "
                             "asked for here, as no MFA prompt was configured (struct acg_client_config "
                             "mfa_prompt). Run an AWS CLI command with --profile %s to enter the code; the "
                             "credentials it caches in ~/.aws/cli/cache are then used here until they expire.",
                             ar->profile_name, ar->role_arn, ar->mfa_serial, ar->profile_name);
    /* botocore's RefreshWithMFAUnsupportedError: the code was good for one fetch */
    if (ar->mfa_asked)
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "Cannot refresh credentials: MFA token required.");
    char prompt[600];
    snprintf(prompt, sizeof prompt, "Enter MFA code for %s: ", ar->mfa_serial);
    ar->mfa_asked = true;
    if (ctx->mfa_prompt(ctx->mfa_prompt_ctx, prompt, code, size) != 0 || code[0] == '\0')
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "No MFA code was entered for %s.", ar->mfa_serial);
    code[size - 1] = '\0';
    return ACG_OK;
}

static int assume_role_fetch(struct acg_cred_delegate *d, const struct acg_cred_ctx *ctx, struct acg_credentials *out,
                             struct acg_error *err)
{
    struct assume_role *ar = (struct assume_role *)d;
    char dir[4096];
    bool usable = false;
    int rc;
    if (acg_cred_cache_dir(dir, sizeof dir) == ACG_OK) {
        rc = acg_cred_cache_load(dir, ar->key, ctx->now_ms, ACG_CRED_EXPIRY_WINDOW_MS, "assume-role",
                                 "the AWS CLI's credential cache", out, &usable, err);
        if (rc != ACG_OK || usable)
            return rc;
    }
    char code[64] = "";
    if (ar->mfa_serial != NULL) {
        rc = mfa_code(ar, ctx, code, sizeof code, err);
        if (rc != ACG_OK)
            return rc;
    }
    struct acg_credentials src;
    struct acg_buf form;
    acg_credentials_init(&src);
    acg_buf_init(&form, 0);
    rc = source_credentials(ar, ctx, &src, err);
    if (rc == ACG_OK) {
        if (ar->session_name == NULL && ar->generated_name[0] == '\0')
            snprintf(ar->generated_name, sizeof ar->generated_name, "botocore-session-%lld",
                     (long long)(ctx->now_ms / 1000));
        /* botocore's parameter order: role_session_name, external_id, mfa_serial and
         * duration_seconds as configured, then RoleArn, a generated session name, and the
         * code typed at the prompt */
        char duration[24];
        snprintf(duration, sizeof duration, "%ld", ar->duration);
        if (form_param(&form, "RoleSessionName", ar->session_name) != ACG_OK ||
            form_param(&form, "ExternalId", ar->external_id) != ACG_OK ||
            form_param(&form, "SerialNumber", ar->mfa_serial) != ACG_OK ||
            form_param(&form, "DurationSeconds", ar->has_duration ? duration : NULL) != ACG_OK ||
            form_param(&form, "RoleArn", ar->role_arn) != ACG_OK ||
            form_param(&form, "RoleSessionName", ar->session_name == NULL ? ar->generated_name : NULL) != ACG_OK ||
            form_param(&form, "TokenCode", ar->mfa_serial != NULL ? code : NULL) != ACG_OK)
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling STS");
    }
    if (rc == ACG_OK) {
        struct sts_call call = { ar->session, "AssumeRole", form.data, &src, ar->key, ar->where, "assume-role" };
        rc = sts_call(&call, ctx, out, err);
    }
    acg_credentials_wipe(&src);
    acg_buf_free_secure(&form);
    acg_cred_wipe(code, sizeof code);
    return rc;
}

static bool has_static(const struct acg_profile *p)
{
    return acg_profile_get(p, "aws_access_key_id") != NULL || acg_profile_get(p, "aws_secret_access_key") != NULL;
}

static bool has_role(const struct acg_profile *p)
{
    return acg_profile_get(p, "role_arn") != NULL && acg_profile_get(p, "web_identity_token_file") == NULL;
}

static bool visited(const struct acg_cred_visited *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->names[i], name) == 0)
            return true;
    }
    return false;
}

static int loop_error(const struct acg_cred_visited *v, const char *source, struct acg_error *err)
{
    struct acg_buf list;
    acg_buf_init(&list, 0);
    int rc = acg_buf_append_char(&list, '[');
    for (size_t i = 0; rc == ACG_OK && i < v->n; i++) {
        if (i > 0)
            rc = acg_buf_append_str(&list, ", ");
        if (rc == ACG_OK)
            rc = acg_cred_py_repr(&list, v->names[i]);
    }
    if (rc == ACG_OK)
        rc = acg_buf_append_char(&list, ']');
    acg_error_set(err, ACG_ERR_CONFIG,
                  "Infinite loop in credential configuration detected. Attempting to load from profile %s which "
                  "has already been visited. Visited profiles: %s",
                  source, rc == ACG_OK ? list.data : "[...]");
    acg_buf_free(&list);
    return ACG_ERR_CONFIG;
}

static int dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return ACG_OK;
    *out = strdup(s);
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

/* The source of a source_profile: its own providers, or the role it assumes in turn;
 * visited profiles make a loop an error. */
static int source_from_profile(struct assume_role *ar, const char *name, const char *source_profile,
                               struct acg_cred_visited *v, struct acg_error *err)
{
    struct acg_error load_err;
    acg_error_init(&load_err);
    int rc = acg_profile_load(source_profile, &ar->source_profile, &load_err);
    if (rc == ACG_OK && !acg_profile_exists(ar->source_profile))
        rc = ACG_ERR_CONFIG;
    bool not_found = rc == ACG_ERR_CONFIG && (load_err.status == ACG_OK ||
                                             strstr(load_err.message, "could not be found") != NULL);
    if (not_found)
        rc = acg_error_set(err, ACG_ERR_CONFIG,
                           "The source_profile \"%s\" referenced in the profile \"%s\" does not exist.",
                           source_profile, name);
    else if (rc != ACG_OK)
        rc = acg_error_set(err, rc, "%s", load_err.message);   /* a file that does not parse */
    acg_error_free(&load_err);
    if (rc == ACG_OK && visited(v, source_profile) &&
        (strcmp(source_profile, name) != 0 || !has_static(ar->source_profile)))
        rc = loop_error(v, source_profile, err);
    if (rc == ACG_OK && v->n == ACG_CRED_MAX_CHAIN)
        rc = acg_error_set(err, ACG_ERR_CONFIG, "the source_profile chain is longer than %d profiles",
                           ACG_CRED_MAX_CHAIN);
    if (rc == ACG_OK && (v->names[v->n] = strdup(source_profile)) == NULL)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up assume-role");
    if (rc == ACG_OK) {
        v->n++;
        if (has_static(ar->source_profile) || !has_role(ar->source_profile)) {
            ar->source = acg_credentials_provider_new_source(ar->source_profile, NULL, v, err);
            rc = ar->source != NULL ? ACG_OK : err->status != ACG_OK ? err->status : ACG_ERR_CONFIG;
        } else {
            rc = acg_cred_assume_role_new(ar->source_profile, v, &ar->source_role, err);
        }
    }
    return rc;
}

/* The source named by credential_source (Environment, EcsContainer, Ec2InstanceMetadata). */
static int source_from_credential_source(struct assume_role *ar, const struct acg_profile *profile,
                                         const char *name, const char *credential_source,
                                         struct acg_cred_visited *v, struct acg_error *err)
{
    int rc = ACG_OK;
    if (strcmp(credential_source, "Environment") == 0) {
        const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
        if ((id == NULL || id[0] == '\0') && (secret == NULL || secret[0] == '\0'))
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS,
                               "Error when retrieving credentials from Environment: No credentials found in "
                               "credential_source referenced in profile %s",
                               name);
        else if (id == NULL || id[0] == '\0' || secret == NULL || secret[0] == '\0')
            rc = acg_error_set(err, ACG_ERR_CONFIG, "Partial credentials found in env, missing: %s",
                               id == NULL || id[0] == '\0' ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY");
    }
    if (rc == ACG_OK) {
        ar->source = acg_credentials_provider_new_source(profile, credential_source, v, err);
        rc = ar->source != NULL ? ACG_OK : err->status != ACG_OK ? err->status : ACG_ERR_CONFIG;
    }
    return rc;
}

int acg_cred_assume_role_new(const struct acg_profile *profile, struct acg_cred_visited *v,
                             struct acg_cred_delegate **out, struct acg_error *err)
{
    const char *name = acg_profile_name(profile);
    *out = NULL;
    if (!has_role(profile))
        return ACG_OK;
    if (v->n == 0) {
        if ((v->names[0] = strdup(name)) == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up assume-role");
        v->n = 1;
    }
    const char *source_profile = acg_profile_get(profile, "source_profile");
    const char *credential_source = acg_profile_get(profile, "credential_source");
    if (credential_source != NULL && source_profile != NULL)
        return acg_error_set(err, ACG_ERR_CONFIG, "The profile \"%s\" contains both source_profile and credential_source.",
                             name);
    if (credential_source == NULL && source_profile == NULL)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "Partial credentials found in assume-role, missing: source_profile or credential_source");
    if (credential_source != NULL && strcmp(credential_source, "Environment") != 0 &&
        strcmp(credential_source, "EcsContainer") != 0 && strcmp(credential_source, "Ec2InstanceMetadata") != 0)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "The credential source \"%s\" referenced in profile \"%s\" is not valid.", credential_source,
                             name);
    struct assume_role *ar = calloc(1, sizeof *ar);
    if (ar == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up assume-role");
    ar->base.method = "assume-role";
    ar->base.fetch = assume_role_fetch;
    ar->base.destroy = assume_role_destroy;
    ar->session = v->session;
    int rc = source_profile != NULL
                 ? source_from_profile(ar, name, source_profile, v, err)
                 : source_from_credential_source(ar, profile, name, credential_source, v, err);
    const char *duration = acg_profile_get(profile, "duration_seconds");
    if (rc == ACG_OK && duration != NULL)
        ar->has_duration = py_int(duration, &ar->duration);   /* botocore drops what int() refuses */
    if (rc == ACG_OK) {
        const char *session_name = acg_profile_get(profile, "role_session_name");
        if (session_name != NULL && session_name[0] == '\0')
            session_name = NULL;   /* botocore generates one for an empty name too */
        if (dup_opt(name, &ar->profile_name) != ACG_OK ||
            dup_opt(acg_profile_get(profile, "role_arn"), &ar->role_arn) != ACG_OK ||
            dup_opt(session_name, &ar->session_name) != ACG_OK ||
            dup_opt(acg_profile_get(profile, "external_id"), &ar->external_id) != ACG_OK ||
            dup_opt(acg_profile_get(profile, "mfa_serial"), &ar->mfa_serial) != ACG_OK ||
            dup_opt(credential_source, &ar->credential_source) != ACG_OK)
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up assume-role");
    }
    if (rc == ACG_OK) {
        char d[24];
        snprintf(d, sizeof d, "%ld", ar->duration);
        rc = cache_key(ar->has_duration ? d : NULL, ar->external_id, ar->role_arn, ar->session_name, ar->mfa_serial,
                       ar->key);
        snprintf(ar->where, sizeof ar->where, "STS AssumeRole (profile %s)", name);
    }
    if (rc != ACG_OK) {
        assume_role_destroy(&ar->base);
        return rc;
    }
    *out = &ar->base;
    return ACG_OK;
}

/* ---- assume-role-with-web-identity ---- */

struct web_identity {
    struct acg_cred_delegate base;
    const struct acg_profile *session;
    char *token_file, *role_arn, *session_name;
    char generated_name[64];
    char key[41];
};

static void web_identity_destroy(struct acg_cred_delegate *d)
{
    struct web_identity *w = (struct web_identity *)d;
    free(w->token_file);
    free(w->role_arn);
    free(w->session_name);
    free(w);
}

/* The token file, whole, as Python's open().read() gives it (universal newlines). */
static int read_token(const char *path, struct acg_buf *out, struct acg_error *err)
{
    char chunk[4096];
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct acg_buf r;
        acg_buf_init(&r, 0);
        int rc = acg_cred_py_repr(&r, path);
        acg_error_set(err, ACG_ERR_CREDENTIALS, "[Errno %d] %s: %s", e, strerror(e), rc == ACG_OK ? r.data : path);
        acg_buf_free(&r);
        return ACG_ERR_CREDENTIALS;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the web identity token file %s is not a regular file", path);
    }
    int rc = ACG_OK;
    bool cr = false;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n && rc == ACG_OK; i++) {
            char c = chunk[i];
            if (cr && c == '\n') {
                cr = false;
                continue;   /* "\r\n" is one newline, already written */
            }
            cr = c == '\r';
            rc = acg_buf_append_char(out, c == '\r' ? '\n' : c);
        }
        if (rc != ACG_OK || out->len > (1 << 20)) {
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "the web identity token file %s is too large", path);
            break;
        }
    }
    close(fd);
    acg_cred_wipe(chunk, sizeof chunk);
    if (rc == ACG_OK && acg_buf_append_char(out, '\0') == ACG_OK)
        out->len--;
    return rc;
}

static int web_identity_fetch(struct acg_cred_delegate *d, const struct acg_cred_ctx *ctx, struct acg_credentials *out,
                              struct acg_error *err)
{
    struct web_identity *w = (struct web_identity *)d;
    char dir[4096];
    bool usable = false;
    int rc;
    if (acg_cred_cache_dir(dir, sizeof dir) == ACG_OK) {
        rc = acg_cred_cache_load(dir, w->key, ctx->now_ms, ACG_CRED_EXPIRY_WINDOW_MS, w->base.method,
                                 "the AWS CLI's credential cache", out, &usable, err);
        if (rc != ACG_OK || usable)
            return rc;
    }
    struct acg_buf token, form;
    acg_buf_init_secure(&token, 0);
    acg_buf_init_secure(&form, 0);
    rc = read_token(w->token_file, &token, err);
    if (rc == ACG_OK) {
        if (w->session_name == NULL && w->generated_name[0] == '\0')
            snprintf(w->generated_name, sizeof w->generated_name, "botocore-session-%lld",
                     (long long)(ctx->now_ms / 1000));
        if (form_param(&form, "RoleSessionName", w->session_name) != ACG_OK ||
            form_param(&form, "RoleArn", w->role_arn) != ACG_OK ||
            form_param(&form, "RoleSessionName", w->session_name == NULL ? w->generated_name : NULL) != ACG_OK ||
            form_param(&form, "WebIdentityToken", token.data != NULL ? token.data : "") != ACG_OK)
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling STS");
    }
    if (rc == ACG_OK) {
        struct sts_call call = { w->session, "AssumeRoleWithWebIdentity", form.data, NULL, w->key,
                                 "STS AssumeRoleWithWebIdentity", w->base.method };
        rc = sts_call(&call, ctx, out, err);
    }
    acg_buf_free_secure(&token);
    acg_buf_free_secure(&form);
    return rc;
}

int acg_cred_web_identity_new(const struct acg_profile *profile, const struct acg_profile *session, bool use_env,
                              struct acg_cred_delegate **out, struct acg_error *err)
{
    /* botocore's _get_config: the environment variable when set (even empty), else the
     * profile's key */
    const char *token_file = use_env ? getenv("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *role_arn = use_env ? getenv("AWS_ROLE_ARN") : NULL;
    const char *session_name = use_env ? getenv("AWS_ROLE_SESSION_NAME") : NULL;
    if (token_file == NULL)
        token_file = acg_profile_get(profile, "web_identity_token_file");
    if (role_arn == NULL)
        role_arn = acg_profile_get(profile, "role_arn");
    if (session_name == NULL)
        session_name = acg_profile_get(profile, "role_session_name");
    *out = NULL;
    if (token_file == NULL || token_file[0] == '\0')
        return ACG_OK;
    if (role_arn == NULL || role_arn[0] == '\0')
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "The provided profile or the current environment is configured to assume role with "
                             "web identity but has no role ARN configured. Ensure that the profile has the "
                             "role_arnconfiguration set or the AWS_ROLE_ARN env var is set.");
    if (session_name != NULL && session_name[0] == '\0')
        session_name = NULL;
    struct web_identity *w = calloc(1, sizeof *w);
    if (w == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up web identity");
    w->base.method = "assume-role-with-web-identity";
    w->base.fetch = web_identity_fetch;
    w->base.destroy = web_identity_destroy;
    w->session = session;
    int rc = ACG_OK;
    if (dup_opt(token_file, &w->token_file) != ACG_OK || dup_opt(role_arn, &w->role_arn) != ACG_OK ||
        dup_opt(session_name, &w->session_name) != ACG_OK)
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory setting up web identity");
    if (rc == ACG_OK)
        rc = cache_key(NULL, NULL, w->role_arn, w->session_name, NULL, w->key);
    if (rc != ACG_OK) {
        web_identity_destroy(&w->base);
        return rc;
    }
    *out = &w->base;
    return ACG_OK;
}
