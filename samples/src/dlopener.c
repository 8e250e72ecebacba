/*
 * dlopener - loads bin/libplugin.so (next to its own binary) with dlopen() after it starts, calls
 *   its plugin_work(i) CALLS times from THREADS threads, closes it and loads it again once more.
 *   A breakpoint in the library is pending until it loads (the tests), and must be in again after
 *   the second load.
 *
 * Usage: dlopener [THREADS=2] [CALLS=50]
 * Output: "loaded", then "plugin sum S expected E".  Exit 0 if they match, 1 if not, 2 on error.
 */
#include "common.h"

#include <dlfcn.h>
#include <libgen.h>

#define USAGE "[THREADS=2] [CALLS=50]"
#define MAX_THREADS 64

static long (*work)(long);
static long calls;
static volatile long sums[MAX_THREADS];

static void *worker(void *arg)
{
    long sum = 0;
    for (long i = 0; i < calls; i++)
        sum += work(i);
    sums[(long) arg] = sum;
    return NULL;
}

static long run(int threads)
{
    char self[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        die("readlink");
    self[n] = 0;
    snprintf(path, sizeof path, "%s/libplugin.so", dirname(self));
    void *lib = dlopen(path, RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "dlopener: %s\n", dlerror());
        exit(EXIT_ERROR);
    }
    work = (long (*)(long)) dlsym(lib, "plugin_work");
    printf("loaded\n");
    pthread_t tids[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        PT_CHECK(pthread_create(&tids[t], NULL, worker, (void *) (long) t));
    long sum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        sum += sums[t];
    }
    dlclose(lib);
    return sum;
}

int main(int argc, char **argv)
{
    sample_init("dlopener");
    int threads = (int) parse_arg(argc, argv, 1, 2, 1, MAX_THREADS, USAGE);
    calls = parse_arg(argc, argv, 2, 50, 0, 100000000L, USAGE);
    long sum = run(threads) + run(threads);
    long want = 2L * threads * (calls * (calls - 1) + calls);
    printf("plugin sum %ld expected %ld\n", sum, want);
    return sum == want ? 0 : EXIT_CHECK_FAILED;
}
