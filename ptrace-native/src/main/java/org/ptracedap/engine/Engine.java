package org.ptracedap.engine;

import static org.ptracedap.sys.LibC.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;
import org.ptracedap.sys.WaitStatus;

/**
 * The engine's state owner: the table of traced processes and threads ({@link ThreadTable}), fed
 * with wait statuses ({@link #onWaitStatus}) and commands, emitting {@link TraceEvent}s to a sink.
 * Its parts, by concern:
 * <ul>
 *   <li>here: what each wait status means — a stop (signal, ptrace event), an exec, a death;</li>
 *   <li>{@link AllStop}: pause, resume, and when a pause is complete;</li>
 *   <li>{@link Forks}: new threads and processes, in whichever order the kernel reports them;</li>
 *   <li>{@link Lifecycle}: attach, launch, detach, hand-over, kill.</li>
 * </ul>
 *
 * <p>Threading: not thread-safe. Every method runs on the tracer thread ({@link Tracer}), or
 * on a test's own thread with a scripted {@link Kernel}. The sink is called synchronously.
 *
 * <p>The kernel reports a thread's birth in either order (see {@code ../shared/DESIGN.md} §3 and
 * the 2010 libmach fix it cites): the parent's {@code PTRACE_EVENT_CLONE} first, or the new
 * tid's first stop first — then we adopt the unknown tid at once and recognise its clone event
 * later. A new thread may even have exited before its clone event arrives. Whatever the order,
 * each thread gets exactly one {@code ThreadStarted} and one {@code ThreadExited}.
 */
public final class Engine {
    /** Options for every tracee; children inherit them. */
    static final int OPTIONS = PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK
            | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACEEXEC;

    final Kernel kernel;
    private final Consumer<TraceEvent> sink;
    final ThreadTable table = new ThreadTable();
    final AllStop allStop = new AllStop(this);
    final Forks forks = new Forks(this);
    final Lifecycle lifecycle = new Lifecycle(this);

    public Engine(Kernel kernel, Consumer<TraceEvent> sink) {
        this.kernel = kernel;
        this.sink = sink;
    }

    void emit(TraceEvent e) {
        sink.accept(e);
    }

    TracedProcess process(int pid) {
        TracedProcess p = table.process(pid);
        if (p == null) {
            throw new NoSuchProcessException(pid, "process " + pid + " is not being traced (it may have exited)");
        }
        return p;
    }

    // ------------------------------------------------------------------ commands

    /** Seizes every thread of running process {@code pid}, traced as {@code options} say; it keeps running. */
    public ProcessInfo attach(int pid, TraceOptions options) {
        return lifecycle.attach(pid, options, false);
    }

    /** Like {@link #attach}, for a process another tracer left stopped for us ({@link #handOver}): it is continued. */
    public ProcessInfo takeOver(int pid, TraceOptions options) {
        return lifecycle.attach(pid, options, true);
    }

    /** Starts {@code spec} stopped before its first instruction; {@code started} completes at its exec. */
    public Spawn.Child launch(LaunchSpec spec, TraceOptions options, CompletableFuture<ProcessInfo> started) {
        return lifecycle.launch(spec, options, started);
    }

    /** Stops every thread of {@code pid}; {@code done} completes when all are stopped. */
    public void pause(int pid, CompletableFuture<Void> done) {
        allStop.pause(pid, done);
    }

    /** Resumes every thread of {@code pid}, delivering any signal a thread was stopped with. */
    public void resume(int pid) {
        allStop.resume(pid);
    }

    /** Lets the process go, exactly as it was. */
    public void detach(int pid, CompletableFuture<Void> done) {
        lifecycle.detach(pid, done);
    }

    /** Detaches leaving the process stopped, for another tracer to take over. */
    public void handOver(int pid, CompletableFuture<Void> done) {
        lifecycle.handOver(pid, done);
    }

    /** SIGKILLs the process; {@code done} completes once it has been reported exited. */
    public void kill(int pid, CompletableFuture<Void> done) {
        lifecycle.kill(pid, done);
    }

    /** Completes with the wait status of our own untraced child {@code pid} once it exits. */
    public void childExit(int pid, CompletableFuture<Integer> status) {
        lifecycle.childExit(pid, status);
    }

    // ------------------------------------------------------------------ queries

    public boolean isTraced(int pid) {
        return table.traces(pid);
    }

    /** The processes we trace. */
    public List<Integer> processes() {
        return table.pids();
    }

    /** Is {@code tid} a thread we hold stopped? */
    public boolean isStopped(int tid) {
        TracedThread t = table.thread(tid);
        return t != null && t.state() == State.STOPPED;
    }

    /** The threads of {@code pid} that are alive now. */
    public List<ThreadInfo> threads(int pid) {
        TracedProcess p = process(pid);
        allStop.noticeZombieLeader(p);
        List<ThreadInfo> list = new ArrayList<>(p.threads.size());
        for (TracedThread t : p.threads.values()) {
            if (t.state() != State.GONE) {
                String name = kernel.comm(pid, t.tid);
                list.add(new ThreadInfo(pid, t.tid, name != null ? name : t.name, t.state() == State.STOPPED));
            }
        }
        return list;
    }

    /** Is some pause waiting for threads to stop, or a child for its parent's event? The tracer then calls {@link #tick} now and then. */
    public boolean pausing() {
        return forks.waiting() || allStop.pausing();
    }

    /** The threads whose stop a pause still waits for, in every pausing process. */
    public int[] awaitedStops() {
        return allStop.awaitedStops();
    }

    /** Called now and then while {@link #pausing}: what will never report must not be waited for forever. */
    public void tick() {
        forks.tick();
        allStop.tick();
    }

    // ------------------------------------------------------------------ wait statuses

    /** Handles one status that {@code waitpid(-1, __WALL)} returned for {@code tid}. */
    public void onWaitStatus(int tid, int status) {
        TracedThread t = table.thread(tid);
        if (t == null) {
            onUnknown(tid, status);
        } else if (!WaitStatus.stopped(status)) {
            onDeath(t, status);
        } else {
            onStop(t, status);
        }
    }

    void onStop(TracedThread t, int status) {
        int sig = WaitStatus.stopSignal(status);
        int event = WaitStatus.event(status);
        switch (event) {
            case PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK -> {
                int child = (int) eventMsg(t.tid);
                if (child > 0) {
                    forks.onNewChild(t, child, event);
                }
                if (event == PTRACE_EVENT_VFORK) {
                    t.enteredVfork();
                }
                allStop.held(t, 0, false);
            }
            case PTRACE_EVENT_VFORK_DONE -> {
                t.leftVfork();
                allStop.held(t, 0, false);
            }
            case PTRACE_EVENT_EXEC -> onExec(t);
            case PTRACE_EVENT_STOP -> allStop.held(t, 0, Signals.isStopSignal(sig) && t.state() != State.NEW);
            case 0 -> onSignal(t, sig);
            default -> allStop.held(t, 0, false); // PTRACE_EVENT_EXIT and others we do not ask for
        }
    }

    private long eventMsg(int tid) {
        try {
            return kernel.eventMsg(tid);
        } catch (SyscallException e) {
            return -1; // killed in the stop (SIGKILL): its death is on its way
        }
    }

    private void onSignal(TracedThread t, int sig) {
        TracedProcess p = t.proc;
        if (p.mode == Mode.LAUNCHING) {
            allStop.held(t, sig, false); // the trampoline's business, not the user's
            return;
        }
        if (sig == Signals.SIGCONT && p.ourSigconts > 0) {
            p.ourSigconts--;
            allStop.held(t, sig, false); // ours: delivered, not reported
            return;
        }
        boolean stops = p.policy.stops(sig);
        emit(new TraceEvent.SignalReceived(p.pid, t.tid, sig, stops));
        if (stops && p.mode == Mode.RUNNING) {
            p.reason = StopReason.SIGNAL;
            p.reasonTid = t.tid;
            p.reasonSignal = sig;
            t.stopped(sig, false);
            allStop.startPause(p);
        } else {
            allStop.held(t, sig, false);
        }
    }

    /** A tid we do not trace reported something: a new thread (the clone race), a new process, or an old child. */
    private void onUnknown(int tid, int status) {
        if (!WaitStatus.stopped(status)) {
            forks.forgetEarly(tid);
            if (table.reapExpected.remove(tid) || table.detachAtNextStop.remove(tid)) {
                return;
            }
            lifecycle.childExited(tid, status);
            return;
        }
        if (table.detachAtNextStop.remove(tid)) {
            detachQuietly(tid, 0);
            return;
        }
        for (TracedProcess p : table.processes()) {
            if (p.mode != Mode.LAUNCHING && kernel.isThreadOf(p.pid, tid)) {
                adoptFirstSeen(p, tid, status);
                return;
            }
        }
        int tgid = kernel.tgid(tid);
        if (tgid == tid) {
            forks.onEarlyChild(tid, status); // a new process whose parent's fork event has not come yet
        } else if (tgid > 0 && table.traces(tgid)) {
            adoptFirstSeen(table.process(tgid), tid, status);
        } else {
            // Not ours to judge (gone already, or traced by us for a reason we forgot): let it go.
            detachQuietly(tid, 0);
        }
    }

    private void adoptFirstSeen(TracedProcess p, int tid, int status) {
        TracedThread t = table.addThread(p, tid, 0, State.NEW, p.name);
        ThreadTable.remember(table.awaitingCloneEvent, tid);
        emit(new TraceEvent.ThreadStarted(p.pid, tid, 0, Origin.FIRST_SEEN, t.name));
        onStop(t, status);
    }

    void detachQuietly(int tid, int sig) {
        try {
            kernel.detach(tid, sig);
        } catch (SyscallException e) {
            // gone already
        }
    }

    private void onExec(TracedThread leader) {
        TracedProcess p = leader.proc;
        int oldTid = (int) eventMsg(leader.tid);
        // After an exec from a non-leader thread, every other thread is gone and the execing
        // thread now carries the leader's tid (ptrace(2), "execve(2) under ptrace").
        for (TracedThread other : new ArrayList<>(p.threads.values())) {
            if (other.tid == p.pid) {
                continue;
            }
            table.forget(other);
            if (other.tid != oldTid) {
                ThreadTable.remember(table.reapExpected, other.tid);
            }
            reportExited(other, -1);
        }
        leader.execed();
        String path = kernel.exe(p.pid);
        if (path != null) {
            leader.name = kernel.comm(p.pid, p.pid);
            p.name = leader.name;
        }
        if (p.mode == Mode.LAUNCHING) {
            // The trampoline became the program: this is its entry point.
            p.mode = Mode.PAUSED;
            p.reason = StopReason.ENTRY;
            emit(new TraceEvent.ThreadStarted(p.pid, p.pid, 0, Origin.LAUNCHED, leader.name));
            emit(new TraceEvent.Stopped(p.pid, StopReason.ENTRY, p.pid, 0));
            p.launch.complete(new ProcessInfo(p.pid, p.name, 1));
            p.launch = null;
            return;
        }
        emit(new TraceEvent.ProcessExec(p.pid, path, oldTid));
        allStop.held(leader, 0, false);
    }

    private void onDeath(TracedThread t, int status) {
        TracedProcess p = t.proc;
        table.forget(t);
        if (t.tid != p.pid) {
            reportExited(t, status);
            if (p.mode == Mode.PAUSING) {
                allStop.checkPaused(p);
            }
            return;
        }
        // The leader reports last (a zombie leader waits for its threads), so this is the process's end.
        for (TracedThread other : new ArrayList<>(p.threads.values())) {
            table.forget(other);
            reportExited(other, status);
        }
        table.remove(p);
        if (p.launch != null) {
            p.launch.completeExceptionally(new TraceException("the program " + p.name + " did not start: "
                    + WaitStatus.describe(status) + " (see its stderr)"));
            return;
        }
        reportExited(t, status);
        int code = WaitStatus.exited(status) ? WaitStatus.exitCode(status) : -1;
        int sig = WaitStatus.signaled(status) ? WaitStatus.termSignal(status) : -1;
        emit(new TraceEvent.ProcessExited(p.pid, code, sig));
        ProcessExitedException gone = new ProcessExitedException(p.pid, describeExit(code, sig));
        p.pauseWaiters.forEach(f -> f.completeExceptionally(gone));
        p.detachWaiters.forEach(f -> f.completeExceptionally(gone));
        p.exitWaiters.forEach(f -> f.complete(null));
    }

    static String describeExit(int code, int sig) {
        return code >= 0 ? "exited with code " + code : "was killed by " + Signals.name(sig);
    }

    /** Reports {@code t} exited, once. */
    void reportExited(TracedThread t, int status) {
        if (!t.exitReported) {
            t.exitReported = true;
            emit(new TraceEvent.ThreadExited(t.proc.pid, t.tid, status));
        }
    }
}
