package org.ptracedap.debugger.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debugger.values.Value;

/**
 * x86-64's registers as gdb names them in expressions: the 64-bit ones ({@code $rax}…{@code $r15},
 * {@code $rip}), their 32-, 16- and 8-bit parts ({@code $eax} the low 32 bits of rax, {@code $ah}
 * bits 8–15), and gdb's aliases {@code $pc}, {@code $sp}, {@code $fp}. Typed as gdb types them:
 * the pc a code pointer, the stack and frame pointers {@code void *}, the others signed integers of
 * their width. A register's value comes from the frame ({@link Scope#register}, asked by its
 * 64-bit name); registers are read-only here.
 */
final class Registers {
    private Registers() {}

    /** {@code name} is bits [shift, shift + bits) of 64-bit register {@code full}, DWARF number {@code dwarf}. */
    private record Part(String full, int dwarf, int bits, int shift, CType type) {}

    private static final CType CODE_POINTER = Types.pointerTo(
            new CType.Function(TypeRef.of(Types.VOID), List.of(), false));
    private static final CType DATA_POINTER = Types.pointerTo(Types.VOID);
    private static final Map<String, Part> PARTS = new HashMap<>();

    static {
        String[] legacy = {"ax", "dx", "cx", "bx", "si", "di", "bp", "sp"};
        for (int i = 0; i < legacy.length; i++) {
            String l = legacy[i];
            String full = "r" + l;
            boolean pointer = l.equals("bp") || l.equals("sp");
            PARTS.put(full, new Part(full, i, 64, 0, pointer ? DATA_POINTER : Types.LONG));
            PARTS.put("e" + l, new Part(full, i, 32, 0, Types.INT));
            if (!l.equals("sp") && !l.equals("bp")) {
                PARTS.put(l, new Part(full, i, 16, 0, Types.SHORT)); // $sp is gdb's stack pointer alias, not sp's low word
            }
            String low = l.endsWith("x") ? l.charAt(0) + "l" : l + "l";
            PARTS.put(low, new Part(full, i, 8, 0, Types.SCHAR));
            if (l.endsWith("x")) {
                PARTS.put(l.charAt(0) + "h", new Part(full, i, 8, 8, Types.SCHAR));
            }
        }
        for (int n = 8; n <= 15; n++) {
            String full = "r" + n;
            PARTS.put(full, new Part(full, n, 64, 0, Types.LONG));
            PARTS.put(full + "d", new Part(full, n, 32, 0, Types.INT));
            PARTS.put(full + "w", new Part(full, n, 16, 0, Types.SHORT));
            PARTS.put(full + "l", new Part(full, n, 8, 0, Types.SCHAR));
        }
        PARTS.put("rip", new Part("rip", 16, 64, 0, CODE_POINTER));
        PARTS.put("pc", new Part("rip", 16, 64, 0, CODE_POINTER));
        PARTS.put("sp", new Part("rsp", 7, 64, 0, DATA_POINTER));
        PARTS.put("fp", new Part("rbp", 6, 64, 0, DATA_POINTER));
    }

    /** Register {@code name} (without the $) of the frame {@code scope} is in, as a value named {@code $name}. */
    static Value read(String name, Scope scope, Memory memory) {
        Part part = PARTS.get(name);
        OptionalLong full = part == null ? OptionalLong.empty() : scope.register(part.full());
        if (part == null || full.isEmpty()) {
            // a register this table does not know (eflags, fs_base…) or a scope that names parts itself
            OptionalLong direct = scope.register(name);
            if (direct.isEmpty()) {
                throw new EvalException("No register named $" + name + " in this frame.");
            }
            CType type = part != null ? part.type() : Types.LONG;
            return new Value("$" + name, type, new Location.InRegister(part != null ? part.dwarf() : -1,
                    Scalars.littleEndian(direct.getAsLong(), (int) type.size())), memory);
        }
        long bits = full.getAsLong() >>> part.shift();
        return new Value("$" + name, part.type(), new Location.InRegister(part.dwarf(),
                Scalars.littleEndian(bits, part.bits() / 8)), memory);
    }

    /** Every register name an expression may use (for completions). */
    static List<String> names() {
        return PARTS.keySet().stream().sorted().toList();
    }

    private static final String[] DWARF_REGISTERS = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"};

    /** x86-64's DWARF register numbers (System V psABI, figure 3.36). */
    static String dwarfName(int n) {
        if (n < DWARF_REGISTERS.length) {
            return DWARF_REGISTERS[n];
        }
        return n >= 17 && n <= 32 ? "xmm" + (n - 17) : "DWARF register " + n;
    }
}
