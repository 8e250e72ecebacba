package org.ptracedap.engine;

/** Where the {@link Engine} puts its events: each with the id of the group it belongs to (0: none). */
@FunctionalInterface
public interface EventSink {
    void accept(int group, TraceEvent event);
}
