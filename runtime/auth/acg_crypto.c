/* Digest helpers over libcrypto's SHA-256.
 *
 * The digest is libcrypto's own SHA256_Init/Update/Final, not the EVP interface, because
 * OpenSSL 3's EVP looks the algorithm up in its provider store: the first lookup in a
 * process builds that store and costs about a millisecond, as much as the rest of a one-shot
 * command's own work, and every EVP digest after it still pays a context set-up. The
 * low-level functions run the same implementation (SHA-NI or AVX2 code chosen at load) on
 * a context the caller owns, so a digest allocates nothing. OpenSSL 3 marks them
 * deprecated in favour of EVP; they remain supported throughout the 3.x series.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "auth/acg_crypto.h"
#include "common/acg_buf.h"

#define SHA256_BLOCK_LEN 64   /* HMAC pads the key to the digest's block size */
#define HMAC_IPAD 0x36
#define HMAC_OPAD 0x5c

void acg_sha256_ctx_init(struct acg_sha256_ctx *ctx)
{
    memset(&ctx->state, 0, sizeof ctx->state);
}

void acg_sha256_ctx_free(struct acg_sha256_ctx *ctx)
{
    if (ctx != NULL)
        acg_secure_zero(&ctx->state, sizeof ctx->state);   /* HMAC leaves key-derived state */
}

/* SHA-256 of a[0..a_len) followed by b[0..b_len), the shape both HMAC passes have. An empty
 * part is skipped, so its pointer may be NULL. */
static int digest_two(struct acg_sha256_ctx *ctx, const void *a, size_t a_len, const void *b,
                      size_t b_len, unsigned char out[ACG_SHA256_LEN])
{
    if (SHA256_Init(&ctx->state) != 1 ||
        (a_len > 0 && SHA256_Update(&ctx->state, a, a_len) != 1) ||
        (b_len > 0 && SHA256_Update(&ctx->state, b, b_len) != 1) ||
        SHA256_Final(out, &ctx->state) != 1)
        return ACG_ERR_NOMEM;
    return ACG_OK;
}

int acg_sha256_with(struct acg_sha256_ctx *ctx, const void *data, size_t len,
                    unsigned char out[ACG_SHA256_LEN])
{
    return digest_two(ctx, data, len, NULL, 0, out);
}

int acg_sha256(const void *data, size_t len, unsigned char out[ACG_SHA256_LEN])
{
    struct acg_sha256_ctx ctx;

    acg_sha256_ctx_init(&ctx);
    int rc = acg_sha256_with(&ctx, data, len, out);
    acg_sha256_ctx_free(&ctx);
    return rc;
}

/* RFC 2104: HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 being the key
 * zero-padded to one block, or its digest (padded) when it is longer than a block. The key
 * is copied into pad before out is written, so out may be the key's own buffer. */
int acg_hmac_sha256_with(struct acg_sha256_ctx *ctx, const void *key, size_t key_len,
                         const void *data, size_t len, unsigned char out[ACG_SHA256_LEN])
{
    unsigned char pad[SHA256_BLOCK_LEN];
    unsigned char inner[ACG_SHA256_LEN];
    int rc = ACG_OK;

    memset(pad, 0, sizeof pad);
    if (key_len > sizeof pad)
        rc = digest_two(ctx, key, key_len, NULL, 0, pad);
    else if (key_len > 0)
        memcpy(pad, key, key_len);
    if (rc != ACG_OK)
        goto done;

    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= HMAC_IPAD;
    rc = digest_two(ctx, pad, sizeof pad, data, len, inner);
    if (rc != ACG_OK)
        goto done;

    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= HMAC_IPAD ^ HMAC_OPAD;
    rc = digest_two(ctx, pad, sizeof pad, inner, sizeof inner, out);
done:
    acg_secure_zero(pad, sizeof pad);
    acg_secure_zero(inner, sizeof inner);
    return rc;
}

int acg_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[ACG_SHA256_LEN])
{
    struct acg_sha256_ctx ctx;

    acg_sha256_ctx_init(&ctx);
    int rc = acg_hmac_sha256_with(&ctx, key, key_len, data, len, out);
    acg_sha256_ctx_free(&ctx);
    return rc;
}

void acg_hex_lower(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];   /* read once: out may alias in as far as the compiler knows */
        out[2 * i] = digits[c >> 4];
        out[2 * i + 1] = digits[c & 0x0f];
    }
    out[2 * len] = '\0';
}
