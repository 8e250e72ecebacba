package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ptracedap.engine.Sample.LONG;
import static org.ptracedap.engine.Sample.bin;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ptracedap.debugger.CapstoneDecoder;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.MemoryMaps;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.testing.NmSymbols;
import org.ptracedap.testing.ProcMemory;

/**
 * Steps ({@link StepPlan}) on the real {@code breakpoints} sample, 8 threads calling hot() with a
 * stopping breakpoint on it: one instruction off a breakpoint; a step out of hot() and a step over
 * the call of it, each ending on its own thread where its frame returns — while the other
 * threads' hits stop the group again and again, each reported once (the step waits, it is not
 * lost); the program's own checksum intact at the end.
 */
class StepsTest {
    private final Tracer tracer = Tracer.shared();
    private final Recorder rec = new Recorder();
    private TraceGroup group;
    private int pid;

    @AfterEach
    void kill() throws Exception {
        rec.close();
        if (pid > 0 && tracer.call(() -> ProcFs.exists(pid)).get() && ProcFs.statusInt(pid, "TracerPid") > 0) {
            try {
                group.kill().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exited meanwhile
            }
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(LONG.toSeconds(), TimeUnit.SECONDS);
    }

    private void launch(String... args) throws Exception {
        group = tracer.group(e -> { }); // the recorder hears every group
        pid = get(group.launch(LaunchSpec.of(bin("breakpoints").toString(), List.of(args)), TraceOptions.defaults())).pid();
        rec.await(pid, TraceEvent.Stopped.class, s -> s.reason() == StopReason.ENTRY);
        get(group.breakpoints(BreakpointHandler.ALWAYS, new CapstoneDecoder()));
    }

    private long address(String symbol) throws Exception {
        String exe = bin("breakpoints").toRealPath().toString();
        long bias = MemoryMaps.read(pid).stream().filter(m -> exe.equals(m.path()) && m.offset() == 0)
                .mapToLong(MemoryMaps.Mapping::start).min().orElseThrow();
        return bias + new NmSymbols(bin("breakpoints")).address(symbol);
    }

    private long word(long address) throws Exception {
        byte[] b = new byte[8];
        try (ProcMemory m = new ProcMemory(pid)) {
            assertEquals(8, m.read(address, b));
        }
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The n-th Stopped of the process (0-based), waited for. */
    private TraceEvent.Stopped stop(int n) throws Exception {
        return rec.awaitCount(pid, TraceEvent.Stopped.class, n + 1).get(n);
    }

    /**
     * Resumes the group until {@code step} is done, each stop in between being another thread's
     * hit of hot (its (thread, i) recorded); returns how many there were.
     */
    private int resumeUntilDone(CompletableFuture<StepPlan.End> step, int stopsSoFar, Set<Long> calls) throws Exception {
        return untilDone(step, stopsSoFar, s -> {
            Registers r = get(group.registers(s.tid()));
            assertEquals(address("hot"), s.address(), "a hit of hot: " + s);
            assertTrue(calls.add(r.rdi() * 1_000_000 + r.rsi()), "hit " + r.rdi() + "/" + r.rsi() + " reported twice");
        });
    }

    private interface OnStop {
        void stopped(TraceEvent.Stopped s) throws Exception;
    }

    /**
     * While {@code step} (started: the group runs, or it stopped at once for a hit that was waiting)
     * is not done: each stop of the group in between, a breakpoint's, looked at and resumed from.
     * Returns how many stops there were in all.
     */
    private int untilDone(CompletableFuture<StepPlan.End> step, int stopsSoFar, OnStop each) throws Exception {
        int n = stopsSoFar;
        while (true) {
            int seen = n;
            org.ptracedap.testing.Wait.until("the step's end or another stop", LONG,
                    () -> step.isDone() || rec.of(pid, TraceEvent.Stopped.class).size() > seen);
            if (rec.of(pid, TraceEvent.Stopped.class).size() <= n) {
                return n; // done, and no stop after it
            }
            TraceEvent.Stopped s = stop(n++);
            assertEquals(StopReason.BREAKPOINT, s.reason(), s.toString());
            assertFalse(step.isDone(), "a stop after the step's end: " + s);
            each.stopped(s);
            get(group.resume());
        }
    }

    private void finishCleanly(long hot) throws Exception {
        get(group.removeBreakpoints(pid, List.of(hot)));
        get(group.resume());
        TraceEvent.ProcessExited x = rec.awaitExit(pid);
        assertEquals(0, x.exitCode(), "the program's checksum: " + rec.output(pid));
    }

    @Test
    void oneInstructionOffABreakpointMovesOnByItsLength() throws Exception {
        launch("8", "100", "-");
        long hot = address("hot");
        assertEquals(Map.of(), get(group.insertBreakpoints(pid, List.of(hot))));
        get(group.resume());
        TraceEvent.Stopped s = stop(1);
        assertEquals(hot, s.address(), rec.of(pid).toString());
        byte[] code = new byte[16];
        try (ProcMemory m = new ProcMemory(pid)) {
            m.read(hot, code);
        }
        code[0] = (byte) get(group.inspect(s.tid(), t -> {
            byte[] b = new byte[1];
            t.read(hot, b); // as the program wrote it: our int3 hidden
            return b[0]; }));
        InstructionDecoder.Instruction insn = new CapstoneDecoder().decode(hot, code);
        assertFalse(insn.mnemonic().startsWith("j") || insn.mnemonic().startsWith("call"), "hot starts with " + insn);
        long rip = get(group.step(s.tid(), StepPlan.instruction())).rip();
        assertEquals(hot + insn.length(), rip, "after " + insn);
        assertEquals(rip, get(group.registers(s.tid())).rip());
        assertEquals(2, rec.of(pid, TraceEvent.Stopped.class).size(), "a step is not a stop of the group's");
        finishCleanly(hot);
    }

    @Test
    void aStepOutOfHotEndsInItsCallerOnItsThreadWhileOtherThreadsHitHot() throws Exception {
        launch("8", "200", "-");
        long hot = address("hot");
        assertEquals(Map.of(), get(group.insertBreakpoints(pid, List.of(hot))));
        get(group.resume());
        TraceEvent.Stopped s = stop(1);
        Registers at = get(group.registers(s.tid()));
        Set<Long> calls = new HashSet<>(List.of(at.rdi() * 1_000_000 + at.rsi()));
        long returnTo = word(at.rsp());
        long cfa = at.rsp() + 8;
        CompletableFuture<StepPlan.End> out = group.step(s.tid(), StepPlan.out(returnTo, cfa));
        int stops = resumeUntilDone(out, 2, calls);
        assertEquals(returnTo, get(out).rip(), "back in worker, after the call");
        Registers back = get(group.registers(s.tid()));
        assertEquals(cfa, back.rsp(), "in the caller's frame");
        assertEquals((at.rdi() * 100000L + at.rsi()) * 2 + 1, back.rax(), "hot's result for its own call");
        assertEquals(stops, rec.of(pid, TraceEvent.Stopped.class).size(), "the step's end is not a stop of the group's");
        finishCleanly(hot);
    }

    @Test
    void aStepOverTheCallOfHotEndsAfterItOnItsThread() throws Exception {
        launch("8", "200", "-");
        long hot = address("hot");
        long call = callOf(address("worker"), hot);
        assertNotNull(call, "worker calls hot");
        int length = 5; // call rel32
        // the call site's breakpoint only: the other threads hit it while this one's step runs hot (the
        // stepping thread's own breakpoint in hot would end its step, as gdb's next ends)
        assertEquals(Map.of(), get(group.insertBreakpoints(pid, List.of(call))));
        get(group.resume());
        TraceEvent.Stopped s = stop(1);
        assertEquals(call, s.address());
        Registers at = get(group.registers(s.tid()));
        CompletableFuture<StepPlan.End> over = group.step(s.tid(), StepPlan.over(List.of(new long[] {call, call + length})));
        int stops = untilDone(over, 2, other -> { }); // the other threads' hits of the call site
        assertEquals(call + length, get(over).rip());
        Registers back = get(group.registers(s.tid()));
        assertEquals(at.rsp(), back.rsp(), "in worker's frame");
        assertEquals((at.rdi() * 100000L + at.rsi()) * 2 + 1, back.rax(), "hot's result for this call");
        assertEquals(stops, rec.of(pid, TraceEvent.Stopped.class).size());
        finishCleanly(call);
    }

    /** The address of the first {@code call target} in the function at {@code function}. */
    private Long callOf(long function, long target) throws Exception {
        byte[] code = new byte[512];
        try (ProcMemory m = new ProcMemory(pid)) {
            m.read(function, code);
        }
        CapstoneDecoder d = new CapstoneDecoder();
        int off = 0;
        while (off < code.length - 16) {
            InstructionDecoder.Instruction insn = d.decode(function + off, java.util.Arrays.copyOfRange(code, off, off + 16));
            if (insn == null) {
                return null;
            }
            if (insn.mnemonic().equals("call") && insn.operands().equals("0x" + Long.toHexString(target))) {
                return function + off;
            }
            off += insn.length();
        }
        return null;
    }
}
