package org.ptracedap.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Decides, at each breakpoint hit, whether the group stops: a condition, a hit count, a logpoint
 * (which prints and never stops). Called on the tracer thread, with only the trapping thread
 * stopped — the others run on meanwhile, so a false condition or a logpoint costs that thread
 * alone. The thread stays stopped until the answer comes: an answer complete on return is
 * applied at once; one that needs more (an evaluation off the tracer thread, through
 * {@link TraceGroup#inspect}) is applied when it completes.
 */
@FunctionalInterface
public interface BreakpointHandler {
    /** Stop for every hit. */
    BreakpointHandler ALWAYS = (thread, address) -> CompletableFuture.completedFuture(true);

    /**
     * Thread {@code thread.tid()} hit the breakpoint at {@code address} (its rip is back on it);
     * {@code thread} is valid during this call only. True: stop the group for it.
     */
    CompletableFuture<Boolean> hit(Tracee thread, long address);

    /**
     * Process {@code pid} of the group runs a new program ({@code path}): none of its breakpoints
     * are there any more. Its thread stays stopped at the exec until the answer completes — the
     * breakpoints of the new program go in before its first instruction runs.
     */
    default CompletableFuture<Void> exec(int pid, String path) {
        return CompletableFuture.completedFuture(null);
    }
}
