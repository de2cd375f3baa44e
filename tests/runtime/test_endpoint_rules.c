/* The endpoint rules' standard library and partitions table. Expected values are what
 * botocore's RuleSetStandardLibrary (botocore 1.43.11) returns for the same inputs. */
#include <stdbool.h>
#include <string.h>

#include "endpoints/acg_endpoint_rules.h"
#include "harness.h"

static const char *str(struct acg_ev v)
{
    return v.type == ACG_EV_STRING ? v.s : NULL;
}

static bool is_true(struct acg_ev v)
{
    return v.type == ACG_EV_BOOL && v.b;
}

static bool is_false(struct acg_ev v)
{
    return v.type == ACG_EV_BOOL && !v.b;
}

/* Each test holds one context and releases it through acg_ep_no_match. */
static int end(struct acg_ep_ctx *c)
{
    struct acg_error err;
    acg_error_init(&err);
    return acg_ep_no_match(c, &err) == ACG_ERR_ENDPOINT ? 0 : -1;
}

static int test_values_and_truth(void)
{
    CHECK(!acg_ev_ok(acg_ev_none()));
    CHECK(!acg_ev_ok(acg_ev_string(NULL)));
    CHECK(acg_ev_ok(acg_ev_string("")));
    CHECK(!acg_ev_ok(acg_ev_bool(false)));
    CHECK(acg_ev_ok(acg_ev_bool(true)));
    CHECK_STR(str(acg_ev_or(acg_ev_none(), acg_ev_string("d"))), "d");
    CHECK_STR(str(acg_ev_or(acg_ev_string("v"), acg_ev_string("d"))), "v");
    CHECK(is_true(acg_ep_is_set(acg_ev_string(""))));
    CHECK(is_false(acg_ep_is_set(acg_ev_none())));
    /* not() follows Python's truth rules, as botocore evaluates `not value` */
    CHECK(is_true(acg_ep_not(acg_ev_string(""))));
    CHECK(is_false(acg_ep_not(acg_ev_string("x"))));
    CHECK(is_true(acg_ep_not(acg_ev_none())));
    CHECK(is_true(acg_ep_not(acg_ev_bool(false))));
    CHECK(is_false(acg_ep_not(acg_ev_bool(true))));
    return 0;
}

static int test_equals(void)
{
    CHECK(is_true(acg_ep_boolean_equals(acg_ev_bool(true), acg_ev_bool(true))));
    CHECK(is_false(acg_ep_boolean_equals(acg_ev_bool(true), acg_ev_bool(false))));
    CHECK(is_false(acg_ep_boolean_equals(acg_ev_none(), acg_ev_bool(false))));
    CHECK(is_true(acg_ep_string_equals(acg_ev_string("aws"), acg_ev_string("aws"))));
    CHECK(is_false(acg_ep_string_equals(acg_ev_string("aws"), acg_ev_string("aws-cn"))));
    CHECK(is_false(acg_ep_string_equals(acg_ev_none(), acg_ev_string(""))));
    return 0;
}

static int test_host_labels(void)
{
    struct acg_ev no = acg_ev_bool(false), yes = acg_ev_bool(true);
    CHECK(is_true(acg_ep_is_valid_host_label(acg_ev_string("abc-1"), no)));
    CHECK(is_true(acg_ep_is_valid_host_label(acg_ev_string("A"), no)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string(""), no)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("-abc"), no)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("abc-"), no)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("a_b"), no)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("a.b"), no)));
    CHECK(is_true(acg_ep_is_valid_host_label(acg_ev_string("a.b"), yes)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("a..b"), yes)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string("a.b-"), yes)));
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_none(), yes)));
    char label[80];
    memset(label, 'a', sizeof label);
    label[63] = '\0';
    CHECK(is_true(acg_ep_is_valid_host_label(acg_ev_string(label), no)));
    label[63] = 'a';
    label[64] = '\0';
    CHECK(is_false(acg_ep_is_valid_host_label(acg_ev_string(label), no)));
    return 0;
}

static int test_s3_buckets(void)
{
    struct acg_ev no = acg_ev_bool(false), yes = acg_ev_bool(true);
    CHECK(is_true(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("abc"), no)));
    CHECK(is_false(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("a"), no)));
    CHECK(is_false(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("Abc"), yes)));
    CHECK(is_false(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("192.168.0.1"), yes)));
    CHECK(is_false(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("a.b.c"), no)));
    CHECK(is_true(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("a.b.c"), yes)));
    CHECK(is_true(acg_ep_is_virtual_hostable_s3_bucket(acg_ev_string("my-bucket.x"), yes)));
    return 0;
}

static int test_substring_and_uri_encode(void)
{
    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    CHECK(!c.failed);
    CHECK_STR(str(acg_ep_substring(&c, acg_ev_string("abcdef"), 1, 3, acg_ev_bool(false))), "bc");
    CHECK_STR(str(acg_ep_substring(&c, acg_ev_string("abcdef"), 1, 3, acg_ev_bool(true))), "de");
    CHECK(acg_ep_substring(&c, acg_ev_string("abc"), 0, 4, acg_ev_bool(false)).type == ACG_EV_NONE);
    CHECK(acg_ep_substring(&c, acg_ev_string("abc"), 2, 2, acg_ev_bool(false)).type == ACG_EV_NONE);
    CHECK(acg_ep_substring(&c, acg_ev_string("ab\xc3\xa9"), 0, 2, acg_ev_bool(false)).type == ACG_EV_NONE);
    CHECK_STR(str(acg_ep_uri_encode(&c, acg_ev_string("a b/\xc3\xbc~_.-*"))), "a%20b%2F%C3%BC~_.-%2A");
    CHECK(acg_ep_uri_encode(&c, acg_ev_none()).type == ACG_EV_NONE);
    return end(&c);
}

static int check_url(struct acg_ep_ctx *c, const char *url, const char *scheme, const char *authority,
                     const char *path, const char *normalized, bool is_ip)
{
    struct acg_ev u = acg_ep_parse_url(c, acg_ev_string(url));
    CHECK(u.type == ACG_EV_RECORD);
    CHECK_STR(str(acg_ep_get_attr(c, u, "scheme")), scheme);
    CHECK_STR(str(acg_ep_get_attr(c, u, "authority")), authority);
    CHECK_STR(str(acg_ep_get_attr(c, u, "path")), path);
    CHECK_STR(str(acg_ep_get_attr(c, u, "normalizedPath")), normalized);
    CHECK(acg_ep_get_attr(c, u, "isIp").type == ACG_EV_BOOL);
    CHECK(acg_ep_get_attr(c, u, "isIp").b == is_ip);
    return 0;
}

static int test_parse_url(void)
{
    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    CHECK(check_url(&c, "https://example.com", "https", "example.com", "", "/", false) == 0);
    CHECK(check_url(&c, "HTTP://Example.com:8080/a/./b/../c//d?", "http", "Example.com:8080", "/a/./b/../c//d",
                    "/a/c/d/", false) == 0);
    CHECK(check_url(&c, "https://example.com:/x", "https", "example.com:", "/x", "/x/", false) == 0);
    CHECK(check_url(&c, "https://10.0.0.1:8443/p%20q/ r", "https", "10.0.0.1:8443", "/p%20q/ r",
                    "/p%2520q/%20r/", true) == 0);
    CHECK(check_url(&c, "https://[fe80::1]/", "https", "[fe80::1]", "/", "/", true) == 0);
    CHECK(check_url(&c, "https://example.com/a/b/..", "https", "example.com", "/a/b/..", "/a/", false) == 0);
    CHECK(check_url(&c, "https://example.com#frag", "https", "example.com", "", "/", false) == 0);
    CHECK(check_url(&c, "https://example.com/..//..", "https", "example.com", "/..//..", "/", false) == 0);
    CHECK(acg_ep_parse_url(&c, acg_ev_string("https://example.com:65536")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_url(&c, acg_ev_string("https://example.com:8a")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_url(&c, acg_ev_string("ftp://x")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_url(&c, acg_ev_string("https://example.com/?q=1")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_url(&c, acg_ev_string("not a url")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_url(&c, acg_ev_none()).type == ACG_EV_NONE);
    return end(&c);
}

static int test_parse_arn(void)
{
    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    struct acg_ev arn = acg_ep_parse_arn(&c, acg_ev_string("arn:aws:kinesis:us-east-1:123:stream/s1/consumer/c:1"));
    CHECK(arn.type == ACG_EV_RECORD);
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "partition")), "aws");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "service")), "kinesis");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "region")), "us-east-1");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "accountId")), "123");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "resourceId[0]")), "stream");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "resourceId[3]")), "c");
    CHECK_STR(str(acg_ep_get_attr(&c, arn, "resourceId[4]")), "1");
    CHECK(acg_ep_get_attr(&c, arn, "resourceId[5]").type == ACG_EV_NONE);
    struct acg_ev s3 = acg_ep_parse_arn(&c, acg_ev_string("arn:aws:s3:::bucket/key:v"));
    CHECK_STR(str(acg_ep_get_attr(&c, s3, "region")), "");
    CHECK_STR(str(acg_ep_get_attr(&c, s3, "accountId")), "");
    CHECK_STR(str(acg_ep_get_attr(&c, s3, "resourceId[2]")), "v");
    CHECK(acg_ep_parse_arn(&c, acg_ev_string("arn:aws::us-east-1:1:x")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_arn(&c, acg_ev_string("arn:aws:s3:::")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_arn(&c, acg_ev_string("arn:a:b:c:d")).type == ACG_EV_NONE);
    CHECK(acg_ep_parse_arn(&c, acg_ev_string("urn:a:b:c:d:e")).type == ACG_EV_NONE);
    return end(&c);
}

static int check_partition(struct acg_ep_ctx *c, const char *region, const char *name, const char *dns,
                           const char *dual)
{
    struct acg_ev p = acg_ep_partition(c, acg_ev_string(region));
    CHECK(p.type == ACG_EV_RECORD);
    CHECK_STR(str(acg_ep_get_attr(c, p, "name")), name);
    CHECK_STR(str(acg_ep_get_attr(c, p, "dnsSuffix")), dns);
    CHECK_STR(str(acg_ep_get_attr(c, p, "dualStackDnsSuffix")), dual);
    CHECK(acg_ep_get_attr(c, p, "supportsFIPS").type == ACG_EV_BOOL);
    CHECK(acg_ep_get_attr(c, p, "implicitGlobalRegion").type == ACG_EV_STRING);
    return 0;
}

static int test_partitions(void)
{
    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    CHECK(acg_partition_count >= 8);
    CHECK(check_partition(&c, "us-east-1", "aws", "amazonaws.com", "api.aws") == 0);
    CHECK(check_partition(&c, "aws-global", "aws", "amazonaws.com", "api.aws") == 0);
    CHECK(check_partition(&c, "ap-fake-9", "aws", "amazonaws.com", "api.aws") == 0);   /* by pattern */
    CHECK(check_partition(&c, "mars-1", "aws", "amazonaws.com", "api.aws") == 0);      /* default */
    CHECK(check_partition(&c, "", "aws", "amazonaws.com", "api.aws") == 0);
    CHECK(check_partition(&c, "cn-north-1", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn") == 0);
    CHECK(check_partition(&c, "cn-south-7", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn") == 0);
    CHECK(check_partition(&c, "us-gov-west-1", "aws-us-gov", "amazonaws.com", "api.aws") == 0);
    CHECK(check_partition(&c, "us-iso-east-1", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov") == 0);
    CHECK(check_partition(&c, "us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud") == 0);
    CHECK(check_partition(&c, "eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk") == 0);
    CHECK(check_partition(&c, "us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov") == 0);
    CHECK(check_partition(&c, "eusc-de-east-1", "aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu") == 0);
    CHECK(acg_ep_partition(&c, acg_ev_none()).type == ACG_EV_NONE);
    return end(&c);
}

static int test_concat_and_context(void)
{
    struct acg_ep_ctx c;
    acg_ep_begin(&c);
    const struct acg_ev parts[] = { acg_ev_string("https://x."), acg_ev_string("us-east-1"), acg_ev_bool(true) };
    CHECK_STR(str(acg_ep_concat(&c, parts, 3)), "https://x.us-east-1True");
    const struct acg_ev broken[] = { acg_ev_string("a"), acg_ev_none() };
    CHECK(acg_ep_concat(&c, broken, 2).type == ACG_EV_NONE);
    static const char *const arns[] = { "arn:aws:dynamodb:us-east-1:1:table/a", "b" };
    struct acg_endpoint_param ctx[3];
    memset(ctx, 0, sizeof ctx);
    ctx[0].name = "StreamARN";
    ctx[0].type = ACG_EP_STRING;
    ctx[0].str = "s";
    ctx[1].name = "Flag";
    ctx[1].type = ACG_EP_BOOL;
    ctx[1].boolean = true;
    ctx[2].name = "List";
    ctx[2].type = ACG_EP_STRING_ARRAY;
    ctx[2].strs = arns;
    ctx[2].strs_count = 2;
    struct acg_endpoint_params params;
    memset(&params, 0, sizeof params);
    params.context = ctx;
    params.context_count = 3;
    CHECK_STR(str(acg_ep_context(&c, &params, "StreamARN")), "s");
    CHECK(is_true(acg_ep_context(&c, &params, "Flag")));
    CHECK_STR(str(acg_ep_get_attr(&c, acg_ep_context(&c, &params, "List"), "[1]")), "b");
    CHECK(acg_ep_get_attr(&c, acg_ep_context(&c, &params, "List"), "[2]").type == ACG_EV_NONE);
    CHECK(acg_ep_context(&c, &params, "Missing").type == ACG_EV_NONE);
    return end(&c);
}

static int test_endings(void)
{
    struct acg_ep_ctx c;
    struct acg_endpoint out;
    struct acg_error err;

    acg_ep_begin(&c);
    acg_error_init(&err);
    memset(&out, 0x55, sizeof out);
    CHECK(acg_ep_result(&c, &out, &err, acg_ev_string("https://a.example"), acg_ev_string("svc"),
                        acg_ev_none()) == ACG_OK);
    CHECK_STR(out.url, "https://a.example");
    CHECK_STR(out.signing_name, "svc");
    CHECK_STR(out.signing_region, "");
    CHECK(c.arena == NULL);

    acg_ep_begin(&c);
    CHECK(acg_ep_fail(&c, &err, acg_ev_string("Invalid Configuration: Missing Region")) == ACG_ERR_ENDPOINT);
    CHECK(err.status == ACG_ERR_ENDPOINT);
    CHECK_STR(err.message, "Invalid Configuration: Missing Region");

    /* a URL longer than struct acg_endpoint holds is an error, not a truncated URL */
    char long_url[2000];
    memset(long_url, 'a', sizeof long_url);
    memcpy(long_url, "https://", 8);
    long_url[sizeof long_url - 1] = '\0';
    acg_ep_begin(&c);
    acg_error_init(&err);
    CHECK(acg_ep_result(&c, &out, &err, acg_ev_string(long_url), acg_ev_none(), acg_ev_none()) ==
          ACG_ERR_ENDPOINT);

    acg_ep_begin(&c);
    acg_error_init(&err);
    CHECK(acg_ep_no_match(&c, &err) == ACG_ERR_ENDPOINT);
    CHECK(err.message[0] != '\0');
    CHECK(acg_ep_no_match(&c, NULL) == ACG_ERR_ENDPOINT);   /* err may be NULL; c already released */
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_values_and_truth),
        TEST(test_equals),
        TEST(test_host_labels),
        TEST(test_s3_buckets),
        TEST(test_substring_and_uri_encode),
        TEST(test_parse_url),
        TEST(test_parse_arn),
        TEST(test_partitions),
        TEST(test_concat_and_context),
        TEST(test_endings),
    };
    return RUN_TESTS("runtime/endpoint_rules", tests);
}
