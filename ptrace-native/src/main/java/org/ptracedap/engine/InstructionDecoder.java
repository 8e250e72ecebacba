package org.ptracedap.engine;

/**
 * Decodes one x86-64 instruction, for the engine to step off a breakpoint out of line (it must
 * know how long the instruction under an int3 is, and whether it is relative to rip). The engine
 * knows no disassembler; the debugger layer supplies one (capstone). Called on the tracer thread.
 */
@FunctionalInterface
public interface InstructionDecoder {
    /** One instruction as Intel syntax shows it: {@code mov}, {@code qword ptr [rip + 0x2ed6], rax}. */
    record Instruction(int length, String mnemonic, String operands) {}

    /** The instruction at the start of {@code code} (which is at {@code address}), or null if it is not one. */
    Instruction decode(long address, byte[] code);
}
