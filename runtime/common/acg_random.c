/* Random bytes from the kernel and RFC 4122 version 4 UUIDs.
 *
 * UUIDs name invocations (amz-sdk-invocation-id) and fill idempotency tokens, so two
 * processes started in the same second must not repeat them: the C library's generator
 * seeded from the clock would. getrandom() is the first choice; /dev/urandom covers kernels
 * without it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/acg_random.h"

static int read_urandom(unsigned char *p, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ACG_ERR_INVALID_ARG;
    while (n > 0) {
        ssize_t got = read(fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            close(fd);
            return ACG_ERR_INVALID_ARG;
        }
        p += got;
        n -= (size_t)got;
    }
    close(fd);
    return ACG_OK;
}

int acg_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return read_urandom(p, n);  /* ENOSYS on old kernels, seccomp filters */
        p += got;
        n -= (size_t)got;
    }
    return ACG_OK;
}

void acg_uuid4_format(const unsigned char bytes[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t o = 0;
    for (size_t i = 0; i < 16; i++)
        b[i] = bytes[i];
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);  /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);  /* variant 10xx */
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
}
