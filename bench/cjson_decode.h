/* A cJSON-based decoder into the generated Personalize structs, written the way
 * openapi-generator's C client does it: cJSON_Parse the whole body into a tree, look up each
 * member with cJSON_GetObjectItemCaseSensitive, check its type, strdup every string and
 * malloc every struct, then cJSON_Delete the tree. The comparison point for row 1. */
#ifndef BENCH_CJSON_DECODE_H
#define BENCH_CJSON_DECODE_H

#include <stddef.h>

#include "personalize.h"

int cj_describe_from_json(const char *json, size_t len,
                          struct personalize_describe_batch_inference_job_response *out);
void cj_describe_free(struct personalize_describe_batch_inference_job_response *v);
int cj_list_from_json(const char *json, size_t len,
                      struct personalize_list_batch_inference_jobs_response *out);
void cj_list_free(struct personalize_list_batch_inference_jobs_response *v);

#endif
