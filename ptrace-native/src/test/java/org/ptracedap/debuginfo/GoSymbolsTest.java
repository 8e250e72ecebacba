package org.ptracedap.debuginfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.testing.GdbFrames;

/**
 * Go functions at their file:line in a live Go process, as gdb's {@code info line} has them: Go
 * writes no {@code .debug_aranges}, so libdw 0.188 finds no CU for a pc and {@link Symbols}
 * walks the CUs (DESIGN.md §7).
 */
class GoSymbolsTest {
    @Test
    void goFunctionsHaveTheirSourceLinesAsGdbSays() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        Path bin = Sample.bin("go_threads");
        Assumptions.assumeTrue(Files.isExecutable(bin), "the Go sample is built when go is installed (apt-get install golang-go)");
        Pattern line = Pattern.compile("^Line (\\d+) of \"([^\"]+)\" (?:starts at|is at) address (0x[0-9a-f]+) <([^>+]+)",
                Pattern.MULTILINE);
        String gdb;
        try (Sample g = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-iex", "set auto-load off", "-ex", "info line main.sleepRaw",
                "-ex", "info line *(main.main+40)", bin.toString()))) {
            g.awaitExit();
            gdb = g.output();
        }
        Matcher m = line.matcher(gdb);
        int checked = 0;
        try (Sample prog = Sample.start("go_threads", "2", "60000")) {
            prog.awaitOutput("started");
            try (Symbols symbols = Symbols.open(prog.pid)) {
                while (m.find()) {
                    long address = Long.parseUnsignedLong(m.group(3).substring(2), 16);
                    Symbols.Code code = symbols.at(address);
                    Symbols.Place p = code.places().get(code.places().size() - 1);
                    assertEquals(m.group(4), p.function(), "the function at " + m.group(3) + ": " + code);
                    assertEquals(Path.of(m.group(2)).normalize().toString(), p.file(), "its file: " + code);
                    assertEquals(Integer.parseInt(m.group(1)), p.line(), "its line: " + code);
                    checked++;
                }
            }
            prog.signal(org.ptracedap.sys.Signals.SIGKILL);
            prog.awaitExit();
        }
        assertEquals(2, checked, "gdb's two lines were compared: " + gdb);
    }
}
