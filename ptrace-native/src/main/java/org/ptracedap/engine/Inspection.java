package org.ptracedap.engine;

/** Work that runs on the tracer thread with a stopped thread ({@link TraceGroup#inspect}). */
@FunctionalInterface
public interface Inspection<T> {
    T inspect(Tracee tracee) throws Exception;
}
