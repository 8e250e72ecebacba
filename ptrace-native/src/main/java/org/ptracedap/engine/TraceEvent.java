package org.ptracedap.engine;

import org.ptracedap.sys.Signals;

/**
 * What the engine tells its listeners, in the order it decided it. Delivered off the tracer
 * thread. For every thread there is exactly one {@link ThreadStarted} and, once it is gone,
 * exactly one {@link ThreadExited}, whatever order the kernel reported things in.
 */
public sealed interface TraceEvent {
    /** The process the event belongs to. */
    int pid();

    /** How the engine learned of a thread. */
    enum Origin {
        /** Found in {@code /proc/PID/task} when we attached. */
        ATTACHED("attached"),
        /** The main thread of a program we launched. */
        LAUNCHED("launched"),
        /** Reported by its parent's {@code PTRACE_EVENT_CLONE} before we heard from it. */
        CLONE("clone"),
        /** It stopped before its parent's clone event arrived: adopted at once (the clone race). */
        FIRST_SEEN("first-seen"),
        /** The main thread of a forked child process that we follow. */
        FORK("fork");

        public final String label;

        Origin(String label) {
            this.label = label;
        }
    }

    /** Why all threads of a process are stopped. */
    enum StopReason {
        /** A {@code pauseAll} (the user pressed pause). */
        PAUSE,
        /** A signal that the policy reports (the thread and signal are given). */
        SIGNAL,
        /** A launched program, before its first instruction. */
        ENTRY,
        /** A thread hit a breakpoint (the thread and the breakpoint's address are given). */
        BREAKPOINT
    }

    /** How a new process came to be. */
    enum ForkKind { FORK, VFORK, CLONE }

    /**
     * A thread to follow from now on. {@code name} is its name as far as the engine knows it
     * without asking {@code /proc}: the process's for a launched or forked main thread, the
     * parent's (which a new thread inherits) for a clone; for the threads an attach finds, only
     * the main thread's, null for the others ({@link Tracer#threads} reads every current name).
     */
    record ThreadStarted(int pid, int tid, int parentTid, Origin origin, String name) implements TraceEvent {}

    /** A thread is gone; {@code status} is a wait status ({@link org.ptracedap.sys.WaitStatus}), -1 if unknown (exec). */
    record ThreadExited(int pid, int tid, int status) implements TraceEvent {}

    /**
     * Every thread of every process of the group {@code pid} is stopped (one event for the group).
     * {@code tid}: the signalled thread (SIGNAL), the launched one (ENTRY), the one that hit a
     * breakpoint (BREAKPOINT), else 0; {@code signal} is 0 unless reason is SIGNAL, {@code address}
     * unless it is BREAKPOINT (the breakpoint's address).
     */
    record Stopped(int pid, StopReason reason, int tid, int signal, long address) implements TraceEvent {
        public Stopped(int pid, StopReason reason, int tid, int signal) {
            this(pid, reason, tid, signal, 0);
        }

        public String signalName() {
            return Signals.name(signal);
        }
    }

    /** Every thread of every process of the group {@code pid} runs again. */
    record Resumed(int pid) implements TraceEvent {}

    /** A thread was about to receive a signal; {@code stops} tells whether the policy stops for it. */
    record SignalReceived(int pid, int tid, int signal, boolean stops) implements TraceEvent {
        public String signalName() {
            return Signals.name(signal);
        }
    }

    /** The traced process created a process. {@code followed} tells whether we trace the child. */
    record ProcessForked(int pid, int parentTid, int childPid, ForkKind kind, boolean followed) implements TraceEvent {}

    /** The process runs a new program; {@code oldTid} is the thread that called exec (≠ pid if not the leader). */
    record ProcessExec(int pid, String path, int oldTid) implements TraceEvent {}

    /** The process is gone: exit code, or the signal that killed it (the other is -1). */
    record ProcessExited(int pid, int exitCode, int signal) implements TraceEvent {
        public String signalName() {
            return Signals.name(signal);
        }
    }

    /** We stopped tracing the process; it runs on. */
    record Detached(int pid) implements TraceEvent {}

    /**
     * A fork child of process {@code pid} was left stopped, untraced, before its first instruction,
     * for a debug session of its own to take over ({@link TraceOptions#childSessions}). If no
     * tracer takes it within {@link Tracer#HANDOVER_PATIENCE_SECONDS}, or it is
     * {@linkplain TraceGroup#release released}, it is continued untraced.
     */
    record ProcessHandedOver(int pid, int childPid) implements TraceEvent {}

    /**
     * The group {@code pid} has no process left (they exited, were detached or handed over): its
     * last exit code, or the signal that killed it, of the last process that exited (both -1 if
     * none exited).
     */
    record GroupEnded(int pid, int exitCode, int signal) implements TraceEvent {}

    /** Output of a launched program. */
    record Output(int pid, Stream stream, String text) implements TraceEvent {
        public enum Stream { STDOUT, STDERR }
    }
}
