package org.ptracedap.debuginfo.types;

import java.util.function.Supplier;

/**
 * A type referred to by another, resolved when first asked for (and then kept): how a struct's
 * pointer to its own kind, or a type defined later in the DWARF, is referred to. Thread-safe;
 * where the debug info must not be read ({@link NeedsDebugInfo#without}) one not resolved yet throws.
 */
public final class TypeRef {
    private final Supplier<CType> resolve;
    private volatile CType type;

    private TypeRef(CType type, Supplier<CType> resolve) {
        this.type = type;
        this.resolve = resolve;
    }

    /** A type known now. */
    public static TypeRef of(CType type) {
        return new TypeRef(type, null);
    }

    /** A type resolved at first use. */
    public static TypeRef lazy(Supplier<CType> resolve) {
        return new TypeRef(null, resolve);
    }

    public CType get() {
        CType t = type;
        if (t == null) {
            if (NeedsDebugInfo.forbidden()) {
                throw new NeedsDebugInfo();
            }
            synchronized (this) {
                if (type == null) {
                    type = resolve.get();
                }
                t = type;
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return type == null ? "(unresolved type)" : type.name();
    }
}
