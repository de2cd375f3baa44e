/* HTTP over libcurl: easy handles reused so keep-alive works (a client keeps a pool of
 * them, acg_handle_pool.c), with
 * timeouts that bound every attempt and a cap on the response size.
 *
 * Timeouts. libcurl's CURLOPT_TIMEOUT_MS bounds the whole transfer, which is not what a
 * read timeout means to AWS SDK users: the AWS CLI's --cli-read-timeout is a socket
 * timeout, "no byte for N seconds". So the progress callback tracks when a byte last moved
 * and aborts after read_timeout_ms of silence, exactly that rule. A socket timeout alone
 * never fires against a server that trickles (one byte every 0.9 s holds a 5 s timeout
 * open for ever, in the AWS CLI too), so the callback adds a floor on the rate: once the
 * request is under way, any read_timeout_ms window in which fewer than LOW_SPEED_BYTES_PER_S
 * bytes a second moved (either way) ends the attempt as a read timeout too. The floor is
 * low on purpose: a real answer's first packet (status line and headers) alone clears it,
 * so it only stops servers that dribble, and a timeout keeps its meaning of a window the
 * size of the read timeout. libcurl's CURLOPT_LOW_SPEED_* was not enough: whole seconds,
 * and an average over libcurl's own five-second window, so a trickle was caught only after
 * twice the read timeout. CURLOPT_TIMEOUT_MS stays as the overall cap (total_timeout_ms).
 * libcurl calls the progress callback at least once a second while idle, so a read timeout
 * fires within about a second of its due time.
 *
 * Cost per request. Everything that is the same for every request (timeouts, TLS, the
 * callbacks, the allowed protocols, which libcurl parses) is set once in
 * acg_http_conn_new(); a request sets only its URL when it changed, its body and its
 * header list. The User-Agent goes in the header list as a line made once: given as
 * CURLOPT_USERAGENT, libcurl formats it into a fresh string on every request and then
 * copies that into the request a byte at a time. The header lines are written into one
 * buffer the handle keeps, and the list nodes libcurl walks live in an array beside it, so
 * a request makes no heap allocation of its own once the first few have sized them. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "auth/acg_crypto.h"
#include "common/acg_text.h"
#include "http/acg_http.h"

/* Headers libcurl always gets besides the caller's. "Expect:" with no value stops libcurl
 * from sending Expect: 100-continue for large bodies, which costs a round trip (or a 1 s
 * wait) and which AWS does not need; "Accept:" drops libcurl's default Accept header;
 * "Content-Type:" its form type for a POST body without one (a restJson1 blob payload is
 * sent with none, as botocore sends it; a caller's Content-Type still goes out). */
static const char *const fixed_headers[] = { "Expect:", "Accept:", "Content-Type:" };
#define FIXED_HEADER_COUNT (sizeof fixed_headers / sizeof fixed_headers[0])

#define RECEIVE_BUFFER_BYTES (256L * 1024)

/* The rate floor within each read-timeout window (see the top of the file). */
#define LOW_SPEED_BYTES_PER_S 16
/* Bytes moved so far, sampled at most every eighth of the read timeout, so the ring always
 * reaches a window back. */
#define RATE_SAMPLES 16

struct rate_sample {
    int64_t at_ms;
    curl_off_t total;   /* downloaded + uploaded */
};

struct acg_http_conn {
    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
    size_t max_body;
    long read_timeout_ms;
    /* What the handle was last told, so a request sets only what changed. */
    struct acg_buf url;
    char method[16];           /* "" until the first request, or after a longer one */
    char *user_agent_line;     /* "User-Agent: ..." or NULL for none */
    /* The request's header lines: "Name: value" strings one after another, each with its
     * NUL, and the list nodes pointing into them (libcurl only reads the list). */
    struct acg_buf header_text;
    struct curl_slist *header_nodes;
    size_t header_node_cap;
    /* The response's headers: "name\0value\0" pairs, each value trimmed. */
    struct acg_buf response_headers;
    /* Per-transfer state the callbacks share. */
    const struct acg_body_sink *sink;   /* where a 2xx body goes, or NULL: into body */
    bool sink_used;                     /* bytes went to the sink */
    bool sink_failed;
    CURLM *multi;                       /* acg_http_run's, made on its first transfer */
    bool done;                          /* ... and the transfer on it ended with result */
    CURLcode result;
    /* A 2xx body pulled instead of kept (acg_http_set_pull). */
    size_t pull_min;                    /* 0: never */
    acg_http_pulled_fn on_pulled;
    void *pulled_ctx;
    bool decided;                       /* the body's first bytes came: pulled or kept */
    bool pulling;
    bool paused;                        /* a piece waits in libcurl (pull_in) */
    char *dst;                          /* where acg_http_pull wants bytes, or NULL */
    size_t dst_cap, dst_len;
    struct acg_buf spill;               /* bytes that came with no room left in dst */
    size_t spill_pos;                   /* how much of spill has been pulled */
    size_t pulled;                      /* body bytes received while pulling */
    acg_http_read_fn reader;            /* the request body, made as it goes, or NULL */
    void *reader_ctx;
    struct acg_buf *body;
    struct acg_http_result *res;
    bool too_large;
    int64_t last_progress_ms;
    curl_off_t last_dl, last_ul;
    bool under_way;            /* the request has started: connected, or sent a byte */
    bool read_timed_out;
    bool trickled;             /* ... because of the rate floor, not silence */
    struct rate_sample samples[RATE_SAMPLES];
    size_t n_samples;          /* samples taken in this transfer; the ring holds the last */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

bool acg_http_global_init(void)
{
    pthread_once(&global_once, global_init);
    return global_rc == CURLE_OK;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* At the body's first bytes the status is final: a 2xx body of pull_min bytes or more, or
 * of unknown length, is pulled (acg_http_set_pull). */
static void decide(struct acg_http_conn *h)
{
    long status = 0;
    long long length = h->res->content_length;
    h->decided = true;
    curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
    h->pulling = h->on_pulled != NULL && h->multi != NULL && status >= 200 && status < 300 &&
                 (length < 0 || (unsigned long long)length >= h->pull_min);
    if (h->pulling)
        h->res->status = status;
}

static bool spilled(const struct acg_http_conn *h)
{
    return h->spill_pos < h->spill.len;
}

/* A piece of a pulled body: into the room acg_http_pull offered, the rest kept for the
 * next pull (libcurl hands over what one read of the socket gave, up to its buffer). One
 * turn of libcurl reads the socket for as long as it has data, so once a piece waits, the
 * transfer pauses (libcurl holds the piece and stops reading) until the reader has taken
 * it: the kernel's socket buffer, not ours, holds the rest, and so the body is never held
 * whole here either. */
static size_t pull_in(struct acg_http_conn *h, const char *data, size_t n)
{
    if (spilled(h) && (h->dst == NULL || h->dst_cap - h->dst_len < n)) {
        h->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (n > h->max_body - h->pulled) {
        h->too_large = true;
        return 0;
    }
    h->pulled += n;
    size_t k = 0;
    if (h->dst != NULL) {
        k = h->dst_cap - h->dst_len < n ? h->dst_cap - h->dst_len : n;
        memcpy(h->dst + h->dst_len, data, k);
        h->dst_len += k;
    }
    if (k < n && acg_buf_append(&h->spill, data + k, n - k) != ACG_OK)
        return 0;
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct acg_http_conn *h = ud;
    size_t n = size * nmemb;
    if (h->pull_min > 0 && !h->decided)
        decide(h);
    if (h->pulling)
        return pull_in(h, data, n);
    if (h->sink != NULL) {
        /* A success body streams to the caller; an error body is kept to be decoded. */
        long status = 0;
        curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) {
            h->sink_used = true;
            if (h->sink->write(h->sink->ctx, data, n) != 0) {
                h->sink_failed = true;
                return 0;
            }
            return n;
        }
    }
    if (h->body->len + n > h->max_body) {
        h->too_large = true;
        return 0;   /* CURLE_WRITE_ERROR ends the transfer now, not after 4 GiB */
    }
    if (acg_buf_append(h->body, data, n) != ACG_OK)
        return 0;
    return n;
}

/* Copies a header value (trimmed) into out. */
static void header_value(const char *v, size_t len, char *out, size_t out_size)
{
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' ||
                       v[len - 1] == '\t'))
        len--;
    if (len >= out_size)
        len = out_size - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

/* Appends "name\0value\0" with the value trimmed. */
static int keep_header(struct acg_buf *b, const char *name, size_t name_len, const char *v,
                       size_t len)
{
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' ||
                       v[len - 1] == '\t'))
        len--;
    ACG_TRY(acg_buf_append(b, name, name_len));
    ACG_TRY(acg_buf_append_char(b, '\0'));
    ACG_TRY(acg_buf_append(b, v, len));
    return acg_buf_append_char(b, '\0');
}

static bool name_is(const char *line, size_t name_len, const char *name)
{
    return strlen(name) == name_len && strncasecmp(line, name, name_len) == 0;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    struct acg_http_conn *h = ud;
    struct acg_http_result *res = h->res;
    size_t n = size * nmemb;

    /* A new status line (after a 100 Continue or a proxy's CONNECT answer) starts a new
     * header block: forget what the previous one said. */
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        res->request_id[0] = '\0';
        res->error_type[0] = '\0';
        res->query_error[0] = '\0';
        res->content_length = -1;
        acg_buf_reset(&h->response_headers);
        return n;
    }
    const char *colon = memchr(line, ':', n);
    if (colon == NULL)
        return n;
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vlen = n - name_len - 1;
    if (keep_header(&h->response_headers, line, name_len, v, vlen) != ACG_OK)
        return 0;
    if (name_is(line, name_len, "x-amzn-requestid") ||
        (res->request_id[0] == '\0' && name_is(line, name_len, "x-amz-request-id"))) {
        header_value(v, vlen, res->request_id, sizeof res->request_id);
    } else if (name_is(line, name_len, "x-amzn-errortype")) {
        header_value(v, vlen, res->error_type, sizeof res->error_type);
    } else if (name_is(line, name_len, "x-amzn-query-error")) {
        header_value(v, vlen, res->query_error, sizeof res->query_error);
    } else if (name_is(line, name_len, "content-length")) {
        char num[32];
        header_value(v, vlen, num, sizeof num);
        char *end = NULL;
        long long cl = strtoll(num, &end, 10);
        if (end != num && *end == '\0' && cl >= 0) {
            res->content_length = cl;
            /* Refuse an announced oversize body before reading any of it. */
            if ((unsigned long long)cl > (unsigned long long)h->max_body) {
                h->too_large = true;
                return 0;
            }
            /* Size the body buffer once instead of doubling it (and copying) as the body
             * arrives, unless it is to be pulled. A failure here ends the transfer as out
             * of memory. */
            if (h->sink == NULL && !(h->pull_min > 0 && (unsigned long long)cl >= h->pull_min) &&
                acg_buf_reserve(h->body, (size_t)cl) != ACG_OK)
                return 0;
        }
    }
    return n;
}

/* Records how far the transfer has come and says whether the last read_timeout_ms moved
 * fewer bytes than the floor allows. Called only once the request is under way. */
static bool below_rate_floor(struct acg_http_conn *h, int64_t now, curl_off_t total)
{
    const struct rate_sample *last =
        h->n_samples > 0 ? &h->samples[(h->n_samples - 1) % RATE_SAMPLES] : NULL;
    if (last == NULL || now - last->at_ms >= h->read_timeout_ms / 8) {
        h->samples[h->n_samples % RATE_SAMPLES] = (struct rate_sample){ now, total };
        h->n_samples++;
    }
    /* The newest sample at least one window old: what moved since then is this window's. */
    const struct rate_sample *base = NULL;
    size_t kept = h->n_samples < RATE_SAMPLES ? h->n_samples : RATE_SAMPLES;
    for (size_t k = 0; k < kept; k++) {
        const struct rate_sample *s = &h->samples[(h->n_samples - 1 - k) % RATE_SAMPLES];
        if (now - s->at_ms >= h->read_timeout_ms) {
            base = s;
            break;
        }
    }
    curl_off_t floor = (curl_off_t)LOW_SPEED_BYTES_PER_S * h->read_timeout_ms / 1000;
    if (base == NULL || total - base->total >= (floor > 0 ? floor : 1))
        return false;
    h->read_timed_out = h->trickled = true;
    return true;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct acg_http_conn *h = ud;
    (void)dltotal;
    (void)ultotal;
    int64_t now = monotonic_ms();
    bool moved = dlnow != h->last_dl || ulnow != h->last_ul;
    if (moved) {
        h->last_dl = dlnow;
        h->last_ul = ulnow;
        h->last_progress_ms = now;
    }
    /* The connect phase has its own timeout; count silence once connected. A connection
     * kept alive from an earlier call reports no connect time (libcurl made no connect),
     * so the request having started on it (pretransfer) counts as connected too; so does a
     * byte moving. Neither time goes back to zero within a transfer, so they are asked for
     * only until then. */
    if (!h->under_way && !moved) {
        curl_off_t connect_us = 0, pretransfer_us = 0;
        curl_easy_getinfo(h->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
        curl_easy_getinfo(h->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
        if (connect_us == 0 && pretransfer_us == 0 && ulnow == 0) {
            h->last_progress_ms = now;
            return 0;
        }
    }
    h->under_way = true;
    if (now - h->last_progress_ms >= h->read_timeout_ms) {
        h->read_timed_out = true;
        return 1;
    }
    return below_rate_floor(h, now, dlnow + ulnow) ? 1 : 0;
}

/* Gives libcurl the settings every request of this handle shares. A failed setopt means
 * memory ran out or libcurl lacks a feature; either way the handle is not usable. */
static CURLcode set_fixed_options(struct acg_http_conn *h, const struct acg_http_options *o)
{
    CURL *e = h->easy;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                      \
    do {                                                   \
        if (rc == CURLE_OK)                                \
            rc = curl_easy_setopt(e, opt, val);            \
    } while (0)
    SET(CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM for DNS timeouts */
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    /* The path goes out as the caller built it: botocore sends an --endpoint-url path such
     * as "/./a/../b" as written (and signs it normalised), while libcurl would squash the
     * dot segments and send "/b". */
    SET(CURLOPT_PATH_AS_IS, 1L);
    SET(CURLOPT_ERRORBUFFER, h->errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, h);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, h);
    /* The progress callback is what enforces the read timeout (see the top of the file). */
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, h);
    SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, o->total_timeout_ms);
    /* Belt and braces for the read timeout: libcurl's own low-speed check (under one byte a
     * second for the whole window, whole seconds rounded up) runs only once the request is
     * under way, whatever the progress callback concludes about the phase. */
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, (o->read_timeout_ms + 999) / 1000);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    /* libcurl's 16 KiB receive buffer takes some 600 reads (and as many trips through the
     * event loop) for a 10 MB body; 256 KiB takes about 40. It is allocated once per
     * handle, and only the part a read fills is ever touched. */
    SET(CURLOPT_BUFFERSIZE, RECEIVE_BUFFER_BYTES);
    SET(CURLOPT_SSL_VERIFYPEER, o->no_verify_ssl ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, o->no_verify_ssl ? 0L : 2L);
    /* Without a bundle libcurl keeps its built-in CA file and path (the system store);
     * setting CAINFO to NULL would drop the file. */
    if (o->ca_bundle != NULL && o->ca_bundle[0] != '\0')
        SET(CURLOPT_CAINFO, o->ca_bundle);
    /* Compressed responses are not asked for: the size cap must hold for what we keep. */
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response_bytes);
#undef SET
    return rc;
}

struct acg_http_conn *acg_http_conn_new(const struct acg_http_options *o)
{
    if (!acg_http_global_init())
        return NULL;
    struct acg_http_conn *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    acg_buf_init(&h->url, 0);
    acg_buf_init_secure(&h->header_text, 0);   /* the token and the signature pass here */
    acg_buf_init(&h->response_headers, 64 << 10);   /* a header block larger than this is refused */
    acg_buf_init(&h->spill, 0);
    h->max_body = o->max_response_bytes;
    h->read_timeout_ms = o->read_timeout_ms;
    if (o->user_agent != NULL && o->user_agent[0] != '\0') {
        static const char name[] = "User-Agent: ";
        size_t len = strlen(o->user_agent);
        h->user_agent_line = malloc(sizeof name + len);
        if (h->user_agent_line == NULL) {
            acg_http_conn_destroy(h);
            return NULL;
        }
        memcpy(h->user_agent_line, name, sizeof name - 1);
        memcpy(h->user_agent_line + sizeof name - 1, o->user_agent, len + 1);
    }
    h->easy = curl_easy_init();
    if (h->easy == NULL || set_fixed_options(h, o) != CURLE_OK) {
        acg_http_conn_destroy(h);
        return NULL;
    }
    return h;
}

bool acg_http_conn_join(struct acg_http_conn *h, void *share)
{
    return curl_easy_setopt(h->easy, CURLOPT_SHARE, (CURLSH *)share) == CURLE_OK;
}

void acg_http_conn_destroy(struct acg_http_conn *h)
{
    if (h == NULL)
        return;
    if (h->multi != NULL)
        curl_multi_cleanup(h->multi);   /* closes the connection it keeps */
    curl_easy_cleanup(h->easy);
    acg_buf_free(&h->spill);
    acg_buf_free(&h->url);
    acg_buf_free(&h->response_headers);
    acg_buf_free_secure(&h->header_text);
    free(h->header_nodes);
    free(h->user_agent_line);
    free(h);
}

/* Writes "name: value" and its NUL into text, which has room for it (reserved by the
 * caller from the same lengths). */
static void put_header_line(struct acg_buf *text, const char *name, size_t name_len,
                            const char *value, size_t value_len)
{
    char *p = text->data + text->len;
    memcpy(p, name, name_len);
    p += name_len;
    if (value != NULL) {
        memcpy(p, ": ", 2);
        memcpy(p + 2, value, value_len);
        p += 2 + value_len;
    }
    *p++ = '\0';
    text->len = (size_t)(p - text->data);
    *p = '\0';   /* the buffer's own terminator, inside the reserved room */
}

/* Builds the request's header list in the handle's own storage and returns its head. The
 * text is sized first, so the lines do not move while the nodes are pointed at them. */
static int build_header_list(struct acg_http_conn *h, const struct acg_header *headers,
                             size_t header_count, struct curl_slist **out)
{
    size_t lines = header_count + FIXED_HEADER_COUNT + 1;   /* + the user agent */
    if (lines > h->header_node_cap) {
        struct curl_slist *nodes = realloc(h->header_nodes, lines * sizeof *nodes);
        if (nodes == NULL)
            return ACG_ERR_NOMEM;
        h->header_nodes = nodes;
        h->header_node_cap = lines;
    }
    size_t text_len = 0;
    for (size_t i = 0; i < header_count; i++) {
        if (headers[i].value == NULL)
            continue;
        size_t name_len = strlen(headers[i].name), value_len = strlen(headers[i].value);
        /* The last line of defence against header injection: every source checks its
         * values, and a header that still carries a control byte is never sent. */
        if (acg_has_control(headers[i].name, name_len) ||
            !acg_text_is_header_safe(headers[i].value, value_len))
            return ACG_ERR_INVALID_ARG;
        text_len += name_len + 2 + value_len + 1;
    }
    for (size_t i = 0; i < FIXED_HEADER_COUNT; i++)
        text_len += strlen(fixed_headers[i]) + 1;
    acg_buf_reset(&h->header_text);
    ACG_TRY(acg_buf_reserve(&h->header_text, text_len));

    size_t n = 0;
    for (size_t i = 0; i < header_count + FIXED_HEADER_COUNT; i++) {
        const char *name, *value;
        if (i < header_count) {
            name = headers[i].name;
            value = headers[i].value;
            if (value == NULL)
                continue;
        } else {
            name = fixed_headers[i - header_count];
            value = NULL;
        }
        h->header_nodes[n].data = h->header_text.data + h->header_text.len;
        put_header_line(&h->header_text, name, strlen(name), value,
                        value != NULL ? strlen(value) : 0);
        h->header_nodes[n].next = NULL;
        if (n > 0)
            h->header_nodes[n - 1].next = &h->header_nodes[n];
        n++;
    }
    if (h->user_agent_line != NULL) {
        h->header_nodes[n].data = h->user_agent_line;
        h->header_nodes[n].next = NULL;
        if (n > 0)
            h->header_nodes[n - 1].next = &h->header_nodes[n];
        n++;
    }
    *out = h->header_nodes;
    return ACG_OK;
}

/* Sets what differs from one request to the next: the URL (only when it changed; libcurl
 * copies it), the method and the body. */
static CURLcode set_request_options(struct acg_http_conn *h, const char *method,
                                    const char *url, const void *body, size_t body_len)
{
    CURL *e = h->easy;
    CURLcode rc = CURLE_OK;
    if (h->url.data == NULL || strcmp(h->url.data, url) != 0) {
        acg_buf_reset(&h->url);   /* "" until libcurl has taken the new one */
        rc = curl_easy_setopt(e, CURLOPT_URL, url);
        if (rc == CURLE_OK && acg_buf_append_str(&h->url, url) != ACG_OK)
            rc = CURLE_OUT_OF_MEMORY;
    }
    bool post = strcmp(method, "POST") == 0;
    bool get = strcmp(method, "GET") == 0;
    bool head = strcmp(method, "HEAD") == 0;   /* no body follows, whatever Content-Length says */
    if (rc == CURLE_OK && strcmp(method, h->method) != 0) {
        /* POST, GET and HEAD are libcurl's own; anything else is a verb it sends as given. */
        rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, post || get || head ? NULL : method);
        size_t len = strlen(method);
        if (rc == CURLE_OK && len < sizeof h->method)
            memcpy(h->method, method, len + 1);
        else
            h->method[0] = '\0';   /* set it again next time */
    }
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(e, CURLOPT_NOBODY, head ? 1L : 0L);
    if (rc != CURLE_OK || head)
        return rc;
    if (h->reader != NULL) {
        /* an upload of unknown length: libcurl sends it chunked */
        rc = curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        if (rc == CURLE_OK)
            rc = curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)-1);
        return rc;
    }
    if (post || (!get && body_len > 0)) {
        rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, body_len > 0 ? body : "");
        if (rc == CURLE_OK)
            rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else {
        rc = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);   /* also undoes an earlier POST */
    }
    return rc;
}

static enum acg_http_failure failure_of(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return ACG_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return ACG_HTTP_READ_TIMEOUT;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
        return ACG_HTTP_IO;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return ACG_HTTP_TLS;
    default:
        return ACG_HTTP_OTHER;
    }
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    struct acg_http_conn *h = ud;
    return h->reader != NULL ? h->reader(h->reader_ctx, buf, size * nitems) : 0;
}

void acg_http_set_reader(struct acg_http_conn *h, acg_http_read_fn read, void *ctx)
{
    h->reader = read;
    h->reader_ctx = ctx;
    curl_easy_setopt(h->easy, CURLOPT_READFUNCTION, read != NULL ? on_read : NULL);
    curl_easy_setopt(h->easy, CURLOPT_READDATA, read != NULL ? (void *)h : NULL);
    if (read == NULL)
        curl_easy_setopt(h->easy, CURLOPT_UPLOAD, 0L);
}

void acg_http_set_sink(struct acg_http_conn *h, const struct acg_body_sink *sink)
{
    h->sink = sink;
}

bool acg_http_sink_used(const struct acg_http_conn *h)
{
    return h->sink_used;
}

/* Forgets the transfer's pointers and zeroes the header lines: they hold the Authorization
 * signature and any session token. */
static int end_transfer(struct acg_http_conn *h, int status)
{
    h->body = NULL;
    h->res = NULL;
    acg_secure_zero(h->header_text.data, h->header_text.len);
    acg_buf_reset(&h->header_text);
    return status;
}

int acg_http_perform(struct acg_http_conn *h, const char *method, const char *url,
                     const struct acg_header *headers, size_t header_count, const void *body,
                     size_t body_len, struct acg_buf *resp_body, struct acg_http_result *res)
{
    int status = acg_http_begin(h, method, url, headers, header_count, body, body_len,
                                resp_body, res);
    if (status != ACG_OK)
        return status;
    return acg_http_finish(h, curl_easy_perform(h->easy));
}

void *acg_http_easy(struct acg_http_conn *h)
{
    return h->easy;
}

int acg_http_begin(struct acg_http_conn *h, const char *method, const char *url,
                   const struct acg_header *headers, size_t header_count, const void *body,
                   size_t body_len, struct acg_buf *resp_body, struct acg_http_result *res)
{
    struct curl_slist *list = NULL;
    int status;

    memset(res, 0, sizeof *res);
    res->content_length = -1;
    acg_buf_reset(resp_body);
    acg_buf_reset(&h->response_headers);
    if (!acg_text_is_header_safe(url, strlen(url)) || strchr(url, ' ') != NULL ||
        strchr(url, '\t') != NULL) {
        res->failure = ACG_HTTP_OTHER;
        snprintf(res->detail, sizeof res->detail,
                 "the URL contains a space or a control character; nothing was sent");
        return ACG_ERR_INVALID_ARG;
    }
    status = build_header_list(h, headers, header_count, &list);
    if (status == ACG_ERR_INVALID_ARG) {
        res->failure = ACG_HTTP_OTHER;
        snprintf(res->detail, sizeof res->detail,
                 "a header contains a control character (such as CR or LF); nothing was sent");
    }
    if (status != ACG_OK)
        return end_transfer(h, status);

    h->body = resp_body;
    h->res = res;
    h->too_large = false;
    h->sink_used = h->sink_failed = false;
    h->last_progress_ms = monotonic_ms();
    h->last_dl = h->last_ul = 0;
    h->under_way = false;
    h->read_timed_out = false;
    h->trickled = false;
    h->n_samples = 0;
    h->errbuf[0] = '\0';
    h->decided = h->pulling = false;

    CURLcode rc = set_request_options(h, method, url, body, body_len);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, list);
    return rc == CURLE_OK ? ACG_OK : acg_http_finish(h, rc);
}

void acg_http_set_pull(struct acg_http_conn *h, size_t min_bytes, acg_http_pulled_fn reader,
                       void *ctx)
{
    h->pull_min = reader != NULL ? (min_bytes > 0 ? min_bytes : 1) : 0;
    h->on_pulled = reader;
    h->pulled_ctx = ctx;
}

/* One turn of the handle's multi: libcurl moves what it can; done and result say when the
 * transfer ended. */
static void multi_perform(struct acg_http_conn *h)
{
    int running = 0, left = 0;
    CURLMcode mc = curl_multi_perform(h->multi, &running);
    CURLMsg *m;
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg == CURLMSG_DONE && m->easy_handle == h->easy) {
            h->done = true;
            h->result = m->data.result;
        }
    }
    if (mc != CURLM_OK && !h->done) {
        h->done = true;
        h->result = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_RECV_ERROR;
    }
}

/* Waits for the socket or libcurl's next timer (the timeouts are libcurl's and the
 * progress callback's, as in curl_easy_perform, which waits the same way). */
static void multi_wait(struct acg_http_conn *h)
{
    if (curl_multi_poll(h->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
        h->done = true;
        h->result = CURLE_RECV_ERROR;
    }
}

size_t acg_http_pull(void *ctx, char *buf, size_t cap, int *failed)
{
    struct acg_http_conn *h = ctx;
    if (!spilled(h) && !h->done && cap > 0) {
        h->dst = buf;
        h->dst_cap = cap;
        h->dst_len = 0;
        if (h->paused) {
            /* libcurl hands the piece it held to pull_in before this returns */
            h->paused = false;
            if (curl_easy_pause(h->easy, CURLPAUSE_CONT) != CURLE_OK && !h->done) {
                h->done = true;
                h->result = CURLE_RECV_ERROR;
            }
        }
        for (;;) {
            if (h->dst_len > 0 || spilled(h))
                break;
            multi_perform(h);
            if (h->dst_len > 0 || spilled(h) || h->done)
                break;
            multi_wait(h);
        }
        h->dst = NULL;
        if (h->dst_len > 0)
            return h->dst_len;
    }
    if (spilled(h)) {
        size_t n = h->spill.len - h->spill_pos < cap ? h->spill.len - h->spill_pos : cap;
        memcpy(buf, h->spill.data + h->spill_pos, n);
        h->spill_pos += n;
        if (!spilled(h)) {
            acg_buf_reset(&h->spill);
            h->spill_pos = 0;
        }
        return n;
    }
    if (h->done && h->result != CURLE_OK)
        *failed = 1;
    return 0;
}

long acg_http_received(const struct acg_http_conn *h, const char **headers, size_t *len)
{
    *headers = h->response_headers.data;
    *len = h->response_headers.len;
    return h->res != NULL ? h->res->status : 0;
}

/* Hands a pulled body to its reader, then reads and drops whatever it left, so the
 * transfer ends as it would have (and the connection stays usable). */
static void pull_body(struct acg_http_conn *h)
{
    char rest[16 * 1024];
    int failed = 0;
    h->on_pulled(h->pulled_ctx, h);
    while (acg_http_pull(h, rest, sizeof rest, &failed) > 0)
        ;
    /* A pull buffer grown by a burst is not kept past 1 MiB. */
    if (h->spill.cap > ((size_t)1 << 20))
        acg_buf_free(&h->spill);
    acg_buf_reset(&h->spill);
    h->spill_pos = 0;
}

int acg_http_run(struct acg_http_conn *h)
{
    if (h->multi == NULL && (h->multi = curl_multi_init()) == NULL)
        return CURLE_OUT_OF_MEMORY;
    h->done = false;
    h->result = CURLE_OK;
    h->pulled = 0;
    h->paused = false;
    acg_buf_reset(&h->spill);
    h->spill_pos = 0;
    if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK)
        return CURLE_OUT_OF_MEMORY;
    for (;;) {
        multi_perform(h);
        if (h->done || h->pulling)
            break;
        multi_wait(h);
    }
    if (h->pulling)
        pull_body(h);
    curl_multi_remove_handle(h->multi, h->easy);
    return h->result;
}

int acg_http_finish(struct acg_http_conn *h, int curl_code)
{
    CURLcode rc = (CURLcode)curl_code;
    struct acg_http_result *res = h->res;
    int status;
    /* The handle must not keep pointers to the caller's body or to header lines that are
     * about to be zeroed. */
    curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, NULL);

    if (rc == CURLE_OK) {
        curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &res->status);
        res->headers = h->response_headers.data;
        res->headers_len = h->response_headers.len;
        return end_transfer(h, ACG_OK);
    }
    res->status = 0;
    const char *what = h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(rc);
    if (h->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        res->failure = ACG_HTTP_TOO_LARGE;
        snprintf(res->detail, sizeof res->detail,
                 "the response body is larger than the %zu-byte limit", h->max_body);
        status = ACG_ERR_TOO_LARGE;
    } else if (h->sink_failed) {
        res->failure = ACG_HTTP_OTHER;
        snprintf(res->detail, sizeof res->detail, "could not write the response body out");
        status = ACG_ERR_TRANSPORT;
    } else if (rc == CURLE_OUT_OF_MEMORY || rc == CURLE_WRITE_ERROR) {
        res->failure = ACG_HTTP_OTHER;
        snprintf(res->detail, sizeof res->detail, "out of memory reading the response");
        status = ACG_ERR_NOMEM;
    } else if (h->read_timed_out) {
        res->failure = ACG_HTTP_READ_TIMEOUT;
        if (h->trickled)
            snprintf(res->detail, sizeof res->detail,
                     "read timeout: the server sent under %d bytes a second for %ld ms",
                     LOW_SPEED_BYTES_PER_S, h->read_timeout_ms);
        else
            snprintf(res->detail, sizeof res->detail,
                     "read timeout: no data from the server for %ld ms", h->read_timeout_ms);
        status = ACG_ERR_TRANSPORT;
    } else {
        res->failure = failure_of(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            curl_off_t connect_us = 0, pretransfer_us = 0;
            curl_easy_getinfo(h->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
            curl_easy_getinfo(h->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
            if (connect_us == 0 && pretransfer_us == 0)
                res->failure = ACG_HTTP_CONNECT_TIMEOUT;
        }
        snprintf(res->detail, sizeof res->detail, "%s", what);
        status = ACG_ERR_TRANSPORT;
    }
    return end_transfer(h, status);
}

int acg_http_gzip(const void *data, size_t len, struct acg_buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16 asks zlib for a gzip header and trailer instead of zlib's. */
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ACG_ERR_NOMEM;
    uLong bound = deflateBound(&zs, (uLong)len);
    int rc = acg_buf_reserve(out, (size_t)bound + 1);
    if (rc != ACG_OK) {
        deflateEnd(&zs);
        return rc;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;   /* zlib's API is not const-correct */
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out->data + out->len;
    zs.avail_out = (uInt)bound;
    int zr = deflate(&zs, Z_FINISH);
    if (zr != Z_STREAM_END) {
        deflateEnd(&zs);
        return ACG_ERR_NOMEM;
    }
    out->len += zs.total_out;
    out->data[out->len] = '\0';
    deflateEnd(&zs);
    return ACG_OK;
}

/* ---- URLs ---- */

int acg_url_parse(const char *url, const char *host_prefix, struct acg_url *out,
                  struct acg_error *err)
{
    memset(out, 0, sizeof *out);
    if (url == NULL || url[0] == '\0')
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL is empty");
    const char *sep = strstr(url, "://");
    if (sep == NULL || (size_t)(sep - url) >= sizeof out->scheme)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has no scheme", url);
    size_t slen = (size_t)(sep - url);
    for (size_t i = 0; i < slen; i++) {
        char ch = url[i];
        out->scheme[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    if (strcmp(out->scheme, "http") != 0 && strcmp(out->scheme, "https") != 0)
        return acg_error_set(err, ACG_ERR_ENDPOINT,
                             "the endpoint URL %s must use http or https", url);
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    if (alen == 0)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has no host", url);
    if (memchr(auth, '@', alen) != NULL)
        return acg_error_set(err, ACG_ERR_ENDPOINT,
                             "the endpoint URL must not carry user information");

    /* host and port; an IPv6 literal keeps its brackets in the authority only. */
    const char *host = auth;
    size_t hlen = alen;
    const char *port = NULL;
    if (auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (close == NULL)
            return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s is malformed", url);
        host = auth + 1;
        hlen = (size_t)(close - host);
        if (close + 1 < auth + alen) {
            if (close[1] != ':')
                return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s is malformed", url);
            port = close + 2;
        }
    } else {
        const char *colon = memchr(auth, ':', alen);
        if (colon != NULL) {
            hlen = (size_t)(colon - auth);
            port = colon + 1;
        }
    }
    if (port != NULL) {
        size_t plen = (size_t)(auth + alen - port);
        long p = 0;
        if (plen == 0 || plen > 5)
            return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has a bad port", url);
        for (size_t i = 0; i < plen; i++) {
            if (port[i] < '0' || port[i] > '9')
                return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has a bad port", url);
            p = p * 10 + (port[i] - '0');
        }
        if (p < 1 || p > 65535)
            return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has a bad port", url);
        out->port = p;
    }
    const char *prefix = host_prefix != NULL ? host_prefix : "";
    if (hlen == 0 || strlen(prefix) + hlen >= sizeof out->host)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s has a bad host", url);
    snprintf(out->host, sizeof out->host, "%s%.*s", prefix, (int)hlen, host);

    bool default_port = out->port == 0 ||
                        (out->port == 80 && strcmp(out->scheme, "http") == 0) ||
                        (out->port == 443 && strcmp(out->scheme, "https") == 0);
    bool v6 = auth[0] == '[';
    int n;
    if (default_port)
        n = snprintf(out->authority, sizeof out->authority, v6 ? "[%s]" : "%s", out->host);
    else
        n = snprintf(out->authority, sizeof out->authority, v6 ? "[%s]:%ld" : "%s:%ld",
                     out->host, out->port);
    if (n < 0 || (size_t)n >= sizeof out->authority)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL %s is too long", url);

    size_t plen = strcspn(rest, "?#");
    if (plen >= sizeof out->path)
        return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL's path is too long");
    if (plen == 0)
        snprintf(out->path, sizeof out->path, "/");
    else
        snprintf(out->path, sizeof out->path, "%.*s", (int)plen, rest);
    if (rest[plen] == '?') {
        const char *q = rest + plen + 1;
        size_t qlen = strcspn(q, "#");
        if (qlen >= sizeof out->query)
            return acg_error_set(err, ACG_ERR_ENDPOINT, "the endpoint URL's query is too long");
        snprintf(out->query, sizeof out->query, "%.*s", (int)qlen, q);
    }
    return ACG_OK;
}

int acg_url_format(const struct acg_url *u, char *out, size_t out_size)
{
    int n = snprintf(out, out_size, "%s://%s%s%s%s", u->scheme, u->authority, u->path,
                     u->query[0] != '\0' ? "?" : "", u->query);
    if (n < 0 || (size_t)n >= out_size)
        return ACG_ERR_TOO_LARGE;
    return ACG_OK;
}
