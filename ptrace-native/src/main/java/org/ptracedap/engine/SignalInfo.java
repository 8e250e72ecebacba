package org.ptracedap.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ptracedap.sys.Signals;

/**
 * What the kernel says of the signal a thread is stopped with ({@code siginfo_t}, from
 * PTRACE_GETSIGINFO): its number, {@code si_code}, and — by kind — the sender ({@code kill},
 * {@code tgkill}: pid and uid) or the faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE).
 */
public record SignalInfo(int signal, int code, int senderPid, int senderUid, long address) {
    /** si_code values of {@code <asm-generic/siginfo.h>}. */
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TKILL = -6;

    /** From the 128 bytes of {@code siginfo_t} on x86-64. */
    public static SignalInfo of(byte[] siginfo) {
        ByteBuffer b = ByteBuffer.wrap(siginfo).order(ByteOrder.LITTLE_ENDIAN);
        int signo = b.getInt(0);
        int code = b.getInt(8);
        boolean fault = code > 0 && code != SI_KERNEL && isFault(signo);
        return new SignalInfo(signo, code, fault ? 0 : b.getInt(16), fault ? 0 : b.getInt(20), fault ? b.getLong(16) : 0);
    }

    /** A signal the hardware raises for an instruction, with a faulting address. */
    public static boolean isFault(int signo) {
        return signo == Signals.SIGSEGV || signo == Signals.SIGBUS || signo == Signals.SIGILL || signo == Signals.SIGFPE;
    }

    /** A bad memory access (SIGSEGV, SIGBUS): {@code address} is where. */
    public boolean memoryFault() {
        return (signal == Signals.SIGSEGV || signal == Signals.SIGBUS) && code > 0 && code != SI_KERNEL;
    }

    /** Was it sent by a process (kill, tgkill, sigqueue), not raised by the kernel? */
    public boolean sent() {
        return code == SI_USER || code == SI_TKILL || code == SI_QUEUE;
    }

    public String signalName() {
        return Signals.name(signal);
    }

    /** The name of si_code as <asm-generic/siginfo.h> has it, for the signal's kind. */
    public String codeName() {
        switch (code) {
            case SI_USER: return "SI_USER";
            case SI_KERNEL: return "SI_KERNEL";
            case SI_QUEUE: return "SI_QUEUE";
            case SI_TKILL: return "SI_TKILL";
            default: break;
        }
        if (signal == Signals.SIGSEGV) {
            return code == 1 ? "SEGV_MAPERR" : code == 2 ? "SEGV_ACCERR" : code == 3 ? "SEGV_BNDERR" : code == 4 ? "SEGV_PKUERR" : "si_code " + code;
        }
        if (signal == Signals.SIGBUS) {
            return code == 1 ? "BUS_ADRALN" : code == 2 ? "BUS_ADRERR" : code == 3 ? "BUS_OBJERR" : "si_code " + code;
        }
        return "si_code " + code;
    }
}
