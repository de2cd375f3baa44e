/* Tests for the command-line layer (runtime/acg_cli.c, acg_cli_help.c).
 *
 * acg_cli_main runs in-process on a hand-written program whose operation glue is a fake: it
 * records the input JSON it was handed and answers with whatever the test row asks for
 * (output, validation error, service error, ...). stdout and stderr are redirected to
 * temporary files around each call, so every row checks the exit status, what was printed
 * where, and whether the operation ran at all: a request that fails on the command line
 * must never reach the glue, which is where sending happens.
 *
 * Credentials and region come from the environment (set in main), and the shared config
 * files point nowhere, so the real client constructor succeeds offline. No network: the
 * fake service's endpoint resolver returns a fixed URL and nothing is invoked. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cli/acg_cli.h"
#include "harness.h"

#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* ---- the fake program ---- */

/* What the fake glue answers with; set by each row. */
struct fake {
    int rc;
    const char *aws_type;
    const char *message;
    const char *where;
    int attempts;
    long http_status;
    bool exhausted;
    const char *output;   /* written to out on ACG_OK; NULL: a small object */
};

static struct fake fake;
static int run_calls;
static char *run_input;   /* the last input JSON the glue received */
static size_t run_input_len;
static enum acg_json_style run_style; /* the output style the glue was asked for */

static int fake_resolve(const struct acg_endpoint_params *params, struct acg_endpoint *out,
                        struct acg_error *err)
{
    (void)params;
    (void)err;
    memset(out, 0, sizeof *out);
    snprintf(out->url, sizeof out->url, "https://thing.example.com");
    return ACG_OK;
}

static const struct acg_service fake_service = {
    "Thing", "thing", "thing", "ThingService", "1.1", "2024-01-01", fake_resolve, NULL, 0, false,
};

static int fake_run(struct acg_client *client, const char *json, size_t len,
                    enum acg_json_style style, struct acg_buf *out, struct acg_error *err)
{
    (void)client;
    run_calls++;
    run_style = style;
    free(run_input);
    run_input = malloc(len + 1);
    if (run_input == NULL)
        return ACG_ERR_NOMEM;
    memcpy(run_input, json, len);
    run_input[len] = '\0';
    run_input_len = len;
    if (fake.rc != ACG_OK) {
        acg_error_set_at(err, fake.rc, fake.where != NULL ? fake.where : "", "%s",
                         fake.message != NULL ? fake.message : "");
        err->attempts = fake.attempts;
        err->http_status = fake.http_status;
        err->retries_exhausted = fake.exhausted;
        if (fake.aws_type != NULL)
            snprintf(err->aws_type, sizeof err->aws_type, "%s", fake.aws_type);
        return fake.rc;
    }
    const char *text = fake.output != NULL ? fake.output : "{\n    \"state\": \"ACTIVE\"\n}";
    return acg_buf_append_str(out, text);
}

static const struct acg_cli_member thing_members[] = {
    {"name", "name", ACG_CLI_STRING, true, "string", "length 1-10, pattern ^[a-z]+$",
     "The name of the thing. Names are unique within an account and a region, and they are "
     "used in every other operation that refers to the thing."},
    {"count", "count", ACG_CLI_INTEGER, false, "long", "range 0-100", "How many."},
    {"ratio", "ratio", ACG_CLI_FLOAT, false, "double", "", "A ratio."},
    {"enabled", "enabled", ACG_CLI_BOOLEAN, false, "boolean", "", "Whether it is on."},
    {"when", "when", ACG_CLI_TIMESTAMP, false, "timestamp", "", "When."},
    {"data", "data", ACG_CLI_BLOB, false, "blob", "", "Bytes."},
    {"config", "config", ACG_CLI_JSON, false, "structure", "", "Nested settings."},
    {"region", "region", ACG_CLI_STRING, false, "string", "", "A member named like a global."},
};

static const struct acg_cli_operation operations[] = {
    {"do-thing", "DoThing", "Does the thing. It does it well.", thing_members,
     sizeof thing_members / sizeof thing_members[0], fake_run},
    {"list-things", "ListThings", "Lists things.", NULL, 0, fake_run},
};

static const struct acg_cli_program program = {
    "thing", "The Thing service keeps things.", &fake_service, operations,
    sizeof operations / sizeof operations[0],
};

/* ---- running the program with captured output ---- */

static char *cap_out, *cap_err;

static char *slurp(FILE *f)
{
    long n;
    fflush(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    return s;
}

/* Runs the program with argv (NULL-terminated, program name first) and keeps what it
 * printed in cap_out and cap_err. Returns the exit status, or -1 if capturing failed. */
static int run_cli(const char *const *args)
{
    char *argv[64];
    int argc = 0;
    while (args[argc] != NULL && argc < 63) {
        argv[argc] = (char *)(uintptr_t)args[argc]; /* acg_cli_main does not write argv */
        argc++;
    }
    argv[argc] = NULL;
    free(cap_out);
    free(cap_err);
    cap_out = cap_err = NULL;
    free(run_input);
    run_input = NULL;
    run_calls = 0;

    FILE *out = tmpfile(), *err = tmpfile();
    if (out == NULL || err == NULL)
        return -1;
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    int status = acg_cli_main(&program, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    cap_out = slurp(out);
    cap_err = slurp(err);
    fclose(out);
    fclose(err);
    return cap_out != NULL && cap_err != NULL ? status : -1;
}

/* ---- the bad-input and exit-status table ---- */

#define ARGS(...) ((const char *const[]){"thing", __VA_ARGS__, NULL})

struct row {
    const char *name;
    const char *const *argv;
    int status;
    const char *input;    /* exact JSON the glue must receive; NULL: it must not run */
    const char *out_has;  /* substring of stdout, or NULL */
    const char *err_has;  /* substring of stderr, or NULL */
    const char *err_lacks; /* must not appear in stderr (a value that may be secret) */
    struct fake fake;
};

#define OK_OUT "{\n    \"state\": \"ACTIVE\"\n}\n"

static const struct row rows[] = {
    /* help and usage */
    {"bare program: usage, 252", ARGS(NULL), 252, NULL, NULL,
     "the following arguments are required: operation", NULL, {0}},
    {"help lists commands", ARGS("help"), 0, NULL, "AVAILABLE COMMANDS", NULL, NULL, {0}},
    {"--help lists commands", ARGS("--help"), 0, NULL, "o list-things", NULL, NULL, {0}},
    {"operation help names options", ARGS("do-thing", "help"), 0, NULL,
     "--name (string) [required]", NULL, NULL, {0}},
    {"operation help: constraints", ARGS("do-thing", "help"), 0, NULL,
     "Constraints: length 1-10, pattern ^[a-z]+$", NULL, NULL, {0}},
    {"operation help: no shorthand", ARGS("do-thing", "help"), 0, NULL,
     "shorthand syntax is not supported", NULL, NULL, {0}},
    {"operation help: booleans", ARGS("do-thing", "help"), 0, NULL,
     "--enabled | --no-enabled (boolean)", NULL, NULL, {0}},
    {"operation help: global options", ARGS("do-thing", "help"), 0, NULL,
     "--cli-read-timeout (integer)", NULL, NULL, {0}},
    {"operation help: shadowed member", ARGS("do-thing", "--help"), 0, NULL,
     "The global option --region takes this name", NULL, NULL, {0}},
    {"help OP", ARGS("help", "do-thing"), 0, NULL, "thing do-thing\n        --name <value>", NULL,
     NULL, {0}},
    {"--no-paginate documented as ignored", ARGS("help"), 0, NULL, "--no-paginate (boolean)",
     NULL, NULL, {0}},
    {"--version", ARGS("--version"), 0, NULL, "acg-cli/", NULL, NULL, {0}},
    {"unknown command", ARGS("do-things"), 252, NULL, NULL,
     "thing: error: argument operation: Invalid choice, valid choices are:", NULL, {0}},
    {"member option before the command", ARGS("--name", "a", "do-thing"), 252, NULL, NULL,
     "Invalid choice", NULL, {0}},

    /* member options */
    {"string option", ARGS("do-thing", "--name", "abc"), 0, "{\"name\":\"abc\"}", OK_OUT, NULL,
     NULL, {0}},
    {"--opt=value", ARGS("do-thing", "--name=a=b"), 0, "{\"name\":\"a=b\"}", NULL, NULL, NULL,
     {0}},
    {"escapes in a string", ARGS("do-thing", "--name", "q\"\\\n\x01"), 0,
     "{\"name\":\"q\\\"\\\\\\n\\u0001\"}", NULL, NULL, NULL, {0}},
    {"globals before and after", ARGS("--region", "eu-west-1", "do-thing", "--name", "a",
                                      "--output", "json", "--debug"), 0, "{\"name\":\"a\"}",
     NULL, NULL, NULL, {0}},
    {"integer", ARGS("do-thing", "--name", "a", "--count", "-42"), 0,
     "{\"name\":\"a\",\"count\":-42}", NULL, NULL, NULL, {0}},
    {"integer int64 min", ARGS("do-thing", "--name", "a", "--count", "-9223372036854775808"), 0,
     "{\"name\":\"a\",\"count\":-9223372036854775808}", NULL, NULL, NULL, {0}},
    {"integer out of range", ARGS("do-thing", "--name", "a", "--count", "9223372036854775808"),
     252, NULL, NULL, "Error parsing parameter '--count': expected a decimal integer", NULL, {0}},
    {"integer not a number", ARGS("do-thing", "--name", "a", "--count", "12x"), 252, NULL, NULL,
     "'--count'", "12x", {0}},
    {"integer with fraction", ARGS("do-thing", "--name", "a", "--count", "1.5"), 252, NULL, NULL,
     "'--count'", NULL, {0}},
    {"float", ARGS("do-thing", "--name", "a", "--ratio", "0.25"), 0,
     "{\"name\":\"a\",\"ratio\":0.25}", NULL, NULL, NULL, {0}},
    {"float NaN", ARGS("do-thing", "--name", "a", "--ratio", "NaN"), 0,
     "{\"name\":\"a\",\"ratio\":\"NaN\"}", NULL, NULL, NULL, {0}},
    {"float -Infinity", ARGS("do-thing", "--name", "a", "--ratio", "-Infinity"), 0,
     "{\"name\":\"a\",\"ratio\":\"-Infinity\"}", NULL, NULL, NULL, {0}},
    {"float overflow is Infinity", ARGS("do-thing", "--name", "a", "--ratio", "1e999"), 0,
     "{\"name\":\"a\",\"ratio\":\"Infinity\"}", NULL, NULL, NULL, {0}},
    {"float hex refused", ARGS("do-thing", "--name", "a", "--ratio", "0x10"), 252, NULL, NULL,
     "'--ratio': expected a number, NaN, Infinity or -Infinity", NULL, {0}},
    {"boolean bare", ARGS("do-thing", "--name", "a", "--enabled"), 0,
     "{\"name\":\"a\",\"enabled\":true}", NULL, NULL, NULL, {0}},
    {"boolean --no-", ARGS("do-thing", "--no-enabled", "--name", "a"), 0,
     "{\"name\":\"a\",\"enabled\":false}", NULL, NULL, NULL, {0}},
    {"boolean explicit false", ARGS("do-thing", "--name", "a", "--enabled", "false"), 0,
     "{\"name\":\"a\",\"enabled\":false}", NULL, NULL, NULL, {0}},
    {"boolean bad value", ARGS("do-thing", "--name", "a", "--enabled=maybe"), 252, NULL, NULL,
     "'--enabled': expected true or false", NULL, {0}},
    {"boolean both forms", ARGS("do-thing", "--name", "a", "--enabled", "--no-enabled"), 252,
     NULL, NULL, "more than once", NULL, {0}},
    {"timestamp epoch", ARGS("do-thing", "--name", "a", "--when", "1700000000"), 0,
     "{\"name\":\"a\",\"when\":1700000000}", NULL, NULL, NULL, {0}},
    {"timestamp ISO 8601 with ms", ARGS("do-thing", "--name", "a", "--when",
                                         "2023-11-14T22:13:20.5Z"), 0,
     "{\"name\":\"a\",\"when\":1700000000.5}", NULL, NULL, NULL, {0}},
    {"timestamp offset", ARGS("do-thing", "--name", "a", "--when", "2023-11-15T00:13:20+02:00"),
     0, "{\"name\":\"a\",\"when\":1700000000}", NULL, NULL, NULL, {0}},
    {"timestamp bad", ARGS("do-thing", "--name", "a", "--when", "yesterday"), 252, NULL, NULL,
     "Error parsing parameter '--when': expected a timestamp", "yesterday", {0}},
    {"blob base64", ARGS("do-thing", "--name", "a", "--data", "aGVsbG8="), 0,
     "{\"name\":\"a\",\"data\":\"aGVsbG8=\"}", NULL, NULL, NULL, {0}},
    {"blob empty", ARGS("do-thing", "--name", "a", "--data", ""), 0,
     "{\"name\":\"a\",\"data\":\"\"}", NULL, NULL, NULL, {0}},
    {"blob bad base64", ARGS("do-thing", "--name", "a", "--data", "hello!"), 252, NULL, NULL,
     "'--data': expected base64 text", "hello!", {0}},
    {"json option", ARGS("do-thing", "--name", "a", "--config", " {\"a\": [1, 2.50, null]} "), 0,
     "{\"name\":\"a\",\"config\":{\"a\":[1,2.50,null]}}", NULL, NULL, NULL, {0}},
    {"json option malformed", ARGS("do-thing", "--name", "a", "--config", "{\"a\":"), 252, NULL,
     NULL, "Error parsing parameter '--config': Invalid JSON", NULL, {0}},
    {"json option shorthand", ARGS("do-thing", "--name", "a", "--config", "a=1,b=2"), 252, NULL,
     NULL, "shorthand syntax is not supported", NULL, {0}},
    {"json option empty", ARGS("do-thing", "--name", "a", "--config", ""), 252, NULL, NULL,
     "'--config': expected JSON text", NULL, {0}},
    {"invalid UTF-8 in a string", ARGS("do-thing", "--name", "ab\xff"), 252, NULL, NULL,
     "'--name': the value is not valid UTF-8", NULL, {0}},
    {"invalid UTF-8 in JSON", ARGS("do-thing", "--name", "a", "--config", "{\"a\":\"\xc3\"}"),
     252, NULL, NULL, "'--config'", NULL, {0}},

    /* option errors */
    {"unknown option", ARGS("do-thing", "--name", "a", "--foo"), 252, NULL, NULL,
     "thing: error: Unknown options: --foo", NULL, {0}},
    {"unknown option value not echoed", ARGS("do-thing", "--name", "a", "--pasword=hunter2"), 252,
     NULL, NULL, "Unknown options: --pasword", "hunter2", {0}},
    {"unknown option and its value", ARGS("do-thing", "--name", "a", "--pasword", "hunter2"), 252,
     NULL, NULL, "Unknown options: --pasword, and 1 unexpected argument", "hunter2", {0}},
    {"many unknown options", ARGS("do-thing", "--a1", "--a2", "--a3", "--a4", "--a5", "--a6",
                                  "--a7", "--a8", "--a9", "--b1", "--b2", "--b3", "--b4", "--b5",
                                  "--b6", "--b7", "--b8", "--b9"), 252, NULL, NULL,
     "Unknown options: --a1, --a2, --a3, --a4, --a5, --a6, --a7, --a8, --a9, --b1, --b2, --b3, "
     "--b4, --b5, --b6, --b7, (2 more)\n", NULL, {0}},
    {"stray argument", ARGS("do-thing", "extra", "--name", "a"), 252, NULL, NULL,
     "1 unexpected argument", "extra", {0}},
    {"missing value at end", ARGS("do-thing", "--name"), 252, NULL, NULL,
     "argument --name: expected one argument", NULL, {0}},
    {"missing value before option", ARGS("do-thing", "--name", "--count", "1"), 252, NULL, NULL,
     "argument --name: expected one argument", NULL, {0}},
    {"repeated option", ARGS("do-thing", "--name", "a", "--name", "b"), 252, NULL, NULL,
     "argument --name: was given more than once", NULL, {0}},
    {"repeated global", ARGS("do-thing", "--name", "a", "--region", "x", "--region", "y"), 252,
     NULL, NULL, "argument --region: was given more than once", NULL, {0}},
    {"required option missing", ARGS("do-thing", "--count", "1"), 252, NULL, NULL,
     "the following arguments are required: --name", NULL, {0}},
    {"flag with a value", ARGS("do-thing", "--name", "a", "--debug=yes"), 252, NULL, NULL,
     "argument --debug: takes no value", NULL, {0}},

    /* global options */
    {"--output json", ARGS("do-thing", "--name", "a", "--output", "json"), 0, "{\"name\":\"a\"}",
     OK_OUT, NULL, NULL, {0}},
    {"--output text unsupported", ARGS("do-thing", "--name", "a", "--output", "text"), 252, NULL,
     NULL, "\"text\" is not supported by this program; only json is", NULL, {0}},
    {"--output invalid", ARGS("do-thing", "--name", "a", "--output", "xml"), 252, NULL, NULL,
     "argument --output: Invalid choice, valid choices are: json", NULL, {0}},
    {"--endpoint-url without scheme", ARGS("do-thing", "--name", "a", "--endpoint-url",
                                           "localhost:9"), 252, NULL, NULL,
     "Bad value for --endpoint-url: scheme is missing", NULL, {0}},
    {"--endpoint-url", ARGS("do-thing", "--name", "a", "--endpoint-url", "http://127.0.0.1:9"), 0,
     "{\"name\":\"a\"}", NULL, NULL, NULL, {0}},
    {"--endpoint-url scheme in capitals", ARGS("do-thing", "--name", "a", "--endpoint-url",
                                               "HTTPS://thing.example.com"), 0, "{\"name\":\"a\"}",
     NULL, NULL, NULL, {0}},
    {"timeouts", ARGS("do-thing", "--name", "a", "--cli-connect-timeout", "0",
                      "--cli-read-timeout", "5"), 0, "{\"name\":\"a\"}", NULL, NULL, NULL, {0}},
    {"timeout not a number", ARGS("do-thing", "--name", "a", "--cli-read-timeout", "soon"), 252,
     NULL, NULL, "argument --cli-read-timeout: expected a whole number of seconds", NULL, {0}},
    {"timeout negative", ARGS("do-thing", "--name", "a", "--cli-connect-timeout=-1"), 252, NULL,
     NULL, "argument --cli-connect-timeout", NULL, {0}},
    {"ignored flags", ARGS("do-thing", "--name", "a", "--no-paginate", "--no-cli-pager",
                           "--no-verify-ssl"), 0, "{\"name\":\"a\"}", NULL, NULL, NULL, {0}},
    {"global wins over member", ARGS("do-thing", "--name", "a", "--region", "us-west-2"), 0,
     "{\"name\":\"a\"}", NULL, NULL, NULL, {0}},

    /* --cli-input-json */
    {"input json alone", ARGS("do-thing", "--cli-input-json", "{\"name\":\"x\",\"count\":5}"), 0,
     "{\"name\":\"x\",\"count\":5}", NULL, NULL, NULL, {0}},
    {"input json: options override", ARGS("do-thing", "--cli-input-json",
                                           "{\"name\": \"x\", \"count\": 5}", "--name", "y"), 0,
     "{\"name\":\"y\",\"count\":5}", NULL, NULL, NULL, {0}},
    {"input json: escaped key overridden", ARGS("do-thing", "--name", "y", "--cli-input-json",
                                                "{\"n\\u0061me\":\"x\",\"config\":[1]}"), 0,
     "{\"name\":\"y\",\"config\":[1]}", NULL, NULL, NULL, {0}},
    {"input json: members kept as written", ARGS("do-thing", "--cli-input-json",
                                                 "{\"count\":1.0e2,\"name\":\"\\u00e9\"}"), 0,
     "{\"count\":1.0e2,\"name\":\"\\u00e9\"}", NULL, NULL, NULL, {0}},
    {"input json: NUL escape passed to the decoder", ARGS("do-thing", "--cli-input-json",
                                                          "{\"name\":\"a\\u0000b\"}"), 0,
     "{\"name\":\"a\\u0000b\"}", NULL, NULL, NULL, {0}},
    {"input json: empty object", ARGS("list-things", "--cli-input-json", "{}"), 0, "{}", NULL,
     NULL, NULL, {0}},
    {"input json not an object", ARGS("do-thing", "--cli-input-json", "[1]"), 252, NULL, NULL,
     "Error parsing parameter '--cli-input-json': expected a JSON object", NULL, {0}},
    {"input json malformed", ARGS("do-thing", "--cli-input-json", "{\"name\":}"), 252, NULL, NULL,
     "'--cli-input-json': Invalid JSON", NULL, {0}},
    {"input json trailing data", ARGS("do-thing", "--cli-input-json", "{}{}"), 252, NULL, NULL,
     "'--cli-input-json': Invalid JSON", NULL, {0}},
    {"input json empty", ARGS("do-thing", "--cli-input-json", " "), 252, NULL, NULL,
     "'--cli-input-json': expected a JSON object", NULL, {0}},
    {"input json invalid UTF-8", ARGS("do-thing", "--cli-input-json", "{\"name\":\"\xe9t\xe9\"}"),
     252, NULL, NULL, "'--cli-input-json': Invalid JSON", NULL, {0}},
    {"input json too deep", ARGS("do-thing", "--cli-input-json",
                                 "{\"config\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                 "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                                 "]]]]]]]]]]]]]]]]}"),
     252, NULL, NULL, "'--cli-input-json': Invalid JSON", NULL, {0}},
    {"input json missing file", ARGS("do-thing", "--cli-input-json",
                                     "file:///nonexistent/input.json"), 252, NULL, NULL,
     "Unable to load paramfile file:///nonexistent/input.json", NULL, {0}},
    {"member missing file", ARGS("do-thing", "--name", "file:///nonexistent/n"), 252, NULL, NULL,
     "Error parsing parameter '--name': Unable to load paramfile", NULL, {0}},

    /* outcomes of the operation */
    {"operation without input", ARGS("list-things"), 0, "{}", OK_OUT, NULL, NULL, {0}},
    {"empty output prints nothing", ARGS("list-things"), 0, "{}", NULL, NULL, NULL,
     {.output = "{}"}},
    {"output gets a newline", ARGS("list-things"), 0, "{}", "{\"a\": 1}\n", NULL, NULL,
     {.output = "{\"a\": 1}"}},
    {"validation errors one per line", ARGS("do-thing", "--name", "ABC"), 252,
     "{\"name\":\"ABC\"}", NULL,
     "\nParameter validation failed:\nInvalid value for parameter name: does not match the "
     "pattern ^[a-z]+$\nMissing required parameter in input: \"config.key\"\n", NULL,
     {.rc = ACG_ERR_VALIDATION, .where = "name",
      .message = "name: does not match the pattern ^[a-z]+$; config.key: is required"}},
    {"decoder error before sending", ARGS("do-thing", "--cli-input-json", "{\"name\":5}"), 252,
     "{\"name\":5}", NULL,
     "\nParameter validation failed:\nInvalid type for parameter name: expected a string, got "
     "a number\n", NULL,
     {.rc = ACG_ERR_JSON, .where = "name",
      .message = "expected a string, got a number (at byte offset 8)"}},
    {"decoder error deep path", ARGS("do-thing", "--name", "a", "--config", "{\"k\":[1]}"), 252,
     "{\"name\":\"a\",\"config\":{\"k\":[1]}}", NULL,
     "Invalid value for parameter config.k[0]: not a valid timestamp\n", NULL,
     {.rc = ACG_ERR_JSON, .where = "config.k[0]", .message = "not a valid timestamp"}},
    {"decoder error as the glue reports it", ARGS("do-thing", "--cli-input-json",
                                                  "{\"count\":\"5\"}"), 252,
     "{\"count\":\"5\"}", NULL,
     "\nParameter validation failed:\nInvalid type for parameter count: expected a number, got a "
     "string\n", NULL,
     {.rc = ACG_ERR_VALIDATION, .where = "count",
      .message = "count: expected a number, got a string (at byte offset 9)"}},
    {"decoder error, offset without parentheses", ARGS("do-thing", "--cli-input-json",
                                                       "{\"name\":\"a\\u0000\"}"), 252,
     "{\"name\":\"a\\u0000\"}", NULL,
     "Invalid value for parameter name: embedded NUL (\\u0000) not supported\n", NULL,
     {.rc = ACG_ERR_VALIDATION, .where = "name",
      .message = "name: embedded NUL (\\u0000) not supported at byte offset 11"}},
    {"unknown input member", ARGS("do-thing", "--cli-input-json", "{\"nmae\":\"a\",\"count\":1}"),
     252, NULL, NULL,
     "\nParameter validation failed:\nUnknown parameter in input: \"nmae\", must be one of: "
     "name, count, ratio, enabled, when, data, config, region\n", NULL, {0}},
    {"out-of-range number", ARGS("do-thing", "--name", "a", "--count", "500"), 252,
     "{\"name\":\"a\",\"count\":500}", NULL,
     "\nParameter validation failed:\nInvalid value for parameter count: value 500 is more than "
     "the maximum 100\n", NULL,
     {.rc = ACG_ERR_VALIDATION, .where = "count",
      .message = "count: value 500 is more than the maximum 100"}},
    {"lengths in the AWS CLI's words", ARGS("do-thing", "--name", "abcdefghijklmnop"), 252,
     "{\"name\":\"abcdefghijklmnop\"}", NULL,
     "\nParameter validation failed:\nInvalid length for parameter name, value: 16, valid max "
     "length: 10\nInvalid length for parameter config.k, value: 0, valid min length: 1\n"
     "and 3 more\n", NULL,
     {.rc = ACG_ERR_VALIDATION, .where = "name",
      .message = "name: length 16 is more than the maximum 10; config.k: length 0 is less than "
                 "the minimum 1; and 3 more"}},
    {"serializer refuses input", ARGS("list-things"), 252, "{}", NULL,
     "\nrequest body is larger than 1048576 bytes\n", NULL,
     {.rc = ACG_ERR_TOO_LARGE, .message = "request body is larger than 1048576 bytes"}},
    {"decoder error after sending", ARGS("list-things"), 255, "{}", NULL,
     "response body is truncated", NULL,
     {.rc = ACG_ERR_JSON, .message = "response body is truncated", .attempts = 1,
      .http_status = 200}},
    {"service error", ARGS("do-thing", "--name", "a"), 254, "{\"name\":\"a\"}", NULL,
     "\nAn error occurred (ResourceNotFoundException) when calling the DoThing operation: "
     "Could not find a\n", NULL,
     {.rc = ACG_ERR_SERVICE, .aws_type = "ResourceNotFoundException",
      .message = "Could not find a", .attempts = 1, .http_status = 400}},
    {"service error after retries", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (ThrottlingException) when calling the ListThings operation (reached "
     "max retries: 2): Rate exceeded\n", NULL,
     {.rc = ACG_ERR_SERVICE, .aws_type = "ThrottlingException", .message = "Rate exceeded",
      .attempts = 3, .http_status = 400, .exhausted = true}},
    {"service error, no retries allowed", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (ThrottlingException) when calling the ListThings operation (reached "
     "max retries: 0): Rate exceeded\n", NULL,
     {.rc = ACG_ERR_SERVICE, .aws_type = "ThrottlingException", .message = "Rate exceeded",
      .attempts = 1, .http_status = 400, .exhausted = true}},
    {"service error without code", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (503) when calling the ListThings operation: \n", NULL,
     {.rc = ACG_ERR_SERVICE, .attempts = 3, .http_status = 503}},
    {"configuration error", ARGS("list-things"), 253, "{}", NULL,
     "\nUnable to locate credentials.", NULL,
     {.rc = ACG_ERR_CONFIG, .message = "Unable to locate credentials. You can configure "
                                       "credentials by running \"aws configure\"."}},
    {"endpoint rule error", ARGS("list-things"), 255, "{}", NULL,
     "\nInvalid Configuration: FIPS and custom endpoint are not supported\n", NULL,
     {.rc = ACG_ERR_ENDPOINT, .message = "Invalid Configuration: FIPS and custom endpoint are "
                                         "not supported"}},
    {"transport error", ARGS("list-things"), 255, "{}", NULL,
     "Could not connect to the endpoint URL: \"https://thing.example.com/\"", NULL,
     {.rc = ACG_ERR_TRANSPORT, .message = "Could not connect to the endpoint URL: "
                                          "\"https://thing.example.com/\"", .attempts = 3}},
    {"unsupported", ARGS("list-things"), 255, "{}", NULL, "event streams", NULL,
     {.rc = ACG_ERR_UNSUPPORTED, .message = "event streams are not supported"}},
    {"missing profile: client fails, 253", ARGS("list-things", "--profile", "no-such-profile"),
     253, NULL, NULL, "no-such-profile", NULL, {0}},
    {"--debug logs, secret never", ARGS("list-things", "--debug"), 0, "{}", OK_OUT, " DEBUG ",
     SECRET_KEY, {0}},
};

static int check_row(const struct row *r)
{
    fake = r->fake;
    int status = run_cli(r->argv);
    CHECK(status >= 0);
    if (status != r->status) {
        fprintf(stderr, "status %d, want %d; stderr:\n%s\n", status, r->status, cap_err);
        return __LINE__;
    }
    if (r->input == NULL) {
        CHECK(run_calls == 0);
    } else {
        CHECK(run_calls == 1);
        CHECK_STR(run_input, r->input);
    }
    if (r->out_has != NULL && strstr(cap_out, r->out_has) == NULL) {
        fprintf(stderr, "stdout lacks \"%s\":\n%s\n", r->out_has, cap_out);
        return __LINE__;
    }
    if (r->err_has != NULL && strstr(cap_err, r->err_has) == NULL) {
        fprintf(stderr, "stderr lacks \"%s\":\n%s\n", r->err_has, cap_err);
        return __LINE__;
    }
    if (r->err_lacks != NULL) {
        CHECK(strstr(cap_err, r->err_lacks) == NULL);
        CHECK(strstr(cap_out, r->err_lacks) == NULL);
    }
    /* Only help, version and output go to stdout; errors only to stderr. */
    if (r->status != 0)
        CHECK(cap_out[0] == '\0');
    if (r->fake.output != NULL && strcmp(r->fake.output, "{}") == 0)
        CHECK(cap_out[0] == '\0');
    return 0;
}

/* ---- tests that need files ---- */

static char tmpdir[64];

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

static int test_input_json_file(void)
{
    char path[128], url[160];
    snprintf(path, sizeof path, "%s/in.json", tmpdir);
    snprintf(url, sizeof url, "file://%s", path);
    const char *body = "{\n  \"name\": \"fromfile\",\n  \"config\": {\"k\": [true]}\n}\n";
    CHECK(write_file(path, body, strlen(body)) == 0);
    CHECK(run_cli(ARGS("do-thing", "--cli-input-json", url, "--count", "3")) == 0);
    CHECK_STR(run_input, "{\"count\":3,\"name\":\"fromfile\",\"config\":{\"k\": [true]}}");
    return 0;
}

static int test_member_files(void)
{
    char path[128], url[160], burl[160];
    snprintf(path, sizeof path, "%s/raw.bin", tmpdir);
    snprintf(url, sizeof url, "file://%s", path);
    snprintf(burl, sizeof burl, "fileb://%s", path);
    CHECK(write_file(path, "hi\n", 3) == 0);
    /* file:// keeps the contents as they are, trailing newline included (as the AWS CLI). */
    CHECK(run_cli(ARGS("do-thing", "--name", url)) == 0);
    CHECK_STR(run_input, "{\"name\":\"hi\\n\"}");
    /* fileb:// sends raw bytes as base64. */
    CHECK(write_file(path, "\x00\xff\x10", 3) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", "a", "--data", burl)) == 0);
    CHECK_STR(run_input, "{\"name\":\"a\",\"data\":\"AP8Q\"}");
    /* file:// text with a NUL byte cannot be a string member. */
    CHECK(write_file(path, "a\0b", 3) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", url)) == 252);
    CHECK(strstr(cap_err, "'--name': the value contains a NUL byte") != NULL);
    CHECK(run_calls == 0);
    return 0;
}

static int test_empty_input_file(void)
{
    char path[128], url[160];
    snprintf(path, sizeof path, "%s/empty.json", tmpdir);
    snprintf(url, sizeof url, "file://%s", path);
    CHECK(write_file(path, "", 0) == 0);
    CHECK(run_cli(ARGS("do-thing", "--cli-input-json", url)) == 252);
    CHECK(strstr(cap_err, "expected a JSON object") != NULL);
    return 0;
}

/* A 10 MB --cli-input-json file goes through whole; the merge copies it once. */
static int test_huge_input(void)
{
    size_t big = (size_t)10 * 1024 * 1024;
    char *body = malloc(big + 64);
    CHECK(body != NULL);
    size_t n = (size_t)snprintf(body, 64, "{\"name\":\"a\",\"data\":\"");
    memset(body + n, 'A', big);
    n += big;
    memcpy(body + n, "\"}", 3);
    n += 2;
    char path[128], url[160];
    snprintf(path, sizeof path, "%s/huge.json", tmpdir);
    snprintf(url, sizeof url, "file://%s", path);
    int wrote = write_file(path, body, n);
    free(body);
    CHECK(wrote == 0);
    CHECK(run_cli(ARGS("do-thing", "--cli-input-json", url, "--count", "1")) == 0);
    CHECK(run_input_len == n + strlen("\"count\":1,"));
    CHECK(strncmp(run_input, "{\"count\":1,\"name\":\"a\",\"data\":\"AAAA", 34) == 0);
    remove(path);
    return 0;
}

/* --profile reaches the client: a profile from the config file is found, a missing one is
 * a configuration error (253) naming it. */
static int test_profile(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/config", tmpdir);
    const char *ini = "[profile p2]\nregion = eu-west-1\n";
    CHECK(write_file(path, ini, strlen(ini)) == 0);
    setenv("AWS_CONFIG_FILE", path, 1);
    int ok = run_cli(ARGS("do-thing", "--name", "a", "--profile", "p2"));
    int missing = run_cli(ARGS("do-thing", "--name", "a", "--profile", "p3"));
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    CHECK(ok == 0);
    CHECK(missing == 253);
    CHECK(strstr(cap_err, "p3") != NULL);
    CHECK(run_calls == 0);
    return 0;
}

/* Help wraps at 80 columns, except words longer than a line. */
static int test_help_wraps(void)
{
    CHECK(run_cli(ARGS("do-thing", "help")) == 0);
    const char *line = cap_out;
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len > 80 && memchr(line + 8, ' ', len - 8) != NULL) {
            fprintf(stderr, "long line: %.*s\n", (int)len, line);
            return __LINE__;
        }
        line += len + (end != NULL);
    }
    /* The member's documentation was wrapped, so it spans lines. */
    CHECK(strstr(cap_out, "        The name of the thing.") != NULL);
    CHECK(strstr(cap_out, "--cli-input-json (string)") != NULL);
    CHECK(cap_err[0] == '\0');
    return 0;
}

/* The same program can run twice in one process: no state survives a call. */
static int test_runs_twice(void)
{
    memset(&fake, 0, sizeof fake);
    CHECK(run_cli(ARGS("do-thing", "--name", "a")) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", "b")) == 0);
    CHECK_STR(run_input, "{\"name\":\"b\"}");
    return 0;
}

/* Output redacts sensitive members unless --show-sensitive asks for them. */
static int test_sensitive_output_style(void)
{
    memset(&fake, 0, sizeof fake);
    CHECK(run_cli(ARGS("do-thing", "--name", "a")) == 0);
    CHECK(run_style == ACG_JSON_REDACTED);
    CHECK(run_cli(ARGS("do-thing", "--name", "a", "--show-sensitive")) == 0);
    CHECK(run_style == ACG_JSON_DISPLAY);
    CHECK(run_cli(ARGS("help")) == 0);
    CHECK(strstr(cap_out, "--show-sensitive (boolean)") != NULL);
    return 0;
}

/* What acg_cli_main does to the process first: no core dumps while it holds credentials,
 * SIGPIPE ignored (EPIPE is reported instead), standard descriptors present. */
static int test_prepare_process(void)
{
    struct rlimit rl;
    struct sigaction sa;
    CHECK(acg_cli_prepare_process() == 0);   /* 0, 1 and 2 are all open here */
    CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0);
#ifdef __linux__
    CHECK(prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) == 0);
#endif
    CHECK(sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN);
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_prepare_process),
    TEST(test_sensitive_output_style),
    TEST(test_input_json_file),
    TEST(test_member_files),
    TEST(test_empty_input_file),
    TEST(test_huge_input),
    TEST(test_profile),
    TEST(test_help_wraps),
    TEST(test_runs_twice),
};

int main(void)
{
    /* Offline, deterministic configuration for the real client constructor. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY, 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_DEFAULT_REGION");
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_THING");

    snprintf(tmpdir, sizeof tmpdir, "/tmp/acg_test_cli.XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int line = check_row(&rows[i]);
        if (line == 0) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL test_cli: row \"%s\" (line %d)\n", rows[i].name, line);
        }
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        memset(&fake, 0, sizeof fake);
        int line = tests[i].fn();
        if (line == 0) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL test_cli: %s (line %d)\n", tests[i].name, line);
        }
    }
    free(cap_out);
    free(cap_err);
    free(run_input);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("test_cli: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
