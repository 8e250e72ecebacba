/*
 * fork_exec - fork children that exec /bin/echo, one after the other.
 *
 * What it does: COUNT times: fork(); the child execs
 *   "/bin/echo fork_exec-child-ran"; the parent waitpid()s for it and
 *   reports how it ended before forking the next one.
 *
 * Usage: fork_exec [COUNT [vfork]]
 *   COUNT  number of children to fork sequentially, default 1
 *   vfork  create each child with vfork() instead of fork() (the parent is
 *          suspended by the kernel until the child has exec'd)
 *
 * Output (stdout), per child, in this order:
 *   fork_exec-child-ran                      (printed by the child's echo)
 *   fork_exec: child <pid> exited <code>     (printed by the parent)
 *   or, if the child died from a signal:
 *   fork_exec: child <pid> killed by signal <sig>
 *   If exec fails the child exits 127.
 *
 * Exit code: 0 if every child exited 0, 1 otherwise, 2 on bad usage or a
 *   failed system call in the parent.
 *
 * Used by tests of the tracing engine: fork/exec handling (fork events,
 *   following or detaching children, exec events, the traced parent's
 *   waitpid must still see the child's real exit status).
 */
#include "common.h"

#include <sys/wait.h>

#define USAGE "[COUNT [vfork]]"

/* Forks (or vforks) a child that execs echo. Kept apart from main so that
 * vfork shares no locals with the caller's frame (gcc -Wclobbered). */
static __attribute__((noinline)) pid_t start_child(int use_vfork)
{
    pid_t pid = use_vfork ? vfork() : fork();
    if (pid == 0) {
        execl("/bin/echo", "echo", "fork_exec-child-ran", (char *)NULL);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv)
{
    sample_init("fork_exec");
    int use_vfork = argc > 2 && strcmp(argv[2], "vfork") == 0;
    if (argc > 3 || (argc == 3 && !use_vfork)) {
        fprintf(stderr, "usage: fork_exec %s\n", USAGE);
        return EXIT_ERROR;
    }
    long count = parse_arg(argc > 2 ? 2 : argc, argv, 1, 1, 1, 1000000, USAGE);
    int all_ok = 1;

    for (long i = 0; i < count; i++) {
        if (fflush(stdout) != 0)
            die("fflush");
        pid_t pid = start_child(use_vfork);
        if (pid < 0)
            die(use_vfork ? "vfork" : "fork");

        int status;
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR)
                die("waitpid");
        }
        if (WIFEXITED(status)) {
            printf("fork_exec: child %d exited %d\n", (int)pid,
                   WEXITSTATUS(status));
            if (WEXITSTATUS(status) != 0)
                all_ok = 0;
        } else {
            printf("fork_exec: child %d killed by signal %d\n", (int)pid,
                   WIFSIGNALED(status) ? WTERMSIG(status) : -1);
            all_ok = 0;
        }
    }
    return all_ok ? 0 : EXIT_CHECK_FAILED;
}
