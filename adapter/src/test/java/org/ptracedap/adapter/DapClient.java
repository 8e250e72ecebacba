package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.ptracedap.engine.Sample;

/**
 * A small expect-style DAP client for tests, speaking raw frames so that tests can also send
 * broken ones. It checks, for every message the adapter sends, that it is a well-formed frame
 * and that {@code seq} is strictly increasing.
 */
public final class DapClient implements AutoCloseable {
    private static final Gson GSON = new Gson();

    private final InputStream in;
    private final OutputStream out;
    private final List<JsonObject> received = new ArrayList<>();
    private final Map<String, Integer> eventCursor = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int nextSeq = 1;
    private boolean eof;

    public DapClient(InputStream fromAdapter, OutputStream toAdapter) {
        this.in = fromAdapter;
        this.out = toAdapter;
        Thread reader = new Thread(this::readLoop, "dap-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        int lastSeq = 0;
        try {
            while (true) {
                int length = -1;
                String line;
                while (!(line = readLine()).isEmpty()) {
                    if (line.startsWith("Content-Length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (length < 0) {
                    problem("frame without Content-Length");
                    return;
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length) {
                    problem("truncated frame");
                    return;
                }
                JsonObject msg = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
                int seq = msg.has("seq") ? msg.get("seq").getAsInt() : -1;
                if (seq <= lastSeq) {
                    problem("seq " + seq + " after " + lastSeq + " in " + msg);
                }
                lastSeq = seq;
                synchronized (this) {
                    received.add(msg);
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof EndOfStream)) {
                problem("reading: " + e);
            }
        } finally {
            synchronized (this) {
                eof = true;
                notifyAll();
            }
        }
    }

    private static final class EndOfStream extends IOException {}

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EndOfStream();
            }
            if (c == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
    }

    private synchronized void problem(String p) {
        problems.add(p);
    }

    /** Every problem seen in the adapter's output so far (none is the only good answer). */
    public synchronized List<String> problems() {
        return new ArrayList<>(problems);
    }

    public synchronized List<JsonObject> received() {
        return new ArrayList<>(received);
    }

    // ------------------------------------------------------------------ sending

    public synchronized int send(String command, Object arguments) {
        JsonObject req = new JsonObject();
        int seq = nextSeq++;
        req.addProperty("seq", seq);
        req.addProperty("type", "request");
        req.addProperty("command", command);
        if (arguments != null) {
            req.add("arguments", GSON.toJsonTree(arguments));
        }
        writeRaw(frame(req.toString()));
        return seq;
    }

    public static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    public void writeRaw(byte[] bytes) {
        try {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to the adapter: " + e, e);
        }
    }

    /** Sends a request and waits for its response, whatever it says. */
    public JsonObject request(String command, Object arguments) throws InterruptedException {
        return response(send(command, arguments));
    }

    /** Sends a request and returns the body of its successful response. */
    public JsonObject ok(String command, Object arguments) throws InterruptedException {
        JsonObject r = request(command, arguments);
        assertTrue(r.get("success").getAsBoolean(), command + " failed: " + r);
        return r.has("body") && r.get("body").isJsonObject() ? r.getAsJsonObject("body") : new JsonObject();
    }

    /** Sends a request that must fail; returns the error message. */
    public String error(String command, Object arguments) throws InterruptedException {
        JsonObject r = request(command, arguments);
        assertTrue(!r.get("success").getAsBoolean(), command + " should have failed: " + r);
        assertTrue(r.has("message") && !r.get("message").getAsString().isBlank(), "an error needs a message: " + r);
        return r.get("message").getAsString();
    }

    // ------------------------------------------------------------------ waiting

    public synchronized JsonObject response(int requestSeq) throws InterruptedException {
        return await("the response to request " + requestSeq, m -> "response".equals(type(m))
                && m.get("request_seq").getAsInt() == requestSeq);
    }

    /** The next event called {@code name} (each event is returned once, in order). */
    public synchronized JsonObject event(String name) throws InterruptedException {
        return event(name, e -> true);
    }

    /** The next event called {@code name} matching {@code p}; events skipped on the way are consumed. */
    public synchronized JsonObject event(String name, Predicate<JsonObject> p) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (true) {
            int from = eventCursor.getOrDefault(name, 0);
            for (int i = from; i < received.size(); i++) {
                JsonObject m = received.get(i);
                if ("event".equals(type(m)) && name.equals(m.get("event").getAsString())) {
                    eventCursor.put(name, i + 1);
                    if (p.test(body(m))) {
                        return body(m);
                    }
                }
            }
            waitUntil(deadline, "a '" + name + "' event");
        }
    }

    /** The next reverse request (adapter → client) called {@code command}, whole. */
    public synchronized JsonObject reverseRequest(String command) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (true) {
            int from = eventCursor.getOrDefault("request:" + command, 0);
            for (int i = from; i < received.size(); i++) {
                JsonObject m = received.get(i);
                if ("request".equals(type(m)) && command.equals(m.get("command").getAsString())) {
                    eventCursor.put("request:" + command, i + 1);
                    return m;
                }
            }
            waitUntil(deadline, "a '" + command + "' reverse request");
        }
    }

    /** Answers a reverse request. */
    public synchronized void respond(JsonObject request, boolean success, String message) {
        JsonObject r = new JsonObject();
        r.addProperty("seq", nextSeq++);
        r.addProperty("type", "response");
        r.addProperty("request_seq", request.get("seq").getAsInt());
        r.addProperty("command", request.get("command").getAsString());
        r.addProperty("success", success);
        if (message != null) {
            r.addProperty("message", message);
        }
        writeRaw(frame(r.toString()));
    }

    /** The text of every {@code output} event of {@code category} ("stdout", "console"...) so far. */
    public synchronized String output(String category) {
        StringBuilder out = new StringBuilder();
        for (JsonObject o : events("output")) {
            if (o.get("category").getAsString().equals(category)) {
                out.append(o.get("output").getAsString());
            }
        }
        return out.toString();
    }

    /**
     * The next event (the whole message) called any of {@code names}, e.g. whichever of
     * {@code stopped} and {@code exited} comes first; each is returned once per set of names.
     */
    public synchronized JsonObject nextEvent(String... names) throws InterruptedException {
        String key = "any:" + String.join(",", names);
        List<String> wanted = List.of(names);
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (true) {
            for (int i = eventCursor.getOrDefault(key, 0); i < received.size(); i++) {
                JsonObject m = received.get(i);
                if ("event".equals(type(m)) && wanted.contains(m.get("event").getAsString())) {
                    eventCursor.put(key, i + 1);
                    return m;
                }
            }
            eventCursor.put(key, received.size());
            waitUntil(deadline, "one of the events " + wanted);
        }
    }

    /** All events called {@code name} received so far (bodies). */
    public synchronized List<JsonObject> events(String name) {
        return received.stream().filter(m -> "event".equals(type(m)) && name.equals(m.get("event").getAsString()))
                .map(DapClient::body).collect(Collectors.toList());
    }

    /** Waits until {@code count} events called {@code name} match {@code p}. */
    public synchronized void awaitEvents(String name, Predicate<JsonObject> p, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (events(name).stream().filter(p).count() < count) {
            waitUntil(deadline, count + " '" + name + "' events (have "
                    + events(name).stream().filter(p).count() + ")");
        }
    }

    private JsonObject await(String what, Predicate<JsonObject> p) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (true) {
            for (JsonObject m : received) {
                if (p.test(m)) {
                    return m;
                }
            }
            waitUntil(deadline, what);
        }
    }

    private void waitUntil(long deadline, String what) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0 || eof) {
            fail((eof ? "the adapter closed its output" : "timed out") + " while waiting for " + what
                    + "; problems: " + problems + "; last messages: "
                    + received.subList(Math.max(0, received.size() - 5), received.size()));
        }
        wait(Math.max(1, left / 1_000_000));
    }

    public synchronized boolean closedByAdapter() {
        return eof;
    }

    public synchronized void awaitClosed() throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (!eof) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("the adapter did not close the session");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    static String type(JsonObject m) {
        JsonElement t = m.get("type");
        return t == null ? null : t.getAsString();
    }

    static JsonObject body(JsonObject m) {
        return m.has("body") && m.get("body").isJsonObject() ? m.getAsJsonObject("body") : new JsonObject();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** initialize, attach to {@code pid}, configurationDone, pause: returns the stopped event. */
    JsonObject attachAndPause(int pid) throws InterruptedException {
        ok("initialize", java.util.Map.of("adapterID", "ptrace"));
        ok("attach", java.util.Map.of("processId", pid));
        ok("configurationDone", null);
        ok("pause", java.util.Map.of("threadId", pid));
        return event("stopped");
    }

    /** The variablesReference of the scope called {@code name} of a frame. */
    static int scopeRef(DapClient c, int frameId, String name) throws InterruptedException {
        for (com.google.gson.JsonElement s : c.ok("scopes", java.util.Map.of("frameId", frameId)).getAsJsonArray("scopes")) {
            if (s.getAsJsonObject().get("name").getAsString().equals(name)) {
                return s.getAsJsonObject().get("variablesReference").getAsInt();
            }
        }
        throw new AssertionError("frame " + frameId + " has no scope " + name);
    }
}
