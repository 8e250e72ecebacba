package org.ptracedap.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The handle of one debug session's processes in the engine (Delve's {@code TargetGroup}): the
 * process attached or launched through it and every fork child that joins it. Pause, resume,
 * detach, kill and the thread list act on all of them together; its listener gets their events,
 * with one {@code Stopped} and one {@code Resumed} for the whole group, and a {@code GroupEnded}
 * when no process is left. Made by {@link Tracer#group}; one attach or launch per group.
 *
 * <p>Thread-safe: every method hands its work to the tracer thread and returns a future that
 * completes off it.
 */
public final class TraceGroup {
    private final Tracer tracer;
    private final int id;
    private final Consumer<TraceEvent> listener;

    TraceGroup(Tracer tracer, int id, Consumer<TraceEvent> listener) {
        this.tracer = tracer;
        this.id = id;
        this.listener = listener;
    }

    /** The engine's id of this group (not a pid). */
    public int id() {
        return id;
    }

    Consumer<TraceEvent> listener() {
        return listener;
    }

    /** Seizes every thread of running process {@code pid}, traced as {@code options} say; it keeps running. */
    public CompletableFuture<ProcessInfo> attach(int pid, TraceOptions options) {
        return tracer.attach(id, pid, options, false);
    }

    /** Like {@link #attach}, for a fork child another tracer handed over stopped ({@link TraceEvent.ProcessHandedOver}): it is continued. */
    public CompletableFuture<ProcessInfo> takeOver(int pid, TraceOptions options) {
        return tracer.attach(id, pid, options, true);
    }

    /** Starts a program stopped before its first instruction; completes at its entry, the group stopped (ENTRY). */
    public CompletableFuture<ProcessInfo> launch(LaunchSpec spec, TraceOptions options) {
        return tracer.launch(id, spec, options);
    }

    /** All-stop: completes when every thread of every process, including any born meanwhile, is stopped. */
    public CompletableFuture<Void> pause() {
        return tracer.pause(id);
    }

    /** Resumes every thread of every process, delivering the signals they were stopped with. */
    public CompletableFuture<Void> resume() {
        return tracer.resume(id);
    }

    /** Stops tracing every process; they run on as if never traced. Completes when none is traced. */
    public CompletableFuture<Void> detach() {
        return tracer.detach(id);
    }

    /** Kills every process; completes once all have been reported exited. */
    public CompletableFuture<Void> kill() {
        return tracer.kill(id);
    }

    /** The live threads of every process, now. */
    public CompletableFuture<List<ThreadInfo>> threads() {
        return tracer.threads(id);
    }

    /** The pids of the group's processes, the first one first. */
    public CompletableFuture<List<Integer>> processes() {
        return tracer.processes(id);
    }

    /** Continues a fork child handed over stopped ({@link TraceEvent.ProcessHandedOver}) that no session will take. */
    public CompletableFuture<Void> release(int child) {
        return tracer.release(child);
    }

    /**
     * Who decides at each breakpoint hit whether the group stops ({@link BreakpointHandler}: on the
     * tracer thread, only the hitting thread stopped), and what decodes the instructions under
     * breakpoints. Set before the first breakpoint.
     */
    public CompletableFuture<Void> breakpoints(BreakpointHandler handler, InstructionDecoder decoder) {
        return tracer.breakpoints(id, handler, decoder);
    }

    /**
     * Writes an int3 at each of {@code addresses} of process {@code pid}, running or stopped —
     * no thread stops for it. Completes with the addresses refused and why (none: all in).
     */
    public CompletableFuture<java.util.Map<Long, String>> insertBreakpoints(int pid, java.util.Collection<Long> addresses) {
        return tracer.insertBreakpoints(id, pid, addresses);
    }

    /**
     * Steps thread {@code tid} of the paused group by {@code plan}: completes with its rip when the
     * step is over, the group paused again — nothing announced (the caller says why it stopped).
     * Other threads' breakpoints meanwhile stop the group as usual; the step stays the thread's
     * and goes on at the next resume. Fails if the thread ends first.
     */
    public CompletableFuture<StepPlan.End> step(int tid, StepPlan plan) {
        return tracer.step(id, tid, plan);
    }

    /** Takes the int3s at {@code addresses} of process {@code pid} out (a trap on one of them meanwhile is ours, never the program's). */
    public CompletableFuture<Void> removeBreakpoints(int pid, java.util.Collection<Long> addresses) {
        return tracer.removeBreakpoints(id, pid, addresses);
    }

    /**
     * Runs {@code work} on the tracer thread with stopped thread {@code tid} of this group; the
     * {@link Tracee} is valid only during the call. Fails fast if the thread is not stopped.
     */
    public <T> CompletableFuture<T> inspect(int tid, Inspection<T> work) {
        return tracer.inspect(id, tid, work);
    }

    /**
     * Like {@link #inspect}, for each stopped thread of process {@code pid} (but those in
     * {@code skip}, at most {@code max}) in one turn of the tracer thread: tid → result. A thread
     * whose work throws is left out. For work a client will soon want for every thread (their
     * stacks after a stop), without one hand-over per thread.
     */
    public <T> CompletableFuture<java.util.Map<Integer, T>> inspectStopped(int pid, java.util.Set<Integer> skip, int max,
                                                                           Inspection<T> work) {
        return tracer.inspectStopped(id, pid, skip, max, work);
    }

    /**
     * Runs {@code work} on the tracer thread, between its other work: for state only tracer-thread
     * code touches (an unwinder's handles, say) that must be freed when no inspection uses it.
     */
    public CompletableFuture<Void> onTracerThread(Runnable work) {
        return tracer.call(() -> {
            work.run();
            return null;
        });
    }

    /** The extended register state (XSAVE area: x87, SSE, AVX) of a stopped thread of this group. */
    public CompletableFuture<byte[]> xstate(int tid) {
        return inspect(tid, Tracee::xstate);
    }

    /** The registers of a stopped thread of this group. */
    public CompletableFuture<Registers> registers(int tid) {
        return inspect(tid, Tracee::registers);
    }

    /** Its listener hears nothing more (the session is over). */
    public void close() {
        tracer.forget(this);
    }
}
