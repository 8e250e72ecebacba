/*
 * floor_follow - the physical floor for following threads: the least a ptrace tracer can do
 * to follow every thread of a program.
 *
 *   floor_follow PROGRAM [ARGS...]
 *
 * fork; the child stops itself and execs PROGRAM; the parent PTRACE_SEIZEs it with
 * TRACECLONE|TRACEFORK|TRACEVFORK|TRACEEXEC|EXITKILL, wakes it, then loops on
 * waitpid(-1, __WALL): every stop is resumed at once (a signal-delivery stop with its signal),
 * clone events and deaths are counted. No thread table, no names, no events to anyone.
 *
 * Prints one line to stderr at the end:
 *   floor_follow: started=S exited=E exit=CODE
 * where S counts the main thread and every clone event, E every death (main included).
 * Exit status: the program's (128+N if killed by signal N), 3 on a tracing error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: floor_follow PROGRAM [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 3;
    }
    if (pid == 0) {
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        perror("execvp");
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
        fprintf(stderr, "floor_follow: child did not stop\n");
        return 3;
    }
    long opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC |
                PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SEIZE, pid, 0, opts) != 0) {
        perror("PTRACE_SEIZE");
        kill(pid, SIGKILL);
        return 3;
    }
    kill(pid, SIGCONT);

    long started = 1, exited = 0;
    int code = -1;
    for (;;) {
        pid_t tid = waitpid(-1, &st, __WALL);
        if (tid < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECHILD)
                break;
            perror("waitpid");
            return 3;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            exited++;
            if (tid == pid)
                code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            continue;
        }
        if (!WIFSTOPPED(st))
            continue;
        int sig = WSTOPSIG(st);
        int event = st >> 16;
        int deliver = 0;
        if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK)
            started++;
        else if (event == 0 && sig != SIGTRAP)
            deliver = sig; /* a signal-delivery stop: pass the signal on (SIGCONT from our wake-up) */
        ptrace(PTRACE_CONT, tid, 0, (long)deliver); /* ESRCH: it died meanwhile; its death comes */
    }
    fprintf(stderr, "floor_follow: started=%ld exited=%ld exit=%d\n", started, exited, code);
    return code < 0 ? 3 : code;
}
