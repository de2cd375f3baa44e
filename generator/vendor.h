/* Vendoring: a self-contained folder holding generated services, the runtime they need
 * (and, when asked, the command-line library), a Makefile, a CMakeLists.txt and a README
 * with the one cc line that builds it. Layout:
 *
 *   DIR/runtime/{include,internal,<module>...}   DIR/cli/ (with the CLI)
 *   DIR/generated/<prefix>/                      one folder per service
 *   DIR/Makefile  DIR/CMakeLists.txt  DIR/README.md  DIR/LICENSE  DIR/VENDORED
 *
 * VENDORED lists every file acg-gen put there, so vendoring again removes the ones it no
 * longer writes and nothing else. */
#ifndef GEN_VENDOR_H
#define GEN_VENDOR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_buf.h"
#include "diag.h"
#include "plan.h"

struct vendor_options {
    const char *dir;
    const char *runtime_dir;     /* the source tree holding runtime/ and cli/; NULL: found */
    bool cli;                    /* the command-line library and one program per service */
    bool check;                  /* compare only; "DIR/NAME would change" lines in report */
};

/* Generates each service (its options' out_dir is replaced by DIR/generated/<prefix>),
 * copies the runtime (and the CLI) and writes the build files. Returns 0, -1 when a model,
 * the runtime's sources or a template fails, -2 on a write error, with diagnostics;
 * *changed counts the files that differ ("PATH would change" lines in report with check). */
int vendor_generate(const struct vendor_options *v, const struct gen_options *services,
                    size_t count, int *changed, struct acg_buf *report, struct diag *d);

#endif
