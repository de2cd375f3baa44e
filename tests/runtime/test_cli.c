/* Tests for the command-line layer (cli/acg_cli*.c) driven by descriptor tables.
 *
 * acg_cli_main runs in-process on a hand-written program: a small "Thing" service described
 * by the tables of shape/acg_service.h, whose endpoint is a loopback server
 * (tests/servers/http_server.py, started here) that records every request and answers with
 * whatever the test row scripts (output, service errors, malformed bodies). stdout and stderr
 * are redirected to temporary files around each call, so every row checks the exit status,
 * what was printed where, and what reached the service: a request that fails on the command
 * line, in decoding or in validation must never be sent. The merged --cli-input-json text
 * the program builds before decoding is checked on its own (acg_cli_build_input).
 *
 * Credentials and region come from the environment (set in main), and the shared config
 * files point nowhere. The server recomputes each request's SigV4 signature with botocore. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../../cli/acg_cli_private.h"
#include "cli/acg_cli.h"
#include "json/acg_json.h"
#include "harness.h"
#include "servers/http_ctl.h"

/* http_server.py's default credentials, so it can check the signature. */
#define ACCESS_KEY "AKIDEXAMPLE"
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static struct http_srv srv;
static char closed_url[64];   /* a port nobody listens on */

/* ---- the Thing service's tables ---- */

struct config {
    const char *key;
    size_t k_count;
    struct acg_timestamp *k;
};

struct do_thing_request {
    struct acg_arena *arena_;
    const char *name;
    bool has_count;
    int64_t count;
    bool has_size;
    int32_t size;
    bool has_ratio;
    double ratio;
    bool has_enabled;
    bool enabled;
    bool has_when;
    struct acg_timestamp when;
    struct acg_blob data;
    struct config *config;
    const char *region;
    const char *note;
    const char *extra;
};

struct do_thing_response {
    struct acg_arena *arena_;
    const char *state;
    const char *secret;
};

struct list_things_response {
    struct acg_arena *arena_;
    const char *state;
    bool has_a;
    int32_t a;
};

static struct acg_pattern name_pattern = ACG_PATTERN_INIT("^[a-z]+$");

static const struct acg_shape name_shape = {
    .name = "Name", .type = ACG_SHAPE_STRING, .flags = ACG_SHAPE_HAS_MIN | ACG_SHAPE_HAS_MAX,
    .min = 1, .max = 10, .pattern = &name_pattern,
};
static const struct acg_shape size_shape = {
    .name = "Size", .type = ACG_SHAPE_INTEGER, .flags = ACG_SHAPE_HAS_MIN | ACG_SHAPE_HAS_MAX,
    .min = 0, .max = 100,
};
static const struct acg_shape key_shape = {
    .name = "Key", .type = ACG_SHAPE_STRING, .flags = ACG_SHAPE_HAS_MIN, .min = 1,
};
static const struct acg_shape secret_shape = {
    .name = "Secret", .type = ACG_SHAPE_STRING, .flags = ACG_SHAPE_SENSITIVE,
};
static const struct acg_shape times_shape = {
    .name = "Times", .type = ACG_SHAPE_LIST, .flags = ACG_SHAPE_HAS_MIN, .min = 1,
    .item = &acg_shape_timestamp, .item_size = sizeof(struct acg_timestamp),
};

#define T struct config
static const struct acg_member config_members[] = {
    { .name = "key", .shape = &key_shape, .offset = offsetof(T, key),
      .flags = ACG_MEMBER_REQUIRED },
    { .name = "k", .shape = &times_shape, .offset = offsetof(T, k_count) },
};
#undef T
static const struct acg_shape config_shape = {
    .name = "Config", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct config),
    .members = config_members, .member_count = 2,
};

#define T struct do_thing_request
static const struct acg_member do_thing_members[] = {
    { .name = "name", .shape = &name_shape, .offset = offsetof(T, name),
      .flags = ACG_MEMBER_REQUIRED },
    { .name = "count", .shape = &acg_shape_long, .offset = offsetof(T, count),
      .has_offset = offsetof(T, has_count) },
    { .name = "size", .shape = &size_shape, .offset = offsetof(T, size),
      .has_offset = offsetof(T, has_size) },
    { .name = "ratio", .shape = &acg_shape_double, .offset = offsetof(T, ratio),
      .has_offset = offsetof(T, has_ratio) },
    { .name = "enabled", .shape = &acg_shape_boolean, .offset = offsetof(T, enabled),
      .has_offset = offsetof(T, has_enabled) },
    { .name = "when", .shape = &acg_shape_timestamp, .offset = offsetof(T, when),
      .has_offset = offsetof(T, has_when) },
    { .name = "data", .shape = &acg_shape_blob, .offset = offsetof(T, data) },
    { .name = "config", .shape = &config_shape, .offset = offsetof(T, config) },
    { .name = "region", .shape = &acg_shape_string, .offset = offsetof(T, region) },
    { .name = "note", .shape = &acg_shape_string, .offset = offsetof(T, note) },
    { .name = "extra", .shape = &acg_shape_document, .offset = offsetof(T, extra) },
};
#undef T
static const struct acg_shape do_thing_input = {
    .name = "DoThingRequest", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct do_thing_request), .members = do_thing_members,
    .member_count = sizeof do_thing_members / sizeof do_thing_members[0],
};

#define T struct do_thing_response
static const struct acg_member do_thing_out_members[] = {
    { .name = "state", .shape = &acg_shape_string, .offset = offsetof(T, state) },
    { .name = "secret", .shape = &secret_shape, .offset = offsetof(T, secret) },
};
#undef T
static const struct acg_shape do_thing_output = {
    .name = "DoThingResponse", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct do_thing_response), .members = do_thing_out_members,
    .member_count = 2,
};

#define T struct list_things_response
static const struct acg_member list_things_out_members[] = {
    { .name = "state", .shape = &acg_shape_string, .offset = offsetof(T, state) },
    { .name = "a", .shape = &acg_shape_integer, .offset = offsetof(T, a),
      .has_offset = offsetof(T, has_a) },
};
#undef T
static const struct acg_shape list_things_output = {
    .name = "ListThingsResponse", .type = ACG_SHAPE_STRUCTURE, .flags = ACG_SHAPE_TOP_LEVEL,
    .size = sizeof(struct list_things_response), .members = list_things_out_members,
    .member_count = 2,
};

static const struct acg_operation do_thing = {
    .name = "DoThing", .input = &do_thing_input, .output = &do_thing_output,
    .http_method = "POST", .request_uri = "/",
};
static const struct acg_operation list_things = {
    .name = "ListThings", .output = &list_things_output, .http_method = "POST",
    .request_uri = "/",
};
/* A name so long that the X-Amz-Target header cannot hold it: the request cannot be built,
 * which is the input's fault (nothing has been sent). */
#define LONG_NAME                                                                            \
    "Refuse"                                                                                 \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
static const struct acg_operation refuse = {
    .name = LONG_NAME, .http_method = "POST", .request_uri = "/",
};
static const struct acg_operation watch_things = {
    .name = "WatchThings", .http_method = "POST", .request_uri = "/",
    .flags = ACG_OP_EVENT_STREAM,
};
static const struct acg_operation *const thing_operations[] = {
    &do_thing, &list_things, &refuse, &watch_things,
};

/* The loopback server, except for the rules' own error and a region whose endpoint is a
 * closed port (transport failures). --endpoint-url is otherwise ignored, as the row's
 * requests must reach the recording server. */
static int fake_resolve(const struct acg_endpoint_params *params, struct acg_endpoint *out,
                        struct acg_error *err)
{
    memset(out, 0, sizeof *out);
    if (params->builtins.use_fips && params->builtins.endpoint != NULL)
        return acg_error_set(err, ACG_ERR_ENDPOINT,
                             "Invalid Configuration: FIPS and custom endpoint are not supported");
    if (params->builtins.region != NULL && strcmp(params->builtins.region, "closed-1") == 0)
        snprintf(out->url, sizeof out->url, "%s", closed_url);
    else
        snprintf(out->url, sizeof out->url, "http://127.0.0.1:%d", srv.port);
    return ACG_OK;
}

static const struct acg_service fake_service = {
    .service_id = "Thing", .signing_name = "thing", .endpoint_prefix = "thing",
    .target_prefix = "ThingService", .json_version = "1.1", .api_version = "2024-01-01",
    .protocol = ACG_PROTOCOL_JSON, .codec = &acg_codec_json, .resolve_endpoint = fake_resolve,
    .operations = thing_operations,
    .operation_count = sizeof thing_operations / sizeof thing_operations[0],
};

static const char *const do_thing_docs[] = {
    ("The name of the thing. Names are unique within an account and a region, and they are "
     "used in every other operation that refers to the thing."),
    "How many.", "How big.", "A ratio.", "Whether it is on.", "When.", "Bytes.",
    "Nested settings.", "A member named like a global.", "A note.", "Anything.",
};

static const struct acg_cli_command commands[] = {
    { "DoThing", "Does the thing. It does it well.", do_thing_docs },
    { "ListThings", "Lists things.", NULL },
    { LONG_NAME, "Cannot be sent.", NULL },
    { "WatchThings", "Streams things.", NULL },
};

static const struct acg_cli_program program = {
    .name = "thing",
    .doc = "The Thing service keeps things.",
    .service = &fake_service,
    .commands = commands,
};

/* ---- what reached the service ---- */

static int sent_count;        /* requests the server saw in the last run */
static char *sent_body;       /* the body of the first of them */
static bool sent_sig_ok;      /* botocore recomputed every one's signature */

static char *copy_text(const char *s, size_t len)
{
    char *c = malloc(len + 1);
    if (c != NULL) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

/* Reads the server's record of request i: its body (malloc'd) and whether the signature
 * checked out. */
static int server_request(int i, char **body, bool *sig_ok)
{
    const char *line = http_srv_req(&srv, i);
    struct acg_json_reader r;
    struct acg_arena *a = acg_arena_new();
    int rc = line != NULL && a != NULL ? acg_json_reader_parse(&r, line, strlen(line), a, NULL)
                                       : ACG_ERR_INVALID_ARG;
    *body = NULL;
    *sig_ok = false;
    if (rc == ACG_OK && acg_json_object_begin(&r, 0) == ACG_OK) {
        for (int k = acg_json_object_next(&r, 0, 0); k > 0; k = acg_json_object_next(&r, 0, k)) {
            const char *text = NULL;
            if (acg_json_key_is(&r, k, "body") && acg_json_read_string(&r, k + 1, &text) == ACG_OK &&
                text != NULL)
                *body = copy_text(text, strlen(text));
            else if (acg_json_key_is(&r, k, "sig_ok") &&
                     acg_json_read_bool(&r, k + 1, sig_ok, NULL) != ACG_OK)
                *sig_ok = false;
        }
    }
    if (line != NULL)
        acg_json_reader_free(&r);
    acg_arena_destroy(a);
    return *body != NULL ? 0 : -1;
}

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

#define OK_REPLY "[{\"body\": \"{\\\"state\\\": \\\"ACTIVE\\\"}\"}]"

/* Runs the program with argv (NULL-terminated, program name first) against the server
 * answering with script (NULL: {"state": "ACTIVE"}), and keeps what it printed in cap_out
 * and cap_err and what was sent in sent_*. Returns the exit status, or -1 if capturing
 * failed. */
static int run_script(const char *const *args, const char *script)
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
    free(sent_body);
    cap_out = cap_err = sent_body = NULL;
    sent_count = 0;
    sent_sig_ok = false;
    http_srv_reset(&srv);
    if (http_srv_script(&srv, script != NULL ? script : OK_REPLY) != 0)
        return -1;

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

    int conns = 0;
    if (http_srv_count(&srv, &conns, &sent_count) != 0)
        return -1;
    sent_sig_ok = true;
    for (int i = 0; i < sent_count; i++) {
        char *body = NULL;
        bool ok = false;
        if (server_request(i, &body, &ok) != 0)
            return -1;
        sent_sig_ok = sent_sig_ok && ok;
        if (i == 0)
            sent_body = body;
        else
            free(body);
    }
    return cap_out != NULL && cap_err != NULL ? status : -1;
}

static int run_cli(const char *const *args)
{
    return run_script(args, NULL);
}

/* Applies "NAME=value" (set) and "-NAME" (unset) entries separated by ';'. */
static void apply_env(const char *env)
{
    char buf[256];
    while (env != NULL && *env != '\0') {
        size_t len = strcspn(env, ";");
        snprintf(buf, sizeof buf, "%.*s", (int)len, env);
        if (buf[0] == '-') {
            unsetenv(buf + 1);
        } else {
            char *eq = strchr(buf, '=');
            if (eq != NULL) {
                *eq = '\0';
                setenv(buf, eq + 1, 1);
            }
        }
        env += len + (env[len] == ';');
    }
}

/* The offline, deterministic environment every row starts from. */
static void base_env(void)
{
    setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY, 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY, 1);
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("NO_PROXY", "*", 1);
    static const char *const unset[] = {
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN",
        "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_THING",
        "AWS_CA_BUNDLE", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
        "ALL_PROXY",
    };
    for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
        unsetenv(unset[i]);
}

/* ---- the bad-input and exit-status table ---- */

#define ARGS(...) ((const char *const[]){"thing", __VA_ARGS__, NULL})

struct row {
    const char *name;
    const char *const *argv;
    int status;
    const char *input;     /* exact body the service received; NULL: nothing may be sent */
    const char *out_has;   /* substring of stdout, or NULL */
    const char *err_has;   /* substring of stderr, or NULL */
    const char *err_lacks; /* must not appear in stderr (a value that may be secret) */
    const char *script;    /* the server's answers (http_server.py); NULL: OK_REPLY */
    const char *env;       /* for this row only: "NAME=value" or "-NAME", ';'-separated */
};

#define LONG_COMMAND                                                                         \
    "refuse"                                                                                 \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define OK_OUT "{\n    \"state\": \"ACTIVE\"\n}\n"
#define THROTTLED                                                                            \
    "{\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"ThrottlingException\\\", "           \
    "\\\"message\\\": \\\"Rate exceeded\\\"}\"}"

static const struct row rows[] = {
    /* help and usage */
    {"bare program: usage, 252", ARGS(NULL), 252, NULL, NULL,
     "the following arguments are required: operation", NULL, NULL, NULL},
    {"help lists commands", ARGS("help"), 0, NULL, "AVAILABLE COMMANDS", NULL, NULL, NULL, NULL},
    {"--help lists commands", ARGS("--help"), 0, NULL, "o list-things", NULL, NULL, NULL, NULL},
    {"operation help names options", ARGS("do-thing", "help"), 0, NULL,
     "--name (string) [required]", NULL, NULL, NULL, NULL},
    {"operation help: constraints", ARGS("do-thing", "help"), 0, NULL,
     "Constraints: length 1..10, pattern ^[a-z]+$", NULL, NULL, NULL, NULL},
    {"operation help: shorthand example", ARGS("do-thing", "help"), 0, NULL,
     "        Shorthand Syntax:\n\n            key=string,k=timestamp,timestamp\n", NULL, NULL,
     NULL, NULL},
    {"operation help: skeleton option", ARGS("do-thing", "help"), 0, NULL,
     "    --generate-cli-skeleton (string)\n", NULL, NULL, NULL, NULL},
    {"operation help: booleans", ARGS("do-thing", "help"), 0, NULL,
     "--enabled | --no-enabled (boolean)", NULL, NULL, NULL, NULL},
    {"operation help: global options", ARGS("do-thing", "help"), 0, NULL,
     "--cli-read-timeout (integer)", NULL, NULL, NULL, NULL},
    {"operation help: shadowed member", ARGS("do-thing", "--help"), 0, NULL,
     "The global option --region takes this name", NULL, NULL, NULL, NULL},
    {"help OP", ARGS("help", "do-thing"), 0, NULL, "thing do-thing\n        --name <value>", NULL,
     NULL, NULL, NULL},
    {"--no-paginate documented as ignored", ARGS("help"), 0, NULL, "--no-paginate (boolean)",
     NULL, NULL, NULL, NULL},
    {"--version", ARGS("--version"), 0, NULL, "acg-cli/", NULL, NULL, NULL, NULL},
    {"unknown command", ARGS("do-things"), 252, NULL, NULL,
     "thing: error: argument operation: Invalid choice, valid choices are:", NULL, NULL, NULL},
    {"member option before the command", ARGS("--name", "a", "do-thing"), 252, NULL, NULL,
     "Invalid choice", NULL, NULL, NULL},

    /* member options */
    {"string option", ARGS("do-thing", "--name", "abc"), 0, "{\"name\":\"abc\"}", OK_OUT, NULL,
     NULL, NULL, NULL},
    {"--opt=value", ARGS("do-thing", "--name=abc", "--note=a=b"), 0,
     "{\"name\":\"abc\",\"note\":\"a=b\"}", NULL, NULL, NULL, NULL, NULL},
    {"escapes in a string", ARGS("do-thing", "--name", "a", "--note", "q\"\\\n\x01"), 0,
     "{\"name\":\"a\",\"note\":\"q\\\"\\\\\\n\\u0001\"}", NULL, NULL, NULL, NULL, NULL},
    {"globals before and after", ARGS("--region", "eu-west-1", "do-thing", "--name", "a",
                                      "--output", "json", "--debug"), 0, "{\"name\":\"a\"}",
     NULL, NULL, NULL, NULL, NULL},
    {"integer", ARGS("do-thing", "--name", "a", "--count", "-42"), 0,
     "{\"name\":\"a\",\"count\":-42}", NULL, NULL, NULL, NULL, NULL},
    {"integer int64 min", ARGS("do-thing", "--name", "a", "--count", "-9223372036854775808"), 0,
     "{\"name\":\"a\",\"count\":-9223372036854775808}", NULL, NULL, NULL, NULL, NULL},
    {"integer out of range", ARGS("do-thing", "--name", "a", "--count", "9223372036854775808"),
     252, NULL, NULL, "Error parsing parameter '--count': expected a decimal integer", NULL,
     NULL, NULL},
    {"integer not a number", ARGS("do-thing", "--name", "a", "--count", "12x"), 252, NULL, NULL,
     "'--count'", "12x", NULL, NULL},
    {"integer with fraction", ARGS("do-thing", "--name", "a", "--count", "1.5"), 252, NULL, NULL,
     "'--count'", NULL, NULL, NULL},
    {"float", ARGS("do-thing", "--name", "a", "--ratio", "0.25"), 0,
     "{\"name\":\"a\",\"ratio\":0.25}", NULL, NULL, NULL, NULL, NULL},
    {"float NaN", ARGS("do-thing", "--name", "a", "--ratio", "NaN"), 0,
     "{\"name\":\"a\",\"ratio\":\"NaN\"}", NULL, NULL, NULL, NULL, NULL},
    {"float -Infinity", ARGS("do-thing", "--name", "a", "--ratio", "-Infinity"), 0,
     "{\"name\":\"a\",\"ratio\":\"-Infinity\"}", NULL, NULL, NULL, NULL, NULL},
    {"float overflow is Infinity", ARGS("do-thing", "--name", "a", "--ratio", "1e999"), 0,
     "{\"name\":\"a\",\"ratio\":\"Infinity\"}", NULL, NULL, NULL, NULL, NULL},
    {"float hex refused", ARGS("do-thing", "--name", "a", "--ratio", "0x10"), 252, NULL, NULL,
     "'--ratio': expected a number, NaN, Infinity or -Infinity", NULL, NULL, NULL},
    {"boolean bare", ARGS("do-thing", "--name", "a", "--enabled"), 0,
     "{\"name\":\"a\",\"enabled\":true}", NULL, NULL, NULL, NULL, NULL},
    {"boolean --no-", ARGS("do-thing", "--no-enabled", "--name", "a"), 0,
     "{\"name\":\"a\",\"enabled\":false}", NULL, NULL, NULL, NULL, NULL},
    {"boolean explicit false", ARGS("do-thing", "--name", "a", "--enabled", "false"), 0,
     "{\"name\":\"a\",\"enabled\":false}", NULL, NULL, NULL, NULL, NULL},
    {"boolean bad value", ARGS("do-thing", "--name", "a", "--enabled=maybe"), 252, NULL, NULL,
     "'--enabled': expected true or false", NULL, NULL, NULL},
    {"boolean both forms", ARGS("do-thing", "--name", "a", "--enabled", "--no-enabled"), 252,
     NULL, NULL, "more than once", NULL, NULL, NULL},
    /* botocore sends unixTimestamp as whole seconds (int(calendar.timegm(...))). */
    {"timestamp epoch", ARGS("do-thing", "--name", "a", "--when", "1700000000"), 0,
     "{\"name\":\"a\",\"when\":1700000000}", NULL, NULL, NULL, NULL, NULL},
    {"timestamp ISO 8601 with a fraction: whole seconds",
     ARGS("do-thing", "--name", "a", "--when", "2023-11-14T22:13:20.5Z"), 0,
     "{\"name\":\"a\",\"when\":1700000000}", NULL, NULL, NULL, NULL, NULL},
    {"timestamp offset", ARGS("do-thing", "--name", "a", "--when", "2023-11-15T00:13:20+02:00"),
     0, "{\"name\":\"a\",\"when\":1700000000}", NULL, NULL, NULL, NULL, NULL},
    {"timestamp before 1970", ARGS("do-thing", "--name", "a", "--when", "1969-12-31T23:59:59.5Z"),
     0, "{\"name\":\"a\",\"when\":-1}", NULL, NULL, NULL, NULL, NULL},
    {"timestamp bad", ARGS("do-thing", "--name", "a", "--when", "yesterday"), 252, NULL, NULL,
     "Error parsing parameter '--when': expected a timestamp", "yesterday", NULL, NULL},
    {"blob base64", ARGS("do-thing", "--name", "a", "--data", "aGVsbG8=", "--cli-binary-format",
                         "base64"), 0,
     "{\"name\":\"a\",\"data\":\"aGVsbG8=\"}", NULL, NULL, NULL, NULL, NULL},
    {"blob raw by default (AWS CLI v1)", ARGS("do-thing", "--name", "a", "--data", "hello"), 0,
     "{\"name\":\"a\",\"data\":\"aGVsbG8=\"}", NULL, NULL, NULL, NULL, NULL},
    {"blob raw asked for", ARGS("do-thing", "--name", "a", "--data", "hello",
                                "--cli-binary-format", "raw-in-base64-out"), 0,
     "{\"name\":\"a\",\"data\":\"aGVsbG8=\"}", NULL, NULL, NULL, NULL, NULL},
    {"binary format unknown", ARGS("do-thing", "--name", "a", "--cli-binary-format", "hex"), 252,
     NULL, NULL, "--cli-binary-format must be base64 or raw-in-base64-out", NULL, NULL, NULL},
    {"blob empty", ARGS("do-thing", "--name", "a", "--data", ""), 0,
     "{\"name\":\"a\",\"data\":\"\"}", NULL, NULL, NULL, NULL, NULL},
    {"blob bad base64", ARGS("do-thing", "--name", "a", "--data", "hello!", "--cli-binary-format",
                             "base64"), 252, NULL, NULL,
     "'--data': expected base64 text", "hello!", NULL, NULL},
    {"json option", ARGS("do-thing", "--name", "a", "--extra", " {\"a\": [1, 2.50, null]} "), 0,
     "{\"name\":\"a\",\"extra\":{\"a\":[1,2.50,null]}}", NULL, NULL, NULL, NULL, NULL},
    {"json option, a structure", ARGS("do-thing", "--name", "a", "--config",
                                      "{\"k\": [1700000000, \"2023-11-14T22:13:20Z\"], "
                                      "\"key\": \"v\", \"unknown\": 1}"), 0,
     "{\"name\":\"a\",\"config\":{\"key\":\"v\",\"k\":[1700000000,1700000000]}}", NULL, NULL,
     NULL, NULL, NULL},
    {"json option malformed", ARGS("do-thing", "--name", "a", "--config", "{\"a\":"), 252, NULL,
     NULL, "Error parsing parameter '--config': Invalid JSON", NULL, NULL, NULL},
    {"structure shorthand", ARGS("do-thing", "--name", "a", "--config", "key=v,k=[1700000000]"),
     0, "{\"name\":\"a\",\"config\":{\"key\":\"v\",\"k\":[1700000000]}}", NULL, NULL, NULL,
     NULL, NULL},
    {"structure shorthand, unknown members", ARGS("do-thing", "--name", "a", "--config",
                                                  "a=1,b=2"), 252, NULL,
     NULL, "Missing required parameter in input: \"config.key\"", NULL, NULL, NULL},
    {"structure shorthand empty", ARGS("do-thing", "--name", "a", "--config", ""), 252, NULL, NULL,
     "'--config': Expected: '=', received: 'EOF' for input:\n\n^\n", NULL, NULL, NULL},
    {"invalid UTF-8 in a string", ARGS("do-thing", "--name", "ab\xff"), 252, NULL, NULL,
     "'--name': the value is not valid UTF-8", NULL, NULL, NULL},
    {"invalid UTF-8 in JSON", ARGS("do-thing", "--name", "a", "--config", "{\"a\":\"\xc3\"}"),
     252, NULL, NULL, "'--config'", NULL, NULL, NULL},

    /* option errors */
    {"unknown option", ARGS("do-thing", "--name", "a", "--foo"), 252, NULL, NULL,
     "thing: error: Unknown options: --foo", NULL, NULL, NULL},
    {"unknown option value not echoed", ARGS("do-thing", "--name", "a", "--pasword=hunter2"), 252,
     NULL, NULL, "Unknown options: --pasword", "hunter2", NULL, NULL},
    {"unknown option and its value", ARGS("do-thing", "--name", "a", "--pasword", "hunter2"), 252,
     NULL, NULL, "Unknown options: --pasword, and 1 unexpected argument", "hunter2", NULL, NULL},
    {"many unknown options", ARGS("do-thing", "--a1", "--a2", "--a3", "--a4", "--a5", "--a6",
                                  "--a7", "--a8", "--a9", "--b1", "--b2", "--b3", "--b4", "--b5",
                                  "--b6", "--b7", "--b8", "--b9"), 252, NULL, NULL,
     "Unknown options: --a1, --a2, --a3, --a4, --a5, --a6, --a7, --a8, --a9, --b1, --b2, --b3, "
     "--b4, --b5, --b6, --b7, (2 more)\n", NULL, NULL, NULL},
    {"stray argument", ARGS("do-thing", "extra", "--name", "a"), 252, NULL, NULL,
     "1 unexpected argument", "extra", NULL, NULL},
    {"missing value at end", ARGS("do-thing", "--name"), 252, NULL, NULL,
     "argument --name: expected one argument", NULL, NULL, NULL},
    {"missing value before option", ARGS("do-thing", "--name", "--count", "1"), 252, NULL, NULL,
     "argument --name: expected one argument", NULL, NULL, NULL},
    {"repeated option", ARGS("do-thing", "--name", "a", "--name", "b"), 252, NULL, NULL,
     "argument --name: was given more than once", NULL, NULL, NULL},
    {"repeated global", ARGS("do-thing", "--name", "a", "--region", "x", "--region", "y"), 252,
     NULL, NULL, "argument --region: was given more than once", NULL, NULL, NULL},
    {"required option missing", ARGS("do-thing", "--count", "1"), 252, NULL, NULL,
     "the following arguments are required: --name", NULL, NULL, NULL},
    {"flag with a value", ARGS("do-thing", "--name", "a", "--debug=yes"), 252, NULL, NULL,
     "argument --debug: takes no value", NULL, NULL, NULL},

    /* global options */
    {"--output json", ARGS("do-thing", "--name", "a", "--output", "json"), 0, "{\"name\":\"a\"}",
     OK_OUT, NULL, NULL, NULL, NULL},
    {"--output invalid", ARGS("do-thing", "--name", "a", "--output", "xml"), 252, NULL, NULL,
     "argument --output: Invalid choice, valid choices are:\n\n"
     "json                                     | text                                    \n"
     "table                                    | yaml                                    \n"
     "yaml-stream                             \n", NULL, NULL, NULL},
    {"--color invalid", ARGS("do-thing", "--name", "a", "--color", "red"), 252, NULL, NULL,
     "argument --color: Invalid choice", NULL, NULL, NULL},
    {"--max-items on an operation without pages", ARGS("do-thing", "--name", "a", "--max-items",
     "2"), 252, NULL, NULL, "Unknown options: --max-items", NULL, NULL, NULL},
    {"--endpoint-url without scheme", ARGS("do-thing", "--name", "a", "--endpoint-url",
                                           "localhost:9"), 252, NULL, NULL,
     "Bad value for --endpoint-url: scheme is missing", NULL, NULL, NULL},
    {"--endpoint-url", ARGS("do-thing", "--name", "a", "--endpoint-url", "http://127.0.0.1:9"), 0,
     "{\"name\":\"a\"}", NULL, NULL, NULL, NULL, NULL},
    {"--endpoint-url scheme in capitals", ARGS("do-thing", "--name", "a", "--endpoint-url",
                                               "HTTPS://thing.example.com"), 0, "{\"name\":\"a\"}",
     NULL, NULL, NULL, NULL, NULL},
    {"timeouts", ARGS("do-thing", "--name", "a", "--cli-connect-timeout", "0",
                      "--cli-read-timeout", "5"), 0, "{\"name\":\"a\"}", NULL, NULL, NULL, NULL,
     NULL},
    {"timeout not a number", ARGS("do-thing", "--name", "a", "--cli-read-timeout", "soon"), 252,
     NULL, NULL, "argument --cli-read-timeout: expected a whole number of seconds", NULL, NULL,
     NULL},
    {"timeout negative", ARGS("do-thing", "--name", "a", "--cli-connect-timeout=-1"), 252, NULL,
     NULL, "argument --cli-connect-timeout", NULL, NULL, NULL},
    {"ignored flags", ARGS("do-thing", "--name", "a", "--no-paginate", "--no-cli-pager",
                           "--no-verify-ssl"), 0, "{\"name\":\"a\"}", NULL, NULL, NULL, NULL,
     NULL},
    {"global wins over member", ARGS("do-thing", "--name", "a", "--region", "us-west-2"), 0,
     "{\"name\":\"a\"}", NULL, NULL, NULL, NULL, NULL},

    /* --cli-input-json (what the merge builds is checked in test_build_input) */
    {"input json alone", ARGS("do-thing", "--cli-input-json", "{\"name\":\"x\",\"count\":5}"), 0,
     "{\"name\":\"x\",\"count\":5}", NULL, NULL, NULL, NULL, NULL},
    {"input json: options override", ARGS("do-thing", "--cli-input-json",
                                           "{\"name\": \"x\", \"count\": 5}", "--name", "y"), 0,
     "{\"name\":\"y\",\"count\":5}", NULL, NULL, NULL, NULL, NULL},
    {"input json: escaped key overridden", ARGS("do-thing", "--name", "y", "--cli-input-json",
                                                "{\"n\\u0061me\":\"x\",\"extra\":[1]}"), 0,
     "{\"name\":\"y\",\"extra\":[1]}", NULL, NULL, NULL, NULL, NULL},
    {"input json: escapes decoded", ARGS("do-thing", "--cli-input-json",
                                         "{\"count\":100,\"name\":\"\\u0061b\",\"note\":\"\\u00e9\"}"),
     0, "{\"name\":\"ab\",\"count\":100,\"note\":\"\xc3\xa9\"}", NULL, NULL, NULL, NULL, NULL},
    /* botocore: Invalid type for parameter count, value: 100.0, type: <class 'float'> */
    {"input json: a float for an integer", ARGS("do-thing", "--cli-input-json",
                                                "{\"count\":1.0e2,\"name\":\"a\"}"), 252, NULL,
     NULL, "\nParameter validation failed:\nInvalid type for parameter count: expected an "
           "integer", NULL, NULL, NULL},
    {"input json: empty object", ARGS("list-things", "--cli-input-json", "{}"), 0, "{}", NULL,
     NULL, NULL, NULL, NULL},
    {"input json not an object", ARGS("do-thing", "--cli-input-json", "[1]"), 252, NULL, NULL,
     "Error parsing parameter 'cli-input-json': expected a JSON object", NULL, NULL, NULL},
    {"input json malformed", ARGS("do-thing", "--cli-input-json", "{\"name\":}"), 252, NULL, NULL,
     "'cli-input-json': Invalid JSON", NULL, NULL, NULL},
    {"input json trailing data", ARGS("do-thing", "--cli-input-json", "{}{}"), 252, NULL, NULL,
     "'cli-input-json': Invalid JSON", NULL, NULL, NULL},
    {"input json empty", ARGS("do-thing", "--cli-input-json", " "), 252, NULL, NULL,
     "'cli-input-json': Invalid JSON: expected a JSON object", NULL, NULL, NULL},
    {"input json invalid UTF-8", ARGS("do-thing", "--cli-input-json", "{\"name\":\"\xe9t\xe9\"}"),
     252, NULL, NULL, "'cli-input-json': Invalid JSON", NULL, NULL, NULL},
    {"input json too deep", ARGS("do-thing", "--cli-input-json",
                                 "{\"extra\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                 "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                                 "]]]]]]]]]]]]]]]]}"),
     252, NULL, NULL, "'cli-input-json': Invalid JSON", NULL, NULL, NULL},
    {"input json missing file", ARGS("do-thing", "--cli-input-json",
                                     "file:///nonexistent/input.json"), 252, NULL, NULL,
     "Unable to load paramfile file:///nonexistent/input.json", NULL, NULL, NULL},
    {"member missing file", ARGS("do-thing", "--name", "file:///nonexistent/n"), 252, NULL, NULL,
     "Error parsing parameter '--name': Unable to load paramfile", NULL, NULL, NULL},

    /* outcomes of the operation */
    {"operation without input", ARGS("list-things"), 0, "{}", OK_OUT, NULL, NULL, NULL, NULL},
    {"empty output prints nothing", ARGS("list-things"), 0, "{}", NULL, NULL, NULL,
     "[{\"body\": \"{}\"}]", NULL},
    {"output gets a newline", ARGS("list-things"), 0, "{}", "{\n    \"a\": 1\n}\n", NULL, NULL,
     "[{\"body\": \"{\\\"a\\\":1}\"}]", NULL},
    {"validation errors one per line", ARGS("do-thing", "--name", "ABC", "--config", "{}"), 252,
     NULL, NULL,
     "\nParameter validation failed:\nInvalid value for parameter name: does not match the "
     "pattern ^[a-z]+$\nMissing required parameter in input: \"config.key\"\n", NULL, NULL, NULL},
    {"decoder error before sending", ARGS("do-thing", "--cli-input-json", "{\"name\":5}"), 252,
     NULL, NULL,
     "\nParameter validation failed:\nInvalid type for parameter name: expected a string, got "
     "a number\n", NULL, NULL, NULL},
    {"decoder error deep path", ARGS("do-thing", "--name", "a", "--config",
                                     "{\"k\":[1,\"soon\"]}"), 252, NULL, NULL,
     "Invalid type for parameter config.k[1]: expected a timestamp (years 1-9999), got 'soon'\n",
     NULL, NULL, NULL},
    {"decoder error, wrong type", ARGS("do-thing", "--cli-input-json", "{\"count\":\"5\"}"), 252,
     NULL, NULL,
     "\nParameter validation failed:\nInvalid type for parameter count: expected a number, got a "
     "string\n", NULL, NULL, NULL},
    {"decoder error, offset without parentheses", ARGS("do-thing", "--cli-input-json",
                                                       "{\"name\":\"a\\u0000\"}"), 252, NULL,
     NULL, "Invalid value for parameter name: embedded NUL (\\u0000) not supported\n", NULL, NULL,
     NULL},
    {"unknown input member", ARGS("do-thing", "--cli-input-json", "{\"nmae\":\"a\",\"count\":1}"),
     252, NULL, NULL,
     "\nParameter validation failed:\nUnknown parameter in input: \"nmae\", must be one of: "
     "name, count, size, ratio, enabled, when, data, config, region, note, extra\n", NULL, NULL,
     NULL},
    {"out-of-range number", ARGS("do-thing", "--name", "a", "--size", "500"), 252, NULL, NULL,
     "\nParameter validation failed:\nInvalid value for parameter size: value 500 is more than "
     "the maximum 100\n", NULL, NULL, NULL},
    {"lengths in the AWS CLI's words", ARGS("do-thing", "--name", "abcdefghijklmnop", "--config",
                                            "{\"key\":\"\",\"k\":[]}"), 252, NULL, NULL,
     "\nParameter validation failed:\nInvalid length for parameter name, value: 16, valid max "
     "length: 10\nInvalid length for parameter config.key, value: 0, valid min length: 1\n"
     "Invalid value for parameter config.k: has 0 items, fewer than the minimum 1\n", NULL, NULL,
     NULL},
    {"request refused before sending", ARGS(LONG_COMMAND), 252, NULL, NULL,
     "the X-Amz-Target value is too long", NULL, NULL, NULL},
    {"decoder error after sending", ARGS("list-things"), 255, "{}", NULL,
     "Unable to parse the ListThings response", NULL, "[{\"body\": \"{\\\"state\\\": \"}]",
     NULL},
    {"service error", ARGS("do-thing", "--name", "a"), 254, "{\"name\":\"a\"}", NULL,
     "\nAn error occurred (ResourceNotFoundException) when calling the DoThing operation: "
     "Could not find a\n", NULL,
     "[{\"status\": 400, \"body\": \"{\\\"__type\\\": \\\"com.thing#ResourceNotFoundException\\\", "
     "\\\"message\\\": \\\"Could not find a\\\"}\"}]", NULL},
    {"service error after retries", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (ThrottlingException) when calling the ListThings operation (reached "
     "max retries: 2): Rate exceeded\n", NULL, "[" THROTTLED ", " THROTTLED ", " THROTTLED "]",
     NULL},
    {"service error, no retries allowed", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (ThrottlingException) when calling the ListThings operation (reached "
     "max retries: 0): Rate exceeded\n", NULL, "[" THROTTLED "]", "AWS_MAX_ATTEMPTS=1"},
    {"service error without code", ARGS("list-things"), 254, "{}", NULL,
     "An error occurred (400) when calling the ListThings operation: \n", NULL,
     "[{\"status\": 400, \"body\": \"\"}]", NULL},
    {"configuration error", ARGS("list-things"), 253, NULL, NULL,
     "\nUnable to locate credentials.", NULL, NULL,
     "-AWS_ACCESS_KEY_ID;-AWS_SECRET_ACCESS_KEY"},
    {"endpoint rule error", ARGS("list-things", "--endpoint-url", "http://127.0.0.1:9"), 255,
     NULL, NULL, "\nInvalid Configuration: FIPS and custom endpoint are not supported\n", NULL,
     NULL, "AWS_USE_FIPS_ENDPOINT=true"},
    {"transport error", ARGS("list-things", "--region", "closed-1"), 255, NULL, NULL,
     "\nCould not connect to the endpoint URL: \"http://127.0.0.1:", NULL, NULL,
     "AWS_MAX_ATTEMPTS=1"},
    {"unsupported", ARGS("watch-things"), 255, NULL, NULL, "event streams", NULL, NULL, NULL},
    {"missing profile: client fails, 253", ARGS("list-things", "--profile", "no-such-profile"),
     253, NULL, NULL, "no-such-profile", NULL, NULL, NULL},
    {"--debug logs, secret never", ARGS("list-things", "--debug"), 0, "{}", OK_OUT, " DEBUG ",
     SECRET_KEY, NULL, NULL},
};

static int check_row(const struct row *r)
{
    apply_env(r->env);
    int status = run_script(r->argv, r->script);
    base_env();
    CHECK(status >= 0);
    if (status != r->status) {
        fprintf(stderr, "status %d, want %d; stderr:\n%s\n", status, r->status, cap_err);
        return __LINE__;
    }
    if (r->input == NULL) {
        if (sent_count != 0) {
            fprintf(stderr, "%d request(s) sent, the first: %s\n", sent_count, sent_body);
            return __LINE__;
        }
    } else {
        CHECK(sent_count >= 1);
        CHECK(sent_sig_ok);
        CHECK_STR(sent_body, r->input);
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
    if (r->script != NULL && strcmp(r->script, "[{\"body\": \"{}\"}]") == 0)
        CHECK(cap_out[0] == '\0');
    return 0;
}

/* ---- the merged input, before decoding ---- */

/* Builds the input acg_cli_main would hand the decoder for command (with member options
 * given as name/value pairs, NULL-terminated) and input (--cli-input-json text or NULL). */
static int build_input(const char *command, const char *const *options, const char *input,
                       struct acg_buf *json)
{
    struct acg_cli_app app;
    int rc = acg_cli_app_init(&app, &program);
    const struct acg_cli_operation *op = NULL;
    for (size_t i = 0; rc == ACG_OK && i < app.operation_count; i++) {
        if (strcmp(app.operations[i].command, command) == 0)
            op = &app.operations[i];
    }
    struct acg_cli_value values[16];
    memset(values, 0, sizeof values);
    for (size_t i = 0; op != NULL && i < op->member_count && i < 16; i++)
        values[i].flag = -1;
    for (size_t k = 0; op != NULL && options != NULL && options[k] != NULL; k += 2) {
        for (size_t i = 0; i < op->member_count && i < 16; i++) {
            if (strcmp(op->members[i].option, options[k]) == 0) {
                values[i].set = true;
                values[i].text = options[k + 1];
                values[i].len = strlen(options[k + 1]);
            }
        }
    }
    struct acg_cli_input_opts opts = { false, false, "svc", NULL };
    int status = op == NULL ? -1 : acg_cli_build_input(op, values, input, &opts, json);
    acg_cli_app_free(&app);
    return status;
}

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The merge copies --cli-input-json members as they are written (the decoder judges them)
 * and puts member options first, replacing a member of the same name however it is spelt. */
static int test_build_input(void)
{
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(build_input("do-thing", NULL, "{\"count\":1.0e2,\"name\":\"\\u00e9\"}", &b) == 0);
    CHECK_STR(b.data, "{\"count\":1.0e2,\"name\":\"\\u00e9\"}");
    acg_buf_reset(&b);
    CHECK(build_input("do-thing", NULL, "{\"name\":\"a\\u0000b\"}", &b) == 0);
    CHECK_STR(b.data, "{\"name\":\"a\\u0000b\"}");
    acg_buf_reset(&b);
    CHECK(build_input("do-thing", OPTS("name", "y"), "{\"n\\u0061me\":\"x\",\"config\":[1]}",
                      &b) == 0);
    CHECK_STR(b.data, "{\"name\":\"y\",\"config\":[1]}");
    acg_buf_reset(&b);
    CHECK(build_input("do-thing", OPTS("name", "y"), "{\"name\": \"x\", \"count\": 5}", &b) == 0);
    CHECK_STR(b.data, "{\"name\":\"y\",\"count\":5}");
    acg_buf_reset(&b);
    CHECK(build_input("do-thing", OPTS("when", "2023-11-14T22:13:20.5Z"), NULL, &b) == 0);
    CHECK_STR(b.data, "{\"when\":\"2023-11-14T22:13:20.5Z\"}");
    acg_buf_reset(&b);
    CHECK(build_input("list-things", NULL, "{}", &b) == 0);
    CHECK_STR(b.data, "{}");
    acg_buf_free(&b);
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
    const char *body = "{\n  \"name\": \"fromfile\",\n  \"config\": {\"k\": [1.5], \"key\": \"v\"}\n}\n";
    CHECK(write_file(path, body, strlen(body)) == 0);
    struct acg_buf b;
    acg_buf_init(&b, 0);
    CHECK(build_input("do-thing", OPTS("count", "3"), body, &b) == 0);
    CHECK_STR(b.data, "{\"count\":3,\"name\":\"fromfile\",\"config\":{\"k\": [1.5], \"key\": \"v\"}}");
    acg_buf_free(&b);
    CHECK(run_cli(ARGS("do-thing", "--cli-input-json", url, "--count", "3")) == 0);
    CHECK_STR(sent_body, "{\"name\":\"fromfile\",\"count\":3,\"config\":{\"key\":\"v\",\"k\":[1]}}");
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
    CHECK(run_cli(ARGS("do-thing", "--name", "a", "--note", url)) == 0);
    CHECK_STR(sent_body, "{\"name\":\"a\",\"note\":\"hi\\n\"}");
    /* fileb:// sends raw bytes as base64. */
    CHECK(write_file(path, "\x00\xff\x10", 3) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", "a", "--data", burl)) == 0);
    CHECK_STR(sent_body, "{\"name\":\"a\",\"data\":\"AP8Q\"}");
    /* file:// text with a NUL byte cannot be a string member. */
    CHECK(write_file(path, "a\0b", 3) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", "a", "--note", url)) == 252);
    CHECK(strstr(cap_err, "'--note': the value contains a NUL byte") != NULL);
    CHECK(sent_count == 0);
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
    CHECK(sent_count == 0);
    return 0;
}

/* A 10 MB --cli-input-json file goes through whole: the merge copies it once, the blob is
 * decoded and sent back out as the same base64. */
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
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int built = build_input("do-thing", OPTS("count", "1"), body, &b);
    free(body);
    CHECK(wrote == 0 && built == 0);
    CHECK(b.len == n + strlen("\"count\":1,"));
    CHECK(strncmp(b.data, "{\"count\":1,\"name\":\"a\",\"data\":\"AAAA", 34) == 0);
    acg_buf_free(&b);
    /* The server's record of a 10 MB body is too long a line to fetch: count it only. */
    char *argv[] = {"thing", "do-thing", "--cli-input-json", url, "--count", "1", NULL};
    FILE *out = tmpfile();
    CHECK(out != NULL);
    http_srv_reset(&srv);
    CHECK(http_srv_script(&srv, OK_REPLY) == 0);
    fflush(stdout);
    int saved_out = dup(1);
    dup2(fileno(out), 1);
    int status = acg_cli_main(&program, 6, argv);
    fflush(stdout);
    dup2(saved_out, 1);
    close(saved_out);
    fclose(out);
    int conns = 0, reqs = 0;
    CHECK(http_srv_count(&srv, &conns, &reqs) == 0);
    CHECK(status == 0 && reqs == 1);
    remove(path);
    return 0;
}

/* --profile reaches the client: a profile from the config file is found (its region signs
 * the request; an explicit profile takes its own credentials, not the environment's, as in
 * botocore), a missing one is a configuration error (253) naming it. */
static int test_profile(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/config", tmpdir);
    const char *ini = "[profile p2]\nregion = eu-west-1\naws_access_key_id = " ACCESS_KEY
                      "\naws_secret_access_key = " SECRET_KEY "\n[profile p4]\nregion = eu-west-1\n";
    CHECK(write_file(path, ini, strlen(ini)) == 0);
    setenv("AWS_CONFIG_FILE", path, 1);
    unsetenv("AWS_REGION");   /* the environment's region would win over the profile's */
    int ok = run_cli(ARGS("do-thing", "--name", "a", "--profile", "p2"));
    const char *rec = ok == 0 && sent_count == 1 ? http_srv_req(&srv, 0) : NULL;
    bool eu = rec != NULL && strstr(rec, "/eu-west-1/thing/aws4_request") != NULL;
    int no_creds = run_cli(ARGS("do-thing", "--name", "a", "--profile", "p4"));
    bool no_creds_msg = strstr(cap_err, "Unable to locate credentials") != NULL;
    int missing = run_cli(ARGS("do-thing", "--name", "a", "--profile", "p3"));
    base_env();
    CHECK(ok == 0 && eu);
    CHECK(no_creds == 253 && no_creds_msg);
    CHECK(missing == 253);
    CHECK(strstr(cap_err, "p3") != NULL);
    CHECK(sent_count == 0);
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
    CHECK(run_cli(ARGS("do-thing", "--name", "a")) == 0);
    CHECK(run_cli(ARGS("do-thing", "--name", "b")) == 0);
    CHECK_STR(sent_body, "{\"name\":\"b\"}");
    return 0;
}

/* Output shows sensitive members as the AWS CLI does; --redact-sensitive hides them. */
static int test_sensitive_output_style(void)
{
    static const char reply[] =
        "[{\"body\": \"{\\\"state\\\": \\\"ACTIVE\\\", \\\"secret\\\": \\\"hunter2\\\"}\"}]";
    CHECK(run_script(ARGS("do-thing", "--name", "a"), reply) == 0);
    CHECK(strstr(cap_out, "\"state\": \"ACTIVE\"") != NULL);
    CHECK(strstr(cap_out, "\"secret\": \"hunter2\"") != NULL);
    CHECK(run_script(ARGS("do-thing", "--name", "a", "--redact-sensitive"), reply) == 0);
    CHECK(strstr(cap_out, "hunter2") == NULL &&
          strstr(cap_out, "\"secret\": \"*** sensitive ***\"") != NULL);
    CHECK(run_cli(ARGS("help")) == 0);
    CHECK(strstr(cap_out, "--redact-sensitive (boolean)") != NULL);
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
    TEST(test_build_input),
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
    base_env();
    /* A port nobody listens on: bind one, note it, close it. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
        perror("socket");
        return 1;
    }
    close(s);
    snprintf(closed_url, sizeof closed_url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    if (http_srv_start(&srv) != 0) {
        fprintf(stderr, "could not start tests/servers/http_server.py\n");
        printf("test_cli: 0 passed, 1 failed\n");
        return 1;
    }

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
        int line = tests[i].fn();
        if (line == 0) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL test_cli: %s (line %d)\n", tests[i].name, line);
        }
    }
    http_srv_stop(&srv);
    acg_pattern_release(&name_pattern);
    free(cap_out);
    free(cap_err);
    free(sent_body);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("test_cli: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
