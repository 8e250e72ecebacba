package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.ptracedap.engine.Sample.LONG;
import static org.ptracedap.engine.Sample.bin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ptracedap.debugger.CapstoneDecoder;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.MemoryMaps;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.WaitStatus;
import org.ptracedap.testing.NmSymbols;

/**
 * Breakpoints against the real {@code breakpoints} sample: 8 threads calling {@code hot()} — every
 * hit counted once, the program's own checksum intact (a call stepped over twice or skipped
 * breaks it), no SIGTRAP ever reaching it, and no int3 left after a detach.
 */
class BreakpointsTest {
    private final Tracer tracer = Tracer.shared();
    private final Recorder rec = new Recorder();
    private final List<TraceGroup> groups = new ArrayList<>();
    private final List<Integer> launched = new ArrayList<>();

    @AfterEach
    void killWhatWeLaunched() throws Exception {
        rec.close();
        for (int i = 0; i < launched.size(); i++) {
            int pid = launched.get(i);
            if (tracer.call(() -> ProcFs.exists(pid)).get() && ProcFs.statusInt(pid, "TracerPid") > 0) {
                try {
                    groups.get(i).kill().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // exited meanwhile
                }
            }
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(LONG.toSeconds(), TimeUnit.SECONDS);
    }

    private TraceGroup launch(BreakpointHandler handler, String... args) throws Exception {
        return launchSample("breakpoints", handler, args);
    }

    private TraceGroup launchSample(String sample, BreakpointHandler handler, String... args) throws Exception {
        TraceGroup group = tracer.group(e -> { });
        ProcessInfo info = get(group.launch(LaunchSpec.of(bin(sample).toString(), List.of(args)), TraceOptions.defaults()));
        groups.add(group);
        launched.add(info.pid());
        rec.await(info.pid(), TraceEvent.Stopped.class, s -> s.reason() == StopReason.ENTRY);
        get(group.breakpoints(handler, new CapstoneDecoder()));
        return group;
    }

    /** The run-time address of {@code symbol} of the sample in process {@code pid}. */
    private static long address(int pid, String symbol) throws Exception {
        return address(pid, "breakpoints", symbol);
    }

    private static long address(int pid, String sample, String symbol) throws Exception {
        String exe = bin(sample).toRealPath().toString();
        long bias = MemoryMaps.read(pid).stream().filter(m -> exe.equals(m.path()) && m.offset() == 0)
                .mapToLong(MemoryMaps.Mapping::start).min().orElseThrow();
        return bias + new NmSymbols(bin(sample)).address(symbol);
    }

    private static byte[] memory(int pid, long address) throws Exception {
        return memory(pid, address, 16);
    }

    private static byte[] memory(int pid, long address, int n) throws Exception {
        byte[] b = new byte[n];
        try (org.ptracedap.testing.ProcMemory m = new org.ptracedap.testing.ProcMemory(pid)) {
            assertEquals(n, m.read(address, b));
        }
        return b;
    }

    private int pid(TraceGroup g) throws Exception {
        return get(g.processes()).get(0);
    }

    private void assertExitedCleanly(int pid) throws Exception {
        TraceEvent.ProcessExited x = rec.awaitExit(pid);
        assertEquals(0, x.exitCode(), "exit " + x + "; output: " + rec.output(pid));
        assertTrue(rec.of(pid, TraceEvent.SignalReceived.class).stream().noneMatch(s -> s.signal() == Signals.SIGTRAP),
                "a SIGTRAP of ours reached the program");
    }

    @Test
    void eightThreadsTimes2000HitsThatNeverStopAreEachCountedOnce() throws Exception {
        Map<Long, AtomicInteger> perCall = new ConcurrentHashMap<>();
        AtomicInteger hits = new AtomicInteger();
        TraceGroup g = launch((thread, at) -> {
            Registers r = thread.registers();
            perCall.computeIfAbsent(r.rdi() * 1_000_000 + r.rsi(), k -> new AtomicInteger()).incrementAndGet();
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(false);
        }, "8", "2000", "-");
        int pid = pid(g);
        long hot = address(pid, "hot");
        assertEquals(Map.of(), get(g.insertBreakpoints(pid, List.of(hot))));
        get(g.resume());
        assertExitedCleanly(pid);
        assertEquals(16_000, hits.get());
        assertEquals(16_000, perCall.size(), "each (thread, i) once");
        assertTrue(perCall.values().stream().allMatch(n -> n.get() == 1));
        assertTrue(rec.of(pid, TraceEvent.Stopped.class).stream().noneMatch(s -> s.reason() == StopReason.BREAKPOINT));
    }

    @Test
    void aSignalStormWhileThreadsStepOffBreakpointsLosesNoHitAndNoSignal() throws Exception {
        Map<Long, AtomicInteger> perCall = new ConcurrentHashMap<>();
        TraceGroup g = launch((thread, at) -> {
            Registers r = thread.registers();
            perCall.computeIfAbsent(r.rdi() * 1_000_000 + r.rsi(), k -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.completedFuture(false);
        }, "8", "2000", "-", "0", "100"); // SIGALRM every 100 µs, handled by the program
        int pid = pid(g);
        assertEquals(Map.of(), get(g.insertBreakpoints(pid, List.of(address(pid, "hot"), address(pid, "mix")))));
        get(g.resume());
        assertExitedCleanly(pid);
        assertEquals(16_001, perCall.values().stream().mapToInt(AtomicInteger::get).sum(), "16,000 calls of hot, one of mix");
        assertTrue(perCall.values().stream().allMatch(n -> n.get() == 1), "each call once");
        long alarms = rec.of(pid, TraceEvent.SignalReceived.class).stream().filter(x -> x.signal() == Signals.SIGALRM).count();
        java.util.regex.Matcher said = java.util.regex.Pattern.compile("alarms (\\d+)").matcher(rec.output(pid));
        assertTrue(said.find(), rec.output(pid));
        assertTrue(alarms > 0, "the storm came");
        assertEquals(alarms, Long.parseLong(said.group(1)), "every SIGALRM we saw reached the program's handler");
    }

    @Test
    void eightThreadsTimes50StoppingHitsAreEachTheirOwnStop() throws Exception {
        TraceGroup g = launch(BreakpointHandler.ALWAYS, "8", "50", "-");
        int pid = pid(g);
        long hot = address(pid, "hot");
        assertEquals(Map.of(), get(g.insertBreakpoints(pid, List.of(hot))));
        Set<Long> calls = ConcurrentHashMap.newKeySet();
        get(g.resume());
        for (int n = 1; n <= 400; n++) {
            int seen = n;
            TraceEvent.Stopped s = rec.await(pid, TraceEvent.Stopped.class,
                    e -> e.reason() == StopReason.BREAKPOINT && rec.of(pid, TraceEvent.Stopped.class).stream()
                            .filter(x -> x.reason() == StopReason.BREAKPOINT).count() >= seen);
            List<TraceEvent.Stopped> stops = rec.of(pid, TraceEvent.Stopped.class).stream()
                    .filter(x -> x.reason() == StopReason.BREAKPOINT).toList();
            s = stops.get(n - 1);
            assertEquals(hot, s.address());
            Registers r = get(g.registers(s.tid()));
            assertEquals(hot, r.rip(), "the thread is shown on the breakpoint");
            assertTrue(calls.add(r.rdi() * 1_000_000 + r.rsi()), "call (" + r.rdi() + ", " + r.rsi() + ") stopped twice");
            get(g.resume());
        }
        assertExitedCleanly(pid);
        assertEquals(400, calls.size());
        assertEquals(400, rec.of(pid, TraceEvent.Stopped.class).stream().filter(x -> x.reason() == StopReason.BREAKPOINT).count());
    }

    @Test
    void aBreakpointRemovedWhileThreadsTrapOnItNeverReachesTheProgram() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        TraceGroup g = launch((thread, at) -> {
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(false);
        }, "8", "5000000", "-");
        int pid = pid(g);
        long hot = address(pid, "hot");
        long mix = address(pid, "mix");
        get(g.resume());
        int rounds = 0;
        for (; rounds < 20 && rec.of(pid, TraceEvent.ProcessExited.class).isEmpty(); rounds++) {
            try {
                get(g.insertBreakpoints(pid, List.of(hot, mix)));
                int before = hits.get();
                Sample.await("hits", () -> hits.get() > before + 200 || !rec.of(pid, TraceEvent.ProcessExited.class).isEmpty());
                get(g.removeBreakpoints(pid, List.of(hot, mix)));
            } catch (java.util.concurrent.ExecutionException e) {
                assertInstanceOf(NoSuchProcessException.class, e.getCause(), "only because it exited");
            }
        }
        assertTrue(rounds > 1, "the program outran the test: make its run longer");
        assertExitedCleanly(pid);
        assertTrue(hits.get() > 0);
    }

    @Test
    void attachBreakHitDetachLeavesTheProgramRunningUntouched() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (Sample s = Sample.start("breakpoints", "4", "1500", "-", "300")) {
                s.awaitOutput("ready");
                TraceGroup g = tracer.group(e -> { });
                get(g.attach(s.pid, TraceOptions.defaults()));
                get(g.breakpoints(BreakpointHandler.ALWAYS, new CapstoneDecoder()));
                long hot = address(s.pid, "hot");
                byte[] before = memory(s.pid, hot);
                assertEquals(Map.of(), get(g.insertBreakpoints(s.pid, List.of(hot))));
                rec.await(s.pid, TraceEvent.Stopped.class, e -> e.reason() == StopReason.BREAKPOINT);
                get(g.resume()); // others trap meanwhile: their SIGTRAPs are pending when the detach stops them
                get(g.detach());
                assertArrayEquals(before, memory(s.pid, hot), "an int3 was left behind");
                assertEquals(0, ProcFs.statusInt(s.pid, "TracerPid"));
                int status = s.awaitExit();
                assertTrue(WaitStatus.exited(status) && WaitStatus.exitCode(status) == 0,
                        "round " + round + ": " + WaitStatus.describe(status) + "; " + s.output());
            }
        }
    }

    @Test
    void childrenWeDoNotFollowNeverDieOfOurInt3sAndEveryHitOfTheParentCountsOnce() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        TraceGroup g = launchSample("spawner", (thread, at) -> {
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(false);
        }, "4", "3000", "100");
        int pid = pid(g);
        // work: the workers call it, and the fork children (in their copy, which must lose our int3s)
        assertEquals(Map.of(), get(g.insertBreakpoints(pid, List.of(address(pid, "spawner", "work")))));
        get(g.resume());
        long execve = 0;
        while (execve == 0) {
            execve = libcSymbol(pid, "execve");
            Thread.onSpinWait();
        }
        // execve: the posix_spawn children call it, in the memory they share with us, int3 and all
        get(g.pause());
        assertEquals(Map.of(), get(g.insertBreakpoints(pid, List.of(execve))));
        get(g.resume());
        assertExitedCleanly(pid);
        assertTrue(rec.output(pid).contains("spawner: 100 spawns, 100 forks ok"), rec.output(pid));
        assertEquals(4 * 3000, hits.get(), "the workers' calls, each once; the children's are not ours");
    }

    /** The address of a libc function in process {@code pid} (its dynamic symbol), 0 until libc is mapped. */
    private static long libcSymbol(int pid, String name) throws Exception {
        for (MemoryMaps.Mapping m : MemoryMaps.read(pid)) {
            if (m.path() != null && m.path().contains("/libc.so") && m.offset() == 0) {
                return m.start() + new NmSymbols(java.nio.file.Path.of(m.path()), true).address(name);
            }
        }
        return 0;
    }

    @Test
    void aBreakpointOnTheSyscallThatMakesThreadsLetsEveryNewThreadRunOnFromIt() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        TraceGroup group = tracer.group(e -> { });
        ProcessInfo info = get(group.launch(LaunchSpec.of(bin("clone_storm").toString(), List.of("300", "8")), TraceOptions.defaults()));
        groups.add(group);
        launched.add(info.pid());
        int pid = info.pid();
        rec.await(pid, TraceEvent.Stopped.class, s -> s.reason() == StopReason.ENTRY);
        get(group.breakpoints((thread, at) -> {
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(false);
        }, new CapstoneDecoder()));
        get(group.resume());
        long clone3 = -1;
        while (clone3 < 0) { // libc is mapped early; its symbols (libc6-dbg) name glibc's internal __clone3
            if (MemoryMaps.read(pid).stream().anyMatch(m -> m.path() != null && m.path().contains("/libc.so"))) {
                get(group.pause());
                try (org.ptracedap.debuginfo.Symbols symbols = org.ptracedap.debuginfo.Symbols.open(pid)) {
                    clone3 = symbols.breakpointSites().elfFunction("__clone3");
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(clone3 > 0, "libc's __clone3 is not named (libc6-dbg missing)");
                break;
            }
            Thread.onSpinWait();
        }
        // the syscall instruction in __clone3: the new thread starts after it, at the same rip — in our slot
        long syscall = 0;
        try (org.ptracedap.debuginfo.Disassembler d = org.ptracedap.debuginfo.Disassembler.open(org.ptracedap.debuginfo.Disassembler.Syntax.INTEL)) {
            for (org.ptracedap.debuginfo.Disassembler.Instruction i : d.disassemble(memory(pid, clone3, 96), clone3, 40)) {
                if (i.mnemonic().equals("syscall")) {
                    syscall = i.address();
                    break;
                }
            }
        }
        assertTrue(syscall != 0, "a syscall in __clone3");
        assertEquals(Map.of(), get(group.insertBreakpoints(pid, List.of(syscall))));
        get(group.resume());
        assertExitedCleanly(pid);
        assertTrue(rec.output(pid).contains("clone_storm: 300 threads done"), rec.output(pid));
        assertEquals(301, rec.assertEachThreadOnce(pid));
        assertTrue(hits.get() >= 250, "most of the 300 clones came after the breakpoint: " + hits.get());
    }
}
