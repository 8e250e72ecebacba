package org.ptracedap.debugger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.ptracedap.debuginfo.DwarfExpr;
import org.ptracedap.debuginfo.FrameVariables;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;

/**
 * What an expression can name in one frame of a stopped thread ({@link Scope}): the frame's
 * locals (innermost block first) and arguments as {@link Value}s, then the globals and statics C
 * finds from its compilation unit, its registers by gdb's names ({@code rip}, {@code pc},
 * {@code sp}, {@code eax}, {@code al}…), the program's types, its memory. A variable's DWARF
 * location becomes a value's location here: a register's bytes from the frame (xmm registers
 * from the thread's XSAVE area, the innermost frame only), computed values as bytes, pieces
 * assembled, an implicit pointer to the value it points at.
 *
 * <p>Threads: built and used on the symbols thread (its lookups read DWARF there).
 */
public final class FrameScope implements Scope {
    /** What the scope asks the debug info for, on the symbols thread. */
    public interface Lookups {
        /** A variable's type (void when it has none). */
        CType typeOf(FrameVariables.Variable v);

        /** The global or static {@code name} seen from the frame, or null. */
        FrameVariables.Variable global(String name);

        /** The target of an implicit pointer, or null. */
        FrameVariables.Variable implicitTarget(DwarfExpr.ImplicitPointer p, FrameVariables.Variable from);

        /** A type by name, as a cast writes it. */
        Optional<CType> type(String name);

        /** The globals and file statics of the frame's compilation unit. */
        List<FrameVariables.Variable> unitVariables();
    }

    private final List<Value> locals;
    private final List<Value> arguments;
    private final FrameVariables.Machine machine;
    private final Function<Integer, byte[]> vectorRegister;
    private final Memory memory;
    private final Lookups lookups;

    /**
     * @param vectorRegister xmm{@code n}'s 16 bytes for DWARF register 17 + n (null when the frame
     *                       does not know it: a caller's, or no XSAVE area)
     */
    public FrameScope(FrameVariables.Frame frame, FrameVariables.Machine machine, Function<Integer, byte[]> vectorRegister,
                      Memory memory, Lookups lookups) {
        this.machine = machine;
        this.vectorRegister = vectorRegister;
        this.memory = memory;
        this.lookups = lookups;
        List<Value> l = new ArrayList<>();
        frame.locals().forEach(v -> l.add(value(v, 0)));
        List<Value> a = new ArrayList<>();
        frame.arguments().forEach(v -> a.add(value(v, 0)));
        this.locals = List.copyOf(l);
        this.arguments = List.copyOf(a);
    }

    /** The frame's locals, innermost block first (as gdb's {@code info locals}). */
    public List<Value> locals() {
        return locals;
    }

    private List<Value> globals;

    /** The globals and file statics of the frame's compilation unit, in declaration order (read when first asked for). */
    public List<Value> globals() {
        if (globals == null) {
            List<Value> g = new ArrayList<>();
            lookups.unitVariables().forEach(v -> g.add(value(v, 0)));
            globals = List.copyOf(g);
        }
        return globals;
    }

    /** The frame's arguments, in declaration order. */
    public List<Value> arguments() {
        return arguments;
    }

    @Override
    public Optional<Value> variable(String name) {
        for (Value v : locals) {
            if (name.equals(v.name())) {
                return Optional.of(v);
            }
        }
        for (Value v : arguments) {
            if (name.equals(v.name())) {
                return Optional.of(v);
            }
        }
        FrameVariables.Variable g = lookups.global(name);
        return g == null ? Optional.empty() : Optional.of(value(g, 0));
    }

    /** DWARF register numbers of gdb's 64-bit register names. */
    private static final Map<String, Integer> REGISTERS = Map.ofEntries(
            Map.entry("rax", 0), Map.entry("rdx", 1), Map.entry("rcx", 2), Map.entry("rbx", 3), Map.entry("rsi", 4),
            Map.entry("rdi", 5), Map.entry("rbp", 6), Map.entry("rsp", 7), Map.entry("r8", 8), Map.entry("r9", 9),
            Map.entry("r10", 10), Map.entry("r11", 11), Map.entry("r12", 12), Map.entry("r13", 13), Map.entry("r14", 14),
            Map.entry("r15", 15), Map.entry("rip", 16), Map.entry("pc", 16), Map.entry("sp", 7), Map.entry("fp", 6));
    /** The 32-bit names (eax…r15d), their register and width. */
    private static final String[] LEGACY = {"ax", "dx", "cx", "bx", "si", "di", "bp", "sp"};

    @Override
    public OptionalLong register(String name) {
        return register(name, machine);
    }

    /** Register {@code name} by gdb's names (rax, eax, ax, al, r8d…, rip, pc, sp, fp) of the frame {@code machine} reads. */
    static OptionalLong register(String name, FrameVariables.Machine machine) {
        Integer full = REGISTERS.get(name);
        if (full != null) {
            return machine.register(full);
        }
        for (int r = 0; r < LEGACY.length; r++) {
            String base = LEGACY[r];
            if (name.equals("e" + base)) {
                return low(machine, r, 32);
            }
            if (name.equals(base)) {
                return low(machine, r, 16);
            }
            if (r < 4 && name.equals(base.charAt(0) + "l")) {
                return low(machine, r, 8);
            }
        }
        for (int r = 8; r <= 15; r++) {
            if (name.equals("r" + r + "d")) {
                return low(machine, r, 32);
            }
            if (name.equals("r" + r + "w")) {
                return low(machine, r, 16);
            }
            if (name.equals("r" + r + "l")) {
                return low(machine, r, 8);
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong low(FrameVariables.Machine machine, int reg, int bits) {
        OptionalLong v = machine.register(reg);
        return v.isEmpty() ? v : OptionalLong.of(v.getAsLong() & ((1L << bits) - 1));
    }

    @Override
    public Optional<CType> type(String name) {
        return lookups.type(name);
    }

    @Override
    public List<String> names() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        locals.forEach(v -> names.add(v.name()));
        arguments.forEach(v -> names.add(v.name()));
        return List.copyOf(names);
    }

    @Override
    public Memory memory() {
        return memory;
    }

    /** A DWARF variable as a value: its type, and its location as the values read it. */
    private Value value(FrameVariables.Variable v, int depth) {
        return value(v, depth, machine, vectorRegister, memory, lookups);
    }

    /**
     * {@code v} as a value, its location read through {@code machine} (registers), {@code vectorRegister}
     * (xmm; null: not known), {@code memory}, and {@code lookups} (its type, an implicit pointer's target).
     */
    static Value value(FrameVariables.Variable v, int depth, FrameVariables.Machine machine,
                       Function<Integer, byte[]> vectorRegister, Memory memory, Lookups lookups) {
        return new Value(v.name(), lookups.typeOf(v), location(v.where(), v, depth, machine, vectorRegister, memory, lookups),
                memory);
    }

    private static Location location(DwarfExpr.Result where, FrameVariables.Variable v, int depth, FrameVariables.Machine machine,
                                     Function<Integer, byte[]> vectorRegister, Memory memory, Lookups lookups) {
        if (where instanceof DwarfExpr.InMemory m) {
            return new Location.InMemory(m.address());
        }
        if (where instanceof DwarfExpr.InRegister r) {
            if (r.reg() >= 17 && r.reg() <= 32) {
                byte[] xmm = vectorRegister == null ? null : vectorRegister.apply(r.reg() - 17);
                return xmm == null ? new Location.OptimizedOut() : new Location.InRegister(r.reg(), xmm);
            }
            OptionalLong value = machine.register(r.reg());
            return value.isEmpty() ? new Location.OptimizedOut() : new Location.InRegister(r.reg(), bytes(value.getAsLong()));
        }
        if (where instanceof DwarfExpr.Computed c) {
            return new Location.Computed(bytes(c.value()));
        }
        if (where instanceof DwarfExpr.Bytes b) {
            return new Location.Computed(b.bytes());
        }
        if (where instanceof DwarfExpr.Pieces p) {
            List<Location.Piece> pieces = new ArrayList<>();
            for (DwarfExpr.Piece piece : p.pieces()) {
                pieces.add(new Location.Piece(location(piece.where(), v, depth, machine, vectorRegister, memory, lookups),
                        piece.bitSize(), piece.bitOffset()));
            }
            return new Location.Pieces(List.copyOf(pieces));
        }
        if (where instanceof DwarfExpr.ImplicitPointer ip && depth < 8) {
            FrameVariables.Variable target = lookups.implicitTarget(ip, v);
            return target == null ? new Location.OptimizedOut()
                    : new Location.ImplicitPointer(value(target, depth + 1, machine, vectorRegister, memory, lookups), ip.offset());
        }
        return new Location.OptimizedOut();
    }

    private static byte[] bytes(long value) {
        byte[] b = new byte[8];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (value >>> (8 * k));
        }
        return b;
    }
}
