package org.ptracedap.engine;

import static org.ptracedap.sys.LibC.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.ptracedap.engine.TraceEvent.ForkKind;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;
import org.ptracedap.sys.WaitStatus;

/**
 * The engine's state machine: the table of traced processes and threads, fed with wait
 * statuses ({@link #onWaitStatus}) and commands (attach, pause, resume, ...), emitting
 * {@link TraceEvent}s to a sink.
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

    /** Remembered tids (first-seen threads awaiting their clone event, ...) are bounded, oldest dropped first. */
    private static final int MEMORY_LIMIT = 65_536;

    private final Kernel kernel;
    private final Consumer<TraceEvent> sink;
    /** The policy of processes taken on without {@link TraceOptions}; each process has its own. */
    private SignalPolicy policy;

    private final Map<Integer, Proc> procs = new LinkedHashMap<>();
    private final Map<Integer, Thread_> threads = new HashMap<>();

    /** Threads adopted before their parent's clone event: that event must not report them again. */
    private final Set<Integer> awaitingCloneEvent = new LinkedHashSet<>();
    /** Tids reported exited already (exec) whose death notification may still come: swallow it. */
    private final Set<Integer> reapExpected = new LinkedHashSet<>();
    /** Tids we let go of but which are not in a stop yet (fork children, vfork parents): detach at their next stop. */
    private final Set<Integer> detachAtNextStop = new LinkedHashSet<>();
    /** Fork children detached at their first stop, before the parent's fork event: that event must not detach again. */
    private final Set<Integer> detachedEarly = new LinkedHashSet<>();
    /**
     * Followed fork children whose first stop came before their parent's fork event: their first
     * wait status, held (the child does not run) until the event says fork, vfork or clone.
     */
    private final Map<Integer, EarlyChild> earlyChildren = new LinkedHashMap<>();

    private record EarlyChild(int status, int parentPid, long seenNanos) {}

    /** How long an early child waits for its parent's fork event before it is announced anyway. */
    private static final long EARLY_CHILD_PATIENCE_NANOS = 1_000_000_000L;
    /** Exit statuses of our own untraced children (e.g. launched then detached), and who waits for them. */
    private final Map<Integer, Integer> childExits = new LinkedHashMap<>();
    private final Map<Integer, List<CompletableFuture<Integer>>> childExitWaiters = new HashMap<>();

    public Engine(Kernel kernel, Consumer<TraceEvent> sink, SignalPolicy policy) {
        this.kernel = kernel;
        this.sink = sink;
        this.policy = policy;
    }

    // ------------------------------------------------------------------ state

    enum Mode { LAUNCHING, RUNNING, PAUSING, PAUSED }

    enum State {
        /** Announced by its parent's clone event; its first stop has not come yet. */
        NEW,
        RUNNING,
        /** We sent PTRACE_INTERRUPT; its stop has not come yet. */
        STOPPING,
        /** In a ptrace-stop that we hold. */
        STOPPED,
        /** Exiting or a zombie: it will not stop again; its exit status may still come. */
        GONE
    }

    /** One traced thread. (Named with a trailing underscore to stay clear of java.lang.Thread.) */
    static final class Thread_ {
        final int tid;
        final Proc proc;
        int parentTid;
        State state;
        /** A signal it was stopped with, to deliver when it resumes. Never one of ours. */
        int pendingSignal;
        /** Its last stop was a group-stop (job control): resume it with PTRACE_LISTEN, not CONT. */
        boolean groupStop;
        /** Suspended by the kernel in vfork until the child execs or exits; it cannot stop meanwhile. */
        boolean inVfork;
        boolean exitReported;
        String name;

        Thread_(int tid, Proc proc, int parentTid, State state, String name) {
            this.tid = tid;
            this.proc = proc;
            this.parentTid = parentTid;
            this.state = state;
            this.name = name;
        }

        /** A pause waits for this thread's stop (a vfork parent cannot stop until its child lets go). */
        boolean stopAwaited() {
            return (state == State.STOPPING && !inVfork) || state == State.NEW;
        }
    }

    /** One traced process. */
    static final class Proc {
        final int pid;
        final Map<Integer, Thread_> threads = new LinkedHashMap<>();
        Mode mode;
        String name;
        StopReason reason = StopReason.PAUSE;
        int reasonTid;
        int reasonSignal;
        /** Pause for a detach: no Stopped event. */
        boolean quietPause;
        boolean resumeWhenPaused;
        long pauseStarted;
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

        Proc(int pid, Mode mode, String name) {
            this.pid = pid;
            this.mode = mode;
            this.name = name;
        }
    }

    public void setPolicy(SignalPolicy policy) {
        this.policy = policy;
    }


    public boolean isTraced(int pid) {
        return procs.containsKey(pid);
    }

    /** Is some pause waiting for threads to stop? The tracer then calls {@link #tick} now and then. */
    public boolean pausing() {
        if (!earlyChildren.isEmpty()) {
            return true;
        }
        for (Proc p : procs.values()) {
            if (p.mode == Mode.PAUSING) {
                return true;
            }
        }
        return false;
    }

    private void emit(TraceEvent e) {
        sink.accept(e);
    }

    private static <T> void remember(Set<T> set, T value) {
        set.add(value);
        if (set.size() > MEMORY_LIMIT) {
            set.remove(set.iterator().next());
        }
    }

    // ------------------------------------------------------------------ attach and launch

    /** Seizes every thread of {@code pid}, rescanning {@code /proc/PID/task} until no new tid appears. */
    public ProcessInfo attach(int pid) {
        return attach(pid, FollowFork.PARENT);
    }

    /** Like {@link #attach(int)}, following forks as {@code follow} says. */
    public ProcessInfo attach(int pid, FollowFork follow) {
        return attach(pid, new TraceOptions(follow, policy), false);
    }

    /**
     * Like {@link #attach(int, FollowFork)}; with {@code handedOver} the process was left stopped
     * for us by another tracer ({@link #handOver}): once seized, it is continued with a SIGCONT
     * of ours that is delivered without being reported.
     */
    public ProcessInfo attach(int pid, TraceOptions options, boolean handedOver) {
        if (pid <= 0) {
            throw new TraceException("invalid process id " + pid + ": give the pid of a running process");
        }
        if (pid == kernel.selfPid()) {
            throw new TraceException("process " + pid + " is this debugger itself; it cannot trace itself");
        }
        if (procs.containsKey(pid)) {
            throw new TraceException("already attached to process " + pid);
        }
        int tgid = kernel.tgid(pid);
        if (tgid < 0) {
            throw new NoSuchProcessException(pid, "no process with pid " + pid + " (it may have exited)");
        }
        if (tgid != pid) {
            throw new TraceException(pid + " is a thread of process " + tgid + ", not a process: attach to " + tgid);
        }
        if (kernel.exe(pid) == null && kernel.tasks(pid).size() <= 1 && kernel.statusInt(pid, "PPid") == 2) {
            throw new NotPermittedException(pid, 0, "process " + pid + " is a kernel thread; kernel threads cannot be traced");
        }
        String name = kernel.comm(pid, pid);
        try {
            kernel.seize(pid, OPTIONS);
        } catch (SyscallException e) {
            throw attachError(pid, name, e);
        }
        Proc proc = new Proc(pid, Mode.RUNNING, name);
        proc.follow = options.follow();
        proc.policy = options.signals();
        procs.put(pid, proc);
        List<Thread_> found = new ArrayList<>();
        found.add(addThread(proc, pid, 0, State.RUNNING, name));
        try {
            seizeAllThreads(proc, found);
        } catch (RuntimeException e) {
            // Let go of what we seized, exactly as a detach would: the program must not pay for our failure.
            proc.announced = false;
            detach(pid, new CompletableFuture<>());
            throw e instanceof SyscallException se ? new TraceException("cannot attach to process " + pid
                    + ": " + se.getMessage(), se.errno()) : e;
        }
        for (Thread_ t : found) {
            // The names of the others are not read here: a thousand reads of /proc (~10 µs each,
            // kernel-bound) would delay the attach for listeners that may never need them.
            emit(new TraceEvent.ThreadStarted(pid, t.tid, 0, Origin.ATTACHED, t.tid == pid ? name : null));
        }
        if (handedOver) {
            proc.ourSigconts++;
            try {
                kernel.kill(pid, Signals.SIGCONT);
            } catch (SyscallException e) {
                // exited meanwhile: its death is on its way
            }
        }
        return new ProcessInfo(pid, name, found.size());
    }

    /** Seizes every tid of /proc/PID/task, rescanning until no new one appears. */
    private void seizeAllThreads(Proc proc, List<Thread_> found) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int tid : kernel.tasks(proc.pid)) {
                if (proc.threads.containsKey(tid)) {
                    continue;
                }
                State state = State.RUNNING;
                try {
                    kernel.seize(tid, OPTIONS);
                } catch (SyscallException e) {
                    if (e.errno() == ESRCH) {
                        continue; // exited between the listing and the seize
                    }
                    if (e.errno() != EPERM || !tracedByUs(tid)) {
                        throw e;
                    }
                    // EPERM because we trace it already: a traced thread cloned it after we listed.
                    // Its first stop is on its way.
                    state = State.NEW;
                }
                found.add(addThread(proc, tid, 0, state, proc.name));
                grew = true;
            }
        }
    }

    /** TracerPid in /proc is the tracing *thread*; ours is the tracer thread of this process. */
    private boolean tracedByUs(int tid) {
        int tracer = kernel.statusInt(tid, "TracerPid");
        return tracer > 0 && kernel.tgid(tracer) == kernel.selfPid();
    }

    private TraceException attachError(int pid, String name, SyscallException e) {
        String who = "process " + pid + (name != null ? " (" + name + ")" : "");
        if (e.errno() == ESRCH) {
            return new NoSuchProcessException(pid, who + " exited before we could attach");
        }
        if (e.errno() != EPERM) {
            return new TraceException("cannot attach to " + who + ": " + e.getMessage(), e.errno());
        }
        int tracerThread = kernel.statusInt(pid, "TracerPid");
        if (tracerThread > 0) {
            // TracerPid is the tracing thread; name its process, which is what a person knows.
            int tgid = kernel.tgid(tracerThread);
            int tracer = tgid > 0 ? tgid : tracerThread;
            if (tracer == kernel.selfPid()) {
                return new NotPermittedException(pid, tracer, "cannot attach to " + who
                        + ": this debugger already traces it, in another session; end that session first");
            }
            String tracerName = kernel.comm(tracer, tracer);
            return new NotPermittedException(pid, tracer, "cannot attach to " + who + ": it is already traced by process "
                    + tracer + (tracerName != null ? " (\"" + tracerName + "\")" : "")
                    + "; detach that debugger or tracer first");
        }
        int uid = kernel.statusInt(pid, "Uid");
        int myUid = kernel.statusInt(kernel.selfPid(), "Uid");
        if (uid >= 0 && myUid > 0 && uid != myUid) {
            return new NotPermittedException(pid, 0, "cannot attach to " + who + ": it belongs to uid " + uid
                    + " and this debugger runs as uid " + myUid + "; run the debugger as that user or as root");
        }
        int scope = kernel.ptraceScope();
        if (scope >= 1) {
            return new NotPermittedException(pid, 0, "cannot attach to " + who + ": kernel.yama.ptrace_scope is " + scope
                    + (scope >= 3 ? ", which forbids attaching at all" : ", which allows tracing only descendants")
                    + "; run `sudo sysctl -w kernel.yama.ptrace_scope=0`, or run the debugger as root");
        }
        return new NotPermittedException(pid, 0, "cannot attach to " + who + ": the kernel refused (EPERM); "
                + "it may be a setuid program or protected by a security module");
    }

    /**
     * Starts {@code spec} stopped before its first instruction. Returns the trampoline child
     * (for its output pipes); {@code started} completes at the program's exec, with the
     * process paused (reason {@link StopReason#ENTRY}).
     */
    public Spawn.Child launch(LaunchSpec spec, CompletableFuture<ProcessInfo> started) {
        return launch(spec, new TraceOptions(FollowFork.PARENT, policy), started);
    }

    /** Like {@link #launch(LaunchSpec, CompletableFuture)}, traced as {@code options} say. */
    public Spawn.Child launch(LaunchSpec spec, TraceOptions options, CompletableFuture<ProcessInfo> started) {
        Spawn.Child child = kernel.spawnGated(spec);
        int pid = child.pid();
        // posix_spawn returns as soon as the child's exec has released it (vfork semantics), while
        // that exec of /bin/sh may not have finished: seizing then would show us the shell's own
        // exec as if it were the program's. Wait until the gate is blocked reading its pipe (the
        // shell reads it as its stdin, fd 0, while the redirection lasts).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!kernel.blockedInRead(pid)) {
            if (System.nanoTime() > deadline || kernel.tgid(pid) < 0) {
                break; // gone, or something odd: the exit status or the exec event will tell
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
        try {
            kernel.seize(pid, OPTIONS | PTRACE_O_EXITKILL);
        } catch (SyscallException e) {
            try {
                kernel.kill(pid, Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // already gone
            }
            throw new TraceException("cannot trace the launched program: " + e.getMessage(), e.errno());
        }
        String name = spec.program().substring(spec.program().lastIndexOf('/') + 1);
        Proc proc = new Proc(pid, Mode.LAUNCHING, name);
        proc.follow = options.follow();
        proc.policy = options.signals();
        proc.launch = started;
        procs.put(pid, proc);
        addThread(proc, pid, 0, State.RUNNING, name);
        child.release();
        return child;
    }

    private Thread_ addThread(Proc proc, int tid, int parentTid, State state, String name) {
        Thread_ t = new Thread_(tid, proc, parentTid, state, name);
        proc.threads.put(tid, t);
        threads.put(tid, t);
        return t;
    }

    // ------------------------------------------------------------------ wait statuses

    /** Handles one status that {@code waitpid(-1, __WALL)} returned for {@code tid}. */
    public void onWaitStatus(int tid, int status) {
        Thread_ t = threads.get(tid);
        if (t == null) {
            onUnknown(tid, status);
        } else if (!WaitStatus.stopped(status)) {
            onDeath(t, status);
        } else {
            onStop(t, status);
        }
    }

    private void onStop(Thread_ t, int status) {
        int sig = WaitStatus.stopSignal(status);
        int event = WaitStatus.event(status);
        switch (event) {
            case PTRACE_EVENT_CLONE, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK -> {
                int child = (int) eventMsg(t.tid);
                if (child > 0) {
                    onNewChild(t, child, event);
                }
                if (event == PTRACE_EVENT_VFORK) {
                    t.inVfork = true;
                }
                held(t, 0, false);
            }
            case PTRACE_EVENT_VFORK_DONE -> {
                t.inVfork = false;
                held(t, 0, false);
            }
            case PTRACE_EVENT_EXEC -> onExec(t);
            case PTRACE_EVENT_STOP -> held(t, 0, Signals.isStopSignal(sig) && t.state != State.NEW);
            case 0 -> onSignal(t, sig);
            default -> held(t, 0, false); // PTRACE_EVENT_EXIT and others we do not ask for
        }
    }

    private long eventMsg(int tid) {
        try {
            return kernel.eventMsg(tid);
        } catch (SyscallException e) {
            return -1; // killed in the stop (SIGKILL): its death is on its way
        }
    }

    /**
     * {@code t} is now in a ptrace-stop. Keep it if its process is (being) paused, else resume it
     * at once — delivering {@code signal}, or listening if this was a job-control group-stop.
     */
    private void held(Thread_ t, int signal, boolean groupStop) {
        Proc p = t.proc;
        t.groupStop = groupStop;
        t.pendingSignal = signal;
        t.state = State.STOPPED;
        if (p.mode == Mode.RUNNING || p.mode == Mode.LAUNCHING) {
            resumeThread(t);
        } else if (p.mode == Mode.PAUSING) {
            checkPaused(p);
        }
    }

    /** Resumes a stopped thread; false if it turned out to be gone. */
    private boolean resumeThread(Thread_ t) {
        int sig = t.pendingSignal;
        t.pendingSignal = 0;
        t.state = State.RUNNING;
        try {
            if (t.groupStop) {
                kernel.listen(t.tid);
            } else {
                kernel.cont(t.tid, sig);
            }
            return true;
        } catch (SyscallException e) {
            // ESRCH: killed while stopped (SIGKILL needs no resume); its exit status will come
            t.state = State.GONE;
            return false;
        }
    }

    private void onSignal(Thread_ t, int sig) {
        Proc p = t.proc;
        if (p.mode == Mode.LAUNCHING) {
            held(t, sig, false); // the trampoline's business, not the user's
            return;
        }
        if (sig == Signals.SIGCONT && p.ourSigconts > 0) {
            p.ourSigconts--;
            held(t, sig, false); // ours: delivered, not reported
            return;
        }
        boolean stops = p.policy.stops(sig);
        emit(new TraceEvent.SignalReceived(p.pid, t.tid, sig, stops));
        if (stops && p.mode == Mode.RUNNING) {
            p.reason = StopReason.SIGNAL;
            p.reasonTid = t.tid;
            p.reasonSignal = sig;
            t.state = State.STOPPED;
            t.pendingSignal = sig;
            t.groupStop = false;
            startPause(p);
        } else {
            held(t, sig, false);
        }
    }

    /** A tid we do not trace reported something: a new thread (the clone race), a new process, or an old child. */
    private void onUnknown(int tid, int status) {
        if (!WaitStatus.stopped(status)) {
            earlyChildren.remove(tid);
            if (reapExpected.remove(tid) || detachAtNextStop.remove(tid)) {
                return;
            }
            childExits.put(tid, status);
            if (childExits.size() > MEMORY_LIMIT) {
                childExits.remove(childExits.keySet().iterator().next());
            }
            List<CompletableFuture<Integer>> waiters = childExitWaiters.remove(tid);
            if (waiters != null) {
                waiters.forEach(f -> f.complete(status));
            }
            return;
        }
        if (detachAtNextStop.remove(tid)) {
            detachQuietly(tid, 0);
            return;
        }
        for (Proc p : procs.values()) {
            if (p.mode != Mode.LAUNCHING && kernel.isThreadOf(p.pid, tid)) {
                adoptFirstSeen(p, tid, status);
                return;
            }
        }
        int tgid = kernel.tgid(tid);
        if (tgid == tid) {
            // A new process whose parent's fork event has not come yet.
            int parentPid = kernel.statusInt(tid, "PPid");
            Proc parent = procs.get(parentPid);
            if (parent == null || parent.follow == FollowFork.PARENT) {
                // Let the child go now; the fork event will find it in detachedEarly.
                detachQuietly(tid, 0);
                remember(detachedEarly, tid);
            } else {
                // Followed: hold it (it stays in its first stop) until the event says how it was made.
                earlyChildren.put(tid, new EarlyChild(status, parentPid, System.nanoTime()));
            }
        } else if (tgid > 0 && procs.containsKey(tgid)) {
            adoptFirstSeen(procs.get(tgid), tid, status);
        } else {
            // Not ours to judge (gone already, or traced by us for a reason we forgot): let it go.
            detachQuietly(tid, 0);
        }
    }

    private void adoptFirstSeen(Proc p, int tid, int status) {
        Thread_ t = addThread(p, tid, 0, State.NEW, p.name);
        remember(awaitingCloneEvent, tid);
        emit(new TraceEvent.ThreadStarted(p.pid, tid, 0, Origin.FIRST_SEEN, t.name));
        onStop(t, status);
    }

    private void detachQuietly(int tid, int sig) {
        try {
            kernel.detach(tid, sig);
        } catch (SyscallException e) {
            // gone already
        }
    }

    /** The parent's clone/fork/vfork event told us of {@code child}. */
    private void onNewChild(Thread_ parent, int child, int event) {
        Proc p = parent.proc;
        if (event == PTRACE_EVENT_CLONE) {
            if (awaitingCloneEvent.remove(child)) {
                Thread_ known = threads.get(child);
                if (known != null && known.parentTid == 0) {
                    known.parentTid = parent.tid;
                }
                return; // adopted at its first stop (and perhaps gone since): reported already
            }
            Thread_ known = threads.get(child);
            if (known != null) {
                return; // seen by the attach scan
            }
            // A thread, unless it is a process made by clone() without CLONE_THREAD.
            boolean thread = kernel.isThreadOf(p.pid, child) || kernel.tgid(child) != child;
            if (thread) {
                Thread_ t = addThread(p, child, parent.tid, State.NEW, parent.name);
                emit(new TraceEvent.ThreadStarted(p.pid, child, parent.tid, Origin.CLONE, t.name));
                return;
            }
        }
        ForkKind kind = event == PTRACE_EVENT_FORK ? ForkKind.FORK
                : event == PTRACE_EVENT_VFORK ? ForkKind.VFORK : ForkKind.CLONE;
        if (p.follow == FollowFork.PARENT) {
            emit(new TraceEvent.ProcessForked(p.pid, parent.tid, child, kind, false));
            if (!detachedEarly.remove(child)) {
                remember(detachAtNextStop, child); // its first stop is on its way; let it go then
            }
            return;
        }
        followChild(p, parent.tid, child, kind);
    }

    /**
     * Takes on a forked child as a traced process of its own, held before its first instruction
     * (it reports {@code Stopped(ENTRY)} once its first stop is in); with {@link FollowFork#CHILD}
     * the parent is then let go.
     */
    private void followChild(Proc p, int parentTid, int child, ForkKind kind) {
        if (procs.containsKey(child)) {
            return;
        }
        Proc c = new Proc(child, Mode.PAUSING, p.name);
        c.follow = p.follow;
        c.policy = p.policy;
        c.reason = StopReason.ENTRY;
        procs.put(child, c);
        Thread_ main = addThread(c, child, parentTid, State.NEW, p.name);
        emit(new TraceEvent.ProcessForked(p.pid, parentTid, child, kind, true));
        emit(new TraceEvent.ThreadStarted(child, child, parentTid, Origin.FORK, main.name));
        EarlyChild early = earlyChildren.remove(child);
        if (early != null) {
            onStop(main, early.status());
        }
        if (p.follow == FollowFork.CHILD && procs.containsKey(p.pid)) {
            detach(p.pid, new CompletableFuture<>());
        }
    }

    private void onExec(Thread_ leader) {
        Proc p = leader.proc;
        int oldTid = (int) eventMsg(leader.tid);
        // After an exec from a non-leader thread, every other thread is gone and the execing
        // thread now carries the leader's tid (ptrace(2), "execve(2) under ptrace").
        for (Thread_ other : new ArrayList<>(p.threads.values())) {
            if (other.tid == p.pid) {
                continue;
            }
            forget(other);
            if (other.tid != oldTid) {
                remember(reapExpected, other.tid);
            }
            reportExited(other, -1);
        }
        leader.inVfork = false;
        leader.exitReported = false;
        leader.state = State.STOPPED;
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
        held(leader, 0, false);
    }

    private void onDeath(Thread_ t, int status) {
        Proc p = t.proc;
        forget(t);
        if (t.tid != p.pid) {
            reportExited(t, status);
            if (p.mode == Mode.PAUSING) {
                checkPaused(p);
            }
            return;
        }
        // The leader reports last (a zombie leader waits for its threads), so this is the process's end.
        for (Thread_ other : new ArrayList<>(p.threads.values())) {
            forget(other);
            reportExited(other, status);
        }
        procs.remove(p.pid);
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

    private void forget(Thread_ t) {
        t.proc.threads.remove(t.tid);
        threads.remove(t.tid);
    }

    private void reportExited(Thread_ t, int status) {
        if (!t.exitReported) {
            t.exitReported = true;
            emit(new TraceEvent.ThreadExited(t.proc.pid, t.tid, status));
        }
    }

    // ------------------------------------------------------------------ all-stop

    /** Stops every thread of {@code pid}; {@code done} completes when all are stopped. */
    public void pause(int pid, CompletableFuture<Void> done) {
        Proc p = proc(pid);
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

    private void startPause(Proc p) {
        p.mode = Mode.PAUSING;
        p.pauseStarted = System.nanoTime();
        noticeZombieLeader(p);
        for (Thread_ t : p.threads.values()) {
            if (t.state == State.RUNNING) {
                t.state = State.STOPPING;
                try {
                    kernel.interrupt(t.tid);
                } catch (SyscallException e) {
                    t.state = State.GONE; // exiting: counts as stopped; its exit status will come
                }
            }
        }
        checkPaused(p);
    }

    /** The main thread exited before the others (a zombie now): it can never stop; report it gone. */
    private void noticeZombieLeader(Proc p) {
        Thread_ leader = p.threads.get(p.pid);
        if (leader != null && leader.state == State.RUNNING && kernel.state(p.pid, p.pid) == 'Z') {
            zombie(leader);
        }
    }

    private void zombie(Thread_ t) {
        t.state = State.GONE;
        reportExited(t, WaitStatus.ofExit(0));
    }

    private void checkPaused(Proc p) {
        for (Thread_ t : p.threads.values()) {
            if (t.stopAwaited()) {
                return;
            }
        }
        p.mode = Mode.PAUSED;
        if (!p.quietPause) {
            emit(new TraceEvent.Stopped(p.pid, p.reason, p.reasonTid, p.reasonSignal));
        }
        p.quietPause = false;
        List<CompletableFuture<Void>> waiters = new ArrayList<>(p.pauseWaiters);
        p.pauseWaiters.clear();
        waiters.forEach(f -> f.complete(null));
        if (!p.detachWaiters.isEmpty()) {
            finishDetach(p);
        } else if (p.resumeWhenPaused) {
            p.resumeWhenPaused = false;
            resume(p.pid);
        }
    }

    /** The threads whose stop a pause still waits for, in every pausing process. */
    public int[] awaitedStops() {
        int n = 0;
        int[] tids = new int[16];
        for (Proc p : procs.values()) {
            if (p.mode != Mode.PAUSING) {
                continue;
            }
            for (Thread_ t : p.threads.values()) {
                if (t.stopAwaited()) {
                    if (n == tids.length) {
                        tids = Arrays.copyOf(tids, n * 2);
                    }
                    tids[n++] = t.tid;
                }
            }
        }
        return Arrays.copyOf(tids, n);
    }

    /**
     * Called now and then while a pause waits: a thread that will never stop (it exited, or the
     * leader became a zombie after we looked) must not hold the pause forever.
     */
    public void tick() {
        long now = System.nanoTime();
        for (Map.Entry<Integer, EarlyChild> e : new ArrayList<>(earlyChildren.entrySet())) {
            Proc parent = procs.get(e.getValue().parentPid());
            if (now - e.getValue().seenNanos() > EARLY_CHILD_PATIENCE_NANOS) {
                if (parent != null) {
                    followChild(parent, 0, e.getKey(), ForkKind.FORK); // its parent's event never came
                } else {
                    earlyChildren.remove(e.getKey());
                    detachQuietly(e.getKey(), 0);
                }
            }
        }
        for (Proc p : new ArrayList<>(procs.values())) {
            if (p.mode != Mode.PAUSING) {
                continue;
            }
            for (Thread_ t : new ArrayList<>(p.threads.values())) {
                if (t.state == State.STOPPING || t.state == State.NEW) {
                    char s = kernel.state(p.pid, t.tid);
                    if (s == 'Z' || s == 'X' || s == '?') {
                        if (t.tid == p.pid) {
                            zombie(t);
                        } else {
                            t.state = State.GONE;
                        }
                    }
                }
            }
            checkPaused(p);
        }
    }

    /** Resumes every thread of {@code pid}, delivering any signal a thread was stopped with. */
    public void resume(int pid) {
        Proc p = proc(pid);
        if (p.mode == Mode.PAUSING) {
            p.resumeWhenPaused = true;
            return;
        }
        if (p.mode != Mode.PAUSED) {
            return;
        }
        p.mode = Mode.RUNNING;
        for (Thread_ t : new ArrayList<>(p.threads.values())) {
            if (t.state == State.STOPPED) {
                resumeThread(t);
            } else if (t.state == State.STOPPING) {
                t.state = State.RUNNING; // a vfork parent: its stop comes when the child lets go
            }
        }
        emit(new TraceEvent.Resumed(pid));
    }

    // ------------------------------------------------------------------ detach, kill, queries

    /** Lets the process go, exactly as it was: all threads stopped first, then detached with their pending signals. */
    public void detach(int pid, CompletableFuture<Void> done) {
        Proc p = proc(pid);
        p.detachWaiters.add(done);
        switch (p.mode) {
            case PAUSED -> finishDetach(p);
            case PAUSING -> { }
            default -> {
                p.quietPause = true;
                p.reason = StopReason.PAUSE;
                startPause(p);
            }
        }
    }

    /**
     * Detaches leaving the process stopped (a SIGSTOP taken as we let go), so that another
     * tracer can seize it before it runs a single instruction untraced. A fresh fork child has
     * no pending signal of its own to lose.
     */
    public void handOver(int pid, CompletableFuture<Void> done) {
        proc(pid).leaveStopped = true;
        detach(pid, done);
    }

    private void finishDetach(Proc p) {
        for (Thread_ t : new ArrayList<>(p.threads.values())) {
            forget(t);
            if (t.state == State.STOPPED && p.leaveStopped && t.tid == p.pid) {
                // A signal given to PTRACE_DETACH is dropped unless the tracee is in a
                // signal-delivery-stop (ptrace(2)); so queue a SIGSTOP first: it is taken, and the
                // process stops, before it returns to user code — untraced by then.
                try {
                    kernel.kill(p.pid, Signals.SIGSTOP);
                } catch (SyscallException e) {
                    // gone
                }
                detachQuietly(t.tid, 0);
            } else if (t.state == State.STOPPED) {
                detachQuietly(t.tid, t.groupStop ? 0 : t.pendingSignal);
            } else if (t.state != State.GONE) {
                remember(detachAtNextStop, t.tid); // vfork parent: let it go at its next stop
            } else {
                remember(reapExpected, t.tid);
            }
        }
        procs.remove(p.pid);
        if (p.announced) {
            emit(new TraceEvent.Detached(p.pid));
        }
        p.detachWaiters.forEach(f -> f.complete(null));
        p.pauseWaiters.forEach(f -> f.completeExceptionally(new TraceException("detached from process " + p.pid)));
    }

    /** SIGKILLs the process; {@code done} completes once it has been reported exited. */
    public void kill(int pid, CompletableFuture<Void> done) {
        Proc p = proc(pid);
        p.exitWaiters.add(done);
        try {
            kernel.kill(pid, Signals.SIGKILL);
        } catch (SyscallException e) {
            // already gone: its exit status is on its way
        }
    }

    /** The threads of {@code pid} that are alive now. */
    public List<ThreadInfo> threads(int pid) {
        Proc p = proc(pid);
        noticeZombieLeader(p);
        List<ThreadInfo> list = new ArrayList<>(p.threads.size());
        for (Thread_ t : p.threads.values()) {
            if (t.state != State.GONE) {
                String name = kernel.comm(pid, t.tid);
                list.add(new ThreadInfo(pid, t.tid, name != null ? name : t.name, t.state == State.STOPPED));
            }
        }
        return list;
    }

    /** The processes we trace. */
    public List<Integer> processes() {
        return new ArrayList<>(procs.keySet());
    }

    /** Is {@code tid} a thread we hold stopped? */
    public boolean isStopped(int tid) {
        Thread_ t = threads.get(tid);
        return t != null && t.state == State.STOPPED;
    }

    /** Completes with the wait status of our own untraced child {@code pid} once it exits. */
    public void childExit(int pid, CompletableFuture<Integer> status) {
        Integer known = childExits.remove(pid);
        if (known != null) {
            status.complete(known);
        } else {
            childExitWaiters.computeIfAbsent(pid, k -> new ArrayList<>()).add(status);
        }
    }

    private Proc proc(int pid) {
        Proc p = procs.get(pid);
        if (p == null) {
            throw new NoSuchProcessException(pid, "process " + pid + " is not being traced (it may have exited)");
        }
        return p;
    }
}
