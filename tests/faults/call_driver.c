/* A small program over the generated Personalize call API, for the fault, bad-input and
 * secrets tests: it builds one request from its arguments, makes one call and prints what
 * came back as one JSON object on stdout.
 *
 *   call_driver [config options] describe|list|create [request options]
 *
 * config:  --endpoint URL --region R --max-attempts N --connect-timeout-ms N
 *          --read-timeout-ms N --total-timeout-ms N --max-response-bytes N --no-verify-ssl
 *          --ca-bundle PATH --access-key K --secret-key S --session-token T
 *          --debug (log lines on stderr)
 * request: --arn S; --max-results N --next-token S --next-token-len N (N 'a's)
 *          --solution-version-arn S; --job-name S --role-arn S --input-path S --output-path S
 *
 * Output: {"rc": "<status name>", "status": N, "http_status": N, "attempts": N,
 * "exhausted": bool, "aws_type": S, "where": S, "message": S, "modeled": S, "result": S}
 * Exit 0 when the call succeeded, 1 when it failed, 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "personalize.h"

static void json_string(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    putchar('"');
    for (; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\u%04x", *p); /* bytes, not code points: enough for assertions */
        else
            putchar(*p);
    }
    putchar('"');
}

static const char *level_name(enum acg_log_level level)
{
    switch (level) {
    case ACG_LOG_ERROR: return "ERROR";
    case ACG_LOG_WARN: return "WARN";
    case ACG_LOG_INFO: return "INFO";
    case ACG_LOG_DEBUG: return "DEBUG";
    default: return "OFF";
    }
}

static void log_line(void *ctx, enum acg_log_level level, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "call_driver %s %s\n", level_name(level), msg);
}

static int usage(const char *what)
{
    fprintf(stderr, "call_driver: %s\n", what);
    return 2;
}

int main(int argc, char **argv)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_client *client;
    const char *op = NULL, *arn = NULL, *next_token = NULL, *solution = NULL, *job_name = NULL;
    const char *role = NULL, *input_path = NULL, *output_path = NULL;
    char *long_token = NULL, result[600] = "", modeled[64] = "";
    long max_results = 0;
    bool has_max_results = false;
    int rc, i;

    acg_client_config_init(&cfg);
    acg_error_init(&err);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--no-verify-ssl") == 0) {
            cfg.no_verify_ssl = true;
            takes = false;
        } else if (strcmp(a, "--debug") == 0) {
            cfg.log = log_line;
            cfg.log_level = ACG_LOG_DEBUG;
            takes = false;
        } else if (strncmp(a, "--", 2) != 0) {
            if (op != NULL)
                return usage("more than one operation");
            op = a;
            takes = false;
        } else if (v == NULL) {
            return usage("an option without its value");
        } else if (strcmp(a, "--endpoint") == 0) {
            cfg.endpoint_url = v;
        } else if (strcmp(a, "--region") == 0) {
            cfg.region = v;
        } else if (strcmp(a, "--max-attempts") == 0) {
            cfg.max_attempts = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--connect-timeout-ms") == 0) {
            cfg.connect_timeout_ms = strtol(v, NULL, 10);
        } else if (strcmp(a, "--read-timeout-ms") == 0) {
            cfg.read_timeout_ms = strtol(v, NULL, 10);
        } else if (strcmp(a, "--total-timeout-ms") == 0) {
            cfg.total_timeout_ms = strtol(v, NULL, 10);
        } else if (strcmp(a, "--max-response-bytes") == 0) {
            cfg.max_response_bytes = (size_t)strtoull(v, NULL, 10);
        } else if (strcmp(a, "--ca-bundle") == 0) {
            cfg.ca_bundle = v;
        } else if (strcmp(a, "--access-key") == 0) {
            cfg.access_key_id = v;
        } else if (strcmp(a, "--secret-key") == 0) {
            cfg.secret_access_key = v;
        } else if (strcmp(a, "--session-token") == 0) {
            cfg.session_token = v;
        } else if (strcmp(a, "--arn") == 0) {
            arn = v;
        } else if (strcmp(a, "--max-results") == 0) {
            max_results = strtol(v, NULL, 10);
            has_max_results = true;
        } else if (strcmp(a, "--next-token") == 0) {
            next_token = v;
        } else if (strcmp(a, "--next-token-len") == 0) {
            size_t n = (size_t)strtoull(v, NULL, 10);
            free(long_token);
            long_token = malloc(n + 1);
            if (long_token == NULL)
                return usage("out of memory");
            memset(long_token, 'a', n);
            long_token[n] = '\0';
            next_token = long_token;
        } else if (strcmp(a, "--solution-version-arn") == 0) {
            solution = v;
        } else if (strcmp(a, "--job-name") == 0) {
            job_name = v;
        } else if (strcmp(a, "--role-arn") == 0) {
            role = v;
        } else if (strcmp(a, "--input-path") == 0) {
            input_path = v;
        } else if (strcmp(a, "--output-path") == 0) {
            output_path = v;
        } else {
            return usage(a);
        }
        if (takes)
            i++;
    }
    if (op == NULL)
        return usage("no operation");

    client = personalize_client_new(&cfg, &err);
    if (client == NULL) {
        rc = err.status;
    } else if (strcmp(op, "describe") == 0) {
        struct personalize_describe_batch_inference_job_request req = { 0 };
        struct personalize_describe_batch_inference_job_response res;
        req.batch_inference_job_arn = arn;
        rc = personalize_describe_batch_inference_job(client, &req, &res, &err);
        if (rc == ACG_OK && res.batch_inference_job != NULL)
            snprintf(result, sizeof result, "%s %s", res.batch_inference_job->status,
                     res.batch_inference_job->batch_inference_job_arn);
        if (personalize_error_as_resource_not_found_exception(&err) != NULL)
            snprintf(modeled, sizeof modeled, "ResourceNotFoundException");
        personalize_describe_batch_inference_job_response_free(&res);
    } else if (strcmp(op, "list") == 0) {
        struct personalize_list_batch_inference_jobs_request req = { 0 };
        struct personalize_list_batch_inference_jobs_response res;
        req.solution_version_arn = solution;
        req.next_token = next_token;
        req.has_max_results = has_max_results;
        req.max_results = (int32_t)max_results;
        rc = personalize_list_batch_inference_jobs(client, &req, &res, &err);
        if (rc == ACG_OK)
            snprintf(result, sizeof result, "%zu jobs", res.batch_inference_jobs_count);
        if (personalize_error_as_invalid_next_token_exception(&err) != NULL)
            snprintf(modeled, sizeof modeled, "InvalidNextTokenException");
        personalize_list_batch_inference_jobs_response_free(&res);
    } else if (strcmp(op, "create") == 0) {
        struct personalize_create_batch_inference_job_request req = { 0 };
        struct personalize_create_batch_inference_job_response res;
        struct personalize_s3_data_config in_s3 = { 0 }, out_s3 = { 0 };
        struct personalize_batch_inference_job_input in = { &in_s3 };
        struct personalize_batch_inference_job_output out = { &out_s3 };
        req.job_name = job_name;
        req.solution_version_arn = solution;
        req.role_arn = role;
        if (input_path != NULL) {
            in_s3.path = input_path;
            req.job_input = &in;
        }
        if (output_path != NULL) {
            out_s3.path = output_path;
            req.job_output = &out;
        }
        rc = personalize_create_batch_inference_job(client, &req, &res, &err);
        if (rc == ACG_OK)
            snprintf(result, sizeof result, "%s", res.batch_inference_job_arn);
        if (personalize_error_as_resource_already_exists_exception(&err) != NULL)
            snprintf(modeled, sizeof modeled, "ResourceAlreadyExistsException");
        personalize_create_batch_inference_job_response_free(&res);
    } else {
        acg_client_destroy(client);
        return usage("unknown operation");
    }
    acg_client_destroy(client);

    printf("{\"rc\": ");
    json_string(acg_status_name(rc));
    printf(", \"status\": %d, \"http_status\": %ld, \"attempts\": %d, \"exhausted\": %s, "
           "\"aws_type\": ", rc, err.http_status, err.attempts,
           err.retries_exhausted ? "true" : "false");
    json_string(err.aws_type);
    printf(", \"where\": ");
    json_string(err.where);
    printf(", \"message\": ");
    json_string(err.message);
    printf(", \"modeled\": ");
    json_string(modeled);
    printf(", \"result\": ");
    json_string(result);
    printf("}\n");
    acg_error_free(&err);
    free(long_token);
    return rc == ACG_OK ? 0 : 1;
}
