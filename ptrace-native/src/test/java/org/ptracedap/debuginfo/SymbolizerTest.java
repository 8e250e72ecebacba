package org.ptracedap.debuginfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ptracedap.sys.MemoryMaps.Mapping;
import org.ptracedap.sys.MemoryMaps;

/**
 * Symbolizes addresses of this test JVM itself (libc functions found through JNA, its stack,
 * anonymous memory, the vDSO), reads the sample binaries as ELF files, and parses maps lines.
 */
class SymbolizerTest {

    private static final int PID = (int) ProcessHandle.current().pid();

    private static Path samples() {
        String prop = System.getProperty("ptracedap.samples");
        return prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("..", "samples", "bin");
    }

    private static long libcFunction(String name) {
        return Pointer.nativeValue(NativeLibrary.getInstance("c").getFunction(name));
    }

    // --- Symbolizer on the live process -----------------------------------------------------

    @Test
    void namesLibcFunctions() {
        Symbolizer s = new Symbolizer();
        long getpid = libcFunction("getpid");
        Symbolizer.Location at = s.locate(PID, getpid);
        assertEquals("getpid in libc.so.6", at.describe());
        assertEquals("getpid", at.symbol());
        assertEquals("libc.so.6", at.module());
        assertEquals(0, at.symbolOffset());
        assertTrue(at.modulePath().endsWith("/libc.so.6"), at.modulePath());

        assertEquals("getpid+0x5 in libc.so.6", s.locate(PID, getpid + 5).describe());

        long condWait = libcFunction("pthread_cond_wait");
        assertEquals("pthread_cond_wait in libc.so.6", s.locate(PID, condWait).describe());
        assertEquals("pthread_cond_wait+0x12 in libc.so.6", s.locate(PID, condWait + 0x12).describe());
    }

    @Test
    void mapsReadOnceServeManyAddresses() {
        List<Mapping> maps = MemoryMaps.read(PID);
        assertFalse(maps.isEmpty());
        Symbolizer s = new Symbolizer();
        long getpid = libcFunction("getpid");
        assertEquals("getpid in libc.so.6", s.locate(PID, maps, getpid).describe());
        // Without a pid the files are read at their paths.
        assertEquals("getpid+0x1 in libc.so.6", s.locate(maps, getpid + 1).describe());
        assertEquals(1, s.cachedModules());
    }

    @Test
    void stackAnonymousAndUnmappedAddresses() {
        List<Mapping> maps = MemoryMaps.read(PID);
        Symbolizer s = new Symbolizer();

        Mapping stack = maps.stream().filter(m -> m.path().equals("[stack]")).findFirst().orElseThrow();
        long inStack = stack.start() + 0x18;
        assertEquals(String.format("0x%016x in [stack]", inStack), s.locate(maps, inStack).describe());

        Mapping anon = maps.stream().filter(m -> m.path().isEmpty()).findFirst().orElseThrow();
        Symbolizer.Location a = s.locate(PID, maps, anon.start() + 8);
        assertEquals(String.format("0x%016x", anon.start() + 8), a.describe());
        assertNull(a.module());
        assertNull(a.symbol());

        Symbolizer.Location none = s.locate(PID, 0x10);
        assertEquals("0x0000000000000010", none.describe());
        assertEquals(-1, none.moduleOffset());
    }

    @Test
    void vanishedProcessGivesBareAddress() {
        // pid_max is at most 2^22, so this pid cannot exist.
        int gone = 1 << 23;
        assertTrue(MemoryMaps.read(gone).isEmpty());
        assertEquals("0x00007f12deadbeef", new Symbolizer().locate(gone, 0x7f12deadbeefL).describe());
    }

    @Test
    void namesVdsoFunctions() throws IOException {
        List<Mapping> maps = MemoryMaps.read(PID);
        Mapping vdso = maps.stream().filter(m -> m.path().equals("[vdso]")).findFirst().orElse(null);
        assumeTrue(vdso != null, "no vDSO");
        ElfFile image;
        try (FileChannel mem = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) (vdso.end() - vdso.start()));
            while (buf.hasRemaining()) {
                if (mem.read(buf, vdso.start() + buf.position()) <= 0) {
                    break;
                }
            }
            assumeTrue(!buf.hasRemaining(), "cannot read /proc/self/mem");
            image = ElfFile.parse(buf.flip());
        }
        ElfFile.Symbol sym = image.byName("__vdso_clock_gettime");
        assumeTrue(sym != null, "no __vdso_clock_gettime");
        ElfFile.Segment seg = image.loadSegments().get(0);
        long address = vdso.start() + (sym.value() - seg.vaddr() + seg.offset()) - vdso.offset();
        String text = new Symbolizer().locate(PID, maps, address + 1).describe();
        assertTrue(text.matches("(__vdso_)?clock_gettime\\+0x1 in \\[vdso\\]"), text);
    }

    @Test
    void fileWithoutSymbolsGivesModuleAndOffset(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not an ELF file\n".repeat(500));
        long inode = (Long) Files.getAttribute(notes, "unix:ino");
        long base = 0x7f0000000000L;
        List<Mapping> maps = List.of(
                new Mapping(base, base + 0x2000, "r--p", 0x1000, inode, notes.toString()),
                new Mapping(base + 0x2000, base + 0x3000, "r-xp", 0, 4242, "/nonexistent/libgone.so (deleted)"));
        Symbolizer s = new Symbolizer();
        assertEquals("notes.txt+0x1010", s.locate(PID, maps, base + 0x10).describe());
        assertEquals("libgone.so+0x20", s.locate(PID, maps, base + 0x2020).describe());
        // Both failures are remembered.
        assertEquals(2, s.cachedModules());
        assertEquals("notes.txt+0x1020", s.locate(PID, maps, base + 0x20).describe());
    }

    @Test
    void cacheIsBounded() {
        List<Mapping> maps = MemoryMaps.read(PID);
        Symbolizer s = new Symbolizer(2);
        // One address in each of the first few distinct ELF files of this process.
        List<String> seen = new ArrayList<>();
        for (Mapping m : maps) {
            if (m.isFile() && !seen.contains(m.path()) && seen.size() < 5) {
                seen.add(m.path());
                s.locate(PID, maps, m.start());
            }
        }
        assumeTrue(seen.size() >= 3);
        assertEquals(2, s.cachedModules());
    }

    @Test
    void concurrentCallersAgree() throws Exception {
        Symbolizer s = new Symbolizer();
        long getpid = libcFunction("getpid");
        long condWait = libcFunction("pthread_cond_wait");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                long address = (i % 2 == 0 ? getpid : condWait) + (i % 4);
                results.add(pool.submit(() -> s.locate(PID, address).describe()));
            }
            for (int i = 0; i < results.size(); i++) {
                String name = i % 2 == 0 ? "getpid" : "pthread_cond_wait";
                String expected = i % 4 == 0 ? name + " in libc.so.6" : name + "+0x" + (i % 4) + " in libc.so.6";
                assertEquals(expected, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void describeForms() {
        assertEquals("pthread_cond_wait+0x12 in libc.so.6",
                new Symbolizer.Location(1, "libc.so.6", "/lib/libc.so.6", "pthread_cond_wait", 0x12, 0x99).describe());
        assertEquals("getpid in libc.so.6",
                new Symbolizer.Location(1, "libc.so.6", "/lib/libc.so.6", "getpid", 0, 0x99).describe());
        assertEquals("libc.so.6+0x8f3a2",
                new Symbolizer.Location(1, "libc.so.6", "/lib/libc.so.6", null, 0, 0x8f3a2).describe());
        assertEquals("0x00007f12deadbeef",
                new Symbolizer.Location(0x7f12deadbeefL, null, null, null, 0, -1).describe());
        assertEquals("0x00007ffd12345678 in [stack]",
                new Symbolizer.Location(0x7ffd12345678L, null, "[stack]", null, 0, 0).describe());
    }

    // --- ElfFile ----------------------------------------------------------------------------

    @Test
    void readsCSample() throws IOException {
        Path bin = samples().resolve("clone_storm");
        assumeTrue(Files.isRegularFile(bin), "samples not built: " + bin);
        ElfFile elf = ElfFile.open(bin);
        assertEquals(62, elf.machine()); // EM_X86_64
        assertEquals(3, elf.type());     // ET_DYN: a PIE
        ElfFile.Symbol main = elf.byName("main");
        assertNotNull(main);
        assertTrue(main.size() > 0);
        assertEquals(main, elf.nearest(main.value()));
        assertEquals(main, elf.nearest(main.value() + main.size() - 1));
        assertFalse(elf.loadSegments().isEmpty());
        // The first segment of a PIE loads file offset 0 at address 0.
        assertEquals(0, elf.fileOffsetToVaddr(0));
        assertEquals(-1, elf.fileOffsetToVaddr(Long.MAX_VALUE / 2));
    }

    @Test
    void readsStaticGoBinary() throws IOException {
        Path bin = samples().resolve("go_threads");
        assumeTrue(Files.isRegularFile(bin), "Go sample not built: " + bin);
        ElfFile elf = ElfFile.open(bin);
        assertEquals(2, elf.type()); // ET_EXEC
        ElfFile.Symbol main = elf.byName("main.main");
        assertNotNull(main);
        assertEquals(main, elf.nearest(main.value() + 1));
        boolean futex = false;
        for (int i = 0; i < elf.symbolCount(); i++) {
            futex |= elf.symbol(i).name().startsWith("runtime.futex");
        }
        assertTrue(futex, "no runtime.futex* symbol");
        // Go links amd64 executables at 0x400000, text from file offset 0x1000.
        assertEquals(0x401000, elf.fileOffsetToVaddr(0x1000));
    }

    @Test
    void readsEverySymbolOfLargeFiles() throws IOException {
        // libc and a static Go binary of several MB: every sized symbol is found at its own middle.
        // (How fast this is belongs to the bench, not to a test.)
        List<Path> files = new ArrayList<>();
        files.add(samples().resolve("go_threads"));
        Mapping libc = MemoryMaps.find(MemoryMaps.read(PID), libcFunction("getpid"));
        assertNotNull(libc);
        files.add(Path.of(libc.path()));
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            ElfFile elf = ElfFile.open(f);
            assertTrue(elf.symbolCount() > 1000, f + " has " + elf.symbolCount() + " symbols");
            for (int i = 0; i < elf.symbolCount(); i++) {
                ElfFile.Symbol s = elf.symbol(i);
                if (s.size() > 1) {
                    ElfFile.Symbol found = elf.nearest(s.value() + s.size() / 2);
                    assertNotNull(found, f + ": nothing at the middle of " + s);
                    assertTrue(Long.compareUnsigned(found.value(), s.value() + s.size() / 2) <= 0
                            && Long.compareUnsigned(s.value() + s.size() / 2, found.value() + Math.max(1, found.size())) < 0,
                            f + ": " + found + " does not contain the middle of " + s);
                }
            }
        }
    }

    @Test
    void rejectsNonElfFiles(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("hello.txt"), "hello, this is not ELF at all\n".repeat(10));
        assertThrows(IOException.class, () -> ElfFile.open(text));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThrows(IOException.class, () -> ElfFile.open(empty));
        assertThrows(IOException.class, () -> ElfFile.open(dir.resolve("missing")));
        Path bin = samples().resolve("clone_storm");
        if (Files.isRegularFile(bin)) {
            // A valid header whose tables lie past the end of the file.
            byte[] head = new byte[100];
            System.arraycopy(Files.readAllBytes(bin), 0, head, 0, head.length);
            Path truncated = Files.write(dir.resolve("truncated"), head);
            assertThrows(IOException.class, () -> ElfFile.open(truncated));
        }
    }

    @Test
    void prefersPlainNamesForAliases() throws IOException {
        // In libc, getpid (weak) and __getpid (global) share one address.
        long getpid = libcFunction("getpid");
        Mapping m = MemoryMaps.find(MemoryMaps.read(PID), getpid);
        assertNotNull(m);
        ElfFile libc = ElfFile.open(Path.of(m.path()));
        ElfFile.Symbol sym = libc.nearest(libc.fileOffsetToVaddr(getpid - m.start() + m.offset()));
        assertEquals("getpid", sym.name());
    }

    // --- MemoryMaps -------------------------------------------------------------------------

    @Test
    void parsesMapsLines() {
        List<Mapping> maps = MemoryMaps.parse(String.join("\n",
                "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon",
                "7f42b2fc0000-7f42b3116000 r-xp 00026000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f42b3200000-7f42b3221000 rw-p 00000000 00:00 0 ",
                "7f42b3300000-7f42b3301000 r-xp 00001000 00:1f 12345                      /tmp/my lib.so (deleted)",
                "this line is not a mapping",
                "7ffd31e0e000-7ffd31e2f000 rw-p 00000000 00:00 0                          [stack]",
                "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
                ""));
        assertEquals(6, maps.size());

        Mapping exe = maps.get(0);
        assertEquals(new Mapping(0x400000, 0x452000, "r-xp", 0, 173521, "/usr/bin/dbus-daemon"), exe);
        assertEquals("400000-452000", exe.mapFilesName());
        assertTrue(exe.isFile() && exe.isExecutable());

        Mapping libc = maps.get(1);
        assertEquals(0x26000, libc.offset());
        assertEquals("7f42b2fc0000-7f42b3116000", libc.mapFilesName());

        assertEquals("", maps.get(2).path());
        assertFalse(maps.get(2).isFile());

        Mapping deleted = maps.get(3);
        assertEquals("/tmp/my lib.so (deleted)", deleted.path());
        assertTrue(deleted.isDeleted());
        assertEquals("/tmp/my lib.so", deleted.filePath());

        assertTrue(maps.get(4).isPseudo());
        assertEquals(0xffffffffff600000L, maps.get(5).start());

        assertEquals(libc, MemoryMaps.find(maps, 0x7f42b2fc0000L));
        assertEquals(libc, MemoryMaps.find(maps, 0x7f42b3115fffL));
        assertNull(MemoryMaps.find(maps, 0x7f42b3116000L));
        assertNull(MemoryMaps.find(maps, 0x10));
        assertEquals(maps.get(5), MemoryMaps.find(maps, 0xffffffffff600400L));
        assertEquals("/tmp/my lib.so (deleted)", MemoryMaps.find(maps, 0x7f42b3300010L).path());
        assertEquals("my lib.so+0x1010", new Symbolizer().locate(maps, 0x7f42b3300010L).describe());
    }
}
