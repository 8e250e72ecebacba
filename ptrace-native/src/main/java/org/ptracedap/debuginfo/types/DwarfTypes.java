package org.ptracedap.debuginfo.types;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ptracedap.debuginfo.LibDw;

/**
 * The C and C++ types of one module, read from its DWARF: a type DIE ({@code DW_TAG_base_type},
 * pointers, references, {@code const}/{@code volatile}, typedefs, arrays, structs, classes,
 * unions, enums, function types) becomes a {@link CType}, named as gdb names it — C's
 * {@code struct point}, C++'s {@code shapes::Outer::Inner} (the enclosing namespaces and classes
 * prefixed), integer types in gdb's spelling ({@code unsigned long} for DWARF's
 * {@code long unsigned int}).
 *
 * <p>Each DIE is read once (memoized by the address of its bytes in libdw's mapping of the debug
 * section, which — unlike its offset — is unique also across a dwz-shared alternate file). A
 * type is built whole before {@link #typeOf} returns: the types it refers to are queued and
 * built too, each referred to through its own {@link TypeRef} (so {@code struct node} can point
 * at itself, and a reference cycle costs no recursion); none is left to be read from libdw later,
 * so the types can be handed to any thread, while this reader itself runs on one.
 *
 * <p>The enclosing scopes of a C++ type come from one walk of its compilation unit's namespaces
 * and classes (libdw has no parent pointers), made when the unit's first C++ type is named; the
 * same walk indexes the unit's type names for {@link #named} and finds where static members are
 * defined.
 *
 * <p>Threads: confined to the caller's thread (the session's symbols thread), as libdw's use is.
 */
public final class DwarfTypes {
    private static final TypeRef VOID = TypeRef.of(new CType.Void());

    private final Pointer dwarf;
    private final long bias;
    private final Map<Long, Slot> slots = new HashMap<>();
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    private final Map<Long, Unit> units = new HashMap<>();
    private List<Unit> allUnits;
    private final Memory attr = new Memory(LibDw.DWARF_ATTRIBUTE_SIZE);

    /**
     * The types of the module whose DWARF is {@code dwarf} ({@code dwfl_module_getdwarf}'s, or
     * {@code dwarf_begin}'s for a file), loaded {@code bias} bytes from its link-time addresses
     * (where static members' definitions are).
     */
    public DwarfTypes(Pointer dwarf, long bias) {
        this.dwarf = dwarf;
        this.bias = bias;
    }

    /** The type a type DIE describes. */
    public CType typeOf(Pointer typeDie) {
        TypeRef ref = ref(copy(typeDie));
        drain();
        return ref.get();
    }

    /** The type of a variable, parameter, member or function's result ({@code DW_AT_type}): void if it has none. */
    public CType typeOfAttribute(Pointer die) {
        Memory target = refDie(die, LibDw.DW_AT_type);
        return target == null ? VOID.get() : typeOf(target);
    }

    /**
     * The type {@code name} as a cast names it ({@code struct point}, {@code point_t},
     * {@code unsigned long}, {@code uint32_t}, C++'s {@code shapes::Derived}), looked for in the
     * compilation unit {@code cuDie} first, then in the module's others; a complete definition
     * over a declaration. Empty if none is named so.
     */
    public Optional<CType> named(String name, Pointer cuDie) {
        String key = canonicalName(name);
        Unit first = cuDie == null ? null : unitOf(cuDie);
        Memory found = first == null ? null : first.index().get(key);
        if (found == null || declaration(found)) {
            for (Unit u : allUnits()) {
                Memory d = u == first ? null : u.index().get(key);
                if (d != null && (found == null || !declaration(d))) {
                    found = d;
                    if (!declaration(d)) {
                        break;
                    }
                }
            }
        }
        return found == null ? Optional.empty() : Optional.of(typeOf(found));
    }

    /** {@link #named(String, Pointer)} in the whole module. */
    public Optional<CType> named(String name) {
        return named(name, null);
    }

    // ---- building

    /** One DIE's type: its reference for others, filled once built. */
    private static final class Slot {
        final Memory die;
        CType type;
        final TypeRef ref;

        Slot(Memory die) {
            this.die = die;
            this.ref = TypeRef.lazy(() -> {
                if (type == null) {
                    throw new IllegalStateException("a DWARF type referred to before it was read");
                }
                return type;
            });
        }
    }

    private TypeRef ref(Memory die) {
        long key = Pointer.nativeValue(die.getPointer(0));
        Slot slot = slots.get(key);
        if (slot != null) {
            return slot.ref;
        }
        int tag = LibDw.dwarf_tag(die);
        if (tag == LibDw.DW_TAG_restrict_type || tag == LibDw.DW_TAG_atomic_type) {
            // no such qualifiers in the model: the type they qualify
            Memory target = refDie(die, LibDw.DW_AT_type);
            return target == null ? VOID : ref(target);
        }
        slot = new Slot(die);
        slots.put(key, slot);
        pending.add(slot);
        return slot.ref;
    }

    private void drain() {
        for (Slot s; (s = pending.poll()) != null; ) {
            s.type = build(s.die);
        }
    }

    private CType build(Memory die) {
        int tag = LibDw.dwarf_tag(die);
        switch (tag) {
            case LibDw.DW_TAG_base_type:
                return base(die);
            case LibDw.DW_TAG_unspecified_type: {
                String name = string(die, LibDw.DW_AT_name);
                // C++'s decltype(nullptr): a null pointer's bytes, of the size DWARF gives (gcc gives none:
                // 0, as gdb has it too); any other: void
                return name != null && name.equals("decltype(nullptr)")
                        ? new CType.Base(name, CType.Encoding.UNSIGNED, udata(die, LibDw.DW_AT_byte_size, 0))
                        : VOID.get();
            }
            case LibDw.DW_TAG_pointer_type:
                return new CType.Pointer(typeRef(die), udata(die, LibDw.DW_AT_byte_size, unitOf(die).addressSize));
            case LibDw.DW_TAG_reference_type:
            case LibDw.DW_TAG_rvalue_reference_type:
                return new CType.Reference(typeRef(die), tag == LibDw.DW_TAG_rvalue_reference_type,
                        udata(die, LibDw.DW_AT_byte_size, unitOf(die).addressSize));
            case LibDw.DW_TAG_const_type:
            case LibDw.DW_TAG_volatile_type:
                return qualified(die);
            case LibDw.DW_TAG_typedef:
                return new CType.Typedef(qualifiedName(die), typeRef(die));
            case LibDw.DW_TAG_array_type:
                return array(die);
            case LibDw.DW_TAG_structure_type:
            case LibDw.DW_TAG_class_type:
            case LibDw.DW_TAG_union_type:
                return composite(die, tag);
            case LibDw.DW_TAG_enumeration_type:
                return enumeration(die);
            case LibDw.DW_TAG_subroutine_type:
            case LibDw.DW_TAG_subprogram:
                return function(die);
            case LibDw.DW_TAG_ptr_to_member_type: {
                // not in the model: its bytes as a number (gdb prints the member it designates)
                Memory containing = refDie(die, LibDw.DW_AT_containing_type);
                Memory target = refDie(die, LibDw.DW_AT_type);
                String of = containing == null ? null : qualifiedName(containing);
                String to = target == null ? "void" : qualifiedName(target);
                return new CType.Base((to == null ? "?" : to) + " " + (of == null ? "?" : of) + "::*", CType.Encoding.SIGNED,
                        udata(die, LibDw.DW_AT_byte_size, unitOf(die).addressSize));
            }
            default:
                return new CType.Base("<type of DWARF tag 0x" + Integer.toHexString(tag) + ">", CType.Encoding.UNSIGNED,
                        udata(die, LibDw.DW_AT_byte_size, 0));
        }
    }

    private CType base(Memory die) {
        String name = string(die, LibDw.DW_AT_name);
        long size = udata(die, LibDw.DW_AT_byte_size, -1);
        if (size < 0) {
            size = (udata(die, LibDw.DW_AT_bit_size, 0) + 7) / 8;
        }
        CType.Encoding encoding = switch ((int) udata(die, LibDw.DW_AT_encoding, 0)) {
            case 0x02 -> CType.Encoding.BOOLEAN; // DW_ATE_boolean
            case 0x04 -> CType.Encoding.FLOAT; // DW_ATE_float
            case 0x05, 0x0d -> CType.Encoding.SIGNED; // DW_ATE_signed, DW_ATE_signed_fixed
            case 0x06 -> CType.Encoding.SIGNED_CHAR;
            case 0x08 -> CType.Encoding.UNSIGNED_CHAR;
            case 0x10 -> CType.Encoding.UTF;
            default -> CType.Encoding.UNSIGNED; // DW_ATE_unsigned, _address, _unsigned_fixed, and what the model has not
        };
        return new CType.Base(name == null ? "?" : canonicalName(name), encoding, size);
    }

    /** {@code const volatile T} from a chain of const/volatile DIEs (gdb writes the qualifiers once, in that order). */
    private CType qualified(Memory die) {
        boolean isConst = false;
        boolean isVolatile = false;
        Memory d = die;
        for (int guard = 0; guard < 16 && d != null; guard++) {
            int tag = LibDw.dwarf_tag(d);
            if (tag == LibDw.DW_TAG_const_type) {
                isConst = true;
            } else if (tag == LibDw.DW_TAG_volatile_type) {
                isVolatile = true;
            } else if (tag != LibDw.DW_TAG_restrict_type && tag != LibDw.DW_TAG_atomic_type) {
                break;
            }
            d = refDie(d, LibDw.DW_AT_type);
        }
        return new CType.Qualified(d == null ? VOID : ref(d), isConst, isVolatile);
    }

    private CType array(Memory die) {
        List<Long> counts = new ArrayList<>();
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        for (int r = LibDw.dwarf_child(die, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
            if (LibDw.dwarf_tag(child) == LibDw.DW_TAG_subrange_type) {
                counts.add(count(child));
            }
        }
        if (counts.isEmpty()) {
            counts.add(-1L);
        }
        // int [2][3]: an array of 2 arrays of 3
        TypeRef element = typeRef(die);
        CType array = null;
        for (int i = counts.size() - 1; i >= 0; i--) {
            array = new CType.Array(element, counts.get(i));
            element = TypeRef.of(array);
        }
        return array;
    }

    /** A subrange's element count: {@code DW_AT_count}, or its bounds; -1 when not a constant (a flexible or variable-length array). */
    private long count(Memory subrange) {
        Long count = constant(subrange, LibDw.DW_AT_count);
        if (count != null) {
            return count;
        }
        Long upper = constant(subrange, LibDw.DW_AT_upper_bound, true);
        if (upper == null) {
            return -1;
        }
        Long lower = constant(subrange, LibDw.DW_AT_lower_bound);
        return Math.max(0, upper - (lower == null ? 0 : lower) + 1);
    }

    /**
     * A constant attribute: {@code DW_FORM_sdata} signed, {@code DW_FORM_dataN} and
     * {@code DW_FORM_udata} unsigned — except, with {@code allOnesIsMinusOne}, a {@code dataN}
     * whose bits are all set, -1 (how producers write the upper bound of {@code int a[0]}); null
     * when absent or not a constant (an expression, a reference).
     */
    private Long constant(Pointer die, int attribute) {
        return constant(die, attribute, false);
    }

    private Long constant(Pointer die, int attribute, boolean allOnesIsMinusOne) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        if (a == null) {
            return null;
        }
        int form = LibDw.dwarf_whatform(a);
        LongByReference v = new LongByReference();
        if (form == LibDw.DW_FORM_sdata || form == LibDw.DW_FORM_implicit_const) {
            return LibDw.dwarf_formsdata(a, v) == 0 ? v.getValue() : null;
        }
        int bytes = switch (form) {
            case 0x0b -> 1; // DW_FORM_data1
            case 0x05 -> 2;
            case 0x06 -> 4;
            case 0x07 -> 8;
            case 0x0f -> 8; // DW_FORM_udata
            default -> 0;
        };
        if (bytes == 0 || LibDw.dwarf_formudata(a, v) != 0) {
            return null;
        }
        long value = v.getValue();
        return allOnesIsMinusOne && form != 0x0f && bytes < 8 && value == (1L << (8 * bytes)) - 1 ? -1 : value;
    }

    private static final int DW_TAG_template_type_param = 0x2f;
    private static final int DW_TAG_GNU_template_parameter_pack = 0x4107;

    private CType composite(Memory die, int tag) {
        CType.Kind kind = tag == LibDw.DW_TAG_union_type ? CType.Kind.UNION
                : tag == LibDw.DW_TAG_class_type ? CType.Kind.CLASS : CType.Kind.STRUCT;
        Unit unit = unitOf(die);
        boolean declaration = ownFlag(die, LibDw.DW_AT_declaration);
        List<CType.Member> members = new ArrayList<>();
        List<CType.BaseClass> bases = new ArrayList<>();
        List<TypeRef> templateArguments = new ArrayList<>();
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        for (int r = LibDw.dwarf_child(die, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
            int t = LibDw.dwarf_tag(child);
            if (t == DW_TAG_template_type_param) {
                templateArguments.add(typeRef(child));
            } else if (t == DW_TAG_GNU_template_parameter_pack) {
                Memory packed = new Memory(LibDw.DWARF_DIE_SIZE);
                for (int q = LibDw.dwarf_child(child, packed); q == 0; q = LibDw.dwarf_siblingof(packed, packed)) {
                    if (LibDw.dwarf_tag(packed) == DW_TAG_template_type_param) {
                        templateArguments.add(typeRef(packed));
                    }
                }
            } else if (t == LibDw.DW_TAG_inheritance) {
                Long offset = memberLocation(child);
                bases.add(new CType.BaseClass(typeRef(child), offset == null ? -1 : offset,
                        udata(child, LibDw.DW_AT_virtuality, 0) != 0));
            } else if (t == LibDw.DW_TAG_member && !flag(child, LibDw.DW_AT_external)) {
                members.add(member(child));
            } else if (t == LibDw.DW_TAG_variable || t == LibDw.DW_TAG_member) {
                // a static member: DWARF 5 writes a variable, DWARF 4 an external member, both declarations
                members.add(staticMember(child, unit));
            }
        }
        return new CType.Composite(kind, qualifiedName(die), declaration ? 0 : udata(die, LibDw.DW_AT_byte_size, 0),
                List.copyOf(members), List.copyOf(bases), declaration, unit.cplusplus, List.copyOf(templateArguments));
    }

    private CType.Member member(Memory m) {
        String name = string(m, LibDw.DW_AT_name);
        TypeRef type = typeRef(m);
        Long location = memberLocation(m);
        long byteOffset = location == null ? 0 : location;
        long bitSize = udata(m, LibDw.DW_AT_bit_size, 0);
        if (bitSize == 0) {
            return CType.Member.at(name, type, byteOffset);
        }
        long firstBit;
        Long dataBitOffset = constant(m, LibDw.DW_AT_data_bit_offset);
        if (dataBitOffset != null) {
            firstBit = dataBitOffset; // DWARF 4+: from the start of the composite
        } else {
            // DWARF 2/3: DW_AT_bit_offset counts from the most significant bit of a storage unit of
            // DW_AT_byte_size bytes at DW_AT_data_member_location (little-endian here)
            long storage = udata(m, LibDw.DW_AT_byte_size, -1);
            if (storage < 0) {
                Memory t = peel(refDie(m, LibDw.DW_AT_type));
                storage = t == null ? 0 : udata(t, LibDw.DW_AT_byte_size, 0);
            }
            firstBit = 8 * byteOffset + 8 * storage - udata(m, LibDw.DW_AT_bit_offset, 0) - bitSize;
        }
        return new CType.Member(name, type, firstBit / 8, (int) (firstBit % 8), (int) bitSize, false, -1);
    }

    /** {@code DW_AT_data_member_location}: a constant, or the expression {@code DW_OP_plus_uconst N}; null if absent or not so simple (a virtual base). */
    private Long memberLocation(Memory die) {
        Long c = constant(die, LibDw.DW_AT_data_member_location);
        if (c != null) {
            return c;
        }
        Pointer a = LibDw.dwarf_attr_integrate(die, LibDw.DW_AT_data_member_location, attr);
        if (a == null) {
            return null;
        }
        PointerByReference ops = new PointerByReference();
        LongByReference n = new LongByReference();
        if (LibDw.dwarf_getlocation(a, ops, n) != 0 || n.getValue() != 1) {
            return null;
        }
        Pointer op = ops.getValue();
        return (op.getByte(0) & 0xff) == LibDw.DW_OP_plus_uconst ? op.getLong(8) : null;
    }

    private CType.Member staticMember(Memory m, Unit unit) {
        String name = string(m, LibDw.DW_AT_name);
        byte[] value = constValue(m);
        long address = value != null ? -1 : unit.staticAddress(LibDw.dwarf_dieoffset(m));
        return new CType.Member(name, typeRef(m), 0, 0, 0, true, address, value);
    }

    /** {@code DW_AT_const_value}'s bytes, little-endian (a constant as 8 of them, cut to its type's size when read); null if none. */
    private byte[] constValue(Memory die) {
        Pointer a = LibDw.dwarf_attr(die, LibDw.DW_AT_const_value, attr);
        if (a == null) {
            return null;
        }
        Memory block = new Memory(16);
        if (LibDw.dwarf_formblock(a, block) == 0) {
            return block.getPointer(8).getByteArray(0, (int) block.getLong(0));
        }
        LongByReference v = new LongByReference();
        int form = LibDw.dwarf_whatform(a);
        boolean signed = form == LibDw.DW_FORM_sdata || form == LibDw.DW_FORM_implicit_const;
        if ((signed ? LibDw.dwarf_formsdata(a, v) : LibDw.dwarf_formudata(a, v)) != 0) {
            return null;
        }
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (v.getValue() >>> (8 * i));
        }
        return bytes;
    }

    private CType enumeration(Memory die) {
        Unit unit = unitOf(die);
        String tag = qualifiedName(die);
        long size = udata(die, LibDw.DW_AT_byte_size, 4);
        // C++ enumerators are named in the enum's scope: an enum class's own, an unscoped one's enclosing one
        String scope = !unit.cplusplus ? ""
                : flag(die, LibDw.DW_AT_enum_class) && tag != null ? tag + "::" : unit.prefix(die);
        List<CType.Enumerator> enumerators = new ArrayList<>();
        boolean anyNegative = false;
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        for (int r = LibDw.dwarf_child(die, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
            if (LibDw.dwarf_tag(child) != LibDw.DW_TAG_enumerator) {
                continue;
            }
            Long value = constant(child, LibDw.DW_AT_const_value);
            Pointer a = LibDw.dwarf_attr(child, LibDw.DW_AT_const_value, attr);
            if (a != null && LibDw.dwarf_whatform(a) != LibDw.DW_FORM_sdata) {
                LongByReference raw = new LongByReference(); // dataN as its bits (gdb's reading), not as -1
                value = LibDw.dwarf_formudata(a, raw) == 0 ? raw.getValue() : value;
            }
            if (value == null) {
                continue;
            }
            anyNegative |= value < 0;
            String name = string(child, LibDw.DW_AT_name);
            enumerators.add(new CType.Enumerator(scope + (name == null ? "<anonymous enumerator>" : name), value));
        }
        // signedness: the underlying type's when given (C++, and gcc's C), else as the values are
        boolean signed = anyNegative;
        Memory underlying = peel(refDie(die, LibDw.DW_AT_type));
        if (underlying != null && LibDw.dwarf_tag(underlying) == LibDw.DW_TAG_base_type) {
            long encoding = udata(underlying, LibDw.DW_AT_encoding, 0);
            signed = encoding == 0x05 || encoding == 0x06 || encoding == 0x0d; // DW_ATE_signed, _signed_char, _signed_fixed
        }
        return new CType.Enum(tag, size, signed, List.copyOf(enumerators), unit.cplusplus);
    }

    private CType function(Memory die) {
        Unit unit = unitOf(die);
        List<TypeRef> parameters = new ArrayList<>();
        boolean varargs = false;
        Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
        for (int r = LibDw.dwarf_child(die, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
            int t = LibDw.dwarf_tag(child);
            if (t == LibDw.DW_TAG_formal_parameter) {
                parameters.add(typeRef(child));
            } else if (t == LibDw.DW_TAG_unspecified_parameters) {
                varargs = true;
            }
        }
        if (parameters.isEmpty()) {
            // C's int f(): unprototyped (CType.Function's convention, gdb's too); C++ has none of
            // those, and gdb writes (void) also for its (...) (a vtable slot's type)
            varargs = !unit.cplusplus && !flag(die, LibDw.DW_AT_prototyped);
        }
        return new CType.Function(typeRef(die), List.copyOf(parameters), varargs);
    }

    // ---- names

    /** The DIE's name with its enclosing C++ namespaces and classes ({@code shapes::Outer::Inner}); null if it has none. */
    private String qualifiedName(Memory die) {
        String name = string(die, LibDw.DW_AT_name);
        if (name == null) {
            return null;
        }
        Unit unit = unitOf(die);
        return unit.cplusplus ? unit.prefix(die) + name : name;
    }

    // ---- units

    /** A compilation unit: its language, and (read once, when first asked) its scopes, type names and static members' definitions. */
    private final class Unit {
        final Memory cuDie;
        final boolean cplusplus;
        final long addressSize;
        private Map<Long, String> prefixes;
        private Map<Long, Long> staticAddresses;
        private Map<String, Memory> index;

        Unit(Memory cuDie, int language, long addressSize) {
            this.cuDie = cuDie;
            // DW_LANG_C_plus_plus, _03, _11, _14, ObjC++, and DWARF 6's _17, _20
            this.cplusplus = language == 0x04 || language == 0x19 || language == 0x1a || language == 0x21
                    || language == 0x11 || language == 0x2a || language == 0x2b;
            this.addressSize = addressSize;
        }

        /** {@code shapes::Outer::} for a DIE declared in them (a definition with DW_AT_specification: where its declaration is), "" at the top. */
        String prefix(Memory die) {
            walk();
            Memory spec = refDie(die, LibDw.DW_AT_specification);
            long offset = LibDw.dwarf_dieoffset(spec != null ? spec : die);
            return prefixes.getOrDefault(offset, "");
        }

        /** Where the static member declared at {@code declarationOffset} is defined in this unit, -1 if not here. */
        long staticAddress(long declarationOffset) {
            walk();
            Long a = staticAddresses.get(declarationOffset);
            return a == null ? -1 : a;
        }

        /** The unit's type names, as {@link #canonicalName} writes them, each to its DIE (a definition over a declaration). */
        Map<String, Memory> index() {
            walk();
            return index;
        }

        private void walk() {
            if (prefixes == null) {
                prefixes = new HashMap<>();
                staticAddresses = new HashMap<>();
                index = new HashMap<>();
                walk(cuDie, "");
            }
        }

        private void walk(Memory scope, String prefix) {
            Memory child = new Memory(LibDw.DWARF_DIE_SIZE);
            for (int r = LibDw.dwarf_child(scope, child); r == 0; r = LibDw.dwarf_siblingof(child, child)) {
                int tag = LibDw.dwarf_tag(child);
                switch (tag) {
                    case LibDw.DW_TAG_namespace -> {
                        String name = string(child, LibDw.DW_AT_name);
                        walk(copy(child), prefix + (name == null ? "(anonymous namespace)" : name) + "::");
                    }
                    case LibDw.DW_TAG_structure_type, LibDw.DW_TAG_class_type, LibDw.DW_TAG_union_type,
                            LibDw.DW_TAG_enumeration_type, LibDw.DW_TAG_typedef, LibDw.DW_TAG_base_type,
                            LibDw.DW_TAG_unspecified_type -> {
                        Memory die = copy(child);
                        long offset = LibDw.dwarf_dieoffset(die);
                        Memory spec = refDie(die, LibDw.DW_AT_specification);
                        String inner = spec != null ? prefixes.getOrDefault(LibDw.dwarf_dieoffset(spec), prefix) : prefix;
                        prefixes.put(offset, inner);
                        String name = string(die, LibDw.DW_AT_name);
                        if (name != null) {
                            indexType(tag, cplusplus ? inner + name : name, die);
                            if (tag != LibDw.DW_TAG_typedef && tag != LibDw.DW_TAG_base_type && tag != LibDw.DW_TAG_enumeration_type) {
                                walk(die, inner + name + "::");
                            }
                        }
                    }
                    case LibDw.DW_TAG_variable -> {
                        // a static member's definition: DW_AT_specification names its declaration in the class
                        Memory spec = refDie(child, LibDw.DW_AT_specification);
                        long address = spec == null ? -1 : staticLocation(child);
                        if (address != -1) {
                            staticAddresses.put(LibDw.dwarf_dieoffset(spec), address);
                        }
                    }
                    default -> {
                    }
                }
            }
        }

        private void indexType(int tag, String name, Memory die) {
            String key = switch (tag) {
                case LibDw.DW_TAG_structure_type -> "struct " + name;
                case LibDw.DW_TAG_class_type -> "class " + name;
                case LibDw.DW_TAG_union_type -> "union " + name;
                case LibDw.DW_TAG_enumeration_type -> "enum " + name;
                default -> null;
            };
            boolean definition = !declaration(die);
            if (key != null) {
                put(key, die, definition);
                if (tag == LibDw.DW_TAG_class_type) {
                    put("struct " + name, die, definition); // C++ lets either keyword name either
                } else if (tag == LibDw.DW_TAG_structure_type) {
                    put("class " + name, die, definition);
                }
            }
            if (key == null || cplusplus) {
                put(canonicalName(name), die, definition); // typedefs, base types; C++ tags without the keyword
            }
        }

        private void put(String key, Memory die, boolean definition) {
            Memory known = index.get(key);
            if (known == null || (definition && declaration(known))) {
                index.put(key, die);
            }
        }
    }

    /** {@code DW_AT_location} of a static variable's definition, as a process address: -1 unless it is a plain {@code DW_OP_addr}. */
    private long staticLocation(Pointer variable) {
        Pointer a = LibDw.dwarf_attr(variable, LibDw.DW_AT_location, attr);
        PointerByReference ops = new PointerByReference();
        LongByReference n = new LongByReference();
        if (a == null || LibDw.dwarf_getlocation(a, ops, n) != 0 || n.getValue() != 1) {
            return -1;
        }
        Pointer op = ops.getValue();
        return (op.getByte(0) & 0xff) == LibDw.DW_OP_addr ? op.getLong(8) + bias : -1;
    }

    private Unit unitOf(Pointer die) {
        Memory cu = new Memory(LibDw.DWARF_DIE_SIZE);
        Memory addressSize = new Memory(1);
        if (LibDw.dwarf_diecu(die, cu, addressSize, null) == null) {
            throw new IllegalStateException("no compilation unit for a DIE: " + LibDw.dwfl_errmsg(-1));
        }
        long key = Pointer.nativeValue(cu.getPointer(0));
        Unit u = units.get(key);
        if (u == null) {
            u = new Unit(cu, LibDw.dwarf_srclang(cu), addressSize.getByte(0) & 0xff);
            units.put(key, u);
        }
        return u;
    }

    /** Every compilation (and partial) unit of the module, in order. */
    private List<Unit> allUnits() {
        if (allUnits == null) {
            List<Unit> all = new ArrayList<>();
            PointerByReference next = new PointerByReference();
            Pointer cu = null;
            Memory cuDie = new Memory(LibDw.DWARF_DIE_SIZE);
            while (LibDw.dwarf_get_units(dwarf, cu, next, null, null, cuDie, null) == 0) {
                cu = next.getValue();
                int tag = LibDw.dwarf_tag(cuDie);
                if (tag == LibDw.DW_TAG_compile_unit || tag == LibDw.DW_TAG_partial_unit) {
                    all.add(unitOf(copy(cuDie)));
                }
            }
            allUnits = all;
        }
        return allUnits;
    }

    // ---- attributes

    private TypeRef typeRef(Memory die) {
        Memory target = refDie(die, LibDw.DW_AT_type);
        return target == null ? VOID : ref(target);
    }

    /** A type DIE without its typedefs and qualifiers (read as DIEs: no type is built); null for void. */
    private Memory peel(Memory die) {
        for (int guard = 0; guard < 64 && die != null; guard++) {
            int tag = LibDw.dwarf_tag(die);
            if (tag != LibDw.DW_TAG_typedef && tag != LibDw.DW_TAG_const_type && tag != LibDw.DW_TAG_volatile_type
                    && tag != LibDw.DW_TAG_restrict_type && tag != LibDw.DW_TAG_atomic_type) {
                return die;
            }
            die = refDie(die, LibDw.DW_AT_type);
        }
        return die;
    }

    private Memory refDie(Pointer die, int attribute) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        if (a == null) {
            return null;
        }
        Memory target = new Memory(LibDw.DWARF_DIE_SIZE);
        return LibDw.dwarf_formref_die(a, target) == null ? null : target;
    }

    private String string(Pointer die, int attribute) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        return a == null ? null : LibDw.dwarf_formstring(a);
    }

    private long udata(Pointer die, int attribute, long absent) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        LongByReference v = new LongByReference();
        return a != null && LibDw.dwarf_formudata(a, v) == 0 ? v.getValue() : absent;
    }

    /** A flag of the DIE or of the declaration it completes. */
    private boolean flag(Pointer die, int attribute) {
        Pointer a = LibDw.dwarf_attr_integrate(die, attribute, attr);
        ByteByReference v = new ByteByReference();
        return a != null && LibDw.dwarf_formflag(a, v) == 0 && v.getValue() != 0;
    }

    /** A flag of the DIE itself (a definition's DW_AT_specification leads to a declaration, whose DW_AT_declaration is not its own). */
    private boolean ownFlag(Pointer die, int attribute) {
        Pointer a = LibDw.dwarf_attr(die, attribute, attr);
        ByteByReference v = new ByteByReference();
        return a != null && LibDw.dwarf_formflag(a, v) == 0 && v.getValue() != 0;
    }

    private boolean declaration(Memory die) {
        return ownFlag(die, LibDw.DW_AT_declaration);
    }

    private static final java.util.Set<String> INTEGER_WORDS = java.util.Set.of("signed", "unsigned", "short", "long", "int", "char",
            "__int128");

    /**
     * A type name as gdb spells it, so that a cast's {@code unsigned long} finds DWARF's
     * {@code long unsigned int} and is shown as gdb shows it: the words of an integer type in
     * C's usual order ({@code unsigned long long}, {@code short}, {@code signed char},
     * {@code __int128 unsigned} as gcc names it), any other name with its spaces collapsed.
     */
    static String canonicalName(String name) {
        String[] words = name.strip().split("\\s+");
        int longs = 0;
        boolean signed = false;
        boolean unsigned = false;
        boolean isShort = false;
        boolean isChar = false;
        boolean int128 = false;
        for (String w : words) {
            if (!INTEGER_WORDS.contains(w)) {
                return String.join(" ", words);
            }
            switch (w) {
                case "long" -> longs++;
                case "signed" -> signed = true;
                case "unsigned" -> unsigned = true;
                case "short" -> isShort = true;
                case "char" -> isChar = true;
                case "__int128" -> int128 = true;
                default -> {
                }
            }
        }
        if (int128) {
            return unsigned ? "__int128 unsigned" : "__int128";
        }
        if (isChar) {
            return unsigned ? "unsigned char" : signed ? "signed char" : "char";
        }
        String size = isShort ? "short" : longs == 1 ? "long" : longs >= 2 ? "long long" : "int";
        return unsigned ? "unsigned " + size : size;
    }

    private static Memory copy(Pointer die) {
        Memory m = new Memory(LibDw.DWARF_DIE_SIZE);
        m.write(0, die.getByteArray(0, LibDw.DWARF_DIE_SIZE), 0, LibDw.DWARF_DIE_SIZE);
        return m;
    }
}
