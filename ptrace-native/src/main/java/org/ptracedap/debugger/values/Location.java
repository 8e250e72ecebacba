package org.ptracedap.debugger.values;

import java.util.List;

/**
 * Where a value's bytes are, as its DWARF location says at the frame's pc: in memory, in a
 * register of the frame, computed (a constant or a {@code DW_OP_stack_value}), assembled from
 * pieces, pointing at another variable that was optimized away ({@code DW_OP_implicit_pointer}),
 * or nowhere ("optimized out", only where gdb says so too).
 */
public sealed interface Location {
    /** At {@code address} in the process: addressable ({@code &x} works), writable. */
    record InMemory(long address) implements Location {}

    /**
     * In DWARF register {@code dwarfRegister} of the frame (0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi,
     * 5 rdi, 6 rbp, 7 rsp, 8–15 r8–r15, 16 rip, 17–32 xmm0–15), its value {@code value}
     * (the low bytes of it hold the variable).
     */
    record InRegister(int dwarfRegister, byte[] value) implements Location {}

    /** Bytes computed by the location expression or given by {@code DW_AT_const_value}: no address, not writable. */
    record Computed(byte[] bytes) implements Location {}

    /** Parts from several places ({@code DW_OP_piece}/{@code DW_OP_bit_piece}), lowest first. */
    record Pieces(List<Piece> pieces) implements Location {}

    /** One part: {@code bitSize} bits of {@code where} from bit {@code bitOffset} of it. */
    record Piece(Location where, long bitSize, long bitOffset) {}

    /**
     * A pointer to a value that has no address ({@code DW_OP_implicit_pointer}): dereferenced, it
     * is {@code target} (from {@code byteOffset} on).
     */
    record ImplicitPointer(Value target, long byteOffset) implements Location {}

    /** Nothing left of it at this pc: "&lt;optimized out&gt;". */
    record OptimizedOut() implements Location {}
}
