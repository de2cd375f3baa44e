/* Text helpers for the plan: C string literals and doc comments from model documentation. */
#ifndef GEN_TEXT_H
#define GEN_TEXT_H

#include <stddef.h>

#include "common/acg_arena.h"

/* The model's documentation as plain text: HTML tags dropped, entities decoded, white space
 * folded, paragraphs kept as blank-line breaks. NULL in, "" out. */
char *text_plain(struct acg_arena *a, const char *html);

/* A C string literal (with the quotes) for s: escapes, non-ASCII bytes as octal, and "??"
 * broken up so no trigraph can form. */
char *text_c_string(struct acg_arena *a, const char *s);

/* The same as one or more adjacent literals, broken after spaces so that no line (indent
 * spaces, then the literal) is wider than width; continuation lines start with indent
 * spaces, the first does not. */
char *text_c_string_wrapped(struct acg_arena *a, const char *s, int indent, int width);

/* A block comment of the plain text wrapped to fit width columns after indent spaces, each
 * line ending in '\n'; "" when text is empty. "*" "/" and "/" "*" cannot occur inside. */
char *text_comment(struct acg_arena *a, const char *plain, int indent, int width);

/* The same as a Doxygen comment ("/" "** " ... " *" "/"): paragraphs that start with '@'
 * (@param, @return) follow each other without blank lines. */
char *text_doc_comment(struct acg_arena *a, const char *plain, int indent, int width);

/* plain with the characters Doxygen reads as commands or markup (\\ @ < > & # % $)
 * escaped with a backslash, for model documentation in Doxygen comments. */
char *text_doc_escape(struct acg_arena *a, const char *plain);

/* First sentence of plain text (up to ". "), at most max bytes, for one-line summaries. */
char *text_summary(struct acg_arena *a, const char *plain, size_t max);

#endif
