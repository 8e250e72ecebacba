package org.ptracedap.engine;

import static org.ptracedap.sys.LibC.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 *   <li>{@link Lifecycle}: attach, launch, detach, hand-over, kill;</li>
 *   <li>{@link Breakpoints}: int3s, their hits, and the way past them.</li>
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
    private final EventSink sink;
    final ThreadTable table = new ThreadTable();
    final AllStop allStop = new AllStop(this);
    final Forks forks = new Forks(this);
    final Lifecycle lifecycle = new Lifecycle(this);
    final Breakpoints breakpoints = new Breakpoints(this);
    final Steps steps = new Steps(this);

    public Engine(Kernel kernel, EventSink sink) {
        this.kernel = kernel;
        this.sink = sink;
    }

    /** Emits an event of group {@code g} (null: of no group; only the tracer's global listeners see it). */
    void emit(TracedGroup g, TraceEvent e) {
        sink.accept(g != null ? g.id : 0, e);
    }

    TracedGroup group(int id) {
        TracedGroup g = groups.get(id);
        if (g == null) {
            throw new TraceException("no process of this session is traced any more (they exited or were let go)");
        }
        return g;
    }

    /** A new group for a process about to be taken on; {@code id} must not be in use. */
    TracedGroup newGroup(int id, int leaderPid, TraceOptions options, TracedGroup.Mode mode, StopReason reason) {
        if (id <= 0 || groups.containsKey(id)) {
            throw new TraceException("group " + id + " is in use already; each attach or launch needs a group of its own");
        }
        TracedGroup g = new TracedGroup(id, leaderPid, options, mode, reason);
        groups.put(id, g);
        return g;
    }

    /** The groups by id, while they have members (or are being made). */
    final java.util.Map<Integer, TracedGroup> groups = new java.util.HashMap<>();

    /** Process {@code p} left its group (exited, detached, handed over): the group may now be paused, or over. */
    void leftGroup(TracedProcess p, int exitCode, int signal) {
        TracedGroup g = p.group;
        if (g == null || !g.members.remove(p)) {
            return;
        }
        if (exitCode >= 0 || signal >= 0) {
            g.lastExitCode = exitCode;
            g.lastSignal = signal;
        }
        if (!g.members.isEmpty()) {
            allStop.checkGroup(g);
            return;
        }
        g.ended = true;
        groups.remove(g.id);
        emit(g, new TraceEvent.GroupEnded(g.leaderPid, g.lastExitCode, g.lastSignal));
        TraceException why = g.lastExitCode >= 0 || g.lastSignal >= 0
                ? new ProcessExitedException(p.pid, describeExit(g.lastExitCode, g.lastSignal))
                : new TraceException("detached from process " + p.pid);
        g.pauseWaiters.forEach(f -> f.completeExceptionally(why));
        g.pauseWaiters.clear();
        g.endWaiters.forEach(f -> f.complete(null));
        g.endWaiters.clear();
    }

    TracedProcess process(int pid) {
        TracedProcess p = table.process(pid);
        if (p == null) {
            throw new NoSuchProcessException(pid, "process " + pid + " is not being traced (it may have exited)");
        }
        return p;
    }

    // ------------------------------------------------------------------ commands

    /**
     * Seizes every thread of running process {@code pid}, traced as {@code options} say; it keeps
     * running. It makes the group {@code group} (a new id), which its followed fork children join.
     */
    public ProcessInfo attach(int group, int pid, TraceOptions options) {
        return lifecycle.attach(group, pid, options, false);
    }

    /** Like {@link #attach}, for a process another tracer left stopped for us (a hand-over): it is continued. */
    public ProcessInfo takeOver(int group, int pid, TraceOptions options) {
        return lifecycle.attach(group, pid, options, true);
    }

    /**
     * Starts {@code spec} stopped before its first instruction, in the new group {@code group};
     * {@code started} completes at its exec, with the group stopped (ENTRY).
     */
    public Spawn.Child launch(int group, LaunchSpec spec, TraceOptions options, CompletableFuture<ProcessInfo> started) {
        return lifecycle.launch(group, spec, options, started);
    }

    /** Stops every thread of every process of group {@code group}; {@code done} completes when all are stopped. */
    public void pause(int group, CompletableFuture<Void> done) {
        allStop.pause(group(group), done);
    }

    /** Resumes every process of the group, delivering any signal a thread was stopped with. */
    public void resume(int group) {
        allStop.resume(group(group));
    }

    /** Lets every process of the group go, exactly as it was; {@code done} completes when none is traced. */
    public void detach(int group, CompletableFuture<Void> done) {
        lifecycle.detachGroup(group(group), done);
    }

    /** SIGKILLs every process of the group; {@code done} completes once all have been reported exited. */
    public void kill(int group, CompletableFuture<Void> done) {
        lifecycle.killGroup(group(group), done);
    }

    /**
     * Writes an int3 at {@code address} of process {@code pid} of group {@code group}, running or
     * not (through /proc/PID/mem: no thread stops for it). Throws TraceException saying why not.
     */
    public void insertBreakpoint(int group, int pid, long address) {
        breakpoints.insert(member(group, pid), address);
    }

    /** Takes out the int3 at {@code address}; a thread that trapped on it meanwhile is not told of it. */
    public void removeBreakpoint(int group, int pid, long address) {
        breakpoints.remove(member(group, pid), address);
    }

    /** Starts step {@code plan} of thread {@code tid} of paused group {@code group}; {@code done} gets its rip at the end. */
    public void step(int group, int tid, StepPlan plan, CompletableFuture<StepPlan.End> done) {
        TracedThread t = table.thread(tid);
        if (t == null || t.proc.group != group(group)) {
            done.completeExceptionally(new TraceException("thread " + tid + " is not a thread of this session (it may have exited)"));
            return;
        }
        steps.start(t, plan, done);
    }

    /** Who decides whether a breakpoint hit stops group {@code group}, and how its instructions are decoded. */
    public void breakpoints(int group, BreakpointHandler handler, InstructionDecoder decoder) {
        TracedGroup g = group(group);
        g.breakpointHandler = handler;
        g.decoder = decoder;
    }

    private TracedProcess member(int group, int pid) {
        TracedProcess p = process(pid);
        if (p.group != group(group)) {
            throw new TraceException("process " + pid + " is not one of this session's");
        }
        return p;
    }

    /** Continues a fork child handed over stopped (see {@link TraceEvent.ProcessHandedOver}) that no session took. */
    public void release(int handedOverChild) {
        lifecycle.release(handedOverChild, false);
    }

    /** Completes with the wait status of our own untraced child {@code pid} once it exits. */
    public void childExit(int pid, CompletableFuture<Integer> status) {
        lifecycle.childExit(pid, status);
    }

    /**
     * Runs {@code work} with stopped thread {@code tid} of group {@code group}: the {@link Tracee}
     * it gets is valid only during the call. Fails fast if the thread is not the group's or not stopped.
     */
    public <T> T inspect(int group, int tid, Inspection<T> work) throws Exception {
        TracedThread t = table.thread(tid);
        if (t == null || t.proc.group != group(group)) {
            throw new TraceException("thread " + tid + " is not a thread of this session (it may have exited)");
        }
        if (t.state() != State.STOPPED) {
            throw new TraceException("thread " + tid + " is not stopped");
        }
        LiveTracee tracee = tracee(t);
        try {
            return work.inspect(tracee);
        } finally {
            tracee.valid = false;
        }
    }

    /**
     * Runs {@code work} with each stopped thread of process {@code pid} of group {@code group}, up
     * to {@code max} of them, the ones in {@code skip} left out: tid → result, in the threads'
     * order. A thread whose work throws is left out too.
     */
    public <T> java.util.Map<Integer, T> inspectStopped(int group, int pid, java.util.Set<Integer> skip, int max,
                                                        Inspection<T> work) {
        java.util.Map<Integer, T> results = new java.util.LinkedHashMap<>();
        TracedProcess p = table.process(pid);
        if (p == null || p.group != group(group)) {
            return results;
        }
        for (TracedThread t : List.copyOf(p.threads.values())) {
            if (results.size() >= max) {
                break;
            }
            if (t.state() != State.STOPPED || skip.contains(t.tid)) {
                continue;
            }
            LiveTracee tracee = tracee(t);
            try {
                results.put(t.tid, work.inspect(tracee));
            } catch (Exception e) {
                // this one is left out: its caller asks for it alone, and hears why
            } finally {
                tracee.valid = false;
            }
        }
        return results;
    }

    /** A {@link Tracee} for stopped thread {@code t}, valid until its {@code valid} is cleared. */
    LiveTracee tracee(TracedThread t) {
        return new LiveTracee(t.proc, t.tid);
    }

    /**
     * A {@link Tracee} over the kernel, refusing every use once its inspection is over. Memory is
     * the program's as it wrote it: our int3s read as the bytes they replaced.
     */
    final class LiveTracee implements Tracee {
        private final TracedProcess proc;
        private final int pid;
        private final int tid;
        boolean valid = true;

        LiveTracee(TracedProcess proc, int tid) {
            this.proc = proc;
            this.pid = proc.pid;
            this.tid = tid;
        }

        private void check() {
            if (!valid) {
                throw new IllegalStateException("a Tracee is valid only inside its inspection");
            }
        }

        @Override public int pid() { return pid; }
        @Override public int tid() { return tid; }

        @Override
        public Registers registers() {
            check();
            return kernel.registers(tid);
        }

        @Override
        public byte[] xstate() {
            check();
            return kernel.xstate(tid);
        }

        @Override
        public SignalInfo signalInfo() {
            check();
            return kernel.signalInfo(tid);
        }

        @Override
        public void setRegisters(Registers registers) {
            check();
            kernel.setRegisters(tid, registers);
        }

        @Override
        public int read(long address, byte[] into) {
            check();
            return breakpoints.read(proc, address, into);
        }

        @Override
        public void write(long address, byte[] bytes) {
            check();
            breakpoints.write(proc, address, bytes);
        }
    }

    // ------------------------------------------------------------------ queries

    public boolean isTraced(int pid) {
        return table.traces(pid);
    }


    /** The ids of the groups we trace. */
    public List<Integer> groups() {
        return new ArrayList<>(groups.keySet());
    }

    /** The processes of group {@code group}, the first one first. */
    public List<Integer> processes(int group) {
        List<Integer> pids = new ArrayList<>();
        for (TracedProcess p : group(group).members) {
            pids.add(p.pid);
        }
        return pids;
    }


    /** The threads alive now of every process of group {@code group}. */
    public List<ThreadInfo> threads(int group) {
        List<ThreadInfo> list = new ArrayList<>();
        for (TracedProcess p : group(group).members) {
            allStop.noticeZombieLeader(p);
            for (TracedThread t : p.threads.values()) {
                if (t.state() != State.GONE) {
                    String name = kernel.comm(p.pid, t.tid);
                    list.add(new ThreadInfo(p.pid, t.tid, name != null ? name : t.name, t.state() == State.STOPPED));
                }
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
        if (t.outOfLine) {
            breakpoints.leaveSlot(t);
        }
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
            case PTRACE_EVENT_STOP -> {
                boolean groupStop = Signals.isStopSignal(sig) && t.state() != State.NEW;
                if (groupStop || !breakpoints.trapPending(t)) {
                    allStop.held(t, 0, groupStop);
                }
            }
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
        if (sig == Signals.SIGTRAP && steps.onTrap(t)) {
            return; // the end of a single step of ours
        }
        if (sig == Signals.SIGTRAP && breakpoints.onTrap(t)) {
            return; // a breakpoint of ours: never the program's signal
        }
        if (steps.onSignal(t, sig)) {
            emit(p.group, new TraceEvent.SignalReceived(p.pid, t.tid, sig, false));
            return; // came during a single step: delivered, its handler run, the step goes on
        }
        if (p.vforkShadow) {
            allStop.held(t, sig, false); // its signals are its own business
            return;
        }
        if (sig == Signals.SIGCONT && p.ourSigconts > 0) {
            p.ourSigconts--;
            allStop.held(t, sig, false); // ours: delivered, not reported
            return;
        }
        boolean stops = p.policy.stops(sig);
        emit(p.group, new TraceEvent.SignalReceived(p.pid, t.tid, sig, stops));
        if (stops && p.mode == Mode.RUNNING) {
            allStop.stopForSignal(t, sig);
        } else {
            allStop.held(t, sig, false);
        }
    }

    /** A tid we do not trace reported something: a new thread (the clone race), a new process, or an old child. */
    private void onUnknown(int tid, int status) {
        if (!WaitStatus.stopped(status)) {
            forks.forgetEarly(tid);
            table.cleanBeforeDetach.remove(tid);
            if (table.reapExpected.remove(tid) || table.detachAtNextStop.remove(tid)) {
                return;
            }
            lifecycle.childExited(tid, status);
            return;
        }
        if (table.detachAtNextStop.remove(tid)) {
            Integer parent = table.cleanBeforeDetach.remove(tid);
            if (parent != null) {
                breakpoints.cleanChild(table.process(parent), tid);
            }
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
        emit(p.group, new TraceEvent.ThreadStarted(p.pid, tid, 0, Origin.FIRST_SEEN, t.name));
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
        if (p.vforkShadow) {
            leader.execed();
            breakpoints.execed(p); // its new program has none of our int3s: let it go
            lifecycle.detach(p.pid, new CompletableFuture<>());
            return;
        }
        int oldTid = (int) eventMsg(leader.tid);
        for (TracedThread any : p.threads.values()) {
            steps.gone(any); // the program they stepped in is gone
        }
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
        breakpoints.execed(p);
        String path = kernel.exe(p.pid);
        if (path != null) {
            leader.name = kernel.comm(p.pid, p.pid);
            p.name = leader.name;
        }
        if (p.mode == Mode.LAUNCHING) {
            // The trampoline became the program: this is its entry point (the group stops: ENTRY).
            p.mode = Mode.PAUSED;
            emit(p.group, new TraceEvent.ThreadStarted(p.pid, p.pid, 0, Origin.LAUNCHED, leader.name));
            allStop.checkGroup(p.group);
            p.launch.complete(new ProcessInfo(p.pid, p.name, 1));
            p.launch = null;
            return;
        }
        emit(p.group, new TraceEvent.ProcessExec(p.pid, path, oldTid));
        BreakpointHandler handler = p.group != null ? p.group.breakpointHandler : null;
        CompletableFuture<Void> ready = handler != null ? handler.exec(p.pid, path) : CompletableFuture.completedFuture(null);
        if (ready.isDone()) {
            allStop.held(leader, 0, false);
            return;
        }
        // held at its exec (resumes skip it) until the new program's breakpoints are in
        leader.stopped(0, false);
        leader.deciding = true;
        ready.whenComplete((v, e) -> kernel.schedule(0, () -> {
            if (leader.deciding && table.thread(leader.tid) == leader && leader.state() == State.STOPPED) {
                leader.deciding = false;
                allStop.held(leader, 0, false);
            }
        }));
    }

    private void onDeath(TracedThread t, int status) {
        TracedProcess p = t.proc;
        steps.gone(t);
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
            steps.gone(other);
            table.forget(other);
            reportExited(other, status);
        }
        table.remove(p);
        if (p.launch != null) {
            if (p.group != null) {
                p.group.members.remove(p);
                groups.remove(p.group.id); // never started: no events of it were news
            }
            p.launch.completeExceptionally(new TraceException("the program " + p.name + " did not start: "
                    + WaitStatus.describe(status) + " (see its stderr)"));
            return;
        }
        reportExited(t, status);
        int code = WaitStatus.exited(status) ? WaitStatus.exitCode(status) : -1;
        int sig = WaitStatus.signaled(status) ? WaitStatus.termSignal(status) : -1;
        if (!p.vforkShadow) {
            emit(p.group, new TraceEvent.ProcessExited(p.pid, code, sig));
        }
        ProcessExitedException gone = new ProcessExitedException(p.pid, describeExit(code, sig));
        p.pauseWaiters.forEach(f -> f.completeExceptionally(gone));
        p.detachWaiters.forEach(f -> f.completeExceptionally(gone));
        p.exitWaiters.forEach(f -> f.complete(null));
        leftGroup(p, code, sig);
    }

    static String describeExit(int code, int sig) {
        return code >= 0 ? "exited with code " + code : "was killed by " + Signals.name(sig);
    }

    /** Reports {@code t} exited, once. */
    void reportExited(TracedThread t, int status) {
        if (!t.exitReported && !t.proc.vforkShadow) {
            t.exitReported = true;
            emit(t.proc.group, new TraceEvent.ThreadExited(t.proc.pid, t.tid, status));
        }
    }
}
