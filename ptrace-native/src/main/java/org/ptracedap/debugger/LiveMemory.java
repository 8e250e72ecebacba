package org.ptracedap.debugger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ptracedap.debugger.values.Memory;
import org.ptracedap.engine.TraceGroup;

/**
 * A stopped thread's process memory for values, read through the engine (on the tracer thread,
 * where every read of a traced process is made) a page at a time and kept for the stop: showing
 * a struct, an array or a string reads its page once, not once per member. Made per stop; a
 * later stop makes a new one. Writes go straight through (and update the pages kept).
 *
 * <p>Threads: one caller at a time (the symbols thread), which waits for the tracer thread.
 */
public final class LiveMemory implements Memory {
    private static final int PAGE = 4096;
    /** How long a read waits for the tracer thread (which may be unwinding a deep stack). */
    private static final long PATIENCE_SECONDS = 30;

    private final TraceGroup group;
    private final int tid;
    /** Page address → its bytes, or null when it cannot be read. */
    private final Map<Long, byte[]> pages = new HashMap<>();

    public LiveMemory(TraceGroup group, int tid) {
        this.group = group;
        this.tid = tid;
    }

    @Override
    public int read(long address, byte[] into) {
        int done = 0;
        while (done < into.length) {
            long at = address + done;
            long page = at & ~(long) (PAGE - 1);
            byte[] bytes = page(page);
            if (bytes == null) {
                return done;
            }
            int from = (int) (at - page);
            int n = Math.min(into.length - done, PAGE - from);
            System.arraycopy(bytes, from, into, done, n);
            done += n;
        }
        return done;
    }

    private byte[] page(long page) {
        if (pages.containsKey(page)) {
            return pages.get(page);
        }
        byte[] bytes = new byte[PAGE];
        byte[] got;
        try {
            int n = group.inspect(tid, t -> t.read(page, bytes)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            got = n == PAGE ? bytes : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            got = null; // the thread runs again, or is gone: nothing to read
        }
        pages.put(page, got);
        return got;
    }

    @Override
    public boolean write(long address, byte[] bytes) {
        try {
            group.inspect(tid, t -> {
                t.write(address, bytes);
                return null;
            }).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        pages.keySet().removeIf(p -> p + PAGE > address && p < address + bytes.length);
        return true;
    }
}
