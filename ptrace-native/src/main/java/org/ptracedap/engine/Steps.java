package org.ptracedap.engine;

import java.util.concurrent.CompletableFuture;
import org.ptracedap.engine.TracedProcess.Mode;
import org.ptracedap.engine.TracedThread.State;
import org.ptracedap.sys.SyscallException;

/**
 * Steps ({@link StepPlan}), each owned by its thread ({@link TracedThread#step}) — lldb's thread
 * plans, in the engine's terms of addresses and stack pointers.
 * <ul>
 *   <li><b>Inside the range</b> only the stepping thread moves, one PTRACE_SINGLESTEP at a time,
 *       the group staying paused: no other thread is stopped and started again per instruction.
 *       An instruction under an int3 of ours is stepped over the breakpoint's way ({@link
 *       Breakpoints#stepOffForStep}: out of line, emulated, or in place while the others are
 *       stopped), never hit.</li>
 *   <li><b>A call stepped over</b> (and a step out) runs at full speed, the whole group with it:
 *       an int3 of the step's own at the return address (shared with a breakpoint of the user's
 *       there), which counts only for this thread once its stack pointer is back above the call's
 *       (a recursion's inner returns pass); then the group is stopped again without a word
 *       ({@link TracedGroup#quietPause}) and the stepping goes on.</li>
 *   <li><b>Another thread's breakpoint</b> meanwhile stops the group as any hit does: the step
 *       stays this thread's, waiting at its return address, and goes on when the group is
 *       resumed — it is not lost and it does not fail (Delve's "next while nexting").</li>
 *   <li><b>A signal</b> that comes to the stepping thread is delivered, its handler run to its
 *       return (an int3 of the step's at the interrupted instruction, gdb's step-resume
 *       breakpoint), then the step goes on.</li>
 * </ul>
 *
 * <p>Part of the {@link Engine}; tracer thread only.
 */
final class Steps {
    /** A thread's step under way. */
    static final class Stepping {
        final StepPlan plan;
        final CompletableFuture<StepPlan.End> done;
        /** A PTRACE_SINGLESTEP is under way: its trap is this step's. */
        boolean awaitingTrap;
        /** Where the last instruction stepped started, and the stack pointer then. */
        long fromRip;
        long fromRsp;
        /** The step's own int3, its address (0: none), and the stack pointer this thread must be above when it hits it. */
        long resumeAt;
        long resumeAbove;
        /** It ends at the entry of a function the stepped instruction called. */
        boolean enteredCall;

        Stepping(StepPlan plan, CompletableFuture<StepPlan.End> done) {
            this.plan = plan;
            this.done = done;
        }
    }

    private final Engine engine;

    Steps(Engine engine) {
        this.engine = engine;
    }

    /** Starts {@code plan} on {@code t}, whose group is paused; {@code done} gets its rip when it is over. */
    void start(TracedThread t, StepPlan plan, CompletableFuture<StepPlan.End> done) {
        TracedGroup g = t.proc.group;
        if (g == null || g.mode != TracedGroup.Mode.PAUSED || t.state() != State.STOPPED) {
            done.completeExceptionally(new TraceException("thread " + t.tid + " can step only while the program is paused"));
            return;
        }
        if (t.step != null) {
            done.completeExceptionally(new TraceException("thread " + t.tid + " is already stepping"));
            return;
        }
        Stepping s = new Stepping(plan, done);
        t.step = s;
        if (plan.kind() == StepPlan.Kind.OUT) {
            runTo(t, s, plan.returnTo(), plan.frameSp() - 1); // returned: rsp is the CFA again
        } else {
            stepOnce(t, s);
        }
    }

    /** One instruction of {@code t}, the others stopped. */
    private void stepOnce(TracedThread t, Stepping s) {
        Registers r = registers(t);
        if (r == null) {
            gone(t);
            return;
        }
        s.fromRip = r.rip();
        s.fromRsp = r.rsp();
        switch (engine.breakpoints.stepOffForStep(t)) {
            case DONE -> {
                afterStep(t, s);
                return;
            }
            case GONE -> {
                gone(t);
                return;
            }
            default -> { }
        }
        int sig = t.resumed();
        try {
            engine.kernel.singleStep(t.tid, sig);
            s.awaitingTrap = true;
        } catch (SyscallException e) {
            t.gone();
            gone(t);
        }
    }

    /** A SIGTRAP of {@code t}: the end of its single step? Then the step goes on from there. */
    boolean onTrap(TracedThread t) {
        Stepping s = t.step;
        if (s == null || !s.awaitingTrap) {
            return false;
        }
        s.awaitingTrap = false;
        t.stopped(0, false);
        afterStep(t, s);
        return true;
    }

    /**
     * Another stop of {@code t} during its single step (a signal came first): delivered, and its
     * handler run to the interrupted instruction, where the step goes on. True if it was ours to handle.
     */
    boolean onSignal(TracedThread t, int sig) {
        Stepping s = t.step;
        if (s == null || !s.awaitingTrap) {
            return false;
        }
        s.awaitingTrap = false;
        Registers r = registers(t);
        if (r == null) {
            gone(t);
            return true;
        }
        t.stopped(sig, false);
        // the handler returns to rip with the stack as it is now
        s.resumeAt = r.rip();
        s.resumeAbove = r.rsp() - 1;
        if (!insertOwn(t, s)) {
            finish(t, s, r.rip());
            return true;
        }
        engine.allStop.resumeThread(t); // alone: the others stay stopped
        return true;
    }

    private void afterStep(TracedThread t, Stepping s) {
        Registers r = registers(t);
        if (r == null) {
            gone(t);
            return;
        }
        long rip = r.rip();
        StepPlan plan = s.plan;
        if (plan.kind() == StepPlan.Kind.INSTRUCTION) {
            finish(t, s, rip);
            return;
        }
        if (plan.inRange(rip)) {
            stepOnce(t, s);
            return;
        }
        long returnAddress = calledFrom(t, s, r);
        if (returnAddress != 0 && plan.kind() == StepPlan.Kind.OVER) {
            runTo(t, s, returnAddress, s.fromRsp - 1); // back when rsp is the caller's again
            return;
        }
        s.enteredCall = returnAddress != 0;
        finish(t, s, rip);
    }

    /**
     * Did the instruction just stepped call (rsp went down by a word, and the word there is the
     * address after that instruction)? The return address, or 0.
     */
    private long calledFrom(TracedThread t, Stepping s, Registers r) {
        if (r.rsp() != s.fromRsp - 8) {
            return 0;
        }
        byte[] word = new byte[8];
        if (engine.breakpoints.read(t.proc, r.rsp(), word) != 8) {
            return 0;
        }
        long ret = java.nio.ByteBuffer.wrap(word).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long after = s.fromRip + instructionLength(t.proc, s.fromRip);
        return ret == after && ret != s.fromRip ? ret : 0;
    }

    private int instructionLength(TracedProcess p, long address) {
        InstructionDecoder d = p.group != null ? p.group.decoder : null;
        byte[] code = new byte[16];
        int n = engine.breakpoints.read(p, address, code);
        InstructionDecoder.Instruction insn = d == null || n <= 0 ? null : d.decode(address, java.util.Arrays.copyOf(code, n));
        return insn != null ? insn.length() : 0;
    }

    /** The group runs until {@code t} is at {@code address} with its stack pointer above {@code above}. */
    private void runTo(TracedThread t, Stepping s, long address, long above) {
        s.resumeAt = address;
        s.resumeAbove = above;
        if (!insertOwn(t, s)) {
            finish(t, s, registers(t) != null ? registers(t).rip() : 0);
            return;
        }
        engine.allStop.resume(t.proc.group, true);
    }

    private boolean insertOwn(TracedThread t, Stepping s) {
        try {
            engine.breakpoints.insertInternal(t.proc, s.resumeAt);
            return true;
        } catch (TraceException e) {
            s.resumeAt = 0;
            return false;
        }
    }

    /**
     * {@code t} trapped on an int3 at {@code at} (rip back on it): its step's own, with the stack
     * where the step wants it? Then it is consumed: the group stops (quietly) and the step goes
     * on. False: not this thread's step (another thread, a deeper frame), for the others to judge.
     */
    boolean onSiteHit(TracedThread t, long at) {
        Stepping s = t.step;
        if (s == null || s.resumeAt != at) {
            return false;
        }
        Registers r = registers(t);
        if (r == null || Long.compareUnsigned(r.rsp(), s.resumeAbove) <= 0) {
            return false;
        }
        dropOwn(t, s);
        t.hitAt = 0; // not a hit of anyone's: the int3 is gone (or the user's, which this thread now owes nothing)
        t.stopped(0, false);
        TracedGroup g = t.proc.group;
        if (g != null && g.mode == TracedGroup.Mode.RUNNING) {
            engine.allStop.pauseQuietly(g, () -> goOn(t, s));
        } else if (g != null && g.mode == TracedGroup.Mode.PAUSING) {
            g.waitingSteps.add(t); // the group stops for another's sake: that stop first, the step at the next resume
        } else {
            goOn(t, s); // the others are stopped already (a signal handler run alone)
        }
        return true;
    }

    /** At a resume of its paused group: {@code t}'s step, back from its call meanwhile, goes on. False if it has none now. */
    boolean goOnAtResume(TracedThread t) {
        Stepping s = t.step;
        if (s == null || engine.table.thread(t.tid) != t || t.state() != State.STOPPED) {
            return false;
        }
        goOn(t, s);
        return true;
    }

    /** The group is paused again around the stepping thread, back from a call or a handler: the step goes on. */
    private void goOn(TracedThread t, Stepping s) {
        if (t.step != s || engine.table.thread(t.tid) != t || t.state() != State.STOPPED) {
            return;
        }
        if (s.plan.kind() == StepPlan.Kind.OUT) {
            Registers r = registers(t);
            finish(t, s, r != null ? r.rip() : 0);
        } else {
            afterStep(t, s);
        }
    }

    private void finish(TracedThread t, Stepping s, long rip) {
        if (t.step == s) {
            t.step = null;
        }
        dropOwn(t, s);
        s.done.complete(new StepPlan.End(rip, s.enteredCall));
    }

    /** {@code t} stopped for its own breakpoint: its step is over, unfinished ({@code done} is cancelled). */
    void cancel(TracedThread t) {
        Stepping s = t.step;
        if (s == null) {
            return;
        }
        t.step = null;
        if (t.proc.group != null) {
            t.proc.group.waitingSteps.remove(t);
        }
        dropOwn(t, s);
        s.done.cancel(false);
    }

    /** {@code t} is gone (exited, killed, detached, exec'ed): its step ends unfinished. */
    void gone(TracedThread t) {
        Stepping s = t.step;
        if (s == null) {
            return;
        }
        t.step = null;
        dropOwn(t, s);
        s.done.completeExceptionally(new TraceException("thread " + t.tid + " ended before its step did"));
    }

    /** The step's own int3 out (if it has one in). */
    private void dropOwn(TracedThread t, Stepping s) {
        if (s.resumeAt != 0 && t.proc.mode != Mode.LAUNCHING) {
            engine.breakpoints.removeInternal(t.proc, s.resumeAt);
        }
        s.resumeAt = 0;
    }

    private Registers registers(TracedThread t) {
        try {
            return engine.kernel.registers(t.tid);
        } catch (SyscallException e) {
            return null;
        }
    }
}
