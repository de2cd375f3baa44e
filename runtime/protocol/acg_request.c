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
