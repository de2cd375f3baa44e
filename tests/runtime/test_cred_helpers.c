/* The Python-compatible pieces the credential providers' cache names and contents depend on
 * (json.dumps escaping, sha1 hex, dateutil's reading of cache timestamps, repr() in
 * botocore's messages, botocore's percent_encode and _urljoin), and the provider selection
 * for configurations botocore refuses before any call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/acg_cred_providers.h"
#include "../harness.h"

static char dir[] = "/tmp/acg-cred-helpers-XXXXXX";

static const char *json(const char *s, struct acg_buf *b)
{
    acg_buf_reset(b);
    if (acg_cred_json_string(b, s) != ACG_OK || acg_buf_append_char(b, '\0') != ACG_OK)
        return NULL;
    return b->data;
}

static int test_json_string_is_python_json_dumps(void)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    /* json.dumps(s) with ensure_ascii, as Python 3 writes each */
    CHECK_STR(json("plain", &b), "\"plain\"");
    CHECK_STR(json("q\"b\\s/", &b), "\"q\\\"b\\\\s/\"");
    CHECK_STR(json("\n\r\t\b\f\x01\x1f\x7f", &b), "\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\"");
    CHECK_STR(json("caf\xc3\xa9 \xe2\x82\xac", &b), "\"caf\\u00e9 \\u20ac\"");
    CHECK_STR(json("\xf0\x9f\x98\x80", &b), "\"\\ud83d\\ude00\"");
    acg_buf_free(&b);
    return 0;
}

static int test_sha1_hex(void)
{
    char out[41];
    CHECK(acg_cred_sha1_hex("", out) == ACG_OK);
    CHECK_STR(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    /* hashlib.sha1(json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/R"}).encode()) */
    CHECK(acg_cred_sha1_hex("{\"RoleArn\": \"arn:aws:iam::123456789012:role/R\"}", out) == ACG_OK);
    CHECK_STR(out, "c03ce438bc208f6214854d85d3ca930ff73e3004");
    return 0;
}

static int test_parse_time_reads_the_caches_forms(void)
{
    int64_t ms = 0;
    CHECK(acg_cred_parse_time("2026-12-03T11:26:06Z", &ms) == ACG_OK && ms == 1796297166000LL);
    CHECK(acg_cred_parse_time("2026-12-03T11:26:06UTC", &ms) == ACG_OK && ms == 1796297166000LL);
    CHECK(acg_cred_parse_time("2026-12-03T11:26:06+00:00", &ms) == ACG_OK && ms == 1796297166000LL);
    CHECK(acg_cred_parse_time("2026-12-03T12:26:06+01:00", &ms) == ACG_OK && ms == 1796297166000LL);
    CHECK(acg_cred_parse_time("2026-12-03T11:26:06.250Z", &ms) == ACG_OK && ms == 1796297166250LL);
    CHECK(acg_cred_parse_time("2026-12-03 11:26:06", &ms) == ACG_OK && ms == 1796297166000LL);
    CHECK(acg_cred_parse_time("1970-01-01T00:00:00Z", &ms) == ACG_OK && ms == 0);
    CHECK(acg_cred_parse_time("2026-13-03T11:26:06Z", &ms) != ACG_OK);
    CHECK(acg_cred_parse_time("yesterday", &ms) != ACG_OK);
    CHECK(acg_cred_parse_time("2026-12-03T11:26:06 PST", &ms) != ACG_OK);
    return 0;
}

static int test_py_repr_and_percent_encode(void)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(acg_cred_py_repr(&b, "dev") == ACG_OK && acg_buf_append_char(&b, '\0') == ACG_OK);
    CHECK_STR(b.data, "'dev'");
    acg_buf_reset(&b);
    CHECK(acg_cred_py_repr(&b, "it's") == ACG_OK && acg_buf_append_char(&b, '\0') == ACG_OK);
    CHECK_STR(b.data, "\"it's\"");
    acg_buf_reset(&b);
    CHECK(acg_cred_py_repr(&b, "a'\"\\\n") == ACG_OK && acg_buf_append_char(&b, '\0') == ACG_OK);
    CHECK_STR(b.data, "'a\\'\"\\\\\\n'");
    acg_buf_reset(&b);
    CHECK(acg_cred_percent_encode(&b, "arn:aws:iam::1:role/a b~_.-+=") == ACG_OK && acg_buf_append_char(&b, '\0') == ACG_OK);
    CHECK_STR(b.data, "arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b~_.-%2B%3D");
    acg_buf_free(&b);
    return 0;
}

static int test_url_parts_as_botocore_joins(void)
{
    char path[256], host[256];
    CHECK(acg_cred_url_parts("https://sts.us-west-2.amazonaws.com", "/", path, sizeof path, host, sizeof host) == ACG_OK);
    CHECK_STR(path, "/");
    CHECK_STR(host, "sts.us-west-2.amazonaws.com");
    CHECK(acg_cred_url_parts("https://h:443/base", "/", path, sizeof path, host, sizeof host) == ACG_OK);
    CHECK_STR(path, "/base");
    CHECK_STR(host, "h");
    CHECK(acg_cred_url_parts("http://127.0.0.1:8080/p/", "/federation/credentials", path, sizeof path, host,
                             sizeof host) == ACG_OK);
    CHECK_STR(path, "/p/federation/credentials");
    CHECK_STR(host, "127.0.0.1:8080");
    CHECK(acg_cred_url_parts("http://h:80", "/token", path, sizeof path, host, sizeof host) == ACG_OK);
    CHECK_STR(path, "/token");
    CHECK_STR(host, "h");
    CHECK(acg_cred_url_parts("no-scheme", "/", path, sizeof path, host, sizeof host) != ACG_OK);
    return 0;
}

static int test_cache_write_then_load(void)
{
    struct acg_credentials c;
    struct acg_error err;
    bool usable = false;
    const char *doc = "{\"Credentials\": {\"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"s\", "
                      "\"SessionToken\": \"t\", \"Expiration\": \"2026-12-03T11:26:06UTC\"}}";
    acg_error_init(&err);
    CHECK(acg_cred_cache_write(dir, "k", doc, strlen(doc)));
    /* 20 minutes before: usable; 10 minutes before: inside botocore's 15-minute window */
    CHECK(acg_cred_cache_load(dir, "k", 1796297166000LL - 20 * 60000LL, ACG_CRED_EXPIRY_WINDOW_MS, "assume-role",
                              "test", &c, &usable, &err) == ACG_OK && usable);
    CHECK_STR(c.access_key_id, "ASIAX");
    CHECK(c.expiration_ms == 1796297166000LL);
    acg_credentials_wipe(&c);
    CHECK(acg_cred_cache_load(dir, "k", 1796297166000LL - 10 * 60000LL, ACG_CRED_EXPIRY_WINDOW_MS, "assume-role",
                              "test", &c, &usable, &err) == ACG_OK && !usable);
    CHECK(acg_cred_cache_load(dir, "missing", 0, ACG_CRED_EXPIRY_WINDOW_MS, "assume-role", "test", &c, &usable,
                              &err) == ACG_OK && !usable);
    /* a token with a line break in the cache never becomes a header */
    const char *bad = "{\"Credentials\": {\"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"s\", "
                      "\"SessionToken\": \"t\\r\\nX: y\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}";
    CHECK(acg_cred_cache_write(dir, "bad", bad, strlen(bad)));
    CHECK(acg_cred_cache_load(dir, "bad", 0, ACG_CRED_EXPIRY_WINDOW_MS, "assume-role", "the cache", &c, &usable,
                              &err) == ACG_ERR_CREDENTIALS && !usable);
    CHECK(strstr(err.message, "control character") != NULL && strstr(err.message, "X: y") == NULL);
    acg_error_free(&err);
    char path[256];
    snprintf(path, sizeof path, "%s/k.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    unlink(path);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_json_string_is_python_json_dumps),
    TEST(test_sha1_hex),
    TEST(test_parse_time_reads_the_caches_forms),
    TEST(test_py_repr_and_percent_encode),
    TEST(test_url_parts_as_botocore_joins),
    TEST(test_cache_write_then_load),
};

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    int rc = RUN_TESTS("runtime/cred-helpers", tests);
    rmdir(dir);
    return rc;
}
