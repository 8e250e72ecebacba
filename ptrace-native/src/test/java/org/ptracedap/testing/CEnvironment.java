package org.ptracedap.testing;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ptracedap.sys.LibC;

/**
 * Variables of this JVM's C environment — what native libraries read (libdebuginfod reads
 * {@code DEBUGINFOD_URLS} at each query), not {@code System.getenv}'s copy — set for a try
 * block, then put back as they were. Set before the code under test starts its threads: setenv
 * is not safe against a getenv running at the same time.
 */
public final class CEnvironment implements AutoCloseable {
    static {
        LibC.load(); // libc found by LibC's search path, never by `ldconfig -p`
        Native.register(NativeLibrary.getInstance("c"));
    }

    private static native int setenv(String name, String value, int overwrite);

    private static native int unsetenv(String name);

    private final Map<String, String> before = new LinkedHashMap<>();

    private CEnvironment(Map<String, String> vars) {
        vars.forEach((name, value) -> {
            before.put(name, LibC.getenv(name));
            if (setenv(name, value, 1) != 0) {
                throw new IllegalStateException("setenv " + name);
            }
        });
    }

    /** {@code vars} set in the C environment until {@link #close}. */
    public static CEnvironment with(Map<String, String> vars) {
        return new CEnvironment(vars);
    }

    @Override
    public void close() {
        before.forEach((name, value) -> {
            if (value == null) {
                unsetenv(name);
            } else {
                setenv(name, value, 1);
            }
        });
    }
}
