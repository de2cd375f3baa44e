/* Raw HTTP/1.x request parser for the sigv4 tool and its fuzz target; see acg_rawreq.h.
 *
 * The input is copied once and carved in place: each piece is NUL-terminated where it ends
 * and the struct points into the copy. A header's value is terminated only when the next
 * header (or the end of the head) shows that no continuation line follows. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawreq.h"

/* RFC 9110 token, over s[0..len). */
static bool is_token(const char *s, size_t len)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (c == '\0' || strchr(extra, c) == NULL))
            return false;
    }
    return true;
}

void acg_rawreq_init(struct acg_rawreq *r)
{
    memset(r, 0, sizeof *r);
}

void acg_rawreq_free(struct acg_rawreq *r)
{
    if (r == NULL)
        return;
    free(r->headers);
    free(r->storage_);
    memset(r, 0, sizeof *r);
}

/* One line of the head: [start, end) without its line break; next is where the following
 * line starts (len when this was the last). */
struct line {
    size_t start, end, next;
};

static struct line next_line(const char *s, size_t pos, size_t len)
{
    struct line l = { pos, len, len };
    const char *nl = memchr(s + pos, '\n', len - pos);

    if (nl != NULL) {
        l.end = (size_t)(nl - s);
        l.next = l.end + 1;
    }
    if (l.end > l.start && s[l.end - 1] == '\r')
        l.end--;
    return l;
}

static int parse_request_line(char *s, struct line l, struct acg_rawreq *out, struct acg_error *err)
{
    char *begin = s + l.start, *end = s + l.end;
    char *first_sp = memchr(begin, ' ', l.end - l.start);
    char *last_sp = NULL;

    /* the target may hold spaces (the suite's get-space case): the version follows the
     * last one */
    for (char *c = end; c > begin; c--) {
        if (c[-1] == ' ') {
            last_sp = c - 1;
            break;
        }
    }
    if (first_sp == NULL || last_sp <= first_sp)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "line 1: the request line needs a "
                             "method, a target and an HTTP version separated by spaces");
    if (!is_token(begin, (size_t)(first_sp - begin)))
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "line 1: the method is not an HTTP token");
    if (last_sp - first_sp < 2)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "line 1: the request target is empty");
    if (end - last_sp < 7 || strncmp(last_sp + 1, "HTTP/", 5) != 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG,
                             "line 1: the request line does not end in an HTTP version "
                             "such as HTTP/1.1");

    *first_sp = '\0';
    *last_sp = '\0';
    *end = '\0';
    out->method = begin;
    out->path = first_sp + 1;
    out->version = last_sp + 1;
    char *question = strchr(first_sp + 1, '?');
    if (question != NULL) {
        *question = '\0';
        out->query = question + 1;
    }
    return ACG_OK;
}

static int add_header(struct acg_rawreq *out, size_t *cap, const char *name, const char *value)
{
    if (out->header_count == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 16;
        if (new_cap > SIZE_MAX / sizeof *out->headers)
            return ACG_ERR_NOMEM;
        struct acg_header *h = realloc(out->headers, new_cap * sizeof *h);
        if (h == NULL)
            return ACG_ERR_NOMEM;
        out->headers = h;
        *cap = new_cap;
    }
    out->headers[out->header_count++] = (struct acg_header){ name, value };
    return ACG_OK;
}

/* Parses the header lines from pos on; returns where the body starts (len when the head
 * ran to the end) through body_start. */
static int parse_headers(char *s, size_t pos, size_t len, struct acg_rawreq *out,
                         size_t *body_start, struct acg_error *err)
{
    size_t cap = 0, line_no = 1;
    char *value_end = NULL;   /* where the current header's value will be terminated */

    *body_start = len;
    while (pos < len) {
        struct line l = next_line(s, pos, len);
        char *begin = s + l.start;
        size_t n = l.end - l.start;

        line_no++;
        pos = l.next;
        if (n == 0) {
            *body_start = l.next;
            break;
        }
        if (memchr(begin, '\0', n) != NULL)
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "line %zu: a NUL byte in the head",
                                 line_no);

        if (begin[0] == ' ' || begin[0] == '\t') {
            /* obsolete line folding: the value goes on, line break and all */
            if (value_end == NULL)
                return acg_error_set(err, ACG_ERR_INVALID_ARG, "line %zu: a continuation "
                                     "line comes before any header", line_no);
            value_end = s + l.end;
            continue;
        }

        char *colon = memchr(begin, ':', n);
        if (colon == NULL)
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "line %zu: a header line needs a ':'", line_no);
        if (!is_token(begin, (size_t)(colon - begin)))
            return acg_error_set(err, ACG_ERR_INVALID_ARG,
                                 "line %zu: the header name is empty or not an HTTP token "
                                 "(no spaces before the ':')", line_no);
        if (value_end != NULL)
            *value_end = '\0';
        *colon = '\0';
        char *value = colon + 1;
        while (value < s + l.end && (*value == ' ' || *value == '\t'))
            value++;
        if (add_header(out, &cap, begin, value) != ACG_OK)
            return acg_error_set(err, ACG_ERR_NOMEM, "out of memory for header %zu",
                                 out->header_count + 1);
        value_end = s + l.end;
    }
    if (value_end != NULL)
        *value_end = '\0';
    return ACG_OK;
}

int acg_rawreq_parse(const void *data, size_t len, struct acg_rawreq *out, struct acg_error *err)
{
    if (out == NULL || (data == NULL && len > 0))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "acg_rawreq_parse needs input and a result");
    acg_rawreq_free(out);
    if (len == 0)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the request is empty");
    if (len == SIZE_MAX)
        return acg_error_set(err, ACG_ERR_TOO_LARGE, "the request is too large");

    char *s = malloc(len + 1);
    if (s == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory for a %zu-byte request", len);
    memcpy(s, data, len);
    s[len] = '\0';
    out->storage_ = s;

    struct line first = next_line(s, 0, len);
    size_t body_start;
    int rc;
    if (memchr(s, '\0', first.end) != NULL)
        rc = acg_error_set(err, ACG_ERR_INVALID_ARG, "line 1: a NUL byte in the request line");
    else
        rc = parse_request_line(s, first, out, err);
    if (rc == ACG_OK)
        rc = parse_headers(s, first.next, len, out, &body_start, err);
    if (rc != ACG_OK) {
        acg_rawreq_free(out);
        return rc;
    }
    out->body = s + body_start;
    out->body_len = len - body_start;
    return ACG_OK;
}

void acg_rawreq_to_sigv4(const struct acg_rawreq *r, struct acg_sigv4_request *req)
{
    memset(req, 0, sizeof *req);
    req->method = r->method;
    req->path = r->path;
    req->query = r->query;
    req->headers = r->headers;
    req->header_count = r->header_count;
    req->payload = r->body;
    req->payload_len = r->body_len;
}
