/* The XML writer: a value as elements, the way botocore's RestXMLSerializer writes a
 * request body (its _serialize_type_* methods, one function each here), byte for byte as
 * Python's ElementTree writes it (empty elements as "<name />"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_base64.h"
#include "xml/acg_xml.h"

void acg_xml_writer_init(struct acg_xml_writer *w, struct acg_buf *out, struct acg_error *err)
{
    w->out = out;
    w->err = err;
}

int acg_xml_escape(struct acg_buf *out, const char *text, size_t len, bool attribute)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (text[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attribute ? "&quot;" : NULL; break;
        case '\n': rep = attribute ? "&#10;" : NULL; break;
        case '\r': rep = attribute ? "&#13;" : NULL; break;
        case '\t': rep = attribute ? "&#09;" : NULL; break;
        default: break;
        }
        if (rep == NULL)
            continue;
        ACG_TRY(acg_buf_append(out, text + start, i - start));
        ACG_TRY(acg_buf_append_str(out, rep));
        start = i + 1;
    }
    return acg_buf_append(out, text + start, len - start);
}

static int write_value(struct acg_xml_writer *w, const struct acg_shape *s, const void *p,
                       const char *name, const struct acg_member *m);

/* Closes element name, whose content started at offset start of the output: an element
 * with nothing inside becomes "<name />", as Python's ElementTree writes it. */
static int end_element(struct acg_xml_writer *w, const char *name, size_t start)
{
    if (w->out->len == start && start > 0 && w->out->data[start - 1] == '>') {
        w->out->data[--w->out->len] = '\0';
        return acg_buf_append_str(w->out, " />");
    }
    return acg_buf_printf(w->out, "</%s>", name);
}

/* Where a member's value starts, as a list element holds it: a structure member's
 * pointer is followed. */
static const void *member_value(const struct acg_member *m, const unsigned char *base)
{
    const void *p = base + m->offset;
    if (m->shape->type == ACG_SHAPE_STRUCTURE || m->shape->type == ACG_SHAPE_UNION)
        memcpy(&p, base + m->offset, sizeof p);
    return p;
}

static bool is_flattened(const struct acg_shape *s, const struct acg_member *m)
{
    return (s->flags & ACG_SHAPE_FLATTENED) || (m != NULL && (m->flags & ACG_MEMBER_FLATTENED));
}

/* The element name of a member: its locationName, else its shape's, else its name (the
 * serialization name botocore merges from the member and its shape). */
static const char *element_name(const struct acg_member *m, const char *fallback)
{
    if (m->wire_name != NULL)
        return m->wire_name;
    return acg_shape_xml_name(m->shape) != NULL ? acg_shape_xml_name(m->shape) : fallback;
}

/* " xmlns[:prefix]="uri"" for the member's namespace, else the shape's. */
static int put_namespace(struct acg_xml_writer *w, const struct acg_shape *s,
                         const struct acg_member *m)
{
    const char *member_uri = m != NULL ? acg_member_xml_namespace(m) : NULL;
    const char *uri = member_uri != NULL ? member_uri : acg_shape_xml_namespace(s);
    const char *prefix = member_uri != NULL ? acg_member_xml_prefix(m) : NULL;
    if (uri == NULL)
        return ACG_OK;
    ACG_TRY(acg_buf_printf(w->out, " xmlns%s%s=\"", prefix ? ":" : "", prefix ? prefix : ""));
    ACG_TRY(acg_xml_escape(w->out, uri, strlen(uri), true));
    return acg_buf_append_char(w->out, '"');
}

/* The text of a scalar, escaped for content or an attribute. */
static int put_scalar(struct acg_xml_writer *w, const struct acg_shape *s, const void *p,
                      int ts_format, bool attribute)
{
    char num[ACG_XML_NUMBER_MAX > ACG_TIME_TEXT_MAX ? ACG_XML_NUMBER_MAX : ACG_TIME_TEXT_MAX];
    switch (s->type) {
    case ACG_SHAPE_STRING: {
        const char *str;
        memcpy(&str, p, sizeof str);
        return str != NULL ? acg_xml_escape(w->out, str, strlen(str), attribute) : ACG_OK;
    }
    case ACG_SHAPE_BOOLEAN:
        return acg_buf_append_str(w->out, *(const bool *)p ? "true" : "false");
    case ACG_SHAPE_INTEGER:
        return acg_buf_printf(w->out, "%" PRId32, *(const int32_t *)p);
    case ACG_SHAPE_LONG:
        return acg_buf_printf(w->out, "%" PRId64, *(const int64_t *)p);
    case ACG_SHAPE_FLOAT:
        acg_xml_format_double(*(const float *)p, true, num);
        return acg_buf_append_str(w->out, num);
    case ACG_SHAPE_DOUBLE:
        acg_xml_format_double(*(const double *)p, false, num);
        return acg_buf_append_str(w->out, num);
    case ACG_SHAPE_BLOB: {
        const struct acg_blob *b = p;
        return acg_base64_encode(b->data, b->len, w->out);
    }
    case ACG_SHAPE_TIMESTAMP: {
        int f = ts_format != ACG_TS_DEFAULT ? ts_format : s->ts_format;
        acg_time_format(p, f == ACG_TS_EPOCH_SECONDS ? ACG_TIME_EPOCH
                           : f == ACG_TS_HTTP_DATE ? ACG_TIME_HTTP_DATE : ACG_TIME_ISO8601, num);
        return acg_buf_append_str(w->out, num);
    }
    default:
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "shape %s cannot be written as XML",
                             s->name);
    }
}

static int write_struct(struct acg_xml_writer *w, const struct acg_shape *s,
                        const unsigned char *base, const char *name, const struct acg_member *at)
{
    ACG_TRY(acg_buf_printf(w->out, "<%s", name));
    ACG_TRY(put_namespace(w, s, at));
    for (size_t i = 0; base != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if (!(m->flags & ACG_MEMBER_XML_ATTRIBUTE) || !acg_member_present(m, base))
            continue;
        ACG_TRY(acg_buf_printf(w->out, " %s=\"", acg_member_wire_name(m)));
        ACG_TRY(put_scalar(w, m->shape, base + m->offset, m->ts_format, true));
        ACG_TRY(acg_buf_append_char(w->out, '"'));
    }
    ACG_TRY(acg_buf_append_char(w->out, '>'));
    size_t start = w->out->len;
    for (size_t i = 0; base != NULL && i < s->member_count; i++) {
        const struct acg_member *m = &s->members[i];
        if ((m->flags & ACG_MEMBER_XML_ATTRIBUTE) || m->location != ACG_LOC_BODY ||
            !acg_member_present(m, base))
            continue;
        ACG_TRY(write_value(w, m->shape, member_value(m, base), element_name(m, m->name), m));
    }
    return end_element(w, name, start);
}

static int write_list(struct acg_xml_writer *w, const struct acg_shape *s,
                      const struct acg_seq *seq, const char *name, const struct acg_member *at)
{
    const unsigned char *items = seq->items;
    bool flat = is_flattened(s, at);
    const char *item = name;
    if (!flat)   /* the list's element name, else the element shape's, else "member" */
        item = acg_shape_item_name(s) != NULL ? acg_shape_item_name(s)
               : acg_shape_xml_name(s->item) != NULL ? acg_shape_xml_name(s->item) : "member";
    if (!flat) {
        ACG_TRY(acg_buf_printf(w->out, "<%s", name));
        ACG_TRY(put_namespace(w, s, at));
        ACG_TRY(acg_buf_append_char(w->out, '>'));
    }
    size_t start = w->out->len;
    for (size_t i = 0; i < seq->count; i++)
        ACG_TRY(write_value(w, s->item, items + i * s->item_size, item, NULL));
    return flat ? ACG_OK : end_element(w, name, start);
}

static int write_map(struct acg_xml_writer *w, const struct acg_shape *s,
                     const struct acg_seq *seq, const char *name, const struct acg_member *at)
{
    const unsigned char *items = seq->items;
    const struct acg_member *key = &s->members[0], *value = &s->members[1];
    bool flat = is_flattened(s, at);
    if (!flat) {
        ACG_TRY(acg_buf_printf(w->out, "<%s", name));
        ACG_TRY(put_namespace(w, s, at));
        ACG_TRY(acg_buf_append_char(w->out, '>'));
    }
    size_t start = w->out->len;
    for (size_t i = 0; i < seq->count; i++) {
        const unsigned char *entry = items + i * s->item_size;
        const char *k;
        memcpy(&k, entry + key->offset, sizeof k);
        if (k == NULL)
            return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "a key of map %s is NULL", name);
        ACG_TRY(acg_buf_printf(w->out, "<%s>", flat ? name : "entry"));
        ACG_TRY(write_value(w, key->shape, entry + key->offset, element_name(key, "key"), key));
        ACG_TRY(write_value(w, value->shape, entry + value->offset, element_name(value, "value"),
                            value));
        ACG_TRY(acg_buf_printf(w->out, "</%s>", flat ? name : "entry"));
    }
    return flat ? ACG_OK : end_element(w, name, start);
}

/* One value as a list element holds it, as the element name; m: the member it is, for
 * its namespace, flattening and timestamp format, or NULL. */
static int write_value(struct acg_xml_writer *w, const struct acg_shape *s, const void *p,
                       const char *name, const struct acg_member *m)
{
    switch (s->type) {
    case ACG_SHAPE_STRUCTURE: case ACG_SHAPE_UNION:
        return write_struct(w, s, p, name, m);
    case ACG_SHAPE_LIST:
        return write_list(w, s, p, name, m);
    case ACG_SHAPE_MAP:
        return write_map(w, s, p, name, m);
    case ACG_SHAPE_DOCUMENT:
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG,
                             "document %s cannot be written as XML", s->name);
    default:
        break;
    }
    ACG_TRY(acg_buf_printf(w->out, "<%s", name));
    ACG_TRY(put_namespace(w, s, m));
    ACG_TRY(acg_buf_append_char(w->out, '>'));
    size_t start = w->out->len;
    ACG_TRY(put_scalar(w, s, p, m != NULL ? m->ts_format : ACG_TS_DEFAULT, false));
    return end_element(w, name, start);
}

int acg_xml_encode(struct acg_xml_writer *w, const struct acg_shape *s, const void *value,
                   const char *root, const char *xml_namespace)
{
    if (s == NULL || root == NULL)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "acg_xml_encode: NULL argument");
    /* The root's namespace stands in for the shape's, as a member's would. */
    struct acg_member_traits root_ns = { .xml_namespace = xml_namespace };
    struct acg_member as_root = { .name = root, .shape = s, .traits = &root_ns };
    int rc = write_struct(w, s, value, root, xml_namespace != NULL ? &as_root : NULL);
    if (rc != ACG_OK)
        return acg_error_set(w->err, rc, "cannot write %s as XML: %s", root,
                             acg_status_name((enum acg_status)rc));
    return ACG_OK;
}

int acg_xml_encode_member(struct acg_xml_writer *w, const struct acg_member *m, const void *value)
{
    if (m == NULL)
        return acg_error_set(w->err, ACG_ERR_INVALID_ARG, "acg_xml_encode_member: NULL member");
    const char *name = element_name(m, m->name);
    int rc = write_value(w, m->shape, value, name, m);
    if (rc != ACG_OK && (w->err == NULL || w->err->status == ACG_OK))
        return acg_error_set(w->err, rc, "cannot write %s as XML: %s", name,
                             acg_status_name((enum acg_status)rc));
    return rc;
}
