/* Help text for generated programs: usage lines, `PROG help` and `PROG OP help`.
 *
 * The layout follows the AWS CLI's help pages (NAME, DESCRIPTION, SYNOPSIS, OPTIONS, GLOBAL
 * OPTIONS), as plain text wrapped at 80 columns instead of a man page. Documentation comes
 * from the model as plain text; a newline in it is kept as a line break, and words longer
 * than a line (regular expressions, ARNs) are printed whole rather than split. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/acg_cli.h"
#include "acg_cli_private.h"
#include "acg_shorthand.h"

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

static void print_option(FILE *f, int id);

static void print_global_options(FILE *f)
{
    fputs("GLOBAL OPTIONS\n", f);
    for (int i = 0; i < ACG_CLI_G_COUNT; i++)
        if (!acg_cli_globals[i].operation_option)
            print_option(f, i);
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
    case ACG_CLI_BOOLEAN: /* print_member names the two spellings itself */
        return "";
    case ACG_CLI_INTEGER:
        return "A decimal integer.";
    case ACG_CLI_FLOAT:
        return "A number, or NaN, Infinity or -Infinity.";
    case ACG_CLI_TIMESTAMP:
        return "Epoch seconds (1700000000) or ISO 8601 (2023-11-14T22:13:20Z).";
    case ACG_CLI_BLOB:
        return "The value's bytes, which are sent base64-encoded (AWS CLI v1's way); with "
               "--cli-binary-format base64, base64 text. fileb://PATH sends a file's raw bytes.";
    case ACG_CLI_JSON:
        return "";
    }
    return "";
}

/* ---- the AWS CLI's "Shorthand Syntax" examples (argprocess.ParamShorthandDocGen) ---- */

/* Deeper than this the AWS CLI gives up on an example (its TooComplexError). */
#define SHORTHAND_MAX_STACK 3

struct docgen {
    struct acg_buf *b;
    const char *stack[16];
    size_t depth;
    bool too_complex;
};

static const char *scalar_name(const struct acg_shape *s)
{
    static const char *const names[] = {
        [ACG_SHAPE_STRING] = "string",       [ACG_SHAPE_BOOLEAN] = "boolean",
        [ACG_SHAPE_INTEGER] = "integer",     [ACG_SHAPE_LONG] = "long",
        [ACG_SHAPE_FLOAT] = "float",         [ACG_SHAPE_DOUBLE] = "double",
        [ACG_SHAPE_TIMESTAMP] = "timestamp", [ACG_SHAPE_BLOB] = "blob",
        [ACG_SHAPE_DOCUMENT] = "structure",
    };
    return s->type < sizeof names / sizeof names[0] && names[s->type] ? names[s->type] : "string";
}

static bool is_composite(const struct acg_shape *s)
{
    return s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION ||
           s->type == ACG_SHAPE_LIST || s->type == ACG_SHAPE_MAP;
}

static bool document_only(const struct acg_shape *s)
{
    while (s != NULL && (s->type == ACG_SHAPE_LIST || s->type == ACG_SHAPE_MAP))
        s = s->type == ACG_SHAPE_LIST ? s->item : s->members[1].shape;
    return s != NULL && s->type == ACG_SHAPE_DOCUMENT;
}

/* Output that did not fit (the buffer's cap, or memory) drops the example. */
static void keep(struct docgen *g, int rc)
{
    if (rc != ACG_OK && g != NULL)
        g->too_complex = true;
}

static void push(struct docgen *g, const char *name)
{
    if (g->depth < sizeof g->stack / sizeof g->stack[0])
        g->stack[g->depth] = name;
    g->depth++;
}

static bool on_stack(const struct docgen *g, const char *name)
{
    for (size_t i = 0; i < g->depth && i < sizeof g->stack / sizeof g->stack[0]; i++) {
        if (strcmp(g->stack[i], name) == 0)
            return true;
    }
    return false;
}

static void docs(struct docgen *g, const struct acg_shape *s);

static void structure_docs(struct docgen *g, const struct acg_shape *s)
{
    bool nested = g->depth > 0, first = true;
    if (nested)
        keep(g, acg_buf_append_char(g->b, '{'));
    for (size_t i = 0; i < s->member_count && !g->too_complex; i++) {
        const struct acg_member *m = &s->members[i];
        if (document_only(m->shape))
            continue;
        keep(g, acg_buf_append_str(g->b, first ? "" : ","));
        first = false;
        /* The AWS CLI writes the recursion note without the member's name. */
        if (on_stack(g, m->shape->name)) {
            keep(g, acg_buf_append_str(g->b, "( ... recursive ... )"));
            continue;
        }
        keep(g, acg_buf_printf(g->b, "%s=", m->name));
        push(g, m->shape->name);
        docs(g, m->shape);
        g->depth--;
    }
    if (nested)
        keep(g, acg_buf_append_char(g->b, '}'));
}

/* The example of an element or value shape s, written apart and taken off the buffer: a
 * heap string, or NULL when memory ran out. */
static char *element_docs(struct docgen *g, const struct acg_shape *s)
{
    size_t start = g->b->len;
    push(g, s->name);
    docs(g, s);
    g->depth--;
    size_t len = g->b->len - start;
    char *out = malloc(len + 1);
    if (out == NULL) {
        g->too_complex = true;
        return NULL;
    }
    if (len > 0)
        memcpy(out, g->b->data + start, len);
    out[len] = '\0';
    g->b->len = start;
    return out;
}

static void list_docs(struct docgen *g, const struct acg_shape *s)
{
    char *elem = element_docs(g, s->item);
    bool brackets = is_composite(s->item) || g->depth > 1;
    if (elem != NULL)
        keep(g, acg_buf_printf(g->b, brackets ? "[%s,%s]" : "%s,%s", elem, elem));
    free(elem);
}

static void map_docs(struct docgen *g, const struct acg_shape *s)
{
    const struct acg_shape *key = s->members[0].shape;
    char *v = element_docs(g, s->members[1].shape);
    if (v == NULL)
        return;
    bool nested = g->depth > 0;
    keep(g, acg_buf_printf(g->b, nested ? "{KeyName1=%s,KeyName2=%s}" : "KeyName1=%s,KeyName2=%s",
                         v, v));
    free(v);
    if (!nested && key->enum_count > 0) {
        keep(g, acg_buf_append_str(g->b, "\n\nWhere valid key names are:\n"));
        for (size_t i = 0; i < key->enum_count; i++)
            keep(g, acg_buf_printf(g->b, "  %s\n", key->enum_values[i]));
    }
}

static void docs(struct docgen *g, const struct acg_shape *s)
{
    if (g->depth > SHORTHAND_MAX_STACK) {
        g->too_complex = true;
        return;
    }
    if (s->type == ACG_SHAPE_STRUCTURE || s->type == ACG_SHAPE_UNION)
        structure_docs(g, s);
    else if (s->type == ACG_SHAPE_LIST)
        list_docs(g, s);
    else if (s->type == ACG_SHAPE_MAP)
        map_docs(g, s);
    else
        keep(g, acg_buf_append_str(g->b, scalar_name(s)));
}

/* Prints one line of an example broken after commas so it fits the page. */
static void print_example_line(FILE *f, const char *line, size_t len)
{
    const size_t room = WIDTH - 12;
    while (len > room) {
        size_t cut = room;
        while (cut > 0 && line[cut - 1] != ',')
            cut--;
        /* A piece longer than a line is printed whole, up to its comma. */
        for (cut = cut > 0 ? cut : room; cut < len && line[cut - 1] != ','; cut++)
            ;
        if (cut >= len)
            break;
        fprintf(f, "            %.*s\n", (int)cut, line);
        line += cut;
        len -= cut;
    }
    fprintf(f, "            %.*s\n", (int)len, line);
}

static void print_block(FILE *f, const char *title, const char *text)
{
    fprintf(f, "        %s:\n\n", title);
    while (*text != '\0') {
        size_t n = strcspn(text, "\n");
        if (n > 0)
            print_example_line(f, text, n);
        else
            fputc('\n', f);
        text += n;
        if (*text == '\n')
            text++;
    }
    fputc('\n', f);
}

/* "Shorthand Syntax:" for options that take it, "Syntax:" for lists of plain values. */
static void print_syntax(FILE *f, const struct acg_cli_member *m)
{
    const struct acg_shape *s = m->desc->shape;
    struct acg_buf b;
    acg_buf_init(&b, (size_t)64 * 1024);
    if (s->type == ACG_SHAPE_LIST && !is_composite(s->item) &&
        s->item->type != ACG_SHAPE_DOCUMENT) {
        const char *t = s->item->type == ACG_SHAPE_STRING ? "\"string\""
                        : s->item->type == ACG_SHAPE_BOOLEAN ? "true|false" : scalar_name(s->item);
        keep(NULL, acg_buf_printf(&b, "%s %s ...", t, t));
        for (size_t i = 0; i < s->item->enum_count; i++)
            keep(NULL, acg_buf_printf(&b, "%s    %s",
                                      i == 0 ? "\n\nWhere valid values are:\n" : "\n",
                                      s->item->enum_values[i]));
        print_block(f, "Syntax", b.data != NULL ? b.data : "");
        acg_buf_free(&b);
        return;
    }
    bool value_only = s->type == ACG_SHAPE_STRUCTURE && s->member_count == 1 &&
                      strcmp(s->members[0].name, "Value") == 0 &&
                      s->members[0].shape->type == ACG_SHAPE_STRING;
    if (acg_shorthand_supported(s) && !value_only) {
        struct docgen g;
        memset(&g, 0, sizeof g);
        g.b = &b;
        docs(&g, s->type == ACG_SHAPE_LIST ? s->item : s);
        if (s->type == ACG_SHAPE_LIST)
            keep(NULL, acg_buf_append_str(&b, " ..."));
        if (!g.too_complex && b.data != NULL)
            print_block(f, "Shorthand Syntax", b.data);
    }
    acg_buf_free(&b);
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
    if (!shadowed && m->kind == ACG_CLI_JSON)
        print_syntax(f, m);
}

static void print_option(FILE *f, int id)
{
    fprintf(f, "    --%s (%s)\n", acg_cli_globals[id].name, acg_cli_globals[id].type_name);
    wrap(f, 8, acg_cli_globals[id].help);
    fputc('\n', f);
}

/* Whether an option of the paging or waiting kind belongs on this command's page: the
 * paging ones on a paginated operation's (--page-size only with a limit key), the waiter
 * ones on a waiter's. */
static bool offered_here(const struct acg_cli_operation *op, bool waiting, int id)
{
    switch (acg_cli_globals[id].scope) {
    case ACG_CLI_PAGED_ONLY:
        return !waiting && op->pageable && (id != ACG_CLI_G_PAGE_SIZE || op->has_limit_key);
    case ACG_CLI_WAIT_ONLY:
        return waiting;
    default:
        return false;
    }
}

/* A member the paginator drives (an input token or the limit key). */
static bool is_paging_member(const struct acg_cli_operation *op, const struct acg_cli_member *m)
{
    const struct acg_paginator *p = op->desc->paginator;
    const char *name = m->json_name;
    if (p == NULL)
        return false;
    for (size_t i = 0; i < p->token_count; i++)
        if (strcmp(p->input_tokens[i], name) == 0)
            return true;
    return p->limit_key != NULL && strcmp(p->limit_key, name) == 0;
}

/* The AWS CLI's paragraph on a paginated operation's page. */
static void paging_note(FILE *f, const struct acg_cli_operation *op, const char *command)
{
    const struct acg_paginator *p = op->desc->paginator;
    char text[1024];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "%s is a paginated operation. Multiple API calls may be "
                                "issued in order to retrieve the entire data set of results. "
                                "You can disable pagination by providing the --no-paginate "
                                "argument.", command);
    for (size_t i = 0; i < p->result_key_count && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
                              i == 0 ? " When using --output text and the --query argument on "
                                       "a paginated response, the --query argument must "
                                       "extract data from the results of the following query "
                                       "expressions: " : ", ", p->result_keys[i]);
    wrap(f, 4, text);
    fputc('\n', f);
}

/* The options after the members on a command's page, in the synopsis's order, and how
 * option values are written. */
static void print_input_options(FILE *f, const struct acg_cli_operation *op, bool waiting)
{
    print_option(f, ACG_CLI_G_CLI_INPUT_JSON);
    for (int id = 0; id < ACG_CLI_G_COUNT; id++)
        if (offered_here(op, waiting, id))
            print_option(f, id);
    if (!op->streams_output)
        print_option(f, ACG_CLI_G_GENERATE_CLI_SKELETON);
    if (op->streams_output && !waiting) {
        fputs("    outfile (string)\n", f);
        wrap(f, 8, "Filename where the content will be saved: the response's body is written "
                   "there as it arrives, and the other members of the output are printed.");
        fputc('\n', f);
    }
    wrap(f, 4, "Structures, maps and lists of them take the AWS CLI's shorthand syntax "
               "(Name=value,Other={Key=value},List=[a,b]) or JSON text; a list option takes "
               "several values, one argv word each. Any value may be read from a file, "
               "--OPTION file://PATH (text) or fileb://PATH (bytes), or fetched from an "
               "http:// or https:// URL, as AWS CLI v1 does (the profile setting "
               "cli_follow_urlparam = false turns that off); inside shorthand, key@=file://PATH "
               "reads one value from a file. Required options may be left out when "
               "--cli-input-json gives those members. --generate-cli-skeleton [input|output] "
               "prints a JSON skeleton of the input (for --cli-input-json) or the output.");
    fputc('\n', f);
}

/* An operation's page, or a waiter's (command "wait NAME", its own description). */
static void print_command_help(FILE *f, const struct acg_cli_app *prog,
                               const struct acg_cli_operation *op, const char *command,
                               const char *description, bool waiting)
{
    bool paged = !waiting && op->pageable;
    fprintf(f, "NAME\n    %s\n\n", command);
    fputs("DESCRIPTION\n", f);
    if (description != NULL && description[0] != '\0')
        wrap(f, 4, description);
    else
        fprintf(f, "    Calls the %s operation.\n", op->name);
    fputc('\n', f);
    if (paged)
        paging_note(f, op, command);

    fputs("SYNOPSIS\n", f);
    fprintf(f, "    %s %s\n", prog->name, command);
    for (size_t i = 0; i < op->member_count; i++) {
        const struct acg_cli_member *m = &op->members[i];
        if (acg_cli_find_global(m->option, strlen(m->option)) >= 0)
            continue; /* reachable through --cli-input-json only; OPTIONS says so */
        if (paged && is_paging_member(op, m))
            continue; /* the AWS CLI hides them behind its own paging options */
        if (m->kind == ACG_CLI_BOOLEAN)
            fprintf(f, m->required ? "        --%s | --no-%s\n" : "        [--%s | --no-%s]\n",
                    m->option, m->option);
        else
            fprintf(f, m->required ? "        --%s <value>\n" : "        [--%s <value>]\n",
                    m->option);
    }
    fputs("        [--cli-input-json <value>]\n", f);
    for (int id = 0; id < ACG_CLI_G_COUNT; id++)
        if (offered_here(op, waiting, id))
            fprintf(f, "        [--%s <value>]\n", acg_cli_globals[id].name);
    /* A download takes an outfile and, as in the AWS CLI, no skeleton option. */
    if (op->streams_output && !waiting)
        fputs("        <outfile>\n", f);
    if (!op->streams_output)
        fputs("        [--generate-cli-skeleton <value>]\n", f);
    fputs("        [global options]\n\n", f);

    fputs("OPTIONS\n", f);
    for (size_t i = 0; i < op->member_count; i++)
        if (!paged || !is_paging_member(op, &op->members[i]))
            print_member(f, &op->members[i]);
    print_input_options(f, op, waiting);

    print_global_options(f);
}

void acg_cli_print_operation_help(FILE *f, const struct acg_cli_app *prog,
                                  const struct acg_cli_operation *op)
{
    print_command_help(f, prog, op, op->command, op->doc, false);
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
    print_command_help(f, prog, w->op, command, text, true);
}
