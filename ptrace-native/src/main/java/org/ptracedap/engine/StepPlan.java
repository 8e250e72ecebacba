package org.ptracedap.engine;

import java.util.List;

/**
 * What a step asks of the engine, in addresses (the lines and frames are the debugger's
 * business): one thread runs until it has left some code, the others stopped while it steps
 * inside it and running while it is in a call it steps over (lldb's policy: a lock held
 * elsewhere cannot deadlock a {@code next}).
 * <ul>
 *   <li>{@link Kind#INSTRUCTION}: one instruction.</li>
 *   <li>{@link Kind#OVER}: instruction by instruction while rip is in {@code ranges}; a call made
 *       from there is run at full speed to its return (a breakpoint of the step's own at the
 *       return address, which counts only for this thread with its stack pointer back above the
 *       call's: a recursive call's inner returns do not end it).</li>
 *   <li>{@link Kind#INTO}: as OVER, but a call stops at its first instruction.</li>
 *   <li>{@link Kind#OUT}: runs (all threads) until this thread is back at {@code returnTo} with
 *       its stack pointer above {@code frameSp} (the frame's CFA: the frame has returned).</li>
 * </ul>
 * A step owned by a thread stays its own while other threads stop for their breakpoints: it
 * goes on at the next resume, and ends only when it is done (or the thread is gone).
 */
public record StepPlan(Kind kind, List<long[]> ranges, long returnTo, long frameSp) {
    public enum Kind { INSTRUCTION, OVER, INTO, OUT }

    /** Where a step ended: the thread's rip, and whether it got there by a call it made (an INTO's stop at a function's entry). */
    public record End(long rip, boolean enteredCall) {}

    public static StepPlan instruction() {
        return new StepPlan(Kind.INSTRUCTION, List.of(), 0, 0);
    }

    /** Over calls while rip is in one of {@code ranges} ({@code [start, end)} pairs). */
    public static StepPlan over(List<long[]> ranges) {
        return new StepPlan(Kind.OVER, List.copyOf(ranges), 0, 0);
    }

    public static StepPlan into(List<long[]> ranges) {
        return new StepPlan(Kind.INTO, List.copyOf(ranges), 0, 0);
    }

    /** Until the frame whose CFA is {@code cfa} has returned to {@code returnTo}. */
    public static StepPlan out(long returnTo, long cfa) {
        return new StepPlan(Kind.OUT, List.of(), returnTo, cfa);
    }

    boolean inRange(long rip) {
        for (long[] r : ranges) {
            if (Long.compareUnsigned(rip, r[0]) >= 0 && Long.compareUnsigned(rip, r[1]) < 0) {
                return true;
            }
        }
        return false;
    }
}
