/**
 * Operating-system bindings: libc through JNA, wait statuses, and {@code /proc}.
 * Nothing here knows about the engine's threads or about DAP; names follow the man pages.
 */
package org.ptracedap.sys;
