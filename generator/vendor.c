/* Vendoring: copies the runtime's sources beside generated services and writes the build
 * files from the built-in templates (templates/vendor_*.tmpl). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "generate.h"
#include "plan.h"
#include "render.h"
#include "vendor.h"
#include "write.h"

/* The runtime's pkg-config packages: the Makefile passes its list (mk/sdk.mk); this one is
 * for tools that read the file alone (make lint). */
#ifndef ACG_RUNTIME_PKGS
#define ACG_RUNTIME_PKGS "libcurl libcrypto libpcre2-8 zlib inih expat"
#endif

static const struct gen_mark whole = { 0, 0 };

struct vendor_ctx {
    const struct vendor_options *v;
    struct acg_arena *a;
    const char **written;        /* paths relative to v->dir, for VENDORED */
    size_t count, cap;
    int changed;
    struct acg_buf *report;
    struct diag *d;
    int rc;                      /* 0, or the first failure (-1, -2) */
};

static void note(struct vendor_ctx *c, const char *rel)
{
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        const char **v = acg_arena_calloc(c->a, cap, sizeof *v);
        if (v == NULL) {
            c->rc = -1;
            return;
        }
        if (c->count)
            memcpy(v, c->written, c->count * sizeof *v);
        c->written = v;
        c->cap = cap;
    }
    c->written[c->count++] = acg_arena_strndup(c->a, rel, strlen(rel));
}

/* Writes (or compares) v->dir/rel and records it. */
static void put(struct vendor_ctx *c, const char *rel, const char *data, size_t len)
{
    char *path = files_join(c->a, c->v->dir, rel);
    char *dir = path ? files_dirname(c->a, path) : NULL;
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    if (dir == NULL || c->rc != 0) {
        c->rc = c->rc ? c->rc : -1;
        return;
    }
    if (!c->v->check && write_mkdirs(dir, c->d) != 0) {
        c->rc = -2;
        return;
    }
    int w = write_output(dir, base, data, len, c->v->check, c->d);
    if (w < 0)
        c->rc = -2;
    if (w > 0) {
        c->changed++;
        if (c->v->check && acg_buf_printf(c->report, "%s would change\n", path) != ACG_OK)
            c->rc = -1;
    }
    note(c, rel);
}

static bool is_source(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Copies every .c and .h file under src/rel, in name order, to v->dir/rel. */
static void copy_tree(struct vendor_ctx *c, const char *src, const char *rel)
{
    size_t n;
    char *from = files_join(c->a, src, rel);
    char **names = from ? files_list(c->a, from, &n) : NULL;
    if (names == NULL) {
        diag_error(c->d, from ? from : rel, whole, "cannot list the folder");
        c->rc = -1;
        return;
    }
    for (size_t i = 0; i < n && c->rc == 0; i++) {
        char *r = files_join(c->a, rel, names[i]);
        char *path = r ? files_join(c->a, src, r) : NULL;
        if (path == NULL) {
            c->rc = -1;
        } else if (files_is_dir(path)) {
            copy_tree(c, src, r);
        } else if (is_source(names[i])) {
            struct acg_buf b;
            acg_buf_init(&b, 0);
            if (files_read(path, &b, c->d) == 0)
                put(c, r, b.data ? b.data : "", b.len);
            else
                c->rc = -1;
            acg_buf_free(&b);
        }
    }
}

/* The source tree holding runtime/ and cli/: --runtime, else beside acg-gen (an installed
 * acg-gen keeps them in ../share/acg, one in the build folder two levels up). */
static const char *find_sources(struct vendor_ctx *c)
{
    static const char *const beside[] = { "../share/acg", "../.." };
    char exe[4096];
    if (c->v->runtime_dir != NULL) {
        char *h = files_join(c->a, c->v->runtime_dir, "runtime/include/acg_runtime.h");
        if (h != NULL && files_is_file(h))
            return c->v->runtime_dir;
        diag_error(c->d, c->v->runtime_dir, whole, "--runtime: no runtime/include/acg_runtime.h "
                   "in this folder");
        return NULL;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *bin = files_dirname(c->a, exe);
        for (size_t i = 0; bin != NULL && i < sizeof beside / sizeof beside[0]; i++) {
            char *root = files_join(c->a, bin, beside[i]);
            char *h = root ? files_join(c->a, root, "runtime/include/acg_runtime.h") : NULL;
            if (h != NULL && files_is_file(h))
                return root;
        }
    }
    diag_error(c->d, "acg-gen", whole, "cannot find the runtime's sources beside acg-gen; "
               "name their folder with --runtime DIR");
    return NULL;
}

/* The Debian package that provides a pkg-config name, for the README. */
static const char *debian_package(const char *pc)
{
    static const char *const known[][2] = {
        { "libcurl", "libcurl4-openssl-dev" }, { "libcrypto", "libssl-dev" },
        { "libpcre2-8", "libpcre2-dev" },      { "zlib", "zlib1g-dev" },
        { "inih", "libinih-dev" },             { "expat", "libexpat1-dev" },
        { "yaml-0.1", "libyaml-dev" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(known[i][0], pc) == 0)
            return known[i][1];
    }
    return pc;
}

static const char *debian_packages(struct vendor_ctx *c)
{
    struct acg_buf b;
    char pkgs[] = ACG_RUNTIME_PKGS;
    acg_buf_init(&b, 0);
    int rc = acg_buf_append_str(&b, "gcc make pkg-config");
    for (char *save = NULL, *p = strtok_r(pkgs, " ", &save); p && rc == ACG_OK;
         p = strtok_r(NULL, " ", &save))
        rc = acg_buf_printf(&b, " %s", debian_package(p));
    char *s = rc == ACG_OK ? acg_arena_strndup(c->a, b.data, b.len) : NULL;
    acg_buf_free(&b);
    return s ? s : "";
}

static const char *cc_line(struct vendor_ctx *c, const char *includes, const char *sources,
                           const char *output)
{
    if (includes == NULL || sources == NULL)
        return "";
    const char *s = gen_strf(c->a, "cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iruntime/include "
                             "-Iruntime/internal %s runtime/*/*.c %s $(pkg-config --cflags --libs "
                             "%s) -lpthread -lm -o %s", includes, sources, ACG_RUNTIME_PKGS, output);
    return s ? s : "";
}

/* One service in the build files' context: its library sources and its program's cc line. */
static void vendor_service(struct vendor_ctx *c, struct tv *services, const char *prefix)
{
    struct tv *s = tv_push(services);
    struct tv *sources = tv_set_list(s, "sources");
    char name[256];
    tv_set_str(s, "prefix", prefix);
    for (size_t k = 0; k < gen_output_count(); k++) {
        gen_output_name(k, prefix, name, sizeof name);
        if (!gen_output_is_program(k) && strstr(name, ".c") != NULL)
            tv_set_fmt(tv_push(sources), "file", "generated/%s/%s", prefix, name);
    }
    tv_set_str(s, "cc_line", cc_line(c, gen_strf(c->a, "-Icli/include -Igenerated/%s", prefix),
                                     gen_strf(c->a, "cli/*.c generated/%s/*.c", prefix), prefix));
}

/* The build files' context (templates/vendor_*.tmpl): the services, the one-line builds,
 * the packages. */
static struct tv *vendor_context(struct vendor_ctx *c, const char *const *prefixes, size_t count)
{
    struct tv *root = tv_map(c->a);
    struct tv *services = tv_set_list(root, "services");
    const char *includes = "", *sources = "", *names = "";
    for (size_t i = 0; i < count; i++) {
        vendor_service(c, services, prefixes[i]);
        includes = gen_strf(c->a, "%s%s-Igenerated/%s", includes, i ? " " : "", prefixes[i]);
        sources = gen_strf(c->a, "%sgenerated/%s/*.c ", sources, prefixes[i]);
        names = gen_strf(c->a, "%s%s%s", names, i ? ", " : "", prefixes[i]);
        if (includes == NULL || sources == NULL || names == NULL)
            return NULL;
    }
    tv_set_str(root, "include_flags", includes);
    tv_set_str(root, "service_names", names);
    tv_set_str(root, "cc_line", cc_line(c, includes, gen_strf(c->a, "%sprogram.c", sources),
                                        "program"));
    tv_set_str(root, "first_prefix", count ? prefixes[0] : "service");
    tv_set_str(root, "version", GEN_VERSION);
    tv_set_str(root, "pkgs", ACG_RUNTIME_PKGS);
    tv_set_str(root, "debs", debian_packages(c));
    tv_set_bool(root, "has_cli", c->v->cli);
    return root;
}

static void render_build_files(struct vendor_ctx *c, const char *const *prefixes, size_t count)
{
    static const char *const files[][2] = {
        { "vendor_Makefile.tmpl", "Makefile" },
        { "vendor_CMakeLists.txt.tmpl", "CMakeLists.txt" },
        { "vendor_README.md.tmpl", "README.md" },
    };
    struct tv *ctx = vendor_context(c, prefixes, count);
    struct template_set *ts = templates_open(NULL);
    if (ctx == NULL || ts == NULL || tv_failed(ctx))
        c->rc = -1;
    for (size_t i = 0; i < sizeof files / sizeof files[0] && c->rc == 0; i++) {
        struct acg_buf out;
        acg_buf_init(&out, 0);
        if (render(ts, files[i][0], ctx, &out, c->d) == 0)
            put(c, files[i][1], out.data ? out.data : "", out.len);
        else
            c->rc = -1;
        acg_buf_free(&out);
    }
    templates_close(ts);
}

static int by_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool listed(struct vendor_ctx *c, const char *rel)
{
    const char **hit = bsearch(&rel, c->written, c->count, sizeof *c->written, by_str);
    return hit != NULL;
}

/* Removes what the previous VENDORED listed and this run did not write, then writes the
 * new list. */
static void update_list(struct vendor_ctx *c)
{
    struct acg_buf old, list;
    char *path = files_join(c->a, c->v->dir, "VENDORED");
    acg_buf_init(&old, 0);
    acg_buf_init(&list, 0);
    qsort(c->written, c->count, sizeof *c->written, by_str);
    if (path != NULL && files_is_file(path) && files_read(path, &old, c->d) == 0 && old.data) {
        for (char *save = NULL, *p = strtok_r(old.data, "\n", &save); p && c->rc == 0;
             p = strtok_r(NULL, "\n", &save)) {
            char *stale = listed(c, p) ? NULL : files_join(c->a, c->v->dir, p);
            if (stale == NULL || !files_is_file(stale))
                continue;
            c->changed++;
            if (c->v->check && acg_buf_printf(c->report, "%s would be removed\n", stale) != ACG_OK)
                c->rc = -1;
            if (!c->v->check && remove(stale) != 0)
                diag_warning(c->d, stale, whole, "cannot remove this file acg-gen wrote before");
        }
    }
    for (size_t i = 0; i < c->count && c->rc == 0; i++) {
        if (acg_buf_printf(&list, "%s\n", c->written[i]) != ACG_OK)
            c->rc = -1;
    }
    if (c->rc == 0)
        put(c, "VENDORED", list.data ? list.data : "", list.len);
    acg_buf_free(&old);
    acg_buf_free(&list);
}

/* Copies the runtime (and the CLI) and writes the build files for the services already
 * generated into DIR/generated/<prefix>/. */
static int vendor_write(const struct vendor_options *v, const char *const *prefixes, size_t count,
                        int *changed, struct acg_buf *report, struct diag *d)
{
    struct vendor_ctx c = { .v = v, .report = report, .d = d };
    c.a = acg_arena_new();
    if (c.a == NULL)
        return -1;
    const char *src = find_sources(&c);
    if (src == NULL)
        c.rc = -1;
    if (c.rc == 0)
        copy_tree(&c, src, "runtime");
    if (c.rc == 0 && v->cli)
        copy_tree(&c, src, "cli");
    char *license = src ? files_join(c.a, src, "LICENSE") : NULL;
    if (c.rc == 0 && license != NULL && files_is_file(license)) {
        struct acg_buf b;
        acg_buf_init(&b, 0);
        if (files_read(license, &b, d) == 0)
            put(&c, "LICENSE", b.data ? b.data : "", b.len);
        acg_buf_free(&b);
    }
    if (c.rc == 0)
        render_build_files(&c, prefixes, count);
    for (size_t i = 0; i < count && c.rc == 0; i++) {
        for (size_t k = 0; k < gen_output_count(); k++) {
            char name[256], rel[512];
            if (gen_output_is_program(k) && !v->cli)
                continue;
            snprintf(rel, sizeof rel, "generated/%s/%s", prefixes[i],
                     gen_output_name(k, prefixes[i], name, sizeof name));
            note(&c, rel);
        }
    }
    if (c.rc == 0)
        update_list(&c);
    *changed += c.changed;
    acg_arena_destroy(c.a);
    return c.rc;
}

int vendor_generate(const struct vendor_options *v, const struct gen_options *services,
                    size_t count, int *changed, struct acg_buf *report, struct diag *d)
{
    struct acg_arena *a = acg_arena_new();
    const char **prefixes = a ? acg_arena_calloc(a, count + 1, sizeof *prefixes) : NULL;
    int rc = prefixes != NULL ? 0 : -1;
    for (size_t i = 0; i < count && rc == 0; i++) {
        struct gen_options o = services[i];
        struct gen_run r = { .skip_program = !v->cli };
        char prefix[128];
        if (gen_model_prefix(o.model_path, o.prefix, prefix, sizeof prefix, d) != 0) {
            rc = -1;
            break;
        }
        o.out_dir = gen_strf(a, "%s/generated/%s", v->dir, prefix);
        o.check = v->check;
        rc = o.out_dir ? gen_generate(&o, &r, report, d) : -1;
        prefixes[i] = gen_strf(a, "%s", prefix);
        *changed += r.changed;
    }
    if (rc == 0)
        rc = vendor_write(v, prefixes, count, changed, report, d);
    acg_arena_destroy(a);
    return rc;
}
