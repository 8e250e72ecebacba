package org.ptracedap.debugger;

import org.ptracedap.debuginfo.ThreadImage;
import org.ptracedap.engine.Registers;
import org.ptracedap.engine.Tracee;

/**
 * A live stopped thread as debug info reads it: the {@link Tracee}'s registers in DWARF's
 * numbering and its memory a word at a time. Valid only inside the inspection that gave the Tracee.
 */
public final class TraceeImage implements ThreadImage {
    private final Tracee tracee;
    private final Registers registers;
    private final byte[] buf = new byte[8];

    public TraceeImage(Tracee tracee) {
        this.tracee = tracee;
        this.registers = tracee.registers();
    }

    @Override
    public int tid() {
        return tracee.tid();
    }

    @Override
    public long[] dwarfRegisters() {
        Registers r = registers;
        return new long[] {r.rax(), r.rdx(), r.rcx(), r.rbx(), r.rsi(), r.rdi(), r.rbp(), r.rsp(),
            r.r8(), r.r9(), r.r10(), r.r11(), r.r12(), r.r13(), r.r14(), r.r15(), r.rip()};
    }

    @Override
    public boolean readWord(long address, long[] into) {
        if (tracee.read(address, buf) != 8) {
            return false;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[i] & 0xffL);
        }
        into[0] = v;
        return true;
    }
}
