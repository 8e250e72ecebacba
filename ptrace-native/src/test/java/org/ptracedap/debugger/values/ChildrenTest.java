package org.ptracedap.debugger.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.testing.GdbFrames;

/**
 * {@link Children} against gdb: the parts of every global of the values samples, three levels
 * down (members, base classes, static members, array elements — the first two and the last —,
 * what pointers and references point to, through anonymous members), each one as gdb finds it
 * by an expression ({@code (g_rect).b}, {@code (g_points)[2]}, {@code *(g_node1.next)},
 * {@code *(shapes::Base *) &(g_derived)}): its printed value and its address equal to gdb's.
 */
class ChildrenTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is not installed");
    }

    private static final String SCRIPT = String.join("\n",
            "for e in NAMES:",
            "    try:",
            "        s = gdb.execute('print ' + e, to_string=True)",
            "    except gdb.error as x:",
            "        s = 'ERROR ' + str(x)",
            "    try:",
            "        a = gdb.parse_and_eval(e).address",
            "        a = '' if a is None else str(int(a))",
            "    except gdb.error:",
            "        a = ''",
            "    out.write('\\t'.join([esc(e), esc(s), a]) + '\\n')");

    @ParameterizedTest
    @ValueSource(strings = {"values", "values_cpp"})
    void partsAreWhatGdbFindsByExpression(String sample) throws Exception {
        try (LiveSample live = new LiveSample(sample)) {
            Map<String, Value> parts = new LinkedHashMap<>();
            for (String g : live.globals.keySet()) {
                collect(parts, g, live.global(g), 0);
            }
            List<String[]> gdb = live.gdb(parts.keySet(), SCRIPT);
            List<String> differences = new ArrayList<>();
            TreeSet<String> kinds = new TreeSet<>();
            for (String[] r : gdb) {
                Value part = parts.get(r[0]);
                String ours = Format.format(part, live.print);
                String expected = r[1].startsWith("ERROR ") ? "<error: " + r[1].substring(6) + ">"
                        : r[1].replaceFirst("^\\$\\d+ = ", "").replaceFirst("\n$", "");
                if (!expected.equals(ours)) {
                    differences.add(r[0] + ":\n    gdb  " + expected + "\n    ours " + ours);
                }
                String address = part.address().isPresent() ? Long.toString(part.address().getAsLong()) : "";
                boolean bitfield = part.location() instanceof Location.Pieces; // no address (gdb's is its storage unit's)
                if (!address.equals(r[2]) && !bitfield && !r[1].startsWith("ERROR ")) {
                    differences.add(r[0] + ": at " + r[2] + " in gdb, ours " + address);
                }
                kinds.add(part.location().getClass().getSimpleName());
            }
            assertTrue(parts.size() > (live.cpp ? 40 : 150), "parts compared: " + parts.size());
            assertTrue(live.cpp || kinds.contains("Pieces"), "bitfields among them: " + kinds);
            assertEquals("", String.join("\n", differences), sample + ": " + differences.size() + " of " + parts.size()
                    + " parts differ from gdb");
        }
    }

    /** The parts of {@code v} (gdb's expression for it: {@code expr}) to {@code parts}, by their expressions, three levels down. */
    private static void collect(Map<String, Value> parts, String expr, Value v, int depth) {
        if (depth == 3) {
            return;
        }
        CType t = v.type().resolved();
        List<Value> kids = new ArrayList<>();
        List<String> exprs = new ArrayList<>();
        if (t instanceof CType.Array a) {
            for (long i : new long[] {0, 1, a.count() - 1}) {
                if (i >= 0 && i < a.count()) {
                    List<Value> e = Children.elements(v, i, 1);
                    if (!exprs.contains("(" + expr + ")[" + i + "]")) {
                        kids.add(e.get(0));
                        exprs.add("(" + expr + ")[" + i + "]");
                    }
                }
            }
        } else if (t instanceof CType.Composite) {
            for (Value k : Children.of(v)) {
                if (k.name().contains(".")) {
                    continue; // _vptr.Virtual: no expression names it
                }
                kids.add(k);
                if (k.name().startsWith("<anonymous")) {
                    exprs.add(null); // no expression of its own: its members are the parent's
                } else if (k.name().startsWith("<")) {
                    // the base part, where it is (a cast of the value would be a copy, at no address)
                    exprs.add("*(" + k.name().substring(1, k.name().length() - 1) + " *) &(" + expr + ")");
                } else {
                    exprs.add("(" + expr + ")." + k.name());
                }
            }
        } else {
            Children.pointee(v).ifPresent(k -> {
                kids.add(k);
                exprs.add(t instanceof CType.Reference ? "*&(" + expr + ")" : "*(" + expr + ")");
            });
        }
        for (int i = 0; i < kids.size(); i++) {
            String e = exprs.get(i);
            if (e != null) {
                parts.putIfAbsent(e, kids.get(i));
            }
            collect(parts, e != null ? e : expr, kids.get(i), depth + 1);
        }
    }
}
