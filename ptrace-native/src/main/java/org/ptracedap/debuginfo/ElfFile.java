package org.ptracedap.debuginfo;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal reader of 64-bit little-endian ELF files (x86-64 executables, shared libraries, the
 * vDSO): the load segments, to turn file offsets into link-time addresses, and the function and
 * data symbols of {@code .symtab} and {@code .dynsym}, to name an address.
 *
 * <p>Only the headers, the symbol tables and their string tables are read (positional reads, no
 * whole-file read), and everything is copied into compact arrays, so the file is closed when
 * {@link #open} returns and an instance is immutable and safe to share between threads.
 * Field offsets below are those of the ELF64 structures in elf(5).
 */
public final class ElfFile {

    /** A named symbol: its link-time address ({@code st_value}) and size ({@code st_size}, maybe 0). */
    public record Symbol(String name, long value, long size) {}

    /**
     * A {@code PT_LOAD} program header: file range [offset, offset+fileSize) is loaded at
     * link-time address {@code vaddr}; {@code memSize >= fileSize} (the rest is zero-filled).
     */
    public record Segment(long offset, long vaddr, long fileSize, long memSize, int flags) {}

    /** How far past a size-0 symbol an address may lie and still be attributed to it. */
    public static final long SIZELESS_SYMBOL_REACH = 64 * 1024;

    // e_ident (elf(5)): magic 0x7f 'E' 'L' 'F' at bytes 0..3, EI_CLASS at 4, EI_DATA at 5.
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int EHDR_SIZE = 64;   // sizeof(Elf64_Ehdr)
    private static final int PHDR_SIZE = 56;   // sizeof(Elf64_Phdr)
    private static final int SHDR_SIZE = 64;   // sizeof(Elf64_Shdr)
    private static final int SYM_SIZE = 24;    // sizeof(Elf64_Sym)

    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int SHT_NOTE = 7;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_DYNSYM = 11;
    private static final int SHN_UNDEF = 0;
    private static final int PN_XNUM = 0xffff;

    // st_info: binding in the high nibble, type in the low nibble (ELF64_ST_BIND/ST_TYPE).
    private static final int STB_LOCAL = 0;
    private static final int STB_GLOBAL = 1;
    private static final int STB_WEAK = 2;
    private static final int STT_OBJECT = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;

    private static final long PAGE_SIZE = 4096;

    private final int type;
    private final int machine;
    private final List<Segment> loadSegments;
    // Symbols sorted by (value unsigned, preference); parallel arrays.
    private final long[] values;
    private final long[] sizes;
    private final String[] names;
    // maxEnds[i] = the greatest (unsigned) value+size over symbols 0..i: bounds the backward
    // walk that looks for an enclosing symbol.
    private final long[] maxEnds;

    private ElfFile(int type, int machine, List<Segment> loadSegments,
                    long[] values, long[] sizes, String[] names) {
        this.type = type;
        this.machine = machine;
        this.loadSegments = loadSegments;
        this.values = values;
        this.sizes = sizes;
        this.names = names;
        this.maxEnds = new long[values.length];
        long max = 0;
        for (int i = 0; i < values.length; i++) {
            long end = values[i] + sizes[i];
            if (Long.compareUnsigned(end, max) > 0) {
                max = end;
            }
            maxEnds[i] = max;
        }
    }

    /**
     * Reads the ELF file at {@code path}.
     *
     * @throws IOException if it cannot be read, or is not a 64-bit little-endian ELF file, or
     *     its headers point outside the file
     */
    public static ElfFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(new ChannelSource(ch));
        } catch (IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new IOException(path + ": malformed ELF file: " + e, e);
        }
    }

    /**
     * Reads an ELF image held in memory (e.g. the vDSO copied out of a process). The buffer's
     * content from position 0 to its limit is the image; the buffer is not modified.
     */
    public static ElfFile parse(ByteBuffer image) throws IOException {
        try {
            return read(new BufferSource(image));
        } catch (IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new IOException("malformed ELF image: " + e, e);
        }
    }

    /**
     * The GNU build-id of the ELF file at {@code path}: the bytes of its {@code NT_GNU_BUILD_ID}
     * note, from its SHT_NOTE sections (a separate debug file keeps them) or, without section
     * headers, its PT_NOTE segments; null if it has none.
     *
     * @throws IOException as {@link #open}
     */
    public static byte[] buildId(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Source src = new ChannelSource(ch);
            if (src.size() < EHDR_SIZE) {
                throw new IOException("not an ELF file (too short)");
            }
            ByteBuffer eh = src.read(0, EHDR_SIZE);
            if (eh.getInt(0) != 0x464c457f || eh.get(EI_CLASS) != ELFCLASS64 || eh.get(EI_DATA) != ELFDATA2LSB) {
                throw new IOException("not a 64-bit little-endian ELF file");
            }
            long shoff = eh.getLong(40);
            int shentsize = Short.toUnsignedInt(eh.getShort(58));
            int shnum = Short.toUnsignedInt(eh.getShort(60));
            long phoff = eh.getLong(32);
            int phentsize = Short.toUnsignedInt(eh.getShort(54));
            int phnum = Short.toUnsignedInt(eh.getShort(56));
            List<long[]> notes = new ArrayList<>(); // [offset, size]
            if (shoff != 0 && shentsize >= SHDR_SIZE && shnum > 0) {
                ByteBuffer sh = src.read(shoff, (long) shnum * shentsize);
                for (int i = 0; i < shnum; i++) {
                    if (sh.getInt(i * shentsize + 4) == SHT_NOTE) { // sh_type; sh_offset @24, sh_size @32
                        notes.add(new long[] {sh.getLong(i * shentsize + 24), sh.getLong(i * shentsize + 32)});
                    }
                }
            } else if (phoff != 0 && phentsize >= PHDR_SIZE && phnum != PN_XNUM) {
                ByteBuffer ph = src.read(phoff, (long) phnum * phentsize);
                for (int i = 0; i < phnum; i++) {
                    if (ph.getInt(i * phentsize) == PT_NOTE) { // p_type; p_offset @8, p_filesz @32
                        notes.add(new long[] {ph.getLong(i * phentsize + 8), ph.getLong(i * phentsize + 32)});
                    }
                }
            }
            for (long[] n : notes) {
                byte[] id = gnuBuildId(src.read(n[0], n[1]));
                if (id != null) {
                    return id;
                }
            }
            return null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new IOException(path + ": malformed ELF file: " + e, e);
        }
    }

    /** The NT_GNU_BUILD_ID note's descriptor among {@code notes} (Elf64_Nhdr: n_namesz, n_descsz, n_type; name and desc 4-aligned), or null. */
    private static byte[] gnuBuildId(ByteBuffer notes) {
        int at = 0;
        while (at + 12 <= notes.limit()) {
            int namesz = notes.getInt(at);
            int descsz = notes.getInt(at + 4);
            int type = notes.getInt(at + 8);
            int name = at + 12;
            int desc = name + ((namesz + 3) & ~3);
            if (namesz < 0 || descsz < 0 || desc < 0 || desc + (long) descsz > notes.limit()) {
                return null;
            }
            if (type == NT_GNU_BUILD_ID && namesz == 4 && notes.getInt(name) == 0x00554e47) { // "GNU\0"
                byte[] id = new byte[descsz];
                notes.get(desc, id);
                return id;
            }
            at = desc + ((descsz + 3) & ~3);
        }
        return null;
    }

    /** {@code e_type}: 2 = ET_EXEC (fixed addresses), 3 = ET_DYN (PIE or shared library). */
    public int type() {
        return type;
    }

    /** {@code e_machine}: 62 = EM_X86_64. */
    public int machine() {
        return machine;
    }

    /** The {@code PT_LOAD} segments, in program header order. */
    public List<Segment> loadSegments() {
        return loadSegments;
    }

    /** How many symbols were kept (functions and objects, aliases included). */
    public int symbolCount() {
        return values.length;
    }

    /** The symbol at {@code index} in address order. */
    public Symbol symbol(int index) {
        return new Symbol(names[index], values[index], sizes[index]);
    }

    /**
     * The link-time virtual address of file offset {@code fileOffset}, via the {@code PT_LOAD}
     * segment that loads it, or -1 if no segment does.
     *
     * <p>A segment's file range is matched first exactly; failing that, with its start rounded
     * down to a page and its end extended to the memory size, since the kernel maps whole pages
     * and the tail of the last file page is zero-filled memory ({@code .bss}).
     */
    public long fileOffsetToVaddr(long fileOffset) {
        for (Segment s : loadSegments) {
            if (fileOffset >= s.offset() && fileOffset - s.offset() < s.fileSize()) {
                return s.vaddr() + (fileOffset - s.offset());
            }
        }
        for (Segment s : loadSegments) {
            long first = s.offset() & -PAGE_SIZE;
            long end = s.offset() + Math.max(s.fileSize(), s.memSize());
            if (fileOffset >= first && fileOffset < end) {
                return s.vaddr() + (fileOffset - s.offset());
            }
        }
        return -1;
    }

    /**
     * The symbol naming {@code vaddr} (a link-time address): the innermost symbol whose
     * [value, value+size) contains it; failing that, the nearest symbol below it if that symbol
     * has size 0 and lies within {@link #SIZELESS_SYMBOL_REACH}; otherwise null. Of several
     * symbols at one address, the preferred is returned (see {@link #preferBefore}).
     */
    public Symbol nearest(long vaddr) {
        int last = lastAtOrBelow(vaddr);
        if (last < 0) {
            return null;
        }
        int group = groupStart(last);
        // Symbols at the same address as the nearest one, in order of preference.
        for (int k = group; k <= last; k++) {
            if (contains(k, vaddr)) {
                return symbol(k);
            }
        }
        // A larger symbol further below may still enclose the address.
        for (int j = group - 1; j >= 0 && Long.compareUnsigned(maxEnds[j], vaddr) > 0; j--) {
            if (contains(j, vaddr)) {
                for (int k = groupStart(j); ; k++) {
                    if (contains(k, vaddr)) {
                        return symbol(k);
                    }
                }
            }
        }
        if (sizes[group] == 0 && Long.compareUnsigned(vaddr - values[group], SIZELESS_SYMBOL_REACH) < 0) {
            return symbol(group);
        }
        return null;
    }

    /** The first symbol (lowest address) named exactly {@code name}, or null. */
    public Symbol byName(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return symbol(i);
            }
        }
        return null;
    }

    private boolean contains(int k, long vaddr) {
        return Long.compareUnsigned(vaddr - values[k], sizes[k]) < 0 && Long.compareUnsigned(vaddr, values[k]) >= 0;
    }

    /** The greatest index whose value is <= vaddr (unsigned), or -1. */
    private int lastAtOrBelow(long vaddr) {
        int lo = 0;
        int hi = values.length; // answer + 1 lies in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(values[mid], vaddr) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /** The first index with the same value as index {@code i}. */
    private int groupStart(int i) {
        long v = values[i];
        while (i > 0 && values[i - 1] == v) {
            i--;
        }
        return i;
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    /** Random access to the bytes of an image. */
    private interface Source {
        long size() throws IOException;

        /** {@code length} bytes at {@code offset}, little-endian, position 0. */
        ByteBuffer read(long offset, long length) throws IOException;
    }

    private static final class ChannelSource implements Source {
        private final FileChannel ch;

        ChannelSource(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public ByteBuffer read(long offset, long length) throws IOException {
            checkRange(offset, length, size());
            ByteBuffer buf = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
            while (buf.hasRemaining()) {
                int n = ch.read(buf, offset + buf.position());
                if (n < 0) {
                    throw new EOFException("ELF file ends at " + (offset + buf.position()));
                }
            }
            return buf.flip();
        }
    }

    private static final class BufferSource implements Source {
        private final ByteBuffer image;

        BufferSource(ByteBuffer image) {
            this.image = image.duplicate().position(0);
        }

        @Override
        public long size() {
            return image.limit();
        }

        @Override
        public ByteBuffer read(long offset, long length) throws IOException {
            checkRange(offset, length, size());
            return image.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static void checkRange(long offset, long length, long size) throws IOException {
        if (offset < 0 || length < 0 || length > Integer.MAX_VALUE || offset > size - length) {
            throw new IOException("range " + offset + "+" + length + " lies outside the " + size + "-byte image");
        }
    }

    private static ElfFile read(Source src) throws IOException {
        long fileSize = src.size();
        if (fileSize < EHDR_SIZE) {
            throw new IOException("not an ELF file (too short)");
        }
        ByteBuffer eh = src.read(0, EHDR_SIZE);
        if (eh.get(0) != 0x7f || eh.get(1) != 'E' || eh.get(2) != 'L' || eh.get(3) != 'F') {
            throw new IOException("not an ELF file (bad magic)");
        }
        if (eh.get(EI_CLASS) != ELFCLASS64 || eh.get(EI_DATA) != ELFDATA2LSB) {
            throw new IOException("not a 64-bit little-endian ELF file");
        }
        // Elf64_Ehdr: e_type @16 (u16), e_machine @18 (u16), e_phoff @32 (u64), e_shoff @40
        // (u64), e_phentsize @54 (u16), e_phnum @56 (u16), e_shentsize @58 (u16), e_shnum @60
        // (u16), e_shstrndx @62 (u16).
        int type = Short.toUnsignedInt(eh.getShort(16));
        int machine = Short.toUnsignedInt(eh.getShort(18));
        long phoff = eh.getLong(32);
        long shoff = eh.getLong(40);
        int phentsize = Short.toUnsignedInt(eh.getShort(54));
        int phnum = Short.toUnsignedInt(eh.getShort(56));
        int shentsize = Short.toUnsignedInt(eh.getShort(58));
        int shnum = Short.toUnsignedInt(eh.getShort(60));

        // Section headers. With 0xff00 or more sections, e_shnum is 0 and the count is in
        // section 0's sh_size; with 0xffff or more program headers, e_phnum is PN_XNUM and the
        // count is in section 0's sh_info.
        ByteBuffer sh = null;
        if (shoff != 0 && shentsize >= SHDR_SIZE) {
            if (shnum == 0 || phnum == PN_XNUM) {
                ByteBuffer first = src.read(shoff, SHDR_SIZE);
                if (shnum == 0) {
                    shnum = (int) Math.min(first.getLong(32), Integer.MAX_VALUE / shentsize);
                }
                if (phnum == PN_XNUM) {
                    phnum = first.getInt(44);
                }
            }
            if (shnum > 0) {
                sh = src.read(shoff, (long) shnum * shentsize);
            }
        }

        List<Segment> loads = readLoadSegments(src, phoff, phentsize, phnum);

        SymbolCollector symbols = new SymbolCollector();
        if (sh != null) {
            for (int i = 0; i < shnum; i++) {
                // Elf64_Shdr: sh_type @4 (u32), sh_offset @24 (u64), sh_size @32 (u64),
                // sh_link @40 (u32: for a symbol table, the index of its string table),
                // sh_entsize @56 (u64).
                int base = i * shentsize;
                int shType = sh.getInt(base + 4);
                if (shType != SHT_SYMTAB && shType != SHT_DYNSYM) {
                    continue;
                }
                long symOff = sh.getLong(base + 24);
                long symSize = sh.getLong(base + 32);
                int link = sh.getInt(base + 40);
                long entsize = sh.getLong(base + 56);
                if (link <= 0 || link >= shnum || (entsize != 0 && (entsize < SYM_SIZE || entsize > 4096))) {
                    continue;
                }
                int strBase = link * shentsize;
                if (sh.getInt(strBase + 4) == SHT_NOBITS) {
                    continue;
                }
                long strOff = sh.getLong(strBase + 24);
                long strSize = sh.getLong(strBase + 32);
                ByteBuffer syms = src.read(symOff, symSize);
                byte[] strtab = toArray(src.read(strOff, strSize));
                symbols.add(syms, entsize == 0 ? SYM_SIZE : (int) entsize, strtab);
            }
        }
        return symbols.build(type, machine, loads);
    }

    private static List<Segment> readLoadSegments(Source src, long phoff, int phentsize, int phnum)
            throws IOException {
        if (phoff == 0 || phnum == 0 || phentsize < PHDR_SIZE) {
            return List.of();
        }
        ByteBuffer ph = src.read(phoff, (long) phnum * phentsize);
        List<Segment> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            // Elf64_Phdr: p_type @0 (u32), p_flags @4 (u32), p_offset @8 (u64), p_vaddr @16,
            // p_paddr @24, p_filesz @32, p_memsz @40, p_align @48 (all u64).
            int base = i * phentsize;
            if (ph.getInt(base) == PT_LOAD) {
                loads.add(new Segment(ph.getLong(base + 8), ph.getLong(base + 16),
                        ph.getLong(base + 32), ph.getLong(base + 40), ph.getInt(base + 4)));
            }
        }
        return List.copyOf(loads);
    }

    private static byte[] toArray(ByteBuffer buf) {
        if (buf.hasArray() && buf.arrayOffset() == 0 && buf.array().length == buf.remaining()) {
            return buf.array();
        }
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }

    /** Gathers the wanted symbols of one or more tables, then sorts them. */
    private static final class SymbolCollector {
        private long[] values = new long[256];
        private long[] sizes = new long[256];
        private String[] names = new String[256];
        private byte[] ranks = new byte[256]; // binding preference, lower is better
        private int count;

        void add(ByteBuffer syms, int entsize, byte[] strtab) {
            int n = syms.limit() / entsize;
            // Entry 0 is always the reserved null symbol.
            for (int i = 1; i < n; i++) {
                // Elf64_Sym: st_name @0 (u32, offset into the string table), st_info @4 (u8),
                // st_other @5 (u8), st_shndx @6 (u16), st_value @8 (u64), st_size @16 (u64).
                int base = i * entsize;
                int info = syms.get(base + 4) & 0xff;
                int symType = info & 0xf;
                if (symType != STT_FUNC && symType != STT_OBJECT && symType != STT_GNU_IFUNC) {
                    continue;
                }
                int shndx = Short.toUnsignedInt(syms.getShort(base + 6));
                long value = syms.getLong(base + 8);
                if (shndx == SHN_UNDEF || value == 0) {
                    // An import (defined elsewhere), or nothing to locate. Other section
                    // indexes, including SHN_ABS and SHN_XINDEX, denote a definition.
                    continue;
                }
                String name = cString(strtab, syms.getInt(base));
                if (name == null || name.isEmpty()) {
                    continue;
                }
                int bind = info >>> 4;
                byte rank = (byte) (bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : bind == STB_LOCAL ? 2 : 3);
                append(value, syms.getLong(base + 16), name, rank);
            }
        }

        private void append(long value, long size, String name, byte rank) {
            if (count == values.length) {
                int cap = count * 2;
                values = Arrays.copyOf(values, cap);
                sizes = Arrays.copyOf(sizes, cap);
                names = Arrays.copyOf(names, cap);
                ranks = Arrays.copyOf(ranks, cap);
            }
            values[count] = value;
            sizes[count] = size;
            names[count] = name;
            ranks[count] = rank;
            count++;
        }

        ElfFile build(int type, int machine, List<Segment> loads) {
            int[] order = sortedOrder();
            long[] v = new long[count];
            long[] s = new long[count];
            String[] nm = new String[count];
            int out = 0;
            for (int idx : order) {
                // Drop exact duplicates (the same symbol in both .symtab and .dynsym): they are
                // in the same address group, which is short, so scan it.
                boolean dup = false;
                for (int k = out - 1; k >= 0 && v[k] == values[idx]; k--) {
                    if (nm[k].equals(names[idx])) {
                        dup = true;
                        break;
                    }
                }
                if (!dup) {
                    v[out] = values[idx];
                    s[out] = sizes[idx];
                    nm[out] = names[idx];
                    out++;
                }
            }
            return new ElfFile(type, machine, loads,
                    Arrays.copyOf(v, out), Arrays.copyOf(s, out), Arrays.copyOf(nm, out));
        }

        /** The symbol indexes in {@link #compare} order. */
        private int[] sortedOrder() {
            int[] order = new int[count];
            if (count == 0) {
                return order;
            }
            long min = values[0];
            long max = values[0];
            for (int i = 1; i < count; i++) {
                if (Long.compareUnsigned(values[i], min) < 0) {
                    min = values[i];
                }
                if (Long.compareUnsigned(values[i], max) > 0) {
                    max = values[i];
                }
            }
            int indexBits = 32 - Integer.numberOfLeadingZeros(count);
            long span = max - min;
            if (Long.numberOfLeadingZeros(span) > indexBits) {
                // Fast path (every real binary): pack (value - min, index) into one
                // non-negative long, sort the primitives, then order each run of equal
                // addresses by preference (runs are a few aliases long).
                long[] keys = new long[count];
                for (int i = 0; i < count; i++) {
                    keys[i] = ((values[i] - min) << indexBits) | i;
                }
                Arrays.sort(keys);
                long mask = (1L << indexBits) - 1;
                for (int i = 0; i < count; i++) {
                    order[i] = (int) (keys[i] & mask);
                }
                for (int i = 1; i < count; i++) {
                    int x = order[i];
                    int j = i - 1;
                    while (j >= 0 && compare(order[j], x) > 0) {
                        order[j + 1] = order[j];
                        j--;
                    }
                    order[j + 1] = x;
                }
            } else {
                // Addresses spread over more than 2^(64 - indexBits): sort boxed indexes.
                Integer[] boxed = new Integer[count];
                for (int i = 0; i < count; i++) {
                    boxed[i] = i;
                }
                Arrays.sort(boxed, this::compare);
                for (int i = 0; i < count; i++) {
                    order[i] = boxed[i];
                }
            }
            return order;
        }

        /** Address order; at one address, the preferred symbol first. */
        private int compare(int a, int b) {
            int c = Long.compareUnsigned(values[a], values[b]);
            return c != 0 ? c : preferBefore(sizes[a], names[a], ranks[a], sizes[b], names[b], ranks[b]);
        }
    }

    /**
     * Which of two symbols at the same address names it better, as a comparator (negative if
     * the first): one with a size, over one without; then the name with fewer leading
     * underscores ({@code getpid} over its alias {@code __getpid}); then global over weak over
     * local binding; then by name, for a stable choice.
     */
    static int preferBefore(long sizeA, String nameA, int rankA, long sizeB, String nameB, int rankB) {
        if ((sizeA == 0) != (sizeB == 0)) {
            return sizeA != 0 ? -1 : 1;
        }
        int c = Integer.compare(leadingUnderscores(nameA), leadingUnderscores(nameB));
        if (c != 0) {
            return c;
        }
        c = Integer.compare(rankA, rankB);
        return c != 0 ? c : nameA.compareTo(nameB);
    }

    private static int leadingUnderscores(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '_') {
            i++;
        }
        return i;
    }

    /** The NUL-terminated string at {@code offset} of a string table, or null if out of range. */
    private static String cString(byte[] strtab, int offset) {
        if (offset < 0 || offset >= strtab.length) {
            return null;
        }
        int end = offset;
        while (end < strtab.length && strtab[end] != 0) {
            end++;
        }
        return new String(strtab, offset, end - offset, StandardCharsets.UTF_8);
    }
}
