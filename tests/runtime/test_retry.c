/* Standard-mode retry rules (acg_retry.h) against botocore/retries/standard.py and
 * quota.py: which failures are retried, what a retry costs, the token bucket, and the
 * full-jitter backoff. */
#include <stdint.h>

#include "http/acg_retry.h"
#include "shape/acg_service.h"
#include "harness.h"

/* A service's modelled errors, sorted by code as generated tables are; the client looks the
 * code up (acg_service_find_error) and hands the shape's traits to acg_retry_classify. */
static const struct acg_shape resource_in_use = {
    .name = "ResourceInUseException", .type = ACG_SHAPE_STRUCTURE,
    .flags = ACG_SHAPE_EXCEPTION | ACG_SHAPE_RETRYABLE,
};
static const struct acg_shape slow_down = {
    .name = "SlowItDown", .type = ACG_SHAPE_STRUCTURE,
    .traits = &(const struct acg_shape_traits){ .error_code = "SlowItDownException" },
    .flags = ACG_SHAPE_EXCEPTION | ACG_SHAPE_RETRYABLE | ACG_SHAPE_THROTTLING,
};
static const struct acg_shape not_found = {
    .name = "ResourceNotFoundException", .type = ACG_SHAPE_STRUCTURE,
    .flags = ACG_SHAPE_EXCEPTION,
};
static const struct acg_shape *const model_errors[] = {&resource_in_use, &not_found, &slow_down};
static const struct acg_service model = {
    .service_id = "Test", .errors = model_errors,
    .error_count = sizeof model_errors / sizeof model_errors[0],
};

/* What the client does with an error response: the modelled exception's traits, if any. */
static enum acg_retry_kind classify_modelled(long status, const char *code,
                                             const struct acg_service *svc)
{
    const struct acg_shape *m = svc != NULL && code != NULL ? acg_service_find_error(svc, code)
                                                            : NULL;
    return acg_retry_classify(status, ACG_HTTP_OK, code,
                              m != NULL && (m->flags & ACG_SHAPE_RETRYABLE),
                              m != NULL && (m->flags & ACG_SHAPE_THROTTLING));
}

static int test_transport_failures(void)
{
    CHECK(acg_retry_classify(0, ACG_HTTP_CONNECT, NULL, false, false) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(0, ACG_HTTP_IO, NULL, false, false) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(0, ACG_HTTP_CONNECT_TIMEOUT, NULL, false, false) == ACG_RETRY_TIMEOUT);
    CHECK(acg_retry_classify(0, ACG_HTTP_READ_TIMEOUT, NULL, false, false) == ACG_RETRY_TIMEOUT);
    CHECK(acg_retry_classify(0, ACG_HTTP_TLS, NULL, false, false) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(0, ACG_HTTP_TOO_LARGE, NULL, false, false) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(0, ACG_HTTP_OTHER, NULL, false, false) == ACG_RETRY_NONE);
    return 0;
}

static int test_status_codes(void)
{
    static const long yes[] = { 500, 502, 503, 504 };
    static const long no[] = { 400, 401, 403, 404, 409, 413, 429, 501, 505, 599 };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK(acg_retry_classify(yes[i], ACG_HTTP_OK, "", false, false) == ACG_RETRY_TRANSIENT);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        CHECK(acg_retry_classify(no[i], ACG_HTTP_OK, "SomethingElse", false, false) == ACG_RETRY_NONE);
    /* a non-retryable code does not stop a 503 from being retried */
    CHECK(acg_retry_classify(503, ACG_HTTP_OK, "ValidationException", false, false) == ACG_RETRY_TRANSIENT);
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
        CHECK(acg_retry_classify(400, ACG_HTTP_OK, codes[i], false, false) == ACG_RETRY_THROTTLING);
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
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "RequestTimeout", false, false) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(408, ACG_HTTP_OK, "RequestTimeoutException", false, false) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "ValidationException", false, false) == ACG_RETRY_NONE);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, NULL, false, false) == ACG_RETRY_NONE);
    return 0;
}

static int test_modelled_retryable(void)
{
    CHECK(classify_modelled(409, "ResourceInUseException", &model) == ACG_RETRY_TRANSIENT);
    CHECK(classify_modelled(400, "SlowItDownException", &model) == ACG_RETRY_THROTTLING);
    CHECK(classify_modelled(404, "ResourceNotFoundException", &model) == ACG_RETRY_NONE);
    CHECK(classify_modelled(409, "ResourceInUseException", NULL) == ACG_RETRY_NONE);
    /* Found by error code, not by shape name. */
    CHECK(acg_service_find_error(&model, "SlowItDown") == NULL);
    CHECK(classify_modelled(400, "SlowItDown", &model) == ACG_RETRY_NONE);
    CHECK(classify_modelled(409, "NotModelled", &model) == ACG_RETRY_NONE);
    /* The traits alone decide, as the lookup hands them over. */
    CHECK(acg_retry_classify(409, ACG_HTTP_OK, "X", true, false) == ACG_RETRY_TRANSIENT);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "X", true, true) == ACG_RETRY_THROTTLING);
    CHECK(acg_retry_classify(400, ACG_HTTP_OK, "X", false, true) == ACG_RETRY_THROTTLING);
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
