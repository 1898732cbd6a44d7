#include "sim/interrupt.h"

#include <time.h>

static void interrupt_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

void hf_interrupt_open(struct hf_interrupt *scope)
{
    sigset_t set;
    interrupt_set(&set);
    sigprocmask(SIG_BLOCK, &set, &scope->previous);
    scope->outermost = !sigismember(&scope->previous, SIGINT) && !sigismember(&scope->previous, SIGTERM);
}

int hf_interrupt_pending(void)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return 0;
    return sigismember(&pending, SIGINT) ? SIGINT : sigismember(&pending, SIGTERM) ? SIGTERM : 0;
}

void hf_interrupt_close(struct hf_interrupt *scope)
{
    if (scope->outermost) {
        sigset_t set;
        interrupt_set(&set);
        struct timespec now = {0, 0};
        while (hf_interrupt_pending() && sigtimedwait(&set, NULL, &now) > 0) {
        }
    }
    sigprocmask(SIG_SETMASK, &scope->previous, NULL);
}

const char *hf_interrupt_name(int signo) { return signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal"; }
