/* Decoding a service's non-2xx answer (awsJson1_0 / awsJson1_1) into struct acg_error.
 *
 * Pure: no I/O, no allocation that outlives the call, any bytes accepted (a fuzz target
 * feeds it arbitrary status, headers and bodies). */
#ifndef ACG_ERROR_DECODE_H
#define ACG_ERROR_DECODE_H

#include <stddef.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Turns a non-2xx answer into err: status ACG_ERR_SERVICE; aws_type from error_type_header
 * (up to ':'), else the body's "__type" or "code", namespace ("ns#") and ":suffix" removed;
 * message from "message", "Message" or "errorMessage"; request_id from the header, else the
 * body's "requestId". A body that is not JSON (an HTML page, nothing at all) still gives
 * an error: the status number as the code (botocore's habit) and the reason phrase with an
 * excerpt as the message. Both header arguments may be NULL or "". Returns ACG_ERR_SERVICE
 * (err may be NULL; an error already in err is kept, as acg_error_set does). */
int acg_error_decode(long http_status, const char *error_type_header, const char *request_id_header,
                     const char *body, size_t body_len, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
