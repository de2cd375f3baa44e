/* Checks a request against its model's constraints before anything is sent.
 *
 * Generated validators walk a request and call these checks; every violation is kept (up to
 * ACG_VALIDATION_MAX), each with its member path, so one run reports them all. Paths are
 * built with acg_validate_enter/leave as the walk descends. Patterns follow AWS models'
 * ECMAScript-style semantics (see common/acg_pattern.h). */
#ifndef ACG_VALIDATE_H
#define ACG_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/acg_error.h"
#include "common/acg_pattern.h"
#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ACG_VALIDATION_MAX 32
/* Deeper values (recursive shapes) are refused rather than walked. */
#define ACG_VALIDATE_MAX_DEPTH 64

enum acg_validation_mode {
    ACG_VALIDATE_ENFORCE = 0, /* fail the call with ACG_ERR_VALIDATION; the default */
    ACG_VALIDATE_WARN,        /* log each violation at warn level, then send */
    ACG_VALIDATE_OFF,         /* skip validation */
};

struct acg_violation {
    char path[192];     /* "jobInput.s3DataSource.path" */
    char message[192];  /* "is required", "length 300 is more than 256", ... */
};

struct acg_validator {
    char path[192];
    size_t path_len;
    size_t count;     /* violations recorded */
    size_t dropped;   /* violations past ACG_VALIDATION_MAX */
    struct acg_violation items[ACG_VALIDATION_MAX];
};

void acg_validator_init(struct acg_validator *v);

/* Appends ".name" (or "name" at the top) to the path; returns the mark to leave with. */
size_t acg_validate_enter(struct acg_validator *v, const char *name);
/* Appends "[index]" or "[key]" for list elements and map values. */
size_t acg_validate_enter_index(struct acg_validator *v, size_t index);
size_t acg_validate_enter_key(struct acg_validator *v, const char *key);
void acg_validate_leave(struct acg_validator *v, size_t mark);

void acg_validate_fail(struct acg_validator *v, const char *member, const char *fmt, ...)
    ACG_PRINTF(3, 4);
void acg_validate_required(struct acg_validator *v, const char *member, bool present);
/* Length in code points and pattern; s may be NULL (absent: nothing checked). min/max < 0
 * mean no bound; pattern may be NULL. Also rejects invalid UTF-8. */
void acg_validate_string(struct acg_validator *v, const char *member, const char *s, long min,
                         long max, struct acg_pattern *pattern);
void acg_validate_blob_length(struct acg_validator *v, const char *member, bool present,
                              size_t len, long min, long max);
/* has_min/has_max say which bounds the model gives. */
void acg_validate_int_range(struct acg_validator *v, const char *member, bool present,
                            int64_t value, bool has_min, int64_t min, bool has_max, int64_t max);
void acg_validate_float_range(struct acg_validator *v, const char *member, bool present,
                              double value, bool has_min, double min, bool has_max, double max);
/* Element count of a list or map. */
void acg_validate_count(struct acg_validator *v, const char *member, bool present, size_t count,
                        long min, long max);
/* A union must have exactly one member set. */
void acg_validate_union(struct acg_validator *v, const char *member, int set_count);

/* Checks value (a struct of shape s) against every constraint the model gives, recording
 * each violation with its member path. */
void acg_validate_shape(struct acg_validator *v, const struct acg_shape *s, const void *value);

/* Turns the violations into an error: ACG_ERR_VALIDATION, where = first path, message =
 * every violation joined by "; ". Returns ACG_OK when there are none. */
int acg_validator_result(const struct acg_validator *v, struct acg_error *err);

#ifdef __cplusplus
}
#endif

#endif
