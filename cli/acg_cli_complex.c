/* Options for structures, unions, lists, maps and documents, read as the AWS CLI v1 reads
 * them (awscli/argprocess.py):
 *
 *   - a value that starts with "{" or "[" (after whitespace) is JSON;
 *   - otherwise structures, maps and lists of non-scalars take shorthand, one shorthand
 *     value per argv word for lists (`--tags tagKey=a,tagValue=b tagKey=c,tagValue=d`);
 *   - lists of scalars take one argv word per element (`--names /p/a /p/b`), or JSON.
 *
 * The result is JSON text for the input decoder, with blob values base64-encoded here when
 * they were given raw (the AWS CLI v1's way). */
#include <stdlib.h>
#include <string.h>

#include "acg_cli_private.h"
#include "acg_shorthand.h"
#include "common/acg_base64.h"
#include "common/acg_utf8.h"

/* What building one option's value needs. */
struct complex_ctx {
    const struct acg_cli_operation *op;
    const struct acg_cli_member *m;
    const struct acg_cli_input_opts *opts;
    struct acg_arena *arena;
    /* Values read with fileb:// after "@=": bytes, which only blobs take. */
    const struct acg_value *bytes[16];
    size_t byte_count;
};

/* ---- JSON text ---- */

static size_t skip_py_space(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                       s[i] == '\v' || s[i] == '\f' || (s[i] >= 0x1C && s[i] <= 0x1F)))
        i++;
    return i;
}

/* The first character after leading whitespace, or 0 for blank text. */
static char first_char(const char *s, size_t len)
{
    size_t i = skip_py_space(s, len);
    return i < len ? s[i] : '\0';
}

/* Checks text is JSON (NaN and the infinities allowed, as Python reads them), with Python's
 * message when it is not, as the AWS CLI prints it (showing the text); then with the
 * runtime's reader, whose limits are its own. */
static int check_json(const struct acg_cli_member *m, const char *text, size_t len)
{
    struct acg_json_reader r;
    struct acg_error err;
    struct acg_buf py;
    memset(&r, 0, sizeof r);
    acg_error_init(&err);
    acg_buf_init(&py, 0);
    int rc = acg_utf8_length(text, len) < 0 ? ACG_OK : acg_py_json_error(text, len, &py);
    int status = ACG_EXIT_OK;
    if (rc == ACG_ERR_JSON)
        status = acg_cli_param_error(m->option, "Invalid JSON: %s\nJSON received: %.*s", py.data,
                                     (int)len, text);
    else if (rc == ACG_OK)
        rc = acg_json_reader_parse_input(&r, text, len, NULL, &err);
    if (status == ACG_EXIT_OK && rc == ACG_ERR_NOMEM)
        status = acg_cli_out_of_memory();
    else if (status == ACG_EXIT_OK && rc != ACG_OK)
        status = acg_cli_param_error(m->option, "Invalid JSON: %s\nJSON received: %.*s",
                                     err.message, (int)len, text);
    acg_json_reader_free(&r);
    acg_buf_free(&py);
    return status;
}

/* ---- blobs ---- */

static bool has_blob(const struct acg_shape *s, int depth)
{
    if (s == NULL || depth > 32)
        return false;
    switch (s->type) {
    case ACG_SHAPE_BLOB:
        return true;
    case ACG_SHAPE_LIST:
        return has_blob(s->item, depth + 1);
    case ACG_SHAPE_MAP:
    case ACG_SHAPE_STRUCTURE:
    case ACG_SHAPE_UNION:
        for (size_t i = s->type == ACG_SHAPE_MAP ? 1 : 0; i < s->member_count; i++) {
            if (has_blob(s->members[i].shape, depth + 1))
                return true;
        }
        return false;
    default:
        return false;
    }
}

static bool is_bytes(const struct complex_ctx *c, const struct acg_value *v)
{
    for (size_t i = 0; c != NULL && i < c->byte_count; i++) {
        if (c->bytes[i] == v)
            return true;
    }
    return false;
}

static int base64_value(struct acg_arena *a, struct acg_value **v)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_base64_encode((const uint8_t *)(*v)->u.str.ptr, (*v)->u.str.len, &b);
    if (rc == ACG_OK) {
        *v = acg_value_new_string(a, b.data != NULL ? b.data : "", b.len);
        rc = *v != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    acg_buf_free_secure(&b);
    return rc;
}

/* Base64-encodes the blob values in v (all of them when raw, else only fileb:// bytes). */
static int encode_blobs(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                        bool raw, const struct complex_ctx *c, int depth)
{
    struct acg_value *x = *v;
    int rc = ACG_OK;
    if (depth > ACG_VALUE_MAX_DEPTH)
        return ACG_OK;
    if (s->type == ACG_SHAPE_BLOB && x->type == ACG_VALUE_STRING && (raw || is_bytes(c, x)))
        return base64_value(a, v);
    if (s->type == ACG_SHAPE_LIST && x->type == ACG_VALUE_ARRAY) {
        for (size_t k = 0; rc == ACG_OK && k < x->u.arr.count; k++)
            rc = encode_blobs(a, s->item, &x->u.arr.items[k], raw, c, depth + 1);
    } else if (s->type == ACG_SHAPE_MAP && x->type == ACG_VALUE_OBJECT && s->member_count > 1) {
        for (size_t k = 0; rc == ACG_OK && k < x->u.obj.count; k++)
            rc = encode_blobs(a, s->members[1].shape, &x->u.obj.members[k].value, raw, c,
                              depth + 1);
    } else if ((s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION) &&
               x->type == ACG_VALUE_OBJECT) {
        for (size_t k = 0; rc == ACG_OK && k < x->u.obj.count; k++) {
            const struct acg_member *m = acg_shape_find_member(s, x->u.obj.members[k].key,
                                                               x->u.obj.members[k].key_len);
            if (m != NULL)
                rc = encode_blobs(a, m->shape, &x->u.obj.members[k].value, raw, c, depth + 1);
        }
    }
    return rc;
}

/* Writes v as JSON after encoding its blobs. */
static int write_value(struct complex_ctx *c, const struct acg_shape *s, struct acg_value **v,
                       struct acg_buf *out)
{
    struct acg_error err;
    acg_error_init(&err);
    int rc = encode_blobs(c->arena, s, v, c->opts->raw_blobs, c, 0);
    if (rc == ACG_OK)
        rc = acg_value_write_json(*v, 0, out, &err);
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    if (rc != ACG_OK)
        return acg_cli_param_error(c->m->option, "%s (fileb:// gives bytes, which only blob "
                                   "members take)", err.message);
    return ACG_EXIT_OK;
}

int acg_cli_json_blobs(const struct acg_shape *s, const char *js, size_t len, bool raw,
                       struct acg_buf *out)
{
    struct acg_value *v = NULL;
    struct acg_error err;
    acg_error_init(&err);
    if (!raw || !has_blob(s, 0))
        return acg_buf_append(out, js, len);
    struct acg_arena *a = acg_arena_new();
    if (a == NULL)
        return ACG_ERR_NOMEM;
    /* Text the strict reader refuses (NaN) has no blob to encode that it could reach. */
    int rc = acg_value_parse(a, js, len, &v, &err);
    if (rc == ACG_ERR_JSON)
        rc = acg_buf_append(out, js, len);
    else if (rc == ACG_OK)
        rc = encode_blobs(a, s, &v, true, NULL, 0);
    if (rc == ACG_OK && v != NULL)
        rc = acg_value_write_json(v, 0, out, &err);
    acg_arena_destroy(a);
    return rc;
}

/* JSON text given for the option: checked, then copied (or re-written with its blobs). */
static int json_text(struct complex_ctx *c, const struct acg_shape *s, const char *text,
                     size_t len, struct acg_buf *out)
{
    int status = check_json(c->m, text, len);
    if (status != ACG_EXIT_OK)
        return status;
    int rc = acg_cli_json_blobs(s, text, len, c->opts->raw_blobs, out);
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    if (rc != ACG_OK)
        return acg_cli_param_error(c->m->option, "the value cannot be written as JSON");
    return ACG_EXIT_OK;
}

/* ---- shorthand ---- */

/* Values after "@=": file:// is text, fileb:// bytes (noted, for blobs). */
static int load_file(void *ctx, const char *text, size_t len, struct acg_arena *a,
                     struct acg_value **out, struct acg_buf *msg)
{
    struct complex_ctx *c = ctx;
    struct acg_cli_loaded l;
    bool matched = false;
    (void)len;
    (void)msg;
    if (strncmp(text, "file://", 7) != 0 && strncmp(text, "fileb://", 8) != 0)
        return ACG_OK;
    int status = acg_cli_paramfile(c->m->option, text, false, &l, &matched);
    if (status != ACG_EXIT_OK)
        return ACG_ERR_CONFIG; /* printed already */
    *out = acg_value_new_string(a, l.data, l.len);
    if (*out != NULL && l.binary && c->byte_count < sizeof c->bytes / sizeof c->bytes[0])
        c->bytes[c->byte_count++] = *out;
    acg_cli_loaded_free(&l);
    return *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
}

static int shorthand_failed(const struct complex_ctx *c, int rc, const struct acg_buf *msg)
{
    const char *text = msg->data != NULL ? msg->data : "";
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    if (rc == ACG_SHORTHAND_ERROR)
        return acg_cli_param_error(c->m->option, "%s", text);
    if (rc == ACG_SHORTHAND_PLAIN) {
        fputc('\n', stderr);
        acg_cli_write_safe(stderr, text, strlen(text));   /* quotes the option's value */
        fputc('\n', stderr);
        return ACG_EXIT_USAGE;
    }
    return ACG_EXIT_USAGE; /* a file error, printed where it happened */
}

static int parse_one(struct complex_ctx *c, const char *text, size_t len, struct acg_value **out,
                     struct acg_buf *msg)
{
    struct acg_shorthand_files files = { load_file, c };
    return acg_shorthand_parse(c->arena, text, len, &files, out, msg);
}

/* The AWS CLI's "old list case": a few options whose list of one-member structures is
 * given as plain words (`--instances i-1 i-2`). */
static bool old_list_case(const struct complex_ctx *c)
{
    static const char *const cases[] = {
        "firehose put-record-batch records",
        "workspaces reboot-workspaces reboot-workspace-requests",
        "workspaces rebuild-workspaces rebuild-workspace-requests",
        "workspaces terminate-workspaces terminate-workspace-requests",
        "elastic-load-balancing remove-tags tags",
        "elastic-load-balancing describe-instance-health instances",
        "elastic-load-balancing deregister-instances-from-load-balancer instances",
        "elastic-load-balancing register-instances-with-load-balancer instances",
    };
    char key[256];
    const char *svc = c->opts->service != NULL ? c->opts->service : "";
    if (strcmp(svc, "elasticloadbalancing") == 0)
        svc = "elastic-load-balancing";
    snprintf(key, sizeof key, "%s %s %s", svc, c->op->command, c->m->option);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(cases[i], key) == 0)
            return true;
    }
    return false;
}

static int string_member(struct complex_ctx *c, const char *name, const char *text, size_t len,
                         struct acg_value **out)
{
    struct acg_value *obj = acg_value_new_object(c->arena);
    struct acg_value *s = acg_value_new_string(c->arena, text, len);
    if (obj == NULL || acg_value_object_add(c->arena, obj, name, strlen(name), s) != ACG_OK)
        return ACG_ERR_NOMEM;
    *out = obj;
    return ACG_OK;
}

/* The AWS CLI's two shorthand special cases; *out stays NULL when neither applies. */
static int special_case(struct complex_ctx *c, const struct acg_shape *s,
                        const struct acg_cli_raw *raw, struct acg_value **out)
{
    const struct acg_shape *item = s->item;
    if (s->type == ACG_SHAPE_LIST && raw->is_list && item != NULL &&
        item->type == ACG_SHAPE_STRUCTURE && item->member_count == 1 && old_list_case(c)) {
        struct acg_value *list = acg_value_new_array(c->arena);
        if (list == NULL)
            return ACG_ERR_NOMEM;
        for (size_t i = 0; i < raw->word_count; i++) {
            struct acg_value *o = NULL;
            const char *w = raw->words[i];
            if (string_member(c, item->members[0].name, w, strlen(w), &o) != ACG_OK ||
                acg_value_array_push(c->arena, list, o) != ACG_OK)
                return ACG_ERR_NOMEM;
        }
        *out = list;
        return ACG_OK;
    }
    if (s->type == ACG_SHAPE_STRUCTURE && !raw->is_list && s->member_count == 1 &&
        strcmp(s->members[0].name, "Value") == 0 &&
        s->members[0].shape->type == ACG_SHAPE_STRING && memchr(raw->text, '=', raw->len) == NULL)
        return string_member(c, "Value", raw->text, raw->len, out);
    return ACG_OK;
}

static int shorthand(struct complex_ctx *c, const struct acg_shape *s,
                     const struct acg_cli_raw *raw, struct acg_buf *out)
{
    struct acg_value *v = NULL;
    struct acg_buf msg;
    acg_buf_init(&msg, 0);
    int rc = special_case(c, s, raw, &v);
    if (rc == ACG_OK && v == NULL && raw->is_list) {
        v = acg_value_new_array(c->arena);
        rc = v != NULL ? ACG_OK : ACG_ERR_NOMEM;
        for (size_t i = 0; rc == ACG_OK && i < raw->word_count; i++) {
            struct acg_value *item = NULL;
            rc = parse_one(c, raw->words[i], strlen(raw->words[i]), &item, &msg);
            if (rc == ACG_OK)
                rc = acg_value_array_push(c->arena, v, item);
        }
        if (rc == ACG_OK)
            rc = acg_shorthand_adjust(c->arena, s, &v, &msg);
    } else if (rc == ACG_OK && v == NULL) {
        rc = parse_one(c, raw->text, raw->len, &v, &msg);
        if (rc == ACG_OK)
            rc = acg_shorthand_adjust(c->arena, s, &v, &msg);
    }
    int status = rc == ACG_OK ? write_value(c, s, &v, out) : shorthand_failed(c, rc, &msg);
    acg_buf_free_secure(&msg);
    return status;
}

/* ---- lists of plain values ---- */

/* One element as argprocess.unpack_scalar_cli_arg makes it: numbers through int() and
 * float(), booleans true unless "false" (or empty), anything else as text. NULL *out: the
 * element cannot be converted (the AWS CLI then reports the option's first word). */
static int scalar_item(struct complex_ctx *c, const struct acg_shape *s, const char *w,
                       size_t len, struct acg_value **out)
{
    struct acg_buf msg;
    acg_buf_init(&msg, 0);
    *out = acg_value_new_string(c->arena, w, len);
    int rc = *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    if (rc == ACG_OK && s->type == ACG_SHAPE_BOOLEAN) {
        bool f = len == 5 && acg_cli_ascii_ieq(w, "false");
        *out = acg_value_new_bool(c->arena, !f && len > 0);
        rc = *out != NULL ? ACG_OK : ACG_ERR_NOMEM;
    } else if (rc == ACG_OK && s->type != ACG_SHAPE_STRUCTURE && s->type != ACG_SHAPE_UNION &&
               s->type != ACG_SHAPE_MAP && s->type != ACG_SHAPE_LIST) {
        rc = acg_shorthand_adjust(c->arena, s, out, &msg);
    }
    acg_buf_free(&msg);
    if (rc == ACG_SHORTHAND_PLAIN)
        *out = NULL;
    return rc == ACG_SHORTHAND_PLAIN ? ACG_OK : rc;
}

/* A structure or map element of a list given word by word: JSON, or the AWS CLI's
 * "Invalid JSON" naming the word. */
static int json_item(struct complex_ctx *c, const char *w, struct acg_value **out)
{
    size_t len = strlen(w);
    if (first_char(w, len) != '{')
        return acg_cli_param_error(c->m->option, "Invalid JSON:\n%s", w);
    int status = check_json(c->m, w, len);
    if (status != ACG_EXIT_OK)
        return status;
    struct acg_error err;
    acg_error_init(&err);
    int rc = acg_value_parse(c->arena, w, len, out, &err);
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    return rc == ACG_OK ? ACG_EXIT_OK : acg_cli_param_error(c->m->option, "Invalid JSON: %s",
                                                            err.message);
}

/* Element texts: the words, or (a file's text given for a list) its characters, which is
 * what iterating over a Python string gives. */
static int list_words(struct complex_ctx *c, const struct acg_shape *s,
                      const struct acg_cli_raw *raw, struct acg_buf *out)
{
    const struct acg_shape *item = s->item;
    bool composite = item->type == ACG_SHAPE_STRUCTURE || item->type == ACG_SHAPE_UNION ||
                     item->type == ACG_SHAPE_MAP || item->type == ACG_SHAPE_LIST;
    struct acg_value *list = acg_value_new_array(c->arena);
    if (list == NULL)
        return acg_cli_out_of_memory();
    size_t count = raw->is_list ? raw->word_count : (size_t)acg_utf8_length(raw->text, raw->len);
    const char *p = raw->text;
    for (size_t i = 0; i < count; i++) {
        const char *w = raw->is_list ? raw->words[i] : p;
        size_t len = raw->is_list ? strlen(w) : 1;
        while (!raw->is_list && ((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        p += raw->is_list ? 0 : len;
        struct acg_value *v = NULL;
        if (composite && raw->is_list) {
            int status = json_item(c, w, &v);
            if (status != ACG_EXIT_OK)
                return status;
        } else if (scalar_item(c, item, w, len, &v) != ACG_OK) {
            return acg_cli_out_of_memory();
        }
        if (v == NULL)
            return acg_cli_param_error(c->m->option, "%s", raw->is_list ? raw->words[0] : "");
        if (acg_value_array_push(c->arena, list, v) != ACG_OK)
            return acg_cli_out_of_memory();
    }
    return write_value(c, s, &list, out);
}

/* ---- the option ---- */

/* argprocess._unpack_complex_cli_arg, for values the shorthand parser does not take. */
static int unpack_complex(struct complex_ctx *c, const struct acg_shape *s,
                          const struct acg_cli_raw *raw, struct acg_buf *out)
{
    if (s->type == ACG_SHAPE_DOCUMENT)
        return json_text(c, s, raw->is_list && raw->word_count > 0 ? raw->words[0] : raw->text,
                         raw->is_list && raw->word_count > 0 ? strlen(raw->words[0]) : raw->len,
                         out);
    if (s->type != ACG_SHAPE_LIST) {
        if (first_char(raw->text, raw->len) == '{')
            return json_text(c, s, raw->text, raw->len, out);
        return acg_cli_param_error(c->m->option, "Invalid JSON:\n%.*s", (int)raw->len, raw->text);
    }
    if (!raw->is_list && first_char(raw->text, raw->len) == '[')
        return json_text(c, s, raw->text, raw->len, out);
    if (raw->is_list && raw->word_count == 1 &&
        first_char(raw->words[0], strlen(raw->words[0])) == '[')
        return json_text(c, s, raw->words[0], strlen(raw->words[0]), out);
    return list_words(c, s, raw, out);
}

int acg_cli_complex_json(const struct acg_cli_operation *op, const struct acg_cli_member *m,
                         const struct acg_cli_raw *raw, const struct acg_cli_input_opts *opts,
                         struct acg_buf *out)
{
    const struct acg_shape *s = m->desc->shape;
    struct complex_ctx c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.m = m;
    c.opts = opts;
    c.arena = acg_arena_new();
    if (c.arena == NULL)
        return acg_cli_out_of_memory();
    char first = '\0';
    if (!raw->is_list)
        first = first_char(raw->text, strlen(raw->text));
    else if (raw->word_count > 0)
        first = first_char(raw->words[0], strlen(raw->words[0]));
    int status;
    if (!raw->is_list && acg_utf8_length(raw->text, raw->len) < 0)
        status = acg_cli_param_error(m->option, "the value is not valid UTF-8");
    else if (first != '{' && first != '[' && acg_shorthand_supported(s))
        status = shorthand(&c, s, raw, out);
    else
        status = unpack_complex(&c, s, raw, out);
    acg_arena_destroy(c.arena);
    return status;
}
