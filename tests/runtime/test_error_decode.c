/* acg_error_decode: where the code, message and request id come from, namespaces and
 * suffixes, and bodies that are not JSON at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/acg_error_decode.h"
#include "harness.h"

struct row {
    long status;
    const char *header;       /* X-Amzn-ErrorType */
    const char *request_id;   /* x-amzn-RequestId */
    const char *body;
    const char *code;
    const char *message;      /* exact, or NULL to skip */
    const char *message_has;  /* substring, or NULL */
    const char *rid;
};

static const struct row rows[] = {
    /* the header wins over the body; its ":suffix" goes */
    { 400, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/", "r1",
      "{\"__type\":\"Other\",\"message\":\"slow down\"}", "ThrottlingException", "slow down", NULL, "r1" },
    { 400, "aws.protocoltests.json#FooError", NULL, "{}", "FooError", "", NULL, "" },
    { 400, "  Spaced  ", NULL, "", "Spaced", NULL, NULL, "" },
    /* __type with a namespace; code as a fallback */
    { 400, NULL, NULL, "{\"__type\":\"com.amazonaws.personalize#ResourceNotFoundException\",\"message\":\"no such job\"}",
      "ResourceNotFoundException", "no such job", NULL, "" },
    { 400, "", NULL, "{\"code\":\"InvalidInput\",\"Message\":\"capital M\"}", "InvalidInput", "capital M", NULL, "" },
    { 400, NULL, NULL, "{\"__type\":\"A#B#C:x:y\",\"errorMessage\":\"lambda style\"}", "C", "lambda style", NULL, "" },
    { 400, NULL, NULL, "{\"__type\":\"FooError:http://internal.amazon.com/\"}", "FooError", "", NULL, "" },
    /* __type beats code; message beats Message */
    { 400, NULL, NULL, "{\"code\":\"Second\",\"__type\":\"First\",\"Message\":\"m2\",\"message\":\"m1\"}",
      "First", "m1", NULL, "" },
    /* the body's requestId when the header is absent; the header when both */
    { 500, NULL, NULL, "{\"__type\":\"InternalFailure\",\"requestId\":\"body-rid\"}", "InternalFailure", NULL, NULL, "body-rid" },
    { 500, NULL, "hdr-rid", "{\"__type\":\"InternalFailure\",\"requestId\":\"body-rid\"}", "InternalFailure", NULL, NULL, "hdr-rid" },
    /* members of the wrong type are ignored */
    { 400, NULL, NULL, "{\"__type\":42,\"message\":[\"x\"],\"code\":\"Fallback\"}", "Fallback", "", NULL, "" },
    /* no code anywhere: the status number, as botocore shows it */
    { 418, NULL, NULL, "{\"message\":\"teapot\"}", "418", "teapot", NULL, "" },
    /* not JSON: HTML, text, empty, a JSON array, truncated JSON, binary */
    { 502, NULL, NULL, "<html><body><h1>502 Bad Gateway</h1></body></html>", "502", NULL, "Bad Gateway", "" },
    { 503, NULL, NULL, "", "503", NULL, "Service Unavailable (HTTP 503, empty body)", "" },
    { 403, NULL, NULL, "Forbidden\r\nby proxy", "403", NULL, "Forbidden\\x0d\\x0aby proxy", "" },
    { 400, NULL, NULL, "[1,2,3]", "400", NULL, "body not JSON", "" },
    { 400, NULL, NULL, "{\"__type\":\"Trunc", "400", NULL, "{\"__type\":\"Trunc", "" },
    { 400, "Header", NULL, "\x01\x02\xff\xfe", "Header", NULL, "HTTP 400", "" },
    /* control characters in a message never break the log line: escaped, as acg_text.h */
    { 400, NULL, NULL, "{\"__type\":\"X\",\"message\":\"line1\\nline2\"}", "X", "line1\\x0aline2", NULL, "" },
    { 400, NULL, NULL, "{\"__type\":\"X\\u001b\",\"message\":\"\\u009b2J\"}", "X\\x1b", "\\x9b2J", NULL, "" },
};

static int test_table(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        struct acg_error err;
        acg_error_init(&err);
        int rc = acg_error_decode(r->status, r->header, r->request_id, r->body, strlen(r->body), &err);
        if (rc != ACG_ERR_SERVICE || err.status != ACG_ERR_SERVICE || err.http_status != r->status ||
            strcmp(err.aws_type, r->code) != 0 || strcmp(err.request_id, r->rid) != 0 ||
            (r->message != NULL && strcmp(err.message, r->message) != 0) ||
            (r->message_has != NULL && strstr(err.message, r->message_has) == NULL)) {
            fprintf(stderr, "row %zu: rc %d code \"%s\" message \"%s\" rid \"%s\"\n", i, rc,
                    err.aws_type, err.message, err.request_id);
            return (int)(1000 + i);
        }
        for (const char *p = err.message; *p != '\0'; p++)
            CHECK((unsigned char)*p >= 0x20);
        acg_error_free(&err);
    }
    return 0;
}

static int test_long_values_truncate(void)
{
    size_t n = 5000;
    char *body = malloc(n + 64);
    CHECK(body != NULL);
    int off = snprintf(body, n + 64, "{\"__type\":\"");
    memset(body + off, 'A', 300);
    off += 300;
    off += snprintf(body + off, n + 64 - (size_t)off, "\",\"message\":\"");
    memset(body + off, 'm', 2000);
    off += 2000;
    snprintf(body + off, n + 64 - (size_t)off, "\"}");
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_error_decode(400, NULL, NULL, body, strlen(body), &err) == ACG_ERR_SERVICE);
    CHECK(strlen(err.aws_type) == sizeof err.aws_type - 1);
    CHECK(strlen(err.message) == sizeof err.message - 1);
    /* a long HTML page is cut to an excerpt */
    memset(body, 'h', n);
    body[n] = '\0';
    acg_error_free(&err);
    acg_error_init(&err);
    CHECK(acg_error_decode(500, NULL, NULL, body, n, &err) == ACG_ERR_SERVICE);
    CHECK(strlen(err.message) < 300 && strstr(err.message, "...") != NULL);
    free(body);
    return 0;
}

static int test_first_error_wins_and_null(void)
{
    struct acg_error err;
    acg_error_init(&err);
    acg_error_set(&err, ACG_ERR_TRANSPORT, "earlier");
    CHECK(acg_error_decode(500, "X", NULL, "{}", 2, &err) == ACG_ERR_SERVICE);
    CHECK(err.status == ACG_ERR_TRANSPORT);
    CHECK_STR(err.message, "earlier");
    CHECK(acg_error_decode(500, "X", NULL, "{}", 2, NULL) == ACG_ERR_SERVICE);
    /* body NULL with length 0 */
    acg_error_init(&err);
    CHECK(acg_error_decode(504, NULL, NULL, NULL, 0, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "504");
    return 0;
}

/* Arbitrary bytes, as the fuzz target gives: never a crash, always a code and a status. */
static int test_random_bytes(void)
{
    unsigned state = 12345;
    char buf[256];
    static const char alphabet[] = "{}[]\":,#\\ux0aA_ \n\x01\xff";
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        state = state * 1103515245u + 12345u;
        size_t n = (state >> 16) % (sizeof buf - 1);
        if (iter % 2 == 0) {
            len = (size_t)snprintf(buf, sizeof buf, "{\"__type\":\"");
        }
        while (len < n) {
            state = state * 1103515245u + 12345u;
            buf[len++] = alphabet[(state >> 16) % (sizeof alphabet - 1)];
        }
        buf[len] = '\0';   /* the header argument is a C string */
        struct acg_error err;
        acg_error_init(&err);
        CHECK(acg_error_decode(400 + (long)(iter % 200), iter % 3 == 0 ? buf : NULL, NULL, buf, len,
                               &err) == ACG_ERR_SERVICE);
        CHECK(err.aws_type[0] != '\0' || iter % 3 == 0);
        acg_error_free(&err);
    }
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_table),
        TEST(test_long_values_truncate),
        TEST(test_first_error_wins_and_null),
        TEST(test_random_bytes),
    };
    return RUN_TESTS("error_decode", tests);
}
