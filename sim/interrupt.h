/* SIGINT and SIGTERM during a simulation: noticed, not fatal, so the half-written results directory
 * is removed and the user is told, instead of the process dying mid-write.
 *
 * While a scope is open the two signals are blocked; the run polls hf_interrupt_pending() from its
 * progress hook (every 65,536 events, so the cost is nil) and stops. Closing the outermost scope
 * takes a pending signal off the process, so the caller can exit with 128 + signal itself. Scopes
 * nest (compare opens one around its runs; each run opens its own). No global state: the mask is
 * the kernel's.
 *
 * Errors: none (the calls cannot fail with valid arguments). */
#ifndef HF_INTERRUPT_H
#define HF_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

struct hf_interrupt {
    sigset_t previous;
    bool outermost; /* the signals were not blocked before this scope */
};

void hf_interrupt_open(struct hf_interrupt *scope);
/* SIGINT or SIGTERM when one is pending, else 0. */
int hf_interrupt_pending(void);
/* Restores the mask; in the outermost scope, first consumes a pending SIGINT/SIGTERM. */
void hf_interrupt_close(struct hf_interrupt *scope);

/* "SIGINT" / "SIGTERM". */
const char *hf_interrupt_name(int signo);

#endif
