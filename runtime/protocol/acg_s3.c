/* S3's own rules on top of restXml (protocol/acg_s3.h), after botocore's S3 handlers. */
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "protocol/acg_s3.h"

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

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* urllib.parse.unquote_plus, in place: '+' is a space, %XX a byte (a bad escape stays). */
static void unquote_plus(char *s)
{
    char *o = s;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '+') {
            *o++ = ' ';
        } else if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            *o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
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
