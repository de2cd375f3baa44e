/* S3's own rules on top of restXml, as botocore's S3 handlers apply them: the bucket taken
 * out of the request URI (the endpoint rules place it, in the host or the path), path-style
 * addressing where botocore forces it, the list operations' EncodingType=url and the keys
 * decoded back, and the errors S3 sends with status 200. */
#ifndef ACG_S3_H
#define ACG_S3_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_error.h"
#include "endpoints/acg_endpoint.h"
#include "protocol/acg_protocol.h"
#include "shape/acg_service.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The service is S3 (service id "S3"). */
bool acg_s3_service(const struct acg_service *svc);
/* Calls of svc are signed as S3 signs them (S3, S3 Control): the path as sent, not
 * normalised, and X-Amz-Content-SHA256 on every request. */
bool acg_s3_signing(const struct acg_service *svc);

/* op's request URI as botocore's remove_bucket_from_url_paths_from_model leaves it for S3:
 * without a leading "/{Bucket}" ("/{Bucket}/{Key+}" -> "/{Key+}", "/{Bucket}?tagging" ->
 * "?tagging"); op's own otherwise. */
const char *acg_s3_request_uri(const struct acg_service *svc, const struct acg_operation *op);

/* Whether op's hostPrefix is used: botocore's remove_accid_host_prefix_from_model drops S3
 * Control's "{AccountId}." where the endpoint rules put the account id in the host
 * themselves (staticContextParams RequiresAccountId = true). */
bool acg_s3_host_prefix_applies(const struct acg_service *svc, const struct acg_operation *op);

/* AWS::S3::ForcePathStyle for one call of op (botocore's
 * compute_endpoint_resolver_builtin_defaults and customize_endpoint_resolver_builtins):
 * addressing_style ("auto", "path", "virtual"), whether a custom endpoint is configured,
 * and the Bucket endpoint parameter the call binds (may be NULL). */
bool acg_s3_force_path_style(const struct acg_operation *op, const char *addressing_style,
                             bool custom_endpoint, const char *bucket);

/* What acg_s3_prepare did to the input, for acg_s3_finish. */
struct acg_s3_call {
    bool decode_keys;     /* EncodingType=url was set here: decode the keys back */
};

/* botocore's set_list_objects_encoding_type_url: ListObjects, ListObjectsV2 and
 * ListObjectVersions ask for EncodingType=url when the caller did not (call says so), and
 * acg_s3_finish_request adds it to the built request's query, last, where botocore's
 * serializer puts it. */
void acg_s3_prepare(const struct acg_service *svc, const struct acg_operation *op,
                    const void *in, struct acg_s3_call *call);
ACG_NODISCARD int acg_s3_finish_request(const struct acg_s3_call *call, struct acg_request *req);

/* After a list operation's output is decoded: the keys, prefixes and markers S3 sent
 * url-encoded are decoded in place (urllib's unquote_plus), as botocore's
 * decode_list_object handlers do when the encoding was asked for on the caller's behalf. */
void acg_s3_finish(const struct acg_operation *op, const struct acg_s3_call *call, void *out);

/* botocore's validate_bucket_name: a Bucket that is neither a bucket name
 * (^[a-zA-Z0-9.\-_]{1,255}$) nor an access point or outpost ARN fails with
 * ACG_ERR_VALIDATION and botocore's message ("Invalid bucket name ..."). */
ACG_NODISCARD int acg_s3_validate_bucket(const struct acg_service *svc,
                                         const struct acg_operation *op, const void *in,
                                         struct acg_error *err);

/* botocore's handle_copy_source_param (CopyObject, UploadPartCopy): CopySource
 * percent-encoded but for "-._~/", a "?versionId=..." suffix kept as it is. *in becomes a
 * copy in *arena (created when NULL) when there is one to encode. */
ACG_NODISCARD int acg_s3_quote_copy_source(const struct acg_service *svc,
                                           const struct acg_operation *op,
                                           struct acg_arena **arena, const void **in,
                                           struct acg_error *err);

/* botocore's sse_md5 and copy_source_sse_md5 (HeadObject, GetObject, PutObject, CopyObject,
 * the multipart operations, SelectObjectContent): an SSECustomerKey (and a CopyObject's or
 * UploadPartCopy's CopySourceSSECustomerKey) given without its MD5 is sent base64-encoded
 * with the base64 MD5 of its bytes. *in becomes a copy in *arena when it changes. */
ACG_NODISCARD int acg_s3_sse_customer_keys(const struct acg_service *svc,
                                           const struct acg_operation *op,
                                           struct acg_arena **arena, const void **in,
                                           struct acg_error *err);

/* botocore's parse_get_bucket_location: GetBucketLocation's LocationConstraint is the
 * text of the body's root element (absent when it has none), read into out, a decoded
 * output of op, its text in arena. Other operations: nothing. */
ACG_NODISCARD int acg_s3_bucket_location(const struct acg_operation *op, const char *body,
                                         size_t len, void *out, struct acg_arena *arena);

/* botocore's _handle_200_error: a 200 answer of an S3 operation whose output is not a blob
 * or string payload, whose body is not XML or has an <Error> root, is an error (it is
 * given status 500 and retried). */
bool acg_s3_error_in_200(const struct acg_operation *op, long status, const char *body,
                         size_t len);

#ifdef __cplusplus
}
#endif

#endif
