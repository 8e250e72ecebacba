package org.ptracedap.debuginfo;

/**
 * What an unwinder reads of one stopped thread — its registers and its process's memory — as a
 * port: the engine's {@code Tracee} supplies it for a live thread (on the tracer thread), a core
 * dump could later, a test may script it. Debug info never drives a process itself.
 */
public interface ThreadImage {
    int tid();

    /** x86-64 DWARF registers 0–16: rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8–r15, rip (the return-address column). */
    long[] dwarfRegisters();

    /** Reads the 8 bytes at {@code address} into {@code into[0]}; false if they are not mapped. */
    boolean readWord(long address, long[] into);
}
