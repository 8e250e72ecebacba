package org.ptracedap.adapter.handlers;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.DisassembleArguments;
import org.eclipse.lsp4j.debug.DisassembleResponse;
import org.eclipse.lsp4j.debug.DisassembledInstruction;
import org.eclipse.lsp4j.debug.DisassembledInstructionPresentationHint;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debuginfo.Capstone;
import org.ptracedap.debuginfo.Disassembler;
import org.ptracedap.debuginfo.Disassembler.Instruction;
import org.ptracedap.debuginfo.Symbolizer;
import org.ptracedap.engine.Tracee;

/**
 * disassemble (VS Code's Disassembly view), AT&T syntax as gdb and objdump write it, with
 * capstone. {@code instructionOffset} may be negative: instructions before an address are found by
 * decoding from the start of the function that holds it (x86 has no way back), so their
 * boundaries are the real ones. Memory that cannot be read gives {@code invalid} placeholders, as
 * the spec asks, never an error.
 */
public final class DisassembleHandler implements Capable {
    /** At most this many instructions per request. */
    static final int MAX_COUNT = 10_000;
    /** The longest x86 instruction. */
    private static final int MAX_INSN = 15;
    /** How far back the start of a function is looked for. */
    private static final long MAX_FUNCTION = 1 << 16;

    private final Session session;
    /** Used only on the tracer thread, inside an inspection (one caller at a time). */
    private Disassembler disassembler;

    public DisassembleHandler(Session session) {
        this.session = session;
    }

    @Override
    public void declare(Capabilities c) {
        if (Capstone.missing() == null) {
            c.setSupportsDisassembleRequest(true);
        }
    }

    public CompletableFuture<DisassembleResponse> disassemble(DisassembleArguments args) {
        int pid = Guards.debuggee(session, "disassemble");
        if (Capstone.missing() != null) {
            throw DapError.UNSUPPORTED.because(Capstone.missing());
        }
        long address = MemoryHandler.address(args.getMemoryReference(), args.getOffset());
        int count = args.getInstructionCount();
        int from = args.getInstructionOffset() != null ? args.getInstructionOffset() : 0;
        if (count < 0 || count > MAX_COUNT || Math.abs((long) from) > MAX_COUNT) {
            throw DapError.BAD_ARGUMENTS.because("disassemble: 'instructionCount' and 'instructionOffset' must be within "
                    + MAX_COUNT + ", not " + count + " and " + from);
        }
        Symbolizer symbols = session.symbolizer;
        return session.group().inspect(pid, t -> {
            List<DisassembledInstruction> out = new ArrayList<>(count);
            if (from < 0) {
                List<Instruction> before = before(t, symbols, pid, address, -from);
                for (int i = 0; i < -from - before.size() && out.size() < count; i++) {
                    out.add(invalid(address - (-from - i))); // nothing decodable that far back
                }
                for (Instruction insn : before) {
                    if (out.size() < count) {
                        out.add(dap(insn, symbols, pid));
                    }
                }
            }
            int skip = Math.max(0, from);
            List<Instruction> after = decode(t, address, skip + count - out.size());
            long next = address;
            for (int i = 0; i < after.size() && out.size() < count; i++) {
                Instruction insn = after.get(i);
                next = insn.address() + insn.bytes().length;
                if (i >= skip) {
                    out.add(dap(insn, symbols, pid));
                }
            }
            while (out.size() < count) {
                out.add(invalid(next++)); // unreadable from here
            }
            DisassembleResponse r = new DisassembleResponse();
            r.setInstructions(out.toArray(new DisassembledInstruction[0]));
            return r;
        }).handle((r, error) -> {
            if (error != null) {
                throw ErrorMapper.notStopped(pid, error);
            }
            return r;
        });
    }

    /** The {@code n} instructions that end at {@code address}, decoded from the start of its function. */
    private List<Instruction> before(Tracee t, Symbolizer symbols, int pid, long address, int n) {
        Symbolizer.Location where = symbols.locate(pid, address);
        long start = where.symbol() != null && where.symbolOffset() <= MAX_FUNCTION ? address - where.symbolOffset()
                : address - (long) n * MAX_INSN;
        List<Instruction> all = new ArrayList<>();
        if (start < address) {
            byte[] code = new byte[(int) (address - start)];
            int got = t.read(start, code);
            if (got == code.length) {
                all = disassembler().disassemble(code, start, Integer.MAX_VALUE);
            }
        }
        if (all.isEmpty() || all.get(all.size() - 1).address() + all.get(all.size() - 1).bytes().length != address) {
            return List.of(); // no boundary lands on address: better nothing than a wrong listing
        }
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    private List<Instruction> decode(Tracee t, long address, int n) {
        if (n <= 0) {
            return List.of();
        }
        byte[] code = new byte[(int) Math.min((long) n * MAX_INSN, 1 << 20)];
        int got = t.read(address, code);
        if (got <= 0) {
            return List.of();
        }
        return disassembler().disassemble(got == code.length ? code : java.util.Arrays.copyOf(code, got), address, n);
    }

    private Disassembler disassembler() {
        if (disassembler == null) {
            disassembler = Disassembler.open(Disassembler.Syntax.ATT);
        }
        return disassembler;
    }

    private static DisassembledInstruction dap(Instruction insn, Symbolizer symbols, int pid) {
        DisassembledInstruction d = new DisassembledInstruction();
        d.setAddress(String.format("0x%x", insn.address()));
        d.setInstructionBytes(HexFormat.ofDelimiter(" ").formatHex(insn.bytes()));
        d.setInstruction(insn.text());
        Symbolizer.Location where = symbols.locate(pid, insn.address());
        if (where.symbol() != null) {
            d.setSymbol(where.symbol()); // the function: VS Code shows it once, where it changes
        }
        return d;
    }

    private static DisassembledInstruction invalid(long address) {
        DisassembledInstruction d = new DisassembledInstruction();
        d.setAddress(String.format("0x%x", address));
        d.setInstruction("??");
        d.setPresentationHint(DisassembledInstructionPresentationHint.INVALID);
        return d;
    }
}
