package org.ptracedap.debuginfo.types;

/**
 * What is asked for can only be read from the debug info, and it is not at hand here: a type not
 * resolved yet, a name or an entry value only the DWARF can tell — asked on a thread that must
 * not read it (the tracer's, deciding a breakpoint's condition). The caller asks again where the
 * debug info is (the symbols thread); nothing is wrong with the question.
 */
public final class NeedsDebugInfo extends RuntimeException {
    public NeedsDebugInfo() {
        super(null, null, false, false);
    }

    private static final ThreadLocal<Boolean> WITHOUT = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code work} where the debug info must not be read: a {@link TypeRef} not resolved yet
     * throws this instead of reading it.
     */
    public static <T> T without(java.util.function.Supplier<T> work) {
        boolean was = WITHOUT.get();
        WITHOUT.set(true);
        try {
            return work.get();
        } finally {
            WITHOUT.set(was);
        }
    }

    static boolean forbidden() {
        return WITHOUT.get();
    }
}
