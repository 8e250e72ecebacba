package org.ptracedap.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ptracedap.adapter.Adapter;
import org.ptracedap.adapter.wire.DapTransport;
import org.ptracedap.adapter.wire.ProtocolLog;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;

/**
 * {@code ptrace-dap warmup} (hidden; the build and the VS Code extension run it with
 * {@code -XX:ArchiveClassesAtExit}): DAP conversations in-process, so that the class-data archive
 * holds the classes a real session loads — start-up (no engine yet), then an attach to a child
 * of ours and a launch, with threads, pause, stack and continue. Loading them from the archive
 * instead of the jar roughly halves the time to the first {@code initialize} response, and takes
 * class loading off a user's first attach and launch.
 *
 * <p>It must finish and exit 0 wherever the build runs: a step that fails (ptrace not permitted,
 * no {@code /bin/sleep}) still loads classes, every wait is bounded, and nothing is left running.
 */
final class WarmupCommand {
    private WarmupCommand() {}

    private static final long STEP_SECONDS = 10;

    static int run() throws Exception {
        // Start-up, as before the engine is loaded.
        try (Conversation c = new Conversation(new CompletableFuture<>())) {
            c.request("initialize", "{\"adapterID\":\"ptrace\"}");
            c.request("threads", "{}");
            c.request("setBreakpoints", "{\"source\":{\"path\":\"a.c\"},\"breakpoints\":[{\"line\":1}]}");
            c.request("disconnect", "{}");
        }
        Tracer tracer;
        try {
            tracer = Tracer.shared();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("ptrace-dap warmup: no engine (" + e + "); start-up classes only");
            return 0;
        }
        try {
            String attached = attach(tracer) ? "attach, pause, continue, detach" : "attach refused";
            String launched = launch(tracer) ? "launch to exit" : "launch failed";
            System.err.println("ptrace-dap warmup: " + attached + "; " + launched);
        } catch (Exception e) {
            System.err.println("ptrace-dap warmup: " + e + " (the archive holds what was loaded so far)");
        }
        return 0;
    }

    /** Attach to a child of ours (allowed even where Yama restricts ptrace to descendants), pause, continue, detach. */
    private static boolean attach(Tracer tracer) throws Exception {
        Spawn.Child sleeper;
        try {
            sleeper = tracer.spawnUntraced("/bin/sleep", List.of("sleep", "60"), false).get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
        int pid = sleeper.pid();
        boolean ok;
        try (Conversation c = new Conversation(CompletableFuture.completedFuture(tracer))) {
            c.request("initialize", "{\"adapterID\":\"ptrace\"}");
            ok = c.request("attach", "{\"processId\":" + pid + "}");
            if (ok) {
                c.request("configurationDone", "{}");
                c.request("threads", "{}");
                c.request("pause", "{\"threadId\":" + pid + "}");
                c.awaitEvent("stopped");
                c.request("stackTrace", "{\"threadId\":" + pid + "}");
                c.request("scopes", "{\"frameId\":1}");
                ok = c.request("continue", "{\"threadId\":" + pid + "}");
            }
            ok &= c.request("disconnect", "{}");
        } finally {
            try {
                LibC.kill(pid, Signals.SIGKILL);
            } catch (RuntimeException e) {
                // gone already
            }
            tracer.childExit(pid).get(STEP_SECONDS, TimeUnit.SECONDS);
        }
        return ok;
    }

    /** Launch a program stopped at its entry, look at it, let it run to its exit. */
    private static boolean launch(Tracer tracer) throws Exception {
        try (Conversation c = new Conversation(CompletableFuture.completedFuture(tracer))) {
            c.request("initialize", "{\"adapterID\":\"ptrace\"}");
            boolean ok = c.request("launch", "{\"program\":\"/bin/true\",\"stopOnEntry\":true}");
            if (ok) {
                c.request("configurationDone", "{}");
                c.awaitEvent("stopped");
                c.request("threads", "{}");
                c.request("continue", "{\"threadId\":0}");
                ok = c.awaitEvent("terminated");
            }
            c.request("disconnect", "{}");
            return ok;
        }
    }

    /** One in-process DAP session and a minimal client that waits for what it asks for. */
    private static final class Conversation implements AutoCloseable {
        private final OutputStream toAdapter;
        private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private int seq;

        Conversation(CompletableFuture<Tracer> tracer) throws IOException {
            // NIO pipes: java.io's piped streams fail once a thread that wrote to them has ended.
            Pipe requests = Pipe.open();
            Pipe replies = Pipe.open();
            toAdapter = Channels.newOutputStream(requests.sink());
            InputStream adapterIn = Channels.newInputStream(requests.source());
            OutputStream fromAdapter = Channels.newOutputStream(replies.sink());
            InputStream clientIn = Channels.newInputStream(replies.source());
            Thread server = new Thread(() -> Adapter.serve(tracer, new ProtocolLog(null),
                    adapterIn, fromAdapter), "warmup-adapter");
            server.setDaemon(true);
            server.start();
            Thread reader = new Thread(() -> {
                try {
                    for (String f; (f = readFrame(clientIn)) != null; ) {
                        frames.add(f);
                    }
                } catch (IOException e) {
                    // the session is over
                }
            }, "warmup-client");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends a request; true if it was answered with success within the step's time. */
        boolean request(String command, String arguments) throws Exception {
            int n = ++seq;
            toAdapter.write(DapTransport.frame("{\"seq\":" + n + ",\"type\":\"request\",\"command\":\"" + command
                    + "\",\"arguments\":" + arguments + "}"));
            toAdapter.flush();
            String response = await(f -> f.matches("(?s).*\"request_seq\":" + n + "[,}].*"));
            return response != null && response.contains("\"success\":true");
        }

        boolean awaitEvent(String event) throws InterruptedException {
            return await(f -> f.contains("\"event\":\"" + event + "\"")) != null;
        }

        private String await(Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
            while (true) {
                String f = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null || wanted.test(f)) {
                    return f;
                }
            }
        }

        @Override
        public void close() throws IOException {
            toAdapter.close(); // end of input ends the session
        }

        private static String readFrame(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                head.write(c);
            }
            String h = head.toString(StandardCharsets.US_ASCII);
            int length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }
}
