/* hfsim-worker: the program inside hfsim's live-mode containers (statically linked, so an image is
 * this one file; live/image.c packs it). It is the container's in-container scheduler with two
 * function workers: the first serves the container's own function, the second is generic until
 * the global scheduler specializes it for another function (container sharing).
 *
 * It listens on TCP port 8080 (argv[1]) for the function given as argv[2] (default 0) and speaks
 * just enough HTTP/1.1 for persistent connections (no bodies in, small JSON bodies out): requests on
 * one connection are answered in turn until the client closes it, sends "Connection: close", or
 * leaves it idle for IDLE_CLOSE_MS. Only the request line is parsed; the headers are skipped up to
 * the blank line (the seed's in-container scheduler streams requests the same way), so a request
 * costs a read and a write once its connection is open:
 *     POST /run?cpu_ms=C&memory_mb=M[&function=F]  -> 200 {"wall_ms":..}: burns C ms of its own
 *          CPU clock, so a CPU quota stretches wall time as the simulator's processor sharing
 *          does, while holding M MiB of touched memory; 409 when F is not loaded here
 *     POST /specialize?function=F&load_ms=L         -> 200 after L ms (loading the code); the
 *          second worker then serves F
 *     POST /generalize                              -> 200: the second worker is generic again
 *     GET /ping                                     -> 200 (readiness)
 *     GET /stats                                    -> 200 {"function","second","in_flight",
 *          "served","cpu_ms","memory_mb","host"}: what the ICS reports to the global scheduler
 *          (CPU time burnt by requests since start, memory held by requests now), and "host":
 *          {"load_1m","cpu_total","cpu_idle","cpu_steal","boot_id"} from /proc/loadavg, /proc/stat
 *          (jiffies) and the kernel's boot id (which tells engines on one machine apart from others),
 *          which inside a container describe the whole machine: how busy the engine's host is
 *          (hfsim's contention report for remote engines); absent when /proc cannot be read; and
 *          "cgroup_cpu_ns", the container's own CPU counter from its cgroup (cgroup v2 cpu.stat,
 *          v1 cpuacct.usage: what cAdvisor reads for the kubelet), read at once where the engine's
 *          stats API waits for its next 1 s collection; absent when no cgroup file can be read
 * Each connection is served by a forked child, so requests on different connections run
 * concurrently and one that exceeds the memory limit is OOM-killed alone: the parent keeps the
 * connection open, and when it reaps a child killed by a signal during a request it answers 507 (out
 * of memory) on its behalf and closes the connection, so the caller learns why.
 * The workers' state, counters and per-connection slots live in shared memory so every process
 * sees them; a killed child's slot (its memory, its place in in_flight) is cleared by the parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

#define GENERIC -1L
#define MAX_CONNECTIONS 1024
#define IDLE_CLOSE_MS 60000 /* a kept connection with no request for this long is closed (its child ends) */

/* One connection being served. busy and memory_kib are the child's to set; pid and fd the parent's. */
struct slot {
    _Atomic int busy;        /* a /run is executing */
    _Atomic long memory_kib; /* what it holds */
    pid_t pid;               /* 0: free */
    int fd;
};

/* Shared by every forked child. Counters are in microseconds so they stay integers. */
struct workers {
    _Atomic long own;    /* the container's function */
    _Atomic long second; /* GENERIC, or the function the second worker was specialized for */
    _Atomic long served, cpu_us;
    struct slot slots[MAX_CONNECTIONS];
};

/* One answer, head and body in one write (a second small write would wait for the client's delayed
 * ACK under Nagle's algorithm). keep: the connection stays open for the next request. */
static void answer(int fd, int status, const char *body, bool keep)
{
    const char *reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : status == 404 ? "Not Found"
                       : status == 409 ? "Conflict" : status == 507 ? "Insufficient Storage" : "Service Unavailable";
    char out[1024];
    int n = snprintf(out, sizeof out,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: %s\r\n\r\n%s", status, reason, strlen(body), keep ? "keep-alive" : "close", body);
    (void)!write(fd, out, n < (int)sizeof out ? (size_t)n : sizeof out - 1);
}

static void respond(int fd, int status, const char *body) { answer(fd, status, body, false); }

/* The value of `key` in the query string `q` ("a=1&b=2"), parsed as a number; false when absent or
 * not a plain number. */
static bool query_number(const char *q, const char *key, double *out)
{
    size_t k = strlen(key);
    for (const char *p = q; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            char *end;
            errno = 0;
            *out = strtod(p + k + 1, &end);
            return errno == 0 && end != p + k + 1 && (*end == '\0' || *end == '&');
        }
    }
    return false;
}

/* The machine's load and CPU counters (host-wide inside a container), as the "host" member of /stats:
 * `out` gets "" when /proc cannot be read. */
static void host_report(char *out, size_t size)
{
    out[0] = '\0';
    double load;
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/loadavg", "r");
    bool ok = f && fscanf(f, "%lf", &load) == 1;
    if (f)
        fclose(f);
    f = fopen("/proc/stat", "r");
    ok = ok && f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                           &v[5], &v[6], &v[7]) == 8;
    if (f)
        fclose(f);
    if (!ok)
        return;
    unsigned long long total = 0;
    for (int i = 0; i < 8; i++) /* user nice system idle iowait irq softirq steal (guest is in user) */
        total += v[i];
    char boot[64] = "";
    f = fopen("/proc/sys/kernel/random/boot_id", "r"); /* the machine's, not the container's */
    if (f) {
        if (!fgets(boot, sizeof boot, f))
            boot[0] = '\0';
        fclose(f);
        boot[strcspn(boot, "\n\"\\")] = '\0';
    }
    snprintf(out, size,
             ",\"host\":{\"load_1m\":%.2f,\"cpu_total\":%llu,\"cpu_idle\":%llu,\"cpu_steal\":%llu,\"boot_id\":\"%s\"}",
             load, total, v[3] + v[4], v[7], boot);
}

/* The container's CPU counter, ns: its cgroup's, as the container sees its own (v2 at the root of
 * its cgroup namespace, v1 where Docker mounts its cpuacct group). */
static bool cgroup_cpu_ns(unsigned long long *ns)
{
    FILE *f = fopen("/sys/fs/cgroup/cpu.stat", "r");
    if (f) {
        char key[64];
        unsigned long long v;
        bool found = false;
        while (!found && fscanf(f, "%63s %llu", key, &v) == 2)
            found = strcmp(key, "usage_usec") == 0;
        fclose(f);
        if (found) {
            *ns = v * 1000ULL;
            return true;
        }
    }
    static const char *const v1[] = {"/sys/fs/cgroup/cpuacct/cpuacct.usage", "/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage",
                                     "/sys/fs/cgroup/cpuacct,cpu/cpuacct.usage"};
    for (size_t i = 0; i < sizeof v1 / sizeof v1[0]; i++) {
        f = fopen(v1[i], "r");
        if (!f)
            continue;
        bool ok = fscanf(f, "%llu", ns) == 1;
        fclose(f);
        if (ok)
            return true;
    }
    return false;
}

/* One client connection, served by its own child process. */
struct connection {
    int fd;
    bool keep;         /* the current request allows the connection to stay open */
    char buffer[4096]; /* bytes read and not yet consumed (a request head, maybe the start of the next) */
    size_t held;
};

static void reply(struct connection *c, int status, const char *body) { answer(c->fd, status, body, c->keep); }

static void run(struct connection *c, const char *query, struct workers *w, struct slot *me)
{
    double cpu_ms, memory_mb, function;
    bool named = query_number(query, "function", &function);
    if (!query_number(query, "cpu_ms", &cpu_ms) || !query_number(query, "memory_mb", &memory_mb) || cpu_ms < 0 ||
        memory_mb < 0 || cpu_ms > 3.6e6 || memory_mb > 1e6) {
        reply(c, 400, "{\"error\":\"bad request\"}");
        return;
    }
    if (named && (long)function != atomic_load(&w->own) && (long)function != atomic_load(&w->second)) {
        reply(c, 409, "{\"error\":\"function not loaded\"}");
        return;
    }
    double start = now_ms(CLOCK_MONOTONIC);
    size_t bytes = (size_t)(memory_mb * 1024 * 1024);
    char *held = bytes ? malloc(bytes) : NULL;
    if (bytes && !held) {
        reply(c, 503, "{\"error\":\"out of memory\"}");
        return;
    }
    atomic_store(&me->memory_kib, (long)(bytes / 1024));
    atomic_store(&me->busy, 1);
    for (size_t i = 0; i < bytes; i += 4096)
        held[i] = (char)i; /* touch every page: the memory is really used */
    double cpu_start = now_ms(CLOCK_THREAD_CPUTIME_ID), burnt;
    volatile unsigned long spin = 0;
    while ((burnt = now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu_start) < cpu_ms)
        for (int k = 0; k < 10000; k++)
            spin += (unsigned long)k;
    free(held);
    atomic_store(&me->memory_kib, 0);
    atomic_fetch_add(&w->cpu_us, (long)(burnt * 1e3));
    atomic_fetch_add(&w->served, 1);
    /* not busy before the answer: a kill after this point must not have the parent write a 507 that
     * the client would read as the answer to its next request on this connection */
    atomic_store(&me->busy, 0);
    char out[64];
    snprintf(out, sizeof out, "{\"wall_ms\":%.3f}", now_ms(CLOCK_MONOTONIC) - start);
    reply(c, 200, out);
}

/* Reads the next request head into c->buffer, NUL-terminated at its blank line; returns its length
 * with the terminator, 0 when the client closed, went idle or sent no valid head. */
static size_t next_head(struct connection *c)
{
    for (;;) {
        c->buffer[c->held] = '\0';
        char *end = strstr(c->buffer, "\r\n\r\n");
        if (end) {
            end[2] = '\0';
            return (size_t)(end - c->buffer) + 4;
        }
        if (c->held >= sizeof c->buffer - 1)
            return 0; /* a head this long is not one of ours */
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        if (poll(&p, 1, IDLE_CLOSE_MS) <= 0)
            return 0;
        ssize_t got = read(c->fd, c->buffer + c->held, sizeof c->buffer - 1 - c->held);
        if (got <= 0)
            return 0;
        c->held += (size_t)got;
    }
}

/* Whether the client asked to close after this request: HTTP/1.0, or a Connection: close header
 * (the one header looked at). */
static bool closes(const char *head)
{
    if (strstr(head, " HTTP/1.0\r\n"))
        return true;
    for (const char *h = strstr(head, "\r\n"); h; h = strstr(h + 2, "\r\n"))
        if (strncasecmp(h + 2, "connection:", 11) == 0) {
            const char *v = h + 13;
            while (*v == ' ')
                v++;
            return strncasecmp(v, "close", 5) == 0;
        }
    return false;
}

static void serve(int fd, struct workers *w, struct slot *me)
{
    struct connection c = {.fd = fd, .keep = true};
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (size_t used; c.keep && (used = next_head(&c)) > 0;) {
        char method[8], target[1024];
        c.keep = !closes(c.buffer);
        if (sscanf(c.buffer, "%7s %1023s HTTP/1.", method, target) != 2) {
            c.keep = false;
            reply(&c, 400, "{\"error\":\"not an HTTP request\"}");
            return;
        }
        char *query = strchr(target, '?');
        if (query)
            *query++ = '\0';
        bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
        if (get && strcmp(target, "/ping") == 0) {
            reply(&c, 200, "{\"ok\":true}");
        } else if (get && strcmp(target, "/stats") == 0) {
            long in_flight = 0, memory_kib = 0;
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                in_flight += atomic_load(&w->slots[i].busy);
                memory_kib += atomic_load(&w->slots[i].memory_kib);
            }
            char out[640], host[320];
            host_report(host, sizeof host);
            unsigned long long cpu_ns;
            if (cgroup_cpu_ns(&cpu_ns))
                snprintf(host + strlen(host), sizeof host - strlen(host), ",\"cgroup_cpu_ns\":%llu", cpu_ns);
            snprintf(out, sizeof out,
                     "{\"function\":%ld,\"second\":%ld,\"in_flight\":%ld,\"served\":%ld,\"cpu_ms\":%.3f,"
                     "\"memory_mb\":%.3f%s}",
                     atomic_load(&w->own), atomic_load(&w->second), in_flight, atomic_load(&w->served),
                     (double)atomic_load(&w->cpu_us) / 1e3, (double)memory_kib / 1024.0, host);
            reply(&c, 200, out);
        } else if (post && strcmp(target, "/run") == 0) {
            run(&c, query ? query : "", w, me);
        } else if (post && strcmp(target, "/specialize") == 0) {
            double function, load_ms;
            if (!query || !query_number(query, "function", &function) || !query_number(query, "load_ms", &load_ms) ||
                function < 0 || load_ms < 0 || load_ms >= 600000) {
                reply(&c, 400, "{\"error\":\"bad request\"}");
            } else {
                struct timespec t = {(time_t)(load_ms / 1000), (long)(load_ms * 1e6) % 1000000000L};
                nanosleep(&t, NULL); /* loading the function's code into the generic worker */
                atomic_store(&w->second, (long)function);
                reply(&c, 200, "{\"ok\":true}");
            }
        } else if (post && strcmp(target, "/generalize") == 0) {
            atomic_store(&w->second, GENERIC);
            reply(&c, 200, "{\"ok\":true}");
        } else {
            reply(&c, 404, "{\"error\":\"no such endpoint\"}");
        }
        c.held -= used; /* the next request's bytes, if any came with this one */
        memmove(c.buffer, c.buffer + used, c.held);
    }
}

/* Children that ended: one killed by a signal (the OOM killer) gets a 507 on its connection. Every
 * ended child's slot is cleared and its connection closed. */
static void reap(struct workers *w)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            struct slot *sl = &w->slots[i];
            if (sl->pid != pid)
                continue;
            if (WIFSIGNALED(status) && atomic_load(&sl->busy))
                respond(sl->fd, 507, "{\"error\":\"out of memory: the request was killed\"}");
            close(sl->fd);
            atomic_store(&sl->busy, 0);
            atomic_store(&sl->memory_kib, 0);
            sl->pid = 0;
            break;
        }
    }
}

static void on_child(int sig) { (void)sig; /* interrupts poll so the parent reaps at once */ }

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    struct workers *w = mmap(NULL, sizeof *w, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 1;
    atomic_init(&w->own, argc > 2 ? atol(argv[2]) : 0);
    atomic_init(&w->second, GENERIC);
    struct sigaction sa = {.sa_handler = on_child}; /* no SA_RESTART: poll returns on SIGCHLD */
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 1024) != 0) {
        fprintf(stderr, "hfsim-worker: cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    fprintf(stderr, "hfsim-worker: listening on %d\n", port);
    for (;;) {
        reap(w);
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(s, NULL, NULL);
        if (fd < 0)
            continue;
        int free_slot = -1;
        for (int i = 0; i < MAX_CONNECTIONS && free_slot < 0; i++)
            if (w->slots[i].pid == 0)
                free_slot = i;
        if (free_slot < 0) {
            respond(fd, 503, "{\"error\":\"too many connections\"}");
            close(fd);
            continue;
        }
        struct slot *sl = &w->slots[free_slot];
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            serve(fd, w, sl);
            close(fd);
            _exit(0);
        }
        if (pid < 0) {
            respond(fd, 503, "{\"error\":\"cannot fork\"}");
            close(fd);
            continue;
        }
        sl->pid = pid; /* the parent keeps fd until it reaps the child */
        sl->fd = fd;
    }
}
