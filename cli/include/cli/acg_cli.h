/* The command-line layer shared by every generated program (a subset of the AWS CLI).
 *
 * A generated main() hands the service's descriptor tables and their documentation to
 * acg_cli_main(), which parses options, builds the operation's input (member options merged
 * over --cli-input-json), creates the client, runs the operation with acg_call(), prints
 * the output, and maps the outcome to the AWS CLI's exit statuses:
 * 0 success, 252 bad input caught before sending (or usage), 253 configuration,
 * 254 service error, 255 anything else (endpoint rules, transport). */
#ifndef ACG_CLI_H
#define ACG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "client/acg_client.h"
#include "shape/acg_service.h"

#ifdef __cplusplus
extern "C" {
#endif

enum acg_cli_exit {
    ACG_EXIT_OK = 0,
    ACG_EXIT_USAGE = 252,     /* bad input caught before sending, unknown option */
    ACG_EXIT_CONFIG = 253,
    ACG_EXIT_SERVICE = 254,
    ACG_EXIT_OTHER = 255,
};

/* The documentation of one operation, which the tables do not carry. */
struct acg_cli_command {
    const char *name;                 /* the operation's name, as a check on the order */
    const char *doc;                  /* the first paragraph of its documentation */
    const char *const *member_docs;   /* one per input member, in member order, or NULL */
};

struct acg_cli_program {
    const char *name;                 /* the program's name in usage text: "personalize" */
    const char *doc;                  /* the service's documentation, plain text */
    const struct acg_service *service;
    const struct acg_cli_command *commands;  /* one per service->operations, same order */
};

/* Runs the program; returns the exit status. Prints to stdout/stderr (the only runtime
 * module that does). */
int acg_cli_main(const struct acg_cli_program *prog, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
