/* The validation-mode switch and input-error shaping shared by generated operations. */
#include <stdio.h>
#include <string.h>

#include "client/acg_operation.h"

int acg_op_check(struct acg_client *c, const struct acg_validator *v, struct acg_error *err)
{
    switch (acg_client_validation_mode(c)) {
    case ACG_VALIDATE_OFF:
        return ACG_OK;
    case ACG_VALIDATE_WARN:
        for (size_t i = 0; i < v->count; i++)
            acg_client_log(c, ACG_LOG_WARN, "validation: %s: %s (sent anyway)", v->items[i].path,
                           v->items[i].message);
        return ACG_OK;
    case ACG_VALIDATE_ENFORCE:
        break;
    }
    return acg_validator_result(v, err);
}

int acg_op_input_error(struct acg_error *err, int status)
{
    if (status != ACG_ERR_JSON || err == NULL)
        return status;
    char message[sizeof err->message];
    if (err->where[0] != '\0')
        snprintf(message, sizeof message, "%.200s: %.300s", err->where, err->message);
    else
        snprintf(message, sizeof message, "input: %.500s", err->message);
    memcpy(err->message, message, sizeof message);
    err->status = ACG_ERR_VALIDATION;
    return ACG_ERR_VALIDATION;
}

void acg_op_response_error(struct acg_error *err, const char *operation)
{
    if (err == NULL || err->status != ACG_ERR_JSON)
        return;
    char message[sizeof err->message];
    if (err->where[0] != '\0')
        snprintf(message, sizeof message, "Unable to parse the %.64s response: %.150s: %.250s", operation,
                 err->where, err->message);
    else
        snprintf(message, sizeof message, "Unable to parse the %.64s response: %.400s", operation, err->message);
    memcpy(err->message, message, sizeof message);
}
