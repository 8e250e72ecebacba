package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.testing.GdbPython;

/**
 * Steps by line through the protocol against gdb's on the same program ({@code next},
 * {@code step}, {@code finish}: gdb is the oracle, asked in the test): from the breakpoint on
 * hot's first line, a sequence of next / stepIn / stepOut ends each step on the function, line
 * and instruction gdb's does — over the return into the middle of the caller's line, round the
 * worker's loop, into hot past its prologue, and out of it to the return address.
 */
class SteppingIT {
    private static final Path SOURCE = Path.of("../samples/src/breakpoints.c").toAbsolutePath().normalize();

    private static int line(String marker) throws Exception {
        return Markers.line(SOURCE, marker);
    }

    /** Where gdb is after each of STEPS from the stop at breakpoints.c:LINE: "function line offset-in-binary". */
    private static List<String> gdb(String binary, int line, List<String> steps) throws Exception {
        List<String[]> rows = GdbPython.run(List.of(binary), List.of(),
                "gdb.execute('break breakpoints.c:" + line + "')\n"
                        + "gdb.execute('run 1 4 - > /dev/null')\n"
                        + "gdb.execute('delete')\n"
                        + "pid = gdb.selected_inferior().pid\n"
                        + "import os\n"
                        + "exe = os.path.realpath('/proc/%d/exe' % pid)\n"
                        + "spans = [[int(x, 16) for x in l.split()[0].split('-')] for l in open('/proc/%d/maps' % pid) if l.rstrip().endswith(exe)]\n"
                        + "bias = min(a for a, b in spans)\n"
                        + "def here():\n"
                        + "    f = gdb.selected_frame()\n"
                        + "    mine = any(a <= f.pc() < b for a, b in spans)\n"
                        + "    out.write('%s %d %s\\n' % (f.name(), f.find_sal().line, '%x' % (f.pc() - bias) if mine else '(a library)'))\n"
                        + "here()\n"
                        + "for s in " + pythonList(steps) + ":\n"
                        + "    gdb.execute(s, to_string=True)\n"
                        + "    here()\n"
                        + "gdb.execute('kill')\n");
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r[0]));
        return out;
    }

    private static String pythonList(List<String> items) {
        return "[" + String.join(", ", items.stream().map(s -> "'" + s + "'").toList()) + "]";
    }

    /**
     * -O2: from hot's first line (where twice() is inlined: gdb shows twice's line), next round the
     * worker's loop, step into hot, finish out of it, and off the end of worker into libc's
     * start_thread (libc6-dbg gives it lines).
     */
    @Test
    void atO2NextStepAndFinishLandWhereGdbsDo() throws Exception {
        compare("breakpoints", "hot-first", List.of("next", "next", "next", "next", "next", "next", "next", "step", "next",
                "finish", "next", "next"));
    }

    /** -O0, from the worker's call of hot: next round the loop, step into hot past its prologue, finish to the call's line. */
    @Test
    void atO0NextStepAndFinishLandWhereGdbsDo() throws Exception {
        compare("breakpoints_O0", "call-hot", List.of("next", "next", "next", "next", "step", "finish", "next", "next", "next",
                "next", "step", "finish", "finish"));
    }

    /**
     * 8 threads call hot() with a stopping breakpoint on it: one thread steps out of hot while the
     * others keep hitting it. Each of their hits is its own stop (the editor told to keep the
     * stepping thread: preserveFocusHint), reported once; continued, the step goes on and ends on
     * its thread in worker; the program's checksum holds.
     */
    @Test
    void aStepOutWhileTheOtherThreadsHitTheBreakpointEndsOnItsThreadAndEachHitIsReportedOnce() throws Exception {
        String binary = Sample.bin("breakpoints_O0").toString();
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.send("launch", Map.of("program", binary, "args", List.of("8", "40", "-")));
            c.event("initialized");
            c.ok("setBreakpoints", Map.of("source", Map.of("path", SOURCE.toString()),
                    "breakpoints", List.of(Map.of("line", line("hot-first")))));
            c.ok("configurationDone", null);
            JsonObject first = c.event("stopped");
            int tid = first.get("threadId").getAsInt();
            java.util.Set<String> hits = new java.util.HashSet<>(List.of(call(c, tid)));
            c.ok("stepOut", Map.of("threadId", tid));
            int others = 0;
            JsonObject st;
            while (!"step".equals((st = c.event("stopped")).get("reason").getAsString())) {
                assertEquals("breakpoint", st.get("reason").getAsString(), st.toString());
                int other = st.get("threadId").getAsInt();
                assertTrue(other != tid, "the stepping thread cannot be in hot again before its step ends: " + st);
                assertTrue(st.has("preserveFocusHint") && st.get("preserveFocusHint").getAsBoolean(), st.toString());
                String hit = call(c, other);
                assertTrue(hits.add(hit), "the hit " + hit + " reported twice");
                others++;
                c.ok("continue", Map.of("threadId", other));
            }
            assertEquals(tid, st.get("threadId").getAsInt(), "the step ends on its own thread");
            JsonObject top = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject();
            assertEquals("worker", top.get("name").getAsString());
            assertEquals(line("call-hot"), top.get("line").getAsInt(), "back on the line of the call, as gdb's finish");
            c.ok("setBreakpoints", Map.of("source", Map.of("path", SOURCE.toString()), "breakpoints", List.of()));
            c.ok("continue", Map.of("threadId", tid));
            assertEquals(0, c.event("exited").get("exitCode").getAsInt(), c.output("stdout"));
            assertTrue(c.output("stdout").contains("checksum"), c.output("stdout"));
            System.err.println("SteppingIT: " + others + " other threads' hits during the step out");
        }
    }

    /** "thread/i" of the call of hot that thread {@code tid} is stopped in. */
    private static String call(DapClient c, int tid) throws InterruptedException {
        JsonObject f = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
        int frame = f.get("id").getAsInt();
        String thread = c.ok("evaluate", Map.of("expression", "thread", "frameId", frame, "context", "watch")).get("result").getAsString();
        String i = c.ok("evaluate", Map.of("expression", "i", "frameId", frame, "context", "watch")).get("result").getAsString();
        return thread + "/" + i;
    }

    private void compare(String sample, String marker, List<String> steps) throws Exception {
        String binary = Sample.bin(sample).toString();
        int first = line(marker);
        List<String> want = gdb(binary, first, steps);
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsSteppingGranularity").getAsBoolean());
            c.send("launch", Map.of("program", binary, "args", List.of("1", "4", "-")));
            c.event("initialized");
            c.ok("setBreakpoints", Map.of("source", Map.of("path", SOURCE.toString()),
                    "breakpoints", List.of(Map.of("line", first))));
            c.ok("configurationDone", null);
            JsonObject stopped = c.event("stopped");
            int tid = stopped.get("threadId").getAsInt();
            int pid = c.event("process").get("systemProcessId").getAsInt();
            List<long[]> spans = spans(pid, binary);
            // taken out, as in gdb's run: round the loop, a `next` over the call of hot would stop in it
            c.ok("setBreakpoints", Map.of("source", Map.of("path", SOURCE.toString()), "breakpoints", List.of()));
            List<String> ours = new ArrayList<>();
            ours.add(here(c, tid, spans));
            for (String s : steps) {
                String command = switch (s) {
                    case "next" -> "next";
                    case "step" -> "stepIn";
                    default -> "stepOut";
                };
                c.ok(command, Map.of("threadId", tid));
                JsonObject st = c.event("stopped");
                assertEquals("step", st.get("reason").getAsString(), st.toString());
                assertEquals(tid, st.get("threadId").getAsInt());
                ours.add(here(c, tid, spans));
            }
            assertEquals(String.join("\n", want), String.join("\n", ours), sample + ": after each of " + steps);
            c.ok("continue", Map.of("threadId", tid));
            assertEquals(0, c.event("exited").get("exitCode").getAsInt(), c.output("stdout"));
        }
    }

    private static String here(DapClient c, int tid, List<long[]> spans) throws InterruptedException {
        JsonObject f = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
        long pc = Long.decode(f.get("instructionPointerReference").getAsString());
        boolean mine = spans.stream().anyMatch(sp -> pc >= sp[0] && pc < sp[1]);
        long bias = spans.stream().mapToLong(sp -> sp[0]).min().orElse(0);
        return f.get("name").getAsString() + " " + f.get("line").getAsInt() + " " + (mine ? Long.toHexString(pc - bias) : "(a library)");
    }

    /** The program's mappings in process {@code pid}: [start, end) each. */
    private static List<long[]> spans(int pid, String binary) throws Exception {
        String exe = Path.of(binary).toRealPath().toString();
        List<long[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            if (l.trim().endsWith(exe)) {
                String[] range = l.substring(0, l.indexOf(' ')).split("-");
                out.add(new long[] {Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16)});
            }
        }
        return out;
    }
}
