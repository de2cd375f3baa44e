/* The flexible checksums S3 takes on uploads and sends on downloads (x-amz-checksum-*), as
 * botocore computes them: CRC32 (zlib), CRC32C (Castagnoli), SHA-1 and SHA-256 (libcrypto),
 * each given as the base64 of its big-endian digest. Fed piece by piece, so a body that
 * streams through is checked without being kept. */
#ifndef ACG_CHECKSUM_H
#define ACG_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum acg_checksum_algorithm {
    ACG_CHECKSUM_NONE = 0,
    ACG_CHECKSUM_CRC32C,            /* in botocore's order of preference for validation */
    ACG_CHECKSUM_CRC32,
    ACG_CHECKSUM_SHA1,
    ACG_CHECKSUM_SHA256,
};

/* The base64 of the largest digest (SHA-256: 44 characters) and its NUL. */
#define ACG_CHECKSUM_TEXT_MAX 48

struct acg_checksum_state {
    enum acg_checksum_algorithm algorithm;
    uint32_t crc;
    void *md;                       /* libcrypto's digest context (SHA-1, SHA-256) */
    bool failed;
};

/* The algorithm a model name ("CRC32", "crc32c", "SHA256", any case) names, or
 * ACG_CHECKSUM_NONE for one this runtime cannot compute (CRC64NVME needs botocore's CRT
 * too). */
enum acg_checksum_algorithm acg_checksum_algorithm_from_name(const char *name);
/* "crc32", "crc32c", "sha1", "sha256": the suffix of the x-amz-checksum-* header. */
const char *acg_checksum_algorithm_name(enum acg_checksum_algorithm a);

/* init, update as often as needed, then final (which also releases the state; free alone
 * releases a state that is not finished). final writes the base64 digest into out. */
ACG_NODISCARD int acg_checksum_init(struct acg_checksum_state *s, enum acg_checksum_algorithm a);
void acg_checksum_update(struct acg_checksum_state *s, const void *data, size_t len);
ACG_NODISCARD int acg_checksum_final(struct acg_checksum_state *s, char out[ACG_CHECKSUM_TEXT_MAX]);
void acg_checksum_free(struct acg_checksum_state *s);

/* The whole computation over one buffer. */
ACG_NODISCARD int acg_checksum_of(enum acg_checksum_algorithm a, const void *data, size_t len,
                                  char out[ACG_CHECKSUM_TEXT_MAX]);

/* The base64 of the MD5 digest of data (Content-MD5, S3's SSECustomerKeyMD5) into out. */
ACG_NODISCARD int acg_md5_base64(const void *data, size_t len, char out[ACG_CHECKSUM_TEXT_MAX]);

/* The CRC32C of len bytes, continuing from crc (0 to start). */
uint32_t acg_crc32c(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
