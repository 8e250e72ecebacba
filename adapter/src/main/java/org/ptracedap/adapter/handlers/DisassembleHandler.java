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
import org.ptracedap.debuginfo.Symbols;
import org.ptracedap.engine.Tracee;

/**
 * disassemble (VS Code's Disassembly view), AT&T syntax as gdb and objdump write it, with
 * capstone, each instruction with its function and source line from the debug info (as gdb's
 * {@code disassemble /s}). {@code instructionOffset} may be negative: instructions before an
 * address are found by decoding from the start of the function that holds it (x86 has no way
 * back), so their boundaries are the real ones. Memory that cannot be read gives {@code invalid} placeholders, as
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
        org.ptracedap.debugger.DebugInfo info = session.debugInfo();
        // where to decode from for the instructions before the address (x86 has no way back): its function's start
        CompletableFuture<Long> functionStart = from >= 0 ? CompletableFuture.completedFuture(-1L)
                : info.ask(pid, symbols -> symbols.functionStart(address)).exceptionally(e -> -1L);
        return functionStart
                .thenCompose(fn -> session.group().inspect(pid, t -> listing(t, fn, address, from, count)))
                .thenCompose(listing -> info.ask(pid, symbols -> response(pid, listing, symbols))
                        .exceptionally(e -> response(pid, listing, null))) // no debug info: the bare instructions
                .handle((r, error) -> {
                    if (error != null) {
                        throw ErrorMapper.notStopped(pid, error);
                    }
                    return r;
                });
    }

    /** One slot of the listing: an instruction, or ({@code insn} null) an address that could not be decoded. */
    private record Slot(long address, Instruction insn) {}

    /** On the tracer thread: {@code count} slots from {@code from} instructions after {@code address} (before, if negative). */
    private List<Slot> listing(Tracee t, long functionStart, long address, int from, int count) {
        List<Slot> out = new ArrayList<>(count);
        if (from < 0) {
            List<Instruction> before = before(t, functionStart, address, -from);
            for (int i = 0; i < -from - before.size() && out.size() < count; i++) {
                out.add(new Slot(address - (-from - i), null)); // nothing decodable that far back
            }
            for (Instruction insn : before) {
                if (out.size() < count) {
                    out.add(new Slot(insn.address(), insn));
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
                out.add(new Slot(insn.address(), insn));
            }
        }
        while (out.size() < count) {
            out.add(new Slot(next++, null)); // unreadable from here
        }
        return out;
    }

    /**
     * On the symbols thread: each instruction with its function (as the call stack names it) and
     * its source line (the line table's row: the innermost inlined call's), the source given where
     * it changes, as the spec allows; {@code symbols} null when there is no debug info.
     */
    private DisassembleResponse response(int pid, List<Slot> listing, Symbols symbols) {
        List<DisassembledInstruction> out = new ArrayList<>(listing.size());
        String lastFile = null;
        for (Slot slot : listing) {
            if (slot.insn() == null) {
                out.add(invalid(slot.address()));
                continue;
            }
            DisassembledInstruction d = dap(slot.insn());
            Symbols.Code code = symbols == null ? null : symbols.at(slot.address());
            if (code != null) {
                List<Symbols.Place> places = code.places();
                String function = places.get(places.size() - 1).function();
                if (function != null) {
                    d.setSymbol(function); // VS Code shows it once, where it changes
                }
                Symbols.Place row = places.get(0);
                if (row.file() != null && row.line() > 0) {
                    if (!row.file().equals(lastFile)) {
                        d.setLocation(session.sources.of(pid, row.file()));
                        lastFile = row.file();
                    }
                    d.setLine(row.line());
                    if (row.column() > 0) {
                        d.setColumn(row.column());
                    }
                }
            }
            out.add(d);
        }
        DisassembleResponse r = new DisassembleResponse();
        r.setInstructions(out.toArray(new DisassembledInstruction[0]));
        return r;
    }

    /** The {@code n} instructions that end at {@code address}, decoded from the start of its function. */
    private List<Instruction> before(Tracee t, long functionStart, long address, int n) {
        long start = functionStart >= 0 && functionStart <= address && address - functionStart <= MAX_FUNCTION
                ? functionStart : address - (long) n * MAX_INSN;
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

    private static DisassembledInstruction dap(Instruction insn) {
        DisassembledInstruction d = new DisassembledInstruction();
        d.setAddress(String.format("0x%x", insn.address()));
        d.setInstructionBytes(HexFormat.ofDelimiter(" ").formatHex(insn.bytes()));
        d.setInstruction(insn.text());
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
