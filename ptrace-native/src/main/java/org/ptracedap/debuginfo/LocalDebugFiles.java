package org.ptracedap.debuginfo;

import com.sun.jna.CallbackReference;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ptracedap.sys.LibC;

/**
 * The find_debuginfo callback of {@link DebugFiles#LOCAL} sessions: libdwfl's standard lookup
 * without its last step, the debuginfod query, so that it never waits for the network. For a
 * module with a build-id, in libdwfl's order: by build-id ({@code dwfl_build_id_find_debuginfo},
 * files only); by .gnu_debuglink ({@link #byDebuglink}, as libdwfl's find_debuginfo_in_path,
 * which is not exported); the file a debuginfod client downloaded before ({@link #cached}). A
 * module without one goes to {@code dwfl_standard_find_debuginfo} itself, which queries a server
 * only for a build-id (libdwfl/find-debuginfo.c, elfutils 0.188). A dwz alt file (libdwfl asks for
 * one with the name in .gnu_debugaltlink and crc 0: dwfl_module_getdwarf.c's find_debug_altlink)
 * is looked for by its build-id only — the standard lookup would ask a server for it (so is a
 * module whose .gnu_debuglink has crc 0, a one in 2^32 chance: the call looks the same).
 *
 * <p>Threads: any (it keeps no state); libdwfl calls it on the thread that needs the file, the
 * tracer thread among them.
 */
final class LocalDebugFiles {
    private LocalDebugFiles() {}

    private static final Path DEBUG_ROOT = Path.of("/usr/lib/debug");

    /** Kept reachable for good: libdwfl calls it through the Dwfl_Callbacks of every LOCAL session. */
    private static final LibDw.FindDebuginfo CALLBACK = LocalDebugFiles::find;
    static final Pointer FUNCTION = CallbackReference.getFunctionPointer(CALLBACK);

    private static int find(Pointer mod, Pointer userdata, Pointer modname, long base, Pointer fileName,
                            Pointer debuglinkFile, int debuglinkCrc, Pointer debuginfoFileName) {
        try {
            if (debuglinkFile != null && debuglinkCrc == 0) {
                return LibDw.dwfl_build_id_find_debuginfo(mod, userdata, modname, base, fileName, debuglinkFile,
                        debuglinkCrc, debuginfoFileName);
            }
            PointerByReference bits = new PointerByReference();
            int length = LibDw.dwfl_module_build_id(mod, bits, new LongByReference());
            if (length <= 0) {
                return LibDw.dwfl_standard_find_debuginfo(mod, userdata, modname, base, fileName, debuglinkFile,
                        debuglinkCrc, debuginfoFileName);
            }
            int fd = LibDw.dwfl_build_id_find_debuginfo(mod, userdata, modname, base, fileName, debuglinkFile,
                    debuglinkCrc, debuginfoFileName);
            if (fd >= 0) {
                return fd;
            }
            byte[] id = bits.getValue().getByteArray(0, length);
            Path found = byDebuglink(fileName == null ? null : fileName.getString(0),
                    debuglinkFile == null ? null : debuglinkFile.getString(0), id);
            if (found == null) {
                found = cached(id);
            }
            return found == null ? -1 : open(found, debuginfoFileName);
        } catch (Throwable e) {
            // nothing may cross into libdwfl: JNA would answer 0 for us, and fd 0 is the protocol's stdin
            return -1;
        }
    }

    /** Opens {@code file} for libdwfl, its malloc'ed name in {@code *nameOut} (libdwfl frees it); -1 if it cannot. */
    private static int open(Path file, Pointer nameOut) {
        byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
        int fd = LibC.open(Arrays.copyOf(name, name.length + 1), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (nameOut != null) {
            Pointer copy = new Pointer(Native.malloc(name.length + 1L));
            copy.write(0, name, 0, name.length);
            copy.setByte(name.length, (byte) 0);
            nameOut.setPointer(0, copy);
        }
        return fd;
    }

    /**
     * The debug file named by {@code debuglink} (null: the module's name + ".debug", or its own
     * name) where libdwfl's default debug path ":.debug:/usr/lib/debug" has it looked for: next
     * to the module, in its .debug/, under /usr/lib/debug by the module's directory (then by that
     * directory without its first components, one at a time); for the module's path and its real
     * path. Only a file with the module's build-id, and not the module itself, is taken.
     */
    static Path byDebuglink(String file, String debuglink, byte[] buildId) {
        if (file == null) {
            return null;
        }
        Set<Path> mains = new LinkedHashSet<>();
        mains.add(Path.of(file));
        try {
            mains.add(Path.of(file).toRealPath());
        } catch (IOException | RuntimeException e) {
            // the path is all there is
        }
        for (Path main : mains) {
            Path dir = main.getParent();
            String base = main.getFileName().toString();
            List<String> names = debuglink != null ? List.of(debuglink) : List.of(base + ".debug", base);
            List<Path> candidates = new ArrayList<>();
            if (dir != null) {
                candidates.add(dir.resolve(names.get(0)));
                names.forEach(n -> candidates.add(dir.resolve(".debug").resolve(n)));
            }
            if (dir != null && dir.isAbsolute() && dir.getNameCount() > 0) {
                for (Path sub = dir.getRoot().relativize(dir); sub != null;
                        sub = sub.getNameCount() > 1 ? sub.subpath(1, sub.getNameCount()) : null) {
                    Path under = DEBUG_ROOT.resolve(sub);
                    names.forEach(n -> candidates.add(under.resolve(n)));
                }
                names.forEach(n -> candidates.add(DEBUG_ROOT.resolve(n)));
            }
            for (Path c : candidates) {
                if (isDebugFileOf(c, main, buildId)) {
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * The debug file for {@code buildId} that a debuginfod client downloaded before, where
     * libdebuginfod 0.188 keeps it (debuginfod-client.c): {@code $DEBUGINFOD_CACHE_PATH}, else
     * {@code ~/.debuginfod_client_cache} if it exists, else {@code $XDG_CACHE_HOME} or
     * {@code ~/.cache}, then {@code debuginfod_client/}; in there {@code <build-id in hex>/debuginfo}
     * (an empty file marks a miss). Read from the C environment, as libdebuginfod does.
     */
    static Path cached(byte[] buildId) {
        String cache = LibC.getenv("DEBUGINFOD_CACHE_PATH");
        Path dir;
        if (cache != null && !cache.isEmpty()) {
            dir = Path.of(cache);
        } else {
            String home = LibC.getenv("HOME");
            home = home == null ? "/" : home;
            Path legacy = Path.of(home, ".debuginfod_client_cache");
            String xdg = LibC.getenv("XDG_CACHE_HOME");
            dir = Files.exists(legacy) ? legacy
                    : (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(home, ".cache")).resolve("debuginfod_client");
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : buildId) {
            hex.append(String.format("%02x", b & 0xff));
        }
        Path file = dir.resolve(hex.toString()).resolve("debuginfo");
        return isDebugFileOf(file, null, buildId) ? file : null;
    }

    private static boolean isDebugFileOf(Path candidate, Path main, byte[] buildId) {
        try {
            return Files.isRegularFile(candidate) && Files.size(candidate) > 0
                    && (main == null || !Files.isSameFile(candidate, main))
                    && Arrays.equals(buildId, BuildId.of(candidate));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
