/* The program's commands and options, built from the service's descriptor tables when it
 * starts, and the one runner every command shares. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acg_cli_private.h"
#include "client/acg_operation.h"
#include "common/acg_names.h"

static enum acg_cli_kind kind_of(const struct acg_shape *s)
{
    switch (s->type) {
    case ACG_SHAPE_STRING: return ACG_CLI_STRING;
    case ACG_SHAPE_BOOLEAN: return ACG_CLI_BOOLEAN;
    case ACG_SHAPE_INTEGER: case ACG_SHAPE_LONG: return ACG_CLI_INTEGER;
    case ACG_SHAPE_FLOAT: case ACG_SHAPE_DOUBLE: return ACG_CLI_FLOAT;
    case ACG_SHAPE_TIMESTAMP: return ACG_CLI_TIMESTAMP;
    case ACG_SHAPE_BLOB: return ACG_CLI_BLOB;
    default: return ACG_CLI_JSON;
    }
}

static const char *type_name(const struct acg_shape *s)
{
    static const char *const names[] = {
        [ACG_SHAPE_STRUCTURE] = "structure", [ACG_SHAPE_UNION] = "union",
        [ACG_SHAPE_LIST] = "list",           [ACG_SHAPE_MAP] = "map",
        [ACG_SHAPE_STRING] = "string",       [ACG_SHAPE_BOOLEAN] = "boolean",
        [ACG_SHAPE_INTEGER] = "integer",     [ACG_SHAPE_LONG] = "long",
        [ACG_SHAPE_FLOAT] = "float",         [ACG_SHAPE_DOUBLE] = "double",
        [ACG_SHAPE_TIMESTAMP] = "timestamp", [ACG_SHAPE_BLOB] = "blob",
        [ACG_SHAPE_DOCUMENT] = "document",
    };
    return s->type < sizeof names / sizeof names[0] && names[s->type] ? names[s->type] : "string";
}

/* "length 1..63, pattern ^[a-z]+; one of: A, B", as help prints a member's constraints. */
static const char *constraints(struct acg_arena *a, const struct acg_shape *s)
{
    struct acg_buf b;
    int rc = ACG_OK;
    bool has_min = (s->flags & ACG_SHAPE_HAS_MIN) != 0, has_max = (s->flags & ACG_SHAPE_HAS_MAX) != 0;
    if (!has_min && !has_max && s->pattern == NULL && s->enum_count == 0)
        return "";
    acg_buf_init(&b, 4096);
    bool floating = s->type == ACG_SHAPE_FLOAT || s->type == ACG_SHAPE_DOUBLE;
    const char *what = s->type == ACG_SHAPE_STRING || s->type == ACG_SHAPE_BLOB ? "length"
                       : s->type == ACG_SHAPE_LIST || s->type == ACG_SHAPE_MAP ? "items"
                                                                             : "range";
    if (has_min || has_max) {
        rc = acg_buf_printf(&b, "%s ", what);
        if (rc == ACG_OK && has_min)
            rc = floating ? acg_buf_printf(&b, "%.17g", s->min_value)
                          : acg_buf_printf(&b, "%" PRId64, s->min);
        if (rc == ACG_OK)
            rc = acg_buf_append_str(&b, "..");
        if (rc == ACG_OK && has_max)
            rc = floating ? acg_buf_printf(&b, "%.17g", s->max_value)
                          : acg_buf_printf(&b, "%" PRId64, s->max);
    }
    if (rc == ACG_OK && s->pattern != NULL)
        rc = acg_buf_printf(&b, "%spattern %s", b.len ? ", " : "", s->pattern->source);
    for (size_t i = 0; rc == ACG_OK && i < s->enum_count; i++)
        rc = acg_buf_printf(&b, "%s%s", i > 0 ? ", " : b.len ? "; one of: " : "one of: ",
                            s->enum_values[i]);
    const char *out = acg_arena_strndup(a, b.data ? b.data : "", b.len);
    acg_buf_free(&b);
    return out != NULL ? out : "";
}

static int build_members(struct acg_arena *a, const struct acg_cli_command *cmd,
                         struct acg_cli_operation *view)
{
    const struct acg_shape *in = view->desc->input;
    size_t n = in != NULL ? in->member_count : 0;
    struct acg_cli_member *members = acg_arena_calloc(a, n + 1, sizeof *members);
    if (members == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct acg_member *m = &in->members[i];
        members[i].option = acg_xform_name(a, m->name, '-');
        if (members[i].option == NULL)
            return ACG_ERR_NOMEM;
        members[i].desc = m;
        members[i].json_name = m->name;
        members[i].kind = kind_of(m->shape);
        /* An idempotency token the runtime fills is never required of the user, as in
         * the AWS CLI. */
        members[i].required = (m->flags & ACG_MEMBER_REQUIRED) != 0 &&
                              !(m->flags & ACG_MEMBER_IDEMPOTENCY_TOKEN);
        members[i].type_name = type_name(m->shape);
        members[i].constraints = constraints(a, m->shape);
        members[i].doc = cmd->member_docs != NULL ? cmd->member_docs[i] : "";
    }
    view->members = members;
    view->member_count = n;
    return ACG_OK;
}

static const struct acg_cli_operation *view_of(const struct acg_cli_app *app,
                                              const struct acg_operation *desc)
{
    for (size_t i = 0; i < app->operation_count; i++) {
        if (app->operations[i].desc == desc)
            return &app->operations[i];
    }
    return NULL;
}

static int build_waiters(struct acg_cli_app *app)
{
    const struct acg_service *svc = app->service;
    struct acg_cli_waiter *ws = acg_arena_calloc(app->arena, svc->waiter_count + 1, sizeof *ws);
    if (ws == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < svc->waiter_count; i++) {
        ws[i].desc = &svc->waiters[i];
        ws[i].op = view_of(app, ws[i].desc->operation);
        ws[i].command = acg_xform_name(app->arena, ws[i].desc->name, '-');
        if (ws[i].op == NULL)
            return ACG_ERR_INVALID_ARG;
        if (ws[i].command == NULL)
            return ACG_ERR_NOMEM;
    }
    app->waiters = ws;
    app->waiter_count = svc->waiter_count;
    return ACG_OK;
}

int acg_cli_app_init(struct acg_cli_app *app, const struct acg_cli_program *prog)
{
    const struct acg_service *svc = prog->service;
    memset(app, 0, sizeof *app);
    app->name = prog->name;
    app->doc = prog->doc;
    app->service = svc;
    app->arena = acg_arena_new();
    struct acg_cli_operation *ops =
        app->arena ? acg_arena_calloc(app->arena, svc->operation_count + 1, sizeof *ops) : NULL;
    if (ops == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < svc->operation_count; i++) {
        const struct acg_cli_command *cmd = &prog->commands[i];
        if (strcmp(cmd->name, svc->operations[i]->name) != 0)
            return ACG_ERR_INVALID_ARG;
        ops[i].desc = svc->operations[i];
        ops[i].streams_output = acg_operation_streams_output(ops[i].desc);
        const struct acg_paginator *pg = ops[i].desc->paginator;
        ops[i].pageable = pg != NULL && pg->result_key_count > 0 && pg->token_count > 0 &&
                          ops[i].desc->output != NULL;
        ops[i].has_limit_key = ops[i].pageable && pg->limit_key != NULL;
        ops[i].name = svc->operations[i]->name;
        ops[i].doc = cmd->doc;
        ops[i].command = acg_xform_name(app->arena, ops[i].name, '-');
        if (ops[i].command == NULL || build_members(app->arena, cmd, &ops[i]) != ACG_OK)
            return ACG_ERR_NOMEM;
    }
    app->operations = ops;
    app->operation_count = svc->operation_count;
    return build_waiters(app);
}

void acg_cli_app_free(struct acg_cli_app *app)
{
    acg_arena_destroy(app->arena);
    memset(app, 0, sizeof *app);
}

static int write_file(void *ctx, const void *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

/* The streamed payload is in the file, not in what is printed. */
static void drop_payload(const struct acg_shape *s, void *res)
{
    for (size_t i = 0; i < s->member_count; i++) {
        if (s->members[i].flags & ACG_MEMBER_PAYLOAD)
            memset((unsigned char *)res + s->members[i].offset, 0, sizeof(struct acg_blob));
    }
}

/* The operation's input struct from input_json, in arena (NULL for an operation without
 * input). */
static int decode_input(const struct acg_operation *desc, const char *input_json,
                        size_t input_len, struct acg_arena *arena, void **in,
                        struct acg_error *err)
{
    *in = NULL;
    if (desc->input == NULL)
        return ACG_OK;
    *in = acg_arena_calloc(arena, 1, desc->input->size);
    int rc = *in == NULL ? ACG_ERR_NOMEM
                         : acg_json_decode_input(input_json, input_len, desc->input, *in, arena,
                                                 err);
    return acg_op_input_error(err, rc);
}

int acg_cli_wait(struct acg_client *client, const struct acg_cli_waiter *w,
                 const char *input_json, size_t input_len, const struct acg_wait_options *o,
                 struct acg_error *err)
{
    struct acg_arena *arena = acg_arena_new();
    void *in = NULL;
    int rc = arena != NULL ? decode_input(w->op->desc, input_json, input_len, arena, &in, err)
                           : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = acg_wait(client, w->desc, in, o, err);
    acg_arena_destroy(arena);
    return rc;
}

/* A streaming upload's file, mapped: its pages are read as the request goes out (and for
 * its hashes), never copied into the process's memory. */
struct mapped {
    void *data;
    size_t len;
};

static int map_upload(const char *path, struct mapped *m, struct acg_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    m->data = NULL;
    m->len = 0;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "cannot read %s: %s", path,
                             fd >= 0 ? "not a regular file" : strerror(e));
    }
    if (st.st_size > 0) {
        m->data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->data == MAP_FAILED) {
            int e = errno;
            m->data = NULL;
            close(fd);
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "cannot read %s: %s", path,
                                 strerror(e));
        }
        m->len = (size_t)st.st_size;
        (void)posix_madvise(m->data, m->len, POSIX_MADV_SEQUENTIAL);
    }
    close(fd);
    return ACG_OK;
}

/* One call into res; a download into outfile, an upload from the file upload. */
static int call_once(struct acg_client *client, const struct acg_cli_operation *op, void *in,
                     void *res, const char *outfile, const char *upload, struct acg_error *err)
{
    FILE *file = NULL;
    struct acg_body_sink sink = { write_file, NULL };
    struct acg_call_options options = { NULL, NULL, 0 };
    struct mapped map = { NULL, 0 };
    if (upload != NULL) {
        ACG_TRY(map_upload(upload, &map, err));
        options.payload = map.data != NULL ? map.data : "";
        options.payload_len = map.len;
    }
    if (op->streams_output) {
        file = fopen(outfile, "wb");
        if (file == NULL) {
            if (map.data != NULL)
                munmap(map.data, map.len);
            return acg_error_set(err, ACG_ERR_INVALID_ARG, "cannot open %s for writing: %s",
                                 outfile, strerror(errno));
        }
        sink.ctx = file;
        options.output_sink = &sink;
    }
    int rc = acg_call_ex(client, op->desc, in, res, &options, err);
    if (map.data != NULL)
        munmap(map.data, map.len);
    if (file != NULL && fclose(file) != 0 && rc == ACG_OK)
        rc = acg_error_set(err, ACG_ERR_TRANSPORT, "cannot write %s: %s", outfile,
                           strerror(errno));
    if (rc == ACG_OK && op->streams_output && res != NULL)
        drop_payload(op->desc->output, res);
    return rc;
}

int acg_cli_run(struct acg_client *client, const struct acg_cli_operation *op,
                const char *input_json, size_t input_len, const char *outfile, const char *upload,
                const struct acg_cli_print *print, struct acg_buf *out, struct acg_error *err)
{
    const struct acg_operation *desc = op->desc;
    struct acg_arena *in_arena = acg_arena_new();
    void *in = NULL, *res = NULL;
    int rc = in_arena != NULL ? decode_input(desc, input_json, input_len, in_arena, &in, err)
                              : ACG_ERR_NOMEM;
    if (rc == ACG_OK && op->pageable && print->paginate) {
        rc = acg_cli_print_pages(client, desc, in, print, out, err);
    } else if (rc == ACG_OK) {
        res = desc->output != NULL ? calloc(1, desc->output->size) : NULL;
        rc = desc->output != NULL && res == NULL ? ACG_ERR_NOMEM
                                                 : call_once(client, op, in, res, outfile, upload,
                                                             err);
        if (rc == ACG_OK)
            rc = acg_cli_print_output(desc, res, print, out, err);
    }
    if (res != NULL) {
        struct acg_arena *arena;
        memcpy(&arena, res, sizeof arena);   /* the output's arena_ comes first */
        acg_release(arena, res, desc->output->size);
        free(res);
    }
    acg_arena_destroy(in_arena);
    if (rc == ACG_ERR_NOMEM)
        acg_error_set(err, rc, "out of memory running %s", desc->name);
    return rc;
}
