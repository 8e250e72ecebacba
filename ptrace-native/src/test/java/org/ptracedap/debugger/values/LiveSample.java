package org.ptracedap.debugger.values;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ptracedap.debuginfo.types.DwarfTypes;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.MemoryMaps;
import org.ptracedap.testing.DwarfFile;
import org.ptracedap.testing.GdbPython;
import org.ptracedap.testing.NmSymbols;
import org.ptracedap.testing.ProcMemory;

/**
 * A values sample running ("ready"), with what the values tests read it by: its globals
 * ({@code g_*}) from its DWARF, their types ({@link DwarfTypes}), its memory, its ELF symbols
 * (gdb's {@code <symbol>} after a pointer); and gdb attached to it on demand.
 */
final class LiveSample implements AutoCloseable {
    final Path binary;
    final boolean cpp;
    final Sample process;
    final DwarfFile file;
    final long bias;
    final DwarfTypes types;
    final ProcMemory memory;
    final Format.Options print;
    final Map<String, DwarfFile.Global> globals = new LinkedHashMap<>();

    LiveSample(String sample) throws Exception {
        binary = Sample.bin(sample);
        cpp = sample.contains("cpp");
        NmSymbols symbols = new NmSymbols(binary);
        process = Sample.start(sample);
        process.awaitOutput("ready");
        file = new DwarfFile(binary);
        Path real = binary.toRealPath();
        bias = MemoryMaps.read(process.pid).stream()
                .filter(m -> m.offset() == 0 && Path.of(m.path()).equals(real))
                .findFirst().orElseThrow().start();
        file.globals().forEach((name, g) -> {
            if (name.startsWith("g_")) {
                globals.put(name, g);
            }
        });
        types = new DwarfTypes(file.dwarf, bias);
        memory = new ProcMemory(process.pid);
        print = Format.Options.GDB.withSymbols(symbols.at(bias));
    }

    /** The global {@code name} as a value. */
    Value global(String name) {
        DwarfFile.Global g = globals.get(name);
        return Value.at(name, types.typeOfAttribute(g.die()), bias + g.address(), memory);
    }

    /** {@link GdbPython#run} attached to the sample, in its language, {@code NAMES} set to {@code names}. */
    List<String[]> gdb(Iterable<String> names, String script) throws Exception {
        return gdb(names, script, false);
    }

    /** {@link #gdb(Iterable, String)}, with libstdc++'s pretty printers loaded if {@code printers}. */
    List<String[]> gdb(Iterable<String> names, String script, boolean printers) throws Exception {
        StringBuilder list = new StringBuilder("[");
        for (String n : names) {
            list.append(list.length() > 1 ? ", " : "").append('\'').append(n.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return GdbPython.run(List.of("-p", Integer.toString(process.pid)), List.of("set language " + (cpp ? "c++" : "c")),
                "NAMES = " + list.append(']') + "\n" + script, printers);
    }

    @Override
    public void close() throws Exception {
        try (Sample p = process; DwarfFile f = file; ProcMemory m = memory) {
            // all closed
        }
    }
}
