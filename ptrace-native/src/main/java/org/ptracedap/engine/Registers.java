package org.ptracedap.engine;

import java.util.List;

/**
 * A thread's general-purpose registers on x86-64: {@code struct user_regs_struct} of
 * {@code <sys/user.h>}, fields in its order (what PTRACE_GETREGS reads and PTRACE_SETREGS writes).
 * A value: it passes through the {@link Kernel} seam, so scripted tests can supply one.
 */
public record Registers(
        long r15, long r14, long r13, long r12, long rbp, long rbx, long r11, long r10, long r9, long r8,
        long rax, long rcx, long rdx, long rsi, long rdi, long origRax, long rip, long cs, long eflags,
        long rsp, long ss, long fsBase, long gsBase, long ds, long es, long fs, long gs) {

    /** The number of 64-bit words in {@code struct user_regs_struct}. */
    public static final int WORDS = 27;

    /** From the words of {@code struct user_regs_struct}, in its order. */
    public static Registers of(long[] w) {
        if (w.length < WORDS) {
            throw new IllegalArgumentException("user_regs_struct has " + WORDS + " words, not " + w.length);
        }
        return new Registers(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12],
                w[13], w[14], w[15], w[16], w[17], w[18], w[19], w[20], w[21], w[22], w[23], w[24], w[25], w[26]);
    }

    /** The words of {@code struct user_regs_struct}, in its order. */
    public long[] words() {
        return new long[] {r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, origRax, rip,
            cs, eflags, rsp, ss, fsBase, gsBase, ds, es, fs, gs};
    }

    /** The instruction pointer. */
    public long pc() {
        return rip;
    }

    /** The stack pointer. */
    public long sp() {
        return rsp;
    }

    /** Like this, with another instruction pointer (e.g. back over an int3). */
    public Registers withPc(long pc) {
        long[] w = words();
        w[16] = pc;
        return of(w);
    }

    /** A register by its name, for people and for DWARF's register names. */
    public record Named(String name, long value) {}

    /** Every register, in the order people read them (as gdb's {@code info registers}). */
    public List<Named> inReadingOrder() {
        return List.of(new Named("rax", rax), new Named("rbx", rbx), new Named("rcx", rcx), new Named("rdx", rdx),
                new Named("rsi", rsi), new Named("rdi", rdi), new Named("rbp", rbp), new Named("rsp", rsp),
                new Named("r8", r8), new Named("r9", r9), new Named("r10", r10), new Named("r11", r11),
                new Named("r12", r12), new Named("r13", r13), new Named("r14", r14), new Named("r15", r15),
                new Named("rip", rip), new Named("eflags", eflags), new Named("cs", cs), new Named("ss", ss),
                new Named("ds", ds), new Named("es", es), new Named("fs", fs), new Named("gs", gs),
                new Named("fs_base", fsBase), new Named("gs_base", gsBase), new Named("orig_rax", origRax));
    }
}
