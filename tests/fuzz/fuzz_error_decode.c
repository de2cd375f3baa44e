/* Fuzz target: the service error decoder. The first two bytes choose the HTTP status, the
 * text up to the first NUL is the X-Amzn-ErrorType header, the rest is the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/acg_error_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long status = 400 + (data[0] | (data[1] << 8)) % 200;
    const uint8_t *rest = data + 2;
    size_t len = size - 2;
    const uint8_t *nul = memchr(rest, 0, len);
    char *header = NULL;
    if (nul != NULL) {
        header = malloc((size_t)(nul - rest) + 1);
        if (header == NULL)
            return 0;
        memcpy(header, rest, (size_t)(nul - rest));
        header[nul - rest] = '\0';
        len -= (size_t)(nul - rest) + 1;
        rest = nul + 1;
    }
    struct acg_error err;
    acg_error_init(&err);
    struct acg_error_headers h = { header, header, "req-1" };
    (void)acg_error_decode(data[0] & 1 ? ACG_ERROR_REST_JSON : ACG_ERROR_AWS_JSON, status, &h,
                           (const char *)rest, len, &err);
    free(header);
    return 0;
}
