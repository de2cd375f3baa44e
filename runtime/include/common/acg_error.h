/* Status codes and the caller-owned error record every runtime and generated call fills.
 *
 * Functions return an enum acg_status (ACG_OK is 0) and, when given a non-NULL
 * struct acg_error, describe the failure there. The first error recorded wins, so a
 * low-level message is never overwritten by a vaguer one further up. */
#ifndef ACG_ERROR_H
#define ACG_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ACG_NODISCARD __attribute__((warn_unused_result))
#define ACG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ACG_NODISCARD
#define ACG_PRINTF(fmt, args)
#endif

enum acg_status {
    ACG_OK = 0,
    ACG_ERR_NOMEM = -1,
    ACG_ERR_INVALID_ARG = -2,
    ACG_ERR_VALIDATION = -3,  /* the request breaks a model constraint; see where */
    ACG_ERR_JSON = -4,        /* a body does not match the model; see where */
    ACG_ERR_TRANSPORT = -5,   /* no HTTP response: DNS, connect, TLS, timeout, reset */
    ACG_ERR_SERVICE = -6,     /* non-2xx answer; see http_status, aws_type, message */
    ACG_ERR_CONFIG = -7,      /* configuration or credentials are missing or malformed */
    ACG_ERR_ENDPOINT = -8,    /* the endpoint rule set ended in an error rule; see message */
    ACG_ERR_UNSUPPORTED = -9, /* the operation needs a feature the runtime lacks */
    ACG_ERR_TOO_LARGE = -10,  /* a body or buffer went over its cap */
    ACG_ERR_WAITER = -11,     /* a waiter reached a failure state or gave up; see message */
    ACG_ERR_CREDENTIALS = -12,/* credentials fetched at run time (credential_process,
                                 container, instance metadata) failed or were refused */
    ACG_ERR_CANCELLED = -13,  /* an asynchronous call was cancelled (acg_async_cancel) */
};

struct acg_shape;

/* Releases a modelled error value stored in acg_error.detail. */
typedef void (*acg_detail_free_fn)(void *detail);

struct acg_error {
    enum acg_status status;
    long http_status;       /* 0 when there was no HTTP response */
    int attempts;           /* attempts made, retries included; 0 before sending */
    bool retries_exhausted; /* the last attempt was retryable but the budget ran out */
    /* The texts below are terminal-safe: text from a server, a file or the environment is
     * stored with control characters escaped as "\xNN" and invalid UTF-8 as U+FFFD
     * (common/acg_text.h), so a caller may print them as they are. */
    char aws_type[128];     /* error code with namespace and ":suffix" removed */
    char request_id[80];    /* x-amzn-RequestId (or the body's requestId) */
    char where[256];        /* member path such as "jobInput.s3DataSource.path" */
    char message[512];      /* English text without a trailing newline */
    /* A modelled exception decoded into its generated struct, owned by this record and
     * released by acg_error_free(). Read it through the service's typed accessors. */
    void *detail;
    acg_detail_free_fn detail_free;
    const struct acg_shape *detail_shape;  /* the exception's descriptor */
};

const char *acg_status_name(enum acg_status status);

/* Zeroes *err. */
void acg_error_init(struct acg_error *err);

/* Releases err->detail if any; keeps the other fields. NULL-safe and idempotent. */
void acg_error_free(struct acg_error *err);

/* Records status and a formatted message unless err is NULL, status is ACG_OK, or an error
 * is already recorded. Returns status, so `return acg_error_set(err, rc, ...)` reads well. */
int acg_error_set(struct acg_error *err, int status, const char *fmt, ...) ACG_PRINTF(3, 4);

/* Like acg_error_set, and also records the member path. */
int acg_error_set_at(struct acg_error *err, int status, const char *where, const char *fmt, ...)
    ACG_PRINTF(4, 5);

#ifdef __clang_analyzer__
/* For the static analyzer only (make lint): it sees no body for a function of another file,
 * so it took any return of these for a possible ACG_OK and reported the out-parameters a
 * failed call leaves unset. Both return status, as said above; the compiled code calls them
 * as declared. ACG_ANALYZER_FAILURE tells it the same of a call that never returns ACG_OK
 * (a macro: the analyzer does not always step into an inline function). */
#define acg_error_set(err, st, ...) (acg_error_set((err), (st), __VA_ARGS__), (st))
#define acg_error_set_at(err, st, ...) (acg_error_set_at((err), (st), __VA_ARGS__), (st))
#define ACG_ANALYZER_FAILURE(call)         \
    __extension__({                        \
        int acg_failure_ = (call);         \
        if (acg_failure_ == ACG_OK)        \
            __builtin_unreachable();       \
        acg_failure_;                      \
    })
#endif

/* Returns from the calling function when expr gives a non-OK status. */
#define ACG_TRY(expr)                 \
    do {                              \
        int acg_try_rc_ = (expr);     \
        if (acg_try_rc_ != ACG_OK)    \
            return acg_try_rc_;       \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
