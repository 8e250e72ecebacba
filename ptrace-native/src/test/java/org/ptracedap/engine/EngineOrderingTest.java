package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.*;
import static org.ptracedap.sys.LibC.*;
import static org.ptracedap.sys.Signals.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.TraceEvent.Origin;
import org.ptracedap.engine.TraceEvent.StopReason;
import org.ptracedap.engine.TraceEvent.ThreadExited;
import org.ptracedap.engine.TraceEvent.ThreadStarted;
import org.ptracedap.sys.WaitStatus;

/**
 * The engine driven by a scripted wait-status source: every ordering the kernel may report,
 * including the ones real runs hit only sometimes. Process 100 is traced; its threads are 10x.
 */
class EngineOrderingTest {
    private static final int PID = 100;

    private final List<TraceEvent> events = new ArrayList<>();
    private ScriptedKernel kernel;
    private Engine engine;

    @BeforeEach
    void attachToProcess100() {
        kernel = new ScriptedKernel().thread(PID, PID);
        engine = new Engine(kernel, (g, ev) -> events.add(ev));
        engine.attach(PID, PID, TraceOptions.defaults());
        assertEquals(List.of(new ThreadStarted(PID, PID, 0, Origin.ATTACHED, "prog")), events);
        assertEquals(List.of("seize 100"), kernel.take());
        events.clear();
    }

    // --------------------------------------------------------------- statuses

    private void cloneEvent(int parent, int child) {
        kernel.eventMsg(parent, child);
        engine.onWaitStatus(parent, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_CLONE));
    }

    private void firstStop(int tid) {
        engine.onWaitStatus(tid, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
    }

    private void exit(int tid, int code) {
        kernel.gone(tid);
        engine.onWaitStatus(tid, WaitStatus.ofExit(code));
    }

    private List<Integer> started() {
        return events.stream().filter(e -> e instanceof ThreadStarted)
                .map(e -> ((ThreadStarted) e).tid()).collect(Collectors.toList());
    }

    private List<Integer> exited() {
        return events.stream().filter(e -> e instanceof ThreadExited)
                .map(e -> ((ThreadExited) e).tid()).collect(Collectors.toList());
    }

    private void newThread(int tid) {
        kernel.thread(PID, tid);
        cloneEvent(PID, tid);
        firstStop(tid);
        kernel.take();
        events.clear();
    }

    // --------------------------------------------------------------- thread birth, both orders

    @Test
    void cloneEventFirstReportsTheThreadAtTheCloneEvent() {
        kernel.thread(PID, 101);
        cloneEvent(PID, 101);
        assertEquals(List.of(new ThreadStarted(PID, 101, PID, Origin.CLONE, "prog")), events);
        assertEquals(List.of("cont 100 0"), kernel.take());

        firstStop(101);
        assertEquals(List.of("cont 101 0"), kernel.take());
        assertEquals(1, events.size(), "the first stop of a known thread reports nothing new");
    }

    @Test
    void newTidFirstIsAdoptedAtOnceAndItsCloneEventIsRecognised() {
        kernel.thread(PID, 101);
        firstStop(101);
        assertEquals(List.of(new ThreadStarted(PID, 101, 0, Origin.FIRST_SEEN, "prog")), events);
        assertEquals(List.of("cont 101 0"), kernel.take());

        cloneEvent(PID, 101);
        assertEquals(List.of(101), started(), "the later clone event must not report it again");
        assertEquals(List.of("cont 100 0"), kernel.take());
    }

    @Test
    void newThreadAlreadyGoneBeforeItsCloneEventIsReportedOnce() {
        kernel.thread(PID, 101);
        firstStop(101);
        exit(101, 0);
        cloneEvent(PID, 101);
        assertEquals(List.of(101), started());
        assertEquals(List.of(101), exited());
    }

    @Test
    void cloneWithoutCloneThreadIsAProcessNotAThread() {
        kernel.thread(200, 200); // its own thread group
        cloneEvent(PID, 200);
        assertEquals(List.of(), started());
        assertEquals(List.of(new TraceEvent.ProcessForked(PID, PID, 200, TraceEvent.ForkKind.CLONE, false)), events);
        firstStop(200);
        assertEquals(List.of("cont 100 0", "detach 200 0"), kernel.take(), "followed parent: the child is let go");
    }

    @Test
    void forkChildSeenBeforeTheForkEventIsLetGoOnce() {
        kernel.thread(200, 200);
        firstStop(200);
        assertEquals(List.of("detach 200 0"), kernel.take());
        kernel.eventMsg(PID, 200);
        engine.onWaitStatus(PID, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_FORK));
        assertEquals(List.of("cont 100 0"), kernel.take(), "no second detach");
        assertEquals(List.of(), started());
    }

    // --------------------------------------------------------------- pause

    @Test
    void pauseWaitsForEveryThreadIncludingOnesBornDuringIt() {
        CompletableFuture<Void> paused = new CompletableFuture<>();
        assertArrayEquals(new int[0], engine.awaitedStops(), "no pause, no stop awaited");
        engine.pause(PID, paused);
        assertEquals(List.of("interrupt 100"), kernel.take());
        assertArrayEquals(new int[] {PID}, engine.awaitedStops(), "the tracer reaps these by tid");

        kernel.thread(PID, 101);
        cloneEvent(PID, 101); // the interrupted parent stops at its clone event instead
        assertFalse(paused.isDone(), "the new thread is not stopped yet");
        assertArrayEquals(new int[] {101}, engine.awaitedStops(), "the stopped parent no more; its new thread now");
        firstStop(101);
        assertTrue(paused.isDone());
        assertArrayEquals(new int[0], engine.awaitedStops());
        assertEquals(List.of(), kernel.take(), "both are held");
        assertEquals(new TraceEvent.Stopped(PID, StopReason.PAUSE, 0, 0), events.get(events.size() - 1));

        engine.resume(PID);
        assertEquals(List.of("cont 100 0", "cont 101 0"), kernel.take(), "none of our signals is injected");
    }

    @Test
    void threadExitingDuringPauseCountsAsStoppedAndExitsOnce() {
        newThread(101);
        newThread(102);
        kernel.dying(102);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        engine.pause(PID, paused);
        firstStop(100);
        firstStop(101);
        assertTrue(paused.isDone(), "ESRCH on interrupt: the thread is exiting and cannot hold the pause");
        exit(102, 0);
        assertEquals(List.of(102), exited());
        engine.resume(PID);
        assertEquals(List.of("cont 100 0", "cont 101 0"), kernel.take().subList(2, 4));
    }

    @Test
    void zombieLeaderIsReportedExitedOnceAndDoesNotHoldThePause() {
        newThread(101);
        kernel.zombie(PID);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        engine.pause(PID, paused);
        assertEquals(List.of(PID), exited(), "the main thread exited before the others");
        firstStop(101);
        assertTrue(paused.isDone());
        engine.resume(PID);
        exit(101, 0);
        exit(PID, 0);
        assertEquals(List.of(PID, 101), exited(), "exactly once each");
        assertEquals(List.of(new TraceEvent.ProcessExited(PID, 0, -1), new TraceEvent.GroupEnded(PID, 0, -1)),
                events.subList(events.size() - 2, events.size()));
    }

    @Test
    void pauseThatMissesAZombieLeaderIsFreedByTheTick() {
        newThread(101);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        engine.pause(PID, paused);
        firstStop(101);
        assertFalse(paused.isDone());
        kernel.zombie(PID); // it exited right after we interrupted it
        engine.tick();
        assertTrue(paused.isDone());
        assertEquals(List.of(PID), exited());
    }

    @Test
    void processKilledWhilePausingFailsThePause() {
        newThread(101);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        engine.pause(PID, paused);
        exit(101, 0);
        kernel.gone(PID);
        engine.onWaitStatus(PID, WaitStatus.ofSignal(SIGKILL));
        assertTrue(paused.isCompletedExceptionally());
        assertEquals(List.of(101, PID), exited());
        assertEquals(List.of(new TraceEvent.ProcessExited(PID, -1, SIGKILL), new TraceEvent.GroupEnded(PID, -1, SIGKILL)),
                events.subList(events.size() - 2, events.size()));
        assertFalse(engine.isTraced(PID));
    }

    // --------------------------------------------------------------- exec

    @Test
    void execFromNonLeaderThreadReportsTheOthersExitedOnceAndKeepsTheLeaderTid() {
        newThread(101);
        newThread(102);
        // 102 execs: the kernel kills 100's and 101's threads, 102 becomes tid 100.
        kernel.gone(101).gone(102);
        kernel.eventMsg(PID, 102);
        engine.onWaitStatus(PID, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_EXEC));
        assertEquals(List.of(101, 102), exited());
        assertEquals(new TraceEvent.ProcessExec(PID, "/usr/bin/prog", 102), events.get(events.size() - 1));
        assertEquals(List.of("cont 100 0"), kernel.take());

        engine.onWaitStatus(101, WaitStatus.ofExit(0)); // its death notification, late
        assertEquals(List.of(101, 102), exited(), "not reported twice");
        assertEquals(List.of(100), engine.threads(PID).stream().map(ThreadInfo::tid).collect(Collectors.toList()));
    }

    // --------------------------------------------------------------- signals

    @Test
    void reportedSignalStopsAllAndIsDeliveredOnResume() {
        newThread(101);
        engine.onWaitStatus(101, WaitStatus.ofStop(SIGUSR1, 0));
        assertEquals(new TraceEvent.SignalReceived(PID, 101, SIGUSR1, true), events.get(0));
        assertEquals(List.of("interrupt 100"), kernel.take());
        firstStop(100);
        assertEquals(new TraceEvent.Stopped(PID, StopReason.SIGNAL, 101, SIGUSR1), events.get(events.size() - 1));
        engine.resume(PID);
        assertEquals(List.of("cont 100 0", "cont 101 " + SIGUSR1), kernel.take());
    }

    @Test
    void silentSignalsPassAtOnce() {
        engine.onWaitStatus(PID, WaitStatus.ofStop(SIGURG, 0));
        assertEquals(List.of("cont 100 " + SIGURG), kernel.take());
        assertEquals(List.of(new TraceEvent.SignalReceived(PID, PID, SIGURG, false)), events);
    }

    @Test
    void jobControlStopKeepsTheProcessStopped() {
        engine.onWaitStatus(PID, WaitStatus.ofStop(SIGSTOP, PTRACE_EVENT_STOP));
        assertEquals(List.of("listen 100"), kernel.take());
        engine.onWaitStatus(PID, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP)); // after SIGCONT
        assertEquals(List.of("cont 100 0"), kernel.take());
    }

    // --------------------------------------------------------------- detach

    @Test
    void detachStopsEveryThreadThenLetsEachGoWithItsPendingSignal() {
        newThread(101);
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.detach(PID, done);
        engine.onWaitStatus(101, WaitStatus.ofStop(SIGUSR2, 0)); // its own signal, arriving meanwhile
        firstStop(100);
        assertTrue(done.isDone());
        List<String> calls = kernel.take();
        assertEquals(List.of("interrupt 100", "interrupt 101", "detach 100 0", "detach 101 " + SIGUSR2), calls);
        assertFalse(events.stream().anyMatch(e -> e instanceof TraceEvent.Stopped), "a detach is not a user-visible stop");
        assertEquals(List.of(new TraceEvent.Detached(PID), new TraceEvent.GroupEnded(PID, -1, -1)),
                events.subList(events.size() - 2, events.size()));
        assertFalse(engine.isTraced(PID));
    }

    @Test
    void attachRescansUntilNoNewThreadAppears() {
        ScriptedKernel k = new ScriptedKernel().thread(300, 300).thread(300, 301).thread(300, 302);
        List<TraceEvent> evs = new ArrayList<>();
        Engine e = new Engine(k, (g, ev) -> evs.add(ev));
        ProcessInfo info = e.attach(300, 300, TraceOptions.defaults());
        assertEquals(3, info.threads());
        assertEquals(List.of("seize 300", "seize 301", "seize 302"), k.take());
        assertEquals(3, evs.size());
    }

    @Test
    void attachErrorsSayWhatIsWrong() {
        ScriptedKernel k = new ScriptedKernel().thread(300, 300).thread(300, 301);
        Engine e = new Engine(k, (g, ev) -> { });
        TraceException notThere = assertThrows(NoSuchProcessException.class, () -> e.attach(999, 999, TraceOptions.defaults()));
        assertTrue(notThere.getMessage().contains("no process with pid 999"), notThere.getMessage());
        TraceException thread = assertThrows(TraceException.class, () -> e.attach(301, 301, TraceOptions.defaults()));
        assertTrue(thread.getMessage().contains("301 is a thread of process 300"), thread.getMessage());
        assertThrows(TraceException.class, () -> e.attach(1, 1, TraceOptions.defaults()), "ourselves");
        e.attach(300, 300, TraceOptions.defaults());
        TraceException twice = assertThrows(TraceException.class, () -> e.attach(300, 300, TraceOptions.defaults()));
        assertTrue(twice.getMessage().contains("already attached"), twice.getMessage());
    }

    // --------------------------------------------------------------- inspecting a stopped thread

    @Test
    void inspectReadsRegistersAndMemoryOfAStoppedThreadOnly() throws Exception {
        long[] w = new long[Registers.WORDS];
        w[16] = 0x401000; // rip
        w[19] = 0x7ffc0000; // rsp
        kernel.registers(PID, Registers.of(w)).memory(0x401000, (byte) 0x55, (byte) 0x48);
        TraceException running = assertThrows(TraceException.class, () -> engine.inspect(PID, PID, t -> t.registers()));
        assertTrue(running.getMessage().contains("not stopped"), running.getMessage());
        engine.pause(PID, new CompletableFuture<>());
        firstStop(PID);
        kernel.take();
        Tracee[] kept = new Tracee[1];
        long pc = engine.inspect(PID, PID, t -> {
            kept[0] = t;
            byte[] two = new byte[4];
            assertEquals(2, t.read(t.registers().pc(), two), "two bytes are mapped, then nothing");
            assertEquals(0x55, two[0]);
            t.setRegisters(t.registers().withPc(0x401001));
            return t.registers().pc();
        });
        assertEquals(0x401001, pc);
        assertEquals(List.of("getregs 100", "getregs 100", "setregs 100 rip=0x401001", "getregs 100"), kernel.take());
        assertThrows(IllegalStateException.class, () -> kept[0].registers(), "a Tracee is valid only inside its inspection");
        assertThrows(TraceException.class, () -> engine.inspect(PID, 999, t -> t.registers()), "not a thread of the group");
        assertEquals(0x7ffc0000, Registers.of(Registers.of(w).words()).sp(), "words() is the inverse of of()");
    }

    // --------------------------------------------------------------- follow-fork

    private Engine following(FollowFork follow) {
        ScriptedKernel k = new ScriptedKernel().thread(PID, PID);
        kernel = k;
        events.clear();
        Engine e = new Engine(k, (g, ev) -> events.add(ev));
        e.attach(PID, PID, TraceOptions.defaults().withFollow(follow));
        k.take();
        events.clear();
        return e;
    }

    /** Process PID followed with BOTH, and its fork child 200 joined to its group, both running. */
    private Engine withJoinedChild() {
        Engine e = following(FollowFork.BOTH);
        kernel.forked(PID, 200);
        forkEvent(e, PID, 200);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        kernel.take();
        events.clear();
        return e;
    }

    private void forkEvent(Engine e, int parent, int child) {
        kernel.eventMsg(parent, child);
        e.onWaitStatus(parent, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_FORK));
    }

    @Test
    void followBothTakesOnTheChildHeldAtEntryInEitherOrderAndRunsItWithTheGroup() {
        for (boolean childFirst : new boolean[] {false, true}) {
            Engine e = following(FollowFork.BOTH);
            kernel.forked(PID, 200);
            if (childFirst) {
                e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
                assertEquals(List.of(), events, "held until the fork event says how it was made");
                forkEvent(e, PID, 200);
            } else {
                forkEvent(e, PID, 200);
                e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
            }
            assertEquals(List.of(
                    new TraceEvent.ProcessForked(PID, PID, 200, TraceEvent.ForkKind.FORK, true),
                    new ThreadStarted(200, 200, PID, Origin.FORK, "prog")), events,
                    "child first: " + childFirst + "; no stop of its own: it joins the running group");
            List<String> calls = kernel.take();
            assertTrue(calls.containsAll(List.of("cont 100 0", "cont 200 0")), "both run: " + calls);
            assertEquals(List.of(PID, 200), e.processes(PID));
            kernel.gone(200);
            e.onWaitStatus(200, WaitStatus.ofExit(0));
            assertEquals(new TraceEvent.ProcessExited(200, 0, -1), events.get(events.size() - 1));
            assertTrue(e.isTraced(PID));
            assertEquals(List.of(PID), e.processes(PID));
        }
    }

    @Test
    void aGroupPausesAndResumesAllItsProcessesWithOneEventEach() {
        Engine e = withJoinedChild();
        CompletableFuture<Void> paused = new CompletableFuture<>();
        e.pause(PID, paused);
        assertEquals(List.of("interrupt 100", "interrupt 200"), kernel.take());
        e.onWaitStatus(PID, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        assertFalse(paused.isDone(), "the child is not stopped yet");
        assertEquals(List.of(), events);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        assertTrue(paused.isDone());
        assertEquals(List.of(new TraceEvent.Stopped(PID, StopReason.PAUSE, 0, 0)), events, "one stop for the group");
        e.resume(PID);
        assertEquals(List.of("cont 100 0", "cont 200 0"), kernel.take());
        assertEquals(new TraceEvent.Resumed(PID), events.get(events.size() - 1));
        assertEquals(1, events.stream().filter(ev -> ev instanceof TraceEvent.Resumed).count());
    }

    @Test
    void aSignalThatStopsInOneProcessStopsTheWholeGroup() {
        Engine e = withJoinedChild();
        e.onWaitStatus(200, WaitStatus.ofStop(SIGUSR1, 0));
        assertEquals(List.of("interrupt 100"), kernel.take(), "the other process is stopped too");
        e.onWaitStatus(PID, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        assertEquals(new TraceEvent.Stopped(PID, StopReason.SIGNAL, 200, SIGUSR1), events.get(events.size() - 1));
        e.resume(PID);
        assertEquals(List.of("cont 100 0", "cont 200 " + SIGUSR1), kernel.take(), "the signal is delivered on resume");
    }

    /** Two processes of a group signalled at once: one stop for the group, both signals delivered on resume. */
    @Test
    void aSecondSignalDuringAGroupStopIsKeptForTheResume() {
        Engine e = withJoinedChild();
        e.onWaitStatus(PID, WaitStatus.ofStop(SIGUSR1, 0));
        assertEquals(List.of("interrupt 200"), kernel.take());
        e.onWaitStatus(200, WaitStatus.ofStop(SIGUSR2, 0)); // its own signal comes instead of the interrupt's stop
        assertEquals(List.of(), kernel.take(), "held: it is stopped now, with its signal pending");
        assertEquals(1, events.stream().filter(ev -> ev instanceof TraceEvent.Stopped).count(), "one stop for the group");
        assertEquals(new TraceEvent.Stopped(PID, StopReason.SIGNAL, PID, SIGUSR1), events.get(events.size() - 1));
        e.resume(PID);
        List<String> calls = kernel.take();
        assertTrue(calls.contains("cont 100 " + SIGUSR1) && calls.contains("cont 200 " + SIGUSR2), calls.toString());
        // The interrupt's own stop comes once it runs again: taken in stride, no second stop.
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        assertEquals(List.of("cont 200 0"), kernel.take());
        assertEquals(1, events.stream().filter(ev -> ev instanceof TraceEvent.Stopped).count());
    }

    @Test
    void aGroupEndsWhenItsLastProcessIsGoneWithTheLastExitCode() {
        Engine e = following(FollowFork.CHILD);
        kernel.forked(PID, 200);
        forkEvent(e, PID, 200);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        assertFalse(events.stream().anyMatch(ev -> ev instanceof TraceEvent.GroupEnded), "the child is left");
        kernel.gone(200);
        e.onWaitStatus(200, WaitStatus.ofExit(3));
        assertEquals(new TraceEvent.GroupEnded(PID, 3, -1), events.get(events.size() - 1));
        assertEquals(List.of(), e.groups());
    }

    @Test
    void followChildLetsTheParentGo() {
        Engine e = following(FollowFork.CHILD);
        kernel.forked(PID, 200);
        forkEvent(e, PID, 200);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        List<String> calls = kernel.take();
        assertTrue(calls.contains("detach 100 0"), calls.toString());
        assertFalse(calls.contains("detach 200 0"), calls.toString());
        assertFalse(e.isTraced(PID));
        assertTrue(e.isTraced(200));
        assertTrue(events.contains(new TraceEvent.Detached(PID)));
        assertFalse(events.stream().anyMatch(ev -> ev instanceof ThreadExited), "nothing exited: the parent runs on");
    }

    @Test
    void followParentLetsEveryChildGoOnceInEitherOrder() {
        Engine e = following(FollowFork.PARENT);
        kernel.forked(PID, 200).forked(PID, 201);
        forkEvent(e, PID, 200);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        e.onWaitStatus(201, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        forkEvent(e, PID, 201);
        assertEquals(List.of("cont 100 0", "detach 200 0", "detach 201 0", "cont 100 0"), kernel.take());
        assertEquals(2, events.stream().filter(ev -> ev instanceof TraceEvent.ProcessForked f && !f.followed()).count());
        assertEquals(List.of(), started());
    }

    @Test
    void childSessionsHandEachChildOverStoppedAndReleaseItIfNoTracerTakesIt() {
        ScriptedKernel k = new ScriptedKernel().thread(PID, PID);
        kernel = k;
        events.clear();
        Engine e = new Engine(k, (g, ev) -> events.add(ev));
        e.attach(PID, PID, TraceOptions.defaults().withFollow(FollowFork.BOTH).withChildSessions(true));
        k.take();
        events.clear();
        kernel.forked(PID, 200);
        forkEvent(e, PID, 200);
        e.onWaitStatus(200, WaitStatus.ofStop(SIGTRAP, PTRACE_EVENT_STOP));
        List<String> calls = k.take();
        assertTrue(calls.containsAll(List.of("kill 200 " + SIGSTOP, "detach 200 0", "schedule 10000ms")), calls.toString());
        assertTrue(calls.indexOf("kill 200 " + SIGSTOP) < calls.indexOf("detach 200 0"),
                "a signal given to PTRACE_DETACH from an event stop would be dropped: queue SIGSTOP first");
        assertFalse(e.isTraced(200));
        assertEquals(List.of(PID), e.processes(PID), "not a member of the parent's group");
        assertTrue(events.contains(new TraceEvent.ProcessHandedOver(PID, 200)), events.toString());
        k.stopped(200);
        k.runScheduled(); // the patience is over: untraced and still stopped → continued
        assertEquals(List.of("kill 200 " + SIGCONT), k.take());
        e.release(200);
        assertEquals(List.of("kill 200 " + SIGCONT), k.take(), "released at once when the client declines");
    }

    @Test
    void aProcessHandedOverIsContinuedWithASigcontOfOursThatIsNotReported() {
        ScriptedKernel k = new ScriptedKernel().thread(300, 300);
        List<TraceEvent> evs = new ArrayList<>();
        Engine e = new Engine(k, (g, ev) -> evs.add(ev));
        e.takeOver(300, 300, TraceOptions.defaults());
        assertEquals(List.of("seize 300", "kill 300 " + SIGCONT), k.take());
        e.onWaitStatus(300, WaitStatus.ofStop(SIGCONT, 0));
        assertEquals(List.of("cont 300 " + SIGCONT), k.take());
        assertFalse(evs.stream().anyMatch(ev -> ev instanceof TraceEvent.SignalReceived), "ours, not the program's");
        e.onWaitStatus(300, WaitStatus.ofStop(SIGCONT, 0)); // a later SIGCONT from someone else is reported
        assertTrue(evs.stream().anyMatch(ev -> ev instanceof TraceEvent.SignalReceived));
    }
}
