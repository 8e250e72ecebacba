package org.ptracedap.debugger.values;

import java.util.ArrayList;
import java.util.List;
import org.ptracedap.debuginfo.types.CType;

/**
 * Characters and strings as gdb prints them (c-lang.c, valprint.c: {@code generic_emit_char},
 * {@code generic_printstr}, {@code print_wchar}), with gdb's charsets in a UTF-8 locale: a
 * {@code char}'s bytes are UTF-8, {@code wchar_t} and {@code char32_t} UTF-32,
 * {@code char16_t} UTF-16, with their prefixes {@code L}, {@code U}, {@code u}.
 *
 * <p>A character is shown as itself when printable (the locale's {@code iswprint}), {@code '}
 * or {@code "} (whichever quotes it) and {@code \} escaped; {@code \a \b \f \n \r \t \v} by name;
 * anything else — and bytes that are no valid character — as the octal escapes of its bytes
 * ({@code \310}), or a hex one for a wide unit above 0777 ({@code \x10ffff}). In a string, a run
 * of more than {@code repeats} equal characters is {@code 'x' <repeats 12 times>} between quoted
 * parts; at most {@code elements} characters are shown, then {@code ...}; an array's one trailing
 * NUL is left out (C's terminator); a multi-byte sequence cut off by the end is
 * {@code <incomplete sequence \303>}.
 *
 * <p>Where gdb loses a character — iconv reports the incomplete sequence at the end of the
 * string together with the character before it, and gdb drops that one — it is kept here.
 */
final class Text {
    private Text() {}

    /** C's textual types as gdb tells them (c_textual_element_type): one-byte integers and chars, {@code wchar_t}, {@code char16_t}, {@code char32_t}, C++'s UTF types. */
    static boolean textual(CType type) {
        if (textualName(type) != null) {
            return true;
        }
        CType t = type.resolved();
        return t instanceof CType.Base b && (b.encoding() == CType.Encoding.UTF
                || b.size() == 1 && b.encoding() != CType.Encoding.BOOLEAN && b.encoding() != CType.Encoding.FLOAT);
    }

    /** {@code wchar_t}, {@code char16_t} or {@code char32_t} if the type (through typedefs and qualifiers) is named so; else null. */
    static String textualName(CType type) {
        CType t = type;
        for (int guard = 0; guard < 64; guard++) {
            if (t instanceof CType.Qualified q) {
                t = q.target().get();
                continue;
            }
            String name = t instanceof CType.Typedef d ? d.name() : t instanceof CType.Base b ? b.name() : null;
            if (name != null && (name.equals("wchar_t") || name.equals("char16_t") || name.equals("char32_t"))) {
                return name;
            }
            if (!(t instanceof CType.Typedef d)) {
                return null;
            }
            t = d.target().get();
        }
        return null;
    }

    private static String prefix(CType type) {
        String name = textualName(type);
        return name == null ? "" : name.equals("wchar_t") ? "L" : name.equals("char16_t") ? "u" : "U";
    }

    /** One character's literal, {@code 'a'}, {@code L'x'}, {@code '\000'}: {@code bytes} its value's bytes. */
    static String character(byte[] bytes, CType type) {
        StringBuilder b = new StringBuilder(prefix(type)).append('\'');
        Decoder d = new Decoder(bytes, bytes.length, bytes.length);
        boolean[] needEscape = {false};
        for (Element e; (e = d.next()) != null; ) {
            if (e.result == Result.OK && printableOrNamed(e.codePoint)) {
                wchar(b, e.codePoint, e.bytes, bytes.length, '\'', needEscape);
            } else {
                escapes(b, e.bytes, bytes.length, needEscape);
            }
        }
        return b.append('\'').toString();
    }

    /**
     * A string of {@code length} characters of {@code type} from {@code bytes}: gdb's
     * {@code printstr}, with {@code forceEllipses} when more follows that was not read.
     */
    static String string(byte[] bytes, long length, CType type, boolean forceEllipses, int elements, int repeats) {
        int width = (int) type.size();
        StringBuilder b = new StringBuilder(prefix(type));
        long n = length;
        if (!forceEllipses && n > 0 && zeroUnit(bytes, (int) ((n - 1) * width), width)) {
            n--; // C's terminator
        }
        if (n == 0) {
            return b.append("\"\"").toString();
        }
        Decoder d = new Decoder(bytes, (int) (n * width), width);
        List<Run> runs = new ArrayList<>();
        long shown = 0;
        Element next = d.next();
        while (next != null && shown < elements) {
            Run run = new Run(next);
            next = d.next();
            while (next != null && run.element.same(next)) {
                run.count++;
                next = d.next();
            }
            runs.add(run);
            shown += run.count;
        }
        boolean finished = next == null;
        print(b, runs, width, repeats);
        if (forceEllipses || !finished) {
            b.append("...");
        }
        return b.toString();
    }

    /** gdb's print_converted_chars_to_obstack: quoted parts, repeat blocks, an incomplete tail. */
    private static void print(StringBuilder b, List<Run> runs, int width, int repeats) {
        boolean inQuotes = false;
        boolean first = true;
        boolean[] needEscape = {false};
        for (Run run : runs) {
            Element e = run.element;
            if (e.result == Result.INCOMPLETE) {
                if (inQuotes) {
                    b.append('"');
                }
                if (!first) {
                    b.append(", ");
                }
                b.append("<incomplete sequence ");
                escapes(b, e.bytes, width, needEscape);
                b.append('>');
                return;
            }
            if (run.count > repeats) {
                if (inQuotes) {
                    b.append('"');
                    inQuotes = false;
                }
                if (!first) {
                    b.append(", ");
                }
                b.append('\'');
                element(b, e, width, needEscape);
                b.append("' <repeats ").append(run.count).append(" times>");
            } else {
                if (!inQuotes) {
                    if (!first) {
                        b.append(", ");
                    }
                    b.append('"');
                    inQuotes = true;
                }
                for (int i = 0; i < run.count; i++) {
                    element(b, e, width, needEscape);
                }
            }
            first = false;
        }
        if (inQuotes) {
            b.append('"');
        }
    }

    /** A string's element, quoted by {@code "} (also inside a repeat block's {@code '…'}, as gdb does). */
    private static void element(StringBuilder b, Element e, int width, boolean[] needEscape) {
        if (e.result == Result.OK) {
            wchar(b, e.codePoint, e.bytes, width, '"', needEscape);
        } else {
            escapes(b, e.bytes, width, needEscape);
        }
    }

    /** gdb's print_wchar of a decoded character. */
    private static void wchar(StringBuilder b, int c, byte[] original, int width, char quoter, boolean[] needEscape) {
        boolean escapeHex = needEscape[0];
        needEscape[0] = false;
        switch (c) {
            case 7 -> b.append("\\a");
            case 8 -> b.append("\\b");
            case 12 -> b.append("\\f");
            case 10 -> b.append("\\n");
            case 13 -> b.append("\\r");
            case 9 -> b.append("\\t");
            case 11 -> b.append("\\v");
            default -> {
                if (printable(c) && !(escapeHex && Character.digit(c, 16) >= 0 && c < 128)) {
                    if (c == quoter || c == '\\') {
                        b.append('\\');
                    }
                    b.appendCodePoint(c);
                } else {
                    escapes(b, original, width, needEscape);
                }
            }
        }
    }

    /** The escapes of a character's bytes: each unit of {@code width} bytes octal ({@code \ooo}) up to 0777, else hex. */
    private static void escapes(StringBuilder b, byte[] bytes, int width, boolean[] needEscape) {
        int i = 0;
        for (; i + width <= bytes.length; i += width) {
            long value = 0;
            for (int k = width - 1; k >= 0; k--) {
                value = value << 8 | (bytes[i + k] & 0xff);
            }
            if (value <= 0777) {
                b.append(String.format("\\%03o", value & 0777));
                needEscape[0] = false;
            } else {
                b.append("\\x").append(Long.toHexString(value));
                needEscape[0] = true; // a hex escape goes on while hex digits follow: the next one must be escaped
            }
        }
        for (; i < bytes.length; i++) {
            b.append(String.format("\\%03o", bytes[i] & 0xff));
            needEscape[0] = false;
        }
    }

    private static boolean printableOrNamed(int c) {
        return printable(c) || c >= 7 && c <= 13;
    }

    /** The C.UTF-8 locale's iswprint: assigned, not a control character or a line or paragraph separator. */
    static boolean printable(int c) {
        if (c < 0x80) {
            return c >= 0x20 && c < 0x7f;
        }
        if (!Character.isValidCodePoint(c) || !Character.isDefined(c)) {
            return false;
        }
        int type = Character.getType(c);
        return type != Character.CONTROL && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SURROGATE;
    }

    /** Is the unit of {@code width} bytes at {@code at} zero (a NUL)? */
    static boolean zeroUnit(byte[] bytes, int at, int width) {
        for (int i = 0; i < width; i++) {
            if (bytes[at + i] != 0) {
                return false;
            }
        }
        return true;
    }

    private enum Result { OK, INVALID, INCOMPLETE }

    /** One character as gdb's wchar_iterator yields it: decoded, or bytes that are none (invalid), or a cut-off tail (incomplete). */
    private record Element(Result result, int codePoint, byte[] bytes) {
        boolean same(Element o) {
            return result == o.result && codePoint == o.codePoint && java.util.Arrays.equals(bytes, o.bytes);
        }
    }

    private static final class Run {
        final Element element;
        long count = 1;

        Run(Element element) {
            this.element = element;
        }
    }

    /** Decodes units of {@code width} bytes: UTF-8 (1), UTF-16 (2), UTF-32 (4), as glibc's iconv accepts them. */
    private static final class Decoder {
        private final byte[] bytes;
        private final int end;
        private final int width;
        private int at;

        Decoder(byte[] bytes, int end, int width) {
            this.bytes = bytes;
            this.end = end;
            this.width = width;
        }

        Element next() {
            if (at + width > end) {
                return null;
            }
            return switch (width) {
                case 1 -> utf8();
                case 2 -> utf16();
                default -> utf32();
            };
        }

        private long unit(int i) {
            long v = 0;
            for (int k = width - 1; k >= 0; k--) {
                v = v << 8 | (bytes[i + k] & 0xff);
            }
            return v;
        }

        private Element take(Result r, int codePoint, int n) {
            byte[] b = java.util.Arrays.copyOfRange(bytes, at, at + n);
            at += n;
            return new Element(r, codePoint, b);
        }

        private Element utf32() {
            long v = unit(at);
            boolean ok = v <= 0x10ffff && (v < 0xd800 || v > 0xdfff);
            return take(ok ? Result.OK : Result.INVALID, ok ? (int) v : -1, width);
        }

        private Element utf16() {
            int u = (int) unit(at);
            if (u < 0xd800 || u > 0xdfff) {
                return take(Result.OK, u, 2);
            }
            if (u >= 0xdc00) {
                return take(Result.INVALID, -1, 2);
            }
            if (at + 4 > end) {
                return take(Result.INCOMPLETE, -1, end - at);
            }
            int low = (int) unit(at + 2);
            if (low < 0xdc00 || low > 0xdfff) {
                return take(Result.INVALID, -1, 2);
            }
            return take(Result.OK, 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00), 4);
        }

        private Element utf8() {
            int b0 = bytes[at] & 0xff;
            if (b0 < 0x80) {
                return take(Result.OK, b0, 1);
            }
            int n;
            int min;
            int lo = 0x80;
            int hi = 0xbf;
            if (b0 >= 0xc2 && b0 <= 0xdf) {
                n = 2;
                min = 0x80;
            } else if (b0 >= 0xe0 && b0 <= 0xef) {
                n = 3;
                min = 0x800;
                lo = b0 == 0xe0 ? 0xa0 : 0x80;
                hi = b0 == 0xed ? 0x9f : 0xbf;
            } else if (b0 >= 0xf0 && b0 <= 0xf4) {
                n = 4;
                min = 0x10000;
                lo = b0 == 0xf0 ? 0x90 : 0x80;
                hi = b0 == 0xf4 ? 0x8f : 0xbf;
            } else {
                return take(Result.INVALID, -1, 1);
            }
            int cp = b0 & (0xff >> (n + 1));
            for (int i = 1; i < n; i++) {
                if (at + i >= end) {
                    return take(Result.INCOMPLETE, -1, end - at);
                }
                int c = bytes[at + i] & 0xff;
                if (i == 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) {
                    return take(Result.INVALID, -1, 1);
                }
                cp = cp << 6 | (c & 0x3f);
            }
            return cp < min ? take(Result.INVALID, -1, 1) : take(Result.OK, cp, n);
        }
    }
}
