package org.ptracedap.cli;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.lsp4j.debug.ConfigurationDoneArguments;
import org.eclipse.lsp4j.debug.ContinueArguments;
import org.eclipse.lsp4j.debug.DisconnectArguments;
import org.eclipse.lsp4j.debug.ExitedEventArguments;
import org.eclipse.lsp4j.debug.InitializeRequestArguments;
import org.eclipse.lsp4j.debug.OutputEventArguments;
import org.eclipse.lsp4j.debug.PauseArguments;
import org.eclipse.lsp4j.debug.ProcessEventArguments;
import org.eclipse.lsp4j.debug.StackTraceArguments;
import org.eclipse.lsp4j.debug.StoppedEventArguments;
import org.eclipse.lsp4j.debug.TerminatedEventArguments;
import org.eclipse.lsp4j.debug.Thread;
import org.eclipse.lsp4j.debug.ThreadEventArguments;
import org.eclipse.lsp4j.debug.launch.DSPLauncher;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.eclipse.lsp4j.debug.services.IDebugProtocolServer;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.ptracedap.adapter.Adapter;
import org.ptracedap.adapter.wire.ProtocolLog;
import org.ptracedap.engine.Tracer;

/**
 * {@code ptrace-dap demo}: the adapter and a headless DAP client in one process, over pipes,
 * running a bundled sample and printing a live transcript — threads appearing and exiting while
 * it runs, a pause that lists every thread with its name, its top frame and its call chain (and
 * the line of the sample's own source it is at), continue, a conditional breakpoint hit once
 * (with the value its condition tested), a step over that line, a logpoint printing as threads
 * leave, exit code.
 *
 * <p>Threads: the adapter serves on its own thread; LSP4J calls the client's event methods on
 * its reader thread; the main thread drives the requests.
 */
final class DemoCommand {
    private DemoCommand() {}

    private static final long TIMEOUT = 60;

    static int run(List<String> args, PrintStream out) throws Exception {
        Path sample = samples().resolve("chapter_threads");
        if (!Files.isExecutable(sample)) {
            System.err.println("ptrace-dap demo: " + sample + " is missing; build it with `make -C samples`");
            return 1;
        }
        // chapter_threads INTERVAL_MS LIFETIME_MS MAX: a new thread every 300 ms, each living 1 s, 8 in all
        List<String> programArgs = List.of("300", "1000", "8");

        PipedOutputStream toAdapter = new PipedOutputStream();
        PipedInputStream adapterIn = new PipedInputStream(toAdapter, 1 << 16);
        PipedOutputStream fromAdapter = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(fromAdapter, 1 << 16);
        CompletableFuture<Tracer> tracer = CompletableFuture.supplyAsync(Tracer::shared);
        java.lang.Thread server = new java.lang.Thread(() ->
                Adapter.serve(tracer, new ProtocolLog(null), adapterIn, fromAdapter), "demo-adapter");
        server.setDaemon(true);
        server.start();

        Transcript client = new Transcript(out);
        Launcher<IDebugProtocolServer> launcher = DSPLauncher.createClientLauncher(client, clientIn, toAdapter);
        launcher.startListening();
        IDebugProtocolServer dap = launcher.getRemoteProxy();

        out.println("ptrace-dap demo: the adapter and a DAP client in one process, debugging");
        out.println("  " + sample + " " + String.join(" ", programArgs)
                + "  (a new thread every 300 ms, each lives 1 s)");
        out.println();
        InitializeRequestArguments init = new InitializeRequestArguments();
        init.setClientID("ptrace-dap-demo");
        init.setAdapterID("ptrace");
        dap.initialize(init).get(TIMEOUT, TimeUnit.SECONDS);
        out.println("-> initialize            <- capabilities; initialized");
        dap.launch(Map.of("program", sample.toString(), "args", programArgs)).get(TIMEOUT, TimeUnit.SECONDS);
        out.println("-> launch");
        setBreakpoints(dap, sample, out);
        dap.configurationDone(new ConfigurationDoneArguments()).get(TIMEOUT, TimeUnit.SECONDS);
        out.println("-> configurationDone: running");

        client.started.await(TIMEOUT, TimeUnit.SECONDS);
        int pid = client.pid;
        out.println("-> pause");
        PauseArguments pause = new PauseArguments();
        pause.setThreadId(pid);
        dap.pause(pause).get(TIMEOUT, TimeUnit.SECONDS);
        client.stopped.await(TIMEOUT, TimeUnit.SECONDS);
        Thread[] threads = dap.threads().get(TIMEOUT, TimeUnit.SECONDS).getThreads();
        out.println("   every thread is stopped; " + threads.length + " threads:");
        for (Thread t : threads) {
            StackTraceArguments st = new StackTraceArguments();
            st.setThreadId(t.getId());
            org.eclipse.lsp4j.debug.StackFrame[] frames = dap.stackTrace(st).get(TIMEOUT, TimeUnit.SECONDS).getStackFrames();
            String top = frames[0].getName();
            // the call chain, and where in the program's own source the thread is
            StringBuilder chain = new StringBuilder();
            String where = "";
            for (org.eclipse.lsp4j.debug.StackFrame f : frames) {
                chain.append(chain.length() == 0 ? "" : " <- ").append(f.getName());
                if (where.isEmpty() && f.getSource() != null && f.getSource().getPath() != null
                        && java.nio.file.Files.exists(java.nio.file.Path.of(f.getSource().getPath()))) {
                    where = "  at " + f.getName() + " (" + f.getSource().getName() + ":" + f.getLine() + ")";
                }
            }
            out.printf("     %-28s top frame: %s%s%n", t.getName(), top, where);
            out.printf("     %-28s   %d frames: %s%n", "", frames.length, chain);
        }
        out.println("-> continue");
        ContinueArguments cont = new ContinueArguments();
        cont.setThreadId(pid);
        dap.continue_(cont).get(TIMEOUT, TimeUnit.SECONDS);

        client.breakpointHit.await(TIMEOUT, TimeUnit.SECONDS);
        int hit = client.hitThread;
        StackTraceArguments st = new StackTraceArguments();
        st.setThreadId(hit);
        org.eclipse.lsp4j.debug.StackFrame top = dap.stackTrace(st).get(TIMEOUT, TimeUnit.SECONDS).getStackFrames()[0];
        org.eclipse.lsp4j.debug.EvaluateArguments eval = new org.eclipse.lsp4j.debug.EvaluateArguments();
        eval.setExpression("number");
        eval.setFrameId(top.getId());
        eval.setContext("watch");
        String number = dap.evaluate(eval).get(TIMEOUT, TimeUnit.SECONDS).getResult();
        out.println("   thread " + hit + " is at " + top.getName() + " (" + top.getSource().getName() + ":" + top.getLine()
                + "), number = " + number);
        out.println("-> next (step over the line, on thread " + hit + ")");
        org.eclipse.lsp4j.debug.NextArguments next = new org.eclipse.lsp4j.debug.NextArguments();
        next.setThreadId(hit);
        dap.next(next).get(TIMEOUT, TimeUnit.SECONDS);
        client.stepped.await(TIMEOUT, TimeUnit.SECONDS);
        org.eclipse.lsp4j.debug.StackFrame after = dap.stackTrace(st).get(TIMEOUT, TimeUnit.SECONDS).getStackFrames()[0];
        out.println("   thread " + hit + " stepped to " + after.getName() + " (" + after.getSource().getName() + ":"
                + after.getLine() + ")");
        out.println("-> continue");
        dap.continue_(cont).get(TIMEOUT, TimeUnit.SECONDS);

        boolean ended = client.terminated.await(TIMEOUT, TimeUnit.SECONDS);
        dap.disconnect(new DisconnectArguments()).get(TIMEOUT, TimeUnit.SECONDS);
        out.println("-> disconnect");
        out.println();
        out.println("summary: threads started=" + client.threadsStarted + " exited=" + client.threadsExited
                + " exit code=" + client.exitCode);
        out.flush();
        return ended && client.exitCode == 0 && client.threadsStarted.get() == client.threadsExited.get() ? 0 : 1;
    }

    /**
     * On the line of the sample that prints "thread N started" (found in its source): a breakpoint
     * that stops only for thread 6, and a logpoint that prints for every thread.
     */
    private static void setBreakpoints(IDebugProtocolServer dap, Path sample, PrintStream out) throws Exception {
        Path source = sample.getParent().getParent().resolve("src").resolve("chapter_threads.c");
        List<String> lines = Files.readAllLines(source);
        int started = 0;
        for (int i = 0; i < lines.size() && started == 0; i++) {
            if (lines.get(i).contains("thread %ld started")) {
                started = i + 1;
            }
        }
        org.eclipse.lsp4j.debug.SetBreakpointsArguments sb = new org.eclipse.lsp4j.debug.SetBreakpointsArguments();
        org.eclipse.lsp4j.debug.Source s = new org.eclipse.lsp4j.debug.Source();
        s.setPath(source.toString());
        sb.setSource(s);
        org.eclipse.lsp4j.debug.SourceBreakpoint conditional = new org.eclipse.lsp4j.debug.SourceBreakpoint();
        conditional.setLine(started);
        conditional.setCondition("number == 6");
        org.eclipse.lsp4j.debug.SourceBreakpoint logpoint = new org.eclipse.lsp4j.debug.SourceBreakpoint();
        logpoint.setLine(started);
        logpoint.setLogMessage("logpoint: thread {number} starts, tid {tid}");
        sb.setBreakpoints(new org.eclipse.lsp4j.debug.SourceBreakpoint[] {conditional, logpoint});
        out.println("-> setBreakpoints chapter_threads.c:" + started + ": a breakpoint if number == 6, and a logpoint");
        for (org.eclipse.lsp4j.debug.Breakpoint b : dap.setBreakpoints(sb).get(TIMEOUT, TimeUnit.SECONDS).getBreakpoints()) {
            out.println("<- breakpoint " + b.getId() + (b.isVerified() ? " verified at line " + b.getLine()
                    : " not set: " + b.getMessage()));
        }
    }

    /** Where the samples are: next to the launcher script, or found from the jar's location. */
    static Path samples() {
        String home = System.getProperty("ptracedap.home");
        if (home == null) {
            try {
                Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                home = jar.getParent().getParent().getParent().toString(); // <root>/adapter/target/ptrace-dap.jar
            } catch (Exception e) {
                home = ".";
            }
        }
        return Path.of(home, "samples", "bin");
    }

    /** The client side: prints each event as it arrives. */
    private static final class Transcript implements IDebugProtocolClient {
        private final PrintStream out;
        volatile int pid;
        volatile int exitCode = -1;
        final AtomicInteger threadsStarted = new AtomicInteger();
        final AtomicInteger threadsExited = new AtomicInteger();
        /** Four threads besides main have started: time to pause. */
        final CountDownLatch started = new CountDownLatch(5);
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch breakpointHit = new CountDownLatch(1);
        final CountDownLatch stepped = new CountDownLatch(1);
        volatile int hitThread;
        final CountDownLatch terminated = new CountDownLatch(1);
        private final List<String> pending = new ArrayList<>();

        Transcript(PrintStream out) {
            this.out = out;
        }

        @Override
        public void process(ProcessEventArguments args) {
            pid = Math.toIntExact(args.getSystemProcessId());
            out.println("<- process " + args.getName() + " pid " + pid);
        }

        @Override
        public void thread(ThreadEventArguments args) {
            boolean start = "started".equals(args.getReason());
            (start ? threadsStarted : threadsExited).incrementAndGet();
            out.println("<- thread " + args.getReason() + " tid " + args.getThreadId() + "   (live, while running)");
            if (start) {
                started.countDown();
            }
        }

        @Override
        public void stopped(StoppedEventArguments args) {
            out.println("<- stopped: reason " + args.getReason() + ", all threads stopped: " + args.getAllThreadsStopped()
                    + (args.getHitBreakpointIds() != null && args.getHitBreakpointIds().length > 0
                    ? ", thread " + args.getThreadId() + ", breakpoint " + args.getHitBreakpointIds()[0] : ""));
            if ("breakpoint".equals(args.getReason())) {
                hitThread = args.getThreadId();
                breakpointHit.countDown();
            } else if ("step".equals(args.getReason())) {
                stepped.countDown();
            } else {
                stopped.countDown();
            }
        }

        @Override
        public void continued(org.eclipse.lsp4j.debug.ContinuedEventArguments args) {
            out.println("<- continued: all threads");
        }

        @Override
        public void output(OutputEventArguments args) {
            out.print("   [" + args.getCategory() + "] " + args.getOutput());
        }

        @Override
        public void exited(ExitedEventArguments args) {
            exitCode = args.getExitCode();
            out.println("<- exited: code " + exitCode);
        }

        @Override
        public void terminated(TerminatedEventArguments args) {
            out.println("<- terminated");
            terminated.countDown();
        }
    }
}
