/* The HTTP layer under acg_client: one reusable libcurl easy handle per client, request
 * compression. acg_client.c is its only user in the runtime.
 *
 * Nothing here prints, exits or logs: failures come back as a status plus a short English
 * detail in struct acg_http_result. */
#ifndef ACG_HTTP_H
#define ACG_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "auth/acg_sigv4.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Transport settings, fixed for the life of a connection. Every timeout is in milliseconds
 * and must be > 0. */
struct acg_http_options {
    long connect_timeout_ms;   /* TCP + TLS handshake */
    long read_timeout_ms;      /* the longest stretch with no byte received or sent */
    long total_timeout_ms;     /* the cap for one attempt, whatever the server trickles */
    bool no_verify_ssl;        /* turns off peer and host verification */
    const char *ca_bundle;     /* PEM file; NULL or "" for the system store */
    size_t max_response_bytes; /* a larger body fails with ACG_ERR_TOO_LARGE */
    const char *user_agent;
};

/* Why an attempt got no usable HTTP response. */
enum acg_http_failure {
    ACG_HTTP_OK = 0,
    ACG_HTTP_CONNECT,        /* refused, unreachable, DNS: retryable */
    ACG_HTTP_CONNECT_TIMEOUT,/* retryable, costs a timeout's share of the retry quota */
    ACG_HTTP_READ_TIMEOUT,   /* no byte for read_timeout_ms, or the total cap: retryable */
    ACG_HTTP_IO,             /* reset, closed mid-body, truncated: retryable */
    ACG_HTTP_TLS,            /* certificate or handshake refused: not retried */
    ACG_HTTP_TOO_LARGE,      /* body over max_response_bytes: not retried */
    ACG_HTTP_OTHER,          /* anything else libcurl reports: not retried */
};

/* What came back: the status line and the headers the runtime needs. */
struct acg_http_result {
    long status;                /* 0 when there was no response */
    char request_id[80];        /* x-amzn-RequestId (or x-amz-request-id) */
    char error_type[128];       /* X-Amzn-ErrorType, as sent */
    char query_error[128];      /* x-amzn-query-error ("Code;Sender"), as sent */
    long long content_length;   /* -1 when absent */
    enum acg_http_failure failure;
    char detail[256];           /* libcurl's words for a failure */
    /* Every header of the response, "name\0value\0" pairs, values trimmed; valid until
     * the connection's next request. */
    const char *headers;
    size_t headers_len;
};

/* One reusable easy handle: keeps its connection open between requests (keep-alive). Not
 * thread-safe: one thread at a time (acg_client lends each attempt one from its pool,
 * acg_handle_pool.h). The settings that
 * never change are given to libcurl once, when the handle is made, and the handle keeps
 * the header lines' storage between requests, so a request allocates nothing of its own. */
struct acg_http_conn;

/* Makes a handle with the settings in o (strings are copied; o need not outlive the call).
 * Returns NULL when libcurl cannot be initialised, refuses a setting, or memory runs out.
 * curl_global_init runs once per process (pthread_once), the first time any connection is
 * created. */
struct acg_http_conn *acg_http_conn_new(const struct acg_http_options *o);
/* Runs curl_global_init once per process (pthread_once); false when it failed. For code
 * that needs libcurl before its first connection (a share handle). */
bool acg_http_global_init(void);
/* Makes h use share (a CURLSH with its lock callbacks set) for what it shares; false when
 * libcurl refuses. The share must outlive the handle. */
bool acg_http_conn_join(struct acg_http_conn *h, void *share);
void acg_http_conn_destroy(struct acg_http_conn *h);

/* Sends method url with headers ("Name: value" pairs; NULL values are skipped) and body,
 * reading the response body into resp_body (reset first; its allocation is kept and, when
 * the response announces its Content-Length, grown once to fit). Returns ACG_OK when any
 * HTTP response arrived (check res->status), ACG_ERR_TRANSPORT / ACG_ERR_TOO_LARGE with
 * res->failure and res->detail otherwise, or ACG_ERR_NOMEM. ACG_ERR_INVALID_ARG, with
 * nothing sent, when the URL or a header name or value holds a control character (a CR or
 * LF would split the header: the last line of defence against header injection). Adds an empty "Expect:" so
 * libcurl never waits for 100-continue, and follows no redirects. The header text is
 * zeroed before returning (it holds the signature and any session token). */
ACG_NODISCARD int acg_http_perform(struct acg_http_conn *h, const char *method, const char *url,
                                   const struct acg_header *headers, size_t header_count,
                                   const void *body, size_t body_len, struct acg_buf *resp_body,
                                   struct acg_http_result *res);

/* acg_http_perform in two halves, for a caller that runs the transfer itself (a libcurl
 * multi handle): acg_http_begin sets the request up (same arguments; anything but ACG_OK
 * means it failed, res says why, and the transfer is over), then the caller runs the easy
 * handle acg_http_easy returns (a CURL *) to its end and hands its CURLcode to
 * acg_http_finish, which returns what acg_http_perform would have. */
ACG_NODISCARD int acg_http_begin(struct acg_http_conn *h, const char *method, const char *url,
                                 const struct acg_header *headers, size_t header_count,
                                 const void *body, size_t body_len, struct acg_buf *resp_body,
                                 struct acg_http_result *res);
void *acg_http_easy(struct acg_http_conn *h);
ACG_NODISCARD int acg_http_finish(struct acg_http_conn *h, int curl_code);

/* Sends the body of every 2xx response to sink as it arrives instead of keeping it (NULL:
 * keep it, the default); error bodies are still kept, to be decoded. The sink stays in
 * place until changed. After a request, acg_http_sink_used says whether any bytes went to
 * it (a request that delivered bytes cannot be retried without delivering them twice). */
void acg_http_set_sink(struct acg_http_conn *h, const struct acg_body_sink *sink);
bool acg_http_sink_used(const struct acg_http_conn *h);

/* Runs the transfer acg_http_begin set up to its end, as curl_easy_perform does, but on a
 * multi handle the handle keeps for its life (with its connection cache, so keep-alive
 * holds whichever way a transfer runs), and returns the CURLcode for acg_http_finish. With
 * acg_http_set_pull in place, a 2xx body of at least min_bytes (or of unknown length:
 * chunked, or ended by closing the connection) is not collected: when its first bytes
 * arrive, the reader is called and reads it with acg_http_pull while the transfer runs
 * (what it leaves unread is read and dropped afterwards). */
ACG_NODISCARD int acg_http_run(struct acg_http_conn *h);

/* Called once per transfer when its body is to be pulled; status and headers are in
 * (acg_http_received). */
typedef void (*acg_http_pulled_fn)(void *ctx, struct acg_http_conn *h);
/* Pulls 2xx bodies of at least min_bytes, or of unknown length, through reader (NULL:
 * never, the default). Stays in place until changed, like the sink. */
void acg_http_set_pull(struct acg_http_conn *h, size_t min_bytes, acg_http_pulled_fn reader,
                       void *ctx);
/* In the reader: up to cap more bytes of the body into buf, running the transfer until
 * some arrive; 0 when the body is over, or with *failed set when the transfer failed
 * (acg_http_run then returns its CURLcode). The size cap (max_response_bytes) holds for
 * what is pulled as for a kept body. An acg_json_pull_fn with h as its context. */
size_t acg_http_pull(void *h, char *buf, size_t cap, int *failed);
/* In the reader: the status and the headers received so far ("name\0value\0" pairs). */
long acg_http_received(const struct acg_http_conn *h, const char **headers, size_t *len);

/* A request body made as it is sent, in place of the body acg_http_begin is given: read
 * fills at most size bytes of buf and returns how many (0: the end). It goes out with
 * chunked transfer encoding (no Content-Length); the reader stays in place until changed
 * (NULL: none), like the sink. */
typedef size_t (*acg_http_read_fn)(void *ctx, char *buf, size_t size);
void acg_http_set_reader(struct acg_http_conn *h, acg_http_read_fn read, void *ctx);

/* gzip (RFC 1952) of data into out (appended). ACG_OK, ACG_ERR_NOMEM or ACG_ERR_TOO_LARGE. */
ACG_NODISCARD int acg_http_gzip(const void *data, size_t len, struct acg_buf *out);

/* An endpoint URL split for the request line and the signature. */
struct acg_url {
    char scheme[8];        /* "http" or "https", lower case */
    char host[256];        /* without brackets for IPv6 */
    char authority[300];   /* the Host header: host, with ":port" when not the default */
    long port;             /* 0 when the URL has none */
    char path[1024];       /* "/" when empty */
    char query[1024];      /* without '?', "" when none */
};

/* Parses url (scheme://host[:port][/path][?query]); host_prefix (may be NULL) is prepended
 * to the host, as the model's hostPrefix trait asks. ACG_ERR_ENDPOINT with a message when
 * the URL is not usable. */
ACG_NODISCARD int acg_url_parse(const char *url, const char *host_prefix, struct acg_url *out,
                                struct acg_error *err);
/* Writes scheme://authority path[?query] into out. */
ACG_NODISCARD int acg_url_format(const struct acg_url *u, char *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif
