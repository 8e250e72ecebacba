package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;

/** modules against /proc/PID/maps and the debug files that are really on this machine. */
class ModulesIT {
    @Test
    void everyMappedFileIsAModuleWithItsRangeAndItsDebugInfo() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "1");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            assertTrue(c.ok("initialize", Map.of("adapterID", "ptrace")).get("supportsModulesRequest").getAsBoolean());
            c.ok("attach", Map.of("processId", idle.pid));
            c.ok("configurationDone", null);
            JsonObject all = c.ok("modules", Map.of());
            JsonArray modules = all.getAsJsonArray("modules");
            Map<String, JsonObject> byPath = new HashMap<>();
            for (JsonElement m : modules) {
                if (m.getAsJsonObject().has("path")) {
                    byPath.put(m.getAsJsonObject().get("path").getAsString(), m.getAsJsonObject());
                }
            }
            // every file mapped executable is a module whose range holds that mapping
            for (String line : Files.readAllLines(Path.of("/proc/" + idle.pid + "/maps"))) {
                String[] f = line.split("\\s+", 6);
                if (f.length == 6 && f[1].contains("x") && f[5].startsWith("/")) {
                    JsonObject m = byPath.get(f[5]);
                    assertNotNull(m, f[5] + " is mapped executable: " + byPath.keySet());
                    String[] range = m.get("addressRange").getAsString().split("-");
                    String[] mapped = f[0].split("-");
                    assertTrue(Long.parseUnsignedLong(range[0].substring(2), 16) <= Long.parseUnsignedLong(mapped[0], 16)
                            && Long.parseUnsignedLong(mapped[1], 16) <= Long.parseUnsignedLong(range[1].substring(2), 16),
                            m + " holds " + line);
                }
            }
            String self = Sample.bin("idle_threads").toRealPath().toString();
            assertEquals("Symbols loaded", byPath.get(self).get("symbolStatus").getAsString(), "built with -g: " + byPath.get(self));
            String libc = byPath.keySet().stream().filter(p -> p.endsWith("/libc.so.6")).findFirst().orElseThrow();
            boolean libcDbg = Files.exists(debugFileByBuildId(libc));
            assertEquals(libcDbg ? "Symbols loaded" : "No debug info (symbols only)", byPath.get(libc).get("symbolStatus").getAsString(),
                    "libc's separate debug file " + debugFileByBuildId(libc) + (libcDbg ? " is" : " is not") + " here");

            JsonObject page = c.ok("modules", Map.of("startModule", 1, "moduleCount", 1));
            assertEquals(1, page.getAsJsonArray("modules").size());
            assertEquals(modules.size(), page.get("totalModules").getAsInt());
            assertEquals(modules.get(1), page.getAsJsonArray("modules").get(0));
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            idle.signal(Signals.SIGUSR1);
            idle.awaitExit();
        }
    }

    @Test
    void librariesLoadedAfterTheEntryComeAsModuleEventsAtTheNextStop() throws Exception {
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            c.ok("initialize", Map.of("adapterID", "ptrace"));
            c.ok("launch", Map.of("program", Sample.bin("idle_threads").toString(), "args", List.of("2"), "stopOnEntry", true));
            int pid = c.event("process").get("systemProcessId").getAsInt();
            c.ok("configurationDone", null);
            c.event("stopped");
            // before the first instruction only the program, the dynamic loader and the vDSO are mapped
            String atEntry = c.ok("modules", Map.of()).getAsJsonArray("modules").toString();
            assertTrue(!atEntry.contains("libc.so.6"), atEntry);
            c.ok("continue", Map.of("threadId", pid));
            c.awaitEvents("thread", t -> t.get("reason").getAsString().equals("started"), 3);
            c.ok("pause", Map.of("threadId", pid));
            c.event("stopped");
            JsonObject libc = c.event("module", m -> m.getAsJsonObject("module").get("name").getAsString().startsWith("libc.so"));
            assertEquals("new", libc.get("reason").getAsString(), libc.toString());
            assertTrue(c.ok("modules", Map.of()).getAsJsonArray("modules").toString()
                    .contains(libc.getAsJsonObject("module").get("path").getAsString()), "the list has it too");
            assertTrue(c.events("module").stream().noneMatch(m -> m.getAsJsonObject("module").get("name").getAsString()
                    .startsWith("idle_threads")), "the program itself was known from the start: " + c.events("module"));
            // the stacks are unwound with the modules there now (the unwinder made at the entry knew no libc)
            JsonArray frames = c.ok("stackTrace", Map.of("threadId", pid, "levels", 30)).getAsJsonArray("stackFrames");
            String shown = frames.toString();
            assertTrue(frames.size() >= 3 && shown.contains("libc.so") && shown.contains("\"main\""),
                    "main's stack through libc to main: " + shown);
            c.ok("disconnect", Map.of());
        }
    }

    @Test
    void loadedSourcesAreTheCompilationUnitsFilesAndComeWithTheirLibrary() throws Exception {
        Path program = Sample.bin("idle_threads");
        Path source = program.getParent().resolveSibling("src").resolve("idle_threads.c").toRealPath();
        try (AdapterProcess adapter = new AdapterProcess()) {
            DapClient c = adapter.client;
            assertTrue(c.ok("initialize", Map.of("adapterID", "ptrace")).get("supportsLoadedSourcesRequest").getAsBoolean());
            c.ok("launch", Map.of("program", program.toString(), "args", List.of("2"), "stopOnEntry", true));
            int pid = c.event("process").get("systemProcessId").getAsInt();
            c.ok("configurationDone", null);
            c.event("stopped");
            List<String> atEntry = paths(c.ok("loadedSources", null));
            assertTrue(atEntry.contains(source.toString()), "the program's own source: " + atEntry);
            assertTrue(atEntry.stream().noneMatch(p -> p.endsWith("idle_threads.c") && !p.equals(source.toString())), "once: " + atEntry);

            c.ok("continue", Map.of("threadId", pid));
            c.awaitEvents("thread", t -> t.get("reason").getAsString().equals("started"), 3);
            c.ok("pause", Map.of("threadId", pid));
            c.event("stopped");
            JsonObject libc = c.event("module", m -> m.getAsJsonObject("module").get("name").getAsString().startsWith("libc.so"));
            boolean libcHasDwarf = libc.getAsJsonObject("module").get("symbolStatus").getAsString().equals("Symbols loaded");
            List<String> now = paths(c.ok("loadedSources", null));
            assertTrue(now.containsAll(atEntry), "what was loaded still is");
            if (libcHasDwarf) { // libc6-dbg (installed by .ci/run)
                c.awaitEvents("loadedSource", e -> e.get("reason").getAsString().equals("new"), now.size() - atEntry.size());
                List<JsonObject> added = c.events("loadedSource");
                List<String> told = new ArrayList<>(atEntry);
                added.forEach(e -> told.add(e.getAsJsonObject("source").get("path").getAsString()));
                assertEquals(new TreeSet<>(now), new TreeSet<>(told), "the events told what the list has now");
                assertEquals(now.size(), told.size(), "each source told once");
                assertTrue(now.size() > atEntry.size() + 100, "libc's sources: " + now.size());
                // libc's DW_AT_comp_dir is "." (Debian maps its build directory away): relative paths, as gdb shows them
                assertTrue(now.stream().noneMatch(p -> p.isEmpty() || p.startsWith("./") || p.contains("/../")), "normalised: " + now);
            }
            c.ok("disconnect", Map.of());
        }
    }

    private static List<String> paths(JsonObject loadedSources) {
        List<String> out = new ArrayList<>();
        loadedSources.getAsJsonArray("sources").forEach(s -> out.add(s.getAsJsonObject().get("path").getAsString()));
        return out;
    }

    /** /usr/lib/debug/.build-id/xx/yyyy.debug for the build-id readelf finds in {@code file}. */
    private static Path debugFileByBuildId(String file) throws Exception {
        try (Sample readelf = Sample.run("/usr/bin/readelf", List.of("readelf", "-n", file))) {
            readelf.awaitExit();
            Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(readelf.output());
            assertTrue(m.find(), readelf.output());
            String id = m.group(1);
            return Path.of("/usr/lib/debug/.build-id", id.substring(0, 2), id.substring(2) + ".debug");
        }
    }
}
