/* The command-line layer shared by every generated program (a subset of the AWS CLI).
 *
 * A generated main() describes its operations with the tables below and hands over to
 * acg_cli_main(), which parses options, builds the operation's input as JSON (member
 * options merged over --cli-input-json), creates the client, runs the operation through the
 * generated glue, prints the output, and maps the outcome to the AWS CLI's exit statuses:
 * 0 success, 252 bad input caught before sending (or usage), 253 configuration,
 * 254 service error, 255 anything else (endpoint rules, transport, credentials fetched at
 * run time, and output that could not be written: a closed or full standard output or a
 * reader that went away, as in `| head -c 10`; never 141 from SIGPIPE, never 0 with the
 * output lost). */
#ifndef ACG_CLI_H
#define ACG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_buf.h"
#include "client/acg_client.h"
#include "common/acg_error.h"
#include "json/acg_json.h"

enum acg_cli_exit {
    ACG_EXIT_OK = 0,
    ACG_EXIT_USAGE = 252,     /* bad input caught before sending, unknown option */
    ACG_EXIT_CONFIG = 253,
    ACG_EXIT_SERVICE = 254,
    ACG_EXIT_OTHER = 255,
};

/* How a member's option value becomes JSON. */
enum acg_cli_kind {
    ACG_CLI_STRING,    /* also enums: the text as a JSON string */
    ACG_CLI_BOOLEAN,   /* true / false */
    ACG_CLI_INTEGER,   /* integer and long: a decimal integer */
    ACG_CLI_FLOAT,     /* float and double: a number, NaN, Infinity or -Infinity */
    ACG_CLI_TIMESTAMP, /* epoch seconds or ISO 8601 */
    ACG_CLI_BLOB,      /* base64 text, as AWS CLI v2 takes it */
    ACG_CLI_JSON,      /* structures, unions, lists, maps, documents: JSON text */
};

struct acg_cli_member {
    const char *option;        /* "batch-inference-job-arn" (without the dashes) */
    const char *json_name;     /* "batchInferenceJobArn" */
    enum acg_cli_kind kind;
    bool required;
    const char *type_name;     /* for help: "string", "integer", "structure", ... */
    const char *constraints;   /* for help: "length 1-256, pattern ..." or "" */
    const char *doc;           /* plain text from the model, or "" */
};

/* The generated glue for one operation: decode input_json into the request struct,
 * call the operation, and on success write the output struct to out in the given style
 * (ACG_JSON_REDACTED, or ACG_JSON_DISPLAY when --show-sensitive asks for sensitive
 * members in clear). Returns the call's status with err filled (validation and service
 * errors included). */
typedef int (*acg_cli_run_fn)(struct acg_client *client, const char *input_json, size_t input_len,
                              enum acg_json_style style, struct acg_buf *out,
                              struct acg_error *err);

struct acg_cli_operation {
    const char *command;       /* "describe-batch-inference-job" */
    const char *name;          /* "DescribeBatchInferenceJob" */
    const char *doc;
    const struct acg_cli_member *members;
    size_t member_count;
    acg_cli_run_fn run;
};

struct acg_cli_program {
    const char *name;          /* program name for usage text, e.g. "personalize" */
    const char *doc;           /* the service's documentation, plain text */
    const struct acg_service *service;
    const struct acg_cli_operation *operations;
    size_t operation_count;
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

#endif
