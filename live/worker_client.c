#include "live/worker_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sends `line`, reads one reply line into `reply`. */
static bool exchange(const char *ip, int port, const char *line, char *reply, size_t size, int timeout_ms,
                     struct hf_error *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: not an IPv4 address", ip, port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: socket: %s", ip, port, strerror(errno));
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int e = errno;
        close(fd);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: connect: %s", ip, port, strerror(e));
    }
    size_t n = strlen(line);
    if (write(fd, line, n) != (ssize_t)n) {
        close(fd);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: write failed", ip, port);
    }
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < size - 1) {
        int ready = poll(&p, 1, timeout_ms);
        if (ready <= 0) {
            close(fd);
            return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: no answer within %d ms", ip, port, timeout_ms);
        }
        ssize_t r = read(fd, reply + got, size - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        if (memchr(reply, '\n', got))
            break;
    }
    close(fd);
    reply[got] = '\0';
    if (!strchr(reply, '\n'))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: the connection closed without an answer "
                                                "(killed, or out of memory)", ip, port);
    return true;
}

bool hf_worker_ping(const char *ip, int port, int timeout_ms, struct hf_error *err)
{
    char reply[64];
    if (!exchange(ip, port, "PING\n", reply, sizeof reply, timeout_ms, err))
        return false;
    return strncmp(reply, "PONG", 4) == 0 ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: unexpected answer \"%.40s\"", ip, port, reply);
}

bool hf_worker_run(const char *ip, int port, double cpu_ms, double memory_mb, long function, int timeout_ms,
                   double *wall_ms, struct hf_error *err)
{
    char line[128], reply[128];
    if (function >= 0)
        snprintf(line, sizeof line, "RUN %.3f %.3f %ld\n", cpu_ms, memory_mb, function);
    else
        snprintf(line, sizeof line, "RUN %.3f %.3f\n", cpu_ms, memory_mb);
    if (!exchange(ip, port, line, reply, sizeof reply, timeout_ms, err))
        return false;
    if (sscanf(reply, "DONE %lf", wall_ms) == 1)
        return true;
    return hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: %.60s", ip, port, reply);
}

bool hf_worker_specialize(const char *ip, int port, long function, double load_ms, int timeout_ms,
                          struct hf_error *err)
{
    char line[96], reply[64];
    if (function >= 0)
        snprintf(line, sizeof line, "SPECIALIZE %ld %.3f\n", function, load_ms);
    else
        snprintf(line, sizeof line, "GENERALIZE\n");
    if (!exchange(ip, port, line, reply, sizeof reply, timeout_ms, err))
        return false;
    return strncmp(reply, "OK", 2) == 0 ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "worker %s:%d: %.60s", ip, port, reply);
}
