/* Service errors of the XML protocols, read with the XML decoder through a small
 * descriptor of their own. One shape covers the three layouts AWS sends:
 *
 *   awsQuery  <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
 *   ec2       <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
 *   restXml   <Error><Code/><Message/><RequestId/></Error> (S3), or the awsQuery layout
 *             (Route 53, CloudFront); an answer without a readable error body (S3's HEAD
 *             errors have none) is its status and reason phrase, as botocore's
 *             RestXMLParser makes it
 *
 * The root's name is not checked: whichever members are there are read. */
#include <stdio.h>
#include <string.h>

#include "xml/acg_xml.h"
#include "acg_protocol_private.h"

struct detail {
    const char *code;
    const char *message;
};

struct errors {
    struct detail *error;
};

struct body {
    struct detail *error;     /* <Error> under the root */
    struct errors *errors;    /* <Errors><Error> under the root (ec2) */
    const char *code;         /* <Code> at the root (restXml's <Error> root) */
    const char *message;
    const char *request_id;   /* <RequestId>, or ec2's <RequestID> */
    const char *request_id_ec2;
};

static const struct acg_member detail_members[] = {
    { .name = "Code", .shape = &acg_shape_string, .offset = offsetof(struct detail, code) },
    { .name = "Message", .shape = &acg_shape_string, .offset = offsetof(struct detail, message) },
};
static const struct acg_shape detail_shape = {
    .name = "Error", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct detail),
    .members = detail_members, .member_count = 2,
};
static const struct acg_member errors_members[] = {
    { .name = "Error", .shape = &detail_shape, .offset = offsetof(struct errors, error) },
};
static const struct acg_shape errors_shape = {
    .name = "Errors", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct errors),
    .members = errors_members, .member_count = 1,
};
static const struct acg_member body_members[] = {
    { .name = "Error", .shape = &detail_shape, .offset = offsetof(struct body, error) },
    { .name = "Errors", .shape = &errors_shape, .offset = offsetof(struct body, errors) },
    { .name = "Code", .shape = &acg_shape_string, .offset = offsetof(struct body, code) },
    { .name = "Message", .shape = &acg_shape_string, .offset = offsetof(struct body, message) },
    { .name = "RequestId", .shape = &acg_shape_string, .offset = offsetof(struct body, request_id) },
    { .name = "RequestID", .shape = &acg_shape_string,
      .offset = offsetof(struct body, request_id_ec2) },
};
static const struct acg_shape body_shape = {
    .name = "ErrorResponse", .type = ACG_SHAPE_STRUCTURE, .size = sizeof(struct body),
    .members = body_members, .member_count = 6,
};

/* Copies s into out with control characters as spaces: the text ends up on one line. */
static void copy_line(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (; s != NULL && *s != '\0' && o + 1 < size; s++)
        out[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
    out[o] = '\0';
}

static const struct detail *pick(const struct body *b)
{
    if (b->error != NULL && b->error->code != NULL)
        return b->error;
    if (b->errors != NULL && b->errors->error != NULL && b->errors->error->code != NULL)
        return b->errors->error;
    return NULL;
}

/* Python's http.client.responses, which botocore's restXml parser gives as the message of
 * an error without a readable body (S3's HEAD errors: "An error occurred (404) when calling
 * the HeadObject operation: Not Found"). */
static const char *reason_phrase(long status)
{
    static const struct { short code; const char *text; } phrases[] = {
        { 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" },
        { 303, "See Other" }, { 304, "Not Modified" }, { 305, "Use Proxy" },
        { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" }, { 400, "Bad Request" },
        { 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
        { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
        { 407, "Proxy Authentication Required" }, { 408, "Request Timeout" },
        { 409, "Conflict" }, { 410, "Gone" }, { 411, "Length Required" },
        { 412, "Precondition Failed" }, { 413, "Request Entity Too Large" },
        { 414, "Request-URI Too Long" }, { 415, "Unsupported Media Type" },
        { 416, "Requested Range Not Satisfiable" }, { 417, "Expectation Failed" },
        { 418, "I'm a Teapot" }, { 421, "Misdirected Request" },
        { 422, "Unprocessable Entity" }, { 423, "Locked" }, { 424, "Failed Dependency" },
        { 425, "Too Early" }, { 426, "Upgrade Required" }, { 428, "Precondition Required" },
        { 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
        { 451, "Unavailable For Legal Reasons" }, { 500, "Internal Server Error" },
        { 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
        { 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
        { 506, "Variant Also Negotiates" }, { 507, "Insufficient Storage" },
        { 508, "Loop Detected" }, { 510, "Not Extended" },
        { 511, "Network Authentication Required" },
    };
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        if (phrases[i].code == status)
            return phrases[i].text;
    }
    return "";
}

/* botocore's _is_generic_error_response: a 5xx whose body is empty or, stripped of
 * surrounding white space, starts with "<html>". */
static bool generic_error(const struct acg_http_message *msg)
{
    size_t i = 0;
    if (msg->status < 500)
        return false;
    while (i < msg->body_len && strchr(" \t\n\r\f\v", msg->body[i]) != NULL &&
           msg->body[i] != '\0')
        i++;
    return i == msg->body_len ||
           (msg->body_len - i >= 6 && memcmp(msg->body + i, "<html>", 6) == 0);
}

int acg_error_xml_decode(const struct acg_http_message *msg, bool rest_xml,
                         const char *request_id_header, struct acg_error *err)
{
    struct body b;
    struct acg_error scratch;   /* a body that is not an XML error is not the caller's error */
    char code[sizeof err->aws_type] = "", message[sizeof err->message] = "";
    char request_id[sizeof err->request_id] = "";
    if (err == NULL || err->status != ACG_OK)
        return ACG_ERR_SERVICE;
    struct acg_arena *arena = acg_arena_new();
    memset(&b, 0, sizeof b);
    acg_error_init(&scratch);
    bool parsed = arena != NULL && msg->body_len > 0 &&
                  acg_xml_decode(msg->body, msg->body_len, &body_shape, NULL, &b, arena,
                                 &scratch) == ACG_OK;
    const struct detail *d = parsed ? pick(&b) : NULL;
    copy_line(d != NULL ? d->code : parsed ? b.code : NULL, code, sizeof code);
    copy_line(d != NULL ? d->message : parsed ? b.message : NULL, message, sizeof message);
    copy_line(request_id_header != NULL && request_id_header[0] != '\0' ? request_id_header
              : b.request_id != NULL ? b.request_id : b.request_id_ec2, request_id,
              sizeof request_id);
    if (rest_xml && (code[0] == '\0' || generic_error(msg))) {
        /* RestXMLParser: no body, or no XML in it, or a generic 5xx: the status and its
         * reason phrase. */
        snprintf(code, sizeof code, "%ld", msg->status);
        snprintf(message, sizeof message, "%s", reason_phrase(msg->status));
    } else if (code[0] == '\0') {
        /* Not an AWS error body (a proxy's page, nothing at all): botocore's generic error,
         * the status as the code. */
        char excerpt[121];
        size_t n = msg->body_len < sizeof excerpt - 1 ? msg->body_len : sizeof excerpt - 1;
        snprintf(code, sizeof code, "%ld", msg->status);
        memcpy(excerpt, msg->body != NULL ? msg->body : "", n);
        excerpt[n] = '\0';
        copy_line(excerpt, excerpt, sizeof excerpt);
        if (n == 0)
            snprintf(message, sizeof message, "HTTP %ld with an empty body", msg->status);
        else
            snprintf(message, sizeof message, "HTTP %ld; the body is not an XML error: %s%s",
                     msg->status, excerpt, msg->body_len > n ? "..." : "");
    }
    acg_error_free(&scratch);
    acg_arena_destroy(arena);
    acg_error_set(err, ACG_ERR_SERVICE, "%s", message);
    err->http_status = msg->status;
    snprintf(err->aws_type, sizeof err->aws_type, "%s", code);
    snprintf(err->request_id, sizeof err->request_id, "%s", request_id);
    return ACG_ERR_SERVICE;
}
