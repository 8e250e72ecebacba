package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * x86-64 machine code to instructions, with capstone 4. A byte capstone cannot decode becomes a
 * one-byte {@code (bad)} instruction and decoding goes on after it ({@code cs_disasm} stops at the
 * first bad byte), as objdump shows it. Not thread-safe: one handle, one caller at a time.
 */
public final class Disassembler implements AutoCloseable {
    public enum Syntax { ATT, INTEL }

    /** One instruction: where it is, its bytes, and its text in the chosen syntax. */
    public record Instruction(long address, byte[] bytes, String mnemonic, String operands) {
        public String text() {
            return operands.isEmpty() ? mnemonic : mnemonic + " " + operands;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Instruction i && i.address == address && Arrays.equals(i.bytes, bytes)
                    && i.mnemonic.equals(mnemonic) && i.operands.equals(operands);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return String.format("%x: %s", address, text());
        }
    }

    private final long handle;

    private Disassembler(long handle) {
        this.handle = handle;
    }

    public static Disassembler open(Syntax syntax) {
        String missing = Capstone.missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        IntByReference major = new IntByReference();
        Capstone.cs_version(major, new IntByReference());
        if (major.getValue() != 4) {
            throw new IllegalStateException("capstone " + major.getValue() + " is loaded, but this reads capstone 4's cs_insn; "
                    + "install libcapstone4");
        }
        LongByReference h = new LongByReference();
        int err = Capstone.cs_open(Capstone.CS_ARCH_X86, Capstone.CS_MODE_64, h);
        if (err != 0) {
            throw new IllegalStateException("cs_open: " + Capstone.cs_strerror(err));
        }
        Capstone.cs_option(h.getValue(), Capstone.CS_OPT_SYNTAX,
                syntax == Syntax.ATT ? Capstone.CS_OPT_SYNTAX_ATT : Capstone.CS_OPT_SYNTAX_INTEL);
        return new Disassembler(h.getValue());
    }

    /** At most {@code max} instructions of {@code code}, which is at {@code address}. */
    public List<Instruction> disassemble(byte[] code, long address, int max) {
        List<Instruction> out = new ArrayList<>();
        int at = 0;
        while (at < code.length && out.size() < max) {
            byte[] rest = at == 0 ? code : Arrays.copyOfRange(code, at, code.length);
            PointerByReference insn = new PointerByReference();
            long n = Capstone.cs_disasm(handle, rest, rest.length, address + at, max - out.size(), insn);
            Pointer p = insn.getValue();
            try {
                for (long i = 0; i < n; i++) {
                    long off = i * Capstone.INSN_SIZE;
                    int size = p.getShort(off + Capstone.INSN_SIZE_FIELD) & 0xffff;
                    out.add(new Instruction(p.getLong(off + Capstone.INSN_ADDRESS),
                            p.getByteArray(off + Capstone.INSN_BYTES, size),
                            p.getString(off + Capstone.INSN_MNEMONIC), p.getString(off + Capstone.INSN_OP_STR)));
                    at += size;
                }
            } finally {
                if (p != null) {
                    Capstone.cs_free(p, n);
                }
            }
            if (at < code.length && out.size() < max) {
                out.add(new Instruction(address + at, new byte[] {code[at]}, "(bad)", ""));
                at++;
            }
        }
        return out;
    }

    @Override
    public void close() {
        Capstone.cs_close(new LongByReference(handle));
    }
}
