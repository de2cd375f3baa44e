/* Help text for generated programs: usage lines, `PROG help` and `PROG OP help`.
 *
 * The layout follows the AWS CLI's help pages (NAME, DESCRIPTION, SYNOPSIS, OPTIONS, GLOBAL
 * OPTIONS), as plain text wrapped at 80 columns instead of a man page. Documentation comes
 * from the model as plain text; a newline in it is kept as a line break, and words longer
 * than a line (regular expressions, ARNs) are printed whole rather than split. */
#include <stdio.h>
#include <string.h>

#include "cli/acg_cli.h"
#include "acg_cli_private.h"

#define WIDTH 80

/* Display columns of n bytes of UTF-8: one per code point, close enough for help text. */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cols++;
    }
    return cols;
}

static void indent(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', f);
}

/* Prints text wrapped at WIDTH with every line indented by `ind` spaces. Runs of spaces
 * collapse; a newline in text starts a new line, an empty line is kept as one. */
static void wrap(FILE *f, size_t ind, const char *text)
{
    const char *p = text != NULL ? text : "";
    size_t col = 0;       /* columns used on the current line, 0: nothing printed yet */
    bool blank_pending = false;
    while (*p != '\0') {
        if (*p == '\n') {
            if (col > 0) {
                fputc('\n', f);
                col = 0;
            } else {
                blank_pending = true;
            }
            p++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\r') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \t\r\n");
        size_t w = columns(p, n);
        if (col > 0 && col + 1 + w > WIDTH) {
            fputc('\n', f);
            col = 0;
        }
        if (col == 0) {
            if (blank_pending) {
                fputc('\n', f);
                blank_pending = false;
            }
            indent(f, ind);
            col = ind;
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += w;
        p += n;
    }
    if (col > 0)
        fputc('\n', f);
}

/* The first sentence of a documentation text: up to the first ". " or newline. */
static size_t first_sentence(const char *doc)
{
    size_t n = 0;
    while (doc[n] != '\0' && doc[n] != '\n') {
        if (doc[n] == '.' && (doc[n + 1] == ' ' || doc[n + 1] == '\0' || doc[n + 1] == '\n'))
            return n + 1;
        n++;
    }
    return n;
}

void acg_cli_print_usage(FILE *f, const struct acg_cli_app *prog)
{
    const char *name = prog->name;
    fprintf(f,
            "usage: %s [options] <command> [parameters]\n"
            "To see help text, you can run:\n"
            "\n"
            "  %s help\n"
            "  %s <command> help\n"
            "\n",
            name, name, name);
}

static void print_global_options(FILE *f)
{
    fputs("GLOBAL OPTIONS\n", f);
    for (int i = 0; i < ACG_CLI_G_COUNT; i++) {
        const struct acg_cli_global *g = &acg_cli_globals[i];
        if (g->operation_option)
            continue;
        fprintf(f, "    --%s (%s)\n", g->name, g->type_name);
        wrap(f, 8, g->help);
        fputc('\n', f);
    }
}

void acg_cli_print_program_help(FILE *f, const struct acg_cli_app *prog)
{
    fprintf(f, "%s\n\n", prog->name);
    if (prog->doc != NULL && prog->doc[0] != '\0') {
        fputs("DESCRIPTION\n", f);
        wrap(f, 4, prog->doc);
        fputc('\n', f);
    }
    fputs("SYNOPSIS\n", f);
    fprintf(f, "    %s [options] <command> [parameters]\n", prog->name);
    fprintf(f, "    %s <command> help\n\n", prog->name);
    fputs("AVAILABLE COMMANDS\n", f);
    for (size_t i = 0; i < prog->operation_count; i++) {
        const struct acg_cli_operation *op = &prog->operations[i];
        fprintf(f, "    o %s\n", op->command);
        const char *doc = op->doc != NULL ? op->doc : "";
        size_t n = first_sentence(doc);
        if (n > 0) {
            char line[512];
            if (n >= sizeof line)
                n = sizeof line - 1;
            memcpy(line, doc, n);
            line[n] = '\0';
            wrap(f, 8, line);
        }
    }
    fputc('\n', f);
    print_global_options(f);
}

/* How a member's value is written on the command line, per kind. */
static const char *kind_hint(enum acg_cli_kind kind)
{
    switch (kind) {
    case ACG_CLI_STRING:
        return "";
    case ACG_CLI_BOOLEAN:
        return ""; /* print_member names the two spellings itself */
    case ACG_CLI_INTEGER:
        return "A decimal integer.";
    case ACG_CLI_FLOAT:
        return "A number, or NaN, Infinity or -Infinity.";
    case ACG_CLI_TIMESTAMP:
        return "Epoch seconds (1700000000) or ISO 8601 (2023-11-14T22:13:20Z).";
    case ACG_CLI_BLOB:
        return "Base64 text, as in AWS CLI v2; fileb://PATH sends a file's raw bytes.";
    case ACG_CLI_JSON:
        return "JSON text (the AWS CLI's shorthand syntax is not supported).";
    }
    return "";
}

static void print_member(FILE *f, const struct acg_cli_member *m)
{
    bool shadowed = acg_cli_find_global(m->option, strlen(m->option)) >= 0;
    const char *type = m->type_name != NULL && m->type_name[0] != '\0' ? m->type_name : "string";
    if (shadowed)
        fprintf(f, "    member \"%s\" (%s)%s\n", m->json_name, type,
                m->required ? " [required]" : "");
    else if (m->kind == ACG_CLI_BOOLEAN)
        fprintf(f, "    --%s | --no-%s (%s)%s\n", m->option, m->option, type,
                m->required ? " [required]" : "");
    else
        fprintf(f, "    --%s (%s)%s\n", m->option, type, m->required ? " [required]" : "");
    if (m->constraints != NULL && m->constraints[0] != '\0') {
        char line[1024];
        snprintf(line, sizeof line, "Constraints: %s", m->constraints);
        wrap(f, 8, line);
    }
    if (m->kind == ACG_CLI_BOOLEAN) {
        char line[512];
        snprintf(line, sizeof line, "Give --%s or --no-%s (or --%s true|false).", m->option,
                 m->option, m->option);
        wrap(f, 8, line);
    } else if (kind_hint(m->kind)[0] != '\0') {
        wrap(f, 8, kind_hint(m->kind));
    }
    if (shadowed) {
        char line[512];
        snprintf(line, sizeof line, "The global option --%s takes this name; set the member "
                 "\"%s\" through --cli-input-json.", m->option, m->json_name);
        wrap(f, 8, line);
    }
    if (m->doc != NULL && m->doc[0] != '\0')
        wrap(f, 8, m->doc);
    fputc('\n', f);
}

/* An operation's page, or a waiter's (command "wait NAME", its own description). */
static void print_command_help(FILE *f, const struct acg_cli_app *prog,
                               const struct acg_cli_operation *op, const char *command,
                               const char *description)
{
    fprintf(f, "NAME\n    %s\n\n", command);
    fputs("DESCRIPTION\n", f);
    if (description != NULL && description[0] != '\0')
        wrap(f, 4, description);
    else
        fprintf(f, "    Calls the %s operation.\n", op->name);
    fputc('\n', f);

    fputs("SYNOPSIS\n", f);
    fprintf(f, "    %s %s\n", prog->name, command);
    for (size_t i = 0; i < op->member_count; i++) {
        const struct acg_cli_member *m = &op->members[i];
        if (acg_cli_find_global(m->option, strlen(m->option)) >= 0)
            continue; /* reachable through --cli-input-json only; OPTIONS says so */
        if (m->kind == ACG_CLI_BOOLEAN)
            fprintf(f, m->required ? "        --%s | --no-%s\n" : "        [--%s | --no-%s]\n",
                    m->option, m->option);
        else
            fprintf(f, m->required ? "        --%s <value>\n" : "        [--%s <value>]\n",
                    m->option);
    }
    fputs("        [--cli-input-json <value>]\n", f);
    fputs("        [global options]\n\n", f);

    fputs("OPTIONS\n", f);
    for (size_t i = 0; i < op->member_count; i++)
        print_member(f, &op->members[i]);
    const struct acg_cli_global *in = &acg_cli_globals[ACG_CLI_G_CLI_INPUT_JSON];
    fprintf(f, "    --%s (%s)\n", in->name, in->type_name);
    wrap(f, 8, in->help);
    fputc('\n', f);
    wrap(f, 4, "Option values may also be read from a file: --OPTION file://PATH. Required "
               "options may be left out when --cli-input-json gives those members.");
    fputc('\n', f);

    print_global_options(f);
}

void acg_cli_print_operation_help(FILE *f, const struct acg_cli_app *prog,
                                  const struct acg_cli_operation *op)
{
    print_command_help(f, prog, op, op->command, op->doc);
}

/* awscli's WaiterStateDocBuilder: the waiter's success acceptor, its operation, its pace. */
static void waiter_description(const struct acg_cli_waiter *w, char *out, size_t size)
{
    const struct acg_waiter *d = w->desc;
    size_t n = (size_t)snprintf(out, size, "Wait until ");
    for (size_t i = 0; i < d->acceptor_count && n < size; i++) {
        const struct acg_acceptor *a = &d->acceptors[i];
        static const char *const after[] = {
            [ACG_WAIT_PATH] = "", [ACG_WAIT_PATH_ALL] = " for all elements",
            [ACG_WAIT_PATH_ANY] = " for any element",
            [ACG_WAIT_STATUS] = " response is received", [ACG_WAIT_ERROR] = " is thrown",
        };
        char want[256];
        size_t len = strlen(a->expected);
        bool quoted = len >= 2 && a->expected[0] == '"';
        if (a->state != ACG_WAIT_SUCCESS || a->matcher > ACG_WAIT_ERROR)
            continue;
        /* Python's str() of the expected value: a string without its quotes. */
        snprintf(want, sizeof want, "%.*s", (int)(quoted ? len - 2 : len),
                 quoted ? a->expected + 1 : a->expected);
        if (strcmp(want, "true") == 0 || strcmp(want, "false") == 0)
            want[0] = (char)(want[0] - 'a' + 'A');
        if (a->argument != NULL && a->matcher <= ACG_WAIT_PATH_ANY)
            n += (size_t)snprintf(out + n, size - n, "JMESPath query %s returns ", a->argument);
        if (n < size)
            n += (size_t)snprintf(out + n, size - n, "%s%s ", want, after[a->matcher]);
        break;
    }
    if (n < size)
        snprintf(out + n, size - n, "when polling with ``%s``. It will poll every %d seconds "
                 "until a successful state has been reached. This will exit with a return code "
                 "of 255 after %d failed checks.", w->op->command, d->delay_s, d->max_attempts);
}

void acg_cli_print_wait_help(FILE *f, const struct acg_cli_app *prog)
{
    fprintf(f, "NAME\n    wait\n\nDESCRIPTION\n");
    wrap(f, 4, "Wait until a particular condition is satisfied. Each subcommand polls an API "
               "until the listed requirement is met.");
    fprintf(f, "\nSYNOPSIS\n    %s wait <subcommand> [parameters]\n\nAVAILABLE COMMANDS\n",
            prog->name);
    for (size_t i = 0; i < prog->waiter_count; i++) {
        char text[1024];
        fprintf(f, "    o %s\n", prog->waiters[i].command);
        waiter_description(&prog->waiters[i], text, sizeof text);
        wrap(f, 8, text);
    }
}

void acg_cli_print_waiter_help(FILE *f, const struct acg_cli_app *prog,
                               const struct acg_cli_waiter *w)
{
    char text[1024], command[256];
    waiter_description(w, text, sizeof text);
    snprintf(command, sizeof command, "wait %s", w->command);
    print_command_help(f, prog, w->op, command, text);
}
