package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;
import org.ptracedap.testing.GdbPython;

/**
 * The Variables view and evaluate through the packaged adapter, gdb the oracle on the same
 * process: a worker's frames' Arguments and Locals scopes ({@code -O2}: registers, entry values,
 * an implicit pointer, an inlined frame) as {@code info args}/{@code info locals} print them;
 * expressions in the Debug Console, a watch and a hover as gdb's {@code print} gives them, a
 * struct and an array expanded part by part, a pointer to a struct showing the struct's members;
 * clear errors for what is unknown or ill-typed, a hover that would write refused (nothing
 * written), and a Debug Console assignment that gdb sees afterwards.
 */
class VariablesIT {
    @Test
    void aFramesArgumentsAndLocalsAreGdbs() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        try (Sample prog = Sample.start("locals");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            int tid = -1;
            for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
                int id = t.getAsJsonObject().get("id").getAsInt();
                if (id != prog.pid && (tid < 0 || id < tid)) {
                    tid = id; // the first worker: worker → middle → twice (inlined) → leaf → block_in_read
                }
            }
            Map<Integer, List<String>> ours = new LinkedHashMap<>();
            Map<String, String> globals = new java.util.TreeMap<>();
            JsonArray frames = c.ok("stackTrace", Map.of("threadId", tid, "levels", 20)).getAsJsonArray("stackFrames");
            for (int level = 0; level < frames.size(); level++) {
                JsonObject f = frames.get(level).getAsJsonObject();
                if (!f.has("source") || !f.getAsJsonObject("source").get("path").getAsString().endsWith("locals.c")) {
                    continue;
                }
                List<String> shown = new ArrayList<>();
                for (JsonElement s : c.ok("scopes", Map.of("frameId", f.get("id").getAsInt())).getAsJsonArray("scopes")) {
                    String scope = s.getAsJsonObject().get("name").getAsString();
                    if (scope.equals("Registers")) {
                        continue;
                    }
                    if (scope.equals("Globals")) {
                        assertTrue(s.getAsJsonObject().get("expensive").getAsBoolean(), "read when opened");
                        for (JsonElement v : c.ok("variables", Map.of("variablesReference",
                                s.getAsJsonObject().get("variablesReference").getAsInt())).getAsJsonArray("variables")) {
                            globals.put(v.getAsJsonObject().get("name").getAsString(), v.getAsJsonObject().get("value").getAsString());
                        }
                        continue;
                    }
                    for (JsonElement v : c.ok("variables", Map.of("variablesReference",
                            s.getAsJsonObject().get("variablesReference").getAsInt())).getAsJsonArray("variables")) {
                        JsonObject var = v.getAsJsonObject();
                        shown.add((scope.equals("Arguments") ? "arg " : "local ") + var.get("name").getAsString() + " = "
                                + var.get("value").getAsString());
                    }
                }
                ours.put(level, sortLocals(shown));
            }
            assertTrue(ours.size() >= 4, "the sample's frames: " + ours);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            Map<Integer, List<String>> gdb = gdbFrames(prog.pid, tid, ours.keySet());
            assertEquals(gdb, ours, "each frame's arguments and locals as gdb prints them");
            assertTrue(globals.keySet().containsAll(List.of("block_pipe", "never_true", "sink", "threads", "tids")), "the unit's globals: " + globals);
            Map<String, String> gdbGlobals = gdbPrint(prog.pid, new ArrayList<>(globals.keySet()));
            assertEquals(new java.util.TreeMap<>(gdbGlobals), globals, "the Globals scope as gdb prints them");
            prog.signal(Signals.SIGUSR1);
            prog.awaitExit();
        }
    }

    @Test
    void expressionsWatchesHoversAndExpandedValuesAreGdbs() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        List<String> expressions = List.of("g_point", "g_rect", "g_rect.b.y + 1", "g_node1.next->value", "*g_node1.next",
                "sizeof(g_padded)", "g_array[2] * 3", "g_array", "&g_point", "g_point.x - 2u", "(char)g_point.y",
                "g_with_array.name", "g_rect.label", "g_array[1]@3", "*g_into_array@2");
        try (Sample prog = Sample.start("values");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsEvaluateForHovers").getAsBoolean());
            c.ok("attach", Map.of("processId", prog.pid));
            c.ok("configurationDone", null);
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");
            int frame = c.ok("stackTrace", Map.of("threadId", prog.pid, "levels", 1)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject().get("id").getAsInt();
            Map<String, String> ours = new LinkedHashMap<>();
            for (String e : expressions) {
                for (String context : List.of("repl", "watch", "hover")) {
                    JsonObject r = c.ok("evaluate", Map.of("expression", e, "frameId", frame, "context", context));
                    String previous = ours.put(e, r.get("result").getAsString());
                    assertTrue(previous == null || previous.equals(r.get("result").getAsString()), e + ": the same in every context");
                }
            }
            // cpptools' "p,N": a pointer watched as an array (gdb's *p@N)
            String viewed = c.ok("evaluate", Map.of("expression", "g_into_array,2", "frameId", frame, "context", "watch"))
                    .get("result").getAsString();
            assertEquals(ours.get("*g_into_array@2"), viewed, "p,2 is *p@2");
            assertTrue(c.error("evaluate", Map.of("expression", "(g_point.x + 1)@2", "frameId", frame, "context", "repl"))
                    .contains("Only values in memory can be extended with '@'."));
            // a struct expanded, and a pointer to a struct showing the struct's members
            JsonObject rect = c.ok("evaluate", Map.of("expression", "g_rect", "frameId", frame, "context", "watch"));
            Map<String, String> parts = new LinkedHashMap<>();
            for (JsonElement v : c.ok("variables", Map.of("variablesReference", rect.get("variablesReference").getAsInt()))
                    .getAsJsonArray("variables")) {
                JsonObject var = v.getAsJsonObject();
                parts.put(var.get("evaluateName").getAsString(), var.get("value").getAsString());
            }
            JsonObject next = c.ok("evaluate", Map.of("expression", "g_node1.next", "frameId", frame, "context", "watch"));
            for (JsonElement v : c.ok("variables", Map.of("variablesReference", next.get("variablesReference").getAsInt()))
                    .getAsJsonArray("variables")) {
                JsonObject var = v.getAsJsonObject();
                parts.put(var.get("evaluateName").getAsString(), var.get("value").getAsString());
            }
            JsonObject array = c.ok("evaluate", Map.of("expression", "g_array", "frameId", frame, "context", "watch"));
            int elements = array.get("indexedVariables").getAsInt();
            JsonArray page = c.ok("variables", Map.of("variablesReference", array.get("variablesReference").getAsInt(),
                    "filter", "indexed", "start", 1, "count", 2)).getAsJsonArray("variables");
            assertEquals(2, page.size(), "a page of the array: " + page);
            for (JsonElement v : page) {
                parts.put(v.getAsJsonObject().get("evaluateName").getAsString(), v.getAsJsonObject().get("value").getAsString());
            }
            // errors a person understands; a hover never writes; the console does
            assertTrue(c.error("evaluate", Map.of("expression", "g_nope + 1", "frameId", frame, "context", "repl"))
                    .contains("No symbol \"g_nope\" in current context."));
            assertTrue(c.error("evaluate", Map.of("expression", "g_point.z", "frameId", frame, "context", "repl")).contains("z"));
            assertTrue(c.error("evaluate", Map.of("expression", "g_point.x +", "frameId", frame, "context", "repl")).contains("column"));
            String hover = c.error("evaluate", Map.of("expression", "g_point.x = 41", "frameId", frame, "context", "hover"));
            assertTrue(hover.contains("writ"), hover);
            assertEquals("65 'A'", c.ok("evaluate", Map.of("expression", "g_one_char.c = 'A'", "frameId", frame, "context", "repl"))
                    .get("result").getAsString());
            // setVariable on a part of a value: an expression, converted as C's assignment does
            assertTrue(caps.get("supportsSetVariable").getAsBoolean());
            JsonObject padded = c.ok("evaluate", Map.of("expression", "g_padded", "frameId", frame, "context", "watch"));
            JsonObject set = c.ok("setVariable", Map.of("variablesReference", padded.get("variablesReference").getAsInt(),
                    "name", "l", "value", "-6 + 1"));
            assertEquals("-5", set.get("value").getAsString(), set.toString());
            // a memory event for each write: the console's char (1 byte), then setVariable's long (8)
            c.awaitEvents("memory", m -> m.get("count").getAsInt() == 8, 1);
            assertEquals(List.of(1, 8), c.events("memory").stream().map(m -> m.get("count").getAsInt()).toList());
            c.awaitEvents("invalidated", e -> true, 2);
            assertTrue(c.error("setVariable", Map.of("variablesReference", padded.get("variablesReference").getAsInt(),
                    "name", "l", "value", "g_nope")).contains("No symbol \"g_nope\""));
            // completions in the Debug Console: names, members after '.'
            assertTrue(caps.get("supportsCompletionsRequest").getAsBoolean());
            List<String> labels = new ArrayList<>();
            c.ok("completions", Map.of("frameId", frame, "text", "g_rect.", "column", 8)).getAsJsonArray("targets")
                    .forEach(t -> labels.add(t.getAsJsonObject().get("label").getAsString()));
            assertEquals(List.of("a", "b", "label"), labels, "g_rect's members");
            // cancel: the request is answered once — by its result or by "cancelled" — and the session goes on
            JsonObject caps2 = caps;
            assertTrue(caps2.get("supportsCancelRequest").getAsBoolean());
            int slow = c.send("evaluate", Map.of("expression", "g_big_array", "frameId", frame, "context", "repl"));
            c.ok("cancel", Map.of("requestId", slow));
            JsonObject answered = c.response(slow);
            assertTrue(answered.get("success").getAsBoolean() || "cancelled".equals(answered.get("message").getAsString()),
                    answered.toString());
            c.ok("cancel", Map.of("requestId", slow)); // answered already: nothing to do
            assertEquals(List.of(), c.problems(), "no request answered twice");
            // gdb's commands in the Debug Console
            String examined = c.ok("evaluate", Map.of("expression", "x/5xw &g_array", "frameId", frame, "context", "repl"))
                    .get("result").getAsString();
            String bt = c.ok("evaluate", Map.of("expression", "bt", "frameId", frame, "context", "repl")).get("result").getAsString();
            assertTrue(bt.startsWith("#0") && bt.contains("main () at ") && bt.contains("values.c"), bt);
            String threads = c.ok("evaluate", Map.of("expression", "info threads", "frameId", frame, "context", "repl"))
                    .get("result").getAsString();
            assertTrue(threads.contains("* " + prog.pid), threads);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            assertEquals(gdbCommand(prog.pid, "x/5xw &g_array"), examined, "x as gdb's");

            List<String> asked = new ArrayList<>(expressions);
            asked.addAll(parts.keySet());
            asked.add("g_one_char");
            asked.add("g_padded.l");
            Map<String, String> gdb = gdbPrint(prog.pid, asked);
            Map<String, String> expected = new LinkedHashMap<>();
            expressions.forEach(e -> expected.put(e, gdb.get(e)));
            assertEquals(expected, ours, "each expression as gdb prints it (g_point's x as before: the hover wrote nothing)");
            parts.forEach((e, v) -> assertEquals(gdb.get(e), v, "the part " + e + " as gdb prints it"));
            assertEquals("{c = 65 'A'}", gdb.get("g_one_char"), "the Debug Console's write is in the process");
            assertEquals("-5", gdb.get("g_padded.l"), "setVariable's write is in the process");
            assertTrue(elements >= 3 && parts.size() >= 7, "parts compared: " + parts);
            prog.signal(Signals.SIGKILL);
            prog.awaitExit();
        }
    }

    @Test
    void cppQualifiedNamesAreGdbs() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        List<String> expressions = List.of("shapes::Derived::count", "shapes::WithStatic::label", "shapes::Derived::count * 2 + 1",
                "g_derived", "g_box.items[1]");
        try (Sample prog = Sample.start("values_cpp");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            int frame = c.ok("stackTrace", Map.of("threadId", prog.pid, "levels", 1)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject().get("id").getAsInt();
            Map<String, String> ours = new LinkedHashMap<>();
            for (String e : expressions) {
                ours.put(e, c.ok("evaluate", Map.of("expression", e, "frameId", frame, "context", "watch")).get("result").getAsString());
            }
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            // gdb in a frame of libc (C) would parse C: ask it in C++
            assertEquals(gdbPrint(prog.pid, expressions, List.of("set language c++")), ours, "C++'s qualified names as gdb prints them");
            prog.signal(Signals.SIGKILL);
            prog.awaitExit();
        }
    }

    /** A gdb command's output on the process. */
    private static String gdbCommand(int pid, String command) throws Exception {
        return GdbPython.run(List.of("-p", Integer.toString(pid)), List.of(),
                "out.write(esc(gdb.execute('" + command + "', to_string=True)) + '\\n')").get(0)[0];
    }

    private static List<String> sortLocals(List<String> vars) {
        List<String> args = new ArrayList<>(vars.stream().filter(v -> v.startsWith("arg ")).toList());
        List<String> locals = new ArrayList<>(vars.stream().filter(v -> v.startsWith("local ")).sorted().toList());
        args.addAll(locals);
        return args;
    }

    /** gdb's info args / info locals of thread {@code tid}'s frames {@code levels}, as "arg NAME = VALUE" then the sorted locals. */
    private static Map<Integer, List<String>> gdbFrames(int pid, int tid, java.util.Set<Integer> levels) throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb-vars", ".txt");
        Path py = Files.createTempFile("ptrace-dap-gdb-vars", ".py");
        Files.writeString(py, String.join("\n",
                "import gdb",
                "for t in gdb.selected_inferior().threads():",
                "    if t.ptid[1] == " + tid + ": t.switch()",
                "lines = []",
                "f = gdb.newest_frame()",
                "level = 0",
                "while f is not None:",
                "    if level in (" + String.join(", ", levels.stream().map(String::valueOf).toList()) + ",):",
                "        args, locs = [], []",
                "        b = f.block()",
                "        while b is not None:",
                "            for sym in b:",
                "                if sym.is_argument: args.append('arg %s = %s' % (sym.name, f.read_var(sym, b)))",
                "                elif sym.is_variable: locs.append('local %s = %s' % (sym.name, f.read_var(sym, b)))",
                "            if b.function is not None: break",
                "            b = b.superblock",
                "        lines.append('%d\\t%s' % (level, '\\t'.join(args + sorted(locs))))",
                "    f = f.older()",
                "    level += 1",
                "open('" + out + "', 'w').write('\\n'.join(lines) + '\\n')",
                ""));
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-iex", "set auto-load off",
                "-p", Integer.toString(pid), "-ex", "source " + py))) {
            gdb.awaitExit();
            Map<Integer, List<String>> frames = new LinkedHashMap<>();
            for (String line : Files.readAllLines(out)) {
                String[] f = line.split("\t", -1);
                if (f.length >= 1 && !f[0].isEmpty()) {
                    List<String> vars = new ArrayList<>();
                    for (int i = 1; i < f.length; i++) {
                        if (!f[i].isEmpty()) {
                            vars.add(f[i]);
                        }
                    }
                    frames.put(Integer.parseInt(f[0]), vars);
                }
            }
            return frames;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(py);
        }
    }

    /** gdb's value of each expression in the process's first thread (as its Python prints it: no "(type *)" prefix). */
    private static Map<String, String> gdbPrint(int pid, List<String> expressions) throws Exception {
        return gdbPrint(pid, expressions, List.of());
    }

    private static Map<String, String> gdbPrint(int pid, List<String> expressions, List<String> commands) throws Exception {
        StringBuilder script = new StringBuilder("for e in [");
        expressions.forEach(e -> script.append("'").append(e.replace("\\", "\\\\").replace("'", "\\'")).append("', "));
        script.append("]:\n")
                .append("    try: v = str(gdb.parse_and_eval(e))\n")
                .append("    except gdb.error as x: v = 'ERROR ' + str(x)\n")
                .append("    out.write(esc(e) + '\\t' + esc(v.replace('\\n', ' ')) + '\\n')");
        Map<String, String> values = new LinkedHashMap<>();
        for (String[] r : GdbPython.run(List.of("-p", Integer.toString(pid)), commands, script.toString())) {
            values.put(r[0], r[1]);
        }
        return values;
    }
}
