package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The variables of the innermost frame at one pc, read from the debug info once so that each
 * time a thread stands there (a breakpoint's hit) they can be found without it: each variable's
 * name and type DIE, its location as the expression valid at that pc — not yet evaluated — and
 * the expressions of the frame base and of the CFA there (from the CFI). {@link #hit} evaluates
 * them for one thread's registers and memory, on any thread (no libdw), one variable at a time
 * as an expression names it, giving what {@link FrameVariables#of} would read for frame 0 there —
 * except where the location needs what only the debug info can say (an entry value from the
 * caller's call site, an implicit pointer's target, a CFA the CFI does not give): that says so.
 *
 * <p>Threads: built on the symbols thread ({@link Symbols#plan}); immutable, used on any.
 */
public final class FramePlan {
    /**
     * One variable: its location either {@code fixed} (a constant, optimized out) or {@code ops}
     * to evaluate, with the bytes of its {@code DW_OP_implicit_value}s read beforehand.
     */
    public record Planned(String name, boolean parameter, Pointer typeDie, Pointer dwarf, DwarfExpr.Result fixed,
                          List<DwarfExpr.Op> ops, Map<DwarfExpr.Op, byte[]> implicitValues) {}

    /** What a thread's frame 0 reads: registers 0–16 in DWARF's numbering, memory by words. */
    public interface Reader {
        /** {@code size} (≤ 8) bytes at {@code address}, little-endian, or empty if unreadable. */
        OptionalLong read(long address, int size);
    }

    private final List<Planned> arguments;
    private final List<Planned> locals;
    private final List<DwarfExpr.Op> frameBase;
    private final List<DwarfExpr.Op> cfa;
    private final long bias;
    private final Pointer cu;

    FramePlan(List<Planned> arguments, List<Planned> locals, List<DwarfExpr.Op> frameBase, List<DwarfExpr.Op> cfa, long bias,
              Pointer cu) {
        this.arguments = arguments;
        this.locals = locals;
        this.frameBase = frameBase;
        this.cfa = cfa;
        this.bias = bias;
        this.cu = cu;
    }

    /** The module's load bias. */
    public long bias() {
        return bias;
    }

    /** Every variable planned (arguments, then locals innermost block first). */
    public List<Planned> variables() {
        List<Planned> all = new ArrayList<>(arguments);
        all.addAll(locals);
        return all;
    }

    /** The names of the variables planned, innermost first (locals from the innermost block out, then arguments). */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        locals.forEach(p -> names.add(p.name));
        arguments.forEach(p -> names.add(p.name));
        return names;
    }

    /**
     * One thread's stop at the plan's pc: its registers ({@code registers}, DWARF's 0–16, read
     * when first needed) and memory; its variables are placed as they are asked for.
     */
    public Hit hit(java.util.function.Supplier<long[]> registers, Reader memory) {
        return new Hit(registers, memory);
    }

    /** One thread's frame 0 at the plan's pc, read as far as it is asked. Used on one thread. */
    public final class Hit {
        private final java.util.function.Supplier<long[]> read;
        private final Reader memory;
        private long[] registers;
        private Frame0 frame;
        private OptionalLong base;
        private boolean baseKnown;

        private Hit(java.util.function.Supplier<long[]> read, Reader memory) {
            this.read = read;
            this.memory = memory;
        }

        /** DWARF registers 0–16 of the thread. */
        public long[] registers() {
            if (registers == null) {
                registers = read.get();
            }
            return registers;
        }

        /**
         * The innermost variable called {@code name} (as C scoping finds it: locals from the
         * innermost block out, then arguments), with where it is now; null if the frame has none.
         * Throws {@link org.ptracedap.debuginfo.types.NeedsDebugInfo} where only the debug info can
         * place it (an entry value, an implicit pointer, a CFA the CFI does not give).
         */
        public FrameVariables.Variable variable(String name) {
            for (Planned p : locals) {
                if (p.name.equals(name)) {
                    return place(p);
                }
            }
            for (Planned p : arguments) {
                if (p.name.equals(name)) {
                    return place(p);
                }
            }
            return null;
        }

        private FrameVariables.Variable place(Planned p) {
            DwarfExpr.Result where = p.fixed;
            if (where == null) {
                try {
                    if (frame == null) {
                        frame = new Frame0(registers(), memory);
                    }
                    if (base == null) {
                        baseKnown = true;
                        try {
                            base = frameBase == null ? OptionalLong.empty()
                                    : DwarfExpr.number(frameBase, frame, bias, OptionalLong.empty());
                        } catch (Unknown e) {
                            base = OptionalLong.empty();
                            baseKnown = false;
                        }
                    }
                    if (!baseKnown && p.ops.stream().anyMatch(op -> op.atom() == 0x91)) { // fbreg
                        throw new Unknown();
                    }
                    frame.implicitValues = p.implicitValues;
                    where = DwarfExpr.evaluate(p.ops, frame, bias, base);
                    if (pointsImplicitly(where)) {
                        throw new Unknown();
                    }
                } catch (Unknown e) {
                    throw new org.ptracedap.debuginfo.types.NeedsDebugInfo();
                }
            }
            return new FrameVariables.Variable(p.name, p.parameter, p.typeDie, where, p.dwarf, bias);
        }
    }

    private static boolean pointsImplicitly(DwarfExpr.Result r) {
        if (r instanceof DwarfExpr.ImplicitPointer) {
            return true;
        }
        if (r instanceof DwarfExpr.Pieces p) {
            return p.pieces().stream().anyMatch(piece -> pointsImplicitly(piece.where()));
        }
        return false;
    }

    /** What a location needs and the plan does not have. */
    private static final class Unknown extends RuntimeException {
        Unknown() {
            super(null, null, false, false);
        }
    }

    /** Frame 0 of one thread: all its registers known, its CFA by the CFI's expression, no caller. */
    private final class Frame0 implements DwarfExpr.Frame {
        private final long[] registers;
        private final Reader memory;
        private OptionalLong cfaValue;
        Map<DwarfExpr.Op, byte[]> implicitValues = Map.of();

        Frame0(long[] registers, Reader memory) {
            this.registers = registers;
            this.memory = memory;
        }

        @Override
        public OptionalLong register(int reg) {
            return reg >= 0 && reg < registers.length ? OptionalLong.of(registers[reg]) : OptionalLong.empty();
        }

        @Override
        public OptionalLong cfa() {
            if (cfa == null) {
                throw new Unknown();
            }
            if (cfaValue == null) {
                cfaValue = DwarfExpr.number(cfa, new RegistersOnly(this), 0, OptionalLong.empty());
            }
            return cfaValue;
        }

        @Override
        public OptionalLong read(long address, int size) {
            return memory.read(address, size);
        }

        @Override
        public OptionalLong entryValue(List<DwarfExpr.Op> ops) {
            throw new Unknown(); // the caller's call site: only the debug info knows it
        }

        @Override
        public List<DwarfExpr.Op> subExpression(DwarfExpr.Op op) {
            throw new Unknown();
        }

        @Override
        public byte[] implicitValue(DwarfExpr.Op op) {
            byte[] b = implicitValues.get(op);
            if (b == null) {
                throw new Unknown();
            }
            return b;
        }
    }

    /** The CFA's expression reads registers (and possibly memory), never the CFA itself. */
    private record RegistersOnly(Frame0 frame) implements DwarfExpr.Frame {
        @Override
        public OptionalLong register(int reg) {
            return frame.register(reg);
        }

        @Override
        public OptionalLong cfa() {
            throw new Unknown();
        }

        @Override
        public OptionalLong read(long address, int size) {
            return frame.read(address, size);
        }

        @Override
        public OptionalLong entryValue(List<DwarfExpr.Op> ops) {
            throw new Unknown();
        }

        @Override
        public List<DwarfExpr.Op> subExpression(DwarfExpr.Op op) {
            throw new Unknown();
        }

        @Override
        public byte[] implicitValue(DwarfExpr.Op op) {
            throw new Unknown();
        }
    }
}
