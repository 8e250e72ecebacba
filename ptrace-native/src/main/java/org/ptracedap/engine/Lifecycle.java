package org.ptracedap.engine;

import static org.ptracedap.sys.LibC.EPERM;
import static org.ptracedap.sys.LibC.ESRCH;
import static org.ptracedap.sys.LibC.PTRACE_O_EXITKILL;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;

/**
 * How a process comes under our tracing and leaves it: attach (seize every thread of a running
 * process), launch (a program stopped before its first instruction), detach (every thread
 * stopped first, then let go with its pending signal, as if never traced), hand-over (detached
 * stopped, for another tracer), kill. Also the exit statuses of our own untraced children.
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class Lifecycle {
    private final Engine engine;
    /** Exit statuses of our own untraced children (e.g. launched then detached), and who waits for them. */
    private final Map<Integer, Integer> childExits = new LinkedHashMap<>();
    private final Map<Integer, List<CompletableFuture<Integer>>> childExitWaiters = new HashMap<>();

    Lifecycle(Engine engine) {
        this.engine = engine;
    }

    // ------------------------------------------------------------------ attach

    /**
     * Seizes every thread of {@code pid}, rescanning {@code /proc/PID/task} until no new tid
     * appears; with {@code handedOver} the process was left stopped for us by another tracer
     * ({@link #handOver}): once seized, it is continued with a SIGCONT of ours that is delivered
     * without being reported.
     */
    ProcessInfo attach(int groupId, int pid, TraceOptions options, boolean handedOver) {
        Kernel kernel = engine.kernel;
        if (pid <= 0) {
            throw new TraceException("invalid process id " + pid + ": give the pid of a running process");
        }
        if (pid == kernel.selfPid()) {
            throw new TraceException("process " + pid + " is this debugger itself; it cannot trace itself");
        }
        if (engine.table.traces(pid)) {
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
            kernel.seize(pid, Engine.OPTIONS);
        } catch (SyscallException e) {
            throw attachError(pid, name, e);
        }
        TracedProcess proc = new TracedProcess(pid, Mode.RUNNING, name);
        proc.follow = options.follow();
        proc.policy = options.signals();
        TracedGroup group = engine.newGroup(groupId, pid, options, TracedGroup.Mode.RUNNING, StopReason.PAUSE);
        group.join(proc);
        engine.table.add(proc);
        List<TracedThread> found = new ArrayList<>();
        found.add(engine.table.addThread(proc, pid, 0, State.RUNNING, name));
        try {
            seizeAllThreads(proc, found);
        } catch (RuntimeException e) {
            // Let go of what we seized, exactly as a detach would: the program must not pay for our failure.
            proc.announced = false;
            detach(pid, new CompletableFuture<>());
            throw e instanceof SyscallException se ? new TraceException("cannot attach to process " + pid
                    + ": " + se.getMessage(), se.errno()) : e;
        }
        for (TracedThread t : found) {
            // The names of the others are not read here: a thousand reads of /proc (~10 µs each,
            // kernel-bound) would delay the attach for listeners that may never need them.
            engine.emit(group, new TraceEvent.ThreadStarted(pid, t.tid, 0, Origin.ATTACHED, t.tid == pid ? name : null));
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
    private void seizeAllThreads(TracedProcess proc, List<TracedThread> found) {
        Kernel kernel = engine.kernel;
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int tid : kernel.tasks(proc.pid)) {
                if (proc.threads.containsKey(tid)) {
                    continue;
                }
                State state = State.RUNNING;
                try {
                    kernel.seize(tid, Engine.OPTIONS);
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
                found.add(engine.table.addThread(proc, tid, 0, state, proc.name));
                grew = true;
            }
        }
    }

    /** TracerPid in /proc is the tracing *thread*; ours is the tracer thread of this process. */
    private boolean tracedByUs(int tid) {
        int tracer = engine.kernel.statusInt(tid, "TracerPid");
        return tracer > 0 && engine.kernel.tgid(tracer) == engine.kernel.selfPid();
    }

    private TraceException attachError(int pid, String name, SyscallException e) {
        Kernel kernel = engine.kernel;
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

    // ------------------------------------------------------------------ launch

    /**
     * Starts {@code spec} stopped before its first instruction, traced as {@code options} say.
     * Returns the trampoline child (for its output pipes); {@code started} completes at the
     * program's exec, with the process paused (reason {@link StopReason#ENTRY}).
     */
    Spawn.Child launch(int groupId, LaunchSpec spec, TraceOptions options, CompletableFuture<ProcessInfo> started) {
        Kernel kernel = engine.kernel;
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
            kernel.seize(pid, Engine.OPTIONS | PTRACE_O_EXITKILL);
        } catch (SyscallException e) {
            try {
                kernel.kill(pid, Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // already gone
            }
            throw new TraceException("cannot trace the launched program: " + e.getMessage(), e.errno());
        }
        String name = spec.program().substring(spec.program().lastIndexOf('/') + 1);
        TracedProcess proc = new TracedProcess(pid, Mode.LAUNCHING, name);
        proc.follow = options.follow();
        proc.policy = options.signals();
        proc.launch = started;
        TracedGroup group = engine.newGroup(groupId, pid, options, TracedGroup.Mode.PAUSING, StopReason.ENTRY);
        group.reasonTid = pid;
        group.join(proc);
        engine.table.add(proc);
        engine.table.addThread(proc, pid, 0, State.RUNNING, name);
        child.release();
        return child;
    }

    // ------------------------------------------------------------------ detach, hand-over, kill

    /** Lets the process go, exactly as it was: all threads stopped first, then detached with their pending signals. */
    void detach(int pid, CompletableFuture<Void> done) {
        TracedProcess p = engine.process(pid);
        p.detachWaiters.add(done);
        switch (p.mode) {
            case PAUSED -> finishDetach(p);
            case PAUSING -> { }
            default -> engine.allStop.startPause(p);
        }
    }

    /** Detaches every process of {@code g}; {@code done} completes when none is left. */
    void detachGroup(TracedGroup g, CompletableFuture<Void> done) {
        g.endWaiters.add(done);
        for (TracedProcess p : new ArrayList<>(g.members)) {
            detach(p.pid, new CompletableFuture<>());
        }
    }

    /** Kills every process of {@code g}; {@code done} completes when all have been reported exited. */
    void killGroup(TracedGroup g, CompletableFuture<Void> done) {
        g.endWaiters.add(done);
        for (TracedProcess p : new ArrayList<>(g.members)) {
            kill(p.pid, new CompletableFuture<>());
        }
    }

    /**
     * A fork child held at its first stop, for a session of its own: detached leaving it stopped
     * (a SIGSTOP taken as we let go), so that another tracer can seize it before it runs a single
     * instruction untraced (a fresh fork child has no pending signal of its own to lose). The
     * parent's group hears of it; if no tracer has taken it after the patience, it is continued.
     */
    void handOverChild(TracedProcess child) {
        TracedGroup from = child.handOverFrom;
        child.leaveStopped = true;
        child.detachWaiters.add(new CompletableFuture<>());
        finishDetach(child);
        engine.emit(from, new TraceEvent.ProcessHandedOver(from.leaderPid, child.pid));
        engine.kernel.schedule(Tracer.HANDOVER_PATIENCE_SECONDS * 1000L, () -> release(child.pid, true));
    }

    /**
     * Continues a child we left stopped for a session that declined it ({@code onlyIfUntaken}
     * false), or that never came: still stopped and untraced after the patience.
     */
    void release(int child, boolean onlyIfUntaken) {
        Kernel kernel = engine.kernel;
        if (onlyIfUntaken && (kernel.statusInt(child, "TracerPid") != 0 || kernel.state(child, child) != 'T')) {
            return; // taken over (or gone)
        }
        try {
            kernel.kill(child, Signals.SIGCONT);
        } catch (SyscallException e) {
            // exited meanwhile
        }
    }

    /** The process is paused for a detach: let every thread go. */
    void finishDetach(TracedProcess p) {
        ThreadTable table = engine.table;
        engine.breakpoints.detaching(p); // no int3 of ours stays behind
        for (TracedThread t : new ArrayList<>(p.threads.values())) {
            table.forget(t);
            if (t.state() == State.STOPPED && p.leaveStopped && t.tid == p.pid) {
                // A signal given to PTRACE_DETACH is dropped unless the tracee is in a
                // signal-delivery-stop (ptrace(2)); so queue a SIGSTOP first: it is taken, and the
                // process stops, before it returns to user code — untraced by then.
                try {
                    engine.kernel.kill(p.pid, Signals.SIGSTOP);
                } catch (SyscallException e) {
                    // gone
                }
                engine.detachQuietly(t.tid, 0);
            } else if (t.state() == State.STOPPED) {
                engine.detachQuietly(t.tid, t.groupStop() ? 0 : t.pendingSignal());
            } else if (t.state() != State.GONE) {
                ThreadTable.remember(table.detachAtNextStop, t.tid); // vfork parent: let it go at its next stop
            } else {
                ThreadTable.remember(table.reapExpected, t.tid);
            }
        }
        table.remove(p);
        if (p.announced) {
            engine.emit(p.group, new TraceEvent.Detached(p.pid));
        }
        p.detachWaiters.forEach(f -> f.complete(null));
        p.pauseWaiters.forEach(f -> f.completeExceptionally(new TraceException("detached from process " + p.pid)));
        if (p.announced) {
            engine.leftGroup(p, -1, -1);
        } else if (p.group != null) {
            p.group.members.remove(p); // an attach that failed half-way: its group never was
            engine.groups.remove(p.group.id);
        }
    }

    /** SIGKILLs the process; {@code done} completes once it has been reported exited. */
    void kill(int pid, CompletableFuture<Void> done) {
        TracedProcess p = engine.process(pid);
        p.exitWaiters.add(done);
        try {
            engine.kernel.kill(pid, Signals.SIGKILL);
        } catch (SyscallException e) {
            // already gone: its exit status is on its way
        }
    }

    // ------------------------------------------------------------------ our untraced children

    /** An untraced child of ours exited (a sample a test started, a program launched then detached). */
    void childExited(int pid, int status) {
        ThreadTable.remember(childExits, pid, status);
        List<CompletableFuture<Integer>> waiters = childExitWaiters.remove(pid);
        if (waiters != null) {
            waiters.forEach(f -> f.complete(status));
        }
    }

    /** Completes with the wait status of our own untraced child {@code pid} once it exits. */
    void childExit(int pid, CompletableFuture<Integer> status) {
        Integer known = childExits.remove(pid);
        if (known != null) {
            status.complete(known);
        } else {
            childExitWaiters.computeIfAbsent(pid, k -> new ArrayList<>()).add(status);
        }
    }
}
