package org.ptracedap.debuginfo.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ptracedap.debuginfo.LibDw;
import org.ptracedap.engine.Sample;
import org.ptracedap.testing.DwarfFile;
import org.ptracedap.testing.GdbFrames;
import org.ptracedap.testing.GdbPython;

/**
 * {@link DwarfTypes} against gdb on the values samples (C and C++, DWARF 5 and DWARF 4): every
 * global's type — its name as gdb's {@code whatis} writes it, its {@code sizeof}, and for structs,
 * classes and unions (also inside arrays and nested ones) every field as gdb's Python sees it:
 * name, bit position, bitfield width, type name, base class or static — and the types a cast
 * names ({@code struct point}, {@code uint32_t}, {@code unsigned long}, {@code shapes::Derived}),
 * found by {@link DwarfTypes#named} as gdb finds them. gdb reads the binary statically (no
 * process), in the sample's language.
 */
class DwarfTypesTest {
    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
        Assumptions.assumeTrue(GdbFrames.available(), "gdb is not installed");
    }

    /** Types a cast may name, per sample: C's, then C++'s. */
    private static final List<String> C_NAMES = List.of("struct point", "point_t", "uint32_t", "unsigned long",
            "long unsigned int", "unsigned", "short", "union number", "enum color", "myint", "struct bits", "int8_t",
            "char", "signed char", "_Bool", "long double", "struct node", "anon_t", "__int128");
    private static final List<String> CPP_NAMES = List.of("shapes::Derived", "shapes::Base", "struct shapes::Base",
            "shapes::Outer::Inner", "shapes::Outer::Mode", "shapes::Box<int, 3>", "shapes::inner::Kind",
            "shapes::inner::Deep", "bool", "unsigned long", "wchar_t", "char16_t", "std::nullptr_t", "shapes::WithStatic",
            "shapes::Virtual");

    private static final String SCRIPT = String.join("\n",
            "def core(t):",
            "    t = t.strip_typedefs()",
            "    while t.code == gdb.TYPE_CODE_ARRAY:",
            "        t = t.target().strip_typedefs()",
            "    return t",
            "def fields(name, path, t, depth):",
            "    t = core(t)",
            "    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION) or depth > 6:",
            "        return",
            "    for i, f in enumerate(t.fields()):",
            "        static = not hasattr(f, 'bitpos')",
            "        p = path + '/' + str(i)",
            "        out.write('\\t'.join(['FIELD', name, p, esc(f.name or ''), '' if static else str(f.bitpos),"
                    + " str(f.bitsize), esc(f.type), '1' if f.is_base_class else '0', '1' if static else '0']) + '\\n')",
            "        if not static:",
            "            fields(name, p, f.type, depth + 1)",
            "for name in NAMES:",
            "    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)",
            "    if sym is None:",
            "        out.write('MISSING\\t' + name + '\\n')",
            "        continue",
            "    t = sym.type",
            "    out.write('\\t'.join(['TYPE', name, esc(t), str(t.sizeof)]) + '\\n')",
            "    fields(name, '', t, 0)",
            "for n in TYPES:",
            "    try:",
            "        t = gdb.parse_and_eval('(' + n + ' *) 0').type.target()",
            "        out.write('\\t'.join(['NAMED', n, esc(t), str(t.sizeof)]) + '\\n')",
            "    except gdb.error as e:",
            "        out.write('\\t'.join(['NAMED', n, 'ERROR', esc(e)]) + '\\n')");

    @ParameterizedTest
    @ValueSource(strings = {"values", "values_dwarf4", "values_cpp", "values_cpp_dwarf4"})
    void everyGlobalsTypeAndLayoutAsGdbSeesThem(String sample) throws Exception {
        Path binary = Sample.bin(sample);
        boolean cpp = sample.contains("cpp");
        List<String> typeNames = cpp ? CPP_NAMES : C_NAMES;
        try (DwarfFile file = new DwarfFile(binary)) {
            Map<String, DwarfFile.Global> globals = new LinkedHashMap<>();
            file.globals().forEach((name, g) -> {
                if (name.startsWith("g_")) {
                    globals.put(name, g);
                }
            });
            assertTrue(globals.size() > (cpp ? 30 : 130), "globals found: " + globals.keySet());
            List<String[]> gdb = GdbPython.run(List.of(binary.toString()),
                    List.of("set language " + (cpp ? "c++" : "c")),
                    "NAMES = " + pythonList(List.copyOf(globals.keySet())) + "\nTYPES = " + pythonList(typeNames) + "\n" + SCRIPT);
            DwarfTypes types = new DwarfTypes(file.dwarf, 0);
            Map<String, CType> ours = new LinkedHashMap<>();
            List<String> differences = new ArrayList<>();
            int fieldsChecked = 0;
            for (String[] r : gdb) {
                switch (r[0]) {
                    case "MISSING" -> differences.add(r[1] + ": gdb has no such global");
                    case "TYPE" -> {
                        CType t = types.typeOfAttribute(globals.get(r[1]).die());
                        ours.put(r[1], t);
                        compare(differences, r[1], "type", r[2], t.name());
                        compare(differences, r[1], "sizeof", r[3], Long.toString(t.size()));
                    }
                    case "FIELD" -> {
                        fieldsChecked++;
                        Field f = field(ours.get(r[1]), r[2]);
                        String where = r[1] + r[2];
                        if (f == null) {
                            differences.add(where + ": gdb has field " + String.join(" ", r) + ", we have none");
                            continue;
                        }
                        compare(differences, where, "name", r[3], f.name);
                        compare(differences, where, "bitpos", r[4], f.bitpos);
                        compare(differences, where, "bitsize", r[5], Integer.toString(f.bitsize));
                        compare(differences, where, "type", r[6], f.type.name());
                        compare(differences, where, "base class", r[7], f.base ? "1" : "0");
                        compare(differences, where, "static", r[8], f.isStatic ? "1" : "0");
                    }
                    case "NAMED" -> {
                        Optional<CType> t = types.named(r[1], globals.values().iterator().next().cuDie());
                        if (r[2].equals("ERROR")) {
                            differences.add("named " + r[1] + ": gdb cannot name it (" + r[3] + ")");
                        } else if (t.isEmpty()) {
                            differences.add("named " + r[1] + ": gdb has " + r[2] + ", we have none");
                        } else {
                            compare(differences, "named " + r[1], "type", r[2], t.get().name());
                            compare(differences, "named " + r[1], "sizeof", r[3], Long.toString(t.get().size()));
                        }
                    }
                    default -> differences.add("unexpected record " + String.join(" ", r));
                }
            }
            assertEquals(globals.size(), ours.size(), "every global compared");
            assertTrue(fieldsChecked > (cpp ? 20 : 50), "fields compared: " + fieldsChecked);
            assertEquals(List.of(), differences, sample + ": " + differences.size() + " differences from gdb");
        }
    }

    private static void compare(List<String> differences, String where, String what, String gdb, String ours) {
        if (!gdb.equals(ours)) {
            differences.add(where + ": " + what + " gdb '" + gdb + "', ours '" + ours + "'");
        }
    }

    /** A field as gdb's Python lists them: base classes first, then members (static ones without a bit position). */
    private record Field(String name, String bitpos, int bitsize, CType type, boolean base, boolean isStatic) {}

    /** The composite at the bottom of a type (through typedefs, qualifiers, arrays), as gdb's core() finds it. */
    private static CType.Composite core(CType t) {
        CType c = t.resolved();
        while (c instanceof CType.Array a) {
            c = a.element().get().resolved();
        }
        return c instanceof CType.Composite x ? x : null;
    }

    private static List<Field> fields(CType.Composite c) {
        List<Field> out = new ArrayList<>();
        for (CType.BaseClass b : c.bases()) {
            CType bt = b.type().get();
            out.add(new Field(bt.resolved() instanceof CType.Composite x ? x.tag() : bt.name(), Long.toString(8 * b.offset()),
                    0, bt, true, false));
        }
        for (CType.Member m : c.members()) {
            out.add(new Field(m.name() == null ? "" : m.name(), m.isStatic() ? "" : Long.toString(8 * m.offset() + m.bitOffset()),
                    m.bitSize(), m.type().get(), false, m.isStatic()));
        }
        return out;
    }

    /** Our field at gdb's path ({@code /2/0}: field 0 of field 2's type). */
    private static Field field(CType top, String path) {
        Field f = null;
        CType t = top;
        for (String step : path.substring(1).split("/")) {
            CType.Composite c = t == null ? null : core(t);
            if (c == null) {
                return null;
            }
            List<Field> all = fields(c);
            int i = Integer.parseInt(step);
            if (i >= all.size()) {
                return null;
            }
            f = all.get(i);
            t = f.type;
        }
        return f;
    }

    private static String pythonList(List<String> names) {
        StringBuilder b = new StringBuilder("[");
        for (String n : names) {
            b.append(b.length() > 1 ? ", " : "").append('\'').append(n.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return b.append(']').toString();
    }
}
