/*
 * floor_attach - the physical floor for attaching to and pausing a many-threaded process.
 *
 *   floor_attach list PID
 *       PTRACE_SEIZE every tid of /proc/PID/task (rescanning until no new one appears), read
 *       each thread's name from /proc/PID/task/TID/comm (the thread list), then PTRACE_INTERRUPT
 *       all, collect the stops (waitpid(TID) each, see pause-tid) and PTRACE_DETACH all (a
 *       detach needs a stopped tracee).
 *       Prints: floor_attach: threads=N seize_ms=A list_ms=B (seize+names) stop_ms=C detach_ms=D total_ms=E
 *
 *   floor_attach pause PID ROUNDS [GAP_MS]
 *   floor_attach pause-tid PID ROUNDS [GAP_MS]
 *       Seizes every thread as above, then ROUNDS times: PTRACE_INTERRUPT every thread and
 *       collect every stop with waitpid(-1, __WALL) (= all-stop pause), then PTRACE_CONT all.
 *       GAP_MS (default 20) of sleep between rounds. Finally stops all and detaches.
 *       pause-tid collects each stop with waitpid(TID, __WALL) instead, one thread at a time:
 *       waitpid(-1) scans every tracee on each call (O(n) per stop, O(n^2) per pause).
 *       Prints one line per round: round=I threads=N pause_ms=P resume_ms=R interrupt_ms=I
 *       (I: the part of P spent issuing the PTRACE_INTERRUPTs; the rest is waiting for the stops)
 *
 * Times are CLOCK_MONOTONIC inside this process (its own start-up excluded). Exit status 0,
 * 3 on a tracing error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static pid_t *tids;
static long ntids, cap;
static unsigned char *seen;
static long pid_max;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    perror(what);
    exit(3);
}

/* Seizes every thread of pid, rescanning until a scan finds nothing new. */
static void seize_all(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    long opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;
    int grew = 1;
    while (grew) {
        grew = 0;
        DIR *d = opendir(path);
        if (!d)
            die("opendir /proc/PID/task");
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9')
                continue;
            long tid = strtol(e->d_name, NULL, 10);
            if (tid <= 0 || tid > pid_max || seen[tid])
                continue;
            if (ptrace(PTRACE_SEIZE, (pid_t)tid, 0, opts) != 0) {
                if (errno == ESRCH)
                    continue;
                die("PTRACE_SEIZE");
            }
            seen[tid] = 1;
            if (ntids == cap) {
                cap = cap ? cap * 2 : 1024;
                tids = realloc(tids, cap * sizeof *tids);
                if (!tids)
                    die("realloc");
            }
            tids[ntids++] = (pid_t)tid;
            grew = 1;
        }
        closedir(d);
    }
}

/* Reads every thread's name: what a debugger's thread list shows. Returns how many it read. */
static long list_names(pid_t pid)
{
    char path[96], name[64];
    long n = 0;
    for (long i = 0; i < ntids; i++) {
        snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tids[i]);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        if (read(fd, name, sizeof name) > 0)
            n++;
        close(fd);
    }
    return n;
}

static double interrupted_at;

/* PTRACE_INTERRUPT every thread and wait until each has stopped (or died). */
static void stop_all(void)
{
    long pending = 0;
    for (long i = 0; i < ntids; i++)
        if (ptrace(PTRACE_INTERRUPT, tids[i], 0, 0) == 0)
            pending++;
    interrupted_at = now_ms();
    while (pending > 0) {
        int st;
        pid_t t = waitpid(-1, &st, __WALL);
        if (t < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid");
        }
        if (WIFSTOPPED(st) && (st >> 16) != PTRACE_EVENT_STOP) {
            /* some other stop (a signal, an event): resume it, its interrupt stop follows */
            int sig = (st >> 16) == 0 ? WSTOPSIG(st) : 0;
            ptrace(PTRACE_CONT, t, 0, (long)sig);
            continue;
        }
        pending--;
    }
}

/* The same, reaping each thread's stop with waitpid(tid, __WALL): the kernel looks at that one
 * tracee (do_wait on a single pid) instead of scanning all of them on every call as
 * waitpid(-1) does, which is O(tracees) per stop. */
static void stop_all_by_tid(void)
{
    for (long i = 0; i < ntids; i++)
        ptrace(PTRACE_INTERRUPT, tids[i], 0, 0);
    interrupted_at = now_ms();
    for (long i = 0; i < ntids; i++) {
        for (;;) {
            int st;
            pid_t t = waitpid(tids[i], &st, __WALL);
            if (t < 0) {
                if (errno == EINTR)
                    continue;
                break; /* ECHILD: gone */
            }
            if (WIFSTOPPED(st) && (st >> 16) != PTRACE_EVENT_STOP) {
                int sig = (st >> 16) == 0 ? WSTOPSIG(st) : 0;
                ptrace(PTRACE_CONT, t, 0, (long)sig);
                continue;
            }
            break;
        }
    }
}

static void cont_all(void)
{
    for (long i = 0; i < ntids; i++)
        ptrace(PTRACE_CONT, tids[i], 0, 0);
}

static void detach_all(void)
{
    for (long i = 0; i < ntids; i++)
        ptrace(PTRACE_DETACH, tids[i], 0, 0);
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "pause") != 0 &&
                     strcmp(argv[1], "pause-tid") != 0)) {
        fprintf(stderr, "usage: floor_attach list PID | floor_attach pause|pause-tid PID ROUNDS [GAP_MS]\n");
        return 2;
    }
    pid_t pid = (pid_t)strtol(argv[2], NULL, 10);
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    if (!f || fscanf(f, "%ld", &pid_max) != 1)
        pid_max = 4194304;
    if (f)
        fclose(f);
    seen = calloc((size_t)pid_max + 1, 1);
    if (!seen)
        die("calloc");

    if (strcmp(argv[1], "list") == 0) {
        double t0 = now_ms();
        seize_all(pid);
        double t1 = now_ms();
        long named = list_names(pid);
        double t2 = now_ms();
        stop_all_by_tid();
        double t3 = now_ms();
        detach_all();
        double t4 = now_ms();
        printf("floor_attach: threads=%ld named=%ld seize_ms=%.3f list_ms=%.3f stop_ms=%.3f detach_ms=%.3f total_ms=%.3f\n",
               ntids, named, t1 - t0, t2 - t0, t3 - t2, t4 - t3, t4 - t0);
        return 0;
    }

    int by_tid = strcmp(argv[1], "pause-tid") == 0;
    long rounds = argc > 3 ? strtol(argv[3], NULL, 10) : 20;
    long gap = argc > 4 ? strtol(argv[4], NULL, 10) : 20;
    seize_all(pid);
    struct timespec g = {gap / 1000, (gap % 1000) * 1000000L};
    for (long r = 0; r < rounds; r++) {
        nanosleep(&g, NULL);
        double t0 = now_ms();
        if (by_tid)
            stop_all_by_tid();
        else
            stop_all();
        double t1 = now_ms();
        cont_all();
        double t2 = now_ms();
        printf("round=%ld threads=%ld pause_ms=%.3f resume_ms=%.3f interrupt_ms=%.3f\n", r, ntids, t1 - t0, t2 - t1,
               interrupted_at - t0);
        fflush(stdout);
    }
    stop_all();
    detach_all();
    return 0;
}
