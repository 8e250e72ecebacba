package org.ptracedap.debugger.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.types.DwarfTypes;
import org.ptracedap.testing.GdbFrames;

/**
 * {@link Format} against gdb: every global of the values samples (C and C++, DWARF 5 and 4),
 * in a running process, printed by us — its type from {@link DwarfTypes}, its bytes through
 * /proc/PID/mem, the symbol after a pointer from the binary's ELF symbols — and by gdb attached
 * to the same process: {@code print G} and {@code print/x G}, text for text.
 */
class FormatTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is not installed");
    }

    /** What gdb cannot print at all (it errs), per sample: not compared. */
    private static final Map<String, Set<String>> GDB_CANNOT = Map.of(
            "values_cpp", Set.of("g_nullptr"), // "Attempt to dereference a generic pointer."
            "values_cpp_dwarf4", Set.of("g_nullptr"));

    private static final String SCRIPT = String.join("\n",
            "for name in NAMES:",
            "    for cmd in ('print', 'print/x'):",
            "        try:",
            "            s = gdb.execute(cmd + ' ' + name, to_string=True)",
            "            out.write('\\t'.join([cmd, name, 'OK', esc(s)]) + '\\n')",
            "        except gdb.error as e:",
            "            out.write('\\t'.join([cmd, name, 'ERROR', esc(e)]) + '\\n')");

    @ParameterizedTest
    @ValueSource(strings = {"values", "values_dwarf4", "values_cpp", "values_cpp_dwarf4"})
    void everyGlobalPrintedAsGdbPrintsIt(String sample) throws Exception {
        try (LiveSample live = new LiveSample(sample)) {
            List<String[]> gdb = live.gdb(live.globals.keySet(), SCRIPT);
            List<String> differences = new ArrayList<>();
            Set<String> gdbCannot = new TreeSet<>();
            int compared = 0;
            for (String[] r : gdb) {
                String name = r[1];
                if (r[2].equals("ERROR")) {
                    gdbCannot.add(name);
                    continue;
                }
                String expected = r[3].replaceFirst("^\\$\\d+ = ", "").replaceFirst("\n$", "");
                String ours = Format.format(live.global(name), live.print.withHex(r[0].equals("print/x")));
                compared++;
                if (!expected.equals(ours)) {
                    differences.add(r[0] + " " + name + ":\n    gdb  " + expected + "\n    ours " + ours);
                }
            }
            assertEquals(GDB_CANNOT.getOrDefault(sample, Set.of()), gdbCannot, "what gdb cannot print");
            assertTrue(compared >= 2 * (live.globals.size() - gdbCannot.size()), "compared " + compared);
            assertEquals("", String.join("\n", differences), sample + ": " + differences.size() + " of " + compared + " differ from gdb");
        }
    }
}
