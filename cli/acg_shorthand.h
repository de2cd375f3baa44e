/* The AWS CLI's shorthand syntax (`--job-input s3DataSource={path=s3://b/in.json}`), read
 * the way AWS CLI v1 reads it (awscli.shorthand): a syntactic parser that turns the text into
 * a JSON value tree, and the model-driven pass the AWS CLI applies afterwards (its
 * BackCompatVisitor) that turns "5" into 5 for integer members, wraps a lone value into a
 * list where the model has a list, and refuses document members.
 *
 * Private to the command-line library. Errors are worded as the AWS CLI words them; the
 * caller adds "Error parsing parameter '--x': " in front. */
#ifndef ACG_SHORTHAND_H
#define ACG_SHORTHAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "json/acg_value.h"
#include "shape/acg_shape.h"

/* A failure the AWS CLI reports as "Error parsing parameter '--x': MESSAGE". */
#define ACG_SHORTHAND_ERROR ACG_ERR_INVALID_ARG
/* A failure the AWS CLI reports with Python's message alone ("invalid literal for int()
 * with base 10: 'x'"), as an exception it does not wrap. */
#define ACG_SHORTHAND_PLAIN ACG_ERR_VALIDATION

/* How values written after "@=" (key@=file://PATH) are read. The parser hands each such
 * value to load; load sets *out to the file's contents, or leaves it NULL when the value
 * names no file (it is then kept as written). A non-OK status stops the parse; load has put
 * its message in msg. */
struct acg_shorthand_files {
    int (*load)(void *ctx, const char *text, size_t len, struct acg_arena *a,
                struct acg_value **out, struct acg_buf *msg);
    void *ctx;
};

/* Parses len bytes of UTF-8 text as shorthand into *out (an object, in arena a).
 * files may be NULL: values after "@=" are then kept as written. Returns ACG_OK;
 * ACG_SHORTHAND_ERROR with the AWS CLI's message in msg ("Expected: '=', received: 'EOF'
 * for input:" and the text with a caret under the place); ACG_ERR_NOMEM; or load's status.
 * Invalid UTF-8 is an ACG_SHORTHAND_ERROR too. */
int acg_shorthand_parse(struct acg_arena *a, const char *text, size_t len,
                        const struct acg_shorthand_files *files, struct acg_value **out,
                        struct acg_buf *msg);

/* Applies the AWS CLI's model-driven adjustments to a parsed value v of shape s, in place
 * (containers of v are open, as the parser builds them): integers and floats from text,
 * booleans from "true"/"false" (any case), a lone value where a list belongs wrapped into a
 * list (not at the top: *v itself keeps its type, as in the AWS CLI). A value whose
 * conversion fails gives ACG_SHORTHAND_PLAIN with Python's message in msg ("invalid literal
 * for int() with base 10: 'x'"); a document member gives the AWS CLI's document message. */
int acg_shorthand_adjust(struct acg_arena *a, const struct acg_shape *s, struct acg_value **v,
                         struct acg_buf *msg);

/* True when the AWS CLI takes shorthand for an option of shape s: structures, maps, and lists
 * of structures, lists or maps, unless they only wrap documents. */
bool acg_shorthand_supported(const struct acg_shape *s);

/* Valid UTF-8 (checked by the caller) as a heap array of code points (Python's view of a
 * string: indexes count characters); *n gets the count. NULL when memory runs out. */
uint32_t *acg_py_codepoints(const char *s, size_t len, size_t *n);

/* Checks valid UTF-8 text the way Python's json.loads does (NaN and the infinities allowed).
 * ACG_OK when Python takes it; ACG_ERR_JSON with Python's message appended to msg
 * ("Expecting value: line 1 column 1 (char 0)"); ACG_ERR_NOMEM. */
int acg_py_json_error(const char *text, size_t len, struct acg_buf *msg);

/* Python's str.isspace() for one code point (also what `\s` matches in Python's re). */
bool acg_py_isspace(uint32_t c);

/* Appends Python's repr() of len bytes of UTF-8 text: quoted with ' (or " when the text
 * holds ' and no "), with \\, \n, \r, \t, \xNN, \uNNNN escapes where Python uses them. */
int acg_py_repr(struct acg_buf *b, const char *s, size_t len);

#endif
