/* hfsim-worker: the program inside hfsim's live-mode containers (statically linked, so an image is
 * this one file; live/image.c packs it).
 *
 * It listens on TCP port 8080 (or argv[1]) and serves one request per connection, request
 * streaming rather than HTTP: the client sends one line
 *     RUN <cpu_ms> <memory_mb>\n
 * and the worker burns <cpu_ms> of CPU time (its own thread's CPU clock, so a CPU quota stretches
 * the wall time exactly as the simulator's processor sharing does), holding <memory_mb> of touched
 * memory meanwhile, then answers
 *     DONE <wall_ms>\n      or      ERR <reason>\n
 * and closes. Each connection is served by a forked child, so requests run concurrently and a
 * request that exceeds the container's memory limit is OOM-killed alone (the client sees the
 * connection close without DONE). `PING\n` answers `PONG\n` (readiness). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void serve(int fd)
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
    double cpu_ms, memory_mb;
    if (sscanf(line, "RUN %lf %lf", &cpu_ms, &memory_mb) != 2 || cpu_ms < 0 || memory_mb < 0 ||
        cpu_ms > 3.6e6 || memory_mb > 1e6) {
        reply(fd, "ERR bad request\n");
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
            serve(fd);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
}
