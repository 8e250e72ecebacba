package org.ptracedap.adapter.wire;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * The requests read from the client and not yet answered, in the order they were read: the
 * transport's proof that every request it read gets exactly one response.
 *
 * <ul>
 *   <li>{@link #read} when the frame filter passes a request on to LSP4J;</li>
 *   <li>{@link #take} when a response to it is about to be written;</li>
 *   <li>{@link #force} when the transport answers requests itself (the session is ending and
 *       their work has not finished): a response that still comes for one of them later is
 *       dropped ({@link #takeForced}), so the client never gets two.</li>
 * </ul>
 * Not thread-safe: {@link DapTransport} calls it under its write lock.
 */
final class RequestLedger {
    /** A request read: its seq, command, and place in the order of reading. */
    record Entry(int seq, String command, long order) {}

    private final LinkedList<Entry> owed = new LinkedList<>();
    private final List<Entry> forced = new ArrayList<>();
    private long reads;

    /** A request was read; it is owed one response. */
    Entry read(int seq, String command) {
        Entry e = new Entry(seq, command, ++reads);
        owed.add(e);
        return e;
    }

    /** A response to {@code requestSeq} is to be written: the oldest owed request with that seq, now settled; null if none. */
    Entry take(int requestSeq) {
        for (Iterator<Entry> i = owed.iterator(); i.hasNext(); ) {
            Entry e = i.next();
            if (e.seq() == requestSeq) {
                i.remove();
                return e;
            }
        }
        return null;
    }

    /** Was {@code requestSeq} answered by {@link #force} (its late response must be dropped)? Forgets it. */
    boolean takeForced(int requestSeq) {
        for (Iterator<Entry> i = forced.iterator(); i.hasNext(); ) {
            if (i.next().seq() == requestSeq) {
                i.remove();
                return true;
            }
        }
        return false;
    }

    /** Is a request read before the one at {@code order} still owed its response? */
    boolean owedBefore(long order) {
        return !owed.isEmpty() && owed.getFirst().order() < order;
    }

    /** The owed requests read before {@code order} (all of them: Long.MAX_VALUE), now answered by the caller. */
    List<Entry> force(long order) {
        List<Entry> taken = new ArrayList<>();
        for (Iterator<Entry> i = owed.iterator(); i.hasNext(); ) {
            Entry e = i.next();
            if (e.order() < order) {
                i.remove();
                taken.add(e);
            }
        }
        forced.addAll(taken);
        return taken;
    }

    /** The owed request {@code seq}, now answered by the caller (a {@code cancel}: its own answer is dropped); null if not owed. */
    Entry forceOne(int seq) {
        for (Iterator<Entry> i = owed.iterator(); i.hasNext(); ) {
            Entry e = i.next();
            if (e.seq() == seq) {
                i.remove();
                forced.add(e);
                return e;
            }
        }
        return null;
    }

    int owedCount() {
        return owed.size();
    }
}
