/*
 * common.h - small helpers shared by the C debuggee sample programs.
 *
 * What it does: provides error reporting (die/die_err/PT_CHECK), argument
 *   parsing (parse_arg), an EINTR-safe millisecond sleep (sleep_ms), a
 *   gettid() wrapper (sample_gettid) and a helper that sets a small thread
 *   stack size (small_stack_attr).  It is a header only; every function is
 *   static inline so unused helpers cause no warnings.
 * Arguments / output: none by itself.  sample_init() makes stdout line
 *   buffered, because the debug adapter normally reads stdout from a pipe and
 *   the tests wait for whole lines.
 * Exit codes used by all samples:
 *   0 = success, 1 = the program's own check failed (e.g. a count mismatch or
 *   a child exiting non-zero), 2 = bad usage or a failed system/pthread call
 *   (a message is printed to stderr first).
 * Used by: every program in samples/src (tracing engine tests: thread
 *   following, attach, pause, detach, fork/exec).
 *
 * Must be included before any other header (it defines _GNU_SOURCE).
 */
#ifndef SAMPLES_COMMON_H
#define SAMPLES_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define EXIT_CHECK_FAILED 1
#define EXIT_ERROR 2

/* Small per-thread stack for programs that create many threads. */
#define SMALL_STACK_SIZE (64 * 1024)

static const char *sample_name = "sample";

/* Print "<name>: <what>: <strerror(err)>" to stderr and exit 2. */
static inline void die_err(const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s\n", sample_name, what, strerror(err));
    exit(EXIT_ERROR);
}

/* Like die_err but takes the error from errno. */
static inline void die(const char *what)
{
    die_err(what, errno);
}

/* For pthread_* functions, which return an error number instead of -1. */
#define PT_CHECK(call)                       \
    do {                                     \
        int pt_check_rc_ = (call);           \
        if (pt_check_rc_ != 0)               \
            die_err(#call, pt_check_rc_);    \
    } while (0)

/* Remember the program name for messages and make stdout line buffered. */
static inline void sample_init(const char *name)
{
    sample_name = name;
    if (setvbuf(stdout, NULL, _IOLBF, 0) != 0)
        die("setvbuf(stdout)");
}

static inline pid_t sample_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/*
 * Parse argv[idx] as a decimal integer in [min, max]; return def when the
 * argument is absent.  On a malformed or out-of-range value print the usage
 * line to stderr and exit 2.
 */
static inline long parse_arg(int argc, char **argv, int idx, long def,
                             long min, long max, const char *usage)
{
    if (idx >= argc)
        return def;
    const char *s = argv[idx];
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "%s: bad argument '%s' (allowed %ld..%ld)\n",
                sample_name, s, min, max);
        fprintf(stderr, "usage: %s %s\n", sample_name, usage);
        exit(EXIT_ERROR);
    }
    return v;
}

/* Sleep for ms milliseconds, resuming after signal interruptions. */
static inline void sleep_ms(long ms)
{
    struct timespec req, rem;
    if (ms <= 0)
        return;
    req.tv_sec = ms / 1000;
    req.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&req, &rem) != 0) {
        if (errno != EINTR)
            die("nanosleep");
        req = rem;
    }
}

/* Milliseconds on CLOCK_MONOTONIC. */
static inline long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime");
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The number of the system call thread tid of this process is blocked in, or -1 while it runs
 * (per /proc/self/task/TID/syscall). */
static inline long sample_blocked_in(pid_t tid)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open /proc/self/task/TID/syscall");
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    if (text[0] < '0' || text[0] > '9')
        return -1; /* "running" */
    return strtol(text, NULL, 10);
}

/* Initialise attr with a SMALL_STACK_SIZE stack. */
static inline void small_stack_attr(pthread_attr_t *attr)
{
    PT_CHECK(pthread_attr_init(attr));
    PT_CHECK(pthread_attr_setstacksize(attr, SMALL_STACK_SIZE));
}

static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
    if (p == NULL)
        die("calloc");
    return p;
}

#endif /* SAMPLES_COMMON_H */
