/* acg_client_send in steps, for the asynchronous calls (acg_async.c): the same set-up,
 * signing, retry rules and error decoding as the blocking call, with the transfer and the
 * retry delay left to the caller. */
#ifndef ACG_SEND_H
#define ACG_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "client/acg_client.h"
#include "http/acg_handle_pool.h"
#include "json/acg_json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A 2xx body decoded while it arrives (acg_call_ex's blocking call; the asynchronous calls
 * keep the whole body, then decode). The send sets used, and calls decode, on the attempt
 * whose body is pulled; each attempt starts with used false and err cleared. */
struct acg_arriving {
    size_t min_bytes;   /* bodies of at least this many bytes, or of unknown length */
    /* Reads the body with pull(pull_ctx, ...) into the call's output and returns the
     * status, err saying why on failure; on failure nothing decoded is kept. resp holds
     * the status and, when the call wants them, the headers. */
    int (*decode)(struct acg_arriving *a, const struct acg_response *resp,
                  acg_json_pull_fn pull, void *pull_ctx);
    void *ctx;
    bool used;
    int rc;             /* decode's status */
    struct acg_error err;
    size_t bytes;       /* body bytes pulled */
};

/* acg_client_send, with a 2xx body that arriving->min_bytes allows (and any retry's)
 * handed to arriving->decode while it arrives instead of being kept in resp. The transfer's
 * own failures (a connection lost mid-body, the size cap, timeouts) are the send's, and
 * retried as they would be; what decode returned is in arriving->rc for the caller. */
ACG_NODISCARD int acg_client_send_decoding(struct acg_client *c, const struct acg_send *call,
                                           struct acg_response *resp,
                                           struct acg_arriving *arriving, struct acg_error *err);

struct acg_send_state;

/* Sets a send up (as acg_client_send does before its first attempt). NULL with err set when
 * the arguments are wrong or memory runs out; otherwise *rc is ACG_OK, or the set-up's
 * failure, and the state must be closed either way. */
struct acg_send_state *acg_send_open(struct acg_client *c, const struct acg_send *call,
                                     struct acg_response *resp, int *rc, struct acg_error *err);

/* Starts the next attempt: credentials, signature, and a transfer set up on a handle from
 * pool. ACG_OK with *easy (a CURL *) to run to its end; anything else is the attempt's
 * failure, for acg_send_next. */
ACG_NODISCARD int acg_send_attempt(struct acg_send_state *st, struct acg_handle_pool *pool,
                                   void **easy);
/* Ends the attempt whose transfer ended with curl_code (its handle goes back to pool);
 * returns the attempt's status, for acg_send_next. */
ACG_NODISCARD int acg_send_attempt_done(struct acg_send_state *st, struct acg_handle_pool *pool,
                                        int curl_code);
/* Gives back the handle of an attempt whose transfer was stopped before its end. */
void acg_send_abandon(struct acg_send_state *st, struct acg_handle_pool *pool);

/* After an attempt that ended with *rc: true, with the delay before the next attempt, when
 * the call is retried; false when it is over (*rc is its status). */
bool acg_send_next(struct acg_send_state *st, int *rc, int64_t *delay_ms);

/* Frees st and reports rc into err as acg_client_send does; returns rc. */
int acg_send_close(struct acg_send_state *st, int rc, struct acg_error *err);

/* A pool of handles with c's transport settings and no bound (an event loop never waits
 * for a handle). NULL when libcurl or memory fails. */
struct acg_handle_pool *acg_client_handle_pool_new(struct acg_client *c);

#ifdef __cplusplus
}
#endif

#endif
