package org.ptracedap.adapter.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DAP {@code variablesReference}s handed out for the current stop: each names a node a
 * client may expand — a frame's scope, a set of registers, a value's children — the same number
 * each time the same node is shown in the stop, and never reused: after the program ran, an old
 * reference is unknown (a clear error), not some other variable. Cleared with the frame ids.
 *
 * <p>Thread-safe.
 */
public final class VariableRefs {
    /** A scope of a frame: {@code kind} is {@link #ARGUMENTS}, {@link #LOCALS} or {@link #REGISTERS}. */
    public record Scope(FrameIds.Frame frame, String kind) {}

    /** A set of a frame's registers (x87, SSE, AVX). */
    public record RegisterSet(FrameIds.Frame frame, String set) {}

    /** A value to expand (a struct, an array, a pointer) shown in a frame; {@code expression} evaluates to it there (null if none does). */
    public record ValueNode(FrameIds.Frame frame, org.ptracedap.debugger.values.Value value, String expression) {}

    public static final String ARGUMENTS = "Arguments";
    public static final String LOCALS = "Locals";
    public static final String GLOBALS = "Globals";
    public static final String REGISTERS = "Registers";

    private final AtomicInteger next = new AtomicInteger(1);
    private final Map<Integer, Object> byRef = new ConcurrentHashMap<>();
    private final Map<Object, Integer> byNode = new ConcurrentHashMap<>();

    /** The reference of {@code node} (a record: equal nodes get the same reference in a stop). */
    public int refFor(Object node) {
        return byNode.computeIfAbsent(node, n -> {
            int ref = next.getAndUpdate(x -> x == Integer.MAX_VALUE ? 1 : x + 1);
            byRef.put(ref, n);
            return ref;
        });
    }

    /** The node of a reference handed out in this stop, or null. */
    public Object node(int ref) {
        return byRef.get(ref);
    }

    public void clear() {
        byNode.clear();
        byRef.clear();
    }
}
