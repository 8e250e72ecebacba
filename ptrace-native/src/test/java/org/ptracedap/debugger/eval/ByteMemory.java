package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ptracedap.debugger.values.Memory;

/** A process's memory as a test builds it: regions of bytes at addresses; outside them nothing reads or writes. */
final class ByteMemory implements Memory {
    private final TreeMap<Long, byte[]> regions = new TreeMap<>();
    /** Every write asked for, in order: address and length. */
    final List<long[]> writes = new ArrayList<>();

    ByteMemory map(long address, byte[] bytes) {
        regions.put(address, bytes);
        return this;
    }

    @Override
    public int read(long address, byte[] into) {
        Map.Entry<Long, byte[]> r = regions.floorEntry(address);
        if (r == null || address - r.getKey() >= r.getValue().length) {
            return 0;
        }
        int from = (int) (address - r.getKey());
        int n = Math.min(into.length, r.getValue().length - from);
        System.arraycopy(r.getValue(), from, into, 0, n);
        return n;
    }

    @Override
    public boolean write(long address, byte[] bytes) {
        writes.add(new long[] {address, bytes.length});
        Map.Entry<Long, byte[]> r = regions.floorEntry(address);
        if (r == null || address - r.getKey() + bytes.length > r.getValue().length) {
            return false;
        }
        System.arraycopy(bytes, 0, r.getValue(), (int) (address - r.getKey()), bytes.length);
        return true;
    }
}
