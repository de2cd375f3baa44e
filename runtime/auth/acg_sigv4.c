/* AWS Signature Version 4, header signing; the contract is in acg_sigv4.h.
 *
 * The canonical request is built in one buffer, stage by stage, in the order AWS defines it:
 * method, canonical URI, canonical query, canonical headers, signed headers, payload hash.
 * Each helper appends to that buffer and returns a status; acg_sigv4_sign owns the cleanup.
 * Nothing here reads the clock, prints, or keeps a pointer into the caller's request.
 *
 * A client signs every request it sends, so the common case is kept cheap: text is copied
 * in runs rather than formatted, each output buffer is sized once, the request's header
 * names are lower-cased as they are written instead of copied first, a typical header list
 * lives on the stack, and one digest context serves all the hashing of a signature. */
#include <stdlib.h>
#include <string.h>

#include "auth/acg_crypto.h"
#include "auth/acg_sigv4.h"
#include "common/acg_text.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
#define AMZ_DATE_LEN 16
#define DATE_LEN 8
#define SHA256_HEX_LEN ((size_t)2 * ACG_SHA256_LEN)   /* a digest in hex */

#define MS_PER_SECOND 1000
#define SECONDS_PER_DAY 86400

/* Headers AWS's SDKs keep out of the signature because something between the client and
 * AWS (proxies, load balancers, tracing) may add or rewrite them; the list is botocore's.
 * Authorization is here because a retry must not sign the previous attempt's signature. */
#define NAME(s) { (s), sizeof (s) - 1 }
static const struct header_name {
    const char *lower;
    size_t len;
} unsigned_headers[] = {
    NAME("authorization"),
    NAME("connection"),
    NAME("expect"),
    NAME("keep-alive"),
    NAME("proxy-authenticate"),
    NAME("proxy-authorization"),
    NAME("te"),
    NAME("trailer"),
    NAME("transfer-encoding"),
    NAME("upgrade"),
    NAME("user-agent"),
    NAME("x-amzn-trace-id"),
};
#undef NAME

/* One header as it goes into the canonical form. */
struct canon_header {
    const char *name;   /* as given; compared and written lower-cased */
    size_t name_len;
    const char *value;  /* as given; folded when written */
    size_t order;       /* position in the request: keeps repeated names in order */
};

/* Headers a request usually has fit here, so signing it allocates no header list. */
#define STACK_HEADERS 16
/* Up to this many headers are sorted by insertion, above it by qsort. */
#define INSERTION_SORT_MAX 16

/* One query parameter, already decoded and re-encoded into a shared buffer. Offsets, not
 * pointers, while the buffer may still move; pointers once it is complete. */
struct query_param {
    size_t key_off, key_len;
    size_t value_off, value_len;
    const char *key;
    const char *value;
};

/* ---- character classes (ASCII only: the C locale functions depend on setlocale) ---- */

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* RFC 9110 tchar. */
static bool is_token_char(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

/* RFC 9110 token: what a method or header name may contain. */
static bool is_token(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!is_token_char((unsigned char)*s))
            return false;
    }
    return true;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ---- appending ---- */

/* acg_buf_append with the common case inline. Each output buffer is sized before it is
 * written, so nearly every append is a copy into room the buffer already has; growth, the
 * cap and every error are left to acg_buf_append. */
static inline int append(struct acg_buf *b, const void *data, size_t len)
{
    if (b->data != NULL && len < b->cap - b->len && len <= b->max - b->len) {
        memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return ACG_OK;
    }
    return acg_buf_append(b, data, len);
}

static inline int append_char(struct acg_buf *b, char c)
{
    return append(b, &c, 1);
}

static int append_str(struct acg_buf *b, const char *s)
{
    return append(b, s, strlen(s));
}

/* ---- time: exact civil-calendar arithmetic instead of gmtime_r, whose range and
 * handling of negative times vary between C libraries (Howard Hinnant's algorithms). ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *out, int64_t value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Reads width decimal digits; false unless all of them are digits. */
static bool get_digits(const char *in, int width, int *value)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        if (in[i] < '0' || in[i] > '9')
            return false;
        v = v * 10 + (in[i] - '0');
    }
    *value = v;
    return true;
}

int acg_sigv4_format_time(int64_t now_ms, char out[17])
{
    const int64_t min_ms = days_from_civil(0, 1, 1) * SECONDS_PER_DAY * MS_PER_SECOND;
    const int64_t max_ms = days_from_civil(10000, 1, 1) * SECONDS_PER_DAY * MS_PER_SECOND - 1;

    out[0] = '\0';
    if (now_ms < min_ms || now_ms > max_ms)
        return ACG_ERR_INVALID_ARG;

    /* floor division: a time just before the epoch belongs to 1969-12-31 */
    int64_t secs = now_ms / MS_PER_SECOND - (now_ms % MS_PER_SECOND < 0);
    int64_t days = secs / SECONDS_PER_DAY - (secs % SECONDS_PER_DAY < 0);
    int64_t in_day = secs - days * SECONDS_PER_DAY;
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);

    put_digits(out, year, 4);
    put_digits(out + 4, month, 2);
    put_digits(out + 6, day, 2);
    out[8] = 'T';
    put_digits(out + 9, in_day / 3600, 2);
    put_digits(out + 11, in_day / 60 % 60, 2);
    put_digits(out + 13, in_day % 60, 2);
    out[15] = 'Z';
    out[16] = '\0';
    return ACG_OK;
}

int acg_sigv4_parse_time(const char *amz_date, int64_t *now_ms)
{
    int year, month, day, hour, minute, second;

    if (amz_date == NULL || now_ms == NULL || strlen(amz_date) != AMZ_DATE_LEN ||
        amz_date[8] != 'T' || amz_date[15] != 'Z')
        return ACG_ERR_INVALID_ARG;
    if (!get_digits(amz_date, 4, &year) || !get_digits(amz_date + 4, 2, &month) ||
        !get_digits(amz_date + 6, 2, &day) || !get_digits(amz_date + 9, 2, &hour) ||
        !get_digits(amz_date + 11, 2, &minute) || !get_digits(amz_date + 13, 2, &second))
        return ACG_ERR_INVALID_ARG;
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
        return ACG_ERR_INVALID_ARG;

    int64_t first = days_from_civil(year, month, 1);
    int64_t next = month == 12 ? days_from_civil(year + 1, 1, 1)
                               : days_from_civil(year, month + 1, 1);
    if (day < 1 || day > next - first)
        return ACG_ERR_INVALID_ARG;

    int64_t secs = (first + day - 1) * SECONDS_PER_DAY + (int64_t)hour * 3600 +
                   (int64_t)minute * 60 + second;
    *now_ms = secs * MS_PER_SECOND;
    return ACG_OK;
}

/* ---- hashing ---- */

void acg_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[ACG_SHA256_LEN];

    if (acg_sha256(data, len, digest) != ACG_OK) {
        out[0] = '\0';
        return;
    }
    acg_hex_lower(digest, sizeof digest, out);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"),
 * date being the first 8 characters (YYYYMMDD) of the given string. Every intermediate key
 * is as good as the secret for that day, so all are zeroed. */
static int derive_signing_key(struct acg_sha256_ctx *sha, const char *secret, size_t secret_len,
                              const char *date, const char *region, const char *service,
                              unsigned char key[ACG_SHA256_LEN])
{
    unsigned char k_secret[4 + sizeof ((struct acg_credentials *)NULL)->secret_access_key];
    unsigned char a[ACG_SHA256_LEN], b[ACG_SHA256_LEN];
    int rc = ACG_ERR_INVALID_ARG;

    if (secret_len > sizeof k_secret - 4)
        goto done;
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, secret, secret_len);

    rc = acg_hmac_sha256_with(sha, k_secret, 4 + secret_len, date, DATE_LEN, a);
    if (rc == ACG_OK)
        rc = acg_hmac_sha256_with(sha, a, sizeof a, region, strlen(region), b);
    if (rc == ACG_OK)
        rc = acg_hmac_sha256_with(sha, b, sizeof b, service, strlen(service), a);
    if (rc == ACG_OK)
        rc = acg_hmac_sha256_with(sha, a, sizeof a, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR),
                                  key);
done:
    acg_secure_zero(k_secret, sizeof k_secret);
    acg_secure_zero(a, sizeof a);
    acg_secure_zero(b, sizeof b);
    return rc;
}

/* The cache's scope for a key, "<hex SHA-256 of the secret>/<date>/<region>/<service>".
 * False when it does not fit in the cache (the key is then derived every time). */
static bool make_cache_scope(char scope[ACG_SIGV4_SCOPE_MAX], const char *secret_hex,
                             const char *date, const char *region, const char *service)
{
    const size_t hex_len = SHA256_HEX_LEN;
    const size_t region_len = strlen(region), service_len = strlen(service);
    char *s = scope;

    /* three '/' and the NUL besides the parts */
    if (region_len + service_len > ACG_SIGV4_SCOPE_MAX - hex_len - DATE_LEN - 4)
        return false;
    memcpy(s, secret_hex, hex_len);
    s += hex_len;
    *s++ = '/';
    memcpy(s, date, DATE_LEN);
    s += DATE_LEN;
    *s++ = '/';
    memcpy(s, region, region_len);
    s += region_len;
    *s++ = '/';
    memcpy(s, service, service_len);
    s[service_len] = '\0';
    return true;
}

/* The key for (secret, date, region, service), from the cache when it was derived for the
 * same scope. The cache is keyed by a SHA-256 of the secret so that a credential rotation
 * misses, while the secret itself never leaves the credentials struct. A scope too long
 * for the cache is simply not cached. */
static int get_signing_key(struct acg_sha256_ctx *sha, const struct acg_sigv4_params *p,
                           size_t secret_len, const char *date, struct acg_sigv4_cache *cache,
                           unsigned char key[ACG_SHA256_LEN])
{
    const char *secret = p->creds->secret_access_key;
    char scope[ACG_SIGV4_SCOPE_MAX];
    bool cacheable = false;

    if (cache != NULL) {
        unsigned char digest[ACG_SHA256_LEN];
        char digest_hex[SHA256_HEX_LEN + 1];

        ACG_TRY(acg_sha256_with(sha, secret, secret_len, digest));
        acg_hex_lower(digest, sizeof digest, digest_hex);
        cacheable = make_cache_scope(scope, digest_hex, date, p->region, p->service);
        if (cacheable && cache->valid && strcmp(cache->scope, scope) == 0) {
            memcpy(key, cache->key, ACG_SHA256_LEN);
            return ACG_OK;
        }
    }

    ACG_TRY(derive_signing_key(sha, secret, secret_len, date, p->region, p->service, key));
    if (cacheable) {
        memcpy(cache->key, key, ACG_SHA256_LEN);
        memcpy(cache->scope, scope, strlen(scope) + 1);
        cache->valid = true;
    }
    return ACG_OK;
}

void acg_sigv4_cache_clear(struct acg_sigv4_cache *cache)
{
    if (cache == NULL)
        return;
    acg_secure_zero(cache, sizeof *cache);
}

/* ---- canonical URI ---- */

/* Percent-encodes every byte outside the unreserved set, with upper-case hex as SigV4
 * requires. Runs of unreserved bytes are copied whole. */
static int append_encoded(struct acg_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;

    while (i < len) {
        size_t run_end = i;
        while (run_end < len && is_unreserved((unsigned char)s[run_end]))
            run_end++;
        ACG_TRY(append(b, s + i, run_end - i));
        if (run_end == len)
            break;
        unsigned char c = (unsigned char)s[run_end];
        char esc[3] = { '%', hex[c >> 4], hex[c & 0x0f] };
        ACG_TRY(append(b, esc, sizeof esc));
        i = run_end + 1;
    }
    return ACG_OK;
}

/* Normalised and encoded once more, as every service but S3 expects: empty and "."
 * segments vanish (this is also what collapses "//"), ".." drops the segment before it
 * and never climbs above the root, and a trailing '/' survives when something is left.
 * This is the rule botocore and aws-c-auth apply, which AWS's services verify against.
 * Encoded segments contain no '/', so ".." can pop by truncating to the last one. */
static int append_normalized_path(struct acg_buf *b, const char *path)
{
    const size_t start = b->len;
    const size_t path_len = strlen(path);
    const char *seg = path;
    const char *end = path + path_len;

    while (seg <= end) {
        const char *slash = memchr(seg, '/', (size_t)(end - seg));
        const char *seg_end = slash != NULL ? slash : end;
        size_t n = (size_t)(seg_end - seg);

        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            size_t len = b->len;
            while (len > start && b->data[len - 1] != '/')
                len--;
            if (len > start)
                len--;   /* the '/' that introduced the dropped segment */
            b->len = len;
            if (b->data != NULL)
                b->data[len] = '\0';
        } else if (n > 0 && !(n == 1 && seg[0] == '.')) {
            ACG_TRY(append_char(b, '/'));
            ACG_TRY(append_encoded(b, seg, n));
        }
        seg = seg_end + 1;
    }

    if (b->len == start)
        return append_char(b, '/');
    if (path_len > 0 && path[path_len - 1] == '/')
        return append_char(b, '/');
    return ACG_OK;
}

/* Whether c may stand in a request target's path as it is (RFC 3986 pchar, '/' and '%'):
 * what an HTTP client sends without encoding (urllib3 under botocore, libcurl). */
static bool path_char_as_sent(unsigned char c)
{
    return is_unreserved(c) || c == '/' || c == '%' || c == ':' || c == '@' ||
           strchr("!$&'()*+,;=", c) != NULL;
}

/* Without normalisation (S3) the path is signed as it goes on the wire: bytes a client
 * cannot send raw (a space, '"', '<', non-ASCII bytes, ...) percent-encoded once, as the
 * client encodes them ("/example space/" signs as "/example%20space/", AWS's get-space
 * case), and everything else, existing %XX escapes included, as written. */
static int append_path_as_sent(struct acg_buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const char *c = path; *c != '\0'; c++) {
        unsigned char ch = (unsigned char)*c;
        if (path_char_as_sent(ch)) {
            ACG_TRY(append_char(b, *c));
        } else {
            char esc[3] = { '%', hex[ch >> 4], hex[ch & 0x0f] };
            ACG_TRY(append(b, esc, sizeof esc));
        }
    }
    return ACG_OK;
}

static int append_canonical_uri(struct acg_buf *b, const char *path, bool normalize)
{
    if (path == NULL || path[0] == '\0')
        return append_char(b, '/');
    if (!normalize)
        return append_path_as_sent(b, path);
    return append_normalized_path(b, path);
}

/* ---- canonical query ---- */

/* Decodes the valid %XX escapes of s[0..len) and re-encodes the result, so "%2f", "%2F"
 * and a raw byte that needs escaping all sign the same way. */
static int append_reencoded(struct acg_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < len && acg_hex_digit(s[i + 1]) >= 0 &&
            acg_hex_digit(s[i + 2]) >= 0) {
            c = (char)(acg_hex_digit(s[i + 1]) * 16 + acg_hex_digit(s[i + 2]));
            i += 2;
        }
        ACG_TRY(append_encoded(b, &c, 1));
    }
    return ACG_OK;
}

static int compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (c != 0)
        return c;
    return (a_len > b_len) - (a_len < b_len);
}

/* By encoded key, then by encoded value for repeated keys: byte order, as AWS sorts. */
static int compare_query_params(const void *lhs, const void *rhs)
{
    const struct query_param *a = lhs, *b = rhs;
    int c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
    if (c != 0)
        return c;
    return compare_bytes(a->value, a->value_len, b->value, b->value_len);
}

static int append_canonical_query(struct acg_buf *b, const char *query)
{
    struct query_param *params = NULL;
    struct acg_buf encoded;
    size_t count = 0, max_params = 1;
    int rc = ACG_OK;

    if (query == NULL || query[0] == '\0')
        return ACG_OK;

    for (const char *q = query; *q != '\0'; q++)
        max_params += *q == '&';
    acg_buf_init(&encoded, 0);
    params = calloc(max_params, sizeof *params);
    if (params == NULL)
        return ACG_ERR_NOMEM;

    for (const char *piece = query; rc == ACG_OK;) {
        size_t piece_len = strcspn(piece, "&");
        if (piece_len > 0) {
            const char *eq = memchr(piece, '=', piece_len);
            size_t key_len = eq != NULL ? (size_t)(eq - piece) : piece_len;
            struct query_param *qp = &params[count++];

            qp->key_off = encoded.len;
            rc = append_reencoded(&encoded, piece, key_len);
            qp->key_len = encoded.len - qp->key_off;
            qp->value_off = encoded.len;
            if (rc == ACG_OK && eq != NULL)
                rc = append_reencoded(&encoded, eq + 1, piece_len - key_len - 1);
            qp->value_len = encoded.len - qp->value_off;
        }
        if (piece[piece_len] == '\0')
            break;
        piece += piece_len + 1;
    }
    if (rc != ACG_OK)
        goto done;

    for (size_t i = 0; i < count; i++) {
        /* "" when every parameter was empty: encoded.data is still NULL then */
        const char *base = encoded.data != NULL ? encoded.data : "";
        params[i].key = base + params[i].key_off;
        params[i].value = base + params[i].value_off;
    }
    qsort(params, count, sizeof *params, compare_query_params);

    for (size_t i = 0; i < count && rc == ACG_OK; i++) {
        if (i > 0)
            rc = append_char(b, '&');
        if (rc == ACG_OK)
            rc = append(b, params[i].key, params[i].key_len);
        if (rc == ACG_OK)
            rc = append_char(b, '=');
        if (rc == ACG_OK)
            rc = append(b, params[i].value, params[i].value_len);
    }
done:
    free(params);
    acg_buf_free(&encoded);
    return rc;
}

/* ---- canonical headers ---- */

/* Whether name[0..len) is lower[0..lower_len), ignoring ASCII case. */
static bool name_is(const char *name, size_t len, const char *lower, size_t lower_len)
{
    if (len != lower_len)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (ascii_lower(name[i]) != lower[i])
            return false;
    }
    return true;
}

static bool is_unsigned_header(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof unsigned_headers / sizeof unsigned_headers[0]; i++) {
        if (name_is(name, len, unsigned_headers[i].lower, unsigned_headers[i].len))
            return true;
    }
    return false;
}

/* Orders names as strcmp orders their lower-cased forms. */
static int compare_names(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)ascii_lower(a[i]);
        unsigned char cb = (unsigned char)ascii_lower(b[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (a_len > b_len) - (a_len < b_len);
}

static int compare_headers(const void *lhs, const void *rhs)
{
    const struct canon_header *a = lhs, *b = rhs;
    int c = compare_names(a->name, a->name_len, b->name, b->name_len);
    if (c != 0)
        return c;
    /* qsort is not stable; the request order decides between repeated names */
    return (a->order > b->order) - (a->order < b->order);
}

/* By lower-cased name, then request order. A request has a handful of headers, for which
 * an insertion sort beats qsort's set-up; a long list still gets qsort's n log n. */
static void sort_headers(struct canon_header *headers, size_t count)
{
    if (count > INSERTION_SORT_MAX) {
        qsort(headers, count, sizeof *headers, compare_headers);
        return;
    }
    for (size_t i = 1; i < count; i++) {
        struct canon_header h = headers[i];
        size_t j = i;
        for (; j > 0 && compare_headers(&headers[j - 1], &h) > 0; j--)
            headers[j] = headers[j - 1];
        headers[j] = h;
    }
}

static bool same_name(const struct canon_header *a, const struct canon_header *b)
{
    return compare_names(a->name, a->name_len, b->name, b->name_len) == 0;
}

static int append_lower(struct acg_buf *b, const char *s, size_t len)
{
    ACG_TRY(acg_buf_reserve(b, len));
    char *dst = b->data + b->len;   /* a char store may alias *b: keep the pointer local */
    for (size_t i = 0; i < len; i++)
        dst[i] = ascii_lower(s[i]);
    b->len += len;
    b->data[b->len] = '\0';
    return ACG_OK;
}

/* Trimall: no whitespace at either end, each inner run (line breaks of a folded value
 * included) becomes one space. Words are copied whole. */
static int append_folded(struct acg_buf *b, const char *value)
{
    static const char spaces[] = " \t\r\n\v\f";   /* what is_space accepts */
    const char *v = value + strspn(value, spaces);

    while (*v != '\0') {
        size_t word = strcspn(v, spaces);
        ACG_TRY(append(b, v, word));
        v += word;
        v += strspn(v, spaces);
        if (*v != '\0')
            ACG_TRY(append_char(b, ' '));
    }
    return ACG_OK;
}

/* Appends the canonical header lines and the blank line after them. headers must already
 * be sorted, so a repeated name follows its first occurrence. */
static int append_canonical_headers(struct acg_buf *b, const struct canon_header *headers,
                                    size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && same_name(&headers[i], &headers[i - 1])) {
            ACG_TRY(append_char(b, ','));
        } else {
            if (i > 0)
                ACG_TRY(append_char(b, '\n'));
            ACG_TRY(append_lower(b, headers[i].name, headers[i].name_len));
            ACG_TRY(append_char(b, ':'));
        }
        ACG_TRY(append_folded(b, headers[i].value));
    }
    /* the last header line's end, then the empty line that closes the block */
    return append(b, "\n\n", 2);
}

/* Appends the SignedHeaders list: the sorted names, each once, separated by ';'. */
static int append_signed_headers(struct acg_buf *b, const struct canon_header *headers,
                                 size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && same_name(&headers[i], &headers[i - 1]))
            continue;
        if (i > 0)
            ACG_TRY(append_char(b, ';'));
        ACG_TRY(append_lower(b, headers[i].name, headers[i].name_len));
    }
    return ACG_OK;
}

/* ---- argument checks ---- */

/* Lengths of the credential strings, which live in fixed arrays that a careless copy may
 * have left without a terminator. */
static int check_cred_string(const char *s, size_t size, const char *what, bool required,
                             size_t *len, struct acg_error *err)
{
    *len = strnlen(s, size);
    if (*len == size)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the %s is not NUL-terminated", what);
    if (required && *len == 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the credentials have no %s", what);
    return ACG_OK;
}

/* Region and service go into the credential scope, where '/' separates fields. */
static int check_scope_part(const char *s, const char *what, struct acg_error *err)
{
    if (s == NULL || *s == '\0')
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "SigV4 signing needs a %s", what);
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '/' || is_space(*c) || is_control((unsigned char)*c))
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "the %s \"%s\" cannot go into a credential scope", what, s);
    }
    return ACG_OK;
}

/* A hash goes verbatim into the canonical request: it must be one printable word. */
static int set_payload_hash(char out[65], const char *hash, size_t len, struct acg_error *err)
{
    if (len == 0 || len > 64)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "the payload hash must be 1 to 64 characters, not %zu", len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)hash[i];
        if (c <= ' ' || c >= 0x7f)
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "the payload hash contains a space or control character");
    }
    memcpy(out, hash, len);
    out[len] = '\0';
    return ACG_OK;
}

static int check_request(const struct acg_sigv4_params *p, const struct acg_sigv4_request *req,
                         struct acg_error *err)
{
    if (!is_token(req->method))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the request method \"%s\" is not an "
                             "HTTP token", req->method != NULL ? req->method : "(null)");
    if (req->header_count > 0 && req->headers == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "header_count is %zu but headers is NULL",
                             req->header_count);
    if (req->payload == NULL && req->payload_len > 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "payload_len is %zu but payload is NULL",
                             req->payload_len);
    /* a normalised path is percent-encoded on the way in; a verbatim one must not be able
     * to break the canonical request's lines */
    if (!p->normalize_path && req->path != NULL) {
        for (const char *c = req->path; *c != '\0'; c++) {
            if (is_control((unsigned char)*c))
                return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                     "the path contains a control character; percent-encode it");
        }
    }
    for (size_t i = 0; i < req->header_count; i++) {
        if (!is_token(req->headers[i].name))
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "header %zu has no name or a name that is not an HTTP token", i);
    }
    return ACG_OK;
}

/* ---- the signer ---- */

void acg_sigv4_result_init(struct acg_sigv4_result *r)
{
    memset(r, 0, sizeof *r);
    /* the canonical request may hold the session token, the header the signature */
    acg_buf_init_secure(&r->canonical_request, 0);
    acg_buf_init(&r->string_to_sign, 0);
    acg_buf_init_secure(&r->authorization, 0);
}

/* The canonical request may hold the session token and the authorization the signature:
 * both are wiped, not merely released. The string to sign holds nothing secret (the date,
 * the scope and a digest of the canonical request). */
void acg_sigv4_result_free(struct acg_sigv4_result *r)
{
    if (r == NULL)
        return;
    acg_buf_free_secure(&r->canonical_request);
    acg_buf_free(&r->string_to_sign);
    acg_buf_free_secure(&r->authorization);
    acg_secure_zero(r->signature, sizeof r->signature);
    memset(r->amz_date, 0, sizeof r->amz_date);
    memset(r->payload_hash, 0, sizeof r->payload_hash);
}

/* Empties a result for reuse, wiping what may be secret but keeping the allocations. */
static void clear_result(struct acg_sigv4_result *r)
{
    acg_secure_zero(r->canonical_request.data, r->canonical_request.cap);
    acg_buf_reset(&r->canonical_request);
    acg_buf_reset(&r->string_to_sign);
    acg_secure_zero(r->authorization.data, r->authorization.cap);
    acg_buf_reset(&r->authorization);
    acg_secure_zero(r->signature, sizeof r->signature);
    memset(r->amz_date, 0, sizeof r->amz_date);
    memset(r->payload_hash, 0, sizeof r->payload_hash);
}

void acg_sigv4_result_wipe(struct acg_sigv4_result *r)
{
    if (r != NULL)
        clear_result(r);
}

static int check_params(const struct acg_sigv4_params *p, size_t *secret_len, size_t *token_len,
                        struct acg_error *err)
{
    size_t key_id_len;

    if (p->creds == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "SigV4 signing needs credentials");
    ACG_TRY(check_cred_string(p->creds->access_key_id, sizeof p->creds->access_key_id,
                              "access key id", true, &key_id_len, err));
    ACG_TRY(check_cred_string(p->creds->secret_access_key, sizeof p->creds->secret_access_key,
                              "secret access key", true, secret_len, err));
    ACG_TRY(check_cred_string(p->creds->session_token, sizeof p->creds->session_token,
                              "session token", false, token_len, err));
    for (const char *c = p->creds->access_key_id; *c != '\0'; c++) {
        if (*c == '/' || *c == ',' || is_space(*c) || is_control((unsigned char)*c))
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "the access key id contains '/', ',' or a space");
    }
    ACG_TRY(check_scope_part(p->region, "region", err));
    ACG_TRY(check_scope_part(p->service, "service", err));
    /* The last line of defence: expired credentials are refreshed or refused by the
     * provider; whatever hands them here, they never sign. */
    if (p->creds->expiration_ms != 0 && p->now_ms >= p->creds->expiration_ms)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "the credentials expired before the signing time; they are not used");
    return ACG_OK;
}

int acg_sigv4_signing_key(const struct acg_sigv4_params *p, unsigned char key[32],
                          struct acg_error *err)
{
    size_t secret_len = 0, token_len = 0;
    char amz_date[AMZ_DATE_LEN + 1];
    struct acg_sha256_ctx sha;

    if (p == NULL || key == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "acg_sigv4_signing_key needs parameters and a key buffer");
    ACG_TRY(check_params(p, &secret_len, &token_len, err));
    if (acg_sigv4_format_time(p->now_ms, amz_date) != ACG_OK)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "the signing time is outside the years 0000 to 9999");
    acg_sha256_ctx_init(&sha);
    int rc = derive_signing_key(&sha, p->creds->secret_access_key, secret_len, amz_date,
                                p->region, p->service, key);
    acg_sha256_ctx_free(&sha);
    return acg_error_set(err, rc, "could not derive the signing key: %s",
                         acg_status_name((enum acg_status)rc));
}

/* Collects the headers to sign into out, which has room for req->header_count + 2: the
 * request's, minus the ones left unsigned and the ones the signer owns, plus X-Amz-Date
 * and (when signed) the session token, sorted by lower-cased name. */
static void collect_headers(const struct acg_sigv4_params *p, const struct acg_sigv4_request *req,
                            const char *amz_date, bool has_token, struct canon_header *out,
                            size_t *out_count, const char **content_sha256)
{
    static const char date_name[] = "x-amz-date";
    static const char token_name[] = "x-amz-security-token";
    static const char content_sha256_name[] = "x-amz-content-sha256";
    size_t count = 0;

    for (size_t i = 0; i < req->header_count; i++) {
        const char *name = req->headers[i].name;
        const char *value = req->headers[i].value != NULL ? req->headers[i].value : "";
        size_t len = strlen(name);

        if (is_unsigned_header(name, len) || name_is(name, len, date_name, sizeof date_name - 1))
            continue;
        if (has_token && name_is(name, len, token_name, sizeof token_name - 1))
            continue;
        if (*content_sha256 == NULL &&
            name_is(name, len, content_sha256_name, sizeof content_sha256_name - 1))
            *content_sha256 = value;
        out[count++] = (struct canon_header){ name, len, value, i };
    }

    out[count++] = (struct canon_header){ date_name, sizeof date_name - 1, amz_date,
                                          req->header_count };
    if (has_token && p->sign_session_token)
        out[count++] = (struct canon_header){ token_name, sizeof token_name - 1,
                                              p->creds->session_token, req->header_count + 1 };
    sort_headers(out, count);
    *out_count = count;
}

/* The X-Amz-Content-SHA256 value as the payload hash: trimmed, as it will be signed. */
static int hash_from_header(char out[65], const char *value, struct acg_error *err)
{
    while (is_space(*value))
        value++;
    size_t len = strlen(value);
    while (len > 0 && is_space(value[len - 1]))
        len--;
    return set_payload_hash(out, value, len, err);
}

/* Room for the header lines, the blank line, the SignedHeaders line and the payload hash;
 * values only shrink when folded, so this is enough whatever they hold. */
static size_t header_section_size(const struct canon_header *headers, size_t count)
{
    size_t n = 2 + SHA256_HEX_LEN;

    for (size_t i = 0; i < count; i++)
        n += 2 * headers[i].name_len + strlen(headers[i].value) + 3;   /* "n:v\n" and "n;" */
    return n;
}

/* Task 1. *signed_off and *signed_len say where the SignedHeaders list is in b, for the
 * Authorization header. The buffer is sized up front, and again before the first header
 * if an escaped path or query used up the room: once a session token is in it, it must not
 * move, because realloc() would release the old copy without wiping it. */
static int build_canonical_request(struct acg_buf *b, const struct acg_sigv4_params *p,
                                   const struct acg_sigv4_request *req,
                                   const struct canon_header *headers, size_t count,
                                   const char *payload_hash, size_t *signed_off,
                                   size_t *signed_len)
{
    const size_t header_size = header_section_size(headers, count);
    const size_t path_len = req->path != NULL ? strlen(req->path) : 0;
    const size_t query_len = req->query != NULL ? strlen(req->query) : 0;

    ACG_TRY(acg_buf_reserve(b, strlen(req->method) + path_len + query_len + 4 + header_size));
    ACG_TRY(append_str(b, req->method));
    ACG_TRY(append_char(b, '\n'));
    ACG_TRY(append_canonical_uri(b, req->path, p->normalize_path));
    ACG_TRY(append_char(b, '\n'));
    ACG_TRY(append_canonical_query(b, req->query));
    ACG_TRY(append_char(b, '\n'));
    ACG_TRY(acg_buf_reserve(b, header_size));
    ACG_TRY(append_canonical_headers(b, headers, count));
    *signed_off = b->len;
    ACG_TRY(append_signed_headers(b, headers, count));
    *signed_len = b->len - *signed_off;
    ACG_TRY(append_char(b, '\n'));
    return append_str(b, payload_hash);
}

/* Task 2: "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex digest of the canonical request>",
 * the scope being "<date>/<region>/<service>/aws4_request". *scope_off and *scope_len say
 * where the scope is in b, for the Authorization header. */
static int build_string_to_sign(struct acg_buf *b, const char *amz_date, const char *region,
                                const char *service, const char *creq_hex, size_t *scope_off,
                                size_t *scope_len)
{
    static const char algorithm[] = SIGV4_ALGORITHM "\n";
    static const char terminator[] = "/" SIGV4_TERMINATOR;
    const size_t region_len = strlen(region), service_len = strlen(service);

    ACG_TRY(acg_buf_reserve(b, sizeof algorithm + AMZ_DATE_LEN + DATE_LEN + region_len +
                                   service_len + sizeof terminator + SHA256_HEX_LEN + 3));
    ACG_TRY(append(b, algorithm, sizeof algorithm - 1));
    ACG_TRY(append(b, amz_date, AMZ_DATE_LEN));
    ACG_TRY(append_char(b, '\n'));
    *scope_off = b->len;
    ACG_TRY(append(b, amz_date, DATE_LEN));
    ACG_TRY(append_char(b, '/'));
    ACG_TRY(append(b, region, region_len));
    ACG_TRY(append_char(b, '/'));
    ACG_TRY(append(b, service, service_len));
    ACG_TRY(append(b, terminator, sizeof terminator - 1));
    *scope_len = b->len - *scope_off;
    ACG_TRY(append_char(b, '\n'));
    return append(b, creq_hex, SHA256_HEX_LEN);
}

/* Task 4: "AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names>,
 * Signature=<hex>", in a buffer sized once so that no copy of the signature is left behind. */
static int build_authorization(struct acg_buf *b, const char *key_id, const char *scope,
                               size_t scope_len, const char *signed_names, size_t signed_len,
                               const char *signature)
{
    static const char credential[] = SIGV4_ALGORITHM " Credential=";
    static const char signed_headers[] = ", SignedHeaders=";
    static const char signature_is[] = ", Signature=";
    const size_t key_id_len = strlen(key_id);

    ACG_TRY(acg_buf_reserve(b, sizeof credential + key_id_len + 1 + scope_len +
                                   sizeof signed_headers + signed_len + sizeof signature_is +
                                   SHA256_HEX_LEN));
    ACG_TRY(append(b, credential, sizeof credential - 1));
    ACG_TRY(append(b, key_id, key_id_len));
    ACG_TRY(append_char(b, '/'));
    ACG_TRY(append(b, scope, scope_len));
    ACG_TRY(append(b, signed_headers, sizeof signed_headers - 1));
    ACG_TRY(append(b, signed_names, signed_len));
    ACG_TRY(append(b, signature_is, sizeof signature_is - 1));
    return append(b, signature, SHA256_HEX_LEN);
}

int acg_sigv4_sign(const struct acg_sigv4_params *p, const struct acg_sigv4_request *req,
                   struct acg_sigv4_cache *cache, struct acg_sigv4_result *out,
                   struct acg_error *err)
{
    struct canon_header stack_headers[STACK_HEADERS];
    struct canon_header *headers = stack_headers;
    size_t header_count = 0;
    const char *content_sha256 = NULL;
    struct acg_sha256_ctx sha;
    unsigned char key[ACG_SHA256_LEN], mac[ACG_SHA256_LEN], digest[ACG_SHA256_LEN];
    char digest_hex[SHA256_HEX_LEN + 1];
    size_t secret_len = 0, token_len = 0;
    size_t signed_off = 0, signed_len = 0, scope_off = 0, scope_len = 0;
    int rc;

    if (p == NULL || req == NULL || out == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "acg_sigv4_sign needs parameters, a request and a result");
    acg_sha256_ctx_init(&sha);
    clear_result(out);

    rc = check_params(p, &secret_len, &token_len, err);
    if (rc == ACG_OK)
        rc = check_request(p, req, err);
    if (rc != ACG_OK)
        goto done;
    if (acg_sigv4_format_time(p->now_ms, out->amz_date) != ACG_OK) {
        rc = acg_error_set(err, ACG_ERR_INVALID_ARG,
                           "the signing time is outside the years 0000 to 9999");
        goto done;
    }

    if (req->header_count > STACK_HEADERS - 2) {
        headers = calloc(req->header_count + 2, sizeof *headers);
        if (headers == NULL) {
            rc = ACG_ERR_NOMEM;
            goto done;
        }
    }
    collect_headers(p, req, out->amz_date, token_len > 0, headers, &header_count,
                    &content_sha256);

    if (req->payload_hash != NULL) {
        rc = set_payload_hash(out->payload_hash, req->payload_hash, strlen(req->payload_hash),
                              err);
    } else if (content_sha256 != NULL) {
        rc = hash_from_header(out->payload_hash, content_sha256, err);
    } else {
        rc = acg_sha256_with(&sha, req->payload, req->payload_len, digest);
        if (rc == ACG_OK)
            acg_hex_lower(digest, sizeof digest, out->payload_hash);
    }
    if (rc != ACG_OK)
        goto done;

    rc = build_canonical_request(&out->canonical_request, p, req, headers, header_count,
                                 out->payload_hash, &signed_off, &signed_len);
    if (rc == ACG_OK)
        rc = acg_sha256_with(&sha, out->canonical_request.data, out->canonical_request.len,
                             digest);
    if (rc != ACG_OK)
        goto done;
    acg_hex_lower(digest, sizeof digest, digest_hex);
    rc = build_string_to_sign(&out->string_to_sign, out->amz_date, p->region, p->service,
                              digest_hex, &scope_off, &scope_len);

    /* Task 3: the signature, with the day's key */
    if (rc == ACG_OK)
        rc = get_signing_key(&sha, p, secret_len, out->amz_date, cache, key);
    if (rc == ACG_OK)
        rc = acg_hmac_sha256_with(&sha, key, sizeof key, out->string_to_sign.data,
                                  out->string_to_sign.len, mac);
    if (rc != ACG_OK)
        goto done;
    acg_hex_lower(mac, sizeof mac, out->signature);

    rc = build_authorization(&out->authorization, p->creds->access_key_id,
                             out->string_to_sign.data + scope_off, scope_len,
                             out->canonical_request.data + signed_off, signed_len,
                             out->signature);

done:
    acg_secure_zero(key, sizeof key);
    acg_secure_zero(mac, sizeof mac);
    acg_sha256_ctx_free(&sha);
    if (headers != stack_headers)
        free(headers);
    if (rc != ACG_OK)
        clear_result(out);
    return acg_error_set(err, rc, "could not compute the SigV4 signature: %s",
                         acg_status_name((enum acg_status)rc));
}

/* Header values are folded onto one line and the path and query are percent-encoded, so
 * "\nx-amz-security-token:" can only be the start of that header's own line. */
int acg_sigv4_canonical_request_for_log(const struct acg_sigv4_result *r, struct acg_buf *out)
{
    static const char marker[] = "\nx-amz-security-token:";
    const char *text = r->canonical_request.data != NULL ? r->canonical_request.data : "";
    const char *hit = strstr(text, marker);

    if (hit == NULL)
        return acg_buf_append_str(out, text);
    const char *value = hit + sizeof marker - 1;
    ACG_TRY(acg_buf_append(out, text, (size_t)(value - text)));
    ACG_TRY(acg_buf_append_str(out, "<redacted>"));
    return acg_buf_append_str(out, value + strcspn(value, "\n"));
}
