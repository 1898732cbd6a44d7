/* hfsim-worker: the program inside hfsim's live-mode containers (statically linked, so an image is
 * this one file; live/image.c packs it). It is the container's in-container scheduler with two
 * function workers: the first serves the container's own function, the second is generic until
 * the global scheduler specializes it for another function (container sharing).
 *
 * It listens on TCP port 8080 (argv[1]) for the function given as argv[2] (default 0) and serves
 * one request per connection, request streaming rather than HTTP: one line in, one line out.
 *     RUN <cpu_ms> <memory_mb> [<function>]   -> DONE <wall_ms>   (burns <cpu_ms> of its own CPU
 *         clock, so a CPU quota stretches wall time as the simulator's processor sharing does,
 *         holding <memory_mb> of touched memory; ERR when the function is not loaded here)
 *     SPECIALIZE <function> <load_ms>          -> OK after <load_ms> (loading the code); the
 *         second worker then serves <function>
 *     GENERALIZE                               -> OK: the second worker is generic again
 *     PING                                     -> PONG (readiness)
 * Each connection is served by a forked child, so requests run concurrently and one that exceeds
 * the memory limit is OOM-killed alone; the workers' state lives in shared memory so every child
 * sees it. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void reply(int fd, const char *text) { (void)!write(fd, text, strlen(text)); }

#define GENERIC -1L

/* Shared by every forked child: what each worker serves. */
struct workers {
    long own;    /* the container's function */
    long second; /* GENERIC, or the function the second worker was specialized for */
};

static void serve(int fd, volatile struct workers *w)
{
    char line[128];
    size_t n = 0;
    while (n < sizeof line - 1) {
        ssize_t got = read(fd, line + n, 1);
        if (got <= 0)
            return;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    if (strcmp(line, "PING") == 0) {
        reply(fd, "PONG\n");
        return;
    }
    long function;
    double load_ms;
    if (sscanf(line, "SPECIALIZE %ld %lf", &function, &load_ms) == 2 && function >= 0 && load_ms >= 0 &&
        load_ms < 600000) {
        struct timespec t = {(time_t)(load_ms / 1000), (long)(load_ms * 1e6) % 1000000000L};
        nanosleep(&t, NULL); /* loading the function's code into the generic worker */
        w->second = function;
        reply(fd, "OK\n");
        return;
    }
    if (strcmp(line, "GENERALIZE") == 0) {
        w->second = GENERIC;
        reply(fd, "OK\n");
        return;
    }
    double cpu_ms, memory_mb;
    int fields = sscanf(line, "RUN %lf %lf %ld", &cpu_ms, &memory_mb, &function);
    if (fields < 2 || cpu_ms < 0 || memory_mb < 0 || cpu_ms > 3.6e6 || memory_mb > 1e6) {
        reply(fd, "ERR bad request\n");
        return;
    }
    if (fields == 3 && function != w->own && function != w->second) {
        reply(fd, "ERR function not loaded\n");
        return;
    }
    double start = now_ms(CLOCK_MONOTONIC);
    size_t bytes = (size_t)(memory_mb * 1024 * 1024);
    char *held = bytes ? malloc(bytes) : NULL;
    if (bytes && !held) {
        reply(fd, "ERR out of memory\n");
        return;
    }
    for (size_t i = 0; i < bytes; i += 4096)
        held[i] = (char)i; /* touch every page: the memory is really used */
    double cpu_start = now_ms(CLOCK_THREAD_CPUTIME_ID);
    volatile unsigned long spin = 0;
    while (now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu_start < cpu_ms)
        for (int k = 0; k < 10000; k++)
            spin += (unsigned long)k;
    free(held);
    char out[64];
    snprintf(out, sizeof out, "DONE %.3f\n", now_ms(CLOCK_MONOTONIC) - start);
    reply(fd, out);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    volatile struct workers *w = mmap(NULL, sizeof *w, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED)
        return 1;
    w->own = argc > 2 ? atol(argv[2]) : 0;
    w->second = GENERIC;
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
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
        int fd = accept(s, NULL, NULL);
        if (fd < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            serve(fd, w);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
}
