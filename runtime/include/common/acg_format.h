/* Numbers as text, the way Python writes them (botocore builds query strings and headers
 * with str(), and the AWS CLI prints JSON with repr()). */
#ifndef ACG_FORMAT_H
#define ACG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACG_NUMBER_TEXT_MAX 32

/* Python's repr(float): the shortest digits that read back as v, in fixed notation when the
 * decimal exponent is from -4 to 16 ("0.0001", "1.0", "1234.5") and scientific otherwise
 * ("1e-05", "1.5e+16"); "nan", "inf", "-inf" for the others. Returns the length. */
size_t acg_format_double(double v, char out[ACG_NUMBER_TEXT_MAX]);

/* The same layout for the shortest digits that read back as the float v. */
size_t acg_format_float(float v, char out[ACG_NUMBER_TEXT_MAX]);

/* Decimal text of v; returns the length. */
size_t acg_format_int64(int64_t v, char out[ACG_NUMBER_TEXT_MAX]);

#ifdef __cplusplus
}
#endif

#endif
