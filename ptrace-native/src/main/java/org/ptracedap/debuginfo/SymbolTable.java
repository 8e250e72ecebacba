package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * One walk over a module's ELF symbol table as libdwfl reads it (its own, or its separate debug
 * file's): each symbol with its name, type, binding, size, section and address in the process.
 * The one place the {@code GElf_Sym} layout is read.
 */
final class SymbolTable {
    private SymbolTable() {}

    static final int STT_NOTYPE = 0;
    static final int STT_OBJECT = 1;
    static final int STT_FUNC = 2;
    static final int STT_GNU_IFUNC = 10;

    /** One symbol: {@code bind} 0 local, 1 global, 2 weak; {@code section} 0 when undefined. */
    record Symbol(String name, int type, int bind, long size, int section, long address) {}

    interface Visitor {
        void visit(Symbol symbol);
    }

    /** Visits every named symbol of {@code module} (index 0, the null symbol, left out). */
    static void forEach(Pointer module, Visitor visitor) {
        int n = LibDw.dwfl_module_getsymtab(module);
        Memory sym = new Memory(24); // GElf_Sym: st_name 0, st_info 4, st_other 5, st_shndx 6, st_value 8, st_size 16
        LongByReference address = new LongByReference();
        for (int i = 1; i < n; i++) {
            String name = LibDw.dwfl_module_getsym_info(module, i, sym, address, null, null, null);
            if (name == null || name.isEmpty()) {
                continue;
            }
            int info = sym.getByte(4) & 0xff;
            visitor.visit(new Symbol(name, info & 0xf, info >> 4, sym.getLong(16), sym.getShort(6) & 0xffff,
                    address.getValue()));
        }
    }

    /**
     * Which of two symbols at the same address names it better, as a comparator (negative if
     * the first): one with a size, over one without; then the name with fewer leading
     * underscores ({@code getpid} over its alias {@code __getpid}); then global over weak over
     * local binding; then by name, for a stable choice.
     */
    static int preferBefore(long sizeA, String nameA, int rankA, long sizeB, String nameB, int rankB) {
        if ((sizeA == 0) != (sizeB == 0)) {
            return sizeA != 0 ? -1 : 1;
        }
        int c = Integer.compare(leadingUnderscores(nameA), leadingUnderscores(nameB));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(rankA, rankB);
        return c != 0 ? c : nameA.compareTo(nameB);
    }

    private static int leadingUnderscores(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '_') {
            i++;
        }
        return i;
    }
}
