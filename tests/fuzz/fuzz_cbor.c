/* Fuzz target: the CBOR decoder over the tiny all-shapes model (every shape kind), then the
 * encoder on whatever decoded, whose bytes must decode to the same value again; and the
 * rpc-v2-cbor error decoder. The first byte picks the shape. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbor/acg_cbor.h"
#include "json/acg_json.h"
#include "protocol/acg_protocol.h"
#include "tiny.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes body as shape s and prints it as JSON into out; ACG_OK or the failure. */
static int decode_dump(const struct acg_shape *s, const char *body, size_t len,
                       struct acg_buf *out)
{
    struct acg_arena *arena = acg_arena_new();
    void *v = arena != NULL ? acg_arena_calloc(arena, 1, s->size) : NULL;
    int rc = v == NULL ? ACG_ERR_NOMEM : acg_cbor_decode_body(body, len, s, v, arena, NULL);
    if (rc == ACG_OK) {
        struct acg_json_writer w;
        acg_json_writer_init(&w, out, ACG_JSON_WIRE);
        rc = acg_json_encode(&w, s, v, NULL);
    }
    if (rc == ACG_OK && len > 0) {
        /* Whatever decoded must survive the encoder and decode the same again. */
        struct acg_buf again, dump;
        acg_buf_init(&again, 0);
        acg_buf_init(&dump, 0);
        if (acg_cbor_encode(&again, s, v, NULL, NULL) == ACG_OK) {
            struct acg_arena *a2 = acg_arena_new();
            void *v2 = a2 != NULL ? acg_arena_calloc(a2, 1, s->size) : NULL;
            struct acg_json_writer w;
            acg_json_writer_init(&w, &dump, ACG_JSON_WIRE);
            if (v2 != NULL && (acg_cbor_decode_body(again.data, again.len, s, v2, a2, NULL) != ACG_OK ||
                               acg_json_encode(&w, s, v2, NULL) != ACG_OK ||
                               dump.len != out->len || memcmp(dump.data, out->data, out->len) != 0))
                abort();
            acg_arena_destroy(a2);
        }
        acg_buf_free(&again);
        acg_buf_free(&dump);
    }
    acg_arena_destroy(arena);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    const struct acg_operation *put = acg_service_find_operation(&tiny_service, "PutThing");
    const struct acg_operation *ping = acg_service_find_operation(&tiny_service, "Ping");
    const struct acg_shape *shapes[] = { put->output, put->input, ping->output,
                                         tiny_service.errors[0], tiny_service.errors[1] };
    size_t n = sizeof shapes / sizeof shapes[0];
    if (data[0] % (n + 1) == n) {
        struct acg_service svc = tiny_service;
        struct acg_error err;
        svc.protocol = ACG_PROTOCOL_RPC_V2_CBOR;
        svc.codec = &acg_codec_rpc_v2_cbor;
        struct acg_http_message msg = { 400, body, len, NULL, 0 };
        acg_error_init(&err);
        if (acg_protocol_parse_error(&svc, &msg, "id", &err) != ACG_ERR_SERVICE)
            abort();   /* any answer to a CBOR service reads as a service error */
        acg_error_free(&err);
        return 0;
    }
    struct acg_buf out;
    acg_buf_init(&out, 0);
    (void)decode_dump(shapes[data[0] % (n + 1)], body, len, &out);
    acg_buf_free(&out);
    return 0;
}
