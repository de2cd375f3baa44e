/* SHA-256 and HMAC-SHA-256 over OpenSSL's libcrypto, plus the two helpers every
 * user of a digest needs: lower-case hex and a memset the compiler may not drop.
 *
 * The runtime never carries its own crypto: libcrypto is audited and constant-time where
 * it matters. These wrappers only narrow its API to the one digest SigV4 uses. HMAC is the
 * RFC 2104 construction (two SHA-256 passes over the padded key) written over libcrypto's
 * digest, because libcrypto's own one-shot HMAC looks the algorithm up and allocates three
 * contexts on every call (acg_crypto.c says why the digest is not EVP's either).
 *
 * Two forms of each function: the plain one keeps its digest state on its own stack; the
 * _with one takes a struct acg_sha256_ctx that the caller keeps for a run of digests (the
 * signer computes four to six per request) and wipes once at the end.
 *
 *     struct acg_sha256_ctx sha;
 *     acg_sha256_ctx_init(&sha);
 *     if (acg_sha256_with(&sha, body, body_len, digest) == ACG_OK &&
 *         acg_hmac_sha256_with(&sha, key, 32, text, text_len, mac) == ACG_OK)
 *         ...
 *     acg_sha256_ctx_free(&sha);
 */
#ifndef ACG_CRYPTO_H
#define ACG_CRYPTO_H

#include <stddef.h>

#include <openssl/sha.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ACG_SHA256_LEN 32

/* A reusable digest context. One thread at a time; any number of digests in turn. */
struct acg_sha256_ctx {
    SHA256_CTX state;
};

/* Cannot fail; allocates nothing. */
void acg_sha256_ctx_init(struct acg_sha256_ctx *ctx);
/* Wipes the digest state. NULL-safe and idempotent. */
void acg_sha256_ctx_free(struct acg_sha256_ctx *ctx);

/* out receives the 32-byte digest of data[0..len). data may be NULL when len is 0.
 * Returns ACG_OK, or ACG_ERR_NOMEM should libcrypto report a failure. */
ACG_NODISCARD int acg_sha256(const void *data, size_t len, unsigned char out[ACG_SHA256_LEN]);
ACG_NODISCARD int acg_sha256_with(struct acg_sha256_ctx *ctx, const void *data, size_t len,
                                  unsigned char out[ACG_SHA256_LEN]);

/* out receives HMAC-SHA-256(key, data); a key of any length, NULL when key_len is 0. Same
 * failure rule as acg_sha256. Every copy of the key made on the way is wiped. */
ACG_NODISCARD int acg_hmac_sha256(const void *key, size_t key_len, const void *data,
                                  size_t len, unsigned char out[ACG_SHA256_LEN]);
ACG_NODISCARD int acg_hmac_sha256_with(struct acg_sha256_ctx *ctx, const void *key,
                                       size_t key_len, const void *data, size_t len,
                                       unsigned char out[ACG_SHA256_LEN]);

/* Writes 2 * len lower-case hex digits and a NUL to out (2 * len + 1 bytes). */
void acg_hex_lower(const unsigned char *in, size_t len, char *out);

#ifdef __cplusplus
}
#endif

#endif
