package org.ptracedap.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every traced process and thread, by pid and by tid, and the tids the engine must remember for a
 * while after it stopped tracing them (their last notification may still come). Tracer thread only.
 */
final class ThreadTable {
    /** Remembered tids (first-seen threads awaiting their clone event, ...) are bounded, oldest dropped first. */
    private static final int MEMORY_LIMIT = 65_536;

    private final Map<Integer, TracedProcess> procs = new LinkedHashMap<>();
    private final Map<Integer, TracedThread> threads = new HashMap<>();

    /** Threads adopted before their parent's clone event: that event must not report them again. */
    final Set<Integer> awaitingCloneEvent = new LinkedHashSet<>();
    /** Tids reported exited already (exec) whose death notification may still come: swallow it. */
    final Set<Integer> reapExpected = new LinkedHashSet<>();
    /** Tids we let go of but which are not in a stop yet (fork children, vfork parents): detach at their next stop. */
    final Set<Integer> detachAtNextStop = new LinkedHashSet<>();
    /** Fork children to let go at their first stop (see detachAtNextStop) → their parent: our int3s out of their memory first. */
    final Map<Integer, Integer> cleanBeforeDetach = new HashMap<>();
    /** Fork children detached at their first stop, before the parent's fork event: that event must not detach again. */
    final Set<Integer> detachedEarly = new LinkedHashSet<>();

    TracedProcess process(int pid) {
        return procs.get(pid);
    }

    boolean traces(int pid) {
        return procs.containsKey(pid);
    }

    void add(TracedProcess p) {
        procs.put(p.pid, p);
    }

    void remove(TracedProcess p) {
        procs.remove(p.pid);
    }

    /** The processes, in the order they were taken on. */
    Iterable<TracedProcess> processes() {
        return procs.values();
    }

    TracedThread thread(int tid) {
        return threads.get(tid);
    }

    TracedThread addThread(TracedProcess proc, int tid, int parentTid, TracedThread.State state, String name) {
        TracedThread t = new TracedThread(tid, proc, parentTid, state, name);
        proc.add(t);
        threads.put(tid, t);
        return t;
    }

    /** The thread is no longer traced (it exited, or we let it go). */
    void forget(TracedThread t) {
        t.proc.remove(t);
        threads.remove(t.tid);
    }

    /** Adds {@code value} to one of the remembered sets, forgetting the oldest past the limit. */
    static <T> void remember(Set<T> set, T value) {
        set.add(value);
        if (set.size() > MEMORY_LIMIT) {
            set.remove(set.iterator().next());
        }
    }

    static <K, V> void remember(Map<K, V> map, K key, V value) {
        map.put(key, value);
        if (map.size() > MEMORY_LIMIT) {
            map.remove(map.keySet().iterator().next());
        }
    }
}
