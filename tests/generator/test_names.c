/* Names: botocore's xform_name (the expected values below are what botocore 1.43 returns for
 * them), C identifiers, keyword escaping. */
#include "harness.h"
#include "names.h"

static const char *const xform_cases[][3] = {
    /* name, '_' form, '-' form */
    { "DescribeBatchInferenceJob", "describe_batch_inference_job", "describe-batch-inference-job" },
    { "batchInferenceJobArn", "batch_inference_job_arn", "batch-inference-job-arn" },
    { "ListWebACLs", "list_web_acls", "list-web-acls" },
    { "GatewayARNs", "gateway_arns", "gateway-arns" },
    { "S3DataSource", "s3_data_source", "s3-data-source" },
    { "KMSKeyArn", "kms_key_arn", "kms-key-arn" },
    { "CreateCachediSCSIVolume", "create_cached_iscsi_volume", "create-cached-iscsi-volume" },
    { "ExecutePartiQLStatement", "execute_partiql_statement", "execute-partiql-statement" },
    { "MaxResults", "max_results", "max-results" },
    { "roleARN", "role_arn", "role-arn" },
    { "DBInstance", "db_instance", "db-instance" },
    { "already_snake", "already_snake", "already_snake" },
    { "IPv6Address", "i_pv6_address", "i-pv6-address" },
    { "TTL", "ttl", "ttl" },
    { "x", "x", "x" },
};

static int test_xform_matches_botocore(void)
{
    struct acg_arena *a = acg_arena_new();
    for (size_t i = 0; i < sizeof xform_cases / sizeof xform_cases[0]; i++) {
        CHECK_STR(names_xform(a, xform_cases[i][0], '_'), xform_cases[i][1]);
        CHECK_STR(names_xform(a, xform_cases[i][0], '-'), xform_cases[i][2]);
    }
    acg_arena_destroy(a);
    return 0;
}

static int test_c_identifiers(void)
{
    struct acg_arena *a = acg_arena_new();
    CHECK_STR(names_c_ident(a, "default"), "default_");
    CHECK_STR(names_c_ident(a, "Signed"), "signed_");
    CHECK_STR(names_c_ident(a, "Auto"), "auto_");
    CHECK_STR(names_c_ident(a, "2Fast"), "m_2_fast");
    CHECK_STR(names_c_ident(a, "_hidden"), "m_hidden");
    CHECK_STR(names_c_ident(a, "Cost_Explorer"), "cost_explorer");
    CHECK_STR(names_c_ident(a, "a__b"), "a_b");
    CHECK_STR(names_upper(a, "batch_inference_job"), "BATCH_INFERENCE_JOB");
    CHECK_STR(names_upper(a, "extra-large"), "EXTRA_LARGE");
    CHECK(names_is_c_keyword("while"));
    CHECK(!names_is_c_keyword("whilst"));
    acg_arena_destroy(a);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = { TEST(test_xform_matches_botocore), TEST(test_c_identifiers) };
    return RUN_TESTS("generator/names", tests);
}
