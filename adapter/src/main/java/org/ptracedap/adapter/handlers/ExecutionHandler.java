package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.ContinueArguments;
import org.eclipse.lsp4j.debug.ContinueResponse;
import org.eclipse.lsp4j.debug.PauseArguments;
import org.ptracedap.adapter.DapTransport;
import org.ptracedap.adapter.Session;

/**
 * pause and continue, all-stop: every thread stops, every thread resumes. Both answer at once;
 * the {@code stopped} event follows the pause response when every thread has stopped.
 */
public final class ExecutionHandler {
    private final Session session;
    private final DapTransport transport;

    public ExecutionHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    public CompletableFuture<Void> pause(PauseArguments args) {
        int pid = Guards.debuggee(session, "pause");
        session.pauseRequestedOn(args != null ? args.getThreadId() : pid);
        // Issued after the response is written, so the stopped event can never overtake it.
        transport.afterResponse("pause", () -> session.tracer().pauseAll(pid).exceptionally(e -> {
            session.console("pause failed: " + e.getMessage() + "\n");
            return null;
        }));
        return CompletableFuture.completedFuture(null);
    }

    public CompletableFuture<ContinueResponse> resume(ContinueArguments args) {
        int pid = Guards.debuggee(session, "continue");
        return session.tracer().resumeAll(pid).handle((v, e) -> {
            ContinueResponse r = new ContinueResponse();
            r.setAllThreadsContinued(true);
            return r;
        });
    }
}
