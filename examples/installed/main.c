/* An out-of-tree program built against an installed acg: creates a batch inference job,
 * then describes it, and prints its name and status.
 *   example ENDPOINT_URL   (credentials and region from the environment, as the AWS CLI) */
#include <stdio.h>

#include "personalize.h"

static int create(struct acg_client *client, const char **arn, struct acg_error *err,
                  struct personalize_create_batch_inference_job_response *res)
{
    struct personalize_create_batch_inference_job_request req;
    struct personalize_batch_inference_job_input input = { 0 };
    struct personalize_batch_inference_job_output output = { 0 };
    struct personalize_s3_data_config in = { 0 }, out = { 0 };
    personalize_create_batch_inference_job_request_init(&req);
    in.path = "s3://bucket/in.json";
    out.path = "s3://bucket/out/";
    input.s3_data_source = &in;
    output.s3_data_destination = &out;
    req.job_name = "installed";
    req.solution_version_arn = "arn:aws:personalize:us-west-2:123456789012:solution/movies/1a2b";
    req.role_arn = "arn:aws:iam::123456789012:role/PersonalizeRole";
    req.job_input = &input;
    req.job_output = &output;
    int rc = personalize_create_batch_inference_job(client, &req, res, err);
    *arn = rc == ACG_OK ? res->batch_inference_job_arn : NULL;
    return rc;
}

int main(int argc, char **argv)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct personalize_create_batch_inference_job_response created;
    struct personalize_describe_batch_inference_job_request req;
    struct personalize_describe_batch_inference_job_response res;
    const char *arn = NULL;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s ENDPOINT_URL\n", argv[0]);
        return 2;
    }
    acg_client_config_init(&cfg);
    cfg.endpoint_url = argv[1];
    acg_error_init(&err);
    struct acg_client *client = personalize_client_new(&cfg, &err);
    rc = client != NULL ? create(client, &arn, &err, &created) : err.status;
    if (rc == ACG_OK) {
        personalize_describe_batch_inference_job_request_init(&req);
        req.batch_inference_job_arn = arn;
        rc = personalize_describe_batch_inference_job(client, &req, &res, &err);
    }
    if (rc == ACG_OK) {
        printf("%s %s\n", res.batch_inference_job->job_name, res.batch_inference_job->status);
        personalize_describe_batch_inference_job_response_free(&res);
    } else {
        fprintf(stderr, "error: %s %s\n", err.aws_type, err.message);
    }
    personalize_create_batch_inference_job_response_free(&created);
    acg_client_destroy(client);
    acg_error_free(&err);
    return rc == ACG_OK ? 0 : 1;
}
