package org.ptracedap.adapter.handlers;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.DisconnectArguments;
import org.eclipse.lsp4j.debug.InitializeRequestArguments;
import org.eclipse.lsp4j.debug.ProcessEventArguments;
import org.eclipse.lsp4j.debug.ProcessEventArgumentsStartMethod;
import org.ptracedap.adapter.Args;
import org.ptracedap.adapter.DapError;
import org.ptracedap.adapter.DapTransport;
import org.ptracedap.adapter.ErrorMapper;
import org.ptracedap.adapter.Session;
import org.ptracedap.engine.FollowFork;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.ProcessInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.TraceException;

/** initialize, attach, launch, configurationDone, disconnect, terminate: the life of a session. */
public final class LifecycleHandler {
    private final Session session;
    private final DapTransport transport;
    /** configurationDone and the end of a launch may come in either order (VS Code: configurationDone first). */
    private final Object startLock = new Object();
    private boolean configured;
    private boolean launched;

    public LifecycleHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    /** Capabilities are honest: only what works is announced. */
    public CompletableFuture<Capabilities> initialize(InitializeRequestArguments client) {
        session.clientCapabilities(client != null && Boolean.TRUE.equals(client.getSupportsStartDebuggingRequest()));
        // 'initialized' must follow the response, never overtake it (eclipse-lsp4j/lsp4j#229)
        transport.afterResponse("initialize", () -> session.client().initialized());
        return CompletableFuture.completedFuture(capabilities());
    }

    private static Capabilities capabilities() {
        Capabilities c = new Capabilities();
        c.setSupportsConfigurationDoneRequest(true);
        c.setSupportsTerminateRequest(true);
        c.setSupportTerminateDebuggee(true);
        return c;
    }

    public CompletableFuture<Void> attach(Map<String, Object> arguments) {
        Guards.notEnded(session);
        Args args = new Args("attach", arguments);
        int pid = args.pid("processId");
        FollowFork follow = followFork(args.string("followFork", "parent"));
        boolean handover = args.bool("handover", false);
        TraceOptions options = traceOptions(follow, args);
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        TraceGroup group = session.begin(Session.Kind.ATTACHING, pid, follow);
        if (group == null) {
            throw alreadyDebugging();
        }
        return session.starting((handover ? group.takeOver(pid, options) : group.attach(pid, options)).handle((info, error) -> {
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
        LaunchSpec spec = new LaunchSpec(program, args.strings("args"), args.environment("env"), args.string("cwd", null));
        boolean stopOnEntry = args.bool("stopOnEntry", false);
        FollowFork follow = followFork(args.string("followFork", "parent"));
        TraceOptions options = traceOptions(follow, args);
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        TraceGroup group = session.begin(Session.Kind.LAUNCHING, -1, follow);
        if (group == null) {
            throw alreadyDebugging();
        }
        return session.starting(group.launch(spec, options).handle((info, error) -> {
            if (error != null) {
                session.failed();
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TraceException) {
                    throw DapError.LAUNCH_FAILED.because(cause.getMessage());
                }
                throw ErrorMapper.toException(error);
            }
            session.started(Session.Kind.LAUNCHED, info.pid(), stopOnEntry);
            announceProcess(info, ProcessEventArgumentsStartMethod.LAUNCH);
            boolean configuredAlready;
            synchronized (startLock) {
                launched = true;
                configuredAlready = configured;
            }
            if (configuredAlready) {
                // VS Code sends configurationDone before it has the launch response: start now.
                // The entry stop goes out before the response, or VS Code takes the program for running.
                startProgram(false);
            }
            return null;
        }));
    }

    /** How the engine traces the program: followed children get sessions of their own when the client can start them. */
    private TraceOptions traceOptions(FollowFork follow, Args args) {
        return new TraceOptions(follow, args.signals("signals"), follow == FollowFork.BOTH && session.clientStartsSessions());
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
        synchronized (startLock) {
            configured = true;
            if (!launched) {
                return CompletableFuture.completedFuture(null); // a launch in flight starts the program when it is done
            }
        }
        return startProgram(true);
    }

    /** The launched program, held at its entry, is announced stopped (stopOnEntry) or set running. */
    private CompletableFuture<Void> startProgram(boolean inConfigurationDone) {
        if (session.kind() != Session.Kind.LAUNCHED || session.exited()) {
            return CompletableFuture.completedFuture(null);
        }
        if (session.stopOnEntry()) {
            session.awaitThreadAnnounced(session.pid());
            if (inConfigurationDone) {
                transport.afterResponse("configurationDone", session::stoppedOnEntry);
            } else {
                session.stoppedOnEntry();
            }
            return CompletableFuture.completedFuture(null);
        }
        return session.group().resume().exceptionally(e -> null);
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

    /** Ends the session without waiting for a response to be written (the client is gone). */
    public void end() {
        if (!session.ended()) {
            session.finish();
        }
    }

    /** Ends the debuggee (SIGKILL); the exited and terminated events follow. */
    public CompletableFuture<Void> terminate() {
        Guards.debuggee(session, "terminate");
        return session.group().kill().exceptionally(e -> null);
    }
}
