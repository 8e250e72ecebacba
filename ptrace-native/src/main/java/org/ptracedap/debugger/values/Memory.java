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

    /** {@code size} (at most 8) bytes at {@code address} as a little-endian number, or empty if they cannot all be read. */
    default java.util.OptionalLong word(long address, int size) {
        byte[] b = new byte[Math.min(Math.max(size, 0), 8)];
        if (read(address, b) != b.length) {
            return java.util.OptionalLong.empty();
        }
        long v = 0;
        for (int k = b.length - 1; k >= 0; k--) {
            v = v << 8 | (b[k] & 0xff);
        }
        return java.util.OptionalLong.of(v);
    }
}
