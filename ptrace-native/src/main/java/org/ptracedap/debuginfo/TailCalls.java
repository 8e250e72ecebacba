package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions a stack no longer holds because they ended in a tail call (a {@code jmp} to the
 * next function), rebuilt from DWARF's call-site entries as gdb does: when the call at a caller's
 * return address targets another function than the callee found below it, the chain of tail
 * calls from that target to the callee — if the DWARF makes it unique (or, as gdb, its part
 * common to every chain) — stands for the missing frames. Each is shown at its tail call's
 * return pc ({@code DW_AT_call_return_pc}), the pc gdb gives such a frame.
 *
 * <p>Threads: not thread-safe; one caller at a time, as {@link Symbols}, its owner.
 */
final class TailCalls {
    private static final int MAX_DEPTH = 6;

    /**
     * One call site: its return pc and its target — its entry, in the process's addresses, when
     * the DWARF has it; else the name of the declaration it calls ({@code targetName}, in
     * {@code module}), found in the symbol tables only when it matters (a big binary's index is
     * not built for every call site of every frame); {@code target} 0 and no name: unknown.
     */
    private record Site(long returnPc, long target, String targetName, Pointer module, boolean tail) {}

    private final Map<String, Long> resolved = new HashMap<>();

    /** The entry of a site's target (0 unknown), looked up by name for a declaration. */
    private long targetOf(Site s) {
        if (s.targetName() == null) {
            return s.target();
        }
        return resolved.computeIfAbsent(Pointer.nativeValue(s.module()) + ":" + s.targetName(), k -> bySymbol(s.module(), s.targetName()));
    }

    /** Is function {@code name} the one entered at {@code entry}: its symbol there, or its module's definition of that name? */
    private boolean definedAt(String name, long entry) {
        Pointer module = LibDw.dwfl_addrmodule(dwfl, entry);
        if (module == null) {
            return false;
        }
        LongByReference offset = new LongByReference();
        String there = LibDw.dwfl_module_addrinfo(module, entry, offset, new Memory(24), null, null, null);
        if (name.equals(there) && offset.getValue() == 0) {
            return true;
        }
        Long defined = symbols.apply(module).function(name); // an alias (pause, __libc_pause): the callee's module's index
        return defined != null && defined == entry;
    }

    private final Pointer dwfl;
    private final Map<String, List<Site>> sitesByFunction = new HashMap<>();
    private final java.util.function.Function<Pointer, SymbolIndex> symbols;

    /** {@code symbols}: a module's symbol index (its owner's, built once). */
    TailCalls(Pointer dwfl, java.util.function.Function<Pointer, SymbolIndex> symbols) {
        this.dwfl = dwfl;
        this.symbols = symbols;
    }

    /**
     * The return pcs of the tail calls between a caller's call (returning to {@code returnAddress})
     * and the function the callee frame is in (entered at {@code calleeEntry}), innermost first;
     * empty when there were none, or the DWARF cannot tell.
     */
    List<Long> between(long calleeEntry, long returnAddress) {
        Site call = null;
        for (Site s : sitesOf(returnAddress - 1)) {
            if (s.returnPc() == returnAddress) {
                call = s;
            }
        }
        if (call == null || (call.targetName() != null && definedAt(call.targetName(), calleeEntry))) {
            return List.of(); // it called what is below it (told by name, without the caller's module's symbol index)
        }
        long target = targetOf(call);
        if (target == 0 || target == calleeEntry) {
            return List.of();
        }
        List<List<Site>> chains = new ArrayList<>();
        chains(target, calleeEntry, new ArrayList<>(), chains);
        if (chains.isEmpty()) {
            return List.of();
        }
        List<Site> shown = common(chains);
        List<Long> pcs = new ArrayList<>();
        for (int i = shown.size() - 1; i >= 0; i--) {
            pcs.add(shown.get(i).returnPc());
        }
        return pcs;
    }

    /** Every chain of tail calls from the function entered at {@code from} to {@code to}, outermost site first. */
    private void chains(long from, long to, List<Site> path, List<List<Site>> found) {
        if (path.size() >= MAX_DEPTH || found.size() > 64) {
            return;
        }
        for (Site s : sitesOf(from)) {
            if (!s.tail() || path.contains(s)) {
                continue;
            }
            long target = targetOf(s);
            if (target == 0) {
                continue;
            }
            path.add(s);
            if (target == to) {
                found.add(List.copyOf(path));
            } else {
                chains(target, to, path, found);
            }
            path.remove(path.size() - 1);
        }
    }

    /** The one chain, or the sites every chain shares at its start and at its end (gdb's rule for ambiguous ones). */
    private static List<Site> common(List<List<Site>> chains) {
        if (chains.size() == 1) {
            return chains.get(0);
        }
        int shortest = chains.stream().mapToInt(List::size).min().orElse(0);
        int prefix = 0;
        while (prefix < shortest && sameAt(chains, prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < shortest - prefix && sameFromEnd(chains, suffix)) {
            suffix++;
        }
        List<Site> first = chains.get(0);
        List<Site> shown = new ArrayList<>(first.subList(0, prefix));
        shown.addAll(first.subList(first.size() - suffix, first.size()));
        return shown;
    }

    private static boolean sameAt(List<List<Site>> chains, int i) {
        Site s = chains.get(0).get(i);
        return chains.stream().allMatch(c -> c.get(i).equals(s));
    }

    private static boolean sameFromEnd(List<List<Site>> chains, int i) {
        List<Site> first = chains.get(0);
        Site s = first.get(first.size() - 1 - i);
        return chains.stream().allMatch(c -> c.get(c.size() - 1 - i).equals(s));
    }

    /** The call sites of the (concrete) function containing {@code address}, cached by function. */
    private List<Site> sitesOf(long address) {
        Pointer module = LibDw.dwfl_addrmodule(dwfl, address);
        if (module == null) {
            return List.of();
        }
        LongByReference bias = new LongByReference();
        Pointer cu = LibDw.dwfl_module_addrdie(module, address, bias);
        if (cu == null || LibDw.dwarf_haspc(cu, address - bias.getValue()) != 1) {
            return List.of();
        }
        Pointer innermost = Symbols.innermostFunction(cu, address - bias.getValue());
        if (innermost == null) {
            return List.of();
        }
        PointerByReference nesting = new PointerByReference();
        int n = LibDw.dwarf_getscopes_die(innermost, nesting);
        Native.free(Pointer.nativeValue(innermost));
        Pointer array = nesting.getValue();
        try {
            for (int i = 0; i < n; i++) {
                Pointer die = array.share((long) i * LibDw.DWARF_DIE_SIZE);
                if (LibDw.dwarf_tag(die) == LibDw.DW_TAG_subprogram) {
                    String key = Pointer.nativeValue(module) + ":" + LibDw.dwarf_dieoffset(die);
                    List<Site> known = sitesByFunction.get(key);
                    if (known == null) {
                        known = new ArrayList<>();
                        collect(die, module, bias.getValue(), known);
                        sitesByFunction.put(key, known);
                    }
                    return known;
                }
            }
            return List.of();
        } finally {
            if (array != null) {
                Native.free(Pointer.nativeValue(array));
            }
        }
    }

    /** The call sites among the descendants of {@code die} (into lexical blocks and inlined copies). */
    private void collect(Pointer die, Pointer module, long bias, List<Site> into) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_child(die, child) != 0) {
            return;
        }
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        LongByReference value = new LongByReference();
        do {
            int tag = LibDw.dwarf_tag(child);
            if (tag == LibDw.DW_TAG_call_site || tag == LibDw.DW_TAG_GNU_call_site) {
                boolean gnu = tag == LibDw.DW_TAG_GNU_call_site;
                Pointer ret = LibDw.dwarf_attr(child, gnu ? LibDw.DW_AT_low_pc : LibDw.DW_AT_call_return_pc, attr);
                if (ret != null && LibDw.dwarf_formaddr(ret, value) == 0) {
                    long returnPc = value.getValue() + bias;
                    boolean tail = LibDw.dwarf_hasattr(child, gnu ? LibDw.DW_AT_GNU_tail_call : LibDw.DW_AT_call_tail_call) == 1;
                    into.add(site(child, gnu, module, bias, returnPc, tail));
                }
            } else if (tag != LibDw.DW_TAG_subprogram) {
                collect(child, module, bias, into);
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
    }

    /** A call site: its target's entry when the DWARF has it, else the name of the declaration it calls; neither for an indirect call. */
    private static Site site(Pointer child, boolean gnu, Pointer module, long bias, long returnPc, boolean tail) {
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Pointer origin = LibDw.dwarf_attr(child, gnu ? LibDw.DW_AT_abstract_origin : LibDw.DW_AT_call_origin, attr);
        Memory callee = new Memory(LibDw.DWARF_DIE_SIZE);
        if (origin == null || LibDw.dwarf_formref_die(origin, callee) == null) {
            return new Site(returnPc, 0, null, module, tail);
        }
        LongByReference entry = new LongByReference();
        if (LibDw.dwarf_entrypc(callee, entry) == 0) {
            return new Site(returnPc, entry.getValue() + bias, null, module, tail);
        }
        // a declaration: the function's symbol, looked up when needed
        Pointer a = LibDw.dwarf_attr_integrate(callee, LibDw.DW_AT_linkage_name, attr);
        if (a == null) {
            a = LibDw.dwarf_attr_integrate(callee, LibDw.DW_AT_name, attr);
        }
        return new Site(returnPc, 0, a == null ? null : LibDw.dwarf_formstring(a), module, tail);
    }

    /** The address of function {@code name}: in {@code module}, else the first module that defines it, as the dynamic linker binds it; 0 if none. */
    private long bySymbol(Pointer module, String name) {
        Long address = symbols.apply(module).function(name);
        if (address == null) {
            for (Pointer other : modules()) {
                address = symbols.apply(other).function(name);
                if (address != null) {
                    break;
                }
            }
        }
        return address == null ? 0 : address;
    }

    private List<Pointer> modules;

    private List<Pointer> modules() {
        if (modules == null) {
            List<Pointer> all = new ArrayList<>();
            LibDw.ModuleCallback each = (module, userdata, name, start, arg) -> {
                all.add(module);
                return LibDw.DWARF_CB_OK;
            };
            LibDw.dwfl_getmodules(dwfl, each, null, 0);
            all.sort(java.util.Comparator.comparingLong(m -> {
                LongByReference start = new LongByReference();
                LibDw.dwfl_module_info(m, null, start, null, null, null, null, null);
                return start.getValue();
            }));
            modules = all;
        }
        return modules;
    }
}
