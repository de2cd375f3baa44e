/* Fuzz target: the sigv4 tool's raw HTTP request parser, then the signer on what it gives. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rawreq.h"
#include "auth/acg_sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acg_rawreq r;
    acg_rawreq_init(&r);
    if (acg_rawreq_parse((const char *)data, size, &r, NULL) == ACG_OK) {
        struct acg_credentials creds;
        memset(&creds, 0, sizeof creds);
        snprintf(creds.access_key_id, sizeof creds.access_key_id, "AKIDEXAMPLE");
        snprintf(creds.secret_access_key, sizeof creds.secret_access_key, "%s",
                 "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        struct acg_sigv4_params p = { &creds, "us-east-1", "service", 1440938160000, true, true };
        struct acg_sigv4_request req = { r.method, r.path, r.query, r.headers, r.header_count,
                                         r.body, r.body_len, NULL };
        struct acg_sigv4_result res;
        acg_sigv4_result_init(&res);
        (void)acg_sigv4_sign(&p, &req, NULL, &res, NULL);
        acg_sigv4_result_free(&res);
    }
    acg_rawreq_free(&r);
    return 0;
}
