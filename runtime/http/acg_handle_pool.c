/* The client's pool of libcurl easy handles and the share handle behind them; see
 * acg_handle_pool.h for the contract. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/acg_handle_pool.h"

struct acg_handle_pool {
    pthread_mutex_t lock;           /* guards idle and count; never held across a transfer */
    pthread_cond_t returned;        /* a handle came back, or a slot freed up */
    struct acg_pooled_conn *idle;   /* most recently given back first */
    size_t count;                   /* handles made (or being made) */
    size_t max;
    struct acg_http_options options;
    CURLSH *share;
    /* One lock per kind of shared data, as libcurl asks: DNS and TLS sessions never wait
     * for each other. Indexed by curl_lock_data. */
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
};

static void share_lock(CURL *easy, curl_lock_data data, curl_lock_access access, void *ud)
{
    struct acg_handle_pool *p = ud;
    (void)easy;
    (void)access;   /* libcurl asks for shared or exclusive; a mutex gives exclusive */
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&p->share_locks[data]);
}

static void share_unlock(CURL *easy, curl_lock_data data, void *ud)
{
    struct acg_handle_pool *p = ud;
    (void)easy;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&p->share_locks[data]);
}

static CURLSH *share_new(struct acg_handle_pool *p)
{
    CURLSH *sh = curl_share_init();
    if (sh == NULL)
        return NULL;
    if (curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_USERDATA, p) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(sh);
        return NULL;
    }
    return sh;
}

static struct acg_pooled_conn *pooled_new(struct acg_handle_pool *p)
{
    struct acg_pooled_conn *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->conn = acg_http_conn_new(&p->options);
    if (h->conn == NULL || !acg_http_conn_join(h->conn, p->share)) {
        acg_http_conn_destroy(h->conn);
        free(h);
        return NULL;
    }
    acg_sigv4_result_init(&h->sig);
    return h;
}

static void pooled_destroy(struct acg_pooled_conn *h)
{
    acg_http_conn_destroy(h->conn);
    acg_sigv4_cache_clear(&h->sigv4);
    acg_sigv4_result_free(&h->sig);
    free(h);
}

struct acg_handle_pool *acg_handle_pool_new(const struct acg_http_options *o, size_t max_handles)
{
    if (!acg_http_global_init())
        return NULL;
    struct acg_handle_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->returned, NULL);
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&p->share_locks[i], NULL);
    p->max = max_handles > 0 ? max_handles : 1;
    p->options = *o;
    p->share = share_new(p);
    if (p->share != NULL)
        p->idle = pooled_new(p);
    if (p->idle == NULL) {
        acg_handle_pool_destroy(p);
        return NULL;
    }
    p->count = 1;
    return p;
}

void acg_handle_pool_destroy(struct acg_handle_pool *p)
{
    if (p == NULL)
        return;
    while (p->idle != NULL) {
        struct acg_pooled_conn *h = p->idle;
        p->idle = h->next_idle;
        pooled_destroy(h);
    }
    /* Only once no easy handle uses it any more. */
    if (p->share != NULL)
        curl_share_cleanup(p->share);
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&p->share_locks[i]);
    pthread_cond_destroy(&p->returned);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

struct acg_pooled_conn *acg_handle_pool_take(struct acg_handle_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->idle == NULL && p->count >= p->max)
        pthread_cond_wait(&p->returned, &p->lock);
    struct acg_pooled_conn *h = p->idle;
    if (h != NULL) {
        p->idle = h->next_idle;
        pthread_mutex_unlock(&p->lock);
        h->next_idle = NULL;
        return h;
    }
    /* Reserve the slot, then make the handle unlocked: setting a handle up parses options
     * and allocates libcurl's buffers, which other takers need not wait for. */
    p->count++;
    pthread_mutex_unlock(&p->lock);
    h = pooled_new(p);
    if (h == NULL) {
        pthread_mutex_lock(&p->lock);
        p->count--;
        pthread_cond_signal(&p->returned);   /* a waiter may make one instead */
        pthread_mutex_unlock(&p->lock);
    }
    return h;
}

void acg_handle_pool_give_back(struct acg_handle_pool *p, struct acg_pooled_conn *h)
{
    if (h == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    h->next_idle = p->idle;
    p->idle = h;
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->lock);
}
