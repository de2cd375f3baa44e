/* Decoding a service's non-2xx answer (awsJson1_0 / awsJson1_1, restJson1) into struct
 * acg_error.
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

/* Whose rules say where the error code comes from (botocore's parsers). */
enum acg_error_protocol {
    ACG_ERROR_AWS_JSON,    /* "__type", else the status: X-Amzn-ErrorType is not read */
    ACG_ERROR_REST_JSON,   /* X-Amzn-ErrorType, else "code"/"Code", else "__type", else status */
};

/* What the answer's headers say; any member may be NULL or "". */
struct acg_error_headers {
    const char *error_type;    /* X-Amzn-ErrorType */
    const char *query_error;   /* x-amzn-query-error ("Code;Sender"), awsQueryCompatible */
    const char *request_id;    /* x-amzn-RequestId */
};

/* Turns a non-2xx answer into err as botocore does (see the top of acg_error_decode.c):
 * status ACG_ERR_SERVICE; aws_type the bare code ("ns#" and ":suffix" removed) or the HTTP
 * status as text; message "message" or "Message" (or "" when there is none, as the AWS CLI
 * prints it), the body itself when it is not a JSON object, the reason phrase for a generic
 * 5xx; request_id from the header, else the body's "requestId". The texts are escaped for
 * the terminal. h may be NULL. Returns ACG_ERR_SERVICE (err may be NULL; an error already
 * in err is kept, as acg_error_set does). */
int acg_error_decode(enum acg_error_protocol protocol, long http_status,
                     const struct acg_error_headers *h, const char *body, size_t body_len,
                     struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
