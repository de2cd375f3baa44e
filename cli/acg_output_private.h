/* What the output formatters share: Python's str() and repr() of values, display widths,
 * upper-casing, and the generated Unicode tables behind them. Not installed. */
#ifndef ACG_OUTPUT_PRIVATE_H
#define ACG_OUTPUT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "cli/acg_output.h"
#include "common/acg_utf8.h"

/* str.upper() of the code points first, first + step, ... (count of them): each moves by
 * delta to one code point. */
struct acg_cp_case_run {
    uint32_t first;
    int32_t delta;
    uint16_t count;
    uint8_t step;  /* 1 or 2 */
};

/* str.upper() of a code point whose upper case is several ("SS" for U+00DF). */
struct acg_cp_upper {
    uint32_t cp;
    char upper[8]; /* UTF-8, NUL-terminated, at most 6 bytes; kept inline so the table needs
                    * no relocations */
};

extern const struct acg_cp_range acg_unicode_wide[];
extern const size_t acg_unicode_wide_count;
extern const struct acg_cp_case_run acg_unicode_upper_runs[];   /* sorted by first */
extern const size_t acg_unicode_upper_runs_count;
extern const struct acg_cp_upper acg_unicode_upper[];           /* sorted by cp */
extern const size_t acg_unicode_upper_count;

/* The code point at s (n bytes available) and its length; invalid UTF-8 reads as U+FFFD,
 * one byte long. */
uint32_t acg_py_decode(const char *s, size_t n, size_t *len);
/* Writes cp as UTF-8 into out; returns the byte count (1-4). */
size_t acg_py_encode(uint32_t cp, char out[4]);
/* Python's len() of the text: its code points. */
size_t acg_py_len(const char *s, size_t n);
/* awscli.table.get_text_length: two columns for East Asian wide, full-width and ambiguous
 * characters, one for any other. */
size_t acg_py_display_width(const char *s, size_t n);
/* Appends str(s).upper(). */
int acg_py_upper(struct acg_buf *b, const char *s, size_t n);
/* Appends str(v): None, True, False, integers, repr() of doubles, strings as they are, and
 * repr() of arrays and objects ("[1, 'a']", "{'k': None}"). */
int acg_py_str(struct acg_buf *b, const struct acg_value *v);
/* Python's truth value: false for None, False, 0, 0.0, '', [] and {}. */
bool acg_py_truthy(const struct acg_value *v);
/* The name of the Python type json.loads gives for v: "NoneType", "bool", "int", "float",
 * "str", "list", "dict". */
const char *acg_py_type_name(const struct acg_value *v);

int acg_output_text(const struct acg_value *v, struct acg_buf *out, struct acg_error *err);
int acg_output_table(const char *title, const struct acg_value *v, bool color, int width,
                     struct acg_buf *out, struct acg_error *err);
/* yaml (stream false) or yaml-stream (true). */
int acg_output_yaml(const struct acg_value *v, bool stream, struct acg_buf *out,
                    struct acg_error *err);

#endif
