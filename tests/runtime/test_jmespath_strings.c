/* acg_jmespath_search_strings: the forms of botocore's operationContextParams, with the
 * results Python's jmespath gives for the same document (non-strings left out of lists). */
#include <string.h>

#include "harness.h"
#include "json/acg_jmespath.h"

static const char doc[] =
    "{\"TransactItems\": [{\"Get\": {\"TableName\": \"a\"}}, {\"Put\": {\"TableName\": \"b\"}},"
    " {\"Get\": {\"TableName\": \"c\"}, \"Update\": {\"TableName\": \"d\"}},"
    " {\"Get\": {\"TableName\": 5}}, {}],"
    " \"RequestItems\": {\"t1\": {}, \"t\\u00e92\": {}},"
    " \"TableCreationParameters\": {\"TableName\": \"x\"}, \"N\": {\"TableName\": null},"
    " \"Arr\": [\"p\", \"q\", 1, null]}";

/* Evaluates expr over doc; the strings joined with '|' into out ("-" when not a list). */
static int search(const char *expr, char *out, size_t size, int *status)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath_strings r;
    struct acg_error err;
    acg_error_init(&err);
    *status = acg_jmespath_search_strings(expr, doc, strlen(doc), a, &r, &err);
    out[0] = '\0';
    if (*status == ACG_OK) {
        size_t n = 0;
        if (!r.is_list)
            n += (size_t)snprintf(out, size, "-");
        for (size_t i = 0; i < r.count && n < size; i++)
            n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "|" : "", r.items[i]);
    }
    acg_arena_destroy(a);
    return 0;
}

static int check(const char *expr, const char *want)
{
    char got[256];
    int status;
    search(expr, got, sizeof got, &status);
    if (status != ACG_OK || strcmp(got, want) != 0) {
        fprintf(stderr, "%s: got \"%s\" (status %d), want \"%s\"\n", expr, got, status, want);
        return 1;
    }
    return 0;
}

static int test_botocore_forms(void)
{
    CHECK(check("TableCreationParameters.TableName", "-x") == 0);
    CHECK(check("TransactItems[*].Get.TableName", "a|c") == 0);
    CHECK(check("TransactItems[*].[ConditionCheck.TableName, Put.TableName, "
                "Delete.TableName, Update.TableName][]", "b|d") == 0);
    CHECK(check("keys(RequestItems)", "t1|t\xc3\xa9" "2") == 0);
    return 0;
}

static int test_nothing_selected(void)
{
    CHECK(check("N.TableName", "-") == 0);
    CHECK(check("Missing.A", "-") == 0);
    CHECK(check("TransactItems", "") == 0);          /* a list without strings */
    CHECK(check("Arr", "p|q") == 0);
    CHECK(check("keys(Arr)", "-") == 0);
    CHECK(check("TransactItems[*].Missing[]", "") == 0);
    return 0;
}

static int test_unsupported(void)
{
    static const char *const bad[] = { "", "a.", "a[0]", "a | b", "length(a)", "a[?b]", "[a]",
                                       "keys(a", "a[*]]", "`1`", "a..b", "a.[b" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char got[64];
        int status;
        search(bad[i], got, sizeof got, &status);
        CHECK(status == ACG_ERR_UNSUPPORTED);
    }
    return 0;
}

static int test_bad_document(void)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_jmespath_strings r;
    CHECK(acg_jmespath_search_strings("a", "{\"a\":", 5, a, &r, NULL) == ACG_ERR_JSON);
    CHECK(r.count == 0 && !r.is_list);
    CHECK(acg_jmespath_search_strings("a", "", 0, a, &r, NULL) == ACG_OK && r.count == 0);
    acg_arena_destroy(a);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_botocore_forms),
        TEST(test_nothing_selected),
        TEST(test_unsupported),
        TEST(test_bad_document),
    };
    return RUN_TESTS("runtime/jmespath-strings", tests);
}
