package org.ptracedap.debuginfo.types;

import java.util.List;

/**
 * A C or C++ type as a program's DWARF describes it, in the terms the values and the expression
 * evaluator need: its size and layout, how its bytes are read, its name as C writes it. Built from
 * DWARF by the debug info ({@code DW_TAG_*_type}), or directly (tests, the evaluator's own types
 * such as {@code int} for a literal). Types refer to types through a {@link TypeRef}, resolved when
 * first needed: {@code struct node { struct node *next; }} refers to itself.
 *
 * <p>Immutable; any thread.
 */
public sealed interface CType {
    /** The type's name as C writes it: {@code unsigned int}, {@code struct point}, {@code char *}, {@code int [4]}. */
    String name();

    /** Its size in bytes; 0 for {@code void}, an incomplete struct, a function. */
    long size();

    /** This type without typedefs, {@code const} and {@code volatile}: what its bytes are. */
    default CType resolved() {
        CType t = this;
        for (int guard = 0; guard < 64; guard++) {
            if (t instanceof Typedef d) {
                t = d.target().get();
            } else if (t instanceof Qualified q) {
                t = q.target().get();
            } else {
                return t;
            }
        }
        return t;
    }

    /** How a base type's bytes are read (DWARF's {@code DW_ATE_*}). */
    enum Encoding { SIGNED, UNSIGNED, SIGNED_CHAR, UNSIGNED_CHAR, BOOLEAN, FLOAT, UTF }

    /** {@code int}, {@code unsigned char}, {@code double}, {@code _Bool}, {@code char16_t}…: a little-endian scalar of {@code size} bytes. */
    record Base(String name, Encoding encoding, long size) implements CType {}

    /** {@code void}: a pointer's target that has no size. */
    record Void() implements CType {
        @Override
        public String name() {
            return "void";
        }

        @Override
        public long size() {
            return 0;
        }
    }

    /** {@code T *}: an address ({@code size} 8 on x86-64). */
    record Pointer(TypeRef target, long size) implements CType {
        @Override
        public String name() {
            return Names.of(this);
        }
    }

    /** C++ {@code T &} ({@code rvalue}: {@code T &&}): an address, shown as the value it refers to. */
    record Reference(TypeRef target, boolean rvalue, long size) implements CType {
        @Override
        public String name() {
            return Names.of(this);
        }
    }

    /** {@code T [count]}; {@code count} -1 when unknown ({@code extern int a[]}, a flexible array member). */
    record Array(TypeRef element, long count) implements CType {
        @Override
        public String name() {
            return Names.of(this);
        }

        @Override
        public long size() {
            return count < 0 ? 0 : count * element.get().size();
        }
    }

    /** What a {@link Composite} is. */
    enum Kind { STRUCT, CLASS, UNION }

    /**
     * One member: {@code name} null for an anonymous struct or union; {@code offset} in bytes from
     * the start of the composite; a bitfield has {@code bitSize} > 0 and {@code bitOffset}, the
     * number of bits from the start of the byte at {@code offset} (little-endian:
     * {@code DW_AT_data_bit_offset} − 8·offset); {@code isStatic} for a C++ static member (no offset:
     * it lives elsewhere, at {@code staticAddress} — or -1 when only declared here); a static member
     * the compiler gave a value instead ({@code static constexpr int limit = 10}: DWARF's
     * {@code DW_AT_const_value}) has its bytes in {@code constValue} (else null).
     */
    record Member(String name, TypeRef type, long offset, int bitOffset, int bitSize, boolean isStatic, long staticAddress,
                  byte[] constValue) {
        public Member(String name, TypeRef type, long offset, int bitOffset, int bitSize, boolean isStatic, long staticAddress) {
            this(name, type, offset, bitOffset, bitSize, isStatic, staticAddress, null);
        }

        public static Member at(String name, TypeRef type, long offset) {
            return new Member(name, type, offset, 0, 0, false, -1);
        }
    }

    /** A C++ base class at {@code offset} in the derived one. */
    record BaseClass(TypeRef type, long offset, boolean isVirtual) {}

    /**
     * A struct, class or union; {@code name} without the keyword ({@code point}, {@code std::vector<int>}),
     * null for an anonymous one; {@code declaration} when only declared here (incomplete: no members).
     * {@code cplusplus}: declared in C++, where its name is written without the keyword
     * ({@code shapes::Derived}, as gdb writes it for C++), C's {@code struct point} otherwise.
     * {@code templateArguments}: a class template's instance's type arguments, in order
     * ({@code DW_TAG_template_type_param}: {@code int} and {@code std::allocator<int>} of
     * {@code std::vector<int, std::allocator<int> >}; value arguments left out).
     */
    record Composite(Kind kind, String tag, long size, List<Member> members, List<BaseClass> bases, boolean declaration,
                     boolean cplusplus, List<TypeRef> templateArguments) implements CType {
        /** A C one. */
        public Composite(Kind kind, String tag, long size, List<Member> members, List<BaseClass> bases, boolean declaration) {
            this(kind, tag, size, members, bases, declaration, false);
        }

        /** One without template type arguments. */
        public Composite(Kind kind, String tag, long size, List<Member> members, List<BaseClass> bases, boolean declaration,
                         boolean cplusplus) {
            this(kind, tag, size, members, bases, declaration, cplusplus, List.of());
        }

        @Override
        public String name() {
            String keyword = kind == Kind.UNION ? "union" : kind == Kind.CLASS ? "class" : "struct";
            return tag == null ? keyword + " {...}" : cplusplus ? tag : keyword + " " + tag;
        }
    }

    /** One enumerator. */
    record Enumerator(String name, long value) {}

    /**
     * {@code enum color}; {@code tag} null when anonymous; {@code cplusplus} as for {@link Composite}
     * (then the enumerators' names are qualified as gdb shows them: {@code shapes::Outer::ON},
     * {@code shapes::inner::Kind::B} for an {@code enum class}).
     */
    record Enum(String tag, long size, boolean signed, List<Enumerator> enumerators, boolean cplusplus) implements CType {
        /** A C one. */
        public Enum(String tag, long size, boolean signed, List<Enumerator> enumerators) {
            this(tag, size, signed, enumerators, false);
        }

        @Override
        public String name() {
            return tag == null ? "enum {...}" : cplusplus ? tag : "enum " + tag;
        }
    }

    /** {@code typedef T name}. */
    record Typedef(String name, TypeRef target) implements CType {
        @Override
        public long size() {
            return target.get().size();
        }
    }

    /** {@code const T}, {@code volatile T}. */
    record Qualified(TypeRef target, boolean isConst, boolean isVolatile) implements CType {
        @Override
        public String name() {
            return Names.of(this);
        }

        @Override
        public long size() {
            return target.get().size();
        }
    }

    /**
     * A function type: what a function pointer points to. {@code varargs} with no parameters is
     * C's unprototyped {@code int f()} (as gdb reads DWARF), written {@code int ()}; a prototyped
     * one without parameters is {@code int (void)}.
     */
    record Function(TypeRef returns, List<TypeRef> parameters, boolean varargs) implements CType {
        @Override
        public String name() {
            return Names.of(this);
        }

        @Override
        public long size() {
            return 0;
        }
    }
}
