package org.ptracedap.adapter.handlers;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.DisconnectArguments;
import org.eclipse.lsp4j.debug.ProcessEventArguments;
import org.eclipse.lsp4j.debug.ProcessEventArgumentsStartMethod;
import org.ptracedap.adapter.Args;
import org.ptracedap.adapter.DapError;
import org.ptracedap.adapter.DapTransport;
import org.ptracedap.adapter.ErrorMapper;
import org.ptracedap.adapter.Session;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.ProcessInfo;
import org.ptracedap.engine.TraceException;

/** initialize, attach, launch, configurationDone, disconnect, terminate: the life of a session. */
public final class LifecycleHandler {
    private final Session session;
    private final DapTransport transport;

    public LifecycleHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    /** Capabilities are honest: only what works is announced. */
    public Capabilities initialize() {
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
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        if (!session.begin(Session.Kind.ATTACHING, pid)) {
            throw alreadyDebugging();
        }
        return session.tracer().attach(pid).handle((info, error) -> {
            if (error != null) {
                session.failed();
                throw ErrorMapper.toException(error);
            }
            session.started(Session.Kind.ATTACHED, false);
            announceProcess(info, ProcessEventArgumentsStartMethod.ATTACH);
            return null;
        });
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
        if (args.bool("trace", false)) {
            session.log.enableToStderr();
        }
        if (!session.begin(Session.Kind.LAUNCHING, -1)) {
            throw alreadyDebugging();
        }
        return session.tracer().launch(spec, session::launchedAs).handle((info, error) -> {
            if (error != null) {
                session.failed();
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TraceException) {
                    throw DapError.LAUNCH_FAILED.because(cause.getMessage());
                }
                throw ErrorMapper.toException(error);
            }
            session.started(Session.Kind.LAUNCHED, stopOnEntry);
            announceProcess(info, ProcessEventArgumentsStartMethod.LAUNCH);
            return null;
        });
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
        session.configurationDone();
        if (session.kind() != Session.Kind.LAUNCHED || session.exited()) {
            return CompletableFuture.completedFuture(null);
        }
        if (session.stopOnEntry()) {
            transport.afterResponse("configurationDone", session::stoppedOnEntry);
            return CompletableFuture.completedFuture(null);
        }
        return session.tracer().resumeAll(session.pid()).exceptionally(e -> null);
    }

    /** Attached: detach, the process runs on. Launched: kill, unless terminateDebuggee is false. */
    public CompletableFuture<Void> disconnect(DisconnectArguments args) {
        if (session.ended()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done;
        Session.Kind kind = session.kind();
        if (session.exited() || kind == Session.Kind.NONE) {
            done = CompletableFuture.completedFuture(null);
        } else {
            boolean terminate = args != null && args.getTerminateDebuggee() != null
                    ? args.getTerminateDebuggee() : kind == Session.Kind.LAUNCHED;
            done = terminate ? session.tracer().kill(session.pid()) : session.tracer().detach(session.pid());
        }
        transport.afterResponse("disconnect", session::finish);
        return done.handle((v, error) -> {
            if (error != null && !session.exited() && !(ErrorMapper.toException(error).getResponseError().getCode()
                    == DapError.PROCESS_EXITED.id)) {
                throw ErrorMapper.toException(error);
            }
            return null;
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
        int pid = Guards.debuggee(session, "terminate");
        return session.tracer().kill(pid).exceptionally(e -> null);
    }
}
