package org.ptracedap.debuginfo;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ptracedap.sys.LibC;

/**
 * The GNU build-id of an ELF file (its {@code NT_GNU_BUILD_ID} note, which a separate debug file
 * keeps too), read by libelf and libdw's {@code dwelf_elf_gnu_build_id}: how a debug file is told
 * to belong to a program. Any thread.
 */
public final class BuildId {
    private BuildId() {}

    private static final int EV_CURRENT = 1;
    private static final int ELF_C_READ = 1;

    /** The build-id's bytes, or null when the file has none; IOException when it cannot be read as ELF. */
    public static byte[] of(Path file) throws IOException {
        String missing = LibDw.missing();
        if (missing != null) {
            throw new IOException(missing);
        }
        int fd;
        try {
            fd = LibC.open((file.toString() + "\0").getBytes(StandardCharsets.UTF_8), 0);
        } catch (com.sun.jna.LastErrorException e) {
            throw new IOException("cannot open " + file + " (errno " + e.getErrorCode() + ")");
        }
        try {
            LibDw.elf_version(EV_CURRENT);
            Pointer elf = LibDw.elf_begin(fd, ELF_C_READ, null);
            if (elf == null) {
                throw new IOException(file + " is not an ELF file");
            }
            try {
                PointerByReference bytes = new PointerByReference();
                long n = LibDw.dwelf_elf_gnu_build_id(elf, bytes);
                if (n < 0) {
                    throw new IOException(file + ": its notes cannot be read");
                }
                return n == 0 ? null : bytes.getValue().getByteArray(0, (int) n);
            } finally {
                LibDw.elf_end(elf);
            }
        } finally {
            try {
                LibC.close(fd);
            } catch (com.sun.jna.LastErrorException ignored) {
                // nothing to do
            }
        }
    }
}
