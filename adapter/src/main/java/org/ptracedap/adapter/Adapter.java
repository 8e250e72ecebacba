package org.ptracedap.adapter;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.eclipse.lsp4j.debug.services.IDebugProtocolServer;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.wire.DapTransport;
import org.ptracedap.adapter.wire.Endpoint;
import org.ptracedap.adapter.wire.ProtocolLog;
import org.ptracedap.engine.Tracer;

/**
 * The composition root of one debug session: it builds the session (state and engine events),
 * the transport (the wire, which knows only the {@link Endpoint} this class is) and the
 * switchboard, and serves them on a pair of streams until the session ends. Used by
 * {@code ptrace-dap dap} (stdio or one per {@code --port} connection), the demo, the class-data
 * warm-up and the in-process tests.
 */
public final class Adapter implements Endpoint {
    private final Session session;
    private final DapServer server;

    private Adapter(Session session, DapServer server) {
        this.session = session;
        this.server = server;
    }

    /**
     * Serves one client on the given streams until it disconnects or its input ends.
     *
     * @param tracer the engine, possibly still loading (JNA's first load takes up to a second and
     *               must not delay the answer to {@code initialize})
     */
    public static void serve(CompletableFuture<Tracer> tracer, ProtocolLog log, InputStream in, OutputStream out) {
        Session session = new Session(tracer, log);
        DapTransport transport = new DapTransport(log);
        transport.serve(new Adapter(session, new DapServer(session, transport)), in, out);
    }

    @Override
    public IDebugProtocolServer server() {
        return server;
    }

    @Override
    public void connected(IDebugProtocolClient client, DapTransport transport) {
        session.connect(client, transport::threadEvent);
    }

    @Override
    public CompletableFuture<Void> end() {
        return session.end;
    }

    /** The client went away without disconnecting: attached → detach, launched → kill; then end. */
    @Override
    public void inputEnded() {
        try {
            server.disconnectQuietly().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("ptrace-dap: cleanup after the client left: " + e);
        }
        if (!session.ended()) {
            session.finish();
        }
    }

    @Override
    public ResponseError toResponseError(Throwable t) {
        return ErrorMapper.toResponseError(t);
    }

    @Override
    public boolean batchesWrites() {
        return session.onEngineEventThread();
    }

    @Override
    public void onBatchEnd(Runnable flush) {
        session.whenTracer(t -> t.onBatchEnd(flush));
    }

    @Override
    public void removeBatchEnd(Runnable flush) {
        session.whenTracer(t -> t.removeBatchEnd(flush));
    }
}
