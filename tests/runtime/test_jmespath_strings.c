/* acg_jmespath_search_strings: the forms of botocore's operationContextParams, with the
 * results Python's jmespath gives for the same document (non-strings left out of lists). */
#include <string.h>

#include "harness.h"
#include "jmespath/acg_jmespath_strings.h"

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
    struct acg_value *data = NULL;
    struct acg_error err;
    acg_error_init(&err);
    *status = acg_value_parse(a, doc, strlen(doc), &data, &err);
    if (*status == ACG_OK)
        *status = acg_jmespath_search_strings(expr, data, a, &r, &err);
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
    CHECK(check("TransactItems[*].Missing[]", "") == 0);
    return 0;
}

/* The whole language, not only the forms botocore's models use today. */
static int test_other_forms(void)
{
    CHECK(check("Arr[1]", "-q") == 0);
    CHECK(check("Arr[?@ != 'p'] | [?type(@) == 'string']", "q") == 0);
    CHECK(check("join(',', Arr[:2])", "-p,q") == 0);
    CHECK(check("'lit'", "-lit") == 0);              /* a literal outlives the expression */
    return 0;
}

/* Errors are the language's: botocore's jmespath.search raises them too. */
static int test_errors(void)
{
    static const char *const bad[] = { "", "a.", "a[0", "keys(a", "a[*]]", "a..b", "a.[b",
                                       "keys(Arr)", "nope(a)" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char got[64];
        int status;
        search(bad[i], got, sizeof got, &status);
        CHECK(status == ACG_ERR_INVALID_ARG);
    }
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_botocore_forms),
        TEST(test_nothing_selected),
        TEST(test_other_forms),
        TEST(test_errors),
    };
    return RUN_TESTS("runtime/jmespath-strings", tests);
}
