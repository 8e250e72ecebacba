package org.ptracedap.debugger.values;

import org.ptracedap.debuginfo.types.CType;

/**
 * A typed value: what a variable, a member, an element or an expression's result holds. Its
 * bytes are read when first needed, through {@link Memory}. {@code name} is how it is shown
 * ({@code p}, {@code p->next}, {@code [3]}), null for a temporary.
 *
 * <p>Immutable (its bytes read once); any thread that may use its {@link Memory}.
 */
public record Value(String name, CType type, Location location, Memory memory) {
    /** The value's bytes ({@code type().size()} of them), or null where they cannot be read (unmapped, optimized out). */
    public byte[] bytes() {
        return Bytes.of(this);
    }

    /** Its address, when it has one (it is in memory): what {@code &} gives. */
    public java.util.OptionalLong address() {
        return location instanceof Location.InMemory m ? java.util.OptionalLong.of(m.address()) : java.util.OptionalLong.empty();
    }

    /** A value of {@code type} computed from {@code bytes} (an expression's result). */
    public static Value computed(CType type, byte[] bytes, Memory memory) {
        return new Value(null, type, new Location.Computed(bytes), memory);
    }

    /** The {@code type} at {@code address} (a dereference, a member, an element). */
    public static Value at(String name, CType type, long address, Memory memory) {
        return new Value(name, type, new Location.InMemory(address), memory);
    }
}
