package org.ptracedap.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * One method per ptrace request, each checking that it runs on the thread that owns the
 * tracees: the kernel accepts requests only from the tracer thread, and from any other thread
 * they fail with ESRCH although the tracee is alive — so a mistake fails loudly here instead.
 *
 * <p>Not thread-safe by design: create it on the tracer thread and use it only there.
 */
public final class Ptrace {
    private final Thread owner = Thread.currentThread();
    private final Memory word = new Memory(8);
    /** struct user_regs_struct (27 words), reused: a breakpoint hit reads and writes registers several times. */
    private final Memory regs = new Memory(27 * 8);
    private final Memory siginfo = new Memory(128);
    private final int[] status = new int[1];

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("ptrace called from " + Thread.currentThread().getName()
                    + "; only the tracer thread " + owner.getName() + " may");
        }
    }

    private static SyscallException fail(String call, int tid, LastErrorException e) {
        return new SyscallException(call + "(" + tid + ")", e.getErrorCode());
    }

    public void seize(int tid, int options) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_SEIZE, tid, 0, options);
        } catch (LastErrorException e) {
            throw fail("PTRACE_SEIZE", tid, e);
        }
    }

    public void interrupt(int tid) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_INTERRUPT, tid, 0, 0);
        } catch (LastErrorException e) {
            throw fail("PTRACE_INTERRUPT", tid, e);
        }
    }

    /** Resumes a tracee from a ptrace-stop, delivering {@code sig} (0 for none). */
    public void cont(int tid, int sig) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_CONT, tid, 0, sig);
        } catch (LastErrorException e) {
            throw fail("PTRACE_CONT", tid, e);
        }
    }

    /** Resumes a tracee for one instruction (it stops with SIGTRAP after it), delivering {@code sig} (0 for none). */
    public void singleStep(int tid, int sig) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_SINGLESTEP, tid, 0, sig);
        } catch (LastErrorException e) {
            throw fail("PTRACE_SINGLESTEP", tid, e);
        }
    }

    /** Lets a tracee in group-stop stay stopped for job control, but wake up for SIGCONT and traps. */
    public void listen(int tid) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_LISTEN, tid, 0, 0);
        } catch (LastErrorException e) {
            throw fail("PTRACE_LISTEN", tid, e);
        }
    }

    public void detach(int tid, int sig) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_DETACH, tid, 0, sig);
        } catch (LastErrorException e) {
            throw fail("PTRACE_DETACH", tid, e);
        }
    }

    /** The message of the last ptrace event: a new tid or pid, the old tid after exec, an exit status. */
    public long getEventMsg(int tid) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_GETEVENTMSG, tid, 0, word);
            return word.getLong(0);
        } catch (LastErrorException e) {
            throw fail("PTRACE_GETEVENTMSG", tid, e);
        }
    }

    /**
     * The thread's extended register state as the XSAVE layout has it: the legacy area (x87 and
     * SSE: FXSAVE's 512 bytes), the XSAVE header and the components the CPU saves (AVX's upper
     * halves at 576, …) — PTRACE_GETREGSET NT_X86_XSTATE, or the 512 bytes of PTRACE_GETFPREGS
     * where that is refused.
     */
    public byte[] getXState(int tid) {
        checkThread();
        int size = 4096;
        try (Memory buffer = new Memory(size); Memory iov = new Memory(16)) {
            iov.setPointer(0, buffer);
            iov.setLong(8, size);
            try {
                LibC.ptrace(LibC.PTRACE_GETREGSET, tid, LibC.NT_X86_XSTATE, iov);
                return buffer.getByteArray(0, (int) Math.min(iov.getLong(8), size));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ESRCH) {
                    throw fail("PTRACE_GETREGSET", tid, e);
                }
            }
            try {
                LibC.ptrace(LibC.PTRACE_GETFPREGS, tid, 0, buffer);
                return buffer.getByteArray(0, 512);
            } catch (LastErrorException e) {
                throw fail("PTRACE_GETFPREGS", tid, e);
            }
        }
    }

    /** Reads {@code struct user_regs_struct} (27 words on x86-64) into {@code into}. */
    public void getRegs(int tid, long[] into) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_GETREGS, tid, 0, regs);
            regs.read(0, into, 0, Math.min(27, into.length));
        } catch (LastErrorException e) {
            throw fail("PTRACE_GETREGS", tid, e);
        }
    }

    /**
     * {@code PTRACE_GETSIGINFO}: the {@code siginfo_t} (128 bytes) of the signal a tracee is
     * stopped with, as words: si_signo, si_errno, si_code (ints at 0, 4, 8) and the union from 16
     * (si_pid and si_uid, ints at 16 and 20; or si_addr, a pointer at 16) — read by the caller.
     */
    public byte[] getSigInfo(int tid) {
        checkThread();
        try {
            LibC.ptrace(LibC.PTRACE_GETSIGINFO, tid, 0, siginfo);
            return siginfo.getByteArray(0, 128);
        } catch (LastErrorException e) {
            throw fail("PTRACE_GETSIGINFO", tid, e);
        }
    }

    /** Writes {@code struct user_regs_struct} (27 words) from {@code regs}. */
    public void setRegs(int tid, long[] regs) {
        checkThread();
        try {
            this.regs.write(0, regs, 0, 27);
            LibC.ptrace(LibC.PTRACE_SETREGS, tid, 0, this.regs);
        } catch (LastErrorException e) {
            throw fail("PTRACE_SETREGS", tid, e);
        }
    }

    /** process_vm_readv's buffer and its two iovecs (tracer thread only), grown as needed. */
    private Memory vmBuffer = new Memory(16 << 10);
    private final Memory iovecs = new Memory(32);

    /**
     * Reads the tracee's memory at {@code address} into {@code into}: with one
     * {@code process_vm_readv} (no file to open: the unwinder reads a stack window per frame),
     * and where that cannot read it all — a page the process cannot read itself — through
     * {@code /proc/PID/mem}, which can (FOLL_FORCE). The tracer's access is what the kernel
     * checks, so this too stays on the tracer thread. Returns the number of bytes read: fewer
     * than asked where the range ends unmapped.
     */
    public int readMemory(int pid, long address, byte[] into) {
        checkThread();
        if (into.length == 0) {
            return 0;
        }
        if (vmBuffer.size() < into.length) {
            vmBuffer = new Memory(Math.max(into.length, 2 * vmBuffer.size()));
        }
        iovecs.setPointer(0, vmBuffer);
        iovecs.setLong(8, into.length);
        iovecs.setLong(16, address);
        iovecs.setLong(24, into.length);
        long n;
        try {
            n = LibC.process_vm_readv(pid, iovecs, 1, iovecs.share(16), 1, 0);
        } catch (LastErrorException e) {
            n = -1;
        }
        if (n == into.length) {
            vmBuffer.read(0, into, 0, into.length);
            return into.length;
        }
        return readMemoryByFile(pid, address, into);
    }

    private int readMemoryByFile(int pid, long address, byte[] into) {
        int fd = openMem(pid, 0 /* O_RDONLY */);
        try {
            int done = 0;
            while (done < into.length) {
                byte[] rest = done == 0 ? into : new byte[into.length - done];
                long n;
                try {
                    n = LibC.pread(fd, rest, rest.length, address + done);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EINTR) {
                        continue;
                    }
                    if (done > 0 || e.getErrorCode() == EIO) {
                        break; // unmapped from here on
                    }
                    throw new SyscallException("pread(/proc/" + pid + "/mem, 0x" + Long.toHexString(address) + ")", e.getErrorCode());
                }
                if (n <= 0) {
                    break;
                }
                if (rest != into) {
                    System.arraycopy(rest, 0, into, done, (int) n);
                }
                done += (int) n;
            }
            return done;
        } finally {
            closeQuietly(fd);
        }
    }

    /**
     * Writes {@code bytes} at {@code address} through {@code /proc/PID/mem}, which writes read-only
     * text too (FOLL_FORCE, for the tracer: DESIGN.md §7) — where {@code process_vm_writev} fails.
     */
    public void writeMemory(int pid, long address, byte[] bytes) {
        checkThread();
        int fd = openMem(pid, 2 /* O_RDWR */);
        try {
            long n = LibC.pwrite(fd, bytes, bytes.length, address);
            if (n != bytes.length) {
                throw new SyscallException("pwrite(/proc/" + pid + "/mem, 0x" + Long.toHexString(address) + "): " + n
                        + " of " + bytes.length + " bytes", EIO);
            }
        } catch (LastErrorException e) {
            throw new SyscallException("pwrite(/proc/" + pid + "/mem, 0x" + Long.toHexString(address) + ")", e.getErrorCode());
        } finally {
            closeQuietly(fd);
        }
    }

    private static final int EIO = 5;

    private static int openMem(int pid, int flags) {
        byte[] path = ("/proc/" + pid + "/mem\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            return LibC.open(path, flags | 0x80000 /* O_CLOEXEC */);
        } catch (LastErrorException e) {
            throw new SyscallException("open(/proc/" + pid + "/mem)", e.getErrorCode());
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            // nothing to do
        }
    }

    /** {@code waitpid(-1, &status, __WALL|WNOHANG)}: a tid (status in {@link #lastStatus()}), 0 if none, -1 if no children. */
    public int pollWait() {
        return pollWait(-1);
    }

    /**
     * {@code waitpid(tid, &status, __WALL|WNOHANG)}: {@code tid} (status in {@link #lastStatus()}),
     * 0 if it has nothing to report, -1 if it is not (or no longer) ours to wait for. Unlike
     * {@code waitpid(-1)}, which walks the whole list of tracees on every call, this looks at one.
     */
    public int pollWait(int tid) {
        while (true) {
            try {
                return LibC.waitpid(tid, status, LibC.__WALL | LibC.WNOHANG);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == LibC.ECHILD) {
                    return -1;
                }
                throw new SyscallException("waitpid", e.getErrorCode());
            }
        }
    }

    /**
     * {@code waitpid(tid, &status, __WALL)}, blocking: the next status of {@code tid} (also in
     * {@link #lastStatus()}), -1 if it is not ours to wait for. Only for a stop due at once (the
     * end of a single step): every other status comes through {@link #pollWait()}.
     */
    public int waitFor(int tid) {
        checkThread();
        while (true) {
            try {
                LibC.waitpid(tid, status, LibC.__WALL);
                return status[0];
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                return -1;
            }
        }
    }

    public int lastStatus() {
        return status[0];
    }
}
