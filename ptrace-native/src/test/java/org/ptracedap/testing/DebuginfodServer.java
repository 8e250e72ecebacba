package org.ptracedap.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ptracedap.debuginfo.BuildId;

/**
 * A debuginfod server of the test's own on 127.0.0.1, speaking the one request of the protocol
 * a debugger's client makes: {@code GET /buildid/HEX/debuginfo} → the separate debug file with
 * that build-id, 404 for one it does not have. It counts the requests per build-id, and can hold
 * the answers it has until the test lets them go — to see what goes on while a client waits for
 * a download, with no timing in the test.
 */
public final class DebuginfodServer implements AutoCloseable {
    private static final Pattern REQUEST = Pattern.compile("/buildid/([0-9a-f]+)/debuginfo");

    private final HttpServer http;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "debuginfod-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** Serves {@code debugFiles} (by their build-ids); with {@code hold}, answers for them only after {@link #release}. */
    public DebuginfodServer(boolean hold, Path... debugFiles) throws IOException {
        for (Path f : debugFiles) {
            files.put(buildId(f), f);
        }
        if (!hold) {
            released.complete(null);
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(handlers); // a held answer must not keep the others waiting
        http.createContext("/", this::answer);
        http.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = REQUEST.matcher(exchange.getRequestURI().getPath());
            Path file = null;
            if (m.matches()) {
                requests.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
                file = files.get(m.group(1));
            }
            if (file == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            try {
                // held until the test lets go, or closes the server (it failed); the deadline is a last resort
                released.get(10 * Wait.LONG.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // answer all the same
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** What to put in DEBUGINFOD_URLS. */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The answers held so far go out, and later ones at once. */
    public void release() {
        released.complete(null);
    }

    /** How many times {@code buildId} was asked for. */
    public int requests(String buildId) {
        AtomicInteger n = requests.get(buildId);
        return n == null ? 0 : n.get();
    }

    /** Every build-id asked for, with how many times. */
    public Map<String, Integer> requests() {
        Map<String, Integer> all = new TreeMap<>();
        requests.forEach((id, n) -> all.put(id, n.get()));
        return all;
    }

    /** The build-id of an ELF file, in hex as the protocol has it. */
    public static String buildId(Path elf) throws IOException {
        byte[] id = BuildId.of(elf);
        if (id == null) {
            throw new IOException(elf + " has no build-id");
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : id) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }

    @Override
    public void close() {
        release();
        http.stop(0);
        handlers.shutdownNow();
    }
}
