package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.DwarfExpr;
import org.ptracedap.debuginfo.FrameVariables;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debugger.values.Format;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;

/**
 * Every argument and local of every frame of the {@code locals} sample's functions, on every
 * worker thread, against gdb's on the same process ({@code info args} / {@code info locals}:
 * its Python, frame by frame, block by block): the same names, and the same value — a number,
 * or {@code <optimized out>} / {@code <synthetic pointer>} exactly where gdb says so. At
 * {@code -O2} that takes location lists, registers recovered in callers, the CFA, entry values
 * from the caller's call sites, implicit pointers and inlined frames; the test checks the
 * binary really has them.
 */
class LocalsTest {
    private static final long SECONDS = Sample.LONG.toSeconds();
    private static final Set<String> FUNCTIONS = Set.of("block_in_read", "leaf", "twice", "middle", "consume", "worker");

    @ParameterizedTest
    @ValueSource(strings = {"locals", "locals_O0"})
    void everyFramesArgumentsAndLocalsAreGdbs(String sample) throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        if (!sample.endsWith("_O0")) {
            String info = readelf(Sample.bin(sample));
            assertTrue(info.contains("DW_OP_entry_value") || info.contains("DW_OP_GNU_entry_value"), "entry values in the -O2 sample");
            assertTrue(info.contains("DW_OP_implicit_pointer") || info.contains("DW_OP_GNU_implicit_pointer"), "an implicit pointer");
            assertTrue(info.contains("DW_TAG_inlined_subroutine"), "inlined calls");
            assertTrue(info.contains("DW_AT_location") && info.contains("(location list)"), "location lists");
        }
        try (Sample prog = Sample.start(sample)) {
            prog.awaitOutput("ready");
            TraceGroup group = Tracer.shared().group(e -> { });
            group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            DebugInfo info = new DebugInfo();
            Stacks stacks = new Stacks(group, info);
            Locals locals = new Locals(group, stacks, info);
            Map<String, List<String>> ours = new TreeMap<>();
            Map<String, List<String>> oursPrinted = new TreeMap<>();
            for (ThreadInfo t : group.threads().get(SECONDS, TimeUnit.SECONDS)) {
                List<Stacks.Frame> frames = stacks.frames(prog.pid, t.tid(), 0, 64).get(SECONDS, TimeUnit.SECONDS).frames();
                for (Stacks.Frame f : frames) {
                    if (f.function() == null || !FUNCTIONS.contains(f.function())) {
                        continue;
                    }
                    Locals.Frame v = locals.of(prog.pid, t.tid(), f.level()).get(SECONDS, TimeUnit.SECONDS);
                    List<String> shown = new ArrayList<>();
                    v.variables().arguments().forEach(a -> shown.add("arg " + a.name() + " = " + value(a, v)));
                    List<String> loc = new ArrayList<>();
                    v.variables().locals().forEach(l -> loc.add("local " + l.name() + " = " + value(l, v)));
                    loc.sort(null);
                    shown.addAll(loc);
                    ours.put(t.tid() + " #" + f.level() + " " + f.function(), shown);
                    // the same variables as values, printed as gdb prints them
                    FrameScope scope = locals.scope(prog.pid, t.tid(), f.level()).get(SECONDS, TimeUnit.SECONDS);
                    List<String> printed = info.ask(prog.pid, symbols -> {
                        Format.Options options = Format.Options.GDB.withTypePrefix(false).withSymbols(symbols::symbolAt);
                        List<String> out = new ArrayList<>();
                        scope.arguments().forEach(a -> out.add("arg " + a.name() + " = " + Format.format(a, options)));
                        List<String> ls = new ArrayList<>();
                        scope.locals().forEach(l -> ls.add("local " + l.name() + " = " + Format.format(l, options)));
                        ls.sort(null);
                        out.addAll(ls);
                        return out;
                    }).get(SECONDS, TimeUnit.SECONDS);
                    oursPrinted.put(t.tid() + " #" + f.level() + " " + f.function(), printed);
                }
            }
            stacks.close();
            info.close();
            group.detach().get(SECONDS, TimeUnit.SECONDS);

            Map<String, List<String>> gdb = gdb(prog.pid, false);
            Map<String, List<String>> gdbPrinted = gdb(prog.pid, true);
            StringBuilder printedDiff = new StringBuilder();
            gdbPrinted.forEach((frame, vars) -> {
                if (!vars.equals(oursPrinted.get(frame))) {
                    printedDiff.append(frame).append("\n  gdb:  ").append(vars).append("\n  ours: ").append(oursPrinted.get(frame)).append('\n');
                }
            });
            assertEquals("", printedDiff.toString(), sample + ": every argument and local printed as gdb prints it");
            assertEquals(gdb.keySet(), ours.keySet(), "the same frames of the sample's functions");
            StringBuilder diff = new StringBuilder();
            gdb.forEach((frame, vars) -> {
                if (!vars.equals(ours.get(frame))) {
                    diff.append(frame).append("\n  gdb:  ").append(vars).append("\n  ours: ").append(ours.get(frame)).append('\n');
                }
            });
            assertEquals("", diff.toString(), sample + ": every argument and local as gdb has it");
            assertTrue(ours.size() >= 12, "frames compared: " + ours.keySet());
            prog.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
        }
    }

    /** The value as the test compares it: a number (by the type's size and signedness), or gdb's word for none. */
    private static String value(FrameVariables.Variable v, Locals.Frame frame) {
        DwarfExpr.Result where = v.where();
        if (where instanceof DwarfExpr.OptimizedOut) {
            return "<optimized out>";
        }
        if (where instanceof DwarfExpr.ImplicitPointer) {
            return "<synthetic pointer>";
        }
        long[] sizeSigned = scalar(v.typeDie());
        int size = (int) sizeSigned[0];
        byte[] bytes = new byte[size];
        if (where instanceof DwarfExpr.InMemory m) {
            if (frame.memory().read(m.address(), bytes) != size) {
                return "<unreadable>";
            }
        } else if (where instanceof DwarfExpr.InRegister r) {
            var reg = frame.machine().register(r.reg());
            if (reg.isEmpty()) {
                return "<optimized out>";
            }
            put(bytes, reg.getAsLong());
        } else if (where instanceof DwarfExpr.Computed c) {
            put(bytes, c.value());
        } else if (where instanceof DwarfExpr.Bytes b) {
            System.arraycopy(b.bytes(), 0, bytes, 0, Math.min(size, b.bytes().length));
        } else {
            return "<" + where + ">";
        }
        long x = 0;
        for (int k = size - 1; k >= 0; k--) {
            x = x << 8 | (bytes[k] & 0xff);
        }
        if (sizeSigned[1] == 1 && size < 8) {
            x = x << (64 - 8 * size) >> (64 - 8 * size);
        }
        return sizeSigned[1] == 1 ? Long.toString(x) : Long.toUnsignedString(x);
    }

    private static void put(byte[] bytes, long v) {
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) (v >>> (8 * k));
        }
    }

    /** {size, 1 if signed} of a scalar type DIE, through typedefs and qualifiers (a pointer: 8, unsigned). */
    private static long[] scalar(Pointer type) {
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Memory next = new Memory(LibDw.DWARF_DIE_SIZE);
        com.sun.jna.ptr.LongByReference v = new com.sun.jna.ptr.LongByReference();
        for (Pointer t = type; t != null; ) {
            int tag = LibDw.dwarf_tag(t);
            if (tag == 0x0f) { // pointer
                return new long[] {8, 0};
            }
            if (tag == 0x24 || tag == 0x04) { // base type, enumeration
                Pointer size = LibDw.dwarf_attr(t, 0x0b /* DW_AT_byte_size */, attr);
                LibDw.dwarf_formudata(size, v);
                long bytes = v.getValue();
                Pointer enc = LibDw.dwarf_attr(t, 0x3e /* DW_AT_encoding */, attr);
                long e = enc != null && LibDw.dwarf_formudata(enc, v) == 0 ? v.getValue() : 5;
                boolean signed = e == 5 /* signed */ || e == 6 /* signed_char */;
                return new long[] {bytes, signed ? 1 : 0};
            }
            Pointer a = LibDw.dwarf_attr(t, LibDw.DW_AT_type, attr); // typedef, const, volatile
            t = a == null ? null : LibDw.dwarf_formref_die(a, next);
        }
        throw new AssertionError("not a scalar type");
    }

    /** gdb's args and locals of the same frames: frame → "arg NAME = VALUE"…, then the locals sorted. */
    private static Map<String, List<String>> gdb(int pid, boolean printed) throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb-locals", ".txt");
        Path py = Files.createTempFile("ptrace-dap-gdb-locals", ".py");
        Files.writeString(py, String.join("\n",
                "import gdb",
                "wanted = set([" + String.join(", ", FUNCTIONS.stream().map(f -> "'" + f + "'").toList()) + "])",
                "def shown(frame, sym, block):",
                "    v = frame.read_var(sym, block)",
                "    s = str(v)",
                "    if " + (printed ? "True" : "False") + ":",
                "        return s",
                "    if s in ('<optimized out>', '<synthetic pointer>'):",
                "        return s",
                "    return str(int(v)) if v.type.strip_typedefs().code != gdb.TYPE_CODE_PTR else str(int(v) & 0xffffffffffffffff)",
                "with open('" + out + "', 'w') as out:",
                "    for t in gdb.selected_inferior().threads():",
                "        t.switch()",
                "        f = gdb.newest_frame()",
                "        level = 0",
                "        while f is not None:",
                "            if f.name() in wanted:",
                "                args, locs = [], []",
                "                b = f.block()",
                "                while b is not None:",
                "                    for sym in b:",
                "                        if sym.is_argument:",
                "                            args.append('arg %s = %s' % (sym.name, shown(f, sym, b)))",
                "                        elif sym.is_variable:",
                "                            locs.append('local %s = %s' % (sym.name, shown(f, sym, b)))",
                "                    if b.function is not None:",
                "                        break",
                "                    b = b.superblock",
                "                out.write('FRAME %d #%d %s\\t%s\\n' % (t.ptid[1], level, f.name(), '\\t'.join(args + sorted(locs))))",
                "            f = f.older()",
                "            level += 1",
                ""));
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-iex", "set auto-load off",
                "-p", Integer.toString(pid), "-ex", "source " + py))) {
            gdb.awaitExit();
            Map<String, List<String>> frames = new TreeMap<>();
            for (String line : Files.readAllLines(out)) {
                if (!line.startsWith("FRAME ")) {
                    continue;
                }
                String[] f = line.substring(6).split("\t", -1);
                List<String> vars = new ArrayList<>();
                for (int i = 1; i < f.length; i++) {
                    if (!f[i].isEmpty()) {
                        vars.add(f[i]);
                    }
                }
                frames.put(f[0], vars);
            }
            if (frames.isEmpty()) {
                throw new AssertionError("gdb wrote no frames: " + gdb.output());
            }
            return frames;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(py);
        }
    }

    private static String readelf(Path bin) throws Exception {
        try (Sample r = Sample.run("/usr/bin/readelf", List.of("readelf", "--debug-dump=info,loc", bin.toString()))) {
            r.awaitExit();
            return r.output();
        }
    }
}
