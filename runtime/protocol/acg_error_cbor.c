/* Service errors of smithy-rpc-v2-cbor, as botocore's RpcV2CBORParser reads them: the code
 * is the body's "__type" (an absolute shape ID, "com.amazonaws.gamelift#NotFoundException";
 * whatever follows a ':' and precedes the last '#' is dropped), else the HTTP status; an
 * awsQueryCompatible service's x-amzn-query-error header ("Code;Sender") replaces it; the
 * message is the body's "message", else "Message". The X-Amzn-ErrorType header is ignored,
 * as the protocol requires. A body that is not a CBOR map (a proxy's HTML page, nothing at
 * all) still gives an error: the status as the code, and what the body was as the message.
 *
 * Pure: no I/O, nothing kept after the call, any bytes accepted (a fuzz target feeds it). */
#include <stdio.h>
#include <string.h>

#include "cbor/acg_cbor.h"
#include "acg_text_private.h"
#include "acg_protocol_private.h"

/* The members an error body is read for; every other one is skipped. */
struct error_body {
    const char *type;
    const char *message;
    const char *message_upper;
};

static const struct acg_member error_members[] = {
    { .name = "__type", .shape = &acg_shape_string, .offset = offsetof(struct error_body, type) },
    { .name = "message", .shape = &acg_shape_string,
      .offset = offsetof(struct error_body, message) },
    { .name = "Message", .shape = &acg_shape_string,
      .offset = offsetof(struct error_body, message_upper) },
};

static const struct acg_shape error_shape = {
    .name = "RpcV2CborError", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct error_body),
    .members = error_members, .member_count = 3,
};

/* Copies the bare code out of raw[0..len): the part after the last '#' of the part before
 * the first ':' (botocore's split(':')[0].rsplit('#')[-1]). */
static void bare_code(const char *raw, size_t len, char *out, size_t size)
{
    const char *colon = memchr(raw, ':', len);
    const char *start = raw;
    if (colon != NULL)
        len = (size_t)(colon - raw);
    for (size_t i = 0; i < len; i++) {
        if (raw[i] == '#')
            start = raw + i + 1;
    }
    len -= (size_t)(start - raw);
    snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), start);
}

/* Copies s into out with control characters as spaces: the text ends up on one line. */
static void one_line(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    out[o] = '\0';
}

/* The message for a body that says nothing: empty, or not CBOR (shown when it is text). */
static void describe_body(long status, const char *body, size_t len, char *out, size_t size)
{
    char excerpt[161] = "";
    size_t n = len < sizeof excerpt - 1 ? len : sizeof excerpt - 1;
    if (len == 0) {
        snprintf(out, size, "HTTP %ld with an empty body", status);
        return;
    }
    /* Text is shown (its end may cut a character short); binary is not. */
    size_t valid = acg_utf8_valid_prefix(body, n);
    if (valid == n || (len > n && valid + 3 >= n))
        one_line(body, valid, excerpt, sizeof excerpt);
    snprintf(out, size, "HTTP %ld with a body that is not CBOR%s%s%s", status,
             excerpt[0] != '\0' ? ": " : "", excerpt, len > n && excerpt[0] != '\0' ? "..." : "");
}

int acg_error_cbor_decode(long http_status, const char *query_error_header,
                          const char *request_id_header, const char *body, size_t body_len,
                          struct acg_error *err)
{
    struct error_body eb;
    char code[sizeof err->aws_type], message[sizeof err->message];
    if (err == NULL || err->status != ACG_OK)
        return ACG_ERR_SERVICE;
    memset(&eb, 0, sizeof eb);
    snprintf(code, sizeof code, "%ld", http_status);
    message[0] = '\0';
    struct acg_arena *arena = acg_arena_new();
    if (arena != NULL && body_len > 0 &&
        acg_cbor_decode_body(body, body_len, &error_shape, &eb, arena, NULL) == ACG_OK) {
        if (eb.type != NULL)
            bare_code(eb.type, strlen(eb.type), code, sizeof code);
        const char *m = eb.message != NULL ? eb.message : eb.message_upper;
        if (m != NULL)
            one_line(m, strlen(m), message, sizeof message);
    } else {
        describe_body(http_status, body, body_len, message, sizeof message);
    }
    acg_arena_destroy(arena);
    /* "AWS.SimpleQueueService.NonExistentQueue;Sender": the query protocol's code. */
    const char *semi = query_error_header != NULL ? strchr(query_error_header, ';') : NULL;
    if (semi != NULL && semi != query_error_header && strchr(semi + 1, ';') == NULL)
        snprintf(code, sizeof code, "%.*s", (int)(semi - query_error_header), query_error_header);

    acg_error_set(err, ACG_ERR_SERVICE, "%s", message);
    err->http_status = http_status;
    acg_copy_str(err->aws_type, sizeof err->aws_type, code);
    if (request_id_header != NULL)
        one_line(request_id_header, strlen(request_id_header), err->request_id,
                 sizeof err->request_id);
    return ACG_ERR_SERVICE;
}
