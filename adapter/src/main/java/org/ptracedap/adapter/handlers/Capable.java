package org.ptracedap.adapter.handlers;

import org.eclipse.lsp4j.debug.Capabilities;

/**
 * A handler declares, next to the requests it serves, the capabilities they provide (gdb's
 * {@code @capability} beside {@code stepIn}); {@code initialize} announces what they declare, and
 * nothing else, so a client is never promised what does not work.
 */
public interface Capable {
    /** Sets the capabilities this handler provides; none by default. */
    default void declare(Capabilities c) { }
}
