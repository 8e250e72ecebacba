package org.ptracedap.debuginfo.types;

/** How C writes the name of a derived type: {@code char *}, {@code int [4]}, {@code int (*)(int)}. */
final class Names {
    private Names() {}

    static String pointer(CType target, String star) {
        if (target instanceof CType.Function f) {
            return f.returns().get().name() + " (" + star + ")" + parameters(f);
        }
        if (target instanceof CType.Array a) {
            return a.element().get().name() + " (" + star + ")" + dimensions(a);
        }
        String inner = target.name();
        return inner.endsWith("*") || inner.endsWith("&") ? inner + star : inner + " " + star;
    }

    static String array(CType.Array a) {
        CType element = a.element().get();
        while (element instanceof CType.Array inner) {
            element = inner.element().get();
        }
        return element.name() + " " + dimensions(a);
    }

    private static String dimensions(CType.Array a) {
        StringBuilder b = new StringBuilder();
        for (CType t = a; t instanceof CType.Array x; t = x.element().get()) {
            b.append('[').append(x.count() < 0 ? "" : Long.toString(x.count())).append(']');
        }
        return b.toString();
    }

    static String function(CType.Function f) {
        return f.returns().get().name() + " " + parameters(f);
    }

    private static String parameters(CType.Function f) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < f.parameters().size(); i++) {
            b.append(i > 0 ? ", " : "").append(f.parameters().get(i).get().name());
        }
        if (f.varargs()) {
            b.append(f.parameters().isEmpty() ? "..." : ", ...");
        } else if (f.parameters().isEmpty()) {
            b.append("void");
        }
        return b.append(')').toString();
    }
}
