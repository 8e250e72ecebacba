package org.ptracedap.debugger.eval;

import java.math.BigInteger;

/**
 * A bitfield's bits in the little-endian bytes that hold it: read out with the field's sign, or
 * replaced with the bytes around them kept. {@code shift} is the field's first bit in the first
 * byte; a field may span up to 9 bytes (64 bits from bit 7).
 */
final class Bitfields {
    private Bitfields() {}

    static long extract(byte[] storage, int shift, int bitSize, boolean signed) {
        long value = new BigInteger(1, reversed(storage)).shiftRight(shift).longValue();
        int unused = 64 - bitSize;
        return signed ? value << unused >> unused : value << unused >>> unused;
    }

    /** {@code storage} with the field's bits replaced by the low {@code bitSize} bits of {@code value} (little-endian). */
    static byte[] insert(byte[] storage, int shift, int bitSize, byte[] value) {
        BigInteger mask = BigInteger.ONE.shiftLeft(bitSize).subtract(BigInteger.ONE);
        BigInteger old = new BigInteger(1, reversed(storage));
        BigInteger bits = new BigInteger(1, reversed(value)).and(mask);
        byte[] bigEndian = old.andNot(mask.shiftLeft(shift)).or(bits.shiftLeft(shift)).toByteArray();
        byte[] out = new byte[storage.length];
        for (int i = 0; i < out.length && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    private static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
