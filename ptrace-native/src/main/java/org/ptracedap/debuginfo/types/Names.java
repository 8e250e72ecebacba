package org.ptracedap.debuginfo.types;

/**
 * How C writes the name of a derived type, as gdb's C type printer does (c-typeprint.c:
 * {@code c_print_type}, its base, "varspec prefix" and "varspec suffix"): {@code char *},
 * {@code int [4]}, {@code int (*)(int)}, {@code int (**)(int)}, {@code int (*[2])(int)},
 * {@code char * const}, {@code const char * const *}, {@code const shapes::Base &}. The base type
 * (with its own {@code const}/{@code volatile} first) is written, then — when the type is a
 * pointer, reference, array or function — a space, the declarator's stars (each followed by
 * its pointer's qualifiers) and parentheses, then the brackets and parameter lists.
 */
final class Names {
    private Names() {}

    /** A type with its {@code const}/{@code volatile} taken off ({@code core}, never {@link CType.Qualified}). */
    private record Peeled(CType core, boolean isConst, boolean isVolatile) {
        String modifiers() {
            return (isConst ? "const" : "") + (isConst && isVolatile ? " " : "") + (isVolatile ? "volatile" : "");
        }
    }

    private static Peeled peel(CType t) {
        boolean c = false;
        boolean v = false;
        for (int guard = 0; guard < 64 && t instanceof CType.Qualified q; guard++) {
            c |= q.isConst();
            v |= q.isVolatile();
            t = q.target().get();
        }
        return new Peeled(t, c, v);
    }

    private static boolean declarator(CType core) {
        return core instanceof CType.Pointer || core instanceof CType.Reference || core instanceof CType.Array
                || core instanceof CType.Function;
    }

    static String of(CType t) {
        StringBuilder b = new StringBuilder();
        base(t, b, false, false);
        if (declarator(peel(t).core())) {
            b.append(' ');
        }
        prefix(t, b, false, false);
        suffix(t, b, false);
        return b.toString();
    }

    /**
     * The named type at the bottom, with its qualifiers before it: {@code const char}. A const
     * array is an array of const elements ({@code isConst}, {@code isVolatile}: an array's, handed down).
     */
    private static void base(CType t, StringBuilder b, boolean isConst, boolean isVolatile) {
        Peeled p = peel(t);
        CType core = p.core();
        if (core instanceof CType.Pointer x) {
            base(x.target().get(), b, false, false);
        } else if (core instanceof CType.Reference r) {
            base(r.target().get(), b, false, false);
        } else if (core instanceof CType.Array a) {
            base(a.element().get(), b, isConst || p.isConst(), isVolatile || p.isVolatile());
        } else if (core instanceof CType.Function f) {
            base(f.returns().get(), b, false, false);
        } else {
            String modifiers = new Peeled(core, isConst || p.isConst(), isVolatile || p.isVolatile()).modifiers();
            b.append(modifiers).append(modifiers.isEmpty() ? "" : " ").append(core.name());
        }
    }

    private static void prefix(CType t, StringBuilder b, boolean passedPointer, boolean needPostSpace) {
        Peeled p = peel(t);
        CType core = p.core();
        if (core instanceof CType.Pointer x) {
            prefix(x.target().get(), b, true, true);
            b.append('*');
            modifiers(p, b, needPostSpace);
        } else if (core instanceof CType.Reference r) {
            prefix(r.target().get(), b, true, false);
            b.append(r.rvalue() ? "&&" : "&");
            modifiers(p, b, needPostSpace);
        } else if (core instanceof CType.Function f) {
            prefix(f.returns().get(), b, false, false);
            if (passedPointer) {
                b.append('(');
            }
        } else if (core instanceof CType.Array a) {
            prefix(a.element().get(), b, false, needPostSpace);
            if (passedPointer) {
                b.append('(');
            }
        }
    }

    /** A pointer's own qualifiers after its star: {@code * const}. */
    private static void modifiers(Peeled p, StringBuilder b, boolean needPostSpace) {
        String modifiers = p.modifiers();
        if (!modifiers.isEmpty()) {
            b.append(' ').append(modifiers).append(needPostSpace ? " " : "");
        }
    }

    private static void suffix(CType t, StringBuilder b, boolean passedPointer) {
        CType core = peel(t).core();
        if (core instanceof CType.Array a) {
            if (passedPointer) {
                b.append(')');
            }
            b.append('[').append(a.count() < 0 ? "" : Long.toString(a.count())).append(']');
            suffix(a.element().get(), b, false);
        } else if (core instanceof CType.Pointer x) {
            suffix(x.target().get(), b, true);
        } else if (core instanceof CType.Reference r) {
            suffix(r.target().get(), b, true);
        } else if (core instanceof CType.Function f) {
            if (passedPointer) {
                b.append(')');
            }
            parameters(f, b);
            suffix(f.returns().get(), b, passedPointer);
        }
    }

    private static void parameters(CType.Function f, StringBuilder b) {
        b.append('(');
        for (int i = 0; i < f.parameters().size(); i++) {
            b.append(i > 0 ? ", " : "").append(f.parameters().get(i).get().name());
        }
        if (f.parameters().isEmpty()) {
            b.append(f.varargs() ? "" : "void"); // no parameters and varargs: unprototyped, as gdb reads it
        } else if (f.varargs()) {
            b.append(", ...");
        }
        b.append(')');
    }
}
