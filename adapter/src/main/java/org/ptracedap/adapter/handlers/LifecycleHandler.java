package org.ptracedap.adapter.handlers;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.DisconnectArguments;
import org.eclipse.lsp4j.debug.InitializeRequestArguments;
import org.eclipse.lsp4j.debug.ProcessEventArguments;
import org.eclipse.lsp4j.debug.ProcessEventArgumentsStartMethod;
import org.ptracedap.debuginfo.DebugFiles;
import org.ptracedap.adapter.handlers.Args;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.wire.DapTransport;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.engine.FollowFork;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.ProcessInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;

/** initialize, attach, launch, configurationDone, disconnect, terminate: the life of a session. */
public final class LifecycleHandler implements Capable {
    private final Session session;
    private final DapTransport transport;

    public LifecycleHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    /** Answers with {@code capabilities}: what the handlers declared (see {@link Capable}). */
    public CompletableFuture<Capabilities> initialize(InitializeRequestArguments client, Capabilities capabilities) {
        session.clientCapabilities(client != null && Boolean.TRUE.equals(client.getSupportsStartDebuggingRequest()));
        session.progress.supported(client != null && Boolean.TRUE.equals(client.getSupportsProgressReporting()));
        // 'initialized' must follow the response, never overtake it (eclipse-lsp4j/lsp4j#229)
        transport.afterResponse("initialize", () -> session.client().initialized());
        return CompletableFuture.completedFuture(capabilities);
    }

    /**
     * cancel: a request still under way (a long evaluation, a deep stack) is answered at once
     * with DAP's {@code cancelled} error; one answered already is left alone. Progress is not
     * cancellable (we announce none as such).
     */
    public CompletableFuture<Void> cancel(org.eclipse.lsp4j.debug.CancelArguments args) {
        if (args != null && args.getRequestId() != null) {
            transport.cancel(args.getRequestId());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsConfigurationDoneRequest(true);
        c.setSupportsCancelRequest(true);
        c.setSupportsTerminateRequest(true);
        c.setSupportTerminateDebuggee(true);
    }

    /**
     * A 32-bit program is refused with a clear message: the engine's registers, unwinding and
     * disassembly are x86-64's. A file that cannot be read is left to the attach or launch to
     * report.
     */
    private static void refuse32Bit(java.nio.file.Path exe, String what) {
        byte[] ident = new byte[5];
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(exe)) {
            if (in.readNBytes(ident, 0, 5) < 5) {
                return;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return;
        }
        if (ident[0] == 0x7f && ident[1] == 'E' && ident[2] == 'L' && ident[3] == 'F' && ident[4] == 1) {
            throw DapError.BAD_ARGUMENTS.because(what + " a 32-bit program; ptrace-dap debugs 64-bit (x86-64) "
                    + "programs only");
        }
    }

    public CompletableFuture<Void> attach(Map<String, Object> arguments) {
        Guards.notEnded(session);
        Args args = new Args("attach", arguments);
        int pid = args.pid("processId");
        refuse32Bit(java.nio.file.Path.of("/proc/" + pid + "/exe"), "process " + pid + " runs");
        FollowFork follow = followFork(args.string("followFork", "parent"));
        boolean handover = args.bool("handover", false);
        TraceOptions options = traceOptions(follow, args.signals("signals"));
        session.sourceMap(args.sourceMap("sourceMap", "substitutePath"));
        session.debugFiles(debugFiles(args.bool("debuginfod", false)));
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        CompletableFuture<TraceGroup> group = session.begin(Session.Kind.ATTACHING, pid, follow);
        if (group == null) {
            throw alreadyDebugging();
        }
        return session.starting(group.thenCompose(g -> handover ? g.takeOver(pid, options) : g.attach(pid, options)).handle((info, error) -> {
            if (error != null) {
                session.failed();
                throw ErrorMapper.toException(error);
            }
            session.started(Session.Kind.ATTACHED, info.pid(), false);
            announceProcess(info, ProcessEventArgumentsStartMethod.ATTACH);
            return null;
        }));
    }

    public CompletableFuture<Void> launch(Map<String, Object> arguments) {
        Guards.notEnded(session);
        Args args = new Args("launch", arguments);
        String program = args.string("program", null);
        if (program == null || program.isBlank()) {
            throw DapError.BAD_ARGUMENTS.because("launch: 'program' is missing: give the path of the program to run");
        }
        refuse32Bit(java.nio.file.Path.of(program), program + " is");
        LaunchSpec spec = new LaunchSpec(program, args.strings("args"), args.environment("env"), args.string("cwd", null));
        boolean stopOnEntry = args.bool("stopOnEntry", false);
        FollowFork follow = followFork(args.string("followFork", "parent"));
        TraceOptions options = traceOptions(follow, args.signals("signals"));
        session.sourceMap(args.sourceMap("sourceMap", "substitutePath"));
        session.debugFiles(debugFiles(args.bool("debuginfod", false)));
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        CompletableFuture<TraceGroup> group = session.begin(Session.Kind.LAUNCHING, -1, follow);
        if (group == null) {
            throw alreadyDebugging();
        }
        return session.starting(group.thenCompose(g -> g.launch(spec, options)).handle((info, error) -> {
            if (error != null) {
                session.failed();
                throw ErrorMapper.launchFailed(error);
            }
            session.started(Session.Kind.LAUNCHED, info.pid(), stopOnEntry);
            announceProcess(info, ProcessEventArgumentsStartMethod.LAUNCH);
            return session.launched();
        }).thenCompose(configuredAlready -> configuredAlready
                // VS Code sends configurationDone before it has the launch response: start now. The
                // entry stop goes out before the response, or VS Code takes the program for running.
                ? startProgram(false)
                : CompletableFuture.completedFuture(null)));
    }

    /**
     * {@code debuginfod: true}: the symbols may download missing debug files from the servers in
     * DEBUGINFOD_URLS (off the tracer thread, see {@link DebugFiles}); off by default, even when
     * DEBUGINFOD_URLS is set (Debian sets it on desktops). Asked for without servers, it says so.
     */
    private DebugFiles debugFiles(boolean debuginfod) {
        if (!debuginfod) {
            return DebugFiles.LOCAL;
        }
        if (DebugFiles.servers().isEmpty()) {
            session.consoleOnce("debuginfod", "debuginfod: DEBUGINFOD_URLS is empty or unset in the adapter's environment,"
                    + " so no debug info is downloaded; local debug files are used\n");
            return DebugFiles.LOCAL;
        }
        return DebugFiles.DEBUGINFOD;
    }

    /** How the engine traces the program: followed children get sessions of their own when the client can start them. */
    private TraceOptions traceOptions(FollowFork follow, org.ptracedap.engine.SignalPolicy signals) {
        return new TraceOptions(follow, signals, follow == FollowFork.BOTH && session.clientStartsSessions());
    }

    private static FollowFork followFork(String text) {
        FollowFork follow = FollowFork.parse(text);
        if (follow == null) {
            throw DapError.BAD_ARGUMENTS.because("'followFork' must be \"parent\", \"child\" or \"both\", not \"" + text + "\"");
        }
        return follow;
    }

    private RuntimeException alreadyDebugging() {
        return DapError.ALREADY_DEBUGGING.because("this session already debugs process " + session.pid()
                + "; start another debug session for another program");
    }

    private void announceProcess(ProcessInfo info, ProcessEventArgumentsStartMethod how) {
        ProcessEventArguments p = new ProcessEventArguments();
        p.setName(info.name());
        p.setSystemProcessId(info.pid());
        p.setIsLocalProcess(true);
        p.setStartMethod(how);
        p.setPointerSize(64);
        session.client().process(p);
    }

    /** Breakpoints are set (none exist yet): a launched program starts, or is announced stopped on entry. */
    public CompletableFuture<Void> configurationDone() {
        Guards.notEnded(session);
        if (!session.configured()) {
            return CompletableFuture.completedFuture(null); // a launch in flight starts the program when it is done
        }
        return startProgram(true);
    }

    /** The launched program, held at its entry, is announced stopped (stopOnEntry) or set running. */
    private CompletableFuture<Void> startProgram(boolean inConfigurationDone) {
        if (session.kind() != Session.Kind.LAUNCHED || session.exited()) {
            return CompletableFuture.completedFuture(null);
        }
        if (session.stopOnEntry()) {
            // The entry stop follows the main thread's 'thread started' event (or VS Code takes
            // the thread for running) and, in configurationDone, its response.
            CompletableFuture<Void> announced = session.announced(session.pid());
            if (inConfigurationDone) {
                transport.afterResponse("configurationDone", () -> announced.thenRun(session::stoppedOnEntry));
                return CompletableFuture.completedFuture(null);
            }
            return announced.thenRun(session::stoppedOnEntry);
        }
        // the breakpoints set before configurationDone are in before the program runs a single instruction
        return session.breakpoints.settled().thenCompose(v -> session.group().resume()).exceptionally(e -> null);
    }

    /**
     * Attached: detach, the process runs on. Launched: kill, unless terminateDebuggee is false.
     * An attach or launch still in flight is answered first, then undone the same way.
     */
    public CompletableFuture<Void> disconnect(DisconnectArguments args) {
        if (session.ended()) {
            return CompletableFuture.completedFuture(null);
        }
        session.disconnecting();
        transport.afterResponse("disconnect", session::finish);
        return session.started().thenCompose(v -> {
            Session.Kind kind = session.kind();
            if (session.exited() || kind == Session.Kind.NONE) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            boolean terminate = args != null && args.getTerminateDebuggee() != null
                    ? args.getTerminateDebuggee() : kind == Session.Kind.LAUNCHED;
            TraceGroup group = session.group();
            return (terminate ? group.kill() : group.detach())
                    .exceptionally(e -> null); // exited meanwhile: nothing left to let go
        });
    }

    /** Ends the debuggee (SIGKILL); the exited and terminated events follow. */
    public CompletableFuture<Void> terminate() {
        Guards.debuggee(session, "terminate");
        return session.group().kill().exceptionally(e -> null);
    }
}
