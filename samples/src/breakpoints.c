/*
 * breakpoints - the breakpoint tests' debuggee: THREADS threads each call hot() CALLS times,
 * so a breakpoint (or logpoint, or false condition) in hot() is hit THREADS x CALLS times.
 *
 * What it does: main prints "ready" and then waits for a line on stdin (so that a test can
 *   set its breakpoints before anything runs; with "-" as the third argument it does not wait).
 *   It starts THREADS workers; worker t calls hot(t, i) for i = 0..CALLS-1 and sums what it
 *   returns.  When all are joined, main prints "checksum S expected E" and exits 0 if S == E
 *   (each call is computed once: a hit stepped over twice, or skipped, breaks the sum), else 1.
 *   With CALLS 0 the workers call hot(), sleeping 1 ms between calls, until the process gets
 *   SIGUSR1 (for attach tests: main does not read stdin); then main checks the sum of the calls
 *   each worker made as above.
 *
 *   Lines the tests find by their marker comments (BP:name):
 *     hot's first line of code after its prologue, a line in its body, a comment line
 *     (no code: a breakpoint there moves to the next line with code), a loop whose line
 *     has several rows at -O2, and twice(): an always_inline function with a copy in
 *     hot() and one in main().
 *
 * Built twice: bin/breakpoints (-O2) and bin/breakpoints_O0 (-O0).
 *
 *   With PAUSE_US, each worker sleeps that long after each call (a run that lasts, to attach to).
 *   With STORM_US > 0, an interval timer sends the process SIGALRM every STORM_US microseconds
 *   while the workers run (a signal storm: threads interrupted anywhere, in a breakpoint's
 *   stepping-off too); the count of signals handled is printed with the checksum.
 *   With "exec" as the third argument, it first execs itself (with "-"): breakpoints set in the
 *   first image must be set again in the second.
 *
 * Usage: breakpoints [THREADS=8] [CALLS=2000] [-|wait|exec] [PAUSE_US=0] [STORM_US=0]
 * Output: "ready", then "checksum S expected E".  Exit 0 if they match, 1 if not, 2 on error.
 */
#include "common.h"

#include <signal.h>
#include <sys/time.h>

#define MAX_THREADS 64
#define USAGE "usage: breakpoints [THREADS=8] [CALLS=2000] [-|wait|exec] [PAUSE_US=0] [STORM_US=0]"

static long calls_per_thread;
static volatile long results[MAX_THREADS];
static volatile long made[MAX_THREADS];
static volatile int stop_spinning;
static volatile int spin_forever;
static long pause_us;
static long alarms; /* counted atomically: two threads may run the handler at once */

static void on_alarm(int sig)
{
    (void) sig;
    __atomic_fetch_add(&alarms, 1, __ATOMIC_RELAXED); /* lock-free: async-signal-safe */
}

static inline __attribute__((always_inline)) long twice(long x)
{
    long doubled = x * 2; /* BP:twice */
    return doubled;
}

__attribute__((noinline)) long hot(int thread, long i)
{
    long value = thread * 100000L + i; /* BP:hot-first */
    /* BP:nocode: a comment, no code on this line */
    value = twice(value) + 1; /* BP:hot-body */
    return value;
}

__attribute__((noinline)) long mix(const long *values, int n)
{
    long sum = 0;
    for (int k = 0; k < n; k++) /* BP:loop */
        sum += values[k] * (k + 1);
    return sum;
}

static void *worker(void *arg)
{
    int t = (int) (long) arg;
    long sum = 0;
    long i = 0;
    for (; spin_forever ? !stop_spinning : i < calls_per_thread; i++) {
        sum += hot(t, i); /* BP:call-hot */
        if (spin_forever)
            sleep_ms(1);
        else if (pause_us)
            usleep(pause_us);
    }
    results[t] = sum;
    made[t] = i;
    return NULL;
}

static long expected(int t)
{
    long sum = 0;
    for (long i = 0; i < made[t]; i++)
        sum += (t * 100000L + i) * 2 + 1;
    return sum;
}

int main(int argc, char **argv)
{
    sample_init("breakpoints");
    if (argc > 3 && strcmp(argv[3], "exec") == 0) {
        execl("/proc/self/exe", argv[0], argv[1], argv[2], "-", (char *) NULL);
        die("execl");
    }
    int threads = (int) parse_arg(argc, argv, 1, 8, 1, MAX_THREADS, USAGE);
    calls_per_thread = parse_arg(argc, argv, 2, 2000, 0, 100000000L, USAGE);
    int wait_for_line = !(argc > 3 && strcmp(argv[3], "-") == 0);
    pause_us = parse_arg(argc, argv, 4, 0, 0, 1000000, USAGE);
    long storm_us = parse_arg(argc, argv, 5, 0, 0, 1000000, USAGE);
    spin_forever = calls_per_thread == 0;
    long seed[4] = { 1, 2, 3, (long) twice(threads) };
    printf("ready %ld\n", mix(seed, 4));
    if (wait_for_line && !spin_forever) {
        char line[64];
        if (!fgets(line, sizeof line, stdin))
            line[0] = 0;
    }
    if (storm_us > 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        if (sigaction(SIGALRM, &sa, NULL) < 0)
            die("sigaction");
        struct itimerval every = { { 0, storm_us }, { 0, storm_us } };
        if (setitimer(ITIMER_REAL, &every, NULL) < 0)
            die("setitimer");
    }
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (spin_forever)
        pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* the workers inherit it: main alone takes it */
    pthread_t tids[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        int err = pthread_create(&tids[t], NULL, worker, (void *) (long) t);
        if (err)
            die_err("pthread_create", err);
    }
    if (spin_forever) {
        int sig;
        sigwait(&usr1, &sig);
        stop_spinning = 1;
    }
    long sum = 0, want = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        sum += results[t];
        want += expected(t);
    }
    if (storm_us > 0) {
        struct itimerval off = { { 0, 0 }, { 0, 0 } };
        setitimer(ITIMER_REAL, &off, NULL);
        /* one may still be on its way: blocked, it is never delivered, so the count is final */
        sigset_t alrm;
        sigemptyset(&alrm);
        sigaddset(&alrm, SIGALRM);
        sigprocmask(SIG_BLOCK, &alrm, NULL);
        printf("alarms %ld\n", __atomic_load_n(&alarms, __ATOMIC_RELAXED));
    }
    printf("checksum %ld expected %ld\n", sum, want);
    return sum == want ? 0 : EXIT_CHECK_FAILED;
}
