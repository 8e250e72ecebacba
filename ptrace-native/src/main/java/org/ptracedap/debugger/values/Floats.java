package org.ptracedap.debugger.values;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floating-point values as gdb prints them (target-float.c): {@code %g} with as many significant
 * digits as tell every value of the format apart — DECIMAL_DIG, ⌈1 + p·log10 2⌉ for p mantissa
 * bits: 9 for float, 17 for double, 21 for x87's long double, 36 for {@code __float128} — so
 * {@code 3.14} is {@code 3.1400000000000001} and {@code 1.5} is {@code 1.5}; {@code inf},
 * {@code -inf}, {@code nan(0x8000000000000)} (the mantissa's bits), {@code -0}. The decimal
 * digits come from the value's exact binary expansion, rounded half-even as glibc's printf does.
 * In hex ({@code print/x}), the format's bits ({@code 0x40091eb851eb851f}; x87: its 10 bytes).
 */
final class Floats {
    private Floats() {}

    /** An IEEE binary format: exponent and stored mantissa bits. */
    private record Format(int exponentBits, int mantissaBits) {}

    private static Format ieee(int size) {
        return switch (size) {
            case 2 -> new Format(5, 10);
            case 4 -> new Format(8, 23);
            case 8 -> new Format(11, 52);
            case 16 -> new Format(15, 112);
            default -> null;
        };
    }

    /** Is a floating-point type of {@code size} bytes named {@code name} x87's 80-bit extended (x86-64's long double, in 16 bytes)? */
    private static boolean x87(int size, String name) {
        return (size == 16 || size == 12 || size == 10) && !name.contains("128");
    }

    static String format(byte[] bytes, String name) {
        int size = bytes.length;
        if (x87(size, name)) {
            return x87(bytes);
        }
        Format f = ieee(size);
        if (f == null) {
            return "<invalid float value>";
        }
        BigInteger bits = unsigned(bytes, size);
        boolean negative = bits.testBit(8 * size - 1);
        int exponent = bits.shiftRight(f.mantissaBits).intValue() & ((1 << f.exponentBits) - 1);
        BigInteger mantissa = bits.and(BigInteger.ONE.shiftLeft(f.mantissaBits).subtract(BigInteger.ONE));
        int bias = (1 << (f.exponentBits - 1)) - 1;
        String sign = negative ? "-" : "";
        if (exponent == (1 << f.exponentBits) - 1) {
            return mantissa.signum() == 0 ? sign + "inf" : sign + "nan(0x" + mantissa.toString(16) + ")";
        }
        BigInteger significand = exponent == 0 ? mantissa : mantissa.setBit(f.mantissaBits);
        int power = (exponent == 0 ? 1 : exponent) - bias - f.mantissaBits;
        return sign + g(exact(significand, power), digits(f.mantissaBits + 1));
    }

    private static String x87(byte[] bytes) {
        BigInteger mantissa = unsigned(bytes, 8);
        int se = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        boolean negative = (se & 0x8000) != 0;
        int exponent = se & 0x7fff;
        String sign = negative ? "-" : "";
        boolean integerBit = mantissa.testBit(63);
        if ((exponent == 0) == integerBit) {
            return "<invalid float value>"; // unnormals and pseudo-denormals (gdb's floatformat_i387_ext_is_valid)
        }
        if (exponent == 0x7fff) {
            return mantissa.clearBit(63).signum() == 0 ? sign + "inf" : sign + "nan(0x" + mantissa.toString(16) + ")";
        }
        int power = (exponent == 0 ? 1 : exponent) - 16383 - 63;
        return sign + g(exact(mantissa, power), digits(64));
    }

    /** gdb's hex of a float: the format's bits as one number. */
    static String hex(byte[] bytes, String name) {
        int size = x87(bytes.length, name) ? 10 : bytes.length;
        return "0x" + unsigned(bytes, size).toString(16);
    }

    /** DECIMAL_DIG for {@code precision} mantissa bits: ⌈1 + p·log10 2⌉ (gdb computes it so). */
    private static int digits(int precision) {
        double d = 1 + precision * .30102999566398119521;
        int n = (int) d;
        return n < d ? n + 1 : n;
    }

    /** {@code significand} · 2^{@code power}, exactly. */
    private static BigDecimal exact(BigInteger significand, int power) {
        if (power >= 0) {
            return new BigDecimal(significand.shiftLeft(power));
        }
        // m / 2^k = m · 5^k / 10^k
        return new BigDecimal(significand.multiply(BigInteger.valueOf(5).pow(-power)), -power);
    }

    /** C's {@code %.Pg} of a magnitude (its sign written by the caller): trailing zeros dropped, exponent of two digits at least. */
    static String g(BigDecimal magnitude, int precision) {
        if (magnitude.signum() == 0) {
            return "0";
        }
        BigDecimal r = magnitude.round(new MathContext(precision, RoundingMode.HALF_EVEN));
        String digits = r.unscaledValue().toString();
        int exponent = digits.length() - 1 - r.scale();
        StringBuilder padded = new StringBuilder(digits);
        while (padded.length() < precision) {
            padded.append('0');
        }
        digits = padded.toString();
        if (exponent < -4 || exponent >= precision) {
            String fraction = stripZeros(digits.substring(1));
            String e = Integer.toString(Math.abs(exponent));
            return digits.charAt(0) + (fraction.isEmpty() ? "" : "." + fraction) + "e" + (exponent < 0 ? "-" : "+")
                    + (e.length() < 2 ? "0" + e : e);
        }
        if (exponent >= 0) {
            String fraction = stripZeros(digits.substring(exponent + 1));
            return digits.substring(0, exponent + 1) + (fraction.isEmpty() ? "" : "." + fraction);
        }
        return "0." + "0".repeat(-exponent - 1) + stripZeros(digits);
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }

    /** The first {@code n} bytes, little-endian, as an unsigned number. */
    static BigInteger unsigned(byte[] bytes, int n) {
        byte[] big = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            big[n - i] = bytes[i];
        }
        return new BigInteger(big);
    }
}
