package org.ptracedap.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Spawn;
import org.ptracedap.sys.SyscallException;

/**
 * A scripted {@link Kernel} for deterministic tests: a tiny model of which tids exist and to
 * which process they belong, the message each ptrace event carries, and a log of every
 * ptrace request the engine made ("cont 101 0", "interrupt 102", ...).
 */
final class ScriptedKernel implements Kernel {
    final List<String> calls = new ArrayList<>();
    private final Map<Integer, Integer> tgid = new HashMap<>();
    private final Set<Integer> zombies = new HashSet<>();
    private final Set<Integer> dying = new HashSet<>();
    private final Map<Integer, Long> eventMsg = new HashMap<>();
    private final Map<Integer, Integer> ppid = new HashMap<>();

    /** A new process {@code child} (its own thread group) forked by process {@code parent}. */
    ScriptedKernel forked(int parent, int child) {
        ppid.put(child, parent);
        return thread(child, child);
    }

    /** A live thread {@code tid} of process {@code pid} (pid itself for the leader). */
    ScriptedKernel thread(int pid, int tid) {
        tgid.put(tid, pid);
        return this;
    }

    /** The thread is gone from /proc (reaped or never was). */
    ScriptedKernel gone(int tid) {
        tgid.remove(tid);
        return this;
    }

    /** ptrace requests on it fail with ESRCH (it is exiting), /proc shows it as a zombie. */
    ScriptedKernel dying(int tid) {
        dying.add(tid);
        return this;
    }

    ScriptedKernel zombie(int tid) {
        zombies.add(tid);
        return this;
    }

    ScriptedKernel eventMsg(int tid, long msg) {
        eventMsg.put(tid, msg);
        return this;
    }

    /** The calls so far, then forgets them. */
    List<String> take() {
        List<String> c = new ArrayList<>(calls);
        calls.clear();
        return c;
    }

    private void request(String what, int tid) {
        if (dying.contains(tid) || !tgid.containsKey(tid)) {
            throw new SyscallException(what + "(" + tid + ")", LibC.ESRCH);
        }
    }

    @Override public void seize(int tid, int options) { request("seize", tid); calls.add("seize " + tid); }
    @Override public void interrupt(int tid) { request("interrupt", tid); calls.add("interrupt " + tid); }
    @Override public void cont(int tid, int sig) { request("cont", tid); calls.add("cont " + tid + " " + sig); }
    @Override public void listen(int tid) { request("listen", tid); calls.add("listen " + tid); }
    @Override public void singleStep(int tid, int sig) { request("singlestep", tid); calls.add("singlestep " + tid + " " + sig); }

    /** Statuses that {@link #waitFor} returns, by tid, in order (a single step's end). */
    final Map<Integer, java.util.ArrayDeque<Integer>> waitStatuses = new HashMap<>();

    @Override
    public int waitFor(int tid) {
        calls.add("waitfor " + tid);
        java.util.ArrayDeque<Integer> q = waitStatuses.get(tid);
        return q == null || q.isEmpty() ? -1 : q.poll();
    }

    /** The mappings {@link #mappings} answers. */
    final List<org.ptracedap.sys.MemoryMaps.Mapping> maps = new ArrayList<>();

    @Override
    public List<org.ptracedap.sys.MemoryMaps.Mapping> mappings(int pid) {
        return maps;
    }
    @Override public void detach(int tid, int sig) { request("detach", tid); calls.add("detach " + tid + " " + sig); }

    @Override
    public long eventMsg(int tid) {
        return eventMsg.getOrDefault(tid, 0L);
    }

    @Override public void kill(int pid, int sig) { calls.add("kill " + pid + " " + sig); }

    @Override
    public boolean isThreadOf(int pid, int tid) {
        Integer g = tgid.get(tid);
        return g != null && g == pid;
    }

    @Override
    public int tgid(int tid) {
        return tgid.getOrDefault(tid, -1);
    }

    @Override
    public List<Integer> tasks(int pid) {
        List<Integer> list = new ArrayList<>();
        tgid.forEach((tid, g) -> {
            if (g == pid) {
                list.add(tid);
            }
        });
        list.sort(null);
        return list;
    }

    private final Set<Integer> jobStopped = new HashSet<>();

    /** /proc shows it stopped ('T'): job control, or left stopped by a hand-over. */
    ScriptedKernel stopped(int tid) {
        jobStopped.add(tid);
        return this;
    }

    @Override
    public char state(int pid, int tid) {
        if (zombies.contains(tid)) {
            return 'Z';
        }
        if (jobStopped.contains(tid)) {
            return 'T';
        }
        return isThreadOf(pid, tid) ? 'S' : '?';
    }

    @Override public String comm(int pid, int tid) { return tgid.containsKey(tid) ? "prog" : null; }
    @Override public String exe(int pid) { return tgid.containsKey(pid) ? "/usr/bin/prog" : null; }
    @Override public int statusInt(int pid, String field) { return field.equals("PPid") ? ppid.getOrDefault(pid, 1) : 0; }
    @Override public int ptraceScope() { return -1; }
    @Override public int selfPid() { return 1; }
    @Override public boolean blockedInRead(int pid) { return true; }

    @Override
    public Spawn.Child spawnGated(LaunchSpec spec) {
        throw new UnsupportedOperationException("scripted kernel cannot launch");
    }

    /** Registers the test gives a thread ({@link #registers(int, Registers)}); all zero if none. */
    private final Map<Integer, Registers> regs = new HashMap<>();
    /** Memory of the processes, a page at a time: address → byte, what the test put there. */
    private final Map<Long, Byte> memory = new HashMap<>();

    ScriptedKernel registers(int tid, Registers r) {
        regs.put(tid, r);
        return this;
    }

    ScriptedKernel memory(long address, byte... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            memory.put(address + i, bytes[i]);
        }
        return this;
    }

    /** What {@link #signalInfo} says of a thread's signal ({@link #siginfo}); all zero if nothing was given. */
    private final Map<Integer, SignalInfo> siginfo = new HashMap<>();

    ScriptedKernel siginfo(int tid, SignalInfo info) {
        siginfo.put(tid, info);
        return this;
    }

    @Override
    public SignalInfo signalInfo(int tid) {
        calls.add("getsiginfo " + tid);
        return siginfo.getOrDefault(tid, new SignalInfo(0, 0, 0, 0, 0));
    }

    @Override
    public byte[] xstate(int tid) {
        calls.add("getxstate " + tid);
        return new byte[512];
    }

    @Override
    public Registers registers(int tid) {
        calls.add("getregs " + tid);
        return regs.getOrDefault(tid, Registers.of(new long[Registers.WORDS]));
    }

    @Override
    public void setRegisters(int tid, Registers r) {
        calls.add("setregs " + tid + " rip=0x" + Long.toHexString(r.rip()));
        regs.put(tid, r);
    }

    @Override
    public int readMemory(int pid, long address, byte[] into) {
        int n = 0;
        while (n < into.length && memory.containsKey(address + n)) {
            into[n] = memory.get(address + n);
            n++;
        }
        return n;
    }

    @Override
    public void writeMemory(int pid, long address, byte[] bytes) {
        calls.add("write " + pid + " 0x" + Long.toHexString(address) + " " + bytes.length);
        memory(address, bytes);
    }

    /** Tasks the engine scheduled, with their delay: a test runs them when it wants ({@link #runScheduled}). */
    final List<Runnable> scheduled = new ArrayList<>();

    @Override
    public void schedule(long millis, Runnable task) {
        calls.add("schedule " + millis + "ms");
        scheduled.add(task);
    }

    /** Runs every task scheduled so far (their time has come). */
    void runScheduled() {
        List<Runnable> due = new ArrayList<>(scheduled);
        scheduled.clear();
        due.forEach(Runnable::run);
    }
}
