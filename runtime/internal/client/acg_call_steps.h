/* acg_call_ex in its two halves, for the asynchronous calls (acg_async.c): what happens
 * before the request is sent (validation, building) and after (decoding). */
#ifndef ACG_CALL_STEPS_H
#define ACG_CALL_STEPS_H

#include "auth/acg_checksum.h"
#include "client/acg_client.h"
#include "client/acg_send.h"
#include "protocol/acg_s3.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Endpoint parameters one operation can bind: its contextParam members, static and path
 * parameters. More than this many is a model we have not seen. */
#define ACG_MAX_CONTEXT_PARAMS 32

/* A call's request, built and ready for acg_client_send (send points into the rest). */
struct acg_call_prep {
    struct acg_request req;
    struct acg_send send;
    struct acg_endpoint_param params[ACG_MAX_CONTEXT_PARAMS];
    char host_prefix[256];
    struct acg_arena *prepared;    /* the input as the protocol adjusted it, or NULL */
    struct acg_s3_call s3;
    /* Response checksums to check (the operation's responseAlgorithms, when its validation
     * mode member is set): a download streamed to a sink is checked as it passes. */
    bool validate;
    struct acg_checksum_state sums[4];   /* by enum acg_checksum_algorithm - 1 */
    const struct acg_body_sink *inner_sink;
    struct acg_body_sink sink;
    /* The blocking call's 2xx body decoded as it arrives (acg_call_ex), its checksums
     * computed as it passes: the output and the reader of the attempt in flight. */
    struct acg_arriving arriving;
    const struct acg_service *svc;
    void *out;
    acg_json_pull_fn pull;
    void *pull_ctx;
};

/* Adjusts in as the protocol's and the service's handlers do before validation (Route 53's
 * ids, S3's EncodingType, the checksum validation mode), zeroes out, validates the
 * adjusted input and builds the request into p (which must not move afterwards).
 * On failure err says why and p holds nothing to release. */
ACG_NODISCARD int acg_call_prepare(struct acg_client *c, const struct acg_operation *op,
                                   const void *in, void *out,
                                   const struct acg_call_options *options,
                                   struct acg_call_prep *p, struct acg_error *err);

/* Decodes the outcome rc of sending p (ACG_OK: resp into out; ACG_ERR_SERVICE: the
 * modelled error into err), then releases resp and p. Returns the call's status. */
int acg_call_complete(struct acg_client *c, const struct acg_operation *op,
                      struct acg_call_prep *p, int rc, struct acg_response *resp, void *out,
                      struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
