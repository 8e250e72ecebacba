package org.ptracedap.debugger;

import org.ptracedap.debuginfo.ThreadImage;
import org.ptracedap.engine.Registers;
import org.ptracedap.engine.Tracee;

/**
 * A live stopped thread as debug info reads it: the {@link Tracee}'s registers in DWARF's
 * numbering and its memory a word at a time — served from a window of 8 KiB read in one go
 * (an unwinder reads word after word of the same stack: one read of the tracee instead of one
 * per word). Valid only inside the inspection that gave the Tracee.
 */
public final class TraceeImage implements ThreadImage {
    private final Tracee tracee;
    private final Registers registers;
    private final byte[] buf = new byte[8];
    private static final int WINDOW = 8192;
    private byte[] window; // made at the first read: a hit's condition often reads only registers
    private long windowStart = -1;
    private int windowLength;

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
        if (!inWindow(address)) {
            if (window == null) {
                window = new byte[WINDOW];
            }
            windowStart = address & ~4095L;
            windowLength = Math.max(0, tracee.read(windowStart, window));
        }
        byte[] from;
        int at;
        if (inWindow(address)) {
            from = window;
            at = (int) (address - windowStart);
        } else if (tracee.read(address, buf) == 8) { // across the window's end
            from = buf;
            at = 0;
        } else {
            return false;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (from[at + i] & 0xffL);
        }
        into[0] = v;
        return true;
    }

    private boolean inWindow(long address) {
        return windowStart >= 0 && Long.compareUnsigned(address, windowStart) >= 0
                && Long.compareUnsigned(address - windowStart, windowLength - 8L) <= 0 && windowLength >= 8;
    }
}
