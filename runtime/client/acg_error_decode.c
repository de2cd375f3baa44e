/* Service error decoding for the JSON protocols (awsJson1_0, awsJson1_1).
 *
 * AWS sends the error code in the X-Amzn-ErrorType header and/or the body's "__type"
 * (sometimes "code"), often qualified: "aws.protocoltests.json#FooError" or
 * "FooError:http://internal.amazon.com/coral/...". The code generated decoders and the
 * retry rules compare against is the bare shape name. Bodies come from proxies and load
 * balancers too, so HTML, plain text and empty bodies must still give a useful error. */
#include <stdio.h>
#include <string.h>

#include "common/acg_arena.h"
#include "common/acg_text.h"
#include "client/acg_error_decode.h"
#include "json/acg_json.h"

/* Copies the bare code out of raw[0..len): the part after the last '#' of the part
 * before the first ':'. */
static void bare_code(const char *raw, size_t len, char *out, size_t out_size)
{
    const char *colon = memchr(raw, ':', len);
    if (colon != NULL)
        len = (size_t)(colon - raw);
    for (size_t i = len; i > 0; i--) {
        if (raw[i - 1] == '#') {
            raw += i;
            len -= i;
            break;
        }
    }
    while (len > 0 && (raw[0] == ' ' || raw[0] == '\t')) {
        raw++;
        len--;
    }
    while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
        len--;
    acg_escape_copy(out, out_size, raw, len, ACG_ESCAPE_LINE);
}

/* Copies s into out as one terminal-safe line (common/acg_text.h): the text is the
 * server's, and ends up on a terminal or in a log. */
static void copy_line(const char *s, size_t len, char *out, size_t out_size)
{
    acg_escape_copy(out, out_size, s, len, ACG_ESCAPE_LINE);
}

static const char *reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Server Error" : "Client Error";
    }
}

/* The string value of member name in the top-level object, or NULL. */
static const char *member_string(struct acg_json_reader *r, const char *name)
{
    for (int key = acg_json_object_next(r, 0, 0); key > 0; key = acg_json_object_next(r, 0, key)) {
        if (!acg_json_key_is(r, key, name) || r->toks[key + 1].type != ACG_JSON_STRING)
            continue;
        const char *s = NULL;
        if (acg_json_read_string(r, key + 1, &s) == ACG_OK)
            return s;
    }
    return NULL;
}

int acg_error_decode(long http_status, const char *error_type_header, const char *request_id_header,
                     const char *body, size_t body_len, struct acg_error *err)
{
    char code[sizeof err->aws_type] = "";
    char message[sizeof err->message] = "";
    char request_id[sizeof err->request_id] = "";
    bool parsed = false;

    if (err == NULL || err->status != ACG_OK)
        return ACG_ERR_SERVICE;
    if (error_type_header != NULL && error_type_header[0] != '\0')
        bare_code(error_type_header, strlen(error_type_header), code, sizeof code);
    if (request_id_header != NULL)
        copy_line(request_id_header, strlen(request_id_header), request_id, sizeof request_id);

    struct acg_arena *arena = body_len > 0 ? acg_arena_new() : NULL;
    if (arena != NULL) {
        struct acg_json_reader r;
        /* A scratch error: a body that is not JSON is not the caller's error. */
        struct acg_error scratch;
        acg_error_init(&scratch);
        if (acg_json_reader_parse(&r, body, body_len, arena, &scratch) == ACG_OK &&
            r.ntoks > 0 && r.toks[0].type == ACG_JSON_OBJECT) {
            parsed = true;
            const char *s;
            if (code[0] == '\0') {
                s = member_string(&r, "__type");
                if (s == NULL)
                    s = member_string(&r, "code");
                if (s == NULL)
                    s = member_string(&r, "Code");
                if (s != NULL)
                    bare_code(s, strlen(s), code, sizeof code);
            }
            s = member_string(&r, "message");
            if (s == NULL)
                s = member_string(&r, "Message");
            if (s == NULL)
                s = member_string(&r, "errorMessage");
            if (s != NULL)
                copy_line(s, strlen(s), message, sizeof message);
            if (request_id[0] == '\0') {
                s = member_string(&r, "requestId");
                if (s != NULL)
                    copy_line(s, strlen(s), request_id, sizeof request_id);
            }
        }
        acg_json_reader_free(&r);
        acg_error_free(&scratch);
        acg_arena_destroy(arena);
    }

    if (code[0] == '\0')
        snprintf(code, sizeof code, "%ld", http_status);
    if (!parsed && body_len > 0) {
        /* Not JSON: an HTML page from a proxy, a plain-text answer. Show its start. */
        char excerpt[161];
        copy_line(body, body_len < sizeof excerpt - 1 ? body_len : sizeof excerpt - 1, excerpt,
                  sizeof excerpt);
        snprintf(message, sizeof message, "%s (HTTP %ld; body not JSON: %s%s)",
                 reason_phrase(http_status), http_status, excerpt,
                 body_len > sizeof excerpt - 1 ? "..." : "");
    } else if (message[0] == '\0' && !parsed) {
        snprintf(message, sizeof message, "%s (HTTP %ld, empty body)", reason_phrase(http_status),
                 http_status);
    }

    acg_error_set(err, ACG_ERR_SERVICE, "%s", message);
    err->http_status = http_status;
    snprintf(err->aws_type, sizeof err->aws_type, "%s", code);
    snprintf(err->request_id, sizeof err->request_id, "%s", request_id);
    return ACG_ERR_SERVICE;
}
