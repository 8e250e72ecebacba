/*
 * chapter_threads - the book chapter's "a new thread every second" demo, done
 * right (checked errors, line-buffered output, bounded variants).
 *
 * What it does: the main thread prints its pid/tid, then creates thread 1
 *   immediately and one more thread every INTERVAL_MS milliseconds.  Each
 *   thread prints a "started" line and then sleeps in a loop (nanosleep),
 *   either forever or, when LIFETIME_MS > 0, until LIFETIME_MS have passed,
 *   after which it prints an "exiting" line and returns.
 *
 * Usage: chapter_threads [INTERVAL_MS [LIFETIME_MS [MAX_THREADS]]]
 *   INTERVAL_MS  delay between thread creations, default 1000 (0 allowed)
 *   LIFETIME_MS  how long each thread lives, default 0 = forever
 *   MAX_THREADS  how many threads to create, default 0 = unlimited
 *
 * Output (stdout, one line each, flushed per line):
 *   pid=<pid> main tid=<tid>                      (first line, tid == pid)
 *   pid=<pid> tid=<tid> thread <n> started        (n = 1, 2, 3, ...)
 *   tid=<tid> exiting                             (only if LIFETIME_MS > 0)
 *
 * Termination / exit code:
 *   MAX_THREADS = 0: runs until killed (new threads keep coming).
 *   MAX_THREADS > 0 and LIFETIME_MS > 0: after the last thread is created
 *     main joins all threads and exits 0.
 *   MAX_THREADS > 0 and LIFETIME_MS = 0: main sleeps forever once all
 *     threads are created (process has MAX_THREADS + 1 threads).
 *   2 on bad usage or a failed system/pthread call.
 *
 * Used by tests of the tracing engine: thread following (new-thread events
 *   while running), attach to a running multi-threaded process, pause/resume
 *   of all threads, detach, thread-exit events.
 */
#include "common.h"

#define USAGE "[INTERVAL_MS [LIFETIME_MS [MAX_THREADS]]]"

struct thread_arg {
    long number;
    long lifetime_ms;
};

static void *thread_main(void *p)
{
    struct thread_arg *arg = p;
    long number = arg->number;
    long lifetime_ms = arg->lifetime_ms;
    free(arg);

    pid_t tid = sample_gettid();
    printf("pid=%d tid=%d thread %ld started\n", (int)getpid(), (int)tid,
           number);

    if (lifetime_ms == 0) {
        for (;;)
            sleep_ms(1000);
    }

    long long deadline = now_ms() + lifetime_ms;
    for (;;) {
        long long remaining = deadline - now_ms();
        if (remaining <= 0)
            break;
        sleep_ms(remaining < 100 ? (long)remaining : 100);
    }
    printf("tid=%d exiting\n", (int)tid);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("chapter_threads");
    if (argc > 4) {
        fprintf(stderr, "usage: chapter_threads %s\n", USAGE);
        return EXIT_ERROR;
    }
    long interval_ms = parse_arg(argc, argv, 1, 1000, 0, LONG_MAX / 2, USAGE);
    long lifetime_ms = parse_arg(argc, argv, 2, 0, 0, LONG_MAX / 2, USAGE);
    long max_threads = parse_arg(argc, argv, 3, 0, 0, 1000000, USAGE);

    printf("pid=%d main tid=%d\n", (int)getpid(), (int)sample_gettid());

    /* Bounded runs keep joinable threads so main can wait for them;
     * unbounded runs detach them so finished threads leave nothing behind. */
    pthread_t *threads = NULL;
    pthread_attr_t attr;
    PT_CHECK(pthread_attr_init(&attr));
    if (max_threads > 0)
        threads = xcalloc((size_t)max_threads, sizeof(pthread_t));
    else
        PT_CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));

    for (long n = 1;; n++) {
        struct thread_arg *arg = xcalloc(1, sizeof(*arg));
        arg->number = n;
        arg->lifetime_ms = lifetime_ms;
        pthread_t t;
        PT_CHECK(pthread_create(&t, &attr, thread_main, arg));
        if (threads != NULL)
            threads[n - 1] = t;
        if (max_threads > 0 && n == max_threads)
            break;
        sleep_ms(interval_ms);
    }
    PT_CHECK(pthread_attr_destroy(&attr));

    if (lifetime_ms == 0) {
        for (;;)
            sleep_ms(1000);
    }
    for (long i = 0; i < max_threads; i++)
        PT_CHECK(pthread_join(threads[i], NULL));
    free(threads);
    return 0;
}
