/* smithy-rpc-v2-cbor (runtime/protocol/acg_rpcv2cbor.c, acg_error_cbor.c): the request
 * botocore builds (path, headers, body rules) and its error decoding, over hand-written
 * tables. The codec itself is tested in tests/generated/test_tiny_cbor.c. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "protocol/acg_protocol.h"
#include "../../runtime/protocol/acg_protocol_private.h"

struct echo_input {
    struct acg_arena *arena_;
    const char *name;
    bool has_size;
    int32_t size;
};

static const struct acg_member echo_members[] = {
    { .name = "Name", .shape = &acg_shape_string, .offset = offsetof(struct echo_input, name) },
    { .name = "Size", .shape = &acg_shape_integer, .offset = offsetof(struct echo_input, size),
      .has_offset = offsetof(struct echo_input, has_size) },
};

static const struct acg_shape echo_input_shape = {
    .name = "EchoInput", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct echo_input), .members = echo_members, .member_count = 2,
};

static const struct acg_operation echo_op = {
    .name = "Echo", .input = &echo_input_shape, .http_method = "POST", .request_uri = "/",
};

static const struct acg_operation ping_op = {
    .name = "Ping", .http_method = "POST", .request_uri = "/",
};

static struct acg_service service(uint16_t flags)
{
    struct acg_service s = { .service_id = "Demo", .signing_name = "demo",
                             .target_prefix = "DemoService_20240101",
                             .protocol = ACG_PROTOCOL_RPC_V2_CBOR, .codec = &acg_codec_rpc_v2_cbor,
                             .flags = flags };
    return s;
}

static const char *header(const struct acg_request *r, const char *name)
{
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    }
    return NULL;
}

static int test_request_with_input(void)
{
    struct acg_service svc = service(0);
    struct echo_input in = { NULL, "a", true, 300 };
    struct acg_request req;
    acg_request_init(&req);
    CHECK(acg_protocol_build(&svc, &echo_op, &in, NULL, &req, NULL) == ACG_OK);
    CHECK_STR(req.method, "POST");
    CHECK_STR(req.path.data, "/service/DemoService_20240101/operation/Echo");
    CHECK(req.query.len == 0);
    CHECK_STR(header(&req, "smithy-protocol"), "rpc-v2-cbor");
    CHECK_STR(header(&req, "Accept"), "application/cbor");
    CHECK_STR(header(&req, "Content-Type"), "application/cbor");
    CHECK(header(&req, "X-Amz-Target") == NULL && header(&req, "x-amzn-query-mode") == NULL);
    /* {"Name": "a", "Size": 300} */
    CHECK(req.body.len == 16 &&
          memcmp(req.body.data, "\xa2\x64Name\x61" "a\x64Size\x19\x01\x2c", 16) == 0);
    acg_request_free(&req);
    return 0;
}

static int test_request_without_input_has_no_body(void)
{
    struct acg_service svc = service(ACG_SERVICE_QUERY_COMPATIBLE);
    struct acg_request req;
    acg_request_init(&req);
    CHECK(acg_protocol_build(&svc, &ping_op, NULL, NULL, &req, NULL) == ACG_OK);
    CHECK_STR(req.path.data, "/service/DemoService_20240101/operation/Ping");
    CHECK(req.body.len == 0 && header(&req, "Content-Type") == NULL);
    CHECK_STR(header(&req, "Accept"), "application/cbor");
    CHECK_STR(header(&req, "x-amzn-query-mode"), "true");
    acg_request_free(&req);

    /* an input with nothing set is an empty map, with its Content-Type */
    struct echo_input in = { 0 };
    acg_request_init(&req);
    CHECK(acg_protocol_build(&svc, &echo_op, &in, NULL, &req, NULL) == ACG_OK);
    CHECK(req.body.len == 1 && (unsigned char)req.body.data[0] == 0xa0);
    CHECK_STR(header(&req, "Content-Type"), "application/cbor");
    acg_request_free(&req);
    return 0;
}

static int test_response_parse(void)
{
    struct acg_service svc = service(0);
    struct echo_input out;
    struct acg_arena *arena = acg_arena_new();
    struct acg_http_message msg = { 200, "\xbf\x64Size\x20\x61x\xf5\xff", 11, NULL, 0 };
    memset(&out, 0, sizeof out);
    CHECK(acg_protocol_parse(&svc, &echo_input_shape, &msg, &out, arena, NULL) == ACG_OK);
    CHECK(out.has_size && out.size == -1 && out.name == NULL);
    acg_arena_destroy(arena);
    return 0;
}

/* Decodes an error answer; the code and message land in code and message. */
static int parse_error(long status, const char *body, size_t len, const char *type_header,
                       struct acg_error *err)
{
    struct acg_service svc = service(0);
    acg_error_init(err);
    struct acg_http_message msg = { status, body, len, NULL, 0 };
    (void)type_header;   /* rpc-v2-cbor reads the code from the body only */
    return acg_protocol_parse_error(&svc, &msg, "req-1", err);
}

static int test_error_codes_as_botocore_reads_them(void)
{
    struct acg_error err;
    /* {"__type": "com.amazonaws.demo#NotFound", "message": "gone\n"} */
    const char body1[] = "\xa2\x66__type\x78\x1b" "com.amazonaws.demo#NotFound\x67message\x65gone\n";
    CHECK(parse_error(404, body1, sizeof body1 - 1, "Other", &err) == ACG_ERR_SERVICE);
    CHECK(err.status == ACG_ERR_SERVICE && err.http_status == 404);
    CHECK_STR(err.aws_type, "NotFound");      /* X-Amzn-ErrorType is ignored */
    CHECK_STR(err.message, "gone ");
    CHECK_STR(err.request_id, "req-1");
    /* "Message", a ":suffix", and unknown members (a nested map) skipped */
    const char body2[] = "\xa3\x61x\xa1\x61y\x80\x66__type\x6d" "Busy:http://x\x67Message\x62hi";
    CHECK(parse_error(503, body2, sizeof body2 - 1, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "Busy");
    CHECK_STR(err.message, "hi");
    /* no __type: the status is the code */
    CHECK(parse_error(400, "\xa0", 1, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "400");
    CHECK_STR(err.message, "");
    return 0;
}

static int test_bodies_that_say_nothing(void)
{
    struct acg_error err;
    CHECK(parse_error(502, "", 0, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "502");
    CHECK_STR(err.message, "HTTP 502 with an empty body");
    const char html[] = "<html>\r\nBad gateway</html>";
    CHECK(parse_error(502, html, sizeof html - 1, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "502");
    CHECK_STR(err.message, "HTTP 502 with a body that is not CBOR: <html>  Bad gateway</html>");
    CHECK(parse_error(500, "\xa1\x61", 2, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "500");
    CHECK_STR(err.message, "HTTP 500 with a body that is not CBOR");
    /* a first error stays */
    acg_error_init(&err);
    acg_error_set(&err, ACG_ERR_TRANSPORT, "first");
    struct acg_service svc = service(0);
    struct acg_http_message empty = { 500, "", 0, NULL, 0 };
    CHECK(acg_protocol_parse_error(&svc, &empty, NULL, &err) == ACG_ERR_SERVICE);
    CHECK_STR(err.message, "first");
    return 0;
}

static int test_query_compatible_codes(void)
{
    struct acg_error err;
    const char body[] = "\xa1\x66__type\x71ResourceNotFound!";
    acg_error_init(&err);
    CHECK(acg_error_cbor_decode(404, "ResourceNotFound;Sender", NULL, body, sizeof body - 1, &err) ==
          ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "ResourceNotFound");
    acg_error_init(&err);
    CHECK(acg_error_cbor_decode(404, ";Sender", NULL, body, sizeof body - 1, &err) ==
          ACG_ERR_SERVICE);
    CHECK_STR(err.aws_type, "ResourceNotFound!");
    return 0;
}

static int test_other_protocols_are_not_decoded_here(void)
{
    struct acg_service svc = service(0);
    struct acg_error err;
    svc.protocol = ACG_PROTOCOL_JSON;
    svc.codec = &acg_codec_json;
    acg_error_init(&err);
    struct acg_http_message json = { 400, "{}", 2, NULL, 0 };
    CHECK(acg_protocol_parse_error(&svc, &json, NULL, &err) == ACG_ERR_UNSUPPORTED);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_request_with_input),
    TEST(test_request_without_input_has_no_body),
    TEST(test_response_parse),
    TEST(test_error_codes_as_botocore_reads_them),
    TEST(test_bodies_that_say_nothing),
    TEST(test_query_compatible_codes),
    TEST(test_other_protocols_are_not_decoded_here),
};

int main(void)
{
    return RUN_TESTS("runtime/rpcv2cbor", tests);
}
