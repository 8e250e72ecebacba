package org.ptracedap.sys;

/** A failed system call: which one, on what, and the errno it set. */
public final class SyscallException extends RuntimeException {
    private final int errno;
    private final String call;

    public SyscallException(String call, int errno) {
        super(call + ": " + Signals.errnoName(errno));
        this.call = call;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String call() {
        return call;
    }
}
