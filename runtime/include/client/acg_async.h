/* Many calls in flight from one thread: an event loop over libcurl's multi interface.
 *
 *     struct acg_async *loop = acg_async_new(client, &err);
 *     acg_async_call(loop, op, &in1, &out1, &err1, on_done, ctx1, NULL);
 *     acg_async_call(loop, op, &in2, &out2, &err2, on_done, ctx2, NULL);
 *     acg_async_run(loop, -1);              // or drive it from your own loop, below
 *     acg_async_destroy(loop);
 *
 * A call validates and builds its request when it starts, then signs, sends, retries (in
 * AWS's standard mode, the client's retry quota shared with its blocking calls) and
 * decodes exactly as acg_call does; when it is over, its completion callback runs once,
 * with the call's status, its output decoded into out and its error in err.
 *
 * Driving it yourself: acg_async_fdset() adds the sockets to wait on to select() sets,
 * acg_async_timeout_ms() says how long to wait at most, and acg_async_perform() does the
 * work that is ready (it never blocks on the network) and runs the callbacks of the calls
 * that ended. acg_async_run() is that loop, blocking.
 *
 * Threads: a loop and its calls belong to one thread at a time; the client may be shared
 * with other threads and other loops. What may block that thread: fetching credentials
 * when they need a refresh (a credential_process run or a metadata request), and a
 * callback. Retry delays are the loop's timers (the client's sleep_ms hook is not used).
 * Each call's transfer runs on a handle of the loop's own, so max_connections does not
 * bound a loop.
 *
 * Memory: an asynchronous call keeps its whole answer, then decodes it (a blocking
 * acg_call decodes a large JSON answer while it arrives instead); a loop with many large
 * answers in flight holds each of them whole until it is decoded. */
#ifndef ACG_ASYNC_H
#define ACG_ASYNC_H

#include <stddef.h>
#include <sys/select.h>

#include "client/acg_client.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_async;
struct acg_async_call;

/* Runs once per started call, when it is over: status is what acg_call would have
 * returned (ACG_ERR_CANCELLED for a cancelled call). It may start and cancel calls of the
 * same loop; it must not destroy the loop or drive it (acg_async_perform, acg_async_run). */
typedef void (*acg_async_done_fn)(void *ctx, int status);

/* A loop for calls on client c. NULL with err set when libcurl or memory fails. */
struct acg_async *acg_async_new(struct acg_client *c, struct acg_error *err);
/* Cancels every call still in flight (their callbacks run, with ACG_ERR_CANCELLED), then
 * frees the loop. NULL-safe. */
void acg_async_destroy(struct acg_async *a);

/* Starts op. in is read before this returns; out (a struct of op->output, zeroed first)
 * and err must stay valid until done runs. ACG_OK: the call is in flight and done will
 * run exactly once, from acg_async_perform, acg_async_run, acg_async_cancel or
 * acg_async_destroy, never from here; *call (may be NULL) names it until then. Anything
 * else: nothing was sent (validation, a bad endpoint, no memory), err says why, and done
 * never runs. */
ACG_NODISCARD int acg_async_call(struct acg_async *a, const struct acg_operation *op,
                                 const void *in, void *out, struct acg_error *err,
                                 acg_async_done_fn done, void *ctx,
                                 struct acg_async_call **call);

/* Stops a call that is in flight: its transfer is dropped, and its callback runs before
 * this returns, with ACG_ERR_CANCELLED (in err too). */
void acg_async_cancel(struct acg_async *a, struct acg_async_call *call);

/* Adds the loop's sockets to the sets (as curl_multi_fdset does) and raises *max_fd to the
 * highest (it stays as it was, -1 if so initialised, when there is none yet: wait for the
 * timeout only). ACG_OK or ACG_ERR_TRANSPORT. */
ACG_NODISCARD int acg_async_fdset(struct acg_async *a, fd_set *read_fds, fd_set *write_fds,
                                  fd_set *except_fds, int *max_fd);
/* The longest wait before acg_async_perform is due, in milliseconds: 0 for now, -1 when
 * no call is in flight. */
long acg_async_timeout_ms(struct acg_async *a);
/* Moves every call on as far as it can without waiting and runs the callbacks of those that
 * ended. Returns how many calls are still in flight. */
size_t acg_async_perform(struct acg_async *a);
/* Waits and performs until no call is in flight, or timeout_ms has passed (-1: no limit).
 * Returns how many calls are still in flight. */
size_t acg_async_run(struct acg_async *a, long timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
