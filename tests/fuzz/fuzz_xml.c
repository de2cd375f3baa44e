/* Fuzz target: the XML decoder. The first byte picks a shape (a recursive one written here
 * with every XML trait: attributes, wrapped and flattened lists, a flattened map; or one of
 * the Personalize tables' top-level shapes) and the path (none, an awsQuery result, a query
 * error); whatever decodes is validated and written back as JSON and as XML. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "xml/acg_xml.h"
#include "personalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct node;

struct pair {
    const char *key;
    struct acg_timestamp value;
};

struct node {
    const char *kind;                /* attribute xsi:type */
    bool has_weight;
    double weight;                   /* attribute */
    struct acg_blob data;
    size_t children_count;           /* wrapped, <item> */
    struct node *children;
    size_t names_count;              /* flattened, <Name> */
    const char **names;
    size_t pairs_count;              /* flattened map, <Pair><K/><V/></Pair> */
    struct pair *pairs;
    struct node *next;
};

extern const struct acg_shape node_shape;

static const struct acg_shape children_shape = {
    .name = "Children", .type = ACG_SHAPE_LIST, .item = &node_shape,
    .traits = &(const struct acg_shape_traits){ .item_name = "item" },
    .item_size = sizeof(struct node),
};
static const struct acg_shape names_shape = {
    .name = "Names", .type = ACG_SHAPE_LIST, .flags = ACG_SHAPE_FLATTENED,
    .item = &acg_shape_string, .item_size = sizeof(const char *),
    .traits = &(const struct acg_shape_traits){ .item_name = "Name" },
};
static const struct acg_member pair_members[] = {
    { .name = "key", .shape = &acg_shape_string, .wire_name = "K", .offset = offsetof(struct pair, key) },
    { .name = "value", .shape = &acg_shape_timestamp, .wire_name = "V",
      .offset = offsetof(struct pair, value) },
};
static const struct acg_shape pairs_shape = {
    .name = "Pairs", .type = ACG_SHAPE_MAP, .flags = ACG_SHAPE_FLATTENED,
    .item_size = sizeof(struct pair), .members = pair_members, .member_count = 2,
};
static const struct acg_member node_members[] = {
    { .name = "Kind", .shape = &acg_shape_string, .wire_name = "xsi:type",
      .flags = ACG_MEMBER_XML_ATTRIBUTE, .offset = offsetof(struct node, kind) },
    { .name = "Weight", .shape = &acg_shape_double, .flags = ACG_MEMBER_XML_ATTRIBUTE,
      .has_offset = offsetof(struct node, has_weight), .offset = offsetof(struct node, weight) },
    { .name = "Data", .shape = &acg_shape_blob, .offset = offsetof(struct node, data) },
    { .name = "Children", .shape = &children_shape, .offset = offsetof(struct node, children_count) },
    { .name = "Names", .shape = &names_shape, .offset = offsetof(struct node, names_count) },
    { .name = "Pairs", .shape = &pairs_shape, .wire_name = "Pair",
      .offset = offsetof(struct node, pairs_count) },
    { .name = "Next", .shape = &node_shape, .offset = offsetof(struct node, next) },
};
const struct acg_shape node_shape = {
    .name = "Node", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct node),
    .members = node_members, .member_count = 7,
};

static const char *const result_path[] = { "*", "*Result", NULL };
static const char *const error_path[] = { "ErrorResponse", "Error", NULL };
static const char *const *const paths[] = { NULL, result_path, error_path };

static const struct acg_shape *pick(uint8_t b)
{
    const struct acg_service *svc = &personalize_service;
    size_t n = svc->operation_count;
    if (b % 4 != 0 && n > 0) {
        const struct acg_operation *op = svc->operations[(b / 4) % n];
        if (op->output != NULL)
            return op->output;
    }
    return &node_shape;
}

static void write_back(const struct acg_shape *s, const void *v)
{
    struct acg_buf b;
    struct acg_json_writer jw;
    struct acg_xml_writer xw;
    acg_buf_init(&b, 0);
    acg_json_writer_init(&jw, &b, ACG_JSON_DISPLAY);
    (void)acg_json_encode(&jw, s, v, NULL);
    acg_buf_reset(&b);
    acg_xml_writer_init(&xw, &b, NULL);
    (void)acg_xml_encode(&xw, s, v, "Root", "urn:fuzz");
    acg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const struct acg_shape *s = pick(data[0]);
    const char *const *path = paths[data[1] % 3];
    struct acg_arena *arena = acg_arena_new();
    void *v = calloc(1, s->size);
    if (arena != NULL && v != NULL &&
        acg_xml_decode((const char *)data + 2, size - 2, s, path, v, arena, NULL) == ACG_OK) {
        struct acg_validator val;
        acg_validator_init(&val);
        acg_validate_shape(&val, s, v);
        write_back(s, v);
    }
    acg_arena_destroy(arena);
    free(v);
    return 0;
}
