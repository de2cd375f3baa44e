/* The tiny all-shapes model's tables (tests/fixtures/golden/tiny) driving the runtime's
 * generic walkers: values survive acg_json_decode_body -> acg_json_encode -> decode exactly,
 * and acg_validate_shape reports every violation by path. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "json/acg_json.h"
#include "json_pieces.h"
#include "tiny.h"

static const struct acg_shape *put_thing_input(void)
{
    return acg_service_find_operation(&tiny_service, "PutThing")->input;
}

static const struct acg_shape *put_thing_output(void)
{
    return acg_service_find_operation(&tiny_service, "PutThing")->output;
}

/* Writes value, a struct of shape s, in style into b. */
static int encode(const struct acg_shape *s, const void *value, enum acg_json_style style,
                  struct acg_buf *b, struct acg_error *err)
{
    struct acg_json_writer w;
    acg_json_writer_init(&w, b, style);
    w.err = err;
    return acg_json_encode(&w, s, value, NULL);
}

/* Whether decoding json in pieces (acg_json_decode_pull) ends as the whole decode did:
 * status rc, error text err, value v. */
static bool pieces_agree(const char *json, int rc, const struct acg_error *err,
                         const struct tiny_put_thing_response *v)
{
    static const size_t sizes[] = { 1, 7 };
    const struct acg_shape *s = put_thing_output();
    for (size_t i = 0; i < 2; i++) {
        struct tiny_put_thing_response p;
        struct json_pieces src = { json, strlen(json), 0, sizes[i] };
        struct acg_error pe;
        struct acg_buf a, b;
        acg_error_init(&pe);
        acg_buf_init(&a, 0);
        acg_buf_init(&b, 0);
        memset(&p, 0, sizeof p);
        p.arena_ = acg_arena_new();
        int prc = acg_json_decode_pull(json_pieces_pull, &src, s, &p, p.arena_, &pe);
        bool same = prc == rc && strcmp(pe.message, err->message) == 0 &&
                    strcmp(pe.where, err->where) == 0;
        if (same && rc == ACG_OK)
            same = encode(s, v, ACG_JSON_WIRE, &a, &pe) == ACG_OK &&
                   encode(s, &p, ACG_JSON_WIRE, &b, &pe) == ACG_OK && a.len == b.len &&
                   memcmp(a.data, b.data, a.len) == 0;
        if (!same)
            fprintf(stderr, "in pieces of %zu: %d '%s' where the whole body gave %d '%s'\n",
                    sizes[i], prc, pe.message, rc, err->message);
        acg_arena_destroy(p.arena_);
        acg_buf_free(&a);
        acg_buf_free(&b);
        acg_error_free(&pe);
        if (!same)
            return false;
    }
    return true;
}

/* Decodes json as PutThingResponse into v (which then owns its arena, released with
 * tiny_put_thing_response_free). On failure v is left zeroed. Every body is also decoded in
 * pieces, which must end the same way (else ACG_ERR_INVALID_ARG). */
static int decode(const char *json, struct tiny_put_thing_response *v, struct acg_error *err)
{
    const struct acg_shape *s = put_thing_output();
    struct acg_arena *arena = acg_arena_new();
    memset(v, 0, sizeof *v);
    if (arena == NULL)
        return ACG_ERR_NOMEM;
    int rc = acg_json_decode_body(json, strlen(json), s, v, arena, err);
    if (!pieces_agree(json, rc, err, v))
        rc = ACG_ERR_INVALID_ARG;
    if (rc != ACG_OK) {
        acg_release(arena, v, sizeof *v);
        return rc;
    }
    v->arena_ = arena;
    return ACG_OK;
}

/* Decodes json as PutThingResponse, encodes it (wire style) into out. */
static int roundtrip(const char *json, char *out, size_t size)
{
    struct tiny_put_thing_response v;
    struct acg_buf b;
    struct acg_error err;
    acg_error_init(&err);
    acg_buf_init(&b, 0);
    int rc = decode(json, &v, &err);
    if (rc == ACG_OK)
        rc = encode(put_thing_output(), &v, ACG_JSON_WIRE, &b, &err);
    snprintf(out, size, "%s", rc == ACG_OK ? b.data : err.message);
    acg_buf_free(&b);
    tiny_put_thing_response_free(&v);
    return rc;
}

static int test_tables_reachable_from_the_service(void)
{
    const struct acg_operation *op = acg_service_find_operation(&tiny_service, "PutThing");
    CHECK(op != NULL && op->input != NULL && op->output != NULL);
    CHECK_STR(op->input->name, "PutThingRequest");
    CHECK_STR(op->output->name, "PutThingResponse");
    CHECK(op->input->size == sizeof(struct tiny_put_thing_request));
    CHECK(op->output->size == sizeof(struct tiny_put_thing_response));
    CHECK(op->error_count == 2);
    op = acg_service_find_operation(&tiny_service, "Ping");
    CHECK(op != NULL && op->input == NULL && op->output != NULL);
    op = acg_service_find_operation(&tiny_service, "Forget");
    CHECK(op != NULL && op->input != NULL && op->output == NULL);
    CHECK(acg_service_find_operation(&tiny_service, "Nope") == NULL);
    /* Errors by code (error.code when the model gives one). */
    const struct acg_shape *nf = acg_service_find_error(&tiny_service, "ThingNotFound");
    CHECK(nf != NULL && strcmp(nf->name, "NotFound") == 0 && nf->traits != NULL &&
          nf->traits->http_status == 404);
    CHECK(acg_service_find_error(&tiny_service, "NotFound") == NULL);
    const struct acg_shape *busy = acg_service_find_error(&tiny_service, "Busy");
    CHECK(busy != NULL && (busy->flags & ACG_SHAPE_THROTTLING));
    return 0;
}

static int test_map_and_list_order_kept(void)
{
    char out[512];
    CHECK(roundtrip("{\"thing\":{\"tags\":{\"z\":\"1\",\"a\":\"2\",\"m\":\"3\"},\"matrix\":[[3,1],[2]]}}", out,
                    sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"tags\":{\"z\":\"1\",\"a\":\"2\",\"m\":\"3\"},\"matrix\":[[3,1],[2]]}}");
    return 0;
}

static int test_integer_limits_exact(void)
{
    char out[512];
    CHECK(roundtrip("{\"count\":2147483647,\"thing\":{\"big\":9223372036854775807,\"count\":-2147483648}}",
                    out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"count\":-2147483648,\"big\":9223372036854775807},\"count\":2147483647}");
    CHECK(roundtrip("{\"thing\":{\"big\":-9223372036854775808}}", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"big\":-9223372036854775808}}");
    struct tiny_put_thing_response v;
    struct acg_error err;
    acg_error_init(&err);
    const char *bad = "{\"thing\":{\"children\":[{},{\"count\":2147483648}]}}";
    CHECK(decode(bad, &v, &err) == ACG_ERR_JSON);
    CHECK_STR(err.where, "thing.children[1].count");
    /* A failed decode leaves the value zeroed and _free safe. */
    CHECK(v.arena_ == NULL && v.thing == NULL);
    tiny_put_thing_response_free(&v);
    return 0;
}

/* Decoding keeps timestamps exactly (to the nanosecond, with the text they came as);
 * encoding writes them as botocore's JSONSerializer does at its default precision:
 * unixTimestamp as whole seconds, iso8601 with microseconds only when there are some,
 * rfc822 to the second. Checked with botocore 1.43: JSONParser().parse of the body below,
 * then JSONSerializer().serialize_to_request of its "thing" as PutThing's input, writes
 * {"created":1700000000,"isoTime":"2023-11-14T22:13:20.500000Z",
 *  "httpTime":"Tue, 14 Nov 2023 22:13:20 GMT","parent":{"created":-2}}. */
static int test_timestamps_exact_and_botocore_precision(void)
{
    const char *json = "{\"thing\":{\"created\":1700000000.123,\"isoTime\":\"2023-11-14T23:13:20.5+01:00\","
                       "\"httpTime\":\"Tue, 14 Nov 2023 22:13:20 GMT\",\"parent\":{\"created\":-1.5}}}";
    struct tiny_put_thing_response v;
    struct acg_error err;
    acg_error_init(&err);
    CHECK(decode(json, &v, &err) == ACG_OK);
    CHECK(v.thing->has_created && v.thing->created.seconds == 1700000000LL &&
          v.thing->created.nanos == 123000000);
    CHECK_STR(v.thing->created.wire, "1700000000.123");
    CHECK(v.thing->has_iso_time && v.thing->iso_time.seconds == 1700000000LL &&
          v.thing->iso_time.nanos == 500000000);
    CHECK_STR(v.thing->iso_time.wire, "2023-11-14T23:13:20.5+01:00");
    CHECK(v.thing->http_time.seconds == 1700000000LL && v.thing->http_time.nanos == 0);
    CHECK(v.thing->parent->created.seconds == -2 && v.thing->parent->created.nanos == 500000000);
    tiny_put_thing_response_free(&v);
    CHECK(v.thing == NULL && v.arena_ == NULL);
    char out[512];
    CHECK(roundtrip(json, out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"created\":1700000000,\"isoTime\":\"2023-11-14T22:13:20.500000Z\","
                   "\"httpTime\":\"Tue, 14 Nov 2023 22:13:20 GMT\",\"parent\":{\"created\":-2}}}");
    /* Nanoseconds decode exactly; the wire keeps what botocore keeps (microseconds). */
    json = "{\"thing\":{\"isoTime\":\"2023-11-14T22:13:20.123456789Z\",\"created\":1.000000001}}";
    CHECK(decode(json, &v, &err) == ACG_OK);
    CHECK(v.thing->iso_time.nanos == 123456789 && v.thing->created.nanos == 1);
    tiny_put_thing_response_free(&v);
    CHECK(roundtrip(json, out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"created\":1,\"isoTime\":\"2023-11-14T22:13:20.123456Z\"}}");
    return 0;
}

static int test_empty_versus_absent(void)
{
    struct tiny_put_thing_response v;
    struct acg_error err;
    const char *json = "{\"thing\":{\"name\":\"\",\"data\":\"\",\"tags\":{},\"children\":[]}}";
    acg_error_init(&err);
    CHECK(decode(json, &v, &err) == ACG_OK);
    CHECK(v.thing->name != NULL && v.thing->name[0] == '\0');
    CHECK(v.thing->data.data != NULL && v.thing->data.len == 0);
    CHECK(v.thing->tags != NULL && v.thing->tags_count == 0);
    CHECK(v.thing->children != NULL && v.thing->children_count == 0);
    CHECK(v.thing->secret == NULL && !v.thing->has_count && v.thing->parent == NULL);
    tiny_put_thing_response_free(&v);
    char out[256];
    CHECK(roundtrip(json, out, sizeof out) == ACG_OK);
    CHECK_STR(out, json);
    CHECK(roundtrip("{\"thing\":{\"name\":null,\"count\":null}}", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{}}");
    /* An empty body reads as {}. */
    CHECK(roundtrip("", out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{}");
    return 0;
}

static int test_text_blobs_and_floats(void)
{
    char out[512];
    CHECK(roundtrip("{\"thing\":{\"name\":\"\\ud83d\\ude00 \\u00e9\\\"\\n\",\"data\":\"AAEC/w==\","
                    "\"ratio\":0.1,\"score\":\"-Infinity\",\"parent\":{\"score\":\"NaN\",\"ratio\":1e-10}}}",
                    out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"name\":\"\xf0\x9f\x98\x80 \xc3\xa9\\\"\\n\",\"ratio\":0.1,"
                   "\"score\":\"-Infinity\",\"data\":\"AAEC/w==\",\"parent\":{\"ratio\":1e-10,\"score\":\"NaN\"}}}");
    return 0;
}

static int test_union_document_and_recursion(void)
{
    char out[512];
    const char *json = "{\"thing\":{\"children\":[{\"children\":[{\"name\":\"deep\"}]}],"
                       "\"choice\":{\"thing\":{\"choice\":{\"text\":\"x\"}}},\"extra\":{\"a\":[1,{\"b\":null}]},"
                       "\"groups\":{\"g\":[{\"name\":\"n\"}]}}}";
    CHECK(roundtrip(json, out, sizeof out) == ACG_OK);
    CHECK_STR(out, "{\"thing\":{\"groups\":{\"g\":[{\"name\":\"n\"}]},\"children\":[{\"children\":"
                   "[{\"name\":\"deep\"}]}],\"choice\":{\"thing\":{\"choice\":{\"text\":\"x\"}}},"
                   "\"extra\":{\"a\":[1,{\"b\":null}]}}}");
    return 0;
}

static int test_redacted_in_logs_only(void)
{
    struct tiny_put_thing_request req;
    struct tiny_thing thing;
    struct acg_buf b;
    tiny_put_thing_request_init(&req);
    memset(&thing, 0, sizeof thing);
    req.name = "n";
    req.thing = &thing;
    thing.secret = "hunter2";
    acg_buf_init(&b, 0);
    CHECK(encode(put_thing_input(), &req, ACG_JSON_REDACTED, &b, NULL) == ACG_OK);
    CHECK(strstr(b.data, "hunter2") == NULL && strstr(b.data, "sensitive") != NULL);
    acg_buf_reset(&b);
    CHECK(encode(put_thing_input(), &req, ACG_JSON_WIRE, &b, NULL) == ACG_OK);
    CHECK(strstr(b.data, "\"secret\":\"hunter2\"") != NULL);
    acg_buf_free(&b);
    return 0;
}

/* Validates req and returns the joined violations. */
static const char *violations(const struct tiny_put_thing_request *req)
{
    static char text[1024];
    struct acg_validator v;
    struct acg_error err;
    acg_validator_init(&v);
    acg_error_init(&err);
    acg_validate_shape(&v, put_thing_input(), req);
    int rc = acg_validator_result(&v, &err);
    snprintf(text, sizeof text, "%s", rc == ACG_OK ? "ok" : err.message);
    return text;
}

static int test_validation_table(void)
{
    struct tiny_put_thing_request req;
    struct tiny_thing thing, kids[11];
    struct tiny_choice choice;
    struct tiny_tags_entry tags[6] = { { "a", "1" }, { "b", "2" }, { "c", "3" }, { "d", "4" }, { "e", "5" },
                                       { "f", "6" } };
    tiny_put_thing_request_init(&req);
    CHECK(strstr(violations(&req), "name") != NULL);               /* required */
    req.name = "ok-name";
    CHECK_STR(violations(&req), "ok");
    req.name = "Bad Name";                                          /* pattern */
    CHECK(strstr(violations(&req), "name") && strstr(violations(&req), "pattern"));
    req.name = "abcdefghijklmnopq";                                 /* 17 > 16 */
    CHECK(strstr(violations(&req), "name") && strstr(violations(&req), "16"));
    req.name = "\xff";                                              /* invalid UTF-8 */
    CHECK(strstr(violations(&req), "UTF-8") != NULL);
    req.name = "ok";
    memset(&thing, 0, sizeof thing);
    req.thing = &thing;
    thing.has_count = true;
    thing.count = 101;                                              /* range 0..100 */
    CHECK(strstr(violations(&req), "thing.count") && strstr(violations(&req), "100"));
    thing.count = 5;
    thing.has_score = true;
    thing.score = 2.0;                                              /* range -1.5..1.5 */
    CHECK(strstr(violations(&req), "thing.score") != NULL);
    thing.score = 0;
    memset(kids, 0, sizeof kids);
    thing.children = kids;
    thing.children_count = 11;                                      /* max 10 items */
    CHECK(strstr(violations(&req), "thing.children") != NULL);
    thing.children_count = 2;
    kids[1].name = "";                                              /* min length 1 */
    CHECK(strstr(violations(&req), "thing.children[1].name") != NULL);
    kids[1].name = NULL;
    thing.tags = tags;
    thing.tags_count = 6;                                           /* max 5 entries */
    CHECK(strstr(violations(&req), "thing.tags") != NULL);
    thing.tags_count = 2;
    memset(&choice, 0, sizeof choice);
    thing.choice = &choice;
    choice.text = "x";
    choice.has_number = true;                                       /* two union members */
    CHECK(strstr(violations(&req), "thing.choice") != NULL);
    choice.has_number = false;
    CHECK_STR(violations(&req), "ok");
    /* several violations at once: all reported */
    req.name = NULL;
    thing.count = 500;
    const char *all = violations(&req);
    CHECK(strstr(all, "name") && strstr(all, "thing.count") && strstr(all, "; "));
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_tables_reachable_from_the_service), TEST(test_map_and_list_order_kept),
        TEST(test_integer_limits_exact), TEST(test_timestamps_exact_and_botocore_precision),
        TEST(test_empty_versus_absent), TEST(test_text_blobs_and_floats),
        TEST(test_union_document_and_recursion), TEST(test_redacted_in_logs_only),
        TEST(test_validation_table),
    };
    return RUN_TESTS("generated/tiny-values", tests);
}
