/* Waiters (client/acg_waiter.h), following botocore's Waiter.wait: the same matching, the
 * same order of decisions and the same messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/acg_waiter.h"
#include "common/acg_format.h"
#include "jmespath/acg_jmespath.h"
#include "json/acg_value_struct.h"

/* One attempt's answer, as botocore's matchers see the response. */
struct answer {
    bool error;                 /* a service error: path matchers never match it */
    long status;
    const char *code;
    const struct acg_value *output;
};

/* Python's str() of an expected value, as botocore's explanations print it. */
static void python_str(const struct acg_value *v, char *out, size_t size)
{
    char num[ACG_NUMBER_TEXT_MAX];
    switch (v->type) {
    case ACG_VALUE_STRING: snprintf(out, size, "%s", v->u.str.ptr); return;
    case ACG_VALUE_BOOL: snprintf(out, size, "%s", v->u.b ? "True" : "False"); return;
    case ACG_VALUE_INT: acg_format_int64(v->u.i, num); break;
    case ACG_VALUE_DOUBLE: acg_format_double(v->u.d, num); break;
    case ACG_VALUE_NULL: snprintf(out, size, "None"); return;
    default: snprintf(out, size, "(a %s)", v->type == ACG_VALUE_ARRAY ? "list" : "dict"); return;
    }
    snprintf(out, size, "%s", num);
}

/* botocore's AcceptorConfig.explanation. */
static void explain(const struct acg_acceptor *a, const struct acg_value *expected, char *out,
                    size_t size)
{
    char want[256];
    python_str(expected, want, sizeof want);
    switch (a->matcher) {
    case ACG_WAIT_PATH:
        snprintf(out, size, "For expression \"%s\" we matched expected path: \"%s\"", a->argument,
                 want);
        return;
    case ACG_WAIT_PATH_ALL:
        snprintf(out, size, "For expression \"%s\" all members matched expected path: \"%s\"",
                 a->argument, want);
        return;
    case ACG_WAIT_PATH_ANY:
        snprintf(out, size, "For expression \"%s\" we matched expected path: \"%s\" at least once",
                 a->argument, want);
        return;
    case ACG_WAIT_STATUS:
        snprintf(out, size, "Matched expected HTTP status code: %s", want);
        return;
    case ACG_WAIT_ERROR:
        snprintf(out, size, "Matched expected service error code: %s", want);
        return;
    }
    snprintf(out, size, "No explanation for unknown waiter type: \"%d\"", a->matcher);
}

static bool list_matches(const struct acg_value *got, const struct acg_value *want, bool all)
{
    if (got->type != ACG_VALUE_ARRAY || got->u.arr.count == 0)
        return false;
    for (size_t i = 0; i < got->u.arr.count; i++) {
        if (acg_value_equal(got->u.arr.items[i], want) != all)
            return !all;
    }
    return all;
}

static int matches(const struct acg_acceptor *a, const struct acg_value *expected,
                   const struct answer *ans, struct acg_arena *arena, bool *out,
                   struct acg_error *err)
{
    *out = false;
    if (a->matcher == ACG_WAIT_STATUS) {
        *out = expected->type == ACG_VALUE_INT && expected->u.i == ans->status;
        return ACG_OK;
    }
    if (a->matcher == ACG_WAIT_ERROR) {
        if (expected->type == ACG_VALUE_BOOL)
            *out = ans->error == expected->u.b;
        else
            *out = ans->error && expected->type == ACG_VALUE_STRING &&
                   strcmp(ans->code, expected->u.str.ptr) == 0;
        return ACG_OK;
    }
    if (ans->error)
        return ACG_OK;
    struct acg_jmespath *q;
    const struct acg_value *got;
    ACG_TRY(acg_jmespath_compile(a->argument != NULL ? a->argument : "@", SIZE_MAX, &q, err));
    int rc = acg_jmespath_search(q, ans->output, arena, &got, err);
    if (rc == ACG_OK && a->matcher == ACG_WAIT_PATH)
        *out = acg_value_equal(got, expected);
    else if (rc == ACG_OK)
        *out = list_matches(got, expected, a->matcher == ACG_WAIT_PATH_ALL);
    acg_jmespath_destroy(q);
    return rc;
}

/* One call of the waiter's operation; a service error is an answer, not a failure. */
static int attempt(struct acg_client *client, const struct acg_operation *op, const void *in,
                   void *out, struct acg_arena *arena, struct answer *ans, struct acg_error *err)
{
    memset(ans, 0, sizeof *ans);
    int rc = acg_call(client, op, in, out, err);
    if (rc == ACG_ERR_SERVICE) {
        ans->error = true;
        ans->status = err->http_status;
        ans->code = err->aws_type;
        return ACG_OK;
    }
    if (rc != ACG_OK)
        return rc;
    ans->status = 200;
    struct acg_value *v;
    struct acg_value_struct_options o = { ACG_VALUE_TIME_WIRE, false, false };
    rc = acg_value_from_struct(arena, op->output, out, &o, &v, err);
    ans->output = v;
    return rc;
}

/* Replaces whatever err holds by the waiter's failure "Waiter NAME failed: REASON". */
static int fail(struct acg_error *err, const struct acg_waiter *w, const char *fmt, ...)
    ACG_PRINTF(3, 4);
static int fail(struct acg_error *err, const struct acg_waiter *w, const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    err->status = ACG_OK;
    return acg_error_set(err, ACG_ERR_WAITER, "Waiter %s failed: %s", w->name, reason);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(int seconds)
{
    struct timespec ts = { seconds, 0 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

struct wait_run {
    struct acg_client *client;
    const struct acg_waiter *w;
    const void *in;
    struct acg_wait_options o;
    struct acg_value **expected;   /* one per acceptor */
    void *out;
    size_t out_size;
};

/* Matches one answer against the acceptors: the index of the first match, or -1. */
static int first_match(const struct wait_run *r, const struct answer *ans, struct acg_arena *a,
                       int *index, struct acg_error *err)
{
    *index = -1;
    for (size_t i = 0; i < r->w->acceptor_count; i++) {
        bool hit;
        ACG_TRY(matches(&r->w->acceptors[i], r->expected[i], ans, a, &hit, err));
        if (hit) {
            *index = (int)i;
            return ACG_OK;
        }
    }
    return ACG_OK;
}

static void release_output(struct wait_run *r)
{
    struct acg_arena *arena = NULL;
    if (r->out == NULL)
        return;
    memcpy(&arena, r->out, sizeof arena);   /* a top-level struct's arena_ comes first */
    acg_release(arena, r->out, r->out_size);
}

/* One round: call, match, decide. *done when the wait ended (rc says how); otherwise
 * matched holds the explanation of the acceptor that matched, or is empty. */
static int round_trip(struct wait_run *r, int n, bool *matched_before, bool *done,
                      char *matched, size_t matched_size, struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct answer ans;
    char why[700];
    int index = -1;
    *done = true;
    acg_error_free(err);
    acg_error_init(err);
    release_output(r);
    int rc = a != NULL ? attempt(r->client, r->w->operation, r->in, r->out, a, &ans, err)
                       : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = first_match(r, &ans, a, &index, err);
    /* botocore's explanations name the acceptor its loop stopped at: the match, else the
     * last one. */
    size_t shown = index >= 0 ? (size_t)index : r->w->acceptor_count - 1;
    if (rc == ACG_OK)
        explain(&r->w->acceptors[shown], r->expected[shown], why, sizeof why);
    acg_arena_destroy(a);
    if (rc != ACG_OK)
        return rc;
    *matched_before |= index >= 0;
    snprintf(matched, matched_size, "%s", index >= 0 ? why : "");
    int state = index >= 0 ? r->w->acceptors[index].state : ACG_WAIT_RETRY;
    if (index < 0 && ans.error) {
        /* The decoder always sets a code and a message ("" when the service sent none), as
         * botocore does, so botocore's 'Unknown' defaults never show. */
        return fail(err, r->w, "An error occurred (%s): %s",
                    err->aws_type[0] != '\0' ? err->aws_type : "Unknown", err->message);
    }
    if (state == ACG_WAIT_SUCCESS) {
        acg_error_free(err);
        acg_error_init(err);
        return ACG_OK;
    }
    if (state == ACG_WAIT_FAILURE) {
        return fail(err, r->w, "Waiter encountered a terminal failure state: %s", why);
    }
    if (n >= r->o.max_attempts) {
        if (*matched_before)
            return fail(err, r->w, "Max attempts exceeded. Previously accepted state: %s", why);
        return fail(err, r->w, "Max attempts exceeded");
    }
    *done = false;
    return ACG_OK;
}

static int run(struct wait_run *r, struct acg_error *err)
{
    double start = now_s();
    bool matched_before = false;
    char matched[700];
    for (int n = 1;; n++) {
        bool done;
        int rc = round_trip(r, n, &matched_before, &done, matched, sizeof matched, err);
        if (done || rc != ACG_OK)
            return rc;
        if (r->o.timeout_s > 0 && now_s() - start + r->o.delay_s > r->o.timeout_s)
            return fail(err, r->w, "%s", "Max wait time exceeded");
        struct acg_wait_progress p = { r->w, n, r->o.max_attempts, r->o.delay_s,
                                       matched[0] != '\0' ? matched : NULL };
        if (r->o.progress != NULL && r->o.progress(r->o.progress_ctx, &p) != 0)
            return fail(err, r->w, "%s", "Stopped by the caller");
        sleep_s(r->o.delay_s);
    }
}

static int wait_with(struct acg_client *client, const struct acg_waiter *w, const void *in,
                     const struct acg_wait_options *options, struct acg_error *err)
{
    struct wait_run r = { client, w, in, { 0 }, NULL, NULL, 0 };
    if (w == NULL || w->operation == NULL || w->acceptor_count == 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_wait: no waiter");
    if (options != NULL)
        r.o = *options;
    r.o.delay_s = r.o.delay_s > 0 ? r.o.delay_s : w->delay_s;
    r.o.max_attempts = r.o.max_attempts > 0 ? r.o.max_attempts : w->max_attempts;
    struct acg_arena *a = acg_arena_new();
    r.expected = a != NULL ? acg_arena_calloc(a, w->acceptor_count, sizeof *r.expected) : NULL;
    int rc = r.expected != NULL ? ACG_OK : ACG_ERR_NOMEM;
    for (size_t i = 0; rc == ACG_OK && i < w->acceptor_count; i++) {
        const char *e = w->acceptors[i].expected;
        rc = acg_value_parse(a, e, strlen(e), &r.expected[i], err);
    }
    if (rc == ACG_OK && w->operation->output != NULL) {
        r.out_size = w->operation->output->size;
        r.out = calloc(1, r.out_size);
        rc = r.out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    if (rc == ACG_OK)
        rc = run(&r, err);
    release_output(&r);
    free(r.out);
    acg_arena_destroy(a);
    if (rc == ACG_ERR_NOMEM)
        acg_error_set(err, rc, "out of memory waiting for %s", w->name);
    return rc;
}

int acg_wait(struct acg_client *client, const struct acg_waiter *w, const void *in,
             const struct acg_wait_options *options, struct acg_error *err)
{
    struct acg_error local;
    if (err != NULL)
        return wait_with(client, w, in, options, err);
    /* Each round starts its error afresh, so it needs one even when the caller has none. */
    acg_error_init(&local);
    int rc = wait_with(client, w, in, options, &local);
    acg_error_free(&local);
    return rc;
}
