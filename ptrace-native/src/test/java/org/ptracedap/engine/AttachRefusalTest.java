package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;

/**
 * Why an attach was refused, for each reason the kernel gives EPERM — including the ones a test
 * machine may not be able to arrange for real (Yama's ptrace_scope 1 and 3): the engine against
 * a kernel whose PTRACE_SEIZE is refused, with /proc showing a given tracer, owner and scope.
 * (The real refusals: ReliabilityIT#attachRefusalsExplainWhy, TracerTest#attachErrorsSayWhatIsWrong.)
 */
class AttachRefusalTest {
    private static final int SELF = 1000;
    private static final int TARGET = 4242;

    /** A process TARGET whose seize fails with EPERM; /proc fields and ptrace_scope as given. */
    private static final class RefusingKernel implements Kernel {
        private final Map<String, Integer> status;
        private final int myUid;
        private final int scope;

        RefusingKernel(Map<String, Integer> targetStatus, int myUid, int scope) {
            this.status = targetStatus;
            this.myUid = myUid;
            this.scope = scope;
        }

        @Override public void seize(int tid, int options) { throw new SyscallException("ptrace(PTRACE_SEIZE, " + tid + ")", LibC.EPERM); }
        @Override public void interrupt(int tid) { throw new AssertionError("not attached"); }
        @Override public void cont(int tid, int sig) { throw new AssertionError("not attached"); }
        @Override public void listen(int tid) { throw new AssertionError("not attached"); }
        @Override public void singleStep(int tid, int sig) { throw new AssertionError("not attached"); }
        @Override public int waitFor(int tid) { throw new AssertionError("not attached"); }
        @Override public List<org.ptracedap.sys.MemoryMaps.Mapping> mappings(int pid) { return List.of(); }
        @Override public void detach(int tid, int sig) { throw new AssertionError("not attached"); }
        @Override public long eventMsg(int tid) { return 0; }
        @Override public void kill(int pid, int sig) { throw new AssertionError("no kill"); }
        @Override public boolean isThreadOf(int pid, int tid) { return pid == TARGET && tid == TARGET; }
        @Override public int tgid(int tid) { return tid == TARGET ? TARGET : -1; }
        @Override public List<Integer> tasks(int pid) { return pid == TARGET ? List.of(TARGET) : List.of(); }
        @Override public char state(int pid, int tid) { return 'S'; }
        @Override public String comm(int pid, int tid) { return pid == TARGET ? "victim" : pid == 77 ? "strace" : null; }
        @Override public String exe(int pid) { return "/usr/bin/victim"; }
        @Override public int ptraceScope() { return scope; }
        @Override public int selfPid() { return SELF; }
        @Override public boolean blockedInRead(int pid) { return false; }
        @Override public Spawn.Child spawnGated(LaunchSpec spec) { throw new UnsupportedOperationException(); }
        @Override public void schedule(long millis, Runnable task) { throw new AssertionError("nothing to schedule"); }
        @Override public Registers registers(int tid) { throw new AssertionError("not attached"); }
        @Override public byte[] xstate(int tid) { throw new AssertionError("not attached"); }
        @Override public SignalInfo signalInfo(int tid) { throw new AssertionError("not attached"); }
        @Override public void setRegisters(int tid, Registers r) { throw new AssertionError("not attached"); }
        @Override public int readMemory(int pid, long address, byte[] into) { throw new AssertionError("not attached"); }
        @Override public void writeMemory(int pid, long address, byte[] bytes) { throw new AssertionError("not attached"); }

        @Override
        public int statusInt(int pid, String field) {
            if (pid == SELF) {
                return field.equals("Uid") ? myUid : 0;
            }
            return status.getOrDefault(field, field.equals("PPid") ? 1 : 0);
        }
    }

    private static NotPermittedException refusal(RefusingKernel k) {
        Engine e = new Engine(k, (g, ev) -> { });
        return assertInstanceOf(NotPermittedException.class, assertThrows(TraceException.class, () -> e.attach(1, TARGET, TraceOptions.defaults())));
    }

    @Test
    void anotherTracerIsNamedWithItsPid() {
        NotPermittedException r = refusal(new RefusingKernel(Map.of("TracerPid", 77, "Uid", 1000), 1000, 1));
        assertEquals(77, r.tracerPid());
        assertTrue(r.getMessage().contains("process 4242 (victim): it is already traced by process 77 (\"strace\")"), r.getMessage());
    }

    @Test
    void anotherUserIsNamedWithBothUids() {
        NotPermittedException r = refusal(new RefusingKernel(Map.of("Uid", 0), 1000, 0));
        assertTrue(r.getMessage().contains("it belongs to uid 0 and this debugger runs as uid 1000"), r.getMessage());
        assertTrue(r.getMessage().contains("run the debugger as that user or as root"), r.getMessage());
    }

    @Test
    void ptraceScopeOneSaysOnlyDescendantsMayBeTraced() {
        NotPermittedException r = refusal(new RefusingKernel(Map.of("Uid", 1000), 1000, 1));
        assertTrue(r.getMessage().contains("kernel.yama.ptrace_scope is 1, which allows tracing only descendants"), r.getMessage());
        assertTrue(r.getMessage().contains("sysctl -w kernel.yama.ptrace_scope=0"), r.getMessage());
    }

    @Test
    void ptraceScopeThreeSaysAttachingIsForbidden() {
        NotPermittedException r = refusal(new RefusingKernel(Map.of("Uid", 1000), 1000, 3));
        assertTrue(r.getMessage().contains("kernel.yama.ptrace_scope is 3, which forbids attaching at all"), r.getMessage());
    }

    @Test
    void anyOtherRefusalSaysWhatItMayBe() {
        NotPermittedException r = refusal(new RefusingKernel(Map.of("Uid", 1000), 1000, 0));
        assertTrue(r.getMessage().contains("the kernel refused (EPERM); it may be a setuid program or protected by a security module"),
                r.getMessage());
    }
}
