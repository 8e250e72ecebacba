package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Records the engine's events (all processes) and lets a test wait for one. */
final class Recorder implements Consumer<TraceEvent>, AutoCloseable {
    private final List<TraceEvent> events = new ArrayList<>();

    Recorder() {
        Tracer.shared().addListener(this);
    }

    @Override
    public synchronized void accept(TraceEvent e) {
        events.add(e);
        notifyAll();
    }

    synchronized List<TraceEvent> of(int pid) {
        return events.stream().filter(e -> e.pid() == pid).collect(Collectors.toList());
    }

    <T extends TraceEvent> List<T> of(int pid, Class<T> type) {
        return of(pid).stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /**
     * Waits for the first event of {@code pid} matching {@code p}. A long workload (a storm of
     * 100,000 threads on a loaded machine) may take minutes: the deadline is for a stall — no new
     * event at all for {@link Sample#LONG} — not for the whole run.
     */
    synchronized <T extends TraceEvent> T await(int pid, Class<T> type, Predicate<T> p) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        int looked = 0; // events before this index did not match: look at each event once
        while (true) {
            for (; looked < events.size(); looked++) {
                TraceEvent e = events.get(looked);
                if (e.pid() == pid && type.isInstance(e) && p.test(type.cast(e))) {
                    return type.cast(e);
                }
                deadline = System.nanoTime() + Sample.LONG.toNanos(); // progress: not a hang
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no " + type.getSimpleName() + " of process " + pid + " and no event at all for "
                        + Sample.LONG.toSeconds() + " s; last events: " + tail(of(pid)));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Waits until {@code n} events of {@code type} of {@code pid} have reached the listeners, and
     * returns them. A command's future completes as soon as its work is done on the tracer thread;
     * the events that work emitted reach listeners on the events thread, maybe a little later.
     */
    synchronized <T extends TraceEvent> List<T> awaitCount(int pid, Class<T> type, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (of(pid, type).size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out waiting for " + n + " " + type.getSimpleName() + " events of process " + pid
                        + " (seen " + of(pid, type).size() + "); last events: " + tail(of(pid)));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return of(pid, type);
    }

    TraceEvent.ProcessExited awaitExit(int pid) throws InterruptedException {
        return await(pid, TraceEvent.ProcessExited.class, e -> true);
    }

    /** Waits until the process has printed {@code text} (output events). */
    synchronized void awaitOutput(int pid, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Sample.LONG.toNanos();
        while (!output(pid).contains(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("process " + pid + " never printed '" + text + "'; it printed: " + output(pid));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized String output(int pid) {
        return of(pid, TraceEvent.Output.class).stream().map(TraceEvent.Output::text).collect(Collectors.joining());
    }

    /**
     * Asserts every thread of {@code pid} was reported started exactly once and exited exactly
     * once: per tid the events alternate started, exited (a tid may be reused by a later thread
     * once the kernel's pid counter wraps). Returns the number of threads.
     */
    int assertEachThreadOnce(int pid) {
        Map<Integer, Boolean> alive = new TreeMap<>();
        int threads = 0;
        for (TraceEvent e : of(pid)) {
            if (e instanceof TraceEvent.ThreadStarted s) {
                assertNotEquals(Boolean.TRUE, alive.put(s.tid(), true), "thread " + s.tid() + " started twice");
                threads++;
            } else if (e instanceof TraceEvent.ThreadExited x) {
                assertEquals(Boolean.TRUE, alive.put(x.tid(), false), "thread " + x.tid() + " exited but was not alive");
            }
        }
        alive.forEach((tid, a) -> assertFalse(a, "thread " + tid + " never exited"));
        return threads;
    }

    private static String tail(List<TraceEvent> list) {
        return list.subList(Math.max(0, list.size() - 10), list.size()).toString();
    }

    @Override
    public void close() {
        Tracer.shared().removeListener(this);
    }
}
