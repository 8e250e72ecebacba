package org.ptracedap.engine;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ptracedap.engine.TraceEvent.Output;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Ptrace;
import org.ptracedap.sys.Spawn;

/**
 * The engine's façade: attach, launch, pause, resume, detach, kill, each returning a
 * {@link CompletableFuture}, and a stream of {@link TraceEvent}s to listeners.
 *
 * <p>Threads:
 * <ul>
 *   <li><b>tracer</b> — a platform thread that makes every ptrace call and owns all engine state
 *       ({@link Engine}). It runs queued commands, then reaps wait statuses with
 *       {@code waitpid(-1, __WALL|WNOHANG)} for as long as there are any. Only when there is
 *       nothing to do does it hand the blocking wait to the waiter and sleep on its queue.</li>
 *   <li><b>waiter</b> — blocks in {@code waitid(P_ALL, WEXITED|__WALL|WNOWAIT)} when armed, which
 *       returns as soon as some status is ready without consuming it, and wakes the tracer.
 *       Under load the tracer reaps statuses itself, so there is no hand-off per event; when
 *       idle neither thread uses CPU. There must be only one waiter per JVM: anything else that
 *       waits for children would steal our stops. Hence one {@code Tracer} per JVM.</li>
 *   <li><b>events</b> — calls listeners in the order the engine emitted events, so a slow
 *       listener never stalls tracing.</li>
 *   <li><b>output pumps</b> — one per pipe of a launched program.</li>
 * </ul>
 */
public final class Tracer implements AutoCloseable {
    private static Tracer shared;

    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    /** An event and the id of the group it belongs to (0: none). */
    private record Routed(int group, TraceEvent event) {}

    private final LinkedBlockingQueue<Routed> events = new LinkedBlockingQueue<>();
    private final List<Consumer<TraceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> batchEndHooks = new CopyOnWriteArrayList<>();
    private final Semaphore armWaiter = new Semaphore(0);
    /** Output pipes of launched programs still open: their exit is announced after their last output. */
    private final Map<Integer, CountDownLatch> openOutput = new ConcurrentHashMap<>();
    private final Thread tracerThread;
    private final Thread waiterThread;
    private final Thread eventThread;
    /** Completes the futures the tracer thread finished, in the order it finished them. */
    private final ExecutorService replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ptrace-replies");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    // tracer-thread state
    private Engine engine;
    /** Events the engine emitted and not yet handed to the events thread: one hand-off per batch. */
    private final ArrayList<Routed> outbox = new ArrayList<>();
    private boolean waiterArmed;
    private boolean noChildren = true;
    private long lastBusy;
    /**
     * How long the tracer keeps polling for statuses after its last work, yielding the CPU
     * between polls, before it hands the wait to the waiter and sleeps. 100 µs took a clone storm
     * from ~125 to ~60 µs per thread (BENCHMARKS.md F2); 0 turns it off; 500 µs and more take
     * CPU the program needs. An idle program costs nothing: only recent work makes it spin.
     */
    private static final long SPIN_NANOS = Long.getLong("ptracedap.spinMicros", 100) * 1000;
    private static final Runnable WAKE = () -> { };

    private Tracer() {
        LibC.load();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        tracerThread = new Thread(() -> runTracer(ready), "ptrace-tracer");
        tracerThread.setDaemon(true);
        waiterThread = new Thread(this::runWaiter, "ptrace-waiter");
        waiterThread.setDaemon(true);
        eventThread = new Thread(this::runEvents, "ptrace-events");
        eventThread.setDaemon(true);
        tracerThread.start();
        waiterThread.start();
        eventThread.start();
        ready.join();
    }

    /** The JVM's tracer, started on first use. */
    public static synchronized Tracer shared() {
        if (shared == null || shared.closed) {
            shared = new Tracer();
        }
        return shared;
    }

    public void addListener(Consumer<TraceEvent> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<TraceEvent> listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------ commands

    /** Runs {@code work} on the tracer thread. */
    public <T> CompletableFuture<T> call(Callable<T> work) {
        return callAsync(result -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
    }

    /**
     * Runs {@code work} on the tracer thread; it completes the future it is given. The future
     * returned completes on the {@code ptrace-replies} thread, never on the tracer: what callers
     * chain to it (writing a DAP response, waiting for a lock) must not hold up the thread that
     * makes every ptrace call — an attach response once waited there behind 1,001 thread events.
     */
    private <T> CompletableFuture<T> callAsync(Consumer<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(() -> {
            try {
                work.accept(result);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        CompletableFuture<T> reply = new CompletableFuture<>();
        result.whenComplete((value, error) -> {
            if (Thread.currentThread() == tracerThread) {
                publish(); // the events of the work reach listeners no later than its result
            }
            replies.execute(() -> {
                if (error != null) {
                    reply.completeExceptionally(error);
                } else {
                    reply.complete(value);
                }
            });
        });
        return reply;
    }

    private void submit(Runnable r) {
        if (closed) {
            throw new IllegalStateException("tracer is closed");
        }
        commands.add(r);
    }

    // ------------------------------------------------------------------ groups

    /** How long a fork child handed over stopped waits for a tracer before it is continued untraced. */
    public static final int HANDOVER_PATIENCE_SECONDS = 10;

    private final java.util.concurrent.atomic.AtomicInteger nextGroup = new java.util.concurrent.atomic.AtomicInteger();
    /** The groups by id, for routing their events; a group leaves after its GroupEnded was dispatched. */
    private final Map<Integer, TraceGroup> groups = new ConcurrentHashMap<>();

    /**
     * A new, empty group: attach or launch a process with it. Every event of its processes goes to
     * {@code listener}, on the events thread, in the order the engine emitted them (the global
     * listeners see them too).
     */
    public TraceGroup group(Consumer<TraceEvent> listener) {
        TraceGroup g = new TraceGroup(this, nextGroup.incrementAndGet(), listener);
        groups.put(g.id(), g);
        return g;
    }

    void forget(TraceGroup g) {
        groups.remove(g.id());
    }

    CompletableFuture<ProcessInfo> attach(int group, int pid, TraceOptions options, boolean takeOver) {
        return call(() -> takeOver ? engine.takeOver(group, pid, options) : engine.attach(group, pid, options));
    }

    CompletableFuture<ProcessInfo> launch(int group, LaunchSpec spec, TraceOptions options) {
        return callAsync(started -> {
            Spawn.Child child = engine.launch(group, spec.resolved(), options, started);
            CountDownLatch open = new CountDownLatch(2);
            openOutput.put(child.pid(), open);
            pump(group, child.pid(), child.stdoutFd(), Output.Stream.STDOUT, open);
            pump(group, child.pid(), child.stderrFd(), Output.Stream.STDERR, open);
        });
    }

    CompletableFuture<Void> pause(int group) {
        return callAsync(done -> engine.pause(group, done));
    }

    CompletableFuture<Void> resume(int group) {
        return call(() -> {
            engine.resume(group);
            return null;
        });
    }

    CompletableFuture<Void> detach(int group) {
        return callAsync(done -> engine.detach(group, done));
    }

    CompletableFuture<Void> kill(int group) {
        return callAsync(done -> engine.kill(group, done));
    }

    CompletableFuture<List<ThreadInfo>> threads(int group) {
        return call(() -> engine.threads(group));
    }

    CompletableFuture<List<Integer>> processes(int group) {
        return call(() -> engine.processes(group));
    }

    CompletableFuture<Void> release(int child) {
        return call(() -> {
            engine.release(child);
            return null;
        });
    }

    CompletableFuture<Map<Long, String>> insertBreakpoints(int group, int pid, java.util.Collection<Long> addresses) {
        return call(() -> {
            Map<Long, String> refused = new java.util.LinkedHashMap<>();
            for (long a : addresses) {
                try {
                    engine.insertBreakpoint(group, pid, a);
                } catch (TraceException e) {
                    refused.put(a, e.getMessage());
                }
            }
            return refused;
        });
    }

    CompletableFuture<Void> removeBreakpoints(int group, int pid, java.util.Collection<Long> addresses) {
        return call(() -> {
            for (long a : addresses) {
                engine.removeBreakpoint(group, pid, a);
            }
            return null;
        });
    }

    CompletableFuture<StepPlan.End> step(int group, int tid, StepPlan plan) {
        return callAsync(done -> engine.step(group, tid, plan, done));
    }

    CompletableFuture<Void> breakpoints(int group, BreakpointHandler handler, InstructionDecoder decoder) {
        return call(() -> {
            engine.breakpoints(group, handler, decoder);
            return null;
        });
    }

    <T> CompletableFuture<T> inspect(int group, int tid, Inspection<T> work) {
        return call(() -> engine.inspect(group, tid, work));
    }

    <T> CompletableFuture<java.util.Map<Integer, T>> inspectStopped(int group, int pid, java.util.Set<Integer> skip, int max,
                                                                    Inspection<T> work) {
        return call(() -> engine.inspectStopped(group, pid, skip, max, work));
    }

    /** The exit status of one of our own untraced children (e.g. a sample a test started). */
    public CompletableFuture<Integer> childExit(int pid) {
        return callAsync(done -> engine.childExit(pid, done));
    }

    /** Starts a program untraced, as our child (for tests and tools): its exit via {@link #childExit}. */
    public CompletableFuture<Spawn.Child> spawnUntraced(String program, List<String> argv, boolean captureOutput) {
        return call(() -> Spawn.plain(program, argv, System.getenv(), null, captureOutput));
    }

    // ------------------------------------------------------------------ threads

    private Ptrace ptrace;

    private void runTracer(CompletableFuture<Void> ready) {
        ptrace = new Ptrace();
        engine = new Engine(new LinuxKernel(ptrace, commands::add), (group, e) -> outbox.add(new Routed(group, e)));
        ready.complete(null);
        while (!closed) {
            try {
                Runnable c;
                boolean worked = false;
                while ((c = commands.poll()) != null) {
                    run(c);
                    worked = true;
                }
                if (drain() > 0 || worked) {
                    lastBusy = System.nanoTime();
                    continue;
                }
                publish(); // nothing more right now: hand over what there is
                if (!noChildren && System.nanoTime() - lastBusy < SPIN_NANOS) {
                    // Busy a moment ago (a clone storm, a pause): the next status is usually
                    // microseconds away, and handing the wait to the waiter costs two thread
                    // wake-ups. Poll a little longer first; idle, we never spin.
                    Thread.yield(); // on 2 cores, the other thread here may be the very tracee we wait for
                    continue;
                }
                if (!noChildren && !waiterArmed) {
                    waiterArmed = true;
                    armWaiter.release();
                }
                c = engine.pausing() ? commands.poll(50, TimeUnit.MILLISECONDS) : commands.take();
                if (c == null) {
                    engine.tick();
                } else {
                    run(c);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("ptrace-dap: tracer error: " + e);
                e.printStackTrace();
            }
        }
    }

    private void run(Runnable c) {
        if (c == WAKE) {
            waiterArmed = false;
            return;
        }
        noChildren = false; // a command may have made a tracee or a child
        c.run();
    }

    /** Reaps and handles every status that is ready; returns how many. */
    private int drain() {
        int n = engine.pausing() ? reapAwaitedStops() : 0;
        while (n < 4096) {
            int tid = ptrace.pollWait();
            if (tid <= 0) {
                noChildren = tid < 0;
                break;
            }
            n++;
            handle(tid);
            if (outbox.size() >= 64) {
                publish(); // a long stream of statuses: listeners need not wait for its end
            }
        }
        return n;
    }

    /**
     * Hands the events emitted since the last call to the events thread, all at once: a
     * hand-off per event woke that thread for nearly every event of a clone storm
     * (BENCHMARKS.md F2). Called before the tracer looks for more work and before it blocks.
     */
    private void publish() {
        if (!outbox.isEmpty()) {
            events.addAll(outbox);
            outbox.clear();
        }
    }

    /**
     * While a pause waits, collects the awaited stops thread by thread: {@code waitpid(-1)} walks
     * every tracee on each call, so reaping n interrupt stops with it costs O(n²) in the kernel
     * (3.4× the time at 1,001 threads, BENCHMARKS.md F5); {@code waitpid(tid)} looks at one.
     * Whatever a thread reports first (a clone event, a signal, its exit) is handled as usual.
     */
    private int reapAwaitedStops() {
        int n = 0;
        for (int tid : engine.awaitedStops()) {
            if (ptrace.pollWait(tid) > 0) {
                n++;
                handle(tid);
            }
        }
        return n;
    }

    private void handle(int tid) {
        try {
            engine.onWaitStatus(tid, ptrace.lastStatus());
        } catch (RuntimeException e) {
            System.err.println("ptrace-dap: while handling tid " + tid + ": " + e);
            e.printStackTrace();
        }
    }

    private void runWaiter() {
        Memory info = new Memory(128);
        while (!closed) {
            try {
                armWaiter.acquire();
            } catch (InterruptedException e) {
                return;
            }
            while (true) {
                try {
                    LibC.waitid(LibC.P_ALL, 0, info, LibC.WEXITED | LibC.__WALL | LibC.WNOWAIT);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EINTR) {
                        continue;
                    }
                    // ECHILD: nothing to wait for; the tracer finds that out itself
                }
                break;
            }
            commands.add(WAKE);
        }
    }

    private void runEvents() {
        java.util.ArrayDeque<Routed> batch = new java.util.ArrayDeque<>();
        while (!closed) {
            try {
                batch.add(events.take());
            } catch (InterruptedException e) {
                return;
            }
            events.drainTo(batch, 1024);
            Routed r;
            while ((r = batch.poll()) != null) {
                if (r.event() instanceof TraceEvent.ProcessExited x && openOutput.containsKey(x.pid())) {
                    // Its last output may still be in the pipe or queued behind this event: let it go first.
                    awaitOutputClosed(x.pid());
                    events.drainTo(batch);
                    List<Routed> rest = new ArrayList<>(batch);
                    batch.clear();
                    for (Routed o : rest) {
                        if (o.event() instanceof Output out && out.pid() == x.pid()) {
                            dispatch(o);
                        } else {
                            batch.add(o);
                        }
                    }
                }
                dispatch(r);
            }
            for (Runnable hook : batchEndHooks) {
                hook.run();
            }
        }
    }

    /** Is this the thread that calls listeners? (Listeners may defer work to the end of a batch.) */
    public boolean onEventThread() {
        return Thread.currentThread() == eventThread;
    }

    /**
     * Runs {@code hook} on the event thread after each batch of events has been handed to the
     * listeners — e.g. to flush output that listeners buffered, once per batch instead of per event.
     */
    public void onBatchEnd(Runnable hook) {
        batchEndHooks.add(hook);
    }

    public void removeBatchEnd(Runnable hook) {
        batchEndHooks.remove(hook);
    }

    private void dispatch(Routed r) {
        TraceEvent e = r.event();
        for (Consumer<TraceEvent> l : listeners) {
            deliver(l, e);
        }
        TraceGroup g = r.group() != 0 ? groups.get(r.group()) : null;
        if (g != null) {
            deliver(g.listener(), e);
            if (e instanceof TraceEvent.GroupEnded) {
                groups.remove(g.id());
            }
        }
    }

    private static void deliver(Consumer<TraceEvent> l, TraceEvent e) {
        try {
            l.accept(e);
        } catch (RuntimeException ex) {
            System.err.println("ptrace-dap: event listener failed on " + e + ": " + ex);
        }
    }

    /** Lets the last output of a program reach listeners before its exit does (bounded: a grandchild may hold the pipe). */
    private void awaitOutputClosed(int pid) {
        CountDownLatch open = openOutput.remove(pid);
        if (open != null) {
            try {
                open.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Copies a launched program's output pipe into {@link Output} events, decoded as UTF-8. */
    private void pump(int group, int pid, int fd, Output.Stream stream, CountDownLatch open) {
        if (fd < 0) {
            open.countDown();
            return;
        }
        Thread t = new Thread(() -> {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            byte[] buf = new byte[8192];
            ByteBuffer in = ByteBuffer.allocate(8192 + 8);
            CharBuffer out = CharBuffer.allocate(8192 + 8);
            try {
                while (true) {
                    long n;
                    try {
                        n = LibC.read(fd, buf, buf.length);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == LibC.EINTR) {
                            continue;
                        }
                        break;
                    }
                    if (n <= 0) {
                        break;
                    }
                    in.put(buf, 0, (int) n).flip();
                    decoder.decode(in, out, false);
                    in.compact();
                    out.flip();
                    if (out.hasRemaining()) {
                        events.add(new Routed(group, new Output(pid, stream, out.toString())));
                    }
                    out.clear();
                }
            } finally {
                Spawn.closeQuietly(fd);
                open.countDown(); // this very latch: the map entry is gone once the exit waits on it
            }
        }, "ptrace-output-" + pid + "-" + stream.name().toLowerCase());
        t.setDaemon(true);
        t.start();
    }

    /** Detaches from every process still traced (launched ones die with us: EXITKILL). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            List<Integer> ids = call(() -> engine.groups()).get(5, TimeUnit.SECONDS);
            for (int id : ids) {
                try {
                    detach(id).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // exited meanwhile
                }
            }
        } catch (Exception e) {
            // best effort
        }
        closed = true;
        tracerThread.interrupt();
        waiterThread.interrupt();
        eventThread.interrupt();
        replies.shutdown();
    }
}
