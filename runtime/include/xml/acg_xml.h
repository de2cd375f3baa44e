/* XML reading and writing driven by the descriptor tables, for the protocols that speak XML
 * (awsQuery and ec2 responses, restXml bodies, their error bodies).
 *
 * Reader: a streaming decoder on libexpat that reads a body once, front to back, straight
 * into the typed struct a shape describes, the way botocore's XML parser reads it:
 *
 *   - elements are matched to members by local name (namespace prefixes and URIs are
 *     ignored): the member's locationName, else its shape's, else the member name; a
 *     flattened list is matched by its element's locationName when it has one;
 *   - wrapped lists take every child element as an item (botocore does not check their
 *     name; AWS sends <member> or the list's locationName), flattened lists collect the
 *     repeated elements wherever they appear among their siblings;
 *   - maps read <entry><key/><value/></entry> (names from the map's key and value
 *     locationNames), or the entries themselves when flattened;
 *   - members marked xmlAttribute come from the attributes of their structure's element
 *     ("xsi:type" matches the attribute "type" in any namespace, as botocore does);
 *   - scalars: a boolean is true only for the exact text "true"; integers and floats are
 *     read as Python's int() and float() read text (surrounding white space, '_' between
 *     digits, nan and inf for floats); timestamps in any form acg_time_parse knows, with
 *     the text kept in acg_timestamp.wire; blobs are base64 (white space ignored); an empty
 *     element is an empty string, not an absent one;
 *   - unknown elements are skipped with everything inside them; when a member's element
 *     appears twice, the first one counts.
 *
 * Hostile input is bounded: documents with a DOCTYPE are refused (AWS never sends one,
 * and with none there are no entity declarations, so no entity expansion and no external
 * entities), elements may nest ACG_XML_MAX_DEPTH deep, and the decoded values may take at
 * most ACG_XML_MEMORY_FLOOR + ACG_XML_MEMORY_FACTOR times the body's size of memory.
 *
 * Writer: appends a value as XML elements the way botocore's RestXMLSerializer writes a
 * request body: namespaces (xmlNamespace, on the root and on any member), attributes,
 * wrapped and flattened lists and maps, timestamps ISO 8601 by default, blobs base64,
 * floats as Python prints them.
 *
 * Failures return ACG_ERR_JSON ("the body does not match the model", whatever its syntax)
 * with a message and, when inside a value, the member path in err->where
 * ("Reservations[0].Instances[2].State.Code"); ACG_ERR_TOO_LARGE past the memory budget;
 * ACG_ERR_NOMEM. */
#ifndef ACG_XML_H
#define ACG_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/acg_arena.h"
#include "common/acg_buf.h"
#include "common/acg_error.h"
#include "common/acg_format.h"
#include "shape/acg_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Elements nested deeper than this are refused (the deepest AWS response, EC2's
 * DescribeInstances, nests about 12). */
#define ACG_XML_MAX_DEPTH 64

/* The memory a decode may take for a body of len bytes, as for JSON (json/acg_json.h). */
#define ACG_XML_MEMORY_FACTOR 8
#define ACG_XML_MEMORY_FLOOR ((size_t)1 << 20)

/* Decodes body (len bytes, need not be NUL-terminated) into out, a zeroed struct of the
 * structure shape s, its strings, lists and nested structures allocated from arena.
 *
 * path names the element whose children are s's members: element names from the root
 * down, ending with NULL, where "*" matches any name and "*Suffix" any name ending in
 * Suffix. { "*", "*Result", NULL } reads an awsQuery answer
 * (<GetUserResponse><GetUserResult>...), { "ErrorResponse", "Error", NULL } a query
 * error's members. When the root element does not match path[0], the root is read as s
 * (so the latter also reads a bare <Error> root); when the rest of the path never
 * appears, out stays empty. path NULL or { NULL }: the root element is s.
 *
 * A body that is empty or only white space decodes as an empty value. On failure out may
 * hold part of the values (all in arena): release both, as callers of the JSON decoder do.
 *
 *     static const char *const result[] = { "*", "*Result", NULL };
 *     struct sts_get_caller_identity_response out = { 0 };
 *     int rc = acg_xml_decode(body, len, &shape, result, &out, arena, err); */
ACG_NODISCARD int acg_xml_decode(const char *body, size_t len, const struct acg_shape *s,
                                 const char *const *path, void *out, struct acg_arena *arena,
                                 struct acg_error *err);

/* Where acg_xml_encode appends. err may be NULL. */
struct acg_xml_writer {
    struct acg_buf *out;
    struct acg_error *err;
};

void acg_xml_writer_init(struct acg_xml_writer *w, struct acg_buf *out, struct acg_error *err);

/* Appends value (a struct of the structure shape s, as a list element holds it; NULL
 * writes an empty element) as the element root, with xmlns="xml_namespace" when that is
 * not NULL (else the shape's own xmlNamespace, if any). Only members whose location is the
 * body are written. No XML declaration is written. Fails with ACG_ERR_INVALID_ARG for a
 * value that cannot be written (a NULL map key, an xmlAttribute member that is not a
 * string), or the buffer's own errors (ACG_ERR_TOO_LARGE, ACG_ERR_NOMEM).
 *
 *     struct acg_buf body;
 *     struct acg_xml_writer w;
 *     acg_buf_init(&body, 0);
 *     acg_xml_writer_init(&w, &body, err);
 *     rc = acg_xml_encode(&w, &create_bucket_configuration_shape, in->create_bucket_configuration,
 *                         "CreateBucketConfiguration", "http://s3.amazonaws.com/doc/2006-03-01/"); */
ACG_NODISCARD int acg_xml_encode(struct acg_xml_writer *w, const struct acg_shape *s,
                                 const void *value, const char *root, const char *xml_namespace);

/* Appends value, member m's value as a list element holds it (a structure's struct, not
 * the pointer to it), as one element named by m's locationName (else its shape's, else its
 * name) with m's namespace (prefix included; else the shape's): a restXml payload member as
 * botocore's RestXMLSerializer writes it. */
ACG_NODISCARD int acg_xml_encode_member(struct acg_xml_writer *w, const struct acg_member *m,
                                        const void *value);

/* Appends len bytes of text escaped for element content (& < >), or, with attribute true,
 * for an attribute value in double quotes (also " and CR, LF, TAB as character
 * references), as Python's ElementTree writes them. */
ACG_NODISCARD int acg_xml_escape(struct acg_buf *out, const char *text, size_t len,
                                 bool attribute);

/* Longest text acg_xml_format_double writes, NUL included. */
#define ACG_XML_NUMBER_MAX ACG_NUMBER_TEXT_MAX

/* Writes v as Python's str(float) does, which is how botocore puts a float into a query
 * string or an XML body: the shortest digits that read back as v, in fixed notation from
 * 1e-4 up to 1e16 ("0.1", "100.0", "1234.5") and scientific outside it ("1e-05",
 * "1e+16"); NaN and the infinities as "NaN", "Infinity", "-Infinity". With single true, v
 * is a float and gets the shortest digits that read back as that float ("0.1" for 0.1f).
 * Returns the length. */
size_t acg_xml_format_double(double v, bool single, char out[ACG_XML_NUMBER_MAX]);

#ifdef __cplusplus
}
#endif

#endif
