package org.ptracedap.debugger.values;

import org.ptracedap.debuginfo.types.CType;

/**
 * Reads a value's bytes from its location. A value whose pieces hold fewer bits than its type
 * has (a bitfield: {@code int b : 4} is one 4-bit piece of its struct's bytes) is extended to its
 * type's size as C does: sign-extended for a signed integer or enum, with zeros otherwise.
 */
final class Bytes {
    private Bytes() {}

    static byte[] of(Value v) {
        long size = v.type().size();
        if (size < 0 || size > (1 << 24)) {
            return null;
        }
        byte[] bytes = read(v.location(), (int) size, v.memory());
        if (bytes != null && v.location() instanceof Location.Pieces p && signed(v.type())) {
            long bits = 0;
            for (Location.Piece piece : p.pieces()) {
                bits += piece.bitSize();
            }
            if (bits > 0 && bits < 8 * size && (bytes[(int) ((bits - 1) / 8)] >> ((bits - 1) % 8) & 1) != 0) {
                for (long i = bits; i < 8 * size; i++) {
                    bytes[(int) (i / 8)] |= (byte) (1 << (i % 8));
                }
            }
        }
        return bytes;
    }

    /** Is {@code type} read as a signed number (a bitfield of it sign-extended)? */
    static boolean signed(CType type) {
        CType t = type.resolved();
        if (t instanceof CType.Enum e) {
            return e.signed();
        }
        return t instanceof CType.Base b
                && (b.encoding() == CType.Encoding.SIGNED
                        || b.encoding() == CType.Encoding.SIGNED_CHAR);
    }

    private static byte[] read(Location where, int size, Memory memory) {
        if (where instanceof Location.InMemory m) {
            byte[] out = new byte[size];
            return memory.read(m.address(), out) == size ? out : null;
        }
        if (where instanceof Location.InRegister r) {
            return fit(r.value(), size);
        }
        if (where instanceof Location.Computed c) {
            return fit(c.bytes(), size);
        }
        if (where instanceof Location.Pieces p) {
            byte[] out = new byte[size];
            long bit = 0;
            for (Location.Piece piece : p.pieces()) {
                int pieceBytes = (int) ((piece.bitOffset() + piece.bitSize() + 7) / 8);
                byte[] part = read(piece.where(), pieceBytes, memory);
                if (part == null) {
                    return null; // a part optimized out or unreadable: gdb shows the whole as such too
                }
                for (long i = 0; i < piece.bitSize() && bit + i < 8L * size; i++) {
                    long from = piece.bitOffset() + i;
                    if ((part[(int) (from / 8)] >> (from % 8) & 1) != 0) {
                        out[(int) ((bit + i) / 8)] |= (byte) (1 << ((bit + i) % 8));
                    }
                }
                bit += piece.bitSize();
            }
            return out;
        }
        return null; // optimized out; an implicit pointer has no bytes of its own
    }

    /** {@code bytes} cut or zero-extended to {@code size}. */
    private static byte[] fit(byte[] bytes, int size) {
        byte[] out = new byte[size];
        System.arraycopy(bytes, 0, out, 0, Math.min(size, bytes.length));
        return out;
    }
}
