/*
 * stacks - eight threads, each blocked in the kernel at a known and different
 * depth, for tests that compare our stacks with gdb's on the same process.
 *
 * What it does: main blocks SIGUSR1 and SIGTERM, installs a SIGUSR2 handler,
 *   then starts eight threads, each of which blocks forever:
 *     recursion   recurse(DEPTH) calls itself DEPTH times, then reads a pipe
 *                 nobody writes
 *     signal      sleeps; main sends it SIGUSR2, whose handler reads the pipe
 *                 (a signal-handler frame above the interrupted nanosleep)
 *     inlined     locks a mutex main holds, two always_inline calls down
 *     cond        pthread_cond_wait on a condition never signalled
 *     semaphore   sem_wait on a semaphore never posted
 *     poll        poll() with no descriptors and no timeout
 *     join        pthread_join of the recursion thread
 *     sleep       nanosleep in a loop
 *   Once every thread sits in its system call (per /proc/self/task/TID/syscall),
 *   main prints "ready" and waits in sigwait for SIGUSR1 or SIGTERM, then
 *   exits 0.  The threads never leave their system calls, so a debugger that
 *   attaches after another one let go sees the same stacks.
 *
 * Built twice: bin/stacks (-O2) and bin/stacks_O0 (-O0); the C++ twin is
 * stacks_cpp.cpp.
 *
 * Usage: stacks [DEPTH]    DEPTH of the recursion, default 12 (1..100000)
 * Output: "ready", then nothing.  Exit code 0 on SIGUSR1/SIGTERM, 2 on error.
 */
#include "common.h"

#include <poll.h>
#include <semaphore.h>
#include <signal.h>

#define USAGE "[DEPTH]"
#define THREADS 8

static int block_pipe[2];                  /* never written */
static volatile long sink;                 /* keeps calls from becoming jumps */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;    /* main holds it */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static sem_t never_posted;
static pthread_t threads[THREADS];
static volatile pid_t tids[THREADS];
static long depth;
static volatile int never_true;            /* so block_in_read may return, for the compiler */

__attribute__((noinline)) static void block_in_read(void)
{
    char c;
    while (!never_true) {
        if (read(block_pipe[0], &c, 1) < 0 && errno != EINTR)
            die("read");
    }
}

__attribute__((noinline)) static long recurse(long n)
{
    if (n == 0)
        block_in_read();
    else
        sink += recurse(n - 1);
    sink++;
    return n;
}

static void *recursion_thread(void *unused)
{
    (void)unused;
    tids[0] = sample_gettid();
    recurse(depth);
    return NULL;
}

__attribute__((noinline)) static void handler_waits(int sig)
{
    sink += sig;
    block_in_read();
}

static void on_usr2(int sig)
{
    handler_waits(sig);
    sink++;
}

static void *signal_thread(void *unused)
{
    (void)unused;
    tids[1] = sample_gettid();
    for (;;)
        sleep_ms(1000);
    return NULL;
}

static inline __attribute__((always_inline)) void inlined_inner(void)
{
    PT_CHECK(pthread_mutex_lock(&held));
    sink++;
}

static inline __attribute__((always_inline)) void inlined_outer(void)
{
    inlined_inner();
    sink++;
}

static void *inlined_thread(void *unused)
{
    (void)unused;
    tids[2] = sample_gettid();
    inlined_outer();
    return NULL;
}

static void *cond_thread(void *unused)
{
    (void)unused;
    tids[3] = sample_gettid();
    PT_CHECK(pthread_mutex_lock(&lock));
    for (;;)
        PT_CHECK(pthread_cond_wait(&never, &lock));
    return NULL;
}

static void *semaphore_thread(void *unused)
{
    (void)unused;
    tids[4] = sample_gettid();
    for (;;) {
        if (sem_wait(&never_posted) != 0 && errno != EINTR)
            die("sem_wait");
    }
    return NULL;
}

static void *poll_thread(void *unused)
{
    (void)unused;
    tids[5] = sample_gettid();
    for (;;) {
        if (poll(NULL, 0, -1) < 0 && errno != EINTR)
            die("poll");
    }
    return NULL;
}

static void *join_thread(void *unused)
{
    (void)unused;
    tids[6] = sample_gettid();
    PT_CHECK(pthread_join(threads[0], NULL));
    return NULL;
}

static void *sleep_thread(void *unused)
{
    (void)unused;
    tids[7] = sample_gettid();
    for (;;)
        sleep_ms(1000);
    return NULL;
}

static void await_blocked(int i, long syscall_number)
{
    while (tids[i] == 0 || sample_blocked_in(tids[i]) != syscall_number)
        sleep_ms(1);
}

int main(int argc, char **argv)
{
    sample_init("stacks");
    if (argc > 2) {
        fprintf(stderr, "usage: stacks %s\n", USAGE);
        return EXIT_ERROR;
    }
    depth = parse_arg(argc, argv, 1, 12, 1, 100000, USAGE);
    if (pipe(block_pipe) != 0)
        die("pipe");
    if (sem_init(&never_posted, 0, 0) != 0)
        die("sem_init");
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGUSR1);
    sigaddset(&quit, SIGTERM);
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &quit, NULL));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    if (sigaction(SIGUSR2, &sa, NULL) != 0)
        die("sigaction");
    PT_CHECK(pthread_mutex_lock(&held));

    void *(*bodies[THREADS])(void *) = {recursion_thread, signal_thread, inlined_thread, cond_thread,
                                        semaphore_thread, poll_thread, join_thread, sleep_thread};
    pthread_attr_t attr;
    PT_CHECK(pthread_attr_init(&attr));
    /* room for a deep recursion */
    PT_CHECK(pthread_attr_setstacksize(&attr, 16 * 1024 * 1024 + (size_t)depth * 256));
    for (int i = 0; i < THREADS; i++)
        PT_CHECK(pthread_create(&threads[i], &attr, bodies[i], NULL));

    await_blocked(0, SYS_read);
    await_blocked(1, SYS_clock_nanosleep);
    PT_CHECK(pthread_kill(threads[1], SIGUSR2));
    await_blocked(1, SYS_read);
    await_blocked(2, SYS_futex);
    await_blocked(3, SYS_futex);
    await_blocked(4, SYS_futex);
    await_blocked(5, SYS_poll);
    await_blocked(6, SYS_futex);
    await_blocked(7, SYS_clock_nanosleep);
    printf("ready\n");

    int sig;
    if (sigwait(&quit, &sig) != 0)
        die("sigwait");
    return 0;
}
