/* Flexible checksums (auth/acg_checksum.h). CRC32 is zlib's; CRC32C is computed here with
 * slicing-by-8 tables built once; the SHA digests are libcrypto's. */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "auth/acg_checksum.h"
#include "common/acg_base64.h"
#include "common/acg_buf.h"

static uint32_t crc32c_table[8][256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_build(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc32c_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = crc32c_table[0][i];
        for (int t = 1; t < 8; t++) {
            c = crc32c_table[0][c & 0xffu] ^ (c >> 8);
            crc32c_table[t][i] = c;
        }
    }
}

uint32_t acg_crc32c(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    (void)pthread_once(&crc32c_once, crc32c_build);
    crc = ~crc;
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                      (uint32_t)p[7] << 24;
        crc = crc32c_table[7][lo & 0xffu] ^ crc32c_table[6][(lo >> 8) & 0xffu] ^
              crc32c_table[5][(lo >> 16) & 0xffu] ^ crc32c_table[4][lo >> 24] ^
              crc32c_table[3][hi & 0xffu] ^ crc32c_table[2][(hi >> 8) & 0xffu] ^
              crc32c_table[1][(hi >> 16) & 0xffu] ^ crc32c_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        crc = crc32c_table[0][(crc ^ *p++) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

enum acg_checksum_algorithm acg_checksum_algorithm_from_name(const char *name)
{
    static const char *const names[] = { "crc32c", "crc32", "sha1", "sha256" };
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(name, names[i]) == 0)
            return (enum acg_checksum_algorithm)(i + 1);
    }
    return ACG_CHECKSUM_NONE;
}

const char *acg_checksum_algorithm_name(enum acg_checksum_algorithm a)
{
    switch (a) {
    case ACG_CHECKSUM_CRC32C: return "crc32c";
    case ACG_CHECKSUM_CRC32: return "crc32";
    case ACG_CHECKSUM_SHA1: return "sha1";
    case ACG_CHECKSUM_SHA256: return "sha256";
    default: return "";
    }
}

int acg_checksum_init(struct acg_checksum_state *s, enum acg_checksum_algorithm a)
{
    memset(s, 0, sizeof *s);
    s->algorithm = a;
    if (a == ACG_CHECKSUM_CRC32C || a == ACG_CHECKSUM_CRC32)
        return ACG_OK;
    if (a != ACG_CHECKSUM_SHA1 && a != ACG_CHECKSUM_SHA256)
        return ACG_ERR_INVALID_ARG;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL)
        return ACG_ERR_NOMEM;
    if (EVP_DigestInit_ex(md, a == ACG_CHECKSUM_SHA1 ? EVP_sha1() : EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return ACG_ERR_NOMEM;
    }
    s->md = md;
    return ACG_OK;
}

void acg_checksum_update(struct acg_checksum_state *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0)
        return;
    switch (s->algorithm) {
    case ACG_CHECKSUM_CRC32:
        /* zlib takes a uInt length: feed it in pieces that fit */
        while (len > 0) {
            uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
            s->crc = (uint32_t)crc32(s->crc, p, n);
            p += n;
            len -= n;
        }
        break;
    case ACG_CHECKSUM_CRC32C:
        s->crc = acg_crc32c(s->crc, p, len);
        break;
    case ACG_CHECKSUM_SHA1: case ACG_CHECKSUM_SHA256:
        if (s->md == NULL || EVP_DigestUpdate(s->md, p, len) != 1)
            s->failed = true;
        break;
    default:
        break;
    }
}

void acg_checksum_free(struct acg_checksum_state *s)
{
    EVP_MD_CTX_free(s->md);
    s->md = NULL;
}

/* The base64 of a digest into out. */
static int digest_text(const unsigned char *digest, unsigned len, char out[ACG_CHECKSUM_TEXT_MAX])
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_base64_encode(digest, len, &b);
    if (rc == ACG_OK && b.len < ACG_CHECKSUM_TEXT_MAX)
        memcpy(out, b.data, b.len + 1);
    else if (rc == ACG_OK)
        rc = ACG_ERR_NOMEM;
    acg_buf_free(&b);
    return rc;
}

int acg_checksum_final(struct acg_checksum_state *s, char out[ACG_CHECKSUM_TEXT_MAX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int rc = ACG_OK;
    out[0] = '\0';
    if (s->algorithm == ACG_CHECKSUM_CRC32 || s->algorithm == ACG_CHECKSUM_CRC32C) {
        digest[0] = (unsigned char)(s->crc >> 24);
        digest[1] = (unsigned char)(s->crc >> 16);
        digest[2] = (unsigned char)(s->crc >> 8);
        digest[3] = (unsigned char)s->crc;
        len = 4;
    } else if (s->md == NULL || s->failed || EVP_DigestFinal_ex(s->md, digest, &len) != 1) {
        rc = ACG_ERR_NOMEM;
    }
    acg_checksum_free(s);
    return rc == ACG_OK ? digest_text(digest, len, out) : rc;
}

int acg_checksum_of(enum acg_checksum_algorithm a, const void *data, size_t len,
                    char out[ACG_CHECKSUM_TEXT_MAX])
{
    struct acg_checksum_state s;
    ACG_TRY(acg_checksum_init(&s, a));
    acg_checksum_update(&s, data, len);
    return acg_checksum_final(&s, out);
}

int acg_md5_base64(const void *data, size_t len, char out[ACG_CHECKSUM_TEXT_MAX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    out[0] = '\0';
    if (EVP_Digest(data != NULL ? data : "", len, digest, &n, EVP_md5(), NULL) != 1)
        return ACG_ERR_NOMEM;
    return digest_text(digest, n, out);
}
