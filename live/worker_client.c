#include "live/worker_client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct body {
    char text[1024];
    size_t size;
};

static size_t collect(char *data, size_t size, size_t count, void *ctx)
{
    struct body *b = ctx;
    size_t n = size * count, room = sizeof b->text - 1 - b->size;
    memcpy(b->text + b->size, data, n < room ? n : room);
    b->size += n < room ? n : room;
    b->text[b->size] = '\0';
    return n;
}

/* The worker said it closes the connection after this answer. */
static size_t header(char *data, size_t size, size_t count, void *ctx)
{
    size_t n = size * count;
    if (n >= 17 && strncasecmp(data, "connection: close", 17) == 0)
        *(bool *)ctx = true;
    return n;
}

/* One HTTP call; *status gets the HTTP status, `b` the (truncated) body. */
static bool call(const struct hf_worker_address *at, const char *method, const char *target, int timeout_ms,
                 long *status, struct body *b, struct hf_error *err)
{
    const char *ip = at->ip, *container = at->container ? at->container : "";
    int port = at->port;
    char url[256];
    snprintf(url, sizeof url, "http://%s:%d%s", ip, port, target);
    CURL *c = hf_worker_connection_take(at->pool, container);
    if (!c)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: curl_easy_init failed", ip, port);
    b->size = 0;
    b->text[0] = '\0';
    bool closing = false;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &closing);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_ms < 3000 ? timeout_ms : 3000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, ""); /* the workers are on the engine's network, never proxied */
    CURLcode rc = curl_easy_perform(c);
    long opened = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened);
    hf_worker_connection_give(at->pool, container, c, rc == CURLE_OK && !closing, opened);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: %s %s: no answer within %d ms", ip, port, method,
                       target, timeout_ms);
    if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE)
        return hf_fail(err, HF_EXIT_RUN_FAILED,
                       "worker %s:%d: the connection closed without an answer (killed, or out of memory)", ip, port);
    if (rc != CURLE_OK)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: %s %s: %s", ip, port, method, target,
                       curl_easy_strerror(rc));
    return true;
}

/* The worker's {"error": ...} for a non-200 answer. */
static bool refused(const struct hf_worker_address *at, long status, const struct body *b, struct hf_error *err)
{
    json_t *j = json_loads(b->text, 0, NULL);
    const char *why = json_string_value(json_object_get(j, "error"));
    hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: HTTP %ld: %.80s", at->ip, at->port, status, why ? why : b->text);
    json_decref(j);
    return false;
}

bool hf_worker_ping(const struct hf_worker_address *at, int timeout_ms, struct hf_error *err)
{
    long status = 0;
    struct body b;
    if (!call(at, "GET", "/ping", timeout_ms, &status, &b, err))
        return false;
    return status == 200 || refused(at, status, &b, err);
}

bool hf_worker_run(const struct hf_worker_address *at, double cpu_ms, double memory_mb, long function, int timeout_ms,
                   double *wall_ms, long *status_out, struct hf_error *err)
{
    char target[160];
    int n = snprintf(target, sizeof target, "/run?cpu_ms=%.3f&memory_mb=%.3f", cpu_ms, memory_mb);
    if (function >= 0)
        snprintf(target + n, sizeof target - (size_t)n, "&function=%ld", function);
    long status = 0;
    struct body b;
    bool answered = call(at, "POST", target, timeout_ms, &status, &b, err);
    if (status_out)
        *status_out = answered ? status : 0;
    if (!answered)
        return false;
    if (status != 200)
        return refused(at, status, &b, err);
    json_t *j = json_loads(b.text, 0, NULL);
    json_t *wall = json_object_get(j, "wall_ms");
    bool ok = json_is_number(wall);
    if (ok)
        *wall_ms = json_number_value(wall);
    json_decref(j);
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: unexpected answer \"%.60s\"", at->ip, at->port, b.text);
}

bool hf_worker_specialize(const struct hf_worker_address *at, long function, double load_ms, int timeout_ms,
                          struct hf_error *err)
{
    char target[96];
    if (function >= 0)
        snprintf(target, sizeof target, "/specialize?function=%ld&load_ms=%.3f", function, load_ms);
    else
        snprintf(target, sizeof target, "/generalize");
    long status = 0;
    struct body b;
    if (!call(at, "POST", target, timeout_ms, &status, &b, err))
        return false;
    return status == 200 || refused(at, status, &b, err);
}

bool hf_worker_stats(const struct hf_worker_address *at, int timeout_ms, struct hf_worker_stats *out, struct hf_error *err)
{
    long status = 0;
    struct body b;
    if (!call(at, "GET", "/stats", timeout_ms, &status, &b, err))
        return false;
    if (status != 200)
        return refused(at, status, &b, err);
    json_t *j = json_loads(b.text, 0, NULL);
    json_int_t function, second, in_flight, served;
    bool ok = j && json_unpack(j, "{s:I, s:I, s:I, s:I, s:F, s:F}", "function", &function, "second", &second,
                               "in_flight", &in_flight, "served", &served, "cpu_ms", &out->cpu_ms, "memory_mb",
                               &out->memory_mb) == 0;
    json_t *cgroup = json_object_get(j, "cgroup_cpu_ns");
    out->cgroup_known = ok && json_is_integer(cgroup) && json_integer_value(cgroup) >= 0;
    out->cgroup_cpu_ns = out->cgroup_known ? (unsigned long long)json_integer_value(cgroup) : 0;
    json_int_t total, idle, steal;
    out->host_known = ok && json_unpack(json_object_get(j, "host"), "{s:F, s:I, s:I, s:I}", "load_1m",
                                        &out->host_load_1m, "cpu_total", &total, "cpu_idle", &idle, "cpu_steal",
                                        &steal) == 0;
    out->host_boot_id[0] = '\0';
    if (out->host_known) {
        const char *boot = json_string_value(json_object_get(json_object_get(j, "host"), "boot_id"));
        snprintf(out->host_boot_id, sizeof out->host_boot_id, "%s", boot ? boot : "");
        out->host_cpu_total = (unsigned long long)total;
        out->host_cpu_idle = (unsigned long long)idle;
        out->host_cpu_steal = (unsigned long long)steal;
    }
    if (ok) {
        out->function = (long)function;
        out->second = (long)second;
        out->in_flight = (long)in_flight;
        out->served = (long)served;
    }
    json_decref(j);
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: unexpected stats \"%.60s\"", at->ip, at->port, b.text);
}
