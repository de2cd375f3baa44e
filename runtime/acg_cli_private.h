/* Shared between the command-line layer's sources (acg_cli.c parses and runs,
 * acg_cli_help.c prints help). Not installed: generated code includes acg_cli.h only. */
#ifndef ACG_CLI_PRIVATE_H
#define ACG_CLI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "acg_cli.h"

/* The options every operation accepts, in the order help lists them. */
enum acg_cli_global_id {
    ACG_CLI_G_CLI_INPUT_JSON,
    ACG_CLI_G_ENDPOINT_URL,
    ACG_CLI_G_REGION,
    ACG_CLI_G_PROFILE,
    ACG_CLI_G_OUTPUT,
    ACG_CLI_G_DEBUG,
    ACG_CLI_G_NO_VERIFY_SSL,
    ACG_CLI_G_CONNECT_TIMEOUT,
    ACG_CLI_G_READ_TIMEOUT,
    ACG_CLI_G_NO_PAGINATE,
    ACG_CLI_G_NO_CLI_PAGER,
    ACG_CLI_G_VERSION,
    ACG_CLI_G_HELP,
    ACG_CLI_G_COUNT
};

struct acg_cli_global {
    const char *name;         /* without the dashes */
    const char *type_name;    /* "string", "integer", "boolean" */
    bool takes_value;         /* false: a flag */
    bool operation_option;    /* listed with the operation's options, not the global ones */
    const char *help;
};

/* Indexed by enum acg_cli_global_id. */
extern const struct acg_cli_global acg_cli_globals[ACG_CLI_G_COUNT];

/* The values --cli-connect-timeout and --cli-read-timeout accept, in seconds. */
#define ACG_CLI_MAX_TIMEOUT_S 2000000L

/* "usage: ..." with the ways to get help, as the AWS CLI prints before an argument error. */
void acg_cli_print_usage(FILE *f, const struct acg_cli_program *prog);
/* `PROG help`: the service description, every command with its first sentence, the global
 * options. */
void acg_cli_print_program_help(FILE *f, const struct acg_cli_program *prog);
/* `PROG OP help`: the description, synopsis, each option with its type, constraints and
 * documentation, then the global options. */
void acg_cli_print_operation_help(FILE *f, const struct acg_cli_program *prog,
                                  const struct acg_cli_operation *op);
/* The global option id for --name (name_len bytes, no dashes), or -1. */
int acg_cli_find_global(const char *name, size_t name_len);

#endif
