package org.ptracedap.debugger.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ptracedap.debuginfo.types.CType;

/**
 * The parts of a value, as values of their own — what a Variables view expands and what an
 * expression's {@code s.a}, {@code a[3]} and {@code *p} are: a struct's base classes (named
 * {@code <shapes::Base>}) then its members (an anonymous struct or union as
 * {@code <anonymous struct>}/{@code <anonymous union>}, a static member where it is defined), an
 * array's elements by index range (for paging through big ones), a pointer's or reference's
 * target ({@code *p}). Each part lies where its whole does: a member of a value in memory is
 * at its address (so it can be written), a bitfield is one bit piece of its struct's bytes, a
 * member of a value in a register or computed is the matching part of those bytes.
 */
public final class Children {
    private Children() {}

    /** How many parts {@link #of} gives: members and bases, array elements, 1 for a pointer to something, else 0. */
    public static long count(Value v) {
        Optional<StdLib.View> view = StdLib.of(v);
        if (view.isPresent()) {
            return view.get().count();
        }
        CType t = v.type().resolved();
        if (t instanceof CType.Composite c) {
            return c.declaration() ? 0 : c.bases().size() + c.members().size();
        }
        if (t instanceof CType.Array a) {
            return Math.max(0, a.count());
        }
        return pointee(v).isPresent() ? 1 : 0;
    }

    /** All parts (for an array, every element: see {@link #elements} for a range). */
    public static List<Value> of(Value v) {
        Optional<StdLib.View> view = StdLib.of(v);
        if (view.isPresent()) {
            return library(v, view.get(), 0, (int) Math.min(Integer.MAX_VALUE, view.get().count()));
        }
        CType t = v.type().resolved();
        if (t instanceof CType.Composite c) {
            List<Value> parts = new ArrayList<>();
            if (!c.declaration()) {
                for (CType.BaseClass b : c.bases()) {
                    parts.add(base(v, b));
                }
                for (CType.Member m : c.members()) {
                    parts.add(member(v, m));
                }
            }
            return parts;
        }
        if (t instanceof CType.Array a) {
            return elements(v, 0, (int) Math.min(Integer.MAX_VALUE, Math.max(0, a.count())));
        }
        return pointee(v).map(List::of).orElse(List.of());
    }

    /** Elements {@code from} to {@code from + count - 1} of an array (fewer where it ends), named {@code [i]}. */
    public static List<Value> elements(Value array, long from, int count) {
        Optional<StdLib.View> view = StdLib.of(array);
        if (view.isPresent()) {
            return library(array, view.get(), from, count);
        }
        CType.Array a = (CType.Array) array.type().resolved();
        CType element = a.element().get();
        long size = element.size();
        long end = a.count() < 0 ? from + count : Math.min(a.count(), from + count);
        List<Value> out = new ArrayList<>();
        for (long i = Math.max(0, from); i < end; i++) {
            out.add(new Value("[" + i + "]", element, slice(array.location(), 8 * i * size, 8 * size), array.memory()));
        }
        return out;
    }

    /** A member of a struct, class or union value. */
    public static Value member(Value composite, CType.Member m) {
        CType type = m.type().get();
        String name = m.name() != null ? m.name() : anonymousName(type);
        if (m.isStatic()) {
            Location where = m.constValue() != null ? new Location.Computed(m.constValue())
                    : m.staticAddress() >= 0 ? new Location.InMemory(m.staticAddress()) : new Location.OptimizedOut();
            return new Value(name, type, where, composite.memory());
        }
        long bitSize = m.bitSize() > 0 ? m.bitSize() : 8 * type.size();
        return new Value(name, type, slice(composite.location(), 8 * m.offset() + m.bitOffset(), bitSize), composite.memory());
    }

    /** The part of a derived class's value that is its base {@code b}, named {@code <Base>}. */
    public static Value base(Value derived, CType.BaseClass b) {
        CType type = b.type().get();
        String name = "<" + baseName(type) + ">";
        if (b.offset() < 0) {
            return new Value(name, type, new Location.OptimizedOut(), derived.memory()); // a virtual base: where it is, the vtable says
        }
        return new Value(name, type, slice(derived.location(), 8 * b.offset(), 8 * type.size()), derived.memory());
    }

    /**
     * What a pointer or reference points to, named {@code *p} ({@code *} and the pointer's name,
     * or the referent's own name for a reference); empty for a null or unreadable pointer, and
     * for one to void or to a function.
     */
    public static Optional<Value> pointee(Value v) {
        CType t = v.type().resolved();
        CType target;
        if (t instanceof CType.Pointer p) {
            target = p.target().get();
        } else if (t instanceof CType.Reference r) {
            target = r.target().get();
        } else {
            return Optional.empty();
        }
        CType resolvedTarget = target.resolved();
        if (resolvedTarget instanceof CType.Void || resolvedTarget instanceof CType.Function) {
            return Optional.empty();
        }
        String name = t instanceof CType.Reference ? v.name() : v.name() == null ? null : "*" + v.name();
        if (v.location() instanceof Location.ImplicitPointer ip) {
            Value whole = ip.target();
            return Optional.of(new Value(name, target, slice(whole.location(), 8 * ip.byteOffset(), 8 * target.size()),
                    whole.memory()));
        }
        byte[] bytes = v.bytes();
        if (bytes == null) {
            return Optional.empty();
        }
        long address = 0;
        for (int i = Math.min(8, bytes.length) - 1; i >= 0; i--) {
            address = address << 8 | (bytes[i] & 0xff);
        }
        return address == 0 ? Optional.empty() : Optional.of(Value.at(name, target, address, v.memory()));
    }

    /**
     * The children of a value libstdc++'s printers know, {@code from} to {@code from + count - 1}, as
     * its printer gives them: a vector's elements {@code [0]}… where they are, a map's values named
     * by their keys ({@code [1]}, {@code ["k1"]}), a smart pointer's {@code get()}.
     */
    private static List<Value> library(Value v, StdLib.View view, long from, int count) {
        List<StdLib.Child> all = view.children((int) Math.min(Integer.MAX_VALUE, Math.max(0, from) + (long) count));
        List<Value> out = new ArrayList<>();
        Format.Options key = Format.Options.GDB.withTypePrefix(false);
        for (int i = (int) Math.max(0, from); i < all.size(); i++) {
            StdLib.Child c = all.get(i);
            String name = c.key() != null ? "[" + Format.format(c.key(), key) + "]" : c.name();
            out.add(new Value(name, c.value().type(), c.value().location(), c.value().memory()));
        }
        return out;
    }

    static String anonymousName(CType type) {
        CType t = type.resolved();
        return t instanceof CType.Composite c && c.kind() == CType.Kind.UNION ? "<anonymous union>" : "<anonymous struct>";
    }

    /** A base class as gdb names it between angle brackets: its tag, without the keyword ({@code shapes::Base}). */
    static String baseName(CType type) {
        CType t = type.resolved();
        return t instanceof CType.Composite c && c.tag() != null ? c.tag() : type.name();
    }

    /**
     * The part of a location {@code bitSize} bits long from bit {@code bitOffset}: at an address,
     * the address further on (a bit piece of it when not whole bytes); in a register, a bit
     * piece of the register; computed bytes, those bytes; of pieces, the pieces (or parts of
     * them) that hold those bits; nothing of nothing.
     */
    static Location slice(Location whole, long bitOffset, long bitSize) {
        boolean bytes = bitOffset % 8 == 0 && bitSize % 8 == 0;
        if (whole instanceof Location.InMemory m) {
            return bytes ? new Location.InMemory(m.address() + bitOffset / 8)
                    : new Location.Pieces(List.of(new Location.Piece(new Location.InMemory(m.address() + bitOffset / 8),
                            bitSize, bitOffset % 8)));
        }
        if (whole instanceof Location.Computed c && bytes) {
            byte[] part = new byte[(int) (bitSize / 8)];
            int from = (int) (bitOffset / 8);
            System.arraycopy(c.bytes(), Math.min(from, c.bytes().length), part, 0,
                    Math.max(0, Math.min(part.length, c.bytes().length - from)));
            return new Location.Computed(part);
        }
        if (whole instanceof Location.InRegister || whole instanceof Location.Computed) {
            if (bitOffset == 0 && bytes && whole instanceof Location.InRegister) {
                return whole; // the low bits of the register: the register itself, as the variable's own location says
            }
            return new Location.Pieces(List.of(new Location.Piece(whole, bitSize, bitOffset)));
        }
        if (whole instanceof Location.Pieces p) {
            List<Location.Piece> parts = new ArrayList<>();
            long at = 0;
            for (Location.Piece piece : p.pieces()) {
                long start = Math.max(at, bitOffset);
                long end = Math.min(at + piece.bitSize(), bitOffset + bitSize);
                if (start < end) {
                    parts.add(new Location.Piece(piece.where(), end - start, piece.bitOffset() + (start - at)));
                }
                at += piece.bitSize();
            }
            return parts.isEmpty() ? new Location.OptimizedOut() : new Location.Pieces(List.copyOf(parts));
        }
        return new Location.OptimizedOut();
    }
}
