/* A raw HTTP/1.x request as text, split into what the signer needs.
 *
 * The sigv4 tool reads requests in this form (the SigV4 test suite's .req files), and a
 * fuzz target feeds it arbitrary bytes, so the parser trusts nothing: every malformed input
 * ends in ACG_ERR_INVALID_ARG with the line number in err->message.
 *
 * Accepted form:
 *     METHOD SP TARGET SP HTTP/x.y LF
 *     Name: value LF                  (any number of header lines)
 *     SP-or-TAB more of the value LF  (continuation: belongs to the previous header)
 *     LF                              (a blank line, then the body, all remaining bytes)
 * Lines may end in CRLF. TARGET may contain spaces (everything between the first and the
 * last space); it splits at the first '?' into path and query. Without a blank line the
 * request ends after its headers with an empty body.
 *
 *     struct acg_rawreq r;
 *     acg_rawreq_init(&r);
 *     if (acg_rawreq_parse(text, len, &r, &err) == ACG_OK)
 *         ... r.method, r.path, r.headers[i].name ...
 *     acg_rawreq_free(&r);
 */
#ifndef ACG_RAWREQ_H
#define ACG_RAWREQ_H

#include <stddef.h>

#include "common/acg_error.h"
#include "auth/acg_sigv4.h"

struct acg_rawreq {
    const char *method;
    const char *path;              /* the target up to '?' */
    const char *query;             /* after '?', or NULL when the target has none */
    const char *version;           /* "HTTP/1.1" */
    struct acg_header *headers;    /* names as written; a folded value keeps its line breaks */
    size_t header_count;
    const char *body;              /* body_len bytes, which may include NULs; never NULL */
    size_t body_len;
    char *storage_;                /* owned copy of the input that the pointers point into */
};

/* Zeroes r; cannot fail. */
void acg_rawreq_init(struct acg_rawreq *r);

/* Releases what r owns and zeroes it. NULL-safe and idempotent. */
void acg_rawreq_free(struct acg_rawreq *r);

/* Parses data[0..len) into out, which must have been through acg_rawreq_init (a previous
 * parse is released first). out owns a copy: data may go away afterwards. On failure out
 * is left empty (as after acg_rawreq_init). Returns ACG_OK, ACG_ERR_INVALID_ARG or
 * ACG_ERR_NOMEM. */
ACG_NODISCARD int acg_rawreq_parse(const void *data, size_t len, struct acg_rawreq *out,
                                   struct acg_error *err);

/* The request as struct acg_sigv4_request borrows it (payload = body). */
void acg_rawreq_to_sigv4(const struct acg_rawreq *r, struct acg_sigv4_request *req);

#endif
