package org.ptracedap.debugger.values;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongFunction;
import org.ptracedap.debuginfo.types.CType;

/**
 * A value's text as gdb's {@code print} shows it (after {@code $1 = }), gdb being the bar users
 * know: {@code -42}, {@code 97 'a'}, {@code true}, {@code 3.1400000000000001}, {@code GREEN},
 * {@code (F_A | F_C)}, {@code (int *) 0x5555555580a0 <g_int>}, {@code 0x555555556004 "hello"},
 * {@code {1, 2, 3}}, {@code {0 <repeats 20 times>}}, {@code "abc", '\000' <repeats 12 times>},
 * {@code {x = 1, y = {a = 2}}}, {@code {<shapes::Base> = {x = 1}, y = 2, static count = 3}},
 * {@code (int &) @0x7ffe...: 5}, {@code {int (int)} 0x... <twice>}, {@code <optimized out>},
 * {@code <error: Cannot access memory at address 0x10>}; and as {@code print/x} shows it with
 * {@link Options#hex}. The rules are gdb 13's (valprint.c, c-valprint.c, cp-valprint.c,
 * generic_val_print_enum_1, print_unpacked_pointer, val_print_string), with its defaults:
 * {@code print elements 200}, {@code print repeats 10}, static members shown.
 *
 * <p>A value is read once, whole (as gdb fetches it), its parts taken from those bytes; an array
 * too big for that (over 64 KiB, where gdb refuses with {@code max-value-size}) is read in chunks
 * as its elements are shown. Strings behind pointers are read up to the elements limit.
 *
 * <p>Threads: any that may use the value's {@link Memory}.
 */
public final class Format {
    private Format() {}

    /** One read of memory at most this big; a bigger array is read in chunks this big. */
    private static final int WHOLE = 64 * 1024;

    /**
     * How to print: {@code hex} as {@code print/x} (integers, chars, bools, enums and pointers in
     * hex, floats as their bits, char arrays as numbers); {@code typePrefix}: a pointer or
     * reference value shown on its own starts with its type, {@code (int *) 0x...}, as gdb's
     * {@code print} does (DAP shows the type apart, and can leave it out); {@code elements},
     * {@code repeats}: gdb's {@code print elements} and {@code print repeats};
     * {@code symbolAt}: the symbol an address is in, {@code g_arr+8} — as gdb's
     * {@code <symbol>} after a pointer, from the ELF symbols (a sized symbol that holds the
     * address; a function) — or null.
     */
    public record Options(boolean hex, boolean typePrefix, int elements, int repeats, LongFunction<String> symbolAt) {
        /** gdb's {@code print}, without symbols. */
        public static final Options GDB = new Options(false, true, 200, 10, a -> null);

        public Options withHex(boolean h) {
            return new Options(h, typePrefix, elements, repeats, symbolAt);
        }

        public Options withTypePrefix(boolean p) {
            return new Options(hex, p, elements, repeats, symbolAt);
        }

        public Options withSymbols(LongFunction<String> symbols) {
            return new Options(hex, typePrefix, elements, repeats, symbols);
        }
    }

    /** The value's text as gdb prints it, as {@code options} say. */
    public static String format(Value v, Options options) {
        Printer p = new Printer(options, v.memory());
        p.top(v);
        return p.out.toString();
    }

    // ---- where a value's bytes come from

    /** A value's bytes: all read at once, or (a big array in memory) read in chunks as they are needed. */
    private abstract static class Source {
        /** {@code n} bytes from {@code offset}, or null where they cannot be read. */
        abstract byte[] bytes(long offset, int n);

        /** The address of the byte at {@code offset}, -1 if the value has none. */
        abstract long address(long offset);

        /** Why bytes from {@code offset} cannot be read: gdb's words. */
        abstract String unreadable(long offset, int n);
    }

    private static final class Whole extends Source {
        private final byte[] data;
        private final long address;

        Whole(byte[] data, long address) {
            this.data = data;
            this.address = address;
        }

        @Override
        byte[] bytes(long offset, int n) {
            return offset + n > data.length ? null : java.util.Arrays.copyOfRange(data, (int) offset, (int) offset + n);
        }

        @Override
        long address(long offset) {
            return address < 0 ? -1 : address + offset;
        }

        @Override
        String unreadable(long offset, int n) {
            return "<optimized out>";
        }
    }

    private static final class Chunked extends Source {
        private final Memory memory;
        private final long address;
        private long chunkStart = -1;
        private byte[] chunk;
        private int chunkLength;

        Chunked(Memory memory, long address) {
            this.memory = memory;
            this.address = address;
        }

        @Override
        byte[] bytes(long offset, int n) {
            if (n > WHOLE) {
                byte[] out = new byte[n];
                return memory.read(address + offset, out) == n ? out : null;
            }
            if (chunk == null || offset < chunkStart || offset + n > chunkStart + chunkLength) {
                chunk = new byte[WHOLE];
                chunkStart = offset;
                chunkLength = Math.max(0, memory.read(address + offset, chunk));
            }
            if (offset + n > chunkStart + chunkLength) {
                return null;
            }
            int from = (int) (offset - chunkStart);
            return java.util.Arrays.copyOfRange(chunk, from, from + n);
        }

        @Override
        long address(long offset) {
            return address + offset;
        }

        @Override
        String unreadable(long offset, int n) {
            return cannotAccess(memory, address + offset, n);
        }
    }

    /** gdb's error for memory that cannot be read, at the first byte of the {@code n} at {@code address} that cannot. */
    static String cannotAccess(Memory memory, long address, int n) {
        byte[] probe = new byte[Math.max(1, n)];
        int read = Math.max(0, memory.read(address, probe));
        return "<error: Cannot access memory at address 0x" + Long.toHexString(address + Math.min(read, n)) + ">";
    }

    // ---- printing

    private static final class Printer {
        final Options o;
        final Memory memory;
        final StringBuilder out = new StringBuilder();
        /** Static members being printed (by address): one of its own class's type is not printed again inside itself. */
        private final Set<Long> staticsShown = new HashSet<>();

        Printer(Options o, Memory memory) {
            this.o = o;
            this.memory = memory;
        }

        void top(Value v) {
            Location where = v.location();
            CType type = v.type();
            CType t = type.resolved();
            if (where instanceof Location.OptimizedOut) {
                out.append("<optimized out>");
                return;
            }
            if (where instanceof Location.ImplicitPointer) {
                typePrefix(type, true);
                out.append("<synthetic pointer>");
                return;
            }
            long size = type.size();
            if (where instanceof Location.InMemory m && (size > WHOLE || t instanceof CType.Function)) {
                print(type, new Chunked(memory, m.address()), 0, true);
                return;
            }
            byte[] bytes = v.bytes();
            if (bytes == null) {
                out.append(where instanceof Location.InMemory m ? cannotAccess(memory, m.address(), (int) size)
                        : "<optimized out>");
                return;
            }
            print(type, new Whole(bytes, v.address().orElse(-1)), 0, true);
        }

        /** The value of {@code type} at {@code offset} of {@code s}; {@code top} when it is the value printed, not a part of one. */
        void print(CType type, Source s, long offset, boolean top) {
            CType t = type.resolved();
            if (t instanceof CType.Array a) {
                array(a, s, offset);
                return;
            }
            if (t instanceof CType.Function) {
                long at = s.address(offset);
                out.append('{').append(type.name()).append("} ").append(hexAddress(at));
                symbol(at);
                return;
            }
            if (t instanceof CType.Void) {
                out.append("void");
                return;
            }
            if (t instanceof CType.Composite c && c.declaration()) {
                out.append("<incomplete type>");
                return;
            }
            int size = (int) t.size();
            byte[] bytes = s.bytes(offset, size);
            if (bytes == null) {
                out.append(s.unreadable(offset, size));
                return;
            }
            if (t instanceof CType.Composite c) {
                if (!stdlib(type, s, offset, bytes)) {
                    composite(c, s, offset);
                }
            } else if (t instanceof CType.Pointer p) {
                pointer(type, p, bytes, top);
            } else if (t instanceof CType.Reference r && r.rvalue() && o.hex && top) {
                out.append(hex(bytes)); // print/x takes an rvalue reference (not an lvalue one) for a number
            } else if (t instanceof CType.Reference r) {
                reference(type, r, bytes, top);
            } else if (t instanceof CType.Enum e) {
                enumeration(e, bytes);
            } else if (t instanceof CType.Base b) {
                base(type, b, bytes);
            }
        }

        // -- scalars

        private void base(CType declared, CType.Base b, byte[] bytes) {
            if (b.encoding() == CType.Encoding.FLOAT) {
                out.append(o.hex ? Floats.hex(bytes, b.name()) : Floats.format(bytes, b.name()));
                return;
            }
            BigInteger value = number(bytes, Bytes.signed(b));
            if (o.hex) {
                out.append(hex(bytes));
            } else if (b.encoding() == CType.Encoding.BOOLEAN && value.signum() == 0) {
                out.append("false");
            } else if (b.encoding() == CType.Encoding.BOOLEAN && value.equals(BigInteger.ONE)) {
                out.append("true");
            } else {
                out.append(value);
                if (b.encoding() != CType.Encoding.BOOLEAN && Text.textual(declared)) {
                    out.append(' ').append(Text.character(bytes, declared));
                }
            }
        }

        /** gdb's generic_val_print_enum_1: the enumerator, a flag enum's enumerators or'ed, else the number. */
        private void enumeration(CType.Enum e, byte[] bytes) {
            if (o.hex) {
                out.append(hex(bytes));
                return;
            }
            long value = number(bytes, e.signed()).longValue();
            for (CType.Enumerator x : e.enumerators()) {
                if (x.value() == value) {
                    out.append(x.name());
                    return;
                }
            }
            if (!flagEnum(e)) {
                out.append(number(bytes, e.signed()));
                return;
            }
            boolean first = true;
            for (CType.Enumerator x : e.enumerators()) {
                if (x.value() != 0 && (value & x.value()) != 0) {
                    out.append(first ? "(" : " | ").append(x.name());
                    first = false;
                    value &= ~x.value();
                }
            }
            if (value != 0) {
                out.append(first ? "(unknown: 0x" : " | unknown: 0x").append(Long.toHexString(value)).append(')');
            } else if (first) {
                out.append('0');
            } else {
                out.append(')');
            }
        }

        /** gdb's flag enums (dwarf2/read.c): every enumerator 0 or one bit of its own. */
        private static boolean flagEnum(CType.Enum e) {
            if (e.enumerators().isEmpty()) {
                return false;
            }
            long mask = 0;
            for (CType.Enumerator x : e.enumerators()) {
                if (x.value() < 0 || Long.bitCount(x.value()) > 1 || (mask & x.value()) != 0) {
                    return false;
                }
                mask |= x.value();
            }
            return true;
        }

        // -- pointers and references

        private void pointer(CType declared, CType.Pointer p, byte[] bytes, boolean top) {
            long address = number(bytes, false).longValue();
            if (o.hex) {
                out.append(hex(bytes)); // print/x: the number alone
                return;
            }
            typePrefix(declared, top);
            CType target = p.target().get();
            out.append(hexAddress(address));
            symbol(address);
            // of what it points to, gdb shows only a string
            if (!(target.resolved() instanceof CType.Function) && Text.textual(target) && address != 0) {
                out.append(' ');
                string(target, address);
            }
        }

        private void reference(CType declared, CType.Reference r, byte[] bytes, boolean top) {
            long address = number(bytes, false).longValue();
            typePrefix(declared, top);
            out.append('@').append(hexAddress(address)).append(": ");
            CType target = r.target().get();
            int size = (int) target.size();
            if (size > WHOLE || target.resolved() instanceof CType.Array) {
                print(target, new Chunked(memory, address), 0, false);
                return;
            }
            byte[] referent = new byte[Math.max(0, size)];
            if (memory.read(address, referent) != size) {
                out.append(cannotAccess(memory, address, size));
                return;
            }
            print(target, new Whole(referent, address), 0, false);
        }

        /**
         * {@code (int *) } before a pointer or reference printed on its own (c_value_print) — but
         * not before a plain {@code char *} (or {@code wchar_t *}, …), whose string shows what it is.
         */
        private void typePrefix(CType declared, boolean top) {
            if (!top || !o.typePrefix) {
                return;
            }
            CType t = declared;
            while (t instanceof CType.Qualified q) {
                t = q.target().get();
            }
            if (t instanceof CType.Pointer p) {
                CType target = p.target().get();
                while (target instanceof CType.Qualified q) {
                    target = q.target().get();
                }
                String name = target instanceof CType.Base || target instanceof CType.Typedef ? target.name() : null;
                if (name != null && (name.equals("char") || name.equals("wchar_t") || name.equals("char16_t")
                        || name.equals("char32_t"))) {
                    return;
                }
            }
            out.append('(').append(declared.name()).append(") ");
        }

        /** {@code  <symbol+offset>} after an address, if the address is in a symbol. */
        private void symbol(long address) {
            String s = address == 0 || address == -1 ? null : o.symbolAt.apply(address);
            if (s != null) {
                out.append(" <").append(s).append('>');
            }
        }

        /** gdb's val_print_string: the characters at {@code address} up to a NUL or the elements limit, with {@code ...} if more follow. */
        private void string(CType charType, long address) {
            int width = (int) Math.max(1, charType.size());
            int limit = o.elements;
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            boolean foundNul = false;
            boolean error = false;
            long at = address;
            int chars = 0;
            while (chars < limit && !foundNul && !error) {
                int want = Math.min(64, limit - chars);
                byte[] chunk = new byte[want * width];
                int n = Math.max(0, memory.read(at, chunk)) / width;
                for (int i = 0; i < n && !foundNul; i++) {
                    read.write(chunk, i * width, width);
                    chars++;
                    foundNul = Text.zeroUnit(chunk, i * width, width);
                }
                at = address + (long) chars * width;
                error = n < want && !foundNul;
            }
            boolean forceEllipsis = false;
            if (!foundNul && !error) {
                byte[] peek = new byte[width];
                forceEllipsis = memory.read(at, peek) == width && !Text.zeroUnit(peek, 0, width);
            }
            if (!error || chars > 0) {
                out.append(Text.string(read.toByteArray(), chars, charType, forceEllipsis, o.elements, o.repeats));
            }
            if (error) {
                out.append("<error: Cannot access memory at address 0x").append(Long.toHexString(at)).append('>');
            }
        }

        // -- aggregates

        private void array(CType.Array a, Source s, long offset) {
            CType element = a.element().get();
            long size = element.size();
            if (a.count() <= 0 || size <= 0) {
                // no length: gdb shows where it is, as a pointer to its first element (or nothing, where it is nowhere)
                long at = s.address(offset);
                if (at < 0) {
                    out.append("{}");
                    return;
                }
                out.append(hexAddress(at));
                symbol(at);
                if (Text.textual(element) && !o.hex && at > 0) {
                    out.append(' ');
                    string(element, at);
                }
                return;
            }
            if (Text.textual(element) && !o.hex) {
                long bytes = a.count() * size;
                byte[] all = bytes > Integer.MAX_VALUE ? null : s.bytes(offset, (int) bytes);
                if (all != null) {
                    out.append(Text.string(all, a.count(), element, false, o.elements, o.repeats));
                    return;
                }
            }
            out.append('{');
            long things = 0;
            long i = 0;
            for (; i < a.count() && things < o.elements; i++) {
                if (i != 0) {
                    out.append(", ");
                }
                byte[] mine = s.bytes(offset + i * size, (int) size);
                long reps = 1;
                while (mine != null && i + reps < a.count()
                        && java.util.Arrays.equals(mine, s.bytes(offset + (i + reps) * size, (int) size))) {
                    reps++;
                }
                print(element, s, offset + i * size, false);
                if (reps > o.repeats) {
                    out.append(" <repeats ").append(reps).append(" times>");
                    i += reps - 1;
                    things += o.repeats;
                } else {
                    things++;
                }
            }
            if (i < a.count()) {
                out.append("...");
            }
            out.append('}');
        }

        /**
         * A value libstdc++'s printers know as they print it (gdb's print_string_repr and
         * print_children): the printer's text, then {@code  = {children}}, at most
         * {@code elements} of them (a map's key and value counting as two), {@code ...} if more.
         */
        private boolean stdlib(CType type, Source s, long offset, byte[] bytes) {
            long at = s.address(offset);
            Value v = at >= 0 ? Value.at(null, type, at, memory) : Value.computed(type, bytes, memory);
            java.util.Optional<StdLib.View> view = StdLib.of(v);
            if (view.isEmpty()) {
                return false;
            }
            StdLib.View w = view.get();
            boolean map = w.hint() == StdLib.Hint.MAP;
            int limit = map ? (o.elements + 1) / 2 : o.elements;
            java.util.List<StdLib.Child> children;
            try {
                children = w.children(limit); // gdb's print_children: "..." once the limit is reached, more or not
            } catch (org.ptracedap.debuginfo.types.NeedsDebugInfo e) {
                throw e;
            } catch (RuntimeException e) {
                return false;
            }
            if (w.chars >= 0) {
                long n = Math.min(w.length, o.elements);
                int width = (int) Math.max(1, w.charType.size());
                byte[] chars = new byte[(int) n * width];
                if (memory.read(w.chars, chars) != chars.length) {
                    out.append(cannotAccess(memory, w.chars, chars.length));
                } else {
                    out.append(Text.string(chars, n, w.charType, w.length > n, o.elements, o.repeats));
                }
            } else {
                out.append(w.text);
            }
            if (children.isEmpty()) {
                return true;
            }
            out.append(" = {");
            for (int i = 0; i < children.size() && i < limit; i++) {
                StdLib.Child c = children.get(i);
                out.append(i == 0 ? "" : ", ");
                if (map) {
                    out.append('[');
                    part(c.key());
                    out.append("] = ");
                } else if (w.hint() == StdLib.Hint.NONE) {
                    out.append(c.name()).append(" = ");
                }
                part(c.value());
            }
            if (children.size() >= limit) {
                out.append("...");
            }
            out.append('}');
            return true;
        }

        /** A part of a value (a printer's child) printed in place. */
        private void part(Value v) {
            CType type = v.type();
            if (v.location() instanceof Location.InMemory m && (type.size() > WHOLE || type.resolved() instanceof CType.Array)) {
                print(type, new Chunked(memory, m.address()), 0, false);
                return;
            }
            byte[] b = v.bytes();
            if (b == null) {
                out.append(v.location() instanceof Location.InMemory m ? cannotAccess(memory, m.address(), (int) type.size())
                        : "<optimized out>");
                return;
            }
            print(type, new Whole(b, v.address().orElse(-1)), 0, false);
        }

        private void composite(CType.Composite c, Source s, long offset) {
            out.append('{');
            for (CType.BaseClass b : c.bases()) {
                out.append('<').append(Children.baseName(b.type().get())).append("> = ");
                if (b.offset() < 0) {
                    out.append("<virtual base: not read>");
                } else {
                    print(b.type().get(), s, offset + b.offset(), false);
                }
                out.append(", ");
            }
            if (c.members().isEmpty()) {
                out.append("<No data fields>");
            }
            boolean first = true;
            for (CType.Member m : c.members()) {
                out.append(first ? "" : ", ");
                first = false;
                if (m.isStatic()) {
                    out.append("static ").append(m.name()).append(" = ");
                    staticMember(m);
                    continue;
                }
                if (m.name() != null) {
                    out.append(m.name()).append(" = ");
                }
                if (m.bitSize() > 0) {
                    bitfield(m, s, offset);
                } else if (m.name() != null && m.name().startsWith("_vptr.") && m.type().get().resolved() instanceof CType.Pointer) {
                    vtablePointer(m, s, offset);
                } else {
                    print(m.type().get(), s, offset + m.offset(), false);
                }
            }
            out.append('}');
        }

        /** A class's vtable pointer: its address and symbol (the vtable), in every format (gdb's cp_print_value_fields). */
        private void vtablePointer(CType.Member m, Source s, long offset) {
            int size = (int) m.type().get().size();
            byte[] bytes = s.bytes(offset + m.offset(), size);
            if (bytes == null) {
                out.append(s.unreadable(offset + m.offset(), size));
                return;
            }
            long address = number(bytes, false).longValue();
            out.append(hexAddress(address));
            symbol(address);
        }

        private void staticMember(CType.Member m) {
            CType type = m.type().get();
            int size = (int) type.size();
            if (m.constValue() != null) {
                byte[] v = new byte[size];
                System.arraycopy(m.constValue(), 0, v, 0, Math.min(size, m.constValue().length));
                print(type, new Whole(v, -1), 0, false);
            } else if (m.staticAddress() < 0) {
                out.append("<optimized out>");
            } else if (!staticsShown.add(m.staticAddress())) {
                out.append("<same as static member of an already seen type>");
            } else {
                try {
                    Source s = size > WHOLE ? new Chunked(memory, m.staticAddress()) : read(m.staticAddress(), size);
                    if (s == null) {
                        out.append(cannotAccess(memory, m.staticAddress(), size));
                    } else {
                        print(type, s, 0, false);
                    }
                } finally {
                    staticsShown.remove(m.staticAddress());
                }
            }
        }

        private Source read(long address, int size) {
            byte[] b = new byte[size];
            return memory.read(address, b) == size ? new Whole(b, address) : null;
        }

        /** A bitfield's bits, extended to its type (sign-extended if signed), printed as a value of its type. */
        private void bitfield(CType.Member m, Source s, long offset) {
            CType type = m.type().get();
            int span = (m.bitOffset() + m.bitSize() + 7) / 8;
            byte[] raw = s.bytes(offset + m.offset(), span);
            if (raw == null) {
                out.append(s.unreadable(offset + m.offset(), span));
                return;
            }
            int size = (int) type.size();
            byte[] v = new byte[size];
            for (int i = 0; i < m.bitSize() && i < 8 * size; i++) {
                int from = m.bitOffset() + i;
                if ((raw[from / 8] >> (from % 8) & 1) != 0) {
                    v[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            if (Bytes.signed(type) && m.bitSize() < 8 * size && (v[(m.bitSize() - 1) / 8] >> ((m.bitSize() - 1) % 8) & 1) != 0) {
                for (int i = m.bitSize(); i < 8 * size; i++) {
                    v[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            print(type, new Whole(v, -1), 0, false);
        }

        // -- numbers

        private static BigInteger number(byte[] bytes, boolean signed) {
            BigInteger u = Floats.unsigned(bytes, bytes.length);
            return signed && bytes.length > 0 && bytes[bytes.length - 1] < 0 ? u.subtract(BigInteger.ONE.shiftLeft(8 * bytes.length)) : u;
        }

        private static String hex(byte[] bytes) {
            return "0x" + Floats.unsigned(bytes, bytes.length).toString(16);
        }

        private static String hexAddress(long address) {
            return "0x" + Long.toHexString(address);
        }
    }
}
