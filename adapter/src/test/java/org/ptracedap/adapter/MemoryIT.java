package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;

/**
 * readMemory and writeMemory through the packaged adapter, against gdb's {@code x} on the same
 * process (after we let go: the bytes of text do not change), and at the edge of a mapping.
 */
class MemoryIT {
    @Test
    void memoryIsWhatGdbReadsPartlyMappedRangesAnswerTheirReadablePartAndWritesLand() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is the oracle: apt-get install gdb");
        try (Sample idle = Sample.start("idle_threads", "2");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsReadMemoryRequest").getAsBoolean());
            assertTrue(caps.get("supportsWriteMemoryRequest").getAsBoolean());
            c.ok("attach", Map.of("processId", idle.pid));
            c.ok("configurationDone", null);
            String running = c.error("readMemory", Map.of("memoryReference", "0x1000", "count", 8));
            assertTrue(running.contains("not stopped"), running);

            c.ok("pause", Map.of("threadId", idle.pid));
            c.event("stopped");
            String rip = c.ok("stackTrace", Map.of("threadId", idle.pid)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject().get("instructionPointerReference").getAsString();
            byte[] text = read(c, rip, 32);
            assertEquals(32, text.length);

            // the end of a mapping with nothing right after it: its last 8 bytes, then 24 unreadable
            long end = mappingEndBeforeAGap(idle.pid);
            JsonObject edge = c.ok("readMemory", Map.of("memoryReference", String.format("0x%x", end - 8), "count", 32));
            assertEquals(8, Base64.getDecoder().decode(edge.get("data").getAsString()).length, edge.toString());
            assertEquals(24, edge.get("unreadableBytes").getAsInt(), edge.toString());
            JsonObject none = c.ok("readMemory", Map.of("memoryReference", "0x0", "count", 16));
            assertEquals(0, Base64.getDecoder().decode(none.get("data").getAsString()).length);
            assertEquals(16, none.get("unreadableBytes").getAsInt());

            // a write below the stack pointer of main (unused stack), read back; a memory event after the response
            long rsp = register(c, idle.pid, "rsp");
            String below = String.format("0x%x", rsp - 4096);
            byte[] before = read(c, below, 4);
            byte[] bytes = {1, 2, 3, 4};
            JsonObject w = c.ok("writeMemory", Map.of("memoryReference", below, "data", Base64.getEncoder().encodeToString(bytes)));
            assertEquals(4, w.get("bytesWritten").getAsInt());
            JsonObject changed = c.event("memory");
            assertEquals(below, changed.get("memoryReference").getAsString());
            assertArrayEquals(bytes, read(c, below, 4));
            c.ok("writeMemory", Map.of("memoryReference", below, "data", Base64.getEncoder().encodeToString(before)));
            String bad = c.error("readMemory", Map.of("memoryReference", "here", "count", 4));
            assertTrue(bad.contains("memoryReference"), bad);
            String unwritable = c.error("writeMemory", Map.of("memoryReference", "0x8", "data", "AAAA"));
            assertTrue(unwritable.contains("cannot write 3 bytes at 0x8"), unwritable);

            c.ok("disconnect", Map.of());
            c.awaitClosed();
            assertArrayEquals(gdbBytes(idle.pid, rip, 32), text, "readMemory at rip is what gdb's x shows");
            idle.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(idle.awaitExit()));
        }
    }

    private static byte[] read(DapClient c, String address, int count) throws InterruptedException {
        JsonObject r = c.ok("readMemory", Map.of("memoryReference", address, "count", count));
        assertFalse(r.has("unreadableBytes") && r.get("unreadableBytes").getAsInt() > 0, r.toString());
        return Base64.getDecoder().decode(r.get("data").getAsString());
    }

    private static long register(DapClient c, int tid, String name) throws InterruptedException {
        int frame = c.ok("stackTrace", Map.of("threadId", tid)).getAsJsonArray("stackFrames").get(0).getAsJsonObject().get("id").getAsInt();
        int ref = DapClient.scopeRef(c, frame, "Registers");
        for (var v : c.ok("variables", Map.of("variablesReference", ref)).getAsJsonArray("variables")) {
            if (v.getAsJsonObject().get("name").getAsString().equals(name)) {
                return Long.parseUnsignedLong(v.getAsJsonObject().get("value").getAsString().substring(2), 16);
            }
        }
        throw new AssertionError("no register " + name);
    }

    /** The end of a mapping of the process that the next mapping does not start at. */
    private static long mappingEndBeforeAGap(int pid) throws Exception {
        List<String> maps = Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
        for (int i = 0; i + 1 < maps.size(); i++) {
            String[] here = maps.get(i).split("\\s+")[0].split("-");
            String[] next = maps.get(i + 1).split("\\s+")[0].split("-");
            if (!here[1].equals(next[0]) && maps.get(i).split("\\s+")[1].startsWith("r")) {
                return Long.parseUnsignedLong(here[1], 16);
            }
        }
        throw new AssertionError("no gap in " + maps);
    }

    /**
     * The bytes gdb's {@code x} reads at {@code address}. gdb writes them to a file of their own:
     * its stdout and stderr reach us on two pipes, and a message on stderr ("… No such file or
     * directory", about libc's sources) can land in the middle of a line of stdout.
     */
    private static byte[] gdbBytes(int pid, String address, int count) throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb-x", ".txt");
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-p", Integer.toString(pid),
                "-ex", "set logging file " + out, "-ex", "set logging overwrite on", "-ex", "set logging redirect on",
                "-ex", "set logging enabled on", "-ex", "x/" + count + "xb " + address, "-ex", "set logging enabled off"))) {
            gdb.awaitExit();
            String text = Files.readString(out);
            byte[] bytes = new byte[count];
            int n = 0;
            Matcher m = Pattern.compile("^0x[0-9a-f]+[^:\\n]*:((?:[ \\t]+0x[0-9a-f]{2})+)", Pattern.MULTILINE).matcher(text);
            while (m.find()) {
                for (String b : m.group(1).trim().split("[ \\t]+")) {
                    bytes[n++] = (byte) Integer.parseInt(b.substring(2), 16);
                }
            }
            assertEquals(count, n, "gdb's x printed: " + text + "\n(gdb's output: " + gdb.output() + ")");
            return bytes;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
