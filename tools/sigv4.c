/* sigv4: prints the canonical request, string to sign and Authorization header value that
 * the runtime computes for a raw HTTP request, the tool to reach for when AWS answers
 * SignatureDoesNotMatch (compare with the canonical request AWS returns in the error).
 *
 *   sigv4 --access-key K --secret-key S [--session-token T] --region R --service SVC
 *         --time YYYYMMDDTHHMMSSZ [--no-normalize-path] [--omit-session-token]
 *         < raw-http-request
 *
 * Exit status: 0 printed, 2 bad arguments or a malformed request, 1 anything else (out of
 * memory, an I/O error). The secret key is never printed; the session token appears only
 * inside the canonical request, and only when it is signed, as AWS sees it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_buf.h"
#include "auth/acg_crypto.h"
#include "rawreq.h"
#include "auth/acg_sigv4.h"

#define EXIT_BAD_INPUT 2
#define MAX_REQUEST_BYTES ((size_t)64 * 1024 * 1024)

struct options {
    const char *access_key;
    char *secret_key;              /* points into argv; wiped once copied */
    const char *session_token;
    const char *region;
    const char *service;
    const char *time;
    bool no_normalize_path;
    bool omit_session_token;
};

static void usage(FILE *to)
{
    fputs("usage: sigv4 --access-key K --secret-key S [--session-token T] --region R\n"
          "             --service SVC --time YYYYMMDDTHHMMSSZ [--no-normalize-path]\n"
          "             [--omit-session-token] < raw-http-request\n"
          "Prints the SigV4 canonical request, string to sign and Authorization value.\n"
          "  --no-normalize-path   sign the path as sent (S3)\n"
          "  --omit-session-token  leave X-Amz-Security-Token out of the signature\n", to);
}

/* Matches "--name VALUE" and "--name=VALUE"; *i moves past what was consumed. */
static bool take_value(int argc, char **argv, int *i, const char *name, char **value,
                       bool *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        *value = argv[*i] + n + 1;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *missing = true;
        return true;
    }
    *i += 1;
    *value = argv[*i];
    return true;
}

/* Returns 0 on success, -1 after --help, or EXIT_BAD_INPUT after explaining the problem. */
static int parse_args(int argc, char **argv, struct options *o)
{
    static const char *const names[] = {
        "--access-key", "--secret-key", "--session-token", "--region", "--service", "--time",
    };

    for (int i = 1; i < argc; i++) {
        char *value = NULL;
        bool missing = false, matched = false;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return -1;
        }
        if (strcmp(argv[i], "--no-normalize-path") == 0) {
            o->no_normalize_path = true;
            continue;
        }
        if (strcmp(argv[i], "--omit-session-token") == 0) {
            o->omit_session_token = true;
            continue;
        }
        for (size_t k = 0; k < sizeof names / sizeof names[0] && !matched; k++) {
            if (!take_value(argc, argv, &i, names[k], &value, &missing))
                continue;
            matched = true;
            if (missing) {
                fprintf(stderr, "sigv4: %s needs a value\n", names[k]);
                return EXIT_BAD_INPUT;
            }
            switch (k) {
            case 0: o->access_key = value; break;
            case 1: o->secret_key = value; break;
            case 2: o->session_token = value; break;
            case 3: o->region = value; break;
            case 4: o->service = value; break;
            default: o->time = value; break;
            }
        }
        if (!matched) {
            /* the argument is not echoed: it might be a mistyped secret */
            fprintf(stderr, "sigv4: unknown argument number %d (see --help)\n", i);
            return EXIT_BAD_INPUT;
        }
    }

    const char *missing = o->access_key == NULL ? "--access-key"
                          : o->secret_key == NULL ? "--secret-key"
                          : o->region == NULL ? "--region"
                          : o->service == NULL ? "--service"
                          : o->time == NULL ? "--time" : NULL;
    if (missing != NULL) {
        fprintf(stderr, "sigv4: %s is required\n", missing);
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static int copy_field(char *dst, size_t size, const char *src, const char *what)
{
    size_t n = strlen(src);

    if (n >= size) {
        fprintf(stderr, "sigv4: %s is longer than %zu characters\n", what, size - 1);
        return EXIT_BAD_INPUT;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

static int read_all(FILE *in, struct acg_buf *b)
{
    char chunk[65536];
    size_t n;

    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        int rc = acg_buf_append(b, chunk, n);
        if (rc != ACG_OK) {
            fprintf(stderr, "sigv4: cannot read the request: %s (limit %zu bytes)\n",
                    acg_status_name((enum acg_status)rc), MAX_REQUEST_BYTES);
            return rc == ACG_ERR_TOO_LARGE ? EXIT_BAD_INPUT : EXIT_FAILURE;
        }
    }
    if (ferror(in)) {
        fprintf(stderr, "sigv4: cannot read the request from standard input\n");
        return EXIT_FAILURE;
    }
    return 0;
}

static void print_section(const char *title, const struct acg_buf *b)
{
    printf("--- %s\n", title);
    if (b->len > 0)
        fwrite(b->data, 1, b->len, stdout);
    putchar('\n');
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    struct acg_credentials creds;
    struct acg_buf input;
    struct acg_rawreq raw;
    struct acg_sigv4_request req;
    struct acg_sigv4_result result;
    struct acg_error err;
    int64_t now_ms = 0;
    int status;

    memset(&creds, 0, sizeof creds);
    acg_buf_init(&input, MAX_REQUEST_BYTES);
    acg_rawreq_init(&raw);
    acg_sigv4_result_init(&result);
    acg_error_init(&err);

    status = parse_args(argc, argv, &o);
    if (status != 0) {
        status = status < 0 ? 0 : status;
        goto done;
    }
    status = copy_field(creds.access_key_id, sizeof creds.access_key_id, o.access_key,
                        "--access-key");
    if (status == 0)
        status = copy_field(creds.secret_access_key, sizeof creds.secret_access_key,
                            o.secret_key, "--secret-key");
    if (status == 0 && o.session_token != NULL)
        status = copy_field(creds.session_token, sizeof creds.session_token, o.session_token,
                            "--session-token");
    /* the copy is enough: keep the secret out of /proc/PID/cmdline from here on */
    acg_secure_zero(o.secret_key, strlen(o.secret_key));
    if (status != 0)
        goto done;
    if (acg_sigv4_parse_time(o.time, &now_ms) != ACG_OK) {
        fprintf(stderr, "sigv4: --time must be a UTC time like 20150830T123600Z\n");
        status = EXIT_BAD_INPUT;
        goto done;
    }

    status = read_all(stdin, &input);
    if (status != 0)
        goto done;
    if (acg_rawreq_parse(input.data, input.len, &raw, &err) != ACG_OK) {
        fprintf(stderr, "sigv4: malformed request: %s\n", err.message);
        status = err.status == ACG_ERR_INVALID_ARG ? EXIT_BAD_INPUT : EXIT_FAILURE;
        goto done;
    }

    struct acg_sigv4_params params = {
        .creds = &creds,
        .region = o.region,
        .service = o.service,
        .now_ms = now_ms,
        .normalize_path = !o.no_normalize_path,
        .sign_session_token = !o.omit_session_token,
    };
    acg_rawreq_to_sigv4(&raw, &req);
    if (acg_sigv4_sign(&params, &req, NULL, &result, &err) != ACG_OK) {
        fprintf(stderr, "sigv4: cannot sign: %s\n", err.message);
        status = err.status == ACG_ERR_INVALID_ARG ? EXIT_BAD_INPUT : EXIT_FAILURE;
        goto done;
    }

    print_section("canonical request", &result.canonical_request);
    print_section("string to sign", &result.string_to_sign);
    print_section("authorization", &result.authorization);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sigv4: cannot write to standard output\n");
        status = EXIT_FAILURE;
    }

done:
    acg_secure_zero(&creds, sizeof creds);
    acg_sigv4_result_free(&result);
    acg_rawreq_free(&raw);
    acg_buf_free_secure(&input);
    acg_error_free(&err);
    return status;
}
