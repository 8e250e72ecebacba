/*
 * bp_cpp - the breakpoint tests' C++ debuggee: functions a breakpoint names in C++'s ways.
 *
 * What it does: main calls each of the functions below a few times, prints "ready S" (S
 * their sum) and waits in sigwait for SIGUSR1 or SIGTERM (so that a test can read where
 * breakpoints would go in a live process; with "-" as the first argument it does not wait),
 * then exits 0.
 *
 *   Lines and names the tests find by their marker comments (BP:name):
 *     geometry::Shape::scale, a method with two overloads (int and double);
 *     geometry::clamp<T>, a function template instantiated for int and for double;
 *     geometry::area, an always_inline function inlined in two callers (perimeter and
 *     main); geometry::perimeter, a plain function in the namespace.
 *
 * Built twice: bin/bp_cpp (-O2) and bin/bp_cpp_O0 (-O0).
 *
 * Usage: bp_cpp [-]
 * Output: "ready S".  Exit 0 on SIGUSR1/SIGTERM (or at once with "-"), 2 on error.
 */
#include "common.h"

#include <signal.h>

namespace geometry {

class Shape {
public:
    explicit Shape(long side) : side_(side) {}

    __attribute__((noinline)) long scale(int by)
    {
        return side_ * by; /* BP:scale-int */
    }

    __attribute__((noinline)) long scale(double by)
    {
        return (long) (side_ * by); /* BP:scale-double */
    }

private:
    volatile long side_;
};

template <typename T>
__attribute__((noinline)) T clamp(T value, T low, T high)
{
    if (value < low) /* BP:clamp */
        return low;
    return value > high ? high : value;
}

static inline __attribute__((always_inline)) long area(long w, long h)
{
    long a = w * h; /* BP:area */
    return a;
}

__attribute__((noinline)) long perimeter(long w, long h)
{
    long p = 2 * (w + h); /* BP:perimeter */
    return p + area(w, h) % 7;
}

} // namespace geometry

int main(int argc, char **argv)
{
    sample_init("bp_cpp");
    bool wait = !(argc > 1 && strcmp(argv[1], "-") == 0);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGUSR1);
    sigaddset(&stop, SIGTERM);
    PT_CHECK(pthread_sigmask(SIG_BLOCK, &stop, NULL));
    geometry::Shape shape(argc + 2);
    long sum = 0;
    for (int i = 0; i < 3; i++) {
        sum += shape.scale(i) + shape.scale(i * 0.5);
        sum += geometry::clamp(i, 1, 2) + (long) geometry::clamp(i * 1.5, 0.5, 2.5);
        sum += geometry::perimeter(i, argc) + geometry::area(i, argc + 1); /* BP:main-calls */
    }
    printf("ready %ld\n", sum);
    int sig;
    if (wait && sigwait(&stop, &sig) != 0)
        die("sigwait");
    return 0;
}
