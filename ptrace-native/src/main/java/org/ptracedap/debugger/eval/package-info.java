/**
 * The expression language of watches, hovers, the Debug Console and breakpoint conditions: a
 * subset of C as gdb evaluates it on x86-64 (LP64), compiled once ({@link org.ptracedap.debugger.eval.Expression#compile})
 * and evaluated many times over a {@link org.ptracedap.debugger.values.Scope} and the types it
 * names — never over a process, a tracer or libdw.
 */
package org.ptracedap.debugger.eval;
