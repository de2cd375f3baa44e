/* Standard-mode retry rules; see acg_retry.h for the rules and where they come from. */
#include <string.h>

#include "http/acg_retry.h"

void acg_retry_quota_init(struct acg_retry_quota *q, int capacity)
{
    pthread_mutex_init(&q->lock, NULL);
    q->available = capacity;
    q->max = capacity;
}

void acg_retry_quota_destroy(struct acg_retry_quota *q)
{
    pthread_mutex_destroy(&q->lock);
}

bool acg_retry_quota_acquire(struct acg_retry_quota *q, int amount)
{
    bool ok = false;
    pthread_mutex_lock(&q->lock);
    if (amount <= q->available) {
        q->available -= amount;
        ok = true;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

void acg_retry_quota_release(struct acg_retry_quota *q, int amount)
{
    pthread_mutex_lock(&q->lock);
    int room = q->max - q->available;
    q->available += amount < room ? amount : room;
    pthread_mutex_unlock(&q->lock);
}

int acg_retry_quota_available(struct acg_retry_quota *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->available;
    pthread_mutex_unlock(&q->lock);
    return n;
}

/* botocore's ThrottledRetryableChecker._THROTTLED_ERROR_CODES, in its order. */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* TransientRetryableChecker._TRANSIENT_ERROR_CODES. */
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(code, list[i]) == 0)
            return true;
    }
    return false;
}

bool acg_retry_is_throttling_code(const char *code)
{
    return code != NULL &&
           in_list(code, throttling_codes, sizeof throttling_codes / sizeof throttling_codes[0]);
}

enum acg_retry_kind acg_retry_classify(long http_status, enum acg_http_failure failure,
                                       const char *code, bool retryable, bool throttling)
{
    if (http_status == 0) {
        switch (failure) {
        case ACG_HTTP_CONNECT:
        case ACG_HTTP_IO:
            return ACG_RETRY_TRANSIENT;
        case ACG_HTTP_CONNECT_TIMEOUT:
        case ACG_HTTP_READ_TIMEOUT:
            return ACG_RETRY_TIMEOUT;
        default:
            /* TLS refusals repeat identically, a too-large body would again be too
             * large: retrying only burns the caller's time. */
            return ACG_RETRY_NONE;
        }
    }
    if (code != NULL && code[0] != '\0') {
        if (acg_retry_is_throttling_code(code))
            return ACG_RETRY_THROTTLING;
        if (in_list(code, transient_codes, sizeof transient_codes / sizeof transient_codes[0]))
            return ACG_RETRY_TRANSIENT;
        if (throttling)
            return ACG_RETRY_THROTTLING;
        if (retryable)
            return ACG_RETRY_TRANSIENT;
    }
    if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
        return ACG_RETRY_TRANSIENT;
    return ACG_RETRY_NONE;
}

int acg_retry_cost(enum acg_retry_kind kind)
{
    return kind == ACG_RETRY_TIMEOUT ? ACG_RETRY_TIMEOUT_COST : ACG_RETRY_COST;
}

int64_t acg_retry_delay_ms(int attempt, uint32_t random32)
{
    int64_t cap_ms = ACG_RETRY_MAX_BACKOFF_MS;
    if (attempt < 1)
        attempt = 1;
    if (attempt <= 15) {   /* 2^14 s already exceeds the 20 s cap; avoid shifting further */
        int64_t base_ms = (int64_t)1000 << (attempt - 1);
        if (base_ms < cap_ms)
            cap_ms = base_ms;
    }
    /* random32 / 2^32 is in [0, 1): the full-jitter factor, exact in integer arithmetic. */
    return (int64_t)(((uint64_t)random32 * (uint64_t)cap_ms) >> 32);
}
