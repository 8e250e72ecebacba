package org.ptracedap.debugger.eval;

import java.util.Optional;
import org.ptracedap.debuginfo.types.CType;
import org.ptracedap.debuginfo.types.TypeRef;
import org.ptracedap.debugger.values.Scope;

/**
 * The type a cast or sizeof names: C's keyword types from {@link Types} (the same on every
 * x86-64 program), tagged types and typedefs from the program, through {@link Scope#type}.
 */
final class TypeNames {
    private TypeNames() {}

    static CType resolve(Ast.TypeName name, Scope scope) {
        CType t = base(name, scope);
        if (name.isConst() || name.isVolatile()) {
            t = new CType.Qualified(TypeRef.of(t), name.isConst(), name.isVolatile());
        }
        for (Ast.Derivation d : name.steps()) {
            if (d instanceof Ast.PointerTo p) {
                t = Types.pointerTo(t);
                if (p.isConst() || p.isVolatile()) {
                    t = new CType.Qualified(TypeRef.of(t), p.isConst(), p.isVolatile());
                }
            } else {
                t = new CType.Array(TypeRef.of(t), ((Ast.ArrayOf) d).count());
            }
        }
        return t;
    }

    private static CType base(Ast.TypeName name, Scope scope) {
        String base = name.base();
        if (name.keyword()) {
            return Types.KEYWORD_TYPES.get(base);
        }
        int space = base.indexOf(' ');
        if (space < 0) {
            return scope.type(base).orElseThrow(() -> new EvalException("No symbol \"" + base + "\" in current context."));
        }
        String keyword = base.substring(0, space);
        String tag = base.substring(space + 1);
        Optional<CType> t = scope.type(base);
        if (t.isEmpty() && (keyword.equals("struct") || keyword.equals("class"))) {
            t = scope.type((keyword.equals("struct") ? "class " : "struct ") + tag); // C++: one kind of type, two keywords
        }
        if (t.isEmpty()) {
            t = scope.type(tag).filter(c -> !(c instanceof CType.Typedef)); // C++ names a class without its keyword
        }
        return t.orElseThrow(() -> new EvalException("No " + (keyword.equals("class") ? "struct" : keyword) + " type named "
                + tag + "."));
    }
}
