package org.ptracedap.engine;

import org.ptracedap.sys.LibC;

/** There is no process (or thread) with that id, or it is not one we trace. */
public final class NoSuchProcessException extends TraceException {
    private final int pid;

    public NoSuchProcessException(int pid, String message) {
        super(message, LibC.ESRCH);
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }
}
