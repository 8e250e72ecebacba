/*
 * fork_exec - fork children that exec /bin/echo, one after the other.
 *
 * What it does: COUNT times: fork(); the child execs
 *   "/bin/echo fork_exec-child-ran"; the parent waitpid()s for it and
 *   reports how it ended before forking the next one.
 *
 * Usage: fork_exec [COUNT]
 *   COUNT  number of children to fork sequentially, default 1
 *
 * Output (stdout), per child, in this order:
 *   fork_exec-child-ran                      (printed by the child's echo)
 *   fork_exec: child <pid> exited <code>     (printed by the parent)
 *   or, if the child died from a signal:
 *   fork_exec: child <pid> killed by signal <sig>
 *   If exec fails the child prints "fork_exec: execl /bin/echo: <error>" on
 *   stderr and exits 127.
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

#define USAGE "[COUNT]"

int main(int argc, char **argv)
{
    sample_init("fork_exec");
    if (argc > 2) {
        fprintf(stderr, "usage: fork_exec %s\n", USAGE);
        return EXIT_ERROR;
    }
    long count = parse_arg(argc, argv, 1, 1, 1, 1000000, USAGE);
    int all_ok = 1;

    for (long i = 0; i < count; i++) {
        if (fflush(stdout) != 0)
            die("fflush");
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            execl("/bin/echo", "echo", "fork_exec-child-ran", (char *)NULL);
            fprintf(stderr, "fork_exec: execl /bin/echo: %s\n",
                    strerror(errno));
            _exit(127);
        }

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
