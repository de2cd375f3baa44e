/* The AWS CLI's output formats over JSON value trees: json, text, table, yaml and
 * yaml-stream, each byte for byte what the AWS CLI prints for the same parsed response
 * (after --query, which the caller applies first with acg_jmespath_search).
 *
 *   json         Python's json.dumps(indent=4, ensure_ascii=False) and a newline; nothing
 *                for an empty object (an operation without output).
 *   text         awscli/text.py: tab-separated rows, upper-cased identifiers, headers of
 *                sorted keys; scalars as Python's str() prints them (None, True, 1.0).
 *   table        awscli/table.py: a title row (the operation name), centred column
 *                headers, nested sections indented by '|', column widths scaled to the
 *                widest section, single-row sections turned vertical when the table is
 *                wider than the terminal; ANSI colour as colorama writes it.
 *   yaml         AWS CLI v2 (ruamel.yaml's safe dumper, block style, keys sorted, shared
 *                subtrees as &id001 anchors); a scalar result as JSON.
 *   yaml-stream  AWS CLI v2: the result as the single item of a YAML list.
 *
 * Where the AWS CLI fails (text output of a list mixing objects with other values, table
 * output of rows of unequal length), the functions fail with ACG_ERR_INVALID_ARG after
 * writing what the AWS CLI writes before its error (for text, the lines before; for table,
 * nothing).
 *
 *     struct acg_output_options o;
 *     acg_output_options_init(&o);
 *     if (acg_output_parse_format("table", &o.format) == ACG_OK)
 *         rc = acg_output_print(stdout, "DescribeBatchInferenceJob", result, &o, err);
 */
#ifndef ACG_OUTPUT_H
#define ACG_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "json/acg_value.h"

enum acg_output_format {
    ACG_OUTPUT_JSON,
    ACG_OUTPUT_TEXT,
    ACG_OUTPUT_TABLE,
    ACG_OUTPUT_YAML,
    ACG_OUTPUT_YAML_STREAM,
};

/* --color: table output only, as in the AWS CLI. */
enum acg_output_color {
    ACG_COLOR_AUTO, /* on when the output is a terminal */
    ACG_COLOR_ON,
    ACG_COLOR_OFF,
};

struct acg_output_options {
    enum acg_output_format format; /* ACG_OUTPUT_JSON after init */
    enum acg_output_color color;   /* ACG_COLOR_AUTO after init */
    /* Table width limit: beyond it single-row sections turn vertical. 0 (after init) asks
     * the terminal behind the output (TIOCGWINSZ) and takes 80 when there is none, as the
     * AWS CLI does; COLUMNS is not read (nor is it by the AWS CLI). */
    int terminal_width;
};

void acg_output_options_init(struct acg_output_options *o);

/* "json", "text", "table", "yaml", "yaml-stream" -> *out; ACG_ERR_INVALID_ARG otherwise. */
ACG_NODISCARD int acg_output_parse_format(const char *name, enum acg_output_format *out);
/* "on", "off", "auto" -> *out; ACG_ERR_INVALID_ARG otherwise. */
ACG_NODISCARD int acg_output_parse_color(const char *name, enum acg_output_color *out);

/* Appends the formatted value to out. operation names the table's title (the operation's
 * name, e.g. "DescribeBatchInferenceJob"). Colour and width must be settled (AUTO and 0
 * are read as off and 80 here; acg_output_print settles them from its stream). Errors:
 * ACG_ERR_INVALID_ARG (see above; also invalid UTF-8 for json and yaml, or nesting deeper
 * than ACG_VALUE_MAX_DEPTH), or the buffer's. */
ACG_NODISCARD int acg_output_format(const char *operation, const struct acg_value *v,
                                    const struct acg_output_options *o, struct acg_buf *out,
                                    struct acg_error *err);

/* Formats v and writes it to f: colour AUTO becomes on when f is a terminal, width 0 the
 * terminal's. What was formatted before a failure is written too, as the AWS CLI's output
 * would show it. ACG_ERR_TRANSPORT when writing fails. */
ACG_NODISCARD int acg_output_print(FILE *f, const char *operation, const struct acg_value *v,
                                   const struct acg_output_options *o, struct acg_error *err);

#endif
