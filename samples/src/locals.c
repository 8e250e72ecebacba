/*
 * locals - three threads blocked deep in functions whose frames hold arguments and
 * local variables of scalar types, for tests that compare a frame's variables with
 * gdb's `info args` / `info locals` on the same process.
 *
 * What it does: main starts three workers; the first two call
 *     worker -> middle(count, small, mask) -> twice (always_inline) -> leaf(a, b, c, label)
 *            -> block_in_read
 *   the third worker -> consume(value, keep) -> block_in_read, whose `value` is dead after
 *   its first use: at -O2 only its entry value (from worker's call site) tells it.  Each
 *   blocks reading a pipe nobody writes.  middle has a loop and a nested block; at -O2
 *   its arguments live in callee-saved registers or are gone (then their values at entry
 *   come from the caller's call site: DW_OP_entry_value), twice is inlined, leaf's
 *   arguments are partly dead after its call.  Once every worker sits in read(2), main
 *   prints "ready" and waits in sigwait for SIGUSR1 or SIGTERM, then exits 0.
 *
 * Built twice: bin/locals (-O2) and bin/locals_O0 (-O0).
 *
 * Usage: locals        Output: "ready".  Exit code 0 on SIGUSR1/SIGTERM, 2 on error.
 */
#include "common.h"

#include <signal.h>

#define WORKERS 3

static int block_pipe[2];                  /* never written */
static volatile int never_true;
static volatile long sink;
static pthread_t threads[WORKERS];
static volatile pid_t tids[WORKERS];

__attribute__((noinline)) static void block_in_read(void)
{
    char c;
    while (!never_true) {
        if (read(block_pipe[0], &c, 1) < 0 && errno != EINTR)
            die("read");
    }
}

__attribute__((noinline)) static long leaf(long a, int b, unsigned char c, const char *label)
{
    long product = a * b;
    int shifted = b << 3;
    sink = product + shifted + c;
    block_in_read();
    return product + label[0];
}

__attribute__((noinline)) static long consume(long value, long keep)
{
    sink = value;
    block_in_read();
    return keep;
}

static inline __attribute__((always_inline)) long twice(long x)
{
    long doubled = x * 2;
    sink = doubled;
    return leaf(doubled, (int)x + 1, 'q', "inlined");
}

__attribute__((noinline)) static long middle(long count, short small, unsigned long mask)
{
    long total = 0;
    for (int i = 0; i < 3; i++)
        total += i * count;
    {
        int inner = (int)(total & mask) - 7;
        unsigned int wrap = (unsigned int)inner;
        sink = inner + wrap;
        total += twice(count + small) + inner;
    }
    return total;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    tids[id] = sample_gettid();
    long result = id == WORKERS - 1 ? consume(id * 7 + sink, id) : middle(100 + id, (short)(-3 - id), 0xff00ff0fUL);
    sink = result + id;
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argv;
    sample_init("locals");
    if (argc > 1) {
        fprintf(stderr, "usage: locals\n");
        return EXIT_ERROR;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL));
    if (pipe(block_pipe) != 0)
        die("pipe");
    for (long i = 0; i < WORKERS; i++)
        PT_CHECK(pthread_create(&threads[i], NULL, worker, (void *)i));
    for (int i = 0; i < WORKERS; i++) {
        while (tids[i] == 0 || sample_blocked_in(tids[i]) != 0 /* read */)
            usleep(1000);
    }
    printf("ready\n");
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    return 0;
}
