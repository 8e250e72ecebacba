package org.ptracedap.debugger.eval;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ptracedap.debuginfo.types.CType;

/**
 * The value and type of a literal as C gives them (C11 6.4.4): an integer constant takes the
 * first type of its list that holds it ({@code 2147483648} is a {@code long}, {@code 0xffffffff}
 * an {@code unsigned int}; a decimal too big for {@code long} is, as in gdb, {@code unsigned long});
 * a floating constant is a {@code double}, {@code float} with {@code f}, {@code long double} with
 * {@code l}; a character constant is a (signed) {@code char}; a string's bytes end with a NUL.
 */
final class Literals {
    private Literals() {}

    private static final Pattern DECIMAL_FLOAT = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern HEX_FLOAT = Pattern.compile("0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?\\d+");

    static boolean isFloating(String text) {
        boolean hex = text.startsWith("0x") || text.startsWith("0X");
        return hex ? text.indexOf('p') >= 0 || text.indexOf('P') >= 0 || text.indexOf('.') >= 0
                : text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0;
    }

    static Num.Int integer(String text, int column) {
        int end = text.length();
        while (end > 0 && "uUlL".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        String suffix = text.substring(end).toLowerCase(Locale.ROOT);
        String digits = text.substring(0, end);
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0b") || digits.startsWith("0B")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        BigInteger value;
        try {
            value = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            throw new SyntaxException("invalid number '" + text + "'", column);
        }
        if (value.bitLength() > 64) {
            throw new SyntaxException("integer constant " + text + " is too large for its type", column);
        }
        for (CType.Base type : candidates(suffix, radix == 10, text, column)) {
            int bits = 8 * (int) type.size() - (Types.isSigned(type) ? 1 : 0);
            if (value.bitLength() <= bits) {
                return new Num.Int(type, value.longValue());
            }
        }
        throw new SyntaxException("integer constant " + text + " is too large for its type", column);
    }

    private static List<CType.Base> candidates(String suffix, boolean decimal, String text, int column) {
        switch (suffix) {
            case "":
                return decimal ? List.of(Types.INT, Types.LONG, Types.ULONG) : List.of(Types.INT, Types.UINT, Types.LONG, Types.ULONG);
            case "u":
                return List.of(Types.UINT, Types.ULONG);
            case "l":
                return decimal ? List.of(Types.LONG, Types.ULONG) : List.of(Types.LONG, Types.ULONG);
            case "ul":
            case "lu":
                return List.of(Types.ULONG);
            case "ll":
                return List.of(Types.LLONG, Types.ULLONG);
            case "ull":
            case "llu":
                return List.of(Types.ULLONG);
            default:
                throw new SyntaxException("invalid suffix \"" + suffix + "\" on integer constant " + text, column);
        }
    }

    static Num.Real floating(String text, int column) {
        char last = text.charAt(text.length() - 1);
        boolean hex = text.startsWith("0x") || text.startsWith("0X");
        boolean suffixed = !hex && "fFlL".indexOf(last) >= 0 || hex && "lL".indexOf(last) >= 0
                || hex && (last == 'f' || last == 'F') && text.matches(".*[pP][+-]?\\d+[fF]");
        String body = suffixed ? text.substring(0, text.length() - 1) : text;
        if (!(hex ? HEX_FLOAT : DECIMAL_FLOAT).matcher(body).matches()) {
            throw new SyntaxException("invalid number '" + text + "'", column);
        }
        char suffix = suffixed ? Character.toLowerCase(last) : 'd';
        if (suffix == 'f') {
            return new Num.Real(Types.FLOAT, Float.parseFloat(body), null);
        }
        if (suffix == 'l') {
            return Scalars.longDouble(Types.LDOUBLE, hex ? hexExact(body) : new BigDecimal(body), 0);
        }
        return new Num.Real(Types.DOUBLE, Double.parseDouble(body), null);
    }

    /** A hexadecimal floating constant's exact value: its digits × 2^(exponent − 4·fraction digits). */
    private static BigDecimal hexExact(String body) {
        int p = Math.max(body.indexOf('p'), body.indexOf('P'));
        String mantissa = body.substring(2, p);
        int dot = mantissa.indexOf('.');
        int fraction = dot < 0 ? 0 : mantissa.length() - dot - 1;
        BigInteger m = new BigInteger(mantissa.replace(".", ""), 16);
        return X87.scaleByPowerOfTwo(new BigDecimal(m), Integer.parseInt(body.substring(p + 1)) - 4 * fraction);
    }

    /** A character constant: one byte, a {@code char} — signed on x86-64, so {@code '\377'} is -1. */
    static Num.Int character(String text, int column) {
        byte[] bytes = unescape(text, column);
        if (bytes.length != 1) {
            throw new SyntaxException(bytes.length == 0 ? "empty character constant" : "a character constant holds one byte (" + text + ")", column);
        }
        return new Num.Int(Types.CHAR, bytes[0]);
    }

    /** A string literal's bytes, without its NUL. */
    static byte[] string(String text, int column) {
        return unescape(text, column);
    }

    /** The bytes between the quotes of {@code quoted}, escapes replaced (UTF-8 for other characters). */
    private static byte[] unescape(String quoted, int column) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = quoted.length() - 1;
        for (int i = 1; i < n; i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                int cp = quoted.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
                continue;
            }
            char e = quoted.charAt(++i);
            int simple = "ntrabfv\\'\"?e".indexOf(e);
            if (simple >= 0) {
                out.write("\n\t\r\007\b\f\013\\'\"?\033".charAt(simple));
            } else if (e >= '0' && e <= '7') {
                int v = 0;
                int j = i;
                while (j < n && j < i + 3 && quoted.charAt(j) >= '0' && quoted.charAt(j) <= '7') {
                    v = v * 8 + quoted.charAt(j++) - '0';
                }
                out.write(v & 0xff);
                i = j - 1;
            } else if (e == 'x') {
                int j = i + 1;
                int v = 0;
                while (j < n && Character.digit(quoted.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(quoted.charAt(j++), 16);
                }
                if (j == i + 1) {
                    throw new SyntaxException("\\x used with no following hex digits", column + i - 1);
                }
                out.write(v & 0xff);
                i = j - 1;
            } else {
                throw new SyntaxException("unknown escape sequence '\\" + e + "'", column + i - 1);
            }
        }
        return out.toByteArray();
    }
}
