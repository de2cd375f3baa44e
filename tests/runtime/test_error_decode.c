/* acg_error_decode: where the code, message and request id come from, by botocore's rules
 * (the AWS CLI prints what botocore's parsers give; tests/e2e/test_awscli_errors.py runs
 * the AWS CLI itself on the same answers), namespaces and suffixes, awsQueryCompatible's
 * header, and bodies that are not JSON at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/acg_error_decode.h"
#include "harness.h"

struct row {
    enum acg_error_protocol protocol;
    long status;
    const char *header;       /* X-Amzn-ErrorType */
    const char *query_error;  /* x-amzn-query-error */
    const char *request_id;   /* x-amzn-RequestId */
    const char *body;
    const char *code;
    const char *message;      /* exact */
    const char *rid;
};

#define J ACG_ERROR_AWS_JSON
#define R ACG_ERROR_REST_JSON

static const struct row rows[] = {
    /* awsJson: __type only, its namespace and ":suffix" removed; the header is not read */
    { J, 400, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/", NULL, "r1",
      "{\"__type\":\"Other\",\"message\":\"slow down\"}", "Other", "slow down", "r1" },
    { J, 400, "aws.protocoltests.json#FooError", NULL, NULL, "{}", "400", "", "" },
    { J, 400, "ResourceNotFoundException:http://internal/", NULL, NULL, "{}", "400", "", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"com.amazonaws.personalize#ResourceNotFoundException\"}",
      "ResourceNotFoundException", "", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"FooError:http://internal.amazon.com/\"}", "FooError", "", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"A#B#C:x:y\",\"errorMessage\":\"lambda style\"}", "C", "", "" },
    { J, 400, "", NULL, NULL, "{\"code\":\"InvalidInput\",\"Message\":\"capital M\"}", "400", "capital M", "" },
    /* message beats Message; members of the wrong type are ignored */
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"First\",\"Message\":\"m2\",\"message\":\"m1\"}", "First", "m1", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":42,\"message\":[\"x\"],\"code\":\"Fallback\"}", "400", "", "" },
    /* the body's requestId when the header is absent; the header when both */
    { J, 500, NULL, NULL, NULL, "{\"__type\":\"InternalFailure\",\"requestId\":\"body-rid\"}", "InternalFailure", "", "body-rid" },
    { J, 500, NULL, NULL, "hdr-rid", "{\"__type\":\"InternalFailure\",\"requestId\":\"body-rid\"}", "InternalFailure", "", "hdr-rid" },
    { J, 418, NULL, NULL, NULL, "{\"message\":\"teapot\"}", "418", "teapot", "" },
    /* an empty body: the status as the code; a 4xx has no message, a 5xx its reason */
    { J, 400, NULL, NULL, NULL, "", "400", "", "" },
    { J, 404, "X", NULL, NULL, "", "404", "", "" },
    { J, 503, NULL, NULL, NULL, "", "503", "Service Unavailable", "" },
    { J, 500, NULL, NULL, NULL, " \n", "500", "Internal Server Error", "" },
    { J, 599, NULL, NULL, NULL, "", "599", "", "" },
    /* a 5xx HTML page is generic; anything else that is not a JSON object is the message */
    { J, 502, NULL, NULL, NULL, "<html><body><h1>502 Bad Gateway</h1></body></html>", "502", "Bad Gateway", "" },
    { J, 403, NULL, NULL, NULL, "<html><body>Forbidden</body></html>", "403", "<html><body>Forbidden</body></html>", "" },
    { J, 502, NULL, NULL, NULL, "<!DOCTYPE html><p>x</p>", "502", "<!DOCTYPE html><p>x</p>", "" },
    { J, 403, NULL, NULL, NULL, "Forbidden\r\nby proxy", "403", "Forbidden\\x0d\\x0aby proxy", "" },
    { J, 400, NULL, NULL, NULL, "[1,2,3]", "400", "[1,2,3]", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"Trunc", "400", "{\"__type\":\"Trunc", "" },
    { J, 400, "Header", NULL, NULL, "\x01\x02\xff\xfe", "400", "\\x01\\x02\xef\xbf\xbd\xef\xbf\xbd", "" },
    /* awsQueryCompatible: "Code;Type" replaces the code; anything else leaves it */
    { J, 400, NULL, "AWS.SimpleQueueService.NonExistentQueue;Sender", NULL,
      "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}",
      "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", "" },
    { J, 400, NULL, "AWS.X;Sender", NULL, "", "AWS.X", "", "" },
    { J, 400, NULL, ";Sender", NULL, "{\"__type\":\"Kept\"}", "Kept", "", "" },
    { J, 400, NULL, "A;B;C", NULL, "{\"__type\":\"Kept\"}", "Kept", "", "" },
    { J, 400, NULL, "NoSemicolon", NULL, "{\"__type\":\"Kept\"}", "Kept", "", "" },
    /* restJson: the header wins, then code / Code, then __type */
    { R, 400, "ThrottlingException:http://internal/", NULL, NULL, "{\"__type\":\"Other\",\"code\":\"C\"}",
      "ThrottlingException", "", "" },
    { R, 400, "aws.protocoltests.json#FooError", NULL, NULL, "{}", "FooError", "", "" },
    { R, 400, NULL, NULL, NULL, "{\"__type\":\"Other\",\"code\":\"ns#C:x\"}", "C", "", "" },
    { R, 400, NULL, NULL, NULL, "{\"__type\":\"Other\",\"Code\":\"D\"}", "D", "", "" },
    { R, 400, NULL, NULL, NULL, "{\"__type\":\"Other\"}", "Other", "", "" },
    { R, 400, NULL, NULL, NULL, "", "400", "", "" },
    /* control characters in a message never break the log line: escaped, as acg_text.h */
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"X\",\"message\":\"line1\\nline2\"}", "X", "line1\\x0aline2", "" },
    { J, 400, NULL, NULL, NULL, "{\"__type\":\"X\\u001b\",\"message\":\"\\u009b2J\"}", "X\\x1b", "\\x9b2J", "" },
};

static int test_table(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        struct acg_error err;
        struct acg_error_headers h = { r->header, r->query_error, r->request_id };
        acg_error_init(&err);
        int rc = acg_error_decode(r->protocol, r->status, &h, r->body, strlen(r->body), &err);
        if (rc != ACG_ERR_SERVICE || err.status != ACG_ERR_SERVICE || err.http_status != r->status ||
            strcmp(err.aws_type, r->code) != 0 || strcmp(err.request_id, r->rid) != 0 ||
            strcmp(err.message, r->message) != 0) {
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
    CHECK(acg_error_decode(ACG_ERROR_AWS_JSON, 400, NULL, body, strlen(body), &err) == ACG_ERR_SERVICE);
    CHECK(strlen(err.aws_type) == sizeof err.aws_type - 1);
    CHECK(strlen(err.message) == sizeof err.message - 1);
    /* a long text page is the message, cut to fit */
    memset(body, 'h', n);
    body[n] = '\0';
    acg_error_free(&err);
    acg_error_init(&err);
    CHECK(acg_error_decode(ACG_ERROR_AWS_JSON, 500, NULL, body, n, &err) == ACG_ERR_SERVICE);
    CHECK(strlen(err.message) == sizeof err.message - 1);
    free(body);
    return 0;
}

static int test_first_error_wins_and_null(void)
{
    struct acg_error err;
    struct acg_error_headers h = { "X", NULL, NULL };
    acg_error_init(&err);
    acg_error_set(&err, ACG_ERR_TRANSPORT, "earlier");
    CHECK(acg_error_decode(ACG_ERROR_AWS_JSON, 500, &h, "{}", 2, &err) == ACG_ERR_SERVICE);
    CHECK(err.status == ACG_ERR_TRANSPORT);
    CHECK_STR(err.message, "earlier");
    CHECK(acg_error_decode(ACG_ERROR_AWS_JSON, 500, &h, "{}", 2, NULL) == ACG_ERR_SERVICE);
    /* body NULL with length 0, no headers */
    acg_error_init(&err);
    CHECK(acg_error_decode(ACG_ERROR_AWS_JSON, 504, NULL, NULL, 0, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "504");
    CHECK_STR(err.message, "Gateway Timeout");
    return 0;
}

/* Arbitrary bytes, as the fuzz target gives: never a crash, always a code and a status. */
static int test_random_bytes(void)
{
    unsigned state = 12345;
    char buf[256];
    static const char alphabet[] = "{}[]\":,#;\\ux0aA_ \n\x01\xff";
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
        buf[len] = '\0';   /* the header arguments are C strings */
        struct acg_error err;
        struct acg_error_headers h = { iter % 3 == 0 ? buf : NULL, iter % 5 == 0 ? buf : NULL, NULL };
        acg_error_init(&err);
        CHECK(acg_error_decode(iter % 7 == 0 ? ACG_ERROR_REST_JSON : ACG_ERROR_AWS_JSON,
                               400 + (long)(iter % 200), &h, buf, len, &err) == ACG_ERR_SERVICE);
        CHECK(err.aws_type[0] != '\0' || iter % 3 == 0 || iter % 5 == 0);
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
