package org.ptracedap.adapter.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.debug.DebugLauncher;
import org.eclipse.lsp4j.jsonrpc.debug.messages.DebugNotificationMessage;
import org.eclipse.lsp4j.jsonrpc.debug.messages.DebugRequestMessage;
import org.eclipse.lsp4j.jsonrpc.debug.messages.DebugResponseMessage;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.ptracedap.adapter.errors.DapError;

/**
 * Wires an {@link Endpoint} (the session's request methods) to a byte stream with LSP4J, adding what DAP needs and LSP4J lacks:
 * <ul>
 *   <li><b>seq</b>: LSP4J numbers a message when it is created, but messages are written in the
 *       order they are finished; we renumber each one as it is written, under one lock, so seq
 *       is strictly increasing on the wire (the DAP schema requires it).</li>
 *   <li><b>after-response events</b>: {@code initialized} must follow the {@code initialize}
 *       response (eclipse-lsp4j/lsp4j#229), {@code stopped} the {@code pause} response; handlers
 *       register work with {@link #afterResponse} and it runs right after that response is written.</li>
 *   <li><b>batched flushing</b>: events sent from the engine's event thread are flushed once
 *       per batch of engine events (a clone storm makes thousands), everything else at once.</li>
 *   <li>exactly one response per request read ({@link RequestLedger}), and the protocol log.</li>
 * </ul>
 * Threads: LSP4J's reader thread calls the server; any thread may send (writes are serialised here).
 */
public final class DapTransport {
    private final Object writeLock = new Object();
    private boolean closed;
    /** The disconnect request has been answered: every later response is a refusal. */
    private boolean disconnected;
    private int seq;
    private final Map<String, Queue<Runnable>> afterResponse = new ConcurrentHashMap<>();
    /** The requests read and not yet answered (guarded by writeLock). */
    private final RequestLedger ledger = new RequestLedger();
    private final ProtocolLog log;
    /** LSP4J's writer, once the launcher exists: for the answers {@link FrameFilter} gives itself. */
    private volatile MessageConsumer outgoing;
    /** The protocol stream itself, for {@link #threadEvent}. */
    private volatile OutputStream frames;

    public DapTransport(ProtocolLog log) {
        this.log = log;
    }

    /** Runs {@code r} just after the next response to {@code command} has been written. */
    public void afterResponse(String command, Runnable r) {
        afterResponse.computeIfAbsent(command, k -> new ConcurrentLinkedQueue<>()).add(r);
    }

    /** Creates the launcher; {@code startListening()} on it serves until the input ends. */
    private Launcher<IDebugProtocolClient> launcher(Endpoint endpoint, InputStream in, OutputStream out,
                                                    ExecutorService executor) {
        return new DebugLauncher.Builder<IDebugProtocolClient>()
                .setLocalService(endpoint.server())
                .setRemoteInterface(IDebugProtocolClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(executor)
                .setExceptionHandler(endpoint::toResponseError)
                .wrapMessages(this::wrap)
                .create();
    }

    private MessageConsumer wrap(MessageConsumer consumer) {
        if (consumer instanceof StreamMessageConsumer) {
            outgoing = consumer;
            return message -> write(consumer, message);
        }
        return message -> {
            log.log("<--", message);
            consumer.consume(message);
        };
    }

    /** A response (or event, or reverse request) from LSP4J's side: the requests it answers are in the ledger. */
    private void write(MessageConsumer out, Message message) {
        List<Runnable> after = new ArrayList<>();
        synchronized (writeLock) {
            if (closed) {
                return; // the session is over: nothing may start a frame the exit would cut short
            }
            if (message instanceof DebugResponseMessage r) {
                int requestSeq = requestSeq(r);
                RequestLedger.Entry settled = ledger.take(requestSeq);
                if (settled == null && ledger.takeForced(requestSeq)) {
                    log.log("-x-", "response to request " + requestSeq + " '" + r.getMethod()
                            + "' dropped: it was answered when the session ended");
                    return;
                }
                if (settled != null && "disconnect".equals(r.getMethod()) && r.getError() == null
                        && ledger.owedBefore(settled.order())) {
                    // Requests read before the disconnect are answered before it (their work may
                    // still be under way: an attach, a thread list); the disconnect waits for them.
                    hold(out, r, settled.order());
                    return;
                }
            }
            emit(out, message, after);
            releaseHeldDisconnect(after);
        }
        after.forEach(Runnable::run);
    }

    /** Writes one message (under the write lock): its seq, the refusal after disconnect, hooks to run after it. */
    private void emit(MessageConsumer out, Message message, List<Runnable> after) {
        int next = ++seq;
        if (message instanceof DebugResponseMessage r) {
            r.setResponseId(next);
            if (disconnected && r.getError() == null) {
                // A request read before the disconnect whose work ended after it (a thread list
                // of a process detached meanwhile): once the session is over, nothing succeeds.
                r.setResult(null);
                // (not a pop-up: the client asked on while it closed the session)
                r.setError(DapError.SESSION_ENDED.quietly("this debug session has ended (after disconnect); "
                        + "start a new one").getResponseError());
            }
            if ("disconnect".equals(r.getMethod()) && r.getError() == null) {
                disconnected = true;
            }
            if (r.getError() != null) {
                asDapError(r);
            }
            Queue<Runnable> q = r.getMethod() != null ? afterResponse.get(r.getMethod()) : null;
            if (q != null) {
                List<Runnable> hooks = new ArrayList<>();
                for (Runnable x; (x = q.poll()) != null; ) {
                    hooks.add(x);
                }
                if (r.getError() == null) {
                    after.addAll(hooks); // what was to follow a success does not follow a failure
                }
            }
        } else if (message instanceof DebugNotificationMessage n) {
            n.setId(next);
        } else if (message instanceof DebugRequestMessage q) {
            q.setId(next);
        }
        log.log("-->", message);
        out.consume(message);
    }

    // ------------------------------------------------------------------ the disconnect response, held

    /** A disconnect response waiting for the requests read before it; null if none. */
    private HeldDisconnect held;

    private record HeldDisconnect(MessageConsumer out, DebugResponseMessage response, long order) {}

    /**
     * How long a disconnect response waits for the requests read before it. Their work is bounded
     * (an attach, a pause, a thread list: milliseconds to a few seconds at 10,000 threads); past
     * this they are answered with an error, so a request that never ends cannot keep a session open.
     */
    static final long DISCONNECT_PATIENCE_MILLIS = Long.getLong("ptracedap.disconnectPatienceMillis", 15_000);

    private void hold(MessageConsumer out, DebugResponseMessage r, long order) {
        HeldDisconnect h = new HeldDisconnect(out, r, order);
        held = h;
        log.log("---", "disconnect response held until the requests read before it are answered");
        CompletableFuture.delayedExecutor(DISCONNECT_PATIENCE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
            List<Runnable> after = new ArrayList<>();
            synchronized (writeLock) {
                if (held != h || closed) {
                    return;
                }
                answerAsEnded(ledger.force(h.order()), "this request was still under way when the session was "
                        + "disconnected, and did not finish within " + DISCONNECT_PATIENCE_MILLIS / 1000 + " s", after);
                releaseHeldDisconnect(after);
            }
            after.forEach(Runnable::run);
        });
    }

    /** Writes the held disconnect response once nothing read before it is owed (under the write lock). */
    private void releaseHeldDisconnect(List<Runnable> after) {
        HeldDisconnect h = held;
        if (h != null && !ledger.owedBefore(h.order())) {
            held = null;
            emit(h.out(), h.response(), after);
        }
    }

    /** Error responses, written by us, to requests whose own answer will not come (or come too late). */
    private void answerAsEnded(List<RequestLedger.Entry> entries, String why, List<Runnable> after) {
        MessageConsumer out = outgoing;
        for (RequestLedger.Entry e : entries) {
            DebugResponseMessage r = new DebugResponseMessage();
            r.setRawId(org.eclipse.lsp4j.jsonrpc.messages.Either.forRight(e.seq()));
            r.setMethod(e.command());
            r.setError(DapError.SESSION_ENDED.quietly(why).getResponseError());
            emit(out, r, after);
        }
    }

    private static int requestSeq(DebugResponseMessage r) {
        var raw = r.getRawId();
        if (raw == null) {
            return Integer.MIN_VALUE;
        }
        if (raw.isRight()) {
            return raw.getRight().intValue();
        }
        try {
            return Integer.parseInt(raw.getLeft());
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * DAP's {@code cancel} of request {@code requestSeq}: if it is still owed, it is answered now
     * with the error DAP names {@code cancelled} (its work goes on; its own answer, when it comes,
     * is dropped), so a client waiting on a long evaluation or stack is released at once. False if
     * it was answered already (nothing to do).
     */
    public boolean cancel(int requestSeq) {
        List<Runnable> after = new ArrayList<>();
        synchronized (writeLock) {
            if (closed) {
                return false;
            }
            RequestLedger.Entry e = ledger.forceOne(requestSeq);
            if (e == null) {
                return false;
            }
            DebugResponseMessage r = new DebugResponseMessage();
            r.setRawId(org.eclipse.lsp4j.jsonrpc.messages.Either.forRight(e.seq()));
            r.setMethod(e.command());
            r.setError(DapError.REQUEST_FAILED.quietly("cancelled").getResponseError());
            emit(outgoing, r, after);
        }
        after.forEach(Runnable::run);
        return true;
    }

    /** A request the frame filter passes on to LSP4J: it is owed one response. */
    void read(int requestSeq, String command) {
        synchronized (writeLock) {
            if (!closed) {
                ledger.read(requestSeq, command);
            }
        }
    }

    /**
     * Every error response carries a DAP {@code Message} in {@code body.error} (the schema wants a
     * body, clients show its text): LSP4J's own answers — an unknown command, a parse issue whose
     * data is a Throwable — get one here, and an unsupported request is named.
     */
    private static void asDapError(DebugResponseMessage r) {
        org.eclipse.lsp4j.jsonrpc.messages.ResponseError e = r.getError();
        if (e.getCode() == DapError.UNSUPPORTED.id) {
            e.setMessage("ptrace-dap does not support this request ('" + r.getMethod() + "') yet");
        } else if (e.getCode() == org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.MethodNotFound.getValue()) {
            e.setMessage("unknown request '" + r.getMethod() + "': ptrace-dap does not know this command");
        }
        if (!(e.getData() instanceof Map<?, ?> m && m.get("error") instanceof Map)) {
            int id = e.getCode() > 0 && e.getCode() < 100_000 ? e.getCode() : DapError.BAD_ARGUMENTS.id;
            e.setData(Map.of("error", Map.of("id", id, "format", e.getMessage(), "showUser", true)));
        }
    }

    /**
     * Writes a {@code thread} event without LSP4J. A clone storm makes two per thread of the
     * program, and LSP4J's proxy, message object and Gson took 14–17 µs for each on the engine's
     * event thread (BENCHMARKS.md F3); this frame is a few appends. Same lock, seq and flushing
     * as every other message.
     */
    public void threadEvent(String reason, int tid) {
        synchronized (writeLock) {
            OutputStream out = frames;
            if (closed || out == null) {
                return;
            }
            String json = "{\"seq\":" + (++seq) + ",\"type\":\"event\",\"event\":\"thread\",\"body\":{\"reason\":\""
                    + reason + "\",\"threadId\":" + tid + "}}";
            log.log("-->", json);
            try {
                out.write(frame(json));
                out.flush();
            } catch (IOException e) {
                // the client is gone; the reader side ends the session
            }
        }
    }

    /** {@code json} as a DAP frame: the Content-Length header (of its UTF-8 bytes) and the body. */
    public static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, frame, head.length, body.length);
        return frame;
    }

    /** No more frames: waits for one being written, flushes, and refuses any later one. */
    private void close(BatchedOutput out) {
        List<Runnable> ignored = new ArrayList<>();
        synchronized (writeLock) {
            // Every request read is answered before the output closes: those still under way (the
            // client left mid-request), and those read after the disconnect response.
            HeldDisconnect h = held;
            answerAsEnded(ledger.force(Long.MAX_VALUE), disconnected
                    ? "this debug session has ended (after disconnect); start a new one"
                    : "this debug session ended before the request was answered", ignored);
            if (h != null) {
                held = null;
                emit(h.out(), h.response(), ignored); // the session is over already: its hooks do not matter
            }
            closed = true;
            out.flushIfPending();
            try {
                out.flush();
            } catch (java.io.IOException e) {
                // the client is gone
            }
        }
    }

    /** An error response to a request LSP4J never saw (see {@link FrameFilter}). */
    void respondError(int requestSeq, String command, String message) {
        DebugResponseMessage r = new DebugResponseMessage();
        r.setRawId(org.eclipse.lsp4j.jsonrpc.messages.Either.forRight(requestSeq));
        r.setMethod(command);
        r.setError(DapError.BAD_ARGUMENTS.because(message).getResponseError());
        log.log("<-x", "request " + requestSeq + " '" + command + "' refused: " + message);
        List<Runnable> after = new ArrayList<>();
        synchronized (writeLock) {
            if (!closed) {
                emit(outgoing, r, after); // never read into the ledger: it settles nothing
                releaseHeldDisconnect(after);
            }
        }
        after.forEach(Runnable::run);
    }

    /** Serves {@code endpoint} to one client on the given streams until its session ends. */
    public void serve(Endpoint endpoint, InputStream in, OutputStream rawOut) {
        BatchedOutput out = new BatchedOutput(rawOut, endpoint::batchesWrites);
        frames = out;
        Runnable flush = out::flushIfPending;
        endpoint.onBatchEnd(flush);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dap-io");
            t.setDaemon(true);
            return t;
        });
        FrameFilter filter = new FrameFilter(in, this);
        Launcher<IDebugProtocolClient> launcher = launcher(endpoint, filter.input(), out, executor);
        endpoint.connected(launcher.getRemoteProxy(), this);
        Thread reader = new Thread(filter, "dap-frames");
        reader.setDaemon(true);
        reader.start();
        Future<Void> listening = launcher.startListening();
        Thread watcher = new Thread(() -> {
            try {
                listening.get();
            } catch (Exception e) {
                // cancelled at the end of the session, or the stream failed: either way it is over
            }
            endpoint.inputEnded();
        }, "dap-eof");
        watcher.setDaemon(true);
        watcher.start();
        try {
            endpoint.end().join();
        } finally {
            endpoint.removeBatchEnd(flush);
            close(out);
            listening.cancel(true);
            executor.shutdownNow();
        }
    }

    /**
     * The protocol stream: buffered, and flushed at each message — except messages written on the
     * engine's event thread, which are flushed when the engine's batch of events ends.
     */
    private static final class BatchedOutput extends OutputStream {
        private final java.io.BufferedOutputStream out;
        private final java.util.function.BooleanSupplier batching;
        private boolean pending;

        BatchedOutput(OutputStream raw, java.util.function.BooleanSupplier batching) {
            this.out = new java.io.BufferedOutputStream(raw, 1 << 16);
            this.batching = batching;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            if (batching.getAsBoolean()) {
                pending = true;
            } else {
                out.flush();
                pending = false;
            }
        }

        synchronized void flushIfPending() {
            if (pending) {
                pending = false;
                try {
                    out.flush();
                } catch (java.io.IOException e) {
                    // the client is gone; the reader side ends the session
                }
            }
        }

        @Override
        public synchronized void close() throws java.io.IOException {
            out.close();
        }
    }
}
