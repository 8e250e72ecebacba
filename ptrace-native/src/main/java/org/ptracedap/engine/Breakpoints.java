package org.ptracedap.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.Sites.Site;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;
import org.ptracedap.sys.MemoryMaps;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.SyscallException;
import org.ptracedap.sys.WaitStatus;

/**
 * Software breakpoints: an int3 written into the running program through {@code /proc/PID/mem}
 * (no thread need stop for it), every hit counted exactly once, and the way past it.
 * <ul>
 *   <li><b>A hit</b> — a SIGTRAP whose rip is one past an int3 of ours: rip goes back onto the
 *       breakpoint and the thread ({@link TracedThread#hitAt}) is marked as having executed it;
 *       only that thread is stopped while the group's {@link BreakpointHandler} decides. Stop: the
 *       group stops for it (one {@code Stopped}), or, if the group is stopping or stopped
 *       already, the hit waits its turn and is reported at the next resume instead of running
 *       ({@link TracedGroup#pendingHits}) — never dropped, never doubled.</li>
 *   <li><b>A trap not yet collected</b>: PTRACE_INTERRUPT may stop a thread that executed the int3
 *       before its SIGTRAP is dequeued (the interrupt is reported first). It is continued at once
 *       to collect the trap as a hit; a detach would otherwise let the SIGTRAP kill the program.</li>
 *   <li><b>The way past</b>, only for a thread whose own trap was that breakpoint (a thread that
 *       merely sits at the address has not executed it: it runs into it — lldb lost hits by
 *       stepping such threads past): the original instruction run out of line ({@link OutOfLine}),
 *       the int3 staying in place for every other thread; what cannot be moved is stepped in
 *       place while the whole group is stopped.</li>
 *   <li><b>A trap of a breakpoint removed</b> since the thread executed it is still ours: rewound,
 *       never delivered (gdb's moribund locations).</li>
 * </ul>
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class Breakpoints {
    private static final byte INT3 = (byte) 0xcc;
    /** Scratch memory per page mapped into a process for out-of-line slots. */
    private static final int SCRATCH_SIZE = 64 * 1024;
    private static final long REACH = (1L << 31) - SCRATCH_SIZE - (1 << 20);

    private final Engine engine;

    Breakpoints(Engine engine) {
        this.engine = engine;
    }

    // ------------------------------------------------------------------ insert, remove

    /**
     * Writes an int3 at {@code address} of process {@code p} (nothing if ours is there); throws
     * TraceException saying why not. One of ours whose memory no longer holds it (its library was
     * unloaded, and loaded again) is made anew.
     */
    void insert(TracedProcess p, long address) {
        place(p, address).user = true;
    }

    /** A step's own int3 at {@code address} (sharing a user's there, if any); taken out by {@link #removeInternal}. */
    void insertInternal(TracedProcess p, long address) {
        Sites sites = p.sites;
        boolean fresh = sites == null || sites.at(address) == null;
        Site site = place(p, address);
        if (fresh) {
            site.user = false;
        }
        site.internal++;
    }

    void removeInternal(TracedProcess p, long address) {
        Site site = p.sites != null ? p.sites.at(address) : null;
        if (site == null || site.internal == 0) {
            return;
        }
        site.internal--;
        if (site.internal == 0 && !site.user) {
            takeOut(p, address);
        }
    }

    private Site place(TracedProcess p, long address) {
        if (p.mode == Mode.LAUNCHING) {
            throw new TraceException("the program has not started yet");
        }
        Sites sites = p.sites != null ? p.sites : (p.sites = new Sites());
        Site there = sites.at(address);
        if (there != null) {
            if (int3At(p, address)) {
                return there;
            }
            sites.byAddress.remove(address);
        }
        InstructionDecoder decoder = p.group != null ? p.group.decoder : null;
        if (decoder == null) {
            throw new TraceException("breakpoints need a disassembler (capstone 4: apt-get install libcapstone4)");
        }
        byte[] code = new byte[16];
        int n = read(p, address, code);
        if (n <= 0) {
            throw new TraceException("cannot read the program's memory at 0x" + Long.toHexString(address));
        }
        InstructionDecoder.Instruction insn = decoder.decode(address, java.util.Arrays.copyOf(code, n));
        if (insn == null || insn.length() <= 0) {
            throw new TraceException("there is no instruction at 0x" + Long.toHexString(address));
        }
        OutOfLine plan = OutOfLine.plan(address, code, insn);
        try {
            engine.kernel.writeMemory(p.pid, address, new byte[] {INT3});
        } catch (SyscallException e) {
            throw new TraceException("cannot write a breakpoint at 0x" + Long.toHexString(address) + ": " + e.getMessage(), e.errno());
        }
        Site site = new Site(address, code[0], plan);
        sites.byAddress.put(address, site);
        sites.reinserted(address);
        return site;
    }

    /** Takes the session's breakpoint at {@code address} out (the int3 stays while a step uses it). */
    void remove(TracedProcess p, long address) {
        Site site = p.sites != null ? p.sites.at(address) : null;
        if (site != null && site.internal > 0) {
            site.user = false;
            return;
        }
        takeOut(p, address);
    }

    /** Takes the int3 at {@code address} out (nothing if there is none). */
    private void takeOut(TracedProcess p, long address) {
        Sites sites = p.sites;
        Site site = sites != null ? sites.byAddress.remove(address) : null;
        if (site == null) {
            return;
        }
        if (int3At(p, address)) {
            restore(p.pid, site); // else the memory is not what we wrote into (its library went): nothing to undo
        }
        sites.removed(address);
    }

    private void restore(int pid, Site site) {
        writeQuietly(pid, site.address, site.original);
    }

    /** One byte written at {@code address}, nothing if the process is gone. */
    private void writeQuietly(int pid, long address, byte b) {
        try {
            engine.kernel.writeMemory(pid, address, new byte[] {b});
        } catch (SyscallException e) {
            // the process is gone
        }
    }

    /** Reads memory as the program wrote it: our int3s show as the bytes they replaced. */
    int read(TracedProcess p, long address, byte[] into) {
        int n = readRaw(p.pid, address, into);
        if (p.sites != null) {
            p.sites.hide(address, into, n);
        }
        return n;
    }

    /** Writes memory for the program's sake: a byte under an int3 of ours becomes its saved byte, the int3 stays. */
    void write(TracedProcess p, long address, byte[] bytes) {
        byte[] out = bytes;
        if (p.sites != null && !p.sites.isEmpty()) {
            out = bytes.clone();
            for (Site s : p.sites.byAddress.values()) {
                long off = s.address - address;
                if (off >= 0 && off < bytes.length) {
                    s.original = bytes[(int) off];
                    out[(int) off] = INT3;
                }
            }
        }
        engine.kernel.writeMemory(p.pid, address, out);
    }

    // ------------------------------------------------------------------ stops

    /** Any stop of a thread that was continued into a slot: where it is, in the program's terms. */
    void leaveSlot(TracedThread t) {
        t.outOfLine = false;
        Sites sites = t.proc.sites;
        if (sites == null) {
            return;
        }
        Registers r = registers(t);
        Map.Entry<Long, OutOfLine> slot = r != null ? sites.slotHolding(r.rip()) : null;
        if (slot == null) {
            return;
        }
        OutOfLine plan = slot.getValue();
        long at = plan.programAddress(slot.getKey(), r.rip());
        if (at < 0) {
            setPc(t, r, -at); // it has not run the instruction: it is back on the breakpoint, to be stepped off again
            t.hitAt = -at;
        } else if (at > 0 && !(r.origRax() >= 0 && isSyscall(plan))) {
            setPc(t, r, at); // (a syscall's restart would move rip back by 2 — onto the int3: it stays in the slot)
        }
    }

    private static boolean isSyscall(OutOfLine plan) {
        byte[] i = plan.instruction;
        return i.length >= 2 && i[i.length - 2] == 0x0f && i[i.length - 1] == 0x05;
    }

    /**
     * A SIGTRAP signal-delivery stop: ours (a hit, or the trap of a breakpoint removed since)? Then
     * it is handled here and never delivered.
     */
    boolean onTrap(TracedThread t) {
        TracedProcess p = t.proc;
        Sites sites = p.sites;
        if (sites == null) {
            return false;
        }
        Registers r = registers(t);
        if (r == null) {
            return false;
        }
        long at = r.rip() - 1;
        if (sites.at(at) == null) {
            if (!sites.wasRemoved(at) || !isKernelTrap(t) || int3At(p, at)) {
                return false; // the program's own SIGTRAP (raise, its own int3)
            }
            setPc(t, r, at); // moribund: the int3 it executed is gone; run what is there now
            engine.allStop.held(t, 0, false);
            return true;
        }
        setPc(t, r, at);
        t.hitAt = at;
        if (p.vforkShadow) {
            engine.allStop.held(t, 0, false); // not the session's: stepped off, on its way
            return true;
        }
        if (engine.steps.onSiteHit(t, at)) {
            return true; // the return of a call a step runs over: the step goes on
        }
        if (!sites.at(at).user) {
            engine.allStop.held(t, 0, false); // a step's own int3 met by another thread (or a deeper frame): not a hit
            return true;
        }
        t.stopped(0, false);
        decide(t, at);
        return true;
    }

    /** What {@link #stepOffForStep} did. */
    enum StepOff { NOT_ON_ONE, DONE, SINGLE_STEP, GONE }

    /**
     * Before a single step of {@code t} (its group stopped): if it is on an int3 of ours, the
     * instruction there is stepped over the breakpoint's way, not hit (as gdb resumes from a
     * breakpoint's address) — emulated or stepped in place (DONE: one instruction is behind it),
     * or moved to its out-of-line slot (SINGLE_STEP: step it there; the stop maps rip back).
     */
    StepOff stepOffForStep(TracedThread t) {
        Sites sites = t.proc.sites;
        Registers r = registers(t);
        if (r == null) {
            return StepOff.GONE;
        }
        long at = r.rip();
        if (sites == null || sites.at(at) == null) {
            return StepOff.NOT_ON_ONE;
        }
        t.hitAt = at;
        stepOff(t, true);
        if (t.outOfLine) {
            return StepOff.SINGLE_STEP;
        }
        Registers now = registers(t);
        if (now == null) {
            return StepOff.GONE;
        }
        return now.rip() != at ? StepOff.DONE : StepOff.SINGLE_STEP;
    }

    private boolean isKernelTrap(TracedThread t) {
        try {
            return engine.kernel.signalInfo(t.tid).code() == SignalInfo.SI_KERNEL;
        } catch (SyscallException e) {
            return false;
        }
    }

    private boolean int3At(TracedProcess p, long at) {
        byte[] b = new byte[1];
        return readRaw(p.pid, at, b) == 1 && b[0] == INT3;
    }

    /** Memory as it is, int3s and all; 0 bytes if the process cannot be read (it is exiting). */
    private int readRaw(int pid, long address, byte[] into) {
        try {
            return engine.kernel.readMemory(pid, address, into);
        } catch (SyscallException e) {
            return 0;
        }
    }

    /**
     * An interrupt stop: did the thread execute an int3 of ours whose SIGTRAP is still pending?
     * Then it is continued to collect it (it stays awaited; the trap comes at once, as a hit).
     */
    boolean trapPending(TracedThread t) {
        Sites sites = t.proc.sites;
        if (sites == null || sites.isEmpty() || t.state() == State.NEW) {
            return false;
        }
        Registers r = registers(t);
        if (r == null || sites.at(r.rip() - 1) == null) {
            return false;
        }
        try {
            engine.kernel.cont(t.tid, 0);
            t.interruptSent(); // awaited again: its trap is the stop to wait for
        } catch (SyscallException e) {
            t.gone();
        }
        return true;
    }

    /** Asks the group's handler whether the hit of {@code t} at {@code at} stops; the thread stays stopped meanwhile. */
    private void decide(TracedThread t, long at) {
        TracedGroup g = t.proc.group;
        BreakpointHandler handler = g != null && g.breakpointHandler != null ? g.breakpointHandler : BreakpointHandler.ALWAYS;
        CompletableFuture<Boolean> answer;
        t.deciding = true;
        Engine.LiveTracee tracee = engine.tracee(t);
        try {
            answer = handler.hit(tracee, at);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(true); // a broken condition stops, as gdb does
        } finally {
            tracee.valid = false;
        }
        if (answer.isDone()) {
            decided(t, at, stops(answer));
        } else {
            CompletableFuture<Boolean> later = answer;
            later.whenComplete((stop, error) -> engine.kernel.schedule(0, () -> decided(t, at, stops(later))));
        }
    }

    private static boolean stops(CompletableFuture<Boolean> answer) {
        try {
            return !Boolean.FALSE.equals(answer.getNow(true));
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void decided(TracedThread t, long at, boolean stop) {
        TracedProcess p = t.proc;
        if (!t.deciding || engine.table.thread(t.tid) != t || t.state() != State.STOPPED || t.hitAt != at) {
            return; // gone, detached or exec'ed meanwhile
        }
        t.deciding = false;
        if (stop) {
            engine.steps.cancel(t); // its own breakpoint ends its step (as gdb's does)
        }
        TracedGroup g = p.group;
        boolean running = p.mode == Mode.RUNNING && (g == null || g.mode == TracedGroup.Mode.RUNNING);
        if (stop || (running && !canStepOffAlone(t))) {
            if (running && g != null) {
                engine.allStop.stopForBreakpoint(t, at);
            } else {
                t.hitPending = true;
                if (g != null) {
                    g.pendingHits.add(t);
                }
                engine.allStop.held(t, 0, false);
            }
        } else {
            engine.allStop.held(t, 0, false); // running: stepped off and continued; else it waits with the others
        }
    }

    // ------------------------------------------------------------------ stepping off

    /** Can {@code t} get past its breakpoint while the others run? (Not if the instruction must be stepped in place.) */
    private boolean canStepOffAlone(TracedThread t) {
        Site site = t.proc.sites != null ? t.proc.sites.at(t.hitAt) : null;
        return site == null || site.plan.kind != OutOfLine.Kind.INLINE;
    }

    /**
     * Before {@code t} is continued: if its last stop was its hit of a breakpoint still there, and
     * it is still on it, set it past — out of line, emulated, or (only with {@code othersStopped})
     * stepped in place. False if it could not be (then it stays stopped on the breakpoint).
     */
    boolean stepOff(TracedThread t, boolean othersStopped) {
        long at = t.hitAt;
        t.hitAt = 0;
        t.hitPending = false;
        Sites sites = t.proc.sites;
        Site site = sites != null ? sites.at(at) : null;
        if (site == null) {
            return true; // removed: the original instruction is back in place
        }
        Registers r = registers(t);
        if (r == null || r.rip() != at) {
            return true; // moved elsewhere meanwhile (a jump, a setVariable of rip)
        }
        OutOfLine plan = site.plan;
        long[] w = r.words();
        switch (plan.kind) {
            case JMP -> w[RIP] = plan.target;
            case CALL -> {
                if (!push(t, w, plan.next())) {
                    return inPlace(t, site, othersStopped);
                }
                w[RIP] = plan.target;
            }
            case CALL_INDIRECT -> {
                long target = callTarget(t.proc, r, plan);
                if (target == 0 || !push(t, w, plan.next())) {
                    return inPlace(t, site, othersStopped);
                }
                w[RIP] = target;
            }
            case LOOP -> {
                boolean taken;
                if (plan.condition == 0xe3) {
                    taken = w[RCX] == 0;
                } else {
                    w[RCX] -= 1;
                    boolean zf = (r.eflags() & 0x40) != 0;
                    taken = w[RCX] != 0 && (plan.condition == 0xe2 || (plan.condition == 0xe1) == zf);
                }
                w[RIP] = taken ? plan.target : plan.next();
            }
            case DISPLACE, JCC -> {
                long slot = slotFor(t, site);
                if (slot == 0) {
                    return inPlace(t, site, othersStopped);
                }
                w[RIP] = slot;
                t.outOfLine = true;
            }
            case INLINE -> {
                return inPlace(t, site, othersStopped);
            }
        }
        try {
            engine.kernel.setRegisters(t.tid, Registers.of(w));
        } catch (SyscallException e) {
            return true; // gone: its death will come
        }
        return true;
    }

    private static final int RCX = 11, RSP = 19, RIP = 16;

    private boolean push(TracedThread t, long[] w, long value) {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        try {
            engine.kernel.writeMemory(t.proc.pid, w[RSP] - 8, b);
        } catch (SyscallException e) {
            return false;
        }
        w[RSP] -= 8;
        return true;
    }

    /** The instruction with the int3 out, one single step, the int3 back: only while no other thread runs. */
    private boolean inPlace(TracedThread t, Site site, boolean othersStopped) {
        if (!othersStopped) {
            t.hitAt = site.address;
            return false;
        }
        restore(t.proc.pid, site);
        try {
            int status = singleStep(t);
            if (status != -1 && !WaitStatus.stopped(status)) {
                int tid = t.tid;
                engine.kernel.schedule(0, () -> engine.onWaitStatus(tid, status)); // it died in the step
            }
        } finally {
            writeQuietly(t.proc.pid, site.address, INT3);
        }
        return true;
    }

    /**
     * One single step of stopped thread {@code t}, waited for: its status after it (a signal that
     * came instead is kept for delivery, and the step taken again; another one meanwhile is sent
     * to the process again, to come after), -1 if it is gone.
     */
    private int singleStep(TracedThread t) {
        for (int tries = 0; tries < 16; tries++) {
            try {
                engine.kernel.singleStep(t.tid, 0);
            } catch (SyscallException e) {
                return -1;
            }
            int status = engine.kernel.waitFor(t.tid);
            if (status == -1 || !WaitStatus.stopped(status)) {
                return status;
            }
            int sig = WaitStatus.stopSignal(status);
            if (sig == Signals.SIGTRAP && WaitStatus.event(status) == 0) {
                return status;
            }
            if (WaitStatus.event(status) == 0 && t.pendingSignal() == 0) {
                t.stopped(sig, false); // delivered when it is continued
            } else if (WaitStatus.event(status) == 0) {
                engine.kernel.kill(t.proc.pid, sig); // a second one while one is kept: sent again, not lost
            }
        }
        return -1;
    }

    /** Where an indirect call goes: its register or memory operand, read now; 0 if it cannot be told. */
    private long callTarget(TracedProcess p, Registers r, OutOfLine plan) {
        String op = plan.operand.trim();
        boolean memory = op.contains("[");
        if (memory) {
            if (!op.matches("(qword ptr )?\\[[^\\]:]*\\]")) {
                return 0; // a segment (fs:), or an odd size
            }
            op = op.substring(op.indexOf('[') + 1, op.length() - 1);
        }
        long value = 0;
        for (String term : op.replace(" - ", " + -").split(" \\+ ")) {
            String s = term.trim();
            boolean negative = s.startsWith("-");
            s = negative ? s.substring(1) : s;
            long v;
            int star = s.indexOf('*');
            if (star > 0) {
                Long reg = register(r, s.substring(0, star), plan);
                if (reg == null) {
                    return 0;
                }
                v = reg * Long.parseLong(s.substring(star + 1));
            } else if (s.matches("0x[0-9a-f]+|[0-9]+")) {
                v = Long.decode(s);
            } else {
                Long reg = register(r, s, plan);
                if (reg == null) {
                    return 0;
                }
                v = reg;
            }
            value += negative ? -v : v;
        }
        if (!memory) {
            return value;
        }
        byte[] b = new byte[8];
        if (read(p, value, b) != 8) {
            return 0;
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static Long register(Registers r, String name, OutOfLine plan) {
        if (name.equals("rip")) {
            return plan.next();
        }
        for (Registers.Named n : r.inReadingOrder()) {
            if (n.name().equals(name)) {
                return n.value();
            }
        }
        return null; // a 32-bit or other register: not in an address we place
    }

    // ------------------------------------------------------------------ slots

    /** The slot of {@code site}'s plan, written the first time: 0 if none can be made. */
    private long slotFor(TracedThread t, Site site) {
        if (site.slot != 0) {
            return site.slot;
        }
        Sites sites = t.proc.sites;
        long slot = sites.takeSlot();
        byte[] code = slot != 0 ? site.plan.slotCode(slot) : null;
        if (code == null) {
            long page = mapScratch(t, site.address);
            if (page == 0) {
                return 0;
            }
            sites.addPage(new Sites.Page(page, page + SCRATCH_SIZE));
            slot = sites.takeSlot();
            code = site.plan.slotCode(slot);
            if (code == null) {
                return 0;
            }
        }
        try {
            engine.kernel.writeMemory(t.proc.pid, slot, code);
        } catch (SyscallException e) {
            return 0;
        }
        sites.slots.put(slot, site.plan);
        site.slot = slot;
        return slot;
    }

    /**
     * Maps scratch memory (read and execute; we write it through /proc/PID/mem) into {@code t}'s
     * process, near {@code near} so that rip-relative operands reach it: the thread, stopped, is
     * made to run an {@code mmap} syscall at a {@code syscall} instruction found in the program's
     * code, then given its registers back. 0 if that fails.
     */
    private long mapScratch(TracedThread t, long near) {
        TracedProcess p = t.proc;
        List<MemoryMaps.Mapping> maps = engine.kernel.mappings(p.pid);
        long gadget = syscallInstruction(p, maps);
        Registers saved = registers(t);
        if (gadget == 0 || saved == null) {
            return 0;
        }
        long[] w = saved.words();
        w[10] = 9; // rax: mmap
        w[14] = hintNear(maps, near); // rdi: addr
        w[13] = SCRATCH_SIZE; // rsi: length
        w[12] = 5; // rdx: PROT_READ | PROT_EXEC
        w[7] = 0x22; // r10: MAP_PRIVATE | MAP_ANONYMOUS
        w[9] = -1; // r8: fd
        w[8] = 0; // r9: offset
        w[15] = -1; // orig_rax: no syscall to restart
        w[RIP] = gadget;
        try {
            engine.kernel.setRegisters(t.tid, Registers.of(w));
            int status = singleStep(t);
            if (status == -1 || !WaitStatus.stopped(status)) {
                if (status != -1) {
                    int tid = t.tid;
                    engine.kernel.schedule(0, () -> engine.onWaitStatus(tid, status));
                }
                return 0;
            }
            long result = engine.kernel.registers(t.tid).rax();
            engine.kernel.setRegisters(t.tid, saved);
            return result < 0 && result > -4096 ? 0 : result;
        } catch (SyscallException e) {
            return 0;
        }
    }

    /** An address in a free gap of {@code maps} within reach of {@code near}: below the run of mappings holding it, or above. */
    static long hintNear(List<MemoryMaps.Mapping> maps, long near) {
        for (int i = 0; i < maps.size(); i++) {
            if (!maps.get(i).contains(near)) {
                continue;
            }
            int lo = i;
            while (lo > 0 && maps.get(lo - 1).end() == maps.get(lo).start()) {
                lo--;
            }
            long below = lo > 0 ? maps.get(lo - 1).end() : 0x10000;
            long hint = maps.get(lo).start() - SCRATCH_SIZE - 0x100000;
            if (hint >= below && near - hint < REACH) {
                return hint;
            }
            int hi = i;
            while (hi + 1 < maps.size() && maps.get(hi + 1).start() == maps.get(hi).end()) {
                hi++;
            }
            long above = maps.get(hi).end() + 0x100000;
            long limit = hi + 1 < maps.size() ? maps.get(hi + 1).start() : Long.MAX_VALUE;
            if (above + SCRATCH_SIZE <= limit && above - near < REACH) {
                return above;
            }
        }
        return 0;
    }

    /** A {@code syscall} instruction (bytes 0f 05) in the process's code: the vdso first, then any executable mapping. */
    private long syscallInstruction(TracedProcess p, List<MemoryMaps.Mapping> maps) {
        if (p.sites.syscallAt != 0) {
            return p.sites.syscallAt;
        }
        List<MemoryMaps.Mapping> order = new java.util.ArrayList<>();
        for (MemoryMaps.Mapping m : maps) {
            if (m.perms().length() > 2 && m.perms().charAt(0) == 'r' && m.perms().charAt(2) == 'x') {
                if ("[vdso]".equals(m.path())) {
                    order.add(0, m);
                } else {
                    order.add(m);
                }
            }
        }
        byte[] chunk = new byte[64 * 1024];
        for (MemoryMaps.Mapping m : order) {
            for (long at = m.start(); at < m.end(); at += chunk.length - 1) {
                int n = read(p, at, chunk);
                for (int i = 0; i + 1 < n; i++) {
                    if (chunk[i] == 0x0f && chunk[i + 1] == 0x05) {
                        p.sites.syscallAt = at + i;
                        return at + i;
                    }
                }
                if (n < chunk.length) {
                    break;
                }
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ processes

    /** A followed fork child: its copy of the memory has our int3s (a vfork child shares them: the same table). */
    void forked(TracedProcess parent, TracedProcess child, boolean sharesMemory) {
        if (parent.sites != null && !parent.sites.isEmpty()) {
            child.sites = sharesMemory ? parent.sites : parent.sites.copy();
        }
    }

    /**
     * A fork child we let go: our int3s out of its copy of the memory first (it would die of the
     * first one it ran into). Not for a child that shares its parent's memory (vfork).
     */
    void cleanChild(TracedProcess parent, int child) {
        if (parent == null || parent.sites == null || parent.sites.isEmpty()) {
            return;
        }
        for (Site s : parent.sites.byAddress.values()) {
            restore(child, s);
        }
        Site any = parent.sites.byAddress.values().iterator().next();
        if (!int3At(parent, any.address)) {
            // It shares its parent's memory after all (a vfork child seen before its event): put them back.
            for (Site s : parent.sites.byAddress.values()) {
                writeQuietly(parent.pid, s.address, INT3);
            }
        }
    }

    /** The process runs a new program: none of our int3s or slots exist in it. */
    void execed(TracedProcess p) {
        p.sites = null;
    }

    /** Before a detach, every thread stopped: threads out of their slots, then every int3 out. */
    void detaching(TracedProcess p) {
        Sites sites = p.sites;
        if (sites == null) {
            return;
        }
        for (TracedThread t : p.threads.values()) {
            if (t.state() == State.STOPPED && t.outOfLine) {
                leaveSlot(t);
            }
        }
        for (Site s : sites.byAddress.values()) {
            restore(p.pid, s);
        }
        sites.byAddress.clear();
    }

    // ------------------------------------------------------------------ registers

    private Registers registers(TracedThread t) {
        try {
            return engine.kernel.registers(t.tid);
        } catch (SyscallException e) {
            return null;
        }
    }

    private void setPc(TracedThread t, Registers r, long pc) {
        try {
            engine.kernel.setRegisters(t.tid, r.withPc(pc));
        } catch (SyscallException e) {
            // gone: its death will come
        }
    }
}
