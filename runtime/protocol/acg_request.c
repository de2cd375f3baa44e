/* The request a protocol builds: method, path, query, headers and body. */
#include <stdlib.h>
#include <string.h>

#include "common/acg_text.h"
#include "protocol/acg_protocol.h"

void acg_request_init(struct acg_request *r)
{
    memset(r, 0, sizeof *r);
    r->method = "POST";
    acg_buf_init(&r->path, 0);
    acg_buf_init(&r->query, 0);
    acg_buf_init(&r->body, 0);
}

void acg_request_free(struct acg_request *r)
{
    if (r == NULL)
        return;
    acg_buf_free(&r->path);
    acg_buf_free(&r->query);
    acg_buf_free(&r->body);
    free(r->headers);
    acg_arena_destroy(r->arena);
    acg_request_init(r);
}

int acg_request_add_header(struct acg_request *r, const char *name, const char *value,
                           struct acg_error *err)
{
    if (!acg_text_is_header_safe(value, strlen(value)))
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "the value of header %s has a control character", name);
    if (r->arena == NULL && (r->arena = acg_arena_new()) == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    if (r->header_count == r->header_cap) {
        size_t cap = r->header_cap ? r->header_cap * 2 : 8;
        struct acg_header *h = realloc(r->headers, cap * sizeof *h);
        if (h == NULL)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
        r->headers = h;
        r->header_cap = cap;
    }
    const char *n = acg_arena_strndup(r->arena, name, strlen(name));
    const char *v = acg_arena_strndup(r->arena, value, strlen(value));
    if (n == NULL || v == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    r->headers[r->header_count++] = (struct acg_header){ n, v };
    return ACG_OK;
}

/* A string input member's value, or NULL. */
/* A string input member's value, or NULL. */
static const char *string_member(const struct acg_shape *in_shape, const void *in,
                                 const char *name)
{
    const struct acg_member *m = acg_shape_find_member(in_shape, name, strlen(name));
    const char *v = NULL;
    if (m != NULL && m->shape->type == ACG_SHAPE_STRING)
        memcpy(&v, (const unsigned char *)in + m->offset, sizeof v);
    return v;
}

int acg_request_host_prefix(const struct acg_operation *op, const void *in, char *out,
                            size_t size, struct acg_error *err)
{
    static const char label_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-.";
    size_t n = 0;
    for (const char *p = op->host_prefix; *p != '\0';) {
        const char *piece = p;
        size_t len = 1;
        if (*p == '{') {
            const char *end = strchr(p, '}');
            char label[128];
            len = end != NULL ? (size_t)(end - p - 1) : 0;
            if (end == NULL || len >= sizeof label)
                return acg_error_set(err, ACG_ERR_INVALID_ARG, "bad hostPrefix in %s", op->name);
            memcpy(label, p + 1, len);
            label[len] = '\0';
            piece = op->input != NULL && in != NULL ? string_member(op->input, in, label) : NULL;
            if (piece == NULL || piece[0] == '\0' || strspn(piece, label_chars) != strlen(piece))
                return acg_error_set_at(err, ACG_ERR_VALIDATION, label,
                                        "Invalid value for parameter %s: must be a valid host "
                                        "label", label);
            p = end + 1;
            len = strlen(piece);
        } else {
            p++;
        }
        if (n + len >= size)
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "the host prefix is too long");
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = '\0';
    return ACG_OK;
}
