/* libyaml events -> document tree. JSON is read by the same parser (JSON is YAML to
 * libyaml), and gzip input is inflated first, so botocore's data folder loads as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <yaml.h>
#include <zlib.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "load.h"

#define MAX_DEPTH 256
#define MAX_FILE (512u << 20)

static struct gen_mark mark_of(yaml_mark_t m)
{
    struct gen_mark g = { (int)m.line + 1, (int)m.column + 1 };
    return g;
}

static void hash_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < 32; i++)
        snprintf(out + (size_t)2 * i, 3, "%02x", md[i]);
}

static int inflate_gzip(const char *name, const unsigned char *in, size_t len, struct acg_buf *out,
                        struct diag *d)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 32) != Z_OK) {
        diag_error(d, name, (struct gen_mark){ 0, 0 }, "cannot start gzip decompression");
        return -1;
    }
    zs.next_in = (unsigned char *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    int zrc = Z_OK;
    while (zrc != Z_STREAM_END) {
        if (acg_buf_reserve(out, 1 << 16) != ACG_OK) {
            diag_error(d, name, (struct gen_mark){ 0, 0 }, "decompressed model is too large");
            inflateEnd(&zs);
            return -1;
        }
        zs.next_out = (unsigned char *)out->data + out->len;
        zs.avail_out = (uInt)(out->cap - out->len - 1);
        size_t before = zs.avail_out;
        zrc = inflate(&zs, Z_NO_FLUSH);
        out->len += before - zs.avail_out;
        out->data[out->len] = '\0';
        if (zrc != Z_OK && zrc != Z_STREAM_END) {
            diag_error(d, name, (struct gen_mark){ 0, 0 }, "corrupt gzip data: %s",
                       zs.msg ? zs.msg : "inflate failed");
            inflateEnd(&zs);
            return -1;
        }
        if (zrc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            diag_error(d, name, (struct gen_mark){ 0, 0 }, "truncated gzip data");
            inflateEnd(&zs);
            return -1;
        }
    }
    inflateEnd(&zs);
    return 0;
}

struct builder {
    struct acg_arena *arena;
    const char *name;
    struct diag *d;
};

/* Children are gathered in a growable array, then copied into the arena once complete. */
struct kids {
    struct doc_node **v;
    size_t n, cap;
};

static int kids_push(struct kids *k, struct doc_node *n)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 8;
        struct doc_node **p = realloc(k->v, cap * sizeof *p);
        if (p == NULL)
            return -1;
        k->v = p;
        k->cap = cap;
    }
    k->v[k->n++] = n;
    return 0;
}

static struct doc_node *parse_node(struct builder *b, yaml_parser_t *p, yaml_event_t *ev, int depth);

static int next_event(struct builder *b, yaml_parser_t *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(p, ev))
        return 0;
    struct gen_mark m = mark_of(p->problem_mark);
    diag_error(b->d, b->name, m, "malformed YAML: %s%s%s", p->problem ? p->problem : "parse error",
               p->context ? " " : "", p->context ? p->context : "");
    return -1;
}

static struct doc_node *parse_collection(struct builder *b, yaml_parser_t *p, yaml_event_t *start,
                                         int depth)
{
    bool is_map = start->type == YAML_MAPPING_START_EVENT;
    yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    struct doc_node *node = acg_arena_calloc(b->arena, 1, sizeof *node);
    struct kids kids = { 0 };
    if (node == NULL)
        return NULL;
    node->kind = is_map ? DOC_MAP : DOC_SEQ;
    node->mark = mark_of(start->start_mark);
    if (depth > MAX_DEPTH) {
        diag_error(b->d, b->name, node->mark, "nesting deeper than %d levels", MAX_DEPTH);
        return NULL;
    }
    for (;;) {
        yaml_event_t ev;
        if (next_event(b, p, &ev) != 0)
            goto fail;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            break;
        }
        struct doc_node *child = parse_node(b, p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (child == NULL || kids_push(&kids, child) != 0)
            goto fail;
    }
    if (is_map) {
        node->count = kids.n / 2;
        node->pairs = acg_arena_calloc(b->arena, node->count, sizeof *node->pairs);
        if (node->pairs == NULL)
            goto fail;
        for (size_t i = 0; i < node->count; i++) {
            struct doc_node *key = kids.v[2 * i];
            if (key->kind != DOC_SCALAR) {
                diag_error(b->d, b->name, key->mark, "mapping keys must be scalars");
                goto fail;
            }
            for (size_t j = 0; j < i; j++) {
                if (strcmp(node->pairs[j].key->text, key->text) == 0) {
                    diag_error(b->d, b->name, key->mark, "duplicate key \"%s\" (first at line %d)",
                               key->text, node->pairs[j].key->mark.line);
                    goto fail;
                }
            }
            node->pairs[i].key = key;
            node->pairs[i].value = kids.v[2 * i + 1];
        }
    } else {
        node->count = kids.n;
        node->items = acg_arena_calloc(b->arena, kids.n, sizeof *node->items);
        if (node->items == NULL)
            goto fail;
        if (kids.n)
            memcpy(node->items, kids.v, kids.n * sizeof *kids.v);
    }
    free(kids.v);
    return node;
fail:
    free(kids.v);
    return NULL;
}

static struct doc_node *parse_node(struct builder *b, yaml_parser_t *p, yaml_event_t *ev, int depth)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        struct doc_node *node = acg_arena_calloc(b->arena, 1, sizeof *node);
        if (node == NULL)
            return NULL;
        node->kind = DOC_SCALAR;
        node->mark = mark_of(ev->start_mark);
        node->text = acg_arena_strndup(b->arena, (const char *)ev->data.scalar.value,
                                       ev->data.scalar.length);
        node->text_len = ev->data.scalar.length;
        node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        return node->text ? node : NULL;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return parse_collection(b, p, ev, depth);
    case YAML_ALIAS_EVENT:
        diag_error(b->d, b->name, mark_of(ev->start_mark), "YAML aliases are not supported in models");
        return NULL;
    default:
        diag_error(b->d, b->name, mark_of(ev->start_mark), "unexpected YAML event");
        return NULL;
    }
}

static int parse_yaml(struct builder *b, const char *bytes, size_t len, struct doc *out)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int rc = -1;
    if (!yaml_parser_initialize(&p)) {
        diag_error(b->d, b->name, (struct gen_mark){ 0, 0 }, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)bytes, len);
    /* stream start, document start, root node, document end */
    for (;;) {
        if (next_event(b, &p, &ev) != 0)
            goto done;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            if (out->root == NULL)
                diag_error(b->d, b->name, (struct gen_mark){ 0, 0 }, "the file holds no document");
            break;
        }
        if (t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (out->root != NULL) {
            diag_error(b->d, b->name, mark_of(ev.start_mark), "more than one document in the file");
            yaml_event_delete(&ev);
            goto done;
        }
        out->root = parse_node(b, &p, &ev, 0);
        yaml_event_delete(&ev);
        if (out->root == NULL)
            goto done;
    }
    rc = out->root ? 0 : -1;
done:
    yaml_parser_delete(&p);
    if (rc != 0)
        out->root = NULL;
    return rc;
}

int doc_load_bytes(const char *name, const char *bytes, size_t len, struct doc *out, struct diag *d)
{
    struct acg_buf plain;
    int rc;
    memset(out, 0, sizeof *out);
    out->path = name;
    hash_hex(bytes, len, out->sha256);
    out->pool = acg_arena_new();
    if (out->pool == NULL)
        return -1;
    struct builder b = { out->pool, name, d };
    acg_buf_init(&plain, MAX_FILE);
    if (len >= 2 && (unsigned char)bytes[0] == 0x1f && (unsigned char)bytes[1] == 0x8b) {
        if (inflate_gzip(name, (const unsigned char *)bytes, len, &plain, d) != 0) {
            acg_buf_free(&plain);
            return -1;
        }
        bytes = plain.data;
        len = plain.len;
    }
    rc = parse_yaml(&b, bytes, len, out);
    acg_buf_free(&plain);
    return rc;
}

int doc_load(const char *path, struct doc *out, struct diag *d)
{
    struct acg_buf raw;
    char chunk[1 << 16];
    size_t n;
    FILE *f = fopen(path, "rb");
    memset(out, 0, sizeof *out);
    out->path = path;
    if (f == NULL) {
        diag_error(d, path, (struct gen_mark){ 0, 0 }, "cannot open the model file");
        return -1;
    }
    acg_buf_init(&raw, MAX_FILE);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (acg_buf_append(&raw, chunk, n) != ACG_OK) {
            diag_error(d, path, (struct gen_mark){ 0, 0 }, "the model file is too large");
            fclose(f);
            acg_buf_free(&raw);
            return -1;
        }
    }
    fclose(f);
    int rc = doc_load_bytes(path, raw.data ? raw.data : "", raw.len, out, d);
    acg_buf_free(&raw);
    return rc;
}

void doc_free(struct doc *doc)
{
    if (doc == NULL)
        return;
    acg_arena_destroy(doc->pool);
    doc->pool = NULL;
    doc->root = NULL;
}

const struct doc_node *doc_get(const struct doc_node *map, const char *key)
{
    if (map == NULL || map->kind != DOC_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->pairs[i].key->text, key) == 0)
            return map->pairs[i].value;
    }
    return NULL;
}

const char *doc_get_str(const struct doc_node *map, const char *key)
{
    const struct doc_node *n = doc_get(map, key);
    return doc_is_scalar(n) ? n->text : NULL;
}

bool doc_is_scalar(const struct doc_node *n)
{
    return n != NULL && n->kind == DOC_SCALAR;
}

bool doc_is_true(const struct doc_node *n)
{
    return doc_is_scalar(n) && !n->quoted && strcmp(n->text, "true") == 0;
}
