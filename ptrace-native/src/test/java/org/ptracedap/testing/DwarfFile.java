package org.ptracedap.testing;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.sys.LibC;

/**
 * A binary's own DWARF, opened with {@code dwarf_begin} (no process, no libdwfl), and its global
 * variables as the tests find them: each compilation unit's top-level {@code DW_TAG_variable}s
 * with a name and a plain {@code DW_OP_addr} location.
 */
public final class DwarfFile implements AutoCloseable {
    /** A global: its DIE, its compilation unit's DIE, its link-time address. */
    public record Global(String name, Memory die, Memory cuDie, long address) {}

    public final Pointer dwarf;
    private final int fd;
    private final Map<String, Global> globals = new LinkedHashMap<>();

    public DwarfFile(Path binary) {
        String missing = LibDw.missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        byte[] path = (binary.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        fd = LibC.open(path, 0);
        dwarf = LibDw.dwarf_begin(fd, 0);
        if (dwarf == null) {
            LibC.close(fd);
            throw new IllegalStateException("no DWARF in " + binary + ": " + LibDw.dwfl_errmsg(-1));
        }
        PointerByReference next = new PointerByReference();
        Pointer cu = null;
        Memory cuDie = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        while (LibDw.dwarf_get_units(dwarf, cu, next, null, null, cuDie, null) == 0) {
            cu = next.getValue();
            Memory thisCu = copy(cuDie);
            Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
            for (int r = LibDw.dwarf_child(thisCu, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
                if (LibDw.dwarf_tag(child) != LibDw.DW_TAG_variable) {
                    continue;
                }
                Pointer n = LibDw.dwarf_attr_integrate(child, LibDw.DW_AT_name, attr);
                String name = n == null ? null : LibDw.dwarf_formstring(n);
                Pointer loc = LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr);
                if (name == null || loc == null) {
                    continue;
                }
                PointerByReference ops = new PointerByReference();
                LongByReference count = new LongByReference();
                if (LibDw.dwarf_getlocation(loc, ops, count) == 0 && count.getValue() == 1
                        && (ops.getValue().getByte(0) & 0xff) == LibDw.DW_OP_addr) {
                    globals.putIfAbsent(name, new Global(name, copy(child), thisCu, ops.getValue().getLong(8)));
                }
            }
        }
    }

    /** The globals, in DWARF order, by name. */
    public Map<String, Global> globals() {
        return globals;
    }

    private static Memory copy(Pointer die) {
        Memory m = new Memory(LibDw.DWARF_DIE_SIZE);
        m.write(0, die.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
        return m;
    }

    @Override
    public void close() {
        LibDw.dwarf_end(dwarf);
        LibC.close(fd);
    }
}
