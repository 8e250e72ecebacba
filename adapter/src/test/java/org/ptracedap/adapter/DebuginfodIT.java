package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.Addr2line;
import org.ptracedap.testing.DebuginfodServer;
import org.ptracedap.testing.Wait;

/**
 * launch/attach's {@code debuginfod} through the packaged adapter, its environment as a Debian
 * desktop's: DEBUGINFOD_URLS naming a server — a {@link DebuginfodServer} of the test's own —
 * and DEBUGINFOD_CACHE_PATH a fresh directory. The sample {@code idle_threads_split} has its
 * DWARF only in the file that server has. Off (the default): no request, no source lines. On:
 * the program's frames get the source lines addr2line finds in that file, downloaded off the
 * tracer thread — threads, pause and continue are answered while the server holds the download.
 */
class DebuginfodIT {
    /** The debuginfod client's cache (DEBUGINFOD_CACHE_PATH): a directory of each test's own, removed after it. */
    @TempDir
    Path cache;

    @BeforeEach
    void libdw() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
    }

    @Test
    void offByDefaultThoughDebuginfodUrlsIsSet() throws Exception {
        try (DebuginfodServer server = new DebuginfodServer(false, Sample.bin("served/idle_threads_split.debug"));
             Sample prog = Sample.start("idle_threads_split", "2");
             AdapterProcess adapter = AdapterProcess.withEnvironment(environment(server.url()))) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            List<JsonObject> ours = programFrames(c);
            assertTrue(ours.stream().anyMatch(f -> f.get("name").getAsString().equals("worker")), ours.toString());
            assertTrue(ours.stream().noneMatch(f -> f.has("source")), "no source lines: " + ours);
            assertEquals("No debug info (symbols only)", program(c).get("symbolStatus").getAsString());
            assertEquals(Map.of(), server.requests(), "every stack shown, every module listed, and no server asked");
            letGo(c, prog);
        }
    }

    @Test
    void onTheSymbolsDownloadWhilePauseAndContinueGoOn() throws Exception {
        Path served = Sample.bin("served/idle_threads_split.debug");
        String id = DebuginfodServer.buildId(served);
        try (DebuginfodServer server = new DebuginfodServer(true, served);
             Sample prog = Sample.start("idle_threads_split", "2");
             AdapterProcess adapter = AdapterProcess.withEnvironment(environment(server.url()))) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.ok("attach", Map.of("processId", prog.pid, "debuginfod", true));
            c.ok("configurationDone", null);
            Wait.until("the adapter asking for " + id, () -> server.requests(id) > 0);
            // the server holds the download: the tracer thread goes on meanwhile
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");
            assertEquals(3, c.ok("threads", null).getAsJsonArray("threads").size());
            c.ok("continue", Map.of("threadId", prog.pid));
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");
            assertEquals(3, c.ok("threads", null).getAsJsonArray("threads").size());
            assertEquals(1, server.requests(id), "the download is held, asked for once");

            server.release();
            long start = Long.parseUnsignedLong(program(c).get("addressRange").getAsString().split("-")[0].substring(2), 16);
            List<JsonObject> ours = programFrames(c);
            assertTrue(ours.stream().anyMatch(f -> f.get("name").getAsString().equals("worker")), ours.toString());
            for (JsonObject f : ours) {
                long pc = Long.parseUnsignedLong(f.get("instructionPointerReference").getAsString().substring(2), 16);
                // callers all: their line is the call's, at the return address - 1
                assertEquals(Addr2line.at(served, pc - 1 - start), f.get("name").getAsString() + " "
                        + f.getAsJsonObject("source").get("path").getAsString() + ":" + f.get("line").getAsInt(), f.toString());
            }
            assertEquals("Symbols loaded", program(c).get("symbolStatus").getAsString());
            assertEquals(1, server.requests(id), "downloaded once, for the symbols: " + server.requests());
            assertTrue(server.requests().values().stream().allMatch(n -> n == 1),
                    "each module without local debug info asked for once (a miss is cached too): " + server.requests());
            letGo(c, prog);
        }
    }

    @Test
    void onWithoutServersSaysSoAndGoesOn() throws Exception {
        Map<String, String> env = environment("");
        env.remove("DEBUGINFOD_URLS");
        try (Sample prog = Sample.start("idle_threads_split", "2");
             AdapterProcess adapter = AdapterProcess.withEnvironment(env)) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.ok("attach", Map.of("processId", prog.pid, "debuginfod", true));
            c.ok("configurationDone", null);
            c.ok("pause", Map.of("threadId", prog.pid));
            c.event("stopped");
            assertFalse(programFrames(c).isEmpty());
            String console = c.output("console");
            assertTrue(console.contains("DEBUGINFOD_URLS is empty or unset"), console);
            assertEquals(console.indexOf("DEBUGINFOD_URLS"), console.lastIndexOf("DEBUGINFOD_URLS"), "once: " + console);
            letGo(c, prog);
        }
    }

    /** Ours, with DEBUGINFOD_URLS naming {@code urls} and the debuginfod cache in a fresh directory. */
    private Map<String, String> environment(String urls) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DEBUGINFOD_URLS", urls);
        env.put("DEBUGINFOD_CACHE_PATH", cache.toString());
        // a held answer sends nothing for a while: no low-speed timeout before the test lets it go
        env.put("DEBUGINFOD_TIMEOUT", Long.toString(10 * Sample.LONG.toSeconds()));
        return env;
    }

    /** The program's own module, as the modules request lists it. */
    private static JsonObject program(DapClient c) throws Exception {
        String path = Sample.bin("idle_threads_split").toRealPath().toString();
        for (JsonElement m : c.ok("modules", Map.of()).getAsJsonArray("modules")) {
            if (m.getAsJsonObject().has("path") && m.getAsJsonObject().get("path").getAsString().equals(path)) {
                return m.getAsJsonObject();
            }
        }
        throw new AssertionError("no module " + path);
    }

    /** Every thread's frames that are in the program's own code (not libc's). */
    private static List<JsonObject> programFrames(DapClient c) throws Exception {
        List<JsonObject> frames = new ArrayList<>();
        for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
            int tid = t.getAsJsonObject().get("id").getAsInt();
            for (JsonElement f : c.ok("stackTrace", Map.of("threadId", tid, "levels", 64)).getAsJsonArray("stackFrames")) {
                JsonObject frame = f.getAsJsonObject();
                if (frame.has("moduleId") && frame.get("moduleId").getAsString().endsWith("/idle_threads_split")
                        && !frame.get("name").getAsString().equals("_start")) {
                    frames.add(frame);
                }
            }
        }
        return frames;
    }

    private static void letGo(DapClient c, Sample prog) throws Exception {
        c.ok("disconnect", Map.of());
        c.awaitClosed();
        prog.signal(Signals.SIGUSR1);
        assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
    }
}
