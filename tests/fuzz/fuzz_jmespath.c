/* Fuzz target: JMESPath and the output formats. The input is an expression, optionally
 * followed by a NUL byte and a JSON document; the expression is compiled and evaluated
 * (with a small size limit) over that document, or over a fixed one when there is none or
 * it does not parse, and each result goes through every output format, so shared
 * subtrees, odd keys and strings reach the formatters too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/acg_output.h"
#include "jmespath/acg_jmespath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
    "{\"a\": {\"b\": [1, 2.5, -3, \"x\", null, true, {\"c\": \"d\"}], \"e\": {}},"
    " \"list\": [{\"n\": \"z\", \"v\": 3, \"t\": [1]}, {\"n\": \"a\", \"v\": 1.5},"
    " {\"n\": \"m\", \"v\": -2, \"t\": []}], \"s\": \"h\\u00e9llo w\\u00f6rld \\ud83d\\ude00\","
    " \"nums\": [5, 3, 9, 1e300, -0.0], \"strs\": [\"b\", \"a\", \"\", \"1e3\", \" 7 \"],"
    " \"nested\": [[1, [2, [3]]], [], [[]]], \"0\": \"zero\", \"k y\": {\"\": false}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct acg_arena *doc_arena;
    static struct acg_value *doc;
    if (doc == NULL) {
        doc_arena = acg_arena_new();
        if (acg_value_parse(doc_arena, doc_text, sizeof doc_text - 1, &doc, NULL) != ACG_OK)
            abort();
    }
    if (size > 8192)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t expr_len = nul != NULL ? (size_t)(nul - data) : size;
    struct acg_jmespath *jp = NULL;
    struct acg_error err;
    acg_error_init(&err);
    if (acg_jmespath_compile((const char *)data, expr_len, &jp, &err) != ACG_OK) {
        acg_error_free(&err); /* a long message is kept beside the record */
        return 0;
    }
    struct acg_arena *a = acg_arena_new();
    struct acg_value *input = NULL;
    if (nul == NULL || acg_value_parse(a, (const char *)nul + 1, size - expr_len - 1, &input,
                                       NULL) != ACG_OK)
        input = doc;
    const struct acg_value *r = NULL;
    if (acg_jmespath_search_limited(jp, input, a, (size_t)1 << 14, &r, &err) == ACG_OK) {
        static const enum acg_output_format formats[] = {
            ACG_OUTPUT_JSON, ACG_OUTPUT_TEXT, ACG_OUTPUT_TABLE, ACG_OUTPUT_YAML,
            ACG_OUTPUT_YAML_STREAM};
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
            struct acg_output_options o;
            acg_output_options_init(&o);
            o.format = formats[i];
            o.color = i % 2 ? ACG_COLOR_ON : ACG_COLOR_OFF;
            o.terminal_width = 40;
            struct acg_buf out;
            acg_buf_init(&out, (size_t)1 << 22);
            struct acg_error oerr;
            acg_error_init(&oerr);
            (void)acg_output_format("Fuzz", r, &o, &out, &oerr);
            acg_buf_free(&out);
        }
    }
    acg_error_free(&err);
    acg_arena_destroy(a);
    acg_jmespath_destroy(jp);
    return 0;
}
