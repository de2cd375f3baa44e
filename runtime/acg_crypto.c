/* Digest helpers over libcrypto's EVP interface.
 *
 * OpenSSL 3 deprecates the HMAC_CTX family; EVP_Q_mac is the supported one-shot form and
 * keeps the key inside libcrypto's own (cleansed) context. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "acg_crypto.h"

int acg_sha256(const void *data, size_t len, unsigned char out[ACG_SHA256_LEN])
{
    static const unsigned char nothing[1];
    unsigned int out_len = 0;

    /* EVP_Digest wants a valid pointer even for an empty message */
    if (data == NULL)
        data = nothing;
    if (EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL) != 1 || out_len != ACG_SHA256_LEN)
        return ACG_ERR_NOMEM;
    return ACG_OK;
}

int acg_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[ACG_SHA256_LEN])
{
    static const unsigned char nothing[1];
    size_t out_len = 0;

    if (data == NULL)
        data = nothing;
    if (key == NULL)
        key = nothing;
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, data, len, out,
                  ACG_SHA256_LEN, &out_len) == NULL || out_len != ACG_SHA256_LEN)
        return ACG_ERR_NOMEM;
    return ACG_OK;
}

void acg_hex_lower(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * len] = '\0';
}

void acg_secure_zero(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}
