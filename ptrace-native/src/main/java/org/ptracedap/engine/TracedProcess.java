package org.ptracedap.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One traced process: its threads, its all-stop mode and why it is stopped, and the futures of
 * the commands that wait for it. Tracer thread only.
 */
final class TracedProcess {
    enum Mode { LAUNCHING, RUNNING, PAUSING, PAUSED }

    final int pid;
    final Map<Integer, TracedThread> threads = new LinkedHashMap<>();
    /** Threads whose stop a pause would wait for, kept exact by {@link TracedThread}'s transitions. */
    private final Set<TracedThread> awaiting = new LinkedHashSet<>();
    Mode mode;
    String name;
    boolean resumeWhenPaused;
    final List<CompletableFuture<Void>> pauseWaiters = new ArrayList<>();
    final List<CompletableFuture<Void>> detachWaiters = new ArrayList<>();
    final List<CompletableFuture<Void>> exitWaiters = new ArrayList<>();
    CompletableFuture<ProcessInfo> launch;
    FollowFork follow = FollowFork.PARENT;
    SignalPolicy policy;
    /** Detach leaving the process stopped (SIGSTOP), to hand it over to another tracer. */
    boolean leaveStopped;
    /** Listeners know of it (false for an attach that failed half-way: its detach is not news). */
    boolean announced = true;
    /** SIGCONTs of ours (after taking over a stopped process) to deliver without reporting. */
    int ourSigconts;
    /**
     * A vfork child we do not follow, traced only until it execs or exits: it shares its parent's
     * memory, our int3s with it, and one of them would kill it. A hit is stepped off silently, its
     * signals pass, and nothing of it is announced (it has no group).
     */
    boolean vforkShadow;
    /** Our int3s in its memory; null until the first. */
    Sites sites;
    /** The group it belongs to; null for a fork child being handed over to a session of its own. */
    TracedGroup group;
    /** A fork child to hand over to another tracer at its first stop: the group of its parent. */
    TracedGroup handOverFrom;

    TracedProcess(int pid, Mode mode, String name) {
        this.pid = pid;
        this.mode = mode;
        this.name = name;
    }

    /** The threads a pause still waits for (a live view: do not change threads while iterating). */
    Set<TracedThread> awaiting() {
        return awaiting;
    }

    /** Called by every transition of one of its threads. */
    void awaitedChanged(TracedThread t, boolean was, boolean now) {
        if (was != now) {
            if (now) {
                awaiting.add(t);
            } else {
                awaiting.remove(t);
            }
        }
    }

    void add(TracedThread t) {
        threads.put(t.tid, t);
    }

    /** The thread is no longer ours (exited, detached, gone in an exec). */
    void remove(TracedThread t) {
        threads.remove(t.tid);
        awaiting.remove(t);
    }
}
