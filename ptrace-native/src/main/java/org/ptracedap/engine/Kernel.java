package org.ptracedap.engine;

import java.util.List;
import org.ptracedap.sys.Spawn;

/**
 * Everything the {@link Engine} asks of the operating system, so that the state machine can be
 * driven by the real kernel ({@link LinuxKernel}) or by a scripted one in tests. Failed ptrace
 * requests throw {@link org.ptracedap.sys.SyscallException}; {@code /proc} queries return
 * "gone" values (-1, '?', null, empty) instead of throwing.
 */
public interface Kernel {
    void seize(int tid, int options);

    void interrupt(int tid);

    void cont(int tid, int sig);

    void listen(int tid);

    /** PTRACE_SINGLESTEP: the thread runs one instruction, then stops with SIGTRAP. */
    void singleStep(int tid, int sig);

    /**
     * Waits (blocking) for the next wait status of {@code tid}, -1 if it is not ours: only for a
     * stop due at once (the end of a single step); every other status comes to {@link Engine#onWaitStatus}.
     */
    int waitFor(int tid);

    /** The process's memory mappings now ({@code /proc/PID/maps}), empty if it is gone. */
    List<org.ptracedap.sys.MemoryMaps.Mapping> mappings(int pid);

    void detach(int tid, int sig);

    long eventMsg(int tid);

    /** PTRACE_GETSIGINFO of a thread stopped with a signal. */
    SignalInfo signalInfo(int tid);

    /** PTRACE_GETREGS of a stopped thread. */
    Registers registers(int tid);

    /** The XSAVE area of a stopped thread (x87, SSE, AVX…): PTRACE_GETREGSET NT_X86_XSTATE. */
    byte[] xstate(int tid);

    /** PTRACE_SETREGS of a stopped thread. */
    void setRegisters(int tid, Registers registers);

    /** Reads process memory; the number of bytes read (fewer at unmapped memory, 0 if none). */
    int readMemory(int pid, long address, byte[] into);

    /** Writes process memory (text too); throws {@link org.ptracedap.sys.SyscallException} if it cannot. */
    void writeMemory(int pid, long address, byte[] bytes);

    void kill(int pid, int sig);

    /** Is {@code tid} a thread of process {@code pid} right now? */
    boolean isThreadOf(int pid, int tid);

    /** The thread group (process) of {@code tid}, or -1 if it is gone. */
    int tgid(int tid);

    List<Integer> tasks(int pid);

    /** The {@code /proc} state letter of a thread, '?' if gone. */
    char state(int pid, int tid);

    String comm(int pid, int tid);

    String exe(int pid);

    /** A field of {@code /proc/PID/status} as an int, -1 if absent. */
    int statusInt(int pid, String field);

    int ptraceScope();

    int selfPid();

    /** Is {@code pid} blocked in {@code read()} right now ({@code /proc/PID/syscall})? */
    boolean blockedInRead(int pid);

    /** Starts the gated trampoline for a launch (see {@link Spawn#gated}). */
    Spawn.Child spawnGated(LaunchSpec spec);

    /** Runs {@code task} on the tracer thread (with the engine) after {@code millis}. */
    void schedule(long millis, Runnable task);
}
