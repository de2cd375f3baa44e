/* SigV4: every case of AWS's official test suite (one check per stage: canonical request,
 * string to sign, Authorization), then the behaviour the suite does not pin down: the
 * SHA-256 and HMAC helpers (RFC 4231, and libcrypto's HMAC for every key length around the
 * block size), the signing-key cache, session tokens, empty values and payloads, long
 * header lists, path and query rules, argument checks, and the raw request parser.
 *
 * The suite is read from $SIGV4_SUITE, else from the copy in tests/fixtures/sigv4 (Apache
 * 2.0, LICENSE and NOTICE beside it), else from ../shared/testdata/sigv4 beside the
 * repository; paths are relative to the repository root, where `make test` runs. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/acg_crypto.h"
#include "rawreq.h"
#include "auth/acg_sigv4.h"
#include "harness.h"

static const char *const suite_dirs[] = { "tests/fixtures/sigv4", "../shared/testdata/sigv4" };
#define SUITE_CASE_COUNT 34
#define MAX_CASES 128

#define EXAMPLE_ACCESS_KEY "AKIDEXAMPLE"
#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define EXAMPLE_TIME "20150830T123600Z"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The token the suite's get-vanilla-with-session-token case signs (it is not in its .req). */
#define VANILLA_TOKEN "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
/* post-sts-token/readme.txt */
#define STS_TOKEN                                                                            \
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXm" \
    "xfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburE" \
    "Dy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkU" \
    "L64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static int passed, failed;

static void count(const char *name, int line)
{
    if (line == 0) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL sigv4: %s (line %d)\n", name, line);
    }
}

/* ---- helpers ---- */

static void make_creds(struct acg_credentials *c, const char *secret, const char *token)
{
    memset(c, 0, sizeof *c);
    snprintf(c->access_key_id, sizeof c->access_key_id, "%s", EXAMPLE_ACCESS_KEY);
    snprintf(c->secret_access_key, sizeof c->secret_access_key, "%s", secret);
    snprintf(c->session_token, sizeof c->session_token, "%s", token != NULL ? token : "");
}

static int64_t example_time(void)
{
    int64_t ms = 0;
    if (acg_sigv4_parse_time(EXAMPLE_TIME, &ms) != ACG_OK)
        return -1;
    return ms;
}

static struct acg_sigv4_params make_params(const struct acg_credentials *c)
{
    struct acg_sigv4_params p = {
        .creds = c,
        .region = "us-east-1",
        .service = "service",
        .now_ms = example_time(),
        .normalize_path = true,
        .sign_session_token = true,
    };
    return p;
}

static const struct acg_header host_only[] = { { "Host", "example.amazonaws.com" } };

static struct acg_sigv4_request make_request(const char *method, const char *path,
                                             const char *query)
{
    struct acg_sigv4_request r = {
        .method = method,
        .path = path,
        .query = query,
        .headers = host_only,
        .header_count = 1,
    };
    return r;
}

/* Copies line n (0-based) of text into buf; "" when there is no such line. */
static const char *line_of(const char *text, int n, char *buf, size_t size)
{
    const char *p = text != NULL ? text : "";
    for (int i = 0; i < n && p != NULL; i++) {
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    if (p == NULL) {
        buf[0] = '\0';
        return buf;
    }
    size_t len = strcspn(p, "\n");
    if (len >= size)
        len = size - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

/* Signs and returns the canonical request line n, or "" on failure. */
static const char *creq_line(const struct acg_sigv4_params *p, const struct acg_sigv4_request *r,
                             int n, char *buf, size_t size)
{
    struct acg_sigv4_result res;
    acg_sigv4_result_init(&res);
    buf[0] = '\0';
    if (acg_sigv4_sign(p, r, NULL, &res, NULL) == ACG_OK)
        line_of(res.canonical_request.data, n, buf, size);
    acg_sigv4_result_free(&res);
    return buf;
}

static int read_file(const char *path, struct acg_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    int rc = ACG_OK;

    if (f == NULL)
        return ACG_ERR_INVALID_ARG;
    while (rc == ACG_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = acg_buf_append(out, chunk, n);
    if (rc == ACG_OK && ferror(f))
        rc = ACG_ERR_INVALID_ARG;
    fclose(f);
    /* an empty file still reads as "" */
    if (rc == ACG_OK)
        rc = acg_buf_append(out, "", 0);
    return rc;
}

/* ---- the official suite ---- */

struct suite_case {
    char dir[512];
    char name[256];
};

static int compare_cases(const void *a, const void *b)
{
    return strcmp(((const struct suite_case *)a)->dir, ((const struct suite_case *)b)->dir);
}

/* A case is a folder holding NAME.req, NAME being the folder's own name; other folders
 * (normalize-path/, post-sts-token/) group cases. */
static void find_cases(const char *dir, struct suite_case *cases, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char sub[512], req[1024];
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
            continue;
        DIR *probe = opendir(sub);
        if (probe == NULL)
            continue;
        closedir(probe);
        snprintf(req, sizeof req, "%s/%s.req", sub, e->d_name);
        FILE *f = fopen(req, "rb");
        if (f != NULL) {
            fclose(f);
            if (*n < MAX_CASES) {
                snprintf(cases[*n].dir, sizeof cases[*n].dir, "%s", sub);
                snprintf(cases[*n].name, sizeof cases[*n].name, "%s", e->d_name);
                (*n)++;
            }
        } else {
            find_cases(sub, cases, n);
        }
    }
    closedir(d);
}

/* The session-token cases need the token from outside the .req file. */
static void case_token(const char *name, const char **token, bool *sign_token)
{
    *token = NULL;
    *sign_token = true;
    if (strcmp(name, "get-vanilla-with-session-token") == 0) {
        *token = VANILLA_TOKEN;
    } else if (strcmp(name, "post-sts-header-before") == 0) {
        *token = STS_TOKEN;
    } else if (strcmp(name, "post-sts-header-after") == 0) {
        *token = STS_TOKEN;
        *sign_token = false;
    }
}

static int check_text(const char *label, const char *got, const char *expected)
{
    if (got != NULL && strcmp(got, expected) == 0)
        return 0;
    fprintf(stderr, "%s differs\n--- expected\n%s\n--- got\n%s\n", label, expected,
            got != NULL ? got : "(none)");
    return __LINE__;
}

/* Runs one suite case: three counted checks, one per stage. */
static void run_case(const struct suite_case *c)
{
    static const char *const stages[] = { "creq", "sts", "authz" };
    struct acg_buf files[4];
    struct acg_rawreq raw;
    struct acg_sigv4_request req;
    struct acg_sigv4_result res;
    struct acg_credentials creds;
    struct acg_error err;
    const char *token;
    bool sign_token;
    char label[320];
    int setup = 0;

    acg_rawreq_init(&raw);
    acg_sigv4_result_init(&res);
    acg_error_init(&err);
    for (size_t i = 0; i < 4; i++)
        acg_buf_init(&files[i], 0);

    for (size_t i = 0; i < 4 && setup == 0; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.%s", c->dir, c->name, i == 0 ? "req" : stages[i - 1]);
        if (read_file(path, &files[i]) != ACG_OK) {
            fprintf(stderr, "cannot read %s\n", path);
            setup = __LINE__;
        }
    }
    if (setup == 0 && acg_rawreq_parse(files[0].data, files[0].len, &raw, &err) != ACG_OK) {
        fprintf(stderr, "%s: %s\n", c->name, err.message);
        setup = __LINE__;
    }
    case_token(c->name, &token, &sign_token);
    make_creds(&creds, EXAMPLE_SECRET, token);
    struct acg_sigv4_params p = make_params(&creds);
    p.sign_session_token = sign_token;
    acg_rawreq_to_sigv4(&raw, &req);
    if (setup == 0 && acg_sigv4_sign(&p, &req, NULL, &res, &err) != ACG_OK) {
        fprintf(stderr, "%s: %s\n", c->name, err.message);
        setup = __LINE__;
    }

    const char *got[3] = { res.canonical_request.data, res.string_to_sign.data,
                           res.authorization.data };
    for (size_t i = 0; i < 3; i++) {
        snprintf(label, sizeof label, "suite %s: %s", c->name, stages[i]);
        count(label, setup != 0 ? setup : check_text(label, got[i], files[i + 1].data));
    }

    for (size_t i = 0; i < 4; i++)
        acg_buf_free(&files[i]);
    acg_rawreq_free(&raw);
    acg_sigv4_result_free(&res);
}

static void run_suite(void)
{
    static struct suite_case cases[MAX_CASES];
    const char *dir = getenv("SIGV4_SUITE");
    size_t n = 0;

    if (dir != NULL && *dir != '\0') {
        find_cases(dir, cases, &n);
    } else {
        for (size_t i = 0; i < sizeof suite_dirs / sizeof suite_dirs[0] && n == 0; i++) {
            dir = suite_dirs[i];
            find_cases(dir, cases, &n);
        }
    }
    qsort(cases, n, sizeof cases[0], compare_cases);
    if (n != SUITE_CASE_COUNT)
        fprintf(stderr, "found %zu cases under %s, expected %d (set SIGV4_SUITE to the "
                "suite's folder)\n", n, dir, SUITE_CASE_COUNT);
    count("suite: every case found", n == SUITE_CASE_COUNT ? 0 : __LINE__);
    for (size_t i = 0; i < n; i++)
        run_case(&cases[i]);
}

/* ---- unit tests ---- */

static int test_sha256_hex(void)
{
    char hex[65];
    acg_sha256_hex(NULL, 0, hex);
    CHECK_STR(hex, EMPTY_SHA256);
    acg_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    return 0;
}

static int check_hex(const unsigned char digest[ACG_SHA256_LEN], const char *want)
{
    char hex[2 * ACG_SHA256_LEN + 1];
    acg_hex_lower(digest, ACG_SHA256_LEN, hex);
    CHECK_STR(hex, want);
    return 0;
}

static int digest_is(struct acg_sha256_ctx *sha, const char *data, size_t len,
                     const char *want)
{
    unsigned char out[ACG_SHA256_LEN];
    CHECK(acg_sha256_with(sha, data, len, out) == ACG_OK);
    return check_hex(out, want);
}

/* One context through digests of every size class in turn, twice: two blocks (the padding
 * spills over), an HMAC, the empty message, one block. */
static int test_sha256_context_reuse(void)
{
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char jefe[] = "what do ya want for nothing?";
    struct acg_sha256_ctx sha;
    unsigned char mac[ACG_SHA256_LEN];
    int line = 0;

    acg_sha256_ctx_init(&sha);
    for (int round = 0; round < 2 && line == 0; round++) {
        line = digest_is(&sha, two_blocks, strlen(two_blocks),
                         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        if (line == 0 && acg_hmac_sha256_with(&sha, "Jefe", 4, jefe, strlen(jefe), mac) != ACG_OK)
            line = __LINE__;
        if (line == 0)
            line = check_hex(mac,
                             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        if (line == 0)
            line = digest_is(&sha, NULL, 0, EMPTY_SHA256);
        if (line == 0)
            line = digest_is(&sha, "abc", 3,
                             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    acg_sha256_ctx_free(&sha);
    acg_sha256_ctx_free(&sha);   /* idempotent */
    CHECK(line == 0);
    /* Freeing wipes the state, which held the HMAC key's padded digest. */
    static const struct acg_sha256_ctx wiped;
    CHECK(memcmp(&sha, &wiped, sizeof sha) == 0);
    return 0;
}

static int hmac_is(const unsigned char *key, size_t key_len, const char *data, const char *want)
{
    unsigned char out[ACG_SHA256_LEN];
    CHECK(acg_hmac_sha256(key, key_len, data, strlen(data), out) == ACG_OK);
    return check_hex(out, want);
}

/* RFC 4231 test cases 1, 2, 6 and 7 (keys shorter and longer than a block). */
static int test_hmac_sha256_vectors(void)
{
    static const char tc7[] = "This is a test using a larger than block-size key and a larger "
                              "than block-size data. The key needs to be hashed before being "
                              "used by the HMAC algorithm.";
    unsigned char key[131];

    memset(key, 0x0b, 20);
    CHECK(hmac_is(key, 20, "Hi There",
                  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7") == 0);
    CHECK(hmac_is((const unsigned char *)"Jefe", 4, "what do ya want for nothing?",
                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") == 0);
    memset(key, 0xaa, sizeof key);
    CHECK(hmac_is(key, sizeof key, "Test Using Larger Than Block-Size Key - Hash Key First",
                  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54") == 0);
    CHECK(hmac_is(key, sizeof key, tc7,
                  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2") == 0);
    return 0;
}

/* Every key length around the block size (64) and a few message lengths, against
 * libcrypto's own HMAC, all through one context. */
static int test_hmac_sha256_matches_libcrypto(void)
{
    static const size_t msg_lens[] = { 0, 1, 55, 56, 64, 119, 200 };
    unsigned char key[160], msg[200], want[ACG_SHA256_LEN], got[ACG_SHA256_LEN];
    struct acg_sha256_ctx sha;
    size_t want_len = 0;
    int line = 0;

    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i * 7 + 1);
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 13 + 5);
    acg_sha256_ctx_init(&sha);
    for (size_t key_len = 0; key_len <= sizeof key && line == 0; key_len++) {
        for (size_t m = 0; m < sizeof msg_lens / sizeof msg_lens[0]; m++) {
            if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, msg, msg_lens[m],
                          want, sizeof want, &want_len) == NULL ||
                acg_hmac_sha256_with(&sha, key, key_len, msg, msg_lens[m], got) != ACG_OK ||
                memcmp(want, got, sizeof got) != 0) {
                fprintf(stderr, "key length %zu, message length %zu\n", key_len, msg_lens[m]);
                line = __LINE__;
                break;
            }
        }
    }
    acg_sha256_ctx_free(&sha);
    return line;
}

/* out may be the key's own buffer, as the key derivation chains them. */
static int test_hmac_sha256_out_is_key(void)
{
    unsigned char key[ACG_SHA256_LEN], want[ACG_SHA256_LEN];

    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)i;
    CHECK(acg_hmac_sha256(key, sizeof key, "x", 1, want) == ACG_OK);
    CHECK(acg_hmac_sha256(key, sizeof key, "x", 1, key) == ACG_OK);
    CHECK(memcmp(key, want, sizeof key) == 0);
    return 0;
}

/* The derived key from AWS's documentation (service "iam", same secret and day). */
static int test_signing_key(void)
{
    struct acg_credentials c;
    unsigned char key[32];
    char hex[65];

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    p.service = "iam";
    CHECK(acg_sigv4_signing_key(&p, key, NULL) == ACG_OK);
    acg_hex_lower(key, sizeof key, hex);
    acg_secure_zero(key, sizeof key);
    CHECK_STR(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    return 0;
}

static int test_time(void)
{
    char out[17];
    int64_t ms;

    CHECK(acg_sigv4_format_time(0, out) == ACG_OK);
    CHECK_STR(out, "19700101T000000Z");
    CHECK(acg_sigv4_format_time(-1, out) == ACG_OK);
    CHECK_STR(out, "19691231T235959Z");
    CHECK(acg_sigv4_format_time(1440938160999, out) == ACG_OK);
    CHECK_STR(out, "20150830T123600Z");
    CHECK(acg_sigv4_parse_time("20150830T123600Z", &ms) == ACG_OK && ms == 1440938160000);
    CHECK(acg_sigv4_parse_time("20240229T235959Z", &ms) == ACG_OK);
    CHECK(acg_sigv4_format_time(ms, out) == ACG_OK);
    CHECK_STR(out, "20240229T235959Z");
    CHECK(acg_sigv4_parse_time("99991231T235959Z", &ms) == ACG_OK);
    CHECK(acg_sigv4_format_time(ms, out) == ACG_OK);
    CHECK(acg_sigv4_format_time(ms + 1000, out) == ACG_ERR_INVALID_ARG);
    CHECK(acg_sigv4_parse_time("00000101T000000Z", &ms) == ACG_OK);
    CHECK(acg_sigv4_format_time(ms, out) == ACG_OK);
    CHECK_STR(out, "00000101T000000Z");
    CHECK(acg_sigv4_format_time(ms - 1, out) == ACG_ERR_INVALID_ARG);

    static const char *const bad[] = {
        "", "20150830T123600", "20150830T123600ZZ", "20150830 123600Z", "2015O830T123600Z",
        "20230229T000000Z", "20151301T000000Z", "20150800T000000Z", "20150830T240000Z",
        "20150830T126000Z", "20150830T123660Z", "+0150830T123600Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(acg_sigv4_parse_time(bad[i], &ms) == ACG_ERR_INVALID_ARG);
    CHECK(acg_sigv4_parse_time(NULL, &ms) == ACG_ERR_INVALID_ARG);
    return 0;
}

/* Signs get-vanilla and returns the signature (65 bytes), "" on failure. */
static void sign_vanilla(const struct acg_sigv4_params *p, struct acg_sigv4_cache *cache,
                         char sig[65])
{
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    struct acg_sigv4_result res;
    acg_sigv4_result_init(&res);
    sig[0] = '\0';
    if (acg_sigv4_sign(p, &r, cache, &res, NULL) == ACG_OK)
        memcpy(sig, res.signature, 65);
    acg_sigv4_result_free(&res);
}

/* A hit is observable: a tampered cached key changes the signature. A different day,
 * region, service or secret must miss and derive the right key again. */
static int test_cache_hit_and_miss(void)
{
    struct acg_credentials c, rotated;
    struct acg_sigv4_cache cache = { 0 };
    char fresh[65], cached[65], expect_next_day[65], got[65];

    make_creds(&c, EXAMPLE_SECRET, NULL);
    make_creds(&rotated, "a-completely-different-secret-key-000000", NULL);
    struct acg_sigv4_params p = make_params(&c);

    sign_vanilla(&p, NULL, fresh);
    CHECK_STR(fresh, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    sign_vanilla(&p, &cache, cached);           /* miss: derives and stores */
    CHECK_STR(cached, fresh);
    CHECK(cache.valid);
    CHECK(strstr(cache.scope, EXAMPLE_SECRET) == NULL);
    CHECK(strstr(cache.scope, "/20150830/us-east-1/service") != NULL);

    cache.key[0] ^= 0xff;                       /* hit: the tampered key is used */
    sign_vanilla(&p, &cache, got);
    CHECK(got[0] != '\0' && strcmp(got, fresh) != 0);

    struct acg_sigv4_params next_day = p;       /* miss: another day */
    next_day.now_ms += 86400 * 1000LL;
    sign_vanilla(&next_day, NULL, expect_next_day);
    sign_vanilla(&next_day, &cache, got);
    CHECK_STR(got, expect_next_day);
    CHECK(strstr(cache.scope, "/20150831/") != NULL);

    struct acg_sigv4_params same_day_later = next_day;   /* hit: same day, other second */
    same_day_later.now_ms += 3600 * 1000LL;
    char key_before[32];
    memcpy(key_before, cache.key, sizeof key_before);
    sign_vanilla(&same_day_later, &cache, got);
    CHECK(got[0] != '\0' && memcmp(key_before, cache.key, sizeof key_before) == 0);

    struct acg_sigv4_params other_region = p;   /* miss: another region */
    other_region.region = "eu-west-1";
    sign_vanilla(&other_region, NULL, expect_next_day);
    sign_vanilla(&other_region, &cache, got);
    CHECK_STR(got, expect_next_day);

    struct acg_sigv4_params other_secret = p;   /* miss: rotated credentials */
    other_secret.creds = &rotated;
    sign_vanilla(&other_secret, NULL, expect_next_day);
    sign_vanilla(&p, &cache, got);
    sign_vanilla(&other_secret, &cache, got);
    CHECK_STR(got, expect_next_day);

    acg_sigv4_cache_clear(&cache);
    CHECK(!cache.valid && cache.scope[0] == '\0');
    for (size_t i = 0; i < sizeof cache.key; i++)
        CHECK(cache.key[i] == 0);
    return 0;
}

/* The suite's post-sts-header-before/-after signatures, reached through the params: the
 * request carries a stale token header that the credentials' token must replace. */
static int test_session_token_signed_or_omitted(void)
{
    static const struct acg_header headers[] = {
        { "Host", "example.amazonaws.com" },
        { "X-Amz-Security-Token", "stale-token-from-the-last-attempt" },
    };
    struct acg_credentials c;
    struct acg_sigv4_result res;

    make_creds(&c, EXAMPLE_SECRET, STS_TOKEN);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("POST", "/", NULL);
    r.headers = headers;
    r.header_count = 2;
    acg_sigv4_result_init(&res);

    p.sign_session_token = true;
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK(strstr(res.canonical_request.data, "\nx-amz-security-token:" STS_TOKEN "\n") != NULL);
    CHECK(strstr(res.canonical_request.data, "stale") == NULL);
    CHECK(strstr(res.authorization.data, "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                  "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")
          != NULL);

    struct acg_buf log;
    acg_buf_init(&log, 0);
    CHECK(acg_sigv4_canonical_request_for_log(&res, &log) == ACG_OK);
    CHECK(strstr(log.data, STS_TOKEN) == NULL);
    CHECK(strstr(log.data, "\nx-amz-security-token:<redacted>\n\nhost;") != NULL);
    CHECK(log.len == res.canonical_request.len - strlen(STS_TOKEN) + strlen("<redacted>"));
    acg_buf_free(&log);

    p.sign_session_token = false;
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);   /* reuses res */
    CHECK(acg_sigv4_canonical_request_for_log(&res, &log) == ACG_OK);
    CHECK_STR(log.data, res.canonical_request.data);
    acg_buf_free(&log);
    CHECK(strstr(res.canonical_request.data, "x-amz-security-token") == NULL);
    CHECK(strstr(res.authorization.data, "SignedHeaders=host;x-amz-date, "
                  "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
          != NULL);

    /* without a token in the credentials the header is an ordinary signed header */
    make_creds(&c, EXAMPLE_SECRET, NULL);
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK(strstr(res.canonical_request.data,
                 "\nx-amz-security-token:stale-token-from-the-last-attempt\n") != NULL);
    acg_sigv4_result_free(&res);
    return 0;
}

static int test_header_without_value(void)
{
    static const struct acg_header headers[] = {
        { "Host", "example.amazonaws.com" },
        { "X-Empty", "" },
        { "X-Blank", "   " },
        { "X-Null", NULL },
    };
    struct acg_credentials c;
    struct acg_sigv4_result res;

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    r.headers = headers;
    r.header_count = 4;
    acg_sigv4_result_init(&res);
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK(strstr(res.canonical_request.data, "x-amz-date:" EXAMPLE_TIME "\nx-blank:\n"
                 "x-empty:\nx-null:\n\nhost;x-amz-date;x-blank;x-empty;x-null\n") != NULL);
    acg_sigv4_result_free(&res);
    return 0;
}

static int test_empty_payload(void)
{
    struct acg_credentials c;
    struct acg_sigv4_result res;
    char line[128];

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("POST", "/", NULL);
    acg_sigv4_result_init(&res);

    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);    /* NULL, 0 */
    CHECK_STR(res.payload_hash, EMPTY_SHA256);
    CHECK_STR(line_of(res.canonical_request.data, 7, line, sizeof line), EMPTY_SHA256);
    r.payload = "";                                                 /* "", 0 */
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK_STR(res.payload_hash, EMPTY_SHA256);
    r.payload = "Param1=value1";                                    /* suite's body */
    r.payload_len = 13;
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK_STR(res.payload_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    acg_sigv4_result_free(&res);
    return 0;
}

static int test_payload_hash_sources(void)
{
    static const struct acg_header with_content_sha[] = {
        { "Host", "example.amazonaws.com" },
        { "X-Amz-Content-SHA256", "  UNSIGNED-PAYLOAD " },
    };
    struct acg_credentials c;
    struct acg_sigv4_result res;
    struct acg_error err;

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("PUT", "/", NULL);
    r.payload = "body";
    r.payload_len = 4;
    acg_sigv4_result_init(&res);

    r.payload_hash = "UNSIGNED-PAYLOAD";
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK_STR(res.payload_hash, "UNSIGNED-PAYLOAD");

    r.payload_hash = NULL;
    r.headers = with_content_sha;
    r.header_count = 2;
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK_STR(res.payload_hash, "UNSIGNED-PAYLOAD");
    CHECK(strstr(res.canonical_request.data, "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n") != NULL);

    acg_error_init(&err);
    r.payload_hash = "two words";
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, &err) == ACG_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "payload hash") != NULL);
    CHECK(res.canonical_request.len == 0 && res.signature[0] == '\0');
    acg_sigv4_result_free(&res);
    return 0;
}

/* Trimming, folding, lower-casing, merging in request order, and the headers left out. */
static int test_header_canonical_form(void)
{
    static const struct acg_header headers[] = {
        { "Host", "example.amazonaws.com" },
        { "My-Header", "  a   b\t\tc  " },
        { "Zeta", "z" },
        { "MY-HEADER", "second\r\n   line" },
        { "User-Agent", "acg/0.1" },
        { "Authorization", "AWS4-HMAC-SHA256 Credential=old" },
        { "X-Amz-Date", "19990101T000000Z" },
        { "my-header", "third" },
        { "X-Amzn-Trace-Id", "Root=1-5759e988" },
    };
    struct acg_credentials c;
    struct acg_sigv4_result res;

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    r.headers = headers;
    r.header_count = sizeof headers / sizeof headers[0];
    acg_sigv4_result_init(&res);
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK(strstr(res.canonical_request.data,
                 "\n\nhost:example.amazonaws.com\nmy-header:a b c,second line,third\n"
                 "x-amz-date:" EXAMPLE_TIME "\nzeta:z\n\nhost;my-header;x-amz-date;zeta\n")
          != NULL);
    acg_sigv4_result_free(&res);
    return 0;
}

/* More headers than the signer keeps on the stack or sorts by insertion: distinct names in
 * descending order and mixed case, and one name repeated throughout, whose values must
 * merge in request order. */
static int test_many_headers(void)
{
    enum { COUNT = 40 };
    static char names[COUNT][8], values[COUNT][8];
    struct acg_header headers[COUNT + 1];
    struct acg_credentials c;
    struct acg_sigv4_result res;
    char want_block[1024], want_signed[512];
    size_t block = 0, list = 0;

    for (int i = 0; i < COUNT; i++) {
        if (i % 3 == 0)
            snprintf(names[i], sizeof names[i], "%s", i % 2 ? "X-DUP" : "x-dup");
        else
            snprintf(names[i], sizeof names[i], i % 2 ? "H-%02d" : "h-%02d", COUNT - i);
        snprintf(values[i], sizeof values[i], " v%d ", i);
        headers[i] = (struct acg_header){ names[i], values[i] };
    }
    headers[COUNT] = host_only[0];

    block += (size_t)snprintf(want_block, sizeof want_block, "\n\n");
    for (int n = 1; n < COUNT; n++) {
        if ((COUNT - n) % 3 == 0)
            continue;
        block += (size_t)snprintf(want_block + block, sizeof want_block - block,
                                  "h-%02d:v%d\n", n, COUNT - n);
        list += (size_t)snprintf(want_signed + list, sizeof want_signed - list, "h-%02d;", n);
    }
    block += (size_t)snprintf(want_block + block, sizeof want_block - block,
                              "host:example.amazonaws.com\nx-amz-date:%s\nx-dup:v0",
                              EXAMPLE_TIME);
    for (int i = 3; i < COUNT; i += 3)
        block += (size_t)snprintf(want_block + block, sizeof want_block - block, ",v%d", i);
    snprintf(want_block + block, sizeof want_block - block, "\n\n");
    snprintf(want_signed + list, sizeof want_signed - list,
             "host;x-amz-date;x-dup, Signature=");

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    r.headers = headers;
    r.header_count = COUNT + 1;
    acg_sigv4_result_init(&res);
    int rc = acg_sigv4_sign(&p, &r, NULL, &res, NULL);
    bool block_ok = rc == ACG_OK && strstr(res.canonical_request.data, want_block) != NULL;
    bool signed_ok = rc == ACG_OK && strstr(res.authorization.data, want_signed) != NULL;
    acg_sigv4_result_free(&res);
    CHECK(rc == ACG_OK);
    CHECK(block_ok);
    CHECK(signed_ok);
    return 0;
}

/* A path that triples when encoded, and a long session token: the canonical request
 * outgrows the signer's first estimate before the headers are written. */
static int test_long_path_and_token(void)
{
    enum { PERCENTS = 3000, TOKEN_LEN = 2000 };
    static char path[PERCENTS + 2], want_path[3 * PERCENTS + 4], token[TOKEN_LEN + 1];
    static char want_header[TOKEN_LEN + 32];
    struct acg_credentials c;
    struct acg_sigv4_result res;

    path[0] = '/';
    memset(path + 1, '%', PERCENTS);
    want_path[0] = '\n';
    want_path[1] = '/';
    for (int i = 0; i < PERCENTS; i++)
        memcpy(want_path + 2 + 3 * i, "%25", 3);
    want_path[2 + 3 * PERCENTS] = '\n';
    memset(token, 'T', TOKEN_LEN);
    snprintf(want_header, sizeof want_header, "\nx-amz-security-token:%s\n", token);

    make_creds(&c, EXAMPLE_SECRET, token);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("GET", path, NULL);
    acg_sigv4_result_init(&res);
    int rc = acg_sigv4_sign(&p, &r, NULL, &res, NULL);
    bool path_ok = rc == ACG_OK && strncmp(res.canonical_request.data, "GET", 3) == 0 &&
                   strncmp(res.canonical_request.data + 3, want_path, strlen(want_path)) == 0;
    bool token_ok = rc == ACG_OK && strstr(res.canonical_request.data, want_header) != NULL;
    acg_sigv4_result_free(&res);
    CHECK(rc == ACG_OK);
    CHECK(path_ok);
    CHECK(token_ok);
    return 0;
}

static int test_path_rules(void)
{
    static const struct {
        const char *path;
        bool normalize;
        const char *canonical;
    } cases[] = {
        { "", true, "/" },
        { "/", true, "/" },
        { "//a//b//", true, "/a/b/" },
        { "/a/./b/../c", true, "/a/c" },
        { "/../../a", true, "/a" },
        { "/a/b/..", true, "/a" },
        { "/a/b/../", true, "/a/" },
        { "/a/.", true, "/a" },
        { "/./", true, "/" },
        { "/a%20b/c%2Fd", true, "/a%2520b/c%252Fd" },
        { "/a b/\xc3\xbc/$!*'()", true, "/a%20b/%C3%BC/%24%21%2A%27%28%29" },
        { "/-._~AZaz09", true, "/-._~AZaz09" },
        { "/..a/.b/...", true, "/..a/.b/..." },
        { "//a/./b%20c/../", false, "//a/./b%20c/../" },
        { "", false, "/" },
    };
    struct acg_credentials c;
    char line[256];

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acg_sigv4_request r = make_request("GET", cases[i].path, NULL);
        p.normalize_path = cases[i].normalize;
        CHECK_STR(creq_line(&p, &r, 1, line, sizeof line), cases[i].canonical);
    }
    struct acg_sigv4_request r = make_request("GET", NULL, NULL);
    p.normalize_path = true;
    CHECK_STR(creq_line(&p, &r, 1, line, sizeof line), "/");
    return 0;
}

static int test_query_rules(void)
{
    static const struct {
        const char *query;
        const char *canonical;
    } cases[] = {
        { NULL, "" },
        { "", "" },
        { "b=%2f&a=x%20y&a=1&c&=v&&d=", "=v&a=1&a=x%20y&b=%2F&c=&d=" },
        { "a+b=c d", "a%2Bb=c%20d" },
        { "%zz=%4&k=%", "%25zz=%254&k=%25" },
        { "k=a=b", "k=a%3Db" },
        { "%41%7e=%7E", "A~=~" },
        { "\xe1\x88\xb4=bar", "%E1%88%B4=bar" },
        { "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
          "%E1%88%B4=Value1&Param=Value2&Param-3=Value3" },
        { "p=b&p=a&p=B&p=", "p=&p=B&p=a&p=b" },
        { "&&&", "" },
    };
    struct acg_credentials c;
    char line[256];

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acg_sigv4_request r = make_request("GET", "/", cases[i].query);
        CHECK_STR(creq_line(&p, &r, 2, line, sizeof line), cases[i].canonical);
    }
    return 0;
}

static int expect_invalid(const struct acg_sigv4_params *p, const struct acg_sigv4_request *r,
                          const char *needle)
{
    struct acg_sigv4_result res;
    struct acg_error err;

    acg_sigv4_result_init(&res);
    acg_error_init(&err);
    int rc = acg_sigv4_sign(p, r, NULL, &res, &err);
    bool empty = res.canonical_request.len == 0 && res.authorization.len == 0 &&
                 res.signature[0] == '\0';
    acg_sigv4_result_free(&res);
    CHECK(rc == ACG_ERR_INVALID_ARG && err.status == ACG_ERR_INVALID_ARG);
    if (strstr(err.message, needle) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, needle);
        return __LINE__;
    }
    CHECK(empty);
    return 0;
}

static int test_invalid_arguments(void)
{
    static const struct acg_header bad_name[] = { { "Bad Name", "v" } };
    static const struct acg_header null_name[] = { { NULL, "v" } };
    struct acg_credentials c, no_key, no_secret;

    make_creds(&c, EXAMPLE_SECRET, NULL);
    make_creds(&no_key, EXAMPLE_SECRET, NULL);
    no_key.access_key_id[0] = '\0';
    make_creds(&no_secret, "", NULL);
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_params q;

    CHECK(acg_sigv4_sign(NULL, &r, NULL, NULL, NULL) == ACG_ERR_INVALID_ARG);
    q = p, q.creds = NULL;
    CHECK(expect_invalid(&q, &r, "credentials") == 0);
    q = p, q.creds = &no_key;
    CHECK(expect_invalid(&q, &r, "access key id") == 0);
    q = p, q.creds = &no_secret;
    CHECK(expect_invalid(&q, &r, "secret access key") == 0);
    q = p, q.region = NULL;
    CHECK(expect_invalid(&q, &r, "region") == 0);
    q = p, q.region = "us/east-1";
    CHECK(expect_invalid(&q, &r, "us/east-1") == 0);
    q = p, q.service = "";
    CHECK(expect_invalid(&q, &r, "service") == 0);
    q = p, q.now_ms = INT64_MAX;
    CHECK(expect_invalid(&q, &r, "signing time") == 0);
    /* expired credentials never sign: at the expiry instant and after it */
    struct acg_credentials expired = c;
    expired.expiration_ms = p.now_ms;
    q = p, q.creds = &expired;
    CHECK(expect_invalid(&q, &r, "expired") == 0);
    expired.expiration_ms = p.now_ms + 1;   /* one millisecond left: still signs */
    struct acg_sigv4_result ok;
    acg_sigv4_result_init(&ok);
    CHECK(acg_sigv4_sign(&q, &r, NULL, &ok, NULL) == ACG_OK);
    acg_sigv4_result_free(&ok);
    q = p, q.normalize_path = false;
    struct acg_sigv4_request s = r;
    s.path = "/a\nb";
    CHECK(expect_invalid(&q, &s, "control character") == 0);
    s = r, s.method = "GE T";
    CHECK(expect_invalid(&p, &s, "method") == 0);
    s = r, s.method = NULL;
    CHECK(expect_invalid(&p, &s, "method") == 0);
    s = r, s.headers = bad_name;
    CHECK(expect_invalid(&p, &s, "header 0") == 0);
    s = r, s.headers = null_name;
    CHECK(expect_invalid(&p, &s, "header 0") == 0);
    s = r, s.headers = NULL;
    CHECK(expect_invalid(&p, &s, "headers is NULL") == 0);
    s = r, s.payload_len = 3;
    CHECK(expect_invalid(&p, &s, "payload is NULL") == 0);
    return 0;
}

/* After free nothing secret is left in the struct itself. */
static int test_result_free_wipes(void)
{
    struct acg_credentials c;
    struct acg_sigv4_result res;

    make_creds(&c, EXAMPLE_SECRET, NULL);
    struct acg_sigv4_params p = make_params(&c);
    struct acg_sigv4_request r = make_request("GET", "/", NULL);
    acg_sigv4_result_init(&res);
    CHECK(acg_sigv4_sign(&p, &r, NULL, &res, NULL) == ACG_OK);
    CHECK(strlen(res.signature) == 64);
    acg_sigv4_result_free(&res);
    for (size_t i = 0; i < sizeof res.signature; i++)
        CHECK(res.signature[i] == 0);
    CHECK(res.authorization.data == NULL && res.canonical_request.data == NULL);
    acg_sigv4_result_free(&res);   /* idempotent */
    return 0;
}

/* ---- raw request parser ---- */

static int test_rawreq_parse(void)
{
    static const char text[] = "PUT /a b?x=1&y HTTP/1.1\r\n"
                               "Host: example.amazonaws.com\r\n"
                               "X-Folded: one\r\n"
                               "   two\r\n"
                               "\tthree\r\n"
                               "X-Empty:\r\n"
                               "\r\n"
                               "body\0with NUL\n";
    struct acg_rawreq r;
    struct acg_error err;

    acg_rawreq_init(&r);
    acg_error_init(&err);
    CHECK(acg_rawreq_parse(text, sizeof text - 1, &r, &err) == ACG_OK);
    CHECK_STR(r.method, "PUT");
    CHECK_STR(r.path, "/a b");
    CHECK_STR(r.query, "x=1&y");
    CHECK_STR(r.version, "HTTP/1.1");
    CHECK(r.header_count == 3);
    CHECK_STR(r.headers[0].name, "Host");
    CHECK_STR(r.headers[0].value, "example.amazonaws.com");
    CHECK_STR(r.headers[1].value, "one\r\n   two\r\n\tthree");
    CHECK_STR(r.headers[2].name, "X-Empty");
    CHECK_STR(r.headers[2].value, "");
    CHECK(r.body_len == 14 && memcmp(r.body, "body\0with NUL\n", 14) == 0);

    /* no blank line, no body, no final line break; a reparse releases the first */
    CHECK(acg_rawreq_parse("GET / HTTP/1.1\nHost:h", 21, &r, &err) == ACG_OK);
    CHECK(r.query == NULL && r.header_count == 1 && r.body_len == 0 && r.body != NULL);
    CHECK_STR(r.headers[0].value, "h");
    acg_rawreq_free(&r);
    acg_rawreq_free(&r);
    return 0;
}

static int test_rawreq_errors(void)
{
    static const struct {
        const char *text;
        size_t len;
        const char *needle;
    } cases[] = {
        { "", 0, "empty" },
        { "\n", 1, "line 1" },
        { "GET\n", 4, "line 1" },
        { "GET /\n", 6, "line 1" },
        { "GET / FTP/1\n", 12, "HTTP version" },
        { "GET  HTTP/1.1\n", 14, "target is empty" },
        { "G(T / HTTP/1.1\n", 15, "method" },
        { "GET / HTTP/1.1\n  folded\n", 24, "line 2: a continuation" },
        { "GET / HTTP/1.1\nHost: h\nNoColon\n", 31, "line 3: a header line needs" },
        { "GET / HTTP/1.1\nBad Name: v\n", 27, "line 2: the header name" },
        { "GET / HTTP/1.1\n: v\n", 19, "line 2: the header name" },
        { "GET / HTTP/1.1\nA: \0\n", 20, "line 2: a NUL byte" },
        { "GET /\0 HTTP/1.1\n", 16, "line 1: a NUL byte" },
    };
    struct acg_rawreq r;

    acg_rawreq_init(&r);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acg_error err;
        acg_error_init(&err);
        if (acg_rawreq_parse(cases[i].text, cases[i].len, &r, &err) != ACG_ERR_INVALID_ARG ||
            strstr(err.message, cases[i].needle) == NULL) {
            fprintf(stderr, "case %zu: \"%s\"\n", i, err.message);
            return __LINE__;
        }
        CHECK(r.storage_ == NULL && r.headers == NULL && r.method == NULL);
    }
    CHECK(acg_rawreq_parse(NULL, 1, &r, NULL) == ACG_ERR_INVALID_ARG);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_sha256_hex),
    TEST(test_sha256_context_reuse),
    TEST(test_hmac_sha256_vectors),
    TEST(test_hmac_sha256_matches_libcrypto),
    TEST(test_hmac_sha256_out_is_key),
    TEST(test_signing_key),
    TEST(test_time),
    TEST(test_cache_hit_and_miss),
    TEST(test_session_token_signed_or_omitted),
    TEST(test_header_without_value),
    TEST(test_empty_payload),
    TEST(test_payload_hash_sources),
    TEST(test_header_canonical_form),
    TEST(test_many_headers),
    TEST(test_long_path_and_token),
    TEST(test_path_rules),
    TEST(test_query_rules),
    TEST(test_invalid_arguments),
    TEST(test_result_free_wipes),
    TEST(test_rawreq_parse),
    TEST(test_rawreq_errors),
};

int main(void)
{
    run_suite();
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        count(tests[i].name, tests[i].fn());
    printf("sigv4: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
