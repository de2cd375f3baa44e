/* Names: botocore's xform_name (CamelCase -> snake_case / kebab-case) and C identifiers. */
#ifndef GEN_NAMES_H
#define GEN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"

/* botocore.xform_name(name, sep): "DescribeBatchInferenceJob" -> "describe_batch_inference_job"
 * with sep '_', "describe-batch-inference-job" with '-'. The result is in the arena. */
char *names_xform(struct acg_arena *a, const char *name, char sep);

/* A C identifier for a model name: snake_case, characters outside [a-z0-9_] replaced, a
 * leading digit or underscore prefixed, C keywords and reserved words given a trailing '_'. */
char *names_c_ident(struct acg_arena *a, const char *name);

/* UPPER_SNAKE for macro names: "PERSONALIZE_BATCH_INFERENCE_JOB_MODE_BATCH_INFERENCE". */
char *names_upper(struct acg_arena *a, const char *snake);

bool names_is_c_keyword(const char *s);

#endif
