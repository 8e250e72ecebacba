package org.ptracedap.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;
import org.ptracedap.sys.SyscallException;
import org.ptracedap.sys.WaitStatus;

/**
 * All-stop, in two layers. A <b>process</b> is paused by interrupting each of its threads
 * (PTRACE_INTERRUPT, no signal of ours); it is paused when the last awaited stop is in, threads
 * born meanwhile held too. A <b>group</b> ({@link TracedGroup}) is paused when every member
 * process is: then, and only then, one {@code Stopped} is emitted — for the user's pause, for a
 * signal that stops (the signalled process stops the others), for a launched program's entry. A
 * fork child that joins a running group is resumed at its first stop; one that joins a pausing or
 * paused group stays stopped with it.
 *
 * <p>Whether a pause is complete is O(1) per stop: each process keeps the set of threads whose
 * stop it awaits ({@link TracedProcess#awaiting()}), kept exact by the threads' transitions — a
 * rescan of every thread after each stop made a pause of 10,001 threads take 54× as long as one
 * of 1,001.
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class AllStop {
    private final Engine engine;

    AllStop(Engine engine) {
        this.engine = engine;
    }

    // ------------------------------------------------------------------ groups

    /** Stops every thread of every process of {@code g}; {@code done} completes when all are stopped. */
    void pause(TracedGroup g, CompletableFuture<Void> done) {
        switch (g.mode) {
            case PAUSED -> done.complete(null);
            case PAUSING -> g.pauseWaiters.add(done);
            case RUNNING -> {
                g.pauseWaiters.add(done);
                startGroupPause(g, StopReason.PAUSE, 0, 0);
            }
        }
    }

    private void startGroupPause(TracedGroup g, StopReason reason, int tid, int signal) {
        g.mode = TracedGroup.Mode.PAUSING;
        g.reason = reason;
        g.reasonTid = tid;
        g.reasonSignal = signal;
        g.reasonAddress = 0;
        for (TracedProcess p : new ArrayList<>(g.members)) {
            if (p.mode == Mode.RUNNING) {
                startPause(p);
            }
        }
        checkGroup(g);
    }

    /**
     * A member of {@code g} paused, or left it: is the group's pause complete? And a member that
     * paused on its own in a running group (a fork child at its first stop) runs on.
     */
    void checkGroup(TracedGroup g) {
        if (g.mode == TracedGroup.Mode.RUNNING) {
            for (TracedProcess p : new ArrayList<>(g.members)) {
                if (p.mode == Mode.PAUSED) {
                    resumeProcess(p); // joined while we ran: it runs with us
                }
            }
            return;
        }
        if (g.mode != TracedGroup.Mode.PAUSING || g.members.isEmpty() || !g.allPaused()) {
            return;
        }
        g.mode = TracedGroup.Mode.PAUSED;
        Runnable quiet = g.quietPause;
        g.quietPause = null;
        if (quiet != null && g.pauseWaiters.isEmpty() && !g.resumeWhenPaused) {
            quiet.run(); // a step's own pause: nothing to tell
            return;
        }
        engine.emit(g, new TraceEvent.Stopped(g.leaderPid, g.reason, g.reasonTid, g.reasonSignal, g.reasonAddress));
        if (quiet != null) {
            quiet.run();
        }
        List<CompletableFuture<Void>> waiters = new ArrayList<>(g.pauseWaiters);
        g.pauseWaiters.clear();
        waiters.forEach(f -> f.complete(null));
        if (g.resumeWhenPaused) {
            g.resumeWhenPaused = false;
            resume(g);
        }
    }

    /** Resumes every process of {@code g} (delivering the signals threads were stopped with); once all are stopped, if a pause is under way. */
    void resume(TracedGroup g) {
        resume(g, false);
    }

    /** As {@link #resume(TracedGroup)}; {@code quiet}: a step's own run over a call, not announced (no {@code Resumed}). */
    void resume(TracedGroup g, boolean quiet) {
        if (g.mode == TracedGroup.Mode.PAUSING) {
            g.resumeWhenPaused = true;
            return;
        }
        if (g.mode != TracedGroup.Mode.PAUSED) {
            return;
        }
        TracedThread waiting;
        while ((waiting = g.waitingSteps.poll()) != null) {
            if (engine.steps.goOnAtResume(waiting)) {
                return; // the step goes on first: it ends here, or runs the group itself
            }
        }
        if (reportPendingHit(g)) {
            return;
        }
        g.mode = TracedGroup.Mode.RUNNING;
        for (TracedProcess p : new ArrayList<>(g.members)) {
            resumeProcess(p);
        }
        if (!quiet) {
            engine.emit(g, new TraceEvent.Resumed(g.leaderPid));
        }
    }

    /**
     * A hit that waited while the group stopped for another is the next stop: reported now, instead
     * of running (as gdb does) — each hit its own stop, in the order they came. One whose
     * breakpoint was removed meanwhile is dropped: that thread runs the original instruction.
     */
    private boolean reportPendingHit(TracedGroup g) {
        TracedThread t;
        while ((t = g.pendingHits.poll()) != null) {
            TracedProcess p = t.proc;
            if (!t.hitPending || engine.table.thread(t.tid) != t || t.state() != State.STOPPED) {
                continue;
            }
            t.hitPending = false;
            if (p.sites == null || p.sites.at(t.hitAt) == null) {
                continue;
            }
            g.reason = StopReason.BREAKPOINT;
            g.reasonTid = t.tid;
            g.reasonSignal = 0;
            g.reasonAddress = t.hitAt;
            engine.emit(g, new TraceEvent.Resumed(g.leaderPid));
            engine.emit(g, new TraceEvent.Stopped(g.leaderPid, g.reason, g.reasonTid, 0, g.reasonAddress));
            return true;
        }
        return false;
    }

    /** Stops every thread of running group {@code g} for a step's own sake, saying nothing; then {@code then} runs. */
    void pauseQuietly(TracedGroup g, Runnable then) {
        g.quietPause = then;
        startGroupPause(g, StopReason.PAUSE, 0, 0);
    }

    /** Thread {@code t}, stopped on the breakpoint at {@code address}, stops its whole group (the group runs). */
    void stopForBreakpoint(TracedThread t, long address) {
        TracedGroup g = t.proc.group;
        if (g == null) {
            startPause(t.proc); // a child on its way to a session of its own
            return;
        }
        startGroupPause(g, StopReason.BREAKPOINT, t.tid, 0);
        g.reasonAddress = address;
        checkGroup(g);
    }

    /** A signal that the policy reports: thread {@code t} keeps it, and its whole group stops. */
    void stopForSignal(TracedThread t, int sig) {
        t.stopped(sig, false);
        TracedGroup g = t.proc.group;
        if (g != null && g.mode == TracedGroup.Mode.RUNNING) {
            startGroupPause(g, StopReason.SIGNAL, t.tid, sig);
        } else {
            startPause(t.proc);
        }
    }

    // ------------------------------------------------------------------ processes

    /** Interrupts every running thread of {@code p}; it is paused when the last awaited stop is in. */
    void startPause(TracedProcess p) {
        p.mode = Mode.PAUSING;
        noticeZombieLeader(p);
        for (TracedThread t : p.threads.values()) {
            if (t.state() == State.RUNNING) {
                t.interruptSent();
                try {
                    engine.kernel.interrupt(t.tid);
                } catch (SyscallException e) {
                    t.gone(); // exiting: counts as stopped; its exit status will come
                }
            }
        }
        checkPaused(p);
    }

    /** Pauses one process (for a detach); {@code done} completes when it is paused. */
    void pauseProcess(TracedProcess p, CompletableFuture<Void> done) {
        switch (p.mode) {
            case PAUSED -> done.complete(null);
            case LAUNCHING -> done.completeExceptionally(new TraceException("process " + p.pid + " is still starting"));
            case PAUSING -> p.pauseWaiters.add(done);
            case RUNNING -> {
                p.pauseWaiters.add(done);
                startPause(p);
            }
        }
    }

    /**
     * {@code t} is now in a ptrace-stop. Keep it if its process is (being) paused, else resume it
     * at once — delivering {@code signal}, or listening if this was a job-control group-stop.
     */
    void held(TracedThread t, int signal, boolean groupStop) {
        TracedProcess p = t.proc;
        t.stopped(signal, groupStop);
        if (p.mode == Mode.RUNNING || p.mode == Mode.LAUNCHING) {
            resumeThread(t);
        } else if (p.mode == Mode.PAUSING) {
            checkPaused(p);
        }
    }

    /**
     * Resumes a stopped thread (stepped off the breakpoint it hit, if it did); false if it turned
     * out to be gone. A thread whose breakpoint handler has not answered yet stays stopped: the
     * answer resumes it.
     */
    boolean resumeThread(TracedThread t) {
        if (t.deciding) {
            return true;
        }
        if (t.hitAt != 0 && !engine.breakpoints.stepOff(t, t.proc.vforkShadow)) {
            stopForBreakpoint(t, t.hitAt); // it must be stepped in place: the others stop first
            return true;
        }
        boolean listen = t.groupStop();
        int sig = t.resumed();
        try {
            if (listen) {
                engine.kernel.listen(t.tid);
            } else {
                engine.kernel.cont(t.tid, sig);
            }
            return true;
        } catch (SyscallException e) {
            // ESRCH: killed while stopped (SIGKILL needs no resume); its exit status will come
            t.gone();
            return false;
        }
    }

    /** The main thread exited before the others (a zombie now): it can never stop; report it gone. */
    void noticeZombieLeader(TracedProcess p) {
        TracedThread leader = p.threads.get(p.pid);
        if (leader != null && leader.state() == State.RUNNING && engine.kernel.state(p.pid, p.pid) == 'Z') {
            zombie(leader);
        }
    }

    private void zombie(TracedThread t) {
        t.gone();
        engine.reportExited(t, WaitStatus.ofExit(0));
    }

    /** A process is paused once no stop is awaited: its waiters run, then a detach, a hand-over, or its group's check. */
    void checkPaused(TracedProcess p) {
        if (!p.awaiting().isEmpty()) {
            return;
        }
        p.mode = Mode.PAUSED;
        List<CompletableFuture<Void>> waiters = new ArrayList<>(p.pauseWaiters);
        p.pauseWaiters.clear();
        waiters.forEach(f -> f.complete(null));
        if (!p.detachWaiters.isEmpty()) {
            engine.lifecycle.finishDetach(p);
        } else if (p.handOverFrom != null) {
            engine.lifecycle.handOverChild(p);
        } else if (p.resumeWhenPaused) {
            p.resumeWhenPaused = false;
            resumeProcess(p);
        } else if (p.group != null) {
            checkGroup(p.group);
        }
    }

    /** Resumes every thread of a paused process (a pausing one: once it is paused). */
    void resumeProcess(TracedProcess p) {
        if (p.mode == Mode.PAUSING) {
            p.resumeWhenPaused = true;
            return;
        }
        if (p.mode != Mode.PAUSED) {
            return;
        }
        p.mode = Mode.RUNNING;
        for (TracedThread t : new ArrayList<>(p.threads.values())) {
            if (t.state() == State.STOPPED && t.hitAt != 0 && !t.deciding) {
                engine.breakpoints.stepOff(t, true); // before any runs: one may have to be stepped in place
            }
        }
        for (TracedThread t : new ArrayList<>(p.threads.values())) {
            if (t.state() == State.STOPPED) {
                resumeThread(t);
            } else if (t.state() == State.STOPPING) {
                t.stopNoLongerAwaited(); // a vfork parent: its stop comes when the child lets go
            }
        }
    }

    // ------------------------------------------------------------------ for the tracer

    /** Is some pause waiting for threads to stop? */
    boolean pausing() {
        for (TracedProcess p : engine.table.processes()) {
            if (p.mode == Mode.PAUSING) {
                return true;
            }
        }
        return false;
    }

    /** The threads whose stop a pause still waits for, in every pausing process. */
    int[] awaitedStops() {
        int n = 0;
        int[] tids = new int[16];
        for (TracedProcess p : engine.table.processes()) {
            if (p.mode != Mode.PAUSING) {
                continue;
            }
            for (TracedThread t : p.awaiting()) {
                if (n == tids.length) {
                    tids = Arrays.copyOf(tids, n * 2);
                }
                tids[n++] = t.tid;
            }
        }
        return Arrays.copyOf(tids, n);
    }

    /**
     * Now and then while a pause waits: a thread that will never stop (it exited, or the leader
     * became a zombie after we looked) must not hold the pause forever.
     */
    void tick() {
        List<TracedProcess> pausing = new ArrayList<>();
        for (TracedProcess p : engine.table.processes()) {
            if (p.mode == Mode.PAUSING) {
                pausing.add(p);
            }
        }
        for (TracedProcess p : pausing) {
            for (TracedThread t : new ArrayList<>(p.awaiting())) {
                char s = engine.kernel.state(p.pid, t.tid);
                if (s == 'Z' || s == 'X' || s == '?') {
                    if (t.tid == p.pid) {
                        zombie(t);
                    } else {
                        t.gone();
                    }
                }
            }
            checkPaused(p);
        }
    }
}
