/* The command-line layer shared by every generated program (a subset of the AWS CLI).
 *
 * A generated main() hands the service's descriptor tables and their documentation to
 * acg_cli_main(), which parses options, builds the operation's input (member options merged
 * over --cli-input-json), creates the client, runs the operation with acg_call(), prints
 * the output, and maps the outcome to the AWS CLI's exit statuses:
 * 0 success, 252 bad input caught before sending (or usage), 253 configuration,
 * 254 service error, 255 anything else (endpoint rules, transport, credentials fetched at
 * run time, and output that could not be written: a closed or full standard output or a
 * reader that went away, as in `| head -c 10`; never 141 from SIGPIPE, never 0 with the
 * output lost). */
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
 * module that does). Calls acg_cli_prepare_process() first. */
int acg_cli_main(const struct acg_cli_program *prog, int argc, char **argv);

/* The process-wide set-up acg_cli_main() does before anything else, for programs that embed
 * the runtime without the command-line layer: descriptors 0, 1 and 2 that are closed are
 * opened on /dev/null (so libcurl's sockets and the config files never get them), SIGPIPE
 * is ignored (a write to a closed pipe fails with EPIPE instead of killing the process),
 * core dumps are turned off (RLIMIT_CORE 0 and, on Linux, PR_SET_DUMPABLE 0: the process
 * holds credentials). Returns a bit set of the descriptors that were closed (1 << fd). */
unsigned acg_cli_prepare_process(void);

#ifdef __cplusplus
}
#endif

#endif
