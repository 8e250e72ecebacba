package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the code at an address of one process is: its module, and the function and source line
 * there — with the calls inlined at that address as functions of their own, innermost first (as
 * gdb shows them). Reads the modules' ELF and DWARF (their own, or separate debug files found as
 * its {@link DebugFiles} says: on this machine, or downloaded from a debuginfod server) through a
 * libdwfl session of its own, and the process's /proc/PID/maps; never ptrace, so it runs on any
 * thread but the tracer's, and a big binary's DWARF, or a download, never holds up thread events.
 *
 * <p>Names: a function with a linkage name is shown by it, demangled and without its signature
 * ({@link Demangler#functionName}); one without by its DWARF name; one without DWARF by its ELF
 * symbol. Source paths are absolute and normalised: a relative name is taken from the CU's
 * {@code DW_AT_comp_dir}, {@code ..} and {@code .} are resolved (symlinks are the source map's
 * business: the file may not exist here).
 *
 * <p>Threads: not thread-safe; one caller at a time (the session's symbols thread).
 */
public final class Symbols implements AutoCloseable {
    /** One function at an address: {@code inlined} when its code was inlined into its caller's. */
    public record Place(String function, String file, int line, int column, boolean inlined) {}

    /**
     * The code at an address: its module (path and load address, null when nothing is mapped
     * there) and the functions there, innermost first, the last one the function that was called
     * (never empty).
     */
    public record Code(String module, long moduleStart, boolean moduleHasDwarf, List<Place> places) {}

    private final ProcessDwfl session;
    private final Map<Long, Code> byAddress = new HashMap<>();
    private final Map<Long, String> compDirs = new HashMap<>();
    private final Map<Long, Pointer> fileTables = new HashMap<>();
    private final Map<Long, java.util.Optional<LineTable>> lineTables = new HashMap<>();
    /** Each module's ELF symbol index, built when first needed (or by {@link #preload}). */
    private final Map<Long, SymbolIndex> symbolIndexes = new HashMap<>();
    private final TailCalls tailCalls;
    private final String maps;

    private Symbols(ProcessDwfl session, String maps) {
        this.session = session;
        this.maps = maps;
        this.tailCalls = new TailCalls(session.dwfl, this::symbolIndex);
    }

    /**
     * The symbols of process {@code pid} as it maps its files now, from local debug files only;
     * IllegalStateException saying what failed (libdw missing, the process gone).
     */
    public static Symbols open(int pid) {
        return open(pid, DebugFiles.LOCAL);
    }

    /**
     * The symbols of process {@code pid} as it maps its files now, its modules' debug files found
     * as {@code debugFiles} says ({@link DebugFiles#DEBUGINFOD}: a lookup may wait for a download).
     */
    public static Symbols open(int pid, DebugFiles debugFiles) {
        String maps = ProcessDwfl.maps(pid);
        return new Symbols(ProcessDwfl.report(pid, debugFiles), maps);
    }

    /** A module's CUs, for the walk (by module). */
    private final Map<Long, List<Pointer>> cusByModule = new HashMap<>();

    /** The CU of {@code module} whose ranges cover {@code at} (sets {@code bias}), found by walking them all; null if none. */
    Pointer cuCovering(Pointer module, long at, LongByReference bias) {
        List<Pointer> cus = cusByModule.computeIfAbsent(Pointer.nativeValue(module), k -> {
            List<Pointer> all = new ArrayList<>();
            LongByReference b = new LongByReference();
            for (Pointer cu = LibDw.dwfl_module_nextcu(module, null, b); cu != null; cu = LibDw.dwfl_module_nextcu(module, cu, b)) {
                all.add(cu);
            }
            return all;
        });
        if (cus.isEmpty()) {
            return null;
        }
        LibDw.dwfl_module_getdwarf(module, bias);
        for (Pointer cu : cus) {
            if (LibDw.dwarf_haspc(cu, at - bias.getValue()) == 1) {
                return cu;
            }
        }
        return null;
    }

    /**
     * Reads now what the first stop would otherwise wait for: each module's DWARF (its separate
     * debug file found), its index of compilation units, and — unless it is a big one — its
     * symbol index (aliases' names, where tail calls land). For a background thread after an
     * attach; costs nothing later. {@code reading} is told each module's name as it is read.
     */
    public void preload(java.util.function.Consumer<String> reading) {
        List<Pointer> modules = new ArrayList<>();
        LibDw.ModuleCallback each = (module, userdata, name, start, arg) -> {
            modules.add(module);
            return LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getmodules(session.dwfl, each, null, 0);
        for (Pointer m : modules) {
            LongByReference bias = new LongByReference();
            LongByReference start = new LongByReference();
            reading.accept(LibDw.dwfl_module_info(m, null, start, null, null, null, null, null));
            if (LibDw.dwfl_module_getdwarf(m, bias) != null) {
                LibDw.dwfl_module_addrdie(m, start.getValue(), bias);
            }
            if (LibDw.dwfl_module_getsymtab(m) <= SymbolIndex.PRELOAD_LIMIT) {
                symbolIndex(m); // a big C++ binary's symbols wait until asked: its stacks need its DWARF, not them
            }
        }
    }

    /** The run-time address of the function {@code name} of {@code module} by its ELF symbol, or null. */
    Long elfFunction(Pointer module, String name) {
        return symbolIndex(module).function(name);
    }

    private SymbolIndex symbolIndex(Pointer module) {
        return symbolIndexes.computeIfAbsent(Pointer.nativeValue(module), k -> SymbolIndex.of(module));
    }

    private final Map<Long, List<String>> sourcesByModule = new HashMap<>();

    /**
     * The source files the process's code was compiled from: each compilation unit's primary
     * file ({@code DW_AT_name}, absolute and normalised), of every module with DWARF, sorted, once
     * each — what a debugger lists as "loaded sources". Read once for these mappings.
     */
    public List<String> sources() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>();
        LibDw.dwfl_getmodules(session.dwfl, (module, userdata, name, start, arg) -> {
            all.addAll(sourcesOf(module));
            return LibDw.DWARF_CB_OK;
        }, null, 0);
        return List.copyOf(all);
    }

    /** The sources (as {@link #sources}) of each module, by the address it is loaded at. */
    public Map<Long, List<String>> sourcesByModule() {
        Map<Long, List<String>> all = new java.util.TreeMap<>();
        LibDw.dwfl_getmodules(session.dwfl, (module, userdata, name, start, arg) -> {
            all.put(start, sourcesOf(module));
            return LibDw.DWARF_CB_OK;
        }, null, 0);
        return all;
    }

    /** The sources of the module loaded at {@code start} (as {@link #sources}), empty if none is there. */
    public List<String> sourcesOfModuleAt(long start) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, start);
        return module == null ? List.of() : sourcesOf(module);
    }

    private List<String> sourcesOf(Pointer module) {
        return sourcesByModule.computeIfAbsent(Pointer.nativeValue(module), k -> {
            java.util.TreeSet<String> files = new java.util.TreeSet<>();
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            LongByReference bias = new LongByReference();
            for (Pointer cu = LibDw.dwfl_module_nextcu(module, null, bias); cu != null; cu = LibDw.dwfl_module_nextcu(module, cu, bias)) {
                String name = normalise(cu, string(cu, LibDw.DW_AT_name, attr));
                if (name != null && !name.startsWith("<")) { // "<artificial>" (LTO) and the like are no files
                    files.add(name);
                }
            }
            return List.copyOf(files);
        });
    }

    /** Were these symbols read from the mappings {@code pid} has now? (A dlopen, an exec change them.) */
    public boolean current(int pid) {
        return readFrom(ProcessDwfl.maps(pid));
    }

    /** Were these symbols read from these mappings (the text of /proc/PID/maps)? */
    public boolean readFrom(String mapsNow) {
        return maps.equals(mapsNow);
    }

    /** The text of /proc/PID/maps now ("" if the process is gone), as {@link #readFrom} compares it. */
    public static String mapsOf(int pid) {
        return ProcessDwfl.maps(pid);
    }

    /** The code at {@code address} (the lookup address: the pc of an activation, a return address minus one). */
    public Code at(long address) {
        Code known = byAddress.get(address);
        if (known == null) {
            known = lookup(address);
            byAddress.put(address, known);
        }
        return known;
    }

    /**
     * The arguments and locals of logical frame {@code inlineDepth} (0: the innermost inlined
     * call there) of the machine frame at lookup pc {@code pc} (the pc of the innermost frame, a
     * return address minus one for a caller), their locations read through {@code machine}; none
     * where the pc has no DWARF.
     */
    public FrameVariables.Frame variables(long pc, int inlineDepth, FrameVariables.Machine machine) {
        UnitAt u = unitAt(pc);
        return u == null ? FrameVariables.Frame.none() : FrameVariables.of(session.dwfl, u.cu(), u.bias(), pc, inlineDepth, machine);
    }

    /**
     * The line-table row that holds {@code pc} as gdb takes it ({@code find_pc_line}): its source
     * file and line, and its code {@code [start, end)} (process addresses: a step runs while the
     * pc is in there); {@code statement}: the row begins a statement. Null where there is none.
     */
    public record LineRange(String file, int line, long start, long end, boolean statement) {}

    public LineRange lineRange(long pc) {
        UnitAt u = unitAt(pc);
        if (u == null) {
            return null;
        }
        Pointer cu = u.cu();
        LineTable table = lineTable(cu);
        long b = u.bias();
        Pointer row = table == null ? null : table.rowAt(pc - b);
        if (row == null) {
            return null;
        }
        IntByReference l = new IntByReference();
        LongByReference start = new LongByReference();
        com.sun.jna.ptr.ByteByReference stmt = new com.sun.jna.ptr.ByteByReference();
        LibDw.dwarf_lineno(row, l);
        if (l.getValue() == 0 || LibDw.dwarf_lineaddr(row, start) != 0) {
            return null;
        }
        long end = table.nextAddress(pc - b);
        boolean statement = LibDw.dwarf_linebeginstatement(row, stmt) == 0 && stmt.getValue() != 0;
        return new LineRange(normalise(cu, LibDw.dwarf_linesrc(row, null, null)), l.getValue(), start.getValue() + b,
                end < 0 ? pc + 1 : end + b, statement);
    }

    /**
     * The plan of the innermost frame at {@code pc} (a breakpoint's address: a frame's own pc,
     * not a return address) — its variables' locations as expressions, its frame base and CFA —
     * for evaluating there without the debug info ({@link FramePlan}); null where the pc has no DWARF.
     */
    public FramePlan plan(long pc) {
        UnitAt u = unitAt(pc);
        return u == null ? null : FrameVariables.plan(u.cu(), u.bias(), pc, cfaAt(u.module(), pc));
    }

    /** The module holding {@code pc}, the compilation unit that covers it and the module's bias; null if none does. */
    private record UnitAt(Pointer module, Pointer cu, long bias) {}

    private UnitAt unitAt(long pc) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, pc);
        if (module == null) {
            return null;
        }
        LongByReference bias = new LongByReference();
        Pointer cu = LibDw.dwfl_module_addrdie(module, pc, bias);
        if (cu == null || LibDw.dwarf_haspc(cu, pc - bias.getValue()) != 1) {
            cu = cuCovering(module, pc, bias);
        }
        return cu == null ? null : new UnitAt(module, cu, bias.getValue());
    }

    /** The CFA at {@code pc} as a DWARF expression, from the module's .eh_frame or .debug_frame; null if neither covers it. */
    private static List<DwarfExpr.Op> cfaAt(Pointer module, long pc) {
        LongByReference bias = new LongByReference();
        for (int k = 0; k < 2; k++) {
            Pointer cfi = k == 0 ? LibDw.dwfl_module_eh_cfi(module, bias) : LibDw.dwfl_module_dwarf_cfi(module, bias);
            PointerByReference frame = new PointerByReference();
            if (cfi == null || LibDw.dwarf_cfi_addrframe(cfi, pc - bias.getValue(), frame) != 0) {
                continue;
            }
            try {
                PointerByReference ops = new PointerByReference();
                LongByReference count = new LongByReference();
                if (LibDw.dwarf_frame_cfa(frame.getValue(), ops, count) != 0 || count.getValue() <= 0) {
                    return null;
                }
                List<DwarfExpr.Op> out = new java.util.ArrayList<>();
                for (long i = 0; i < count.getValue(); i++) {
                    Pointer op = ops.getValue().share(i * 32); // sizeof(Dwarf_Op)
                    out.add(new DwarfExpr.Op(op.getByte(0) & 0xff, op.getLong(8), op.getLong(16), op.getLong(24)));
                }
                return List.copyOf(out);
            } finally {
                com.sun.jna.Native.free(Pointer.nativeValue(frame.getValue()));
            }
        }
        return null;
    }

    private final Map<Long, org.ptracedap.debuginfo.types.DwarfTypes> typesByDwarf = new HashMap<>();

    /** The types of the module whose libdw handle is {@code dwarf} (loaded with {@code bias}), read as they are asked for. */
    public org.ptracedap.debuginfo.types.DwarfTypes types(Pointer dwarf, long bias) {
        return typesByDwarf.computeIfAbsent(Pointer.nativeValue(dwarf), k -> new org.ptracedap.debuginfo.types.DwarfTypes(dwarf, bias));
    }

    /** The global or file-static variable {@code name} seen from a frame of {@code frame}'s compilation unit (of the module at {@code pc}), or null. */
    public FrameVariables.Variable global(long pc, FrameVariables.Frame frame, String name) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, pc);
        FrameVariables.Variable found = module == null || frame.cu() == null ? null
                : FrameVariables.global(module, frame.cu(), frame.bias(), name);
        if (found != null) {
            return found;
        }
        // as gdb: the frame's unit, its module, then the other modules (a libc frame sees the program's globals)
        List<Pointer> modules = new ArrayList<>();
        LibDw.dwfl_getmodules(session.dwfl, (m, userdata, mname, start, arg) -> {
            modules.add(m);
            return LibDw.DWARF_CB_OK;
        }, null, 0);
        modules.sort(java.util.Comparator.comparingLong(m -> {
            LongByReference start = new LongByReference();
            LibDw.dwfl_module_info(m, null, start, null, null, null, null, null);
            return start.getValue();
        }));
        for (Pointer m : modules) {
            if (module != null && Pointer.nativeValue(m) == Pointer.nativeValue(module)) {
                continue;
            }
            LongByReference bias = new LongByReference();
            Pointer cu = LibDw.dwfl_module_nextcu(m, null, bias);
            if (cu != null) {
                FrameVariables.Variable v = FrameVariables.global(m, cu, bias.getValue(), name);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The globals and file statics of the frame's compilation unit (the Globals scope). */
    public List<FrameVariables.Variable> unitVariables(FrameVariables.Frame frame) {
        return frame.cu() == null ? List.of() : FrameVariables.unitVariables(frame.cu(), frame.bias());
    }

    /** The target of an implicit pointer (the DIE at {@code dieOffset} of {@code dwarf}) in the frame at lookup pc {@code pc}. */
    public FrameVariables.Variable implicitTarget(Pointer dwarf, long dieOffset, long bias, long pc, FrameVariables.Machine machine) {
        return FrameVariables.atOffset(session.dwfl, dwarf, dieOffset, bias, pc, machine);
    }

    /**
     * The ELF symbol whose object or code holds {@code address}, as gdb writes it after a pointer:
     * {@code g_arr} at its start, {@code g_arr+8} inside (a symbol with a size only); null if none.
     */
    public String symbolAt(long address) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, address);
        if (module == null) {
            return null;
        }
        LongByReference offset = new LongByReference();
        Memory sym = new Memory(24); // GElf_Sym: st_size at 16
        String name = LibDw.dwfl_module_addrinfo(module, address, offset, sym, null, null, null);
        if (name == null || sym.getLong(16) <= 0 || Long.compareUnsigned(offset.getValue(), sym.getLong(16)) >= 0) {
            return null;
        }
        String preferred = LibDw.dwfl_module_getsymtab(module) <= SymbolIndex.PRELOAD_LIMIT
                ? symbolIndex(module).preferred(address - offset.getValue()) : null;
        String shown = preferred != null ? preferred : name;
        return offset.getValue() == 0 ? shown : shown + "+" + offset.getValue();
    }

    /**
     * The first address of the function that holds {@code address}, by its ELF symbol (its own
     * or its debug file's), or -1 when none is known: where a disassembly that must end at
     * {@code address} can start decoding.
     */
    public long functionStart(long address) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, address);
        LongByReference offset = new LongByReference();
        return module != null && symbolHolding(module, address, offset) != null ? address - offset.getValue() : -1;
    }

    /**
     * The frames of functions that tail-called their way from a caller's call (returning to
     * {@code returnAddress}) to the callee frame found below it (its lookup address
     * {@code calleeAt}), innermost first, each at its tail call's return pc: gdb's
     * {@code TAILCALL_FRAME}s. Empty when there were none or the DWARF cannot tell.
     */
    public List<TailCall> tailCalls(long calleeAt, long returnAddress) {
        List<Long> key = List.of(calleeAt, returnAddress);
        List<TailCall> known = tailCallsByPair.get(key);
        if (known == null) {
            known = findTailCalls(calleeAt, returnAddress);
            tailCallsByPair.put(key, known);
        }
        return known;
    }

    private final Map<List<Long>, List<TailCall>> tailCallsByPair = new HashMap<>();

    private List<TailCall> findTailCalls(long calleeAt, long returnAddress) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, calleeAt);
        if (module == null) {
            return List.of();
        }
        LongByReference offset = new LongByReference();
        if (symbolHolding(module, calleeAt, offset) == null) {
            return List.of();
        }
        List<TailCall> frames = new ArrayList<>();
        for (long pc : tailCalls.between(calleeAt - offset.getValue(), returnAddress)) {
            frames.add(new TailCall(pc, at(pc - 1)));
        }
        return List.copyOf(frames);
    }

    /** A function gone from the stack by a tail call: shown at {@code pc}, its code that of {@code pc - 1}. */
    public record TailCall(long pc, Code code) {}

    private Code lookup(long at) {
        Pointer module = LibDw.dwfl_addrmodule(session.dwfl, at);
        if (module == null) {
            return new Code(null, 0, false, List.of(new Place(null, null, 0, 0, false)));
        }
        LongByReference start = new LongByReference();
        String moduleName = LibDw.dwfl_module_info(module, null, start, null, null, null, null, null);
        String file = null;
        int line = 0;
        int column = 0;
        List<Place> places = new ArrayList<>();
        LongByReference bias = new LongByReference();
        Pointer cu = LibDw.dwfl_module_addrdie(module, at, bias);
        boolean noCuAtAll = cu == null;
        if (cu != null && LibDw.dwarf_haspc(cu, at - bias.getValue()) != 1) {
            cu = null; // libdwfl's nearest CU, not one that covers the address (crt1's _start, say)
        }
        if (noCuAtAll) {
            // no .debug_aranges (Go): libdw 0.188 finds no CU; walk the module's CUs (DESIGN.md §7)
            cu = cuCovering(module, at, bias);
        }
        // line rows only where a CU covers the address (libdwfl would give the nearest row of another)
        LineTable table = cu == null ? null : lineTable(cu);
        Pointer row = table == null ? null : table.rowAt(at - bias.getValue());
        if (row != null) {
            IntByReference l = new IntByReference();
            IntByReference c = new IntByReference();
            LibDw.dwarf_lineno(row, l);
            LibDw.dwarf_linecol(row, c);
            file = normalise(cu, LibDw.dwarf_linesrc(row, null, null));
            line = l.getValue();
            column = c.getValue();
        }
        if (cu != null) {
            Pointer innermost = innermostFunction(cu, at - bias.getValue());
            if (innermost != null) {
                // the function and the copies inlined into it, as nested in the DWARF
                PointerByReference nesting = new PointerByReference();
                int n = LibDw.dwarf_getscopes_die(innermost, nesting);
                Native.free(Pointer.nativeValue(innermost));
                Pointer array = nesting.getValue();
                try {
                    Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
                    for (int i = 0; i < n; i++) {
                        Pointer die = array.share((long) i * LibDw.DWARF_DIE_SIZE);
                        int tag = LibDw.dwarf_tag(die);
                        if (tag != LibDw.DW_TAG_subprogram && tag != LibDw.DW_TAG_inlined_subroutine) {
                            continue;
                        }
                        boolean inlined = tag == LibDw.DW_TAG_inlined_subroutine;
                        // the assembler names a function by one of its symbols: the aliases' preferred one, as gdb does
                        String function = !inlined && assembled(cu) ? elfSymbol(module, at) : name(die, attr);
                        places.add(new Place(function, file, line, column, inlined));
                        if (!inlined) {
                            break;
                        }
                        // the caller's place is where this copy was inlined
                        file = normalise(cu, fileAttribute(cu, die, LibDw.DW_AT_call_file, attr));
                        line = (int) udata(die, LibDw.DW_AT_call_line, attr);
                        column = (int) udata(die, LibDw.DW_AT_call_column, attr);
                    }
                } finally {
                    if (array != null) {
                        Native.free(Pointer.nativeValue(array));
                    }
                }
            }
        }
        boolean hasDwarf = cu != null || LibDw.dwfl_module_getdwarf(module, new LongByReference()) != null;
        if (places.isEmpty() || places.get(places.size() - 1).inlined()) {
            // no DWARF function here: the ELF symbol (of the outermost function, if inlined ones were found)
            places.add(new Place(Demangler.functionName(elfSymbol(module, at)), file, line, column, false));
        }
        return new Code(moduleName, start.getValue(), hasDwarf, List.copyOf(places));
    }

    /**
     * A copy (malloc'ed, freed by the caller) of the innermost subprogram or inlined copy whose
     * ranges contain {@code pc} (CU-relative), or null.
     */
    static Pointer innermostFunction(Pointer cu, long pc) {
        PointerByReference scopes = new PointerByReference();
        int n = LibDw.dwarf_getscopes(cu, pc, scopes);
        if (n <= 0) {
            return null;
        }
        Pointer array = scopes.getValue();
        try {
            for (int i = 0; i < n; i++) {
                Pointer die = array.share((long) i * LibDw.DWARF_DIE_SIZE);
                int tag = LibDw.dwarf_tag(die);
                if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine) {
                    Pointer copy = new Pointer(Native.malloc(LibDw.DWARF_DIE_SIZE));
                    copy.write(0, die.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
                    return copy;
                }
            }
            return null;
        } finally {
            Native.free(Pointer.nativeValue(array));
        }
    }

    /**
     * The ELF symbol of the function at {@code at}: of the aliases at its address, the one
     * {@link SymbolTable#preferBefore} prefers (gdb's {@code clone3} over {@code __clone3}) — in a
     * module of up to {@link SymbolIndex#PRELOAD_LIMIT} symbols; in a bigger one (a big C++
     * binary, whose functions have DWARF names: this is for its crt code) libdwfl's, so that
     * naming its {@code _start} does not cost a walk of 200,000 symbols.
     */
    private String elfSymbol(Pointer module, long at) {
        LongByReference offset = new LongByReference();
        String nearest = symbolHolding(module, at, offset);
        if (nearest == null) {
            return null;
        }
        String best = LibDw.dwfl_module_getsymtab(module) <= SymbolIndex.PRELOAD_LIMIT
                ? symbolIndex(module).preferred(at - offset.getValue()) : null;
        return best != null ? best : nearest;
    }

    /**
     * The ELF symbol whose code holds {@code at} (its offset there in {@code offset}), or null: a
     * symbol without a size reaches no further than its section (gdb names nothing past the end
     * of {@code .fini}, where libdwfl would still say {@code _fini}).
     */
    private static String symbolHolding(Pointer module, long at, LongByReference offset) {
        IntByReference symbolSection = new IntByReference();
        String name = LibDw.dwfl_module_addrinfo(module, at, offset, new Memory(24), symbolSection, null, null);
        if (name == null) {
            return null;
        }
        LongByReference inSection = new LongByReference(at);
        Pointer section = LibDw.dwfl_module_address_section(module, inSection, new LongByReference());
        if (section == null || LibDw.elf_ndxscn(section) != (symbolSection.getValue() & 0xffffffffL)) {
            return null;
        }
        Memory header = new Memory(64);
        // libdwfl's section of an address may be the one before a gap: past its size is no code of it
        return LibDw.gelf_getshdr(section, header) != null && Long.compareUnsigned(inSection.getValue(), header.getLong(32)) < 0
                ? name : null;
    }

    private static String name(Pointer die, Memory attr) {
        String linkage = string(die, LibDw.DW_AT_linkage_name, attr);
        if (linkage == null) {
            linkage = string(die, LibDw.DW_AT_MIPS_linkage_name, attr);
        }
        return linkage != null ? Demangler.functionName(linkage) : string(die, LibDw.DW_AT_name, attr);
    }

    /** A string attribute of a DIE (through its abstract origin or specification), or null. */
    static String attributeString(Pointer die, int attribute) {
        return string(die, attribute, new Memory(LibDw.DWARF_ATTRIBUTE_SIZE));
    }

    private static String string(Pointer die, int attribute, Memory attr) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        return a == null ? null : LibDw.dwarf_formstring(a);
    }

    private static long udata(Pointer die, int attribute, Memory attr) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        LongByReference v = new LongByReference();
        return a != null && LibDw.dwarf_formudata(a, v) == 0 ? v.getValue() : 0;
    }

    /** The file a DIE's file attribute ({@code DW_AT_call_file}, {@code DW_AT_decl_file}) names, as the CU's file table has it; null if none. */
    String fileAttribute(Pointer cu, Pointer die, int attribute, Memory attr) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        LongByReference index = new LongByReference();
        if (a == null || LibDw.dwarf_formudata(a, index) != 0) {
            return null;
        }
        Pointer files = fileTables.computeIfAbsent(Pointer.nativeValue(cu), k -> {
            PointerByReference f = new PointerByReference();
            return LibDw.dwarf_getsrcfiles(cu, f, new LongByReference()) == 0 ? f.getValue() : Pointer.NULL;
        });
        return files == null ? null : LibDw.dwarf_filesrc(files, index.getValue(), null, null);
    }

    /** The line table of a CU (read once), null if it has none. */
    LineTable lineTable(Pointer cu) {
        return lineTables.computeIfAbsent(Pointer.nativeValue(cu), k -> java.util.Optional.ofNullable(LineTable.of(cu))).orElse(null);
    }

    private final Map<Long, Boolean> assembledCus = new HashMap<>();

    /** Was this CU written by the assembler (GNU as names its functions from .type symbols)? */
    boolean assembled(Pointer cu) {
        return assembledCus.computeIfAbsent(Pointer.nativeValue(cu), k -> {
            String producer = string(cu, LibDw.DW_AT_producer, new Memory(LibDw.DWARF_ATTRIBUTE_SIZE));
            return producer != null && producer.startsWith("GNU AS");
        });
    }

    /** An absolute, normalised path for a file the CU names (relative names are under its compilation directory). */
    String normalise(Pointer cu, String file) {
        if (file == null) {
            return null;
        }
        Path p = Path.of(file);
        if (!p.isAbsolute()) {
            String dir = compDirs.computeIfAbsent(Pointer.nativeValue(cu),
                    k -> {
                        String d = string(cu, LibDw.DW_AT_comp_dir, new Memory(LibDw.DWARF_ATTRIBUTE_SIZE));
                        return d == null ? "" : d;
                    });
            if (!dir.isEmpty()) {
                p = Path.of(dir).resolve(p);
            }
        }
        return p.normalize().toString();
    }

    private BreakpointSites breakpointSites;

    /**
     * Where breakpoints go in this process's code, as gdb places them: by source line or by
     * function name. Read from these symbols' modules (a dlopen needs new Symbols) and usable
     * until they are closed.
     */
    public BreakpointSites breakpointSites() {
        if (breakpointSites == null) {
            breakpointSites = new BreakpointSites(this, session.dwfl);
        }
        return breakpointSites;
    }

    private volatile boolean closed;

    /** Closed: what was read from these symbols may no longer be the process's (any thread may ask). */
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        session.close();
    }
}
