package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;
import org.ptracedap.debugger.values.Location;
import org.ptracedap.debugger.values.Value;

/**
 * A scope built from what gdb said of a binary ({@code oracle.py}'s T/F/N/V/M lines): its types
 * as CTypes with gdb's sizes, member offsets and bitfield positions, its globals at gdb's
 * addresses, its data sections' bytes in a {@link ByteMemory}, its enumerators as constants —
 * nothing of the layout written by hand. A bitfield's offset is given as its storage unit's
 * (an {@code int}'s 4 bytes), its bit offset from there, as DWARF 2's
 * {@code DW_AT_data_member_location} + bit offset has it: the evaluator must add them up.
 */
final class GdbLayout {
    private final Map<Integer, String[]> types = new HashMap<>();
    private final Map<Integer, List<String[]>> fields = new HashMap<>();
    private final Map<Integer, List<CType.Enumerator>> enumerators = new HashMap<>();
    private final Map<Integer, CType> built = new HashMap<>();

    private GdbLayout(List<String[]> lines) {
        for (String[] l : lines) {
            switch (l[0]) {
                case "T" -> types.put(Integer.parseInt(l[1]), l);
                case "F" -> fields.computeIfAbsent(Integer.parseInt(l[1]), k -> new ArrayList<>()).add(l);
                case "N" -> enumerators.computeIfAbsent(Integer.parseInt(l[1]), k -> new ArrayList<>())
                        .add(new CType.Enumerator(l[2], Long.parseLong(l[3])));
                default -> { }
            }
        }
    }

    static FakeScope scope(List<String[]> lines) {
        GdbLayout layout = new GdbLayout(lines);
        ByteMemory memory = new ByteMemory();
        for (String[] l : lines) {
            if (l[0].equals("M")) {
                memory.map(Long.parseUnsignedLong(l[1], 16), HexFormat.of().parseHex(l[2]));
            }
        }
        FakeScope scope = new FakeScope(memory);
        for (String[] l : lines) {
            if (l[0].equals("V")) {
                scope.variable(l[1], layout.type(Integer.parseInt(l[2])), Long.parseUnsignedLong(l[3], 16));
            }
        }
        for (int id : layout.types.keySet()) {
            CType t = layout.type(id);
            String name = t instanceof CType.Composite c && c.tag() != null || t instanceof CType.Enum e && e.tag() != null
                    || t instanceof CType.Typedef || t instanceof CType.Base ? t.name() : null;
            if (name != null) {
                scope.type(name, t);
            }
            if (t instanceof CType.Enum e) {
                for (CType.Enumerator n : e.enumerators()) {
                    byte[] bytes = Scalars.littleEndian(n.value(), (int) e.size());
                    scope.value(new Value(n.name(), e, new Location.Computed(bytes), memory));
                }
            }
        }
        return scope;
    }

    private TypeRef ref(int id) {
        return TypeRef.lazy(() -> type(id));
    }

    CType type(int id) {
        CType t = built.get(id);
        if (t == null) {
            t = build(id, types.get(id));
            built.put(id, t);
        }
        return t;
    }

    private CType build(int id, String[] l) {
        switch (l[2]) {
            case "void": return new CType.Void();
            case "base": return new CType.Base(l[3], CType.Encoding.valueOf(l[4].toUpperCase()), Long.parseLong(l[5]));
            case "ptr": return new CType.Pointer(ref(Integer.parseInt(l[3])), Long.parseLong(l[4]));
            case "ref": return new CType.Reference(ref(Integer.parseInt(l[3])), false, Long.parseLong(l[4]));
            case "array": return new CType.Array(ref(Integer.parseInt(l[3])), Long.parseLong(l[4]));
            case "typedef": return new CType.Typedef(l[3], ref(Integer.parseInt(l[4])));
            case "qual": return new CType.Qualified(ref(Integer.parseInt(l[5])), l[3].equals("1"), l[4].equals("1"));
            case "func": return new CType.Function(ref(Integer.parseInt(l[3])), List.of(), false);
            case "enum": return new CType.Enum(tag(l[3]), Long.parseLong(l[4]), l[5].equals("1"),
                    enumerators.getOrDefault(id, List.of()));
            default: return composite(id, l);
        }
    }

    private CType composite(int id, String[] l) {
        List<CType.Member> members = new ArrayList<>();
        List<CType.BaseClass> bases = new ArrayList<>();
        for (String[] f : fields.getOrDefault(id, List.of())) {
            int typeId = Integer.parseInt(f[3]);
            long bitpos = Long.parseLong(f[4]);
            int bitsize = Integer.parseInt(f[5]);
            if (f[6].equals("1")) {
                bases.add(new CType.BaseClass(ref(typeId), bitpos / 8, false));
            } else if (bitsize > 0) {
                long unit = type(typeId).size();
                long offset = bitpos / (8 * unit) * unit;
                members.add(new CType.Member(name(f[2]), ref(typeId), offset, (int) (bitpos - 8 * offset), bitsize, false, -1));
            } else {
                members.add(CType.Member.at(name(f[2]), ref(typeId), bitpos / 8));
            }
        }
        CType.Kind kind = l[2].equals("union") ? CType.Kind.UNION : CType.Kind.STRUCT;
        return new CType.Composite(kind, tag(l[3]), Long.parseLong(l[4]), members, bases, false);
    }

    private static String tag(String s) {
        return s.equals("-") ? null : s;
    }

    private static String name(String s) {
        return s.equals("-") ? null : s;
    }
}
