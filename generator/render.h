/* Stage 5: a small logic-less template engine.
 *
 * Templates know {{name}}, {{#name}}...{{/name}} (a list: once per item; true: once),
 * {{^name}}...{{/name}} (false or empty list), {{! comment}} and {{> partial}}, nothing
 * else. A tag alone on its line takes the line with it, so templates can be laid out for
 * reading. Values come from a tree the plan builds; a name that is not there, a value of
 * the wrong kind or an unclosed section is an error, never an empty string. */
#ifndef GEN_RENDER_H
#define GEN_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "diag.h"

struct tv;   /* a template value: string, boolean, list of maps, or map */

struct tv *tv_map(struct acg_arena *a);
/* These set key in map; strings are not copied (keep them alive, e.g. in the same arena). */
void tv_set_str(struct tv *map, const char *key, const char *value);
void tv_set_bool(struct tv *map, const char *key, bool value);
/* Creates and sets an empty list under key and returns it. */
struct tv *tv_set_list(struct tv *map, const char *key);
/* Appends a new map to a list and returns it. */
struct tv *tv_push(struct tv *list);
size_t tv_list_len(const struct tv *list);
/* Sets the boolean key on every map of list: true on the last, false on the others, so a
 * template can put separators between items ({{^last}} | {{/last}}). */
void tv_mark_last(struct tv *list, const char *key);
/* Sets a copy of a printf-formatted string. */
void tv_set_fmt(struct tv *map, const char *key, const char *fmt, ...) GEN_PRINTF(3, 4);
/* true when an allocation failed anywhere in the tree built from this arena's maps. */
bool tv_failed(const struct tv *map);

struct template_set;

/* Templates are read from dir on first use and kept; dir NULL means the ones built into
 * acg-gen from templates/. */
struct template_set *templates_open(const char *dir);
void templates_close(struct template_set *ts);

/* Renders template "name" (file dir/name) with ctx, appending to out. Returns 0 or -1 with
 * diagnostics naming the template file, line and column. */
int render(struct template_set *ts, const char *name, const struct tv *ctx, struct acg_buf *out,
           struct diag *d);

#endif
