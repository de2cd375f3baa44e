/* Document tree -> model. Two passes: create every shape (so references can point
 * anywhere), then fill and check each one. Every problem is reported with its position and
 * the walk goes on, so one run lists them all. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_arena.h"
#include "model.h"

struct ctx {
    struct model *m;
    struct diag *d;
    struct acg_arena *a;
    const struct doc_node *shapes; /* the model's "shapes" mapping, once found */
};

static const struct {
    const char *name;
    enum shape_type type;
} type_names[] = {
    { "structure", SHAPE_STRUCTURE }, { "list", SHAPE_LIST },       { "map", SHAPE_MAP },
    { "string", SHAPE_STRING },       { "boolean", SHAPE_BOOLEAN }, { "integer", SHAPE_INTEGER },
    { "long", SHAPE_LONG },           { "float", SHAPE_FLOAT },     { "double", SHAPE_DOUBLE },
    { "timestamp", SHAPE_TIMESTAMP }, { "blob", SHAPE_BLOB },
};

const char *shape_type_name(enum shape_type t)
{
    switch (t) {
    case SHAPE_UNION: return "union";
    case SHAPE_DOCUMENT: return "document";
    default: break;
    }
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (type_names[i].type == t)
            return type_names[i].name;
    }
    return "?";
}

GEN_PRINTF(3, 4)
static void err(struct ctx *c, const struct doc_node *at, const char *fmt, ...)
{
    struct gen_mark mk = at ? at->mark : (struct gen_mark){ 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    diag_verror(c->d, c->m->path, mk, fmt, ap);
    va_end(ap);
}

static int by_shape_name(const void *a, const void *b)
{
    return strcmp((*(struct shape *const *)a)->name, (*(struct shape *const *)b)->name);
}

static int by_op_name(const void *a, const void *b)
{
    return strcmp(((const struct operation *)a)->name, ((const struct operation *)b)->name);
}

struct shape *model_find_shape(const struct model *m, const char *name)
{
    size_t lo = 0, hi = m->shape_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, m->shapes[mid]->name);
        if (c == 0)
            return m->shapes[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct operation *model_find_operation(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->operation_count; i++) {
        if (strcmp(m->operations[i].name, name) == 0)
            return &m->operations[i];
    }
    return NULL;
}

/* A shape reference: {shape: Name}. */
static struct shape *resolve_ref(struct ctx *c, const struct doc_node *ref, const char *where)
{
    if (ref == NULL || ref->kind != DOC_MAP) {
        err(c, ref, "%s: expected a mapping with a \"shape\" key", where);
        return NULL;
    }
    const struct doc_node *name = doc_get(ref, "shape");
    if (!doc_is_scalar(name)) {
        err(c, ref, "%s: missing \"shape\"", where);
        return NULL;
    }
    struct shape *s = model_find_shape(c->m, name->text);
    /* A shape that is defined but was rejected has its own error already. */
    if (s == NULL && (c->shapes == NULL || doc_get(c->shapes, name->text) == NULL))
        err(c, name, "%s: target \"%s\" is not defined", where, name->text);
    return s;
}

static bool parse_bound(struct ctx *c, const struct doc_node *n, const char *shape, const char *key,
                        struct bound *out)
{
    if (n == NULL)
        return true;
    char *end = NULL;
    if (!doc_is_scalar(n) || n->quoted || n->text_len == 0) {
        err(c, n, "shapes.%s.%s: expected a number", shape, key);
        return false;
    }
    errno = 0;
    double d = strtod(n->text, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(d)) {
        err(c, n, "shapes.%s.%s: \"%s\" is not a number", shape, key, n->text);
        return false;
    }
    out->set = true;
    out->d = d;
    errno = 0;
    long long i = strtoll(n->text, &end, 10);
    if (*end == '\0' && errno == 0)
        out->i = (int64_t)i;
    else
        out->i = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
    return true;
}

static const char *scalar_or_null(const struct doc_node *n)
{
    return doc_is_scalar(n) ? n->text : NULL;
}

static const struct {
    const char *name;
    enum member_location loc;
} locations[] = {
    { "uri", LOC_URI },         { "querystring", LOC_QUERY }, { "header", LOC_HEADER },
    { "headers", LOC_HEADERS }, { "statusCode", LOC_STATUS_CODE },
};

/* Traits that decide how a member travels: HTTP bindings and XML names. */
static void fill_member_traits(struct ctx *c, struct shape *s, struct member *mb,
                               const struct doc_node *mdef)
{
    const struct doc_node *loc = doc_get(mdef, "location");
    mb->location_name = doc_get_str(mdef, "locationName");
    if (doc_get_str(mdef, "queryName") != NULL)
        mb->location_name = doc_get_str(mdef, "queryName");
    mb->jsonvalue = doc_is_true(doc_get(mdef, "jsonvalue"));
    mb->xml_attribute = doc_is_true(doc_get(mdef, "xmlAttribute"));
    mb->flattened = doc_is_true(doc_get(mdef, "flattened"));
    mb->streaming = doc_is_true(doc_get(mdef, "streaming"));
    mb->event_payload = doc_is_true(doc_get(mdef, "eventpayload"));
    mb->xml_ns_uri = doc_get_str(doc_get(mdef, "xmlNamespace"), "uri");
    mb->xml_ns_prefix = doc_get_str(doc_get(mdef, "xmlNamespace"), "prefix");
    if (loc == NULL)
        return;
    for (size_t i = 0; i < sizeof locations / sizeof locations[0]; i++) {
        if (doc_is_scalar(loc) && strcmp(loc->text, locations[i].name) == 0) {
            mb->location = locations[i].loc;
            return;
        }
    }
    err(c, loc, "shapes.%s.members.%s.location: unknown location \"%s\"", s->name, mb->name,
        doc_is_scalar(loc) ? loc->text : "?");
}

static void fill_members(struct ctx *c, struct shape *s, const struct doc_node *def)
{
    const struct doc_node *members = doc_get(def, "members");
    if (members == NULL || members->kind != DOC_MAP) {
        err(c, members ? members : def, "shapes.%s: a structure needs a \"members\" mapping", s->name);
        return;
    }
    s->member_count = members->count;
    s->members = acg_arena_calloc(c->a, members->count, sizeof *s->members);
    if (s->members == NULL)
        return;
    for (size_t i = 0; i < members->count; i++) {
        struct member *mb = &s->members[i];
        const struct doc_node *mdef = members->pairs[i].value;
        char where[512];
        mb->name = members->pairs[i].key->text;
        mb->mark = members->pairs[i].key->mark;
        snprintf(where, sizeof where, "shapes.%s.members.%s", s->name, mb->name);
        mb->target = resolve_ref(c, mdef, where);
        mb->doc = doc_get_str(mdef, "documentation");
        mb->idempotency_token = doc_is_true(doc_get(mdef, "idempotencyToken"));
        mb->host_label = doc_is_true(doc_get(mdef, "hostLabel"));
        mb->deprecated = doc_is_true(doc_get(mdef, "deprecated"));
        mb->context_param = doc_get_str(doc_get(mdef, "contextParam"), "name");
        fill_member_traits(c, s, mb, mdef);
    }
    const struct doc_node *req = doc_get(def, "required");
    if (req == NULL)
        return;
    if (req->kind != DOC_SEQ) {
        err(c, req, "shapes.%s.required: expected a list of member names", s->name);
        return;
    }
    for (size_t i = 0; i < req->count; i++) {
        const struct doc_node *r = req->items[i];
        bool found = false;
        for (size_t j = 0; doc_is_scalar(r) && j < s->member_count; j++) {
            if (strcmp(s->members[j].name, r->text) == 0) {
                s->members[j].required = true;
                found = true;
            }
        }
        if (!found)
            err(c, r, "shapes.%s.required: \"%s\" is not a member", s->name,
                doc_is_scalar(r) ? r->text : "?");
    }
}

static struct member *single_ref(struct ctx *c, struct shape *s, const struct doc_node *def,
                                 const char *key)
{
    char where[512];
    const struct doc_node *ref = doc_get(def, key);
    snprintf(where, sizeof where, "shapes.%s.%s", s->name, key);
    if (ref == NULL) {
        err(c, def, "shapes.%s: a %s needs \"%s\"", s->name, shape_type_name(s->type), key);
        return NULL;
    }
    struct member *mb = acg_arena_calloc(c->a, 1, sizeof *mb);
    if (mb == NULL)
        return NULL;
    mb->name = key;
    mb->mark = ref->mark;
    mb->target = resolve_ref(c, ref, where);
    mb->doc = doc_get_str(ref, "documentation");
    fill_member_traits(c, s, mb, ref);
    return mb;
}

/* The payload trait names the member that is the whole body. */
static void mark_payload(struct ctx *c, struct shape *s, const struct doc_node *def)
{
    if (s->payload == NULL)
        return;
    for (size_t i = 0; i < s->member_count; i++) {
        if (strcmp(s->members[i].name, s->payload) == 0) {
            s->members[i].payload = true;
            return;
        }
    }
    err(c, doc_get(def, "payload"), "shapes.%s.payload: \"%s\" is not a member", s->name,
        s->payload);
}

static void fill_shape(struct ctx *c, struct shape *s, const struct doc_node *def)
{
    s->doc = doc_get_str(def, "documentation");
    s->sensitive = doc_is_true(doc_get(def, "sensitive"));
    s->deprecated = doc_is_true(doc_get(def, "deprecated"));
    s->exception = doc_is_true(doc_get(def, "exception"));
    s->event_stream = doc_is_true(doc_get(def, "eventstream"));
    const struct doc_node *error = doc_get(def, "error");
    s->error_code = doc_get_str(error, "code");
    s->fault = doc_is_true(doc_get(def, "fault")) ||
               (error != NULL && doc_get(error, "senderFault") != NULL &&
                !doc_is_true(doc_get(error, "senderFault")));
    const char *status = doc_get_str(error, "httpStatusCode");
    if (status != NULL)
        s->http_status = (int)strtol(status, NULL, 10);
    s->payload = scalar_or_null(doc_get(def, "payload"));
    s->streaming = doc_is_true(doc_get(def, "streaming"));
    s->requires_length = doc_is_true(doc_get(def, "requiresLength"));
    s->flattened = doc_is_true(doc_get(def, "flattened"));
    s->sparse = doc_is_true(doc_get(def, "sparse"));
    s->xml_ns_uri = doc_get_str(doc_get(def, "xmlNamespace"), "uri");
    s->xml_ns_prefix = doc_get_str(doc_get(def, "xmlNamespace"), "prefix");
    s->location_name = scalar_or_null(doc_get(def, "locationName"));
    const struct doc_node *retry = doc_get(def, "retryable");
    if (retry != NULL) {
        s->retryable = true;
        s->throttling = doc_is_true(doc_get(retry, "throttling"));
    }
    s->pattern = scalar_or_null(doc_get(def, "pattern"));
    s->timestamp_format = scalar_or_null(doc_get(def, "timestampFormat"));
    if (s->timestamp_format != NULL && strcmp(s->timestamp_format, "iso8601") != 0 &&
        strcmp(s->timestamp_format, "unixTimestamp") != 0 && strcmp(s->timestamp_format, "rfc822") != 0)
        err(c, doc_get(def, "timestampFormat"), "shapes.%s.timestampFormat: unknown format \"%s\"",
            s->name, s->timestamp_format);
    parse_bound(c, doc_get(def, "min"), s->name, "min", &s->min);
    parse_bound(c, doc_get(def, "max"), s->name, "max", &s->max);
    if (s->min.set && s->max.set && s->min.d > s->max.d)
        err(c, doc_get(def, "min"), "shapes.%s: min is greater than max", s->name);
    const struct doc_node *en = doc_get(def, "enum");
    if (en != NULL) {
        if (en->kind != DOC_SEQ) {
            err(c, en, "shapes.%s.enum: expected a list of strings", s->name);
        } else {
            s->enum_values = acg_arena_calloc(c->a, en->count, sizeof *s->enum_values);
            for (size_t i = 0; s->enum_values && i < en->count; i++) {
                if (!doc_is_scalar(en->items[i]))
                    err(c, en->items[i], "shapes.%s.enum: expected a string", s->name);
                else
                    s->enum_values[s->enum_count++] = en->items[i]->text;
            }
        }
    }
    switch (s->type) {
    case SHAPE_STRUCTURE:
    case SHAPE_UNION:
        fill_members(c, s, def);
        mark_payload(c, s, def);
        break;
    case SHAPE_LIST:
        s->item = single_ref(c, s, def, "member");
        break;
    case SHAPE_MAP:
        s->key = single_ref(c, s, def, "key");
        s->value = single_ref(c, s, def, "value");
        if (s->key && s->key->target && s->key->target->type != SHAPE_STRING)
            err(c, doc_get(def, "key"), "shapes.%s.key: map keys must be strings, not %s", s->name,
                shape_type_name(s->key->target->type));
        break;
    default:
        break;
    }
}

/* The protocols the generator knows, in botocore's order of preference: when a model offers
 * several (metadata.protocols), botocore takes the first of this list the service offers,
 * and so do we, so the program speaks what the AWS CLI speaks. */
static const char *const known_protocols[] = {
    "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor", "query", "ec2",
};

static bool is_known_protocol(const char *p)
{
    for (size_t i = 0; i < sizeof known_protocols / sizeof known_protocols[0]; i++) {
        if (strcmp(known_protocols[i], p) == 0)
            return true;
    }
    return false;
}

static bool offers(const struct doc_node *protos, const char *name)
{
    for (size_t i = 0; protos != NULL && protos->kind == DOC_SEQ && i < protos->count; i++) {
        if (doc_is_scalar(protos->items[i]) && strcmp(protos->items[i]->text, name) == 0)
            return true;
    }
    return false;
}

/* The first of our list that metadata.protocols offers, else metadata.protocol. */
static void choose_protocol(struct ctx *c, const struct doc_node *md)
{
    struct model *m = c->m;
    const struct doc_node *protos = doc_get(md, "protocols");
    for (size_t i = 0; i < sizeof known_protocols / sizeof known_protocols[0]; i++) {
        if (offers(protos, known_protocols[i])) {
            m->protocol = known_protocols[i];
            return;
        }
    }
    if (m->protocol == NULL || !is_known_protocol(m->protocol))
        err(c, md, "metadata.protocol: \"%s\" is not a protocol this generator knows (json, "
            "rest-json, rest-xml, query, ec2, smithy-rpc-v2-cbor)",
            m->protocol ? m->protocol : "(missing)");
}

static void load_metadata(struct ctx *c, const struct doc_node *root)
{
    struct model *m = c->m;
    const struct doc_node *md = doc_get(root, "metadata");
    if (md == NULL || md->kind != DOC_MAP) {
        err(c, root, "the model has no \"metadata\" mapping");
        return;
    }
    m->api_version = doc_get_str(md, "apiVersion");
    m->endpoint_prefix = doc_get_str(md, "endpointPrefix");
    m->json_version = doc_get_str(md, "jsonVersion");
    m->protocol = doc_get_str(md, "protocol");
    m->service_full_name = doc_get_str(md, "serviceFullName");
    m->service_id = doc_get_str(md, "serviceId");
    m->signing_name = doc_get_str(md, "signingName");
    m->target_prefix = doc_get_str(md, "targetPrefix");
    m->uid = doc_get_str(md, "uid");
    m->xml_namespace = doc_get_str(md, "xmlNamespace");
    m->query_compatible = doc_get(md, "awsQueryCompatible") != NULL;
    m->doc = doc_get_str(root, "documentation");
    choose_protocol(c, md);
    if (m->json_version == NULL)
        m->json_version = "1.0";
    else if (strcmp(m->json_version, "1.0") != 0 && strcmp(m->json_version, "1.1") != 0)
        err(c, doc_get(md, "jsonVersion"), "metadata.jsonVersion: unknown version \"%s\"",
            m->json_version);
    if (m->signing_name == NULL)
        m->signing_name = m->endpoint_prefix;
    /* awsJson and rpc-v2-cbor name their operations by the target prefix. */
    bool needs_target = m->protocol != NULL && (strcmp(m->protocol, "json") == 0 ||
                                                strcmp(m->protocol, "smithy-rpc-v2-cbor") == 0);
    const char *required[][2] = { { "apiVersion", m->api_version },
                                  { "endpointPrefix", m->endpoint_prefix },
                                  { "serviceId", m->service_id },
                                  { "targetPrefix", needs_target ? m->target_prefix : "" } };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (required[i][1] == NULL)
            err(c, md, "metadata.%s is missing", required[i][0]);
    }
}

static void load_context(struct ctx *c, const struct doc_node *n, bool paths,
                         struct context_value **out, size_t *count)
{
    if (n == NULL || n->kind != DOC_MAP)
        return;
    *out = acg_arena_calloc(c->a, n->count, sizeof **out);
    if (*out == NULL)
        return;
    for (size_t i = 0; i < n->count; i++) {
        struct context_value *v = &(*out)[(*count)++];
        const struct doc_node *val = doc_get(n->pairs[i].value, paths ? "path" : "value");
        v->name = n->pairs[i].key->text;
        if (!doc_is_scalar(val)) {
            err(c, n->pairs[i].value, "context parameter %s: expected a scalar %s", v->name,
                paths ? "path" : "value");
            continue;
        }
        v->is_bool = !paths && !val->quoted &&
                     (strcmp(val->text, "true") == 0 || strcmp(val->text, "false") == 0);
        v->boolean = v->is_bool && val->text[0] == 't';
        v->str = val->text;
    }
}

static bool seq_has(const struct doc_node *seq, const char *value)
{
    for (size_t i = 0; seq != NULL && seq->kind == DOC_SEQ && i < seq->count; i++) {
        if (doc_is_scalar(seq->items[i]) && strcmp(seq->items[i]->text, value) == 0)
            return true;
    }
    return false;
}

/* The HTTP binding, auth and checksum traits of an operation. */
static void load_http(struct ctx *c, struct operation *op, const struct doc_node *def)
{
    const struct doc_node *http = doc_get(def, "http");
    const char *authtype = doc_get_str(def, "authtype");
    const struct doc_node *sum = doc_get(def, "httpChecksum");
    op->http_method = doc_get_str(http, "method");
    op->request_uri = doc_get_str(http, "requestUri");
    if (op->http_method == NULL)
        op->http_method = "POST";
    if (op->request_uri == NULL)
        op->request_uri = "/";
    if (op->request_uri[0] != '/')
        err(c, doc_get(http, "requestUri"), "operations.%s.http.requestUri: \"%s\" does not start "
            "with '/'", op->name, op->request_uri);
    const char *code = doc_get_str(http, "responseCode");
    if (code != NULL)
        op->response_code = (int)strtol(code, NULL, 10);
    op->idempotent = doc_is_true(doc_get(def, "idempotent"));
    op->no_auth = seq_has(doc_get(def, "auth"), "smithy.api#noAuth") ||
                  (authtype != NULL && strcmp(authtype, "none") == 0);
    op->unsigned_payload = doc_is_true(doc_get(def, "unsignedPayload")) ||
                           (authtype != NULL && strcmp(authtype, "v4-unsigned-body") == 0);
    op->checksum_required = doc_is_true(doc_get(def, "httpChecksumRequired")) ||
                            doc_is_true(doc_get(sum, "requestChecksumRequired"));
    op->checksum_algorithm_member = doc_get_str(sum, "requestAlgorithmMember");
    op->checksum_mode_member = doc_get_str(sum, "requestValidationModeMember");
    const struct doc_node *algs = doc_get(sum, "responseAlgorithms");
    if (algs != NULL && algs->kind == DOC_SEQ && algs->count > 0) {
        op->response_algorithms = acg_arena_calloc(c->a, algs->count, sizeof *op->response_algorithms);
        for (size_t i = 0; op->response_algorithms && i < algs->count; i++) {
            if (doc_is_scalar(algs->items[i]))
                op->response_algorithms[op->response_algorithm_count++] = algs->items[i]->text;
        }
    }
}

static void load_operation(struct ctx *c, struct operation *op, const char *name,
                           const struct doc_node *def)
{
    char where[512];
    op->name = name;
    op->mark = def->mark;
    op->doc = doc_get_str(def, "documentation");
    op->deprecated = doc_is_true(doc_get(def, "deprecated"));
    snprintf(where, sizeof where, "operations.%s.input", name);
    if (doc_get(def, "input"))
        op->input = resolve_ref(c, doc_get(def, "input"), where);
    if (op->input != NULL) {
        /* restXml names the request body's root element on the input reference
         * (locationName, xmlNamespace), as botocore's input_shape carries it: it becomes the
         * input shape's own, an input being one operation's. */
        const struct doc_node *ref = doc_get(def, "input");
        const char *root = scalar_or_null(doc_get(ref, "locationName"));
        const char *ns = doc_get_str(doc_get(ref, "xmlNamespace"), "uri");
        if (root != NULL && op->input->location_name == NULL)
            op->input->location_name = root;
        if (ns != NULL && op->input->xml_ns_uri == NULL)
            op->input->xml_ns_uri = ns;
    }
    snprintf(where, sizeof where, "operations.%s.output", name);
    if (doc_get(def, "output"))
        op->output = resolve_ref(c, doc_get(def, "output"), where);
    const struct doc_node *errs = doc_get(def, "errors");
    if (errs != NULL && errs->kind == DOC_SEQ) {
        op->errors = acg_arena_calloc(c->a, errs->count, sizeof *op->errors);
        for (size_t i = 0; op->errors && i < errs->count; i++) {
            snprintf(where, sizeof where, "operations.%s.errors[%zu]", name, i);
            struct shape *e = resolve_ref(c, errs->items[i], where);
            if (e != NULL)
                op->errors[op->error_count++] = e;
        }
    }
    op->host_prefix = doc_get_str(doc_get(def, "endpoint"), "hostPrefix");
    load_http(c, op, def);
    const struct doc_node *enc = doc_get(doc_get(def, "requestcompression"), "encodings");
    for (size_t i = 0; enc && enc->kind == DOC_SEQ && i < enc->count; i++) {
        if (doc_is_scalar(enc->items[i]) && strcmp(enc->items[i]->text, "gzip") == 0)
            op->request_compression = true;
    }
    load_context(c, doc_get(def, "staticContextParams"), false, &op->static_context,
                 &op->static_context_count);
    load_context(c, doc_get(def, "operationContextParams"), true, &op->path_context,
                 &op->path_context_count);
}

/* A structure holding an eventstream member makes its operation an event-stream one. */
static bool has_event_stream(const struct shape *s)
{
    for (size_t i = 0; s && i < s->member_count; i++) {
        if (s->members[i].target && s->members[i].target->event_stream)
            return true;
    }
    return false;
}

/* A shape's name, mark and type (structure, union or document); NULL after an error. */
static struct shape *declare_shape(struct ctx *c, const struct doc_pair *pair)
{
    const struct doc_node *def = pair->value;
    const char *name = pair->key->text;
    const struct doc_node *type = doc_get(def, "type");
    struct shape *s = acg_arena_calloc(c->a, 1, sizeof *s);
    if (s == NULL) {
        err(c, def, "shapes.%s: out of memory", name);
        return NULL;
    }
    s->name = name;
    s->mark = pair->key->mark;
    if (!doc_is_scalar(type)) {
        err(c, def, "shapes.%s: missing \"type\"", name);
        return NULL;
    }
    bool known = false;
    for (size_t t = 0; t < sizeof type_names / sizeof type_names[0]; t++) {
        if (strcmp(type->text, type_names[t].name) == 0) {
            s->type = type_names[t].type;
            known = true;
        }
    }
    if (!known) {
        err(c, type, "shapes.%s.type: unknown type \"%s\"", name, type->text);
        return NULL;
    }
    if (s->type == SHAPE_STRUCTURE && doc_is_true(doc_get(def, "union")))
        s->type = SHAPE_UNION;
    if (s->type == SHAPE_STRUCTURE && doc_is_true(doc_get(def, "document")))
        s->type = SHAPE_DOCUMENT;
    return s;
}

/* Every shape declared (sorted by name, so references resolve by search), then filled. */
static int load_shapes(struct ctx *c, const struct doc_node *root)
{
    struct model *m = c->m;
    const struct doc_node *shapes = doc_get(root, "shapes");
    if (shapes == NULL || shapes->kind != DOC_MAP) {
        err(c, root, "the model has no \"shapes\" mapping");
        return -1;
    }
    c->shapes = shapes;
    m->shapes = acg_arena_calloc(c->a, shapes->count, sizeof *m->shapes);
    if (m->shapes == NULL)
        return -1;
    for (size_t i = 0; i < shapes->count; i++) {
        struct shape *s = declare_shape(c, &shapes->pairs[i]);
        if (s != NULL)
            m->shapes[m->shape_count++] = s;
    }
    qsort(m->shapes, m->shape_count, sizeof *m->shapes, by_shape_name);
    for (size_t i = 0; i < shapes->count; i++) {
        struct shape *s = model_find_shape(m, shapes->pairs[i].key->text);
        if (s != NULL)
            fill_shape(c, s, shapes->pairs[i].value);
    }
    return 0;
}

/* A shape's namespace with a prefix (S3's Grantee: xmlns:xsi) goes on each member that
 * refers to the shape without a namespace of its own, where the tables keep prefixes;
 * botocore merges the two the same way. */
static void inherit_namespaces(struct model *m)
{
    for (size_t i = 0; i < m->shape_count; i++) {
        struct shape *s = m->shapes[i];
        for (size_t k = 0; k < s->member_count + 3; k++) {
            struct member *mb = k < s->member_count ? &s->members[k]
                                : k == s->member_count ? s->item
                                : k == s->member_count + 1 ? s->key : s->value;
            if (mb != NULL && mb->target != NULL && mb->xml_ns_uri == NULL &&
                mb->target->xml_ns_prefix != NULL) {
                mb->xml_ns_uri = mb->target->xml_ns_uri;
                mb->xml_ns_prefix = mb->target->xml_ns_prefix;
            }
        }
    }
}

static int load_operations(struct ctx *c, const struct doc_node *root)
{
    struct model *m = c->m;
    const struct doc_node *ops = doc_get(root, "operations");
    if (ops == NULL || ops->kind != DOC_MAP) {
        err(c, root, "the model has no \"operations\" mapping");
        return -1;
    }
    m->operations = acg_arena_calloc(c->a, ops->count ? ops->count : 1, sizeof *m->operations);
    if (m->operations == NULL)
        return -1;
    for (size_t i = 0; i < ops->count; i++) {
        if (ops->pairs[i].value->kind != DOC_MAP) {
            err(c, ops->pairs[i].value, "operations.%s: expected a mapping", ops->pairs[i].key->text);
            continue;
        }
        struct operation *op = &m->operations[m->operation_count++];
        load_operation(c, op, ops->pairs[i].key->text, ops->pairs[i].value);
        op->event_stream = has_event_stream(op->input) || has_event_stream(op->output);
    }
    qsort(m->operations, m->operation_count, sizeof *m->operations, by_op_name);
    return 0;
}

int model_from_doc(struct doc *doc, struct model *m, struct diag *d)
{
    int errors_before = d->errors;
    memset(m, 0, sizeof *m);
    m->doc_tree = *doc;
    memset(doc, 0, sizeof *doc);
    m->path = m->doc_tree.path;
    memcpy(m->sha256, m->doc_tree.sha256, sizeof m->sha256);
    m->pool = acg_arena_new();
    if (m->pool == NULL)
        return -1;
    struct ctx c = { m, d, m->pool, NULL };
    const struct doc_node *root = m->doc_tree.root;
    if (root == NULL || root->kind != DOC_MAP) {
        diag_error(d, m->path, root ? root->mark : (struct gen_mark){ 0, 0 },
                   "a model must be a mapping with metadata, operations and shapes");
        return -1;
    }
    load_metadata(&c, root);
    if (load_shapes(&c, root) != 0)
        return -1;
    inherit_namespaces(m);
    if (load_operations(&c, root) != 0)
        return -1;
    return d->errors > errors_before ? -1 : 0;
}

int model_load(const char *path, struct model *m, struct diag *d)
{
    struct doc doc;
    if (doc_load(path, &doc, d) != 0) {
        memset(m, 0, sizeof *m);
        m->doc_tree = doc;
        return -1;
    }
    return model_from_doc(&doc, m, d);
}

void model_free(struct model *m)
{
    if (m == NULL)
        return;
    acg_arena_destroy(m->pool);
    doc_free(&m->doc_tree);
    for (size_t i = 0; i < m->extra_doc_count; i++)
        doc_free(&m->extra_docs[i]);
    memset(m, 0, sizeof *m);
}
