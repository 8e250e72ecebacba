package org.ptracedap.engine;

import static org.ptracedap.sys.Signals.*;

import java.util.BitSet;

/**
 * Which of the debuggee's own signals stop the session and which pass silently. Either way the
 * signal is delivered to the debuggee (when it resumes). The default is gdb's: the signals
 * programs use for their own housekeeping pass silently — SIGURG (Go's preemption), SIGCHLD,
 * SIGWINCH, SIGALRM, SIGPROF, SIGVTALRM, SIGIO — and every other signal is reported as a stop.
 * Immutable.
 */
public final class SignalPolicy {
    private final BitSet silent;

    private SignalPolicy(BitSet silent) {
        this.silent = silent;
    }

    public static SignalPolicy defaults() {
        BitSet s = new BitSet(65);
        for (int sig : new int[] {SIGURG, SIGCHLD, SIGWINCH, SIGALRM, SIGPROF, SIGVTALRM, SIGIO}) {
            s.set(sig);
        }
        return new SignalPolicy(s);
    }

    /** A policy where every signal passes silently (nothing stops the session). */
    public static SignalPolicy passAll() {
        BitSet s = new BitSet(65);
        s.set(1, 65);
        return new SignalPolicy(s);
    }

    /**
     * Like {@link #withSilent(int, boolean)} for a signal given by name ("SIGUSR1", "USR1") or
     * number ("10"); IllegalArgumentException if there is no such signal.
     */
    public SignalPolicy withSilent(String signal, boolean passSilently) {
        int sig = parse(signal);
        if (sig <= 0 || sig > 64) {
            throw new IllegalArgumentException("unknown signal '" + signal + "'");
        }
        return withSilent(sig, passSilently);
    }

    public SignalPolicy withSilent(int sig, boolean passSilently) {
        BitSet s = (BitSet) silent.clone();
        s.set(sig, passSilently);
        return new SignalPolicy(s);
    }

    public boolean stops(int sig) {
        return !silent.get(sig);
    }
}
