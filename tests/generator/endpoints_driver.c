/* Test tool for the endpoint tests (not a test binary itself: the Makefile builds only
 * test_*.c). Loads one endpoint rule set and writes the C that generator/endpoints.c makes
 * from it, so the Python tests can compile and run it without the whole generator:
 *
 *     endpoints_driver [--static] RULESET FN_NAME > out.c
 *     endpoints_driver [--static] --default ENDPOINT_PREFIX FN_NAME > out.c
 *
 * Diagnostics go to stderr; the exit status is 1 when the emitter reported an error. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "endpoints.h"

int main(int argc, char **argv)
{
    unsigned flags = 0;
    int i = 1;
    if (i < argc && strcmp(argv[i], "--static") == 0) {
        flags |= GEN_ENDPOINTS_STATIC;
        i++;
    }
    bool fallback = i < argc && strcmp(argv[i], "--default") == 0;
    if (fallback)
        i++;
    if (argc - i != 2) {
        fprintf(stderr, "usage: %s [--static] (RULESET | --default PREFIX) FN_NAME\n", argv[0]);
        return 2;
    }
    struct diag d;
    struct doc doc;
    struct acg_buf out;
    int rc;
    diag_init(&d);
    acg_buf_init(&out, 0);
    memset(&doc, 0, sizeof doc);
    if (fallback) {
        rc = gen_endpoints_emit_default_flags(argv[i], argv[i + 1], flags, &out, &d);
    } else {
        rc = doc_load(argv[i], &doc, &d);
        if (rc == 0)
            rc = gen_endpoints_emit_flags(doc.root, argv[i], argv[i + 1], flags, &out, &d);
    }
    if (d.text != NULL)
        fputs(d.text, stderr);
    if (rc == 0 && out.data != NULL)
        fputs(out.data, stdout);
    doc_free(&doc);
    acg_buf_free(&out);
    diag_free(&d);
    return rc == 0 ? 0 : 1;
}
