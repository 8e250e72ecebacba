package org.ptracedap.adapter;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.lsp4j.debug.ContinuedEventArguments;
import org.eclipse.lsp4j.debug.ExitedEventArguments;
import org.eclipse.lsp4j.debug.OutputEventArguments;
import org.eclipse.lsp4j.debug.OutputEventArgumentsCategory;
import org.eclipse.lsp4j.debug.StoppedEventArguments;
import org.eclipse.lsp4j.debug.StoppedEventArgumentsReason;
import org.eclipse.lsp4j.debug.TerminatedEventArguments;
import org.eclipse.lsp4j.debug.ThreadEventArguments;
import org.eclipse.lsp4j.debug.ThreadEventArgumentsReason;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.ptracedap.adapter.symbols.Symbolizer;
import org.ptracedap.engine.TraceEvent;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;

/**
 * One debug session: the debuggee it owns and the translation of the engine's events into DAP
 * events — live, as the engine reports them (a {@code thread} event the moment a thread is
 * born, not at the next stop).
 *
 * <p>Threads: request handlers run on LSP4J's reader thread and read/write the volatile state
 * here; {@link #accept} runs on the engine's event thread. The LSP4J client proxy may be called
 * from any thread (its writes are serialised by the transport).
 */
public final class Session implements Consumer<TraceEvent> {
    public enum Kind { NONE, ATTACHING, ATTACHED, LAUNCHING, LAUNCHED }

    private final CompletableFuture<Tracer> tracer;
    public final Symbolizer symbolizer = new Symbolizer();
    public final ProtocolLog log;
    private volatile IDebugProtocolClient client;
    private volatile Kind kind = Kind.NONE;
    private volatile int pid = -1;
    private volatile boolean exited;
    private volatile boolean ended;
    private volatile boolean stopOnEntry;
    private volatile boolean configured;
    private volatile int pauseThread;
    /** Completes when the session is over (disconnect answered, or the client went away). */
    public final CompletableFuture<Void> end = new CompletableFuture<>();

    /**
     * @param tracer the engine, possibly still loading (JNA's first load takes up to a second and
     *               must not delay the answer to {@code initialize})
     */
    public Session(CompletableFuture<Tracer> tracer, ProtocolLog log) {
        this.tracer = tracer.thenApply(t -> {
            t.addListener(this);
            return t;
        });
        this.log = log;
    }

    /** The engine; waits for it to be loaded. */
    public Tracer tracer() {
        return tracer.join();
    }

    public void connect(IDebugProtocolClient client) {
        this.client = client;
    }

    public IDebugProtocolClient client() {
        return client;
    }

    public Kind kind() {
        return kind;
    }

    public int pid() {
        return pid;
    }

    public boolean exited() {
        return exited;
    }

    public boolean ended() {
        return ended;
    }

    public boolean configured() {
        return configured;
    }

    public boolean stopOnEntry() {
        return stopOnEntry;
    }

    /** Claims the session for a debuggee; false if it already has one. */
    public synchronized boolean begin(Kind how, int pidIfKnown) {
        if (kind != Kind.NONE) {
            return false;
        }
        kind = how;
        pid = pidIfKnown;
        return true;
    }

    /** Called on the tracer thread as soon as a launched program has a pid, before any of its events. */
    public void launchedAs(int pid) {
        this.pid = pid;
    }

    public void started(Kind how, boolean stopOnEntry) {
        this.stopOnEntry = stopOnEntry;
        kind = how;
    }

    /** The attach or launch failed: the session may try again. */
    public synchronized void failed() {
        kind = Kind.NONE;
        pid = -1;
    }

    public void configurationDone() {
        configured = true;
    }

    public void pauseRequestedOn(int threadId) {
        pauseThread = threadId;
    }

    /** The session is over; later requests get a clear error and engine events are ignored. */
    public void finish() {
        ended = true;
        tracer.thenAccept(t -> t.removeListener(this));
        end.complete(null);
    }

    // ------------------------------------------------------------------ engine → DAP

    @Override
    public void accept(TraceEvent e) {
        IDebugProtocolClient c = client;
        if (c == null || ended || e.pid() != pid) {
            return;
        }
        if (e instanceof TraceEvent.ThreadStarted t) {
            c.thread(threadEvent(t.tid(), ThreadEventArgumentsReason.STARTED));
        } else if (e instanceof TraceEvent.ThreadExited t) {
            c.thread(threadEvent(t.tid(), ThreadEventArgumentsReason.EXITED));
        } else if (e instanceof TraceEvent.Stopped s) {
            onStopped(c, s);
        } else if (e instanceof TraceEvent.Resumed) {
            ContinuedEventArguments args = new ContinuedEventArguments();
            args.setThreadId(pid);
            args.setAllThreadsContinued(true);
            c.continued(args);
        } else if (e instanceof TraceEvent.Output o) {
            output(o.stream() == TraceEvent.Output.Stream.STDOUT ? OutputEventArgumentsCategory.STDOUT
                    : OutputEventArgumentsCategory.STDERR, o.text());
        } else if (e instanceof TraceEvent.ProcessForked f) {
            console("process " + f.pid() + " started process " + f.childPid() + " (" + f.kind().name().toLowerCase()
                    + "); it is not followed and runs untraced\n");
        } else if (e instanceof TraceEvent.ProcessExec x) {
            console("process " + x.pid() + " is now running " + x.path() + "\n");
        } else if (e instanceof TraceEvent.ProcessExited x) {
            exited = true;
            int code = x.exitCode() >= 0 ? x.exitCode() : 128 + x.signal();
            console("process " + x.pid() + (x.exitCode() >= 0 ? " exited with code " + x.exitCode()
                    : " was killed by " + Signals.name(x.signal())) + "\n");
            ExitedEventArguments exitedArgs = new ExitedEventArguments();
            exitedArgs.setExitCode(code);
            c.exited(exitedArgs);
            c.terminated(new TerminatedEventArguments());
        }
    }

    private void onStopped(IDebugProtocolClient c, TraceEvent.Stopped s) {
        StoppedEventArguments args = new StoppedEventArguments();
        args.setAllThreadsStopped(true);
        switch (s.reason()) {
            case ENTRY -> {
                return; // announced at configurationDone, if the user asked to stop on entry
            }
            case PAUSE -> {
                args.setReason(StoppedEventArgumentsReason.PAUSE);
                args.setThreadId(pauseThread > 0 ? pauseThread : pid);
            }
            case SIGNAL -> {
                String name = Signals.name(s.signal());
                args.setReason(StoppedEventArgumentsReason.EXCEPTION);
                args.setThreadId(s.tid());
                args.setDescription("Paused on signal " + name);
                args.setText(name + " received by thread " + s.tid());
            }
        }
        c.stopped(args);
    }

    /** Announces the entry stop (stopOnEntry). */
    public void stoppedOnEntry() {
        StoppedEventArguments args = new StoppedEventArguments();
        args.setReason(StoppedEventArgumentsReason.ENTRY);
        args.setThreadId(pid);
        args.setAllThreadsStopped(true);
        client.stopped(args);
    }

    private static ThreadEventArguments threadEvent(int tid, String reason) {
        ThreadEventArguments args = new ThreadEventArguments();
        args.setThreadId(tid);
        args.setReason(reason);
        return args;
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
