/*
 * traced_child - a process that is already traced by another process, so a
 * debugger attaching to it must be refused (EPERM) and say who traces it.
 *
 * What it does: forks a child that calls PTRACE_TRACEME and stops itself
 *   with SIGSTOP; the parent (the tracer) waits for that stop, resumes the
 *   child with PTRACE_CONT, prints "ready <child pid>" and then waits.  The
 *   child sleeps until killed.  On SIGTERM the parent kills the child, reaps
 *   it and exits 0.
 *
 * Usage: traced_child
 *
 * Output (stdout):
 *   ready <child pid>
 *
 * Exit code: 0 after SIGTERM, 2 on a failed system call.
 *
 * Used by tests of the tracing engine and adapter: attach refused because
 *   the target already has a tracer (TracerPid in /proc/PID/status).
 */
#include "common.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sample_init("traced_child");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        die("sigprocmask");

    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        /* die with the parent, however it ends (a test may SIGKILL it) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(0);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            die("PTRACE_TRACEME");
        raise(SIGSTOP);
        for (;;)
            pause();
    }
    int status;
    if (waitpid(child, &status, 0) != child)
        die("waitpid");
    if (ptrace(PTRACE_CONT, child, NULL, NULL) != 0)
        die("PTRACE_CONT");
    printf("ready %d\n", (int)child);

    int sig;
    sigwait(&set, &sig);
    kill(child, SIGKILL);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}
