package org.ptracedap.debugger.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.testing.GdbFrames;

/**
 * {@link StdLib} against gdb with libstdc++'s pretty printers (auto-loaded for the live
 * process): every global of the stdlib_cpp sample — strings, vectors (of strings, of vectors, of
 * bools, a big one past the 200 elements), maps, sets, lists, unordered ones, deques, smart
 * pointers, optionals, variants, empty ones — printed by {@link Format} and by gdb's
 * {@code print}; and their {@link Children} against the printers' children (gdb's
 * {@code default_visualizer(v).children()}): name, value and address.
 */
class StdLibTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is not installed");
    }

    private static final String SCRIPT = String.join("\n",
            "import itertools",
            "def addr(v):",
            "    try:",
            "        return '' if v.address is None else str(int(v.address))",
            "    except gdb.error:",
            "        return ''",
            "for name in NAMES:",
            "    try:",
            "        s = gdb.execute('print ' + name, to_string=True)",
            "    except gdb.error as e:",
            "        s = 'ERROR ' + str(e)",
            "    out.write('\\t'.join(['print', name, esc(s)]) + '\\n')",
            "    viz = gdb.default_visualizer(gdb.parse_and_eval(name))",
            "    if viz is None or not hasattr(viz, 'children'):",
            "        continue",
            "    hint = viz.display_hint() if hasattr(viz, 'display_hint') else None",
            "    kids = list(itertools.islice(viz.children(), 0, 24))",
            "    if hint == 'map':",
            "        kids = [('[' + str(kids[i][1]) + ']', kids[i + 1][1]) for i in range(0, len(kids) - 1, 2)]",
            "    elif hint == 'array':",
            "        kids = [('[%d]' % i, k[1]) for i, k in enumerate(kids)]",
            "    for i, (n, v) in enumerate(kids):",
            "        if isinstance(v, gdb.Value):",
            "            out.write('\\t'.join(['child', name, str(i), esc(n), esc(str(v)), addr(v)]) + '\\n')");

    @Test
    void containersPrintedAndExpandedAsGdbsPrintersShowThem() throws Exception {
        try (LiveSample live = new LiveSample("stdlib_cpp")) {
            List<String[]> gdb = live.gdb(live.globals.keySet(), SCRIPT, true);
            List<String> differences = new ArrayList<>();
            int printed = 0;
            int children = 0;
            StringBuilder all = new StringBuilder();
            for (String[] r : gdb) {
                String name = r[1];
                if (r[0].equals("print")) {
                    String expected = r[2].replaceFirst("^\\$\\d+ = ", "").replaceFirst("\n$", "");
                    all.append(expected).append('\n');
                    String ours = Format.format(live.global(name), live.print);
                    printed++;
                    if (!expected.equals(ours)) {
                        differences.add("print " + name + ":\n    gdb  " + expected + "\n    ours " + ours);
                    }
                    continue;
                }
                int i = Integer.parseInt(r[2]);
                if (StdLib.of(live.global(name)).isEmpty()) {
                    differences.add("child " + name + " " + r[3] + ": not one of ours");
                    continue;
                }
                List<Value> parts = Children.elements(live.global(name), i, 1);
                children++;
                if (parts.isEmpty()) {
                    differences.add("child " + name + " " + r[3] + ": none of ours");
                    continue;
                }
                Value part = parts.get(0);
                String ours = Format.format(part, live.print.withTypePrefix(false));
                String address = part.address().isPresent() ? Long.toString(part.address().getAsLong()) : "";
                if (!r[3].equals(part.name()) || !r[4].equals(ours) || !r[5].equals(address)) {
                    differences.add("child " + name + " " + i + ":\n    gdb  " + r[3] + " = " + r[4] + " at " + r[5]
                            + "\n    ours " + part.name() + " = " + ours + " at " + address);
                }
            }
            String text = all.toString();
            // gdb did use libstdc++'s printers, and they worked
            for (String shown : List.of("std::vector of length 3, capacity 4 = {1, 2, 3}", "std::map with 2 elements",
                    "std::unique_ptr<int> = {get() = 0x", "std::shared_ptr<int> (use count 2, weak count 1)", "\"hello\"",
                    "std::optional<int> = {[contained value] = 5}", "std::variant<int, double> [index 1] = {3.5}")) {
                assertTrue(text.contains(shown), "gdb's printers show " + shown + ":\n" + text);
            }
            assertTrue(!text.contains("Python Exception") && !text.contains("ERROR"), text);
            assertTrue(printed == live.globals.size() && printed > 40, "printed " + printed);
            assertTrue(children > 60, "children compared " + children);
            assertEquals("", String.join("\n", differences), differences.size() + " of " + (printed + children) + " differ from gdb");
        }
    }
}
