package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ptracedap.debugger.eval.Expression;
import org.ptracedap.debugger.values.Format;
import org.ptracedap.debugger.values.Scope;
import org.ptracedap.debuginfo.BreakpointSites;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.types.NeedsDebugInfo;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.engine.TraceEvent;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracee;
import org.ptracedap.engine.Tracer;
import org.ptracedap.testing.Wait;

/**
 * A breakpoint's frame read on the tracer thread during the hit ({@link Locals#scopeAt}, from a
 * {@link Locals.HitPlan}) is the frame the symbols thread reads ({@link Locals#inScope}, itself
 * checked against gdb by {@link LocalsTest}): at every line with code of the samples' functions,
 * at {@code -O2} and {@code -O0}, each variable the plan can place prints the same, an expression
 * over them has the same value, and a name only the debug info can tell says so
 * ({@link NeedsDebugInfo}) rather than answering wrong. Most of what a condition names is placed.
 */
class HitPlanTest {
    private static final long SECONDS = Sample.LONG.toSeconds();
    private static final java.time.Duration LONG = Sample.LONG;

    @ParameterizedTest
    @CsvSource({"breakpoints, breakpoints.c, calls_per_thread", "breakpoints_O0, breakpoints.c, &results[1]",
        "bp_cpp, bp_cpp.cpp, ''"})
    void theTracerThreadsFrameAtEachBreakpointIsTheSymbolsThreads(String sample, String file, String global) throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Path source = Sample.bin(sample).getParent().resolve("../src/" + file).normalize();
        int lines = Files.readAllLines(source).size();
        List<TraceEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TraceGroup group = Tracer.shared().group(events::add);
        int pid = group.launch(LaunchSpec.of(Sample.bin(sample).toString(),
                sample.startsWith("bp_cpp") ? List.of("-") : List.of("2", "3", "-")), TraceOptions.defaults())
                .get(SECONDS, TimeUnit.SECONDS).pid();
        DebugInfo info = new DebugInfo();
        Stacks stacks = new Stacks(group, info);
        Locals locals = new Locals(group, stacks, info);
        try {
            Wait.until("the program at its entry",
                    () -> events.stream().anyMatch(e -> e instanceof TraceEvent.Stopped s && s.reason() == StopReason.ENTRY));
            Map<Long, Locals.HitPlan> plans = new ConcurrentHashMap<>();
            Map<Long, Integer> lineOf = new TreeMap<>();
            Map<Long, AtomicInteger> seen = new ConcurrentHashMap<>();
            List<String> differences = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger placed = new AtomicInteger();
            AtomicInteger unplaced = new AtomicInteger();
            AtomicInteger compared = new AtomicInteger();
            AtomicInteger learnt = new AtomicInteger();
            group.breakpoints((thread, address) -> {
                Locals.HitPlan plan = plans.get(address);
                if (plan == null || seen.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > 2) {
                    return CompletableFuture.completedFuture(false);
                }
                Map<String, String> fast = readNow(thread, plan, global);
                int tid = thread.tid();
                // the plan passed: the global the symbols thread looks up is kept for the next hit here
                return locals.inScope(pid, tid, 0, plan, scope -> read(scope, fast.keySet())).handle((slow, error) -> {
                    stacks.forget(tid); // it runs on: its frames are not these any more
                    compared.incrementAndGet();
                    if (error != null) {
                        differences.add(Long.toHexString(address) + ": the symbols thread failed: " + error);
                        return false;
                    }
                    fast.forEach((name, value) -> {
                        if (name.equals(global) && value != null) {
                            learnt.incrementAndGet();
                        }
                        if (value == null && !name.equals(global)) {
                            unplaced.incrementAndGet();
                        } else if (value != null) {
                            placed.incrementAndGet();
                            if (!value.equals(slow.get(name))) {
                                differences.add("line " + lineOf.get(address) + " (0x" + Long.toHexString(address) + ") " + name
                                        + ": on the tracer thread " + value + ", on the symbols thread " + slow.get(name));
                            }
                        }
                    });
                    return false;
                });
            }, new CapstoneDecoder()).get(SECONDS, TimeUnit.SECONDS);
            List<Long> addresses = info.ask(pid, s -> {
                BreakpointSites sites = s.breakpointSites();
                List<Long> all = new ArrayList<>();
                for (int line = 1; line <= lines; line++) {
                    for (BreakpointSites.Location l : sites.line(BreakpointSites.SourceFile.of(source.toString()), line).locations()) {
                        if (l.line() == line && !all.contains(l.address())) {
                            all.add(l.address());
                            lineOf.put(l.address(), line);
                        }
                    }
                }
                return all;
            }).get(SECONDS, TimeUnit.SECONDS);
            assertTrue(addresses.size() >= 10, "lines with code: " + addresses.size());
            for (long a : addresses) {
                Locals.HitPlan p = locals.plan(pid, a).get(SECONDS, TimeUnit.SECONDS);
                if (p != null) {
                    plans.put(a, p);
                }
            }
            assertEquals(Map.of(), group.insertBreakpoints(pid, addresses).get(SECONDS, TimeUnit.SECONDS));
            group.resume().get(SECONDS, TimeUnit.SECONDS);
            Wait.until("the program's exit", LONG, () -> events.stream().anyMatch(e -> e instanceof TraceEvent.ProcessExited x && x.pid() == pid));
            TraceEvent.ProcessExited exit = (TraceEvent.ProcessExited) events.stream()
                    .filter(e -> e instanceof TraceEvent.ProcessExited x && x.pid() == pid).findFirst().orElseThrow();
            assertEquals(0, exit.exitCode(), "the program's own checks");
            System.err.println(sample + ": compared " + compared + " hits, placed " + placed + ", left " + unplaced
                    + ", the global read at " + learnt + " hits");
            assertEquals(List.of(), differences, sample);
            assertTrue(compared.get() >= 10, "hits compared: " + compared.get());
            assertTrue(placed.get() > 3 * unplaced.get(), sample + ": placed " + placed + ", left to the debug info " + unplaced);
            if (!global.isEmpty()) {
                assertTrue(learnt.get() > 0, "the global '" + global + "', looked up at a first hit, read at a later one");
            }
            if (sample.endsWith("_O0")) {
                assertEquals(0, unplaced.get(), "at -O0 every variable is in memory or a register");
            }
        } finally {
            stacks.close();
            info.close();
            if (org.ptracedap.sys.ProcFs.exists(pid)) {
                group.kill().get(SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** On the tracer thread: each variable of frame 0 printed, and each one's {@code name == name} and {@code &name}; null when not placed here. */
    private static Map<String, String> readNow(Tracee thread, Locals.HitPlan plan, String global) {
        Scope scope = Locals.scopeAt(thread, plan);
        Map<String, String> out = new LinkedHashMap<>();
        if (scope == null) {
            return out;
        }
        List<String> exprs = new ArrayList<>();
        scope.names().forEach(name -> exprs.addAll(expressions(name)));
        if (!global.isEmpty()) {
            exprs.add(global);
        }
        for (String expr : exprs) {
            {
                String value;
                try {
                    value = NeedsDebugInfo.without(() -> print(scope, expr));
                } catch (NeedsDebugInfo e) {
                    value = null;
                }
                out.put(expr, value);
            }
        }
        return out;
    }

    private static Map<String, String> read(Scope scope, java.util.Set<String> exprs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String expr : exprs) {
            out.put(expr, print(scope, expr));
        }
        return out;
    }

    private static List<String> expressions(String name) {
        return List.of(name, name + " == " + name, "sizeof(" + name + ")");
    }

    /** The value printed as gdb prints it, or the error an evaluation gives. */
    private static String print(Scope scope, String expr) {
        try {
            return Format.format(Expression.compile(expr).evaluate(scope, false), Format.Options.GDB);
        } catch (NeedsDebugInfo e) {
            throw e;
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }
}
