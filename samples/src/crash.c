/*
 * crash - one of its threads faults at an address it names, so that a debugger's report of the
 * fault (signal, si_code, fault address, thread) can be checked against what the program says.
 *
 * What it does: starts N idle threads (default 3) and one "crasher" thread; prints
 *   "ready crasher=<tid> address=<hex>" and, after DELAY_MS (default 200), the crasher writes
 *   to that address, which is never mapped (the first page), and dies of SIGSEGV.
 *
 * Usage: crash [N [DELAY_MS]]
 *
 * Output (stdout): ready crasher=<tid> address=0x<hex>
 * Exit: killed by SIGSEGV (2 on bad usage or a failed system/pthread call).
 *
 * Used by tests of signal stops: exceptionInfo (SIGSEGV, SEGV_MAPERR, the fault address).
 */
#include "common.h"

#define USAGE "[N [DELAY_MS]]"
/* In a variable, so the compiler cannot see (and warn) that the write faults. */
static volatile unsigned long fault_address = 0x18;

static long delay_ms = 200;

static void *idle(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void *crasher(void *arg)
{
    (void)arg;
    volatile int *where = (volatile int *)fault_address;
    printf("ready crasher=%d address=%p\n", (int)sample_gettid(), (void *)where);
    sleep_ms(delay_ms);
    *where = 42; /* BREAK: fault */
    return NULL;
}

int main(int argc, char **argv)
{
    sample_init("crash");
    long n = parse_arg(argc, argv, 1, 3, 0, 1000, USAGE);
    delay_ms = parse_arg(argc, argv, 2, 200, 0, 600000, USAGE);
    pthread_t t;
    for (long i = 0; i < n; i++)
        PT_CHECK(pthread_create(&t, NULL, idle, NULL));
    PT_CHECK(pthread_create(&t, NULL, crasher, NULL));
    PT_CHECK(pthread_join(t, NULL));
    return 0;
}
