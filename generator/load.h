/* Stage 1: reads a YAML or JSON file (optionally gzip-compressed) into a document tree
 * whose every node remembers its line and column. */
#ifndef GEN_LOAD_H
#define GEN_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum doc_kind { DOC_SCALAR, DOC_MAP, DOC_SEQ };

struct doc_node;

struct doc_pair {
    struct doc_node *key;    /* always a scalar */
    struct doc_node *value;
};

struct doc_node {
    enum doc_kind kind;
    struct gen_mark mark;
    /* DOC_SCALAR */
    const char *text;        /* NUL-terminated */
    size_t text_len;
    bool quoted;             /* written in quotes: a string even when it looks like 12 or true */
    /* DOC_MAP: pairs in file order; DOC_SEQ: items */
    size_t count;
    struct doc_pair *pairs;
    struct doc_node **items;
};

struct doc {
    const char *path;        /* as given; used in diagnostics */
    struct doc_node *root;   /* NULL when loading failed */
    char sha256[65];         /* of the file's bytes as stored (before decompression) */
    void *pool;              /* owns every node and string */
};

/* Returns 0, or -1 with a diagnostic naming file:line:column. */
int doc_load(const char *path, struct doc *out, struct diag *d);
/* Parses bytes already in memory (for tests and fuzzing); name is used in diagnostics. */
int doc_load_bytes(const char *name, const char *bytes, size_t len, struct doc *out, struct diag *d);
void doc_free(struct doc *doc);

/* The value of key in a map node, or NULL (also when node is NULL or not a map). */
const struct doc_node *doc_get(const struct doc_node *map, const char *key);
/* The scalar text of map[key], or NULL when missing or not a scalar. */
const char *doc_get_str(const struct doc_node *map, const char *key);
bool doc_is_scalar(const struct doc_node *n);
/* true for an unquoted scalar "true". */
bool doc_is_true(const struct doc_node *n);

#endif
