package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The arguments and local variables of one frame as gdb's {@code info args} and
 * {@code info locals} list them, each with where its value is at the frame's pc: the scopes
 * around the pc ({@code dwarf_getscopes}), split at inlined calls into the logical frames a stack
 * shows, the function's parameters, the variables of every block from the innermost out, the
 * ones an inlined or out-of-line copy left out shown optimized out (as gdb inherits them from the
 * abstract instance), locations from location lists at the pc, {@code DW_AT_const_value}s, and
 * parameters' entry values from the caller's call site.
 *
 * <p>Threads: the symbols thread (libdw handles of its {@link Symbols}).
 */
public final class FrameVariables {
    private FrameVariables() {}

    /** What a frame's locations read: its registers, CFA and memory, and the caller's registers at the call. */
    public interface Machine {
        /** DWARF register {@code reg} of this frame, if known (a caller's caller-saved registers are not). */
        OptionalLong register(int reg);

        /** This frame's CFA. */
        OptionalLong cfa();

        /** {@code size} bytes at {@code address} as a little-endian number, if readable. */
        OptionalLong read(long address, int size);

        /** The caller's frame (for entry values), or null for the outermost one. */
        Machine caller();

        /** The address this frame returns to in its caller (its call site's return pc), or -1. */
        long returnAddress();
    }

    /**
     * One variable: its name, whether it is a parameter, its type's DIE (a copy, null for
     * {@code void}/unknown), where it is, and the libdw handle ({@code dwarf}) of its module
     * (loaded with {@code bias}), where its type and its implicit pointers' targets are found.
     */
    public record Variable(String name, boolean parameter, Pointer typeDie, DwarfExpr.Result where, Pointer dwarf, long bias) {}

    /**
     * The variables of a frame: arguments in declaration order, locals from the innermost block
     * out; {@code cu} (a copy of its compilation unit's DIE, null without DWARF) and the module's
     * {@code bias}, for what is looked up later (globals, types, implicit pointers' targets).
     */
    public record Frame(List<Variable> arguments, List<Variable> locals, Pointer cu, long bias) {
        public static Frame none() {
            return new Frame(List.of(), List.of(), null, 0);
        }
    }

    /**
     * The variables of logical frame {@code inlineDepth} (0: the innermost inlined call, as the
     * stack's frames are numbered within one machine frame) at lookup pc {@code pc} of {@code cu}
     * (a CU of a module loaded with {@code bias}), read through {@code machine}.
     */
    static Frame of(Pointer dwfl, Pointer cu, long bias, long pc, int inlineDepth, Machine machine) {
        Chain c = chain(cu, bias, pc, inlineDepth);
        if (c == null) {
            return Frame.none();
        }
        Evaluation ev = new Evaluation(dwfl, machine, bias, pc - bias);
        OptionalLong frameBase = c.subprogram == null ? OptionalLong.empty() : ev.frameBase(c.subprogram);
        List<Variable> arguments = new ArrayList<>();
        List<Variable> locals = new ArrayList<>();
        Maker<Variable> make = new Maker<>() {
            @Override
            public Variable variable(Pointer die, boolean parameter) {
                return FrameVariables.variable(die, parameter, ev, frameBase);
            }

            @Override
            public Variable gone(String name, boolean parameter, Pointer die) {
                return new Variable(name, parameter, typeOf(die), new DwarfExpr.OptimizedOut(), dwarfOf(die), bias);
            }
        };
        for (int i = c.from; i <= c.function; i++) {
            collect(c.scopes.get(i), i == c.function, arguments, locals, make);
        }
        return new Frame(List.copyOf(arguments), List.copyOf(locals), copyOf(cu), bias);
    }

    /**
     * The plan of logical frame 0 (the innermost inlined call) at {@code pc}, a frame's own pc
     * (a breakpoint's address): what {@link #of} would read there, with the locations not yet
     * evaluated ({@link FramePlan}); {@code cfa} the CFA's expression at the pc (null if unknown).
     */
    static FramePlan plan(Pointer cu, long bias, long pc, List<DwarfExpr.Op> cfa) {
        Chain c = chain(cu, bias, pc, 0);
        if (c == null) {
            return new FramePlan(List.of(), List.of(), null, cfa, bias, copyOf(cu));
        }
        Evaluation ev = new Evaluation(null, NO_FRAME, bias, pc - bias);
        List<DwarfExpr.Op> frameBase = null;
        if (c.subprogram != null) {
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            if (LibDw.dwarf_attr(c.subprogram, LibDw.DW_AT_frame_base, attr) != null) {
                frameBase = ev.opsAt(attr);
            }
        }
        List<FramePlan.Planned> arguments = new ArrayList<>();
        List<FramePlan.Planned> locals = new ArrayList<>();
        Maker<FramePlan.Planned> make = new Maker<>() {
            @Override
            public FramePlan.Planned variable(Pointer die, boolean parameter) {
                String name = Symbols.attributeString(die, LibDw.DW_AT_name);
                if (name == null) {
                    return null;
                }
                Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
                if (LibDw.dwarf_attr(die, LibDw.DW_AT_const_value, attr) != null) {
                    return new FramePlan.Planned(name, parameter, typeOf(die), dwarfOf(die), constValue(attr), null, Map.of());
                }
                List<DwarfExpr.Op> ops = LibDw.dwarf_attr(die, LibDw.DW_AT_location, attr) != null ? ev.opsAt(attr) : null;
                if (ops == null) {
                    return new FramePlan.Planned(name, parameter, typeOf(die), dwarfOf(die), new DwarfExpr.OptimizedOut(), null,
                            Map.of());
                }
                Map<DwarfExpr.Op, byte[]> implicit = new IdentityHashMap<>();
                for (DwarfExpr.Op op : ops) {
                    if (op.atom() == 0x9e) { // implicit_value: its bytes, read now
                        implicit.put(op, ev.implicitValue(op));
                    }
                }
                return new FramePlan.Planned(name, parameter, typeOf(die), dwarfOf(die), null, List.copyOf(ops), implicit);
            }

            @Override
            public FramePlan.Planned gone(String name, boolean parameter, Pointer die) {
                return new FramePlan.Planned(name, parameter, typeOf(die), dwarfOf(die), new DwarfExpr.OptimizedOut(), null, Map.of());
            }
        };
        for (int i = c.from; i <= c.function; i++) {
            collect(c.scopes.get(i), i == c.function, arguments, locals, make);
        }
        return new FramePlan(List.copyOf(arguments), List.copyOf(locals), frameBase, cfa, bias, copyOf(cu));
    }

    /** The scopes of logical frame {@code inlineDepth} at {@code pc}: {@code scopes[from..function]}, and its machine frame's subprogram. */
    private record Chain(List<Pointer> scopes, int from, int function, Pointer subprogram) {}

    private static Chain chain(Pointer cu, long bias, long pc, int inlineDepth) {
        List<Pointer> chain = physicalScopes(cu, pc - bias);
        // the logical frames: each ends with a subprogram or an inlined subroutine
        int from = 0;
        int depth = 0;
        int function = -1;
        for (int i = 0; i < chain.size(); i++) {
            int tag = LibDw.dwarf_tag(chain.get(i));
            if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine) {
                if (depth == inlineDepth) {
                    function = i;
                    break;
                }
                depth++;
                from = i + 1;
            }
        }
        if (function < 0) {
            return null;
        }
        // fbreg in inlined code is the enclosing subprogram's frame base
        Pointer subprogram = null;
        for (int i = function; i < chain.size() && subprogram == null; i++) {
            if (LibDw.dwarf_tag(chain.get(i)) == LibDw.DW_TAG_subprogram) {
                subprogram = chain.get(i);
            }
        }
        return new Chain(chain, from, function, subprogram);
    }

    private static Pointer copyOf(Pointer die) {
        Memory copy = new Memory(LibDw.DWARF_DIE_SIZE);
        copy.write(0, die.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
        return copy;
    }

    /**
     * The global or file-static variable {@code name} as C finds it from a frame of compilation
     * unit {@code cu}: the unit's own top-level variables first (a {@code static} there hides a
     * global of another file), then the module's external definitions. Its location is an
     * address ({@code DW_OP_addr}) or a constant, so it needs no frame. Null if none is named so.
     */
    static Variable global(Pointer module, Pointer cu, long bias, String name) {
        Variable found = topLevel(cu, bias, name, false);
        LongByReference b = new LongByReference();
        for (Pointer other = LibDw.dwfl_module_nextcu(module, null, b); found == null && other != null;
             other = LibDw.dwfl_module_nextcu(module, other, b)) {
            if (LibDw.dwarf_dieoffset(other) != LibDw.dwarf_dieoffset(cu)) {
                found = topLevel(other, b.getValue(), name, true);
            }
        }
        return found;
    }

    /** The variables defined at the top of compilation unit {@code cu} (its globals and file statics), in declaration order. */
    static List<Variable> unitVariables(Pointer cu, long bias) {
        List<Variable> out = new ArrayList<>();
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        if (LibDw.dwarf_child(cu, child) != 0) {
            return out;
        }
        Evaluation ev = new Evaluation(null, NO_FRAME, bias, 0);
        do {
            if (LibDw.dwarf_tag(child) == LibDw.DW_TAG_variable && LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr) != null) {
                String name = Symbols.attributeString(child, LibDw.DW_AT_name);
                if (name != null) {
                    out.add(new Variable(name, false, typeOf(child), ev.location(attr, OptionalLong.empty()), dwarfOf(child), bias));
                }
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return out;
    }

    private static Variable topLevel(Pointer cu, long bias, String name, boolean externalOnly) {
        if (name.contains("::")) {
            return qualified(cu, cu, bias, name.split("::"), 0);
        }
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        if (LibDw.dwarf_child(cu, child) != 0) {
            return null;
        }
        do {
            if (LibDw.dwarf_tag(child) == LibDw.DW_TAG_variable && name.equals(Symbols.attributeString(child, LibDw.DW_AT_name))
                    && LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr) != null
                    && (!externalOnly || LibDw.dwarf_hasattr(child, 0x3f /* DW_AT_external */) == 1
                        || hasExternalSpecification(child))) {
                Evaluation ev = new Evaluation(null, NO_FRAME, bias, 0);
                return new Variable(name, false, typeOf(child), ev.location(attr, OptionalLong.empty()), dwarfOf(child), bias);
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return null;
    }

    /**
     * C++'s {@code ns::inner::name} in compilation unit {@code cu}: down the namespaces (and classes, for a static member) of
     * {@code scope} to the variable; one declared there and defined at the unit's top (its
     * {@code DW_AT_specification} pointing back) is found through its definition.
     */
    private static Variable qualified(Pointer cu, Pointer scope, long bias, String[] parts, int at) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        if (LibDw.dwarf_child(scope, child) != 0) {
            return null;
        }
        boolean last = at == parts.length - 1;
        do {
            int tag = LibDw.dwarf_tag(child);
            if (!parts[at].equals(Symbols.attributeString(child, LibDw.DW_AT_name))) {
                continue;
            }
            // a namespace, or a class whose static member it is (DW_TAG_class_type, structure_type, union_type)
            if (!last && (tag == 0x39 || tag == 0x02 || tag == 0x13 || tag == 0x17)) {
                Variable v = qualified(cu, child, bias, parts, at + 1);
                if (v != null) {
                    return v;
                }
            } else if (last && (tag == LibDw.DW_TAG_variable || tag == 0x0d /* DW_TAG_member: DWARF 4's static member */)) {
                if (LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr) != null) {
                    Evaluation ev = new Evaluation(null, NO_FRAME, bias, 0);
                    return new Variable(String.join("::", parts), false, typeOf(child), ev.location(attr, OptionalLong.empty()),
                            dwarfOf(child), bias);
                }
                Variable defined = definitionOf(cu, LibDw.dwarf_dieoffset(child), bias, String.join("::", parts));
                if (defined != null) {
                    return defined;
                }
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return null;
    }

    /** The top-level definition whose DW_AT_specification is the declaration at {@code declaration}, or null. */
    private static Variable definitionOf(Pointer cu, long declaration, long bias, String name) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Memory spec = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_child(cu, child) != 0) {
            return null;
        }
        do {
            Pointer a = LibDw.dwarf_attr(child, 0x47 /* DW_AT_specification */, attr);
            if (LibDw.dwarf_tag(child) == LibDw.DW_TAG_variable && a != null && LibDw.dwarf_formref_die(a, spec) != null
                    && LibDw.dwarf_dieoffset(spec) == declaration && LibDw.dwarf_attr(child, LibDw.DW_AT_location, attr) != null) {
                Evaluation ev = new Evaluation(null, NO_FRAME, bias, 0);
                return new Variable(name, false, typeOf(child), ev.location(attr, OptionalLong.empty()), dwarfOf(child), bias);
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return null;
    }

    /** A definition whose declaration (DW_AT_specification) says it is external. */
    private static boolean hasExternalSpecification(Pointer die) {
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Memory spec = new Memory(LibDw.DWARF_DIE_SIZE);
        Pointer a = LibDw.dwarf_attr(die, 0x47 /* DW_AT_specification */, attr);
        return a != null && LibDw.dwarf_formref_die(a, spec) != null && LibDw.dwarf_hasattr(spec, 0x3f) == 1;
    }

    /** No frame: a global's location reads no register and no memory. */
    private static final Machine NO_FRAME = new Machine() {
        @Override public OptionalLong register(int reg) { return OptionalLong.empty(); }
        @Override public OptionalLong cfa() { return OptionalLong.empty(); }
        @Override public OptionalLong read(long address, int size) { return OptionalLong.empty(); }
        @Override public Machine caller() { return null; }
        @Override public long returnAddress() { return -1; }
    };

    /**
     * The variable (or value) of DIE offset {@code dieOffset} in {@code dwarf} — the target of an
     * implicit pointer — where it is at lookup pc {@code pc} of a frame read through
     * {@code machine}; null if there is none.
     */
    static Variable atOffset(Pointer dwfl, Pointer dwarf, long dieOffset, long bias, long pc, Machine machine) {
        Memory die = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_offdie(dwarf, dieOffset, die) == null) {
            return null;
        }
        String name = Symbols.attributeString(die, LibDw.DW_AT_name);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Evaluation ev = new Evaluation(dwfl, machine, bias, pc - bias);
        DwarfExpr.Result where = LibDw.dwarf_attr(die, LibDw.DW_AT_const_value, attr) != null ? constValue(attr)
                : LibDw.dwarf_attr(die, LibDw.DW_AT_location, attr) != null ? ev.location(attr, OptionalLong.empty())
                : new DwarfExpr.OptimizedOut();
        return new Variable(name == null ? "" : name, false, typeOf(die), where, dwarf, bias);
    }

    /**
     * The scopes around {@code pc} (CU-relative) as they nest in the machine code: the blocks and
     * the innermost function ({@code dwarf_getscopes}, which past an inlined subroutine goes on
     * into its abstract definition), then, for each inlined call, the scopes of its caller that
     * hold it ({@code dwarf_getscopes_die}), out to the machine frame's subprogram. Copies.
     */
    private static List<Pointer> physicalScopes(Pointer cu, long pc) {
        List<Pointer> chain = new ArrayList<>();
        PointerByReference scopesRef = new PointerByReference();
        int n = LibDw.dwarf_getscopes(cu, pc, scopesRef);
        if (n <= 0) {
            return chain;
        }
        Pointer function = upToFunction(scopesRef.getValue(), n, 0, chain);
        while (function != null && LibDw.dwarf_tag(function) == LibDw.DW_TAG_inlined_subroutine) {
            n = LibDw.dwarf_getscopes_die(function, scopesRef);
            if (n <= 1) {
                break;
            }
            function = upToFunction(scopesRef.getValue(), n, 1, chain); // [0] is the inlined subroutine itself
        }
        return chain;
    }

    /** Copies {@code scopes[first..]} into {@code chain} up to the first function DIE (returned; null if none), and frees the array. */
    private static Pointer upToFunction(Pointer scopes, int n, int first, List<Pointer> chain) {
        try {
            for (int i = first; i < n; i++) {
                Memory copy = new Memory(LibDw.DWARF_DIE_SIZE);
                copy.write(0, die(scopes, i).getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
                chain.add(copy);
                int tag = LibDw.dwarf_tag(copy);
                if (tag == LibDw.DW_TAG_subprogram || tag == LibDw.DW_TAG_inlined_subroutine) {
                    return copy;
                }
            }
            return null;
        } finally {
            Native.free(Pointer.nativeValue(scopes));
        }
    }

    private static Pointer die(Pointer array, int i) {
        return array.share((long) i * LibDw.DWARF_DIE_SIZE);
    }

    /** What {@link #collect} makes of a variable's DIE: a variable, or (null) nothing to show. */
    private interface Maker<T> {
        T variable(Pointer die, boolean parameter);

        /** One of the abstract instance's that this copy left out: optimized out here. */
        T gone(String name, boolean parameter, Pointer die);
    }

    /** The parameters (of a function scope) and variables of one scope, with those its abstract instance has and it left out. */
    private static <T> void collect(Pointer scope, boolean isFunction, List<T> arguments, List<T> locals, Maker<T> make) {
        Set<Long> concreteOrigins = new HashSet<>();
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        if (LibDw.dwarf_child(scope, child) == 0) {
            do {
                int tag = LibDw.dwarf_tag(child);
                boolean parameter = tag == LibDw.DW_TAG_formal_parameter;
                if ((parameter && isFunction) || tag == LibDw.DW_TAG_variable) {
                    Pointer origin = LibDw.dwarf_attr(child, LibDw.DW_AT_abstract_origin, attr);
                    Memory originDie = new Memory(LibDw.DWARF_DIE_SIZE);
                    if (origin != null && LibDw.dwarf_formref_die(origin, originDie) != null) {
                        concreteOrigins.add(LibDw.dwarf_dieoffset(originDie));
                    }
                    T v = make.variable(child, parameter);
                    if (v != null) {
                        (parameter ? arguments : locals).add(v);
                    }
                }
            } while (LibDw.dwarf_siblingof(child, child) == 0);
        }
        // the abstract instance's variables this copy has no DIE for: gone here (gdb: <optimized out>)
        Pointer originAttr = LibDw.dwarf_attr(scope, LibDw.DW_AT_abstract_origin, attr);
        Memory abstractScope = new Memory(LibDw.DWARF_DIE_SIZE);
        if (originAttr != null && LibDw.dwarf_formref_die(originAttr, abstractScope) != null
                && LibDw.dwarf_child(abstractScope, child) == 0) {
            do {
                int tag = LibDw.dwarf_tag(child);
                boolean parameter = tag == LibDw.DW_TAG_formal_parameter;
                if (((parameter && isFunction) || tag == LibDw.DW_TAG_variable)
                        && !concreteOrigins.contains(LibDw.dwarf_dieoffset(child))) {
                    String name = Symbols.attributeString(child, LibDw.DW_AT_name);
                    if (name != null) {
                        (parameter ? arguments : locals).add(make.gone(name, parameter, child));
                    }
                }
            } while (LibDw.dwarf_siblingof(child, child) == 0);
        }
    }

    private static Variable variable(Pointer die, boolean parameter, Evaluation ev, OptionalLong frameBase) {
        String name = Symbols.attributeString(die, LibDw.DW_AT_name);
        if (name == null) {
            return null; // an unnamed parameter (C++ `int`) or a compiler temporary
        }
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        DwarfExpr.Result where;
        if (LibDw.dwarf_attr(die, LibDw.DW_AT_const_value, attr) != null) {
            where = constValue(attr);
        } else if (LibDw.dwarf_attr(die, LibDw.DW_AT_location, attr) != null) {
            where = ev.location(attr, frameBase);
        } else {
            where = new DwarfExpr.OptimizedOut();
        }
        return new Variable(name, parameter, typeOf(die), where, dwarfOf(die), ev.bias);
    }

    /** A copy of the DIE of {@code die}'s type (through its abstract origin), or null for void. */
    static Pointer typeOf(Pointer die) {
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        Pointer a = LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_type, attr);
        Memory type = new Memory(LibDw.DWARF_DIE_SIZE);
        return a != null && LibDw.dwarf_formref_die(a, type) != null ? type : null;
    }

    /** The libdw handle of the file a DIE is in (a {@code Dwarf_Die} holds its CU at offset 8). */
    private static Pointer dwarfOf(Pointer die) {
        return LibDw.dwarf_cu_getdwarf(die.getPointer(8));
    }

    private static DwarfExpr.Result constValue(Pointer attr) {
        Memory block = new Memory(16); // Dwarf_Block: length, data
        if (LibDw.dwarf_formblock(attr, block) == 0) {
            long length = block.getLong(0);
            Pointer data = block.getPointer(8);
            return new DwarfExpr.Bytes(length > 0 && data != null ? data.getByteArray(0, (int) Math.min(length, 1 << 20)) : new byte[0]);
        }
        // DW_FORM_dataN: N bytes, whatever the type's sign (gdb masks them to the form's size:
        // an unsigned long 0xff00ff0f comes as data4 and is not sign-extended); sdata/udata: the number
        LongByReference v = new LongByReference();
        int form = LibDw.dwarf_whatform(attr);
        int bytes = form == 0x0b ? 1 : form == 0x05 ? 2 : form == 0x06 ? 4 : form == 0x07 ? 8 : 0;
        if (bytes > 0 && LibDw.dwarf_formudata(attr, v) == 0) {
            byte[] b = new byte[bytes];
            for (int k = 0; k < bytes; k++) {
                b[k] = (byte) (v.getValue() >>> (8 * k));
            }
            return new DwarfExpr.Bytes(b);
        }
        if ((form == 0x0d && LibDw.dwarf_formsdata(attr, v) == 0) || LibDw.dwarf_formudata(attr, v) == 0) {
            return new DwarfExpr.Computed(v.getValue());
        }
        return new DwarfExpr.OptimizedOut();
    }

    /** One frame's evaluation: decodes libdw's ops and answers the sub-expressions of the ones that have them. */
    private static final class Evaluation implements DwarfExpr.Frame {
        private final Pointer dwfl;
        private final Machine machine;
        private final long bias;
        private final long pc;
        /** Each decoded op's native {@code Dwarf_Op} and the attribute it came from (for its sub-expressions). */
        private final Map<DwarfExpr.Op, Pointer[]> natives = new IdentityHashMap<>();

        Evaluation(Pointer dwfl, Machine machine, long bias, long pc) {
            this.dwfl = dwfl;
            this.machine = machine;
            this.bias = bias;
            this.pc = pc;
        }

        OptionalLong frameBase(Pointer subprogram) {
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            if (LibDw.dwarf_attr(subprogram, LibDw.DW_AT_frame_base, attr) == null) {
                return OptionalLong.empty();
            }
            List<DwarfExpr.Op> ops = opsAt(attr);
            return ops == null ? OptionalLong.empty() : DwarfExpr.number(ops, this, bias, OptionalLong.empty());
        }

        DwarfExpr.Result location(Pointer attr, OptionalLong frameBase) {
            List<DwarfExpr.Op> ops = opsAt(attr);
            return ops == null ? new DwarfExpr.OptimizedOut() : DwarfExpr.evaluate(ops, this, bias, frameBase);
        }

        /** The expression valid at the pc (a location list's entry, or the one expression), null if none. */
        private List<DwarfExpr.Op> opsAt(Pointer attr) {
            Memory exprs = new Memory(Native.POINTER_SIZE);
            Memory lengths = new Memory(8);
            if (LibDw.dwarf_getlocation_addr(attr, pc, exprs, lengths, 1) != 1) {
                return null;
            }
            // the attribute is a temporary of the caller's: keep a copy for the ops' sub-expressions
            Memory keep = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            keep.write(0, attr.getByteArray(0, LibDw.DWARF_ATTRIBUTE_SIZE), 0, LibDw.DWARF_ATTRIBUTE_SIZE);
            return decode(keep, exprs.getPointer(0), lengths.getLong(0));
        }

        private List<DwarfExpr.Op> decode(Pointer attr, Pointer ops, long count) {
            List<DwarfExpr.Op> out = new ArrayList<>();
            for (long k = 0; k < count; k++) {
                Pointer op = ops.share(k * OP_SIZE);
                DwarfExpr.Op o = new DwarfExpr.Op(op.getByte(0) & 0xff, op.getLong(8), op.getLong(16), op.getLong(24));
                natives.put(o, new Pointer[] {op, attr});
                out.add(o);
            }
            return out;
        }

        /** sizeof(Dwarf_Op): atom (1, padded to 8), number, number2, offset. */
        private static final int OP_SIZE = 32;

        @Override
        public OptionalLong register(int reg) {
            return machine.register(reg);
        }

        @Override
        public OptionalLong cfa() {
            return machine.cfa();
        }

        @Override
        public OptionalLong read(long address, int size) {
            return machine.read(address, size);
        }

        @Override
        public List<DwarfExpr.Op> subExpression(DwarfExpr.Op op) {
            Pointer[] n = natives.get(op);
            Memory result = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            PointerByReference expr = new PointerByReference();
            LongByReference length = new LongByReference();
            if (n == null || LibDw.dwarf_getlocation_attr(n[1], n[0], result) != 0
                    || LibDw.dwarf_getlocation(result, expr, length) != 0) {
                return List.of();
            }
            return decode(result, expr.getValue(), length.getValue());
        }

        @Override
        public byte[] implicitValue(DwarfExpr.Op op) {
            Pointer[] n = natives.get(op);
            Memory block = new Memory(16);
            if (n == null || LibDw.dwarf_getlocation_implicit_value(n[1], n[0], block) != 0) {
                return new byte[0];
            }
            long length = block.getLong(0);
            return length <= 0 ? new byte[0] : block.getPointer(8).getByteArray(0, (int) Math.min(length, 1 << 20));
        }

        /**
         * {@code DW_OP_entry_value(DW_OP_regN)}: what the caller passed in register N — the
         * {@code DW_AT_call_value} of its call site's parameter for that register, evaluated in the
         * caller's frame (gdb's way). Other sub-expressions are not known here.
         */
        @Override
        public OptionalLong entryValue(List<DwarfExpr.Op> ops) {
            if (ops.size() != 1) {
                return OptionalLong.empty();
            }
            int atom = ops.get(0).atom();
            int reg = atom >= 0x50 && atom <= 0x6f ? atom - 0x50 : atom == 0x90 ? (int) ops.get(0).number() : -1;
            Machine caller = machine.caller();
            if (reg < 0 || caller == null || machine.returnAddress() < 0) {
                return OptionalLong.empty();
            }
            return parameterValue(dwfl, machine.returnAddress(), reg, caller);
        }
    }

    /**
     * The value the call returning to {@code returnAddress} passed in register {@code reg}: its
     * call site's {@code DW_TAG_call_site_parameter} for that register, its {@code DW_AT_call_value}
     * evaluated in the caller's frame (which may itself need the caller's entry values).
     */
    static OptionalLong parameterValue(Pointer dwfl, long returnAddress, int reg, Machine caller) {
        long at = returnAddress - 1;
        Pointer module = LibDw.dwfl_addrmodule(dwfl, at);
        if (module == null) {
            return OptionalLong.empty();
        }
        LongByReference biasRef = new LongByReference();
        Pointer cu = LibDw.dwfl_module_addrdie(module, at, biasRef);
        long bias = biasRef.getValue();
        if (cu == null || LibDw.dwarf_haspc(cu, at - bias) != 1) {
            return OptionalLong.empty();
        }
        // the machine frame's subprogram: its call sites are under it (also those in code inlined into it)
        Pointer subprogram = null;
        for (Pointer scope : physicalScopes(cu, at - bias)) {
            if (LibDw.dwarf_tag(scope) == LibDw.DW_TAG_subprogram) {
                subprogram = scope;
            }
        }
        if (subprogram == null) {
            return OptionalLong.empty();
        }
        {
            Memory site = new Memory(LibDw.DWARF_DIE_SIZE);
            if (!findCallSite(subprogram, returnAddress - bias, site)) {
                return OptionalLong.empty();
            }
            Memory param = new Memory(LibDw.DWARF_DIE_SIZE);
            Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
            if (LibDw.dwarf_child(site, param) != 0) {
                return OptionalLong.empty();
            }
            Evaluation ev = new Evaluation(dwfl, caller, bias, at - bias);
            do {
                int tag = LibDw.dwarf_tag(param);
                if (tag != LibDw.DW_TAG_call_site_parameter && tag != LibDw.DW_TAG_GNU_call_site_parameter) {
                    continue;
                }
                Pointer loc = LibDw.dwarf_attr(param, LibDw.DW_AT_location, attr);
                PointerByReference expr = new PointerByReference();
                LongByReference length = new LongByReference();
                if (loc == null || LibDw.dwarf_getlocation(loc, expr, length) != 0 || length.getValue() != 1) {
                    continue;
                }
                int atom = expr.getValue().getByte(0) & 0xff;
                int r = atom >= 0x50 && atom <= 0x6f ? atom - 0x50 : atom == 0x90 ? (int) expr.getValue().getLong(8) : -1;
                if (r != reg) {
                    continue;
                }
                Memory valueAttr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
                Pointer value = LibDw.dwarf_attr(param, LibDw.DW_AT_call_value, valueAttr);
                if (value == null) {
                    value = LibDw.dwarf_attr(param, LibDw.DW_AT_GNU_call_site_value, valueAttr);
                }
                if (value == null || LibDw.dwarf_getlocation(value, expr, length) != 0) {
                    return OptionalLong.empty();
                }
                List<DwarfExpr.Op> ops = ev.decode(valueAttr, expr.getValue(), length.getValue());
                return DwarfExpr.number(ops, ev, bias, ev.frameBase(subprogram));
            } while (LibDw.dwarf_siblingof(param, param) == 0);
            return OptionalLong.empty();
        }
    }

    /** The call site among {@code scope}'s descendants whose return pc (without bias) is {@code returnPc}, into {@code found}. */
    private static boolean findCallSite(Pointer scope, long returnPc, Memory found) {
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        if (LibDw.dwarf_child(scope, child) != 0) {
            return false;
        }
        Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);
        LongByReference value = new LongByReference();
        do {
            int tag = LibDw.dwarf_tag(child);
            if (tag == LibDw.DW_TAG_call_site || tag == LibDw.DW_TAG_GNU_call_site) {
                boolean gnu = tag == LibDw.DW_TAG_GNU_call_site;
                Pointer ret = LibDw.dwarf_attr(child, gnu ? LibDw.DW_AT_low_pc : LibDw.DW_AT_call_return_pc, attr);
                if (ret != null && LibDw.dwarf_formaddr(ret, value) == 0 && value.getValue() == returnPc) {
                    found.write(0, child.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
                    return true;
                }
            } else if (tag != LibDw.DW_TAG_subprogram && findCallSite(child, returnPc, found)) {
                return true;
            }
        } while (LibDw.dwarf_siblingof(child, child) == 0);
        return false;
    }
}
