/* Driver for tests/cli/test_shorthand.py: reads one JSON array a line from stdin,
 * [text], [text, "json"] (Python's json.loads verdict, "ok 0" or "error N"), or
 * [text, shape] where shape names a test shape below; parses text as shorthand
 * (then adjusts it to the shape) and answers "ok N" with the value as compact JSON, "error N"
 * with a parameter error's message, or "plain N" with an unwrapped one; N bytes follow, then
 * a newline. Files after "@=" are not read here (the program's tests cover them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_shorthand.h"

static const struct acg_shape int_shape = { .name = "Count", .type = ACG_SHAPE_INTEGER };
static const struct acg_shape dbl_shape = { .name = "Weight", .type = ACG_SHAPE_DOUBLE };
static const struct acg_shape bool_shape = { .name = "Flag", .type = ACG_SHAPE_BOOLEAN };
static const struct acg_shape str_shape = { .name = "Text", .type = ACG_SHAPE_STRING };
static const struct acg_shape doc_shape = { .name = "Doc", .type = ACG_SHAPE_DOCUMENT };
static const struct acg_shape strs_shape = { .name = "Texts", .type = ACG_SHAPE_LIST,
                                             .item = &str_shape };
static const struct acg_shape ints_shape = { .name = "Counts", .type = ACG_SHAPE_LIST,
                                             .item = &int_shape };
static const struct acg_member dmap_members[] = {
    { .name = "key", .shape = &str_shape }, { .name = "value", .shape = &dbl_shape },
};
static const struct acg_shape dmap_shape = { .name = "Weights", .type = ACG_SHAPE_MAP,
                                             .members = dmap_members, .member_count = 2 };
static const struct acg_member inner_members[] = {
    { .name = "n", .shape = &int_shape }, { .name = "on", .shape = &bool_shape },
    { .name = "names", .shape = &strs_shape }, { .name = "doc", .shape = &doc_shape },
};
static const struct acg_shape inner_shape = { .name = "Inner", .type = ACG_SHAPE_STRUCTURE,
                                              .members = inner_members, .member_count = 4 };
static const struct acg_shape inners_shape = { .name = "Inners", .type = ACG_SHAPE_LIST,
                                               .item = &inner_shape };
/* The shape every test value is adjusted to: one member of each kind. */
static const struct acg_member top_members[] = {
    { .name = "a", .shape = &int_shape },     { .name = "b", .shape = &dbl_shape },
    { .name = "c", .shape = &bool_shape },    { .name = "d", .shape = &strs_shape },
    { .name = "e", .shape = &ints_shape },    { .name = "f", .shape = &dmap_shape },
    { .name = "g", .shape = &inner_shape },   { .name = "h", .shape = &inners_shape },
    { .name = "i", .shape = &str_shape },     { .name = "j", .shape = &doc_shape },
};
static const struct acg_shape top_shape = { .name = "Top", .type = ACG_SHAPE_STRUCTURE,
                                            .members = top_members, .member_count = 10 };

static void answer(const char *kind, const struct acg_buf *b)
{
    printf("%s %zu\n", kind, b->len);
    if (b->len > 0)
        fwrite(b->data, 1, b->len, stdout);
    putchar('\n');
}

/* [text, "json"]: Python's json.loads verdict on text. */
static void json_case(const struct acg_value *text)
{
    struct acg_buf msg;
    acg_buf_init(&msg, 0);
    int rc = acg_py_json_error(text->u.str.ptr, text->u.str.len, &msg);
    if (rc == ACG_OK)
        answer("ok", &msg);
    else if (rc == ACG_ERR_JSON)
        answer("error", &msg);
    else
        printf("failed %d\n\n", rc);
    acg_buf_free(&msg);
}

static void one(struct acg_arena *a, const struct acg_value *c)
{
    const struct acg_value *text = c->u.arr.items[0];
    if (c->u.arr.count > 1 && strcmp(c->u.arr.items[1]->u.str.ptr, "json") == 0) {
        json_case(text);
        return;
    }
    bool adjust = c->u.arr.count > 1;
    struct acg_buf msg, out;
    struct acg_error err;
    struct acg_value *v = NULL;
    acg_buf_init(&msg, 0);
    acg_buf_init(&out, 0);
    acg_error_init(&err);
    int rc = acg_shorthand_parse(a, text->u.str.ptr, text->u.str.len, NULL, &v, &msg);
    if (rc == ACG_OK && adjust)
        rc = acg_shorthand_adjust(a, &top_shape, &v, &msg);
    if (rc == ACG_OK && acg_value_write_json(v, 0, &out, &err) != ACG_OK)
        rc = ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        answer("ok", &out);
    else if (rc == ACG_SHORTHAND_ERROR)
        answer("error", &msg);
    else if (rc == ACG_SHORTHAND_PLAIN)
        answer("plain", &msg);
    else
        printf("failed %d\n\n", rc);
    acg_buf_free(&msg);
    acg_buf_free(&out);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        struct acg_arena *a = acg_arena_new();
        struct acg_value *c = NULL;
        struct acg_error err;
        acg_error_init(&err);
        if (a == NULL || acg_value_parse(a, line, (size_t)n, &c, &err) != ACG_OK ||
            c->type != ACG_VALUE_ARRAY || c->u.arr.count < 1) {
            printf("bad-case\n\n");
        } else {
            one(a, c);
        }
        acg_arena_destroy(a);
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 1;
}
