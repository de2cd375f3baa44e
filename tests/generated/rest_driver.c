/* The C side of tests/generated/test_restjson_diff.py: one program per service, built from
 * acg-gen output (--prefix svc) in the test's build folder. It runs the runtime's real
 * steps on what the test sends and prints what they made, for comparison with botocore.
 *
 * Records on stdin: "<command> <len>\n" and len bytes of JSON. Answers on stdout:
 * "<status> <len>\n" and len bytes of JSON (status 0), or of an error message.
 *
 *   build    {"op", "input"}: the input (member names, as --cli-input-json takes it)
 *            decoded into the operation's struct, then the request the protocol builds:
 *            {"method", "path", "query", "headers": [[name, value]...], "body" (base64),
 *            "host_prefix"}. Idempotency tokens come from a fixed UUID.
 *   parse    {"shape", "status", "headers", "body" (base64)}: an HTTP response read into
 *            the operation output or modelled error called shape, printed with member
 *            names as the program prints outputs; for an error also the code and message
 *            acg_error_decode finds (restXml: acg_protocol_parse_error): {"value", "code",
 *            "message"}.
 *   fault    {"status", "headers", "body" (base64)}: an XML protocol's error answer with no
 *            shape given: {"code", "message"} as the client reports them.
 *   endpoint {"op", "input", "region", "fips", "dualstack", "endpoint", "client": {}}: the
 *            endpoint the rule set gives for that call: {"url", "signing_name",
 *            "signing_region"}, or status 1 and the rule's error text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/acg_error_decode.h"
#include "client/acg_operation.h"
#include "json/acg_json.h"
#include "svc.h"

#define FIXED_TOKEN "00000000-1111-4222-8333-444444444444"
#define MAX_PARAMS 64

static void fixed_token(void *ctx, char out[37])
{
    (void)ctx;
    memcpy(out, FIXED_TOKEN, 37);
}

static const struct acg_shape *find_shape(const char *name)
{
    const struct acg_service *svc = &svc_service;
    for (size_t i = 0; i < svc->operation_count; i++) {
        const struct acg_operation *op = svc->operations[i];
        if (op->output != NULL && strcmp(op->output->name, name) == 0)
            return op->output;
    }
    for (size_t i = 0; i < svc->error_count; i++) {
        if (strcmp(svc->errors[i]->name, name) == 0)
            return svc->errors[i];
    }
    return NULL;
}

/* The value token of member name in the object at tok 0, or -1. */
static int member(struct acg_json_reader *r, const char *name)
{
    for (int k = acg_json_object_next(r, 0, 0); k > 0; k = acg_json_object_next(r, 0, k)) {
        if (acg_json_key_is(r, k, name))
            return k + 1;
    }
    return -1;
}

static const char *string_of(struct acg_json_reader *r, const char *name)
{
    const char *s = NULL;
    int t = member(r, name);
    if (t < 0 || acg_json_read_string(r, t, &s) != ACG_OK)
        return NULL;
    return s;
}

static bool bool_of(struct acg_json_reader *r, const char *name)
{
    bool v = false, has = false;
    int t = member(r, name);
    return t >= 0 && acg_json_read_bool(r, t, &v, &has) == ACG_OK && v;
}

/* The JSON text of member name (an object), or "{}". */
static void text_of(struct acg_json_reader *r, const char *name, const char **s, size_t *len)
{
    int t = member(r, name);
    *s = "{}";
    *len = 2;
    if (t >= 0 && r->toks[t].type == ACG_JSON_OBJECT) {
        *s = r->js + r->toks[t].start;
        *len = (size_t)(r->toks[t].end - r->toks[t].start);
    }
}

/* The input struct of op decoded from the record's "input". */
static int decode_input(struct acg_json_reader *r, const struct acg_operation *op,
                        struct acg_arena *a, void **in, struct acg_error *err)
{
    const char *text;
    size_t len;
    *in = NULL;
    if (op->input == NULL)
        return ACG_OK;
    *in = acg_arena_calloc(a, 1, op->input->size);
    if (*in == NULL)
        return ACG_ERR_NOMEM;
    text_of(r, "input", &text, &len);
    return acg_json_decode_input(text, len, op->input, *in, a, err);
}

static int write_request(const struct acg_request *req, const char *host_prefix,
                         struct acg_json_writer *w)
{
    struct acg_blob body = { (const uint8_t *)(req->body.data ? req->body.data : ""),
                             req->body.len };
    ACG_TRY(acg_json_begin_object(w));
    ACG_TRY(acg_json_key(w, "method"));
    ACG_TRY(acg_json_write_string(w, req->method));
    ACG_TRY(acg_json_key(w, "path"));
    ACG_TRY(acg_json_write_string(w, req->path.data ? req->path.data : ""));
    ACG_TRY(acg_json_key(w, "query"));
    ACG_TRY(acg_json_write_string(w, req->query.data ? req->query.data : ""));
    ACG_TRY(acg_json_key(w, "headers"));
    ACG_TRY(acg_json_begin_array(w));
    for (size_t i = 0; i < req->header_count; i++) {
        ACG_TRY(acg_json_begin_array(w));
        ACG_TRY(acg_json_write_string(w, req->headers[i].name));
        ACG_TRY(acg_json_write_string(w, req->headers[i].value));
        ACG_TRY(acg_json_end_array(w));
    }
    ACG_TRY(acg_json_end_array(w));
    ACG_TRY(acg_json_key(w, "body"));
    ACG_TRY(acg_json_write_blob(w, &body));
    ACG_TRY(acg_json_key(w, "host_prefix"));
    ACG_TRY(host_prefix != NULL ? acg_json_write_string(w, host_prefix) : acg_json_write_null(w));
    return acg_json_end_object(w);
}

static int cmd_build(struct acg_json_reader *r, struct acg_arena *a, struct acg_buf *out,
                     struct acg_error *err)
{
    const char *name = string_of(r, "op");
    const struct acg_operation *op = name ? acg_service_find_operation(&svc_service, name) : NULL;
    struct acg_build_ctx ctx = { fixed_token, NULL };
    struct acg_request req;
    struct acg_json_writer w;
    char host_prefix[256];
    void *in;
    if (op == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "no operation %s", name ? name : "");
    ACG_TRY(decode_input(r, op, a, &in, err));
    acg_request_init(&req);
    int rc = acg_protocol_build(&svc_service, op, in, &ctx, &req, err);
    if (rc == ACG_OK && op->host_prefix != NULL)
        rc = acg_request_host_prefix(op, in, host_prefix, sizeof host_prefix, err);
    if (rc == ACG_OK) {
        acg_json_writer_init(&w, out, ACG_JSON_WIRE);
        w.err = err;
        rc = write_request(&req, op->host_prefix ? host_prefix : NULL, &w);
    }
    acg_request_free(&req);
    return rc;
}

/* The response's headers from the record: [[name, value], ...]. */
static int read_headers(struct acg_json_reader *r, struct acg_header **out, size_t *count)
{
    size_t n = 0;
    int t = member(r, "headers");
    *out = NULL;
    *count = 0;
    if (t < 0)
        return ACG_OK;
    ACG_TRY(acg_json_array_begin(r, t, &n));
    struct acg_header *h = acg_json_alloc(r, n + 1, sizeof *h);
    if (h == NULL)
        return ACG_ERR_NOMEM;
    int e = t + 1;
    for (size_t i = 0; i < n; i++, e = acg_json_skip(r, e)) {
        ACG_TRY(acg_json_read_string(r, e + 1, &h[i].name));
        ACG_TRY(acg_json_read_string(r, acg_json_skip(r, e + 1), &h[i].value));
    }
    *out = h;
    *count = n;
    return ACG_OK;
}

static const char *header(const struct acg_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(h[i].name, name) == 0)
            return h[i].value;
    }
    return NULL;
}

static int cmd_parse(struct acg_json_reader *r, struct acg_arena *a, struct acg_buf *out,
                     struct acg_error *err)
{
    const char *name = string_of(r, "shape");
    const struct acg_shape *s = name ? find_shape(name) : NULL;
    struct acg_blob body = { NULL, 0 };
    struct acg_http_message msg = { 200, NULL, 0, NULL, 0 };
    struct acg_header *headers;
    size_t header_count;
    int64_t status = 0;
    bool has = false;
    int t = member(r, "status");
    if (s == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "no shape %s", name ? name : "");
    if (t >= 0)
        ACG_TRY(acg_json_read_int64(r, t, &status, &has));
    t = member(r, "body");
    if (t >= 0)
        ACG_TRY(acg_json_read_blob(r, t, &body));
    ACG_TRY(read_headers(r, &headers, &header_count));
    msg = (struct acg_http_message){ (long)status, (const char *)body.data, body.len, headers,
                                     header_count };
    void *value = acg_arena_calloc(a, 1, s->size);
    if (value == NULL)
        return ACG_ERR_NOMEM;
    ACG_TRY(acg_protocol_parse(&svc_service, s, &msg, value, a, err));

    struct acg_json_writer w;
    struct acg_json_encode_opts opts = { .member_names = true };
    acg_json_writer_init(&w, out, ACG_JSON_DISPLAY);
    w.err = err;
    ACG_TRY(acg_json_begin_object(&w));
    ACG_TRY(acg_json_key(&w, "value"));
    ACG_TRY(acg_json_encode(&w, s, value, &opts));
    if (s->flags & ACG_SHAPE_EXCEPTION) {
        struct acg_error e;
        acg_error_init(&e);
        struct acg_error_headers eh = {
            header(headers, header_count, "x-amzn-errortype"),
            header(headers, header_count, "x-amzn-query-error"),
            header(headers, header_count, "x-amzn-requestid"),
        };
        if (svc_service.protocol == ACG_PROTOCOL_REST_XML) {
            (void)acg_protocol_parse_error(&svc_service, &msg, eh.request_id, &e);
        } else {
            (void)acg_error_decode(ACG_ERROR_REST_JSON, msg.status, &eh, msg.body, msg.body_len,
                                   &e);
            (void)acg_protocol_error_code(&svc_service,
                                          header(headers, header_count, "x-amzn-errortype"),
                                          msg.body, msg.body_len, e.aws_type, sizeof e.aws_type);
        }
        ACG_TRY(acg_json_key(&w, "code"));
        ACG_TRY(acg_json_write_string(&w, e.aws_type));
        ACG_TRY(acg_json_key(&w, "message"));
        ACG_TRY(acg_json_write_string(&w, e.message));
        acg_error_free(&e);
    }
    return acg_json_end_object(&w);
}

/* An error answer no shape is given for: the code and message the client reports. */
static int cmd_fault(struct acg_json_reader *r, struct acg_buf *out, struct acg_error *err)
{
    struct acg_blob body = { NULL, 0 };
    struct acg_header *headers;
    size_t header_count;
    int64_t status = 0;
    bool has = false;
    int t = member(r, "status");
    if (t >= 0)
        ACG_TRY(acg_json_read_int64(r, t, &status, &has));
    t = member(r, "body");
    if (t >= 0)
        ACG_TRY(acg_json_read_blob(r, t, &body));
    ACG_TRY(read_headers(r, &headers, &header_count));
    struct acg_http_message msg = { (long)status, (const char *)body.data, body.len, headers,
                                    header_count };
    struct acg_error e;
    acg_error_init(&e);
    if (acg_protocol_parse_error(&svc_service, &msg,
                                 header(headers, header_count, "x-amzn-requestid"), &e) !=
        ACG_ERR_SERVICE) {
        acg_error_free(&e);
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the protocol decodes no XML errors");
    }
    struct acg_json_writer w;
    acg_json_writer_init(&w, out, ACG_JSON_WIRE);
    int rc = acg_json_begin_object(&w);
    if (rc == ACG_OK)
        rc = acg_json_key(&w, "code");
    if (rc == ACG_OK)
        rc = acg_json_write_string(&w, e.aws_type);
    if (rc == ACG_OK)
        rc = acg_json_key(&w, "message");
    if (rc == ACG_OK)
        rc = acg_json_write_string(&w, e.message);
    if (rc == ACG_OK)
        rc = acg_json_end_object(&w);
    acg_error_free(&e);
    return rc;
}

/* The record's "client" object as clientContextParams values (strings and booleans). */
static int client_params(struct acg_json_reader *r, struct acg_endpoint_param *out, size_t max,
                         size_t *count)
{
    int obj = member(r, "client");
    size_t n = 0;
    for (int k = obj > 0 ? acg_json_object_next(r, obj, 0) : 0; k > 0 && n < max;
         k = acg_json_object_next(r, obj, k), n++) {
        out[n] = (struct acg_endpoint_param){ .type = ACG_EP_STRING };
        ACG_TRY(acg_json_read_string(r, k, &out[n].name));
        if (r->toks[k + 1].type == ACG_JSON_STRING) {
            ACG_TRY(acg_json_read_string(r, k + 1, &out[n].str));
        } else {
            bool has;
            out[n].type = ACG_EP_BOOL;
            ACG_TRY(acg_json_read_bool(r, k + 1, &out[n].boolean, &has));
        }
    }
    *count = n;
    return ACG_OK;
}

static int cmd_endpoint(struct acg_json_reader *r, struct acg_arena *a, struct acg_buf *out,
                        struct acg_error *err)
{
    const char *name = string_of(r, "op");
    const struct acg_operation *op = name ? acg_service_find_operation(&svc_service, name) : NULL;
    struct acg_endpoint_param context[MAX_PARAMS], client[MAX_PARAMS];
    struct acg_endpoint_params params;
    struct acg_endpoint ep;
    struct acg_arena *scratch = NULL;
    void *in;
    if (op == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "no operation %s", name ? name : "");
    ACG_TRY(decode_input(r, op, a, &in, err));
    memset(&params, 0, sizeof params);
    params.builtins.region = string_of(r, "region");
    params.builtins.endpoint = string_of(r, "endpoint");
    params.builtins.use_fips = bool_of(r, "fips");
    params.builtins.use_dual_stack = bool_of(r, "dualstack");
    params.builtins.account_id_endpoint_mode = string_of(r, "account_id_endpoint_mode");
    int rc = acg_op_context_params(op, in, &scratch, context, MAX_PARAMS, &params.context_count,
                                   err);
    if (rc == ACG_OK)
        rc = client_params(r, client, MAX_PARAMS, &params.client_context_count);
    params.context = context;
    params.client_context = client;
    memset(&ep, 0, sizeof ep);
    if (rc == ACG_OK)
        rc = svc_service.resolve_endpoint(&params, &ep, err);
    acg_arena_destroy(scratch);
    if (rc == ACG_ERR_ENDPOINT) {
        return acg_buf_append_str(out, err->message) == ACG_OK ? 1 : ACG_ERR_NOMEM;
    }
    if (rc != ACG_OK)
        return rc;
    struct acg_json_writer w;
    acg_json_writer_init(&w, out, ACG_JSON_WIRE);
    ACG_TRY(acg_json_begin_object(&w));
    ACG_TRY(acg_json_key(&w, "url"));
    ACG_TRY(acg_json_write_string(&w, ep.url));
    ACG_TRY(acg_json_key(&w, "signing_name"));
    ACG_TRY(acg_json_write_string(&w, ep.signing_name));
    ACG_TRY(acg_json_key(&w, "signing_region"));
    ACG_TRY(acg_json_write_string(&w, ep.signing_region));
    return acg_json_end_object(&w);
}

int main(void)
{
    char cmd[16];
    size_t len;
    while (scanf("%15s %zu", cmd, &len) == 2) {
        char *buf = malloc(len + 1);
        if (buf == NULL || getchar() != '\n' || fread(buf, 1, len, stdin) != len)
            return 2;
        buf[len] = '\0';
        struct acg_arena *a = acg_arena_new();
        struct acg_json_reader r;
        struct acg_buf out;
        memset(&r, 0, sizeof r);
        struct acg_error err;
        acg_buf_init(&out, 0);
        acg_error_init(&err);
        int rc = a != NULL ? acg_json_reader_parse_input(&r, buf, len, a, &err) : ACG_ERR_NOMEM;
        if (rc == ACG_OK && strcmp(cmd, "build") == 0)
            rc = cmd_build(&r, a, &out, &err);
        else if (rc == ACG_OK && strcmp(cmd, "parse") == 0)
            rc = cmd_parse(&r, a, &out, &err);
        else if (rc == ACG_OK && strcmp(cmd, "fault") == 0)
            rc = cmd_fault(&r, &out, &err);
        else if (rc == ACG_OK && strcmp(cmd, "endpoint") == 0)
            rc = cmd_endpoint(&r, a, &out, &err);
        else if (rc == ACG_OK)
            rc = acg_error_set(&err, ACG_ERR_INVALID_ARG, "unknown command %s", cmd);
        if (rc == ACG_OK || rc == 1) {
            printf("%d %zu\n", rc, out.len);
            fwrite(out.data ? out.data : "", 1, out.len, stdout);
        } else {
            char msg[1024];
            int n = snprintf(msg, sizeof msg, "%s: %s: %s", acg_status_name((enum acg_status)rc),
                             err.where, err.message);
            printf("%d %d\n%s", rc, n, msg);
        }
        fflush(stdout);
        acg_json_reader_free(&r);
        acg_error_free(&err);
        acg_buf_free(&out);
        acg_arena_destroy(a);
        free(buf);
    }
    return 0;
}
