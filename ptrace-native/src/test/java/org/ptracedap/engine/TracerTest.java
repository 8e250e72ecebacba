package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.ptracedap.engine.Sample.LONG;
import static org.ptracedap.engine.Sample.bin;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.WaitStatus;

/** The engine against real programs from {@code samples/}: real threads, really counted. */
class TracerTest {
    private final Tracer tracer = Tracer.shared();
    private final Recorder rec = new Recorder();
    private final List<Integer> launched = new ArrayList<>();

    @AfterEach
    void killWhatWeLaunched() throws Exception {
        rec.close();
        for (int pid : launched) {
            if (tracer.call(() -> ProcFs.exists(pid)).get() && ProcFs.statusInt(pid, "TracerPid") > 0) {
                try {
                    tracer.kill(pid).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // exited meanwhile
                }
            }
        }
    }

    private int launch(String sample, String... args) throws Exception {
        ProcessInfo info = tracer.launch(LaunchSpec.of(bin(sample).toString(), List.of(args)))
                .get(LONG.toSeconds(), TimeUnit.SECONDS);
        launched.add(info.pid());
        rec.await(info.pid(), TraceEvent.Stopped.class, s -> s.reason() == StopReason.ENTRY);
        return info.pid();
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(LONG.toSeconds(), TimeUnit.SECONDS);
    }

    /** Every thread of the process is in a ptrace-stop (or already dead), per /proc. */
    private static void assertAllStopped(int pid) {
        for (int tid : ProcFs.tasks(pid)) {
            char s = ProcFs.state(pid, tid);
            assertTrue(s == 't' || s == 'Z' || s == 'X' || s == '?', "thread " + tid + " is in state " + s);
        }
    }

    @Test
    void cloneStormOf10000ThreadsIsFollowedExactly() throws Exception {
        int pid = launch("clone_storm", "10000");
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        assertEquals(10_001, rec.assertEachThreadOnce(pid));
        long firstSeen = rec.of(pid, TraceEvent.ThreadStarted.class).stream()
                .filter(s -> s.origin() == Origin.FIRST_SEEN).count();
        System.out.println("clone storm 10000: " + firstSeen + " threads were first seen before their clone event");
        rec.awaitOutput(pid, "clone_storm: 10000 threads done");
    }

    @Test
    void attachFindsAll1001ThreadsAndDetachLeavesTheProgramWorking() throws Exception {
        try (Sample s = Sample.start("idle_threads", "1000")) {
            s.awaitOutput("ready");
            ProcessInfo info = get(tracer.attach(s.pid));
            assertEquals(1001, info.threads());
            assertEquals(1001, get(tracer.threads(s.pid)).size());
            List<TraceEvent.ThreadStarted> started = rec.awaitCount(s.pid, TraceEvent.ThreadStarted.class, 1001);
            assertEquals(1001, started.size());
            assertTrue(started.stream().allMatch(t -> t.origin() == Origin.ATTACHED));
            assertEquals(List.of("idle_threads"), started.stream().filter(t -> t.name() != null)
                    .map(TraceEvent.ThreadStarted::name).toList(), "only the main thread's name is read at attach");
            assertEquals(1000, get(tracer.threads(s.pid)).stream().filter(t -> t.name().matches("idle-\\d+")).count(),
                    "the thread list reads each name");

            get(tracer.pauseAll(s.pid));
            assertAllStopped(s.pid);
            assertTrue(get(tracer.threads(s.pid)).stream().allMatch(ThreadInfo::stopped));
            get(tracer.resumeAll(s.pid));
            get(tracer.detach(s.pid));

            assertEquals(0, ProcFs.statusInt(s.pid, "TracerPid"));
            for (int tid : ProcFs.tasks(s.pid)) {
                char st = ProcFs.state(s.pid, tid);
                assertTrue(st != 't' && st != 'T', "after detach thread " + tid + " is left stopped (" + st + ")");
            }
            assertEquals("0000000000000000", ProcFs.statusField(s.pid, "ShdPnd"), "no stray signal left pending");
            s.signal(Signals.SIGUSR1);
            int status = s.awaitExit();
            assertTrue(WaitStatus.exited(status) && WaitStatus.exitCode(status) == 0, WaitStatus.describe(status));
            assertTrue(s.output().contains("idle_threads: 1000 threads joined"), s.output());
        }
    }

    @Test
    void twoHundredPauseResumeCyclesDuringACloneStormLoseNoThread() throws Exception {
        int pid = launch("clone_storm", "100000", "64");
        get(tracer.resumeAll(pid));
        for (int i = 0; i < 200; i++) {
            get(tracer.pauseAll(pid));
            if (i % 25 == 0) {
                assertAllStopped(pid);
            }
            get(tracer.resumeAll(pid));
        }
        assertEquals(0, rec.awaitExit(pid).exitCode());
        long stops = rec.of(pid, TraceEvent.Stopped.class).stream().filter(s -> s.reason() == StopReason.PAUSE).count();
        assertEquals(200, stops);
        assertEquals(100_001, rec.assertEachThreadOnce(pid));
        rec.awaitOutput(pid, "clone_storm: 100000 threads done");
    }

    @Test
    void execFromANonLeaderThreadRebuildsTheThreadTable() throws Exception {
        int pid = launch("exec_from_thread");
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        TraceEvent.ProcessExec exec = rec.await(pid, TraceEvent.ProcessExec.class, e -> true);
        assertNotEquals(pid, exec.oldTid(), "the exec came from a non-leader thread");
        assertTrue(exec.path().endsWith("exec_from_thread"), exec.path());
        assertEquals(4, rec.assertEachThreadOnce(pid), "main and its three threads");
        rec.awaitOutput(pid, "after exec pid=" + pid + " tid=" + pid);
    }

    @Test
    void mainThreadExitingFirstIsReportedOnceAndDoesNotBlockAPause() throws Exception {
        int pid = launch("main_exits_first", "4", "3000");
        get(tracer.resumeAll(pid));
        rec.awaitOutput(pid, "main leaving");
        Sample.await("the main thread to become a zombie", () -> ProcFs.state(pid, pid) == 'Z');
        get(tracer.pauseAll(pid));
        assertAllStopped(pid);
        // its exit is reported by the pause (noticed there); the events reach us off the tracer thread
        rec.await(pid, TraceEvent.ThreadExited.class, t -> t.tid() == pid);
        assertEquals(List.of(pid), rec.of(pid, TraceEvent.ThreadExited.class).stream()
                .map(TraceEvent.ThreadExited::tid).collect(Collectors.toList()));
        assertFalse(get(tracer.threads(pid)).stream().anyMatch(t -> t.tid() == pid));
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        assertEquals(5, rec.assertEachThreadOnce(pid));
    }

    @Test
    void forkedChildIsLetGoAndRunsUntraced() throws Exception {
        int pid = launch("fork_exec");
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        TraceEvent.ProcessForked fork = rec.await(pid, TraceEvent.ProcessForked.class, e -> true);
        assertFalse(fork.followed());
        rec.awaitOutput(pid, "fork_exec-child-ran");
        rec.awaitOutput(pid, "exited 0");
        assertEquals(1, rec.assertEachThreadOnce(pid));
    }

    @Test
    void theProgramsOwnSignalsStopTheSessionAndAreDeliveredOnce() throws Exception {
        int pid = launch("signal_counter");
        get(tracer.resumeAll(pid));
        rec.awaitOutput(pid, "ready");
        org.ptracedap.sys.LibC.kill(pid, Signals.SIGUSR1);
        TraceEvent.Stopped stop = rec.await(pid, TraceEvent.Stopped.class, s -> s.reason() == StopReason.SIGNAL);
        assertEquals(Signals.SIGUSR1, stop.signal());
        assertAllStopped(pid);
        get(tracer.resumeAll(pid));
        rec.awaitOutput(pid, "count=1");
        org.ptracedap.sys.LibC.kill(pid, Signals.SIGTERM);
        rec.await(pid, TraceEvent.Stopped.class, s -> s.signal() == Signals.SIGTERM);
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        rec.awaitOutput(pid, "signal_counter: total 1");
    }

    @Test
    void goRuntimeThreadsAreAllFollowed() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(java.nio.file.Path.of(System.getProperty("ptracedap.samples", "")
                , "go_threads")), "go_threads is built only when Go is installed");
        int pid = launch("go_threads", "50", "200");
        get(tracer.resumeAll(pid));
        assertEquals(0, rec.awaitExit(pid).exitCode());
        int threads = rec.assertEachThreadOnce(pid);
        assertTrue(threads >= 51, "Go made " + threads + " threads");
        assertFalse(rec.of(pid, TraceEvent.Stopped.class).stream().anyMatch(s -> s.reason() == StopReason.SIGNAL),
                "Go's own SIGURG must not stop the session");
    }

    @Test
    void attachErrorsSayWhatIsWrong() throws Exception {
        int missing = 4_000_000;
        while (ProcFs.exists(missing)) {
            missing++;
        }
        int nobody = missing;
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(tracer.attach(nobody)));
        assertInstanceOf(NoSuchProcessException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("no process with pid " + nobody), e.getCause().getMessage());

        try (Sample holder = Sample.start("traced_child")) {
            holder.awaitOutput("ready ");
            int child = Integer.parseInt(holder.output().split("ready ")[1].trim().split("\\s")[0]);
            ExecutionException refused = assertThrows(ExecutionException.class, () -> get(tracer.attach(child)));
            NotPermittedException np = assertInstanceOf(NotPermittedException.class, refused.getCause());
            assertEquals(holder.pid, np.tracerPid());
            assertTrue(np.getMessage().contains("already traced by process " + holder.pid + " (\"traced_child\")"),
                    np.getMessage());
        }
        try (Sample idle = Sample.start("idle_threads", "2")) {
            idle.awaitOutput("ready");
            int tid = ProcFs.tasks(idle.pid).stream().filter(t -> t != idle.pid).findFirst().orElseThrow();
            ExecutionException thread = assertThrows(ExecutionException.class, () -> get(tracer.attach(tid)));
            assertTrue(thread.getCause().getMessage().contains(tid + " is a thread of process " + idle.pid));
        }
    }

    @Test
    void launchErrorsSayWhatIsWrong() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> get(tracer.launch(LaunchSpec.of("/nonexistent/prog", List.of()))));
        assertTrue(e.getCause().getMessage().contains("/nonexistent/prog does not exist"), e.getCause().getMessage());
        java.nio.file.Path plain = Files.createTempFile("ptrace-dap-test", ".txt");
        plain.toFile().deleteOnExit();
        ExecutionException notExec = assertThrows(ExecutionException.class,
                () -> get(tracer.launch(LaunchSpec.of(plain.toString(), List.of()))));
        assertTrue(notExec.getCause().getMessage().contains("is not an executable file"), notExec.getCause().getMessage());
        ExecutionException noPath = assertThrows(ExecutionException.class,
                () -> get(tracer.launch(LaunchSpec.of("no-such-program-xyz", List.of()))));
        assertTrue(noPath.getCause().getMessage().contains("not found in PATH"), noPath.getCause().getMessage());
    }

    @Test
    void launchPassesArgumentsEnvironmentAndDirectoryVerbatim() throws Exception {
        String tricky = "a b 'c' \"d\"; echo $HOME `x`";
        ProcessInfo info = get(tracer.launch(new LaunchSpec("/bin/sh",
                List.of("-c", "printf '%s|%s|%s\\n' \"$1\" \"$FOO\" \"$PWD\"", "sh", tricky),
                java.util.Map.of("FOO", "bar baz", "PATH", "/usr/bin:/bin"), "/tmp")));
        launched.add(info.pid());
        get(tracer.resumeAll(info.pid()));
        assertEquals(0, rec.awaitExit(info.pid()).exitCode());
        rec.awaitOutput(info.pid(), tricky + "|bar baz|/tmp\n");
    }
}
