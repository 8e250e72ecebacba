package org.ptracedap.adapter.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DAP ids of the frames shown for the current stop: one per (thread, level), the same id each
 * time a frame is shown again in the stop, and never reused — after the program ran, an old id is
 * unknown (a request naming it gets a clear error), not some other frame.
 *
 * <p>Thread-safe.
 */
public final class FrameIds {
    /** A frame: its thread and its level (0 the innermost). */
    public record Frame(int tid, int level) {}

    private final AtomicInteger next = new AtomicInteger(1);
    private final Map<Integer, Frame> byId = new ConcurrentHashMap<>();
    private final Map<Frame, Integer> byFrame = new ConcurrentHashMap<>();

    public int idFor(int tid, int level) {
        return byFrame.computeIfAbsent(new Frame(tid, level), f -> {
            int id = next.getAndUpdate(n -> n == Integer.MAX_VALUE ? 1 : n + 1);
            byId.put(id, f);
            return id;
        });
    }

    /** The frame of an id handed out in this stop, or null. */
    public Frame frame(int id) {
        return byId.get(id);
    }

    public void clear() {
        byFrame.clear();
        byId.clear();
    }
}
