package org.ptracedap.engine;

/**
 * One traced thread and its state, changed only through named transitions (as LLDB's
 * {@code NativeThreadLinux}: {@code SetStoppedBy…}, {@code SetRunning}, {@code SetExited}), each
 * of which keeps its process's set of {@linkplain TracedProcess#awaiting() awaited stops} exact —
 * so that a pause knows it is complete in O(1) per stop, not by a rescan of every thread.
 *
 * <p>Tracer thread only (like all engine state).
 */
final class TracedThread {
    enum State {
        /** Announced by its parent's clone event (or found by an attach scan); its first stop has not come yet. */
        NEW,
        RUNNING,
        /** We sent PTRACE_INTERRUPT; its stop has not come yet. */
        STOPPING,
        /** In a ptrace-stop that we hold. */
        STOPPED,
        /** Exiting or a zombie: it will not stop again; its exit status may still come. */
        GONE
    }

    final int tid;
    final TracedProcess proc;
    /** The thread that cloned it, 0 if unknown (found by an attach, or adopted before its clone event). */
    int parentTid;
    String name;
    /** Reported exited already (a thread is reported exited exactly once). */
    boolean exitReported;

    // breakpoints (see Breakpoints)
    /** Its last stop was its own trap on the breakpoint here (rip back on it): step it off when it resumes; 0 if not. */
    long hitAt;
    /** That hit stops the group, and waits in its group's queue to be reported. */
    boolean hitPending;
    /** Stopped while the breakpoint handler decides about its hit: no resume touches it meanwhile. */
    boolean deciding;
    /** Continued into an out-of-line slot since its last stop: where it is must be told again at its next. */
    boolean outOfLine;
    /** The step it owns, under way (see Steps); null if none. */
    Steps.Stepping step;

    private State state;
    /** A signal it was stopped with, to deliver when it resumes. Never one of ours. */
    private int pendingSignal;
    /** Its last stop was a group-stop (job control): resume it with PTRACE_LISTEN, not CONT. */
    private boolean groupStop;
    /** Suspended by the kernel in vfork until the child execs or exits; it cannot stop meanwhile. */
    private boolean inVfork;

    TracedThread(int tid, TracedProcess proc, int parentTid, State state, String name) {
        this.tid = tid;
        this.proc = proc;
        this.parentTid = parentTid;
        this.name = name;
        this.state = state;
        proc.awaitedChanged(this, false, awaited());
    }

    State state() {
        return state;
    }

    int pendingSignal() {
        return pendingSignal;
    }

    boolean groupStop() {
        return groupStop;
    }

    boolean inVfork() {
        return inVfork;
    }

    /** A pause waits for this thread's stop (a vfork parent cannot stop until its child lets go). */
    boolean awaited() {
        return (state == State.STOPPING && !inVfork) || state == State.NEW;
    }

    // ------------------------------------------------------------------ transitions

    /** We sent it PTRACE_INTERRUPT (it was running). */
    void interruptSent() {
        set(State.STOPPING, inVfork);
    }

    /** It is in a ptrace-stop we hold; {@code signal} is to be delivered when it resumes. */
    void stopped(int signal, boolean groupStop) {
        this.pendingSignal = signal;
        this.groupStop = groupStop;
        set(State.STOPPED, inVfork);
    }

    /** We resumed it; returns the signal to deliver (consumed). */
    int resumed() {
        int sig = pendingSignal;
        pendingSignal = 0;
        set(State.RUNNING, inVfork);
        return sig;
    }

    /** A pause that waited for its stop is over before the stop came (a vfork parent): it runs on. */
    void stopNoLongerAwaited() {
        set(State.RUNNING, inVfork);
    }

    /** It exited, is exiting or became a zombie: it will never stop again. */
    void gone() {
        set(State.GONE, inVfork);
    }

    /** Its vfork child runs; the kernel keeps it suspended (it cannot reach a stop) until the child lets go. */
    void enteredVfork() {
        set(state, true);
    }

    void leftVfork() {
        set(state, false);
    }

    /** After exec the thread carries a new program: stopped at the exec event, exit not yet reported. */
    void execed() {
        exitReported = false;
        hitAt = 0;
        hitPending = false;
        deciding = false;
        outOfLine = false;
        pendingSignal = 0;
        groupStop = false;
        set(State.STOPPED, false);
    }

    private void set(State next, boolean vfork) {
        boolean was = awaited();
        state = next;
        inVfork = vfork;
        proc.awaitedChanged(this, was, awaited());
    }

    @Override
    public String toString() {
        return "thread " + tid + " of " + proc.pid + " " + state + (inVfork ? " (in vfork)" : "");
    }
}
