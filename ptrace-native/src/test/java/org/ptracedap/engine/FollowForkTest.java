package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.ptracedap.engine.Sample.LONG;
import static org.ptracedap.engine.Sample.bin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.TraceEvent.ProcessForked;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.WaitStatus;

/** fork, vfork and exec under each follow-fork policy, with real samples. */
class FollowForkTest {
    private final Tracer tracer = Tracer.shared();
    private final Recorder rec = new Recorder();
    /** Every process the test saw: checked for stray stops at the end, killed if traced. */
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    private final Set<Integer> children = ConcurrentHashMap.newKeySet();
    /** Every process the test saw (a followed child runs with its group: nothing to start). */
    private final Consumer<TraceEvent> starter = e -> {
        if (e instanceof ProcessForked f) {
            seen.add(f.childPid());
            children.add(f.childPid());
        }
    };
    private TraceGroup group;

    FollowForkTest() {
        tracer.addListener(starter);
    }

    @AfterEach
    void cleanUp() throws Exception {
        tracer.removeListener(starter);
        rec.close();
        boolean traced = false;
        for (int pid : seen) {
            traced |= ProcFs.exists(pid) && ProcFs.statusInt(pid, "TracerPid") == ProcFs.statusInt((int) ProcessHandle.current().pid(), "Tgid");
        }
        if (traced && group != null) {
            try {
                group.kill().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // exited meanwhile
            }
        }
    }

    private int launch(FollowFork follow, String sample, String... args) throws Exception {
        group = tracer.group(e -> { });
        ProcessInfo info = group.launch(LaunchSpec.of(bin(sample).toString(), List.of(args)), TraceOptions.defaults().withFollow(follow))
                .get(LONG.toSeconds(), TimeUnit.SECONDS);
        seen.add(info.pid());
        rec.await(info.pid(), TraceEvent.Stopped.class, s -> s.reason() == StopReason.ENTRY);
        group.resume().get(LONG.toSeconds(), TimeUnit.SECONDS);
        return info.pid();
    }

    private List<ProcessForked> forks(int pid) {
        return rec.of(pid, ProcessForked.class);
    }

    /** Nothing we touched is left stopped (state t or T) once the session is over. */
    private void assertNothingLeftStopped() {
        for (int pid : seen) {
            for (int tid : ProcFs.tasks(pid)) {
                char s = ProcFs.state(pid, tid);
                assertTrue(s != 't' && s != 'T', "process " + pid + " thread " + tid + " is left in state " + s);
            }
        }
    }

    @Test
    void followParentLetsEveryChildRunUntraced() throws Exception {
        int pid = launch(FollowFork.PARENT, "fork_threads", "3", "4");
        assertEquals(0, rec.awaitExit(pid).exitCode());
        List<ProcessForked> forks = forks(pid);
        assertEquals(3, forks.size());
        assertTrue(forks.stream().noneMatch(ProcessForked::followed));
        for (ProcessForked f : forks) {
            assertTrue(rec.of(f.childPid()).isEmpty(), "child " + f.childPid() + " is not traced");
            rec.awaitOutput(pid, "fork_threads: child " + f.childPid() + " done");
        }
        rec.awaitOutput(pid, "fork_threads: parent done children=3 ok=3");
        assertEquals(3, rec.assertEachThreadOnce(pid), "main and its two threads");
        assertNothingLeftStopped();
    }

    @Test
    void followBothTracesEveryChildAndItsThreads() throws Exception {
        int pid = launch(FollowFork.BOTH, "fork_threads", "3", "4");
        assertEquals(0, rec.awaitExit(pid).exitCode());
        List<ProcessForked> forks = forks(pid);
        assertEquals(3, forks.size());
        assertTrue(forks.stream().allMatch(ProcessForked::followed));
        for (ProcessForked f : forks) {
            assertEquals(0, rec.awaitExit(f.childPid()).exitCode());
            assertEquals(5, rec.assertEachThreadOnce(f.childPid()), "the child's main thread and its four");
            rec.awaitOutput(pid, "fork_threads: child " + f.childPid() + " done");
        }
        assertEquals(3, rec.assertEachThreadOnce(pid));
        rec.awaitOutput(pid, "fork_threads: parent done children=3 ok=3");
        assertNothingLeftStopped();
    }

    @Test
    void followChildLetsTheParentRunOnAndSeesTheChildExec() throws Exception {
        int pid = launch(FollowFork.CHILD, "fork_exec");
        int parentExit = WaitStatus.exitCode(tracer.childExit(pid).get(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, parentExit, "the parent, let go, ran to its end and saw its child exit 0");
        ProcessForked fork = forks(pid).get(0);
        assertTrue(fork.followed());
        rec.await(pid, TraceEvent.Detached.class, d -> true);
        TraceEvent.ProcessExec exec = rec.await(fork.childPid(), TraceEvent.ProcessExec.class, e -> true);
        assertTrue(exec.path().endsWith("/echo"), exec.path());
        assertEquals(0, rec.awaitExit(fork.childPid()).exitCode());
        assertEquals(List.of(), rec.of(pid, TraceEvent.ProcessExited.class), "the parent is not traced any more");
        assertNothingLeftStopped();
    }

    @Test
    void vforkInEachPolicyNeverDeadlocksAPause() throws Exception {
        for (FollowFork follow : FollowFork.values()) {
            int pid = launch(follow, "fork_exec", "20", "vfork");
            // pause while vforks come and go: a vfork parent cannot stop until its child execs
            for (int i = 0; i < 5 && group.threads().handle((t, e) -> e == null).get(); i++) {
                try {
                    group.pause().get(LONG.toSeconds(), TimeUnit.SECONDS);
                    group.resume().get(LONG.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    break; // exited or let go (follow child) meanwhile
                }
            }
            List<Integer> children = new ArrayList<>();
            if (follow == FollowFork.CHILD) {
                assertEquals(0, WaitStatus.exitCode(tracer.childExit(pid).get(LONG.toSeconds(), TimeUnit.SECONDS)));
            } else {
                assertEquals(0, rec.awaitExit(pid).exitCode(), follow.toString());
                children = forks(pid).stream().map(ProcessForked::childPid).collect(Collectors.toList());
                assertEquals(20, children.size(), follow + ": every vfork reported");
                assertTrue(forks(pid).stream().allMatch(f -> f.kind() == TraceEvent.ForkKind.VFORK));
            }
            if (follow == FollowFork.BOTH) {
                for (int child : children) {
                    assertEquals(0, rec.awaitExit(child).exitCode());
                }
            }
            assertNothingLeftStopped();
        }
    }
}
