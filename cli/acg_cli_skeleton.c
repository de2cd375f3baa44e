/* --generate-cli-skeleton: sample input and output JSON built from the descriptors, as
 * botocore's ArgumentGenerator builds them for the AWS CLI.
 *
 * Input skeletons hold empty strings, 0, 0.0, true, null for blobs, "1970-01-01T00:00:00"
 * for timestamps, one element per list and one "KeyName" per map; a structure met again
 * inside itself is {}. Output skeletons put each string member's name in as its value. The
 * AWS CLI picks a random enum value for an input enum string; we take the first, so the
 * output does not change between runs. */
#include <stdlib.h>
#include <string.h>

#include "acg_cli_private.h"
#include "client/acg_operation.h"
#include "json/acg_value.h"
#include "shape/acg_validate.h"

#define MAX_DEPTH 64

struct skel {
    struct acg_arena *a;
    bool member_names;                /* output: strings hold their member's name */
    const struct acg_shape *stack[MAX_DEPTH];
    size_t depth;
};

static struct acg_value *generate(struct skel *k, const struct acg_shape *s, const char *name);

/* A structure already open above this one (botocore counts names on its stack). */
static bool seen(const struct skel *k, const struct acg_shape *s)
{
    for (size_t i = 0; i + 1 < k->depth; i++) {
        if (k->stack[i] == s || strcmp(k->stack[i]->name, s->name) == 0)
            return true;
    }
    return false;
}

static struct acg_value *structure(struct skel *k, const struct acg_shape *s)
{
    struct acg_value *o = acg_value_new_object(k->a);
    if (o == NULL || seen(k, s) || s->type == ACG_SHAPE_DOCUMENT)
        return o;
    for (size_t i = 0; i < s->member_count; i++) {
        const char *name = s->members[i].name;
        struct acg_value *v = generate(k, s->members[i].shape, name);
        if (v == NULL || acg_value_object_add(k->a, o, name, strlen(name), v) != ACG_OK)
            return NULL;
    }
    return o;
}

static struct acg_value *scalar(struct skel *k, const struct acg_shape *s, const char *name)
{
    switch (s->type) {
    case ACG_SHAPE_STRING:
        if (k->member_names)
            return acg_value_new_string(k->a, name, strlen(name));
        if (s->enum_count > 0)
            return acg_value_new_string(k->a, s->enum_values[0], strlen(s->enum_values[0]));
        return acg_value_new_string(k->a, "", 0);
    case ACG_SHAPE_INTEGER:
    case ACG_SHAPE_LONG:
        return acg_value_new_int(k->a, 0);
    case ACG_SHAPE_FLOAT:
    case ACG_SHAPE_DOUBLE:
        return acg_value_new_double(k->a, 0.0);
    case ACG_SHAPE_BOOLEAN:
        return acg_value_new_bool(k->a, true);
    case ACG_SHAPE_TIMESTAMP:
        return acg_value_new_string(k->a, "1970-01-01T00:00:00", 19);
    default:
        return acg_value_new_null(k->a);
    }
}

static struct acg_value *generate(struct skel *k, const struct acg_shape *s, const char *name)
{
    if (k->depth >= MAX_DEPTH)
        return acg_value_new_object(k->a);
    k->stack[k->depth++] = s;
    struct acg_value *v = NULL;
    if (s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION ||
        s->type == ACG_SHAPE_DOCUMENT) {
        v = structure(k, s);
    } else if (s->type == ACG_SHAPE_LIST) {
        /* botocore names a list's element after the element's shape. */
        struct acg_value *item = generate(k, s->item, k->member_names ? s->item->name : "");
        v = acg_value_new_array(k->a);
        if (v != NULL && acg_value_array_push(k->a, v, item) != ACG_OK)
            v = NULL;
    } else if (s->type == ACG_SHAPE_MAP) {
        struct acg_value *item = s->member_count > 1 ? generate(k, s->members[1].shape, "")
                                                     : acg_value_new_null(k->a);
        v = acg_value_new_object(k->a);
        if (v != NULL && acg_value_object_add(k->a, v, "KeyName", 7, item) != ACG_OK)
            v = NULL;
    } else {
        v = scalar(k, s, name);
    }
    k->depth--;
    return v;
}

int acg_cli_print_skeleton(FILE *f, const struct acg_cli_operation *op, bool output)
{
    const struct acg_shape *s = output ? op->desc->output : op->desc->input;
    struct skel k;
    struct acg_buf out;
    struct acg_error err;
    memset(&k, 0, sizeof k);
    acg_buf_init(&out, 0);
    acg_error_init(&err);
    k.a = acg_arena_new();
    k.member_names = output;
    struct acg_value *v = k.a == NULL ? NULL
                          : s != NULL ? generate(&k, s, "")
                                      : acg_value_new_object(k.a);
    /* The input skeleton is json.dumps(indent=4) (ASCII escapes); the output one goes
     * through the JSON output format, which prints nothing for an empty object. */
    unsigned flags = ACG_JSON_PY_INDENT | (output ? 0u : (unsigned)ACG_JSON_PY_ASCII);
    int rc = v != NULL ? acg_value_write_json(v, flags, &out, &err) : ACG_ERR_NOMEM;
    int status = ACG_EXIT_OK;
    if (rc != ACG_OK)
        status = acg_cli_out_of_memory();
    else if (!output || v->u.obj.count > 0)
        fprintf(f, "%s\n", out.data);
    if (fflush(f) != 0)
        status = ACG_EXIT_OTHER;
    acg_buf_free(&out);
    acg_arena_destroy(k.a);
    return status;
}

int acg_cli_check_input(const struct acg_cli_operation *op, const char *json, size_t len,
                        struct acg_error *err)
{
    const struct acg_shape *s = op->desc->input;
    if (s == NULL)
        return ACG_OK;
    struct acg_arena *a = acg_arena_new();
    void *in = a != NULL ? acg_arena_calloc(a, 1, s->size) : NULL;
    int rc = in != NULL ? acg_json_decode_input(json, len, s, in, a, err) : ACG_ERR_NOMEM;
    rc = acg_op_input_error(err, rc);
    if (rc == ACG_OK) {
        struct acg_validator v;
        acg_validator_init(&v);
        acg_validate_shape(&v, s, in);
        rc = acg_validator_result(&v, err);
    }
    acg_arena_destroy(a);
    if (rc == ACG_ERR_NOMEM)
        acg_error_set(err, rc, "out of memory checking the input of %s", op->name);
    return rc;
}
