package org.ptracedap.engine;

/**
 * What code running <em>on the tracer thread</em> may do with one stopped thread: read and write
 * its registers and its process's memory. Handed to an {@link Inspection} by
 * {@link TraceGroup#inspect}, valid only during that call (and only while the thread stays
 * stopped, which it does: nothing else runs on the tracer thread meanwhile) — it refuses every
 * use afterwards, so it cannot be kept. A later unwinder (libdw's {@code dwfl_attach_state}
 * callbacks: set_initial_registers, memory_read) reads through the same calls.
 */
public interface Tracee {
    /** The process. */
    int pid();

    /** The thread, stopped. */
    int tid();

    Registers registers();

    /** The thread's XSAVE area: x87 and SSE (the 512-byte legacy area), the XSAVE header at 512, AVX's upper halves at 576 when saved. */
    byte[] xstate();

    /**
     * The signal this thread is stopped with: meaningful for the thread a {@code Stopped(SIGNAL)}
     * names, which stays in its signal-delivery stop until the group resumes.
     */
    SignalInfo signalInfo();

    void setRegisters(Registers registers);

    /**
     * Reads the process's memory at {@code address} into {@code into}; returns how many bytes
     * could be read (fewer where the range runs into unmapped memory; 0 if none).
     */
    int read(long address, byte[] into);

    /** Writes {@code bytes} at {@code address} (text too); throws if any byte cannot be written. */
    void write(long address, byte[] bytes);
}
