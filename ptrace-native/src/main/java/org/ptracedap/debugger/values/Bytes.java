package org.ptracedap.debugger.values;

/** Reads a value's bytes from its location. */
final class Bytes {
    private Bytes() {}

    static byte[] of(Value v) {
        long size = v.type().size();
        if (size < 0 || size > (1 << 24)) {
            return null;
        }
        return read(v.location(), (int) size, v.memory());
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
