package org.ptracedap.debugger.values;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.ptracedap.debuginfo.types.CType;

/**
 * What an expression can name where it is evaluated (a frame of a stopped thread): its
 * variables — locals and arguments of the frame's function and the blocks around its pc,
 * innermost first, then the compilation unit's statics and the program's globals — the frame's
 * registers, the program's types, and its memory. The expression evaluator sees this and types
 * only: never a process, a tracer or libdw.
 */
public interface Scope {
    /** The variable {@code name} as C's scoping finds it here (the innermost one), or empty. */
    Optional<Value> variable(String name);

    /** Register {@code name} of the frame ({@code rip}, {@code rsp}, {@code eax}…, without the {@code $}), or empty if there is none by that name. */
    OptionalLong register(String name);

    /** The type {@code name} ({@code int}, {@code uint32_t}, {@code struct point}, {@code point} in C++), or empty. */
    Optional<CType> type(String name);

    /** The names visible here (for completions). */
    List<String> names();

    /** The process's memory. */
    Memory memory();
}
