package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.ExceptionBreakMode;
import org.eclipse.lsp4j.debug.ExceptionDetails;
import org.eclipse.lsp4j.debug.ExceptionInfoArguments;
import org.eclipse.lsp4j.debug.ExceptionInfoResponse;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.engine.SignalInfo;
import org.ptracedap.engine.Tracee;

/**
 * exceptionInfo for a stop on a signal: which signal, its {@code si_code}, and what the kernel
 * says of it — the faulting address of a SIGSEGV or SIGBUS, the process that sent a {@code kill}
 * (from PTRACE_GETSIGINFO of the thread, still in its signal-delivery stop). VS Code shows it in
 * the exception widget at the stopped line.
 */
public final class ExceptionHandler implements Capable {
    private final Session session;

    public ExceptionHandler(Session session) {
        this.session = session;
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsExceptionInfoRequest(true);
    }

    public CompletableFuture<ExceptionInfoResponse> exceptionInfo(ExceptionInfoArguments args) {
        Guards.debuggee(session, "show the exception");
        int tid = args.getThreadId();
        if (tid <= 0 || tid != session.signalStop()) {
            throw DapError.BAD_ARGUMENTS.because("thread " + tid + " did not stop on a signal"
                    + (session.signalStop() > 0 ? "; thread " + session.signalStop() + " did" : ""));
        }
        return session.group().inspect(tid, Tracee::signalInfo).handle((info, error) -> {
            if (error != null) {
                throw ErrorMapper.notStopped(tid, error);
            }
            String description = describe(info);
            ExceptionInfoResponse r = new ExceptionInfoResponse();
            r.setExceptionId(info.signalName());
            r.setDescription(description);
            r.setBreakMode(ExceptionBreakMode.ALWAYS);
            ExceptionDetails details = new ExceptionDetails();
            details.setMessage(description);
            details.setTypeName(info.signalName());
            r.setDetails(details);
            return r;
        });
    }

    /** "SIGSEGV (SEGV_MAPERR): invalid memory access at 0x18", "SIGUSR1 (SI_USER) sent by process 42 (uid 0)". */
    static String describe(SignalInfo info) {
        String head = info.signalName() + " (" + info.codeName() + ")";
        if (SignalInfo.isFault(info.signal()) && info.code() > 0 && info.code() != SignalInfo.SI_KERNEL) {
            return head + ": " + (info.memoryFault() ? "invalid memory access" : "faulting instruction")
                    + " at " + String.format("0x%x", info.address());
        }
        if (info.sent()) {
            return head + " sent by process " + info.senderPid() + " (uid " + info.senderUid() + ")";
        }
        return head;
    }
}
