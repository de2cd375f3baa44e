/* The command-line layer's input side: option values to JSON, file:// and fileb://
 * parameters, and the merge of member options over --cli-input-json.
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

#include "cli/acg_cli.h"
#include "acg_cli_private.h"
#include "json/acg_json.h"
#include "acg_text_private.h"

/* Files named by file:// and fileb:// are read whole; past this they are refused rather than
 * exhausting memory. The AWS CLI has no limit, but a request body this large would be refused
 * by every JSON API anyway. */
#define PARAMFILE_MAX_BYTES ((size_t)64 * 1024 * 1024)

/* ---- messages and small helpers ---- */

/* A value that cannot be turned into input, worded like the AWS CLI's ParamError. */
int acg_cli_param_error(const char *option, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    acg_cli_errorf("\nError parsing parameter '--%s': %s\n", option, text);
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

/* ---- file:// and fileb:// ---- */

/* Reads a whole file for a parameter. Returns ACG_EXIT_OK, or prints the AWS CLI's
 * "Unable to load paramfile" error naming the option and the path. */
int acg_cli_read_paramfile(const char *option, const char *url, const char *path, char **out,
                           size_t *out_len)
{
    char *expanded = NULL;
    /* The AWS CLI expands "~" like a shell would. */
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
        const char *home = getenv("HOME");
        if (home != NULL && home[0] != '\0') {
            size_t n = strlen(home) + strlen(path);
            expanded = malloc(n);
            if (expanded == NULL)
                return acg_cli_out_of_memory();
            snprintf(expanded, n, "%s%s", home, path + 1);
            path = expanded;
        }
    }
    int status = ACG_EXIT_OK;
    struct acg_buf b;
    acg_buf_init(&b, PARAMFILE_MAX_BYTES);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        status = acg_cli_param_error(option, "Unable to load paramfile %s: %s", url,
                                     strerror(errno));
        goto done;
    }
    for (;;) {
        char chunk[65536];
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) {
            int rc = acg_buf_append(&b, chunk, n);
            if (rc == ACG_ERR_TOO_LARGE) {
                status = acg_cli_param_error(option, "Unable to load paramfile %s: the file is "
                                             "larger than %zu MiB", url,
                                             PARAMFILE_MAX_BYTES >> 20);
                goto done;
            }
            if (rc != ACG_OK) {
                status = acg_cli_out_of_memory();
                goto done;
            }
        }
        if (n < sizeof chunk)
            break;
    }
    if (ferror(f)) {
        status = acg_cli_param_error(option, "Unable to load paramfile %s: %s", url,
                                     strerror(errno));
        goto done;
    }
    /* An empty file still gives an allocated, NUL-terminated (empty) string. */
    if (b.data == NULL && acg_buf_append(&b, "", 0) != ACG_OK) {
        status = acg_cli_out_of_memory();
        goto done;
    }
    *out = acg_buf_take(&b, out_len);
done:
    if (f != NULL)
        fclose(f);
    acg_buf_free(&b);
    free(expanded);
    return status;
}

/* Replaces a member value of the form file://PATH (fileb://PATH for blobs) by the file's
 * contents, as the AWS CLI does for every parameter. */
int acg_cli_load_member_file(const struct acg_cli_member *m, struct acg_cli_value *v)
{
    if (v->text == NULL)
        return ACG_EXIT_OK;
    bool binary = m->kind == ACG_CLI_BLOB && strncmp(v->text, "fileb://", 8) == 0;
    if (!binary && strncmp(v->text, "file://", 7) != 0)
        return ACG_EXIT_OK;
    const char *path = v->text + (binary ? 8 : 7);
    int rc = acg_cli_read_paramfile(m->option, v->text, path, &v->owned, &v->len);
    if (rc != ACG_EXIT_OK)
        return rc;
    v->text = v->owned;
    v->from_fileb = binary;
    return ACG_EXIT_OK;
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

/* Appends one member's value as JSON. A fresh writer per value writes exactly one value and
 * no separator, so values can be spliced between the raw members of --cli-input-json. */
static int append_member_json(const struct acg_cli_member *m, const struct acg_cli_value *v,
                              struct acg_buf *out)
{
    struct acg_json_writer w;
    struct acg_error err;
    acg_error_init(&err);
    acg_json_writer_init(&w, out, ACG_JSON_WIRE);
    w.err = &err;
    int rc = ACG_OK;

    if (m->kind == ACG_CLI_BOOLEAN && v->flag >= 0) {
        rc = acg_json_write_bool(&w, v->flag == 1);
        return rc == ACG_OK ? ACG_EXIT_OK : write_failed(m->option, rc, &err);
    }
    /* Everything but raw fileb:// bytes is text, and text must be UTF-8: the AWS CLI reads
     * argv and files as text, and a JSON body cannot carry anything else. */
    if (!v->from_fileb && acg_utf8_length(v->text, v->len) < 0)
        return acg_cli_param_error(m->option, "the value is not valid UTF-8");
    if (memchr(v->text, '\0', v->len) != NULL && m->kind != ACG_CLI_STRING && !v->from_fileb)
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
        if (!acg_cli_parse_int64(v->text, v->len, &n))
            return acg_cli_param_error(m->option, "expected a decimal integer between %" PRId64
                                       " and %" PRId64, INT64_MIN, INT64_MAX);
        rc = acg_json_write_int64(&w, n);
        break;
    }
    case ACG_CLI_FLOAT: {
        double d = 0;
        if (!parse_double(v->text, v->len, &d))
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
    case ACG_CLI_BLOB: {
        if (v->from_fileb) {
            struct acg_blob blob = {(const uint8_t *)v->text, v->len};
            rc = acg_json_write_blob(&w, &blob);
            break;
        }
        /* AWS CLI v2 takes blobs as base64 text; check it here so a typo is a usage error,
         * not a request the service rejects. The text itself is what goes into the JSON. */
        struct acg_buf scratch;
        acg_buf_init(&scratch, 0);
        rc = acg_base64_decode(v->text, v->len, &scratch);
        acg_buf_free_secure(&scratch);
        if (rc == ACG_ERR_NOMEM)
            return acg_cli_out_of_memory();
        if (rc != ACG_OK)
            return acg_cli_param_error(m->option, "expected base64 text (the standard alphabet, "
                                       "padded with '='); use fileb://PATH for a file's raw "
                                       "bytes");
        rc = acg_json_write_string(&w, v->text);
        break;
    }
    case ACG_CLI_JSON: {
        /* Parse first for a precise message; the writer then copies the checked value. */
        if (is_blank(v->text, v->len))
            return acg_cli_param_error(m->option, "expected JSON text, got an empty value");
        struct acg_json_reader r;
        memset(&r, 0, sizeof r);
        rc = acg_json_reader_parse_input(&r, v->text, v->len, NULL, &err);
        acg_json_reader_free(&r);
        if (rc == ACG_ERR_NOMEM)
            return acg_cli_out_of_memory();
        if (rc != ACG_OK)
            return acg_cli_param_error(m->option, "Invalid JSON: %s (shorthand syntax is not "
                                       "supported; give JSON text)", err.message);
        acg_error_init(&err);
        /* Checked above (NaN and the infinities allowed, as the AWS CLI reads them), so the
         * text goes in as it is; the input decoder reads the same extension. */
        rc = acg_buf_append(out, v->text, v->len);
        break;
    }
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

/* Builds the input object: member options first, then the members of --cli-input-json
 * that no option overrides (the AWS CLI's order and precedence). Members of the input file
 * are copied as written, so numbers keep every digit and nothing is re-encoded. */
int acg_cli_build_input(const struct acg_cli_operation *op, const struct acg_cli_value *values,
                        const char *input, size_t input_len, struct acg_buf *json)
{
    struct acg_json_reader r;
    struct acg_error perr;
    bool have_input = input != NULL;
    int status = ACG_EXIT_OK;
    memset(&r, 0, sizeof r);
    acg_error_init(&perr);

    if (have_input) {
        if (is_blank(input, input_len)) {
            status = acg_cli_param_error("cli-input-json",
                                         "expected a JSON object, got an empty value");
            goto done;
        }
        int rc = acg_json_reader_parse_input(&r, input, input_len, NULL, &perr);
        if (rc == ACG_ERR_NOMEM) {
            status = acg_cli_out_of_memory();
            goto done;
        }
        if (rc != ACG_OK) {
            status = acg_cli_param_error("cli-input-json", "Invalid JSON: %s", perr.message);
            goto done;
        }
        if (r.ntoks < 1 || r.toks[0].type != ACG_JSON_OBJECT) {
            status = acg_cli_param_error("cli-input-json", "expected a JSON object ({...}) "
                                         "holding the operation's input members");
            goto done;
        }
        status = check_input_keys(op, &r);
        if (status != ACG_EXIT_OK)
            goto done;
    }

    bool first = true;
    if (acg_buf_append_char(json, '{') != ACG_OK)
        goto nomem;
    for (size_t i = 0; i < op->member_count; i++) {
        const struct acg_cli_member *m = &op->members[i];
        if (!values[i].set)
            continue;
        struct acg_json_writer w;
        acg_json_writer_init(&w, json, ACG_JSON_WIRE);
        if ((!first && acg_buf_append_char(json, ',') != ACG_OK) ||
            acg_json_write_string(&w, m->json_name) != ACG_OK ||
            acg_buf_append_char(json, ':') != ACG_OK)
            goto nomem;
        first = false;
        status = append_member_json(m, &values[i], json);
        if (status != ACG_EXIT_OK)
            goto done;
    }
    if (have_input) {
        for (int key = acg_json_object_next(&r, 0, 0); key != 0;
             key = acg_json_object_next(&r, 0, key)) {
            bool overridden = false;
            for (size_t i = 0; i < op->member_count && !overridden; i++)
                overridden = values[i].set && acg_json_key_is(&r, key, op->members[i].json_name);
            if (overridden)
                continue;
            if ((!first && acg_buf_append_char(json, ',') != ACG_OK) ||
                append_raw_token(&r, key, json) != ACG_OK ||
                acg_buf_append_char(json, ':') != ACG_OK ||
                append_raw_token(&r, key + 1, json) != ACG_OK)
                goto nomem;
            first = false;
        }
    }
    if (acg_buf_append_char(json, '}') != ACG_OK)
        goto nomem;
    goto done;
nomem:
    status = acg_cli_out_of_memory();
done:
    acg_json_reader_free(&r);
    return status;
}
