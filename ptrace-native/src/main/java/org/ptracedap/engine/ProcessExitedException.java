package org.ptracedap.engine;

import org.ptracedap.sys.LibC;

/** The process exited (or was killed) before or while the request ran. */
public final class ProcessExitedException extends TraceException {
    private final int pid;

    public ProcessExitedException(int pid, String how) {
        super("process " + pid + " " + how, LibC.ESRCH);
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }
}
