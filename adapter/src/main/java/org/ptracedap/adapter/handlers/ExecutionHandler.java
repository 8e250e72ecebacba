package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.ContinueArguments;
import org.eclipse.lsp4j.debug.ContinueResponse;
import org.eclipse.lsp4j.debug.PauseArguments;
import org.ptracedap.adapter.wire.DapTransport;
import org.ptracedap.adapter.session.Session;

/**
 * pause and continue, all-stop: every thread stops, every thread resumes. Both answer at once;
 * the {@code stopped} event follows the pause response when every thread has stopped.
 */
public final class ExecutionHandler implements Capable {
    private final Session session;
    private final DapTransport transport;

    public ExecutionHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    public CompletableFuture<Void> pause(PauseArguments args) {
        int pid = Guards.debuggee(session, "pause");
        int threadId = args != null && args.getThreadId() > 0 ? args.getThreadId() : pid;
        // Issued after the response is written, so the stopped event can never overtake it.
        transport.afterResponse("pause", () -> {
            session.group().pause().whenComplete((v, e) -> {
                if (e == null) {
                    session.stoppedByPause(threadId);
                } else if (!session.exited()) {
                    session.console("pause failed: " + e.getMessage() + "\n");
                }
            });
        });
        return CompletableFuture.completedFuture(null);
    }

    public CompletableFuture<ContinueResponse> resume(ContinueArguments args) {
        Guards.debuggee(session, "continue");
        session.runs();
        session.holdStops(); // a stop that comes at once waits for this response: never a `continued` after it
        return session.group().resume().exceptionally(e -> null).thenApply(v -> {
            transport.afterResponse("continue", session::continuedAfterResponse);
            ContinueResponse r = new ContinueResponse();
            r.setAllThreadsContinued(true);
            return r;
        });
    }
}
