/* Base64 for blobs: the standard alphabet, padded. */
#ifndef ACG_BASE64_H
#define ACG_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include "common/acg_buf.h"
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Base64 (standard alphabet, padded). Decoding is strict: length a multiple of 4, '=' only
 * at the end, no whitespace; ACG_ERR_INVALID_ARG otherwise (out keeps its old contents). */
ACG_NODISCARD int acg_base64_encode(const uint8_t *data, size_t len, struct acg_buf *out);
ACG_NODISCARD int acg_base64_decode(const char *s, size_t len, struct acg_buf *out);

#ifdef __cplusplus
}
#endif

#endif
