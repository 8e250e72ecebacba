package org.ptracedap.debugger.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ptracedap.debuginfo.types.CType;

/**
 * Finding a member by name as C and C++ do: the composite's own members first, then those of
 * its anonymous structs and unions (whose members C lets one name as the composite's own), then
 * those of its C++ base classes — each with its offset from the start of the outer composite.
 */
final class Members {
    private Members() {}

    /** {@code member}, {@code offset} bytes from the start of the composite it was looked up in. */
    record Found(CType.Member member, long offset) {}

    static Optional<Found> find(CType.Composite c, String name) {
        for (CType.Member m : c.members()) {
            if (name.equals(m.name())) {
                return Optional.of(new Found(m, m.offset()));
            }
        }
        for (CType.Member m : c.members()) {
            if (m.name() == null && m.type().get().resolved() instanceof CType.Composite inner) {
                Optional<Found> f = find(inner, name);
                if (f.isPresent()) {
                    return Optional.of(new Found(f.get().member(), m.offset() + f.get().offset()));
                }
            }
        }
        for (CType.BaseClass b : c.bases()) {
            if (b.type().get().resolved() instanceof CType.Composite base) {
                Optional<Found> f = find(base, name);
                if (f.isPresent()) {
                    if (b.isVirtual()) {
                        // its offset is in the object's vtable, which this evaluator does not read
                        throw new EvalException("member '" + name + "' is in virtual base class " + base.name()
                                + ", which is not supported yet");
                    }
                    return Optional.of(new Found(f.get().member(), b.offset() + f.get().offset()));
                }
            }
        }
        return Optional.empty();
    }

    /** Every name {@link #find} finds in {@code c}, in declaration order. */
    static List<String> names(CType.Composite c) {
        Set<String> out = new LinkedHashSet<>();
        collect(c, out, 0);
        return new ArrayList<>(out);
    }

    private static void collect(CType.Composite c, Set<String> out, int depth) {
        if (depth > 32) {
            return;
        }
        for (CType.Member m : c.members()) {
            if (m.name() != null) {
                out.add(m.name());
            } else if (m.type().get().resolved() instanceof CType.Composite inner) {
                collect(inner, out, depth + 1);
            }
        }
        for (CType.BaseClass b : c.bases()) {
            if (b.type().get().resolved() instanceof CType.Composite base) {
                collect(base, out, depth + 1);
            }
        }
    }
}
