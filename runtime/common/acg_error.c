/* Error records: first error wins, messages formatted once. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_error.h"
#include "common/acg_text.h"

/* The analyzer's stand-ins for these two (acg_error.h) must not rename their definitions. */
#undef acg_error_set
#undef acg_error_set_at

const char *acg_status_name(enum acg_status status)
{
    switch (status) {
    case ACG_OK: return "ok";
    case ACG_ERR_NOMEM: return "out of memory";
    case ACG_ERR_INVALID_ARG: return "invalid argument";
    case ACG_ERR_VALIDATION: return "validation error";
    case ACG_ERR_JSON: return "malformed JSON";
    case ACG_ERR_TRANSPORT: return "transport error";
    case ACG_ERR_SERVICE: return "service error";
    case ACG_ERR_CONFIG: return "configuration error";
    case ACG_ERR_ENDPOINT: return "endpoint error";
    case ACG_ERR_UNSUPPORTED: return "not supported";
    case ACG_ERR_TOO_LARGE: return "too large";
    case ACG_ERR_WAITER: return "waiter failed";
    case ACG_ERR_CREDENTIALS: return "credentials error";
    case ACG_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

void acg_error_init(struct acg_error *err)
{
    memset(err, 0, sizeof *err);
}

void acg_error_free(struct acg_error *err)
{
    if (err == NULL || err->detail == NULL)
        return;
    if (err->detail_free != NULL)
        err->detail_free(err->detail);
    err->detail = NULL;
    err->detail_free = NULL;
    err->detail_shape = NULL;
}

ACG_PRINTF(4, 0)
static int set_va(struct acg_error *err, int status, const char *where, const char *fmt, va_list ap)
{
    if (err == NULL || status == ACG_OK || err->status != ACG_OK)
        return status;
    err->status = (enum acg_status)status;
    if (where != NULL)
        acg_escape_copy(err->where, sizeof err->where, where, strlen(where), ACG_ESCAPE_LINE);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    /* Messages quote values from servers, files and the environment; whoever prints one
     * gets a line that cannot drive the terminal (acg_text.h). */
    size_t len = strlen(err->message);
    if (!acg_is_terminal_safe(err->message, len, ACG_ESCAPE_LINE)) {
        char safe[sizeof err->message];
        acg_escape_copy(safe, sizeof safe, err->message, len, ACG_ESCAPE_LINE);
        memcpy(err->message, safe, sizeof safe);
    }
    return status;
}

int acg_error_set(struct acg_error *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    status = set_va(err, status, NULL, fmt, ap);
    va_end(ap);
    return status;
}

int acg_error_set_at(struct acg_error *err, int status, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    status = set_va(err, status, where, fmt, ap);
    va_end(ap);
    return status;
}
