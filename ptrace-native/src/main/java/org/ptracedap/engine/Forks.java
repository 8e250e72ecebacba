package org.ptracedap.engine;

import static org.ptracedap.sys.LibC.PTRACE_EVENT_CLONE;
import static org.ptracedap.sys.LibC.PTRACE_EVENT_FORK;
import static org.ptracedap.sys.LibC.PTRACE_EVENT_VFORK;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.TraceEvent.ForkKind;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;

/**
 * New threads and new processes: a parent's clone, fork or vfork event, and the new tid's first
 * stop, which the kernel reports in either order (DESIGN.md §3). A thread is reported at
 * whichever comes first; a process is followed or let go as its parent's {@link FollowFork} says.
 * A followed child whose first stop comes before its parent's event is held in that stop until
 * the event says how it was made (or {@link #EARLY_CHILD_PATIENCE_NANOS} passes).
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class Forks {
    private final Engine engine;
    /**
     * Followed fork children whose first stop came before their parent's fork event: their first
     * wait status, held (the child does not run) until the event says fork, vfork or clone.
     */
    private final Map<Integer, EarlyChild> earlyChildren = new LinkedHashMap<>();

    private record EarlyChild(int status, int parentPid, long seenNanos) {}

    /** How long an early child waits for its parent's fork event before it is announced anyway. */
    private static final long EARLY_CHILD_PATIENCE_NANOS = 1_000_000_000L;

    Forks(Engine engine) {
        this.engine = engine;
    }

    /** Is an early child waiting for its parent's event? (The tracer then ticks.) */
    boolean waiting() {
        return !earlyChildren.isEmpty();
    }

    /** An untraced child of ours died: if it was an early child, forget it. */
    void forgetEarly(int tid) {
        earlyChildren.remove(tid);
    }

    /** The parent's clone/fork/vfork event told us of {@code child}. */
    void onNewChild(TracedThread parent, int child, int event) {
        TracedProcess p = parent.proc;
        ThreadTable table = engine.table;
        if (event == PTRACE_EVENT_CLONE) {
            if (table.awaitingCloneEvent.remove(child)) {
                TracedThread known = table.thread(child);
                if (known != null && known.parentTid == 0) {
                    known.parentTid = parent.tid;
                }
                return; // adopted at its first stop (and perhaps gone since): reported already
            }
            if (table.thread(child) != null) {
                return; // seen by the attach scan
            }
            // A thread, unless it is a process made by clone() without CLONE_THREAD.
            boolean thread = engine.kernel.isThreadOf(p.pid, child) || engine.kernel.tgid(child) != child;
            if (thread) {
                TracedThread t = table.addThread(p, child, parent.tid, State.NEW, parent.name);
                engine.emit(p.group, new TraceEvent.ThreadStarted(p.pid, child, parent.tid, Origin.CLONE, t.name));
                return;
            }
        }
        ForkKind kind = event == PTRACE_EVENT_FORK ? ForkKind.FORK
                : event == PTRACE_EVENT_VFORK ? ForkKind.VFORK : ForkKind.CLONE;
        if (p.follow == FollowFork.PARENT) {
            engine.emit(p.group, new TraceEvent.ProcessForked(p.pid, parent.tid, child, kind, false));
            EarlyChild early = earlyChildren.remove(child);
            boolean int3s = p.sites != null && !p.sites.isEmpty();
            if (kind == ForkKind.VFORK && int3s && !table.detachedEarly.contains(child)) {
                shadow(p, parent.tid, child, early);
                return;
            }
            if (early != null) {
                engine.breakpoints.cleanChild(p, child); // a fork child held for its event: our int3s out, then it goes
                engine.detachQuietly(child, 0);
                return;
            }
            if (!table.detachedEarly.remove(child)) {
                ThreadTable.remember(table.detachAtNextStop, child); // its first stop is on its way; let it go then
                if (kind != ForkKind.VFORK) {
                    table.cleanBeforeDetach.put(child, p.pid); // its copy of our int3s goes first
                }
            }
            return;
        }
        followChild(p, parent.tid, child, kind);
    }

    /**
     * The first stop of a new process whose parent's fork event has not come yet: let it go now
     * (not followed), or hold it until the event comes.
     */
    void onEarlyChild(int child, int status) {
        int parentPid = engine.kernel.statusInt(child, "PPid");
        TracedProcess parent = engine.table.process(parentPid);
        boolean int3s = parent != null && parent.sites != null && !parent.sites.isEmpty();
        if (parent == null || parent.follow == FollowFork.PARENT && !int3s) {
            // Let the child go now; the fork event will find it in detachedEarly.
            engine.detachQuietly(child, 0);
            ThreadTable.remember(engine.table.detachedEarly, child);
        } else {
            // Followed, or it may share our int3s (vfork): hold it (it stays in its first stop) until
            // the event says how it was made.
            earlyChildren.put(child, new EarlyChild(status, parentPid, System.nanoTime()));
        }
    }

    /**
     * Takes on a forked child as a traced process, held before its first instruction until its
     * first stop is in: then it runs with its parent's group (or stays stopped with it, if the
     * group is being paused) — or, with {@link TraceOptions#childSessions}, it is handed over to a
     * session of its own. With {@link FollowFork#CHILD} the parent is then let go.
     */
    private void followChild(TracedProcess p, int parentTid, int child, ForkKind kind) {
        ThreadTable table = engine.table;
        if (table.traces(child)) {
            return;
        }
        TracedProcess c = new TracedProcess(child, Mode.PAUSING, p.name);
        c.follow = p.follow;
        c.policy = p.policy;
        TracedGroup g = p.group != null ? p.group : p.handOverFrom;
        if (g != null && g.options.childSessions()) {
            c.handOverFrom = g;
        } else if (g != null) {
            g.join(c);
        }
        table.add(c);
        TracedThread main = table.addThread(c, child, parentTid, State.NEW, p.name);
        engine.breakpoints.forked(p, c, kind == ForkKind.VFORK);
        engine.emit(p.group, new TraceEvent.ProcessForked(p.pid, parentTid, child, kind, true));
        engine.emit(c.group, new TraceEvent.ThreadStarted(child, child, parentTid, Origin.FORK, main.name));
        EarlyChild early = earlyChildren.remove(child);
        if (early != null) {
            engine.onStop(main, early.status());
        }
        if (p.follow == FollowFork.CHILD && table.traces(p.pid)) {
            engine.lifecycle.detach(p.pid, new CompletableFuture<>());
        }
    }

    /**
     * An unfollowed vfork child of a process with int3s of ours: traced until it execs or exits
     * ({@link TracedProcess#vforkShadow}), so that the int3s it shares with its parent cannot kill
     * it — and the parent's other threads run on, their breakpoints in place (gdb instead takes
     * them out and stops every thread until the child lets go).
     */
    private void shadow(TracedProcess p, int parentTid, int child, EarlyChild early) {
        ThreadTable table = engine.table;
        TracedProcess c = new TracedProcess(child, Mode.PAUSING, p.name);
        c.follow = FollowFork.PARENT;
        c.policy = p.policy;
        c.vforkShadow = true;
        c.announced = false;
        c.sites = p.sites;
        c.resumeWhenPaused = true; // it runs from its first stop on
        table.add(c);
        TracedThread main = table.addThread(c, child, parentTid, State.NEW, p.name);
        if (early != null) {
            engine.onStop(main, early.status());
        }
    }

    /** Now and then: an early child whose parent's event never came is announced anyway (or let go). */
    void tick() {
        long now = System.nanoTime();
        for (Map.Entry<Integer, EarlyChild> e : new ArrayList<>(earlyChildren.entrySet())) {
            if (now - e.getValue().seenNanos() > EARLY_CHILD_PATIENCE_NANOS) {
                TracedProcess parent = engine.table.process(e.getValue().parentPid());
                if (parent != null && parent.follow == FollowFork.PARENT) {
                    earlyChildren.remove(e.getKey());
                    engine.breakpoints.cleanChild(parent, e.getKey());
                    engine.detachQuietly(e.getKey(), 0);
                } else if (parent != null) {
                    followChild(parent, 0, e.getKey(), ForkKind.FORK); // its parent's event never came
                } else {
                    earlyChildren.remove(e.getKey());
                    engine.detachQuietly(e.getKey(), 0);
                }
            }
        }
    }
}
