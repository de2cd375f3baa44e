/* File helpers shared by the manifest, the lock and vendoring. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "files.h"

static const struct gen_mark whole_file = { 0, 0 };

char *gen_strf(struct acg_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : acg_arena_calloc(a, (size_t)n + 1, 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int files_read(const char *path, struct acg_buf *out, struct diag *d)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (f == NULL) {
        diag_error(d, path, whole_file, "cannot read: %s", strerror(errno));
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (acg_buf_append(out, chunk, n) != ACG_OK) {
            diag_error(d, path, whole_file, "out of memory reading the file");
            fclose(f);
            return -1;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        diag_error(d, path, whole_file, "cannot read: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int files_sha256(const char *path, char out[65], struct diag *d)
{
    struct acg_buf b;
    unsigned char md[32];
    unsigned int n = 0;
    acg_buf_init(&b, 0);
    int rc = files_read(path, &b, d);
    if (rc == 0 && EVP_Digest(b.data ? b.data : "", b.len, md, &n, EVP_sha256(), NULL) != 1) {
        diag_error(d, path, whole_file, "cannot compute the file's SHA-256");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < sizeof md; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    acg_buf_free(&b);
    return rc;
}

char *files_join(struct acg_arena *a, const char *dir, const char *rel)
{
    size_t n;
    char *s;
    if (rel[0] == '/' || dir == NULL || dir[0] == '\0' || strcmp(dir, ".") == 0)
        return acg_arena_strndup(a, rel, strlen(rel));
    n = strlen(dir) + strlen(rel) + 2;
    s = acg_arena_calloc(a, n, 1);
    if (s != NULL)
        snprintf(s, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
    return s;
}

char *files_dirname(struct acg_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return acg_arena_strndup(a, ".", 1);
    if (slash == path)
        return acg_arena_strndup(a, "/", 1);
    return acg_arena_strndup(a, path, (size_t)(slash - path));
}

bool files_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool files_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Appends name to the growing array *v (n entries, *cap slots). Returns 0 or -1. */
static int push_name(struct acg_arena *a, char ***v, size_t n, size_t *cap, const char *name)
{
    if (n + 1 >= *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 16;
        char **grown = acg_arena_calloc(a, grown_cap, sizeof *grown);
        if (grown == NULL)
            return -1;
        if (n > 0)
            memcpy(grown, *v, n * sizeof *grown);
        *v = grown;
        *cap = grown_cap;
    }
    (*v)[n] = acg_arena_strndup(a, name, strlen(name));
    return (*v)[n] != NULL ? 0 : -1;
}

char **files_list(struct acg_arena *a, const char *dir, size_t *count)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    size_t n = 0, cap = 0;
    char **v = NULL;
    int rc = 0;
    *count = 0;
    if (dp == NULL)
        return NULL;
    while (rc == 0 && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = push_name(a, &v, n++, &cap, e->d_name);
    }
    closedir(dp);
    if (rc != 0)
        return NULL;
    if (v == NULL)
        v = acg_arena_calloc(a, 1, sizeof *v);
    if (v != NULL) {
        qsort(v, n, sizeof *v, by_name);
        *count = n;
    }
    return v;
}
