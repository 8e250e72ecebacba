package org.ptracedap.sys;

/**
 * A decoded {@code wait(2)} status word, as the W* macros of {@code <sys/wait.h>} read it.
 * Under ptrace a stopped status also carries the ptrace event in bits 16..23
 * ({@code status>>16 == PTRACE_EVENT_x}, see {@code ptrace(2)}).
 */
public final class WaitStatus {
    private WaitStatus() {}

    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    public static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    public static boolean signaled(int status) {
        return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    public static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }

    /** The {@code PTRACE_EVENT_*} of a ptrace-stop, 0 for a signal-delivery-stop. */
    public static int event(int status) {
        return (status >>> 16) & 0xff;
    }

    // Encoders, the inverse of the macros: for scripted wait-status sources in tests.

    public static int ofExit(int code) {
        return (code & 0xff) << 8;
    }

    public static int ofSignal(int sig) {
        return sig & 0x7f;
    }

    public static int ofStop(int sig, int event) {
        return (event << 16) | ((sig & 0xff) << 8) | 0x7f;
    }

    /** "exited 0", "killed by SIGKILL", "stopped SIGTRAP event 3". */
    public static String describe(int status) {
        if (exited(status)) {
            return "exited " + exitCode(status);
        }
        if (signaled(status)) {
            return "killed by " + Signals.name(termSignal(status));
        }
        return "stopped " + Signals.name(stopSignal(status)) + (event(status) != 0 ? " event " + event(status) : "");
    }
}
