package org.ptracedap.adapter.wire;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.eclipse.lsp4j.debug.services.IDebugProtocolServer;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/**
 * What {@link DapTransport} serves: the other side of the wire, made by the composition root
 * ({@link org.ptracedap.adapter.Adapter}). The transport knows nothing else of the session.
 */
public interface Endpoint {
    /** The request methods LSP4J calls (on its reader thread). */
    IDebugProtocolServer server();

    /** The client proxy and the transport exist: events may be sent from now on. */
    void connected(IDebugProtocolClient client, DapTransport transport);

    /** Completes when the session is over; the transport then closes its output. */
    CompletableFuture<Void> end();

    /** The client's input ended (or broke) without a disconnect: let the debuggee go, then end. */
    void inputEnded();

    /** An exception a request method threw, as the error response the client gets. */
    ResponseError toResponseError(Throwable t);

    /**
     * Is the calling thread one whose messages are flushed together at the end of its batch of
     * work (the engine's event thread: a clone storm makes thousands of events)?
     */
    boolean batchesWrites();

    /** Runs {@code flush} at the end of each such batch, until {@link #removeBatchEnd}. */
    void onBatchEnd(Runnable flush);

    void removeBatchEnd(Runnable flush);
}
