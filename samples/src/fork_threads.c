/*
 * fork_threads - a multi-threaded parent forks children that are themselves
 * multi-threaded.
 *
 * What it does: the parent starts 2 helper threads of its own (they sleep in
 *   10 ms steps until the parent is finished), then forks CHILDREN children
 *   back to back (only the forking thread is copied into each child).  Each
 *   child creates THREADS threads; every thread prints one line and returns;
 *   the child joins them, prints "done" and exits 0.  The parent waits for
 *   all children, stops and joins its helper threads and reports.
 *
 * Usage: fork_threads [CHILDREN [THREADS]]
 *   CHILDREN  number of children, default 3 (at least 1)
 *   THREADS   threads per child, default 4 (0 allowed)
 *
 * Output (stdout; lines of different children interleave):
 *   fork_threads: child <pid> thread <tid>            (CHILDREN*THREADS lines)
 *   fork_threads: child <pid> done                    (CHILDREN lines)
 *   fork_threads: parent done children=<n> ok=<k>     (last line; k = number
 *                                                      of children exiting 0)
 *
 * Exit code: 0 if all children exited 0, 1 otherwise, 2 on bad usage or a
 *   failed system/pthread call (a failing child exits 2).
 *
 * Used by tests of the tracing engine: fork events from a multi-threaded
 *   process, following children's threads (thread events attributed to the
 *   right process), child exit codes seen by the traced parent.
 */
#include "common.h"

#include <stdatomic.h>
#include <sys/wait.h>

#define USAGE "[CHILDREN [THREADS]]"

static atomic_int parent_stop;

static void *parent_helper(void *arg)
{
    (void)arg;
    while (!atomic_load(&parent_stop))
        sleep_ms(10);
    return NULL;
}

static void *child_thread(void *arg)
{
    (void)arg;
    printf("fork_threads: child %d thread %d\n", (int)getpid(),
           (int)sample_gettid());
    return NULL;
}

static void child_main(long threads)
{
    pthread_t *t = xcalloc((size_t)threads, sizeof(pthread_t));
    for (long i = 0; i < threads; i++)
        PT_CHECK(pthread_create(&t[i], NULL, child_thread, NULL));
    for (long i = 0; i < threads; i++)
        PT_CHECK(pthread_join(t[i], NULL));
    free(t);
    printf("fork_threads: child %d done\n", (int)getpid());
    exit(0);
}

int main(int argc, char **argv)
{
    sample_init("fork_threads");
    if (argc > 3) {
        fprintf(stderr, "usage: fork_threads %s\n", USAGE);
        return EXIT_ERROR;
    }
    long children = parse_arg(argc, argv, 1, 3, 1, 100000, USAGE);
    long threads = parse_arg(argc, argv, 2, 4, 0, 100000, USAGE);

    pthread_t helpers[2];
    for (int i = 0; i < 2; i++)
        PT_CHECK(pthread_create(&helpers[i], NULL, parent_helper, NULL));

    pid_t *pids = xcalloc((size_t)children, sizeof(pid_t));
    for (long i = 0; i < children; i++) {
        if (fflush(stdout) != 0)
            die("fflush");
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            child_main(threads);
        pids[i] = pid;
    }

    long ok = 0;
    for (long i = 0; i < children; i++) {
        int status;
        while (waitpid(pids[i], &status, 0) < 0) {
            if (errno != EINTR)
                die("waitpid");
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ok++;
    }
    free(pids);

    atomic_store(&parent_stop, 1);
    for (int i = 0; i < 2; i++)
        PT_CHECK(pthread_join(helpers[i], NULL));

    printf("fork_threads: parent done children=%ld ok=%ld\n", children, ok);
    return ok == children ? 0 : EXIT_CHECK_FAILED;
}
