package org.ptracedap.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.TraceEvent.StopReason;

/**
 * Every process one debug session follows — the one attached or launched and the fork children
 * that join it (Delve's {@code TargetGroup}): paused, resumed, detached and killed together, with
 * one {@code Stopped} and one {@code Resumed} for all of them. Tracer thread only; the public
 * handle is {@link TraceGroup}.
 */
final class TracedGroup {
    enum Mode { RUNNING, PAUSING, PAUSED }

    /** Chosen by the caller ({@link Tracer}: a serial number; never reused while it has members). */
    final int id;
    /** The pid of the process it was made for: the {@code pid} of its group-wide events. */
    final int leaderPid;
    final TraceOptions options;
    final Set<TracedProcess> members = new LinkedHashSet<>();
    Mode mode;
    StopReason reason;
    int reasonTid;
    int reasonSignal;
    /** The breakpoint of a BREAKPOINT stop. */
    long reasonAddress;
    /** Decides at each breakpoint hit whether the group stops (null: always). */
    BreakpointHandler breakpointHandler;
    /** Decodes the instructions under breakpoints (null: no breakpoints can be set). */
    InstructionDecoder decoder;
    /** Threads whose hit stops the group, in the order they hit, not yet reported (each becomes a stop of its own). */
    final java.util.ArrayDeque<TracedThread> pendingHits = new java.util.ArrayDeque<>();
    boolean resumeWhenPaused;
    /** A pause of a step's own (back from a call it ran over): said to no one; then this runs. Null if none. */
    Runnable quietPause;
    /** Threads whose step got back from its call while the group stopped for something else: they go on at the next resume. */
    final java.util.ArrayDeque<TracedThread> waitingSteps = new java.util.ArrayDeque<>();
    final List<CompletableFuture<Void>> pauseWaiters = new ArrayList<>();
    /** Complete when no member is left (a group detach or kill waits for this). */
    final List<CompletableFuture<Void>> endWaiters = new ArrayList<>();
    /** Exit code and signal of the last member that exited (-1 if none did: detached). */
    int lastExitCode = -1;
    int lastSignal = -1;
    /** No member is left: its end was announced. */
    boolean ended;

    TracedGroup(int id, int leaderPid, TraceOptions options, Mode mode, StopReason reason) {
        this.id = id;
        this.leaderPid = leaderPid;
        this.options = options;
        this.mode = mode;
        this.reason = reason;
    }

    void join(TracedProcess p) {
        members.add(p);
        p.group = this;
    }

    boolean allPaused() {
        for (TracedProcess p : members) {
            if (p.mode != TracedProcess.Mode.PAUSED) {
                return false;
            }
        }
        return true;
    }
}
