package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ptracedap.debuginfo.DebugFiles;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.debuginfo.Modules;
import org.ptracedap.debuginfo.Symbols;
import org.ptracedap.debuginfo.Unwinder;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.Signals;
import org.ptracedap.testing.Addr2line;
import org.ptracedap.testing.CEnvironment;
import org.ptracedap.testing.DebuginfodServer;
import org.ptracedap.testing.Wait;

/**
 * Separate debug files (issue 14), on samples whose DWARF was split off: found on this machine
 * by .gnu_debuglink; from a debuginfod server — a {@link DebuginfodServer} of the test's own,
 * named by DEBUGINFOD_URLS as Debian desktops set it — only for sessions that allow it, and never
 * by the tracer thread's unwinder. {@code idle_threads_split}'s own code has its call frame info
 * only in its debug file, so unwinding through it makes the unwinder look for that file too.
 * Function, file and line are checked against binutils' addr2line on the debug file.
 */
class SeparateDebugFilesTest {
    private static final long SECONDS = Sample.LONG.toSeconds();

    /** The debuginfod client's cache (DEBUGINFOD_CACHE_PATH): a directory of each test's own, removed after it. */
    @TempDir
    Path cache;

    @BeforeEach
    void libdw() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
    }

    @Test
    void aDebuglinkNamesADebugFileNextToTheProgram() throws Exception {
        try (Sample prog = Sample.start("idle_threads_linked", "2")) {
            prog.awaitOutput("ready");
            TraceGroup group = attachedAndPaused(prog);
            Path debugFile = Sample.bin(".debug/idle_threads_linked.debug");
            Modules.Module linked = module(prog.pid, "idle_threads_linked");
            assertTrue(linked.hasDwarf(), linked.toString());
            assertEquals(debugFile.toRealPath(), Path.of(linked.debugFile()).toRealPath());
            DebugInfo info = new DebugInfo();
            Stacks stacks = new Stacks(group, info);
            Stacks.Frame worker = workerFrame(stacks, group, prog.pid);
            assertEquals(Addr2line.at(debugFile, worker.pc() - 1 - linked.start()),
                    worker.function() + " " + worker.file() + ":" + worker.line());
            stacks.close();
            info.close();
            letGo(group, prog);
        }
    }

    @Test
    void withoutDebuginfodNoServerIsAskedThoughDebuginfodUrlsIsSet() throws Exception {
        try (DebuginfodServer server = new DebuginfodServer(false, Sample.bin("served/idle_threads_split.debug"));
             CEnvironment env = debuginfodAt(server);
             Sample prog = Sample.start("idle_threads_split", "2")) {
            prog.awaitOutput("ready");
            TraceGroup group = attachedAndPaused(prog);
            DebugInfo info = new DebugInfo();
            Stacks stacks = new Stacks(group, info);
            Stacks.Frame worker = workerFrame(stacks, group, prog.pid);
            assertNull(worker.file(), "no DWARF for it here: " + worker);
            assertFalse(module(prog.pid, "idle_threads_split").hasDwarf());
            stacks.close();
            info.close();
            assertEquals(Map.of(), server.requests(), "every stack unwound and described, and no server asked");
            letGo(group, prog);
        }
    }

    @Test
    void withDebuginfodTheSymbolsDownloadWhileTheTracerUnwindsFromLocalFilesOnly() throws Exception {
        Path served = Sample.bin("served/idle_threads_split.debug");
        String id = DebuginfodServer.buildId(served);
        ExecutorService symbolsThread = Executors.newSingleThreadExecutor();
        try (DebuginfodServer server = new DebuginfodServer(true, served);
             CEnvironment env = debuginfodAt(server);
             Sample prog = Sample.start("idle_threads_split", "2")) {
            prog.awaitOutput("ready");
            TraceGroup group = attachedAndPaused(prog);
            Modules.Module split = module(prog.pid, "idle_threads_split");
            long workerPc = callFrom("worker", unwindAll(group, prog.pid), prog.pid).lookupPc();

            CompletableFuture<Symbols.Code> downloaded = CompletableFuture.supplyAsync(() -> {
                try (Symbols symbols = Symbols.open(prog.pid, DebugFiles.DEBUGINFOD)) {
                    return symbols.at(workerPc);
                }
            }, symbolsThread);
            Wait.until("the symbols' request for " + id, () -> server.requests(id) > 0);
            // while the server holds the download: the tracer thread unwinds (new unwinders, which
            // look for the debug file of idle_threads_split's code), the group runs and stops
            unwindAll(group, prog.pid);
            group.resume().get(SECONDS, TimeUnit.SECONDS);
            group.pause().get(SECONDS, TimeUnit.SECONDS);
            unwindAll(group, prog.pid);
            assertFalse(downloaded.isDone(), "the download is still held");
            assertEquals(Map.of(id, 1), server.requests(), "asked by the symbols only, never by the tracer's unwinders");

            server.release();
            Symbols.Code code = downloaded.get(SECONDS, TimeUnit.SECONDS);
            Symbols.Place place = code.places().get(0);
            assertEquals(Addr2line.at(served, workerPc - split.start()),
                    place.function() + " " + place.file() + ":" + place.line());

            // downloaded, it is a local file now: in the cache, where LOCAL lookups find it
            Path cached = cache.resolve(id).resolve("debuginfo");
            assertEquals(cached.toString(), module(prog.pid, "idle_threads_split").debugFile());
            // and the unwinder goes on through the program's code, by the .debug_frame in it
            Modules.Module libc = module(prog.pid, "libc.so.6");
            List<Unwinder.Frame> worker = unwindAll(group, prog.pid).values().stream()
                    .filter(frames -> frames.stream().anyMatch(f -> f.lookupPc() == workerPc)).findFirst().orElseThrow();
            List<Unwinder.Frame> outer = worker.subList(worker.indexOf(callFrom("worker", Map.of(0, worker), prog.pid)) + 1,
                    worker.size());
            assertTrue(!outer.isEmpty() && outer.stream().allMatch(f -> within(f.lookupPc(), libc)),
                    "start_thread and clone3, in libc, called worker: " + worker);
            assertEquals(Map.of(id, 1), server.requests(), "one download");
            letGo(group, prog);
        } finally {
            symbolsThread.shutdownNow();
        }
    }

    private CEnvironment debuginfodAt(DebuginfodServer server) {
        // a held answer sends nothing for a while: no low-speed timeout before the test lets it go
        return CEnvironment.with(Map.of("DEBUGINFOD_URLS", server.url(), "DEBUGINFOD_CACHE_PATH", cache.toString(),
                "DEBUGINFOD_TIMEOUT", Long.toString(10 * SECONDS)));
    }

    private static TraceGroup attachedAndPaused(Sample prog) throws Exception {
        TraceGroup group = Tracer.shared().group(e -> { });
        group.attach(prog.pid, TraceOptions.defaults()).get(SECONDS, TimeUnit.SECONDS);
        group.pause().get(SECONDS, TimeUnit.SECONDS);
        return group;
    }

    private static void letGo(TraceGroup group, Sample prog) throws Exception {
        group.detach().get(SECONDS, TimeUnit.SECONDS);
        prog.signal(Signals.SIGUSR1);
        assertEquals(0, org.ptracedap.sys.WaitStatus.exitCode(prog.awaitExit()), "the program runs on as before");
    }

    /** The module whose file is called {@code name}. */
    private static Modules.Module module(int pid, String name) {
        return Modules.of(pid).stream().filter(m -> m.name().equals(name) || m.name().endsWith("/" + name))
                .findFirst().orElseThrow(() -> new AssertionError("no module " + name + " in " + Modules.of(pid)));
    }

    private static boolean within(long address, Modules.Module m) {
        return Long.compareUnsigned(address, m.start()) >= 0 && Long.compareUnsigned(address, m.end()) < 0;
    }

    /** The first frame, of all the threads', of a call from {@code function} (named by its ELF symbol). */
    private static Unwinder.Frame callFrom(String function, Map<Integer, List<Unwinder.Frame>> stacks, int pid) {
        try (Symbols symbols = Symbols.open(pid)) {
            return stacks.values().stream().flatMap(List::stream)
                    .filter(f -> !f.activation() && function.equals(symbols.at(f.lookupPc()).places().get(0).function()))
                    .findFirst().orElseThrow(() -> new AssertionError("no call from " + function + ": " + stacks));
        }
    }

    /** Every thread's stack, each unwound on the tracer thread by an unwinder opened there. */
    private static Map<Integer, List<Unwinder.Frame>> unwindAll(TraceGroup group, int pid) throws Exception {
        Map<Integer, List<Unwinder.Frame>> all = new TreeMap<>();
        for (ThreadInfo t : group.threads().get(SECONDS, TimeUnit.SECONDS)) {
            all.put(t.tid(), group.inspect(t.tid(), tracee -> {
                try (Unwinder u = Unwinder.open(pid)) {
                    return u.unwind(new TraceeImage(tracee), 64);
                }
            }).get(SECONDS, TimeUnit.SECONDS));
        }
        return all;
    }

    /** The frame of a worker thread that is in {@code worker} (through Stacks, as the adapter asks). */
    private static Stacks.Frame workerFrame(Stacks stacks, TraceGroup group, int pid) throws Exception {
        List<Stacks.Frame> all = new ArrayList<>();
        for (ThreadInfo t : group.threads().get(SECONDS, TimeUnit.SECONDS)) {
            all.addAll(stacks.frames(pid, t.tid(), 0, 64).get(SECONDS, TimeUnit.SECONDS).frames());
        }
        return all.stream().filter(f -> "worker".equals(f.function())).findFirst()
                .orElseThrow(() -> new AssertionError("no frame in worker: " + all));
    }
}
