/* Fuzz target: the model loader and checker on arbitrary bytes (YAML, JSON, gzip). */
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "load.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    struct doc doc;
    struct model m;
    diag_init(&d);
    if (doc_load_bytes("fuzz.yaml", (const char *)data, size, &doc, &d) == 0) {
        (void)model_from_doc(&doc, &m, &d);
        model_free(&m);
    } else {
        doc_free(&doc);
    }
    diag_free(&d);
    return 0;
}
