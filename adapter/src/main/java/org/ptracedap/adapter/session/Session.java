package org.ptracedap.adapter.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.lsp4j.debug.ContinuedEventArguments;
import org.eclipse.lsp4j.debug.ExitedEventArguments;
import org.eclipse.lsp4j.debug.OutputEventArguments;
import org.eclipse.lsp4j.debug.OutputEventArgumentsCategory;
import org.eclipse.lsp4j.debug.ProcessEventArguments;
import org.eclipse.lsp4j.debug.StartDebuggingRequestArguments;
import org.eclipse.lsp4j.debug.StartDebuggingRequestArgumentsType;
import org.eclipse.lsp4j.debug.StoppedEventArguments;
import org.eclipse.lsp4j.debug.StoppedEventArgumentsReason;
import org.eclipse.lsp4j.debug.TerminatedEventArguments;
import org.eclipse.lsp4j.debug.ThreadEventArgumentsReason;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.ptracedap.engine.FollowFork;
import org.ptracedap.adapter.session.BreakpointTable;
import org.ptracedap.engine.TraceEvent;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.Tracee;
import org.ptracedap.engine.Tracer;
import org.ptracedap.adapter.wire.ProtocolLog;

/**
 * One debug session: its group of processes in the engine ({@link TraceGroup}: the attached or
 * launched one, plus forked children that join it) and the translation of the group's events into
 * DAP events — live, as the engine reports them (a {@code thread} event the moment a thread is
 * born, not at the next stop).
 *
 * <p>A forked child that we follow either joins the group (its threads are listed with its pid)
 * or, when the client supports {@code startDebugging} and both are followed, the engine hands it
 * over stopped to a child session of its own ({@link TraceEvent.ProcessHandedOver}): we ask the
 * client to start that session, and the new adapter takes it over ({@code attach} with
 * {@code handover: true}). If the client declines we release it; if no session takes it, the
 * engine continues it after {@link Tracer#HANDOVER_PATIENCE_SECONDS}.
 *
 * <p>Threads: request handlers run on LSP4J's reader thread and read/write the volatile or
 * concurrent state here; {@link #accept} runs on the engine's event thread. The LSP4J client
 * proxy may be called from any thread (its writes are serialised by the transport).
 */
public final class Session implements Consumer<TraceEvent> {
    public enum Kind { NONE, ATTACHING, ATTACHED, LAUNCHING, LAUNCHED }

    private final CompletableFuture<Tracer> tracer;
    /** The frame ids handed out for the current stop. */
    public final FrameIds frames = new FrameIds();
    /** The variables references handed out for the current stop (scopes, register sets, values). */
    public final VariableRefs refs = new VariableRefs();
    private volatile org.ptracedap.debugger.SourceMap sourceMap = org.ptracedap.debugger.SourceMap.NONE;
    /** The program's source files as responses show them (through {@link #sourceMap}). */
    public final Sources sources = new Sources(() -> sourceMap);
    /** Long waits shown to the client (reading a big binary's debug info). */
    public final Progress progress = new Progress(this::client);
    /** The stacks of the group's threads (made with the group). */
    private volatile org.ptracedap.debugger.Stacks stacks;
    /** The symbols of the group's processes (made with the group, with {@link #stacks}). */
    private volatile org.ptracedap.debugger.DebugInfo debugInfo;
    /** Frames' variables (made with the group). */
    private volatile org.ptracedap.debugger.Locals locals;
    private volatile org.ptracedap.debugger.LineSteps lineSteps;

    /** Steps by line and instruction in the debuggee, null before attach or launch. */
    public org.ptracedap.debugger.LineSteps lineSteps() {
        return lineSteps;
    }
    /** The frames' scopes of this stop, as they were asked for (values are read once per stop). */
    private final Map<FrameIds.Frame, CompletableFuture<org.ptracedap.debugger.FrameScope>> frameScopes = new ConcurrentHashMap<>();
    /** Expressions compiled, by their text (a watch is evaluated at every stop). */
    private final Map<String, org.ptracedap.debugger.eval.Expression> expressions = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, org.ptracedap.debugger.eval.Expression> e) {
                    return size() > 256;
                }
            });
    public final ProtocolLog log;
    private volatile IDebugProtocolClient client;
    private volatile ThreadEvents threadEvents;
    private volatile Kind kind = Kind.NONE;
    /** The main process: the one attached or launched, or the followed child once it was let go. */
    private volatile int pid = -1;
    /** The thread the group last stopped for with a signal (its signal-delivery stop), 0 once it runs again. */
    private volatile int signalStop;

    /** The thread stopped with the signal the session stopped for, or 0. */
    public int signalStop() {
        return signalStop;
    }

    public org.ptracedap.debugger.SourceMap sourceMap() {
        return sourceMap;
    }

    public void sourceMap(org.ptracedap.debugger.SourceMap map) {
        sourceMap = map;
    }

    /** The symbols of the group's processes; null before an attach or launch began. */
    public org.ptracedap.debugger.DebugInfo debugInfo() {
        return debugInfo;
    }

    /** Where the symbols find debug files (launch/attach's {@code debuginfod}); set before {@link #begin}. */
    private volatile org.ptracedap.debuginfo.DebugFiles debugFiles = org.ptracedap.debuginfo.DebugFiles.LOCAL;

    public void debugFiles(org.ptracedap.debuginfo.DebugFiles lookup) {
        debugFiles = lookup;
    }

    /** The scope (variables, registers, types) of a frame of this stop, read once per stop. */
    public CompletableFuture<org.ptracedap.debugger.FrameScope> frameScope(FrameIds.Frame frame) {
        org.ptracedap.debugger.Locals l = locals;
        if (l == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing is being debugged"));
        }
        return frameScopes.computeIfAbsent(frame, f -> l.scope(ownerOf(f.tid()), f.tid(), f.level()));
    }

    /** {@code text} compiled (once: a watch is evaluated at every stop); EvalException if it does not parse. */
    public org.ptracedap.debugger.eval.Expression compiled(String text) {
        org.ptracedap.debugger.eval.Expression e = expressions.get(text);
        if (e == null) {
            e = org.ptracedap.debugger.eval.Expression.compile(text);
            expressions.put(text, e);
        }
        return e;
    }

    /** The stacks of the group's threads; null before an attach or launch began. */
    public org.ptracedap.debugger.Stacks stacks() {
        return stacks;
    }

    /**
     * The group is about to run (or ran): the frames and frame ids of the stop are stale. Called
     * before a resume is issued and again on the engine's {@code Resumed}.
     */
    public void runs() {
        paused = false;
        forgetFrames();
    }

    /** The frames, references and stacks read for the last stop are stale (the threads ran, or will). */
    private void forgetFrames() {
        frames.clear();
        refs.clear();
        frameScopes.clear();
        org.ptracedap.debugger.Stacks s = stacks;
        if (s != null) {
            s.invalidate();
        }
    }

    /** The group of processes this session debugs (made when an attach or launch begins). */
    private volatile TraceGroup group;
    /** The followed children that joined the group, newest last: one of them is the main process once the first leaves. */
    private final java.util.Deque<Integer> joined = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** The group has no process left (exited, or let go). */
    private volatile boolean groupEnded;
    /** Which process each live thread belongs to. */
    private final Map<Integer, Integer> threadOwner = new ConcurrentHashMap<>();
    private volatile FollowFork follow = FollowFork.PARENT;
    private volatile boolean clientStartsSessions;
    private volatile boolean hadDebuggee;
    private volatile boolean failedOnce;
    private volatile boolean ended;
    /** disconnect is letting the processes go: their detaching is not the program's end. */
    private volatile boolean disconnecting;
    private volatile boolean stopOnEntry;
    /** The attach or launch in flight (or done): a disconnect waits for it. */
    private volatile CompletableFuture<Void> start = CompletableFuture.completedFuture(null);
    /** Completes when the session is over (disconnect answered, or the client went away). */
    public final CompletableFuture<Void> end = new CompletableFuture<>();

    /**
     * @param tracer the engine, possibly still loading (JNA's first load takes up to a second and
     *               must not delay the answer to {@code initialize})
     */
    public Session(CompletableFuture<Tracer> tracer, ProtocolLog log) {
        this.tracer = tracer;
        this.log = log;
    }

    /** Runs {@code action} with the engine once it is loaded (at once if it is). */
    public void whenTracer(Consumer<Tracer> action) {
        tracer.thenAccept(action);
    }

    /** Is the calling thread the engine's event thread (the one that calls {@link #accept})? */
    public boolean onEngineEventThread() {
        Tracer t = tracer.getNow(null);
        return t != null && t.onEventThread();
    }


    /** Sends a DAP {@code thread} event: reason ("started", "exited") and thread id. */
    @FunctionalInterface
    public interface ThreadEvents {
        void send(String reason, int tid);
    }

    /** The client, and the fast way to send it the most frequent event there is. */
    public void connect(IDebugProtocolClient client, ThreadEvents threadEvents) {
        this.threadEvents = threadEvents;
        this.client = client;
    }

    public IDebugProtocolClient client() {
        return client;
    }

    public Kind kind() {
        return kind;
    }

    /** The main process. */
    public int pid() {
        return pid;
    }

    /** The session's processes in the engine; null before an attach or launch began. */
    public TraceGroup group() {
        return group;
    }

    /** The process a thread belongs to, or the main process if unknown. */
    public int ownerOf(int tid) {
        return threadOwner.getOrDefault(tid, pid);
    }

    /** Had a debuggee, and none is left (it exited). */
    public boolean exited() {
        return hadDebuggee && groupEnded && kind != Kind.ATTACHING && kind != Kind.LAUNCHING;
    }

    public boolean ended() {
        return ended;
    }

    public boolean stopOnEntry() {
        return stopOnEntry;
    }

    public FollowFork follow() {
        return follow;
    }

    public void clientCapabilities(boolean startsSessions) {
        clientStartsSessions = startsSessions;
    }

    /** Does the client start child sessions (startDebugging)? Followed children are then handed over. */
    public boolean clientStartsSessions() {
        return clientStartsSessions;
    }

    /**
     * Claims the session for a debuggee (null if it already has one); completes with a new group
     * in the engine whose events come here, once the engine is loaded (never waited for here: this
     * runs on LSP4J's reader thread).
     */
    public synchronized CompletableFuture<TraceGroup> begin(Kind how, int pidIfKnown, FollowFork follow) {
        if (kind != Kind.NONE || hadDebuggee) {
            return null;
        }
        kind = how;
        this.follow = follow;
        if (pidIfKnown > 0) {
            pid = pidIfKnown;
        }
        TraceGroup old = group;
        if (old != null) {
            old.close(); // a failed attempt's group: nothing of it is traced
            group = null;
        }
        groupEnded = false;
        return tracer.thenApply(t -> {
            TraceGroup g = t.group(this);
            group = g;
            org.ptracedap.debugger.Stacks oldStacks = stacks;
            org.ptracedap.debugger.DebugInfo oldInfo = debugInfo;
            debugInfo = new org.ptracedap.debugger.DebugInfo(debugFiles);
            stacks = new org.ptracedap.debugger.Stacks(g, debugInfo);
            locals = new org.ptracedap.debugger.Locals(g, stacks, debugInfo);
            lineSteps = new org.ptracedap.debugger.LineSteps(g, debugInfo, stacks);
            if (oldStacks != null) {
                oldStacks.close();
                oldInfo.close();
            }
            return g;
        });
    }

    // configurationDone and the end of a launch may come in either order (VS Code: configurationDone first)
    private boolean configured;
    private boolean launchDone;

    /** configurationDone came; true if the launch is done already (the program is to start now). */
    public synchronized boolean configured() {
        configured = true;
        return launchDone;
    }

    /** The launch is done; true if configurationDone came already (the program is to start now). */
    public synchronized boolean launched() {
        launchDone = true;
        return configured;
    }

    /** The session's breakpoints; logpoints print to the console. */
    public final BreakpointTable breakpoints = new BreakpointTable(this::logpoint);
    private final java.util.List<Runnable> startHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code hook} once a program is attached or launched (breakpoints set before then land). */
    public void onStart(Runnable hook) {
        startHooks.add(hook);
    }

    private volatile HitEvaluator hitEvaluator;

    public void started(Kind how, int pid, boolean stopOnEntry) {
        TraceGroup g = group;
        if (g != null) {
            hitEvaluator = new HitEvaluator();
            breakpoints.evaluator(hitEvaluator);
            g.breakpoints(breakpoints, new org.ptracedap.debugger.CapstoneDecoder());
        }
        org.ptracedap.debugger.Stacks s = stacks;
        if (s != null) {
            s.preload(pid);
        }
        modules.refresh(pid, e -> { }); // the baseline: the client asks for the list itself
        this.pid = pid;
        this.stopOnEntry = stopOnEntry;
        hadDebuggee = true;
        kind = how;
        startHooks.forEach(Runnable::run);
    }

    /**
     * A breakpoint's condition and log message, in the hitting thread's frame 0, read afresh for
     * each hit: on the tracer thread during the hit when the breakpoint address's
     * {@link org.ptracedap.debugger.Locals.HitPlan} has all the expression needs (the thread's
     * registers and memory, types and globals looked up before), else on the symbols thread —
     * whose answer teaches the plan what it looked up.
     */
    private final class HitEvaluator implements BreakpointTable.Evaluator {
        /** (pid, address) → the plan of frame 0 there, read once; forgotten when the libraries change. */
        private final Map<List<Long>, CompletableFuture<org.ptracedap.debugger.Locals.HitPlan>> plans = new ConcurrentHashMap<>();

        /** The plan of {@code address} in {@code pid} if it is ready (one is asked for if none is). */
        private org.ptracedap.debugger.Locals.HitPlan plan(int pid, long address) {
            org.ptracedap.debugger.Locals l = locals;
            if (l == null) {
                return null;
            }
            CompletableFuture<org.ptracedap.debugger.Locals.HitPlan> f = plans.computeIfAbsent(List.of((long) pid, address),
                    k -> l.plan(pid, address));
            return f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
        }

        void forget() {
            plans.clear();
        }

        @Override
        public Optional<Boolean> holdsNow(Tracee thread, long address, org.ptracedap.debugger.eval.Expression condition) {
            return now(thread, address, condition.writes(), condition::holds);
        }

        @Override
        public Optional<String> textNow(Tracee thread, long address, BreakpointTable.LogMessage log) {
            return now(thread, address, log.expressions().stream().anyMatch(org.ptracedap.debugger.eval.Expression::writes),
                    scope -> render(log, scope, false));
        }

        private <T> Optional<T> now(Tracee thread, long address, boolean writes,
                                    java.util.function.Function<org.ptracedap.debugger.values.Scope, T> work) {
            if (writes) {
                return Optional.empty(); // a write is made once, where the debug info is
            }
            try {
                org.ptracedap.debugger.values.Scope scope =
                        org.ptracedap.debugger.Locals.scopeAt(thread, plan(thread.pid(), address));
                if (scope == null) {
                    return Optional.empty();
                }
                return Optional.of(org.ptracedap.debuginfo.types.NeedsDebugInfo.without(() -> work.apply(scope)));
            } catch (RuntimeException notHere) {
                // only the debug info can tell (NeedsDebugInfo), or an error: the symbols thread says which
                return Optional.empty();
            }
        }

        @Override
        public CompletableFuture<Boolean> holds(int tid, long address, org.ptracedap.debugger.eval.Expression condition) {
            int owner = ownerOf(tid);
            return locals.inScope(owner, tid, 0, plan(owner, address), condition::holds)
                    .exceptionally(e -> {
                        console("breakpoint condition '" + condition.text() + "': "
                                + org.ptracedap.adapter.errors.ErrorMapper.messageOf(e) + " (stopped)\n");
                        return true;
                    });
        }

        @Override
        public CompletableFuture<String> text(int tid, long address, BreakpointTable.LogMessage log) {
            int owner = ownerOf(tid);
            return locals.inScope(owner, tid, 0, plan(owner, address), scope -> render(log, scope, true))
                    .exceptionally(e -> "<" + org.ptracedap.adapter.errors.ErrorMapper.messageOf(e) + ">\n");
        }

        /** The log message's line, its expressions as gdb prints them; {@code lenient}: an error shows as {@code <why>} in the line. */
        private String render(BreakpointTable.LogMessage log, org.ptracedap.debugger.values.Scope scope, boolean lenient) {
            StringBuilder out = new StringBuilder(log.text().get(0));
            for (int i = 0; i < log.expressions().size(); i++) {
                try {
                    out.append(org.ptracedap.debugger.values.Format.format(log.expressions().get(i).evaluate(scope, false),
                            org.ptracedap.debugger.values.Format.Options.GDB));
                } catch (RuntimeException e) {
                    if (!lenient) {
                        throw e;
                    }
                    out.append("<").append(e.getMessage()).append(">");
                }
                out.append(log.text().get(i + 1));
            }
            return out.append('\n').toString();
        }

        @Override
        public void done(int tid) {
            org.ptracedap.debugger.Stacks s = stacks;
            if (s != null) {
                s.forget(tid);
            }
        }
    }

    // logpoint lines, sent in batches: a flood of hits must not become a flood of events (microsoft/vscode#96945)
    private final StringBuilder logBuffer = new StringBuilder();
    /** Held while a batch is taken and sent: what a stop or an exit says comes after every line sent before it. */
    private final Object logSending = new Object();
    /** How long a logpoint's line waits for others to go with it: one event (and one wake-up of a thread) per batch. */
    private static final long LOG_BATCH_MILLIS = 4;

    /** A logpoint's line, from the tracer thread or an evaluation: queued, sent with what else comes meanwhile. */
    private void logpoint(String line) {
        boolean first;
        synchronized (logBuffer) {
            first = logBuffer.length() == 0;
            logBuffer.append(line);
        }
        if (first) {
            try {
                CompletableFuture.delayedExecutor(LOG_BATCH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS, background)
                        .execute(this::flushLog);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the session is over
            }
        }
    }

    /** Sends the logpoints' lines queued so far (before a stop, an exit, or when the batch's time is up). */
    private void flushLog() {
        synchronized (logSending) {
            String text;
            synchronized (logBuffer) {
                text = logBuffer.toString();
                logBuffer.setLength(0);
            }
            if (!text.isEmpty()) {
                console(text);
            }
        }
    }

    public CompletableFuture<Void> starting(CompletableFuture<Void> attachOrLaunch) {
        start = attachOrLaunch;
        return attachOrLaunch;
    }

    /** Completes (never exceptionally) when the attach or launch in flight has been answered. */
    public CompletableFuture<Void> started() {
        return start.handle((v, e) -> null);
    }

    /** An attach or launch was tried and failed, and nothing is debugged. */
    public boolean triedAndFailed() {
        return failedOnce && kind == Kind.NONE;
    }

    /** The attach or launch failed: the session may try again. */
    public synchronized void failed() {
        failedOnce = true;
        kind = Kind.NONE;
        pid = -1;
    }

    public void disconnecting() {
        disconnecting = true;
    }

    /** The session is over; later requests get a clear error and engine events are ignored. */
    public void finish() {
        ended = true;
        background.shutdown();
        progress.close();
        synchronized (announceLock) {
            announcing.values().forEach(f -> f.complete(null));
            announcing.clear();
        }
        org.ptracedap.debugger.Stacks s = stacks;
        if (s != null) {
            s.close();
            debugInfo.close();
        }
        TraceGroup g = group;
        if (g != null) {
            g.close();
        }
        end.complete(null);
    }

    // ------------------------------------------------------------------ engine → DAP

    @Override
    public void accept(TraceEvent e) {
        IDebugProtocolClient c = client;
        if (c == null || ended) {
            return;
        }
        if (e instanceof TraceEvent.ThreadStarted t) {
            threadEvents.send(ThreadEventArgumentsReason.STARTED, t.tid());
            synchronized (announceLock) {
                threadOwner.put(t.tid(), t.pid());
            }
            threadAnnounced(t.tid());
        } else if (e instanceof TraceEvent.ThreadExited t) {
            threadOwner.remove(t.tid());
            threadEvents.send(ThreadEventArgumentsReason.EXITED, t.tid());
        } else if (e instanceof TraceEvent.Stopped s && s.reason() == TraceEvent.StopReason.SIGNAL) {
            signalStop = s.tid();
            // The engine stopped the whole group; the entry stop belongs to configurationDone, a
            // pause's stop to the pause request.
            String name = s.signalName();
            StoppedEventArguments args = new StoppedEventArguments();
            args.setAllThreadsStopped(true);
            args.setReason(StoppedEventArgumentsReason.EXCEPTION);
            args.setThreadId(s.tid());
            args.setDescription("Paused on signal " + name);
            args.setText(name + " received by thread " + s.tid());
            stops();
            announce(args);
            warmStacks(s.tid()); // after the event: it must not wait for this work
        } else if (e instanceof TraceEvent.Stopped s && s.reason() == TraceEvent.StopReason.BREAKPOINT) {
            flushLog(); // what the logpoints printed before the stop comes before it
            StoppedEventArguments args = new StoppedEventArguments();
            args.setAllThreadsStopped(true);
            args.setReason(StoppedEventArgumentsReason.BREAKPOINT);
            args.setThreadId(s.tid());
            java.util.List<Integer> ids = breakpoints.hitIds(s.tid());
            args.setHitBreakpointIds(ids.toArray(Integer[]::new));
            args.setDescription("Paused on breakpoint");
            if (!stepping.isEmpty() && !stepping.contains(s.tid())) {
                args.setPreserveFocusHint(true); // another thread's hit during a step: the editor stays with the stepping one
            }
            stops();
            announce(args);
            warmStacks(s.tid());
        } else if (e instanceof TraceEvent.Resumed) {
            runs();
        } else if (e instanceof TraceEvent.Output o) {
            output(o.stream() == TraceEvent.Output.Stream.STDOUT ? OutputEventArgumentsCategory.STDOUT
                    : OutputEventArgumentsCategory.STDERR, o.text());
        } else if (e instanceof TraceEvent.ProcessForked f) {
            onForked(f);
        } else if (e instanceof TraceEvent.ProcessHandedOver h) {
            startChildSession(h.childPid());
        } else if (e instanceof TraceEvent.ProcessExec x) {
            console("process " + x.pid() + " is now running " + x.path() + "\n");
            if (x.pid() == pid && x.path() != null) {
                ProcessEventArguments p = new ProcessEventArguments();
                p.setName(x.path());
                p.setSystemProcessId(x.pid());
                p.setIsLocalProcess(true);
                p.setPointerSize(64);
                c.process(p);
            }
        } else if (e instanceof TraceEvent.ProcessExited x) {
            flushLog(); // the lines of its last hits come before its end
            console("process " + x.pid() + (x.exitCode() >= 0 ? " exited with code " + x.exitCode()
                    : " was killed by " + x.signalName()) + "\n");
            left(x.pid());
        } else if (e instanceof TraceEvent.Detached d) {
            flushLog();
            if (!disconnecting && !(d.pid() == pid && joined.isEmpty())) { // not the session's end
                console("process " + d.pid() + " was let go and runs on untraced\n");
            }
            left(d.pid());
        } else if (e instanceof TraceEvent.GroupEnded g) {
            flushLog();
            groupEnded = true;
            if (!disconnecting) {
                ExitedEventArguments exitedArgs = new ExitedEventArguments();
                exitedArgs.setExitCode(g.exitCode() >= 0 ? g.exitCode() : g.signal() >= 0 ? 128 + g.signal() : 0);
                c.exited(exitedArgs);
                c.terminated(new TerminatedEventArguments());
            }
        }
    }

    /** A process left the group; if it was the main one, the newest followed child is main now (follow-fork child). */
    private void left(int gonePid) {
        joined.remove(gonePid);
        if (gonePid == pid && !joined.isEmpty()) {
            pid = joined.peekLast();
        }
    }

    private void onForked(TraceEvent.ProcessForked f) {
        String how = f.kind().name().toLowerCase();
        if (!f.followed()) {
            console("process " + f.pid() + " started process " + f.childPid() + " (" + how
                    + "); it is not followed and runs untraced\n");
        } else if (follow == FollowFork.BOTH && clientStartsSessions) {
            console("process " + f.pid() + " started process " + f.childPid() + " (" + how
                    + "); it gets a debug session of its own\n");
        } else {
            joined.add(f.childPid());
            console("process " + f.pid() + " started process " + f.childPid() + " (" + how + "); "
                    + (follow == FollowFork.CHILD ? "following the child" : "its threads join this session") + "\n");
        }
    }

    /**
     * The session's thread for work off the reader and tracer threads (module lists): long-lived —
     * with 2 CPUs the common pool runs each task on a new thread, and a piped client stream (the
     * demo's) takes the death of the last thread that wrote to it for a broken pipe.
     */
    private final java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        java.lang.Thread t = new java.lang.Thread(r, "ptrace-dap-background");
        t.setDaemon(true);
        return t;
    });
    private final ModuleWatch modules = new ModuleWatch(background);
    private final SourceWatch loadedSources = new SourceWatch(sources);

    /** The session's background thread (see above). */
    public java.util.concurrent.Executor background() {
        return background;
    }

    /**
     * The group is stopped, about to be announced: the debug info checks the processes' mappings
     * again before anything asks (a client's first request follows the event), so what it reads
     * was mapped in this stop — not while the program ran (a library loaded since).
     */
    /** Threads whose step is under way (it goes on after other threads' stops). */
    public final java.util.Set<Integer> stepping = ConcurrentHashMap.newKeySet();

    /** Every thread is stopped and announced so (the last stop was announced, nothing has run since). */
    private volatile boolean paused;

    public boolean paused() {
        return paused;
    }

    private void stops() {
        // the threads may have run since the last stop without a Resumed (a step's run over a call)
        forgetFrames();
        paused = true;
        org.ptracedap.debugger.DebugInfo d = debugInfo;
        if (d != null) {
            d.recheck();
        }
    }

    /** The group stopped for thread {@code tid}: its stacks are found before the client asks; modules that came or went are told. */
    private void warmStacks(int tid) {
        IDebugProtocolClient c = client;
        if (c != null && pid > 0) {
            int main = pid;
            modules.refresh(main, c::module, changes -> loadedSources.changed(debugInfo, main, changes, c::loadedSource));
        }
        org.ptracedap.debugger.Stacks s = stacks;
        Integer owner = threadOwner.get(tid);
        if (s != null) {
            s.stopped(owner != null ? owner : pid, tid);
        }
    }

    /**
     * The dynamic linker changed the program's libraries (a thread of it is stopped at its
     * rendezvous): the debug info reads the mappings again at next use, and {@code module} events
     * say what came or went.
     */
    public void librariesChanged() {
        HitEvaluator h = hitEvaluator;
        if (h != null) {
            h.forget(); // what a breakpoint's frame reads is read again
        }
        org.ptracedap.debugger.DebugInfo d = debugInfo;
        if (d != null) {
            d.recheck();
        }
        IDebugProtocolClient c = client;
        if (c != null && pid > 0) {
            int main = pid;
            modules.refresh(main, c::module, changes -> loadedSources.changed(debugInfo, main, changes, c::loadedSource));
        }
    }

    /** Every process of the session is stopped by a pause. */
    public void stoppedByPause(int threadId) {
        stoppedAll(StoppedEventArgumentsReason.PAUSE, threadId);
    }

    /** Every thread is stopped, for {@code reason}, thread {@code threadId} the one to show. */
    private void stoppedAll(String reason, int threadId) {
        StoppedEventArguments args = new StoppedEventArguments();
        args.setReason(reason);
        args.setThreadId(threadId);
        args.setAllThreadsStopped(true);
        stops();
        announce(args);
        warmStacks(threadId); // after the event: it must not wait for this work
    }

    /** Thread {@code threadId}'s step is over: every thread is stopped. */
    public void stoppedByStep(int threadId) {
        stoppedAll(StoppedEventArgumentsReason.STEP, threadId);
    }

    // a continue's response comes before the stop it led to, and its `continued` event never after that stop
    private final Object stopsLock = new Object();
    private boolean holdingStops;
    private final java.util.List<StoppedEventArguments> heldStops = new java.util.ArrayList<>();

    /** Sends a stopped event, or keeps it while a continue's response is on its way. */
    private void announce(StoppedEventArguments args) {
        synchronized (stopsLock) {
            if (holdingStops) {
                heldStops.add(args);
                return;
            }
        }
        client.stopped(args);
    }

    /** A continue is being answered: stops that come before its response is written wait for it. */
    public void holdStops() {
        synchronized (stopsLock) {
            holdingStops = true;
        }
    }

    /**
     * The continue's response is written: the {@code continued} event, unless the program
     * stopped already (then that stop, and no continued after it).
     */
    public void continuedAfterResponse() {
        java.util.List<StoppedEventArguments> held;
        synchronized (stopsLock) {
            holdingStops = false;
            held = new java.util.ArrayList<>(heldStops);
            heldStops.clear();
            if (held.isEmpty()) {
                continued();
                return;
            }
        }
        held.forEach(client::stopped);
    }

    public void continued() {
        signalStop = 0;
        ContinuedEventArguments args = new ContinuedEventArguments();
        args.setThreadId(pid);
        args.setAllThreadsContinued(true);
        client.continued(args);
    }

    /** Hooks waiting for a thread's {@code thread started} event to have been sent (guarded by announceLock). */
    private final Map<Integer, CompletableFuture<Void>> announcing = new java.util.HashMap<>();
    private final Object announceLock = new Object();

    /**
     * Completes once thread {@code tid}'s {@code thread started} event has been sent (at once if
     * it has): a {@code stopped} event sent from another thread must not overtake it, or VS Code
     * takes the thread for running. An after-event hook, like the transport's after-response ones:
     * nobody waits or polls for it.
     */
    public CompletableFuture<Void> announced(int tid) {
        synchronized (announceLock) {
            if (threadOwner.containsKey(tid) || ended) {
                return CompletableFuture.completedFuture(null);
            }
            return announcing.computeIfAbsent(tid, k -> new CompletableFuture<>());
        }
    }

    private void threadAnnounced(int tid) {
        CompletableFuture<Void> waiting;
        synchronized (announceLock) {
            waiting = announcing.remove(tid);
        }
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /** Announces the entry stop (stopOnEntry). */
    public void stoppedOnEntry() {
        stoppedAll(StoppedEventArgumentsReason.ENTRY, pid);
    }

    // ------------------------------------------------------------------ child sessions

    /** The engine left {@code child} stopped for a session of its own: ask the client to start one. */
    private void startChildSession(int child) {
        StartDebuggingRequestArguments args = new StartDebuggingRequestArguments();
        args.setRequest(StartDebuggingRequestArgumentsType.ATTACH);
        args.setConfiguration(Map.of(
                "type", "ptrace",
                "request", "attach",
                "name", "process " + child + " (forked by " + pid + ")",
                "processId", child,
                "handover", true,
                "followFork", follow.name().toLowerCase()));
        TraceGroup g = group;
        client.startDebugging(args).whenComplete((ok, declined) -> {
            if (declined != null) {
                console("the client declined a session for process " + child + "; it runs on untraced\n");
                g.release(child);
            }
        });
    }

    // ------------------------------------------------------------------ output

    private final java.util.Set<String> hinted = ConcurrentHashMap.newKeySet();

    /** Says {@code text} in the console the first time {@code key} is hinted in this session only. */
    public void consoleOnce(String key, String text) {
        if (hinted.add(key)) {
            console(text);
        }
    }

    public void console(String text) {
        output(OutputEventArgumentsCategory.CONSOLE, text);
    }

    private void output(String category, String text) {
        IDebugProtocolClient c = client;
        if (c != null) {
            OutputEventArguments args = new OutputEventArguments();
            args.setCategory(category);
            args.setOutput(text);
            c.output(args);
        }
    }
}
