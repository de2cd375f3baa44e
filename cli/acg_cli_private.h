/* Shared between the command-line layer's sources (acg_cli.c parses and runs,
 * acg_cli_help.c prints help). Not installed: generated code includes acg_cli.h only. */
#ifndef ACG_CLI_PRIVATE_H
#define ACG_CLI_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/acg_cli.h"
#include "cli/acg_output.h"
#include "client/acg_pager.h"
#include "client/acg_waiter.h"
#include "jmespath/acg_jmespath.h"
#include "json/acg_value_struct.h"
#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "json/acg_json.h"

/* struct acg_client_config.mfa_prompt for the program: getpass's way (acg_cli_prompt.c). */
int acg_cli_mfa_prompt(void *ctx, const char *prompt, char *code, size_t size);

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
    const struct acg_member *desc;  /* the input member it sets */
    const char *json_name;     /* "batchInferenceJobArn" */
    enum acg_cli_kind kind;
    bool required;
    const char *type_name;     /* for help: "string", "integer", "structure", ... */
    const char *constraints;   /* for help: "length 1-256, pattern ..." or "" */
    const char *doc;           /* plain text from the model, or "" */
};

struct acg_cli_operation {
    const char *command;       /* "describe-batch-inference-job" */
    const char *name;          /* "DescribeBatchInferenceJob" */
    const char *doc;
    const struct acg_cli_member *members;
    size_t member_count;
    const struct acg_operation *desc;
    bool streams_output;       /* takes an outfile for the downloaded body, as the AWS CLI */
    bool pageable;             /* has a paginator with result keys: follows tokens */
    bool has_limit_key;        /* the paginator names a page-size member (--page-size) */
};

/* A waiter as `PROG wait COMMAND` runs it: the options are its operation's. */
struct acg_cli_waiter {
    const char *command;                  /* "batch-inference-job-active" */
    const struct acg_waiter *desc;
    const struct acg_cli_operation *op;   /* the operation it polls */
};

/* The program as the command line sees it, built from the tables when it starts. */
struct acg_cli_app {
    const char *name;
    const char *doc;
    const struct acg_service *service;
    const struct acg_cli_operation *operations;
    size_t operation_count;
    const struct acg_cli_waiter *waiters;    /* in the service's order (by name) */
    size_t waiter_count;
    struct acg_arena *arena;   /* owns the views and their names */
};

/* Builds the commands and options of prog from its tables (xform_name names, member kinds,
 * constraints, documentation). ACG_OK or ACG_ERR_NOMEM / ACG_ERR_INVALID_ARG (commands out
 * of step with the tables). */
int acg_cli_app_init(struct acg_cli_app *app, const struct acg_cli_program *prog);
void acg_cli_app_free(struct acg_cli_app *app);
/* How a result is printed: --output, --color, --query, cli_timestamp_format, redaction, and
 * pagination (--no-paginate, --starting-token, --page-size, --max-items). */
struct acg_cli_print {
    struct acg_output_options output;
    const struct acg_jmespath *query;          /* NULL: the whole result */
    struct acg_value_struct_options values;
    bool paginate;                             /* follow tokens (paginated operations) */
    struct acg_pager_options paging;
};

/* Runs op's view with input_json and writes what the AWS CLI prints for the result to out
 * (for text output of several pages, the pages before a failure too). A streaming
 * download goes to outfile (required then); a streaming upload comes from the file upload
 * (or NULL: the input's own bytes). */
int acg_cli_run(struct acg_client *client, const struct acg_cli_operation *op,
                const char *input_json, size_t input_len, const char *outfile, const char *upload,
                const struct acg_cli_print *print, struct acg_buf *out, struct acg_error *err);
/* Runs waiter w with input_json until it succeeds or fails (client/acg_waiter.h). */
int acg_cli_wait(struct acg_client *client, const struct acg_cli_waiter *w,
                 const char *input_json, size_t input_len, const struct acg_wait_options *o,
                 struct acg_error *err);
/* Every page of op (which must be pageable) from in, merged or page by page as
 * print->output.format asks, into out. */
int acg_cli_print_pages(struct acg_client *client, const struct acg_operation *op, const void *in,
                        const struct acg_cli_print *print, struct acg_buf *out,
                        struct acg_error *err);
/* One output struct of op, printed into out. */
int acg_cli_print_output(const struct acg_operation *op, const void *output,
                         const struct acg_cli_print *print, struct acg_buf *out,
                         struct acg_error *err);


/* The options every operation accepts, in the order help lists them. */
enum acg_cli_global_id {
    ACG_CLI_G_CLI_INPUT_JSON,
    ACG_CLI_G_GENERATE_CLI_SKELETON,
    ACG_CLI_G_CLI_BINARY_FORMAT,
    ACG_CLI_G_ENDPOINT_URL,
    ACG_CLI_G_REGION,
    ACG_CLI_G_PROFILE,
    ACG_CLI_G_OUTPUT,
    ACG_CLI_G_QUERY,
    ACG_CLI_G_COLOR,
    ACG_CLI_G_DEBUG,
    ACG_CLI_G_NO_VERIFY_SSL,
    ACG_CLI_G_CA_BUNDLE,
    ACG_CLI_G_NO_SIGN_REQUEST,
    ACG_CLI_G_REDACT_SENSITIVE,
    ACG_CLI_G_SHOW_SENSITIVE,
    ACG_CLI_G_CONNECT_TIMEOUT,
    ACG_CLI_G_READ_TIMEOUT,
    ACG_CLI_G_NO_PAGINATE,
    ACG_CLI_G_STARTING_TOKEN,
    ACG_CLI_G_PAGE_SIZE,
    ACG_CLI_G_MAX_ITEMS,
    ACG_CLI_G_WAITER_DELAY,
    ACG_CLI_G_WAITER_MAX_ATTEMPTS,
    ACG_CLI_G_NO_CLI_PAGER,
    ACG_CLI_G_VERSION,
    ACG_CLI_G_HELP,
    ACG_CLI_G_COUNT
};

/* Options that only some commands take. */
enum acg_cli_scope {
    ACG_CLI_EVERY_COMMAND = 0,
    ACG_CLI_PAGED_ONLY,       /* paginated operations (awscli/customizations/paginate.py) */
    ACG_CLI_WAIT_ONLY,        /* `wait` commands */
};

struct acg_cli_global {
    const char *name;         /* without the dashes */
    const char *type_name;    /* "string", "integer", "boolean" */
    bool takes_value;         /* false: a flag */
    bool operation_option;    /* listed with the operation's options, not the global ones */
    const char *help;
    enum acg_cli_scope scope; /* which commands take it */
};

/* Indexed by enum acg_cli_global_id. */
extern const struct acg_cli_global acg_cli_globals[ACG_CLI_G_COUNT];

/* The values --cli-connect-timeout and --cli-read-timeout accept, in seconds. */
#define ACG_CLI_MAX_TIMEOUT_S 2000000L

/* One member option as given on the command line. */
struct acg_cli_value {
    bool set;
    int flag;            /* BOOLEAN given bare: 1 for --flag, 0 for --no-flag; -1 otherwise */
    const char *text;    /* the value: argv text (lists: NULL, see words) */
    size_t len;
    /* List members take every following word up to the next option, as the AWS CLI's
     * nargs='*': words[0..word_count) point into argv. */
    bool is_list;
    const char *const *words;
    size_t word_count;
};

/* How values become input (acg_cli_input.c). */
struct acg_cli_input_opts {
    /* Blob values are raw text or bytes to be base64-encoded on the wire (the AWS CLI v1's
     * behaviour, "raw-in-base64-out", our default); false: they are base64 text already
     * ("base64", AWS CLI v2's default). --cli-binary-format or the profile's
     * cli_binary_format choose. */
    bool raw_blobs;
    /* http:// and https:// values are fetched (the profile's cli_follow_urlparam, true
     * unless it says "false"). */
    bool follow_urls;
    const char *service;       /* the endpoint prefix, for the paramfile exceptions */
    /* Where the path of a streaming payload's file goes (heap copy; the caller frees it),
     * so the call sends the file from a mapping instead of the input holding its bytes.
     * NULL: the file is read into the input. */
    char **stream_path;
};

/* A value read from a file or URL: NUL-terminated heap bytes. */
struct acg_cli_loaded {
    char *data;
    size_t len;
    bool binary;               /* fileb://: bytes, not text */
};

/* Settles print from the global options (values: one per member of op, to see whether a
 * pagination token was given by hand), AWS_DEFAULT_OUTPUT and the profile (output,
 * cli_timestamp_format, cli_redact_sensitive). Returns an exit status, the error printed;
 * release print with acg_cli_print_settings_free either way. */
int acg_cli_print_settings(const struct acg_service *svc, const struct acg_cli_operation *op,
                           const char *const *global,
                           const struct acg_cli_value *values, struct acg_cli_print *print);
void acg_cli_print_settings_free(struct acg_cli_print *print);

/* Prints a message to stderr with the text it quotes (from argv, files, the environment)
 * escaped for the terminal (common/acg_text.h); the message's own newlines pass. */
void acg_cli_errorf(const char *fmt, ...) ACG_PRINTF(1, 2);
void acg_cli_verrorf(const char *fmt, va_list ap) ACG_PRINTF(1, 0);
/* Writes s[0..len) to f escaped the same way, however long it is. */
void acg_cli_write_safe(FILE *f, const char *s, size_t len);
/* Prints "\nError parsing parameter '--OPTION': ..." (the AWS CLI's ParamError wording) and
 * returns ACG_EXIT_USAGE. */
int acg_cli_param_error(const char *option, const char *fmt, ...) ACG_PRINTF(2, 3);
/* Prints that memory ran out and returns ACG_EXIT_OTHER. */
int acg_cli_out_of_memory(void);
/* ASCII case-insensitive equality of two NUL-terminated strings. */
bool acg_cli_ascii_ieq(const char *a, const char *b);
/* A decimal integer within int64: optional sign and digits, nothing else. */
bool acg_cli_parse_int64(const char *s, size_t len, int64_t *out);

/* A member's value once files are read: one text (an argv word or a file's contents), or
 * the argv words of a list option. */
struct acg_cli_raw {
    const char *text;
    size_t len;
    bool binary;               /* text holds fileb:// bytes */
    bool is_list;
    const char *const *words;
    size_t word_count;
};
/* Appends the JSON for a structure, union, list, map or document option: shorthand, JSON
 * text or list words, the AWS CLI's way. Returns an exit status; errors are printed. */
int acg_cli_complex_json(const struct acg_cli_operation *op, const struct acg_cli_member *m,
                         const struct acg_cli_raw *raw, const struct acg_cli_input_opts *opts,
                         struct acg_buf *out);
/* Appends JSON text js of shape s, with its blob strings base64-encoded when raw (and s has
 * any); otherwise as it is. An acg_status. */
int acg_cli_json_blobs(const struct acg_shape *s, const char *js, size_t len, bool raw,
                       struct acg_buf *out);

/* The AWS CLI's parameter files: when value starts with file:// or fileb:// (or, with
 * remote, http:// or https://), sets *matched and reads it into *out (free it with
 * acg_cli_loaded_free). Returns an exit status; errors are printed as ParamErrors of --option
 * (option without the dashes). */
int acg_cli_paramfile(const char *option, const char *value, bool remote,
                      struct acg_cli_loaded *out, bool *matched);
void acg_cli_loaded_free(struct acg_cli_loaded *l);
/* Whether the AWS CLI passes option of command as it is written even when it looks like a
 * URL (SQS queue URLs and the like). service is the endpoint prefix. */
bool acg_cli_paramfile_disabled(const char *service, const char *command, const char *option);
/* Builds the operation's input object into json, the AWS CLI's way and in its order: each
 * member option that was set (values has one entry per member) read from its file or URL,
 * as shorthand or JSON, converted by the model; then the members of cli_input_json (the
 * --cli-input-json argument: JSON text, file:// or fileb://; or NULL) that no option
 * overrides. Returns an exit status; errors are printed. */
int acg_cli_build_input(const struct acg_cli_operation *op, const struct acg_cli_value *values,
                        const char *cli_input_json, const struct acg_cli_input_opts *opts,
                        struct acg_buf *json);
/* Reads --cli-binary-format (given, or NULL) and the profile's cli_binary_format and
 * cli_follow_urlparam into opts. Returns an exit status; a bad format is a usage error. */
int acg_cli_input_opts_init(struct acg_cli_input_opts *opts, const struct acg_cli_app *prog,
                            const char *binary_format, const char *profile);

/* --generate-cli-skeleton: the input (what --cli-input-json takes) or output skeleton of
 * op, as the AWS CLI prints it. Returns an exit status. */
int acg_cli_print_skeleton(FILE *f, const struct acg_cli_operation *op, bool output);
/* Decodes and validates the input JSON of op without sending it (for --generate-cli-skeleton
 * output). An acg_status, with err set. */
int acg_cli_check_input(const struct acg_cli_operation *op, const char *json, size_t len,
                        struct acg_error *err);

/* "usage: ..." with the ways to get help, as the AWS CLI prints before an argument error. */
void acg_cli_print_usage(FILE *f, const struct acg_cli_app *prog);
/* `PROG help`: the service description, every command with its first sentence, the global
 * options. */
void acg_cli_print_program_help(FILE *f, const struct acg_cli_app *prog);
/* `PROG OP help`: the description, synopsis, each option with its type, constraints and
 * documentation, then the global options. */
void acg_cli_print_operation_help(FILE *f, const struct acg_cli_app *prog,
                                  const struct acg_cli_operation *op);
/* `PROG wait help`: the waiters with what each waits for. */
void acg_cli_print_wait_help(FILE *f, const struct acg_cli_app *prog);
/* `PROG wait NAME help`: the waiter's description and its operation's options. */
void acg_cli_print_waiter_help(FILE *f, const struct acg_cli_app *prog,
                               const struct acg_cli_waiter *w);
/* The global option id for --name (name_len bytes, no dashes), or -1. */
int acg_cli_find_global(const char *name, size_t name_len);

#endif
