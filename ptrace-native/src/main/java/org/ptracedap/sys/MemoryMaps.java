package org.ptracedap.sys;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The memory mappings of a process, as listed by {@code /proc/PID/maps} (proc(5)).
 *
 * <p>Each line reads {@code start-end perms offset dev inode path}, for example
 * <pre>
 * 7f42b2fc0000-7f42b3116000 r-xp 00026000 fe:00 339380     /usr/lib/x86_64-linux-gnu/libc.so.6
 * 7ffd31e0e000-7ffd31e2f000 rw-p 00000000 00:00 0          [stack]
 * 7f42b2f00000-7f42b2f21000 rw-p 00000000 00:00 0
 * </pre>
 * The numbers are hexadecimal except the inode (decimal); the path is empty for anonymous
 * memory, a bracketed pseudo name ({@code [heap]}, {@code [stack]}, {@code [vdso]}, ...), or a
 * file path that may end with {@code " (deleted)"}. Addresses are unsigned 64-bit values
 * ({@code [vsyscall]} lies above {@link Long#MAX_VALUE}), so they are compared unsigned.
 */
public final class MemoryMaps {
    private MemoryMaps() {}

    /** The suffix the kernel appends to the path of a file that was unlinked after mapping. */
    public static final String DELETED_SUFFIX = " (deleted)";

    /**
     * One line of {@code /proc/PID/maps}: the half-open range [{@code start}, {@code end}),
     * permissions such as {@code r-xp}, the file offset of {@code start}, the file's inode
     * (0 when there is none) and the path (possibly empty).
     */
    public record Mapping(long start, long end, String perms, long offset, long inode, String path) {

        /** Whether {@code address} lies in [start, end), comparing unsigned. */
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        /** Whether the mapping is backed by a file (a path that is not a bracketed pseudo name). */
        public boolean isFile() {
            return !path.isEmpty() && !isPseudo();
        }

        /** Whether the path is a pseudo name such as {@code [stack]}, {@code [heap]}, {@code [vdso]}. */
        public boolean isPseudo() {
            return path.startsWith("[") && path.endsWith("]");
        }

        /** Whether the kernel marks the mapped file as unlinked. */
        public boolean isDeleted() {
            return path.endsWith(DELETED_SUFFIX);
        }

        /** The path without the {@code " (deleted)"} suffix. */
        public String filePath() {
            return isDeleted() ? path.substring(0, path.length() - DELETED_SUFFIX.length()) : path;
        }

        /** Whether the permissions include execute. */
        public boolean isExecutable() {
            return perms.length() > 2 && perms.charAt(2) == 'x';
        }

        /**
         * The name of this mapping's entry in {@code /proc/PID/map_files/}: {@code start-end}
         * in lowercase hexadecimal without {@code 0x} and without zero padding (the maps file
         * pads to 8 digits, map_files does not).
         */
        public String mapFilesName() {
            return Long.toHexString(start) + "-" + Long.toHexString(end);
        }
    }

    /**
     * Reads {@code /proc/PID/maps}. Returns an empty list if the process is gone or the file
     * cannot be read; never throws.
     */
    public static List<Mapping> read(int pid) {
        try {
            // Read the whole file at once: the kernel builds it page by page, and a short read
            // loop over a changing address space is no worse than this.
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "maps"));
            return parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return List.of();
        }
    }

    /**
     * Parses the text of a maps file. Lines that do not parse are skipped. The result keeps
     * the file's order, which the kernel gives in increasing address order.
     */
    public static List<Mapping> parse(String text) {
        List<Mapping> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            String line;
            while ((line = reader.readLine()) != null) {
                Mapping m = parseLine(line);
                if (m != null) {
                    out.add(m);
                }
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return Collections.unmodifiableList(out);
    }

    /** Parses one maps line; returns null if it is malformed. */
    public static Mapping parseLine(String line) {
        try {
            int[] pos = {0};
            String range = nextField(line, pos);
            String perms = nextField(line, pos);
            String offset = nextField(line, pos);
            String dev = nextField(line, pos);
            String inode = nextField(line, pos);
            if (range == null || perms == null || offset == null || dev == null || inode == null) {
                return null;
            }
            int dash = range.indexOf('-');
            if (dash <= 0) {
                return null;
            }
            // The path is the rest of the line after the padding spaces; it may itself contain
            // spaces, so it is not split further.
            int p = pos[0];
            while (p < line.length() && (line.charAt(p) == ' ' || line.charAt(p) == '\t')) {
                p++;
            }
            String path = line.substring(p);
            if (path.isBlank()) {
                path = "";
            }
            return new Mapping(
                    Long.parseUnsignedLong(range.substring(0, dash), 16),
                    Long.parseUnsignedLong(range.substring(dash + 1), 16),
                    perms,
                    Long.parseUnsignedLong(offset, 16),
                    Long.parseUnsignedLong(inode),
                    path);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The next whitespace-delimited field starting at {@code pos[0]}, or null at the end. */
    private static String nextField(String line, int[] pos) {
        int i = pos[0];
        int n = line.length();
        while (i < n && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i == n) {
            return null;
        }
        int begin = i;
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        pos[0] = i;
        return line.substring(begin, i);
    }

    /**
     * The mapping containing {@code address}, or null. {@code maps} must be in increasing
     * address order (as {@link #read} returns it); the lookup is a binary search.
     */
    public static Mapping find(List<Mapping> maps, long address) {
        int lo = 0;
        int hi = maps.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = maps.get(mid);
            if (Long.compareUnsigned(address, m.start()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(address, m.end()) >= 0) {
                lo = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }
}
