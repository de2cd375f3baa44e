/* The asynchronous calls (acg_async.h): each call is acg_call's two halves (acg_call_steps.h)
 * around acg_client_send's steps (acg_send.h), with its transfers run by a libcurl multi
 * handle and its retry delays kept as deadlines, so one thread keeps any number of calls
 * moving. */
#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/acg_async.h"
#include "client/acg_call_steps.h"
#include "client/acg_send.h"

struct acg_async_call {
    const struct acg_operation *op;
    void *out;
    struct acg_error *err;
    acg_async_done_fn done;
    void *ctx;
    struct acg_call_prep prep;
    struct acg_response resp;
    struct acg_send_state *send;
    CURL *easy;               /* the attempt's transfer, in the multi handle; or NULL */
    int64_t due_ms;           /* with no transfer: when the next attempt starts */
    int status;               /* once finished: what the callback is told */
    struct acg_async_call *prev, *next;
};

struct acg_async {
    struct acg_client *client;
    CURLM *multi;
    struct acg_handle_pool *handles;
    struct acg_async_call *calls;   /* every call in flight */
    size_t count;
    /* Calls that are over, their callbacks still to run: callbacks run only once the loop's
     * own walks are done, since one may start or cancel calls. */
    struct acg_async_call *finished;
};

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct acg_async *acg_async_new(struct acg_client *c, struct acg_error *err)
{
    struct acg_async *a = calloc(1, sizeof *a);
    if (c == NULL || a == NULL) {
        free(a);
        acg_error_set(err, c == NULL ? ACG_ERR_INVALID_ARG : ACG_ERR_NOMEM,
                      c == NULL ? "acg_async_new: no client" : "out of memory");
        return NULL;
    }
    a->client = c;
    a->handles = acg_client_handle_pool_new(c);   /* after curl_global_init */
    a->multi = a->handles != NULL ? curl_multi_init() : NULL;
    if (a->multi == NULL) {
        acg_async_destroy(a);
        acg_error_set(err, ACG_ERR_NOMEM, "could not initialise libcurl");
        return NULL;
    }
    return a;
}

static void unlink_call(struct acg_async *a, struct acg_async_call *k)
{
    if (k->prev != NULL)
        k->prev->next = k->next;
    else
        a->calls = k->next;
    if (k->next != NULL)
        k->next->prev = k->prev;
    a->count--;
}

/* The call is over with rc: decode and release it, and queue its callback. */
static void complete(struct acg_async *a, struct acg_async_call *k, int rc)
{
    unlink_call(a, k);
    rc = acg_send_close(k->send, rc, k->err);
    k->status = acg_call_complete(a->client, k->op, &k->prep, rc, &k->resp, k->out, k->err);
    k->next = a->finished;
    a->finished = k;
}

/* Runs the queued callbacks, each call freed first (a callback may start new ones). */
static void run_callbacks(struct acg_async *a)
{
    struct acg_async_call *k;
    while ((k = a->finished) != NULL) {
        a->finished = k->next;
        acg_async_done_fn done = k->done;
        void *ctx = k->ctx;
        int status = k->status;
        free(k);
        done(ctx, status);
    }
}

/* An attempt ended with rc: retry it later, or end the call. */
static void after_attempt(struct acg_async *a, struct acg_async_call *k, int rc)
{
    int64_t delay = 0;
    if (acg_send_next(k->send, &rc, &delay))
        k->due_ms = monotonic_ms() + delay;
    else
        complete(a, k, rc);
}

/* Starts k's next attempt: its transfer joins the multi handle, or it fails at once. */
static void start_attempt(struct acg_async *a, struct acg_async_call *k)
{
    void *easy = NULL;
    k->due_ms = INT64_MAX;
    int rc = acg_send_attempt(k->send, a->handles, &easy);
    if (rc == ACG_OK) {
        curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)k);
        if (curl_multi_add_handle(a->multi, easy) == CURLM_OK) {
            k->easy = easy;
            return;
        }
        acg_send_abandon(k->send, a->handles);
        rc = ACG_ERR_NOMEM;   /* the multi handle refuses only when memory runs out */
    }
    after_attempt(a, k, rc);
}

int acg_async_call(struct acg_async *a, const struct acg_operation *op, const void *in,
                   void *out, struct acg_error *err, acg_async_done_fn done, void *ctx,
                   struct acg_async_call **call)
{
    if (call != NULL)
        *call = NULL;
    if (a == NULL || done == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_async_call: no loop or callback");
    struct acg_async_call *k = calloc(1, sizeof *k);
    if (k == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory starting a call");
    int rc = acg_call_prepare(a->client, op, in, out, NULL, &k->prep, err);
    if (rc != ACG_OK) {
        free(k);
        return rc;
    }
    acg_response_init(&k->resp);
    k->send = acg_send_open(a->client, &k->prep.send, &k->resp, &rc, err);
    if (k->send == NULL || rc != ACG_OK) {
        if (k->send != NULL)
            rc = acg_send_close(k->send, rc, err);
        acg_call_complete(a->client, op, &k->prep, rc, &k->resp, out, err);
        free(k);
        return rc;
    }
    k->op = op;
    k->out = out;
    k->err = err;
    k->done = done;
    k->ctx = ctx;
    k->due_ms = 0;   /* the first attempt starts on the next perform */
    k->next = a->calls;
    if (a->calls != NULL)
        a->calls->prev = k;
    a->calls = k;
    a->count++;
    if (call != NULL)
        *call = k;
    return ACG_OK;
}

void acg_async_cancel(struct acg_async *a, struct acg_async_call *k)
{
    if (a == NULL || k == NULL)
        return;
    if (k->easy != NULL) {
        curl_multi_remove_handle(a->multi, k->easy);
        k->easy = NULL;
        acg_send_abandon(k->send, a->handles);
    }
    /* Set first: the send's report keeps an error the caller's record already holds. */
    acg_error_set(k->err, ACG_ERR_CANCELLED, "the call was cancelled");
    complete(a, k, ACG_ERR_CANCELLED);
    run_callbacks(a);
}

void acg_async_destroy(struct acg_async *a)
{
    if (a == NULL)
        return;
    while (a->calls != NULL)
        acg_async_cancel(a, a->calls);
    if (a->multi != NULL)
        curl_multi_cleanup(a->multi);
    acg_handle_pool_destroy(a->handles);
    free(a);
}

int acg_async_fdset(struct acg_async *a, fd_set *read_fds, fd_set *write_fds, fd_set *except_fds,
                    int *max_fd)
{
    int top = -1;
    if (curl_multi_fdset(a->multi, read_fds, write_fds, except_fds, &top) != CURLM_OK)
        return ACG_ERR_TRANSPORT;
    if (top > *max_fd)
        *max_fd = top;
    return ACG_OK;
}

long acg_async_timeout_ms(struct acg_async *a)
{
    long wait = -1;
    if (a->count == 0)
        return -1;
    if (curl_multi_timeout(a->multi, &wait) != CURLM_OK)
        wait = 0;
    int64_t now = monotonic_ms();
    for (const struct acg_async_call *k = a->calls; k != NULL; k = k->next) {
        if (k->easy != NULL)
            continue;
        int64_t left = k->due_ms > now ? k->due_ms - now : 0;
        if (wait < 0 || left < wait)
            wait = (long)left;
    }
    /* A transfer with nothing to report still needs its progress callback (the read
     * timeout) about once a second. */
    return wait < 0 || wait > 1000 ? 1000 : wait;
}

/* The transfers that ended: each attempt's outcome, then a retry or the call's end. */
static void collect(struct acg_async *a)
{
    CURLMsg *m;
    int left = 0;
    while ((m = curl_multi_info_read(a->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct acg_async_call *k = NULL;
        CURL *easy = m->easy_handle;
        CURLcode result = m->data.result;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&k);
        curl_multi_remove_handle(a->multi, easy);
        k->easy = NULL;
        after_attempt(a, k, acg_send_attempt_done(k->send, a->handles, (int)result));
    }
}

/* Starts the attempts whose time has come; an attempt that fails at once may end its call,
 * so the walk starts over after each. */
static void start_due(struct acg_async *a)
{
    for (;;) {
        int64_t now = monotonic_ms();
        struct acg_async_call *k = a->calls;
        while (k != NULL && (k->easy != NULL || k->due_ms > now))
            k = k->next;
        if (k == NULL)
            return;
        start_attempt(a, k);
    }
}

size_t acg_async_perform(struct acg_async *a)
{
    int running = 0;
    start_due(a);
    curl_multi_perform(a->multi, &running);
    collect(a);
    start_due(a);
    run_callbacks(a);
    return a->count;
}

size_t acg_async_run(struct acg_async *a, long timeout_ms)
{
    int64_t end = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : INT64_MAX;
    while (acg_async_perform(a) > 0) {
        int64_t left = end - monotonic_ms();
        if (left <= 0)
            break;
        long wait = acg_async_timeout_ms(a);
        if (wait < 0 || wait > left)
            wait = (long)left;
        if (wait > 0)
            curl_multi_poll(a->multi, NULL, 0, (int)wait, NULL);
    }
    return a->count;
}
