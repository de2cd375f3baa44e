/* Timestamps as AWS services write them: epoch seconds, ISO 8601 and HTTP-date, held as an
 * instant with nanosecond precision. Everything accepted or written lies in years
 * 0001-9999, the range of Python's datetime that botocore uses. */
#ifndef ACG_TIME_H
#define ACG_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "common/acg_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An instant, as precise as the service sent it. wire is the text it arrived as (a JSON
 * number such as "1700000000.071234", or the string of an ISO 8601 or HTTP-date value),
 * kept so that programs can print it the way it was received; NULL in values you build. */
struct acg_timestamp {
    int64_t seconds;   /* since 1970-01-01T00:00:00Z */
    int32_t nanos;     /* 0 to 999,999,999 */
    const char *wire;
};

#define ACG_TIME_MIN_SECONDS INT64_C(-62135596800)   /* 0001-01-01T00:00:00Z */
#define ACG_TIME_MAX_SECONDS INT64_C(253402300799)   /* 9999-12-31T23:59:59Z */

/* Parses the first len bytes of s (no NUL needed, surrounding whitespace ignored) into
 * t->seconds and t->nanos, leaving t->wire alone:
 *   epoch seconds ("1700000000", "1700000000.123456789", "-1.5", "1.7e9"), exactly as
 *     written, digits beyond the nanosecond cut off;
 *   ISO 8601, extended or basic ("2023-11-14T22:13:20.123Z", "20231114T221320Z"), 'T' or a
 *     space, seconds and fraction optional, offset Z, +hh:mm, +hhmm, +hh or none (UTC); a
 *     date alone is midnight UTC;
 *   HTTP-date ("Tue, 14 Nov 2023 22:13:20 GMT", weekday optional, GMT/UTC or +hhmm).
 * ACG_ERR_INVALID_ARG for anything else or outside years 0001-9999. */
ACG_NODISCARD int acg_time_parse(const char *s, size_t len, struct acg_timestamp *t);

/* What Python's datetime.fromtimestamp(seconds) keeps of a float, which is how botocore
 * reads epoch numbers: rounded half-even to the microsecond. */
ACG_NODISCARD int acg_time_from_double(double seconds, struct acg_timestamp *t);

enum acg_time_style {
    ACG_TIME_ISO8601,    /* as botocore sends it: "2023-11-14T22:13:20Z", with ".123456"
                          * before the Z when the microseconds are not zero */
    ACG_TIME_EPOCH,      /* whole seconds, as botocore sends unixTimestamp: "1700000000" */
    ACG_TIME_HTTP_DATE,  /* "Tue, 14 Nov 2023 22:13:20 GMT" */
    ACG_TIME_ISOFORMAT,  /* Python's datetime.isoformat() in UTC, as the AWS CLI prints:
                          * "2023-11-14T22:13:20.123000+00:00", no fraction when zero */
};

#define ACG_TIME_TEXT_MAX 48

/* Writes t in style into out, NUL-terminated; returns the length. Sub-microsecond digits
 * are dropped (truncated), as Python's datetime has none. */
size_t acg_time_format(const struct acg_timestamp *t, enum acg_time_style style,
                       char out[ACG_TIME_TEXT_MAX]);

/* t in milliseconds since the epoch (truncated toward the past). */
int64_t acg_time_to_ms(const struct acg_timestamp *t);

#ifdef __cplusplus
}
#endif

#endif
