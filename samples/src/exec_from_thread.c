/*
 * exec_from_thread - a non-leader thread of a multi-threaded process calls
 * execve(), so the kernel kills the other threads and the exec'ing thread
 * takes over the thread-group leader's pid.
 *
 * What it does: main prints its pid and creates 3 threads; all 4 meet at a
 *   barrier so they all exist before anything happens.  Threads 1 and 3 and
 *   main then sleep in loops.  Thread 2 (not the leader) sleeps ~100 ms,
 *   prints its tid and calls
 *     execl("/proc/self/exe", argv[0], "--after-exec", NULL).
 *   The new image, started with --after-exec, prints its pid and tid and
 *   checks that they are equal (after exec the single remaining thread is
 *   the leader, tid == pid).
 *
 * Usage: exec_from_thread               (normal start)
 *        exec_from_thread --after-exec  (used by the program itself)
 *
 * Output (stdout):
 *   exec_from_thread: pid=<pid>
 *   exec_from_thread: exec from tid=<tid>              (tid != pid)
 *   exec_from_thread: after exec pid=<pid> tid=<tid>   (same pid, tid == pid)
 *
 * Exit code: 0 after the exec when tid == pid, 1 if tid != pid after exec,
 *   2 on bad usage or a failed system/pthread call (including a failed exec).
 *
 * Used by tests of the tracing engine: exec from a non-leader thread
 *   (PTRACE_EVENT_EXEC reported with the old tid, the leader and the other
 *   threads vanishing without normal exit events, the thread list collapsing
 *   to one thread whose tid == pid).
 */
#include "common.h"

#define USAGE "[--after-exec]"

static pthread_barrier_t start_barrier;
static char *self_argv0;

static void barrier_wait(void)
{
    int rc = pthread_barrier_wait(&start_barrier);
    if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
        die_err("pthread_barrier_wait", rc);
}

static void *thread_main(void *arg)
{
    long index = (long)arg;
    barrier_wait();
    if (index == 2) {
        sleep_ms(100);
        printf("exec_from_thread: exec from tid=%d\n", (int)sample_gettid());
        if (fflush(stdout) != 0)
            die("fflush");
        execl("/proc/self/exe", self_argv0, "--after-exec", (char *)NULL);
        die("execl /proc/self/exe");
    }
    for (;;)
        sleep_ms(1000);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("exec_from_thread");
    if (argc == 2 && strcmp(argv[1], "--after-exec") == 0) {
        pid_t pid = getpid();
        pid_t tid = sample_gettid();
        printf("exec_from_thread: after exec pid=%d tid=%d\n", (int)pid,
               (int)tid);
        return tid == pid ? 0 : EXIT_CHECK_FAILED;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: exec_from_thread %s\n", USAGE);
        return EXIT_ERROR;
    }
    self_argv0 = argv[0];

    printf("exec_from_thread: pid=%d\n", (int)getpid());
    PT_CHECK(pthread_barrier_init(&start_barrier, NULL, 4));
    for (long i = 1; i <= 3; i++) {
        pthread_t t;
        PT_CHECK(pthread_create(&t, NULL, thread_main, (void *)i));
    }
    barrier_wait();
    for (;;)
        sleep_ms(1000);
}
