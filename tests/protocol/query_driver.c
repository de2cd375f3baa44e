/* Drives the awsQuery/ec2 protocol code over one generated service for the differential
 * tests (test_query_botocore_diff.py), which compile it with -DSERVICE=<prefix>_service.
 *
 * Records on stdin: "<req|resp|error|fault> <Operation or shape> <len>\n<len bytes>".
 *   req    the bytes are the operation's input as JSON; answers the request body built
 *   resp   the bytes are an XML answer; answers the decoded output as JSON
 *   error  like resp for the modelled error shape named
 *   fault  the bytes are an error body (status 400); answers "code\nmessage\nrequest id"
 * Answers on stdout: "<status> <len>\n<len bytes>" (the error message when status != 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_runtime.h"
#include "json/acg_json.h"
#include "protocol/acg_protocol.h"

extern const struct acg_service SERVICE;

static void token(void *ctx, char out[37])
{
    (void)ctx;
    memcpy(out, "00000000-0000-4000-8000-000000000000", 37);
}

static int build(const struct acg_operation *op, const char *in_json, size_t len,
                 struct acg_buf *out, struct acg_error *err)
{
    struct acg_arena *arena = acg_arena_new();
    void *in = op->input != NULL ? calloc(1, op->input->size) : NULL;
    struct acg_request req;
    struct acg_build_ctx ctx = { token, NULL };
    int rc = ACG_OK;
    acg_request_init(&req);
    if (op->input != NULL)
        rc = acg_json_decode_input(in_json, len, op->input, in, arena, err);
    if (rc == ACG_OK)
        rc = acg_protocol_build(&SERVICE, op, in, &ctx, &req, err);
    if (rc == ACG_OK)
        rc = acg_buf_append(out, req.body.data != NULL ? req.body.data : "", req.body.len);
    acg_request_free(&req);
    free(in);
    acg_arena_destroy(arena);
    return rc;
}

static int parse(const struct acg_shape *s, const char *xml, size_t len, struct acg_buf *out,
                 struct acg_error *err)
{
    struct acg_arena *arena = acg_arena_new();
    void *value = calloc(1, s->size);
    struct acg_http_message msg = { .status = 200, .body = xml, .body_len = len };
    struct acg_json_writer w;
    struct acg_json_encode_opts opts = { .member_names = true };
    int rc = acg_protocol_parse(&SERVICE, s, &msg, value, arena, err);
    acg_json_writer_init(&w, out, ACG_JSON_DISPLAY);
    w.err = err;
    if (rc == ACG_OK)
        rc = acg_json_encode(&w, s, value, &opts);
    free(value);
    acg_arena_destroy(arena);
    return rc;
}

static int fault(const char *xml, size_t len, struct acg_buf *out)
{
    struct acg_error e;
    struct acg_http_message msg = { .status = 400, .body = xml, .body_len = len };
    acg_error_init(&e);
    int rc = acg_protocol_parse_error(&SERVICE, &msg, NULL, &e);
    if (rc == ACG_ERR_SERVICE &&
        acg_buf_printf(out, "%s\n%s\n%s", e.aws_type, e.message, e.request_id) == ACG_OK)
        rc = ACG_OK;
    acg_error_free(&e);
    return rc;
}

static const struct acg_shape *find_error(const char *name)
{
    for (size_t i = 0; i < SERVICE.error_count; i++) {
        if (strcmp(SERVICE.errors[i]->name, name) == 0)
            return SERVICE.errors[i];
    }
    return NULL;
}

static int run(const char *verb, const char *name, const char *buf, size_t len,
               struct acg_buf *out, struct acg_error *err)
{
    const struct acg_operation *op = acg_service_find_operation(&SERVICE, name);
    if (strcmp(verb, "fault") == 0)
        return fault(buf, len, out);
    if (strcmp(verb, "error") == 0) {
        const struct acg_shape *s = find_error(name);
        return s != NULL ? parse(s, buf, len, out, err) : ACG_ERR_INVALID_ARG;
    }
    if (op == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "no operation %s", name);
    if (strcmp(verb, "req") == 0)
        return build(op, buf, len, out, err);
    if (op->output == NULL)
        return ACG_OK;
    return parse(op->output, buf, len, out, err);
}

int main(void)
{
    char verb[16], name[256];
    size_t len;
    while (scanf("%15s %255s %zu", verb, name, &len) == 3) {
        char *buf = malloc(len + 1);
        if (buf == NULL || getchar() != '\n' || fread(buf, 1, len, stdin) != len)
            return 2;
        buf[len] = '\0';
        struct acg_buf out;
        struct acg_error err;
        acg_buf_init(&out, 0);
        acg_error_init(&err);
        int rc = run(verb, name, buf, len, &out, &err);
        if (rc == ACG_OK) {
            printf("0 %zu\n", out.len);
            fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
        } else {
            char msg[1024];
            int n = snprintf(msg, sizeof msg, "%s: %s", err.where, err.message);
            printf("%d %d\n%s", rc, n, msg);
        }
        fflush(stdout);
        acg_buf_free(&out);
        acg_error_free(&err);
        free(buf);
    }
    return 0;
}
