package org.ptracedap.engine;

import org.ptracedap.sys.LibC;

/** The kernel refused to let us trace the process ({@code EPERM}); the message says why and what to do. */
public final class NotPermittedException extends TraceException {
    private final int pid;
    private final int tracerPid;

    public NotPermittedException(int pid, int tracerPid, String message) {
        super(message, LibC.EPERM);
        this.pid = pid;
        this.tracerPid = tracerPid;
    }

    public int pid() {
        return pid;
    }

    /** The process already tracing it, or 0. */
    public int tracerPid() {
        return tracerPid;
    }
}
