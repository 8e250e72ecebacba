package org.ptracedap.adapter.wire;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.debug.services.IDebugProtocolServer;
import org.eclipse.lsp4j.jsonrpc.debug.json.DebugMessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;

/**
 * Reads the client's byte stream frame by frame before LSP4J sees it, so that bad input gets a
 * clear answer and costs nothing else:
 * <ul>
 *   <li>a frame whose header cannot be trusted (no or bad Content-Length, a header line that never
 *       ends, a body cut short) cannot be resynchronised: the session is closed cleanly (logged to
 *       stderr; the debuggee is let go as on any client loss);</li>
 *   <li>a well-framed body that is not JSON, or JSON that is not a request or a response, is
 *       dropped with a line on stderr — nothing to answer, since it has no usable seq;</li>
 *   <li>a request without a command, with arguments that are not an object, or whose arguments do
 *       not fit the request's type, is answered here with an error that names the problem;</li>
 *   <li>everything else is passed on re-serialised with its fields in a fixed order (LSP4J's
 *       parser reads {@code arguments} by the {@code type} and {@code command} before it).</li>
 * </ul>
 * Threads: {@link #run} on its own reader thread; LSP4J reads {@link #input()} on its own.
 */
final class FrameFilter implements Runnable {
    /** Larger bodies are refused (and the session closed): no real DAP request comes near this. */
    static final int MAX_BODY = 16 << 20;
    private static final int MAX_HEADER_LINE = 8 << 10;
    /** Requests whose arguments DAP makes optional. */
    private static final Set<String> OPTIONAL_ARGUMENTS = Set.of("configurationDone", "disconnect", "terminate",
            "attach", "launch", // their handlers say which attribute is missing
            "threads", "restart", "loadedSources");
    private static final Map<String, JsonRpcMethod> METHODS = ServiceEndpoints.getSupportedMethods(IDebugProtocolServer.class);
    private static final DebugMessageJsonHandler JSON = new DebugMessageJsonHandler(METHODS);
    private static final Gson GSON = JSON.getGson();
    private static final byte[] EOF = new byte[0];
    /**
     * A body announced longer than what comes (the rest never arrives, or later messages are being
     * swallowed into it) cannot be told from a slow client for a while; after this long it is
     * taken as broken framing and the session is closed.
     */
    private static final long BODY_PATIENCE_NANOS = 10_000_000_000L;
    private volatile long bodyDeadline;

    private final InputStream raw;
    private final DapTransport transport;
    private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

    FrameFilter(InputStream raw, DapTransport transport) {
        this.raw = raw;
        this.transport = transport;
    }

    /** What LSP4J reads: whole, well-formed frames, then end of stream. */
    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos >= current.length) {
                    if (current == EOF) {
                        return -1;
                    }
                    try {
                        current = frames.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1;
                    }
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Override
    public void run() {
        Thread watchdog = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long d = bodyDeadline;
                if (d != 0 && System.nanoTime() > d) {
                    System.err.println("ptrace-dap: closing the session: a message body stayed incomplete for "
                            + BODY_PATIENCE_NANOS / 1_000_000_000L + " s (Content-Length longer than the body?)");
                    frames.add(EOF);
                    return;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dap-frames-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            while (true) {
                int length = readHeader();
                if (length < 0) {
                    return; // end of input
                }
                bodyDeadline = System.nanoTime() + BODY_PATIENCE_NANOS;
                byte[] body = raw.readNBytes(length);
                bodyDeadline = 0;
                if (body.length < length) {
                    throw new Framing("the input ended in the middle of a message (" + body.length + " of " + length + " bytes)");
                }
                try {
                    pass(body);
                } catch (RuntimeException | StackOverflowError e) {
                    // one strange message must not cost the session
                    System.err.println("ptrace-dap: ignored a message that could not be handled: " + e);
                }
            }
        } catch (Framing e) {
            System.err.println("ptrace-dap: closing the session: " + e.getMessage());
        } catch (IOException e) {
            System.err.println("ptrace-dap: closing the session: cannot read from the client: " + e.getMessage());
        } finally {
            watchdog.interrupt();
            frames.add(EOF);
        }
    }

    /** Framing that cannot be resynchronised. */
    private static final class Framing extends Exception {
        Framing(String message) {
            super(message);
        }
    }

    /** Reads header lines up to the blank one; returns Content-Length, or -1 at a clean end of input. */
    private int readHeader() throws IOException, Framing {
        int length = -1;
        boolean first = true;
        while (true) {
            String line = readLine(first);
            if (line == null) {
                return -1;
            }
            first = false;
            if (line.isEmpty()) {
                if (length < 0) {
                    throw new Framing("a message without a Content-Length header");
                }
                return length;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                String value = line.substring(colon + 1).trim();
                try {
                    length = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new Framing("Content-Length '" + value + "' is not a number");
                }
                if (length < 0 || length > MAX_BODY) {
                    throw new Framing("Content-Length " + value + " is out of range (0.." + MAX_BODY + ")");
                }
            }
        }
    }

    /** One header line without its CR LF; null at end of input before any byte of a new message. */
    private String readLine(boolean startOfMessage) throws IOException, Framing {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = raw.read();
            if (c < 0) {
                if (startOfMessage && line.size() == 0) {
                    return null;
                }
                throw new Framing("the input ended in the middle of a message header");
            }
            if (c == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() >= MAX_HEADER_LINE) {
                throw new Framing("a header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(c);
        }
    }

    private void pass(byte[] body) {
        JsonElement json;
        try {
            // Past the nesting LSP4J's parser accepts, so that such a request can still be answered.
            com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(
                    new java.io.StringReader(new String(body, StandardCharsets.UTF_8)));
            reader.setNestingLimit(Integer.MAX_VALUE);
            json = JsonParser.parseReader(reader);
        } catch (RuntimeException | StackOverflowError e) {
            // Not JSON. If it still names its seq, it is owed an answer.
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher seqMatch = Pattern.compile("^\\s*\\{.*?\"seq\"\\s*:\\s*(\\d{1,9})\\b", Pattern.DOTALL).matcher(text);
            if (seqMatch.find() && text.contains("\"request\"")) {
                Matcher cmd = Pattern.compile("\"command\"\\s*:\\s*\"([^\"]{0,100})\"").matcher(text);
                transport.respondError(Integer.parseInt(seqMatch.group(1)), cmd.find() ? cmd.group(1) : "",
                        "the request could not be parsed as JSON: " + e.getMessage());
            } else {
                System.err.println("ptrace-dap: ignored a message that is not JSON: " + e.getMessage());
            }
            return;
        }
        if (!json.isJsonObject()) {
            System.err.println("ptrace-dap: ignored a message that is not a JSON object");
            return;
        }
        JsonObject m = json.getAsJsonObject();
        String type = string(m, "type");
        Integer seq = integer(m, "seq");
        if ("response".equals(type)) {
            // An answer to one of our reverse requests (startDebugging). LSP4J would stop reading a
            // response it cannot parse (a request_seq past int, a body of the wrong shape) in the
            // middle of its body and take the rest for the next header: every later frame lost.
            String canonical = canonical(m);
            if (integer(m, "request_seq") == null || !parses(canonical)) {
                System.err.println("ptrace-dap: ignored a response that cannot be read (it answers no request of ours)");
                return;
            }
            enqueue(canonical);
            return;
        }
        if (!"request".equals(type)) {
            System.err.println("ptrace-dap: ignored a message of type '" + type + "' (a client sends requests and responses)");
            return;
        }
        if (seq == null) {
            System.err.println("ptrace-dap: ignored a request without a numeric 'seq'");
            return;
        }
        String command = string(m, "command");
        if (command == null) {
            transport.respondError(seq, "", "a request needs a 'command' (a string)");
            return;
        }
        JsonElement arguments = m.get("arguments");
        if (arguments != null && !arguments.isJsonNull() && !arguments.isJsonObject()) {
            transport.respondError(seq, command, "the arguments of '" + command + "' must be a JSON object");
            return;
        }
        if (depth(m) > MAX_NESTING) {
            transport.respondError(seq, command, "the request is nested more than " + MAX_NESTING + " levels deep");
            return;
        }
        String problem = checkArguments(command, arguments);
        if (problem != null) {
            transport.respondError(seq, command, problem);
            return;
        }
        String canonical = canonical(m);
        try {
            // What LSP4J will do with it. If that fails LSP4J may leave part of the body unread
            // and lose every later frame, so such a request is answered here instead.
            JSON.parseMessage(canonical);
        } catch (RuntimeException | StackOverflowError e) {
            JsonRpcMethod method = METHODS.get(command);
            String culprit = method != null && method.getParameterTypes().length > 0 && arguments != null
                    && arguments.isJsonObject() ? badField(arguments.getAsJsonObject(), alone -> {
                        JsonObject probe = m.deepCopy();
                        probe.add("arguments", alone);
                        return parses(canonical(probe));
                    }) : null;
            transport.respondError(seq, command, culprit != null
                    ? "invalid arguments for '" + command + "': '" + culprit + "' has the wrong type or value"
                    : "the request could not be read: " + e.getMessage());
            return;
        }
        transport.read(seq, command); // owed a response from here on, whatever happens to the session
        enqueue(canonical);
    }

    /** LSP4J's JSON parser (Gson) refuses deeper nesting; we answer such requests ourselves. */
    static final int MAX_NESTING = 200;

    /** How deeply {@code e} nests (a scalar is 0), without recursion. */
    static int depth(JsonElement e) {
        int max = 0;
        java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
        stack.push(new Object[] {e, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.pop();
            JsonElement x = (JsonElement) top[0];
            int d = (Integer) top[1];
            if (x.isJsonObject()) {
                max = Math.max(max, d + 1);
                for (Map.Entry<String, JsonElement> c : x.getAsJsonObject().entrySet()) {
                    stack.push(new Object[] {c.getValue(), d + 1});
                }
            } else if (x.isJsonArray()) {
                max = Math.max(max, d + 1);
                for (JsonElement c : x.getAsJsonArray()) {
                    stack.push(new Object[] {c, d + 1});
                }
            }
        }
        return max;
    }

    private static final Pattern GSON_PROBLEM = Pattern.compile("Expected (an? \\w+|[A-Z_]+) but was (\\w+).*? path \\$\\.?(\\S*)");

    /** Null if the arguments fit the request's type; otherwise what is wrong, for a person. */
    static String checkArguments(String command, JsonElement arguments) {
        JsonRpcMethod method = METHODS.get(command);
        if (method == null || method.getParameterTypes().length == 0) {
            return null; // unknown (LSP4J answers "unsupported") or without arguments
        }
        boolean missing = arguments == null || arguments.isJsonNull();
        if (missing) {
            return OPTIONAL_ARGUMENTS.contains(command) ? null : "'" + command + "' needs its arguments"
                    + (REQUIRED.containsKey(command) ? ": " + REQUIRED.get(command) : "");
        }
        for (Map.Entry<String, JsonElement> field : arguments.getAsJsonObject().entrySet()) {
            if (field.getValue().isJsonArray()) {
                for (JsonElement item : field.getValue().getAsJsonArray()) {
                    if (item.isJsonNull()) {
                        return "invalid arguments for '" + command + "': '" + field.getKey() + "' contains null";
                    }
                }
            }
        }
        Type type = method.getParameterTypes()[0];
        try {
            GSON.fromJson(arguments, type);
            return null;
        } catch (RuntimeException e) {
            String text = String.valueOf(e.getMessage());
            Matcher g = GSON_PROBLEM.matcher(text);
            if (g.find()) {
                String where = g.group(3).isEmpty() ? "the arguments" : "'" + g.group(3) + "'";
                return "invalid arguments for '" + command + "': " + where + " must be "
                        + kind(g.group(1)) + ", not " + kind(g.group(2));
            }
            String culprit = badField(arguments.getAsJsonObject(), alone -> {
                try {
                    GSON.fromJson(alone, type);
                    return true;
                } catch (RuntimeException x) {
                    return false;
                }
            });
            return "invalid arguments for '" + command + "': "
                    + (culprit != null ? "'" + culprit + "' has the wrong type or value" : text);
        }
    }

    /** The first field of {@code arguments} that, on its own, does not {@code fit}; or null. */
    private static String badField(JsonObject arguments, java.util.function.Predicate<JsonObject> fits) {
        for (Map.Entry<String, JsonElement> field : arguments.entrySet()) {
            JsonObject alone = new JsonObject();
            alone.add(field.getKey(), field.getValue());
            if (!fits.test(alone)) {
                return field.getKey();
            }
        }
        return null;
    }

    /** The required argument of the requests we serve (DAP schema), named when the arguments are missing. */
    private static final Map<String, String> REQUIRED = Map.ofEntries(
            Map.entry("pause", "threadId"), Map.entry("continue", "threadId"), Map.entry("stackTrace", "threadId"),
            Map.entry("scopes", "frameId"), Map.entry("variables", "variablesReference"),
            Map.entry("setBreakpoints", "source"), Map.entry("setFunctionBreakpoints", "breakpoints"),
            Map.entry("setExceptionBreakpoints", "filters"), Map.entry("readMemory", "memoryReference, count"),
            Map.entry("writeMemory", "memoryReference, data"), Map.entry("disassemble", "memoryReference, instructionCount"));

    private static String kind(String gsonWord) {
        String w = gsonWord.toLowerCase().replace("an ", "").replace("a ", "");
        switch (w) {
            case "int": case "long": case "double": case "number": return "a number";
            case "string": return "a string";
            case "boolean": return "true or false";
            case "begin_object": return "an object";
            case "begin_array": return "an array";
            case "null": return "null";
            default: return w;
        }
    }

    /** The message with its fields in a fixed order: LSP4J decides how to read "arguments" from "type" and "command". */
    private static String canonical(JsonObject m) {
        JsonObject ordered = new JsonObject();
        for (String key : new String[] {"seq", "type", "command", "request_seq", "success", "message"}) {
            if (m.has(key)) {
                ordered.add(key, m.get(key));
            }
        }
        for (Map.Entry<String, JsonElement> e : m.entrySet()) {
            if (!ordered.has(e.getKey())) {
                ordered.add(e.getKey(), e.getValue());
            }
        }
        return ordered.toString();
    }

    /** Does LSP4J's own parser read {@code json} to its end? */
    private static boolean parses(String json) {
        try {
            JSON.parseMessage(json);
            return true;
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    private void enqueue(String json) {
        frames.add(DapTransport.frame(json));
    }

    private static String string(JsonObject m, String key) {
        JsonElement e = m.get(key);
        return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
    }

    private static Integer integer(JsonObject m, String key) {
        JsonElement e = m.get(key);
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            double d = p.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        return null;
    }
}
