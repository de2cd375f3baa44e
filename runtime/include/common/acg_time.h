/* Timestamps as AWS services write them: ISO 8601, epoch seconds and HTTP-date. */
#ifndef ACG_TIME_H
#define ACG_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Formats epoch_ms as "YYYY-MM-DDTHH:MM:SS[.mmm]Z" into out (at least 32 bytes); the
 * fraction is left out when it is zero. Exact and thread-safe for any int64 (years
 * 0001-9999 print with four digits). The writer's wire form always carries ".mmm", as
 * botocore writes ISO 8601 with millisecond precision; its display form is
 * "2023-11-14T22:13:20.123000+00:00", Python's datetime.isoformat() as the AWS CLI prints. */
void acg_time_format_iso8601(int64_t epoch_ms, char out[32]);
/* Parses, as botocore's parse_timestamp does, the first len bytes of s (no NUL needed,
 * surrounding whitespace ignored):
 *   epoch seconds ("1700000000", "1700000000.123", "-1.5", "1.7e9"), rounded like Python's
 *     datetime.fromtimestamp (to the microsecond, half-even) and kept to the millisecond;
 *   ISO 8601, extended or basic ("2023-11-14T22:13:20.123Z", "20231114T221320Z"), 'T' or a
 *     space, seconds and fraction optional (fraction truncated to ms), offset Z, +hh:mm,
 *     +hhmm, +hh or none (UTC); a date alone is midnight UTC;
 *   HTTP-date ("Tue, 14 Nov 2023 22:13:20 GMT", weekday optional, GMT/UTC or +hhmm).
 * Returns ACG_ERR_INVALID_ARG for anything else or outside years 0001-9999 (ACG_ERR_NOMEM
 * only when copying a numeric string of 64 characters or more fails). */
ACG_NODISCARD int acg_time_parse(const char *s, size_t len, int64_t *epoch_ms);

#ifdef __cplusplus
}
#endif

#endif
