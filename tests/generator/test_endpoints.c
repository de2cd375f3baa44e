/* generator/endpoints.c: the shape of the C it writes, and the diagnostics for rule sets it
 * cannot translate. Compiling and running the output is tests/generator/test_endpoints.py's
 * job (and test_endpoints_scale.py's for every json-protocol rule set). */
#include <string.h>

#include "endpoints.h"
#include "harness.h"

/* The output with each run of spaces and newlines made one space, so checks do not depend
 * on where long lines were broken. Replaces b's contents. */
static const char *squash(struct acg_buf *b)
{
    size_t o = 0;
    for (size_t i = 0; i < b->len; i++) {
        char ch = b->data[i] == '\n' ? ' ' : b->data[i];
        if (ch == ' ' && o > 0 && b->data[o - 1] == ' ')
            continue;
        b->data[o++] = ch;
    }
    b->data[o] = '\0';
    b->len = o;
    return b->data;
}

/* Emits rules (JSON text) into out; returns the emitter's status. */
static int emit(const char *json, unsigned flags, struct acg_buf *out, struct diag *d)
{
    struct doc doc;
    int rc = doc_load_bytes("rules.json", json, strlen(json), &doc, d);
    if (rc == 0)
        rc = gen_endpoints_emit_flags(doc.root, "rules.json", "resolve", flags, out, d);
    doc_free(&doc);
    return rc;
}

#define PARAMS                                                                                     \
    "\"parameters\": {"                                                                           \
    "\"Region\": {\"builtIn\": \"AWS::Region\", \"required\": false, \"type\": \"String\"},"      \
    "\"UseFIPS\": {\"builtIn\": \"AWS::UseFIPS\", \"required\": true, \"default\": false,"        \
    " \"type\": \"Boolean\"},"                                                                    \
    "\"Unused\": {\"required\": false, \"type\": \"String\"},"                                    \
    "\"Stream\": {\"required\": true, \"type\": \"String\"}}"

static const char small[] =
    "{\"version\": \"1.0\", " PARAMS ", \"rules\": ["
    "{\"conditions\": [{\"fn\": \"booleanEquals\", \"argv\": [{\"ref\": \"UseFIPS\"}, true]}],"
    " \"type\": \"error\", \"error\": \"no FIPS in {Region}\"},"
    "{\"conditions\": [{\"fn\": \"aws.partition\", \"argv\": [{\"ref\": \"Region\"}], \"assign\": \"P\"}],"
    " \"type\": \"endpoint\", \"endpoint\": {\"url\": \"https://x.{Region}.{P#dnsSuffix}\","
    " \"properties\": {\"authSchemes\": [{\"name\": \"sigv4a\", \"signingName\": \"a\"},"
    "   {\"name\": \"sigv4\", \"signingName\": \"svc\", \"signingRegion\": \"{Region}\"}]},"
    " \"headers\": {}}},"
    "{\"conditions\": [], \"type\": \"error\", \"error\": \"Invalid Configuration: Missing Region\"},"
    "{\"conditions\": [], \"type\": \"error\", \"error\": \"never reached\"}]}";

static int test_shape_of_output(void)
{
    struct acg_buf out;
    struct diag d;
    acg_buf_init(&out, 0);
    diag_init(&d);
    CHECK(emit(small, 0, &out, &d) == 0);
    CHECK(d.errors == 0);
    CHECK(strncmp(out.data, "int resolve(const struct acg_endpoint_params *params, struct acg_endpoint *out,\n",
                  80) == 0);
    for (const char *l = out.data; *l != '\0'; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0'))
        CHECK(strcspn(l, "\n") <= 100);
    const char *c = squash(&out);
    /* parameters become locals; builtIn booleans need no default; unused ones are not declared
     * but a required one is still checked, with botocore's text */
    CHECK(strstr(c, "const struct acg_ev p_region = acg_ev_string(params->builtins.region);") != NULL);
    CHECK(strstr(c, "const struct acg_ev p_use_fips = acg_ev_bool(params->builtins.use_fips);") != NULL);
    CHECK(strstr(c, "p_unused") == NULL);
    CHECK(strstr(c, "Cannot find value for required parameter Stream") != NULL);
    /* assignments bind a local tested before use; templates are concatenations */
    CHECK(strstr(c, "const struct acg_ev v_p = acg_ep_partition(&c, p_region);") != NULL);
    CHECK(strstr(c, "if (acg_ev_ok(v_p)) {") != NULL);
    CHECK(strstr(c, "acg_ev_string(\"https://x.\"), p_region, acg_ev_string(\".\"), "
                    "acg_ep_get_attr(&c, v_p, \"dnsSuffix\")") != NULL);
    /* the sigv4 scheme's signing name and region, not sigv4a's */
    /* "{Region}" of a string parameter is the parameter itself */
    CHECK(strstr(c, "acg_ev_string(\"svc\"), p_region);") != NULL);
    CHECK(strstr(c, "acg_ev_string(\"a\")") == NULL);
    /* error text with a template is built at run time */
    CHECK(strstr(c, "acg_ev_string(\"no FIPS in \"), p_region") != NULL);
    /* nothing after a rule that always returns: no dead rule, no trailing no_match */
    CHECK(strstr(c, "never reached") == NULL);
    CHECK(strstr(c, "acg_ep_no_match") == NULL);
    const char *ending = "acg_ev_string(\"Invalid Configuration: Missing Region\")); } ";
    CHECK(strlen(c) > strlen(ending) && strcmp(c + strlen(c) - strlen(ending), ending) == 0);
    acg_buf_free(&out);
    diag_free(&d);
    return 0;
}

static int test_static_and_no_match(void)
{
    static const char rules[] =
        "{\"version\": \"1.0\", \"parameters\": {\"Region\": {\"builtIn\": \"AWS::Region\", \"type\": \"string\"}},"
        " \"rules\": [{\"conditions\": [{\"fn\": \"isSet\", \"argv\": [{\"ref\": \"Region\"}]}],"
        " \"type\": \"tree\", \"rules\": [{\"conditions\": [], \"type\": \"endpoint\","
        " \"endpoint\": {\"url\": \"https://{Region}.example\"}}]}]}";
    struct acg_buf out;
    struct diag d;
    acg_buf_init(&out, 0);
    diag_init(&d);
    CHECK(emit(rules, GEN_ENDPOINTS_STATIC, &out, &d) == 0);
    CHECK(strncmp(out.data, "static int resolve(", 19) == 0);
    /* the tree can fall through, so the function ends in the no-match error */
    CHECK(strstr(out.data, "    return acg_ep_no_match(&c, err);\n}\n") != NULL);
    acg_buf_free(&out);
    diag_free(&d);
    return 0;
}

static int test_headers_warn(void)
{
    static const char rules[] =
        "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [], \"type\": \"endpoint\","
        " \"endpoint\": {\"url\": \"https://example.com\", \"headers\": {\"x-amz-a\": [\"b\"]}}}]}";
    struct acg_buf out;
    struct diag d;
    acg_buf_init(&out, 0);
    diag_init(&d);
    CHECK(emit(rules, 0, &out, &d) == 0);
    CHECK(d.warnings == 1);
    CHECK(strstr(d.text, "header x-amz-a is not sent") != NULL);
    CHECK(strstr(out.data, "x-amz-a, which is not sent") != NULL);
    acg_buf_free(&out);
    diag_free(&d);
    return 0;
}

/* Each broken rule set gives an error naming the file, line and the problem. */
static int test_diagnostics(void)
{
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        { "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [{\"fn\": \"frobnicate\","
          " \"argv\": []}], \"type\": \"error\", \"error\": \"x\"}]}",
          "unknown function \"frobnicate\"" },
        { "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [{\"fn\": \"isSet\","
          " \"argv\": [{\"ref\": \"Nope\"}]}], \"type\": \"error\", \"error\": \"x\"}]}",
          "\"Nope\" is not a parameter" },
        { "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [], \"type\": \"magic\"}]}",
          "unknown rule type \"magic\"" },
        { "{\"version\": \"1.0\", \"parameters\": {\"X\": {\"builtIn\": \"AWS::Nope\", \"type\": \"string\"}},"
          " \"rules\": [{\"conditions\": [{\"fn\": \"isSet\", \"argv\": [{\"ref\": \"X\"}]}],"
          " \"type\": \"error\", \"error\": \"x\"}]}",
          "unknown builtIn \"AWS::Nope\"" },
        { "{\"version\": \"2.0\", \"parameters\": {}, \"rules\": []}", "version \"2.0\" is not 1.0" },
        { "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [{\"fn\": \"isSet\","
          " \"argv\": [1, 2]}], \"type\": \"error\", \"error\": \"x\"}]}",
          "isSet takes 1 arguments, not 2" },
        { "{\"version\": \"1.0\", \"parameters\": {}, \"rules\": [{\"conditions\": [], \"type\": \"error\","
          " \"error\": \"{Unclosed\"}]}",
          "unclosed template" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acg_buf out;
        struct diag d;
        acg_buf_init(&out, 0);
        diag_init(&d);
        CHECK(emit(cases[i].json, 0, &out, &d) != 0);
        CHECK(d.errors >= 1);
        CHECK(strstr(d.text, "rules.json:1:") != NULL);
        if (strstr(d.text, cases[i].message) == NULL) {
            fprintf(stderr, "case %zu: %s", i, d.text);
            CHECK(0);
        }
        acg_buf_free(&out);
        diag_free(&d);
    }
    return 0;
}

static int test_default_resolver(void)
{
    struct acg_buf out;
    struct diag d;
    acg_buf_init(&out, 0);
    diag_init(&d);
    CHECK(gen_endpoints_emit_default("personalize", "resolve", &out, &d) == 0);
    squash(&out);
    CHECK(strstr(out.data, "acg_ev_string(\"https://personalize-fips.\"), p_region") != NULL);
    CHECK(strstr(out.data, "Invalid Configuration: FIPS and custom endpoint are not supported") != NULL);
    CHECK(strstr(out.data, "Invalid Configuration: Missing Region") != NULL);
    acg_buf_free(&out);
    /* an endpoint prefix that would not be a host name is refused */
    acg_buf_init(&out, 0);
    CHECK(gen_endpoints_emit_default("a\"b", "resolve", &out, &d) != 0);
    CHECK(d.errors == 1);
    acg_buf_free(&out);
    diag_free(&d);
    return 0;
}

/* The checked-in Personalize rule set loads and translates without a diagnostic. */
static int test_personalize_yaml(void)
{
    struct doc doc;
    struct diag d;
    struct acg_buf out;
    diag_init(&d);
    acg_buf_init(&out, 0);
    CHECK(doc_load("models/personalize/2018-05-22/endpoint-rule-set-1.yaml", &doc, &d) == 0);
    CHECK(gen_endpoints_emit(doc.root, "endpoint-rule-set-1.yaml", "personalize_resolve_endpoint", &out, &d) == 0);
    CHECK(d.errors == 0 && d.warnings == 0);
    CHECK(strstr(out.data, "\"https://personalize-fips.\"") != NULL);
    doc_free(&doc);
    acg_buf_free(&out);
    diag_free(&d);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_shape_of_output),
        TEST(test_static_and_no_match),
        TEST(test_headers_warn),
        TEST(test_diagnostics),
        TEST(test_default_resolver),
        TEST(test_personalize_yaml),
    };
    return RUN_TESTS("generator/endpoints", tests);
}
