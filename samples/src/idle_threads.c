/*
 * idle_threads - a process with many threads that are all blocked, waiting
 * for a signal to quit.
 *
 * What it does: main blocks SIGUSR1 and SIGTERM (so every thread inherits
 *   the blocked mask and only main's sigwait receives them), then creates N
 *   worker threads with 64 KiB stacks, named idle-1 ... idle-N
 *   (pthread_setname_np, so /proc/PID/task/TID/comm).  Each worker blocks in
 *   pthread_cond_wait on a shared condition variable until a quit flag is
 *   set.  Once all N workers are inside pthread_cond_wait, main prints
 *   "ready" and calls sigwait() for SIGUSR1 or SIGTERM.  While idle the
 *   process has exactly N + 1 threads.  On the signal main sets quit,
 *   broadcasts, joins all N workers and exits.
 *
 * Usage: idle_threads [N]
 *   N  number of blocked worker threads, default 1000 (0 allowed)
 *
 * Output (stdout):
 *   ready                                   (all N workers are waiting)
 *   idle_threads: <N> threads joined        (after SIGUSR1/SIGTERM)
 *
 * Exit code: 0 after a SIGUSR1 or SIGTERM, 2 on bad usage or a failed
 *   system/pthread call.
 *
 * Used by tests of the tracing engine: attach to a process with many
 *   existing threads (all must be found and seized), pause/resume of many
 *   blocked threads, detach (the process must keep working: send SIGUSR1
 *   afterwards and expect exit 0), and signal delivery through the tracer.
 */
#include "common.h"

#include <signal.h>
#include <stdint.h>

#define USAGE "[N]"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t quit_cond = PTHREAD_COND_INITIALIZER;  /* workers wait */
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER; /* main waits */
static long waiting;
static long total;
static int quit;

static void *worker(void *arg)
{
    char name[16];
    snprintf(name, sizeof name, "idle-%ld", (long)(intptr_t)arg);
    PT_CHECK(pthread_setname_np(pthread_self(), name));
    PT_CHECK(pthread_mutex_lock(&lock));
    if (++waiting == total)
        PT_CHECK(pthread_cond_signal(&ready_cond));
    /* pthread_cond_wait releases the mutex only once this thread is
     * waiting, so main seeing waiting == total under the mutex means all
     * workers are blocked in the wait. */
    while (!quit)
        PT_CHECK(pthread_cond_wait(&quit_cond, &lock));
    PT_CHECK(pthread_mutex_unlock(&lock));
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("idle_threads");
    if (argc > 2) {
        fprintf(stderr, "usage: idle_threads %s\n", USAGE);
        return EXIT_ERROR;
    }
    long n = parse_arg(argc, argv, 1, 1000, 0, 10000000, USAGE);
    total = n;

    sigset_t set;
    if (sigemptyset(&set) != 0 || sigaddset(&set, SIGUSR1) != 0 ||
        sigaddset(&set, SIGTERM) != 0)
        die("sigset");
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL));

    pthread_attr_t attr;
    small_stack_attr(&attr);
    pthread_t *threads = xcalloc((size_t)n, sizeof(pthread_t));
    for (long i = 0; i < n; i++)
        PT_CHECK(pthread_create(&threads[i], &attr, worker, (void *)(intptr_t)(i + 1)));
    PT_CHECK(pthread_attr_destroy(&attr));

    PT_CHECK(pthread_mutex_lock(&lock));
    while (waiting < n)
        PT_CHECK(pthread_cond_wait(&ready_cond, &lock));
    PT_CHECK(pthread_mutex_unlock(&lock));

    printf("ready\n");

    int sig;
    int rc = sigwait(&set, &sig);
    if (rc != 0)
        die_err("sigwait", rc);

    PT_CHECK(pthread_mutex_lock(&lock));
    quit = 1;
    PT_CHECK(pthread_cond_broadcast(&quit_cond));
    PT_CHECK(pthread_mutex_unlock(&lock));

    for (long i = 0; i < n; i++)
        PT_CHECK(pthread_join(threads[i], NULL));
    free(threads);
    printf("idle_threads: %ld threads joined\n", n);
    return 0;
}
