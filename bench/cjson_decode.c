/* See cjson_decode.h. Returns 0 on success, -1 when the body does not match the shape. */
#include "cjson_decode.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* openapi-generator: `if (x) { if (!cJSON_IsString(x)) goto end; }` then strdup(x->valuestring). */
static int get_string(const cJSON *obj, const char *name, const char **out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (!x || cJSON_IsNull(x))
        return 0;
    if (!cJSON_IsString(x))
        return -1;
    *out = strdup(x->valuestring);
    return *out ? 0 : -1;
}

static int get_int(const cJSON *obj, const char *name, bool *has, int32_t *out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, name);
    *has = false;
    if (!x || cJSON_IsNull(x))
        return 0;
    if (!cJSON_IsNumber(x))
        return -1;
    *has = true;
    *out = (int32_t)x->valuedouble;
    return 0;
}

/* Timestamps arrive as epoch seconds with a fraction: read through the double cJSON holds,
 * as botocore does (acg_time_from_double: to the microsecond). */
static int get_time(const cJSON *obj, const char *name, bool *has, struct acg_timestamp *out)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, name);
    *has = false;
    if (!x || cJSON_IsNull(x))
        return 0;
    if (!cJSON_IsNumber(x) || acg_time_from_double(x->valuedouble, out) != ACG_OK)
        return -1;
    out->wire = NULL;
    *has = true;
    return 0;
}

static void free_str(const char *s)
{
    free((void *)s);
}

static void s3_free(struct personalize_s3_data_config *v)
{
    if (!v)
        return;
    free_str(v->path);
    free_str(v->kms_key_arn);
    free(v);
}

static int s3_parse(const cJSON *json, struct personalize_s3_data_config **out)
{
    *out = NULL;
    if (!json || cJSON_IsNull(json))
        return 0;
    if (!cJSON_IsObject(json))
        return -1;
    struct personalize_s3_data_config *v = calloc(1, sizeof *v);
    if (!v)
        return -1;
    if (get_string(json, "path", &v->path) || get_string(json, "kmsKeyArn", &v->kms_key_arn)) {
        s3_free(v);
        return -1;
    }
    *out = v;
    return 0;
}

static void config_free(struct personalize_batch_inference_job_config *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->item_exploration_config_count; i++) {
        free_str(v->item_exploration_config[i].key);
        free_str(v->item_exploration_config[i].value);
    }
    free(v->item_exploration_config);
    for (size_t i = 0; i < v->ranking_influence_count; i++)
        free_str(v->ranking_influence[i].key);
    free(v->ranking_influence);
    free(v);
}

static int config_parse(const cJSON *json, struct personalize_batch_inference_job_config **out)
{
    *out = NULL;
    if (!json || cJSON_IsNull(json))
        return 0;
    if (!cJSON_IsObject(json))
        return -1;
    struct personalize_batch_inference_job_config *v = calloc(1, sizeof *v);
    if (!v)
        return -1;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(json, "itemExplorationConfig");
    const cJSON *e;
    if (m && cJSON_IsObject(m)) {
        v->item_exploration_config = calloc((size_t)cJSON_GetArraySize(m) + 1,
                                            sizeof *v->item_exploration_config);
        if (!v->item_exploration_config)
            goto fail;
        cJSON_ArrayForEach(e, m) {
            if (!cJSON_IsString(e))
                goto fail;
            struct personalize_hyper_parameters_entry *p =
                &v->item_exploration_config[v->item_exploration_config_count++];
            p->key = strdup(e->string);
            p->value = strdup(e->valuestring);
            if (!p->key || !p->value)
                goto fail;
        }
    }
    m = cJSON_GetObjectItemCaseSensitive(json, "rankingInfluence");
    if (m && cJSON_IsObject(m)) {
        v->ranking_influence = calloc((size_t)cJSON_GetArraySize(m) + 1, sizeof *v->ranking_influence);
        if (!v->ranking_influence)
            goto fail;
        cJSON_ArrayForEach(e, m) {
            if (!cJSON_IsNumber(e))
                goto fail;
            struct personalize_ranking_influence_entry *p =
                &v->ranking_influence[v->ranking_influence_count++];
            p->key = strdup(e->string);
            p->value = e->valuedouble;
            if (!p->key)
                goto fail;
        }
    }
    *out = v;
    return 0;
fail:
    config_free(v);
    return -1;
}

static void job_free(struct personalize_batch_inference_job *v)
{
    if (!v)
        return;
    free_str(v->job_name);
    free_str(v->batch_inference_job_arn);
    free_str(v->filter_arn);
    free_str(v->failure_reason);
    free_str(v->solution_version_arn);
    if (v->job_input)
        s3_free(v->job_input->s3_data_source);
    free(v->job_input);
    if (v->job_output)
        s3_free(v->job_output->s3_data_destination);
    free(v->job_output);
    config_free(v->batch_inference_job_config);
    free_str(v->role_arn);
    free_str(v->batch_inference_job_mode);
    if (v->theme_generation_config && v->theme_generation_config->fields_for_theme_generation) {
        free_str(v->theme_generation_config->fields_for_theme_generation->item_name);
        free(v->theme_generation_config->fields_for_theme_generation);
    }
    free(v->theme_generation_config);
    free_str(v->status);
    free(v);
}

static int job_parse(const cJSON *json, struct personalize_batch_inference_job **out)
{
    *out = NULL;
    if (!json || cJSON_IsNull(json))
        return 0;
    if (!cJSON_IsObject(json))
        return -1;
    struct personalize_batch_inference_job *v = calloc(1, sizeof *v);
    if (!v)
        return -1;
    if (get_string(json, "jobName", &v->job_name) ||
        get_string(json, "batchInferenceJobArn", &v->batch_inference_job_arn) ||
        get_string(json, "filterArn", &v->filter_arn) ||
        get_string(json, "failureReason", &v->failure_reason) ||
        get_string(json, "solutionVersionArn", &v->solution_version_arn) ||
        get_int(json, "numResults", &v->has_num_results, &v->num_results))
        goto fail;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(json, "jobInput");
    if (x && cJSON_IsObject(x)) {
        v->job_input = calloc(1, sizeof *v->job_input);
        if (!v->job_input ||
            s3_parse(cJSON_GetObjectItemCaseSensitive(x, "s3DataSource"), &v->job_input->s3_data_source))
            goto fail;
    }
    x = cJSON_GetObjectItemCaseSensitive(json, "jobOutput");
    if (x && cJSON_IsObject(x)) {
        v->job_output = calloc(1, sizeof *v->job_output);
        if (!v->job_output ||
            s3_parse(cJSON_GetObjectItemCaseSensitive(x, "s3DataDestination"),
                     &v->job_output->s3_data_destination))
            goto fail;
    }
    if (config_parse(cJSON_GetObjectItemCaseSensitive(json, "batchInferenceJobConfig"),
                     &v->batch_inference_job_config) ||
        get_string(json, "roleArn", &v->role_arn) ||
        get_string(json, "batchInferenceJobMode", &v->batch_inference_job_mode))
        goto fail;
    x = cJSON_GetObjectItemCaseSensitive(json, "themeGenerationConfig");
    if (x && cJSON_IsObject(x)) {
        v->theme_generation_config = calloc(1, sizeof *v->theme_generation_config);
        if (!v->theme_generation_config)
            goto fail;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(x, "fieldsForThemeGeneration");
        if (f && cJSON_IsObject(f)) {
            struct personalize_fields_for_theme_generation *ff = calloc(1, sizeof *ff);
            v->theme_generation_config->fields_for_theme_generation = ff;
            if (!ff || get_string(f, "itemName", &ff->item_name))
                goto fail;
        }
    }
    if (get_string(json, "status", &v->status) ||
        get_time(json, "creationDateTime", &v->has_creation_date_time, &v->creation_date_time) ||
        get_time(json, "lastUpdatedDateTime", &v->has_last_updated_date_time, &v->last_updated_date_time))
        goto fail;
    *out = v;
    return 0;
fail:
    job_free(v);
    return -1;
}

int cj_describe_from_json(const char *json, size_t len,
                          struct personalize_describe_batch_inference_job_response *out)
{
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return -1;
    int rc = cJSON_IsObject(root)
                 ? job_parse(cJSON_GetObjectItemCaseSensitive(root, "batchInferenceJob"),
                             &out->batch_inference_job)
                 : -1;
    cJSON_Delete(root);
    return rc;
}

void cj_describe_free(struct personalize_describe_batch_inference_job_response *v)
{
    job_free(v->batch_inference_job);
    v->batch_inference_job = NULL;
}

static void summary_free(struct personalize_batch_inference_job_summary *s)
{
    free_str(s->batch_inference_job_arn);
    free_str(s->job_name);
    free_str(s->status);
    free_str(s->failure_reason);
    free_str(s->solution_version_arn);
    free_str(s->batch_inference_job_mode);
}

void cj_list_free(struct personalize_list_batch_inference_jobs_response *v)
{
    for (size_t i = 0; i < v->batch_inference_jobs_count; i++)
        summary_free(&v->batch_inference_jobs[i]);
    free(v->batch_inference_jobs);
    free_str(v->next_token);
    memset(v, 0, sizeof *v);
}

int cj_list_from_json(const char *json, size_t len,
                      struct personalize_list_batch_inference_jobs_response *out)
{
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return -1;
    int rc = -1;
    if (!cJSON_IsObject(root))
        goto end;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "batchInferenceJobs");
    if (arr && !cJSON_IsNull(arr)) {
        if (!cJSON_IsArray(arr))
            goto end;
        /* cJSON_GetArraySize walks the list; openapi-generator builds a list_t instead. */
        out->batch_inference_jobs = calloc((size_t)cJSON_GetArraySize(arr) + 1,
                                           sizeof *out->batch_inference_jobs);
        if (!out->batch_inference_jobs)
            goto end;
        const cJSON *e;
        cJSON_ArrayForEach(e, arr) {
            if (!cJSON_IsObject(e))
                goto end;
            struct personalize_batch_inference_job_summary *s =
                &out->batch_inference_jobs[out->batch_inference_jobs_count++];
            if (get_string(e, "batchInferenceJobArn", &s->batch_inference_job_arn) ||
                get_string(e, "jobName", &s->job_name) || get_string(e, "status", &s->status) ||
                get_time(e, "creationDateTime", &s->has_creation_date_time, &s->creation_date_time) ||
                get_time(e, "lastUpdatedDateTime", &s->has_last_updated_date_time,
                         &s->last_updated_date_time) ||
                get_string(e, "failureReason", &s->failure_reason) ||
                get_string(e, "solutionVersionArn", &s->solution_version_arn) ||
                get_string(e, "batchInferenceJobMode", &s->batch_inference_job_mode))
                goto end;
        }
    }
    rc = get_string(root, "nextToken", &out->next_token);
end:
    cJSON_Delete(root);
    if (rc)
        cj_list_free(out);
    return rc;
}
