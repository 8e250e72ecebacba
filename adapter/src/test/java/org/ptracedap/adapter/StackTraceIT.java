package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;

/**
 * stackTrace through the packaged adapter against gdb on the same process: every thread of the
 * {@code stacks} sample (libc, a recursion, a signal handler, inlined calls, tail calls), paged
 * four frames at a time as a client with delayed loading asks, each frame's name, source path
 * and line the ones gdb shows — with a sourceMap that moves the sample's sources, applied to
 * gdb's paths too. And what a client relies on besides: frame ids unique, {@code totalFrames}
 * announcing more while there is more, frames without source here {@code subtle}, a caller's
 * registers as the unwinder recovers them, a stale frame id refused after the program ran.
 */
class StackTraceIT {
    private static final int PAGE = 4;

    private record Shown(String name, String path, int line) {
        @Override
        public String toString() {
            return name + " " + path + ":" + line;
        }
    }

    @Test
    void everyThreadsStackIsGdbsPagedWithMappedSourcesAndCallersRegisters() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        Path sources = Sample.bin("stacks").getParent().resolveSibling("src").toRealPath();
        Path moved = Files.createTempDirectory("ptrace-dap-sources");
        Files.copy(sources.resolve("stacks.c"), moved.resolve("stacks.c"));
        Files.copy(sources.resolve("common.h"), moved.resolve("common.h"));
        try (Sample prog = Sample.start("stacks");
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            prog.awaitBlockedIn(prog.pid, Sample.SYS_RT_SIGTIMEDWAIT); // main prints "ready" before it waits
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsDelayedStackTraceLoading").getAsBoolean());
            c.ok("attach", Map.of("processId", prog.pid, "sourceMap", Map.of(sources.toString(), moved.toString())));
            c.ok("configurationDone", null);
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");

            Map<Integer, List<Shown>> ours = new TreeMap<>();
            Set<Integer> ids = new HashSet<>();
            JsonObject callerOfRecursion = null;
            JsonObject innermostOfRecursion = null;
            int recursionThread = 0;
            for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
                int tid = t.getAsJsonObject().get("id").getAsInt();
                List<JsonObject> frames = new ArrayList<>();
                while (true) {
                    JsonObject body = c.ok("stackTrace", Map.of("threadId", tid, "startFrame", frames.size(), "levels", PAGE));
                    JsonArray page = body.getAsJsonArray("stackFrames");
                    int total = body.get("totalFrames").getAsInt();
                    page.forEach(f -> frames.add(f.getAsJsonObject()));
                    assertTrue(total >= frames.size(), "totalFrames counts what was shown: " + body);
                    if (page.size() < PAGE || total == frames.size()) {
                        break;
                    }
                    assertTrue(total > frames.size(), "more announced while the stack goes on: " + body);
                }
                List<Shown> shown = new ArrayList<>();
                for (JsonObject f : frames) {
                    assertTrue(ids.add(f.get("id").getAsInt()), "frame ids are unique: " + f);
                    JsonObject source = f.getAsJsonObject("source");
                    String path = source == null ? null : source.get("path").getAsString();
                    String hint = f.has("presentationHint") ? f.get("presentationHint").getAsString() : "normal";
                    if (path != null && Files.exists(Path.of(path))) {
                        assertEquals("normal", hint, "a frame with its source here is a normal one: " + f);
                    } else if (!hint.equals("label")) {
                        assertEquals("subtle", hint, "a frame without source here is subtle: " + f);
                    }
                    shown.add(new Shown(f.get("name").getAsString(), path, f.get("line").getAsInt()));
                    if (f.get("name").getAsString().equals("recursion_thread")) {
                        callerOfRecursion = f;
                        innermostOfRecursion = frames.get(0);
                        recursionThread = tid;
                    }
                }
                ours.put(tid, shown);
            }
            assertNotNull(callerOfRecursion, "the recursion's thread: " + ours);
            Map<String, Long> outer = registers(c, callerOfRecursion.get("id").getAsInt());
            Map<String, Long> inner = registers(c, innermostOfRecursion.get("id").getAsInt());
            assertEquals(Long.parseUnsignedLong(callerOfRecursion.get("instructionPointerReference").getAsString().substring(2), 16),
                    outer.get("rip"), "a caller's rip is its frame's pc: " + outer);
            assertTrue(Long.compareUnsigned(outer.get("rsp"), inner.get("rsp")) > 0,
                    "a caller's stack pointer is above its callees': " + outer + " / " + inner);

            int stale = callerOfRecursion.get("id").getAsInt();
            c.ok("continue", Map.of("threadId", prog.pid));
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");
            String gone = c.error("scopes", Map.of("frameId", stale));
            assertTrue(gone.contains("ran"), gone);
            String noThread = c.error("stackTrace", Map.of("threadId", 999999999));
            assertFalse(noThread.isBlank());
            assertEquals(ours.get(recursionThread).size(), c.ok("stackTrace", Map.of("threadId", recursionThread))
                    .getAsJsonArray("stackFrames").size(), "the whole stack at once without levels");
            c.ok("disconnect", Map.of());
            c.awaitClosed();

            Map<Integer, List<GdbFrames.Frame>> gdb = GdbFrames.of(prog.pid);
            assertEquals(gdb.keySet(), ours.keySet(), "the same threads");
            for (int tid : gdb.keySet()) {
                List<String> expected = new ArrayList<>();
                for (GdbFrames.Frame g : gdb.get(tid)) {
                    String path = g.file() == null ? null
                            : g.file().startsWith(sources + "/") ? moved + g.file().substring(sources.toString().length()) : g.file();
                    expected.add(new Shown(g.kind().equals("sigtramp") ? "<signal handler called>" : g.function(), path,
                            g.line()).toString());
                }
                List<String> actual = new ArrayList<>();
                for (Shown s : ours.get(tid)) {
                    // gdb's "??" (no symbol): ours is named by its module and offset
                    actual.add((s.name().matches("[^ ]+\\.so[^ ]*\\+0x[0-9a-f]+") ? new Shown(null, s.path(), s.line()) : s).toString());
                }
                assertEquals(String.join("\n", expected), String.join("\n", actual), "thread " + tid + ", frame for frame");
            }
            prog.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
        } finally {
            Files.deleteIfExists(moved.resolve("stacks.c"));
            Files.deleteIfExists(moved.resolve("common.h"));
            Files.deleteIfExists(moved);
        }
    }

    @Test
    void aTenThousandDeepRecursionIsPagedWithoutUnwindingItAllFirst() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        int depth = 10_000;
        try (Sample prog = Sample.start("stacks", Integer.toString(depth));
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            prog.awaitBlockedIn(prog.pid, Sample.SYS_RT_SIGTIMEDWAIT); // main prints "ready" before it waits
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            int recursion = 0;
            JsonObject first = null;
            for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
                int tid = t.getAsJsonObject().get("id").getAsInt();
                JsonObject page = c.ok("stackTrace", Map.of("threadId", tid, "startFrame", 0, "levels", 20));
                if (page.getAsJsonArray("stackFrames").toString().contains("\"recurse\"")) {
                    recursion = tid;
                    first = page;
                }
            }
            assertTrue(recursion != 0, "the recursion's thread");
            int total = first.get("totalFrames").getAsInt();
            assertTrue(total > 20 && total < 200, "more announced, not the whole stack counted: " + total);
            int recurse = 0;
            int shown = 0;
            for (int start = 0; ; start += 1000) {
                JsonArray page = c.ok("stackTrace", Map.of("threadId", recursion, "startFrame", start, "levels", 1000))
                        .getAsJsonArray("stackFrames");
                for (JsonElement f : page) {
                    recurse += f.getAsJsonObject().get("name").getAsString().equals("recurse") ? 1 : 0;
                }
                shown += page.size();
                if (page.size() < 1000) {
                    break;
                }
            }
            assertEquals(depth + 1, recurse, "recurse(" + depth + ") … recurse(0), each a frame of its own");
            JsonObject last = c.ok("stackTrace", Map.of("threadId", recursion, "startFrame", shown - 2, "levels", 20));
            assertEquals(shown, last.get("totalFrames").getAsInt(), "at the end the total is exact: " + last);
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            prog.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()));
        }
    }

    private static Map<String, Long> registers(DapClient c, int frameId) throws InterruptedException {
        int ref = DapClient.scopeRef(c, frameId, "Registers");
        Map<String, Long> regs = new TreeMap<>();
        for (JsonElement v : c.ok("variables", Map.of("variablesReference", ref)).getAsJsonArray("variables")) {
            String value = v.getAsJsonObject().get("value").getAsString().split(" ")[0]; // eflags: 0x246 [ PF ZF IF ]
            if (value.startsWith("0x")) { // not a set of registers to expand (x87, SSE, AVX)
                regs.put(v.getAsJsonObject().get("name").getAsString(), Long.parseUnsignedLong(value.substring(2), 16));
            }
        }
        return regs;
    }
}
