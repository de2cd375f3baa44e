/* Parameter values read from files and URLs, as the AWS CLI v1 reads them
 * (awscli/paramfile.py):
 *
 *   file://PATH   the file as text: UTF-8, newlines "\r\n" and "\r" read as "\n";
 *   fileb://PATH  the file's bytes as they are;
 *   http://URL, https://URL   the body of a GET answered with 200, as text, unless the
 *                 profile says cli_follow_urlparam = false.
 *
 * PATH has "~" and $VAR / ${VAR} expanded first. A few parameters hold real URLs and are
 * never fetched (SQS queue URLs among them): the AWS CLI lists them by service, operation
 * and option, and so do we. Messages are the AWS CLI's, errno text included. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acg_cli_private.h"
#include "acg_shorthand.h"
#include "common/acg_utf8.h"
#include "http/acg_http.h"

/* Files named by file:// and fileb:// are read whole; past this they are refused rather than
 * exhausting memory. The AWS CLI has no limit, but a request body this large would be refused
 * by every API anyway. */
#define PARAMFILE_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* A fetched URL waits at most this long, as botocore's default timeouts. */
#define URL_TIMEOUT_MS 60000L

/* "endpoint-prefix.operation.option" of the parameters whose values are URLs the AWS CLI
 * passes on as they are (its PARAMFILE_DISABLED). */
static const char *const url_params[] = {
    "api-gateway.put-integration.uri",
    "api-gateway.create-integration.integration-uri",
    "api-gateway.update-integration.integration-uri",
    "api-gateway.create-api.target",
    "api-gateway.update-api.target",
    "appstream.create-stack.redirect-url",
    "appstream.create-stack.feedback-url",
    "appstream.update-stack.redirect-url",
    "appstream.update-stack.feedback-url",
    "cloudformation.create-stack.template-url",
    "cloudformation.update-stack.template-url",
    "cloudformation.create-stack-set.template-url",
    "cloudformation.update-stack-set.template-url",
    "cloudformation.create-change-set.template-url",
    "cloudformation.validate-template.template-url",
    "cloudformation.estimate-template-cost.template-url",
    "cloudformation.get-template-summary.template-url",
    "cloudformation.create-stack.stack-policy-url",
    "cloudformation.update-stack.stack-policy-url",
    "cloudformation.set-stack-policy.stack-policy-url",
    "cloudformation.update-stack.stack-policy-during-update-url",
    "cloudformation.register-type.schema-handler-package",
    "guardduty.create-ip-set.location",
    "guardduty.update-ip-set.location",
    "guardduty.create-threat-intel-set.location",
    "guardduty.update-threat-intel-set.location",
    "comprehend.detect-dominant-language.text",
    "comprehend.batch-detect-dominant-language.text-list",
    "comprehend.detect-entities.text",
    "comprehend.batch-detect-entities.text-list",
    "comprehend.detect-key-phrases.text",
    "comprehend.batch-detect-key-phrases.text-list",
    "comprehend.detect-sentiment.text",
    "comprehend.batch-detect-sentiment.text-list",
    "emr.create-studio.idp-auth-url",
    "iam.create-open-id-connect-provider.url",
    "machine-learning.predict.predict-endpoint",
    "mediatailor.put-playback-configuration.ad-decision-server-url",
    "mediatailor.put-playback-configuration.slate-ad-url",
    "mediatailor.put-playback-configuration.video-content-source-url",
    "rds.copy-db-cluster-snapshot.pre-signed-url",
    "rds.create-db-cluster.pre-signed-url",
    "rds.copy-db-snapshot.pre-signed-url",
    "rds.create-db-instance-read-replica.pre-signed-url",
    "sagemaker.create-notebook-instance.default-code-repository",
    "sagemaker.create-notebook-instance.additional-code-repositories",
    "sagemaker.update-notebook-instance.default-code-repository",
    "sagemaker.update-notebook-instance.additional-code-repositories",
    "serverlessapplicationrepository.create-application.home-page-url",
    "serverlessapplicationrepository.create-application.license-url",
    "serverlessapplicationrepository.create-application.readme-url",
    "serverlessapplicationrepository.create-application.source-code-url",
    "serverlessapplicationrepository.create-application.template-url",
    "serverlessapplicationrepository.create-application-version.source-code-url",
    "serverlessapplicationrepository.create-application-version.template-url",
    "serverlessapplicationrepository.update-application.home-page-url",
    "serverlessapplicationrepository.update-application.readme-url",
    "service-catalog.create-product.support-url",
    "service-catalog.update-product.support-url",
    "ses.create-custom-verification-email-template.failure-redirection-url",
    "ses.create-custom-verification-email-template.success-redirection-url",
    "ses.put-account-details.website-url",
    "ses.update-custom-verification-email-template.failure-redirection-url",
    "ses.update-custom-verification-email-template.success-redirection-url",
    "sqs.add-permission.queue-url",
    "sqs.change-message-visibility.queue-url",
    "sqs.change-message-visibility-batch.queue-url",
    "sqs.delete-message.queue-url",
    "sqs.delete-message-batch.queue-url",
    "sqs.delete-queue.queue-url",
    "sqs.get-queue-attributes.queue-url",
    "sqs.list-dead-letter-source-queues.queue-url",
    "sqs.receive-message.queue-url",
    "sqs.remove-permission.queue-url",
    "sqs.send-message.queue-url",
    "sqs.send-message-batch.queue-url",
    "sqs.set-queue-attributes.queue-url",
    "sqs.purge-queue.queue-url",
    "sqs.list-queue-tags.queue-url",
    "sqs.tag-queue.queue-url",
    "sqs.untag-queue.queue-url",
    "s3.copy-object.website-redirect-location",
    "s3.create-multipart-upload.website-redirect-location",
    "s3.put-object.website-redirect-location",
    "sns.subscribe.notification-endpoint",
    "iot.create-job.document-source",
    "translate.translate-text.text",
    "workdocs.create-notification-subscription.notification-endpoint",
};

bool acg_cli_paramfile_disabled(const char *service, const char *command, const char *option)
{
    size_t sl = strlen(service), cl = strlen(command);
    for (size_t i = 0; i < sizeof url_params / sizeof url_params[0]; i++) {
        const char *p = url_params[i];
        if (strncmp(p, service, sl) == 0 && p[sl] == '.' &&
            strncmp(p + sl + 1, command, cl) == 0 && p[sl + 1 + cl] == '.' &&
            strcmp(p + sl + cl + 2, option) == 0)
            return true;
    }
    return false;
}

/* ---- paths ---- */

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* os.path.expandvars: $NAME and ${NAME} become the variable's value when it is set; the
 * rest stays as written. */
static int expand_vars(const char *path, struct acg_buf *out)
{
    int rc = ACG_OK;
    for (size_t i = 0; rc == ACG_OK && path[i] != '\0';) {
        size_t start = i + 1, end = start, next = start;
        if (path[i] == '$' && path[start] == '{') {
            const char *close = strchr(path + start, '}');
            if (close != NULL) {
                start++;
                end = (size_t)(close - path);
                next = end + 1;
            }
        } else if (path[i] == '$') {
            while (word_char(path[end]))
                end++;
            next = end;
        }
        char name[256];
        const char *value = NULL;
        if (path[i] == '$' && next > i + 1 && end - start < sizeof name) {
            memcpy(name, path + start, end - start);
            name[end - start] = '\0';
            value = getenv(name);
        }
        if (value != NULL) {
            rc = acg_buf_append_str(out, value);
            i = next;
        } else {
            rc = acg_buf_append_char(out, path[i]);
            i++;
        }
    }
    return rc;
}

/* os.path.expanduser for "~" and "~/...", then expandvars. */
static int expand_path(const char *path, struct acg_buf *out)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home != NULL) {
        struct acg_buf tmp;
        acg_buf_init(&tmp, 0);
        int rc = acg_buf_printf(&tmp, "%s%s", home, path + 1);
        if (rc == ACG_OK)
            rc = expand_vars(tmp.data, out);
        acg_buf_free(&tmp);
        return rc;
    }
    if (path[0] == '\0')
        return acg_buf_append(out, "", 0);
    return expand_vars(path, out);
}

/* ---- files ---- */

/* "[Errno 2] No such file or directory: 'PATH'", as Python's OSError prints. */
static int os_error(const char *option, const char *url, int err, const char *path)
{
    struct acg_buf r;
    acg_buf_init(&r, 0);
    if (acg_py_repr(&r, path, strlen(path)) != ACG_OK) {
        acg_buf_free(&r);
        return acg_cli_out_of_memory();
    }
    int status = acg_cli_param_error(option, "Unable to load paramfile %s: [Errno %d] %s: %s",
                                     url, err, strerror(err), r.data);
    acg_buf_free(&r);
    return status;
}

static int read_whole(FILE *f, struct acg_buf *b, int *err)
{
    for (;;) {
        char chunk[65536];
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) {
            int rc = acg_buf_append(b, chunk, n);
            if (rc != ACG_OK)
                return rc;
        }
        if (n < sizeof chunk)
            break;
    }
    *err = ferror(f) ? (errno != 0 ? errno : EIO) : 0;
    return ACG_OK;
}

/* Python's universal newlines: "\r\n" and a lone "\r" read as "\n". */
static void universal_newlines(struct acg_buf *b)
{
    size_t w = 0;
    for (size_t r = 0; r < b->len; r++) {
        char c = b->data[r];
        if (c == '\r') {
            c = '\n';
            if (r + 1 < b->len && b->data[r + 1] == '\n')
                r++;
        }
        b->data[w++] = c;
    }
    b->len = w;
    if (b->data != NULL)
        b->data[w] = '\0';
}

static int read_file(const char *option, const char *url, const char *path, bool binary,
                     struct acg_cli_loaded *out)
{
    struct acg_buf b;
    int err = 0, status = ACG_EXIT_OK;
    acg_buf_init(&b, PARAMFILE_MAX_BYTES);
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return os_error(option, url, errno, path);
    int rc = read_whole(f, &b, &err);
    fclose(f);
    if (rc == ACG_ERR_TOO_LARGE)
        status = acg_cli_param_error(option, "Unable to load paramfile %s: the file is larger "
                                     "than %zu MiB", url, PARAMFILE_MAX_BYTES >> 20);
    else if (rc != ACG_OK || (b.data == NULL && acg_buf_append(&b, "", 0) != ACG_OK))
        status = acg_cli_out_of_memory();
    else if (err != 0)
        status = os_error(option, url, err, path);
    else if (!binary && acg_utf8_length(b.data, b.len) < 0)
        status = acg_cli_param_error(option, "Unable to load paramfile (%s), text contents "
                                     "could not be decoded.  If this is a binary file, please "
                                     "use the fileb:// prefix instead of the file:// prefix.",
                                     path);
    if (status == ACG_EXIT_OK) {
        if (!binary)
            universal_newlines(&b);
        out->binary = binary;
        out->data = acg_buf_take(&b, &out->len);
    }
    acg_buf_free_secure(&b);
    return status;
}

/* ---- URLs ---- */

static int fetch(const char *option, const char *url, struct acg_cli_loaded *out)
{
    struct acg_http_options o = { URL_TIMEOUT_MS, URL_TIMEOUT_MS, URL_TIMEOUT_MS, false, NULL,
                                  PARAMFILE_MAX_BYTES, "acg-cli" };
    struct acg_http_result res;
    struct acg_buf body;
    int status = ACG_EXIT_OK;
    memset(&res, 0, sizeof res);
    acg_buf_init(&body, PARAMFILE_MAX_BYTES);
    struct acg_http_conn *h = acg_http_conn_new(&o);
    if (h == NULL)
        return acg_cli_out_of_memory();
    int rc = acg_http_perform(h, "GET", url, NULL, 0, NULL, 0, &body, &res);
    if (rc == ACG_ERR_NOMEM)
        status = acg_cli_out_of_memory();
    else if (rc != ACG_OK)
        status = acg_cli_param_error(option, "Unable to retrieve %s: %s", url,
                                     res.detail[0] != '\0' ? res.detail : "no response");
    else if (res.status != 200)
        status = acg_cli_param_error(option, "Unable to retrieve %s: received non 200 status "
                                     "code of %ld", url, res.status);
    else if (acg_utf8_length(body.data != NULL ? body.data : "", body.len) < 0)
        status = acg_cli_param_error(option, "Unable to retrieve %s: the body is not UTF-8 "
                                     "text", url);
    if (status == ACG_EXIT_OK && body.data == NULL && acg_buf_append(&body, "", 0) != ACG_OK)
        status = acg_cli_out_of_memory();
    if (status == ACG_EXIT_OK) {
        out->binary = false;
        out->data = acg_buf_take(&body, &out->len);
    }
    acg_buf_free(&body);
    acg_http_conn_destroy(h);
    return status;
}

int acg_cli_paramfile(const char *option, const char *value, bool remote,
                      struct acg_cli_loaded *out, bool *matched)
{
    memset(out, 0, sizeof *out);
    *matched = false;
    bool binary = strncmp(value, "fileb://", 8) == 0;
    bool text = strncmp(value, "file://", 7) == 0;
    if (!binary && !text) {
        if (!remote || (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0))
            return ACG_EXIT_OK;
        *matched = true;
        return fetch(option, value, out);
    }
    *matched = true;
    struct acg_buf path;
    acg_buf_init(&path, 0);
    int status = expand_path(value + (binary ? 8 : 7), &path) == ACG_OK
                     ? read_file(option, value, path.data, binary, out)
                     : acg_cli_out_of_memory();
    acg_buf_free(&path);
    return status;
}

void acg_cli_loaded_free(struct acg_cli_loaded *l)
{
    if (l->data != NULL) {
        acg_secure_zero(l->data, l->len);
        free(l->data);
    }
    memset(l, 0, sizeof *l);
}
