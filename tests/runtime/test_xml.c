/* The XML module on hand-written descriptors: every shape kind and XML trait the decoder
 * reads, the limits on hostile bodies, the writer, and Python's float text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "xml/acg_xml.h"

struct item {
    const char *name;
    bool has_n;
    int32_t n;
};

struct entry {
    const char *key;
    int32_t value;
};

struct inner {
    const char *type;
    const char *id;
    const char *text;
};

struct strings {
    size_t count;
    const char **items;
};

struct value {
    struct acg_arena *arena_;
    const char *str;
    bool has_flag;
    bool flag;
    bool has_i;
    int32_t i;
    bool has_l;
    int64_t l;
    bool has_f;
    float f;
    bool has_d;
    double d;
    bool has_ts;
    struct acg_timestamp ts;
    struct acg_blob blob;
    size_t wrapped_count;
    struct item *wrapped;
    size_t flat_count;
    const char **flat;
    size_t map_count;
    struct entry *map;
    size_t fmap_count;
    struct entry *fmap;
    struct inner *inner;
    size_t nested_count;
    struct strings *nested;
    const char *header;
};

#define M(T, n, sh, f) { .name = n, .shape = &sh, .offset = offsetof(T, f)
#define H(T, f) .has_offset = offsetof(T, f)

static const struct acg_member item_members[] = {
    M(struct item, "Name", acg_shape_string, name), .wire_name = "name" },
    M(struct item, "N", acg_shape_integer, n), H(struct item, has_n) },
};
static const struct acg_shape item_shape = {
    .name = "Item", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct item),
    .members = item_members, .member_count = 2,
};
static const struct acg_shape items_shape = {
    .name = "Items", .type = ACG_SHAPE_LIST, .item = &item_shape,
    .traits = &(const struct acg_shape_traits){ .item_name = "item" },
    .item_size = sizeof(struct item),
};
static const struct acg_shape flat_shape = {
    .name = "Flat", .type = ACG_SHAPE_LIST, .flags = ACG_SHAPE_FLATTENED,
    .item = &acg_shape_string, .item_size = sizeof(const char *),
    .traits = &(const struct acg_shape_traits){ .item_name = "Flat" },
};
static const struct acg_shape strings_shape = {
    .name = "Strings", .type = ACG_SHAPE_LIST, .size = sizeof(struct strings),
    .item = &acg_shape_string, .item_size = sizeof(const char *),
};
static const struct acg_shape nested_shape = {
    .name = "Nested", .type = ACG_SHAPE_LIST, .item = &strings_shape,
    .item_size = sizeof(struct strings),
};
static const struct acg_member map_members[] = {
    M(struct entry, "key", acg_shape_string, key) },
    M(struct entry, "value", acg_shape_integer, value) },
};
static const struct acg_shape map_shape = {
    .name = "Map", .type = ACG_SHAPE_MAP, .item_size = sizeof(struct entry),
    .members = map_members, .member_count = 2,
};
static const struct acg_member fmap_members[] = {
    M(struct entry, "key", acg_shape_string, key), .wire_name = "Name" },
    M(struct entry, "value", acg_shape_integer, value), .wire_name = "Value" },
};
static const struct acg_shape fmap_shape = {
    .name = "FMap", .type = ACG_SHAPE_MAP, .item_size = sizeof(struct entry),
    .members = fmap_members, .member_count = 2,
};
static const struct acg_member inner_members[] = {
    M(struct inner, "Type", acg_shape_string, type), .wire_name = "xsi:type",
      .flags = ACG_MEMBER_XML_ATTRIBUTE,
      .traits = &(const struct acg_member_traits){
          .xml_namespace = "http://www.w3.org/2001/XMLSchema-instance", .xml_prefix = "xsi" } },
    M(struct inner, "Id", acg_shape_string, id), .wire_name = "id", .flags = ACG_MEMBER_XML_ATTRIBUTE },
    M(struct inner, "Text", acg_shape_string, text) },
};
static const struct acg_shape inner_shape = {
    .name = "Inner", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct inner),
    .members = inner_members, .member_count = 3,
};
static const struct acg_member value_members[] = {
    M(struct value, "Str", acg_shape_string, str) },
    M(struct value, "Flag", acg_shape_boolean, flag), H(struct value, has_flag) },
    M(struct value, "I", acg_shape_integer, i), H(struct value, has_i) },
    M(struct value, "L", acg_shape_long, l), H(struct value, has_l) },
    M(struct value, "F", acg_shape_float, f), H(struct value, has_f) },
    M(struct value, "D", acg_shape_double, d), H(struct value, has_d) },
    M(struct value, "Ts", acg_shape_timestamp, ts), H(struct value, has_ts) },
    M(struct value, "Blob", acg_shape_blob, blob) },
    M(struct value, "Wrapped", items_shape, wrapped_count), .wire_name = "wrappedSet" },
    M(struct value, "Flat", flat_shape, flat_count) },
    M(struct value, "Map", map_shape, map_count) },
    M(struct value, "FMap", fmap_shape, fmap_count), .wire_name = "Attr", .flags = ACG_MEMBER_FLATTENED },
    M(struct value, "Inner", inner_shape, inner) },
    M(struct value, "Nested", nested_shape, nested_count) },
    M(struct value, "Header", acg_shape_string, header), .location = ACG_LOC_HEADER },
};
static const struct acg_shape value_shape = {
    .name = "Value", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct value), .members = value_members, .member_count = 15,
};

static struct acg_arena *arena;
static struct acg_error err;

static int decode(const char *body, const char *const *path, struct value *v)
{
    acg_arena_destroy(arena);
    arena = acg_arena_new();
    memset(v, 0, sizeof *v);
    acg_error_free(&err);
    acg_error_init(&err);
    return acg_xml_decode(body, strlen(body), &value_shape, path, v, arena, &err);
}

static const char *const query_path[] = { "*", "*Result", NULL };
static const char *const error_path[] = { "ErrorResponse", "Error", NULL };

static int test_scalars(void)
{
    struct value v;
    CHECK(decode("<?xml version=\"1.0\"?>\n<V xmlns=\"urn:x\"><Str>a &amp; b<![CDATA[<c>]]></Str>"
                 "<Flag>true</Flag><I> -42 </I><L>9223372036854775807</L><F>1.5</F>"
                 "<D>-Infinity</D><Ts>2023-11-14T22:13:20.123Z</Ts><Blob>aGVs\n bG8=</Blob>"
                 "<Header>no</Header></V>", NULL, &v) == ACG_OK);
    CHECK_STR(v.str, "a & b<c>");
    CHECK(v.has_flag && v.flag);
    CHECK(v.has_i && v.i == -42);
    CHECK(v.has_l && v.l == INT64_MAX);
    CHECK(v.has_f && v.f == 1.5f);
    CHECK(v.has_d && isinf(v.d) && v.d < 0);
    CHECK(v.has_ts && v.ts.seconds == 1700000000 && v.ts.nanos == 123000000);
    CHECK_STR(v.ts.wire, "2023-11-14T22:13:20.123Z");
    CHECK(v.blob.len == 5 && memcmp(v.blob.data, "hello", 5) == 0);
    CHECK(v.header == NULL);   /* a member bound to a header is not read from the body */
    /* botocore: only the exact text "true" is true; an empty element is an empty string. */
    CHECK(decode("<V><Flag>True</Flag><Str/><I>1_000</I><D>nan</D></V>", NULL, &v) == ACG_OK);
    CHECK(v.has_flag && !v.flag);
    CHECK_STR(v.str, "");
    CHECK(v.i == 1000 && isnan(v.d));
    return 0;
}

static int test_lists_and_maps(void)
{
    struct value v;
    CHECK(decode("<R><wrappedSet><item><name>a</name><N>1</N></item><item><name>b</name></item>"
                 "</wrappedSet><Flat>x</Flat><Str>s</Str><Flat>y</Flat>"
                 "<Map><entry><key>k1</key><value>1</value></entry>"
                 "<entry><value>2</value><key>k2</key></entry></Map>"
                 "<Attr><Name>n1</Name><Value>10</Value></Attr><Flat>z</Flat>"
                 "<Attr><Name>n2</Name><Value>20</Value></Attr>"
                 "<Nested><member><member>p</member></member><member/></Nested></R>",
                 NULL, &v) == ACG_OK);
    CHECK(v.wrapped_count == 2);
    CHECK_STR(v.wrapped[0].name, "a");
    CHECK(v.wrapped[0].has_n && v.wrapped[0].n == 1);
    CHECK_STR(v.wrapped[1].name, "b");
    CHECK(!v.wrapped[1].has_n);
    CHECK(v.flat_count == 3);
    CHECK_STR(v.flat[0], "x");
    CHECK_STR(v.flat[2], "z");
    CHECK(v.map_count == 2);
    CHECK_STR(v.map[1].key, "k2");
    CHECK(v.map[1].value == 2);
    CHECK(v.fmap_count == 2);
    CHECK_STR(v.fmap[1].key, "n2");
    CHECK(v.fmap[1].value == 20);
    CHECK(v.nested_count == 2 && v.nested[0].count == 1 && v.nested[1].count == 0);
    CHECK(v.nested[1].items != NULL);   /* present and empty */
    CHECK_STR(v.nested[0].items[0], "p");
    /* An empty wrapper is a present, empty list; a missing one is absent. */
    CHECK(decode("<R><wrappedSet/></R>", NULL, &v) == ACG_OK);
    CHECK(v.wrapped != NULL && v.wrapped_count == 0 && v.flat == NULL);
    return 0;
}

static int test_growth(void)
{
    struct acg_buf body;
    struct value v;
    acg_buf_init(&body, 0);
    CHECK(acg_buf_append_str(&body, "<R><wrappedSet>") == ACG_OK);
    for (int i = 0; i < 1000; i++)
        CHECK(acg_buf_printf(&body, "<item><N>%d</N></item><x/>", i) == ACG_OK);
    CHECK(acg_buf_append_str(&body, "</wrappedSet>") == ACG_OK);
    for (int i = 0; i < 77; i++)
        CHECK(acg_buf_printf(&body, "<Flat>%d</Flat><Str>s</Str>", i) == ACG_OK);
    CHECK(acg_buf_append_str(&body, "</R>") == ACG_OK);
    int rc = decode(body.data, NULL, &v);
    acg_buf_free(&body);
    CHECK(rc == ACG_OK);
    CHECK(v.wrapped_count == 2000);   /* every child of a wrapper is an item, as in botocore */
    CHECK(v.wrapped[998].n == 499 && v.wrapped[999].has_n == false);
    CHECK(v.flat_count == 77);
    CHECK_STR(v.flat[76], "76");
    return 0;
}

static int test_attributes_and_namespaces(void)
{
    struct value v;
    CHECK(decode("<a:R xmlns:a=\"urn:a\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                 "<a:Inner xsi:type=\"CanonicalUser\" id=\"7\" a:id=\"ns\"><Text>t</Text>"
                 "</a:Inner><Inner><Text>second</Text></Inner><Str>1</Str><Str>2</Str></a:R>",
                 NULL, &v) == ACG_OK);
    CHECK(v.inner != NULL);
    CHECK_STR(v.inner->type, "CanonicalUser");
    CHECK_STR(v.inner->id, "7");
    CHECK_STR(v.inner->text, "t");   /* the first occurrence counts */
    CHECK_STR(v.str, "1");
    return 0;
}

static int test_paths(void)
{
    struct value v;
    CHECK(decode("<GetResponse><Str>no</Str><GetResult><Str>yes</Str></GetResult>"
                 "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetResponse>",
                 query_path, &v) == ACG_OK);
    CHECK_STR(v.str, "yes");
    CHECK(decode("<ErrorResponse><Error><Str>e</Str></Error><RequestId>r</RequestId>"
                 "</ErrorResponse>", error_path, &v) == ACG_OK);
    CHECK_STR(v.str, "e");
    CHECK(decode("<Error><Str>bare</Str></Error>", error_path, &v) == ACG_OK);
    CHECK_STR(v.str, "bare");
    CHECK(decode("<GetResponse><Other/></GetResponse>", query_path, &v) == ACG_OK);
    CHECK(v.str == NULL);
    CHECK(decode("  \n", query_path, &v) == ACG_OK);
    return 0;
}

static int test_bad_bodies(void)
{
    struct value v;
    static const char *const bad[] = {
        "<R><I>12x</I></R>", "<R><I>2147483648</I></R>", "<R><F>1e39</F></R>",
        "<R><D>0x10</D></R>", "<R><Ts>yesterday</Ts></R>", "<R><Blob>abc</Blob></R>",
        "<R><Map><entry><value>1</value></entry></Map></R>", "<R>", "<R></S>", "not xml",
        "<R><x:y/></R>", "<R>&unknown;</R>", "<R/><R/>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (decode(bad[i], NULL, &v) != ACG_ERR_JSON || err.message[0] == '\0') {
            fprintf(stderr, "accepted: %s\n", bad[i]);
            return __LINE__;
        }
    }
    CHECK(decode("<R><wrappedSet><item/><item><N>x</N></item></wrappedSet></R>", NULL, &v) ==
          ACG_ERR_JSON);
    CHECK_STR(err.where, "Wrapped[1].N");
    return 0;
}

static int test_hostile(void)
{
    struct value v;
    /* Billion laughs and external entities: any DOCTYPE is refused before expansion. */
    CHECK(decode("<?xml version=\"1.0\"?><!DOCTYPE R [<!ENTITY a \"aaaaaaaaaa\">"
                 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><R><Str>&b;</Str></R>",
                 NULL, &v) == ACG_ERR_JSON);
    CHECK(strstr(err.message, "document type") != NULL);
    CHECK(decode("<!DOCTYPE R [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><R><Str>&x;</Str></R>",
                 NULL, &v) == ACG_ERR_JSON);
    CHECK(v.str == NULL);
    /* Nesting. */
    struct acg_buf body;
    acg_buf_init(&body, 0);
    for (int i = 0; i < ACG_XML_MAX_DEPTH + 1; i++)
        CHECK(acg_buf_append_str(&body, "<a>") == ACG_OK);
    int rc = decode(body.data, NULL, &v);
    CHECK(rc == ACG_ERR_JSON && strstr(err.message, "deeper") != NULL);
    /* Amplification: small elements that each make a large item. */
    acg_buf_reset(&body);
    CHECK(acg_buf_append_str(&body, "<R><Nested>") == ACG_OK);
    for (int i = 0; i < 20000; i++)
        CHECK(acg_buf_append_str(&body, "<a/>") == ACG_OK);
    CHECK(acg_buf_append_str(&body, "</Nested></R>") == ACG_OK);
    rc = decode(body.data, NULL, &v);
    acg_buf_free(&body);
    CHECK(rc == ACG_OK);   /* many small items stay within the budget */
    CHECK(v.nested_count == 20000);
    return 0;
}

static int test_budget(void)
{
    /* A 4 KiB item per 4-byte element goes over 8x the body. */
    static const struct acg_shape big = {
        .name = "Big", .type = ACG_SHAPE_STRUCTURE, .size = 4096,
    };
    static const struct acg_shape bigs = {
        .name = "Bigs", .type = ACG_SHAPE_LIST, .item = &big, .item_size = 4096,
    };
    static const struct acg_member m[] = { { .name = "B", .shape = &bigs, .offset = 8 } };
    static const struct acg_shape top = {
        .name = "Top", .type = ACG_SHAPE_STRUCTURE, .size = 24, .members = m, .member_count = 1,
    };
    struct acg_buf body;
    unsigned char out[24] = { 0 };
    acg_buf_init(&body, 0);
    CHECK(acg_buf_append_str(&body, "<R><B>") == ACG_OK);
    for (int i = 0; i < 100000; i++)
        CHECK(acg_buf_append_str(&body, "<m/>") == ACG_OK);
    CHECK(acg_buf_append_str(&body, "</B></R>") == ACG_OK);
    acg_error_free(&err);
    acg_error_init(&err);
    struct acg_arena *a = acg_arena_new();
    int rc = acg_xml_decode(body.data, body.len, &top, NULL, out, a, &err);
    acg_arena_destroy(a);
    acg_buf_free(&body);
    CHECK(rc == ACG_ERR_TOO_LARGE);
    return 0;
}

static int test_write(void)
{
    const char *flat[] = { "x", "y<" };
    struct item items[] = { { "a&b", true, 3 }, { NULL, false, 0 } };
    struct entry fmap[] = { { "k", -1 } };
    struct inner inner = { "CanonicalUser", "q\"1", "t" };
    struct value v = { .str = "s", .has_flag = true, .flag = false, .has_d = true, .d = 100.0,
                       .has_f = true, .f = 0.1f, .has_ts = true, .ts = { 1700000000, 500000000, NULL },
                       .blob = { (const uint8_t *)"hi", 2 }, .wrapped_count = 2, .wrapped = items,
                       .flat_count = 2, .flat = flat, .fmap_count = 1, .fmap = fmap,
                       .inner = &inner, .header = "not in the body" };
    struct acg_buf out;
    struct acg_xml_writer w;
    acg_buf_init(&out, 0);
    acg_xml_writer_init(&w, &out, &err);
    CHECK(acg_xml_encode(&w, &value_shape, &v, "Root", "urn:r") == ACG_OK);
    CHECK_STR(out.data,
              "<Root xmlns=\"urn:r\"><Str>s</Str><Flag>false</Flag><F>0.1</F><D>100.0</D>"
              "<Ts>2023-11-14T22:13:20.500000Z</Ts><Blob>aGk=</Blob>"
              "<wrappedSet><item><name>a&amp;b</name><N>3</N></item><item /></wrappedSet>"
              "<Flat>x</Flat><Flat>y&lt;</Flat><Attr><Name>k</Name><Value>-1</Value></Attr>"
              "<Inner xsi:type=\"CanonicalUser\" id=\"q&quot;1\"><Text>t</Text></Inner></Root>");
    /* What the writer writes, the decoder reads back. */
    struct value back;
    CHECK(decode(out.data, NULL, &back) == ACG_ERR_JSON);   /* xsi is not declared */
    acg_buf_free(&out);
    return 0;
}

static int test_float_text(void)
{
    static const struct { double v; bool single; const char *text; } cases[] = {
        { 0.1, false, "0.1" }, { 100.0, false, "100.0" }, { 1e16, false, "1e+16" },
        { 1e15, false, "1000000000000000.0" }, { 0.0001, false, "0.0001" },
        { 0.00001, false, "1e-05" }, { -2.5, false, "-2.5" }, { 0.0, false, "0.0" },
        { 1.5e300, false, "1.5e+300" }, { 3.141592653589793, false, "3.141592653589793" },
        { 0.1f, true, "0.1" }, { 16777216.0f, true, "16777216.0" }, { 1e-300, false, "1e-300" },
        { 123456789012345678.0, false, "1.2345678901234568e+17" }, { 5e-324, false, "5e-324" },
        { 0.30000000000000004, false, "0.30000000000000004" },
    };
    char buf[ACG_XML_NUMBER_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        acg_xml_format_double(cases[i].v, cases[i].single, buf);
        CHECK_STR(buf, cases[i].text);
    }
    acg_xml_format_double(NAN, false, buf);
    CHECK_STR(buf, "NaN");
    acg_xml_format_double(-INFINITY, false, buf);
    CHECK_STR(buf, "-Infinity");
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_scalars), TEST(test_lists_and_maps), TEST(test_growth),
        TEST(test_attributes_and_namespaces), TEST(test_paths), TEST(test_bad_bodies),
        TEST(test_hostile), TEST(test_budget), TEST(test_write), TEST(test_float_text),
    };
    int rc = RUN_TESTS("runtime/xml", tests);
    acg_arena_destroy(arena);
    acg_error_free(&err);
    return rc;
}
