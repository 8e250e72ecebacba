/*
 * signal_counter - counts SIGUSR1 deliveries and reports them; quits on
 * SIGTERM.
 *
 * What it does: installs handlers with sigaction(SA_RESTART): SIGUSR1
 *   increments a volatile sig_atomic_t counter, SIGTERM sets a quit flag.
 *   Main blocks both signals, then creates EXTRA idle threads (they inherit
 *   the blocked mask and just sleep in a loop, so process-directed signals
 *   are always handled by main).  Main prints "ready" and loops in
 *   sigsuspend(); each time the counter has changed it prints the new value.
 *   Standard signals do not queue: several SIGUSR1 sent while one is still
 *   pending count once.
 *
 * Usage: signal_counter [EXTRA]
 *   EXTRA  number of extra idle threads, default 2 (0 allowed)
 *
 * Output (stdout):
 *   ready
 *   signal_counter: got SIGUSR1 count=<n>     (each time the count changes)
 *   signal_counter: total <n>                 (on SIGTERM, last line)
 *
 * Exit code: 0 after SIGTERM, 2 on bad usage or a failed system/pthread
 *   call.
 *
 * Used by tests of the tracing engine: signal delivery through the tracer
 *   (signals stopped by ptrace must be re-injected, not swallowed), pause/
 *   resume and detach while signals arrive, attach to a multi-threaded
 *   process.
 */
#include "common.h"

#include <signal.h>

#define USAGE "[EXTRA]"

static volatile sig_atomic_t usr1_count;
static volatile sig_atomic_t term_seen;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void on_term(int sig)
{
    (void)sig;
    term_seen = 1;
}

static void install(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (sigemptyset(&sa.sa_mask) != 0)
        die("sigemptyset");
    if (sigaction(sig, &sa, NULL) != 0)
        die("sigaction");
}

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        sleep_ms(1000);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("signal_counter");
    if (argc > 2) {
        fprintf(stderr, "usage: signal_counter %s\n", USAGE);
        return EXIT_ERROR;
    }
    long extra = parse_arg(argc, argv, 1, 2, 0, 100000, USAGE);

    install(SIGUSR1, on_usr1);
    install(SIGTERM, on_term);

    sigset_t block, wait_mask;
    if (sigemptyset(&block) != 0 || sigaddset(&block, SIGUSR1) != 0 ||
        sigaddset(&block, SIGTERM) != 0)
        die("sigset");
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &block, &wait_mask));
    if (sigdelset(&wait_mask, SIGUSR1) != 0 ||
        sigdelset(&wait_mask, SIGTERM) != 0)
        die("sigdelset");

    pthread_attr_t attr;
    small_stack_attr(&attr);
    PT_CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    for (long i = 0; i < extra; i++) {
        pthread_t t;
        PT_CHECK(pthread_create(&t, &attr, idle_thread, NULL));
    }
    PT_CHECK(pthread_attr_destroy(&attr));

    printf("ready\n");

    /* Both signals are blocked here except inside sigsuspend, so reading
     * the flags cannot race with a delivery. */
    sig_atomic_t last = 0;
    for (;;) {
        while (usr1_count == last && !term_seen) {
            if (sigsuspend(&wait_mask) != -1 || errno != EINTR)
                die("sigsuspend");
        }
        if (usr1_count != last) {
            last = usr1_count;
            printf("signal_counter: got SIGUSR1 count=%ld\n", (long)last);
        }
        if (term_seen) {
            printf("signal_counter: total %ld\n", (long)last);
            return 0;
        }
    }
}
