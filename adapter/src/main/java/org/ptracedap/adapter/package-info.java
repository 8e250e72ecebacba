/**
 * The Debug Adapter Protocol server on LSP4J: {@link org.ptracedap.adapter.DapServer} is the
 * switchboard, {@code handlers/} hold one small class per request family, {@link
 * org.ptracedap.adapter.session.Session} turns engine events into DAP events. Never touches ptrace directly.
 */
package org.ptracedap.adapter;
