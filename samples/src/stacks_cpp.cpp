/*
 * stacks_cpp - the C++ twin of stacks.c: threads (std::thread) blocked in the
 * kernel inside namespaces, classes, templates, a lambda, a recursion and
 * inlined members, for tests that compare our stacks with gdb's.
 *
 * What it does: main blocks SIGUSR1 and SIGTERM, then starts six threads:
 *     recursion   shapes::Tree<int>::descend recurses DEPTH times, then
 *                 reads a pipe nobody writes
 *     mutex       shapes::Worker::run locks a std::mutex main holds, through
 *                 two always_inline members
 *     condition   a lambda waits on a std::condition_variable never notified
 *     sleep       std::this_thread::sleep_for in a loop
 *     overload    shapes::wait(double) (one of two overloads) reads the pipe
 *     join        joins the recursion thread
 *   Once every thread sits in its system call (per /proc/self/task/TID/syscall),
 *   main prints "ready" and waits in sigwait for SIGUSR1 or SIGTERM, then
 *   exits 0 (std::_Exit: the threads are never joined).
 *
 * Built twice: bin/stacks_cpp (-O2) and bin/stacks_cpp_O0 (-O0).
 *
 * Usage: stacks_cpp [DEPTH]    DEPTH of the recursion, default 12 (1..100000)
 * Output: "ready", then nothing.  Exit code 0 on SIGUSR1/SIGTERM, 2 on error.
 */
#include "common.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace {
int block_pipe[2];          // never written
volatile long sink;         // keeps calls from becoming jumps
volatile int never_true;    // so the read loops may end, for the compiler
std::atomic<pid_t> tids[6];

__attribute__((noinline)) void block_in_read()
{
    char c;
    while (!never_true) {
        if (read(block_pipe[0], &c, 1) < 0 && errno != EINTR)
            die("read");
    }
}
} // namespace

namespace shapes {

template <typename T>
class Tree {
public:
    explicit Tree(T seed) : seed_(seed) {}

    __attribute__((noinline)) T descend(long n)
    {
        if (n == 0)
            block_in_read();
        else
            sink += descend(n - 1);
        sink++;
        return seed_;
    }

private:
    T seed_;
};

class Worker {
public:
    explicit Worker(std::mutex &held) : held_(held) {}

    __attribute__((noinline)) void run()
    {
        outer();
        sink++;
    }

private:
    inline __attribute__((always_inline)) void inner()
    {
        held_.lock();
        sink++;
    }

    inline __attribute__((always_inline)) void outer()
    {
        inner();
        sink++;
    }

    std::mutex &held_;
};

__attribute__((noinline)) void wait(int seconds)
{
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
}

__attribute__((noinline)) void wait(double unused)
{
    sink += (long)unused;
    block_in_read();
}

} // namespace shapes

namespace {

void await_blocked(int i, long syscall_number)
{
    while (tids[i] == 0 || sample_blocked_in(tids[i]) != syscall_number)
        sleep_ms(1);
}

} // namespace

int main(int argc, char **argv)
{
    sample_init("stacks_cpp");
    if (argc > 2) {
        fprintf(stderr, "usage: stacks_cpp [DEPTH]\n");
        return EXIT_ERROR;
    }
    long depth = parse_arg(argc, argv, 1, 12, 1, 100000, "[DEPTH]");
    if (pipe(block_pipe) != 0)
        die("pipe");
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGUSR1);
    sigaddset(&quit, SIGTERM);
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &quit, nullptr));

    std::mutex held;
    held.lock();
    std::mutex lock;
    std::condition_variable never;

    std::thread recursion([depth] {
        tids[0] = sample_gettid();
        shapes::Tree<int> tree(7);
        tree.descend(depth);
    });
    std::thread mutex([&held] {
        tids[1] = sample_gettid();
        shapes::Worker(held).run();
    });
    std::thread condition([&lock, &never] {
        tids[2] = sample_gettid();
        std::unique_lock<std::mutex> guard(lock);
        never.wait(guard, [] { return never_true != 0; });
    });
    std::thread sleeper([] {
        tids[3] = sample_gettid();
        for (;;)
            shapes::wait(1);
    });
    std::thread overload([] {
        tids[4] = sample_gettid();
        shapes::wait(2.5);
    });
    std::thread join([&recursion] {
        tids[5] = sample_gettid();
        recursion.join();
    });

    await_blocked(0, SYS_read);
    await_blocked(1, SYS_futex);
    await_blocked(2, SYS_futex);
    await_blocked(3, SYS_clock_nanosleep);
    await_blocked(4, SYS_read);
    await_blocked(5, SYS_futex);
    printf("ready\n");

    int sig;
    if (sigwait(&quit, &sig) != 0)
        die("sigwait");
    std::_Exit(0);
}
