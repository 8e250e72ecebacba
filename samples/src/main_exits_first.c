/*
 * main_exits_first - the main (leader) thread leaves with pthread_exit()
 * while other threads keep running; the process ends when the last thread
 * returns.
 *
 * What it does: main creates N threads, prints "main leaving" and calls
 *   pthread_exit(NULL) at once.  The leader then stays a zombie in
 *   /proc/<pid>/task until the whole group exits.  Each thread sleeps
 *   SLEEP_MS milliseconds, prints its tid and returns; when the last one
 *   returns the process exits with status 0.
 *
 * Usage: main_exits_first [N [SLEEP_MS]]
 *   N         number of threads, default 4 (at least 1)
 *   SLEEP_MS  how long each thread sleeps before finishing, default 300
 *
 * Output (stdout):
 *   main_exits_first: main leaving                  (first)
 *   main_exits_first: tid <tid> done                (N lines, any order)
 *
 * Exit code: 0 (the implicit exit of the last thread), 2 on bad usage or a
 *   failed system/pthread call.
 *
 * Used by tests of the tracing engine: thread following when the leader
 *   exits before the other threads (leader exit/zombie handling, the
 *   process exit status is reported only after the last thread is gone).
 */
#include "common.h"

#define USAGE "[N [SLEEP_MS]]"

static long sleep_time_ms;

static void *thread_main(void *arg)
{
    (void)arg;
    sleep_ms(sleep_time_ms);
    printf("main_exits_first: tid %d done\n", (int)sample_gettid());
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("main_exits_first");
    if (argc > 3) {
        fprintf(stderr, "usage: main_exits_first %s\n", USAGE);
        return EXIT_ERROR;
    }
    long n = parse_arg(argc, argv, 1, 4, 1, 100000, USAGE);
    sleep_time_ms = parse_arg(argc, argv, 2, 300, 0, LONG_MAX / 2, USAGE);

    pthread_attr_t attr;
    PT_CHECK(pthread_attr_init(&attr));
    PT_CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    for (long i = 0; i < n; i++) {
        pthread_t t;
        PT_CHECK(pthread_create(&t, &attr, thread_main, NULL));
    }
    PT_CHECK(pthread_attr_destroy(&attr));

    printf("main_exits_first: main leaving\n");
    pthread_exit(NULL);
}
