package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Unwinder;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;

/**
 * Stacks unwound with libdwfl through the engine's {@code Tracee}, against gdb on the same
 * process: every physical frame of every thread, pc for pc — gdb's frames that are neither
 * inlined nor tail calls (gdb rebuilds those from DWARF call-site information: e.g. libc's
 * {@code __futex_abstimed_wait_cancelable64} between the futex wait and {@code pthread_cond_wait};
 * showing them too is the stacks issue's work).
 * The threads of {@code idle_threads} wait in the kernel, so their stacks are the same after we
 * let go and gdb attaches.
 */
class UnwindTest {
    private static final long SECONDS = Sample.LONG.toSeconds();

    @Test
    void everyFrameOfEveryThreadIsWhereGdbSeesIt() throws Exception {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(new java.io.File("/usr/bin/gdb").canExecute(), "gdb is the oracle: apt-get install gdb");
        try (Sample prog = Sample.start("idle_threads", "8")) {
            prog.awaitOutput("ready");
            TraceGroup group = Tracer.shared().group(e -> { });
            group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            Map<Integer, List<Long>> ours = new TreeMap<>();
            Map<Integer, List<Unwinder.Frame>> frames = new TreeMap<>();
            Unwinder[] unwinder = new Unwinder[1];
            List<ThreadInfo> threads = group.threads().get(SECONDS, TimeUnit.SECONDS);
            assertEquals(9, threads.size());
            for (ThreadInfo t : threads) {
                List<Unwinder.Frame> stack = group.inspect(t.tid(), tracee -> {
                    if (unwinder[0] == null) {
                        unwinder[0] = Unwinder.open(prog.pid);
                    }
                    return unwinder[0].unwind(new TraceeImage(tracee), 512);
                }).get(SECONDS, TimeUnit.SECONDS);
                frames.put(t.tid(), stack);
                List<Long> pcs = new ArrayList<>();
                stack.forEach(f -> pcs.add(f.pc()));
                ours.put(t.tid(), pcs);
            }
            group.inspect(prog.pid, tracee -> {
                unwinder[0].close();
                return null;
            }).get(SECONDS, TimeUnit.SECONDS);
            group.detach().get(SECONDS, TimeUnit.SECONDS);

            Map<Integer, List<Long>> gdb = gdbStacks(prog.pid);
            assertEquals(gdb.keySet(), ours.keySet(), "the same threads");
            for (int tid : gdb.keySet()) {
                List<Long> g = gdb.get(tid);
                List<Long> o = ours.get(tid);
                assertTrue(o.size() >= 3, "thread " + tid + ": a stack through libc, not just the top frame: " + frames.get(tid));
                assertEquals(hex(g), hex(o), "thread " + tid + ": every frame gdb shows, pc for pc, and no other; ours: "
                        + frames.get(tid));
            }
            List<Unwinder.Frame> main = frames.get(prog.pid);
            assertTrue(main.stream().anyMatch(f -> "main".equals(f.function()) && f.file() != null
                    && f.file().endsWith("idle_threads.c") && f.line() > 0), "main, with its source line: " + main);
            prog.signal(Signals.SIGUSR1);
            assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
        }
    }

    private static List<String> hex(List<Long> pcs) {
        List<String> h = new ArrayList<>();
        pcs.forEach(p -> h.add(Long.toHexString(p)));
        return h;
    }

    /**
     * gdb's physical frames (not inlined, not tail calls) of every thread: tid → pcs, innermost
     * first. Its Python writes them to a file of their own: gdb's stdout and stderr reach us on two
     * pipes, and a message on stderr can land in the middle of a line of stdout.
     */
    private static Map<Integer, List<Long>> gdbStacks(int pid) throws Exception {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("ptrace-dap-gdb-bt", ".txt");
        String script = String.join("\n",
                "import gdb",
                "with open('" + out + "', 'w') as out:",
                "    for t in gdb.selected_inferior().threads():",
                "        t.switch()",
                "        f = gdb.newest_frame()",
                "        pcs = []",
                "        while f is not None:",
                "            if f.type() not in (gdb.INLINE_FRAME, gdb.TAILCALL_FRAME):",
                "                pcs.append('%x' % f.pc())",
                "            f = f.older()",
                "        out.write('THREAD %d %s\\n' % (t.ptid[1], ' '.join(pcs)))");
        // past main and past the entry point: every frame there is (gdb hides those before main by default)
        try (Sample gdb = Sample.run("/usr/bin/gdb", List.of("gdb", "-nx", "-batch", "-ex", "set backtrace past-main on",
                "-ex", "set backtrace past-entry on", "-p", Integer.toString(pid), "-ex", "python\n" + script + "\nend"))) {
            int status = gdb.awaitExit();
            String text = java.nio.file.Files.readString(out);
            Map<Integer, List<Long>> stacks = new TreeMap<>();
            Matcher m = Pattern.compile("^THREAD (\\d+) ([0-9a-f ]*)$", Pattern.MULTILINE).matcher(text);
            while (m.find()) {
                List<Long> pcs = new ArrayList<>();
                for (String p : m.group(2).trim().split(" ")) {
                    pcs.add(Long.parseUnsignedLong(p, 16));
                }
                stacks.put(Integer.parseInt(m.group(1)), pcs);
            }
            assertTrue(!stacks.isEmpty(), "gdb (status " + status + ") wrote no stacks: " + text + "; its output: " + gdb.output());
            return stacks;
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }
}
