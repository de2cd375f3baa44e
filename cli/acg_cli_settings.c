/* How a result is printed, settled before the call as the AWS CLI settles it: the output
 * format (--output, AWS_DEFAULT_OUTPUT, the profile's output), --color, --query,
 * cli_timestamp_format, redaction, and whether and how to paginate. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "acg_cli_private.h"
#include "auth/acg_config.h"

/* The profile's value of key, or NULL (also when the profile cannot be read: creating the
 * client reports that). */
static const char *profile_setting(const struct acg_profile *p, const char *key)
{
    return p != NULL ? acg_profile_get(p, key) : NULL;
}

static int output_format(const char *const *global, const struct acg_profile *p,
                         struct acg_cli_print *print)
{
    const char *name = global[ACG_CLI_G_OUTPUT];
    if (name == NULL)
        name = acg_env("AWS_DEFAULT_OUTPUT");
    if (name == NULL)
        name = profile_setting(p, "output");
    if (name == NULL)
        name = "json";
    if (acg_output_parse_format(name, &print->output.format) != ACG_OK) {
        acg_cli_errorf("\nUnknown output type: %s\n", name);
        return ACG_EXIT_OTHER;
    }
    const char *color = global[ACG_CLI_G_COLOR];
    if (color != NULL && acg_output_parse_color(color, &print->output.color) != ACG_OK)
        return ACG_EXIT_USAGE;   /* checked with the other arguments already */
    return ACG_EXIT_OK;
}

static int timestamp_format(const struct acg_profile *p, struct acg_cli_print *print)
{
    const char *name = profile_setting(p, "cli_timestamp_format");
    if (name == NULL || strcmp(name, "wire") == 0 || strcmp(name, "none") == 0) {
        print->values.timestamps = ACG_VALUE_TIME_WIRE;
    } else if (strcmp(name, "iso8601") == 0) {
        print->values.timestamps = ACG_VALUE_TIME_ISO8601;
    } else {
        acg_cli_errorf("\nUnknown cli_timestamp_format value: %s, valid values are \"none\", "
                       "\"wire\" or \"iso8601\"\n", name);
        return ACG_EXIT_OTHER;
    }
    return ACG_EXIT_OK;
}

static int compile_query(const char *text, struct acg_cli_print *print)
{
    struct acg_jmespath *q = NULL;
    struct acg_error err;
    if (text == NULL)
        return ACG_EXIT_OK;
    acg_error_init(&err);
    if (acg_jmespath_compile(text, SIZE_MAX, &q, &err) != ACG_OK) {
        /* globalargs._resolve_query: the exception's text after the expression */
        acg_cli_errorf("\nBad value for --query %s: %s\n", text, acg_jmespath_error_message(&err));
        acg_error_free(&err);
        return ACG_EXIT_OTHER;
    }
    print->query = q;
    return ACG_EXIT_OK;
}

/* A member option naming an input token or the limit key turns pagination off, as in the
 * AWS CLI (check_should_enable_pagination). */
static bool manual_paging(const struct acg_cli_operation *op, const struct acg_cli_value *values)
{
    const struct acg_paginator *pg = op->desc->paginator;
    for (size_t i = 0; i < op->member_count; i++) {
        const char *name = op->members[i].json_name;
        if (!values[i].set)
            continue;
        for (size_t k = 0; k < pg->token_count; k++) {
            if (strcmp(pg->input_tokens[k], name) == 0)
                return true;
        }
        if (pg->limit_key != NULL && strcmp(pg->limit_key, name) == 0)
            return true;
    }
    return false;
}

static int paging(const struct acg_cli_operation *op, const char *const *global,
                  const struct acg_cli_value *values, struct acg_cli_print *print)
{
    static const int ids[] = { ACG_CLI_G_STARTING_TOKEN, ACG_CLI_G_PAGE_SIZE, ACG_CLI_G_MAX_ITEMS };
    print->paginate = op->pageable && global[ACG_CLI_G_NO_PAGINATE] == NULL &&
                      !manual_paging(op, values);
    if (!op->pageable)
        return ACG_EXIT_OK;
    if (!print->paginate) {
        char used[128] = "";
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            if (global[ids[i]] != NULL)
                snprintf(used + strlen(used), sizeof used - strlen(used), "%s--%s",
                         used[0] != '\0' ? ", " : "", acg_cli_globals[ids[i]].name);
        }
        if (used[0] != '\0') {
            fprintf(stderr, "\nError during pagination: Cannot specify --no-paginate along "
                            "with pagination arguments: %s\n", used);
            return ACG_EXIT_OTHER;
        }
        return ACG_EXIT_OK;
    }
    print->paging.starting_token = global[ACG_CLI_G_STARTING_TOKEN];
    const char *size = global[ACG_CLI_G_PAGE_SIZE], *max = global[ACG_CLI_G_MAX_ITEMS];
    if (size != NULL)
        (void)acg_cli_parse_int64(size, strlen(size), &print->paging.page_size);
    if (max != NULL)
        (void)acg_cli_parse_int64(max, strlen(max), &print->paging.max_items);
    return ACG_EXIT_OK;
}

static bool truthy(const char *v)
{
    return v != NULL && strcasecmp(v, "true") == 0;
}

int acg_cli_print_settings(const struct acg_service *svc, const struct acg_cli_operation *op,
                           const char *const *global,
                           const struct acg_cli_value *values, struct acg_cli_print *print)
{
    struct acg_profile *profile = NULL;
    struct acg_error err;
    memset(print, 0, sizeof *print);
    acg_output_options_init(&print->output);
    acg_error_init(&err);
    if (acg_profile_load(global[ACG_CLI_G_PROFILE], &profile, &err) != ACG_OK)
        profile = NULL;
    acg_error_free(&err);
    int protocol = svc->protocol;
    print->values.wire_numbers = protocol == ACG_PROTOCOL_JSON ||
                                 protocol == ACG_PROTOCOL_REST_JSON ||
                                 protocol == ACG_PROTOCOL_RPC_V2_CBOR;
    print->values.redact_sensitive =
        global[ACG_CLI_G_REDACT_SENSITIVE] != NULL ||
        (truthy(profile_setting(profile, "cli_redact_sensitive")) &&
         global[ACG_CLI_G_SHOW_SENSITIVE] == NULL);
    int status = output_format(global, profile, print);
    if (status == ACG_EXIT_OK)
        status = timestamp_format(profile, print);
    if (status == ACG_EXIT_OK)
        status = paging(op, global, values, print);
    if (status == ACG_EXIT_OK)
        status = compile_query(global[ACG_CLI_G_QUERY], print);
    acg_profile_free(profile);
    return status;
}

void acg_cli_print_settings_free(struct acg_cli_print *print)
{
    acg_jmespath_destroy((struct acg_jmespath *)print->query);
    print->query = NULL;
}
