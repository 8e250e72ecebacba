package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;

/**
 * Every frame of every thread — libc's (with libc6-dbg: its inlined frames too), a recursion, a
 * signal handler above the kernel's signal frame, {@code always_inline} calls, C++ namespaces,
 * templates and lambdas — against gdb's {@code thread apply all bt} on the same process, frame
 * for frame: its kind (inlined or not, signal trampoline), pc, function, source file and line.
 * The samples' threads wait in the kernel, so their stacks are the same after we let go and gdb
 * attaches. Built -O2 and -O0, in C and C++.
 *
 * <p>Function names: for C, exactly gdb's. For C++ gdb prints names of its own making (template
 * arguments as it formats them, {@code (void)} after some, a lambda's {@code operator()} without
 * its class); we show the demangled linkage name, so the names compared are the last component
 * with template arguments and parameter lists removed.
 */
class StacksTest {
    private static final long SECONDS = Sample.LONG.toSeconds();

    private record Shown(String kind, long pc, String function, String file, int line) {
        @Override
        public String toString() {
            return String.format("%s %x %s %s:%d", kind, pc, function, file, line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stacks", "stacks_O0", "stacks_cpp", "stacks_cpp_O0"})
    void everyFrameOfEveryThreadIsTheOneGdbShows(String sample) throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(new java.io.File("/usr/bin/gdb").canExecute(), "gdb is the oracle: apt-get install gdb");
        boolean cpp = sample.contains("cpp");
        try (Sample prog = Sample.start(sample)) {
            prog.awaitOutput("ready");
            TraceGroup group = Tracer.shared().group(e -> { });
            group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            Map<Integer, List<Shown>> ours = new TreeMap<>();
            Stacks stacks = new Stacks(group);
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
                List<Shown> shown = new ArrayList<>();
                for (Stacks.Frame f : frames) {
                    shown.add(new Shown(f.signalTrampoline() ? "sigtramp" : f.inlined() ? "inline" : f.tailCall() ? "tailcall" : "normal", f.pc(),
                            f.signalTrampoline() ? null : name(f.function(), cpp), f.signalTrampoline() ? null : f.file(),
                            f.signalTrampoline() ? 0 : f.line()));
                }
                ours.put(t.tid(), shown);
            }
            stacks.close();
            group.detach().get(SECONDS, TimeUnit.SECONDS);

            Map<Integer, List<Shown>> gdb = gdbStacks(prog.pid, cpp);
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

    private static List<String> strings(List<Shown> frames) {
        List<String> s = new ArrayList<>();
        frames.forEach(f -> s.add(f.toString()));
        return s;
    }

    /** The name compared: C as it is; C++ the last component, without template arguments or parameters. */
    static String name(String function, boolean cpp) {
        if (function == null || !cpp) {
            return function;
        }
        StringBuilder b = new StringBuilder();
        int depth = 0;
        for (char c : function.toCharArray()) {
            if (c == '<' || c == '(' || c == '{') {
                depth++;
            } else if (c == '>' || c == ')' || c == '}') {
                depth--;
            } else if (depth == 0) {
                b.append(c);
            }
        }
        String s = b.toString().strip();
        int last = s.lastIndexOf("::");
        return last >= 0 ? s.substring(last + 2) : s;
    }

    /**
     * gdb's frames of every thread, innermost first, with their kinds. Its Python writes them to a
     * file of its own: gdb's stdout and stderr reach us on two pipes, and a message on stderr can
     * land in the middle of a line of stdout.
     */
    private static Map<Integer, List<Shown>> gdbStacks(int pid, boolean cpp) throws Exception {
        Path out = Files.createTempFile("ptrace-dap-gdb-bt", ".txt");
        String script = String.join("\n",
                "import gdb",
                "kinds = {gdb.INLINE_FRAME: 'inline', gdb.SIGTRAMP_FRAME: 'sigtramp', gdb.NORMAL_FRAME: 'normal',"
                        + " gdb.TAILCALL_FRAME: 'tailcall'}",
                "with open('" + out + "', 'w') as out:",
                "    for t in gdb.selected_inferior().threads():",
                "        t.switch()",
                "        f = gdb.newest_frame()",
                "        while f is not None:",
                "            sal = f.find_sal()",
                "            path = sal.symtab.fullname() if sal.symtab is not None else ''",
                "            kind = kinds.get(f.type(), 'other%d' % f.type())",
                "            out.write('FRAME %d\\t%s\\t%x\\t%s\\t%s\\t%d\\n' % (t.ptid[1], kind, f.pc(), f.name() or '',"
                        + " path, sal.line if sal.symtab is not None else 0))",
                "            f = f.older()");
        // past main and past the entry point: every frame there is (gdb hides those before main by default)
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-ex", "set backtrace past-main on",
                "-ex", "set backtrace past-entry on", "-p", Integer.toString(pid), "-ex", "python\n" + script + "\nend"))) {
            int status = gdb.awaitExit();
            Map<Integer, List<Shown>> stacks = new TreeMap<>();
            for (String line : Files.readAllLines(out)) {
                String[] f = line.split("\t", -1);
                if (f.length != 6 || !f[0].startsWith("FRAME ")) {
                    continue;
                }
                boolean sigtramp = f[1].equals("sigtramp");
                String file = f[4].isEmpty() || sigtramp ? null : Path.of(f[4]).normalize().toString();
                stacks.computeIfAbsent(Integer.parseInt(f[0].substring(6)), k -> new ArrayList<>())
                        .add(new Shown(f[1], Long.parseUnsignedLong(f[2], 16),
                                sigtramp || f[3].isEmpty() ? null : name(f[3], cpp), file,
                                sigtramp || file == null ? 0 : Integer.parseInt(f[5])));
            }
            assertTrue(!stacks.isEmpty(), "gdb (status " + status + ") wrote no stacks; its output: " + gdb.output());
            return stacks;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
