/* Random bytes from the kernel and RFC 4122 version 4 UUIDs built from them. */
#ifndef ACG_RANDOM_H
#define ACG_RANDOM_H

#include <stddef.h>
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fills buf with n bytes from the kernel's CSPRNG (getrandom, else /dev/urandom).
 * ACG_OK or ACG_ERR_INVALID_ARG when neither source answers. */
ACG_NODISCARD int acg_random_bytes(void *buf, size_t n);
/* Formats 16 random bytes as an RFC 4122 version 4 UUID (sets the version and variant
 * bits), lower-case, 36 characters and a NUL. */
void acg_uuid4_format(const unsigned char bytes[16], char out[37]);

#ifdef __cplusplus
}
#endif

#endif
