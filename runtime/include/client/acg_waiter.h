/* Waiters (waiters-2.json, and the ones declared beside a model): call an operation until
 * one of the waiter's acceptors matches a success or failure state, as botocore's
 * Waiter.wait does, with a deadline and a progress callback on top.
 *
 *     struct acg_wait_options o = { .timeout_s = 600 };
 *     int rc = personalize_wait_batch_inference_job_active(client, &in, &o, &err);
 *     if (rc == ACG_ERR_WAITER)
 *         fprintf(stderr, "%s\n", err.message);  // "Waiter ... failed: ..."
 *
 * Each attempt's answer is matched in the acceptors' order: path, pathAll and pathAny
 * match JMESPath over the output (by member name) against the expected value, status the
 * HTTP status (200 for any success), error the service error's code (expected true: any
 * error, false: none). The first match sets the state; without one the waiter retries
 * after the delay, unless the answer was an error, which ends the wait. */
#ifndef ACG_WAITER_H
#define ACG_WAITER_H

#include <stdbool.h>

#include "client/acg_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the progress callback learns after each attempt that did not end the wait. */
struct acg_wait_progress {
    const struct acg_waiter *waiter;
    int attempt;                /* 1 for the first call */
    int max_attempts;
    int delay_s;                /* the sleep before the next attempt */
    const char *matched;        /* the matched acceptor's explanation, or NULL */
};

struct acg_wait_options {
    int delay_s;                /* > 0: seconds between attempts instead of the waiter's */
    int max_attempts;           /* > 0: attempts instead of the waiter's */
    double timeout_s;           /* > 0: give up rather than sleep past this many seconds */
    /* Called before each sleep; a nonzero return stops the wait (ACG_ERR_WAITER). */
    int (*progress)(void *ctx, const struct acg_wait_progress *p);
    void *progress_ctx;
};

/* Waits on w with in (a struct of w->operation->input, or NULL). ACG_OK when a success
 * acceptor matched; ACG_ERR_WAITER with botocore's message ("Waiter NAME failed: Waiter
 * encountered a terminal failure state: ...", "... failed: Max attempts exceeded", or an
 * unexpected service error's code and message, kept in err's aws_type and message
 * detail); any other status of the call itself (validation, transport, configuration). */
ACG_NODISCARD int acg_wait(struct acg_client *client, const struct acg_waiter *w, const void *in,
                           const struct acg_wait_options *options, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
