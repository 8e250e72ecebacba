package org.ptracedap.engine;

/**
 * How to trace a process: whom to follow after a fork, which of its signals stop it, and whether
 * each followed fork child gets a debug session of its own ({@code childSessions}: the child is
 * held before its first instruction and handed over, stopped, to another tracer — see
 * {@link TraceEvent.ProcessHandedOver}) instead of joining the group. Followed children inherit
 * all three.
 */
public record TraceOptions(FollowFork follow, SignalPolicy signals, boolean childSessions) {
    public static TraceOptions defaults() {
        return new TraceOptions(FollowFork.PARENT, SignalPolicy.defaults(), false);
    }

    public TraceOptions withFollow(FollowFork f) {
        return new TraceOptions(f, signals, childSessions);
    }

    public TraceOptions withSignals(SignalPolicy s) {
        return new TraceOptions(follow, s, childSessions);
    }

    public TraceOptions withChildSessions(boolean c) {
        return new TraceOptions(follow, signals, c);
    }
}
