package org.ptracedap.debuginfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ptracedap.sys.MemoryMaps.Mapping;
import org.ptracedap.sys.MemoryMaps;

/**
 * Names addresses of a process: finds the mapping that holds an address, the ELF file behind
 * it and the symbol around it, e.g. {@code pthread_cond_wait+0x12 in libc.so.6}.
 *
 * <p>Thread-safe. Parsed {@link ElfFile}s are cached by (path, inode), and so are files that
 * could not be read, in a bounded least-recently-used cache shared by all processes. Nothing
 * here throws for a process that vanished or a file that cannot be read: the answer is then
 * the best description available (module and offset, or the bare address).
 */
public final class Symbolizer {

    /** The default number of modules kept in the cache. */
    public static final int DEFAULT_CAPACITY = 64;

    /** The largest vDSO image that will be copied out of a process. */
    private static final long MAX_VDSO_SIZE = 1 << 20;

    private static final String VDSO = "[vdso]";

    /**
     * Where an address lies.
     *
     * @param address the address in the process
     * @param module the base name of the mapped file ({@code libc.so.6}), {@code [vdso]}, or null
     *     when the address is not in a file mapping
     * @param modulePath the mapping's path as {@code /proc/PID/maps} shows it (possibly with
     *     {@code " (deleted)"}, or a pseudo name such as {@code [stack]}), or null when the address
     *     is in no mapping or an anonymous one
     * @param symbol the symbol's name, or null if none is known
     * @param symbolOffset the address minus the symbol's start (0 without a symbol)
     * @param moduleOffset the file offset of the address ({@code address - start + offset} of
     *     its mapping), or -1 when the address is in no mapping
     */
    public record Location(long address, String module, String modulePath, String symbol,
                           long symbolOffset, long moduleOffset) {

        /**
         * One line for a stack frame or a thread: {@code pthread_cond_wait+0x12 in libc.so.6},
         * {@code getpid in libc.so.6} (offset 0), {@code libc.so.6+0x8f3a2} (no symbol; the file
         * offset), {@code 0x00007ffd12345678 in [stack]} (a pseudo mapping) or
         * {@code 0x00007f12deadbeef} (anonymous memory or no mapping).
         */
        public String describe() {
            if (symbol != null && module != null) {
                return symbolOffset == 0
                        ? symbol + " in " + module
                        : symbol + "+0x" + Long.toHexString(symbolOffset) + " in " + module;
            }
            if (module != null) {
                return module + "+0x" + Long.toHexString(moduleOffset);
            }
            String hex = String.format("0x%016x", address);
            return modulePath != null ? hex + " in " + modulePath : hex;
        }
    }

    /** Cache key: a file by path and inode; the vDSO by its size (its image is per kernel). */
    private record Key(String path, long inode) {}

    private final int capacity;
    private final LinkedHashMap<Key, Optional<ElfFile>> cache;

    public Symbolizer() {
        this(DEFAULT_CAPACITY);
    }

    /** A symbolizer caching up to {@code capacity} modules (at least 1). */
    public Symbolizer(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Optional<ElfFile>> eldest) {
                return size() > Symbolizer.this.capacity;
            }
        };
    }

    /** Locates {@code address} in process {@code pid}, reading its maps now. */
    public Location locate(int pid, long address) {
        return locate(pid, MemoryMaps.read(pid), address);
    }

    /**
     * Locates {@code address} using maps read beforehand (read them once per stop, then
     * locate the pc of every thread). {@code pid} is used to reach files that are no longer at
     * their path ({@code /proc/PID/map_files/}) and the vDSO ({@code /proc/PID/mem}).
     */
    public Location locate(int pid, List<Mapping> maps, long address) {
        try {
            return doLocate(pid, maps, address);
        } catch (RuntimeException e) {
            // Defensive: a malformed file or a racing process must not break a stack trace.
            return new Location(address, null, null, null, 0, -1);
        }
    }

    /**
     * Locates {@code address} using maps read beforehand, without a process: files are read
     * only at their paths, and the vDSO is not read.
     */
    public Location locate(List<Mapping> maps, long address) {
        return locate(-1, maps, address);
    }

    /** Forgets every cached module. */
    public void clear() {
        synchronized (cache) {
            cache.clear();
        }
    }

    /** How many modules (readable or not) are cached. */
    int cachedModules() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private Location doLocate(int pid, List<Mapping> maps, long address) {
        Mapping m = MemoryMaps.find(maps, address);
        if (m == null) {
            return new Location(address, null, null, null, 0, -1);
        }
        long fileOffset = address - m.start() + m.offset();
        boolean vdso = VDSO.equals(m.path());
        if (!m.isFile() && !vdso) {
            // [stack], [heap], anonymous memory...: nothing to symbolize.
            return new Location(address, null, m.path().isEmpty() ? null : m.path(), null, 0, fileOffset);
        }
        String module = vdso ? VDSO : baseName(m.filePath());
        ElfFile elf = vdso ? vdsoElf(pid, m) : fileElf(pid, m);
        if (elf != null) {
            long vaddr = elf.fileOffsetToVaddr(fileOffset);
            ElfFile.Symbol sym = vaddr == -1 ? null : elf.nearest(vaddr);
            if (sym != null) {
                return new Location(address, module, m.path(), sym.name(), vaddr - sym.value(), fileOffset);
            }
        }
        return new Location(address, module, m.path(), null, 0, fileOffset);
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
    }

    // ---------------------------------------------------------------------------------------
    // Finding and caching the ELF files

    private Optional<ElfFile> cached(Key key) {
        synchronized (cache) {
            return cache.get(key);
        }
    }

    private void remember(Key key, Optional<ElfFile> value) {
        synchronized (cache) {
            cache.put(key, value);
        }
    }

    /**
     * The ELF file behind a file mapping. The file is read at its path when that still holds
     * the mapped inode; otherwise through {@code /proc/PID/map_files/START-END}, which reaches
     * the mapped file even when it was deleted or replaced; failing that, at its path anyway
     * (on overlay file systems the inode in the maps can differ from the one stat reports).
     * Parsing happens outside the lock; two threads may parse the same file at once, which is
     * harmless.
     */
    private ElfFile fileElf(int pid, Mapping m) {
        Key key = new Key(m.path(), m.inode());
        Optional<ElfFile> hit = cached(key);
        if (hit != null) {
            return hit.orElse(null);
        }
        Path atPath = null;
        boolean sameInode = false;
        if (!m.isDeleted() && m.filePath().startsWith("/")) {
            Path p = Path.of(m.filePath());
            if (Files.isRegularFile(p)) {
                atPath = p;
                sameInode = inodeOf(p) == m.inode();
            }
        }
        ElfFile elf = null;
        if (atPath != null && sameInode) {
            elf = tryOpen(atPath);
        } else {
            if (pid > 0) {
                elf = tryOpen(Path.of("/proc", Integer.toString(pid), "map_files", m.mapFilesName()));
            }
            if (elf == null && atPath != null) {
                elf = tryOpen(atPath);
            }
        }
        // Without a pid the map_files route was not tried, so a failure is not final.
        if (elf != null || pid > 0) {
            remember(key, Optional.ofNullable(elf));
        }
        return elf;
    }

    /**
     * The vDSO, copied out of the process through {@code /proc/PID/mem} (it has no file). Its
     * image is the same for every process on the kernel, so one copy serves all; failures are
     * not cached, as they depend on the process.
     */
    private ElfFile vdsoElf(int pid, Mapping m) {
        long size = m.end() - m.start();
        Key key = new Key(VDSO, size);
        Optional<ElfFile> hit = cached(key);
        if (hit != null && hit.isPresent()) {
            return hit.get();
        }
        if (pid <= 0 || size <= 0 || size > MAX_VDSO_SIZE) {
            return null;
        }
        try (FileChannel mem = FileChannel.open(Path.of("/proc", Integer.toString(pid), "mem"),
                StandardOpenOption.READ)) {
            ByteBuffer image = ByteBuffer.allocate((int) size);
            while (image.hasRemaining()) {
                if (mem.read(image, m.start() + image.position()) <= 0) {
                    return null;
                }
            }
            ElfFile elf = ElfFile.parse(image.flip());
            remember(key, Optional.of(elf));
            return elf;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ElfFile tryOpen(Path p) {
        try {
            return ElfFile.open(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The file's inode number, or -1 if it cannot be told. */
    private static long inodeOf(Path p) {
        try {
            Object ino = Files.getAttribute(p, "unix:ino");
            return ino instanceof Number n ? n.longValue() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
