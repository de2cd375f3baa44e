/* Paginators (client/acg_pager.h), following botocore's PageIterator step by step.
 *
 * The input is kept as a JSON value keyed by member names: tokens of any type (strings,
 * numbers, DynamoDB's key maps) go in by name, and each page's input struct is decoded
 * from that value afresh. Output tokens and more_results are JMESPath over the page's
 * value; result keys (always dotted member names in botocore's paginators) are followed
 * in the typed page, where max_items and a starting token's offset cut lists short. */
#include <stdlib.h>
#include <string.h>

#include "client/acg_pager.h"
#include "common/acg_base64.h"
#include "common/acg_format.h"
#include "jmespath/acg_jmespath.h"
#include "json/acg_json.h"
#include "json/acg_value_struct.h"

#define TRUNCATE_KEY "boto_truncate_amount"
/* Input tokens of one paginator; botocore's models use at most 3. */
#define ACG_PAGER_MAX_TOKENS 8

struct acg_pager {
    struct acg_client *client;
    const struct acg_operation *op;
    const struct acg_paginator *pg;
    struct acg_arena *arena;            /* the pager's: input, tokens, expressions' texts */
    struct acg_value *input;            /* the caller's input, by member name */
    struct acg_value *next_token;       /* { input token: value or null } */
    struct acg_value *previous_token;
    struct acg_jmespath **output_tokens;
    struct acg_jmespath *more_results;
    void *page;                         /* the current output struct, or NULL */
    int64_t skip;                       /* the starting token's offset into the first page */
    int64_t max_items, seen;
    bool resumed;                       /* started from a starting token */
    bool started, done, failed;
    char *resume_token;
    size_t item;                        /* next_item's place in the current page */
};

/* ---- values ---- */

/* Python's truth of a parsed value: what `if value:` decides in botocore. */
static bool truthy(const struct acg_value *v)
{
    switch (v->type) {
    case ACG_VALUE_NULL: return false;
    case ACG_VALUE_BOOL: return v->u.b;
    case ACG_VALUE_INT: return v->u.i != 0;
    case ACG_VALUE_DOUBLE: return v->u.d != 0;
    case ACG_VALUE_STRING: return v->u.str.len > 0;
    case ACG_VALUE_ARRAY: return v->u.arr.count > 0;
    case ACG_VALUE_OBJECT: return v->u.obj.count > 0;
    }
    return false;
}

static bool is_input_token(const struct acg_paginator *pg, const char *key, size_t len)
{
    for (size_t i = 0; i < pg->token_count; i++) {
        if (strlen(pg->input_tokens[i]) == len && memcmp(pg->input_tokens[i], key, len) == 0)
            return true;
    }
    return false;
}

/* A token with every input token set to null, in the paginator's order. */
static int empty_token(struct acg_pager *p, struct acg_value **out)
{
    struct acg_value *t = acg_value_new_object(p->arena);
    if (t == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < p->pg->token_count; i++) {
        const char *name = p->pg->input_tokens[i];
        ACG_TRY(acg_value_object_add(p->arena, t, name, strlen(name),
                                     acg_value_new_null(p->arena)));
    }
    *out = t;
    return ACG_OK;
}

/* ---- starting and resume tokens ---- */

static int bad_token(struct acg_error *err)
{
    return acg_error_set(err, ACG_ERR_INVALID_ARG, "Bad starting token");
}

/* botocore's format: base64 of a JSON object holding the input tokens (and the offset into
 * the first page as boto_truncate_amount). */
static int decode_token(struct acg_pager *p, const char *text, struct acg_value **out)
{
    struct acg_buf json;
    struct acg_error ignored;
    struct acg_value *parsed = NULL;
    acg_buf_init(&json, 0);
    acg_error_init(&ignored);
    int rc = acg_base64_decode(text, strlen(text), &json);
    if (rc == ACG_OK && json.len > 0)
        rc = acg_value_parse(p->arena, json.data, json.len, &parsed, &ignored);
    acg_buf_free(&json);
    if (rc != ACG_OK || parsed == NULL || parsed->type != ACG_VALUE_OBJECT)
        return rc == ACG_ERR_NOMEM ? rc : ACG_ERR_INVALID_ARG;
    struct acg_value *t = acg_value_new_object(p->arena);
    if (t == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < parsed->u.obj.count; i++) {
        const struct acg_value_member *m = &parsed->u.obj.members[i];
        if (strcmp(m->key, TRUNCATE_KEY) == 0 && m->value->type == ACG_VALUE_INT)
            p->skip = m->value->u.i;
        else if (strcmp(m->key, "boto_encoded_keys") != 0)   /* blobs stay base64 here */
            ACG_TRY(acg_value_object_add(p->arena, t, m->key, m->key_len, m->value));
    }
    *out = t;
    return ACG_OK;
}

/* The format botocore still reads: the input tokens joined by "___", "None" for none, an
 * offset after the last one. */
static int decode_old_token(struct acg_pager *p, const char *text, struct acg_error *err)
{
    const struct acg_paginator *pg = p->pg;
    const char *part[ACG_PAGER_MAX_TOKENS + 1];
    size_t len[ACG_PAGER_MAX_TOKENS + 1], n = 0;
    for (const char *s = text;; n++) {
        const char *sep = strstr(s, "___");
        if (n > pg->token_count)
            return bad_token(err);
        part[n] = s;
        len[n] = sep != NULL ? (size_t)(sep - s) : strlen(s);
        if (sep == NULL) {
            n++;
            break;
        }
        s = sep + 3;
    }
    if (n == pg->token_count + 1) {
        char *end;
        long long index = strtoll(part[n - 1], &end, 10);
        if (len[n - 1] > 0 && *end == '\0') {
            p->skip = index;
            n--;
        } else {
            part[0] = text;   /* no offset: the whole text is the service's own token */
            len[0] = strlen(text);
            n = 1;
        }
    }
    if (n > pg->token_count)
        return bad_token(err);
    ACG_TRY(empty_token(p, &p->next_token));
    for (size_t i = 0; i < n; i++) {
        bool none = len[i] == 4 && memcmp(part[i], "None", 4) == 0;
        struct acg_value *v = none ? acg_value_new_null(p->arena)
                                   : acg_value_new_string(p->arena, part[i], len[i]);
        ACG_TRY(acg_value_object_set(p->arena, p->next_token, pg->input_tokens[i],
                                     strlen(pg->input_tokens[i]), v));
    }
    return ACG_OK;
}

static int parse_starting_token(struct acg_pager *p, const char *text, struct acg_error *err)
{
    int rc = decode_token(p, text, &p->next_token);
    if (rc == ACG_ERR_INVALID_ARG) {
        p->skip = 0;
        rc = decode_old_token(p, text, err);
    }
    if (rc == ACG_OK && p->skip < 0)
        rc = bad_token(err);
    return rc;
}

/* Sets the resume token from next_token plus, when > 0, the offset to resume at. */
static int set_resume_token(struct acg_pager *p, int64_t truncate, struct acg_error *err)
{
    struct acg_value *t = acg_value_new_object(p->arena);
    struct acg_buf json, b64;
    size_t keys = 0;
    if (t == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < p->next_token->u.obj.count; i++) {
        const struct acg_value_member *m = &p->next_token->u.obj.members[i];
        keys += is_input_token(p->pg, m->key, m->key_len);
        ACG_TRY(acg_value_object_add(p->arena, t, m->key, m->key_len, m->value));
    }
    if (keys != p->pg->token_count || keys != p->next_token->u.obj.count)
        return bad_token(err);
    if (truncate > 0)
        ACG_TRY(acg_value_object_add(p->arena, t, TRUNCATE_KEY, strlen(TRUNCATE_KEY),
                                     acg_value_new_int(p->arena, truncate)));
    acg_buf_init(&json, 0);
    acg_buf_init(&b64, 0);
    int rc = acg_value_write_json(t, ACG_JSON_PY_SPACED | ACG_JSON_PY_ASCII, &json, err);
    if (rc == ACG_OK)
        rc = acg_base64_encode((const uint8_t *)json.data, json.len, &b64);
    if (rc == ACG_OK) {
        p->resume_token = acg_arena_strndup(p->arena, b64.data, b64.len);
        rc = p->resume_token != NULL ? ACG_OK : ACG_ERR_NOMEM;
    }
    acg_buf_free(&json);
    acg_buf_free(&b64);
    return rc;
}

/* ---- result keys in the typed page ---- */

/* Where the dotted member path ends in the struct at base: its member and storage. */
static const struct acg_member *find_slot(const struct acg_shape *s, unsigned char *base,
                                          const char *path, unsigned char **at)
{
    for (;;) {
        size_t len = strcspn(path, ".");
        const struct acg_member *m = acg_shape_find_member(s, path, len);
        if (m == NULL || base == NULL)
            return NULL;
        if (path[len] == '\0') {
            *at = base + m->offset;
            return m;
        }
        if (m->shape->type != ACG_SHAPE_STRUCTURE)
            return NULL;
        unsigned char *inner;   /* a structure member is a pointer to its struct */
        memcpy(&inner, base + m->offset, sizeof inner);
        base = inner;
        s = m->shape;
        path += len + 1;
    }
}

static struct acg_seq *result_list(const struct acg_pager *p, const char *key)
{
    unsigned char *at;
    const struct acg_member *m = find_slot(p->op->output, p->page, key, &at);
    return m != NULL && m->shape->type == ACG_SHAPE_LIST ? (struct acg_seq *)(void *)at : NULL;
}

static void drop_front(struct acg_seq *seq, size_t item_size, int64_t n)
{
    size_t k = (uint64_t)n < seq->count ? (size_t)n : seq->count;
    seq->items = (unsigned char *)seq->items + k * item_size;
    seq->count -= k;
}

/* The first page after a starting token with an offset: the first result key loses the
 * items already seen, the others are emptied (numbers stay, as in botocore). */
static void skip_seen(struct acg_pager *p)
{
    for (size_t i = 0; i < p->pg->result_key_count; i++) {
        unsigned char *at;
        const struct acg_member *m = find_slot(p->op->output, p->page, p->pg->result_keys[i], &at);
        if (m == NULL)
            continue;
        if (m->shape->type == ACG_SHAPE_LIST) {
            struct acg_seq *seq = (struct acg_seq *)(void *)at;
            drop_front(seq, m->shape->item_size, i == 0 ? p->skip : (int64_t)seq->count);
        } else if (m->shape->type == ACG_SHAPE_STRING) {
            const char *str;
            memcpy(&str, at, sizeof str);
            size_t len = str != NULL ? strlen(str) : 0;
            if (str != NULL)
                str += i == 0 && (uint64_t)p->skip < len ? (size_t)p->skip : len;
            memcpy(at, &str, sizeof str);
        }
    }
}

/* ---- pages ---- */

static void release_page(struct acg_pager *p)
{
    struct acg_arena *arena;
    if (p->page == NULL)
        return;
    memcpy(&arena, p->page, sizeof arena);   /* a top-level struct's arena_ comes first */
    acg_release(arena, p->page, p->op->output->size);
}

/* This page's input: the caller's members, the tokens that are set in place of theirs. */
static int page_input(struct acg_pager *p, struct acg_arena *a, struct acg_buf *json,
                      struct acg_error *err)
{
    struct acg_value *in = acg_value_new_object(a);
    if (in == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < p->input->u.obj.count; i++) {
        const struct acg_value_member *m = &p->input->u.obj.members[i];
        /* As botocore injects tokens: a set one replaces the caller's, a null one drops it. */
        if (!(p->started || p->resumed) || !is_input_token(p->pg, m->key, m->key_len))
            ACG_TRY(acg_value_object_add(a, in, m->key, m->key_len, m->value));
    }
    for (size_t i = 0; i < p->next_token->u.obj.count; i++) {
        const struct acg_value_member *m = &p->next_token->u.obj.members[i];
        bool none = m->value->type == ACG_VALUE_NULL ||
                    (m->value->type == ACG_VALUE_STRING && strcmp(m->value->u.str.ptr, "None") == 0);
        if (!none)
            ACG_TRY(acg_value_object_set(a, in, m->key, m->key_len, m->value));
    }
    return acg_value_write_json(in, 0, json, err);
}

static int fetch(struct acg_pager *p, struct acg_error *err)
{
    struct acg_arena *a = acg_arena_new();
    struct acg_buf json;
    void *in = NULL;
    acg_buf_init(&json, 0);
    int rc = a != NULL ? page_input(p, a, &json, err) : ACG_ERR_NOMEM;
    if (rc == ACG_OK && p->op->input != NULL) {
        in = acg_arena_calloc(a, 1, p->op->input->size);
        rc = in == NULL ? ACG_ERR_NOMEM
                        : acg_json_decode_input(json.data, json.len, p->op->input, in, a, err);
    }
    release_page(p);
    if (rc == ACG_OK)
        rc = acg_call(p->client, p->op, in, p->page, err);
    acg_buf_free_secure(&json);
    acg_arena_destroy(a);
    return rc;
}

/* botocore's _get_next_token: the output tokens of this page, null where empty. */
static int read_next_token(struct acg_pager *p, struct acg_arena *a, const struct acg_value *page,
                           struct acg_value **out, struct acg_error *err)
{
    const struct acg_value *v;
    if (p->more_results != NULL) {
        ACG_TRY(acg_jmespath_search(p->more_results, page, a, &v, err));
        if (!truthy(v)) {
            *out = NULL;
            return ACG_OK;
        }
    }
    ACG_TRY(empty_token(p, out));
    for (size_t i = 0; i < p->pg->token_count; i++) {
        const char *name = p->pg->input_tokens[i];
        ACG_TRY(acg_jmespath_search(p->output_tokens[i], page, a, &v, err));
        if (truthy(v))
            ACG_TRY(acg_value_object_set(p->arena, *out, name, strlen(name),
                                         (struct acg_value *)(uintptr_t)v));
    }
    return ACG_OK;
}

static bool all_null(const struct acg_value *t)
{
    for (size_t i = 0; t != NULL && i < t->u.obj.count; i++) {
        if (t->u.obj.members[i].value->type != ACG_VALUE_NULL)
            return false;
    }
    return true;
}

/* The output token values point into a page that goes away: copy them to the pager. */
static int keep(struct acg_pager *p, struct acg_value **v, struct acg_error *err)
{
    struct acg_buf json;
    acg_buf_init(&json, 0);
    int rc = acg_value_write_json(*v, 0, &json, err);
    if (rc == ACG_OK)
        rc = acg_value_parse(p->arena, json.data, json.len, v, err);
    acg_buf_free(&json);
    return rc;
}

/* After a page arrived: cut it to max_items, find the next token, decide whether to go on. */
static int advance(struct acg_pager *p, struct acg_error *err)
{
    struct acg_seq *primary = result_list(p, p->pg->result_keys[0]);
    int64_t count = primary != NULL ? (int64_t)primary->count : 0;
    if (p->max_items > 0 && p->seen + count > p->max_items) {
        int64_t keep_n = p->max_items - p->seen;
        primary->count = (size_t)keep_n;
        p->done = true;
        return set_resume_token(p, keep_n + p->skip, err);
    }
    p->seen += count;
    p->skip = 0;
    struct acg_arena *a = acg_arena_new();
    struct acg_value *page = NULL, *next = NULL;
    struct acg_value_struct_options o = { ACG_VALUE_TIME_WIRE, false, false };
    int rc = a != NULL ? acg_value_from_struct(a, p->op->output, p->page, &o, &page, err)
                       : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = read_next_token(p, a, page, &next, err);
    if (rc == ACG_OK && next != NULL && !all_null(next))
        rc = keep(p, &next, err);
    acg_arena_destroy(a);
    if (rc != ACG_OK)
        return rc;
    if (next == NULL || all_null(next)) {
        p->done = true;
        return ACG_OK;
    }
    p->next_token = next;
    if (p->max_items > 0 && p->seen == p->max_items) {
        p->done = true;
        return set_resume_token(p, 0, err);
    }
    if (p->previous_token != NULL && acg_value_equal(p->previous_token, next))
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "The same next token was received twice");
    p->previous_token = next;
    return ACG_OK;
}

int acg_pager_next(struct acg_pager *p, const void **page, struct acg_error *err)
{
    *page = NULL;
    if (p->failed)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "the pager failed before");
    if (p->done) {
        release_page(p);
        return ACG_OK;
    }
    int rc = fetch(p, err);
    bool first = !p->started;
    p->started = true;
    p->item = 0;
    if (rc == ACG_OK && first && p->skip > 0)
        skip_seen(p);
    if (rc == ACG_OK)
        rc = advance(p, err);
    if (rc != ACG_OK) {
        p->failed = true;
        release_page(p);
        return rc;
    }
    *page = p->page;
    return ACG_OK;
}

/* The shape a dotted member path ends at, from the descriptors alone. */
static const struct acg_shape *path_shape(const struct acg_shape *s, const char *path)
{
    for (;;) {
        size_t len = strcspn(path, ".");
        const struct acg_member *m = s != NULL ? acg_shape_find_member(s, path, len) : NULL;
        if (m == NULL || path[len] == '\0')
            return m != NULL ? m->shape : NULL;
        s = m->shape;
        path += len + 1;
    }
}

int acg_pager_next_item(struct acg_pager *p, const void **item, struct acg_error *err)
{
    const char *key = p->pg->result_keys[0];
    const struct acg_shape *list = path_shape(p->op->output, key);
    *item = NULL;
    if (list == NULL || list->type != ACG_SHAPE_LIST)
        return acg_error_set(err, ACG_ERR_UNSUPPORTED, "%s: the result key %s is not a list",
                             p->op->name, key);
    for (;;) {
        struct acg_seq *seq = p->started && !p->failed ? result_list(p, key) : NULL;
        if (seq != NULL && p->item < seq->count) {
            *item = (const unsigned char *)seq->items + p->item++ * list->item_size;
            return ACG_OK;
        }
        const void *page;
        ACG_TRY(acg_pager_next(p, &page, err));
        if (page == NULL)
            return ACG_OK;
    }
}

/* ---- life ---- */

static int compile_all(struct acg_pager *p, struct acg_error *err)
{
    const struct acg_paginator *pg = p->pg;
    p->output_tokens = acg_arena_calloc(p->arena, pg->token_count, sizeof *p->output_tokens);
    if (p->output_tokens == NULL)
        return ACG_ERR_NOMEM;
    for (size_t i = 0; i < pg->token_count; i++)
        ACG_TRY(acg_jmespath_compile(pg->output_tokens[i], SIZE_MAX, &p->output_tokens[i], err));
    if (pg->more_results != NULL)
        ACG_TRY(acg_jmespath_compile(pg->more_results, SIZE_MAX, &p->more_results, err));
    return ACG_OK;
}

/* The caller's input as a value, with the page size in the limit key. */
static int copy_input(struct acg_pager *p, const void *in, int64_t page_size,
                      struct acg_error *err)
{
    struct acg_value *v;
    ACG_TRY(acg_value_from_struct(p->arena, p->op->input, in, NULL, &v, err));
    p->input = v;
    if (page_size <= 0)
        return ACG_OK;
    const char *key = p->pg->limit_key;
    const struct acg_member *m = key != NULL && p->op->input != NULL
                                     ? acg_shape_find_member(p->op->input, key, strlen(key))
                                     : NULL;
    if (m == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "PageSize parameter is not supported for "
                             "the pagination interface for this operation.");
    char text[ACG_NUMBER_TEXT_MAX];
    size_t n = acg_format_int64(page_size, text);
    struct acg_value *size = m->shape->type == ACG_SHAPE_STRING
                                 ? acg_value_new_string(p->arena, text, n)
                                 : acg_value_new_int(p->arena, page_size);
    return acg_value_object_set(p->arena, p->input, key, strlen(key), size);
}

int acg_pager_new(struct acg_client *client, const struct acg_operation *op, const void *in,
                  const struct acg_pager_options *options, struct acg_pager **out,
                  struct acg_error *err)
{
    struct acg_pager_options none = { NULL, 0, 0 };
    const struct acg_pager_options *o = options != NULL ? options : &none;
    *out = NULL;
    if (op == NULL || op->paginator == NULL || op->paginator->token_count == 0 ||
        op->paginator->token_count > ACG_PAGER_MAX_TOKENS ||
        op->paginator->result_key_count == 0 || op->output == NULL)
        return acg_error_set(err, ACG_ERR_INVALID_ARG, "%s cannot be paginated",
                             op != NULL ? op->name : "(null)");
    struct acg_pager *p = calloc(1, sizeof *p);
    if (p == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory");
    p->client = client;
    p->op = op;
    p->pg = op->paginator;
    p->max_items = o->max_items;
    p->arena = acg_arena_new();
    p->page = calloc(1, op->output->size);
    int rc = p->arena != NULL && p->page != NULL ? ACG_OK : ACG_ERR_NOMEM;
    if (rc == ACG_OK)
        rc = compile_all(p, err);
    if (rc == ACG_OK)
        rc = copy_input(p, in, o->page_size, err);
    p->resumed = o->starting_token != NULL;
    if (rc == ACG_OK)
        rc = p->resumed ? parse_starting_token(p, o->starting_token, err)
                        : empty_token(p, &p->next_token);
    if (rc != ACG_OK) {
        if (rc == ACG_ERR_NOMEM)
            acg_error_set(err, rc, "out of memory");
        acg_pager_free(p);
        return rc;
    }
    *out = p;
    return ACG_OK;
}

void acg_pager_free(struct acg_pager *p)
{
    if (p == NULL)
        return;
    release_page(p);
    free(p->page);
    for (size_t i = 0; p->output_tokens != NULL && i < p->pg->token_count; i++)
        acg_jmespath_destroy(p->output_tokens[i]);
    acg_jmespath_destroy(p->more_results);
    acg_arena_destroy(p->arena);
    free(p);
}

const char *acg_pager_resume_token(const struct acg_pager *p)
{
    return p->resume_token;
}

const struct acg_paginator *acg_pager_paginator(const struct acg_pager *p)
{
    return p->pg;
}
