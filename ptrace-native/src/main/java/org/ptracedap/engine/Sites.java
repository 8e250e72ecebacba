package org.ptracedap.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The int3s of one process's memory: each address's original byte and out-of-line plan, the
 * scratch pages that hold the plans' slots, and the addresses of breakpoints removed lately
 * (a thread may have trapped on one before it went: that SIGTRAP is still ours — gdb's
 * "moribund locations"). Tracer thread only.
 */
final class Sites {
    /** One int3 of ours. */
    static final class Site {
        final long address;
        /** The byte the int3 replaced (a write over it through us updates this, not memory). */
        byte original;
        final OutOfLine plan;
        /** The slot of a plan that needs one, 0 until first used. */
        long slot;
        /** A breakpoint of the session's ({@code insertBreakpoints}); false: only steps' own use it. */
        boolean user = true;
        /** How many steps use it as their return (or step-resume) breakpoint. */
        int internal;

        Site(long address, byte original, OutOfLine plan) {
            this.address = address;
            this.original = original;
            this.plan = plan;
        }
    }

    /** A scratch page of ours in the process: slots handed out from its start. */
    record Page(long start, long end) {}

    final Map<Long, Site> byAddress = new LinkedHashMap<>();
    final List<Page> pages = new ArrayList<>();
    /** Slots in use, by start: the plan run there (a thread stopped in one is mapped back through it). */
    final Map<Long, OutOfLine> slots = new LinkedHashMap<>();
    /** A {@code syscall} instruction in the process's code (for mapping scratch pages), 0 until found. */
    long syscallAt;
    private long nextFree;
    private long freeEnd;
    /** Addresses of removed breakpoints, newest last (bounded). */
    private final LinkedHashSet<Long> moribund = new LinkedHashSet<>();
    private static final int MORIBUND_LIMIT = 4096;

    Site at(long address) {
        return byAddress.get(address);
    }

    boolean isEmpty() {
        return byAddress.isEmpty();
    }

    void removed(long address) {
        moribund.remove(address);
        moribund.add(address);
        if (moribund.size() > MORIBUND_LIMIT) {
            Iterator<Long> oldest = moribund.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    boolean wasRemoved(long address) {
        return moribund.contains(address);
    }

    void reinserted(long address) {
        moribund.remove(address);
    }

    /** The next free slot, or 0 if the pages are full. */
    long takeSlot() {
        if (nextFree == 0 || nextFree + OutOfLine.SLOT_SIZE > freeEnd) {
            return 0;
        }
        long s = nextFree;
        nextFree += OutOfLine.SLOT_SIZE;
        return s;
    }

    void addPage(Page p) {
        pages.add(p);
        nextFree = p.start();
        freeEnd = p.end();
    }

    /** The plan whose slot holds {@code rip}, or null. */
    Map.Entry<Long, OutOfLine> slotHolding(long rip) {
        for (Page p : pages) {
            if (rip >= p.start() && rip < p.end()) {
                long start = p.start() + (rip - p.start()) / OutOfLine.SLOT_SIZE * OutOfLine.SLOT_SIZE;
                OutOfLine plan = slots.get(start);
                return plan != null ? Map.entry(start, plan) : null;
            }
        }
        return null;
    }

    /** Patches {@code bytes}, read at {@code address}, so that our int3s show as the bytes they replaced. */
    void hide(long address, byte[] bytes, int n) {
        if (byAddress.isEmpty() || n <= 0) {
            return;
        }
        for (Site s : byAddress.values()) {
            long off = s.address - address;
            if (off >= 0 && off < n) {
                bytes[(int) off] = s.original;
            }
        }
    }

    /** A copy for a fork child: the same int3s and slots in its copy of the memory. */
    Sites copy() {
        Sites c = new Sites();
        for (Site s : byAddress.values()) {
            Site cs = new Site(s.address, s.original, s.plan);
            cs.slot = s.slot;
            cs.user = s.user;
            c.byAddress.put(s.address, cs);
        }
        c.pages.addAll(pages);
        c.slots.putAll(slots);
        c.nextFree = nextFree;
        c.freeEnd = freeEnd;
        c.moribund.addAll(moribund);
        return c;
    }
}
