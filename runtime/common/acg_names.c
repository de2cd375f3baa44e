/* botocore's xform_name, reproduced step by step so command names match the AWS CLI's:
 *   1. a trailing pluralised acronym ("ARNs", "ACLs") becomes sep + lower-case;
 *   2. (.)([A-Z][a-z]+) -> \1 sep \2, scanning left to right without overlap;
 *   3. ([a-z0-9])([A-Z]) -> \1 sep \2, the same way;
 *   4. lower-case everything. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_buf.h"
#include "common/acg_names.h"

static const char *const special_cases[][3] = {
    /* name, '_' form, '-' form: botocore's _xform_cache entries */
    { "CreateCachediSCSIVolume", "create_cached_iscsi_volume", "create-cached-iscsi-volume" },
    { "DescribeCachediSCSIVolumes", "describe_cached_iscsi_volumes", "describe-cached-iscsi-volumes" },
    { "DescribeStorediSCSIVolumes", "describe_stored_iscsi_volumes", "describe-stored-iscsi-volumes" },
    { "CreateStorediSCSIVolume", "create_stored_iscsi_volume", "create-stored-iscsi-volume" },
    { "ListHITsForQualificationType", "list_hits_for_qualification_type",
      "list-hits-for-qualification-type" },
    { "ExecutePartiQLStatement", "execute_partiql_statement", "execute-partiql-statement" },
    { "ExecutePartiQLTransaction", "execute_partiql_transaction", "execute-partiql-transaction" },
    { "ExecutePartiQLBatch", "execute_partiql_batch", "execute-partiql-batch" },
    { "AssociateWhatsAppBusinessAccount", "associate_whatsapp_business_account",
      "associate-whatsapp-business-account" },
    { "CreateWhatsAppMessageTemplate", "create_whatsapp_message_template",
      "create-whatsapp-message-template" },
    { "CreateWhatsAppMessageTemplateFromLibrary", "create_whatsapp_message_template_from_library",
      "create-whatsapp-message-template-from-library" },
};

static bool up(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool low(char c)
{
    return c >= 'a' && c <= 'z';
}

static char *dup_buf(struct acg_arena *a, const char *s, size_t n)
{
    return acg_arena_strndup(a, s, n);
}

char *acg_xform_name(struct acg_arena *a, const char *name, char sep)
{
    size_t n = strlen(name);
    if (memchr(name, sep, n) != NULL)
        return dup_buf(a, name, n);
    for (size_t i = 0; i < sizeof special_cases / sizeof special_cases[0]; i++) {
        if (strcmp(name, special_cases[i][0]) == 0) {
            const char *s = special_cases[i][sep == '-' ? 2 : 1];
            return dup_buf(a, s, strlen(s));
        }
    }
    /* Step 1: [A-Z]{2,}s$ -- the leftmost run of capitals that reaches the final 's'. */
    char step1[1024];
    if (n + 2 > sizeof step1)
        return NULL;
    memcpy(step1, name, n + 1);
    if (n >= 3 && name[n - 1] == 's' && up(name[n - 2]) && up(name[n - 3])) {
        size_t start = n - 1;
        while (start > 0 && up(name[start - 1]))
            start--;
        memcpy(step1, name, start);
        step1[start] = sep;
        for (size_t i = start; i < n; i++)
            step1[i + 1] = (char)tolower((unsigned char)name[i]);
        step1[n + 1] = '\0';
    }
    /* Step 2: (.)([A-Z][a-z]+) */
    char step2[2048];
    size_t o = 0, len = strlen(step1);
    for (size_t i = 0; i < len;) {
        if (i + 2 < len + 0 && up(step1[i + 1]) && low(step1[i + 2]) && step1[i] != '\n') {
            size_t j = i + 2;
            while (j < len && low(step1[j]))
                j++;
            step2[o++] = step1[i];
            step2[o++] = sep;
            memcpy(step2 + o, step1 + i + 1, j - i - 1);
            o += j - i - 1;
            i = j;
        } else {
            step2[o++] = step1[i++];
        }
    }
    step2[o] = '\0';
    /* Step 3: ([a-z0-9])([A-Z]), then step 4: lower-case. */
    struct acg_buf out;
    acg_buf_init(&out, 4096);
    int rc = ACG_OK;
    for (size_t i = 0; i < o && rc == ACG_OK;) {
        char c = step2[i];
        if (i + 1 < o && (low(c) || (c >= '0' && c <= '9')) && up(step2[i + 1])) {
            rc = acg_buf_append_char(&out, c);
            if (rc == ACG_OK)
                rc = acg_buf_append_char(&out, sep);
            if (rc == ACG_OK)
                rc = acg_buf_append_char(&out, (char)tolower((unsigned char)step2[i + 1]));
            i += 2;
        } else {
            rc = acg_buf_append_char(&out, (char)tolower((unsigned char)c));
            i++;
        }
    }
    char *res = rc == ACG_OK ? dup_buf(a, out.data ? out.data : "", out.len) : NULL;
    acg_buf_free(&out);
    return res;
}
