/* SHA-256 and HMAC-SHA-256 over OpenSSL's libcrypto (EVP), plus the two helpers every
 * user of a digest needs: lower-case hex and a memset the compiler may not drop.
 *
 * The runtime never carries its own crypto: libcrypto is audited and constant-time where
 * it matters. These wrappers only narrow its API to the one digest SigV4 uses. */
#ifndef ACG_CRYPTO_H
#define ACG_CRYPTO_H

#include <stddef.h>

#include "acg_error.h"

#define ACG_SHA256_LEN 32

/* out receives the 32-byte digest of data[0..len). data may be NULL when len is 0.
 * Returns ACG_OK, or ACG_ERR_NOMEM when libcrypto could not allocate its context. */
ACG_NODISCARD int acg_sha256(const void *data, size_t len, unsigned char out[ACG_SHA256_LEN]);

/* out receives HMAC-SHA-256(key, data). Same failure rule as acg_sha256. */
ACG_NODISCARD int acg_hmac_sha256(const void *key, size_t key_len, const void *data,
                                  size_t len, unsigned char out[ACG_SHA256_LEN]);

/* Writes 2 * len lower-case hex digits and a NUL to out (2 * len + 1 bytes). */
void acg_hex_lower(const unsigned char *in, size_t len, char *out);

/* Zeroes n bytes in a way the optimiser keeps, for keys and other secrets. */
void acg_secure_zero(void *p, size_t n);

#endif
