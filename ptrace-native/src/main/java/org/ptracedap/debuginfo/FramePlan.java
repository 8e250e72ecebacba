package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The variables of the innermost frame at one pc, read from the debug info once so that each
 * time a thread stands there (a breakpoint's hit) they can be found without it: each variable's
 * name and type DIE, its location as the expression valid at that pc — not yet evaluated — and
 * the expressions of the frame base and of the CFA there (from the CFI). {@link #at} evaluates
 * them for one thread's registers and memory, on any thread (no libdw), giving what
 * {@link FrameVariables#of} would read for frame 0 there — except for the variables whose
 * location needs what only the debug info can say (an entry value from the caller's call site,
 * an implicit pointer's target, a CFA the CFI does not give): those are named {@code unknown}.
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

    /** The frame's variables at one thread's stop, and the names of those this plan cannot place. */
    public record Placed(FrameVariables.Frame frame, Set<String> unknown) {}

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

    /** Frame 0's variables for a thread with DWARF registers {@code registers} (0–16) reading memory through {@code memory}. */
    public Placed at(long[] registers, Reader memory) {
        Set<String> unknown = new HashSet<>();
        Frame0 frame = new Frame0(registers, memory);
        OptionalLong base = OptionalLong.empty();
        boolean baseKnown = true;
        if (frameBase != null) {
            try {
                base = DwarfExpr.number(frameBase, frame, bias, OptionalLong.empty());
            } catch (Unknown e) {
                baseKnown = false;
            }
        }
        List<FrameVariables.Variable> args = new ArrayList<>();
        List<FrameVariables.Variable> locs = new ArrayList<>();
        for (Planned p : arguments) {
            args.add(place(p, frame, base, baseKnown, unknown));
        }
        for (Planned p : locals) {
            locs.add(place(p, frame, base, baseKnown, unknown));
        }
        return new Placed(new FrameVariables.Frame(List.copyOf(args), List.copyOf(locs), cu, bias), Set.copyOf(unknown));
    }

    private FrameVariables.Variable place(Planned p, Frame0 frame, OptionalLong base, boolean baseKnown, Set<String> unknown) {
        DwarfExpr.Result where = p.fixed;
        if (where == null) {
            try {
                if (!baseKnown && p.ops.stream().anyMatch(op -> op.atom() == 0x91)) { // fbreg
                    throw new Unknown();
                }
                frame.implicitValues = p.implicitValues;
                where = DwarfExpr.evaluate(p.ops, frame, bias, base);
                if (pointsImplicitly(where)) {
                    throw new Unknown();
                }
            } catch (Unknown e) {
                unknown.add(p.name);
                where = new DwarfExpr.OptimizedOut();
            }
        }
        return new FrameVariables.Variable(p.name, p.parameter, p.typeDie, where, p.dwarf, bias);
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
