/* The AWS CLI's credential cache (~/.aws/cli/cache), read and written as botocore's
 * JSONFileCache does, and the bits of Python the file names and contents depend on: SHA-1
 * hex of the fetcher's arguments, json.dumps's escaping, dateutil's reading of the
 * timestamps the files hold. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "auth/acg_cred_providers.h"
#include "common/acg_arena.h"
#include "json/acg_json.h"

#define CACHE_MAX_BYTES (1 << 20)

int acg_cred_sha1_hex(const char *s, char out[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    static const char hex[] = "0123456789abcdef";
    if (EVP_Digest(s, strlen(s), md, &len, EVP_sha1(), NULL) != 1 || len != 20)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < 20; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[40] = '\0';
    return ACG_OK;
}

/* One UTF-8 sequence at s into *cp; returns its length, 0 when malformed. */
static size_t utf8_next(const unsigned char *s, unsigned long *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0)
        return 0;
    unsigned long v = s[0] & (0xff >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

int acg_cred_json_string(struct acg_buf *b, const char *s)
{
    int rc = acg_buf_append_char(b, '"');
    const unsigned char *c = (const unsigned char *)s;
    while (rc == ACG_OK && *c != '\0') {
        unsigned long cp;
        size_t n = utf8_next(c, &cp);
        if (n == 0) {
            cp = 0xfffd;   /* not UTF-8 (Python would have refused to read it) */
            n = 1;
        }
        c += n;
        switch (cp) {
        case '"': rc = acg_buf_append_str(b, "\\\""); break;
        case '\\': rc = acg_buf_append_str(b, "\\\\"); break;
        case '\n': rc = acg_buf_append_str(b, "\\n"); break;
        case '\r': rc = acg_buf_append_str(b, "\\r"); break;
        case '\t': rc = acg_buf_append_str(b, "\\t"); break;
        case '\b': rc = acg_buf_append_str(b, "\\b"); break;
        case '\f': rc = acg_buf_append_str(b, "\\f"); break;
        default:
            if (cp < 0x20 || (cp >= 0x7f && cp < 0x10000))
                rc = acg_buf_printf(b, "\\u%04lx", cp);
            else if (cp >= 0x10000)
                rc = acg_buf_printf(b, "\\u%04lx\\u%04lx", 0xd800 + ((cp - 0x10000) >> 10),
                                    0xdc00 + ((cp - 0x10000) & 0x3ff));
            else
                rc = acg_buf_append_char(b, (char)cp);
        }
    }
    return rc == ACG_OK ? acg_buf_append_char(b, '"') : rc;
}

int acg_cred_cache_dir(char *out, size_t size)
{
    const char *home = getenv("HOME");
    int n = snprintf(out, size, "%s/.aws/cli/cache", home != NULL ? home : "");
    return n > 0 && (size_t)n < size ? ACG_OK : ACG_ERR_INVALID_ARG;
}

int acg_cred_cache_read(const char *dir, const char *key, struct acg_buf *out, bool *found, struct acg_error *err)
{
    char path[4200];
    struct stat st;
    char chunk[4096];
    *found = false;
    snprintf(path, sizeof path, "%s/%s.json", dir, key);
    /* O_NONBLOCK: a FIFO planted under the name must not hang the open */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ACG_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_BYTES) {
        close(fd);
        return ACG_OK;   /* botocore's isfile() would say no, or the file is no cache entry */
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (acg_buf_append(out, chunk, (size_t)n) != ACG_OK) {
            close(fd);
            acg_cred_wipe(chunk, sizeof chunk);
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the credential cache");
        }
    }
    close(fd);
    acg_cred_wipe(chunk, sizeof chunk);
    *found = true;
    return ACG_OK;
}

/* mkdir -p, each missing folder 0700 (botocore's makedirs gives 0777 less the umask;
 * credentials are no one else's business). */
static bool make_dirs(const char *dir)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return false;
    for (char *s = p + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return mkdir(p, 0700) == 0 || errno == EEXIST;
}

bool acg_cred_cache_write(const char *dir, const char *key, const char *text, size_t len)
{
    char path[4200], tmp[4200];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (!make_dirs(dir))
            return false;
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, key);
    snprintf(tmp, sizeof tmp, "%s/tmpXXXXXX", dir);
    int fd = mkstemp(tmp);   /* 0600, as Python's mkstemp */
    if (fd < 0)
        return false;
    size_t off = 0;
    bool ok = true;
    while (ok && off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            off += (size_t)n;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    return ok;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int acg_cred_parse_time(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac_ms = 0;
    size_t len = strlen(s);
    if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
        s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
        return ACG_ERR_INVALID_ARG;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return ACG_ERR_INVALID_ARG;
    const char *t = s + 19;
    if (*t == '.') {
        int scale = 100;
        for (t++; *t >= '0' && *t <= '9'; t++, scale /= 10)
            frac_ms += (*t - '0') * scale;
    }
    int64_t offset_s = 0;
    if (*t == '\0' || strcmp(t, "Z") == 0 || strcmp(t, "UTC") == 0 || strcmp(t, "GMT") == 0) {
        /* UTC (no zone at all: read as UTC too) */
    } else if ((*t == '+' || *t == '-') && strlen(t) >= 3) {
        int oh = 0, om = 0;
        const char *o = t + 1;
        if (digits(o, 2, &oh) != 0)
            return ACG_ERR_INVALID_ARG;
        o += 2;
        if (*o == ':')
            o++;
        if (*o != '\0' && (strlen(o) != 2 || digits(o, 2, &om) != 0))
            return ACG_ERR_INVALID_ARG;
        offset_s = ((int64_t)oh * 3600 + (int64_t)om * 60) * (*t == '-' ? -1 : 1);
    } else {
        return ACG_ERR_INVALID_ARG;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec - offset_s;
    *ms = secs * 1000 + frac_ms;
    return ACG_OK;
}

/* The value token of key name in the object at obj, or -1. */
static int member(struct acg_json_reader *r, int obj, const char *name)
{
    if (obj < 0 || r->toks[obj].type != ACG_JSON_OBJECT)
        return -1;
    for (int k = acg_json_object_next(r, obj, 0); k > 0; k = acg_json_object_next(r, obj, k)) {
        if (acg_json_key_is(r, k, name))
            return k + 1;
    }
    return -1;
}

static const char *string_at(struct acg_json_reader *r, int tok)
{
    const char *s = NULL;
    if (tok < 0 || r->toks[tok].type != ACG_JSON_STRING || acg_json_read_string(r, tok, &s) != ACG_OK)
        return NULL;
    return s;
}

int acg_cred_cache_load(const char *dir, const char *key, int64_t now_ms, int64_t window_ms, const char *source,
                        const char *where, struct acg_credentials *out, bool *usable, struct acg_error *err)
{
    struct acg_buf text;
    bool found = false;
    *usable = false;
    acg_buf_init_secure(&text, CACHE_MAX_BYTES);
    int rc = acg_cred_cache_read(dir, key, &text, &found, err);
    if (rc != ACG_OK || !found || text.len == 0) {
        acg_buf_free_secure(&text);
        return rc;
    }
    struct acg_arena *a = acg_arena_new();
    struct acg_json_reader r;
    struct acg_error quiet;
    acg_error_init(&quiet);
    if (a == NULL) {
        acg_buf_free_secure(&text);
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory reading the credential cache");
    }
    if (acg_json_reader_parse(&r, text.data, text.len, a, &quiet) == ACG_OK) {
        int creds = member(&r, 0, "Credentials");
        const char *id = string_at(&r, member(&r, creds, "AccessKeyId"));
        const char *secret = string_at(&r, member(&r, creds, "SecretAccessKey"));
        const char *token = string_at(&r, member(&r, creds, "SessionToken"));
        const char *expiration = string_at(&r, member(&r, creds, "Expiration"));
        int64_t expires = 0;
        /* botocore reads a malformed entry as a KeyError or a parse error and fails; a
         * fresh fetch (which overwrites the entry) is the friendlier reading */
        if (id != NULL && secret != NULL && token != NULL && expiration != NULL &&
            acg_cred_parse_time(expiration, &expires) == ACG_OK && expires - now_ms >= window_ms) {
            rc = acg_cred_set(out, id, secret, token, expires, source, where, err);
            *usable = rc == ACG_OK;
        }
        acg_cred_wipe_str(secret);
        acg_cred_wipe_str(token);
        acg_json_reader_free(&r);
    }
    acg_error_free(&quiet);
    acg_arena_destroy_secure(a);
    acg_buf_free_secure(&text);
    return rc;
}
