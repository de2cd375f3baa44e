/* AWS's standard retry mode, as botocore implements it (botocore/retries/standard.py and
 * quota.py, with AWS_NEW_RETRIES_2026 unset):
 *
 *   - an attempt is retried when attempts < max_attempts and the failure is transient
 *     (no response because of a connection error or timeout; HTTP 500, 502, 503, 504;
 *     codes RequestTimeout, RequestTimeoutException, PriorRequestNotComplete), a throttle
 *     (the code list below) or an exception the model marks retryable;
 *   - each retry takes 5 tokens from the client's quota (10 after a connect or read
 *     timeout); the quota starts at 500; without enough tokens the call is not retried;
 *   - a 2xx answer gives back 1 token when the call needed no retry, else the amount the
 *     last retry took, never beyond the initial 500;
 *   - the delay before attempt n+1 is rand[0,1) * min(2^(n-1), 20) seconds (full jitter).
 *
 * The "legacy" mode is approximated as this one with 5 attempts by default. */
#ifndef ACG_RETRY_H
#define ACG_RETRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/acg_http.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ACG_RETRY_QUOTA_INITIAL 500
#define ACG_RETRY_COST 5
#define ACG_RETRY_TIMEOUT_COST 10
#define ACG_RETRY_NO_RETRY_INCREMENT 1
#define ACG_RETRY_MAX_BACKOFF_MS 20000

/* The token bucket one client shares between its calls and threads. */
struct acg_retry_quota {
    pthread_mutex_t lock;
    int available;
    int max;
};

void acg_retry_quota_init(struct acg_retry_quota *q, int capacity);
void acg_retry_quota_destroy(struct acg_retry_quota *q);
/* Takes amount tokens and returns true, or takes none and returns false. */
bool acg_retry_quota_acquire(struct acg_retry_quota *q, int amount);
/* Gives back amount tokens, capped at the initial capacity. */
void acg_retry_quota_release(struct acg_retry_quota *q, int amount);
int acg_retry_quota_available(struct acg_retry_quota *q);

enum acg_retry_kind {
    ACG_RETRY_NONE = 0,   /* not retryable */
    ACG_RETRY_TRANSIENT,  /* 5xx, transient code, connection error, modelled retryable */
    ACG_RETRY_THROTTLING, /* throttling code or modelled throttling */
    ACG_RETRY_TIMEOUT,    /* connect or read timeout: costs ACG_RETRY_TIMEOUT_COST */
};

/* Classifies one failed attempt. http_status is 0 when there was no response (failure
 * then says why); code is the decoded error code or NULL; retryable and throttling are the
 * traits of the modelled exception with that code, if there is one. */
enum acg_retry_kind acg_retry_classify(long http_status, enum acg_http_failure failure,
                                       const char *code, bool retryable, bool throttling);

/* True for the error codes botocore treats as throttling. */
bool acg_retry_is_throttling_code(const char *code);

/* Tokens a retry of this kind takes from the quota. */
int acg_retry_cost(enum acg_retry_kind kind);

/* Milliseconds to wait after failed attempt `attempt` (1-based): random32 / 2^32 *
 * min(2^(attempt-1) s, 20 s). */
int64_t acg_retry_delay_ms(int attempt, uint32_t random32);

#ifdef __cplusplus
}
#endif

#endif
