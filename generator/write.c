/* Deterministic file output with change detection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write.h"

static const struct gen_mark no_mark = { 0, 0 };

int write_mkdirs(const char *dir, struct diag *d)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        diag_error(d, dir, no_mark, "path too long");
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            diag_error(d, path, no_mark, "cannot create the directory: %s", strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        diag_error(d, path, no_mark, "cannot create the directory: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* 1 when the file at path holds exactly data, else 0. */
static int same_content(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char buf[65536];
    size_t off = 0, n;
    int same = 1;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + n > len || memcmp(buf, data + off, n) != 0)
            same = 0;
        off += n;
    }
    fclose(f);
    return same && off == len;
}

int write_output(const char *dir, const char *name, const char *data, size_t len, bool check,
                 struct diag *d)
{
    char path[4096], tmp[4200];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        diag_error(d, name, no_mark, "path too long");
        return -1;
    }
    if (same_content(path, data, len))
        return 0;
    if (check)
        return 1;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        diag_error(d, tmp, no_mark, "cannot write: %s", strerror(errno));
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    int closed = fclose(f);
    if (w != len || closed != 0 || rename(tmp, path) != 0) {
        diag_error(d, path, no_mark, "cannot write: %s", strerror(errno));
        remove(tmp);
        return -1;
    }
    return 1;
}
