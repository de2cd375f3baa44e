/* The command-line layer's input side: option values to JSON (scalars here, structures and
 * lists in acg_cli_complex.c, files in acg_cli_paramfile.c), --cli-binary-format, and the
 * merge of member options over --cli-input-json.
 *
 * Each value is checked here against its kind (integers within int64, timestamps the
 * runtime can read, base64 for blobs, JSON for structures), so a typo is a usage error
 * naming the option rather than a request the service rejects. Messages never repeat the
 * value: it may be a secret. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/acg_cli.h"
#include "acg_cli_private.h"
#include "json/acg_json.h"
#include "acg_shorthand.h"
#include "acg_text_private.h"
#include "auth/acg_config.h"
#include "common/acg_base64.h"
#include "common/acg_utf8.h"

/* ---- messages and small helpers ---- */

/* A value that cannot be turned into input, worded like the AWS CLI's ParamError. */
int acg_cli_param_error(const char *option, const char *fmt, ...)
{
    va_list ap;
    acg_cli_errorf("\nError parsing parameter '--%s': ", option);
    va_start(ap, fmt);
    acg_cli_verrorf(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return ACG_EXIT_USAGE;
}

int acg_cli_out_of_memory(void)
{
    fputs("\nOut of memory.\n", stderr);
    return ACG_EXIT_OTHER;
}

bool acg_cli_ascii_ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return false;
    }
    return *a == *b;
}

/* ---- values to JSON ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal integer within int64: optional sign, digits, nothing else. */
bool acg_cli_parse_int64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i == len)
        return false;
    for (size_t j = i; j < len; j++) {
        if (!is_digit(s[j]))
            return false;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || end != s + len || v < INT64_MIN || v > INT64_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

/* What Python's float() takes, which is what the AWS CLI applies to float and double
 * options: a decimal number with an optional exponent, or NaN / Infinity in any case. Hex
 * floats, which strtod would also take, are refused. Values beyond double's range become
 * infinities, as in Python. */
static bool parse_double(const char *s, size_t len, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    const char *word = s + i;
    if (acg_cli_ascii_ieq(word, "nan")) {
        *out = (double)NAN;
        return true;
    }
    if (acg_cli_ascii_ieq(word, "inf") || acg_cli_ascii_ieq(word, "infinity")) {
        *out = neg ? -(double)INFINITY : (double)INFINITY;
        return true;
    }
    size_t digits = 0;
    while (i < len && is_digit(s[i])) {
        i++;
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < len && is_digit(s[i])) {
            i++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return false;
    }
    if (i != len)
        return false;
    char *end = NULL;
    *out = acg_strtod_c(s, &end);
    return end == s + len;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    }
    return true;
}

/* The AWS CLI reads numbers with Python's int() and float(), which allow whitespace around
 * them (a value read from a file ends with a newline). Returns the end; *start the start. */
static size_t trim_space(const char *s, size_t len, size_t *start)
{
    size_t i = 0;
    while (i < len && acg_py_isspace((unsigned char)s[i]) && (unsigned char)s[i] < 0x80)
        i++;
    while (len > i && acg_py_isspace((unsigned char)s[len - 1]) && (unsigned char)s[len - 1] < 0x80)
        len--;
    *start = i;
    return len;
}

/* Maps a writer or parser status to an exit: only running out of memory is ours. */
static int write_failed(const char *option, int rc, const struct acg_error *err)
{
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    if (rc == ACG_ERR_TOO_LARGE)
        return acg_cli_param_error(option, "the value is too large");
    return acg_cli_param_error(option, "%s",
                               err->message[0] != '\0' ? err->message : "invalid value");
}

/* argprocess.unpack_scalar_cli_arg for a streaming blob: the value is a path to a file. */
static int read_stream_file(const struct acg_cli_member *m, const char *path,
                            struct acg_cli_loaded *out)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return acg_cli_param_error(m->option, "Blob values must be a path to a file.");
    struct acg_buf url;
    bool matched = false;
    acg_buf_init(&url, 0);
    int status = acg_buf_printf(&url, "fileb://%s", path) == ACG_OK
                     ? acg_cli_paramfile(m->option, url.data, false, out, &matched)
                     : acg_cli_out_of_memory();
    acg_buf_free(&url);
    return status;
}

/* A blob option. Raw (the AWS CLI v1's way, our default): the text's bytes, base64-encoded
 * here. base64: the text must be base64 already. fileb://: the bytes, encoded here. A
 * streaming member takes a path to a file, as the AWS CLI does. */
static int append_blob(const struct acg_cli_member *m, const struct acg_cli_raw *v,
                       const struct acg_cli_input_opts *opts, struct acg_buf *out)
{
    struct acg_cli_loaded file = { NULL, 0, true };
    struct acg_buf b64;
    int status = ACG_EXIT_OK;
    acg_buf_init(&b64, 0);
    const char *data = v->text;
    size_t len = v->len;
    bool encode = v->binary || opts->raw_blobs;
    if ((m->desc->flags & ACG_MEMBER_STREAMING) != 0 && !v->binary && opts->stream_path != NULL) {
        /* sent from the file itself: the input holds an empty blob in its place */
        struct stat st;
        if (stat(v->text, &st) != 0 || !S_ISREG(st.st_mode))
            return acg_cli_param_error(m->option, "Blob values must be a path to a file.");
        free(*opts->stream_path);
        if ((*opts->stream_path = strdup(v->text)) == NULL)
            return acg_cli_out_of_memory();
        return acg_buf_append_str(out, "\"\"") == ACG_OK ? ACG_EXIT_OK : acg_cli_out_of_memory();
    }
    if ((m->desc->flags & ACG_MEMBER_STREAMING) != 0 && !v->binary) {
        status = read_stream_file(m, v->text, &file);
        data = file.data;
        len = file.len;
        encode = true;
    }
    if (status == ACG_EXIT_OK && !encode) {
        /* Checked here so a typo is a usage error, not a request the service rejects. */
        int rc = acg_base64_decode(v->text, v->len, &b64);
        acg_buf_reset(&b64);
        if (rc == ACG_ERR_NOMEM)
            status = acg_cli_out_of_memory();
        else if (rc != ACG_OK)
            status = acg_cli_param_error(m->option, "expected base64 text (the standard "
                                         "alphabet, padded with '='), as --cli-binary-format "
                                         "base64 asks; use fileb://PATH for a file's raw bytes");
    }
    if (status == ACG_EXIT_OK && encode &&
        acg_base64_encode((const uint8_t *)data, len, &b64) != ACG_OK)
        status = acg_cli_out_of_memory();
    if (status == ACG_EXIT_OK) {
        struct acg_json_writer w;
        acg_json_writer_init(&w, out, ACG_JSON_WIRE);
        const char *text = encode ? (b64.data != NULL ? b64.data : "") : v->text;
        if (acg_json_write_string(&w, text) != ACG_OK)
            status = acg_cli_out_of_memory();
    }
    acg_buf_free_secure(&b64);
    acg_cli_loaded_free(&file);
    return status;
}

/* Appends one member's value as JSON. A fresh writer per value writes exactly one value and
 * no separator, so values can be spliced between the raw members of --cli-input-json. */
static int append_member_json(const struct acg_cli_member *m, int flag,
                              const struct acg_cli_raw *v, const struct acg_cli_input_opts *opts,
                              struct acg_buf *out)
{
    struct acg_json_writer w;
    struct acg_error err;
    acg_error_init(&err);
    acg_json_writer_init(&w, out, ACG_JSON_WIRE);
    w.err = &err;
    int rc = ACG_OK;

    if (m->kind == ACG_CLI_BOOLEAN && flag >= 0) {
        rc = acg_json_write_bool(&w, flag == 1);
        return rc == ACG_OK ? ACG_EXIT_OK : write_failed(m->option, rc, &err);
    }
    /* Everything but raw fileb:// bytes is text, and text must be UTF-8: the AWS CLI reads
     * argv and files as text, and a JSON body cannot carry anything else. */
    if (!v->binary && acg_utf8_length(v->text, v->len) < 0)
        return acg_cli_param_error(m->option, "the value is not valid UTF-8");
    if (memchr(v->text, '\0', v->len) != NULL && m->kind != ACG_CLI_STRING && !v->binary)
        return acg_cli_param_error(m->option, "the value contains a NUL byte");

    switch (m->kind) {
    case ACG_CLI_STRING:
        /* A file:// value may hold a NUL; C strings cannot, so say so rather than cut it. */
        if (memchr(v->text, '\0', v->len) != NULL)
            return acg_cli_param_error(m->option, "the value contains a NUL byte");
        rc = acg_json_write_string(&w, v->text);
        break;
    case ACG_CLI_BOOLEAN:
        if (acg_cli_ascii_ieq(v->text, "true"))
            rc = acg_json_write_bool(&w, true);
        else if (acg_cli_ascii_ieq(v->text, "false"))
            rc = acg_json_write_bool(&w, false);
        else
            return acg_cli_param_error(m->option, "expected true or false");
        break;
    case ACG_CLI_INTEGER: {
        int64_t n = 0;
        size_t start = 0, end = trim_space(v->text, v->len, &start);
        if (!acg_cli_parse_int64(v->text + start, end - start, &n))
            return acg_cli_param_error(m->option, "expected a decimal integer between %" PRId64
                                       " and %" PRId64, INT64_MIN, INT64_MAX);
        rc = acg_json_write_int64(&w, n);
        break;
    }
    case ACG_CLI_FLOAT: {
        double d = 0;
        size_t start = 0, end = trim_space(v->text, v->len, &start);
        if (!parse_double(v->text + start, end - start, &d))
            return acg_cli_param_error(m->option, "expected a number, NaN, Infinity or -Infinity");
        rc = acg_json_write_double(&w, d);
        break;
    }
    case ACG_CLI_TIMESTAMP: {
        /* Checked here for the option's message; passed on as written, so nothing of its
         * precision is lost before the request is built. */
        struct acg_timestamp t = { 0, 0, NULL };
        if (acg_time_parse(v->text, v->len, &t) != ACG_OK)
            return acg_cli_param_error(m->option, "expected a timestamp: epoch seconds "
                                       "(1700000000) or ISO 8601 (2023-11-14T22:13:20Z), "
                                       "years 0001 to 9999");
        rc = acg_json_write_string(&w, v->text);
        break;
    }
    case ACG_CLI_BLOB:
        return append_blob(m, v, opts, out);
    case ACG_CLI_JSON:
        return acg_cli_param_error(m->option, "not a scalar member");
    }
    return rc == ACG_OK ? ACG_EXIT_OK : write_failed(m->option, rc, &err);
}

/* Appends a JSON token's source text: strings with their quotes, containers whole. */
static int append_raw_token(const struct acg_json_reader *r, int tok, struct acg_buf *out)
{
    const struct acg_json_token *t = &r->toks[tok];
    if (t->type == ACG_JSON_STRING)
        return acg_buf_append(out, r->js + t->start - 1, (size_t)(t->end - t->start) + 2);
    return acg_buf_append(out, r->js + t->start, (size_t)(t->end - t->start));
}

/* Top-level keys of --cli-input-json must be input members, as botocore's validator
 * insists: a misspelt member would otherwise be dropped without a word (the generated
 * decoders ignore unknown members, which is right for responses). Keys are shown as written,
 * escapes and all; they are names, not values. */
static int check_input_keys(const struct acg_cli_operation *op, const struct acg_json_reader *r)
{
    bool header = false;
    for (int key = acg_json_object_next(r, 0, 0); key != 0; key = acg_json_object_next(r, 0, key)) {
        bool known = false;
        for (size_t i = 0; i < op->member_count && !known; i++)
            known = acg_json_key_is(r, key, op->members[i].json_name);
        if (known)
            continue;
        if (!header) {
            fputs("\nParameter validation failed:\n", stderr);
            header = true;
        }
        const struct acg_json_token *t = &r->toks[key];
        int len = t->end - t->start;
        acg_cli_errorf("Unknown parameter in input: \"%.*s%s\", must be one of: ",
                len > 64 ? 64 : len, r->js + t->start, len > 64 ? "..." : "");
        for (size_t i = 0; i < op->member_count; i++)
            fprintf(stderr, "%s%s", i > 0 ? ", " : "", op->members[i].json_name);
        fputc('\n', stderr);
    }
    return header ? ACG_EXIT_USAGE : ACG_EXIT_OK;
}

/* One member option: its file or URL read (the AWS CLI's load-cli-arg step), then its value
 * as JSON (process-cli-arg) appended to out. */
static int member_json(const struct acg_cli_operation *op, const struct acg_cli_member *m,
                       const struct acg_cli_value *v, const struct acg_cli_input_opts *opts,
                       struct acg_buf *out)
{
    struct acg_cli_raw raw = { v->text, v->len, false, v->is_list, v->words, v->word_count };
    struct acg_cli_loaded file = { NULL, 0, false };
    bool matched = false;
    int status = ACG_EXIT_OK;
    /* The word a file:// or http:// prefix may name: a list's only word, or the value,
     * which only a bare --flag is without. */
    bool bare_flag = m->kind == ACG_CLI_BOOLEAN && v->flag >= 0;
    bool one_word = v->is_list ? v->word_count == 1 : !bare_flag;
    if (one_word && !acg_cli_paramfile_disabled(opts->service, op->command, m->option))
        status = acg_cli_paramfile(m->option, v->is_list ? v->words[0] : v->text,
                                   opts->follow_urls, &file, &matched);
    if (status == ACG_EXIT_OK && matched) {
        struct acg_cli_raw loaded = { file.data, file.len, file.binary, false, NULL, 0 };
        raw = loaded;
    }
    if (status == ACG_EXIT_OK)
        status = m->kind == ACG_CLI_JSON ? acg_cli_complex_json(op, m, &raw, opts, out)
                                         : append_member_json(m, v->flag, &raw, opts, out);
    acg_cli_loaded_free(&file);
    return status;
}

/* "Error parsing parameter 'cli-input-json': ..." (the AWS CLI names this one without
 * dashes). */
static int input_json_error(const char *prefix, const char *detail, const char *text, size_t len)
{
    acg_cli_errorf("\nError parsing parameter 'cli-input-json': %s%s", prefix, detail);
    if (text != NULL) {
        fputs("\nJSON received: ", stderr);
        acg_cli_write_safe(stderr, text, len);   /* a file's contents */
    }
    fputc('\n', stderr);
    return ACG_EXIT_USAGE;
}

/* Reads --cli-input-json (text, file:// or fileb://) and checks it is a JSON object. */
static int read_input_json(const char *arg, struct acg_cli_loaded *file,
                           struct acg_json_reader *r)
{
    bool matched = false;
    struct acg_error perr;
    acg_error_init(&perr);
    int status = acg_cli_paramfile("cli-input-json", arg, false, file, &matched);
    if (status != ACG_EXIT_OK)
        return status;
    const char *text = matched ? file->data : arg;
    size_t len = matched ? file->len : strlen(arg);
    if (is_blank(text, len))
        return input_json_error("Invalid JSON: ", "expected a JSON object, got an empty value",
                                text, len);
    struct acg_buf py;
    acg_buf_init(&py, 0);
    int rc = acg_utf8_length(text, len) < 0 ? ACG_OK : acg_py_json_error(text, len, &py);
    if (rc == ACG_ERR_JSON)
        status = input_json_error("Invalid JSON: ", py.data, text, len);
    acg_buf_free(&py);
    if (rc == ACG_ERR_JSON)
        return status;
    if (rc == ACG_OK)
        rc = acg_json_reader_parse_input(r, text, len, NULL, &perr);
    if (rc == ACG_ERR_NOMEM)
        return acg_cli_out_of_memory();
    if (rc != ACG_OK)
        return input_json_error("Invalid JSON: ", perr.message, text, len);
    if (r->ntoks < 1 || r->toks[0].type != ACG_JSON_OBJECT)
        return input_json_error("", "expected a JSON object ({...}) holding the operation's "
                                "input members", NULL, 0);
    return ACG_EXIT_OK;
}

static const struct acg_cli_member *member_by_key(const struct acg_cli_operation *op,
                                                  const struct acg_json_reader *r, int key)
{
    for (size_t i = 0; i < op->member_count; i++) {
        if (acg_json_key_is(r, key, op->members[i].json_name))
            return &op->members[i];
    }
    return NULL;
}

/* Appends the members of --cli-input-json that no option set, as written (blobs encoded
 * when they are raw), after the options' members. */
static int merge_input_json(const struct acg_cli_operation *op, const struct acg_cli_value *values,
                            const struct acg_json_reader *r, bool raw_blobs, bool first,
                            struct acg_buf *json)
{
    for (int key = acg_json_object_next(r, 0, 0); key != 0; key = acg_json_object_next(r, 0, key)) {
        const struct acg_cli_member *m = member_by_key(op, r, key);
        if (m == NULL || values[m - op->members].set)
            continue;
        const struct acg_json_token *t = &r->toks[key + 1];
        size_t start = (size_t)t->start - (t->type == ACG_JSON_STRING ? 1 : 0);
        size_t end = (size_t)t->end + (t->type == ACG_JSON_STRING ? 1 : 0);
        if ((!first && acg_buf_append_char(json, ',') != ACG_OK) ||
            append_raw_token(r, key, json) != ACG_OK || acg_buf_append_char(json, ':') != ACG_OK ||
            acg_cli_json_blobs(m->desc->shape, r->js + start, end - start, raw_blobs, json) !=
                ACG_OK)
            return acg_cli_out_of_memory();
        first = false;
    }
    return ACG_EXIT_OK;
}

/* Builds the input object in the AWS CLI's order: each member option read and converted
 * (the first error stops), then --cli-input-json read, then its members that no option
 * overrides merged in. Members of the input file are copied as written, so numbers keep
 * every digit. */
int acg_cli_build_input(const struct acg_cli_operation *op, const struct acg_cli_value *values,
                        const char *cli_input_json, const struct acg_cli_input_opts *opts,
                        struct acg_buf *json)
{
    struct acg_json_reader r;
    struct acg_cli_loaded file = { NULL, 0, false };
    int status = ACG_EXIT_OK;
    bool first = true;
    memset(&r, 0, sizeof r);
    if (acg_buf_append_char(json, '{') != ACG_OK)
        return acg_cli_out_of_memory();
    for (size_t i = 0; status == ACG_EXIT_OK && i < op->member_count; i++) {
        const struct acg_cli_member *m = &op->members[i];
        if (!values[i].set)
            continue;
        struct acg_json_writer w;
        acg_json_writer_init(&w, json, ACG_JSON_WIRE);
        if ((!first && acg_buf_append_char(json, ',') != ACG_OK) ||
            acg_json_write_string(&w, m->json_name) != ACG_OK ||
            acg_buf_append_char(json, ':') != ACG_OK)
            status = acg_cli_out_of_memory();
        first = false;
        if (status == ACG_EXIT_OK)
            status = member_json(op, m, &values[i], opts, json);
    }
    if (status == ACG_EXIT_OK && cli_input_json != NULL) {
        status = read_input_json(cli_input_json, &file, &r);
        if (status == ACG_EXIT_OK)
            status = check_input_keys(op, &r);
        if (status == ACG_EXIT_OK)
            status = merge_input_json(op, values, &r, opts->raw_blobs, first, json);
    }
    if (status == ACG_EXIT_OK && acg_buf_append_char(json, '}') != ACG_OK)
        status = acg_cli_out_of_memory();
    acg_json_reader_free(&r);
    acg_cli_loaded_free(&file);
    return status;
}

/* ---- --cli-binary-format and the profile's settings ---- */

/* 1 for raw-in-base64-out, 0 for base64, -1 for anything else. */
static int raw_format(const char *format)
{
    if (strcmp(format, "raw-in-base64-out") == 0)
        return 1;
    return strcmp(format, "base64") == 0 ? 0 : -1;
}

int acg_cli_input_opts_init(struct acg_cli_input_opts *opts, const struct acg_cli_app *prog,
                            const char *binary_format, const char *profile)
{
    struct acg_profile *p = NULL;
    struct acg_error err;
    int raw = binary_format != NULL ? raw_format(binary_format) : 1;
    const char *where = "--cli-binary-format";
    acg_error_init(&err);
    opts->follow_urls = true;
    opts->stream_path = NULL;
    opts->service = prog->service->endpoint_prefix != NULL ? prog->service->endpoint_prefix : "";
    /* A profile that cannot be read leaves the defaults; creating the client reports it. */
    if (acg_profile_load(profile, &p, &err) == ACG_OK && p != NULL) {
        const char *follow = acg_profile_get(p, "cli_follow_urlparam");
        const char *format = acg_profile_get(p, "cli_binary_format");
        opts->follow_urls = follow == NULL || strcmp(follow, "true") == 0;
        if (binary_format == NULL && format != NULL) {
            raw = raw_format(format);
            where = "the profile's cli_binary_format";
        }
    }
    acg_profile_free(p);
    acg_error_free(&err);
    opts->raw_blobs = raw != 0;
    if (raw < 0) {
        acg_cli_errorf("\n%s: %s must be base64 or raw-in-base64-out\n", prog->name, where);
        return ACG_EXIT_USAGE;
    }
    return ACG_EXIT_OK;
}
