package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;

/**
 * Where a libdwfl session finds the separate debug file of a module without DWARF of its own
 * (Debian's {@code -dbgsym} packages and {@code libc6-dbg}, a user's {@code objcopy
 * --only-keep-debug}), and whether it may ask a debuginfod server for one. Chosen per session,
 * where it is opened ({@link ProcessDwfl#report}).
 *
 * <p>Why a lookup of our own: libdwfl's {@code dwfl_standard_find_debuginfo} (elfutils 0.188,
 * libdwfl/find-debuginfo.c) ends, when no local file is found, with a query of the servers in
 * {@code DEBUGINFOD_URLS} through libdebuginfod — a download, on whichever thread asked. Debian
 * sets {@code DEBUGINFOD_URLS} in every login shell (libdebuginfod-common's /etc/profile.d), so with
 * it a session would download, maybe hundreds of megabytes, unasked; and the unwinder on the
 * tracer thread, which asks for a module's debug file where .eh_frame has no call frame info
 * for a pc (libdwfl/frame_unwind.c, {@code dwfl_module_dwarf_cfi}: code built without unwind
 * tables has its CFI in .debug_frame only, which a split moves to the debug file), would hold
 * every thread event, pause and continue until the download ended. Clearing
 * {@code DEBUGINFOD_URLS} in our environment would do for "off" but not for "on": libdebuginfod
 * 0.188 reads the servers from the environment at each query, with no setting per client, and
 * the environment is the whole process's — a symbols thread that may download and a tracer
 * thread that must not cannot be told apart by it. A find_debuginfo callback belongs to one
 * session: the unwinder's is always {@link #LOCAL}, and so is every session unless the user
 * asked for downloads.
 */
public enum DebugFiles {
    /**
     * Files on this machine only, never a server: the module's own sections; by build-id under
     * {@code /usr/lib/debug/.build-id}; by .gnu_debuglink next to the module, in its {@code .debug/}
     * or under {@code /usr/lib/debug}; the debuginfod client's cache (what a {@link #DEBUGINFOD}
     * session, or gdb, downloaded before). Safe on the tracer thread: see {@link LocalDebugFiles}.
     */
    LOCAL,
    /**
     * {@link #LOCAL}'s files, then the debuginfod servers of {@code DEBUGINFOD_URLS} for a module
     * with a build-id (libdwfl's own {@code dwfl_standard_find_debuginfo}; its client caches the
     * file, and a miss, in its cache). A download can take minutes: never on the tracer thread.
     */
    DEBUGINFOD;

    /** The callback a session's Dwfl_Callbacks hold. */
    Pointer findDebuginfo() {
        return this == LOCAL ? LocalDebugFiles.FUNCTION : LibDw.function("dwfl_standard_find_debuginfo");
    }

    /** The servers a {@link #DEBUGINFOD} session asks: {@code DEBUGINFOD_URLS} as libdebuginfod reads it, "" if unset. */
    public static String servers() {
        String urls = org.ptracedap.sys.LibC.getenv("DEBUGINFOD_URLS");
        return urls == null ? "" : urls.strip();
    }
}
