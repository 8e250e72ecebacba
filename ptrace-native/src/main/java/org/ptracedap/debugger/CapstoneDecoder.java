package org.ptracedap.debugger;

import java.util.List;
import org.ptracedap.debuginfo.Disassembler;
import org.ptracedap.engine.InstructionDecoder;

/**
 * The engine's {@link InstructionDecoder} on capstone (Intel syntax, as the engine reads operands):
 * opened at first use, on the tracer thread, which alone calls it. If capstone is missing, every
 * decode says so by failing — a breakpoint is then refused with the package to install.
 */
public final class CapstoneDecoder implements InstructionDecoder {
    private Disassembler disassembler;

    @Override
    public Instruction decode(long address, byte[] code) {
        if (disassembler == null) {
            disassembler = Disassembler.open(Disassembler.Syntax.INTEL);
        }
        List<Disassembler.Instruction> one = disassembler.disassemble(code, address, 1);
        if (one.isEmpty() || one.get(0).mnemonic().equals("(bad)")) {
            return null;
        }
        Disassembler.Instruction i = one.get(0);
        return new Instruction(i.bytes().length, i.mnemonic(), i.operands());
    }
}
