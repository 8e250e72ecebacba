/*
 * spawner - a multi-threaded program that starts processes while breakpoints may be set in it:
 *   the breakpoint tests' check that a child we do not follow never dies of an int3 of ours
 *   (a fork child has a copy of them; a vfork child — posix_spawn's — shares them).
 *
 * What it does: THREADS workers each call work(t, i) for i = 0..CALLS-1 and sum what it
 *   returns.  Meanwhile main, SPAWNS times: posix_spawn()s /bin/true (glibc makes the child with
 *   CLONE_VFORK) and waits for it; fork()s a child that calls work(-1, s) and _exit()s 0 if it got
 *   what it must; waits for it.  Then it joins the workers and prints
 *   "spawner: S spawns, F forks ok; sum X expected Y".
 *
 * Usage: spawner [THREADS=4] [CALLS=2000] [SPAWNS=20]
 * Exit code: 0 if every child exited 0 and the sum matches, 1 if not, 2 on error.
 */
#include "common.h"

#include <spawn.h>
#include <sys/wait.h>

#define USAGE "[THREADS=4] [CALLS=2000] [SPAWNS=20]"
#define MAX_THREADS 64

extern char **environ;

static long calls;
static volatile long sums[MAX_THREADS];

__attribute__((noinline)) long work(int thread, long i)
{
    return thread * 1000L + i; /* BP:work */
}

static void *worker(void *arg)
{
    int t = (int) (long) arg;
    long sum = 0;
    for (long i = 0; i < calls; i++)
        sum += work(t, i);
    sums[t] = sum;
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("spawner");
    int threads = (int) parse_arg(argc, argv, 1, 4, 1, MAX_THREADS, USAGE);
    calls = parse_arg(argc, argv, 2, 2000, 0, 100000000L, USAGE);
    long spawns = parse_arg(argc, argv, 3, 20, 0, 100000, USAGE);
    pthread_t tids[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        PT_CHECK(pthread_create(&tids[t], NULL, worker, (void *) (long) t));
    long spawned = 0, forked = 0;
    for (long s = 0; s < spawns; s++) {
        pid_t child;
        char *args[] = { "true", NULL };
        int err = posix_spawn(&child, "/bin/true", NULL, NULL, args, environ);
        if (err)
            die_err("posix_spawn", err);
        int status;
        if (waitpid(child, &status, 0) < 0)
            die("waitpid");
        spawned += WIFEXITED(status) && WEXITSTATUS(status) == 0;
        child = fork();
        if (child < 0)
            die("fork");
        if (child == 0)
            _exit(work(-1, s) == -1000L + s ? 0 : 1);
        if (waitpid(child, &status, 0) < 0)
            die("waitpid");
        forked += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    long sum = 0, want = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        sum += sums[t];
        want += t * 1000L * calls + calls * (calls - 1) / 2;
    }
    printf("spawner: %ld spawns, %ld forks ok; sum %ld expected %ld\n", spawned, forked, sum, want);
    return spawned == spawns && forked == spawns && sum == want ? 0 : EXIT_CHECK_FAILED;
}
