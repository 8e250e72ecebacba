package org.ptracedap.adapter;

import com.google.gson.Gson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of DAP input for {@link DapFuzzTest}: valid requests with random commands
 * and arguments (wrong types, nulls, huge numbers, nested junk), invalid JSON, JSON that is not
 * a request, and frames whose framing is broken. Same seed, same bytes.
 *
 * <p>Safety: the adapter under test is real and runs as this user, so nothing generated may
 * attach to or launch a real program. {@code attach} only ever gets process ids that cannot
 * exist (non-numbers, negative, fractional, above the kernel's PID_MAX_LIMIT of 4194304) and
 * {@code launch} only programs that do not exist or are not executable; requests to those two
 * commands are never mutated (a mutation could turn a harmless id into a real one).
 */
final class FuzzFrames {
    private static final Gson GSON = new Gson();

    /** What a frame is, and so what the adapter owes it. */
    enum Kind {
        /** framing fine, JSON object with type "request", an int seq and a string command: exactly one response */
        REQUEST,
        /** framing fine, but not a well-formed request (invalid JSON, an event, an array...): no response owed */
        JUNK,
        /** framing the reader cannot resynchronise after (bad Content-Length, bad charset...) */
        BREAKS_FRAMING
    }

    record Frame(Kind kind, int seq, String command, byte[] bytes, String text) {
        @Override
        public String toString() {
            String shown = text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
            StringBuilder s = new StringBuilder(kind + " ");
            for (char c : shown.toCharArray()) {
                s.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            }
            return s.toString();
        }
    }

    /** Commands the adapter implements, ones it does not, and DAP reverse requests. */
    static final String[] COMMANDS = {
        "initialize", "configurationDone", "threads", "pause", "continue", "stackTrace", "scopes", "variables",
        "setBreakpoints", "setFunctionBreakpoints", "setExceptionBreakpoints", "terminate", "attach", "launch",
        "next", "stepIn", "stepOut", "evaluate", "source", "restart", "goto", "loadedSources", "modules",
        "setVariable", "completions", "exceptionInfo", "readMemory", "disassemble", "cancel", "runInTerminal",
        "startDebugging", "breakpointLocations", "dataBreakpointInfo", "restartFrame", "reverseContinue",
        "$/cancelRequest", "$/setTrace", "", " ", "Threads", "THREADS", "threads ", "pause\u0000", "\u00e9v\u00e9nement",
        "initialize/../threads", "a".repeat(5000),
    };

    private static final String[] KEYS = {
        "threadId", "frameId", "variablesReference", "startFrame", "levels", "format", "source", "path", "name",
        "breakpoints", "line", "lines", "column", "condition", "filters", "expression", "context", "restart",
        "terminateDebuggee", "suspendDebuggee", "singleThread", "granularity", "adapterID", "clientID",
        "linesStartAt1", "columnsStartAt1", "pathFormat", "supportsVariableType", "hex", "count", "offset",
        "memoryReference", "requestId", "progressId", "__proto__", "", "\u0000", "\ud83d\ude00",
    };

    private static final String[] NUMBERS = {
        "0", "-0", "1", "-1", "7", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e300", "-1e300", "1E400",
        "1e-400", "0.5", "1.5", "-2.75", "3.0", "1e3", "123456789012345678901234567890",
    };

    private final Random random;
    private final boolean strict;
    private int nextSeq = 1;
    private int junkSeq = -1_500_000_000;

    /**
     * @param strict put a request's fields in any order (VS Code sends {@code seq} last) and make
     *               frames of any size; otherwise {@code seq}, {@code type} and {@code command}
     *               come first and a
     *               frame is at most {@link #SMALL} bytes, written to a pipe in one piece — the
     *               shapes that avoid the adapter's known bugs (see DapFuzzTest#fuzzStrict)
     */
    FuzzFrames(long seed, boolean strict) {
        this.random = new Random(seed);
        this.strict = strict;
    }

    /** At most PIPE_BUF: the reader sees all of such a frame or none of it. */
    static final int SMALL = 4000;

    private Frame sized(java.util.function.Supplier<Frame> make) {
        while (true) {
            Frame f = make.get();
            if (strict || f.bytes().length <= SMALL) {
                return f;
            }
        }
    }

    Random random() {
        return random;
    }

    /** A well-formed request (seq from the valid range) with a random command and random arguments. */
    Frame request() {
        return sized(() -> {
            String command = COMMANDS[random.nextInt(COMMANDS.length)];
            return request(command, arguments(command), true);
        });
    }

    /** A well-formed request for {@code command} with random arguments suited to it. */
    Frame request(String command) {
        return sized(() -> request(command, arguments(command), true));
    }

    /** A well-formed request with exactly these arguments (JSON text, or null for none). */
    Frame request(String command, String argumentsJson) {
        return request(command, argumentsJson, false);
    }

    private Frame request(String command, String argumentsJson, boolean junkField) {
        int seq = nextSeq++;
        StringBuilder json = new StringBuilder();
        List<String> fields = new ArrayList<>();
        fields.add("\"seq\":" + seq);
        fields.add("\"type\":\"request\"");
        fields.add("\"command\":" + GSON.toJson(command));
        if (argumentsJson != null) {
            fields.add("\"arguments\":" + argumentsJson);
        }
        if (junkField && random.nextInt(8) == 0) {
            fields.add(GSON.toJson(KEYS[random.nextInt(KEYS.length)] + "_extra") + ":" + value(2));
        }
        if (strict) {
            java.util.Collections.shuffle(fields, random);
        } else {
            java.util.Collections.shuffle(fields.subList(3, fields.size()), random);
        }
        json.append('{').append(String.join(",", fields)).append('}');
        return frame(Kind.REQUEST, seq, command, json.toString());
    }

    /** Any kind of input that keeps the framing intact. */
    Frame any() {
        return sized(this::anySize);
    }

    private Frame anySize() {
        int r = random.nextInt(100);
        if (r < 55) {
            return request();
        } else if (r < 75) {
            return invalidJson();
        } else if (r < 92) {
            return notARequest();
        } else {
            return oddButValidFraming();
        }
    }

    /** A request-like text (junk seq, never attach/launch) broken in one random way. */
    Frame invalidJson() {
        String base;
        do {
            base = junkRequestText();
        } while (base.contains("\"attach\"") || base.contains("\"launch\""));
        String text = switch (random.nextInt(9)) {
            case 0 -> base.substring(0, random.nextInt(base.length())); // truncated
            case 1 -> {
                int at = random.nextInt(base.length());
                yield base.substring(0, at) + "\"{[,:}]'\\".charAt(random.nextInt(9)) + base.substring(at);
            }
            case 2 -> {
                int at = random.nextInt(base.length());
                yield base.substring(0, at) + base.substring(at + 1);
            }
            case 3 -> base + "}";
            case 4 -> base + " {\"seq\":" + junkSeq-- + "}"; // two documents in one frame
            case 5 -> base.replace('"', '\'');
            case 6 -> "{".repeat(random.nextInt(2000) + 1);
            case 7 -> randomBytesAsText(random.nextInt(200));
            default -> base.replace(":", "=");
        };
        return frame(Kind.JUNK, 0, null, text);
    }

    /** Valid JSON that is not a request: arrays, scalars, events, responses, objects without a type. */
    Frame notARequest() {
        String text = switch (random.nextInt(12)) {
            case 0 -> "[" + value(2) + "," + value(2) + "]";
            case 1 -> value(0);
            case 2 -> "null";
            case 3 -> "{}";
            case 4 -> "{\"seq\":" + junkSeq-- + ",\"type\":\"event\",\"event\":\"stopped\",\"body\":" + value(2) + "}";
            case 5 -> "{\"seq\":" + junkSeq-- + ",\"type\":\"response\",\"request_seq\":" + NUMBERS[random.nextInt(NUMBERS.length)]
                    + ",\"success\":" + random.nextBoolean() + ",\"command\":\"threads\",\"body\":" + value(2) + "}";
            case 6 -> "{\"seq\":" + junkSeq-- + ",\"type\":" + GSON.toJson(pick("requests", "Request", "", "notify", "reverseRequest"))
                    + ",\"command\":\"threads\"}";
            case 7 -> "{\"seq\":" + junkSeq-- + ",\"command\":\"threads\"}"; // no type
            case 8 -> "{\"seq\":" + junkSeq-- + ",\"type\":" + value(1) + ",\"command\":\"threads\"}";
            case 9 -> "{\"seq\":" + pick("\"-1\"", "\"abc\"", "1.5", "null", "[]", "9999999999", "true") + ",\"type\":\"request\",\"command\":\"threads\"}";
            case 10 -> "{\"seq\":" + junkSeq-- + ",\"type\":\"request\",\"command\":" + pick("null", "12", "[]", "{}", "true") + "}";
            default -> "{\"jsonrpc\":\"2.0\",\"id\":" + junkSeq-- + ",\"method\":\"threads\"}";
        };
        return frame(Kind.JUNK, 0, null, text);
    }

    /** Frames with unusual but intact framing: extra headers, blank lines, case, a harmless charset. */
    Frame oddButValidFraming() {
        Frame inner = random.nextBoolean() ? request() : notARequest();
        byte[] body = inner.text.getBytes(StandardCharsets.UTF_8);
        String head = switch (random.nextInt(4)) {
            case 0 -> "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n";
            case 1 -> "X-Junk: " + randomAscii(40) + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            case 2 -> "Content-Length:    " + body.length + "   \r\n\r\n";
            default -> "Content-Length: " + body.length + "\n\n"; // bare LF
        };
        return new Frame(inner.kind, inner.seq, inner.command, concat(head.getBytes(StandardCharsets.US_ASCII), body), head + inner.text);
    }

    /** A frame after which the reader cannot know where the next one starts. */
    Frame breaksFraming() {
        String body = "{\"seq\":" + junkSeq-- + ",\"type\":\"request\",\"command\":\"threads\"}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = switch (random.nextInt(9)) {
            case 0 -> "Content-Length: abc\r\n\r\n";
            case 1 -> "Content-Length: -" + (1 + random.nextInt(1000)) + "\r\n\r\n";
            case 2 -> "Content-Length: 99999999999\r\n\r\n";
            case 3 -> "Content-Length: 2147483647\r\n\r\n";
            case 4 -> "Content-Length: " + random.nextInt(b.length) + "\r\n\r\n"; // shorter than the body
            case 5 -> "Content-Length: " + (b.length + 1 + random.nextInt(100)) + "\r\n\r\n"; // longer than the body
            case 6 -> "Content-Type: application/json\r\n\r\n"; // no Content-Length at all
            case 7 -> "Content-Type: text/plain; charset=no-such-charset\r\nContent-Length: " + b.length + "\r\n\r\n";
            default -> "Content-Length: " + b.length + "\r\nContent-Length: " + (b.length * 3) + "\r\n\r\n";
        };
        return new Frame(Kind.BREAKS_FRAMING, 0, null, concat(head.getBytes(StandardCharsets.US_ASCII), b), head + body);
    }

    // ------------------------------------------------------------------ pieces

    private String junkRequestText() {
        String command = COMMANDS[random.nextInt(COMMANDS.length)];
        return "{\"type\":\"request\",\"command\":" + GSON.toJson(command) + ",\"seq\":" + junkSeq--
                + ",\"arguments\":" + value(3) + "}";
    }

    /**
     * Arguments for a command: mostly well-typed, often wrong-typed, sometimes absent or not an
     * object. Not strict: never an array (LSP4J takes an array for positional parameters, and
     * one that does not fit gets no response: a known bug).
     */
    private String arguments(String command) {
        String a = anyArguments(command);
        return !strict && a != null && a.startsWith("[") ? "{}" : a;
    }

    private String anyArguments(String command) {
        if (command.equals("attach")) {
            return attachArguments();
        }
        if (command.equals("launch")) {
            return launchArguments();
        }
        int r = random.nextInt(10);
        if (r == 0) {
            return null;
        }
        if (r == 1) {
            return value(3); // anything at all, maybe not an object
        }
        List<String> fields = new ArrayList<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            fields.add(GSON.toJson(KEYS[random.nextInt(KEYS.length)]) + ":" + value(3));
        }
        return "{" + String.join(",", fields) + "}";
    }

    /** Never a process that can exist: see the class comment. */
    private String attachArguments() {
        List<String> fields = new ArrayList<>();
        if (random.nextInt(6) != 0) {
            String pid = switch (random.nextInt(9)) {
                case 0 -> "null";
                case 1 -> Integer.toString(-random.nextInt(100000));
                case 2 -> Long.toString(4_194_305L + random.nextInt(1_000_000));
                case 3 -> "\"" + (4_194_305L + random.nextInt(1_000_000)) + "\"";
                case 4 -> pick("1.5", "1e300", "-1e300", "9223372036854775808", "2147483648", "0.25", "1E400");
                case 5 -> GSON.toJson("pid-" + randomAscii(6));
                case 6 -> pick("[]", "[1]", "{}", "{\"pid\":1}", "true", "false");
                case 7 -> pick("\"\"", "\" \"", "\"-7\"", "\"0x10\"", "\"1e3\"", "\"12abc\"");
                default -> "0";
            };
            fields.add("\"processId\":" + pid);
        }
        if (random.nextBoolean()) {
            fields.add(GSON.toJson(KEYS[random.nextInt(KEYS.length)]) + ":" + value(2));
        }
        if (random.nextInt(8) == 0) {
            return pick("null", "[]", "\"attach\"", "42");
        }
        return "{" + String.join(",", fields) + "}";
    }

    /** Never a program that can run: see the class comment. */
    private String launchArguments() {
        List<String> fields = new ArrayList<>();
        if (random.nextInt(6) != 0) {
            String program = switch (random.nextInt(7)) {
                case 0 -> GSON.toJson("/nonexistent/" + randomAscii(8));
                case 1 -> GSON.toJson("no-such-program-" + randomAscii(8));
                case 2 -> pick("\"\"", "\"   \"", "\"/\"", "\"/etc/passwd\"", "\"/proc/self/status\"");
                case 3 -> pick("null", "5", "[]", "{}", "true", "[\"/bin/true\"]");
                case 4 -> GSON.toJson("/nonexistent/a b; rm -rf $HOME `id` '\"" + randomAscii(4));
                case 5 -> GSON.toJson("relative/no-such/" + randomAscii(5));
                default -> GSON.toJson("/nonexistent/" + "x".repeat(random.nextInt(5000)));
            };
            fields.add("\"program\":" + program);
        }
        if (random.nextBoolean()) {
            fields.add("\"args\":" + pick("[]", "[\"a\",\"b c\"]", "[1,2]", "[null]", "\"-v\"", "{}", "[[]]"));
        }
        if (random.nextBoolean()) {
            fields.add("\"env\":" + pick("{}", "{\"A\":\"1\"}", "{\"A\":null}", "{\"A\":5}", "[]", "\"A=1\"", "{\"\":\"x\"}",
                    "{\"PATH\":\"\"}"));
        }
        if (random.nextBoolean()) {
            fields.add("\"cwd\":" + pick("\"/tmp\"", "\"/nonexistent\"", "\"\"", "5", "null", "[]"));
        }
        if (random.nextBoolean()) {
            fields.add("\"stopOnEntry\":" + pick("true", "false", "\"yes\"", "1", "null"));
        }
        return "{" + String.join(",", fields) + "}";
    }

    /** Random JSON (text), nested up to {@code depth}. */
    String value(int depth) {
        int r = random.nextInt(depth > 0 ? 9 : 6);
        return switch (r) {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 3 -> Integer.toString(random.nextInt(2000) - 1000);
            case 4 -> GSON.toJson(randomString());
            case 5 -> GSON.toJson(KEYS[random.nextInt(KEYS.length)]);
            case 6, 7 -> {
                List<String> fields = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    fields.add(GSON.toJson(KEYS[random.nextInt(KEYS.length)]) + ":" + value(depth - 1));
                }
                yield "{" + String.join(",", fields) + "}";
            }
            default -> {
                if (random.nextInt(20) == 0) {
                    int levels = 50 + random.nextInt(400);
                    yield "[".repeat(levels) + "]".repeat(levels);
                }
                List<String> items = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    items.add(value(depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
        };
    }

    private String randomString() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> randomAscii(random.nextInt(20));
            case 2 -> "\u0000\u0001\n\r\t\"\\/\u2028\u2029";
            case 3 -> "\ud83d\ude00 \u00e9\u00e8 \u4e2d\u6587 \ud800"; // includes a lone surrogate
            case 4 -> "x".repeat(random.nextInt(20000));
            default -> Integer.toString(random.nextInt());
        };
    }

    String randomAscii(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (0x21 + random.nextInt(0x5e)));
        }
        return s.toString();
    }

    private String randomBytesAsText(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) random.nextInt(0x80));
        }
        return s.toString();
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    static Frame frame(Kind kind, int seq, String command, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return new Frame(kind, seq, command, DapClient.frame(json), json);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
