/* What the XML module's sources share: reading scalar text the way botocore's XML parser
 * does. Not installed. */
#ifndef ACG_XML_PRIVATE_H
#define ACG_XML_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Python's int(text) within [min, max]: surrounding white space, a sign, decimal digits
 * with single '_' between them. ACG_ERR_INVALID_ARG for anything else, ACG_ERR_TOO_LARGE
 * outside the range. */
int acg_xml_parse_int(const char *text, size_t len, int64_t min, int64_t max, int64_t *out);

/* Python's float(text): surrounding white space, decimal or scientific notation with '_'
 * between digits, and nan, inf or infinity in any case with an optional sign.
 * ACG_ERR_INVALID_ARG for anything else (hexadecimal included). */
int acg_xml_parse_double(const char *text, size_t len, double *out);

/* Base64 as Python's base64.b64decode reads it without validate: characters outside the
 * alphabet (white space, line breaks) are dropped first. out must have room for
 * acg_base64_decoded_max(len) bytes. ACG_ERR_INVALID_ARG when what remains is not
 * padded base64. */
int acg_xml_parse_base64(const char *text, size_t len, uint8_t *out, size_t *out_len);

#endif
