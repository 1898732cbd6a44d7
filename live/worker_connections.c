#include "live/worker_connections.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Idle connections kept at most, over all containers: a run has at most MAX_CONTAINERS containers
 * with a few connections each; past this the oldest idle one is closed. */
#define KEPT_MAX 1024

struct kept {
    char container[65];
    CURL *handle;
};

struct hf_worker_connections {
    pthread_mutex_t lock;
    struct kept kept[KEPT_MAX]; /* idle, oldest first */
    size_t count;
    uint64_t calls, opened;
};

struct hf_worker_connections *hf_worker_connections_new(void)
{
    struct hf_worker_connections *pool = calloc(1, sizeof *pool);
    if (pool && pthread_mutex_init(&pool->lock, NULL) != 0) {
        free(pool);
        return NULL;
    }
    return pool;
}

void hf_worker_connections_free(struct hf_worker_connections *pool)
{
    if (!pool)
        return;
    for (size_t i = 0; i < pool->count; i++)
        curl_easy_cleanup(pool->kept[i].handle);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

/* Removes entry i, keeping the others in age order; the caller holds the lock. */
static CURL *unkeep(struct hf_worker_connections *pool, size_t i)
{
    CURL *h = pool->kept[i].handle;
    memmove(&pool->kept[i], &pool->kept[i + 1], (pool->count - i - 1) * sizeof pool->kept[0]);
    pool->count--;
    return h;
}

void hf_worker_connections_forget(struct hf_worker_connections *pool, const char *container)
{
    if (!pool)
        return;
    CURL *closing[KEPT_MAX];
    size_t n = 0;
    pthread_mutex_lock(&pool->lock);
    for (size_t i = pool->count; i-- > 0;)
        if (strcmp(pool->kept[i].container, container) == 0)
            closing[n++] = unkeep(pool, i);
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 0; i < n; i++)
        curl_easy_cleanup(closing[i]); /* outside the lock: closing a socket can take a while */
}

struct hf_worker_connection_counts hf_worker_connections_counts(struct hf_worker_connections *pool)
{
    struct hf_worker_connection_counts c = {0};
    if (!pool)
        return c;
    pthread_mutex_lock(&pool->lock);
    c.calls = pool->calls;
    c.opened = pool->opened;
    pthread_mutex_unlock(&pool->lock);
    return c;
}

void *hf_worker_connection_take(struct hf_worker_connections *pool, const char *container)
{
    CURL *h = NULL;
    if (pool) {
        pthread_mutex_lock(&pool->lock);
        for (size_t i = pool->count; i-- > 0 && !h;) /* the newest: the least likely closed for idling */
            if (strcmp(pool->kept[i].container, container) == 0)
                h = unkeep(pool, i);
        pthread_mutex_unlock(&pool->lock);
    }
    if (h)
        curl_easy_reset(h); /* options back to defaults; the connection stays */
    else
        h = curl_easy_init();
    return h;
}

void hf_worker_connection_give(struct hf_worker_connections *pool, const char *container, void *handle,
                               bool reusable, long opened)
{
    CURL *evicted = NULL;
    if (pool) {
        pthread_mutex_lock(&pool->lock);
        pool->calls++;
        pool->opened += opened > 0 ? (uint64_t)opened : 0;
        if (reusable && strlen(container) < sizeof pool->kept[0].container) {
            if (pool->count == KEPT_MAX)
                evicted = unkeep(pool, 0);
            struct kept *k = &pool->kept[pool->count++];
            strcpy(k->container, container);
            k->handle = handle;
            handle = NULL;
        }
        pthread_mutex_unlock(&pool->lock);
    }
    if (evicted)
        curl_easy_cleanup(evicted);
    if (handle)
        curl_easy_cleanup(handle);
}
