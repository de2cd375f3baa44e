/* Model names as the AWS CLI spells them: botocore's xform_name. */
#ifndef ACG_NAMES_H
#define ACG_NAMES_H

#include "common/acg_arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* botocore.xform_name(name, sep): "DescribeBatchInferenceJob" -> "describe_batch_inference_job"
 * with sep '_', "describe-batch-inference-job" with '-'. The result is in the arena; NULL
 * when memory runs out or the name is over 1,000 bytes. */
char *acg_xform_name(struct acg_arena *a, const char *name, char sep);

#ifdef __cplusplus
}
#endif

#endif
