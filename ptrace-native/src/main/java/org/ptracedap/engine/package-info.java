/**
 * The tracing engine: traced processes and their threads, driven by one tracer thread, and
 * a stream of typed {@link org.ptracedap.engine.TraceEvent}s. Knows nothing of DAP or JSON.
 * Start at {@link org.ptracedap.engine.Tracer} (the façade) and {@link org.ptracedap.engine.Engine}
 * (the state machine that turns wait statuses into events).
 */
package org.ptracedap.engine;
