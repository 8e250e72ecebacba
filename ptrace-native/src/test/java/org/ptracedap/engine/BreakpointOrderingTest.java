package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.ptracedap.sys.LibC.PTRACE_EVENT_STOP;
import static org.ptracedap.sys.Signals.SIGTRAP;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.WaitStatus;

/**
 * Breakpoint hits in the orders the kernel reports them, which real runs hit only sometimes: two
 * threads trapping at once while the group stops, a trap whose breakpoint was removed before it
 * was collected (moribund), an interrupt reported before the SIGTRAP of an int3 already executed,
 * and a thread that sits on a breakpoint it has not executed. Process 100 with threads 101 and
 * 102; the breakpoint is on a {@code jmp} (stepped off by emulation: no scratch memory needed).
 */
class BreakpointOrderingTest {
    private static final int PID = 100;
    private static final long BP = 0x1000;
    private static final long TARGET = 0x1007;

    private final List<TraceEvent> events = new ArrayList<>();
    private ScriptedKernel kernel;
    private Engine engine;

    @BeforeEach
    void attachAndSetABreakpoint() {
        kernel = new ScriptedKernel().thread(PID, PID).thread(PID, 101).thread(PID, 102);
        engine = new Engine(kernel, (g, ev) -> events.add(ev));
        engine.attach(PID, PID, TraceOptions.defaults());
        kernel.memory(BP, (byte) 0xeb, (byte) 0x05, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90);
        engine.breakpoints(PID, (thread, at) -> CompletableFuture.completedFuture(true),
                (address, code) -> (code[0] & 0xff) == 0xeb ? new InstructionDecoder.Instruction(2, "jmp", "0x1007")
                        : new InstructionDecoder.Instruction(1, "nop", ""));
        engine.insertBreakpoint(PID, PID, BP);
        byte[] now = new byte[1];
        kernel.readMemory(PID, BP, now);
        assertEquals((byte) 0xcc, now[0], "the int3 is in");
        kernel.take();
        events.clear();
    }

    private void at(int tid, long rip) {
        kernel.registers(tid, Registers.of(new long[Registers.WORDS]).withPc(rip));
    }

    private void trap(int tid) {
        kernel.siginfo(tid, new SignalInfo(SIGTRAP, SignalInfo.SI_KERNEL, 0, 0, 0));
        engine.onWaitStatus(tid, WaitStatus.ofStop(SIGTRAP, 0));
    }

    private void interruptStop(int tid) {
        engine.onWaitStatus(tid, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
    }

    private List<TraceEvent.Stopped> stops() {
        return events.stream().filter(e -> e instanceof TraceEvent.Stopped).map(e -> (TraceEvent.Stopped) e).toList();
    }

    private long rip(int tid) {
        return kernel.registers(tid).rip();
    }

    @Test
    void twoThreadsTrappingAtOnceAreTwoStopsEachReportedOnce() {
        at(101, BP + 1);
        trap(101); // the group stops for 101: 100 and 102 are interrupted
        assertTrue(kernel.take().containsAll(List.of("interrupt 100", "interrupt 102")));
        at(102, BP + 1);
        trap(102); // 102's trap comes instead of its interrupt stop
        at(PID, 0x5000);
        interruptStop(PID);
        assertEquals(List.of(new TraceEvent.Stopped(PID, StopReason.BREAKPOINT, 101, 0, BP)), stops(), "one stop, for 101");
        assertEquals(BP, rip(101), "rewound onto the breakpoint");
        assertEquals(BP, rip(102));
        kernel.take();

        engine.resume(PID); // 102's hit is the next stop: nothing runs
        assertEquals(List.of(), kernel.take().stream().filter(c -> c.startsWith("cont")).toList());
        assertEquals(new TraceEvent.Stopped(PID, StopReason.BREAKPOINT, 102, 0, BP), stops().get(1));

        engine.resume(PID); // now all run: both stepped off the jmp by emulation, 100 as it was
        List<String> calls = kernel.take();
        assertTrue(calls.containsAll(List.of("setregs 101 rip=0x1007", "setregs 102 rip=0x1007",
                "cont 100 0", "cont 101 0", "cont 102 0")), calls.toString());
        assertEquals(TARGET, rip(101));
        interruptStop(102); // the interrupt sent to 102 before its trap: held a moment, then on its way
        assertEquals(List.of("cont 102 0"), kernel.take().stream().filter(c -> c.startsWith("cont")).toList());
        assertEquals(2, stops().size(), "each hit once, never a stale stop again");
    }

    @Test
    void aTrapOfABreakpointRemovedMeanwhileIsOursAndNeverDelivered() {
        engine.removeBreakpoint(PID, PID, BP); // 101 executed the int3 just before
        byte[] now = new byte[1];
        kernel.readMemory(PID, BP, now);
        assertEquals((byte) 0xeb, now[0], "the original byte is back");
        kernel.take();
        at(101, BP + 1);
        trap(101);
        List<String> calls = kernel.take();
        assertTrue(calls.containsAll(List.of("setregs 101 rip=0x1000", "cont 101 0")), calls.toString());
        assertTrue(events.stream().noneMatch(e -> e instanceof TraceEvent.SignalReceived), events.toString());
        assertEquals(List.of(), stops());
    }

    @Test
    void anInterruptBeforeTheTrapOfAnExecutedInt3CollectsTheTrapAndAThreadOnTheBreakpointRunsIntoIt() {
        engine.pause(PID, new CompletableFuture<>());
        kernel.take();
        at(101, BP + 1); // executed the int3; its SIGTRAP is queued behind the interrupt
        interruptStop(101);
        assertEquals(List.of("getregs 101", "cont 101 0"), kernel.take(), "continued to collect its trap");
        trap(101);
        at(102, BP); // sits on the breakpoint, not executed
        interruptStop(102);
        at(PID, 0x5000);
        interruptStop(PID);
        assertEquals(List.of(new TraceEvent.Stopped(PID, StopReason.PAUSE, 0, 0, 0)), stops());
        kernel.take();

        engine.resume(PID); // 101's hit came during the pause: it is the next stop
        assertEquals(new TraceEvent.Stopped(PID, StopReason.BREAKPOINT, 101, 0, BP), stops().get(1));
        assertTrue(kernel.take().stream().noneMatch(c -> c.startsWith("cont")));

        engine.resume(PID);
        List<String> calls = kernel.take();
        assertTrue(calls.contains("setregs 101 rip=0x1007"), "101 stepped off its hit: " + calls);
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("setregs 102")), "102 was not stepped past it: " + calls);
        at(102, BP + 1);
        kernel.take();
        trap(102); // it runs into the breakpoint: a hit of its own, and the group stops for it
        assertTrue(kernel.take().containsAll(List.of("interrupt 100", "interrupt 101")));
        interruptStop(PID);
        interruptStop(101);
        assertEquals(new TraceEvent.Stopped(PID, StopReason.BREAKPOINT, 102, 0, BP), stops().get(stops().size() - 1));
        assertEquals(3, stops().size());
    }
}
