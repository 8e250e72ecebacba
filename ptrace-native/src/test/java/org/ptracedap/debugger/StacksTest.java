package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.GdbFrames;

/**
 * Every frame of every thread — libc's (with libc6-dbg: its inlined frames too), a recursion, a
 * signal handler above the kernel's signal frame, {@code always_inline} calls, C++ namespaces,
 * templates and lambdas — against gdb's {@code thread apply all bt} on the same process, frame
 * for frame: its kind (inlined or not, signal trampoline), pc, function, source file and line.
 * The samples' threads wait in the kernel, so their stacks are the same after we let go and gdb
 * attaches. Built -O2 and -O0, in C and C++.
 *
 * <p>Function names: for C, exactly gdb's; for C++ as {@link GdbFrames#comparable} says.
 */
class StacksTest {
    private static final long SECONDS = Sample.LONG.toSeconds();

    @ParameterizedTest
    @ValueSource(strings = {"stacks", "stacks_O0", "stacks_cpp", "stacks_cpp_O0"})
    void everyFrameOfEveryThreadIsTheOneGdbShows(String sample) throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        boolean cpp = sample.contains("cpp");
        try (Sample prog = Sample.start(sample)) {
            prog.awaitOutput("ready");
            prog.awaitBlockedIn(prog.pid, Sample.SYS_RT_SIGTIMEDWAIT); // main prints "ready" before it waits
            TraceGroup group = Tracer.shared().group(e -> { });
            group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            Map<Integer, List<GdbFrames.Frame>> ours = new TreeMap<>();
            DebugInfo info = new DebugInfo();
            Stacks stacks = new Stacks(group, info);
            List<ThreadInfo> threads = group.threads().get(SECONDS, TimeUnit.SECONDS);
            assertTrue(threads.size() >= 7, "the sample's threads: " + threads);
            for (ThreadInfo t : threads) {
                // in pages of 5, as a client pages through a stack
                List<Stacks.Frame> frames = new ArrayList<>();
                for (boolean more = true; more; ) {
                    Stacks.Page page = stacks.frames(prog.pid, t.tid(), frames.size(), 5).get(SECONDS, TimeUnit.SECONDS);
                    frames.addAll(page.frames());
                    more = !page.complete();
                    assertTrue(page.frames().size() == 5 || page.complete(), "a short page only at the end: " + page);
                }
                List<GdbFrames.Frame> shown = new ArrayList<>();
                for (Stacks.Frame f : frames) {
                    shown.add(new GdbFrames.Frame(f.signalTrampoline() ? "sigtramp" : f.inlined() ? "inline" : f.tailCall() ? "tailcall" : "normal", f.pc(),
                            f.signalTrampoline() ? null : GdbFrames.comparable(f.function(), cpp), f.signalTrampoline() ? null : f.file(),
                            f.signalTrampoline() ? 0 : f.line()));
                }
                ours.put(t.tid(), shown);
            }
            stacks.close();
            info.close();
            group.detach().get(SECONDS, TimeUnit.SECONDS);

            Map<Integer, List<GdbFrames.Frame>> gdb = comparable(GdbFrames.of(prog.pid), cpp);
            assertEquals(gdb.keySet(), ours.keySet(), "the same threads");
            for (int tid : gdb.keySet()) {
                assertEquals(String.join("\n", strings(gdb.get(tid))), String.join("\n", strings(ours.get(tid))),
                        sample + " thread " + tid + ": every frame gdb shows, and no other");
            }
            String all = ours.toString();
            assertTrue(all.contains("recurse") || all.contains("descend"), "a recursion");
            assertTrue(all.contains("inline") && all.contains("tailcall"), "inlined frames and tail calls: " + all);
            if (!cpp) {
                assertTrue(all.contains("sigtramp"), "a signal frame: " + all);
            }
            prog.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
        }
    }

    /**
     * A Go program's threads — goroutines in a syscall, the runtime's own threads on their g0
     * stacks (sysmon, the template thread, idle Ms) — frame for frame as gdb shows them, each
     * stack ending cleanly at its outermost frame ({@code runtime.goexit}, {@code runtime.clone},
     * {@code runtime.mcall}); gdb's last line, a {@code 0x0 in ??} past the end, is no frame.
     * The runtime's threads wake up now and then (sysmon polls): the goroutines' threads, in a
     * 600 s sleep, are compared with gdb; the runtime's by their shape.
     */
    @Test
    void goThreadsStacksAreGdbs() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is the oracle: apt-get install gdb");
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Sample.bin("go_threads")),
                "the Go sample is built when go is installed (apt-get install golang-go)");
        try (Sample prog = Sample.start("go_threads", "4", "600000")) {
            prog.awaitOutput("started");
            Sample.await("the 4 goroutines in nanosleep", () -> syscalls(prog.pid).values().stream()
                    .filter(l -> l.startsWith(SYS_NANOSLEEP + " ")).count() >= 4);
            TraceGroup group = Tracer.shared().group(e -> { });
            group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            Map<Integer, List<GdbFrames.Frame>> ours = new TreeMap<>();
            DebugInfo info = new DebugInfo();
            Stacks stacks = new Stacks(group, info);
            for (ThreadInfo t : group.threads().get(SECONDS, TimeUnit.SECONDS)) {
                Stacks.Page page = stacks.frames(prog.pid, t.tid(), 0, 100).get(SECONDS, TimeUnit.SECONDS);
                assertTrue(page.complete(), "the whole stack: " + page);
                List<GdbFrames.Frame> shown = new ArrayList<>();
                for (Stacks.Frame f : page.frames()) {
                    // a compile path here; the adapter shows it located (symlinks resolved), as gdb does
                    shown.add(new GdbFrames.Frame(f.inlined() ? "inline" : f.tailCall() ? "tailcall" : "normal", f.pc(),
                            f.function(), f.file() == null ? null : SourceMap.NONE.locate(f.file(), prog.pid), f.line()));
                }
                ours.put(t.tid(), shown);
            }
            stacks.close();
            info.close();
            group.detach().get(SECONDS, TimeUnit.SECONDS);

            Map<Integer, List<GdbFrames.Frame>> gdb = GdbFrames.of(prog.pid);
            gdb.values().forEach(frames -> frames.removeIf(f -> f.pc() == 0 && f.function() == null));
            // gdb unwinds on past a thread's first function into whatever the stack holds above it (a new
            // M's runtime.clone shows a "caller" at a heap address): we end there
            gdb.values().forEach(frames -> {
                for (int k = 0; k < frames.size(); k++) {
                    if (java.util.List.of("runtime.clone", "runtime.goexit", "runtime.rt0_go").contains(frames.get(k).function())) {
                        frames.subList(k + 1, frames.size()).clear();
                        break;
                    }
                }
            });
            assertEquals(gdb.keySet(), ours.keySet(), "the same threads");
            // The goroutines' threads sleep for 600 s in main.sleepRaw: they cannot have moved
            // between our look and gdb's, so they are compared frame for frame. The runtime's own
            // threads (sysmon, idle Ms) wake up on their own — sysmon even comes back to the same
            // system call at the same pc and stack pointer — so theirs are checked for their shape:
            // every frame named with its file:line, ending at the g0 stack's outermost frame.
            // (blocked in the system call when we looked: one caught on its way in would have gone on)
            List<Integer> sleeping = ours.entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(f -> "main.sleepRaw".equals(f.function()))
                            && "runtime/internal/syscall.Syscall6".equals(e.getValue().get(0).function()))
                    .map(Map.Entry::getKey).toList();
            assertTrue(sleeping.size() >= 3, "the goroutines' threads, blocked in their sleep: " + ours);
            for (int tid : sleeping) {
                assertEquals(String.join("\n", strings(gdb.get(tid))), String.join("\n", strings(ours.get(tid))),
                        "go_threads thread " + tid + ": every frame gdb shows, and no other");
            }
            for (Map.Entry<Integer, List<GdbFrames.Frame>> e : ours.entrySet()) {
                List<GdbFrames.Frame> frames = e.getValue();
                String outermost = frames.isEmpty() ? "" : String.valueOf(frames.get(frames.size() - 1).function());
                assertTrue(java.util.Set.of("runtime.goexit", "runtime.clone", "runtime.mcall", "runtime.rt0_go",
                        "runtime.mstart").contains(outermost), "thread " + e.getKey() + " ends cleanly: " + frames
                        + "; gdb: " + gdb.get(e.getKey()));
                assertTrue(frames.stream().allMatch(f -> f.function() != null && f.file() != null && f.line() > 0),
                        "thread " + e.getKey() + ": every frame with its function and file:line: " + frames);
            }
            String all = ours.toString();
            assertTrue(all.contains("main.sleepRaw") && all.contains("runtime.goexit") && all.contains("runtime.clone"),
                    "goroutines and g0 stacks: " + all);
            prog.signal(Signals.SIGKILL);
            prog.awaitExit();
        }
    }

    private static final int SYS_NANOSLEEP = 35;

    /** Each thread's /proc/PID/task/TID/syscall line: the call, its arguments, stack pointer and pc ("running" when in none). */
    private static Map<Integer, String> syscalls(int pid) {
        Map<Integer, String> out = new TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        for (java.io.File t : tasks == null ? new java.io.File[0] : tasks) {
            try {
                out.put(Integer.parseInt(t.getName()), java.nio.file.Files.readString(t.toPath().resolve("syscall")).strip());
            } catch (java.io.IOException | NumberFormatException e) {
                // gone
            }
        }
        return out;
    }

    private static Map<Integer, List<GdbFrames.Frame>> comparable(Map<Integer, List<GdbFrames.Frame>> gdb, boolean cpp) {
        Map<Integer, List<GdbFrames.Frame>> out = new TreeMap<>();
        gdb.forEach((tid, frames) -> {
            List<GdbFrames.Frame> c = new ArrayList<>();
            frames.forEach(f -> c.add(new GdbFrames.Frame(f.kind(), f.pc(), GdbFrames.comparable(f.function(), cpp), f.file(), f.line())));
            out.put(tid, c);
        });
        return out;
    }

    private static List<String> strings(List<GdbFrames.Frame> frames) {
        List<String> s = new ArrayList<>();
        frames.forEach(f -> s.add(f.toString()));
        return s;
    }
}
