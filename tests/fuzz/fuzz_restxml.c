/* Fuzz target: the restXml walkers (acg_restxml.c over the shared REST bindings, the XML
 * decoder and writer, the XML error decoder), on the restJson1 fixture model read as a
 * restXml service (tests/fixtures/models/restjson has every binding the REST protocols
 * have), generated with --prefix restfixture by tests/fuzz/run.sh.
 *
 * Input: byte 0 picks the job and the shape. Even: a response for the output or modelled
 * error it picks (operations' outputs, then errors, in table order); byte 1 gives the
 * status (200 + byte % 400), then header lines "name: value\n" up to a NUL byte, then the
 * body. The protocol's parser reads it; what decoded is validated and written back in both
 * styles, and the error decoders look at it too. Odd: the rest is --cli-input-json for the
 * input of the operation it picks, and the request is built from whatever decoded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/acg_json.h"
#include "restfixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 64

static void token(void *ctx, char out[37])
{
    (void)ctx;
    memcpy(out, "00000000-1111-4222-8333-444444444444", 37);
}

/* The fixture's service, speaking restXml (and Route 53's id rule: its service id). */
static struct acg_service xml_service(void)
{
    struct acg_service svc = restfixture_service;
    svc.protocol = ACG_PROTOCOL_REST_XML;
    svc.codec = &acg_codec_rest_xml;
    svc.service_id = "Route 53";
    return svc;
}

static void encode(const struct acg_shape *s, const void *v, enum acg_json_style style)
{
    struct acg_buf b;
    struct acg_json_writer w;
    struct acg_json_encode_opts opts = { .member_names = style != ACG_JSON_WIRE };
    acg_buf_init(&b, 0);
    acg_json_writer_init(&w, &b, style);
    (void)acg_json_encode(&w, s, v, &opts);
    acg_buf_free(&b);
}

/* The shape-th output or error shape of the service, wrapping around. */
static const struct acg_shape *response_shape(const struct acg_service *svc, size_t pick)
{
    size_t n = 0;
    for (size_t i = 0; i < svc->operation_count; i++)
        n += svc->operations[i]->output != NULL;
    n += svc->error_count;
    pick %= n;
    for (size_t i = 0; i < svc->operation_count; i++) {
        if (svc->operations[i]->output == NULL)
            continue;
        if (pick-- == 0)
            return svc->operations[i]->output;
    }
    return svc->errors[pick];
}

/* "name: value\n" lines into headers (names and values NUL-terminated in text). */
static size_t split_headers(char *text, struct acg_header *headers)
{
    size_t n = 0;
    for (char *line = text; *line != '\0' && n < MAX_HEADERS;) {
        char *end = strchr(line, '\n');
        char *colon = strchr(line, ':');
        if (end != NULL)
            *end = '\0';
        if (colon != NULL && (end == NULL || colon < end)) {
            *colon = '\0';
            char *value = colon + 1;
            while (*value == ' ')
                value++;
            headers[n++] = (struct acg_header){ line, value };
        }
        if (end == NULL)
            break;
        line = end + 1;
    }
    return n;
}

static void response(const uint8_t *data, size_t size)
{
    const struct acg_service service = xml_service();
    const struct acg_service *svc = &service;
    const struct acg_shape *s = response_shape(svc, data[0] >> 1);
    const uint8_t *rest = data + 2;
    size_t len = size - 2;
    const uint8_t *nul = memchr(rest, 0, len);
    size_t head_len = nul != NULL ? (size_t)(nul - rest) : 0;
    char *head = malloc(head_len + 1);
    struct acg_header headers[MAX_HEADERS];
    if (head == NULL)
        return;
    memcpy(head, rest, head_len);
    head[head_len] = '\0';
    size_t header_count = split_headers(head, headers);
    if (nul != NULL) {
        rest = nul + 1;
        len -= head_len + 1;
    }
    struct acg_http_message msg = { 200 + data[1] % 400, (const char *)rest, len, headers,
                                    header_count };
    struct acg_arena *arena = acg_arena_new();
    void *v = calloc(1, s->size);
    if (arena != NULL && v != NULL &&
        acg_protocol_parse(svc, s, &msg, v, arena, NULL) == ACG_OK) {
        struct acg_validator val;
        acg_validator_init(&val);
        acg_validate_shape(&val, s, v);
        encode(s, v, ACG_JSON_WIRE);
        encode(s, v, ACG_JSON_REDACTED);
    }
    struct acg_error err;
    acg_error_init(&err);
    (void)acg_protocol_parse_error(svc, &msg, NULL, &err);
    acg_error_free(&err);
    acg_arena_destroy(arena);
    free(v);
    free(head);
}

static void request(const uint8_t *data, size_t size)
{
    const struct acg_service service = xml_service();
    const struct acg_service *svc = &service;
    const struct acg_operation *op = svc->operations[(data[0] >> 1) % svc->operation_count];
    struct acg_arena *arena = acg_arena_new();
    void *in = op->input != NULL && arena != NULL ? acg_arena_calloc(arena, 1, op->input->size)
                                                  : NULL;
    if (in != NULL && acg_json_decode_input((const char *)data + 1, size - 1, op->input, in,
                                            arena, NULL) == ACG_OK) {
        struct acg_build_ctx ctx = { token, NULL };
        struct acg_request req;
        struct acg_arena *prepared = NULL;
        const void *ready = in;
        char host[256];
        acg_request_init(&req);
        if (acg_protocol_prepare_input(svc, op, in, &prepared, &ready, NULL) == ACG_OK)
            (void)acg_protocol_build(svc, op, ready, &ctx, &req, NULL);
        acg_arena_destroy(prepared);
        if (op->host_prefix != NULL)
            (void)acg_request_host_prefix(op, in, host, sizeof host, NULL);
        acg_request_free(&req);
    }
    acg_arena_destroy(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    if (data[0] & 1)
        request(data, size);
    else
        response(data, size);
    return 0;
}
