/*
 * plugin - a shared library that the dlopener sample loads with dlopen(): the breakpoint tests'
 *   library that is not there when the program starts (a breakpoint in it is pending until then).
 *   Built to bin/libplugin.so (-shared -fPIC, -O2 -g).
 */
#include "common.h"

long plugin_work(long i)
{
    long twice = i * 2; /* BP:plugin-work */
    return twice + 1;
}
