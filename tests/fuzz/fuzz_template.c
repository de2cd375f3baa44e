/* Fuzz target: the template engine on arbitrary template text with a fixed context. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/acg-fuzz-tmpl-%ld", (long)getpid());
        if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0)
            return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/t", dir);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    struct acg_arena *a = acg_arena_new();
    struct tv *ctx = tv_map(a);
    tv_set_str(ctx, "name", "value");
    tv_set_bool(ctx, "yes", true);
    struct tv *list = tv_set_list(ctx, "items");
    tv_set_str(tv_push(list), "x", "1");
    tv_set_str(tv_push(list), "x", "2");
    struct template_set *ts = templates_open(dir);
    struct acg_buf out;
    struct diag d;
    diag_init(&d);
    acg_buf_init(&out, 1u << 20);
    (void)render(ts, "t", ctx, &out, &d);
    acg_buf_free(&out);
    diag_free(&d);
    templates_close(ts);
    acg_arena_destroy(a);
    return 0;
}
