package org.ptracedap.engine;

import java.util.List;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Ptrace;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;

/** The real {@link Kernel}: ptrace through {@link Ptrace}, facts from {@link ProcFs}. Tracer thread only. */
final class LinuxKernel implements Kernel {
    private final Ptrace ptrace;
    private final int self = LibC.getpid();
    /** Puts work on the tracer thread's queue. */
    private final java.util.function.Consumer<Runnable> onTracer;
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ptrace-timer");
                t.setDaemon(true);
                return t;
            });

    LinuxKernel(Ptrace ptrace, java.util.function.Consumer<Runnable> onTracer) {
        this.ptrace = ptrace;
        this.onTracer = onTracer;
    }

    @Override
    public void schedule(long millis, Runnable task) {
        timer.schedule(() -> onTracer.accept(task), millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override public void seize(int tid, int options) { ptrace.seize(tid, options); }
    @Override public void interrupt(int tid) { ptrace.interrupt(tid); }
    @Override public void cont(int tid, int sig) { ptrace.cont(tid, sig); }
    @Override public void listen(int tid) { ptrace.listen(tid); }
    @Override public void singleStep(int tid, int sig) { ptrace.singleStep(tid, sig); }
    @Override public int waitFor(int tid) { return ptrace.waitFor(tid); }
    @Override public List<org.ptracedap.sys.MemoryMaps.Mapping> mappings(int pid) { return org.ptracedap.sys.MemoryMaps.read(pid); }
    @Override public void detach(int tid, int sig) { ptrace.detach(tid, sig); }
    @Override public long eventMsg(int tid) { return ptrace.getEventMsg(tid); }

    @Override
    public Registers registers(int tid) {
        long[] w = new long[Registers.WORDS];
        ptrace.getRegs(tid, w);
        return Registers.of(w);
    }

    @Override public void setRegisters(int tid, Registers r) { ptrace.setRegs(tid, r.words()); }

    @Override public byte[] xstate(int tid) { return ptrace.getXState(tid); }
    @Override public SignalInfo signalInfo(int tid) { return SignalInfo.of(ptrace.getSigInfo(tid)); }
    @Override public int readMemory(int pid, long address, byte[] into) { return ptrace.readMemory(pid, address, into); }
    @Override public void writeMemory(int pid, long address, byte[] bytes) { ptrace.writeMemory(pid, address, bytes); }

    @Override
    public void kill(int pid, int sig) {
        try {
            LibC.kill(pid, sig);
        } catch (com.sun.jna.LastErrorException e) {
            throw new SyscallException("kill(" + pid + ")", e.getErrorCode());
        }
    }

    /** tgkill(pid, tid, 0) fails with ESRCH unless tid is a thread of pid: one syscall, no /proc path. */
    @Override
    public boolean isThreadOf(int pid, int tid) {
        try {
            LibC.tgkill(pid, tid, 0);
            return true;
        } catch (com.sun.jna.LastErrorException e) {
            return e.getErrorCode() == LibC.EPERM; // exists, in that group, but not ours to signal
        }
    }
    @Override public int tgid(int tid) { return ProcFs.statusInt(tid, "Tgid"); }
    @Override public List<Integer> tasks(int pid) { return ProcFs.tasks(pid); }
    @Override public char state(int pid, int tid) { return ProcFs.state(pid, tid); }
    @Override public String comm(int pid, int tid) { return ProcFs.comm(pid, tid); }
    @Override public String exe(int pid) { return ProcFs.exe(pid); }
    @Override public int statusInt(int pid, String field) { return ProcFs.statusInt(pid, field); }
    @Override public int ptraceScope() { return ProcFs.ptraceScope(); }
    @Override public int selfPid() { return self; }
    @Override public boolean blockedInRead(int pid) { return ProcFs.blockedInRead(pid); }

    @Override
    public Spawn.Child spawnGated(LaunchSpec spec) {
        return Spawn.gated(spec.program(), spec.args(), spec.env(), spec.cwd(), true);
    }
}
