/* Standard-mode retry rules (acg_retry.h) against botocore/retries/standard.py and
 * quota.py: which failures are retried, what a retry costs, the token bucket, and the
 * full-jitter backoff. */
#include <stdint.h>

#include "http/acg_retry.h"
#include "harness.h"

static const struct acg_error_info model_errors[] = {
    { "ResourceInUseException", true, false },
    { "SlowItDownException", true, true },
    { "ResourceNotFoundException", false, false },
};
#define NERR (sizeof model_errors / sizeof model_errors[0])

static int test_transport_failures(void)
{
    CHECK(acg_retry_classify(0, ACG_HTTP_CONNECT, NULL, NULL, 0) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(0, ACG_HTTP_IO, NULL, NULL, 0) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(0, ACG_HTTP_CONNECT_TIMEOUT, NULL, NULL, 0) == ACG_RETRY_TIMEOUT);
    CHECK(acg_retry_classify(0, ACG_HTTP_READ_TIMEOUT, NULL, NULL, 0) == ACG_RETRY_TIMEOUT);
    CHECK(acg_retry_classify(0, ACG_HTTP_TLS, NULL, NULL, 0) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(0, ACG_HTTP_TOO_LARGE, NULL, NULL, 0) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(0, ACG_HTTP_OTHER, NULL, NULL, 0) == ACG_RETRY_NONE);
    return 0;
}

static int test_status_codes(void)
{
    static const long yes[] = { 500, 502, 503, 504 };
    static const long no[] = { 400, 401, 403, 404, 409, 413, 429, 501, 505, 599 };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK(acg_retry_classify(yes[i], ACG_HTTP_OK, "", NULL, 0) == ACG_RETRY_TRANSIENT);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        CHECK(acg_retry_classify(no[i], ACG_HTTP_OK, "SomethingElse", NULL, 0) == ACG_RETRY_NONE);
    /* a non-retryable code does not stop a 503 from being retried */
    CHECK(acg_retry_classify(503, ACG_HTTP_OK, "ValidationException", NULL, 0) == ACG_RETRY_TRANSIENT);
    return 0;
}

static int test_throttling_codes(void)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(acg_retry_is_throttling_code(codes[i]));
        CHECK(acg_retry_classify(400, ACG_HTTP_OK, codes[i], NULL, 0) == ACG_RETRY_THROTTLING);
    }
    /* exact, case-sensitive matches only, as botocore compares */
    CHECK(!acg_retry_is_throttling_code("throttlingexception"));
    CHECK(!acg_retry_is_throttling_code("ThrottlingException2"));
    CHECK(!acg_retry_is_throttling_code(""));
    CHECK(!acg_retry_is_throttling_code(NULL));
    return 0;
}

static int test_transient_codes(void)
{
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "RequestTimeout", NULL, 0) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(408, ACG_HTTP_OK, "RequestTimeoutException", NULL, 0) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "ValidationException", NULL, 0) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, NULL, NULL, 0) == ACG_RETRY_NONE);
    return 0;
}

static int test_modelled_retryable(void)
{
    CHECK(acg_retry_classify(409, ACG_HTTP_OK, "ResourceInUseException", model_errors, NERR) ==
          ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "SlowItDownException", model_errors, NERR) ==
          ACG_RETRY_THROTTLING);
    CHECK(acg_retry_classify(404, ACG_HTTP_OK, "ResourceNotFoundException", model_errors, NERR) ==
          ACG_RETRY_NONE);
    CHECK(acg_retry_classify(409, ACG_HTTP_OK, "ResourceInUseException", NULL, 0) == ACG_RETRY_NONE);
    return 0;
}

static int test_costs(void)
{
    CHECK(acg_retry_cost(ACG_RETRY_TRANSIENT) == 5);
    CHECK(acg_retry_cost(ACG_RETRY_THROTTLING) == 5);
    CHECK(acg_retry_cost(ACG_RETRY_TIMEOUT) == 10);
    return 0;
}

static int test_quota(void)
{
    struct acg_retry_quota q;
    acg_retry_quota_init(&q, ACG_RETRY_QUOTA_INITIAL);
    CHECK(acg_retry_quota_available(&q) == 500);
    for (int i = 0; i < 50; i++)
        CHECK(acg_retry_quota_acquire(&q, 10));
    CHECK(acg_retry_quota_available(&q) == 0);
    CHECK(!acg_retry_quota_acquire(&q, 5));
    CHECK(acg_retry_quota_available(&q) == 0);   /* a refused acquire takes nothing */
    acg_retry_quota_release(&q, 1);              /* success without retries */
    CHECK(acg_retry_quota_available(&q) == 1);
    CHECK(!acg_retry_quota_acquire(&q, 5));
    acg_retry_quota_release(&q, 5);              /* success after a retry: its cost back */
    CHECK(acg_retry_quota_available(&q) == 6);
    CHECK(acg_retry_quota_acquire(&q, 5));
    CHECK(acg_retry_quota_available(&q) == 1);
    acg_retry_quota_release(&q, 10000);          /* never above the initial capacity */
    CHECK(acg_retry_quota_available(&q) == 500);
    acg_retry_quota_destroy(&q);
    return 0;
}

static int test_backoff(void)
{
    /* random 0 -> no delay; random just under 1 -> just under the cap */
    for (int attempt = 1; attempt <= 40; attempt++)
        CHECK(acg_retry_delay_ms(attempt, 0) == 0);
    CHECK(acg_retry_delay_ms(1, 0xffffffffu) == 999);
    CHECK(acg_retry_delay_ms(2, 0xffffffffu) == 1999);
    CHECK(acg_retry_delay_ms(3, 0xffffffffu) == 3999);
    CHECK(acg_retry_delay_ms(5, 0xffffffffu) == 15999);
    CHECK(acg_retry_delay_ms(6, 0xffffffffu) == 19999);    /* min(32 s, 20 s) */
    CHECK(acg_retry_delay_ms(63, 0xffffffffu) == 19999);   /* no overflow for huge attempts */
    CHECK(acg_retry_delay_ms(1000000, 0x80000000u) == 10000);
    /* half: 0.5, 1, 2, 4, 8, 10, 10 s */
    static const int64_t half[] = { 500, 1000, 2000, 4000, 8000, 10000, 10000 };
    for (int i = 0; i < 7; i++)
        CHECK(acg_retry_delay_ms(i + 1, 0x80000000u) == half[i]);
    CHECK(acg_retry_delay_ms(0, 0x80000000u) == 500);      /* attempt 0 treated as 1 */
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_transport_failures),
        TEST(test_status_codes),
        TEST(test_throttling_codes),
        TEST(test_transient_codes),
        TEST(test_modelled_retryable),
        TEST(test_costs),
        TEST(test_quota),
        TEST(test_backoff),
    };
    return RUN_TESTS("retry", tests);
}
