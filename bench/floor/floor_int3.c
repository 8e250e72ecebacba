/*
 * floor_int3 - the physical floor for a breakpoint that does not stop the program (a logpoint,
 * a false condition): the least a ptrace tracer can do per hit of one software breakpoint.
 *
 *   floor_int3 ADDRESS PROGRAM [ARGS...]
 *
 * ADDRESS: the breakpoint's address in PROGRAM's file (hex, as `nm` prints it: a PIE's symbol
 * value; the load bias is added from /proc/PID/maps).
 *
 * fork; the child stops itself and execs PROGRAM; the parent PTRACE_SEIZEs it with
 * TRACECLONE|TRACEEXEC|EXITKILL (so every thread is traced), wakes it, and at the exec stop writes
 * one int3 at ADDRESS + load bias. Then it loops on waitpid(-1, __WALL); at each SIGTRAP with
 * rip == ADDRESS + 1 (a hit), with only the hitting thread stopped: rewind rip, put the original
 * byte back, PTRACE_SINGLESTEP that thread (waitpid(TID) for the step), write the int3 again,
 * PTRACE_CONT. Every other stop is resumed at once (a signal with its signal). The classic
 * single-thread way: while the byte is out, other threads run through ADDRESS unseen, so with
 * several threads it can count fewer hits than were made; its hit count is printed, not assumed.
 *
 * Prints one line to stderr at the end:
 *   floor_int3: hits=H run_ms=T exit=CODE
 * T: CLOCK_MONOTONIC from the PTRACE_CONT after the int3 was written to the main thread's exit
 * reaped (the program's run under the breakpoint, the floor's own start-up excluded).
 * Exit status: the program's (128+N if killed by signal N), 3 on a tracing error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    perror(what);
    exit(3);
}

/* The load bias of pid's executable: the start of its mapping at file offset 0. */
static unsigned long load_bias(pid_t pid)
{
    char link[64], exe[PATH_MAX], path[64], line[PATH_MAX + 128];
    snprintf(link, sizeof link, "/proc/%d/exe", pid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    if (n < 0)
        die("readlink /proc/PID/exe");
    exe[n] = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        die("fopen /proc/PID/maps");
    while (fgets(line, sizeof line, f)) {
        unsigned long start, offset;
        int name_at = 0;
        if (sscanf(line, "%lx-%*x %*s %lx %*s %*s %n", &start, &offset, &name_at) < 2 || !name_at)
            continue;
        line[strcspn(line, "\n")] = 0;
        if (offset == 0 && strcmp(line + name_at, exe) == 0) {
            fclose(f);
            return start;
        }
    }
    fprintf(stderr, "floor_int3: no mapping of %s in %s\n", exe, path);
    exit(3);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor_int3 ADDRESS PROGRAM [ARGS...]\n");
        return 2;
    }
    unsigned long offset = strtoul(argv[1], NULL, 16);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        raise(SIGSTOP);
        execvp(argv[2], argv + 2);
        perror("execvp");
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
        fprintf(stderr, "floor_int3: child did not stop\n");
        return 3;
    }
    if (ptrace(PTRACE_SEIZE, pid, 0, (long)(PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) != 0) {
        perror("PTRACE_SEIZE");
        kill(pid, SIGKILL);
        return 3;
    }
    kill(pid, SIGCONT);

    unsigned long addr = 0;
    long orig = 0, trapped = 0; /* the word at addr as the program has it, and with the int3 */
    long hits = 0;
    int code = -1;
    double t_run = 0, t_end = 0;
    for (;;) {
        pid_t tid = waitpid(-1, &st, __WALL);
        if (tid < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECHILD)
                break;
            die("waitpid");
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (tid == pid) {
                t_end = now_ms();
                code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            continue;
        }
        if (!WIFSTOPPED(st))
            continue;
        int sig = WSTOPSIG(st);
        int event = st >> 16;
        int deliver = 0;
        if (event == PTRACE_EVENT_EXEC && !addr) {
            addr = load_bias(pid) + offset;
            errno = 0;
            orig = ptrace(PTRACE_PEEKTEXT, pid, (void *)addr, 0);
            if (errno)
                die("PTRACE_PEEKTEXT");
            trapped = (orig & ~0xffL) | 0xcc;
            if (ptrace(PTRACE_POKETEXT, pid, (void *)addr, (void *)trapped) != 0)
                die("PTRACE_POKETEXT (insert)");
            t_run = now_ms();
        } else if (event == 0 && sig == SIGTRAP && addr) {
            struct user_regs_struct regs;
            if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0)
                die("PTRACE_GETREGS");
            if (regs.rip == addr + 1) {
                hits++;
                regs.rip = addr;
                if (ptrace(PTRACE_SETREGS, tid, 0, &regs) != 0)
                    die("PTRACE_SETREGS");
                if (ptrace(PTRACE_POKETEXT, tid, (void *)addr, (void *)orig) != 0)
                    die("PTRACE_POKETEXT (restore)");
                if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) != 0)
                    die("PTRACE_SINGLESTEP");
                int sst;
                if (waitpid(tid, &sst, __WALL) != tid || !WIFSTOPPED(sst) || WSTOPSIG(sst) != SIGTRAP) {
                    fprintf(stderr, "floor_int3: thread %d: status 0x%x after its single step\n", tid, sst);
                    return 3;
                }
                if (ptrace(PTRACE_POKETEXT, tid, (void *)addr, (void *)trapped) != 0)
                    die("PTRACE_POKETEXT (re-insert)");
            }
            /* else a SIGTRAP of the program's own: passed on below */
            else
                deliver = sig;
        } else if (event == 0) {
            deliver = sig; /* a signal-delivery stop: pass the signal on (SIGCONT from our wake-up) */
        }
        ptrace(PTRACE_CONT, tid, 0, (long)deliver); /* ESRCH: it died meanwhile; its death comes */
    }
    fprintf(stderr, "floor_int3: hits=%ld run_ms=%.3f exit=%d\n", hits, t_end - t_run, code);
    return code < 0 ? 3 : code;
}
