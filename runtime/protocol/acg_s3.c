/* S3's own rules on top of restXml (protocol/acg_s3.h), after botocore's S3 handlers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "auth/acg_checksum.h"
#include "common/acg_base64.h"
#include "common/acg_buf.h"
#include "common/acg_pattern.h"
#include "protocol/acg_s3.h"
#include "common/acg_text.h"

bool acg_s3_service(const struct acg_service *svc)
{
    return svc != NULL && svc->service_id != NULL && strcmp(svc->service_id, "S3") == 0;
}

bool acg_s3_signing(const struct acg_service *svc)
{
    return acg_s3_service(svc) ||
           (svc != NULL && svc->service_id != NULL && strcmp(svc->service_id, "S3 Control") == 0);
}

const char *acg_s3_request_uri(const struct acg_service *svc, const struct acg_operation *op)
{
    static const char bucket[] = "/{Bucket}";
    const char *uri = op->request_uri != NULL ? op->request_uri : "/";
    if (acg_s3_service(svc) && strncmp(uri, bucket, sizeof bucket - 1) == 0)
        return uri + sizeof bucket - 1;
    return uri;
}

bool acg_s3_host_prefix_applies(const struct acg_service *svc, const struct acg_operation *op)
{
    if (op->host_prefix == NULL)
        return false;
    if (!acg_s3_signing(svc) || acg_s3_service(svc) || strcmp(op->host_prefix, "{AccountId}.") != 0)
        return true;
    for (size_t i = 0; i < op->static_param_count; i++) {
        const struct acg_static_param *p = &op->static_params[i];
        if (strcmp(p->name, "RequiresAccountId") == 0 && p->value == NULL && p->boolean)
            return false;
    }
    return true;
}

/* botocore's ArnParser.is_arn: "arn:" and six ':'-separated parts. */
static bool is_arn(const char *s)
{
    int colons = 0;
    if (strncmp(s, "arn:", 4) != 0)
        return false;
    for (; *s != '\0'; s++)
        colons += *s == ':';
    return colons >= 5;
}

bool acg_s3_force_path_style(const struct acg_operation *op, const char *addressing_style,
                             bool custom_endpoint, const char *bucket)
{
    const char *style = addressing_style != NULL ? addressing_style : "auto";
    bool force = custom_endpoint ? strcmp(style, "virtual") != 0 : strcmp(style, "path") == 0;
    if (op != NULL && op->name != NULL && strcmp(op->name, "GetBucketLocation") == 0)
        return true;
    if (bucket != NULL && is_arn(bucket))
        return false;
    return force;
}

/* ---- EncodingType=url on the list operations ---- */

struct list_keys {
    const char *op;
    const char *top[5];              /* top-level string members, NULL-terminated */
    const char *nested[3][2];        /* list member, its elements' string member */
};

static const struct list_keys lists[] = {
    { "ListObjects", { "Delimiter", "Marker", "NextMarker", NULL },
      { { "Contents", "Key" }, { "CommonPrefixes", "Prefix" }, { NULL, NULL } } },
    { "ListObjectsV2", { "Delimiter", "Prefix", "StartAfter", NULL },
      { { "Contents", "Key" }, { "CommonPrefixes", "Prefix" }, { NULL, NULL } } },
    { "ListObjectVersions", { "KeyMarker", "NextKeyMarker", "Prefix", "Delimiter", NULL },
      { { "Versions", "Key" }, { "DeleteMarkers", "Key" }, { "CommonPrefixes", "Prefix" } } },
};

static const struct list_keys *list_op(const struct acg_operation *op)
{
    for (size_t i = 0; op != NULL && op->name != NULL && i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(op->name, lists[i].op) == 0)
            return &lists[i];
    }
    return NULL;
}

static const struct acg_member *member(const struct acg_shape *s, const char *name)
{
    return s != NULL ? acg_shape_find_member(s, name, strlen(name)) : NULL;
}

void acg_s3_prepare(const struct acg_service *svc, const struct acg_operation *op,
                    const void *in, struct acg_s3_call *call)
{
    memset(call, 0, sizeof *call);
    const struct acg_member *m = member(op->input, "EncodingType");
    call->decode_keys = acg_s3_service(svc) && list_op(op) != NULL && m != NULL && in != NULL &&
                        m->location == ACG_LOC_QUERY && !acg_member_present(m, in);
}

int acg_s3_finish_request(const struct acg_s3_call *call, struct acg_request *req)
{
    /* after the caller's parameters, as botocore's handler adds it to the params dict */
    if (!call->decode_keys)
        return ACG_OK;
    return acg_buf_append_str(&req->query, req->query.len > 0 ? "&encoding-type=url"
                                                               : "encoding-type=url");
}

/* urllib.parse.unquote_plus, in place: '+' is a space, %XX a byte (a bad escape stays). */
static void unquote_plus(char *s)
{
    char *o = s;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && acg_hex_digit(p[1]) >= 0 && acg_hex_digit(p[2]) >= 0) {
            *o++ = (char)(acg_hex_digit(p[1]) * 16 + acg_hex_digit(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static void unquote_at(const unsigned char *base, const struct acg_member *m)
{
    char *s;
    if (m == NULL || m->shape->type != ACG_SHAPE_STRING)
        return;
    memcpy(&s, base + m->offset, sizeof s);
    if (s != NULL)
        unquote_plus(s);   /* the output's strings live in its arena: writable */
}

void acg_s3_finish(const struct acg_operation *op, const struct acg_s3_call *call, void *out)
{
    const struct list_keys *l = list_op(op);
    const struct acg_shape *s = op != NULL ? op->output : NULL;
    const unsigned char *base = out;
    const struct acg_member *enc = member(s, "EncodingType");
    const char *value = NULL;
    if (l == NULL || call == NULL || !call->decode_keys || out == NULL || enc == NULL)
        return;
    memcpy(&value, base + enc->offset, sizeof value);
    if (value == NULL || strcmp(value, "url") != 0)
        return;
    for (size_t i = 0; l->top[i] != NULL; i++)
        unquote_at(base, member(s, l->top[i]));
    for (size_t i = 0; i < 3 && l->nested[i][0] != NULL; i++) {
        const struct acg_member *list = member(s, l->nested[i][0]);
        if (list == NULL || list->shape->type != ACG_SHAPE_LIST)
            continue;
        const struct acg_shape *item = list->shape->item;
        const struct acg_member *key = member(item, l->nested[i][1]);
        const struct acg_seq *seq = (const void *)(base + list->offset);
        for (size_t j = 0; key != NULL && j < seq->count; j++)
            unquote_at((const unsigned char *)seq->items + j * list->shape->item_size, key);
    }
}

/* ---- bucket names ---- */

#define VALID_BUCKET "^[a-zA-Z0-9.\\-_]{1,255}$"
#define VALID_S3_ARN "^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:]" \
                     "[a-zA-Z0-9\\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:" \
                     "outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\\-]{1,63}$"

static bool plain_bucket(const char *b)
{
    size_t n = 0;
    for (; b[n] != '\0'; n++) {
        char c = b[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return n >= 1 && n <= 255;
}

int acg_s3_validate_bucket(const struct acg_service *svc, const struct acg_operation *op,
                           const void *in, struct acg_error *err)
{
    static struct acg_pattern arn = ACG_PATTERN_INIT(VALID_S3_ARN);
    const struct acg_member *m = member(op->input, "Bucket");
    const char *bucket = NULL;
    if (!acg_s3_service(svc) || in == NULL || m == NULL || m->shape->type != ACG_SHAPE_STRING)
        return ACG_OK;
    memcpy(&bucket, (const unsigned char *)in + m->offset, sizeof bucket);
    if (bucket == NULL || plain_bucket(bucket) ||
        acg_pattern_search(&arn, bucket, strlen(bucket)) == 1)
        return ACG_OK;
    return acg_error_set(err, ACG_ERR_VALIDATION, "Invalid bucket name \"%s\": Bucket name "
                         "must match the regex \"%s\" or be an ARN matching the regex \"%s\"",
                         bucket, VALID_BUCKET, VALID_S3_ARN);
}

/* ---- CopySource ---- */

/* botocore's percent_encode with safe "-._~/": everything else as %XX of its UTF-8 bytes. */
static int quote_into(struct acg_buf *b, const char *s, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c) != NULL) {
            ACG_TRY(acg_buf_append_char(b, (char)c));
        } else {
            char esc[3] = { '%', digits[c >> 4], digits[c & 15] };
            ACG_TRY(acg_buf_append(b, esc, 3));
        }
    }
    return ACG_OK;
}

/* The start of a "?versionId=..." suffix (VERSION_ID_SUFFIX: no white space after it), or
 * the end. */
static size_t version_suffix(const char *s)
{
    size_t len = strlen(s);
    const char *v = NULL;
    for (const char *p = strstr(s, "?versionId="); p != NULL; p = strstr(p + 1, "?versionId="))
        v = p;
    if (v == NULL || v[11] == '\0')
        return len;
    for (const char *p = v + 11; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            return len;
    }
    return (size_t)(v - s);
}

int acg_s3_quote_copy_source(const struct acg_service *svc, const struct acg_operation *op,
                             struct acg_arena **arena, const void **in, struct acg_error *err)
{
    const struct acg_member *m = member(op->input, "CopySource");
    const char *source;
    if (!acg_s3_service(svc) || m == NULL || m->shape->type != ACG_SHAPE_STRING || *in == NULL ||
        !acg_member_present(m, *in) ||
        (strcmp(op->name, "CopyObject") != 0 && strcmp(op->name, "UploadPartCopy") != 0))
        return ACG_OK;
    memcpy(&source, (const unsigned char *)*in + m->offset, sizeof source);
    size_t cut = version_suffix(source);
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = quote_into(&b, source, cut);
    if (rc == ACG_OK)
        rc = acg_buf_append_str(&b, source + cut);
    if (rc == ACG_OK && *arena == NULL && (*arena = acg_arena_new()) == NULL)
        rc = ACG_ERR_NOMEM;
    unsigned char *copy = rc == ACG_OK ? acg_arena_calloc(*arena, 1, op->input->size) : NULL;
    char *quoted = copy != NULL ? acg_arena_strndup(*arena, b.data ? b.data : "", b.len) : NULL;
    acg_buf_free(&b);
    if (quoted == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    memcpy(copy, *in, op->input->size);
    memcpy(copy + m->offset, &quoted, sizeof quoted);
    *in = copy;
    return ACG_OK;
}

/* ---- SSE-C keys ---- */

/* A string member of s by name, or NULL. */
static const struct acg_member *string_member(const struct acg_shape *s, const char *name)
{
    const struct acg_member *m = member(s, name);
    return m != NULL && m->shape->type == ACG_SHAPE_STRING ? m : NULL;
}

static const char *string_at(const void *in, const struct acg_member *m)
{
    const char *v = NULL;
    if (m != NULL)
        memcpy(&v, (const unsigned char *)in + m->offset, sizeof v);
    return v;
}

/* botocore's _sse_md5 for one prefix: a key without its MD5 goes base64-encoded, with the
 * base64 MD5 of its bytes beside it. */
static int sse_md5(const struct acg_operation *op, const char *prefix, struct acg_arena **arena,
                   const void **in, struct acg_error *err)
{
    char key_name[48], md5_name[48], md5[ACG_CHECKSUM_TEXT_MAX];
    snprintf(key_name, sizeof key_name, "%sKey", prefix);
    snprintf(md5_name, sizeof md5_name, "%sKeyMD5", prefix);
    const struct acg_member *k = string_member(op->input, key_name);
    const struct acg_member *m = string_member(op->input, md5_name);
    const char *key = string_at(*in, k), *given = string_at(*in, m);
    if (key == NULL || m == NULL || (given != NULL && given[0] != '\0'))
        return ACG_OK;
    struct acg_buf b;
    acg_buf_init(&b, 0);
    int rc = acg_md5_base64(key, strlen(key), md5);
    if (rc == ACG_OK)
        rc = acg_base64_encode((const uint8_t *)key, strlen(key), &b);
    if (rc == ACG_OK && *arena == NULL && (*arena = acg_arena_new()) == NULL)
        rc = ACG_ERR_NOMEM;
    unsigned char *copy = rc == ACG_OK ? acg_arena_calloc(*arena, 1, op->input->size) : NULL;
    char *encoded = copy != NULL ? acg_arena_strndup(*arena, b.data ? b.data : "", b.len) : NULL;
    char *digest = encoded != NULL ? acg_arena_strndup(*arena, md5, strlen(md5)) : NULL;
    acg_buf_free_secure(&b);
    if (digest == NULL)
        return acg_error_set(err, ACG_ERR_NOMEM, "out of memory building the request");
    memcpy(copy, *in, op->input->size);
    memcpy(copy + k->offset, &encoded, sizeof encoded);
    memcpy(copy + m->offset, &digest, sizeof digest);
    *in = copy;
    return ACG_OK;
}

int acg_s3_sse_customer_keys(const struct acg_service *svc, const struct acg_operation *op,
                             struct acg_arena **arena, const void **in, struct acg_error *err)
{
    static const char *const ops[] = {
        "HeadObject", "GetObject", "PutObject", "CopyObject", "CreateMultipartUpload",
        "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "SelectObjectContent",
    };
    bool listed = false;
    for (size_t i = 0; op->name != NULL && i < sizeof ops / sizeof ops[0]; i++)
        listed = listed || strcmp(op->name, ops[i]) == 0;
    if (!acg_s3_service(svc) || !listed || *in == NULL || op->input == NULL)
        return ACG_OK;
    ACG_TRY(sse_md5(op, "SSECustomer", arena, in, err));
    if (strcmp(op->name, "CopyObject") == 0 || strcmp(op->name, "UploadPartCopy") == 0)
        ACG_TRY(sse_md5(op, "CopySourceSSECustomer", arena, in, err));
    return ACG_OK;
}

/* ---- GetBucketLocation ---- */

struct location {
    int depth;
    bool child;        /* the root has had a child element: its text is over */
    struct acg_buf text;
    bool failed;
};

static void XMLCALL loc_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct location *l = ud;
    (void)name;
    (void)attrs;
    l->child = l->child || l->depth >= 1;
    l->depth++;
}

static void XMLCALL loc_end(void *ud, const XML_Char *name)
{
    (void)name;
    ((struct location *)ud)->depth--;
}

/* ElementTree's root.text: the root's text before its first child. */
static void XMLCALL loc_text(void *ud, const XML_Char *s, int len)
{
    struct location *l = ud;
    if (l->depth == 1 && !l->child && len > 0 && acg_buf_append(&l->text, s, (size_t)len) != ACG_OK)
        l->failed = true;
}

int acg_s3_bucket_location(const struct acg_operation *op, const char *body, size_t len,
                           void *out, struct acg_arena *arena)
{
    const struct acg_member *m = member(op->output, "LocationConstraint");
    if (op->name == NULL || strcmp(op->name, "GetBucketLocation") != 0 || m == NULL ||
        m->shape->type != ACG_SHAPE_STRING || out == NULL || body == NULL || len == 0 ||
        len > (size_t)0x7fffffff)
        return ACG_OK;
    struct location l;
    memset(&l, 0, sizeof l);
    acg_buf_init(&l.text, 0);
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        return ACG_ERR_NOMEM;
    XML_SetUserData(p, &l);
    XML_SetElementHandler(p, loc_start, loc_end);
    XML_SetCharacterDataHandler(p, loc_text);
    int rc = XML_Parse(p, body, (int)len, 1) == XML_STATUS_ERROR ? ACG_ERR_JSON : ACG_OK;
    XML_ParserFree(p);
    char *value = NULL;
    if (rc == ACG_OK && !l.failed && l.text.len > 0 &&
        (value = acg_arena_strndup(arena, l.text.data, l.text.len)) == NULL)
        rc = ACG_ERR_NOMEM;
    acg_buf_free(&l.text);
    if (value != NULL)
        memcpy((unsigned char *)out + m->offset, &value, sizeof value);
    return rc;
}

/* ---- errors with status 200 ---- */

struct root {
    bool seen;
    bool error;
};

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct root *r = ud;
    (void)attrs;
    if (!r->seen)
        r->error = strcmp(name, "Error") == 0;
    r->seen = true;
}

bool acg_s3_error_in_200(const struct acg_operation *op, long status, const char *body,
                         size_t len)
{
    const struct acg_shape *s = op != NULL ? op->output : NULL;
    if (status != 200 || body == NULL || len == 0 || s == NULL ||
        (op->flags & ACG_OP_EVENT_STREAM))
        return false;
    for (size_t i = 0; i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if ((m->flags & ACG_MEMBER_PAYLOAD) &&
            (m->shape->type == ACG_SHAPE_BLOB || m->shape->type == ACG_SHAPE_STRING))
            return false;
    }
    struct root r = { false, false };
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        return false;
    XML_SetUserData(p, &r);
    XML_SetStartElementHandler(p, on_start);
    bool broken = true;
    if (len <= (size_t)0x7fffffff)
        broken = XML_Parse(p, body, (int)len, 1) == XML_STATUS_ERROR;
    XML_ParserFree(p);
    return broken || r.error;
}
