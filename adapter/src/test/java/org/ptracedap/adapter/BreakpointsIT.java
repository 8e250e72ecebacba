package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.testing.GdbPython;

/**
 * Breakpoints through the protocol, on the {@code breakpoints} sample (8 threads calling hot()):
 * set before the program runs, landing on gdb's line (gdb, asked in the test, is the oracle),
 * logpoints printing each call exactly once, a condition stopping exactly once with the value it
 * tested, and requests that cannot land answered unverified with a reason.
 */
class BreakpointsIT {
    private static final Path SOURCE = Path.of("../samples/src/breakpoints.c").toAbsolutePath().normalize();

    private static int line(String marker) throws Exception {
        return Markers.line(SOURCE, marker);
    }

    /** The line gdb puts a breakpoint at for {@code spec} ({@code file:line} or a function), in the sample binary. */
    private static int gdbLine(String spec) throws Exception {
        return gdbLine(Sample.bin("breakpoints").toString(), spec);
    }

    private static int gdbLine(String binary, String spec) throws Exception {
        List<String[]> rows = GdbPython.run(List.of(binary), List.of(),
                "b = gdb.Breakpoint('" + spec + "')\n"
                        + "out.write(str(b.locations[0].source[1]) + '\\n')");
        return Integer.parseInt(rows.get(0)[0]);
    }

    private static Map<String, Object> source(Object... lineAndOptions) {
        return Map.of("path", SOURCE.toString());
    }

    private static JsonObject launch(DapClient c, String... args) throws InterruptedException {
        c.ok("initialize", Map.of("adapterID", "ptrace"));
        c.send("launch", Map.of("program", Sample.bin("breakpoints").toString(), "args", List.of(args)));
        return null;
    }

    @Test
    void aLogpointPrintsEachOfSixteenThousandCallsOnceAndTheProgramsSumHolds() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            launch(c, "8", "2000", "-");
            int line = line("hot-body");
            JsonObject set = c.ok("setBreakpoints", Map.of("source", source(), "breakpoints",
                    List.of(Map.of("line", line, "logMessage", "call {thread} {i}"))));
            JsonObject bp = set.getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertTrue(bp.get("verified").getAsBoolean(), bp.toString());
            assertEquals(gdbLine(SOURCE.getFileName() + ":" + line), bp.get("line").getAsInt(), "gdb's line");
            c.ok("configurationDone", null);
            JsonObject exited = c.event("exited");
            String console = c.output("console");
            Set<String> calls = new HashSet<>();
            Matcher m = Pattern.compile("call (\\d+) (\\d+)\n").matcher(console);
            int lines = 0;
            while (m.find()) {
                lines++;
                assertTrue(calls.add(m.group(1) + "/" + m.group(2)), "call " + m.group() + " printed twice");
            }
            assertEquals(16_000, lines);
            assertEquals(16_000, calls.size());
            assertTrue(c.output("stdout").contains("checksum 11232000000 expected 11232000000"), c.output("stdout"));
            assertTrue(c.events("stopped").isEmpty(), "a logpoint never stops");
            assertEquals(0, exited.get("exitCode").getAsInt());
        }
    }

    @Test
    void aConditionStopsOnceWithTheValueItTested() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            launch(c, "4", "300", "-");
            JsonObject set = c.ok("setFunctionBreakpoints", Map.of("breakpoints",
                    List.of(Map.of("name", "hot", "condition", "i == 123 && thread == 2"))));
            JsonObject bp = set.getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertTrue(bp.get("verified").getAsBoolean(), bp.toString());
            c.ok("configurationDone", null);
            JsonObject stopped = c.event("stopped");
            assertEquals("breakpoint", stopped.get("reason").getAsString());
            JsonArray ids = stopped.getAsJsonArray("hitBreakpointIds");
            assertEquals(bp.get("id").getAsInt(), ids.get(0).getAsInt());
            int tid = stopped.get("threadId").getAsInt();
            JsonObject frame = c.ok("stackTrace", Map.of("threadId", tid)).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals("hot", frame.get("name").getAsString());
            assertEquals(gdbLine("hot"), frame.get("line").getAsInt(), "stopped where gdb's 'break hot' stops");
            JsonObject i = c.ok("evaluate", Map.of("expression", "i", "frameId", frame.get("id").getAsInt(), "context", "watch"));
            assertEquals("123", i.get("result").getAsString());
            JsonArray where = c.ok("breakpointLocations", Map.of("source", source(), "line", line("hot-first"),
                    "endLine", line("hot-body"))).getAsJsonArray("breakpoints");
            Set<Integer> lines = new HashSet<>();
            where.forEach(l -> lines.add(l.getAsJsonObject().get("line").getAsInt()));
            assertTrue(lines.contains(line("hot-body")) && !lines.contains(line("nocode")), "lines with code: " + lines);
            c.ok("continue", Map.of("threadId", tid));
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            assertEquals(1, c.events("stopped").size(), "the condition held once");
        }
    }

    @Test
    void whatCannotLandIsUnverifiedWithAReasonAndTheProgramRunsOn() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            launch(c, "2", "10", "-");
            JsonArray nofile = c.ok("setBreakpoints", Map.of("source", Map.of("path", "/nowhere/missing.c"),
                    "breakpoints", List.of(Map.of("line", 3)))).getAsJsonArray("breakpoints");
            JsonObject missing = nofile.get(0).getAsJsonObject();
            assertFalse(missing.get("verified").getAsBoolean());
            assertTrue(String.valueOf(missing.get("message")).contains("missing.c"), missing.toString());
            JsonArray bad = c.ok("setBreakpoints", Map.of("source", source(), "breakpoints",
                    List.of(Map.of("line", line("hot-body"), "condition", "i ==")))).getAsJsonArray("breakpoints");
            assertFalse(bad.get(0).getAsJsonObject().get("verified").getAsBoolean());
            assertTrue(String.valueOf(bad.get(0).getAsJsonObject().get("message")).contains("condition"), bad.toString());
            JsonArray fn = c.ok("setFunctionBreakpoints", Map.of("breakpoints", List.of(Map.of("name", "no_such_function"))))
                    .getAsJsonArray("breakpoints");
            assertFalse(fn.get(0).getAsJsonObject().get("verified").getAsBoolean());
            assertTrue(String.valueOf(fn.get(0).getAsJsonObject().get("message")).contains("no_such_function"), fn.toString());
            c.ok("configurationDone", null);
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            assertTrue(c.events("stopped").isEmpty());
        }
    }

    @Test
    void aBreakpointInALibraryLoadedLaterIsPendingThenLandsAtEachLoad() throws Exception {
        Path plugin = Path.of("../samples/src/plugin.c").toAbsolutePath().normalize();
        int line = 0;
        List<String> text = Files.readAllLines(plugin);
        for (int i = 0; i < text.size() && line == 0; i++) {
            line = text.get(i).contains("/* BP:plugin-work ") ? i + 1 : 0;
        }
        int want = gdbLine(Sample.bin("libplugin.so").toString(), "plugin.c:" + line);
        // where gdb shows the thread when it stops there (at -O2, not always the line it was set on)
        int stop = Integer.parseInt(GdbPython.run(List.of(Sample.bin("dlopener").toString()),
                List.of("set breakpoint pending on", "break plugin.c:" + line, "run 2 3"),
                "out.write(str(gdb.selected_frame().find_sal().line) + '\\n')").get(0)[0]);
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.send("launch", Map.of("program", Sample.bin("dlopener").toString(), "args", List.of("2", "3")));
            JsonObject bp = c.ok("setBreakpoints", Map.of("source", Map.of("path", plugin.toString()),
                    "breakpoints", List.of(Map.of("line", line)))).getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertFalse(bp.get("verified").getAsBoolean(), "pending: the library is not loaded yet");
            assertTrue(String.valueOf(bp.get("message")).contains("plugin.c"), bp.toString());
            int id = bp.get("id").getAsInt();
            c.ok("configurationDone", null);
            JsonObject landed = c.event("breakpoint", e -> e.getAsJsonObject("breakpoint").get("verified").getAsBoolean());
            assertEquals(id, landed.getAsJsonObject("breakpoint").get("id").getAsInt());
            assertEquals(want, landed.getAsJsonObject("breakpoint").get("line").getAsInt(), "gdb's line");
            // 2 threads x 3 calls, in each of the two loads of the library: 12 stops
            for (int n = 0; n < 12; n++) {
                JsonObject stopped = c.event("stopped");
                assertEquals("breakpoint", stopped.get("reason").getAsString());
                assertEquals(id, stopped.getAsJsonArray("hitBreakpointIds").get(0).getAsInt());
                int tid = stopped.get("threadId").getAsInt();
                JsonObject top = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
                assertEquals("plugin_work", top.get("name").getAsString());
                assertEquals(stop, top.get("line").getAsInt(), "the line gdb shows at the stop");
                c.ok("continue", Map.of("threadId", tid));
            }
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
            assertTrue(c.output("stdout").contains("plugin sum"), c.output("stdout"));
            assertEquals(12, c.events("stopped").size());
        }
    }

    @Test
    void breakpointsLandAgainInTheProgramAnExecStarts() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            launch(c, "2", "500", "exec"); // it execs itself first: the breakpoint must be set again in the new image
            JsonObject bp = c.ok("setBreakpoints", Map.of("source", source(), "breakpoints",
                    List.of(Map.of("line", line("hot-body"), "logMessage", "after exec {thread} {i}"))))
                    .getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertTrue(bp.get("verified").getAsBoolean(), bp.toString());
            c.ok("configurationDone", null);
            JsonObject exited = c.event("exited");
            assertEquals(0, exited.get("exitCode").getAsInt(), c.output("stdout"));
            Matcher m = Pattern.compile("after exec (\\d+) (\\d+)\n").matcher(c.output("console"));
            Set<String> calls = new HashSet<>();
            while (m.find()) {
                assertTrue(calls.add(m.group(1) + "/" + m.group(2)), "printed twice: " + m.group());
            }
            assertEquals(1000, calls.size(), "every call of the new image, once");
            assertTrue(c.output("console").contains("is now running"), "the exec was seen");
        }
    }

    @Test
    void eightThreadsTimes500StoppingHitsAre4000DistinctStops() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            launch(c, "8", "500", "-");
            JsonObject bp = c.ok("setFunctionBreakpoints", Map.of("breakpoints", List.of(Map.of("name", "hot"))))
                    .getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            c.ok("configurationDone", null);
            Set<Long> calls = new HashSet<>();
            for (int n = 0; n < 4000; n++) {
                JsonObject stopped = c.event("stopped");
                assertEquals("breakpoint", stopped.get("reason").getAsString(), stopped.toString());
                assertEquals(bp.get("id").getAsInt(), stopped.getAsJsonArray("hitBreakpointIds").get(0).getAsInt());
                int tid = stopped.get("threadId").getAsInt();
                int frame = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames")
                        .get(0).getAsJsonObject().get("id").getAsInt();
                long call = Long.parseLong(c.ok("evaluate", Map.of("expression", "thread * 100000L + i", "frameId", frame,
                        "context", "watch")).get("result").getAsString());
                assertTrue(calls.add(call), "stop " + n + ": call " + call + " stopped twice");
                c.ok("continue", Map.of("threadId", tid));
            }
            JsonObject exited = c.event("exited");
            assertEquals(0, exited.get("exitCode").getAsInt(), c.output("stdout"));
            assertEquals(4000, calls.size());
            assertEquals(4000, c.events("stopped").size(), "no stop twice, none lost");
        }
    }

    @Test
    void attachBreakHitDisconnectFiftyTimesEachRunEndsInExitZero() throws Exception {
        for (int round = 0; round < 50; round++) {
            try (AdapterProcess adapter = new AdapterProcess();
                 Sample prog = Sample.start("breakpoints", "4", "0")) { // calls hot() until SIGUSR1
                prog.awaitOutput("ready");
                DapClient c = adapter.client;
                c.ok("initialize", Map.of("adapterID", "ptrace"));
                c.ok("attach", Map.of("processId", prog.pid));
                c.ok("configurationDone", null);
                // set while it runs: no thread stops for it
                c.ok("setFunctionBreakpoints", Map.of("breakpoints", List.of(Map.of("name", "hot"))));
                int tid = c.event("stopped", e -> "breakpoint".equals(e.get("reason").getAsString())).get("threadId").getAsInt();
                c.ok("continue", Map.of("threadId", tid)); // the other threads trap meanwhile: their SIGTRAPs pending
                c.ok("disconnect", Map.of());
                c.awaitClosed();
                assertEquals(0, org.ptracedap.sys.ProcFs.statusInt(prog.pid, "TracerPid"), "let go");
                prog.signal(org.ptracedap.sys.Signals.SIGUSR1); // untraced now: a SIGTRAP of ours left pending would have killed it
                int status = prog.awaitExit();
                assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(status),
                        "round " + round + ": " + org.ptracedap.sys.WaitStatus.describe(status) + "; " + prog.output());
                assertTrue(prog.output().contains("checksum"), prog.output());
            }
        }
    }

    @Test
    void aSourceMappedCheckoutSetsBreakpointsByItsOwnPaths(@org.junit.jupiter.api.io.TempDir Path checkout) throws Exception {
        // the sources copied elsewhere, as a checkout on another machine would have them
        Path copy = checkout.resolve("src").resolve("breakpoints.c");
        Files.createDirectories(copy.getParent());
        Files.copy(SOURCE, copy);
        String compiledIn = SOURCE.getParent().getParent().toString(); // the samples' DW_AT_comp_dir
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.send("launch", Map.of("program", Sample.bin("breakpoints").toString(), "args", List.of("1", "3", "-"),
                    "sourceMap", Map.of(compiledIn, checkout.toString())));
            JsonObject bp = c.ok("setBreakpoints", Map.of("source", Map.of("path", copy.toString()),
                    "breakpoints", List.of(Map.of("line", line("hot-body"))))).getAsJsonArray("breakpoints").get(0).getAsJsonObject();
            assertTrue(bp.get("verified").getAsBoolean(), bp.toString());
            c.ok("configurationDone", null);
            int tid = c.event("stopped").get("threadId").getAsInt();
            JsonObject top = c.ok("stackTrace", Map.of("threadId", tid, "levels", 1)).getAsJsonArray("stackFrames")
                    .get(0).getAsJsonObject();
            assertEquals(copy.toString(), top.getAsJsonObject("source").get("path").getAsString(), "shown by the checkout's path");
            c.ok("setBreakpoints", Map.of("source", Map.of("path", copy.toString()), "breakpoints", List.of()));
            c.ok("continue", Map.of("threadId", tid));
            assertEquals(0, c.event("exited").get("exitCode").getAsInt());
        }
    }
}
