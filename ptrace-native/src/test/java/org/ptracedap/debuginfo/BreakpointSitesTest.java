package org.ptracedap.debuginfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.engine.Sample;
import org.ptracedap.testing.GdbFrames;
import org.ptracedap.testing.GdbPython;

/**
 * {@link BreakpointSites} against gdb 13 on the same live process: gdb attaches after we have
 * read our locations and sets the same breakpoints ({@code gdb.Breakpoint(spec)}), and each
 * location — its address, source file and line, and the function that holds it — must be one
 * gdb lists, and the other way round. Source lines by their {@code BP:} markers, at {@code -O2}
 * and {@code -O0}: an inlined function's line (one location per copy), a function's opening
 * lines (past the prologue), a comment line (moved to the next line with code), a loop line
 * split into several ranges (one location per block); functions by name in C and C++
 * (namespaces, overloads, a template, a plain method name, one inlined in two callers) and a
 * libc function; what a missing file and a line past the end say; breakpointLocations over a
 * range. The samples wait (in nanosleep or sigwait) while both look.
 */
class BreakpointSitesTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
    }

    /** The sample's source, from samples/bin/NAME's sibling src/. */
    private static Path source(String file) throws Exception {
        return Sample.bin("breakpoints").getParent().getParent().resolve("src").resolve(file).toRealPath();
    }

    /** The line of each {@code BP:name} marker of a sample's source. */
    private static Map<String, Integer> markers(String file) throws Exception {
        Map<String, Integer> lines = new LinkedHashMap<>();
        List<String> text = Files.readAllLines(source(file));
        Matcher m = Pattern.compile("/\\* BP:([\\w-]+)").matcher("");
        for (int i = 0; i < text.size(); i++) {
            if (m.reset(text.get(i)).find()) {
                lines.put(m.group(1), i + 1);
            }
        }
        return lines;
    }

    /** {@code FILE:LINE} for every line of a sample's source, and one past its end. */
    private static List<String> everyLine(String file) throws Exception {
        List<String> specs = new ArrayList<>();
        for (int l = 1; l <= Files.readAllLines(source(file)).size() + 1; l++) {
            specs.add(file + ":" + l);
        }
        return specs;
    }

    /** A running sample that stays put: breakpoints' workers call hot() forever (1 ms apart); bp_cpp waits in sigwait. */
    private static Sample start(String sample) throws Exception {
        Sample prog = sample.startsWith("bp_cpp") ? Sample.start(sample) : Sample.start(sample, "2", "0");
        prog.awaitOutput("ready");
        return prog;
    }

    /** Each location as both sides can write it: address, file:line, the function called there (not an inlined one). */
    private static String shown(long address, String file, int line, String function) {
        return String.format("0x%x %s:%d in %s", address, file, line, function);
    }

    /** Our locations for a spec ({@code FILE:LINE} or a function name), as {@link #shown}, or the message. */
    private static List<String> ours(Symbols symbols, String spec) {
        Matcher fileLine = Pattern.compile("(.+):(\\d+)").matcher(spec);
        BreakpointSites sites = symbols.breakpointSites();
        BreakpointSites.Resolution r = fileLine.matches()
                ? sites.line(BreakpointSites.SourceFile.of(fileLine.group(1)), Integer.parseInt(fileLine.group(2)))
                : sites.function(spec);
        List<String> out = new ArrayList<>();
        for (BreakpointSites.Location l : r.locations()) {
            List<Symbols.Place> places = symbols.at(l.address()).places();
            assertEquals(places.get(0).function(), l.function(), spec + ": the function as the stack shows it");
            out.add(shown(l.address(), l.file(), l.line(), places.get(places.size() - 1).function()));
        }
        if (out.isEmpty()) {
            assertTrue(r.message() != null && !r.message().isEmpty(), spec + ": no location says why");
        }
        return out;
    }

    /** gdb's locations for each spec, attached to {@code pid}, as {@link #shown}; a spec gdb finds nothing for has none. */
    private static Map<String, List<String>> gdb(int pid, List<String> specs, boolean cpp) throws Exception {
        StringBuilder list = new StringBuilder("[");
        for (String s : specs) {
            list.append("'").append(s).append("',");
        }
        String script = String.join("\n",
                "for spec in " + list + "]:",
                "    try:",
                "        b = gdb.Breakpoint(spec)",
                "    except gdb.error as e:",
                "        out.write(esc(spec) + '\\tnone\\n')",
                "        continue",
                "    out.write(esc(spec) + '\\tnone\\n')",
                "    for l in b.locations:",
                "        line = l.source[1] if l.source else 0",
                "        out.write(esc(spec) + '\\t' + esc('0x%x' % l.address) + '\\t' + esc(l.fullname or '') + '\\t' + esc(line) + '\\t' + esc(l.function) + '\\n')",
                "    b.delete()");
        Map<String, List<String>> found = new TreeMap<>();
        for (String[] r : GdbPython.run(List.of("-p", Integer.toString(pid)), List.of("set breakpoint pending off"), script)) {
            List<String> locations = found.computeIfAbsent(r[0], k -> new ArrayList<>());
            if (r.length == 5) {
                // gdb leaves "./libio/./libio/ioputs.c" as it is when the file is not here; we normalise it (Symbols.Place#file)
                locations.add(shown(Long.decode(r[1]), Path.of(r[2]).normalize().toString(), Integer.parseInt(r[3]), function(r[4], cpp)));
            }
        }
        return found;
    }

    /** gdb names a location's function by its linkage name (C++: mangled, or {@code main(int, char**)}): as a stack shows it. */
    private static String function(String gdbName, boolean cpp) {
        String name = Demangler.functionName(gdbName);
        int params = cpp ? name.indexOf('(') : -1;
        return params > 0 ? name.substring(0, params) : name;
    }

    /**
     * Our locations and gdb's for each spec, the same. gdb 13 gives some locations no source line
     * (ld.so's inlined copies of {@code free} and {@code malloc}, whose DWARF libc6-dbg ships
     * dwz-compressed), though its {@code info line} has one at that address: there only the
     * address and the function are compared.
     */
    private static void compare(String sample, Map<String, List<String>> ours, Map<String, List<String>> gdb) {
        for (String spec : ours.keySet()) {
            Set<String> noLine = new HashSet<>();
            for (String g : gdb.get(spec)) {
                if (g.contains(" :0 in ")) {
                    noLine.add(g.substring(0, g.indexOf(' ')));
                }
            }
            List<String> comparable = new ArrayList<>();
            for (String o : ours.get(spec)) {
                String address = o.substring(0, o.indexOf(' '));
                comparable.add(noLine.contains(address) ? address + " :0" + o.substring(o.lastIndexOf(" in ")) : o);
            }
            assertEquals(String.join("\n", new TreeSet<>(gdb.get(spec))), String.join("\n", new TreeSet<>(comparable)),
                    sample + " " + spec + ": the locations gdb has, and no other");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"breakpoints", "breakpoints_O0"})
    void sourceLinesAndFunctionsAreWhereGdbPutsThem(String sample) throws Exception {
        Map<String, Integer> at = markers("breakpoints.c");
        String file = source("breakpoints.c").toString();
        int hotFirst = at.get("hot-first");
        List<String> specs = new ArrayList<>();
        for (String marker : List.of("twice", "hot-first", "nocode", "hot-body", "loop")) {
            specs.add(file + ":" + at.get(marker));
        }
        // hot's opening brace and its declaration line: past the prologue; the line before the declaration (empty): moved on
        for (int before = 1; before <= 3; before++) {
            specs.add("breakpoints.c:" + (hotFirst - before));
        }
        specs.add("breakpoints.c:" + (at.get("loop") - 2)); // mix's opening line
        specs.addAll(everyLine("breakpoints.c"));
        // a header's function inlined into several callers (sleep_ms, in worker), by a path relative to the compile directory
        List<String> header = Files.readAllLines(source("common.h"));
        int sleepMs = header.indexOf("static inline void sleep_ms(long ms)") + 1;
        assertTrue(sleepMs > 0, "common.h has sleep_ms");
        for (int l = sleepMs; l < sleepMs + 12; l++) {
            specs.add("src/common.h:" + l);
        }
        specs.addAll(List.of("hot", "twice", "mix", "main", "puts"));
        Map<String, List<String>> ours = sameAsGdb(sample, specs, false);
        String nocode = file + ":" + at.get("nocode");
        assertTrue(ours.get(nocode).stream().allMatch(l -> l.contains("breakpoints.c:" + at.get("hot-body") + " ")),
                "a comment line moves to the next line with code: " + ours.get(nocode));
        assertTrue(ours.get(file + ":" + at.get("twice")).size() >= 2, "a line of twice(): one location per inlined copy: " + ours);
        assertEquals(1, ours.get(file + ":" + at.get("loop")).size(), "the loop's line, in one block: one location");
        assertTrue(ours.get("twice").size() >= 1 && ours.get("puts").size() == 1, ours.toString());
    }

    /** Our locations for each spec in a running {@code sample}, checked against gdb's ({@link #compare}). */
    private static Map<String, List<String>> sameAsGdb(String sample, List<String> specs, boolean cpp) throws Exception {
        try (Sample prog = start(sample)) {
            Map<String, List<String>> ours = new TreeMap<>();
            try (Symbols symbols = Symbols.open(prog.pid)) {
                for (String spec : specs) {
                    ours.put(spec, ours(symbols, spec));
                }
            }
            compare(sample, ours, gdb(prog.pid, specs, cpp));
            return ours;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bp_cpp", "bp_cpp_O0"})
    void cppFunctionsAndLinesAreWhereGdbPutsThem(String sample) throws Exception {
        Map<String, Integer> at = markers("bp_cpp.cpp");
        List<String> specs = new ArrayList<>(List.of("scale", "Shape::scale", "geometry::Shape::scale", "::geometry::Shape::scale",
                "scale(int)", "geometry::Shape::scale(double)", "clamp", "clamp<int>", "geometry::clamp<double>", "area",
                "perimeter", "geometry::perimeter", "main", "Shape::Shape", "malloc", "free", "_start", "_fini", "__vdso_gettimeofday"));
        for (String marker : at.keySet()) {
            specs.add("bp_cpp.cpp:" + at.get(marker));
        }
        specs.add("bp_cpp.cpp:" + (at.get("clamp") - 2)); // the template's declaration line
        specs.addAll(everyLine("bp_cpp.cpp"));
        Map<String, List<String>> ours = sameAsGdb(sample, specs, true);
        assertEquals(2, ours.get("scale").size(), "both overloads: " + ours.get("scale"));
        assertEquals(1, ours.get("scale(int)").size(), "one overload: " + ours.get("scale(int)"));
        assertEquals(2, ours.get("clamp").size(), "both instances: " + ours.get("clamp"));
        assertEquals(1, ours.get("clamp<int>").size(), "one instance: " + ours.get("clamp<int>"));
    }

    @Test
    void whatIsNotThereIsSaidPlainly() throws Exception {
        try (Sample prog = start("breakpoints_O0"); Symbols symbols = Symbols.open(prog.pid)) {
            BreakpointSites sites = symbols.breakpointSites();
            BreakpointSites.Resolution noFile = sites.line(BreakpointSites.SourceFile.of("/elsewhere/nofile.c"), 3);
            assertTrue(noFile.locations().isEmpty());
            assertTrue(noFile.message().startsWith("no file named /elsewhere/nofile.c in the program's debug info (")
                    && noFile.message().matches(".*\\(\\d+ source files.*"), noFile.message());
            BreakpointSites.Resolution moved = sites.line(BreakpointSites.SourceFile.of("/elsewhere/breakpoints.c"), 3);
            assertTrue(moved.message().contains(source("breakpoints.c").toString()),
                    "the file of that name the debug info has: " + moved.message());

            int end = Files.readAllLines(source("breakpoints.c")).size();
            BreakpointSites.Resolution pastEnd = sites.line(BreakpointSites.SourceFile.of("breakpoints.c"), end + 10);
            assertTrue(pastEnd.locations().isEmpty());
            assertEquals("line " + (end + 10) + " of breakpoints.c has no code, and no later line of it has", pastEnd.message());

            BreakpointSites.Resolution noFunction = sites.function("no_such_function");
            assertEquals("no function named no_such_function in the program or its libraries", noFunction.message());

            Map<String, List<String>> gdb = gdb(prog.pid, List.of("nofile.c:3", "breakpoints.c:" + (end + 10), "no_such_function"), false);
            assertTrue(gdb.values().stream().allMatch(List::isEmpty), "gdb finds none of them either: " + gdb);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"breakpoints", "breakpoints_O0"})
    void breakpointLocationsAreTheLinesGdbLandsOn(String sample) throws Exception {
        Map<String, Integer> at = markers("breakpoints.c");
        int from = at.get("twice") - 3;
        int to = at.get("loop") + 3;
        try (Sample prog = start(sample)) {
            List<BreakpointSites.Position> ours;
            try (Symbols symbols = Symbols.open(prog.pid)) {
                ours = symbols.breakpointSites().lines(BreakpointSites.SourceFile.of("breakpoints.c"), from, to);
            }
            List<String> specs = new ArrayList<>();
            for (int l = from; l <= to; l++) {
                specs.add("breakpoints.c:" + l);
            }
            TreeSet<Integer> landed = new TreeSet<>();
            for (List<String> locations : gdb(prog.pid, specs, false).values()) {
                for (String l : locations) {
                    Matcher line = Pattern.compile(":(\\d+) in ").matcher(l);
                    assertTrue(line.find(), l);
                    int n = Integer.parseInt(line.group(1));
                    if (n >= from && n <= to) {
                        landed.add(n);
                    }
                }
            }
            assertEquals(landed, new TreeSet<>(ours.stream().map(BreakpointSites.Position::line).toList()),
                    sample + ": lines " + from + "-" + to + " a breakpoint lands on");
            assertTrue(landed.contains(at.get("hot-body")) && !landed.contains(at.get("nocode")), landed.toString());
        }
    }
}
