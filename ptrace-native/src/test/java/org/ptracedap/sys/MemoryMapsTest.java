package org.ptracedap.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ptracedap.sys.MemoryMaps.Mapping;

/** /proc/PID/maps lines as the kernel writes them: files, anonymous memory, deleted files, pseudo mappings. */
class MemoryMapsTest {
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
    }
}
