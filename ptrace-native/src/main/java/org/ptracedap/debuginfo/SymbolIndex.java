package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a module's ELF symbol table is asked for, from one walk of it ({@link SymbolTable#forEach}:
 * one JNA call per symbol, the cost that counts on a big C++ binary's 200,000 symbols): its
 * defined functions by name (where a call through the PLT or a tail call lands), and for each
 * address that has several symbols the one gdb names it by ({@link SymbolTable#preferBefore}:
 * {@code clone3} over {@code __clone3}). Grouping by address sorts arrays, not boxed maps.
 *
 * <p>Immutable once built; built on the symbols thread.
 */
final class SymbolIndex {
    /** A module with more symbols than this is indexed when first asked, not ahead (its walk is long). */
    static final int PRELOAD_LIMIT = 50_000;

    private final Map<String, Long> functions;
    private final Map<Long, String> preferred;

    private SymbolIndex(Map<String, Long> functions, Map<Long, String> preferred) {
        this.functions = functions;
        this.preferred = preferred;
    }

    /** The address of the defined function {@code name} (its default version), or null. */
    Long function(String name) {
        return functions.get(name);
    }

    /** The preferred name of the symbols at {@code address}, or null when it has one symbol or none. */
    String preferred(long address) {
        return preferred.get(address);
    }

    static SymbolIndex of(Pointer module) {
        Map<String, Long> functions = new HashMap<>();
        List<SymbolTable.Symbol> named = new ArrayList<>();
        SymbolTable.forEach(module, sym -> {
            int type = sym.type();
            boolean function = type == SymbolTable.STT_FUNC || type == SymbolTable.STT_GNU_IFUNC;
            if (function && sym.section() != 0) {
                String name = sym.name();
                int version = name.indexOf('@');
                String plain = version < 0 ? name : name.substring(0, version);
                if (version < 0 || name.startsWith("@@", version)) {
                    functions.put(plain, sym.address());
                } else {
                    functions.putIfAbsent(plain, sym.address());
                }
            }
            if (function || type == SymbolTable.STT_OBJECT) {
                named.add(sym);
            }
        });
        // by address, the preferred first at each
        SymbolTable.Symbol[] byAddress = named.toArray(new SymbolTable.Symbol[0]);
        Arrays.sort(byAddress, (a, b) -> {
            int c = Long.compareUnsigned(a.address(), b.address());
            return c != 0 ? c : SymbolTable.preferBefore(a.size(), a.name(), rank(a), b.size(), b.name(), rank(b));
        });
        Map<Long, String> preferred = new HashMap<>();
        for (int i = 0; i + 1 < byAddress.length; i++) {
            if (byAddress[i].address() == byAddress[i + 1].address()
                    && (i == 0 || byAddress[i - 1].address() != byAddress[i].address())) {
                preferred.put(byAddress[i].address(), byAddress[i].name());
            }
        }
        return new SymbolIndex(functions, preferred);
    }

    /** Binding as {@link SymbolTable#preferBefore} ranks it: global, weak, local, other. */
    private static int rank(SymbolTable.Symbol s) {
        return s.bind() == 1 ? 0 : s.bind() == 2 ? 1 : s.bind() == 0 ? 2 : 3;
    }
}
