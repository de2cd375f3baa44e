/* Service error decoding for the JSON protocols, by botocore's rules (parsers.py), so the
 * code and message a user sees are the AWS CLI's:
 *
 *   awsJson (JSONParser): the code is the body's "__type" ("ns#Name:suffix" made "Name"),
 *   else the HTTP status as text; the X-Amzn-ErrorType header and a body "code" are not
 *   looked at. The message is "message", else "Message", else "" (never "Unknown").
 *   restJson (RestJSONParser): the same, then X-Amzn-ErrorType, else "code" / "Code", wins.
 *   awsQueryCompatible services: an x-amzn-query-error header "Code;Type" replaces the
 *   code with its first part (SQS's "AWS.SimpleQueueService.NonExistentQueue").
 *   A body that is not JSON becomes the message, with the status as the code; a 5xx with
 *   an empty body or one that starts with "<html>" is generic: the status and its reason
 *   phrase.
 *
 * Everything stored is terminal-safe (common/acg_text.h): the text is the server's. */
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

/* Python's http.client.responses for the 5xx codes botocore's generic error uses. */
static const char *reason_phrase(long status)
{
    switch (status) {
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    default: return "";
    }
}

/* botocore's _is_generic_error_response: a 5xx whose body is empty or, stripped of
 * surrounding whitespace, starts with "<html>". */
static bool generic_error(long status, const char *body, size_t len)
{
    if (status < 500)
        return false;
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r' ||
                       body[i] == '\f' || body[i] == '\v'))
        i++;
    return i == len || (len - i >= 6 && memcmp(body + i, "<html>", 6) == 0);
}

/* _do_query_compatible_error_parse: "Code;Type" with exactly one ';' and a code. */
static void query_compatible_code(const char *header, char *code, size_t size)
{
    if (header == NULL)
        return;
    const char *semi = strchr(header, ';');
    if (semi == NULL || semi == header || strchr(semi + 1, ';') != NULL)
        return;
    copy_line(header, (size_t)(semi - header), code, size);
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

int acg_error_decode(enum acg_error_protocol protocol, long http_status,
                     const struct acg_error_headers *h, const char *body, size_t body_len,
                     struct acg_error *err)
{
    static const struct acg_error_headers none = { NULL, NULL, NULL };
    char code[sizeof err->aws_type] = "";
    char message[sizeof err->message] = "";
    char request_id[sizeof err->request_id] = "";
    char body_code[sizeof err->aws_type] = "";   /* restJson's "code" / "Code" */
    bool is_object = false;

    if (err == NULL || err->status != ACG_OK)
        return ACG_ERR_SERVICE;
    if (h == NULL)
        h = &none;
    if (body == NULL)
        body_len = 0;
    if (h->request_id != NULL)
        copy_line(h->request_id, strlen(h->request_id), request_id, sizeof request_id);

    if (generic_error(http_status, body, body_len)) {
        snprintf(code, sizeof code, "%ld", http_status);
        snprintf(message, sizeof message, "%s", reason_phrase(http_status));
        goto done;
    }
    struct acg_arena *arena = body_len > 0 ? acg_arena_new() : NULL;
    if (arena != NULL) {
        struct acg_json_reader r;
        /* A scratch error: a body that is not JSON is not the caller's error. */
        struct acg_error scratch;
        acg_error_init(&scratch);
        if (acg_json_reader_parse(&r, body, body_len, arena, &scratch) == ACG_OK &&
            r.ntoks > 0 && r.toks[0].type == ACG_JSON_OBJECT) {
            is_object = true;
            const char *s = member_string(&r, "__type");
            if (s != NULL)
                bare_code(s, strlen(s), code, sizeof code);
            s = member_string(&r, "code");
            if (s == NULL)
                s = member_string(&r, "Code");
            if (s != NULL)
                bare_code(s, strlen(s), body_code, sizeof body_code);
            s = member_string(&r, "message");
            if (s == NULL)
                s = member_string(&r, "Message");
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
    /* Not a JSON object (text from a proxy): botocore shows the body as the message. */
    if (!is_object && body_len > 0)
        copy_line(body, body_len, message, sizeof message);
    if (code[0] == '\0')
        snprintf(code, sizeof code, "%ld", http_status);
    query_compatible_code(h->query_error, code, sizeof code);
    if (protocol == ACG_ERROR_REST_JSON) {
        if (h->error_type != NULL && h->error_type[0] != '\0')
            bare_code(h->error_type, strlen(h->error_type), code, sizeof code);
        else if (body_code[0] != '\0')
            snprintf(code, sizeof code, "%s", body_code);
    }
done:
    acg_error_set(err, ACG_ERR_SERVICE, "%s", message);
    err->http_status = http_status;
    snprintf(err->aws_type, sizeof err->aws_type, "%s", code);
    snprintf(err->request_id, sizeof err->request_id, "%s", request_id);
    return ACG_ERR_SERVICE;
}
