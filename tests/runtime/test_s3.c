/* S3's pieces of the runtime without a server: the flexible checksums against known
 * digests, the addressing style botocore computes per call, the bucket out of the request
 * URI, errors in 200 answers, and the input preparation every call shares (acg_call_prepare,
 * which acg_call_ex and the asynchronous calls both go through): Route 53's ids trimmed,
 * S3's EncodingType=url last in the query, a CRC32 computed over a borrowed payload. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "auth/acg_checksum.h"
#include "client/acg_call_steps.h"
#include "client/acg_client.h"
#include "protocol/acg_s3.h"
#include "harness.h"

/* ---- checksums ---- */

static int test_checksum_vectors(void)
{
    char out[ACG_CHECKSUM_TEXT_MAX];
    /* CRC32 "hello world\n" as S3 and botocore give it */
    CHECK(acg_checksum_of(ACG_CHECKSUM_CRC32, "hello world\n", 12, out) == ACG_OK);
    CHECK_STR(out, "rwg7LQ==");
    /* CRC32C's check value for "123456789" is 0xE3069283 */
    CHECK(acg_crc32c(0, "123456789", 9) == 0xE3069283u);
    CHECK(acg_checksum_of(ACG_CHECKSUM_CRC32C, "123456789", 9, out) == ACG_OK);
    CHECK_STR(out, "4waSgw==");
    CHECK(acg_checksum_of(ACG_CHECKSUM_SHA1, "abc", 3, out) == ACG_OK);
    CHECK_STR(out, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
    CHECK(acg_checksum_of(ACG_CHECKSUM_SHA256, "abc", 3, out) == ACG_OK);
    CHECK_STR(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    CHECK(acg_checksum_of(ACG_CHECKSUM_CRC32, "", 0, out) == ACG_OK);
    CHECK_STR(out, "AAAAAA==");
    CHECK(acg_md5_base64("", 0, out) == ACG_OK);
    CHECK_STR(out, "1B2M2Y8AsgTpgAmY7PhCfg==");
    return 0;
}

static int test_checksum_pieces(void)
{
    /* fed in pieces of every size, the slicing-by-8 path and the byte path agree */
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31 + 7);
    char whole[ACG_CHECKSUM_TEXT_MAX], pieces[ACG_CHECKSUM_TEXT_MAX];
    for (int a = ACG_CHECKSUM_CRC32C; a <= ACG_CHECKSUM_SHA256; a++) {
        struct acg_checksum_state s;
        CHECK(acg_checksum_of((enum acg_checksum_algorithm)a, data, sizeof data, whole) == ACG_OK);
        CHECK(acg_checksum_init(&s, (enum acg_checksum_algorithm)a) == ACG_OK);
        for (size_t off = 0, n = 1; off < sizeof data; off += n, n = n % 13 + 1)
            acg_checksum_update(&s, data + off, off + n <= sizeof data ? n : sizeof data - off);
        CHECK(acg_checksum_final(&s, pieces) == ACG_OK);
        CHECK_STR(pieces, whole);
    }
    CHECK(acg_checksum_algorithm_from_name("crc32C") == ACG_CHECKSUM_CRC32C);
    CHECK(acg_checksum_algorithm_from_name("CRC64NVME") == ACG_CHECKSUM_NONE);
    CHECK_STR(acg_checksum_algorithm_name(ACG_CHECKSUM_SHA256), "sha256");
    return 0;
}

/* ---- addressing and URIs ---- */

static const struct acg_service s3_like = {
    .service_id = "S3", .signing_name = "s3", .endpoint_prefix = "s3",
    .protocol = ACG_PROTOCOL_REST_XML, .codec = &acg_codec_rest_xml,
};

static int test_force_path_style(void)
{
    static const struct acg_operation list = { .name = "ListObjectsV2" };
    static const struct acg_operation location = { .name = "GetBucketLocation" };
    CHECK(!acg_s3_force_path_style(&list, "auto", false, "b"));
    CHECK(acg_s3_force_path_style(&list, "path", false, "b"));
    CHECK(acg_s3_force_path_style(&list, "auto", true, "b"));       /* custom endpoint */
    CHECK(!acg_s3_force_path_style(&list, "virtual", true, "b"));
    CHECK(acg_s3_force_path_style(&location, "virtual", false, "b"));
    CHECK(!acg_s3_force_path_style(&list, "path", true,
                                   "arn:aws:s3:us-west-2:123456789012:accesspoint/ap"));
    return 0;
}

static int test_request_uri(void)
{
    static const struct acg_service route53 = { .service_id = "Route 53" };
    struct acg_operation op = { .name = "GetObject",
                                .request_uri = "/{Bucket}/{Key+}?x-id=GetObject" };
    CHECK_STR(acg_s3_request_uri(&s3_like, &op), "/{Key+}?x-id=GetObject");
    op.request_uri = "/{Bucket}";
    CHECK_STR(acg_s3_request_uri(&s3_like, &op), "");
    op.request_uri = "/";
    CHECK_STR(acg_s3_request_uri(&s3_like, &op), "/");
    op.request_uri = "/{Bucket}/{Key+}";
    CHECK_STR(acg_s3_request_uri(&route53, &op), "/{Bucket}/{Key+}");
    return 0;
}

static int test_error_in_200(void)
{
    static const struct acg_shape out = { .name = "CompleteMultipartUploadOutput",
                                          .type = ACG_SHAPE_STRUCTURE };
    static const struct acg_shape blob = { .name = "Body", .type = ACG_SHAPE_BLOB };
    static const struct acg_member payload[] = {
        { .name = "Body", .shape = &blob, .flags = ACG_MEMBER_PAYLOAD | ACG_MEMBER_STREAMING },
    };
    static const struct acg_shape get_out = { .name = "GetObjectOutput",
                                              .type = ACG_SHAPE_STRUCTURE, .members = payload,
                                              .member_count = 1 };
    static const struct acg_operation complete = { .name = "CompleteMultipartUpload",
                                                   .output = &out };
    static const struct acg_operation get = { .name = "GetObject", .output = &get_out };
    static const char error[] = "<?xml version=\"1.0\"?>\n"
                                "<Error><Code>InternalError</Code></Error>";
    static const char fine[] = "<CompleteMultipartUploadResult><ETag>e</ETag>"
                               "</CompleteMultipartUploadResult>";
    CHECK(acg_s3_error_in_200(&complete, 200, error, strlen(error)));
    CHECK(acg_s3_error_in_200(&complete, 200, "<Compl", 6));   /* cut short: retried */
    CHECK(!acg_s3_error_in_200(&complete, 200, fine, strlen(fine)));
    CHECK(!acg_s3_error_in_200(&complete, 200, "", 0));
    CHECK(!acg_s3_error_in_200(&complete, 500, error, strlen(error)));
    CHECK(!acg_s3_error_in_200(&get, 200, error, strlen(error)));   /* a download's bytes */
    return 0;
}

/* ---- the input preparation every call shares ---- */

static int resolve(const struct acg_endpoint_params *p, struct acg_endpoint *out,
                   struct acg_error *err)
{
    (void)err;
    snprintf(out->url, sizeof out->url, "%s", p->builtins.endpoint);
    return ACG_OK;
}

static struct acg_client *client_for(const struct acg_service *svc)
{
    struct acg_client_config cfg;
    acg_client_config_init(&cfg);
    cfg.region = "us-east-1";
    cfg.endpoint_url = "http://127.0.0.1:9";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    return acg_client_new(svc, &cfg, NULL);
}

static const char *header(const struct acg_request *r, const char *name)
{
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    }
    return NULL;
}

static void release(struct acg_client *c, const struct acg_operation *op, struct acg_call_prep *p)
{
    struct acg_response resp;
    acg_response_init(&resp);
    (void)acg_call_complete(c, op, p, ACG_ERR_TRANSPORT, &resp, NULL, NULL);
}

struct r53_in {
    struct acg_arena *arena_;
    const char *id;
};
static const struct acg_shape resource_id = { .name = "ResourceId", .type = ACG_SHAPE_STRING };
static const struct acg_member r53_members[] = {
    { .name = "Id", .shape = &resource_id, .offset = offsetof(struct r53_in, id),
      .location = ACG_LOC_URI },
};
static const struct acg_shape r53_input = {
    .name = "GetHostedZoneRequest", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct r53_in), .members = r53_members, .member_count = 1,
};
static const struct acg_operation r53_get = {
    .name = "GetHostedZone", .input = &r53_input, .http_method = "GET",
    .request_uri = "/2013-04-01/hostedzone/{Id}",
};
static const struct acg_service route53 = {
    .service_id = "Route 53", .signing_name = "route53", .endpoint_prefix = "route53",
    .protocol = ACG_PROTOCOL_REST_XML, .codec = &acg_codec_rest_xml, .resolve_endpoint = resolve,
};

static int test_prepare_route53_ids(void)
{
    struct acg_client *c = client_for(&route53);
    struct acg_call_prep p;
    struct r53_in in = { NULL, "/hostedzone/Z1D633PJN98FT9" };
    CHECK(c != NULL);
    CHECK(acg_call_prepare(c, &r53_get, &in, NULL, NULL, &p, NULL) == ACG_OK);
    CHECK_STR(p.req.path.data, "/2013-04-01/hostedzone/Z1D633PJN98FT9");
    CHECK_STR(in.id, "/hostedzone/Z1D633PJN98FT9");   /* the caller's input is untouched */
    release(c, &r53_get, &p);
    acg_client_destroy(c);
    return 0;
}

struct list_in {
    struct acg_arena *arena_;
    const char *bucket;
    const char *encoding;
    const char *prefix;
};
static const struct acg_member list_members[] = {
    { .name = "Bucket", .shape = &acg_shape_string, .offset = offsetof(struct list_in, bucket),
      .location = ACG_LOC_URI,
      .traits = &(const struct acg_member_traits){ .context_param = "Bucket" } },
    { .name = "EncodingType", .shape = &acg_shape_string, .wire_name = "encoding-type",
      .offset = offsetof(struct list_in, encoding), .location = ACG_LOC_QUERY },
    { .name = "Prefix", .shape = &acg_shape_string, .wire_name = "prefix",
      .offset = offsetof(struct list_in, prefix), .location = ACG_LOC_QUERY },
};
static const struct acg_shape list_input = {
    .name = "ListObjectsV2Request", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct list_in), .members = list_members, .member_count = 3,
};
static const struct acg_operation list_op = {
    .name = "ListObjectsV2", .input = &list_input, .http_method = "GET",
    .request_uri = "/{Bucket}?list-type=2",
};

struct put_in {
    struct acg_arena *arena_;
    const char *bucket;
    const char *key;
    const char *algorithm;
    struct acg_blob body;
};
static const struct acg_shape body_shape = { .name = "StreamingBlob", .type = ACG_SHAPE_BLOB,
                                             .flags = ACG_SHAPE_STREAMING };
static const struct acg_member put_members[] = {
    { .name = "Bucket", .shape = &acg_shape_string, .offset = offsetof(struct put_in, bucket),
      .location = ACG_LOC_URI,
      .traits = &(const struct acg_member_traits){ .context_param = "Bucket" } },
    { .name = "Key", .shape = &acg_shape_string, .offset = offsetof(struct put_in, key),
      .location = ACG_LOC_URI },
    { .name = "ChecksumAlgorithm", .shape = &acg_shape_string,
      .wire_name = "x-amz-sdk-checksum-algorithm",
      .offset = offsetof(struct put_in, algorithm), .location = ACG_LOC_HEADER },
    { .name = "Body", .shape = &body_shape, .offset = offsetof(struct put_in, body),
      .flags = ACG_MEMBER_PAYLOAD | ACG_MEMBER_STREAMING },
};
static const struct acg_shape put_input = {
    .name = "PutObjectRequest", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct put_in), .members = put_members, .member_count = 4,
};
static const struct acg_checksum put_checksum = { .request_algorithm_member = "ChecksumAlgorithm" };
static const struct acg_operation put_op = {
    .name = "PutObject", .input = &put_input, .http_method = "PUT",
    .request_uri = "/{Bucket}/{Key+}", .checksum = &put_checksum,
};
static const struct acg_service s3 = {
    .service_id = "S3", .signing_name = "s3", .endpoint_prefix = "s3",
    .protocol = ACG_PROTOCOL_REST_XML, .codec = &acg_codec_rest_xml, .resolve_endpoint = resolve,
};

static int test_prepare_s3_list(void)
{
    struct acg_client *c = client_for(&s3);
    struct acg_call_prep p;
    struct list_in in = { NULL, "b", NULL, "a b/" };
    CHECK(c != NULL);
    CHECK(acg_call_prepare(c, &list_op, &in, NULL, NULL, &p, NULL) == ACG_OK);
    CHECK_STR(p.req.path.data, "/");
    CHECK_STR(p.req.query.data, "list-type=2&prefix=a%20b%2F&encoding-type=url");
    CHECK(p.s3.decode_keys);
    release(c, &list_op, &p);
    in.encoding = "url";   /* asked for by the caller: not decoded on its behalf */
    CHECK(acg_call_prepare(c, &list_op, &in, NULL, NULL, &p, NULL) == ACG_OK);
    CHECK_STR(p.req.query.data, "list-type=2&encoding-type=url&prefix=a%20b%2F");
    CHECK(!p.s3.decode_keys);
    release(c, &list_op, &p);
    acg_client_destroy(c);
    return 0;
}

static int test_prepare_s3_checksum(void)
{
    struct acg_client *c = client_for(&s3);
    struct acg_call_prep p;
    struct put_in in = { NULL, "b", "dir/a b", NULL, { NULL, 0 } };
    struct acg_call_options options = { NULL, "hello world\n", 12 };
    CHECK(c != NULL);
    CHECK(acg_call_prepare(c, &put_op, &in, NULL, &options, &p, NULL) == ACG_OK);
    CHECK_STR(p.req.path.data, "/dir/a%20b");
    CHECK_STR(header(&p.req, "x-amz-sdk-checksum-algorithm"), "CRC32");
    CHECK_STR(header(&p.req, "x-amz-checksum-crc32"), "rwg7LQ==");
    CHECK(p.req.computed_checksum > 0);
    CHECK(p.req.body_ref == options.payload && p.req.body_ref_len == 12);
    release(c, &put_op, &p);
    in.algorithm = "SHA256";
    CHECK(acg_call_prepare(c, &put_op, &in, NULL, &options, &p, NULL) == ACG_OK);
    CHECK_STR(header(&p.req, "x-amz-sdk-checksum-algorithm"), "SHA256");
    CHECK_STR(header(&p.req, "x-amz-checksum-sha256"),
              "qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=");
    release(c, &put_op, &p);
    in.algorithm = "MD4";
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_call_prepare(c, &put_op, &in, NULL, &options, &p, &err) == ACG_ERR_VALIDATION);
    CHECK_STR(err.message, "Unsupported checksum algorithm: MD4");
    acg_error_free(&err);
    acg_client_destroy(c);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_checksum_vectors),
        TEST(test_checksum_pieces),
        TEST(test_force_path_style),
        TEST(test_request_uri),
        TEST(test_error_in_200),
        TEST(test_prepare_route53_ids),
        TEST(test_prepare_s3_list),
        TEST(test_prepare_s3_checksum),
    };
    setenv("AWS_CONFIG_FILE", "/nonexistent/acg-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acg-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    return RUN_TESTS("runtime/s3", tests);
}
