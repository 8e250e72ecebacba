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
 * All-stop: a pause interrupts every thread of a process (PTRACE_INTERRUPT, no signal of ours)
 * and is complete when the last awaited stop is in; threads born meanwhile are held too; resume
 * continues every thread with the signal it was stopped with. Whether a pause is complete is
 * O(1) per stop: each process keeps the set of threads whose stop it awaits
 * ({@link TracedProcess#awaiting()}), kept exact by the threads' transitions — a rescan of every
 * thread after each stop made a pause of 10,001 threads take 54× as long as one of 1,001.
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class AllStop {
    private final Engine engine;

    AllStop(Engine engine) {
        this.engine = engine;
    }

    /** Stops every thread of {@code pid}; {@code done} completes when all are stopped. */
    void pause(int pid, CompletableFuture<Void> done) {
        TracedProcess p = engine.process(pid);
        switch (p.mode) {
            case PAUSED -> done.complete(null);
            case PAUSING -> p.pauseWaiters.add(done);
            case LAUNCHING -> done.completeExceptionally(new TraceException("process " + pid + " is still starting"));
            case RUNNING -> {
                p.pauseWaiters.add(done);
                p.reason = StopReason.PAUSE;
                p.reasonTid = 0;
                p.reasonSignal = 0;
                startPause(p);
            }
        }
    }

    /** Interrupts every running thread of {@code p}; the pause completes when the last awaited stop is in. */
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

    /** Resumes a stopped thread; false if it turned out to be gone. */
    boolean resumeThread(TracedThread t) {
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

    /** A pause of {@code p} is complete once no stop is awaited: then it is announced and its waiters run. */
    void checkPaused(TracedProcess p) {
        if (!p.awaiting().isEmpty()) {
            return;
        }
        p.mode = Mode.PAUSED;
        if (!p.quietPause) {
            engine.emit(new TraceEvent.Stopped(p.pid, p.reason, p.reasonTid, p.reasonSignal));
        }
        p.quietPause = false;
        List<CompletableFuture<Void>> waiters = new ArrayList<>(p.pauseWaiters);
        p.pauseWaiters.clear();
        waiters.forEach(f -> f.complete(null));
        if (!p.detachWaiters.isEmpty()) {
            engine.lifecycle.finishDetach(p);
        } else if (p.resumeWhenPaused) {
            p.resumeWhenPaused = false;
            resume(p.pid);
        }
    }

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
        for (TracedProcess p : new ArrayList<TracedProcess>(asList(engine.table.processes()))) {
            if (p.mode != Mode.PAUSING) {
                continue;
            }
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

    private static List<TracedProcess> asList(Iterable<TracedProcess> it) {
        List<TracedProcess> l = new ArrayList<>();
        it.forEach(l::add);
        return l;
    }

    /** Resumes every thread of {@code pid}, delivering any signal a thread was stopped with. */
    void resume(int pid) {
        TracedProcess p = engine.process(pid);
        if (p.mode == Mode.PAUSING) {
            p.resumeWhenPaused = true;
            return;
        }
        if (p.mode != Mode.PAUSED) {
            return;
        }
        p.mode = Mode.RUNNING;
        for (TracedThread t : new ArrayList<>(p.threads.values())) {
            if (t.state() == State.STOPPED) {
                resumeThread(t);
            } else if (t.state() == State.STOPPING) {
                t.stopNoLongerAwaited(); // a vfork parent: its stop comes when the child lets go
            }
        }
        engine.emit(new TraceEvent.Resumed(pid));
    }
}
