package org.ptracedap.debuginfo;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A libdwfl session over the modules a live process maps now (its /proc/PID/maps): ELF files
 * found through /proc ({@code dwfl_linux_proc_find_elf}, which asks no server), separate debug
 * files as its {@link DebugFiles} says. The one way {@link Unwinder}, {@link Symbols} and
 * {@link Modules} open libdwfl. libdwfl keeps a pointer to the callbacks structure: it lives as
 * long as this object.
 */
final class ProcessDwfl implements AutoCloseable {
    final Pointer dwfl;
    @SuppressWarnings("unused") // reachable for libdwfl, which keeps a pointer to it
    private final Memory callbacks;

    private ProcessDwfl(Pointer dwfl, Memory callbacks) {
        this.dwfl = dwfl;
        this.callbacks = callbacks;
    }

    /**
     * Reports the modules of {@code pid}, their debug files to be found as {@code debugFiles}
     * says; IllegalStateException saying what failed (libdw missing, the process gone).
     */
    static ProcessDwfl report(int pid, DebugFiles debugFiles) {
        String missing = LibDw.missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        // Dwfl_Callbacks: find_elf, find_debuginfo, section_address, debuginfo_path (NULL: the default path)
        Memory callbacks = new Memory(4L * Native.POINTER_SIZE);
        callbacks.clear();
        callbacks.setPointer(0, LibDw.function("dwfl_linux_proc_find_elf"));
        callbacks.setPointer(Native.POINTER_SIZE, debugFiles.findDebuginfo());
        Pointer dwfl = LibDw.dwfl_begin(callbacks);
        if (dwfl == null) {
            throw new IllegalStateException("dwfl_begin: " + LibDw.dwfl_errmsg(-1));
        }
        ProcessDwfl d = new ProcessDwfl(dwfl, callbacks);
        try {
            LibDw.dwfl_report_begin(dwfl);
            int err = LibDw.dwfl_linux_proc_report(dwfl, pid);
            if (err != 0) {
                throw new IllegalStateException("cannot read the modules of process " + pid + " (errno " + err + ")");
            }
            if (LibDw.dwfl_report_end(dwfl, null, null) != 0) {
                throw new IllegalStateException("dwfl_report_end: " + LibDw.dwfl_errmsg(-1));
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** The text of /proc/PID/maps now ("" if the process is gone): what a session's modules were reported from. */
    static String maps(int pid) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/maps"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        LibDw.dwfl_end(dwfl);
    }
}
