package org.ptracedap.engine;

/**
 * A request the engine could not carry out, with a message a person can act on and, where a
 * system call failed, its errno (0 otherwise). Subclasses name the cases callers branch on.
 */
public class TraceException extends RuntimeException {
    private final int errno;

    public TraceException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public TraceException(String message) {
        this(message, 0);
    }

    public int errno() {
        return errno;
    }
}
