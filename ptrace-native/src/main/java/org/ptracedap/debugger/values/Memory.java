package org.ptracedap.debugger.values;

/**
 * The memory of a stopped process as values read and write it: a port, so that values and the
 * expression evaluator never drive a process themselves (a live one reads through the engine on
 * the tracer thread; a core dump, later, from its file; a test, from an array).
 */
public interface Memory {
    /** Reads {@code into.length} bytes at {@code address}; returns how many could be read (fewer where the memory ends unmapped). */
    int read(long address, byte[] into);

    /** Writes {@code bytes} at {@code address}; false if it could not be written (a hover never writes). */
    boolean write(long address, byte[] bytes);
}
