/* Choosing among the providers that call a service (assume-role, web identity, SSO) in
 * botocore's order, and what they share: the credentials client's endpoint and its one HTTP
 * exchange, percent-encoding, Python's repr for botocore's messages, and the checks every
 * fetched value passes before it may reach a header. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "auth/acg_cred_providers.h"
#include "common/acg_random.h"
#include "common/acg_text.h"

void acg_cred_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void acg_cred_wipe_str(const char *s)
{
    if (s != NULL)
        acg_cred_wipe((char *)s, strlen(s));   /* arena memory, writable; const only for readers */
}

void acg_cred_visited_free(struct acg_cred_visited *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++)
        free(v->names[i]);
    v->n = 0;
}

int acg_cred_delegate_new(const struct acg_profile *profile, unsigned flags, struct acg_cred_visited *visited,
                          struct acg_cred_delegate **out, struct acg_error *err)
{
    struct acg_cred_visited own = { profile, { NULL }, 0 };
    const struct acg_profile *session = visited != NULL ? visited->session : profile;
    int rc = ACG_OK;
    *out = NULL;
    if (flags & ACG_CRED_WITH_ASSUME_ROLE) {
        rc = acg_cred_assume_role_new(profile, visited != NULL ? visited : &own, out, err);
        acg_cred_visited_free(&own);
        if (rc != ACG_OK || *out != NULL)
            return rc;
    }
    rc = acg_cred_web_identity_new(profile, session, (flags & ACG_CRED_WITH_ENV) != 0, out, err);
    if (rc != ACG_OK || *out != NULL)
        return rc;
    return acg_cred_sso_new(profile, session, out, err);
}

void acg_cred_delegate_destroy(struct acg_cred_delegate *d)
{
    if (d != NULL)
        d->destroy(d);
}

int acg_cred_check_value(const char *value, const char *what, const char *where, struct acg_error *err)
{
    return acg_check_value(value, ACG_ERR_CREDENTIALS, what, where, err);
}

int acg_cred_set(struct acg_credentials *out, const char *id, const char *secret, const char *token,
                 int64_t expiration_ms, const char *source, const char *where, struct acg_error *err)
{
    acg_credentials_init(out);
    if (id == NULL || secret == NULL || id[0] == '\0' || secret[0] == '\0')
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "%s returned no AccessKeyId or SecretAccessKey", where);
    int rc = acg_cred_check_value(id, "AccessKeyId", where, err);
    if (rc == ACG_OK)
        rc = acg_cred_check_value(secret, "SecretAccessKey", where, err);
    if (rc == ACG_OK)
        rc = acg_cred_check_value(token, "SessionToken", where, err);
    if (rc != ACG_OK)
        return rc;
    if (strlen(id) >= sizeof out->access_key_id || strlen(secret) >= sizeof out->secret_access_key ||
        (token != NULL && strlen(token) >= sizeof out->session_token))
        return acg_error_set(err, ACG_ERR_CREDENTIALS, "the credentials from %s are too long", where);
    acg_copy_str(out->access_key_id, sizeof out->access_key_id, id);
    acg_copy_str(out->secret_access_key, sizeof out->secret_access_key, secret);
    acg_copy_str(out->session_token, sizeof out->session_token, token != NULL ? token : "");
    acg_copy_str(out->source, sizeof out->source, source);
    out->expiration_ms = expiration_ms;
    return ACG_OK;
}

int acg_cred_endpoint(const struct acg_profile *profile, const char *service_id, const char *region,
                      struct acg_cred_target *target, struct acg_error *err)
{
    struct acg_cred_endpoint_out *out = &target->ep;
    struct acg_settings s;
    struct acg_cred_endpoint_in params;
    int rc = acg_settings_resolve(profile, service_id, region != NULL && region[0] != '\0' ? region : NULL, NULL,
                                  -1, -1, &s, err);
    if (rc != ACG_OK)
        return rc;
    memset(&params, 0, sizeof params);
    params.region = s.region[0] != '\0' ? s.region : NULL;
    params.use_fips = s.use_fips;
    params.use_dual_stack = s.use_dual_stack;
    params.endpoint = s.endpoint_url[0] != '\0' ? s.endpoint_url : NULL;
    if (strcmp(service_id, "STS") == 0) {
        /* botocore's args.py: UseGlobalEndpoint is sts_regional_endpoints == "legacy";
         * "regional" is the default. */
        const char *v = acg_env("AWS_STS_REGIONAL_ENDPOINTS");
        if (v == NULL)
            v = acg_profile_get(profile, "sts_regional_endpoints");
        if (v != NULL && strcmp(v, "legacy") != 0 && strcmp(v, "regional") != 0)
            return acg_error_set(err, ACG_ERR_CONFIG,
                                 "STS regional endpoints option %s is invalid. Valid options are: \"legacy\", "
                                 "\"regional\"",
                                 v);
        params.use_global_endpoint = v != NULL && strcmp(v, "legacy") == 0;
    }
    memset(out, 0, sizeof *out);
    rc = acg_cred_resolve_endpoint(service_id, &params, out, err);
    if (rc != ACG_OK)
        return rc;
    acg_copy_str(target->ca_bundle, sizeof target->ca_bundle, s.ca_bundle);
    /* the client's rule (acg_client.c): legacy mode's default is 5 attempts */
    bool configured = acg_env("AWS_MAX_ATTEMPTS") != NULL || acg_profile_get(profile, "max_attempts") != NULL;
    target->max_attempts = !configured && strcmp(s.retry_mode, "legacy") == 0 ? 5
                           : s.max_attempts > 0                                ? s.max_attempts
                                                                               : 3;
    return ACG_OK;
}

int acg_cred_url_parts(const char *url, const char *path_suffix, char *path, size_t path_size, char *host,
                       size_t host_size)
{
    const char *scheme_end = strstr(url, "://");
    if (scheme_end == NULL)
        return ACG_ERR_INVALID_ARG;
    bool https = (size_t)(scheme_end - url) == 5 && strncasecmp(url, "https", 5) == 0;
    const char *auth = scheme_end + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    size_t plen = *rest == '/' ? strcspn(rest, "?#") : 0;
    if (alen == 0 || alen >= host_size)
        return ACG_ERR_INVALID_ARG;
    memcpy(host, auth, alen);
    host[alen] = '\0';
    /* the Host header botocore signs leaves out the scheme's default port */
    char *colon = strrchr(host, ':');
    if (colon != NULL && strchr(colon, ']') == NULL &&
        ((https && strcmp(colon, ":443") == 0) || (!https && strcmp(colon, ":80") == 0)))
        *colon = '\0';
    /* botocore's _urljoin */
    int n;
    if (path_suffix == NULL || path_suffix[0] == '\0' || strcmp(path_suffix, "/") == 0)
        n = plen == 0 ? snprintf(path, path_size, "/") : snprintf(path, path_size, "%.*s", (int)plen, rest);
    else if (plen > 0 && rest[plen - 1] == '/' && path_suffix[0] == '/')
        n = snprintf(path, path_size, "%.*s%s", (int)plen - 1, rest, path_suffix);
    else
        n = snprintf(path, path_size, "%.*s%s", (int)plen, rest, path_suffix);
    return n > 0 && (size_t)n < path_size ? ACG_OK : ACG_ERR_INVALID_ARG;
}

int acg_cred_percent_encode(struct acg_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        int rc;
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
            *c == '_' || *c == '.' || *c == '~') {
            rc = acg_buf_append_char(b, (char)*c);
        } else {
            char e[3] = { '%', hex[*c >> 4], hex[*c & 15] };
            rc = acg_buf_append(b, e, 3);
        }
        if (rc != ACG_OK)
            return rc;
    }
    return ACG_OK;
}

int acg_cred_py_repr(struct acg_buf *b, const char *s)
{
    char quote = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? '"' : '\'';
    int rc = acg_buf_append_char(b, quote);
    for (const unsigned char *c = (const unsigned char *)s; rc == ACG_OK && *c != '\0'; c++) {
        if (*c == '\\' || *c == (unsigned char)quote)
            rc = acg_buf_printf(b, "\\%c", *c);
        else if (*c == '\n')
            rc = acg_buf_append_str(b, "\\n");
        else if (*c == '\r')
            rc = acg_buf_append_str(b, "\\r");
        else if (*c == '\t')
            rc = acg_buf_append_str(b, "\\t");
        else if (*c < 0x20 || *c == 0x7f)
            rc = acg_buf_printf(b, "\\x%02x", *c);
        else
            rc = acg_buf_append_char(b, (char)*c);
    }
    return rc == ACG_OK ? acg_buf_append_char(b, quote) : rc;
}

/* ---- the HTTP exchange ---- */

void acg_cred_response_init(struct acg_cred_response *r)
{
    r->status = 0;
    acg_buf_init(&r->headers, 1 << 16);
    acg_buf_init_secure(&r->body, 1 << 20);
}

void acg_cred_response_free(struct acg_cred_response *r)
{
    acg_buf_free(&r->headers);
    acg_buf_free_secure(&r->body);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    return acg_buf_append(user, data, size * n) == ACG_OK ? size * n : 0;
}

/* Keeps the final response's header lines as "name: value\n", names lower-cased. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct acg_buf *h = user;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        acg_buf_reset(h);   /* a new response (after 100 Continue or a proxy's answer) */
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (colon == NULL)
        return len;   /* the blank line */
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + len;
    /* as Python's http.client keeps a value: blanks after the colon dropped, the rest as
     * sent but the line break */
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n'))
        end--;
    for (size_t i = 0; i < name_len; i++) {
        char c = data[i];
        if (acg_buf_append_char(h, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) != ACG_OK)
            return 0;
    }
    if (acg_buf_append(h, ": ", 2) != ACG_OK || acg_buf_append(h, v, (size_t)(end - v)) != ACG_OK ||
        acg_buf_append_char(h, '\n') != ACG_OK)
        return 0;
    return len;
}

int acg_cred_http(const char *method, const char *base_url, const char *path, const char *query,
                  const struct acg_header *headers, size_t header_count, const char *body, size_t body_len,
                  const char *ca_bundle, struct acg_cred_response *resp, struct acg_error *err)
{
    struct acg_buf url, line;
    struct curl_slist *list = NULL;
    CURL *h = NULL;
    int rc = ACG_OK;
    acg_buf_init(&url, 0);
    acg_buf_init_secure(&line, 0);   /* a header line may be a token */
    /* the base URL up to its path; the path we were given replaces it */
    const char *scheme_end = strstr(base_url, "://");
    size_t base_len = scheme_end == NULL ? strlen(base_url)
                                         : (size_t)(scheme_end + 3 - base_url) + strcspn(scheme_end + 3, "/?#");
    if (acg_buf_append(&url, base_url, base_len) != ACG_OK || acg_buf_append_str(&url, path) != ACG_OK ||
        (query != NULL && (acg_buf_append_char(&url, '?') != ACG_OK || acg_buf_append_str(&url, query) != ACG_OK))) {
        rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling the credentials service");
        goto done;
    }
    for (size_t i = 0; i < header_count; i++) {
        acg_buf_reset(&line);
        if (acg_buf_printf(&line, "%s: %s", headers[i].name, headers[i].value) != ACG_OK) {
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling the credentials service");
            goto done;
        }
        if (!acg_text_is_header_safe(line.data, line.len)) {
            rc = acg_error_set(err, ACG_ERR_CREDENTIALS, "the %s header holds a control character; nothing was sent",
                               headers[i].name);
            goto done;
        }
        struct curl_slist *next = curl_slist_append(list, line.data);
        if (next == NULL) {
            rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory calling the credentials service");
            goto done;
        }
        list = next;
    }
    /* libcurl adds these unless told not to; botocore sends neither */
    struct curl_slist *next = curl_slist_append(list, "Expect:");
    if (next != NULL)
        list = next;
    next = curl_slist_append(list, "Accept:");
    if (next != NULL)
        list = next;
    h = curl_easy_init();
    if (h == NULL) {
        rc = acg_error_set(err, ACG_ERR_NOMEM, "could not initialise libcurl");
        goto done;
    }
    curl_easy_setopt(h, CURLOPT_URL, url.data);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp->headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 60000L);   /* botocore's defaults */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "acg credential provider");
    if (ca_bundle != NULL && ca_bundle[0] != '\0')
        curl_easy_setopt(h, CURLOPT_CAINFO, ca_bundle);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body != NULL ? body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body_len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        rc = acg_error_set(err, ACG_ERR_TRANSPORT, "Could not connect to the endpoint URL: \"%s\"", url.data);
        goto done;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
done:
    curl_easy_cleanup(h);
    for (struct curl_slist *l = list; l != NULL; l = l->next)
        acg_cred_wipe(l->data, strlen(l->data));   /* the token headers */
    curl_slist_free_all(list);
    acg_buf_free_secure(&line);   /* held a bearer token or a security token */
    acg_buf_free(&url);
    return rc;
}

/* http/acg_retry.h's rules, which this module (below http) cannot include:
 * botocore's ThrottledRetryableChecker codes, and full jitter capped at 20 s. */
static bool throttling(const char *code)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(code, codes[i]) == 0)
            return true;
    }
    return false;
}

static int64_t backoff_ms(int attempt, uint32_t random32)
{
    int64_t cap_ms = 20000;
    if (attempt <= 15 && ((int64_t)1000 << (attempt - 1)) < cap_ms)
        cap_ms = (int64_t)1000 << (attempt - 1);
    return (int64_t)(((uint64_t)random32 * (uint64_t)cap_ms) >> 32);
}

int acg_cred_http_retry(const char *method, const struct acg_cred_target *target, const char *path, const char *query,
                        const struct acg_header *headers, size_t header_count, const char *body, size_t body_len,
                        acg_cred_code_fn code_of, struct acg_cred_response *resp, int *retries, struct acg_error *err)
{
    *retries = 0;
    for (int attempt = 1;; attempt++) {
        struct acg_error one;
        char code[128] = "";
        acg_error_init(&one);
        acg_buf_reset(&resp->headers);
        acg_buf_reset(&resp->body);
        resp->status = 0;
        int rc = acg_cred_http(method, target->ep.url, path, query, headers, header_count, body, body_len,
                               target->ca_bundle, resp, &one);
        if (rc == ACG_OK && (resp->status < 200 || resp->status >= 300))
            code_of(resp, code, sizeof code);
        bool again = rc == ACG_ERR_TRANSPORT ||
                     (rc == ACG_OK && (resp->status == 500 || resp->status == 502 || resp->status == 503 ||
                                       resp->status == 504 || throttling(code)));
        if (!again || attempt >= target->max_attempts) {
            if (rc != ACG_OK)
                acg_error_set(err, one.status, "%s", one.message);
            acg_error_free(&one);
            return rc;
        }
        acg_error_free(&one);
        uint32_t r = 0;
        if (acg_random_bytes(&r, sizeof r) != ACG_OK)
            r = 0x80000000u;
        int64_t ms = backoff_ms(attempt, r);
        struct timespec pause = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
        }
        (*retries)++;
    }
}
