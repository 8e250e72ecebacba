/*
 * bigarray - a large global array and a frame with a few locals, for the values bench
 * (bench/bench.py section 3d: paging a 100,000-element array, scopes + first variables
 * after a stop).
 *
 * What it does: fills the global `int big[100000]` with big[i] = i * 3 and the global
 * `struct point pts[64]` with pts[i] = {i, -i, i * 0.5}, then main calls hold(), whose
 * frame holds ints, a struct, a pointer and a local array of 50 (local[i] = i * i), and
 * which prints "ready" and blocks in sigwait for SIGUSR1 or SIGTERM, then returns.
 * Its locals: count = 100000, limit = 42, origin = {7, -7, 3.5}, first = &big[0] (*first
 * = 0), local[0..49] = i * i.  Every local is volatile or used after the wait, so -O2
 * keeps them all in memory at the sigwait.
 *
 * Usage: bigarray      Output: "ready", then "bigarray: done <sum>" after the signal.
 * Exit code 0 on SIGUSR1/SIGTERM, 2 on error.
 */
#include "common.h"

#include <signal.h>

#define BIG 100000
#define PTS 64

struct point {
    int x;
    int y;
    double w;
};

int big[BIG];
struct point pts[PTS];

__attribute__((noinline)) static long hold(int count)
{
    volatile int limit = 42;
    volatile struct point origin = {7, -7, 3.5};
    int *volatile first = &big[0];
    volatile int local[50];
    for (int i = 0; i < 50; i++)
        local[i] = i * i;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    printf("ready\n");
    int sig = 0;
    int err = sigwait(&set, &sig);
    if (err)
        die_err("sigwait", err);

    long sum = count + limit + origin.x + origin.y + *first;
    for (int i = 0; i < 50; i++)
        sum += local[i];
    return sum;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sample_init("bigarray");
    for (int i = 0; i < BIG; i++)
        big[i] = i * 3;
    for (int i = 0; i < PTS; i++) {
        pts[i].x = i;
        pts[i].y = -i;
        pts[i].w = i * 0.5;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    int err = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (err)
        die_err("pthread_sigmask", err);
    long sum = hold(BIG);
    printf("bigarray: done %ld\n", sum);
    return 0;
}
