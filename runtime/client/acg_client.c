/* The service client: settings, credentials, endpoint, a pool of reusable connections,
 * SigV4 on every attempt, standard-mode retries and error decoding.
 *
 * Threads (the contract is in acg_client.h). No lock is held across a transfer: each
 * attempt takes an easy handle from the client's pool (acg_handle_pool.c), which carries
 * its own connection, SigV4 key cache and signature buffers, signs and sends with it, and
 * gives it back before any retry delay. What calls share is read-only after creation or
 * guarded by a short lock of its own: the retry quota (a token bucket, as in botocore), the
 * response buffer pool, the random bytes for invocation ids, and the credentials provider
 * (whose lock covers copying and swapping, never the fetch). The endpoint of calls without
 * context parameters is resolved once and published with an atomic pointer, so later
 * calls read it without a lock.
 *
 * One send is a set-up (call_begin), attempts (attempt_begin, the transfer, attempt_end),
 * a verdict on each (attempt_final, retry_after) and a report (call_end). acg_client_send
 * runs them in a loop with a sleep, each transfer on its handle's own multi handle
 * (acg_http_run); acg_client_send_decoding (acg_call_ex's) has that transfer hand a large
 * 2xx body to the call's decoder while it arrives (decode_arriving) instead of keeping it.
 * acg_send.h hands the same steps to the asynchronous calls, which run the transfers on
 * their loop's multi handle and keep every body whole.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/acg_client.h"
#include "common/acg_random.h"
#include "common/acg_text.h"
#include "auth/acg_config.h"
#include "auth/acg_credentials.h"
#include "auth/acg_crypto.h"
#include "http/acg_handle_pool.h"
#include "http/acg_http.h"
#include "client/acg_error_decode.h"
#include "client/acg_operation.h"
#include "http/acg_retry.h"
#include "client/acg_send.h"
#include "acg_runtime.h"
#include "auth/acg_sigv4.h"
#include "protocol/acg_s3.h"

#define DEFAULT_TIMEOUT_MS 60000L
/* The cap on one attempt however slowly the server trickles bytes: the read timeout alone
 * never fires while a byte arrives now and then. Long enough for any JSON answer. */
#define DEFAULT_TOTAL_TIMEOUT_MS 900000L          /* 15 minutes */
#define DEFAULT_MAX_RESPONSE_BYTES ((size_t)64 << 20)
/* botocore's legacy mode defaults to 5 attempts; its other rules (a different backoff and
 * no quota) are approximated by the standard ones. */
#define LEGACY_MAX_ATTEMPTS 5
/* The response buffer pool keeps no buffer larger than this, and lets go of one above
 * POOL_SMALL_BYTES once POOL_IDLE_CALLS bodies in a row have used under a quarter of it. */
#define POOL_MAX_BYTES ((size_t)16 << 20)
#define POOL_SMALL_BYTES ((size_t)64 << 10)
#define POOL_IDLE_CALLS 8
/* Easy handles (so connections) one client keeps at most unless configured: beyond this
 * many concurrent attempts, an attempt waits for a handle to come back. */
#define DEFAULT_MAX_CONNECTIONS 32

/* Response bodies. Each call's body is read into a buffer lent from the client, which
 * comes back when the caller frees the response, so a client making call after call fills
 * one warm buffer instead of allocating a fresh one and page-faulting it in every time (a
 * 10 MB body is some 2,400 faults and the copies of a doubling buffer). One buffer is
 * kept; a call that finds it lent out allocates its own, which may become the kept one.
 * The client and each response holding a lent buffer own a reference, so a response freed
 * after acg_client_destroy() is still safe. */
struct acg_body_pool {
    pthread_mutex_t lock;
    int refs;
    struct acg_buf spare;      /* data NULL when lent out or not yet filled */
    int underused;             /* bodies in a row under a quarter of the kept buffer */
};

/* Where a call goes and how it is signed, from the endpoint rules. */
struct resolved_endpoint {
    struct acg_url url;
    char url_text[2400];
    char signing_name[64];
    char signing_region[64];
};

struct acg_client {
    const struct acg_service *svc;
    bool no_sign_request;             /* every call goes out unsigned */
    struct acg_profile *profile;
    struct acg_settings settings;
    struct acg_credentials_provider *creds;
    char service_id_lower[64];
    char user_agent[192];
    char ca_bundle[1024];
    int max_attempts;
    bool inject_host_prefix;
    struct acg_endpoint_param *client_context;  /* copied from the config, with their text */
    size_t client_context_count;
    struct acg_arena *client_context_arena;
    struct acg_http_options http;
    enum acg_validation_mode validation;
    acg_log_fn log;
    void *log_ctx;
    enum acg_log_level log_level;
    int64_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, int64_t ms);
    uint32_t (*random)(void *ctx);
    void *hook_ctx;

    struct acg_handle_pool *handles;       /* one per attempt in flight */
    /* The endpoint of calls without context parameters or a host prefix: it depends on
     * nothing but the settings, so it is resolved once (on the first such call to succeed,
     * under endpoint_lock) and read without a lock from then on. */
    pthread_mutex_t endpoint_lock;
    const struct resolved_endpoint *_Atomic endpoint;   /* NULL until resolved */
    /* Random bytes for invocation ids, fetched from the kernel a pool at a time, and the
     * retry jitter's generator (seeded from the kernel); both under random_lock. */
    pthread_mutex_t random_lock;
    unsigned char random_pool[256];
    size_t random_used;                    /* bytes of the pool already handed out */
    uint64_t jitter_state;                 /* xorshift64*, never 0 */
    struct acg_retry_quota quota;
    struct acg_body_pool *bodies;
};

/* ---- response buffers ---- */

static struct acg_body_pool *body_pool_new(void)
{
    struct acg_body_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->refs = 1;
    acg_buf_init(&p->spare, 0);
    return p;
}

static void body_pool_release(struct acg_body_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    bool last = --p->refs == 0;
    pthread_mutex_unlock(&p->lock);
    if (!last)
        return;
    acg_buf_free(&p->spare);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Hands the kept buffer (if any) to resp and ties resp to the pool, so the body, whatever
 * buffer it ends up in, comes back in acg_response_free(). */
static void body_pool_lend(struct acg_body_pool *p, struct acg_response *resp)
{
    pthread_mutex_lock(&p->lock);
    p->refs++;
    resp->body = p->spare;
    acg_buf_init(&p->spare, 0);
    pthread_mutex_unlock(&p->lock);
    resp->pool_ = p;
}

/* Keeps b for the next call when the pool has none and b is worth keeping, else frees it;
 * b is left empty either way. */
static void body_pool_give_back(struct acg_body_pool *p, struct acg_buf *b)
{
    pthread_mutex_lock(&p->lock);
    bool keep = p->spare.data == NULL && b->cap <= POOL_MAX_BYTES;
    if (keep && b->cap > POOL_SMALL_BYTES && b->len < b->cap / 4) {
        keep = ++p->underused < POOL_IDLE_CALLS;
        if (!keep)
            p->underused = 0;
    } else if (keep) {
        p->underused = 0;
    }
    if (keep) {
        p->spare = *b;
        acg_buf_init(b, 0);
    }
    pthread_mutex_unlock(&p->lock);
    acg_buf_free(b);   /* a no-op when kept */
}

void acg_response_init(struct acg_response *r)
{
    memset(r, 0, sizeof *r);
    acg_buf_init(&r->body, 0);
    acg_buf_init(&r->header_text, 0);
}

void acg_response_free(struct acg_response *r)
{
    if (r == NULL)
        return;
    if (r->pool_ != NULL) {
        body_pool_give_back(r->pool_, &r->body);
        body_pool_release(r->pool_);
        r->pool_ = NULL;
    }
    acg_buf_free(&r->body);
    acg_buf_free(&r->header_text);
    free(r->headers);
    r->headers = NULL;
    r->header_count = 0;
    r->http_status = 0;
    r->request_id[0] = '\0';
}

/* Keeps the response's headers ("name\0value\0" pairs) with the response. */
static int keep_headers(struct acg_response *resp, const char *text, size_t len)
{
    size_t n = 0;
    acg_buf_reset(&resp->header_text);
    free(resp->headers);
    resp->headers = NULL;
    resp->header_count = 0;
    if (len == 0)
        return ACG_OK;
    ACG_TRY(acg_buf_append(&resp->header_text, text, len));
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\0';
    resp->headers = calloc(n / 2 + 1, sizeof *resp->headers);
    if (resp->headers == NULL)
        return ACG_ERR_NOMEM;
    for (const char *p = resp->header_text.data, *end = p + len; p < end;) {
        const char *name = p;
        p += strlen(p) + 1;
        if (p >= end)
            break;
        resp->headers[resp->header_count++] = (struct acg_header){ name, p };
        p += strlen(p) + 1;
    }
    return ACG_OK;
}

void acg_client_config_init(struct acg_client_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->use_fips = -1;
    cfg->use_dual_stack = -1;
}

/* ---- hooks: real clock, sleep and randomness unless a test supplies its own ---- */

static int64_t client_now_ms(const struct acg_client *c)
{
    if (c->now_ms != NULL)
        return c->now_ms(c->hook_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void client_sleep_ms(const struct acg_client *c, int64_t ms)
{
    if (ms <= 0)
        return;
    if (c->sleep_ms != NULL) {
        c->sleep_ms(c->hook_ctx, ms);
        return;
    }
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* a signal woke us: sleep the rest */
    }
}

/* splitmix64's finaliser: spreads a weak seed over all 64 bits. */
static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* A seed from the kernel; without one (no getrandom, no /dev/urandom) the clock and an
 * address, which is enough for jitter and for ids that only need to differ. */
static uint64_t random_seed(const void *salt)
{
    uint64_t seed = 0;
    if (acg_random_bytes(&seed, sizeof seed) != ACG_OK) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = mix64((uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec) ^
               mix64((uint64_t)(uintptr_t)salt);
    }
    return seed != 0 ? seed : UINT64_C(0x9e3779b97f4a7c15);
}

/* xorshift64* (Vigna): fast, and good enough for jitter; not for secrets. */
static uint64_t xorshift_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545f4914f6cdd1d);
}

static void xorshift_fill(uint64_t *state, unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = xorshift_next(state);
        memcpy(b + i, &v, n - i < 8 ? n - i : 8);
    }
}

/* Retry jitter: the test hook, else the client's generator (no system call per retry). */
static uint32_t client_random(struct acg_client *c)
{
    if (c->random != NULL)
        return c->random(c->hook_ctx);
    pthread_mutex_lock(&c->random_lock);
    uint32_t v = (uint32_t)(xorshift_next(&c->jitter_state) >> 32);
    pthread_mutex_unlock(&c->random_lock);
    return v;
}

/* Sixteen bytes from c's hook. */
static void hook_bytes(struct acg_client *c, unsigned char b[16])
{
    for (size_t i = 0; i < 16; i += 4) {
        uint32_t v = c->random(c->hook_ctx);
        b[i] = (unsigned char)(v >> 24);
        b[i + 1] = (unsigned char)(v >> 16);
        b[i + 2] = (unsigned char)(v >> 8);
        b[i + 3] = (unsigned char)v;
    }
}

void acg_uuid4(struct acg_client *c, char out[37])
{
    unsigned char b[16];
    if (c != NULL && c->random != NULL) {
        hook_bytes(c, b);
    } else if (c != NULL) {
        /* One getrandom() per sixteen ids instead of one per call. */
        pthread_mutex_lock(&c->random_lock);
        if (c->random_used + sizeof b > sizeof c->random_pool) {
            if (acg_random_bytes(c->random_pool, sizeof c->random_pool) != ACG_OK)
                xorshift_fill(&c->jitter_state, c->random_pool, sizeof c->random_pool);
            c->random_used = 0;
        }
        memcpy(b, c->random_pool + c->random_used, sizeof b);
        c->random_used += sizeof b;
        pthread_mutex_unlock(&c->random_lock);
    } else if (acg_random_bytes(b, sizeof b) != ACG_OK) {
        uint64_t state = random_seed(b);
        xorshift_fill(&state, b, sizeof b);
    }
    acg_uuid4_format(b, out);
}

/* ---- logging ---- */

bool acg_client_checksum_when_supported(const struct acg_client *c)
{
    return c->settings.checksum_when_supported;
}

bool acg_client_validate_when_supported(const struct acg_client *c)
{
    return c->settings.validate_when_supported;
}

bool acg_client_log_enabled(const struct acg_client *c, enum acg_log_level level)
{
    return c != NULL && c->log != NULL && level != ACG_LOG_OFF && level <= c->log_level;
}

static void log_v(const struct acg_client *c, enum acg_log_level level, const char *fmt, va_list ap)
    ACG_PRINTF(3, 0);
static void log_v(const struct acg_client *c, enum acg_log_level level, const char *fmt, va_list ap)
{
    char small[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(copy);
        return;
    }
    if ((size_t)n < sizeof small) {
        c->log(c->log_ctx, level, small);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big != NULL) {
            vsnprintf(big, (size_t)n + 1, fmt, copy);
            c->log(c->log_ctx, level, big);
            free(big);
        } else {
            c->log(c->log_ctx, level, small);   /* truncated beats nothing */
        }
    }
    va_end(copy);
}

void acg_client_log(const struct acg_client *c, enum acg_log_level level, const char *fmt, ...)
{
    if (!acg_client_log_enabled(c, level))
        return;
    va_list ap;
    va_start(ap, fmt);
    log_v(c, level, fmt, ap);
    va_end(ap);
}

/* Logs a multi-line text one line per message: the log contract is one line each. */
static void log_lines(const struct acg_client *c, const char *title, const char *text, size_t len)
{
    if (!acg_client_log_enabled(c, ACG_LOG_DEBUG) || text == NULL)
        return;
    acg_client_log(c, ACG_LOG_DEBUG, "%s", title);
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        acg_client_log(c, ACG_LOG_DEBUG, "%.*s", (int)(j - i), text + i);
        i = j + 1;
    }
}

const struct acg_service *acg_client_service(const struct acg_client *c)
{
    return c->svc;
}

enum acg_validation_mode acg_client_validation_mode(const struct acg_client *c)
{
    return c != NULL ? c->validation : ACG_VALIDATE_ENFORCE;
}

/* ---- construction ---- */

/* Max attempts: the caller's, else the configured one; the legacy mode keeps botocore's
 * 5 when nothing is configured (it is otherwise approximated by the standard rules). */
static int resolve_max_attempts(const struct acg_client_config *cfg, const struct acg_profile *p,
                                const struct acg_settings *s, const char *mode)
{
    if (cfg->max_attempts > 0)
        return cfg->max_attempts;
    bool configured = acg_env("AWS_MAX_ATTEMPTS") != NULL ||
                      (p != NULL && acg_profile_get(p, "max_attempts") != NULL);
    if (!configured && strcmp(mode, "legacy") == 0)
        return LEGACY_MAX_ATTEMPTS;
    return s->max_attempts > 0 ? s->max_attempts : 3;
}

/* The config's clientContextParams values, copied into the client's own arena. */
static int copy_client_context(struct acg_client *c, const struct acg_client_config *cfg)
{
    size_t n = cfg->client_context != NULL ? cfg->client_context_count : 0;
    if (n == 0)
        return ACG_OK;
    c->client_context_arena = acg_arena_new();
    c->client_context = c->client_context_arena
                            ? acg_arena_calloc(c->client_context_arena, n, sizeof *c->client_context)
                            : NULL;
    if (c->client_context == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct acg_endpoint_param *p = &cfg->client_context[i];
        struct acg_endpoint_param *q = &c->client_context[i];
        *q = (struct acg_endpoint_param){ .type = p->type, .boolean = p->boolean };
        q->name = acg_arena_strndup(c->client_context_arena, p->name ? p->name : "",
                                    p->name ? strlen(p->name) : 0);
        if (p->type == ACG_EP_STRING && p->str != NULL)
            q->str = acg_arena_strndup(c->client_context_arena, p->str, strlen(p->str));
        if (q->name == NULL || (p->type == ACG_EP_STRING && p->str != NULL && q->str == NULL))
            return ACG_ERR_NOMEM;
        if (p->type != ACG_EP_STRING && p->type != ACG_EP_BOOL)
            q->type = ACG_EP_UNSET;
    }
    c->client_context_count = n;
    return ACG_OK;
}

/* The retry mode and attempt count: the configuration's, else the profile's and the
 * environment's, as botocore resolves them. */
static int client_retries(struct acg_client *c, const struct acg_client_config *cfg,
                          const char **mode_out, struct acg_error *err)
{
    const char *mode = cfg->retry_mode != NULL ? cfg->retry_mode : c->settings.retry_mode;
    if (mode[0] == '\0')
        mode = "standard";
    /* "adaptive" adds a client-side rate limiter in botocore; here it is treated as
     * "standard". "legacy" keeps its 5-attempt default (resolve_max_attempts) and otherwise
     * follows the standard rules. */
    if (strcmp(mode, "standard") != 0 && strcmp(mode, "legacy") != 0 &&
        strcmp(mode, "adaptive") != 0)
        return acg_error_set(err, ACG_ERR_CONFIG,
                             "Invalid value '%s' for retry_mode: valid values are legacy, standard, adaptive",
                             mode);
    c->max_attempts = resolve_max_attempts(cfg, c->profile, &c->settings, mode);
    if (c->max_attempts < 1)
        return acg_error_set(err, ACG_ERR_CONFIG, "max_attempts must be at least 1");
    *mode_out = mode;
    return ACG_OK;
}

static int client_credentials(struct acg_client *c, const struct acg_client_config *cfg,
                              struct acg_error *err)
{
    /* botocore loads no credentials for an unsigned client: a profile whose providers would
     * fail (an assume-role loop, an expired SSO token) does not stop --no-sign-request */
    if (cfg->no_sign_request)
        return ACG_OK;
    c->creds = acg_credentials_provider_new(c->profile, cfg->access_key_id, cfg->secret_access_key,
                                            cfg->session_token, err);
    if (c->creds == NULL)
        return acg_error_set(err, ACG_ERR_CONFIG, "could not set up the credentials provider");
    acg_credentials_provider_set_region(c->creds, c->settings.region);
    acg_credentials_provider_set_process_timeout(c->creds, cfg->credential_process_timeout_ms);
    acg_credentials_provider_set_mfa_prompt(c->creds, cfg->mfa_prompt, cfg->mfa_prompt_ctx);
    return ACG_OK;
}

/* Timeouts, TLS, the user agent and the pools of libcurl handles and body buffers. */
static int client_transport(struct acg_client *c, const struct acg_client_config *cfg,
                            struct acg_error *err)
{
    const char *ca = cfg->ca_bundle != NULL ? cfg->ca_bundle : c->settings.ca_bundle;
    snprintf(c->ca_bundle, sizeof c->ca_bundle, "%s", ca);
    snprintf(c->user_agent, sizeof c->user_agent, "acg/%s (%s)", ACG_VERSION, c->svc->service_id);
    ACG_TRY(acg_check_value(c->user_agent, ACG_ERR_CONFIG, "the user agent",
                            "the service descriptor", err));
    c->http.connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
                                                             : DEFAULT_TIMEOUT_MS;
    c->http.read_timeout_ms = cfg->read_timeout_ms > 0 ? cfg->read_timeout_ms : DEFAULT_TIMEOUT_MS;
    c->http.total_timeout_ms = cfg->total_timeout_ms > 0 ? cfg->total_timeout_ms
                                                         : DEFAULT_TOTAL_TIMEOUT_MS;
    if (c->http.total_timeout_ms < c->http.read_timeout_ms)
        c->http.total_timeout_ms = c->http.read_timeout_ms;
    c->http.no_verify_ssl = cfg->no_verify_ssl;
    c->no_sign_request = cfg->no_sign_request;
    c->http.ca_bundle = c->ca_bundle;
    c->http.max_response_bytes = cfg->max_response_bytes > 0 ? cfg->max_response_bytes
                                                             : DEFAULT_MAX_RESPONSE_BYTES;
    c->http.user_agent = c->user_agent;
    /* Handles live as long as the client: their connection caches are what keep TCP (and
     * TLS) connections open from one call to the next. */
    c->handles = acg_handle_pool_new(&c->http, cfg->max_connections > 0
                                                   ? (size_t)cfg->max_connections
                                                   : DEFAULT_MAX_CONNECTIONS);
    if (c->handles == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "could not initialise libcurl");
    c->bodies = body_pool_new();
    if (c->bodies == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the client");
    return ACG_OK;
}

struct acg_client *acg_client_new(const struct acg_service *svc, const struct acg_client_config *cfg,
                                  struct acg_error *err)
{
    struct acg_client *c = NULL;
    struct acg_client_config defaults;
    if (cfg == NULL) {   /* everything from the environment and the shared files */
        acg_client_config_init(&defaults);
        cfg = &defaults;
    }
    if (svc == NULL || svc->service_id == NULL) {
        acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_client_new: the service is required");
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the client");
        return NULL;
    }
    c->svc = svc;
    c->validation = cfg->validation;
    c->log = cfg->log;
    c->log_ctx = cfg->log_ctx;
    c->log_level = cfg->log_level;
    c->now_ms = cfg->now_ms;
    c->sleep_ms = cfg->sleep_ms;
    c->random = cfg->random;
    c->hook_ctx = cfg->hook_ctx;
    pthread_mutex_init(&c->endpoint_lock, NULL);
    pthread_mutex_init(&c->random_lock, NULL);
    c->random_used = sizeof c->random_pool;   /* empty: the first id fills it */
    c->jitter_state = random_seed(c);
    acg_retry_quota_init(&c->quota, ACG_RETRY_QUOTA_INITIAL);

    const char *mode = NULL;
    if (copy_client_context(c, cfg) != ACG_OK) {
        acg_error_set(err, ACG_ERR_NOMEM, "out of memory creating the client");
        goto fail;
    }
    if (acg_profile_load(cfg->profile, &c->profile, err) != ACG_OK ||
        acg_settings_resolve(c->profile, svc->service_id, cfg->region, cfg->endpoint_url,
                             cfg->use_fips, cfg->use_dual_stack, &c->settings, err) != ACG_OK ||
        client_retries(c, cfg, &mode, err) != ACG_OK || client_credentials(c, cfg, err) != ACG_OK)
        goto fail;
    c->inject_host_prefix = !c->settings.disable_host_prefix_injection;
    if (client_transport(c, cfg, err) != ACG_OK)
        goto fail;
    acg_client_log(c, ACG_LOG_DEBUG, "client: service %s, region %s, retry mode %s, max attempts %d",
                   svc->service_id, c->settings.region[0] != '\0' ? c->settings.region : "(none)",
                   mode, c->max_attempts);
    return c;
fail:
    if (err != NULL && err->status == ACG_OK)
        acg_error_set(err, ACG_ERR_CONFIG, "could not create the client");
    acg_client_destroy(c);
    return NULL;
}

void acg_client_destroy(struct acg_client *c)
{
    if (c == NULL)
        return;
    acg_handle_pool_destroy(c->handles);
    body_pool_release(c->bodies);
    free((void *)atomic_load(&c->endpoint));
    acg_credentials_provider_destroy(c->creds);
    acg_profile_free(c->profile);
    acg_arena_destroy(c->client_context_arena);
    acg_retry_quota_destroy(&c->quota);
    pthread_mutex_destroy(&c->endpoint_lock);
    pthread_mutex_destroy(&c->random_lock);
    free(c);
}

/* ---- one call ---- */

/* What the attempts of one call share. */
struct call_state {
    struct acg_client *c;
    const struct acg_send *call;
    const struct resolved_endpoint *ep;   /* the client's, or own */
    struct resolved_endpoint own;         /* for calls whose endpoint depends on the call */
    struct acg_buf url;                   /* the endpoint joined with the request's path */
    struct acg_buf path;                  /* the path and query as signed */
    struct acg_buf query;
    char invocation_id[37];
    const char *signing_name;
    const char *signing_region;
    const char *payload;     /* the body as sent: the request's or its gzip */
    size_t payload_len;
    bool gzipped;
    bool s3;                     /* signed as S3 signs: X-Amz-Content-SHA256, path as sent */
    char content_sha256[65];     /* S3: the payload's hash, or UNSIGNED-PAYLOAD */
    /* S3 over https with a streaming upload and a checksum computed here: the body goes
     * aws-chunked, the checksum in its trailer, as botocore sends it. */
    bool trailer;
    /* S3's region redirect (botocore's S3RegionRedirectorv2): once per call, to the region
     * the error named, at once and outside the retry budget. */
    bool redirected;
    bool redirect_now;
    char bucket_region[64];
    char decoded_length[24];
    char content_encoding[256];  /* the caller's Content-Encoding with ",aws-chunked" */
    struct {
        size_t off;              /* payload bytes in the chunks before the current one */
        size_t data_n;           /* the current chunk's payload bytes */
        char head[24];           /* its "%zx\r\n" */
        size_t head_len;
        size_t frame_len, frame_pos;   /* 0 frame_len: the next chunk is due */
        bool final, done;
        char tail[160];          /* "0\r\nx-amz-checksum-crc32:VALUE\r\n\r\n" */
    } chunked;
    bool delivered;              /* bytes of the body went to the caller's sink */
    struct acg_header *headers;  /* room for the request's headers and the client's */
    struct acg_response *resp;
    struct acg_buf gz;           /* the compressed body, when it is */
    struct acg_error last;       /* the latest attempt's error */
    struct acg_http_result res;  /* the latest attempt's answer */
    struct acg_pooled_conn *h;   /* the handle of the attempt in flight, or NULL */
    struct acg_arriving *arriving;   /* a 2xx body decoded as it arrives, or NULL */
    int attempt;
    int last_cost;               /* tokens the latest retry took; 0 = no retry yet */
    bool exhausted;              /* the last attempt was retryable, the budget spent */
};

/* aws-chunked (botocore's AwsChunkedWrapper): the payload in chunks of 1 MiB, each
 * "<hex length>\r\n<bytes>\r\n", then "0\r\n<checksum header>:<value>\r\n\r\n". */
#define AWS_CHUNK ((size_t)1 << 20)

static size_t chunked_read(void *ctx, char *buf, size_t size)
{
    struct call_state *st = ctx;
    const unsigned char *data = (const unsigned char *)st->payload;
    size_t n = 0;
    while (n < size && !st->chunked.done) {
        if (st->chunked.frame_len == 0) {
            size_t left = st->payload_len - st->chunked.off;
            st->chunked.final = left == 0;
            st->chunked.data_n = left < AWS_CHUNK ? left : AWS_CHUNK;
            int w = snprintf(st->chunked.head, sizeof st->chunked.head, "%zx\r\n",
                             st->chunked.data_n);
            st->chunked.head_len = w > 0 ? (size_t)w : 0;
            st->chunked.frame_len = st->chunked.final
                                        ? strlen(st->chunked.tail)
                                        : st->chunked.head_len + st->chunked.data_n + 2;
            st->chunked.frame_pos = 0;
        }
        size_t p = st->chunked.frame_pos, take;
        const void *from;
        if (st->chunked.final) {
            from = st->chunked.tail + p;
            take = st->chunked.frame_len - p;
        } else if (p < st->chunked.head_len) {
            from = st->chunked.head + p;
            take = st->chunked.head_len - p;
        } else if (p < st->chunked.head_len + st->chunked.data_n) {
            from = data + st->chunked.off + (p - st->chunked.head_len);
            take = st->chunked.head_len + st->chunked.data_n - p;
        } else {
            from = &"\r\n"[p - st->chunked.head_len - st->chunked.data_n];
            take = st->chunked.frame_len - p;
        }
        if (take > size - n)
            take = size - n;
        memcpy(buf + n, from, take);
        n += take;
        st->chunked.frame_pos += take;
        if (st->chunked.frame_pos == st->chunked.frame_len) {
            st->chunked.done = st->chunked.final;
            st->chunked.off += st->chunked.data_n;
            st->chunked.frame_len = 0;
        }
    }
    return n;
}

/* Whether the call's input streams (a streaming blob payload: PutObject, UploadPart). */
static bool streaming_input(const struct acg_operation *op)
{
    const struct acg_shape *in = op->input;
    for (size_t i = 0; in != NULL && i < in->member_count; i++) {
        const struct acg_member *m = &in->members[i];
        if ((m->flags & ACG_MEMBER_PAYLOAD) && (m->flags & ACG_MEMBER_STREAMING))
            return true;
    }
    return false;
}

/* botocore's _urljoin: the request's path after the endpoint's own ("/" adds nothing), the
 * endpoint's query first, then the request's. Fills st->url and the path and query that
 * are signed. */
static int join_url(struct call_state *st, struct acg_error *err)
{
    const struct acg_url *u = &st->ep->url;
    const struct acg_request *r = st->call->req;
    const char *rpath = r->path.len > 0 ? r->path.data : "/";
    int rc = acg_buf_append_str(&st->path, u->path);
    if (rc == ACG_OK && strcmp(rpath, "/") != 0) {
        if (st->path.len > 0 && st->path.data[st->path.len - 1] == '/')
            st->path.data[--st->path.len] = '\0';
        rc = acg_buf_append_str(&st->path, rpath);
    }
    if (rc == ACG_OK && st->path.len == 0)
        rc = acg_buf_append_char(&st->path, '/');
    if (rc == ACG_OK && u->query[0] != '\0')
        rc = acg_buf_append_str(&st->query, u->query);
    if (rc == ACG_OK && r->query.len > 0) {
        if (st->query.len > 0)
            rc = acg_buf_append_char(&st->query, '&');
        if (rc == ACG_OK)
            rc = acg_buf_append(&st->query, r->query.data, r->query.len);
    }
    if (rc == ACG_OK)
        rc = acg_buf_printf(&st->url, "%s://%s%s%s%s", u->scheme, u->authority, st->path.data,
                            st->query.len > 0 ? "?" : "", st->query.len > 0 ? st->query.data : "");
    if (rc != ACG_OK)
        return acg_error_set(err, rc, "out of memory building the request URL");
    return ACG_OK;
}

static const char *client_region(const struct acg_client *c)
{
    return c->settings.region[0] != '\0' ? c->settings.region : NULL;
}

static int signing_of(struct call_state *st, const char *region, struct acg_error *err);

/* Runs the rules for this call's parameters and region into out. */
static int resolve_into(struct acg_client *c, const struct acg_send *call, const char *region,
                        struct resolved_endpoint *out, struct acg_error *err)
{
    const struct acg_service *svc = c->svc;
    struct acg_endpoint_params params;
    struct acg_endpoint endpoint;
    memset(&params, 0, sizeof params);
    params.builtins.region = region;
    params.builtins.use_fips = c->settings.use_fips;
    params.builtins.use_dual_stack = c->settings.use_dual_stack;
    params.builtins.endpoint = c->settings.endpoint_url[0] != '\0' ? c->settings.endpoint_url : NULL;
    params.context = call->context;
    params.context_count = call->context_count;
    if (acg_s3_service(svc)) {
        const char *bucket = NULL;
        for (size_t i = 0; i < call->context_count; i++) {
            if (strcmp(call->context[i].name, "Bucket") == 0 &&
                call->context[i].type == ACG_EP_STRING)
                bucket = call->context[i].str;
        }
        params.builtins.s3_force_path_style = acg_s3_force_path_style(
            call->op, c->settings.s3_addressing_style, params.builtins.endpoint != NULL, bucket);
    }
    params.client_context = c->client_context;
    params.client_context_count = c->client_context_count;

    memset(&endpoint, 0, sizeof endpoint);
    if (svc->resolve_endpoint != NULL) {
        /* The rule set's own error ("Invalid Configuration: Missing Region", ...) is
         * the message the caller should see: pass it through untouched. */
        int rc = svc->resolve_endpoint(&params, &endpoint, err);
        if (rc != ACG_OK)
            return rc;
    } else if (params.builtins.endpoint != NULL) {
        snprintf(endpoint.url, sizeof endpoint.url, "%s", params.builtins.endpoint);
    } else {
        return acg_error_set(err, ACG_ERR_ENDPOINT,
                             "the service has no endpoint rules and no endpoint URL is configured");
    }
    const char *prefix = c->inject_host_prefix ? call->host_prefix : NULL;
    ACG_TRY(acg_url_parse(endpoint.url, prefix, &out->url, err));
    if (acg_url_format(&out->url, out->url_text, sizeof out->url_text) != ACG_OK)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL is too long");
    memcpy(out->signing_name, endpoint.signing_name, sizeof out->signing_name);
    memcpy(out->signing_region, endpoint.signing_region, sizeof out->signing_region);
    return ACG_OK;
}

static int resolve_endpoint(struct call_state *st, struct acg_error *err)
{
    struct acg_client *c = st->c;
    bool shared = st->call->context_count == 0 &&
                  (st->call->host_prefix == NULL || !c->inject_host_prefix);

    /* Acquire pairs with the release below: a reader that sees the pointer sees the
     * endpoint written before it was published. */
    if (shared)
        st->ep = atomic_load_explicit(&c->endpoint, memory_order_acquire);
    if (shared && st->ep == NULL) {
        pthread_mutex_lock(&c->endpoint_lock);
        int rc = ACG_OK;
        st->ep = atomic_load_explicit(&c->endpoint, memory_order_relaxed);
        if (st->ep == NULL) {
            struct resolved_endpoint *ep = malloc(sizeof *ep);
            if (ep == NULL)
                rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory resolving the endpoint");
            else if ((rc = resolve_into(c, st->call, client_region(c), ep, err)) != ACG_OK)
                free(ep);   /* not kept: the next call tries again and fails the same way */
            else {
                atomic_store_explicit(&c->endpoint, ep, memory_order_release);
                st->ep = ep;
            }
        }
        pthread_mutex_unlock(&c->endpoint_lock);
        if (rc != ACG_OK)
            return rc;
    } else if (!shared) {
        ACG_TRY(resolve_into(c, st->call, client_region(c), &st->own, err));
        st->ep = &st->own;
    }
    return signing_of(st, c->settings.region, err);
}

/* The endpoint's signing name and region, else the service's and region's. */
static int signing_of(struct call_state *st, const char *region, struct acg_error *err)
{
    struct acg_client *c = st->c;
    const struct acg_service *svc = c->svc;
    acg_client_log(c, ACG_LOG_DEBUG, "endpoint: %s", st->ep->url_text);
    if (st->ep->signing_name[0] == '!')
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "the endpoint needs the %s auth scheme, "
                             "which this runtime does not support", st->ep->signing_name + 1);
    st->signing_name = st->ep->signing_name[0] != '\0' ? st->ep->signing_name : svc->signing_name;
    st->signing_region = st->ep->signing_region[0] != '\0' ? st->ep->signing_region : region;
    if (st->signing_name == NULL || st->signing_name[0] == '\0')
        st->signing_name = svc->endpoint_prefix;
    if (st->signing_region == NULL || st->signing_region[0] == '\0')
        return acg_error_set(err, ACG_ERR_CONFIG, "You must specify a region.");
    return ACG_OK;
}

/* Writes v in decimal at out and returns the end. */
static char *put_int(char *out, int v)
{
    char digits[12];
    size_t n = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *out++ = '-';
    while (n > 0)
        *out++ = digits[--n];
    return out;
}

/* "attempt=N; max=M" */
static void format_sdk_request(char out[48], int attempt, int max)
{
    static const char a[] = "attempt=", m[] = "; max=";
    char *p = out;
    memcpy(p, a, sizeof a - 1);
    p = put_int(p + sizeof a - 1, attempt);
    memcpy(p, m, sizeof m - 1);
    p = put_int(p + sizeof m - 1, max);
    *p = '\0';
}

/* A failed exchange in botocore's words, which the AWS CLI prints; libcurl's own words for
 * it go to the debug log. Failures botocore has no class for keep libcurl's. */
static void transport_error(struct acg_error *err, int rc, const struct acg_http_result *res,
                            const char *url)
{
    switch (res->failure) {
    case ACG_HTTP_CONNECT:
        acg_error_set(err, rc, "Could not connect to the endpoint URL: \"%s\"", url);
        break;
    case ACG_HTTP_CONNECT_TIMEOUT:
        acg_error_set(err, rc, "Connect timeout on endpoint URL: \"%s\"", url);
        break;
    case ACG_HTTP_READ_TIMEOUT:
        acg_error_set(err, rc, "Read timeout on endpoint URL: \"%s\"", url);
        break;
    case ACG_HTTP_IO:
        acg_error_set(err, rc, "Connection was closed before we received a valid response "
                      "from endpoint URL: \"%s\".", url);
        break;
    case ACG_HTTP_TLS:
        acg_error_set(err, rc, "SSL validation failed for %s %s", url, res->detail);
        break;
    default:
        acg_error_set(err, rc, "%s: %s", url, res->detail);
        break;
    }
}

/* What a failure before any byte was sent says, in the attempt's error. */
static void note_local_failure(int rc, const struct acg_http_result *res, struct acg_error *err)
{
    if (rc == ACG_ERR_NOMEM || rc == ACG_ERR_INVALID_ARG)
        acg_error_set(err, rc, "%s", res->detail[0] != '\0' ? res->detail
                                                            : "out of memory sending the request");
}

/* The body of the attempt in flight, counted as it is pulled. */
static size_t pull_counted(void *ctx, char *buf, size_t cap, int *failed)
{
    struct call_state *st = ctx;
    size_t n = acg_http_pull(st->h->conn, buf, cap, failed);
    st->arriving->bytes += n;
    return n;
}

/* The transfer's 2xx body has begun and is to be decoded as it arrives (acg_http_run calls
 * this between its reads): the status and headers go into the response first, as the
 * protocol's decoder reads bound members from them. */
static void decode_arriving(void *ctx, struct acg_http_conn *conn)
{
    struct call_state *st = ctx;
    struct acg_arriving *a = st->arriving;
    const char *headers;
    size_t len;
    st->resp->http_status = acg_http_received(conn, &headers, &len);
    a->used = true;
    if (st->call->want_headers && keep_headers(st->resp, headers, len) != ACG_OK)
        a->rc = acg_error_set(&a->err, ACG_ERR_NOMEM, "out of memory reading the response");
    else
        a->rc = a->decode(a, st->resp, pull_counted, st);
    acg_client_log(st->c, ACG_LOG_DEBUG, "response body decoded as it arrived: %zu bytes%s",
                   a->bytes, a->rc == ACG_OK ? "" : " (the decode failed)");
}

/* The headers an attempt sends before its signature: Host, the request's own (the
 * computed checksum moved to an aws-chunked trailer), the SDK's, the payload hash header.
 * Returns how many went into st->headers. */
static size_t unsigned_headers(struct call_state *st, const char *sdk_request,
                               bool unsigned_payload)
{
    const struct acg_request *r = st->call->req;
    struct acg_header *headers = st->headers;
    size_t n = 0;
    headers[n++] = (struct acg_header){ "Host", st->ep->url.authority };
    for (size_t i = 0; i < r->header_count; i++) {
        /* aws-chunked: the computed checksum goes in the trailer, the encoding gets added */
        if (st->trailer && (i + 1 == r->computed_checksum ||
                            strcasecmp(r->headers[i].name, "Content-Encoding") == 0))
            continue;
        headers[n++] = r->headers[i];
    }
    if (st->trailer) {
        headers[n++] = (struct acg_header){ "Content-Encoding", st->content_encoding };
        headers[n++] = (struct acg_header){ "X-Amz-Trailer",
                                            r->headers[r->computed_checksum - 1].name };
        headers[n++] = (struct acg_header){ "X-Amz-Decoded-Content-Length", st->decoded_length };
    }
    headers[n++] = (struct acg_header){ "amz-sdk-invocation-id", st->invocation_id };
    headers[n++] = (struct acg_header){ "amz-sdk-request", sdk_request };
    if (st->gzipped)
        headers[n++] = (struct acg_header){ "Content-Encoding", "gzip" };
    if (st->s3)
        headers[n++] = (struct acg_header){ "X-Amz-Content-SHA256", st->content_sha256 };
    else if (unsigned_payload)
        headers[n++] = (struct acg_header){ "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD" };
    return n;
}

/* Signs the n headers in st->headers with the handle's key cache and buffers, logs what
 * was signed, and appends X-Amz-Date, the session token and Authorization to them.
 * v4-unsigned-body sends and signs UNSIGNED-PAYLOAD in X-Amz-Content-SHA256 and in place
 * of the body's hash, as botocore does. */
static int sign_attempt(struct call_state *st, struct acg_pooled_conn *h,
                        const struct acg_credentials *creds, int64_t now,
                        bool unsigned_payload, size_t *n)
{
    struct acg_client *c = st->c;
    const struct acg_request *r = st->call->req;
    struct acg_sigv4_result *sig = &h->sig;
    struct acg_sigv4_params p = {
        .creds = creds,
        .region = st->signing_region,
        .service = st->signing_name,
        .now_ms = now,
        .normalize_path = !st->s3,
        .sign_session_token = true,
    };
    struct acg_sigv4_request req = {
        .method = r->method,
        .path = st->path.data,
        .query = st->query.len > 0 ? st->query.data : NULL,
        .headers = st->headers,
        .header_count = *n,
        .payload = st->payload,
        .payload_len = st->payload_len,
        .payload_hash = st->s3 ? st->content_sha256 : unsigned_payload ? "UNSIGNED-PAYLOAD" : NULL,
    };
    ACG_TRY(acg_sigv4_sign(&p, &req, &h->sigv4, sig, &st->last));
    if (acg_client_log_enabled(c, ACG_LOG_DEBUG)) {
        /* The canonical request may hold the session token; the helper redacts it. The
         * signature is in neither text, and the Authorization header is never logged. */
        struct acg_buf shown;
        acg_buf_init(&shown, 0);
        if (acg_sigv4_canonical_request_for_log(sig, &shown) == ACG_OK)
            log_lines(c, "canonical request:", shown.data, shown.len);
        acg_buf_free_secure(&shown);
        log_lines(c, "string to sign:", sig->string_to_sign.data, sig->string_to_sign.len);
    }
    st->headers[(*n)++] = (struct acg_header){ "X-Amz-Date", sig->amz_date };
    if (creds->session_token[0] != '\0')
        st->headers[(*n)++] = (struct acg_header){ "X-Amz-Security-Token", creds->session_token };
    st->headers[(*n)++] = (struct acg_header){ "Authorization", sig->authorization.data };
    return ACG_OK;
}

/* Hands the attempt to the handle: where the body goes (a sink, the decoder as it
 * arrives, or the response buffer), the aws-chunked reader, then the request itself. */
static int start_transfer(struct call_state *st, struct acg_pooled_conn *h, size_t n)
{
    struct acg_client *c = st->c;
    const struct acg_request *r = st->call->req;
    if (st->trailer)   /* not signed, as botocore leaves it out */
        st->headers[n++] = (struct acg_header){ "Transfer-Encoding", "chunked" };
    acg_client_log(c, ACG_LOG_DEBUG, "sending %s %s (attempt %d of %d, %zu bytes%s)", r->method,
                   st->url.data, st->attempt, c->max_attempts, st->payload_len,
                   st->gzipped ? ", gzip" : "");
    acg_http_set_sink(h->conn, st->call->sink);
    if (st->arriving != NULL)
        acg_http_set_pull(h->conn, st->arriving->min_bytes, decode_arriving, st);
    if (st->trailer) {
        st->chunked.off = st->chunked.frame_len = st->chunked.frame_pos = 0;
        st->chunked.final = st->chunked.done = false;
        acg_http_set_reader(h->conn, chunked_read, st);
    }
    int rc = acg_http_begin(h->conn, r->method, st->url.data, st->headers, n, st->payload,
                            st->payload_len, &st->resp->body, &st->res);
    if (rc != ACG_OK) {
        acg_http_set_sink(h->conn, NULL);
        acg_http_set_pull(h->conn, 0, NULL, NULL);
        acg_http_set_reader(h->conn, NULL, NULL);
    }
    note_local_failure(rc, &st->res, &st->last);
    return rc;
}

/* Signs the next attempt and sets its transfer up on a handle from pool (st->h): the
 * handle brings its own signing key cache and signature buffers, used by this attempt alone
 * until it goes back, never across a retry delay. On ACG_OK the transfer is ready to run; on
 * failure the attempt is over and nothing is held. The credentials and the signature are
 * wiped before this returns: the handle has copied the header lines. */
static int attempt_begin(struct call_state *st, struct acg_handle_pool *pool)
{
    struct acg_client *c = st->c;
    struct acg_credentials creds;
    char sdk_request[48];
    /* smithy.api#noAuth (and every call of a --no-sign-request client) goes out unsigned. */
    bool no_auth = (st->call->op->flags & ACG_OP_NO_AUTH) != 0 || c->no_sign_request;
    bool unsigned_payload = (st->call->op->flags & ACG_OP_UNSIGNED_PAYLOAD) != 0;
    int64_t now = client_now_ms(c);

    st->h = NULL;
    acg_credentials_init(&creds);
    int rc = no_auth ? ACG_OK : acg_credentials_get(c->creds, now, &creds, &st->last);
    if (rc != ACG_OK) {
        acg_credentials_wipe(&creds);
        return rc;
    }
    format_sdk_request(sdk_request, st->attempt, c->max_attempts);
    size_t n = unsigned_headers(st, sdk_request, unsigned_payload);
    struct acg_pooled_conn *h = acg_handle_pool_take(pool);
    if (h == NULL)
        rc = acg_error_set(&st->last, ACG_ERR_NOMEM, "could not set up a libcurl handle");
    else if (no_auth)
        acg_client_log(c, ACG_LOG_DEBUG, "not signed (the operation takes no authentication)");
    else
        rc = sign_attempt(st, h, &creds, now, unsigned_payload, &n);
    if (rc == ACG_OK)
        rc = start_transfer(st, h, n);
    if (h != NULL)
        acg_sigv4_result_wipe(&h->sig);   /* buffers kept for the next attempt */
    if (h != NULL && rc != ACG_OK) {
        acg_handle_pool_give_back(pool, h);
        h = NULL;
    }
    st->h = h;
    acg_credentials_wipe(&creds);
    return rc;
}

/* The other half: the transfer ran and ended with curl_code. On ACG_OK an HTTP response
 * arrived (st->res.status says which) and, when the call wants them, its headers are in the
 * response (st->res.headers pointed into the handle, which goes back to pool here). */
static int attempt_end(struct call_state *st, struct acg_handle_pool *pool, int curl_code)
{
    struct acg_pooled_conn *h = st->h;
    struct acg_http_result *res = &st->res;
    int rc = acg_http_finish(h->conn, curl_code);
    st->delivered = st->delivered || acg_http_sink_used(h->conn);
    acg_http_set_sink(h->conn, NULL);
    acg_http_set_pull(h->conn, 0, NULL, NULL);
    acg_http_set_reader(h->conn, NULL, NULL);
    note_local_failure(rc, res, &st->last);
    if (rc == ACG_OK && st->call->want_headers &&
        keep_headers(st->resp, res->headers, res->headers_len) != ACG_OK)
        rc = acg_error_set(&st->last, ACG_ERR_NOMEM, "out of memory reading the response");
    res->headers = NULL;
    res->headers_len = 0;
    acg_handle_pool_give_back(pool, h);
    st->h = NULL;
    return rc;
}

/* Starts the next attempt: its counters and error start afresh. */
static void attempt_reset(struct call_state *st)
{
    st->attempt++;
    acg_error_free(&st->last);
    acg_error_init(&st->last);
    memset(&st->res, 0, sizeof st->res);
    st->resp->http_status = 0;
    st->resp->request_id[0] = '\0';
    if (st->arriving != NULL) {
        st->arriving->used = false;
        st->arriving->bytes = 0;
        acg_error_free(&st->arriving->err);
        acg_error_init(&st->arriving->err);
    }
}

static const char *kind_name(enum acg_retry_kind k)
{
    switch (k) {
    case ACG_RETRY_THROTTLING: return "throttled";
    case ACG_RETRY_TIMEOUT: return "timeout";
    case ACG_RETRY_TRANSIENT: return "transient error";
    default: return "not retryable";
    }
}

/* Moves the final attempt's error into the caller's record, keeping an error the caller
 * already had (first error wins). */
static void report(struct acg_error *err, struct acg_error *last, int attempts, bool exhausted)
{
    if (err == NULL)
        return;
    if (err->status == ACG_OK) {
        void *keep_detail = err->detail;
        acg_detail_free_fn keep_free = err->detail_free;
        *err = *last;
        err->detail = keep_detail;
        err->detail_free = keep_free;
    }
    err->attempts = attempts;
    err->retries_exhausted = exhausted;
}

/* A JSON protocol's error answer by botocore's rules for that protocol. botocore reads
 * x-amzn-query-error whenever it is present, whatever the model says, and so do we. */
static int decode_json_error(const struct acg_service *svc, const struct acg_http_result *res,
                             const struct acg_buf *body, struct acg_error *last)
{
    struct acg_error_headers eh = { res->error_type, res->query_error, res->request_id };
    enum acg_error_protocol p = svc->protocol == ACG_PROTOCOL_REST_JSON ? ACG_ERROR_REST_JSON
                                                                        : ACG_ERROR_AWS_JSON;
    return acg_error_decode(p, res->status, &eh, body->data, body->len, last);
}

/* S3SigV4Auth's payload hash, which also goes in X-Amz-Content-SHA256: UNSIGNED-PAYLOAD
 * over https when a checksum computed here (or Content-MD5) vouches for the body and the
 * input streams (or the operation is unsigned-body), else the body's SHA-256 (always over
 * plain http). s3_trailer may replace it. */
static void s3_content_sha256(struct call_state *st)
{
    const struct acg_request *r = st->call->req;
    /* botocore looks for the header of the checksum it chose, else for Content-MD5; a
     * checksum header the caller set does not count */
    bool checksum = r->computed_checksum != 0;
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcasecmp(r->headers[i].name, "Content-MD5") == 0)
            checksum = true;
    }
    bool streaming = streaming_input(st->call->op);
    if (strcmp(st->ep->url.scheme, "https") == 0 && checksum &&
        (streaming || (st->call->op->flags & ACG_OP_UNSIGNED_PAYLOAD)))
        snprintf(st->content_sha256, sizeof st->content_sha256, "UNSIGNED-PAYLOAD");
    else
        acg_sha256_hex(st->payload, st->payload_len, st->content_sha256);
}

/* botocore's trailer location: S3 signing, https, a streaming input, a checksum computed
 * for it (not the caller's). */
static int s3_trailer(struct call_state *st)
{
    const struct acg_request *r = st->call->req;
    if (!st->s3 || r->computed_checksum == 0 || strcmp(st->ep->url.scheme, "https") != 0 ||
        !streaming_input(st->call->op))
        return ACG_OK;
    const struct acg_header *sum = &r->headers[r->computed_checksum - 1];
    int w = snprintf(st->chunked.tail, sizeof st->chunked.tail, "0\r\n%s:%s\r\n\r\n",
                     sum->name, sum->value);
    if (w < 0 || (size_t)w >= sizeof st->chunked.tail)
        return acg_error_set(&st->last, ACG_ERR_INVALID_ARG, "the checksum is too long");
    snprintf(st->decoded_length, sizeof st->decoded_length, "%zu", st->payload_len);
    snprintf(st->content_encoding, sizeof st->content_encoding, "aws-chunked");
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcasecmp(r->headers[i].name, "Content-Encoding") != 0)
            continue;
        w = snprintf(st->content_encoding, sizeof st->content_encoding, "%s,aws-chunked",
                     r->headers[i].value);
        if (w < 0 || (size_t)w >= sizeof st->content_encoding)
            return acg_error_set(&st->last, ACG_ERR_INVALID_ARG,
                                 "the Content-Encoding header is too long");
    }
    snprintf(st->content_sha256, sizeof st->content_sha256, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    st->trailer = true;
    return ACG_OK;
}

/* Sets a call up: endpoint, URL, invocation id, body buffer, compression. Whatever the
 * outcome, call_end() releases st afterwards; a failure is in st->last. */
static int call_begin(struct call_state *st, struct acg_client *c, const struct acg_send *call,
                      struct acg_response *resp)
{
    /* Field by field: st->own (3.8 KB) is written only when the call resolves its own. */
    st->c = c;
    st->call = call;
    st->resp = resp;
    st->ep = NULL;
    st->signing_name = st->signing_region = NULL;
    st->gzipped = false;
    st->delivered = false;
    st->h = NULL;
    st->arriving = NULL;
    st->attempt = 0;
    st->last_cost = 0;
    st->exhausted = false;
    st->headers = calloc(call->req->header_count + 13, sizeof *st->headers);
    acg_buf_init(&st->url, 0);
    acg_buf_init(&st->path, 0);
    acg_buf_init(&st->query, 0);
    acg_buf_init(&st->gz, 0);
    acg_error_init(&st->last);
    if (st->headers == NULL)
        return acg_error_set(&st->last, ACG_ERR_NOMEM, "out of memory sending the request");
    ACG_TRY(resolve_endpoint(st, &st->last));
    ACG_TRY(join_url(st, &st->last));
    acg_uuid4(c, st->invocation_id);

    if (resp->body.data == NULL && resp->pool_ == NULL)
        body_pool_lend(c->bodies, resp);

    st->payload = call->req->body.data != NULL ? call->req->body.data : "";
    st->payload_len = call->req->body.len;
    if (call->req->body_ref != NULL) {
        st->payload = call->req->body_ref;
        st->payload_len = call->req->body_ref_len;
    }
    if ((call->op->flags & ACG_OP_REQUEST_COMPRESSION) &&
        !c->settings.disable_request_compression &&
        (long long)st->payload_len >= (long long)c->settings.request_min_compression_size_bytes) {
        int rc = acg_http_gzip(st->payload, st->payload_len, &st->gz);
        if (rc != ACG_OK)
            return acg_error_set(&st->last, rc, "could not compress the request body");
        acg_client_log(c, ACG_LOG_DEBUG, "request compressed with gzip: %zu -> %zu bytes",
                       st->payload_len, st->gz.len);
        st->payload = st->gz.data;
        st->payload_len = st->gz.len;
        st->gzipped = true;
    }
    st->s3 = acg_s3_signing(c->svc);
    st->trailer = false;
    st->redirected = st->redirect_now = false;
    if (st->s3)
        s3_content_sha256(st);
    return s3_trailer(st);
}

/* botocore's redirect_from_error: an S3 answer that says the bucket is elsewhere (a 301,
 * 302 or 307, PermanentRedirect, AuthorizationHeaderMalformed, HeadObject's and
 * HeadBucket's bodiless 301 or 400, IllegalLocationConstraintException but from
 * CreateBucket) with the bucket's region in x-amz-bucket-region: the endpoint is resolved
 * again for that region and the request sent there, once. An ARN bucket is not redirected.
 * The region from the error body or a HeadBucket, which botocore also tries, is not. */
static bool s3_redirect(struct call_state *st)
{
    struct acg_client *c = st->c;
    const struct acg_response *resp = st->resp;
    const char *code = st->last.aws_type, *op = st->call->op->name, *region = NULL;
    const char *bucket = NULL;
    long status = st->res.status;
    if (!acg_s3_service(c->svc) || st->redirected)
        return false;
    for (size_t i = 0; i < st->call->context_count; i++) {
        if (strcmp(st->call->context[i].name, "Bucket") == 0 &&
            st->call->context[i].type == ACG_EP_STRING)
            bucket = st->call->context[i].str;
    }
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcasecmp(resp->headers[i].name, "x-amz-bucket-region") == 0)
            region = resp->headers[i].value;
    }
    bool head = (strcmp(code, "301") == 0 || strcmp(code, "400") == 0) &&
                (strcmp(op, "HeadObject") == 0 || strcmp(op, "HeadBucket") == 0);
    bool wanted = head || status == 301 || status == 302 || status == 307 ||
                  strcmp(code, "PermanentRedirect") == 0 ||
                  strcmp(code, "AuthorizationHeaderMalformed") == 0 ||
                  (strcmp(code, "IllegalLocationConstraintException") == 0 &&
                   strcmp(op, "CreateBucket") != 0);
    if (!wanted || bucket == NULL || strncmp(bucket, "arn:", 4) == 0 || region == NULL ||
        !acg_region_valid(region))
        return false;
    snprintf(st->bucket_region, sizeof st->bucket_region, "%s", region);
    struct acg_error err;
    acg_error_init(&err);
    acg_buf_reset(&st->url);
    acg_buf_reset(&st->path);
    acg_buf_reset(&st->query);
    int rc = resolve_into(c, st->call, st->bucket_region, &st->own, &err);
    if (rc == ACG_OK) {
        st->ep = &st->own;
        rc = signing_of(st, st->bucket_region, &err);
    }
    if (rc == ACG_OK)
        rc = join_url(st, &err);
    if (rc == ACG_OK && st->s3)
        s3_content_sha256(st);
    if (rc == ACG_OK)
        rc = s3_trailer(st);
    acg_error_free(&err);
    st->redirected = true;
    if (rc != ACG_OK)
        return false;
    acg_client_log(c, ACG_LOG_DEBUG, "the bucket %s is in region %s: sending there", bucket,
                   st->bucket_region);
    return true;
}

/* Reads an attempt that ended with *rc. True when the call is over (*rc is its status:
 * ACG_OK for a 2xx, else the error, in st->last); false for a retryable failure of kind. */
static bool attempt_final(struct call_state *st, int *rc, enum acg_retry_kind *kind)
{
    struct acg_client *c = st->c;
    struct acg_response *resp = st->resp;
    struct acg_http_result *res = &st->res;
    struct acg_error *last = &st->last;
    if (*rc == ACG_OK) {
        resp->http_status = res->status;
        acg_copy_str(resp->request_id, sizeof resp->request_id, res->request_id);
        acg_client_log(c, ACG_LOG_DEBUG, "status: %ld", res->status);
        if (res->request_id[0] != '\0')
            acg_client_log(c, ACG_LOG_DEBUG, "request id: %s", res->request_id);
        /* S3 answers some failures with a 200 and an <Error> body: botocore makes it a 500 */
        if (acg_s3_service(c->svc) &&
            acg_s3_error_in_200(st->call->op, res->status, resp->body.data, resp->body.len)) {
            acg_client_log(c, ACG_LOG_DEBUG, "error found in a response with status 200");
            res->status = 500;
            resp->http_status = 500;
        }
        if (res->status >= 200 && res->status < 300) {
            acg_retry_quota_release(&c->quota, st->last_cost > 0 ? st->last_cost
                                                                 : ACG_RETRY_NO_RETRY_INCREMENT);
            return true;
        }
        struct acg_http_message msg = { .status = res->status, .body = resp->body.data,
                                        .body_len = resp->body.len };
        *rc = acg_protocol_parse_error(c->svc, &msg, res->request_id, last);
        if (*rc == ACG_ERR_UNSUPPORTED) {   /* the JSON protocols */
            *rc = decode_json_error(c->svc, res, &resp->body, last);
            /* restJson1's code by the protocol's own rule, unless x-amzn-query-error
             * named it (botocore lets that header win) */
            if (res->query_error[0] == '\0')
                (void)acg_protocol_error_code(c->svc, res->error_type, resp->body.data,
                                              resp->body.len, last->aws_type,
                                              sizeof last->aws_type);
        }
        const struct acg_shape *modelled = acg_service_find_error(c->svc, last->aws_type);
        *kind = acg_retry_classify(res->status, ACG_HTTP_OK, last->aws_type,
                                   modelled != NULL && (modelled->flags & ACG_SHAPE_RETRYABLE),
                                   modelled != NULL && (modelled->flags & ACG_SHAPE_THROTTLING));
        acg_client_log(c, ACG_LOG_DEBUG, "error: %s: %s", last->aws_type, last->message);
    } else if (*rc == ACG_ERR_TRANSPORT || *rc == ACG_ERR_TOO_LARGE) {
        transport_error(last, *rc, res, st->url.data);
        *kind = acg_retry_classify(0, res->failure, NULL, false, false);
        acg_client_log(c, ACG_LOG_DEBUG, "transport error: %s", res->detail);
    } else {
        return true;   /* credentials, signing, memory: retrying would not help */
    }
    /* Bytes already handed to the caller's sink cannot be taken back. */
    if (!st->delivered && *rc == ACG_ERR_SERVICE && s3_redirect(st)) {
        st->redirect_now = true;
        return false;
    }
    return *kind == ACG_RETRY_NONE || st->delivered;
}

/* After a retryable failure: whether the budget allows another attempt and, if so, the
 * delay before it. */
static bool retry_after(struct call_state *st, enum acg_retry_kind kind, int64_t *delay_ms)
{
    struct acg_client *c = st->c;
    if (st->redirect_now) {   /* S3's redirect: at once, whatever the retry budget */
        st->redirect_now = false;
        *delay_ms = 0;
        return true;
    }
    if (st->attempt >= c->max_attempts) {
        st->exhausted = true;
        acg_client_log(c, ACG_LOG_DEBUG, "not retrying: max attempts (%d) reached",
                       c->max_attempts);
        return false;
    }
    int cost = acg_retry_cost(kind);
    if (!acg_retry_quota_acquire(&c->quota, cost)) {
        acg_client_log(c, ACG_LOG_DEBUG,
                       "not retrying: the retry quota is exhausted (%d tokens left, %d needed)",
                       acg_retry_quota_available(&c->quota), cost);
        return false;
    }
    st->last_cost = cost;
    *delay_ms = acg_retry_delay_ms(st->attempt, client_random(c));
    acg_client_log(c, ACG_LOG_DEBUG, "retrying in %lld ms (attempt %d of %d; %s)",
                   (long long)*delay_ms, st->attempt + 1, c->max_attempts, kind_name(kind));
    return true;
}

/* Releases what call_begin() set up and reports the call's outcome rc to err. */
static int call_end(struct call_state *st, int rc, struct acg_error *err)
{
    acg_buf_free(&st->gz);
    acg_buf_free(&st->url);
    acg_buf_free(&st->path);
    acg_buf_free(&st->query);
    free(st->headers);
    if (rc != ACG_OK)
        report(err, &st->last, st->attempt, st->exhausted);
    else if (err != NULL)
        err->attempts = st->attempt;
    acg_error_free(&st->last);
    return rc;
}

static int check_send(const struct acg_client *c, const struct acg_send *call,
                      const struct acg_response *resp, struct acg_error *err)
{
    if (c == NULL || call == NULL || call->op == NULL || call->req == NULL || resp == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_client_send: missing argument");
    if (call->op->flags & ACG_OP_EVENT_STREAM)
        return acg_error_set(err, ACG_ERR_UNSUPPORTED,
                             "operation %s uses event streams, which this runtime does not support",
                             call->op->name);
    return ACG_OK;
}

/* The blocking send: each attempt's transfer runs on its handle's own multi handle
 * (acg_http_run), which hands a body to arriving's decoder between reads when there is
 * one. */
static int send_blocking(struct acg_client *c, const struct acg_send *call,
                         struct acg_response *resp, struct acg_arriving *arriving,
                         struct acg_error *err)
{
    struct call_state st;
    ACG_TRY(check_send(c, call, resp, err));
    int rc = call_begin(&st, c, call, resp);
    st.arriving = arriving;
    for (bool again = rc == ACG_OK; again;) {
        enum acg_retry_kind kind = ACG_RETRY_NONE;
        int64_t delay = 0;
        attempt_reset(&st);
        rc = attempt_begin(&st, c->handles);
        if (rc == ACG_OK)
            rc = attempt_end(&st, c->handles, acg_http_run(st.h->conn));
        again = !attempt_final(&st, &rc, &kind) && retry_after(&st, kind, &delay);
        if (again)
            client_sleep_ms(c, delay);
    }
    return call_end(&st, rc, err);
}

int acg_client_send(struct acg_client *c, const struct acg_send *call, struct acg_response *resp,
                    struct acg_error *err)
{
    return send_blocking(c, call, resp, NULL, err);
}

int acg_client_send_decoding(struct acg_client *c, const struct acg_send *call,
                             struct acg_response *resp, struct acg_arriving *arriving,
                             struct acg_error *err)
{
    return send_blocking(c, call, resp, arriving, err);
}

/* ---- the same, in steps (acg_send.h) ---- */

struct acg_send_state {
    struct call_state st;
};

struct acg_send_state *acg_send_open(struct acg_client *c, const struct acg_send *call,
                                     struct acg_response *resp, int *rc, struct acg_error *err)
{
    if ((*rc = check_send(c, call, resp, err)) != ACG_OK)
        return NULL;
    struct acg_send_state *s = malloc(sizeof *s);
    if (s == NULL) {
        *rc = acg_error_set(err, ACG_ERR_NOMEM, "out of memory sending the request");
        return NULL;
    }
    *rc = call_begin(&s->st, c, call, resp);
    return s;
}

int acg_send_attempt(struct acg_send_state *s, struct acg_handle_pool *pool, void **easy)
{
    attempt_reset(&s->st);
    int rc = attempt_begin(&s->st, pool);
    *easy = rc == ACG_OK ? acg_http_easy(s->st.h->conn) : NULL;
    return rc;
}

int acg_send_attempt_done(struct acg_send_state *s, struct acg_handle_pool *pool, int curl_code)
{
    return attempt_end(&s->st, pool, curl_code);
}

void acg_send_abandon(struct acg_send_state *s, struct acg_handle_pool *pool)
{
    if (s->st.h != NULL)
        (void)attempt_end(&s->st, pool, CURLE_ABORTED_BY_CALLBACK);
}

bool acg_send_next(struct acg_send_state *s, int *rc, int64_t *delay_ms)
{
    enum acg_retry_kind kind = ACG_RETRY_NONE;
    return !attempt_final(&s->st, rc, &kind) && retry_after(&s->st, kind, delay_ms);
}

int acg_send_close(struct acg_send_state *s, int rc, struct acg_error *err)
{
    rc = call_end(&s->st, rc, err);
    free(s);
    return rc;
}

struct acg_handle_pool *acg_client_handle_pool_new(struct acg_client *c)
{
    return acg_handle_pool_new(&c->http, SIZE_MAX);
}
