#include "live/docker.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API "/v1.41"

struct hf_docker {
    char *host;
    char *socket_path; /* unix socket, or NULL for tcp */
    char base[512];    /* http://localhost, http://host:port or https://host:port */
    bool tls;
    char ca[1024], cert[1024], key[1024]; /* with tls: the files from DOCKER_CERT_PATH */
    CURL *curl;
};

static bool set_in_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* "127.0.0.1", "localhost", "[::1]" and the like: reachable from this machine only. */
static bool is_loopback(const char *host, size_t n)
{
    return (n >= 9 && strncmp(host, "localhost", 9) == 0 && (n == 9 || host[9] == ':')) ||
           (n >= 4 && strncmp(host, "127.", 4) == 0) || (n >= 5 && strncmp(host, "[::1]", 5) == 0);
}

/* DOCKER_CERT_PATH's ca.pem, cert.pem and key.pem, each checked readable: a missing one is named. */
static bool tls_files(struct hf_docker *d, struct hf_error *err)
{
    const char *dir = getenv("DOCKER_CERT_PATH"), *home = getenv("HOME");
    char fallback[960];
    if (!dir || !*dir) {
        snprintf(fallback, sizeof fallback, "%.900s/.docker", home ? home : "");
        dir = fallback;
    }
    struct { char *path; const char *name, *what; } files[] = {
        {d->ca, "ca.pem", "the CA that signed the engine's certificate"},
        {d->cert, "cert.pem", "this client's certificate"},
        {d->key, "key.pem", "this client's key"},
    };
    for (size_t i = 0; i < 3; i++) {
        snprintf(files[i].path, sizeof d->ca, "%.1000s/%s", dir, files[i].name);
        FILE *f = fopen(files[i].path, "r");
        if (!f)
            return hf_fail(err, HF_EXIT_USAGE, "docker %s: DOCKER_TLS_VERIFY is set but %s (%s) cannot be read: give "
                           "DOCKER_CERT_PATH or --tls-cert-path", d->host, files[i].path, files[i].what);
        fclose(f);
    }
    return true;
}

struct buffer {
    char *data;
    size_t size;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *ctx)
{
    struct buffer *b = ctx;
    size_t n = size * nmemb;
    char *grown = realloc(b->data, b->size + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->size, ptr, n);
    b->size += n;
    grown[b->size] = '\0';
    b->data = grown;
    return n;
}

const char *hf_docker_default_host(void)
{
    const char *env = getenv("DOCKER_HOST");
    return env && *env ? env : HF_DOCKER_DEFAULT_HOST;
}

bool hf_docker_open(struct hf_docker **out, const char *host, struct hf_error *err)
{
    *out = NULL;
    struct hf_docker *d = calloc(1, sizeof *d);
    if (!d || !(d->host = strdup(host))) {
        free(d);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (strncmp(host, "unix://", 7) == 0 && host[7]) {
        d->socket_path = strdup(host + 7);
        snprintf(d->base, sizeof d->base, "http://localhost");
    } else if (strncmp(host, "tcp://", 6) == 0 && host[6] && host[6] != '/') {
        /* As the docker CLI reads DOCKER_HOST: "tcp://host" means Docker's plain-TCP port, 2375; a
         * trailing slash is nothing. IPv6 literals keep their brackets: the port follows the ']'. */
        size_t n = strcspn(host + 6, "/");
        const char *bracket = memchr(host + 6, ']', n), *after = bracket ? bracket + 1 : host + 6;
        bool has_port = memchr(after, ':', n - (size_t)(after - (host + 6))) != NULL;
        d->tls = set_in_env("DOCKER_TLS_VERIFY");
        if (d->tls && !tls_files(d, err)) {
            hf_docker_close(d);
            return false;
        }
        if (!d->tls && !is_loopback(host + 6, n) && !set_in_env("HFSIM_DOCKER_INSECURE")) {
            hf_docker_close(d);
            return hf_fail(err, HF_EXIT_USAGE, "docker host \"%s\": plain TCP to another machine gives anyone who "
                           "reaches it root there; use TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or --tls-verify "
                           "--tls-cert-path DIR), or --insecure (HFSIM_DOCKER_INSECURE=1) if you mean it", host);
        }
        snprintf(d->base, sizeof d->base, "%s://%.*s%s", d->tls ? "https" : "http", (int)n, host + 6,
                 has_port ? "" : d->tls ? ":2376" : ":2375");
    } else {
        hf_docker_close(d);
        return hf_fail(err, HF_EXIT_USAGE,
                       "docker host \"%s\" (from --hosts, the scenario's live.hosts or DOCKER_HOST): expected unix:///path or tcp://host:port",
                       host);
    }
    d->curl = curl_easy_init();
    if (!d->curl) {
        hf_docker_close(d);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: curl_easy_init failed", host);
    }
    *out = d;
    return true;
}

void hf_docker_close(struct hf_docker *d)
{
    if (!d)
        return;
    if (d->curl)
        curl_easy_cleanup(d->curl);
    free(d->socket_path);
    free(d->host);
    free(d);
}

const char *hf_docker_host(const struct hf_docker *d) { return d->host; }

/* One API call. body may be NULL; `content_type` defaults to JSON. Returns the HTTP status (0 when
 * the engine did not answer: err set), the response body in *response (caller frees). */
static long call(struct hf_docker *d, const char *method, const char *path, const void *body, size_t body_size,
                 const char *content_type, long timeout_s, char **response, struct hf_error *err)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", d->base, path);
    struct buffer out = {0};
    struct curl_slist *headers = NULL;
    char type[128];
    snprintf(type, sizeof type, "Content-Type: %s", content_type ? content_type : "application/json");
    headers = curl_slist_append(headers, type);
    headers = curl_slist_append(headers, "Expect:");
    CURL *c = d->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (d->socket_path)
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, d->socket_path);
    if (d->tls) { /* the engine proves itself against our CA; we present our certificate */
        curl_easy_setopt(c, CURLOPT_CAINFO, d->ca);
        curl_easy_setopt(c, CURLOPT_SSLCERT, d->cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, d->key);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_size);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    long status = 0;
    if (rc != CURLE_OK) {
        free(out.data);
        /* Over TLS, say which side's certificate the handshake failed on. */
        const char *tls = !d->tls ? ""
                          : rc == CURLE_PEER_FAILED_VERIFICATION
                              ? " (TLS: the engine's certificate is not signed by ca.pem, or not for this address)"
                          : rc == CURLE_SSL_CERTPROBLEM ? " (TLS: this client's cert.pem or key.pem cannot be used)"
                          : rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                                  rc == CURLE_GOT_NOTHING
                              ? " (TLS: the engine refused the handshake: is cert.pem signed by a CA it trusts?)"
                              : "";
        hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: %s %.*s: the engine did not answer: %s%s", d->host, method,
                (int)strcspn(path, "?"), path, curl_easy_strerror(rc), tls); /* the query is noise here */
        return 0;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (response)
        *response = out.data ? out.data : strdup("");
    else
        free(out.data);
    return status;
}

/* Fails with the engine's message ({"message": ...}) for a status outside 2xx. */
static bool expect(struct hf_docker *d, long status, char *response, const char *what, struct hf_error *err)
{
    if (status >= 200 && status < 300) {
        free(response);
        return true;
    }
    json_t *j = response ? json_loads(response, 0, NULL) : NULL;
    const char *message = j ? json_string_value(json_object_get(j, "message")) : NULL;
    hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: %s: HTTP %ld: %s", d->host, what, status,
            message ? message : (response && *response ? response : "no message"));
    json_decref(j);
    free(response);
    return false;
}

bool hf_docker_ping(struct hf_docker *d, struct hf_error *err)
{
    char *r = NULL;
    long status = call(d, "GET", "/_ping", NULL, 0, NULL, 3, &r, err);
    return status && expect(d, status, r, "ping", err);
}

/* Percent-encodes a query value. */
static void escape_into(struct hf_docker *d, const char *text, char *out, size_t size)
{
    char *e = curl_easy_escape(d->curl, text, 0);
    snprintf(out, size, "%s", e ? e : "");
    curl_free(e);
}

bool hf_docker_import(struct hf_docker *d, const void *tar, size_t size, const char *repo, const char *tag,
                      struct hf_error *err)
{
    char r_esc[256], t_esc[128], path[512];
    escape_into(d, repo, r_esc, sizeof r_esc);
    escape_into(d, tag, t_esc, sizeof t_esc);
    snprintf(path, sizeof path, API "/images/create?fromSrc=-&repo=%s&tag=%s", r_esc, t_esc);
    char *r = NULL;
    long status = call(d, "POST", path, tar, size, "application/x-tar", 120, &r, err);
    if (!status)
        return false;
    /* The engine streams progress JSON; an import error arrives as {"error": ...} with status 200. */
    if (status == 200 && r && strstr(r, "\"error\"")) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: image import: %.300s", d->host, r);
        free(r);
        return false;
    }
    return expect(d, status, r, "image import", err);
}

bool hf_docker_image_exists(struct hf_docker *d, const char *reference, bool *exists, struct hf_error *err)
{
    char esc[256], path[512];
    escape_into(d, reference, esc, sizeof esc);
    snprintf(path, sizeof path, API "/images/%s/json", esc);
    char *r = NULL;
    long status = call(d, "GET", path, NULL, 0, NULL, 10, &r, err);
    if (!status)
        return false;
    *exists = status == 200;
    if (status == 404 || status == 200) {
        free(r);
        return true;
    }
    return expect(d, status, r, "image inspect", err);
}

bool hf_docker_create(struct hf_docker *d, const struct hf_docker_container_spec *spec, char *id,
                      struct hf_error *err)
{
    json_t *body = json_object();
    json_object_set_new(body, "Image", json_string(spec->image));
    if (spec->cmd) {
        json_t *cmd = json_array();
        for (const char *const *c = spec->cmd; *c; c++)
            json_array_append_new(cmd, json_string(*c));
        json_object_set_new(body, "Cmd", cmd);
    }
    if (spec->labels)
        json_object_set(body, "Labels", spec->labels);
    json_t *host = json_object();
    if (spec->publish_port > 0) {
        /* A random free port of the engine's machine, so workers on a remote engine can be reached. */
        char port[32];
        snprintf(port, sizeof port, "%d/tcp", spec->publish_port);
        json_object_set_new(body, "ExposedPorts", json_pack("{s:{}}", port));
        json_object_set_new(host, "PortBindings", json_pack("{s:[{s:s, s:s}]}", port, "HostIp", "", "HostPort", ""));
    }
    if (spec->cpus > 0) {
        /* CPU as period/quota, not NanoCpus: only these can be updated on a running container. */
        json_object_set_new(host, "CpuPeriod", json_integer(100000));
        json_object_set_new(host, "CpuQuota", json_integer((json_int_t)(spec->cpus * 100000 + 0.5)));
    }
    if (spec->memory_bytes)
        json_object_set_new(host, "Memory", json_integer((json_int_t)spec->memory_bytes));
    json_object_set_new(body, "HostConfig", host);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char path[512] = API "/containers/create";
    if (spec->name) {
        char esc[256];
        escape_into(d, spec->name, esc, sizeof esc);
        snprintf(path, sizeof path, API "/containers/create?name=%s", esc);
    }
    char *r = NULL;
    long status = call(d, "POST", path, text, strlen(text), NULL, 30, &r, err);
    free(text);
    if (!status)
        return false;
    if (status != 201)
        return expect(d, status, r, "container create", err);
    json_t *j = json_loads(r, 0, NULL);
    const char *got = j ? json_string_value(json_object_get(j, "Id")) : NULL;
    bool ok = got && strlen(got) < 65;
    if (ok)
        strcpy(id, got);
    else
        hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: container create: no Id in %.200s", d->host, r);
    json_decref(j);
    free(r);
    return ok;
}

static bool simple(struct hf_docker *d, const char *method, const char *id, const char *action, long timeout_s,
                   const char *what, bool missing_ok, struct hf_error *err)
{
    char path[512];
    snprintf(path, sizeof path, API "/containers/%s%s", id, action);
    char *r = NULL;
    long status = call(d, method, path, NULL, 0, NULL, timeout_s, &r, err);
    if (!status)
        return false;
    /* Already in that state, or gone; for a removal also one already under way (the engine
     * answers 409 "removal ... is already in progress" when the run's reaper or another cleanup got
     * there first): the container goes either way. */
    if (status == 304 || (missing_ok && status == 404) ||
        (missing_ok && status == 409 && r && strstr(r, "already in progress"))) {
        free(r);
        return true;
    }
    return expect(d, status, r, what, err);
}

bool hf_docker_start(struct hf_docker *d, const char *id, struct hf_error *err)
{
    return simple(d, "POST", id, "/start", 30, "container start", false, err);
}

bool hf_docker_kill(struct hf_docker *d, const char *id, struct hf_error *err)
{
    return simple(d, "POST", id, "/kill", 30, "container kill", false, err);
}

bool hf_docker_stop(struct hf_docker *d, const char *id, int timeout_s, struct hf_error *err)
{
    char action[64];
    snprintf(action, sizeof action, "/stop?t=%d", timeout_s);
    return simple(d, "POST", id, action, timeout_s + 30, "container stop", false, err);
}

bool hf_docker_remove(struct hf_docker *d, const char *id, struct hf_error *err)
{
    return simple(d, "DELETE", id, "?force=1&v=1", 60, "container remove", true, err);
}

bool hf_docker_update(struct hf_docker *d, const char *id, double cpus, uint64_t memory_bytes,
                      struct hf_error *err)
{
    json_t *body = json_object();
    if (cpus > 0) {
        json_object_set_new(body, "CpuPeriod", json_integer(100000));
        json_object_set_new(body, "CpuQuota", json_integer((json_int_t)(cpus * 100000 + 0.5)));
    }
    if (memory_bytes) {
        json_object_set_new(body, "Memory", json_integer((json_int_t)memory_bytes));
        json_object_set_new(body, "MemorySwap", json_integer(-1));
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char path[512];
    snprintf(path, sizeof path, API "/containers/%s/update", id);
    char *r = NULL;
    long status = call(d, "POST", path, text, strlen(text), NULL, 30, &r, err);
    free(text);
    return status && expect(d, status, r, "container update", err);
}

json_t *hf_docker_inspect(struct hf_docker *d, const char *id, struct hf_error *err)
{
    char path[512];
    snprintf(path, sizeof path, API "/containers/%s/json", id);
    char *r = NULL;
    long status = call(d, "GET", path, NULL, 0, NULL, 10, &r, err);
    if (!status)
        return NULL;
    if (status != 200) {
        expect(d, status, r, "container inspect", err);
        return NULL;
    }
    json_t *j = json_loads(r, 0, NULL);
    free(r);
    if (!j)
        hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: container inspect: not JSON", d->host);
    return j;
}

bool hf_docker_is_local(const struct hf_docker *d) { return d->socket_path != NULL; }

bool hf_docker_endpoint(struct hf_docker *d, const char *id, int container_port, char *address, size_t size,
                        int *port, struct hf_error *err)
{
    if (d->socket_path) {
        *port = container_port;
        return hf_docker_address(d, id, address, size, err);
    }
    json_t *j = hf_docker_inspect(d, id, err);
    if (!j)
        return false;
    char key[32];
    snprintf(key, sizeof key, "%d/tcp", container_port);
    const json_t *bindings = json_object_get(json_object_get(json_object_get(j, "NetworkSettings"), "Ports"), key);
    const char *host_port = json_string_value(json_object_get(json_array_get(bindings, 0), "HostPort"));
    *port = host_port ? atoi(host_port) : 0;
    json_decref(j);
    if (*port <= 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: container %.12s: port %d is not published", d->host, id,
                       container_port);
    /* The engine's own host name: base is "http://host:port" (IPv6 literals keep their brackets). */
    const char *h = d->base + strlen("http://");
    const char *colon = strrchr(h, ':');
    size_t n = colon && colon > h && colon[-1] != ':' ? (size_t)(colon - h) : strlen(h);
    if (n >= size)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: host name too long", d->host);
    memcpy(address, h, n);
    address[n] = '\0';
    return true;
}

bool hf_docker_capacity(struct hf_docker *d, double *cpus, double *memory_mib, struct hf_error *err)
{
    char *r = NULL;
    long status = call(d, "GET", API "/info", NULL, 0, NULL, 10, &r, err);
    if (!status)
        return false;
    if (status != 200) {
        expect(d, status, r, "info", err);
        return false;
    }
    json_t *j = json_loads(r, 0, NULL);
    free(r);
    json_int_t n = json_integer_value(json_object_get(j, "NCPU"));
    json_int_t memory = json_integer_value(json_object_get(j, "MemTotal"));
    json_decref(j);
    if (n <= 0 || memory <= 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: info: no NCPU or MemTotal", d->host);
    *cpus = (double)n;
    *memory_mib = (double)memory / 1048576.0;
    return true;
}

bool hf_docker_stats(struct hf_docker *d, const char *id, struct hf_docker_usage *out, struct hf_error *err)
{
    char path[512];
    snprintf(path, sizeof path, API "/containers/%s/stats?stream=false&one-shot=true", id);
    char *r = NULL;
    long status = call(d, "GET", path, NULL, 0, NULL, 10, &r, err);
    if (!status)
        return false;
    if (status != 200) {
        expect(d, status, r, "container stats", err);
        return false;
    }
    json_t *j = json_loads(r, 0, NULL);
    free(r);
    const json_t *cpu = json_object_get(json_object_get(json_object_get(j, "cpu_stats"), "cpu_usage"), "total_usage");
    const json_t *mem = json_object_get(json_object_get(j, "memory_stats"), "usage");
    bool ok = json_is_integer(cpu);
    if (ok) {
        out->cpu_ns = (uint64_t)json_integer_value(cpu);
        out->memory_bytes = json_is_integer(mem) ? (uint64_t)json_integer_value(mem) : 0;
    }
    json_decref(j);
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: container %.12s: stats without CPU usage "
                                                  "(is it running?)", d->host, id);
}

bool hf_docker_address(struct hf_docker *d, const char *id, char *ip, size_t size, struct hf_error *err)
{
    json_t *j = hf_docker_inspect(d, id, err);
    if (!j)
        return false;
    ip[0] = '\0';
    const json_t *networks = json_object_get(json_object_get(j, "NetworkSettings"), "Networks");
    const char *name;
    const json_t *net;
    json_object_foreach((json_t *)networks, name, net) {
        const char *addr = json_string_value(json_object_get(net, "IPAddress"));
        if (addr && *addr) {
            snprintf(ip, size, "%s", addr);
            break;
        }
    }
    json_decref(j);
    return true;
}

json_t *hf_docker_containers(struct hf_docker *d, const char *key, const char *value, struct hf_error *err)
{
    char label[512], esc[1536], path[1700];
    if (value)
        snprintf(label, sizeof label, "%s=%s", key, value);
    else
        snprintf(label, sizeof label, "%s", key);
    /* jansson quotes the label: a run id given on the command line may hold any character */
    json_t *filter = json_pack("{s:[s]}", "label", label);
    char *text = json_dumps(filter, JSON_COMPACT);
    json_decref(filter);
    if (!text) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    escape_into(d, text, esc, sizeof esc);
    free(text);
    snprintf(path, sizeof path, API "/containers/json?all=1&filters=%s", esc);
    char *r = NULL;
    long status = call(d, "GET", path, NULL, 0, NULL, 10, &r, err);
    if (!status)
        return NULL;
    if (status != 200) {
        expect(d, status, r, "container list", err);
        return NULL;
    }
    json_t *list = json_loads(r, 0, NULL);
    free(r);
    if (!json_is_array(list)) {
        json_decref(list);
        hf_fail(err, HF_EXIT_RUN_FAILED, "docker %s: container list: not a JSON array", d->host);
        return NULL;
    }
    return list;
}

json_t *hf_docker_list(struct hf_docker *d, const char *key, const char *value, struct hf_error *err)
{
    json_t *list = hf_docker_containers(d, key, value, err);
    if (!list)
        return NULL;
    json_t *ids = json_array();
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        const char *id = json_string_value(json_object_get(c, "Id"));
        if (id)
            json_array_append_new(ids, json_string(id));
    }
    json_decref(list);
    return ids;
}
