package org.ptracedap.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.adapter.DapTransport;
import org.ptracedap.adapter.ProtocolLog;
import org.ptracedap.adapter.Session;
import org.ptracedap.engine.Tracer;

/**
 * {@code ptrace-dap warmup} (hidden, used by the build): one DAP conversation in-process, with no
 * debuggee and no ptrace, so that a run with {@code -XX:ArchiveClassesAtExit} records the classes
 * a real session loads first. The launcher then starts the JVM from that class-data archive, which
 * roughly halves the time to the first {@code initialize} response.
 */
final class WarmupCommand {
    private WarmupCommand() {}

    static int run() throws Exception {
        PipedOutputStream toAdapter = new PipedOutputStream();
        PipedInputStream adapterIn = new PipedInputStream(toAdapter, 1 << 16);
        PipedOutputStream fromAdapter = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(fromAdapter, 1 << 16);
        Thread server = new Thread(() -> DapTransport.serve(
                new Session(new CompletableFuture<Tracer>(), new ProtocolLog(null)), adapterIn, fromAdapter), "warmup");
        server.setDaemon(true);
        server.start();
        String[] requests = {
            "{\"seq\":1,\"type\":\"request\",\"command\":\"initialize\",\"arguments\":{\"adapterID\":\"ptrace\"}}",
            "{\"seq\":2,\"type\":\"request\",\"command\":\"threads\"}",
            "{\"seq\":3,\"type\":\"request\",\"command\":\"setBreakpoints\",\"arguments\":{\"source\":{\"path\":\"a.c\"},\"breakpoints\":[{\"line\":1}]}}",
            "{\"seq\":4,\"type\":\"request\",\"command\":\"disconnect\",\"arguments\":{}}",
        };
        for (String r : requests) {
            byte[] body = r.getBytes(StandardCharsets.UTF_8);
            toAdapter.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            toAdapter.write(body);
            toAdapter.flush();
        }
        // initialize response, initialized, threads error, setBreakpoints, disconnect
        for (int i = 0; i < 5; i++) {
            readFrame(clientIn);
        }
        return 0;
    }

    private static void readFrame(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.write(c);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
        in.readNBytes(length);
    }
}
