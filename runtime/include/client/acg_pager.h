/* Paginated operations, page by page or item by item, as botocore's paginators run them:
 * the output tokens of one page (JMESPath over the output) become the input tokens of the
 * next, until no token comes back (or more_results says no), the same token comes back
 * twice (an error), or max_items items of the first result key were seen.
 *
 *     struct acg_pager *p;
 *     const struct personalize_list_batch_inference_jobs_response *page;
 *     int rc = personalize_list_batch_inference_jobs_pages(client, &in, NULL, &p, &err);
 *     while (rc == ACG_OK &&
 *            (rc = personalize_list_batch_inference_jobs_next_page(p, &page, &err)) == ACG_OK &&
 *            page != NULL)
 *         ...use page until the next call...
 *     acg_pager_free(p);
 *
 * Memory: the pager copies the input when it is created, so the caller's input may go at
 * once. It owns the current page (and every value the page points to) until the next call
 * of acg_pager_next or acg_pager_next_item, or acg_pager_free; copy what must outlive it.
 * Each page is one acg_call: validated, signed, retried and decoded like any other. */
#ifndef ACG_PAGER_H
#define ACG_PAGER_H

#include <stdint.h>

#include "client/acg_client.h"

#ifdef __cplusplus
extern "C" {
#endif

struct acg_pager_options {
    /* Where to start: a resume token from acg_pager_resume_token (the AWS CLI's
     * --starting-token, which the AWS CLI's NextToken output also is), or NULL. */
    const char *starting_token;
    /* > 0: asked of the service per page through the operation's limit key (botocore's
     * PageSize); refused for an operation without one. */
    int64_t page_size;
    /* > 0: stop after this many items of the first result key, cutting the last page
     * short and leaving a resume token (botocore's MaxItems). */
    int64_t max_items;
};

struct acg_pager;

/* Starts paging op (which must have a paginator) with input in (a struct of op->input, or
 * NULL), nothing sent yet. ACG_OK with *out, or ACG_ERR_INVALID_ARG (no paginator, a
 * malformed starting token, a page size without a limit key), ACG_ERR_NOMEM. */
ACG_NODISCARD int acg_pager_new(struct acg_client *client, const struct acg_operation *op,
                                const void *in, const struct acg_pager_options *options,
                                struct acg_pager **out, struct acg_error *err);
void acg_pager_free(struct acg_pager *p);

/* Fetches the next page into *page (a struct of op->output owned by the pager), or sets
 * *page to NULL when there are no more. On failure *page is NULL and err says why; the
 * pager can then only be freed. */
ACG_NODISCARD int acg_pager_next(struct acg_pager *p, const void **page, struct acg_error *err);

/* The next element of the first result key's list, fetching pages as needed; *item NULL
 * when there are no more. ACG_ERR_UNSUPPORTED when the first result key is not a list. */
ACG_NODISCARD int acg_pager_next_item(struct acg_pager *p, const void **item,
                                      struct acg_error *err);

/* After the last page: the token that resumes where max_items stopped (botocore's
 * resume_token, base64 of JSON), or NULL when paging ran to the end. Owned by the pager. */
const char *acg_pager_resume_token(const struct acg_pager *p);

/* The first page's members named by the paginator's non_aggregate_keys and the result
 * keys, as JMESPath expressions over the output: what the AWS CLI merges pages by. */
const struct acg_paginator *acg_pager_paginator(const struct acg_pager *p);

#ifdef __cplusplus
}
#endif

#endif
