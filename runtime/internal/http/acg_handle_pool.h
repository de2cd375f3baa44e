/* A client's HTTP handles: a bounded pool of libcurl easy handles that any number of
 * threads take from and give back, plus the libcurl share handle they all join.
 *
 * Each call's attempt takes one handle, uses it alone, and gives it back, so transfers on
 * one client run in parallel. A handle comes with the state that goes with one transfer
 * at a time: its keep-alive connection, a SigV4 signing-key cache and the signature's
 * buffers, so signing needs no lock either. The pool starts with one handle and grows on
 * demand up to its bound; at the bound, take() waits for a handle to come back. Handles
 * are given back most recent first, so a lightly loaded client keeps reusing one warm
 * handle and its connection.
 *
 * The share handle holds the DNS cache and the TLS session cache (with one pthread mutex
 * per kind of data, as libcurl requires), so a new handle resolves and resumes TLS without
 * a full handshake. The connection cache is not shared: libcurl documents sharing it
 * between concurrent threads as unsupported (a known bug through curl 8.x), so each handle
 * keeps its own connection instead. */
#ifndef ACG_HANDLE_POOL_H
#define ACG_HANDLE_POOL_H

#include <stddef.h>

#include "auth/acg_sigv4.h"
#include "http/acg_http.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One handle and what goes with it; owned by the thread that took it until given back. */
struct acg_pooled_conn {
    struct acg_http_conn *conn;
    struct acg_sigv4_cache sigv4;         /* the signing key, per handle: no lock */
    struct acg_sigv4_result sig;          /* each attempt's, wiped after sending */
    struct acg_pooled_conn *next_idle;
};

struct acg_handle_pool;

/* A pool of at most max_handles (>= 1) handles made with o, whose strings must outlive the
 * pool. One handle is made now, so a libcurl
 * that cannot work fails here. NULL on failure. */
struct acg_handle_pool *acg_handle_pool_new(const struct acg_http_options *o, size_t max_handles);
/* Every handle must have been given back. NULL-safe. */
void acg_handle_pool_destroy(struct acg_handle_pool *p);

/* An idle handle, a new one while the pool is under its bound, or else the first one given
 * back (this waits). NULL only when a new handle could not be made (memory, libcurl). */
struct acg_pooled_conn *acg_handle_pool_take(struct acg_handle_pool *p);
void acg_handle_pool_give_back(struct acg_handle_pool *p, struct acg_pooled_conn *h);

#ifdef __cplusplus
}
#endif

#endif
