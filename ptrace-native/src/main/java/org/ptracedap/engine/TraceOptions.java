package org.ptracedap.engine;

/**
 * How to trace a process: whom to follow after a fork, and which of its signals stop it. Forked
 * children that are followed inherit both.
 */
public record TraceOptions(FollowFork follow, SignalPolicy signals) {
    public static TraceOptions defaults() {
        return new TraceOptions(FollowFork.PARENT, SignalPolicy.defaults());
    }

    public TraceOptions withFollow(FollowFork f) {
        return new TraceOptions(f, signals);
    }

    public TraceOptions withSignals(SignalPolicy s) {
        return new TraceOptions(follow, s);
    }
}
