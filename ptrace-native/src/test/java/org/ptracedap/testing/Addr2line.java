package org.ptracedap.testing;

import java.nio.file.Path;
import java.util.List;
import org.ptracedap.engine.Sample;

/** The oracle for a separate debug file: binutils' addr2line, which reads its DWARF by itself. */
public final class Addr2line {
    private Addr2line() {}

    /** "function /path/file.c:line" at link-time address {@code address} of {@code elf}, as {@code addr2line -f} says. */
    public static String at(Path elf, long address) throws Exception {
        try (Sample a = Sample.run("/usr/bin/addr2line", List.of("addr2line", "-f", "-e", elf.toString(),
                "0x" + Long.toHexString(address)))) {
            a.awaitExit();
            String[] lines = a.output().strip().split("\n");
            String where = lines[1].replaceAll(" \\(discriminator \\d+\\)$", "");
            int colon = where.lastIndexOf(':');
            return lines[0] + " " + Path.of(where.substring(0, colon)).normalize() + where.substring(colon);
        }
    }
}
