/* The template engine: variables, sections over lists and booleans, inverted sections,
 * partials, the standalone-line rule, and every error it must report instead of guessing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "render.h"

static char dir[] = "/tmp/acg-render-XXXXXX";

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* Renders name with ctx; returns the output (static) or NULL with the diagnostics in diag_out. */
static char diag_out[2048];
static const char *render_to(const char *name, const struct tv *ctx)
{
    static char text[4096];
    struct template_set *ts = templates_open(dir);
    struct acg_buf out;
    struct diag d;
    diag_init(&d);
    acg_buf_init(&out, 0);
    int rc = render(ts, name, ctx, &out, &d);
    snprintf(text, sizeof text, "%s", out.data ? out.data : "");
    snprintf(diag_out, sizeof diag_out, "%s", d.text ? d.text : "");
    acg_buf_free(&out);
    diag_free(&d);
    templates_close(ts);
    return rc == 0 ? text : NULL;
}

static int test_variables_and_lists(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    tv_set_str(ctx, "name", "svc");
    struct tv *list = tv_set_list(ctx, "items");
    tv_set_str(tv_push(list), "x", "a");
    tv_set_str(tv_push(list), "x", "b");
    put("t1", "hello {{name}}\n{{#items}}\n- {{x}} of {{name}}\n{{/items}}\nend\n");
    const char *got = render_to("t1", ctx);
    acg_arena_destroy(a);
    CHECK_STR(got, "hello svc\n- a of svc\n- b of svc\nend\n");
    return 0;
}

static int test_booleans_and_inverted(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    tv_set_bool(ctx, "yes", true);
    tv_set_bool(ctx, "no", false);
    tv_set_list(ctx, "empty");
    put("t2", "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!N{{/no}}{{^empty}}E{{/empty}}\n");
    const char *got = render_to("t2", ctx);
    acg_arena_destroy(a);
    CHECK_STR(got, "Y!NE\n");
    return 0;
}

static int test_partials_and_comments(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    tv_set_str(ctx, "v", "1");
    put("part", "[{{v}}]\n");
    put("t3", "{{! a comment line vanishes }}\nbefore\n{{> part}}\nafter\n");
    const char *got = render_to("t3", ctx);
    acg_arena_destroy(a);
    CHECK_STR(got, "before\n[1]\nafter\n");
    return 0;
}

static int test_unknown_name_is_an_error(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    put("t4", "line one\nx {{missing}}\n");
    const char *got = render_to("t4", ctx);
    acg_arena_destroy(a);
    CHECK(got == NULL);
    CHECK(strstr(diag_out, "t4:2:3: error: unknown name \"missing\"") != NULL);
    return 0;
}

static int test_unclosed_and_mismatched_sections(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    tv_set_list(ctx, "l");
    put("t5", "{{#l}}\nnever closed\n");
    CHECK(render_to("t5", ctx) == NULL);
    CHECK(strstr(diag_out, "t5:1:1: error: section {{#l}} is never closed") != NULL);
    put("t6", "{{#l}}x{{/m}}\n");
    CHECK(render_to("t6", ctx) == NULL);
    CHECK(strstr(diag_out, "closes {{#l}}") != NULL);
    put("t7", "{{/l}}\n");
    CHECK(render_to("t7", ctx) == NULL);
    CHECK(strstr(diag_out, "closes nothing") != NULL);
    put("t8", "{{l}}\n");
    CHECK(render_to("t8", ctx) == NULL);
    CHECK(strstr(diag_out, "is not a string") != NULL);
    put("t9", "{{oops\n");
    CHECK(render_to("t9", ctx) == NULL);
    CHECK(strstr(diag_out, "unclosed tag") != NULL);
    acg_arena_destroy(a);
    return 0;
}

static int test_missing_template(void)
{
    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    CHECK(render_to("no-such-template", ctx) == NULL);
    CHECK(strstr(diag_out, "cannot read the template") != NULL);
    acg_arena_destroy(a);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST(test_variables_and_lists),   TEST(test_booleans_and_inverted),
        TEST(test_partials_and_comments), TEST(test_unknown_name_is_an_error),
        TEST(test_unclosed_and_mismatched_sections), TEST(test_missing_template),
    };
    if (mkdtemp(dir) == NULL)
        return 1;
    int rc = RUN_TESTS("generator/render", tests);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
