package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a breakpoint goes in a live process's code — the runtime addresses a source line or a
 * function name resolves to in every module with DWARF — placed by gdb 13's rules, so that what
 * a user sees matches gdb (linespec.c, symtab.c, amd64-tdep.c):
 * <ul>
 *   <li><b>A line</b>: in each compilation unit's rows of a matching file ({@link FileLines}),
 *       the statement rows of that line; when no unit has one, those of the nearest later line
 *       that has ("best entry": a comment line moves to the next line with code). Of the rows
 *       that fall in one block — a function, an inlined copy, or a lexical block with variables
 *       of its own — only the lowest address is kept ({@code create_sals_line_offset}: an
 *       {@code -O2} line split into several ranges is one location per block, a line of an
 *       inlined function one per copy). A location before its function's prologue ends (the
 *       function's opening line) moves past it, and says the line it lands on
 *       ({@code skip_prologue_sal}).
 *   <li><b>A function</b>: every function and every inlined copy of that name — C++ names
 *       matched as gdb's wild matching does ({@code scale} finds {@code ns::Shape::scale},
 *       every overload; {@code clamp} every instance of a template; {@code scale(int)} one
 *       overload) — and functions with only an ELF symbol; each at {@code
 *       find_function_start_sal}'s address: the entry itself in a unit whose locations gdb
 *       trusts (GCC's optimised code: variables with location lists), else past the prologue
 *       (the line table's {@code prologue_end}, else {@code push %rbp; mov %rsp,%rbp} skipped
 *       and on to the next line's first address).
 * </ul>
 *
 * <p>A line's rows are read once per unit and file (the first request walks the units'
 * line tables; later ones are binary searches), a module's function names once per module.
 *
 * <p>Threads: as {@link Symbols}, its owner: one caller at a time, the session's symbols thread.
 */
public final class BreakpointSites {
    /**
     * One place a breakpoint goes: its runtime address, the function there as the stack shows it
     * (the innermost, an inlined one included), and the source line it stands for (the file
     * normalised as {@link Symbols.Place#file}; column 0 when unknown).
     */
    public record Location(long address, String function, String file, int line, int column) {}

    /** What a request resolved to: its locations, by address, or none and {@code message} saying why. */
    public record Resolution(List<Location> locations, String message) {
        static Resolution of(List<Location> locations) {
            return new Resolution(List.copyOf(locations), null);
        }

        static Resolution none(String message) {
            return new Resolution(List.of(), message);
        }
    }

    /**
     * A source file a request names: {@code name} for messages, {@code matches} saying whether a
     * normalised compile path of the debug info ({@link Symbols.Place#file}) is that file — the
     * adapter's source map decides it for a path of the user's editor.
     */
    public record SourceFile(String name, Predicate<String> matches) {
        /**
         * The file {@code path} names as gdb matches a file name: an absolute path the same path;
         * a relative one (a basename, {@code src/x.c}) every path that ends with it after a
         * {@code /} ({@code compare_filenames_for_search}).
         */
        public static SourceFile of(String path) {
            boolean absolute = path.startsWith("/");
            return new SourceFile(path, file -> file.equals(path) || !absolute && file.endsWith("/" + path));
        }
    }

    /** A line a breakpoint can land on, and the column of the row it lands on (0 when unknown). */
    public record Position(int line, int column) {}

    /** A pc's line as gdb's {@code find_pc_sect_line} finds it: its row's range {@code [start, end)} (runtime addresses). */
    private record LineAt(long start, long end, int line, int column, String file) {}

    /** A breakpoint's place on its way: an address and the line it stands for (line 0: none known yet). */
    private record Sal(long pc, int line, int column, String file) {}

    /** A function's code (runtime addresses): its entry, the end of the range holding it, the end of all its code. */
    private record Code(long entry, long entryRangeEnd, long end) {
        boolean holds(long pc) {
            return Long.compareUnsigned(entry, pc) <= 0 && Long.compareUnsigned(pc, end) < 0;
        }
    }

    /**
     * What holds a pc: the innermost block gdb makes of the DWARF (its DIE offset, 0 if none),
     * the function that was called (not an inlined copy), and the outermost inlined copy between
     * them (its declaration's line and file; 0 and null if none).
     */
    private record Scope(long block, Code function, int inlinedDeclLine, String inlinedDeclFile) {
        static final Scope NONE = new Scope(0, null, 0, null);
    }

    /** One compilation unit of one module; its file names and gdb's trust in its locations read when asked. */
    private static final class Unit {
        final Pointer module;
        final Pointer cu;
        final long bias;
        /** Normalised path → the names libdw gives that file in this unit's line table. */
        Map<String, List<String>> files;
        Boolean locationsValid;

        Unit(Pointer module, Pointer cu, long bias) {
            this.module = module;
            this.cu = cu;
            this.bias = bias;
        }
    }

    /** One unit's rows of a matching file. */
    private record Table(Unit unit, String file, FileLines lines) {}

    /** A subprogram DIE of the function index (a copy of its {@code Dwarf_Die}), with its unit. */
    private record FunctionDie(Unit unit, byte[] die) {}

    /** A defined function's ELF symbol; {@code typed} false for one without a type (an assembler label), code only if its section is. */
    private record ElfFunction(String name, long address, boolean typed) {}

    private final Symbols symbols;
    private final Pointer dwfl;
    private List<Pointer> modules;
    private List<Unit> units;
    private final Map<Long, Unit> unitsByCu = new HashMap<>();
    /** By module: its DWARF functions by their simple name ({@link #simpleName}). */
    private final Map<Long, Map<String, List<FunctionDie>>> functionsByModule = new HashMap<>();
    private final Map<Long, List<ElfFunction>> elfFunctionsByModule = new HashMap<>();

    BreakpointSites(Symbols symbols, Pointer dwfl) {
        this.symbols = symbols;
        this.dwfl = dwfl;
    }

    // ---- lines

    /** The locations of a breakpoint on line {@code line} of {@code file}. */
    public Resolution line(SourceFile file, int line) {
        List<Table> tables = tables(file);
        return tables.isEmpty() ? Resolution.none(noSuchFile(file)) : line(tables, file, line);
    }

    /**
     * The lines in {@code [from, to]} of {@code file} a breakpoint can land on (DAP's
     * {@code breakpointLocations}): each line with code whose breakpoint stays in the range, at
     * the column of the row it lands on; empty when the file is unknown.
     */
    public List<Position> lines(SourceFile file, int from, int to) {
        List<Table> tables = tables(file);
        TreeSet<Integer> withCode = new TreeSet<>();
        for (Table t : tables) {
            for (int l : t.lines().lines(from, to)) {
                withCode.add(l);
            }
        }
        TreeSet<Position> found = new TreeSet<>(Comparator.comparingInt(Position::line).thenComparingInt(Position::column));
        for (int l : withCode) {
            for (Location loc : line(tables, file, l).locations()) {
                if (loc.line() >= from && loc.line() <= to) {
                    found.add(new Position(loc.line(), loc.column()));
                }
            }
        }
        return List.copyOf(found);
    }

    private Resolution line(List<Table> tables, SourceFile file, int line) {
        List<Table> holding = new ArrayList<>();
        List<FileLines.Row> rows = statementsOf(tables, line, holding);
        if (rows.isEmpty()) {
            int best = 0;
            for (Table t : tables) {
                int next = t.lines().nextLine(line);
                if (next > 0 && (best == 0 || next < best)) {
                    best = next;
                }
            }
            if (best == 0) {
                return Resolution.none("line " + line + " of " + file.name() + " has no code, and no later line of it has");
            }
            rows = statementsOf(tables, best, holding);
        }
        Set<List<Long>> blocks = new HashSet<>();
        List<Location> locations = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Unit u = holding.get(i).unit();
            FileLines.Row row = rows.get(i);
            long pc = row.pc() + u.bias;
            Scope scope = scopeAt(u, pc);
            if (scope.block() != 0 && !blocks.add(List.of(Pointer.nativeValue(u.module), scope.block()))) {
                continue; // gdb keeps a block's lowest address only
            }
            Sal sal = new Sal(pc, row.line(), row.column(), holding.get(i).file());
            // gdb leaves an assembler file's lines where the user put them
            locations.add(location(u.module, symbols.assembled(u.cu) ? sal : pastPrologue(u.module, u, scope, sal)));
        }
        return Resolution.of(byAddress(locations));
    }

    /** The statement rows of {@code line} in every table, table by table; {@code holding} gets each row's table. */
    private static List<FileLines.Row> statementsOf(List<Table> tables, int line, List<Table> holding) {
        holding.clear();
        List<FileLines.Row> rows = new ArrayList<>();
        for (Table t : tables) {
            for (FileLines.Row r : t.lines().statements(line)) {
                rows.add(r);
                holding.add(t);
            }
        }
        return rows;
    }

    private List<Table> tables(SourceFile file) {
        List<Table> tables = new ArrayList<>();
        for (Unit u : units()) {
            for (Map.Entry<String, List<String>> f : files(u).entrySet()) {
                if (!file.matches().test(f.getKey())) {
                    continue;
                }
                LineTable table = symbols.lineTable(u.cu);
                for (String name : f.getValue()) {
                    FileLines lines = table == null ? null : table.byFile().get(name);
                    if (lines != null) {
                        tables.add(new Table(u, f.getKey(), lines));
                    }
                }
            }
        }
        return tables;
    }

    private String noSuchFile(SourceFile file) {
        Set<String> all = new TreeSet<>();
        for (Unit u : units()) {
            all.addAll(files(u).keySet());
        }
        String base = Path.of(file.name()).getFileName() == null ? file.name() : Path.of(file.name()).getFileName().toString();
        List<String> sameName = all.stream().filter(f -> f.endsWith("/" + base) || f.equalsIgnoreCase(base)
                || Path.of(f).getFileName() != null && Path.of(f).getFileName().toString().equalsIgnoreCase(base)).limit(3).toList();
        String hint = sameName.isEmpty() ? ", none of them named " + base
                : "; named " + base + ": " + String.join(", ", sameName) + " (a source map may be missing)";
        return "no file named " + file.name() + " in the program's debug info (" + all.size() + " source files" + hint + ")";
    }

    // ---- functions

    /**
     * The address of function {@code name} by its ELF symbol, in the first module that defines
     * it (the program first), or -1: a lookup that reads no DWARF — for the debugger's own
     * breakpoints (the dynamic linker's {@code _dl_debug_state}), which must not wait for an index.
     */
    public long elfFunction(String name) {
        for (Pointer module : modules()) {
            Long at = symbols.elfFunction(module, name);
            if (at != null) {
                return at;
            }
        }
        return -1;
    }

    /**
     * The locations of a breakpoint on function {@code name}: a C name, or a C++ one qualified as
     * far as the user likes ({@code scale}, {@code Shape::scale}, {@code ::geometry::Shape::scale}),
     * with template arguments to choose an instance and a parameter list ({@code scale(int)}) to
     * choose an overload.
     */
    public Resolution function(String name) {
        FunctionName wanted = FunctionName.parse(name);
        Map<Long, Location> found = new TreeMap<>(Long::compareUnsigned);
        for (Pointer module : modules()) {
            List<Long> entries = new ArrayList<>();
            Memory die = new Memory(LibDw.DWARF_DIE_SIZE);
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            for (FunctionDie f : functions(module).getOrDefault(wanted.simple(), List.of())) {
                die.write(0, f.die(), 0, f.die().length);
                String linkage = linkageName(die, attr);
                String shown = linkage != null ? Demangler.functionName(linkage) : qualifiedName(die, attr);
                if (!wanted.matches(shown, linkage == null ? null : Demangler.demangle(linkage))) {
                    continue;
                }
                Code code = code(die, f.unit().bias);
                if (code != null) {
                    entries.add(code.entry());
                }
                if (LibDw.dwarf_hasattr(die, LibDw.DW_AT_inline) == 1) {
                    LibDw.DieCallback instance = (copy, arg) -> {
                        Code c = code(copy, f.unit().bias);
                        if (c != null) {
                            entries.add(c.entry());
                        }
                        return LibDw.DWARF_CB_OK;
                    };
                    LibDw.dwarf_func_inline_instances(die, instance, null);
                }
            }
            for (ElfFunction f : elfFunctions(module)) {
                if (wanted.matchesSymbol(f.name()) && (f.typed() || inCode(module, f.address()))) {
                    entries.add(f.address());
                }
            }
            for (long entry : entries) {
                Location at = functionStart(module, entry);
                found.putIfAbsent(at.address(), at);
            }
        }
        return found.isEmpty() ? Resolution.none("no function named " + name + " in the program or its libraries")
                : Resolution.of(List.copyOf(found.values()));
    }

    /**
     * Where a step into the function entering at {@code entry} stops: past its prologue, as
     * {@code break} on it (gdb's {@code find_function_start_sal}); null where no module has it.
     */
    public Location functionStartAt(long entry) {
        Pointer module = LibDw.dwfl_addrmodule(dwfl, entry);
        return module == null ? null : functionStart(module, entry);
    }

    /** gdb's {@code find_function_start_sal} for a function entering at {@code entry}. */
    private Location functionStart(Pointer module, long entry) {
        Unit u = unitAt(module, entry);
        LineAt at = u == null ? null : lineAt(u, entry);
        if (at != null && (locationsValid(u) || symbols.assembled(u.cu))) {
            return location(module, new Sal(entry, at.line(), at.column(), at.file()));
        }
        // a line that begins before the entry is not the function's: no line, until past the prologue
        Sal sal = at != null && at.start() == entry ? new Sal(entry, at.line(), at.column(), at.file()) : new Sal(entry, 0, 0, null);
        return location(module, pastPrologue(module, u, u == null ? Scope.NONE : scopeAt(u, sal.pc()), sal));
    }

    // ---- past the prologue (symtab.c's skip_prologue_sal)

    /**
     * {@code sal} moved past the prologue of the function holding it when it lies before the
     * prologue's end, with the line it lands on (the declaration line of an inlined function it
     * lands in, as gdb says); else {@code sal} as it is.
     */
    private Sal pastPrologue(Pointer module, Unit u, Scope scope, Sal sal) {
        boolean debugFunction = scope.function() != null;
        Code function = debugFunction ? scope.function() : elfFunctionAt(module, sal.pc());
        if (function == null) {
            return sal;
        }
        // gdb trusts an optimised GCC unit's locations: then its functions need no prologue skipped
        boolean forceSkip = !(debugFunction && locationsValid(u));
        long pc;
        LineAt start;
        long flagged = prologueEndFlag(u, function);
        if (flagged != -1) {
            pc = flagged;
            start = u == null ? null : lineAt(u, pc);
        } else if (forceSkip) {
            pc = amd64SkipPrologue(module, function.entry());
            start = u == null ? null : lineAt(u, pc);
            if (start != null && start.start() != pc && start.end() != -1 && function.holds(start.end())) {
                pc = start.end(); // the analysis stopped mid-line: on to the next line's first address
                start = lineAt(u, pc);
            }
        } else {
            pc = function.entry();
            start = u == null ? null : lineAt(u, pc);
        }
        if (Long.compareUnsigned(sal.pc(), pc) >= 0) {
            return sal; // already past the prologue
        }
        Sal moved = start == null ? new Sal(pc, 0, 0, null) : new Sal(pc, start.line(), start.column(), start.file());
        Scope landed = u == null ? Scope.NONE : scopeAt(u, pc);
        return landed.inlinedDeclLine() != 0 ? new Sal(pc, landed.inlinedDeclLine(), 0, landed.inlinedDeclFile()) : moved;
    }

    /** gdb's {@code skip_prologue_using_linetable}: the first row flagged {@code prologue_end} in the entry's range, or -1. */
    private long prologueEndFlag(Unit u, Code function) {
        LineAt first = u == null ? null : lineAt(u, function.entry());
        LineTable table = first == null ? null : symbols.lineTable(u.cu);
        if (table == null) {
            return -1;
        }
        for (Map.Entry<String, List<String>> f : files(u).entrySet()) {
            if (f.getKey().equals(first.file())) {
                for (String name : f.getValue()) {
                    FileLines lines = table.byFile().get(name);
                    long pc = lines == null ? -1 : lines.prologueEnd(function.entry() - u.bias, function.entryRangeEnd() - u.bias);
                    if (pc != -1) {
                        return pc + u.bias;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * gdb's {@code amd64_skip_prologue} for GCC's code: past {@code [endbr64] push %rbp; mov
     * %rsp,%rbp} when the function sets up a frame pointer, else its entry (a frameless function
     * has no prologue to skip). TODO(clang): gdb takes the line table's second line for LLVM's
     * units ({@code skip_prologue_using_sal}); we analyse theirs as GCC's.
     */
    private static long amd64SkipPrologue(Pointer module, long entry) {
        byte[] b = code(module, entry, 12);
        if (b == null) {
            return entry;
        }
        int i = (b[0] & 0xff) == 0xf3 && (b[1] & 0xff) == 0x0f && (b[2] & 0xff) == 0x1e && (b[3] & 0xff) == 0xfa ? 4 : 0;
        if ((b[i] & 0xff) != 0x55) {
            return entry; // no push %rbp
        }
        int m0 = b[i + 1] & 0xff;
        int m1 = b[i + 2] & 0xff;
        int m2 = b[i + 3] & 0xff;
        if (m0 == 0x48 && (m1 == 0x89 && m2 == 0xe5 || m1 == 0x8b && m2 == 0xec)) {
            return entry + i + 4; // movq %rsp,%rbp
        }
        if (m0 == 0x89 && m1 == 0xe5 || m0 == 0x8b && m1 == 0xec) {
            return entry + i + 3; // movl %esp,%ebp
        }
        return entry;
    }

    /** {@code n} bytes of the module's code at runtime address {@code at}, from its ELF file; null where it has none. */
    private static byte[] code(Pointer module, long at, int n) {
        LongByReference offset = new LongByReference(at);
        Pointer section = LibDw.dwfl_module_address_section(module, offset, new LongByReference());
        Pointer data = section == null ? null : LibDw.elf_getdata(section, null);
        if (data == null) {
            return null;
        }
        Pointer bytes = data.getPointer(0);
        long size = data.getLong(16);
        if (bytes == null || Long.compareUnsigned(offset.getValue() + n, size) > 0) {
            return null;
        }
        return bytes.getByteArray(offset.getValue(), n);
    }

    // ---- what the DWARF says at a pc

    /** gdb's {@code find_pc_sect_line} in unit {@code u}: the row holding {@code pc} and where its code ends; null if none. */
    private LineAt lineAt(Unit u, long pc) {
        LineTable table = symbols.lineTable(u.cu);
        Pointer row = table == null ? null : table.rowAt(pc - u.bias);
        if (row == null) {
            return null;
        }
        LongByReference start = new LongByReference();
        IntByReference v = new IntByReference();
        LibDw.dwarf_lineaddr(row, start);
        LibDw.dwarf_lineno(row, v);
        int line = v.getValue();
        int column = LibDw.dwarf_linecol(row, v) == 0 ? v.getValue() : 0;
        long end = table.nextAddress(pc - u.bias);
        return new LineAt(start.getValue() + u.bias, end == -1 ? -1 : end + u.bias, line, column,
                symbols.normalise(u.cu, LibDw.dwarf_linesrc(row, null, null)));
    }

    /** The blocks and functions holding {@code pc} in unit {@code u}, as gdb's blocks nest them. */
    private Scope scopeAt(Unit u, long pc) {
        PointerByReference scopes = new PointerByReference();
        int n = LibDw.dwarf_getscopes(u.cu, pc - u.bias, scopes);
        if (n <= 0) {
            return Scope.NONE;
        }
        Pointer innermost = scopes.getValue();
        PointerByReference nesting = new PointerByReference();
        int m;
        try {
            // dwarf_getscopes goes on with an inlined function's abstract definition: the concrete nesting
            m = LibDw.dwarf_getscopes_die(innermost, nesting);
        } finally {
            Native.free(Pointer.nativeValue(innermost));
        }
        Pointer chain = nesting.getValue();
        try {
            long block = 0;
            Code function = null;
            Pointer outermostInlined = null;
            for (int i = 0; i < m; i++) {
                Pointer die = chain.share((long) i * LibDw.DWARF_DIE_SIZE);
                int tag = LibDw.dwarf_tag(die);
                boolean isFunction = tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine;
                if (block == 0 && (isFunction || tag == LibDw.DW_TAG_lexical_block && hasSymbols(die))) {
                    block = LibDw.dwarf_dieoffset(die);
                }
                if (tag == LibDw.DW_TAG_inlined_subroutine) {
                    outermostInlined = die;
                } else if (tag == LibDw.DW_TAG_subprogram) {
                    function = code(die, u.bias);
                    break;
                }
            }
            if (outermostInlined == null) {
                return new Scope(block, function, 0, null);
            }
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            Pointer declLine = LibDw.dwarf_attr_integrate(outermostInlined, LibDw.DW_AT_decl_line, attr);
            LongByReference line = new LongByReference();
            int decl = declLine != null && LibDw.dwarf_formudata(declLine, line) == 0 ? (int) line.getValue() : 0;
            String file = decl == 0 ? null
                    : symbols.normalise(u.cu, symbols.fileAttribute(u.cu, outermostInlined, LibDw.DW_AT_decl_file, attr));
            return new Scope(block, function, decl, file);
        } finally {
            if (chain != null) {
                Native.free(Pointer.nativeValue(chain));
            }
        }
    }

    /**
     * Does gdb make a block of this lexical block? Only when symbols of its own are declared in it
     * (dwarf2/read.c's {@code read_lexical_block_scope}): a named variable, label or type, or a
     * using directive — also those of the abstract block a concrete inlined one stands for.
     */
    private static boolean hasSymbols(Pointer block) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_child(block, child) == 0) {
            do {
                int tag = LibDw.dwarf_tag(child);
                if (tag == LibDw.DW_TAG_imported_module || tag == LibDw.DW_TAG_imported_declaration) {
                    return true;
                }
                boolean named = tag == LibDw.DW_TAG_variable || tag == LibDw.DW_TAG_label || tag == LibDw.DW_TAG_typedef
                        || tag == LibDw.DW_TAG_structure_type || tag == LibDw.DW_TAG_union_type
                        || tag == LibDw.DW_TAG_class_type || tag == LibDw.DW_TAG_enumeration_type;
                if (named && Symbols.attributeString(child, LibDw.DW_AT_name) != null) {
                    return true;
                }
            } while (LibDw.dwarf_siblingof(child, child) == 0);
        }
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Pointer origin = LibDw.dwarf_attr(block, LibDw.DW_AT_abstract_origin, attr);
        Memory abstractBlock = new Memory(LibDw.DWARF_DIE_SIZE);
        return origin != null && LibDw.dwarf_formref_die(origin, abstractBlock) != null && hasSymbols(abstractBlock);
    }

    /**
     * A function's or inlined copy's code: gdb 13's entry is the start of its first non-empty
     * range as listed (not {@code DW_AT_entry_pc}); null when it has none (a declaration, an
     * abstract definition, an inlined copy whose ranges are all empty: gdb makes no block of it).
     */
    private static Code code(Pointer die, long bias) {
        LongByReference base = new LongByReference();
        LongByReference start = new LongByReference();
        LongByReference end = new LongByReference();
        Code code = null;
        for (long next = LibDw.dwarf_ranges(die, 0, base, start, end); next > 0;
                next = LibDw.dwarf_ranges(die, next, base, start, end)) {
            if (start.getValue() == end.getValue()) {
                continue; // gdb: "empty range entries have no effect"
            }
            if (code == null) {
                code = new Code(start.getValue() + bias, end.getValue() + bias, end.getValue() + bias);
            } else if (Long.compareUnsigned(end.getValue() + bias, code.end()) > 0) {
                code = new Code(code.entry(), code.entryRangeEnd(), end.getValue() + bias);
            }
        }
        return code;
    }

    /**
     * Does gdb trust this unit's variable locations, and so break at a function's very entry
     * ({@code locations_valid})? When GCC 4.5 or later wrote it and some variable has a
     * location list — that is, optimised code.
     */
    private boolean locationsValid(Unit u) {
        if (u.locationsValid == null) {
            String producer = Symbols.attributeString(u.cu, LibDw.DW_AT_producer);
            Matcher gcc = producer == null ? null : Pattern.compile("^GNU \\S+ (\\d+)\\.(\\d+)").matcher(producer);
            boolean modernGcc = gcc != null && gcc.find() && !producer.startsWith("GNU AS")
                    && (Integer.parseInt(gcc.group(1)) > 4 || Integer.parseInt(gcc.group(1)) == 4 && Integer.parseInt(gcc.group(2)) >= 5);
            u.locationsValid = modernGcc && hasLocationList(u.cu, new Memory(LibDw.DWARF_ATTRIBUTE_SIZE));
        }
        return u.locationsValid;
    }

    /** Is a location list among the variables and frame bases under {@code scope} (types are not descended into)? */
    private static boolean hasLocationList(Pointer scope, Memory attr) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_child(scope, child) != 0) {
            return false;
        }
        do {
            int tag = LibDw.dwarf_tag(child);
            if (tag == LibDw.DW_TAG_variable || tag == LibDw.DW_TAG_formal_parameter) {
                if (isLocationList(LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr))) {
                    return true;
                }
            } else if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine
                    || tag == LibDw.DW_TAG_lexical_block || tag == LibDw.DW_TAG_namespace) {
                if (isLocationList(LibDw.dwarf_attr(child, LibDw.DW_AT_frame_base, attr)) || hasLocationList(child, attr)) {
                    return true;
                }
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return false;
    }

    private static boolean isLocationList(Pointer attribute) {
        if (attribute == null) {
            return false;
        }
        int form = LibDw.dwarf_whatform(attribute);
        return form == LibDw.DW_FORM_sec_offset || form == LibDw.DW_FORM_loclistx
                || form == LibDw.DW_FORM_data4 || form == LibDw.DW_FORM_data8;
    }

    // ---- the process's modules, units, files and functions (each read once)

    private List<Pointer> modules() {
        if (modules == null) {
            List<Pointer> all = new ArrayList<>();
            LibDw.dwfl_getmodules(dwfl, (module, userdata, name, start, arg) -> {
                all.add(module);
                return LibDw.DWARF_CB_OK;
            }, null, 0);
            // as gdb searches its objfiles: the program first (a PIE's mapping is the lowest), then its libraries
            all.sort(Comparator.comparingLong(BreakpointSites::start));
            modules = List.copyOf(all);
        }
        return modules;
    }

    private static long start(Pointer module) {
        LongByReference start = new LongByReference();
        LibDw.dwfl_module_info(module, null, start, null, null, null, null, null);
        return start.getValue();
    }

    private List<Unit> units() {
        if (units == null) {
            List<Unit> all = new ArrayList<>();
            for (Pointer module : modules()) {
                all.addAll(unitsOf(module));
            }
            units = List.copyOf(all);
        }
        return units;
    }

    private List<Unit> unitsOf(Pointer module) {
        List<Unit> all = new ArrayList<>();
        LongByReference bias = new LongByReference();
        if (LibDw.dwfl_module_getdwarf(module, bias) == null) {
            return all;
        }
        for (Pointer cu = LibDw.dwfl_module_nextcu(module, null, bias); cu != null; cu = LibDw.dwfl_module_nextcu(module, cu, bias)) {
            all.add(unit(module, cu, bias.getValue()));
        }
        return all;
    }

    private Unit unit(Pointer module, Pointer cu, long bias) {
        return unitsByCu.computeIfAbsent(Pointer.nativeValue(cu), k -> new Unit(module, cu, bias));
    }

    /** The unit whose ranges cover runtime address {@code at}, null if none. */
    private Unit unitAt(Pointer module, long at) {
        LongByReference bias = new LongByReference();
        Pointer cu = LibDw.dwfl_module_addrdie(module, at, bias);
        if (cu == null || LibDw.dwarf_haspc(cu, at - bias.getValue()) != 1) {
            cu = symbols.cuCovering(module, at, bias);
        }
        return cu == null ? null : unit(module, cu, bias.getValue());
    }

    private Map<String, List<String>> files(Unit u) {
        if (u.files == null) {
            Map<String, List<String>> files = new HashMap<>();
            PointerByReference table = new PointerByReference();
            LongByReference count = new LongByReference();
            if (LibDw.dwarf_getsrcfiles(u.cu, table, count) == 0) {
                for (long i = 0; i < count.getValue(); i++) {
                    String name = LibDw.dwarf_filesrc(table.getValue(), i, null, null);
                    String path = name == null || name.startsWith("<") ? null : symbols.normalise(u.cu, name);
                    if (path != null) {
                        List<String> names = files.computeIfAbsent(path, p -> new ArrayList<>());
                        if (!names.contains(name)) {
                            names.add(name);
                        }
                    }
                }
            }
            u.files = files;
        }
        return u.files;
    }

    /** The module's subprogram DIEs with a name, by {@link #simpleName}: definitions, abstract inline ones, declarations. */
    private Map<String, List<FunctionDie>> functions(Pointer module) {
        return functionsByModule.computeIfAbsent(Pointer.nativeValue(module), k -> {
            Map<String, List<FunctionDie>> byName = new HashMap<>();
            for (Unit u : unitsOf(module)) {
                LibDw.DieCallback each = (die, arg) -> {
                    String name = Symbols.attributeString(die, LibDw.DW_AT_name);
                    if (name != null) {
                        byName.computeIfAbsent(simpleName(name), n -> new ArrayList<>())
                                .add(new FunctionDie(u, die.getByteArray(0, LibDw.DWARF_DIE_SIZE)));
                    }
                    return LibDw.DWARF_CB_OK;
                };
                LibDw.dwarf_getfuncs(u.cu, each, null, 0);
            }
            return byName;
        });
    }

    /**
     * The module's defined functions by ELF symbol, as gdb's minimal symbols of code: functions,
     * and symbols without a type in code (ld.so's {@code _start}); no ifuncs (gdb breaks at the
     * function an ifunc resolves to, which its symbol cannot tell). TODO(ifunc): resolve them.
     */
    private List<ElfFunction> elfFunctions(Pointer module) {
        return elfFunctionsByModule.computeIfAbsent(Pointer.nativeValue(module), k -> {
            List<ElfFunction> all = new ArrayList<>();
            SymbolTable.forEach(module, sym -> {
                boolean typed = sym.type() == SymbolTable.STT_FUNC;
                if ((typed || sym.type() == SymbolTable.STT_NOTYPE) && sym.section() != 0 && !sym.name().startsWith(".L")) {
                    int version = sym.name().indexOf('@');
                    all.add(new ElfFunction(version < 0 ? sym.name() : sym.name().substring(0, version), sym.address(), typed));
                }
            });
            return List.copyOf(all);
        });
    }

    /** Is runtime address {@code at} in an executable section of the module? */
    private static boolean inCode(Pointer module, long at) {
        Pointer section = LibDw.dwfl_module_address_section(module, new LongByReference(at), new LongByReference());
        Memory header = new Memory(64); // GElf_Shdr: sh_flags at 8
        return section != null && LibDw.gelf_getshdr(section, header) != null && (header.getLong(8) & SHF_EXECINSTR) != 0;
    }

    private static final long SHF_EXECINSTR = 0x4;

    /** The function whose ELF symbol holds {@code pc} (its start and size), for code without DWARF; null if none. */
    private static Code elfFunctionAt(Pointer module, long pc) {
        LongByReference offset = new LongByReference();
        Memory sym = new Memory(24); // GElf_Sym: st_size at 16
        if (LibDw.dwfl_module_addrinfo(module, pc, offset, sym, null, null, null) == null) {
            return null;
        }
        long start = pc - offset.getValue();
        long size = Math.max(sym.getLong(16), 1);
        return new Code(start, start + size, start + size);
    }

    /**
     * A function's name with the namespaces and classes its declaration is in, as gdb computes
     * one for a C++ function the DWARF gives no linkage name (an inlined constructor):
     * {@code geometry::Shape::Shape}. A C function's is its name.
     */
    private static String qualifiedName(Pointer die, Memory attr) {
        String name = Symbols.attributeString(die, LibDw.DW_AT_name);
        Memory declaration = new Memory(LibDw.DWARF_DIE_SIZE);
        declaration.write(0, die.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
        for (int hops = 0; hops < 8; hops++) {
            Pointer ref = LibDw.dwarf_attr(declaration, LibDw.DW_AT_specification, attr);
            if (ref == null) {
                ref = LibDw.dwarf_attr(declaration, LibDw.DW_AT_abstract_origin, attr);
            }
            if (ref == null || LibDw.dwarf_formref_die(ref, declaration) == null) {
                break;
            }
        }
        PointerByReference nesting = new PointerByReference();
        int n = LibDw.dwarf_getscopes_die(declaration, nesting);
        if (n <= 0) {
            return name;
        }
        StringBuilder qualified = new StringBuilder(name == null ? "" : name);
        try {
            for (int i = 1; i < n; i++) {
                Pointer scope = nesting.getValue().share((long) i * LibDw.DWARF_DIE_SIZE);
                int tag = LibDw.dwarf_tag(scope);
                if (tag == LibDw.DW_TAG_namespace || tag == LibDw.DW_TAG_class_type || tag == LibDw.DW_TAG_structure_type
                        || tag == LibDw.DW_TAG_union_type) {
                    String scopeName = Symbols.attributeString(scope, LibDw.DW_AT_name);
                    qualified.insert(0, (scopeName == null ? "(anonymous namespace)" : scopeName) + "::");
                }
            }
        } finally {
            Native.free(Pointer.nativeValue(nesting.getValue()));
        }
        return qualified.toString();
    }

    private static String linkageName(Pointer die, Memory attr) {
        for (int attribute : new int[] {LibDw.DW_AT_linkage_name, LibDw.DW_AT_MIPS_linkage_name}) {
            Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
            if (a != null) {
                return LibDw.dwarf_formstring(a);
            }
        }
        return null;
    }

    /** A function's name without its scopes and template arguments: the key the index is searched by. */
    static String simpleName(String name) {
        String s = name.strip();
        if (!s.startsWith("operator")) {
            int scope = lastTopLevelScope(s);
            if (scope >= 0 && !s.substring(scope + 2).startsWith("operator")) {
                s = s.substring(scope + 2);
            }
            int template = s.indexOf('<');
            if (template > 0 && !s.startsWith("operator")) {
                s = s.substring(0, template);
            }
        }
        return s.replace(" ", "");
    }

    /** The index of the last {@code ::} outside template arguments and parameter lists, or -1. */
    private static int lastTopLevelScope(String s) {
        int depth = 0;
        int found = -1;
        for (int i = 0; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth--;
            } else if (depth == 0 && c == ':' && s.charAt(i + 1) == ':') {
                found = i;
                i++;
            }
        }
        return found;
    }

    private Location location(Pointer module, Sal sal) {
        List<Symbols.Place> places = symbols.at(sal.pc()).places();
        Symbols.Place innermost = places.get(0);
        // gdb gives no line where no row begins at a function's entry (and the prologue cannot be told): the stack's
        return sal.line() == 0 ? new Location(sal.pc(), innermost.function(), innermost.file(), innermost.line(), innermost.column())
                : new Location(sal.pc(), innermost.function(), sal.file(), sal.line(), sal.column());
    }

    private static List<Location> byAddress(List<Location> locations) {
        Map<Long, Location> unique = new TreeMap<>(Long::compareUnsigned);
        for (Location l : locations) {
            unique.putIfAbsent(l.address(), l);
        }
        return List.copyOf(unique.values());
    }

    /**
     * A function name as a breakpoint request gives it, matched as gdb's wild matching does
     * ({@code symbol_name_match_type::WILD}): the name may leave out leading scopes, template
     * arguments (then every instance matches) and the parameter list (then every overload); a
     * leading {@code ::} asks for the whole name. Compared without whitespace.
     */
    record FunctionName(String qualified, String simple, String parameters, boolean whole) {
        static FunctionName parse(String text) {
            String s = text.strip().replace(" ", "");
            boolean whole = s.startsWith("::");
            if (whole) {
                s = s.substring(2);
            }
            String parameters = null;
            if (s.endsWith(")") && !s.endsWith("operator()")) {
                String list = Demangler.parameterList(s);
                if (list != null) {
                    parameters = list;
                    s = s.substring(0, s.length() - list.length());
                }
            }
            return new FunctionName(s, simpleName(s), parameters, whole);
        }

        /** Does a function named {@code shown} (as a stack shows it; {@code demangled}: with its parameters, null for C) match? */
        boolean matches(String shown, String demangled) {
            if (shown == null) {
                return false;
            }
            String name = shown.replace(" ", "");
            if (qualified.indexOf('<') < 0) {
                name = withoutTemplateArguments(name);
            }
            boolean named = name.equals(qualified) || !whole && name.endsWith("::" + qualified);
            if (!named || parameters == null) {
                return named;
            }
            String list = demangled == null ? null : Demangler.parameterList(demangled);
            return list != null && list.replace(" ", "").equals(parameters);
        }

        /** Does the ELF symbol {@code symbol} (mangled or not) match? Only a name that can match is demangled. */
        boolean matchesSymbol(String symbol) {
            if (!symbol.startsWith("_Z")) {
                return parameters == null && matches(symbol, null);
            }
            if (!symbol.contains(simple.length() + simple)) {
                return false; // an Itanium name spells each of its parts as <length><name>
            }
            String demangled = Demangler.demangle(symbol);
            return matches(Demangler.functionName(symbol), demangled);
        }

        private static String withoutTemplateArguments(String name) {
            StringBuilder b = new StringBuilder();
            int depth = 0;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean operator = i >= 8 && name.startsWith("operator", i - 8);
                if (c == '<' && !operator) {
                    depth++;
                } else if (c == '>' && depth > 0) {
                    depth--;
                } else if (depth == 0) {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
