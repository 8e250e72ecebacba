package org.ptracedap.debuginfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

/**
 * DWARF's location expressions — the stack machine of DWARF 5 §2.5–2.6 and GNU's extensions as
 * gcc emits them at {@code -O2} — evaluated for one frame: where a variable is (memory, a
 * register, a computed value, pieces of several, a pointer to a value that has no address), or
 * that nothing of it is left. The frame is a port ({@link Frame}): registers as unwound, the CFA,
 * memory, and the value a parameter had at the function's entry ({@code DW_OP_entry_value}, found
 * by the caller's call site). Pure: no libdw, no process; {@link Op}s are what libdw decoded.
 */
public final class DwarfExpr {
    private DwarfExpr() {}

    /** One decoded operation (libdw's {@code Dwarf_Op}): its atom, operands and byte offset in the expression. */
    public record Op(int atom, long number, long number2, long offset) {}

    /** What an expression reads from its frame. Empty answers mean "not known here" (a register a caller did not save). */
    public interface Frame {
        /** DWARF register {@code reg} (0–16: rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8–r15, rip) of the frame. */
        OptionalLong register(int reg);

        /** The frame's canonical frame address ({@code DW_OP_call_frame_cfa}). */
        OptionalLong cfa();

        /** The 8 bytes at {@code address}, little-endian, or empty if they cannot be read. */
        OptionalLong read(long address, int size);

        /** The value {@code ops} had at the function's entry ({@code DW_OP_entry_value}), from the caller's call site; empty if unknown. */
        OptionalLong entryValue(List<Op> ops);

        /** A sub-expression an op refers to (the block of {@code DW_OP_entry_value}), decoded. */
        List<Op> subExpression(Op op);

        /** The bytes of {@code DW_OP_implicit_value}. */
        byte[] implicitValue(Op op);
    }

    /** Where the value is. */
    public sealed interface Result {}

    /** At {@code address} in memory. */
    public record InMemory(long address) implements Result {}

    /** In DWARF register {@code reg} of the frame. */
    public record InRegister(int reg) implements Result {}

    /** Computed: {@code value} is the value itself ({@code DW_OP_stack_value}). */
    public record Computed(long value) implements Result {}

    /** Given bytes ({@code DW_OP_implicit_value}). */
    public record Bytes(byte[] bytes) implements Result {}

    /** A pointer to the variable (or value) of DIE offset {@code dieOffset}, which has no address, from byte {@code offset} of it. */
    public record ImplicitPointer(long dieOffset, long offset) implements Result {}

    /** Parts, lowest first: {@code bitSize} bits of each, from {@code bitOffset} of where it is. */
    public record Pieces(List<Piece> pieces) implements Result {}

    public record Piece(Result where, long bitSize, long bitOffset) {}

    /** Nothing of it is left here ({@code <optimized out>}). */
    public record OptimizedOut() implements Result {}

    /** Thrown for an expression this evaluator cannot evaluate here; its message says which op and why. */
    public static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message);
        }
    }

    /** The expression's address or value as a number (a frame base, a CFA rule); empty if it cannot be told here. */
    public static OptionalLong number(List<Op> ops, Frame frame, long bias, OptionalLong frameBase) {
        Result r = evaluate(ops, frame, bias, frameBase);
        if (r instanceof InMemory m) {
            return OptionalLong.of(m.address());
        }
        if (r instanceof Computed c) {
            return OptionalLong.of(c.value());
        }
        if (r instanceof InRegister reg) {
            return frame.register(reg.reg());
        }
        return OptionalLong.empty();
    }

    /**
     * Evaluates {@code ops} in {@code frame}; {@code bias} is the module's load bias (added to
     * {@code DW_OP_addr}), {@code frameBase} the function's {@code DW_AT_frame_base} (for
     * {@code DW_OP_fbreg}). A register or memory the frame does not know makes the result
     * {@link OptimizedOut}, as gdb shows it.
     */
    public static Result evaluate(List<Op> ops, Frame frame, long bias, OptionalLong frameBase) {
        if (ops.isEmpty()) {
            return new OptimizedOut();
        }
        try {
            return run(ops, frame, bias, frameBase);
        } catch (NotHere e) {
            return new OptimizedOut();
        }
    }

    /** A register or a word the frame does not know: the value is not available here. */
    private static final class NotHere extends RuntimeException {
        NotHere() {
            super(null, null, false, false);
        }
    }

    private static long known(OptionalLong v) {
        if (v.isEmpty()) {
            throw new NotHere();
        }
        return v.getAsLong();
    }

    private static Result run(List<Op> ops, Frame frame, long bias, OptionalLong frameBase) {
        Deque<Long> stack = new ArrayDeque<>();
        List<Piece> pieces = new ArrayList<>();
        Result pending = null; // a register, stack value or implicit value before its piece (or the end)
        int steps = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (++steps > 100_000) {
                throw new Unsupported("the location expression does not end (a loop)");
            }
            Op op = ops.get(i);
            int a = op.atom();
            if (a >= 0x30 && a <= 0x4f) { // DW_OP_lit0..31
                stack.push((long) (a - 0x30));
            } else if (a >= 0x50 && a <= 0x6f) { // DW_OP_reg0..31
                pending = new InRegister(a - 0x50);
            } else if (a >= 0x70 && a <= 0x8f) { // DW_OP_breg0..31
                stack.push(known(frame.register(a - 0x70)) + op.number());
            } else {
                switch (a) {
                    case 0x03 -> stack.push(op.number() + bias); // addr
                    case 0xa1, 0xfb -> stack.push(op.number() + bias); // addrx, GNU_addr_index (libdw resolves the index)
                    case 0x08, 0x0a, 0x0c, 0x0e, 0x10, 0xa2, 0xfc -> stack.push(op.number()); // constNu, constu, constx
                    case 0x09 -> stack.push((long) (byte) op.number());
                    case 0x0b -> stack.push((long) (short) op.number());
                    case 0x0d -> stack.push((long) (int) op.number());
                    case 0x0f, 0x11 -> stack.push(op.number()); // const8s, consts
                    case 0x12 -> stack.push(peek(stack, 0)); // dup
                    case 0x13 -> pop(stack); // drop
                    case 0x14 -> stack.push(peek(stack, 1)); // over
                    case 0x15 -> stack.push(peek(stack, (int) op.number())); // pick
                    case 0x16 -> { // swap
                        long x = pop(stack);
                        long y = pop(stack);
                        stack.push(x);
                        stack.push(y);
                    }
                    case 0x17 -> { // rot
                        long x = pop(stack);
                        long y = pop(stack);
                        long z = pop(stack);
                        stack.push(x);
                        stack.push(z);
                        stack.push(y);
                    }
                    case 0x06 -> stack.push(known(frame.read(pop(stack), 8))); // deref
                    case 0x94 -> stack.push(known(frame.read(pop(stack), (int) op.number()))); // deref_size
                    case 0x19 -> stack.push(Math.abs(pop(stack)));
                    case 0x1a -> stack.push(pop(stack) & pop(stack));
                    case 0x1b -> {
                        long d = pop(stack);
                        long n = pop(stack);
                        if (d == 0) {
                            throw new Unsupported("division by zero in a location expression");
                        }
                        stack.push(n / d);
                    }
                    case 0x1c -> {
                        long x = pop(stack);
                        stack.push(pop(stack) - x);
                    }
                    case 0x1d -> {
                        long d = pop(stack);
                        long n = pop(stack);
                        if (d == 0) {
                            throw new Unsupported("division by zero in a location expression");
                        }
                        stack.push(Long.remainderUnsigned(n, d));
                    }
                    case 0x1e -> stack.push(pop(stack) * pop(stack));
                    case 0x1f -> stack.push(-pop(stack));
                    case 0x20 -> stack.push(~pop(stack));
                    case 0x21 -> stack.push(pop(stack) | pop(stack));
                    case 0x22 -> stack.push(pop(stack) + pop(stack));
                    case 0x23 -> stack.push(pop(stack) + op.number()); // plus_uconst
                    case 0x24 -> {
                        long s = pop(stack);
                        stack.push(pop(stack) << s);
                    }
                    case 0x25 -> {
                        long s = pop(stack);
                        stack.push(pop(stack) >>> s);
                    }
                    case 0x26 -> {
                        long s = pop(stack);
                        stack.push(pop(stack) >> s);
                    }
                    case 0x27 -> stack.push(pop(stack) ^ pop(stack));
                    case 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e -> {
                        long y = pop(stack);
                        long x = pop(stack);
                        boolean t = switch (a) {
                            case 0x29 -> x == y;
                            case 0x2a -> x >= y;
                            case 0x2b -> x > y;
                            case 0x2c -> x <= y;
                            case 0x2d -> x < y;
                            default -> x != y;
                        };
                        stack.push(t ? 1L : 0L);
                    }
                    case 0x2f -> i = jump(ops, op) - 1; // skip
                    case 0x28 -> { // bra
                        if (pop(stack) != 0) {
                            i = jump(ops, op) - 1;
                        }
                    }
                    case 0x90 -> pending = new InRegister((int) op.number()); // regx
                    case 0x91 -> { // fbreg
                        if (frameBase.isEmpty()) {
                            throw new NotHere();
                        }
                        stack.push(frameBase.getAsLong() + op.number());
                    }
                    case 0x92 -> stack.push(known(frame.register((int) op.number())) + op.number2()); // bregx
                    case 0x9c -> stack.push(known(frame.cfa())); // call_frame_cfa
                    case 0x9f -> pending = new Computed(pop(stack)); // stack_value
                    case 0x9e -> pending = new Bytes(frame.implicitValue(op)); // implicit_value
                    case 0xa0, 0xf2 -> pending = new ImplicitPointer(op.number(), op.number2()); // implicit_pointer
                    case 0xa3, 0xf3 -> { // entry_value
                        List<Op> sub = frame.subExpression(op);
                        stack.push(known(frame.entryValue(sub)));
                    }
                    case 0xa5, 0xf5 -> stack.push(known(frame.register((int) op.number()))); // regval_type (the low 64 bits)
                    case 0xa8, 0xf7, 0xa9 -> { } // convert, reinterpret: integral types of 64 bits or less keep their bits
                    case 0x96 -> { } // nop
                    case 0xf0 -> { } // GNU_uninit: the value is there, maybe not yet initialised
                    case 0x93, 0x9d -> { // piece, bit_piece
                        long bits = a == 0x93 ? op.number() * 8 : op.number();
                        long bitOffset = a == 0x9d ? op.number2() : 0;
                        Result where = pending != null ? pending : stack.isEmpty() ? new OptimizedOut() : new InMemory(pop(stack));
                        pieces.add(new Piece(where, bits, bitOffset));
                        pending = null;
                        stack.clear();
                    }
                    default -> throw new Unsupported(String.format("cannot evaluate DW_OP 0x%x in a location expression", a));
                }
            }
        }
        if (!pieces.isEmpty()) {
            return new Pieces(List.copyOf(pieces));
        }
        if (pending != null) {
            return pending;
        }
        if (stack.isEmpty()) {
            return new OptimizedOut();
        }
        return new InMemory(stack.peek());
    }

    private static int jump(List<Op> ops, Op op) {
        for (int k = 0; k < ops.size(); k++) {
            if (ops.get(k).offset() == op.number()) {
                return k;
            }
        }
        if (op.number() >= ops.get(ops.size() - 1).offset()) {
            return ops.size(); // to the end
        }
        throw new Unsupported("a branch to no operation in a location expression");
    }

    private static long pop(Deque<Long> stack) {
        if (stack.isEmpty()) {
            throw new Unsupported("the location expression pops an empty stack");
        }
        return stack.pop();
    }

    private static long peek(Deque<Long> stack, int depth) {
        int k = 0;
        for (long v : stack) {
            if (k++ == depth) {
                return v;
            }
        }
        throw new Unsupported("the location expression reads below its stack");
    }
}
