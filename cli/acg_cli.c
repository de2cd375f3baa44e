/* The command-line layer of every generated program: a subset of the AWS CLI.
 *
 * acg_cli_main() reads argv the way the AWS CLI does (global options anywhere, the
 * operation in kebab case, one option per top-level input member, --cli-input-json for the
 * whole input), turns the options into the operation's input JSON, creates the client,
 * hands the JSON to the generated glue, prints the output and maps the outcome to the AWS
 * CLI's exit statuses. This is the one runtime module that prints; it still never calls
 * exit(), so a program (or a test) can run it more than once.
 *
 * Nothing here echoes an option's value: values may be secrets (passwords, tokens,
 * sensitive members), so messages name the option and what is wrong with it instead.
 *
 * This file parses argv and reports outcomes; acg_cli_input.c turns values into the input
 * JSON; acg_cli_help.c prints help. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/acg_cli.h"
#include "acg_cli_private.h"
#include "acg_runtime.h"
#include "common/acg_text.h"
#include "jmespath/acg_jmespath.h"

/* How many unknown option names an error lists. */
#define UNKNOWN_MAX 16

/* --cli-connect-timeout 0 means "no timeout" in the AWS CLI. The client treats 0 as "use the
 * default", so we ask for a timeout longer than anyone waits: 24 days, still a valid
 * CURLOPT_*_MS value on every platform. */
#define NO_TIMEOUT_MS 2147483647L

const struct acg_cli_global acg_cli_globals[ACG_CLI_G_COUNT] = {
    [ACG_CLI_G_CLI_INPUT_JSON] = {
        "cli-input-json", "string", true, true,
        "Reads the operation's input from a JSON object, given as text or as file://PATH. "
        "The object uses the model's member names (as in the API reference), with blobs as "
        "their text (base64 text with --cli-binary-format base64) and timestamps as epoch "
        "seconds or ISO 8601 text. Options given on the "
        "command line override the object's top-level members; a top-level member the "
        "operation does not have is an error.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_GENERATE_CLI_SKELETON] = {
        "generate-cli-skeleton", "string", true, true,
        "Prints a JSON skeleton to standard output without sending an API request. With no "
        "value or the value input, prints a sample input JSON that --cli-input-json takes. "
        "With the value output, checks the command's input and prints a sample output JSON "
        "for the command.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_CLI_BINARY_FORMAT] = {
        "cli-binary-format", "string", true, false,
        "How blob values are given: raw-in-base64-out (the default, as in AWS CLI v1: the "
        "value's bytes, which the program base64-encodes) or base64 (the value is base64 "
        "text, as AWS CLI v2 takes it). The profile's cli_binary_format setting applies "
        "when this option is not given. fileb://PATH always gives the file's raw bytes.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_ENDPOINT_URL] = {
        "endpoint-url", "string", true, false,
        "Sends requests to this URL instead of the one the endpoint rules resolve.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_REGION] = {
        "region", "string", true, false,
        "The region to use. Without it: AWS_REGION, then AWS_DEFAULT_REGION, then the "
        "profile's region setting.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_PROFILE] = {
        "profile", "string", true, false,
        "Uses this profile from the shared credentials and config files (else AWS_PROFILE, "
        "else \"default\").", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_OUTPUT] = {
        "output", "string", true, false,
        "The formatting style for command output: json, text, table, yaml or yaml-stream. "
        "Without it: AWS_DEFAULT_OUTPUT, then the profile's output setting, then json.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_QUERY] = {
        "query", "string", true, false,
        "A JMESPath query to use in filtering the response data.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_COLOR] = {
        "color", "string", true, false,
        "Turn on/off color output (on, off, auto) of table output.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_DEBUG] = {
        "debug", "boolean", false, false,
        "Logs what the program does to standard error: configuration, endpoint, the canonical "
        "request and string to sign, retries. Secrets are never logged.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_NO_VERIFY_SSL] = {
        "no-verify-ssl", "boolean", false, false,
        "Does not verify the server's TLS certificate. Only for testing: anyone on the path "
        "can then read and change the traffic.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_CA_BUNDLE] = {
        "ca-bundle", "string", true, false,
        "The CA certificate bundle (a PEM file) to verify TLS certificates with, instead of "
        "AWS_CA_BUNDLE, the profile's ca_bundle setting or the system's.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_NO_SIGN_REQUEST] = {
        "no-sign-request", "boolean", false, false,
        "Does not sign requests; credentials are not looked up. For resources anyone may "
        "read.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_REDACT_SENSITIVE] = {
        "redact-sensitive", "boolean", false, false,
        "Prints members the model marks sensitive (passwords, keys, secrets) as "
        "\"*** sensitive ***\" instead of their values, so that output pasted into a log or "
        "a ticket keeps them secret. The profile setting cli_redact_sensitive = true does the "
        "same. Without either, output shows them as the AWS CLI does; debug logs never do.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_SHOW_SENSITIVE] = {
        "show-sensitive", "boolean", false, false,
        "Prints sensitive members' values even when cli_redact_sensitive is set.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_CONNECT_TIMEOUT] = {
        "cli-connect-timeout", "integer", true, false,
        "The longest time to wait for a connection, in seconds. 0 waits without a limit. The "
        "default is 60 seconds.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_READ_TIMEOUT] = {
        "cli-read-timeout", "integer", true, false,
        "The longest time to wait for the server's answer, in seconds. 0 waits without a "
        "limit. The default is 60 seconds.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_NO_PAGINATE] = {
        "no-paginate", "boolean", false, false,
        "Disable automatic pagination: one call, one page of results.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_STARTING_TOKEN] = {
        "starting-token", "string", true, true,
        "A token to specify where to start paginating. This is the NextToken from a "
        "previously truncated response.", ACG_CLI_PAGED_ONLY},
    [ACG_CLI_G_PAGE_SIZE] = {
        "page-size", "integer", true, true,
        "The size of each page to get in the AWS service call. This does not affect the "
        "number of items returned in the command's output. Setting a smaller page size "
        "results in more calls to the AWS service, retrieving fewer items in each call.",
        ACG_CLI_PAGED_ONLY},
    [ACG_CLI_G_MAX_ITEMS] = {
        "max-items", "integer", true, true,
        "The total number of items to return in the command's output. If the total number "
        "of items available is more than the value specified, a NextToken is provided in the "
        "command's output. To resume pagination, provide the NextToken value in the "
        "starting-token argument of a subsequent command.", ACG_CLI_PAGED_ONLY},
    [ACG_CLI_G_WAITER_DELAY] = {
        "waiter-delay", "integer", true, true,
        "Seconds between polls instead of the waiter's own delay (botocore's WaiterConfig "
        "Delay).", ACG_CLI_WAIT_ONLY},
    [ACG_CLI_G_WAITER_MAX_ATTEMPTS] = {
        "waiter-max-attempts", "integer", true, true,
        "Polls before giving up instead of the waiter's own count (botocore's WaiterConfig "
        "MaxAttempts).", ACG_CLI_WAIT_ONLY},
    [ACG_CLI_G_NO_CLI_PAGER] = {
        "no-cli-pager", "boolean", false, false,
        "Accepted for compatibility with the AWS CLI and ignored: output is never paged.",
        ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_VERSION] = {
        "version", "boolean", false, false,
        "Prints the program's version and exits.", ACG_CLI_EVERY_COMMAND},
    [ACG_CLI_G_HELP] = {
        "help", "boolean", false, false,
        "Prints help, like the help command.", ACG_CLI_EVERY_COMMAND},
};

int acg_cli_find_global(const char *name, size_t name_len)
{
    for (int i = 0; i < ACG_CLI_G_COUNT; i++) {
        const char *g = acg_cli_globals[i].name;
        if (strlen(g) == name_len && memcmp(g, name, name_len) == 0)
            return i;
    }
    return -1;
}

struct cli_state {
    const struct acg_cli_app *prog;
    const struct acg_cli_operation *op;
    bool command_seen;
    bool want_help;
    const char *global[ACG_CLI_G_COUNT]; /* value, or "" for a flag that was given */
    struct acg_cli_value *values;        /* one per member of op */
    const char *unknown[UNKNOWN_MAX];    /* option names as typed, without any "=value" */
    size_t unknown_len[UNKNOWN_MAX];
    size_t unknown_count;
    size_t stray_count;                  /* positional arguments nobody asked for */
    const char *outfile;                 /* where a download goes (streaming output) */
    bool waiting;                        /* the command is `wait` */
    const struct acg_cli_waiter *waiter; /* its subcommand */
    bool stdout_closed;                  /* the program started without descriptor 1 */
};

/* ---- messages ---- */

/* Writes s[0..len) to f with control characters escaped (common/acg_text.h): what this
 * program prints comes in part from servers, files, the environment and argv, and must not
 * be able to drive the terminal. */
static void put_safe(FILE *f, const char *s, size_t len, unsigned flags)
{
    struct acg_buf b;
    if (acg_is_terminal_safe(s, len, flags)) {
        fwrite(s, 1, len, f);
        return;
    }
    acg_buf_init_secure(&b, 0);   /* the output may hold sensitive members (--show-sensitive) */
    if (acg_escape_append(&b, s, len, flags) == ACG_OK)
        fwrite(b.data, 1, b.len, f);
    else
        fputs("(text not shown: out of memory)", f);
    acg_buf_free(&b);
}

static void fput_safe(const char *s, FILE *f)
{
    put_safe(f, s, strlen(s), ACG_ESCAPE_LINE);
}

void acg_cli_write_safe(FILE *f, const char *s, size_t len)
{
    put_safe(f, s, len, ACG_ESCAPE_KEEP_NEWLINES);
}

void acg_cli_verrorf(const char *fmt, va_list ap)
{
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        put_safe(stderr, small, (size_t)n, ACG_ESCAPE_KEEP_NEWLINES);
    } else if (n >= 0) {
        char *big = malloc((size_t)n + 1);   /* a long message (a file's text) whole */
        if (big != NULL && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
            put_safe(stderr, big, (size_t)n, ACG_ESCAPE_KEEP_NEWLINES);
        else
            put_safe(stderr, small, sizeof small - 1, ACG_ESCAPE_KEEP_NEWLINES);
        free(big);
    }
    va_end(again);
}

void acg_cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acg_cli_verrorf(fmt, ap);
    va_end(ap);
}

/* An argument error: usage, then "PROG: error: ...", like argparse in the AWS CLI. */
static int usage_error(const struct cli_state *st, const char *fmt, ...) ACG_PRINTF(2, 3);
static int usage_error(const struct cli_state *st, const char *fmt, ...)
{
    va_list ap;
    acg_cli_print_usage(stderr, st->prog);
    fprintf(stderr, "%s: error: ", st->prog->name);
    va_start(ap, fmt);
    acg_cli_verrorf(fmt, ap);   /* quotes argv; the message's own lines stay lines */
    va_end(ap);
    fputc('\n', stderr);
    return ACG_EXIT_USAGE;
}

/* ---- argument parsing ---- */

static const struct acg_cli_operation *find_operation(const struct acg_cli_app *prog,
                                                      const char *command)
{
    for (size_t i = 0; i < prog->operation_count; i++) {
        if (strcmp(prog->operations[i].command, command) == 0)
            return &prog->operations[i];
    }
    return NULL;
}

static bool name_is(const char *name, size_t name_len, const char *option)
{
    return strlen(option) == name_len && memcmp(option, name, name_len) == 0;
}

/* The member whose option is --name, or for booleans --no-name (then *negated is set).
 * An exact match wins, so a member really called "no-x" keeps its option. */
static const struct acg_cli_member *find_member(const struct acg_cli_operation *op,
                                                const char *name, size_t name_len,
                                                bool *negated)
{
    *negated = false;
    for (size_t i = 0; i < op->member_count; i++) {
        if (name_is(name, name_len, op->members[i].option))
            return &op->members[i];
    }
    if (name_len > 3 && memcmp(name, "no-", 3) == 0) {
        for (size_t i = 0; i < op->member_count; i++) {
            if (op->members[i].kind == ACG_CLI_BOOLEAN &&
                name_is(name + 3, name_len - 3, op->members[i].option)) {
                *negated = true;
                return &op->members[i];
            }
        }
    }
    return NULL;
}

/* Takes an option's value: the text after '=' or the next argument. A next argument that
 * starts with "--" is another option, as argparse sees it; values that really start with
 * "--" are written --opt=--value. */
static int take_value(struct cli_state *st, const char *option, const char *inline_value,
                      int argc, char **argv, int *i, const char **out)
{
    if (inline_value != NULL) {
        *out = inline_value;
        return ACG_EXIT_OK;
    }
    if (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0)
        return usage_error(st, "argument --%s: expected one argument", option);
    *i += 1;
    *out = argv[*i];
    return ACG_EXIT_OK;
}

/* Whether argparse would read w as an option, ending a list option's words: it starts with
 * '-' and is neither "-" alone, a negative number, nor text with a space. */
static bool looks_like_option(const char *w)
{
    if (w[0] != '-' || w[1] == '\0' || strchr(w, ' ') != NULL)
        return false;
    const char *p = w + 1;
    size_t whole = strspn(p, "0123456789");
    if (p[whole] == '\0')
        return false;
    if (p[whole] == '.' && p[whole + 1] != '\0' &&
        p[whole + 1 + strspn(p + whole + 1, "0123456789")] == '\0')
        return false;
    return true;
}

/* A list option takes every following word up to the next option (nargs='*'), or the one
 * value after '='. */
static void take_list(struct acg_cli_value *v, const char *inline_value, int argc, char **argv,
                      int *i)
{
    v->is_list = true;
    if (inline_value != NULL) {
        v->text = inline_value;
        v->words = &v->text;
        v->word_count = 1;
        return;
    }
    v->text = NULL;
    v->words = (const char *const *)argv + *i + 1;
    while (*i + 1 < argc && !looks_like_option(argv[*i + 1])) {
        v->word_count++;
        *i += 1;
    }
}

/* Matching characters of a and b by difflib's recursive longest-block rule. */
static size_t matching_chars(const char *a, size_t na, const char *b, size_t nb)
{
    size_t best = 0, ba = 0, bb = 0;
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            size_t k = 0;
            while (i + k < na && j + k < nb && a[i + k] == b[j + k])
                k++;
            if (k > best) {
                best = k;
                ba = i;
                bb = j;
            }
        }
    }
    if (best == 0)
        return 0;
    return best + matching_chars(a, ba, b, bb) +
           matching_chars(a + ba + best, na - ba - best, b + bb + best, nb - bb - best);
}

/* --generate-cli-skeleton [input|output]: the value is optional (nargs='?'). A value it does
 * not know gets the AWS CLI's list of choices and, for a near miss (difflib's ratio of at
 * least 0.8), its suggestion. */
static int take_skeleton(struct cli_state *st, const char *inline_value, int argc, char **argv,
                         int *i)
{
    static const char *const choices[] = {"input", "output"};
    const char *value = inline_value;
    if (value == NULL && *i + 1 < argc && !looks_like_option(argv[*i + 1]))
        value = argv[++*i];
    if (value == NULL)
        value = "input";
    if (strcmp(value, "input") == 0 || strcmp(value, "output") == 0) {
        st->global[ACG_CLI_G_GENERATE_CLI_SKELETON] = value;
        return ACG_EXIT_OK;
    }
    char near[64] = "";
    for (size_t c = 0; c < 2; c++) {
        size_t n = strlen(value), m = strlen(choices[c]);
        if (n < 64 && (size_t)5 * 2 * matching_chars(value, n, choices[c], m) >= 4 * (n + m) &&
            near[0] == '\0')
            snprintf(near, sizeof near, "%s", choices[c]);
    }
    if (near[0] == '\0')
        return usage_error(st, "argument --generate-cli-skeleton: Invalid choice, valid choices "
                           "are:\n\n%-40s | %-40s", choices[0], choices[1]);
    return usage_error(st, "argument --generate-cli-skeleton: Invalid choice, valid choices "
                       "are:\n\n%-40s | %-40s\n\n\nInvalid choice: '%s', maybe you meant:\n\n"
                       "  * %s", choices[0], choices[1], value, near);
}

static int parse_member_option(struct cli_state *st, const struct acg_cli_member *m,
                               bool negated, const char *inline_value, int argc, char **argv,
                               int *i)
{
    struct acg_cli_value *v = &st->values[m - st->op->members];
    if (v->set)
        return usage_error(st, "argument --%s: was given more than once", m->option);
    v->set = true;
    v->flag = -1;
    if (m->kind == ACG_CLI_BOOLEAN) {
        /* The AWS CLI's --flag / --no-flag, plus an explicit true or false (as a separate
         * word or after '=') for scripts that pass the value through. */
        if (negated) {
            if (inline_value != NULL)
                return usage_error(st, "argument --no-%s: takes no value", m->option);
            v->flag = 0;
            return ACG_EXIT_OK;
        }
        if (inline_value == NULL) {
            const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
            if (next != NULL &&
                (acg_cli_ascii_ieq(next, "true") || acg_cli_ascii_ieq(next, "false"))) {
                *i += 1;
                inline_value = next;
            } else {
                v->flag = 1;
                return ACG_EXIT_OK;
            }
        }
        v->text = inline_value;
        v->len = strlen(inline_value);
        return ACG_EXIT_OK;
    }
    if (m->desc->shape->type == ACG_SHAPE_LIST) {
        take_list(v, inline_value, argc, argv, i);
        return ACG_EXIT_OK;
    }
    const char *value = "";
    int rc = take_value(st, m->option, inline_value, argc, argv, i, &value);
    if (rc != ACG_EXIT_OK)
        return rc;
    v->text = value;
    v->len = strlen(value);
    return ACG_EXIT_OK;
}

static int parse_global_option(struct cli_state *st, int id, const char *inline_value, int argc,
                               char **argv, int *i)
{
    const struct acg_cli_global *g = &acg_cli_globals[id];
    if (st->global[id] != NULL && id != ACG_CLI_G_HELP)
        return usage_error(st, "argument --%s: was given more than once", g->name);
    if (!g->takes_value) {
        if (inline_value != NULL)
            return usage_error(st, "argument --%s: takes no value", g->name);
        st->global[id] = "";
        return ACG_EXIT_OK;
    }
    return take_value(st, g->name, inline_value, argc, argv, i, &st->global[id]);
}

static void note_unknown(struct cli_state *st, const char *name, size_t len)
{
    if (st->unknown_count < UNKNOWN_MAX) {
        st->unknown[st->unknown_count] = name;
        st->unknown_len[st->unknown_count] = len;
    }
    st->unknown_count++;
}

static int invalid_choice(const struct cli_state *st)
{
    acg_cli_print_usage(stderr, st->prog);
    fprintf(stderr, "%s: error: argument operation: Invalid choice, valid choices are:\n\n",
            st->prog->name);
    for (size_t i = 0; i < st->prog->operation_count; i++)
        fprintf(stderr, "%s\n", st->prog->operations[i].command);
    return ACG_EXIT_USAGE;
}

/* Whether the command takes global option id: --starting-token, --max-items and (with a
 * limit key) --page-size exist for paginated operations only, as the AWS CLI adds them;
 * the waiter options for wait commands only. */
static bool offered(const struct cli_state *st, int id)
{
    const struct acg_cli_operation *op = st->op;
    switch (acg_cli_globals[id].scope) {
    case ACG_CLI_PAGED_ONLY:
        return st->waiter == NULL && op != NULL && op->pageable &&
               (id != ACG_CLI_G_PAGE_SIZE || op->has_limit_key);
    case ACG_CLI_WAIT_ONLY:
        return st->waiter != NULL;
    default:
        return true;
    }
}

/* `PROG wait NAME`: NAME picks the waiter, whose operation's options follow; `wait help`
 * asks for the list. */
static int take_waiter(struct cli_state *st, const char *arg)
{
    if (strcmp(arg, "help") == 0) {
        st->want_help = true;
        return ACG_EXIT_OK;
    }
    for (size_t i = 0; i < st->prog->waiter_count; i++) {
        if (strcmp(st->prog->waiters[i].command, arg) == 0)
            st->waiter = &st->prog->waiters[i];
    }
    if (st->waiter == NULL) {
        acg_cli_print_usage(stderr, st->prog);
        fprintf(stderr, "%s: error: argument subcommand: Invalid choice, valid choices are:\n\n",
                st->prog->name);
        for (size_t i = 0; i < st->prog->waiter_count; i++)
            fprintf(stderr, "%s\n", st->prog->waiters[i].command);
        return ACG_EXIT_USAGE;
    }
    st->op = st->waiter->op;
    st->values = calloc(st->op->member_count + 1, sizeof *st->values);
    return st->values != NULL ? ACG_EXIT_OK : acg_cli_out_of_memory();
}

/* One pass over argv. Global options may come anywhere (the AWS CLI parses them first);
 * member options only after the command that defines them. Stops at the first error. */
static int parse_args(struct cli_state *st, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (!st->command_seen && strcmp(arg, "help") == 0) {
                st->want_help = true;
                st->command_seen = true;
                continue;
            }
            if (!st->command_seen) {
                st->command_seen = true;
                if (strcmp(arg, "wait") == 0 && st->prog->waiter_count > 0) {
                    st->waiting = true;
                    continue;
                }
                st->op = find_operation(st->prog, arg);
                if (st->op == NULL)
                    return invalid_choice(st);
                st->values = calloc(st->op->member_count + 1, sizeof *st->values);
                if (st->values == NULL)
                    return acg_cli_out_of_memory();
                continue;
            }
            if (st->waiting && st->waiter == NULL && !st->want_help) {
                int rc = take_waiter(st, arg);
                if (rc != ACG_EXIT_OK)
                    return rc;
                continue;
            }
            if (st->op != NULL && !st->want_help && strcmp(arg, "help") == 0) {
                st->want_help = true;
                continue;
            }
            /* The AWS CLI's positional outfile, for operations that download. */
            if (st->op != NULL && st->op->streams_output && st->outfile == NULL) {
                st->outfile = arg;
                continue;
            }
            /* `PROG help OP` reads naturally too; show the operation's help. */
            if (st->want_help && st->op == NULL && st->stray_count == 0) {
                st->op = find_operation(st->prog, arg);
                if (st->op != NULL) {
                    st->values = calloc(st->op->member_count + 1, sizeof *st->values);
                    if (st->values == NULL)
                        return acg_cli_out_of_memory();
                    continue;
                }
            }
            st->stray_count++;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        const char *inline_value = eq != NULL ? eq + 1 : NULL;
        int rc;
        /* Global options win over a member option of the same name, as in the AWS CLI,
         * whose global parser runs first; help points such members to --cli-input-json. */
        int g = acg_cli_find_global(name, name_len);
        if (g == ACG_CLI_G_GENERATE_CLI_SKELETON && st->global[g] == NULL) {
            rc = take_skeleton(st, inline_value, argc, argv, &i);
            if (rc != ACG_EXIT_OK)
                return rc;
            continue;
        }
        if (g >= 0 && !offered(st, g))
            g = -1;
        if (g >= 0) {
            rc = parse_global_option(st, g, inline_value, argc, argv, &i);
            if (rc != ACG_EXIT_OK)
                return rc;
            continue;
        }
        bool negated = false;
        const struct acg_cli_member *m =
            st->op != NULL ? find_member(st->op, name, name_len, &negated) : NULL;
        if (m == NULL) {
            note_unknown(st, arg, name_len + 2);
            continue;
        }
        rc = parse_member_option(st, m, negated, inline_value, argc, argv, &i);
        if (rc != ACG_EXIT_OK)
            return rc;
    }
    return ACG_EXIT_OK;
}

/* "Unknown options: --a, --b". Stray words are counted, not shown: after a misspelt option
 * the next word is usually its value, and values may be secrets. */
static int unknown_options(const struct cli_state *st)
{
    acg_cli_print_usage(stderr, st->prog);
    fprintf(stderr, "%s: error: Unknown options: ", st->prog->name);
    size_t shown = st->unknown_count < UNKNOWN_MAX ? st->unknown_count : UNKNOWN_MAX;
    for (size_t i = 0; i < shown; i++) {
        fputs(i > 0 ? ", " : "", stderr);
        put_safe(stderr, st->unknown[i], st->unknown_len[i], ACG_ESCAPE_LINE);
    }
    if (st->unknown_count > shown)
        fprintf(stderr, "%s(%zu more)", shown > 0 ? ", " : "", st->unknown_count - shown);
    if (st->stray_count > 0)
        fprintf(stderr, "%s%zu unexpected argument%s", st->unknown_count > 0 ? ", and " : "",
                st->stray_count, st->stray_count == 1 ? "" : "s");
    fputc('\n', stderr);
    return ACG_EXIT_USAGE;
}

/* ---- global options ---- */

/* Whole seconds, as the AWS CLI's int(); converted to the client's milliseconds. */
static int timeout_option(const struct cli_state *st, int id, long *out_ms)
{
    const char *s = st->global[id];
    int64_t seconds = 0;
    *out_ms = 0;
    if (s == NULL)
        return ACG_EXIT_OK;
    if (!acg_cli_parse_int64(s, strlen(s), &seconds) || seconds < 0 ||
        seconds > ACG_CLI_MAX_TIMEOUT_S)
        return usage_error(st, "argument --%s: expected a whole number of seconds from 0 to %ld",
                           acg_cli_globals[id].name, ACG_CLI_MAX_TIMEOUT_S);
    *out_ms = seconds == 0 ? NO_TIMEOUT_MS : (long)seconds * 1000L;
    return ACG_EXIT_OK;
}

/* URL schemes compare without regard to case (RFC 3986). */
static bool has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    char head[16];
    if (strlen(url) < n || n >= sizeof head)
        return false;
    memcpy(head, url, n);
    head[n] = '\0';
    return acg_cli_ascii_ieq(head, scheme);
}

/* argparse's choice error, laid out as awscli/argparser.py does: two per line, each padded
 * to 40 columns. */
static int choice_error(const struct cli_state *st, const char *option,
                        const char *const *choices, size_t n)
{
    acg_cli_print_usage(stderr, st->prog);
    fprintf(stderr, "%s: error: argument --%s: Invalid choice, valid choices are:\n\n",
            st->prog->name, option);
    for (size_t i = 0; i < n; i += 2) {
        if (i + 1 < n)
            fprintf(stderr, "%-40s | %-40s\n", choices[i], choices[i + 1]);
        else
            fprintf(stderr, "%-40s\n", choices[i]);
    }
    return ACG_EXIT_USAGE;
}

static bool one_of(const char *value, const char *const *choices, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(value, choices[i]) == 0)
            return true;
    }
    return false;
}

/* --page-size and --max-items: a positive integer (argparse's int(), then a count). */
static int count_option(const struct cli_state *st, int id, int64_t *out)
{
    const char *s = st->global[id];
    *out = 0;
    if (s == NULL)
        return ACG_EXIT_OK;
    if (!acg_cli_parse_int64(s, strlen(s), out))
        return usage_error(st, "argument --%s: invalid int value: '%s'", acg_cli_globals[id].name,
                           s);
    if (*out < 1)
        return usage_error(st, "argument --%s: expected a positive integer",
                           acg_cli_globals[id].name);
    return ACG_EXIT_OK;
}

static int check_globals(const struct cli_state *st)
{
    static const char *const formats[] = { "json", "text", "table", "yaml", "yaml-stream" };
    static const char *const colors[] = { "on", "off", "auto" };
    const char *output = st->global[ACG_CLI_G_OUTPUT];
    if (output != NULL && !one_of(output, formats, 5))
        return choice_error(st, "output", formats, 5);
    const char *color = st->global[ACG_CLI_G_COLOR];
    if (color != NULL && !one_of(color, colors, 3))
        return choice_error(st, "color", colors, 3);
    int64_t count;
    int status = count_option(st, ACG_CLI_G_PAGE_SIZE, &count);
    if (status == ACG_EXIT_OK)
        status = count_option(st, ACG_CLI_G_MAX_ITEMS, &count);
    if (status == ACG_EXIT_OK)
        status = count_option(st, ACG_CLI_G_WAITER_DELAY, &count);
    if (status == ACG_EXIT_OK)
        status = count_option(st, ACG_CLI_G_WAITER_MAX_ATTEMPTS, &count);
    if (status != ACG_EXIT_OK)
        return status;
    /* The AWS CLI insists on a scheme, and so does libcurl's idea of a base URL. */
    const char *url = st->global[ACG_CLI_G_ENDPOINT_URL];
    if (url != NULL && !has_scheme(url, "http://") && !has_scheme(url, "https://")) {
        fputs("\nBad value for --endpoint-url: scheme is missing. Must be of the form "
              "http://<hostname>/ or https://<hostname>/\n", stderr);
        return ACG_EXIT_USAGE;
    }
    const char *region = st->global[ACG_CLI_G_REGION];
    if (region != NULL && region[0] == '\0')
        return usage_error(st, "argument --region: expected a region name, got an empty value");
    const char *profile = st->global[ACG_CLI_G_PROFILE];
    if (profile != NULL && profile[0] == '\0')
        return usage_error(st, "argument --profile: expected a profile name, got an empty value");
    return ACG_EXIT_OK;
}

/* ---- logging ---- */

/* --debug log lines: a UTC timestamp with milliseconds, the level, the runtime's message.
 * The runtime promises its messages carry no secrets; we add none. */
static void log_to_stderr(void *ctx, enum acg_log_level level, const char *msg)
{
    static const char *const names[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG"};
    struct timespec ts;
    struct tm tm;
    char when[32] = "";
    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && gmtime_r(&ts.tv_sec, &tm) != NULL) {
        size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000L);
    }
    const char *name = (unsigned)level < sizeof names / sizeof names[0] ? names[level] : "LOG";
    /* Every line gets the prefix, so a message that spans lines (a JSON body) still reads
     * as log lines and greps cleanly. */
    const char *line = msg != NULL ? msg : "";
    for (;;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        fprintf(stderr, "%s %s ", when, name);
        put_safe(stderr, line, len, ACG_ESCAPE_LINE);   /* server text is logged too */
        fputc('\n', stderr);
        if (nl == NULL)
            break;
        line = nl + 1;
    }
}

static void debug_log(const struct acg_client_config *cfg, const char *fmt, ...) ACG_PRINTF(2, 3);
static void debug_log(const struct acg_client_config *cfg, const char *fmt, ...)
{
    if (cfg->log == NULL || cfg->log_level < ACG_LOG_DEBUG)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cfg->log(cfg->log_ctx, ACG_LOG_DEBUG, msg);
}

/* ---- outcome ---- */

/* Flushes stdout; a failure (EPIPE, ENOSPC, EBADF) is reported and is 255. */
static int finish_stdout(bool closed)
{
    if (closed) {
        fputs("\nCould not write the output: standard output is closed\n", stderr);
        return ACG_EXIT_OTHER;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "\nCould not write the output: %s\n", strerror(errno));
        return ACG_EXIT_OTHER;
    }
    return ACG_EXIT_OK;
}

/* Writes what the formatter produced (nothing for an operation without output). The text
 * and table formatters got server text already escaped (acg_cli_result.c), so their widths
 * hold; this pass is the last guard for every format. JSON gets JSON escapes (DEL, C1 and
 * bytes that are not UTF-8 become \u00XX / \ufffd: the same value, still valid JSON);
 * colour codes of --color on are the table's own, so that output is written as it is. */
static int print_output(const struct acg_buf *out, const struct acg_output_options *o,
                        bool stdout_closed)
{
    if (out->len == 0)
        return finish_stdout(false);   /* nothing to print, nothing lost */
    if (o->format == ACG_OUTPUT_TABLE && o->color == ACG_COLOR_ON)
        fwrite(out->data, 1, out->len, stdout);
    else
        put_safe(stdout, out->data, out->len,
                 o->format == ACG_OUTPUT_JSON ? ACG_ESCAPE_JSON : ACG_ESCAPE_KEEP_NEWLINES);
    return finish_stdout(stdout_closed);
}

/* Length of msg without the reader's closing " (at byte offset N)" or " at byte offset N":
 * the offset is into the merged input this program built, not into what the user wrote. */
static size_t without_offset(const char *msg)
{
    static const char *const forms[] = {" (at byte offset ", " at byte offset "};
    size_t len = strlen(msg);
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        const char *at = strstr(msg, forms[f]);
        if (at == NULL)
            continue;
        const char *p = at + strlen(forms[f]);
        while (*p >= '0' && *p <= '9')
            p++;
        if (f == 0 && *p == ')')
            p++;
        if (*p == '\0')
            return (size_t)(at - msg);
    }
    return len;
}

/* Prints one violation, "path: what is wrong" as the validator words it, in the AWS CLI's
 * wording where botocore has one for the same check ("Missing required parameter in
 * input", "Invalid length for parameter"), else as "Invalid value for parameter". */
static void print_violation(const char *clause, size_t len)
{
    char text[1024];
    if (len >= sizeof text)
        len = sizeof text - 1;
    memcpy(text, clause, len);
    text[len] = '\0';
    char *sep = strstr(text, ": ");
    if (sep == NULL || strncmp(text, "Invalid bucket name \"", 21) == 0) {
        /* "and 3 more", a message without a path, or S3's bucket check in botocore's words */
        fprintf(stderr, "%s\n", text);
        return;
    }
    *sep = '\0';
    char *what = sep + 2;
    const char *path = text;
    what[without_offset(what)] = '\0';
    unsigned long long n = 0;
    long long bound = 0;
    int used = 0;
    if (strcmp(what, "is required") == 0)
        fprintf(stderr, "Missing required parameter in input: \"%s\"\n", path);
    else if (sscanf(what, "length %llu is more than the maximum %lld%n", &n, &bound, &used) == 2 &&
             what[used] == '\0')
        fprintf(stderr, "Invalid length for parameter %s, value: %llu, valid max length: %lld\n",
                path, n, bound);
    else if (sscanf(what, "length %llu is less than the minimum %lld%n", &n, &bound, &used) == 2 &&
             what[used] == '\0')
        fprintf(stderr, "Invalid length for parameter %s, value: %llu, valid min length: %lld\n",
                path, n, bound);
    else if (strncmp(what, "expected ", 9) == 0)
        fprintf(stderr, "Invalid type for parameter %s: %s\n", path, what);
    else
        fprintf(stderr, "Invalid value for parameter %s: %s\n", path, what);
}

/* "Parameter validation failed:" and one line per violation. The validator joins
 * violations with "; "; a decoder error is one message with the member path in where. */
static int print_validation(const struct acg_error *err)
{
    fputs("\nParameter validation failed:\n", stderr);
    const char *msg = err->message;
    if (err->status == ACG_ERR_JSON) {
        const char *where = err->where[0] == '.' ? err->where + 1 : err->where;
        char clause[sizeof err->where + sizeof err->message + 2];
        if (where[0] == '\0') {
            fprintf(stderr, "%.*s\n", (int)without_offset(msg), msg);
            return ACG_EXIT_USAGE;
        }
        snprintf(clause, sizeof clause, "%s: %.*s", where, (int)without_offset(msg), msg);
        print_violation(clause, strlen(clause));
        return ACG_EXIT_USAGE;
    }
    while (*msg != '\0') {
        const char *sep = strstr(msg, "; ");
        size_t len = sep != NULL ? (size_t)(sep - msg) : strlen(msg);
        print_violation(msg, len);
        msg += len;
        if (sep != NULL)
            msg += 2;
    }
    return ACG_EXIT_USAGE;
}

static int print_service_error(const struct cli_state *st, const struct acg_error *err)
{
    char code[32];
    const char *type = err->aws_type;
    if (type[0] == '\0') {
        /* botocore falls back to the HTTP status as the code when the body has none. */
        if (err->http_status > 0) {
            snprintf(code, sizeof code, "%ld", err->http_status);
            type = code;
        } else {
            type = "Unknown";
        }
    }
    fputs("\nAn error occurred (", stderr);
    fput_safe(type, stderr);
    fprintf(stderr, ") when calling the %s operation", st->op->name);
    /* botocore's MaxAttemptsReached and RetryAttempts: retries, not attempts. */
    if (err->retries_exhausted)
        fprintf(stderr, " (reached max retries: %d)", err->attempts > 0 ? err->attempts - 1 : 0);
    /* botocore always sets a message, "" when the service sent none: the AWS CLI then
     * prints nothing after the colon (and its space), never "Unknown". */
    fputs(": ", stderr);
    fput_safe(err->message, stderr);
    fputc('\n', stderr);
    return ACG_EXIT_SERVICE;
}

/* One message on its own line, as the AWS CLI prints an exception. */
static void print_message(const char *msg)
{
    fputc('\n', stderr);
    fput_safe(msg, stderr);
    fputc('\n', stderr);
}

static int report_failure(const struct cli_state *st, int rc, const struct acg_error *err)
{
    /* a --query that fails on the response says so in the jmespath library's words, whole */
    const char *msg = acg_jmespath_error_message(err);
    if (msg[0] == '\0')
        msg = acg_status_name((enum acg_status)rc);
    switch (rc) {
    case ACG_ERR_VALIDATION:
        return print_validation(err);
    case ACG_ERR_JSON:
        /* Before sending, a decode failure is the input's fault; after, the response's. */
        if (err->attempts == 0 && err->http_status == 0)
            return print_validation(err);
        print_message(msg);
        return ACG_EXIT_OTHER;
    case ACG_ERR_SERVICE:
        return print_service_error(st, err);
    case ACG_ERR_INVALID_ARG:
    case ACG_ERR_TOO_LARGE:
        /* Before the first attempt these are about the input (a request body over its
         * cap, a value the serializer refuses); afterwards about the response. */
        print_message(msg);
        return err->attempts == 0 && err->http_status == 0 ? ACG_EXIT_USAGE : ACG_EXIT_OTHER;
    case ACG_ERR_CONFIG:
        print_message(msg);
        return ACG_EXIT_CONFIG;
    default:
        /* Endpoint rules, transport, unsupported features, memory: the AWS CLI's 255. */
        print_message(msg);
        return ACG_EXIT_OTHER;
    }
}

/* ---- main ---- */

/* `PROG wait NAME`: nothing printed on success; the waiter's failure is 255. */
static int run_waiter(const struct cli_state *st, struct acg_client *client,
                      const struct acg_buf *input, struct acg_error *err)
{
    struct acg_wait_options o = { 0 };
    int64_t n = 0;
    const char *delay = st->global[ACG_CLI_G_WAITER_DELAY];
    const char *attempts = st->global[ACG_CLI_G_WAITER_MAX_ATTEMPTS];
    if (delay != NULL && acg_cli_parse_int64(delay, strlen(delay), &n))
        o.delay_s = (int)n;
    if (attempts != NULL && acg_cli_parse_int64(attempts, strlen(attempts), &n))
        o.max_attempts = (int)n;
    int rc = acg_cli_wait(client, st->waiter, input->data, input->len, &o, err);
    if (rc == ACG_OK)
        return ACG_EXIT_OK;
    if (err->status == ACG_OK)
        acg_error_set(err, rc, "%s failed", st->waiter->desc->name);
    return report_failure(st, rc, err);
}

/* argparse's check in the AWS CLI, before anything else happens: without
 * --cli-input-json, required members must come as options; a download needs its outfile. */
static int check_required(struct cli_state *st, bool skeleton_input)
{
    if (st->global[ACG_CLI_G_CLI_INPUT_JSON] == NULL && !skeleton_input) {
        char missing[1024] = "";
        size_t used = 0;
        for (size_t i = 0; i < st->op->member_count; i++) {
            const struct acg_cli_member *m = &st->op->members[i];
            if (!m->required || st->values[i].set)
                continue;
            int n = snprintf(missing + used, sizeof missing - used, "%s--%s",
                             used > 0 ? ", " : "", m->option);
            if (n < 0 || (size_t)n >= sizeof missing - used)
                break;
            used += (size_t)n;
        }
        if (used > 0)
            return usage_error(st, "the following arguments are required: %s", missing);
    }
    if (st->op->streams_output && st->outfile == NULL)
        return usage_error(st, "the following arguments are required: outfile");
    return ACG_EXIT_OK;
}

/* The client's configuration from the global options. */
static void client_config(const struct cli_state *st, struct acg_client_config *cfg)
{
    cfg->region = st->global[ACG_CLI_G_REGION];
    cfg->profile = st->global[ACG_CLI_G_PROFILE];
    cfg->endpoint_url = st->global[ACG_CLI_G_ENDPOINT_URL];
    cfg->no_verify_ssl = st->global[ACG_CLI_G_NO_VERIFY_SSL] != NULL;
    cfg->ca_bundle = st->global[ACG_CLI_G_CA_BUNDLE];
    cfg->no_sign_request = st->global[ACG_CLI_G_NO_SIGN_REQUEST] != NULL;
    cfg->validation = ACG_VALIDATE_ENFORCE;
    cfg->mfa_prompt = acg_cli_mfa_prompt;
    if (st->global[ACG_CLI_G_DEBUG] != NULL) {
        cfg->log = log_to_stderr;
        cfg->log_level = ACG_LOG_DEBUG;
    }
}

/* The call (every page of it) and its output; the exit status. */
static int call_and_print(struct cli_state *st, struct acg_client *client,
                          const struct acg_buf *input, const char *upload, struct acg_buf *out,
                          struct acg_error *err)
{
    struct acg_cli_print print;
    int status = acg_cli_print_settings(st->prog->service, st->op, st->global, st->values, &print);
    if (status == ACG_EXIT_OK) {
        int rc = acg_cli_run(client, st->op, input->data, input->len, st->outfile, upload, &print,
                             out, err);
        /* Text output of several pages shows the pages before a failure, as the AWS CLI's
         * does, so the output goes first either way. */
        status = print_output(out, &print.output, st->stdout_closed);
        if (rc != ACG_OK) {
            if (err->status == ACG_OK)
                acg_error_set(err, rc, "%s failed", st->op->name);
            status = report_failure(st, rc, err);
        }
    }
    acg_cli_print_settings_free(&print);
    return status;
}

static int run_operation(struct cli_state *st)
{
    struct acg_client_config cfg;
    struct acg_error err;
    struct acg_buf input, out;
    struct acg_client *client = NULL;
    char *upload = NULL;   /* a streaming upload's file */
    int status;

    acg_error_init(&err);
    acg_buf_init(&input, 0);
    acg_buf_init(&out, 0);
    acg_client_config_init(&cfg);

    /* Everything that can be checked without a client is checked first, so bad input
     * never reaches configuration, credentials or the network. */
    status = check_globals(st);
    if (status == ACG_EXIT_OK)
        status = timeout_option(st, ACG_CLI_G_CONNECT_TIMEOUT, &cfg.connect_timeout_ms);
    if (status == ACG_EXIT_OK)
        status = timeout_option(st, ACG_CLI_G_READ_TIMEOUT, &cfg.read_timeout_ms);
    if (status != ACG_EXIT_OK)
        goto done;

    const char *skeleton = st->global[ACG_CLI_G_GENERATE_CLI_SKELETON];
    if (skeleton != NULL && st->op->streams_output) {
        /* The AWS CLI offers no skeleton for commands that write a file. */
        note_unknown(st, "--generate-cli-skeleton", strlen("--generate-cli-skeleton"));
        status = unknown_options(st);
        goto done;
    }
    bool skeleton_input = skeleton != NULL && strcmp(skeleton, "input") == 0;
    status = check_required(st, skeleton_input);
    struct acg_cli_input_opts opts;
    if (status == ACG_EXIT_OK)
        status = acg_cli_input_opts_init(&opts, st->prog, st->global[ACG_CLI_G_CLI_BINARY_FORMAT],
                                         st->global[ACG_CLI_G_PROFILE]);
    if (status == ACG_EXIT_OK && skeleton == NULL && st->waiter == NULL)
        opts.stream_path = &upload;   /* a streaming upload's file is mapped, not read in */
    if (status == ACG_EXIT_OK)
        status = acg_cli_build_input(st->op, st->values, st->global[ACG_CLI_G_CLI_INPUT_JSON],
                                     &opts, &input);
    if (status != ACG_EXIT_OK)
        goto done;
    if (skeleton != NULL) {
        int rc = skeleton_input ? ACG_OK : acg_cli_check_input(st->op, input.data, input.len, &err);
        status = rc == ACG_OK ? acg_cli_print_skeleton(stdout, st->op, !skeleton_input)
                              : report_failure(st, rc, &err);
        goto done;
    }

    client_config(st, &cfg);
    debug_log(&cfg, "%s (acg-cli/%s): command %s, operation %s, input %zu bytes",
              st->prog->name, ACG_VERSION, st->op->command, st->op->name, input.len);
    client = acg_client_new(st->prog->service, &cfg, &err);
    if (client == NULL) {
        if (err.status == ACG_OK)
            acg_error_set(&err, ACG_ERR_CONFIG, "could not create the client");
        status = report_failure(st, err.status, &err);
    } else {
        status = st->waiter != NULL ? run_waiter(st, client, &input, &err)
                                    : call_and_print(st, client, &input, upload, &out, &err);
    }
done:
    free(upload);
    if (client != NULL)
        acg_client_destroy(client);
    acg_error_free(&err);
    /* Input and output may hold sensitive member values. */
    acg_buf_free_secure(&input);
    acg_buf_free_secure(&out);
    return status;
}

static void free_state(struct cli_state *st)
{
    free(st->values);
}

int acg_cli_main(const struct acg_cli_program *program, int argc, char **argv)
{
    struct cli_state st;
    struct acg_cli_app app;
    memset(&st, 0, sizeof st);
    st.stdout_closed = (acg_cli_prepare_process() & 2u) != 0;
    if (program == NULL || program->name == NULL || program->service == NULL)
        return ACG_EXIT_OTHER;
    if (acg_cli_app_init(&app, program) != ACG_OK) {
        acg_cli_app_free(&app);
        fprintf(stderr, "%s: the program's tables are inconsistent or memory ran out\n",
                program->name);
        return ACG_EXIT_OTHER;
    }
    const struct acg_cli_app *prog = &app;
    st.prog = prog;

    int status = parse_args(&st, argc, argv);
    if (status != ACG_EXIT_OK)
        goto done;
    if (st.global[ACG_CLI_G_VERSION] != NULL) {
        printf("%s/%s acg-cli/%s\n", prog->name, ACG_VERSION, ACG_VERSION);
        status = finish_stdout(st.stdout_closed);
        goto done;
    }
    if (st.want_help || st.global[ACG_CLI_G_HELP] != NULL) {
        /* Help ignores the other arguments, as `aws ... help` does. */
        if (st.waiter != NULL)
            acg_cli_print_waiter_help(stdout, prog, st.waiter);
        else if (st.waiting)
            acg_cli_print_wait_help(stdout, prog);
        else if (st.op != NULL)
            acg_cli_print_operation_help(stdout, prog, st.op);
        else
            acg_cli_print_program_help(stdout, prog);
        status = finish_stdout(st.stdout_closed);
        goto done;
    }
    if (st.op == NULL) {
        status = usage_error(&st, st.waiting ? "too few arguments"
                                             : "the following arguments are required: operation");
        goto done;
    }
    if (st.unknown_count > 0 || st.stray_count > 0) {
        status = unknown_options(&st);
        goto done;
    }
    status = run_operation(&st);
done:
    fflush(stderr);
    free_state(&st);
    acg_cli_app_free(&app);
    return status;
}
