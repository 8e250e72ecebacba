package org.ptracedap.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Objdump;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;

/**
 * disassemble at a paused thread's pc, before it and after it, against objdump on the file that
 * is mapped there: the same instructions, boundary for boundary, byte for byte. And each
 * instruction's function and source line against gdb's on the same binary ({@code -O2}, with
 * inlined calls, and {@code -O0}): the line table's row at its address as gdb chooses it, the
 * function it belongs to.
 */
class DisassembleIT {
    @Test
    void instructionsAroundThePcAreObjdumpsAndUnreadableMemoryIsMarked() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "1");
             AdapterProcess adapter = new AdapterProcess()) {
            idle.awaitOutput("ready");
            DapClient c = adapter.client;
            JsonObject caps = c.ok("initialize", Map.of("adapterID", "ptrace"));
            assertTrue(caps.get("supportsDisassembleRequest").getAsBoolean());
            c.ok("attach", Map.of("processId", idle.pid));
            c.ok("configurationDone", null);
            c.ok("pause", Map.of("threadId", idle.pid));
            c.event("stopped");
            String pcRef = c.ok("stackTrace", Map.of("threadId", idle.pid)).getAsJsonArray("stackFrames").get(0)
                    .getAsJsonObject().get("instructionPointerReference").getAsString();
            long pc = Long.parseUnsignedLong(pcRef.substring(2), 16);
            JsonArray insns = c.ok("disassemble", Map.of("memoryReference", pcRef, "instructionOffset", -4,
                    "instructionCount", 12)).getAsJsonArray("instructions");
            assertEquals(12, insns.size());
            assertEquals(pc, address(insns.get(4).getAsJsonObject()), "instruction 4 is at the pc: " + insns);
            for (int i = 0; i + 1 < insns.size(); i++) {
                JsonObject a = insns.get(i).getAsJsonObject();
                assertEquals(address(insns.get(i + 1).getAsJsonObject()), address(a) + a.get("instructionBytes").getAsString().split(" ").length,
                        "contiguous: " + a);
            }
            assertTrue(insns.get(4).getAsJsonObject().get("symbol").getAsString().contains("sigtimedwait"), insns.get(4).toString());

            // objdump on the file mapped at the pc, from the first instruction to past the last
            String[] mapping = mappingOf(idle.pid, pc);
            long bias = firstMappingStart(idle.pid, mapping[5]);
            long first = address(insns.get(0).getAsJsonObject()) - bias;
            JsonObject lastInsn = insns.get(insns.size() - 1).getAsJsonObject();
            long end = address(lastInsn) + lastInsn.get("instructionBytes").getAsString().split(" ").length - bias;
            List<String[]> objdump = objdump(mapping[5], first, end);
            assertEquals(insns.size(), objdump.size(), "objdump: " + objdump.stream().map(o -> String.join(" | ", o)).toList());
            for (int i = 0; i < insns.size(); i++) {
                JsonObject ours = insns.get(i).getAsJsonObject();
                String[] theirs = objdump.get(i);
                assertEquals(Long.parseLong(theirs[0], 16), address(ours) - bias, "address of " + ours);
                assertEquals(theirs[1], ours.get("instructionBytes").getAsString().replace(" ", ""), "bytes of " + ours);
                String[] text = ours.get("instruction").getAsString().split(" ", 2);
                Matcher branch = Pattern.compile("^(\\S+) ([0-9a-f]+)$").matcher(theirs[2]);
                String expected = branch.matches() // objdump's branch target is in the file; ours is where it runs
                        ? branch.group(1) + " " + Long.toHexString(Long.parseLong(branch.group(2), 16) + bias) : theirs[2];
                assertTrue(Objdump.sameInstruction(expected, text[0], text.length > 1 ? text[1] : ""),
                        "objdump '" + theirs[2] + "', ours '" + ours.get("instruction").getAsString() + "'");
            }

            JsonArray nothing = c.ok("disassemble", Map.of("memoryReference", "0x10", "instructionCount", 3)).getAsJsonArray("instructions");
            assertEquals(3, nothing.size());
            for (var n : nothing) {
                assertEquals("invalid", n.getAsJsonObject().get("presentationHint").getAsString(), n.toString());
            }
            c.ok("disconnect", Map.of());
            c.awaitClosed();
            idle.signal(Signals.SIGUSR1);
            idle.awaitExit();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stacks", "stacks_O0"})
    void eachInstructionHasTheFunctionAndSourceLineGdbGivesIt(String sample) throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        Path bin = Sample.bin(sample).toRealPath();
        Map<Long, String[]> ours = new TreeMap<>(); // file address → function, path, line ("" and 0 without)
        try (Sample prog = Sample.start(sample);
             AdapterProcess adapter = new AdapterProcess()) {
            prog.awaitOutput("ready");
            DapClient c = adapter.client;
            c.attachAndPause(prog.pid);
            long bias = firstMappingStart(prog.pid, bin.toString());
            Set<String> pcs = new TreeSet<>(); // the sample's frames: every function the sample's threads are in
            for (JsonElement t : c.ok("threads", null).getAsJsonArray("threads")) {
                for (JsonElement f : c.ok("stackTrace", Map.of("threadId", t.getAsJsonObject().get("id").getAsInt(), "levels", 30))
                        .getAsJsonArray("stackFrames")) {
                    JsonObject frame = f.getAsJsonObject();
                    if (frame.has("source") && frame.getAsJsonObject("source").get("path").getAsString().endsWith("stacks.c")) {
                        pcs.add(frame.get("instructionPointerReference").getAsString());
                    }
                }
            }
            assertTrue(pcs.size() >= 4, "frames in stacks.c: " + pcs);
            for (String pc : pcs) {
                String path = "";
                for (JsonElement e : c.ok("disassemble", Map.of("memoryReference", pc, "instructionOffset", -16,
                        "instructionCount", 40)).getAsJsonArray("instructions")) {
                    JsonObject insn = e.getAsJsonObject();
                    if (insn.has("presentationHint")) {
                        continue; // not decodable
                    }
                    if (insn.has("location")) {
                        path = insn.getAsJsonObject("location").get("path").getAsString();
                    }
                    int line = insn.has("line") ? insn.get("line").getAsInt() : 0;
                    ours.put(address(insn) - bias, new String[] {insn.has("symbol") ? insn.get("symbol").getAsString() : "",
                            line > 0 ? path : "", Integer.toString(line)});
                }
            }
            c.ok("disconnect", Map.of());
            c.awaitClosed();
        }
        // gdb on the binary (a PIE: its addresses are the file's), for the same addresses
        ours.keySet().removeIf(a -> a < 0); // another module's code (none expected: the sample's own functions)
        Path out = Files.createTempFile("ptrace-dap-gdb-lines", ".txt");
        StringBuilder addresses = new StringBuilder();
        ours.keySet().forEach(a -> addresses.append(a).append(','));
        String script = String.join("\n",
                "import gdb",
                "with open('" + out + "', 'w') as out:",
                "    for a in [" + addresses + "]:",
                "        sal = gdb.find_pc_line(a)",
                "        b = gdb.block_for_pc(a)",
                "        name = ''",
                "        while b is not None and not b.is_static and not b.is_global:",
                "            if b.function is not None: name = b.function.name",
                "            b = b.superblock",
                "        if not name:", // no debug info here (crt code): the ELF symbol, as gdb's x/i shows it
                "            info = gdb.execute('info symbol %d' % a, to_string=True)",
                "            name = '' if info.startswith('No symbol') else info.split(' in section')[0].split(' + ')[0]",
                "        path = sal.symtab.fullname() if sal.symtab is not None and sal.line > 0 else ''",
                "        out.write('%d\\t%s\\t%s\\t%d\\n' % (a, name, path, sal.line if path else 0))");
        Path py = Files.writeString(Files.createTempFile("ptrace-dap-gdb-lines", ".py"), script + "\n");
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", bin.toString(), "-ex", "source " + py))) {
            assertEquals(0, gdb.awaitExit(), gdb.output());
        } finally {
            Files.delete(py);
        }
        List<String> theirs = Files.readAllLines(out);
        Files.delete(out);
        assertEquals(ours.size(), theirs.size(), "gdb answered for every address: " + theirs);
        int withLines = 0;
        StringBuilder diff = new StringBuilder();
        for (String row : theirs) {
            String[] g = row.split("\t", -1);
            String[] o = ours.get(Long.parseLong(g[0]));
            String want = g[1] + " " + canonical(g[2]) + ":" + g[3];
            String got = o[0] + " " + canonical(o[1]) + ":" + o[2];
            if (!want.equals(got)) {
                diff.append(String.format("0x%x gdb %s, ours %s%n", Long.parseLong(g[0]), want, got));
            }
            withLines += Integer.parseInt(g[3]) > 0 ? 1 : 0;
        }
        assertEquals("", diff.toString(), "each instruction's function and line as gdb has them");
        assertTrue(withLines > ours.size() / 2, "most instructions have a line: " + theirs);
    }

    private static String canonical(String path) {
        try {
            return path.isEmpty() ? "" : Path.of(path).toRealPath().toString();
        } catch (java.io.IOException e) {
            return path;
        }
    }

    private static long address(JsonObject insn) {
        return Long.parseUnsignedLong(insn.get("address").getAsString().substring(2), 16);
    }

    private static String[] mappingOf(int pid, long address) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = line.split("\\s+", 6);
            String[] range = f[0].split("-");
            if (Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16)) {
                return f;
            }
        }
        throw new AssertionError("no mapping holds 0x" + Long.toHexString(address));
    }

    /** Where the file's first mapping (file offset 0) starts: its load bias, for an ELF linked at 0. */
    private static long firstMappingStart(int pid, String path) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = line.split("\\s+", 6);
            if (f.length == 6 && f[5].equals(path) && Long.parseLong(f[2], 16) == 0) {
                return Long.parseUnsignedLong(f[0].split("-")[0], 16);
            }
        }
        throw new AssertionError("no offset-0 mapping of " + path);
    }

    /** objdump's instructions in [start, end): address, bytes (hex), text. */
    private static List<String[]> objdump(String file, long start, long end) throws Exception {
        try (Sample p = Sample.run("/usr/bin/objdump", List.of("objdump", "-d", "-w", "--start-address=0x" + Long.toHexString(start),
                "--stop-address=0x" + Long.toHexString(end), file))) {
            p.awaitExit();
            List<String[]> out = new ArrayList<>();
            Matcher m = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)\\s*\\t(.*)$", Pattern.MULTILINE).matcher(p.output());
            while (m.find()) {
                String text = m.group(3).replaceAll("\\s+#.*$", "").replaceAll("\\s+<[^>]*>$", "").trim().replaceAll("\\s+", " ");
                out.add(new String[] {m.group(1), m.group(2).replace(" ", ""), text});
            }
            return out;
        }
    }
}
