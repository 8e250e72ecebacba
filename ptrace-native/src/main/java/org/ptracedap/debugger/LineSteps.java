package org.ptracedap.debugger;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.ptracedap.debuginfo.BreakpointSites;
import org.ptracedap.debuginfo.Symbols;
import org.ptracedap.engine.StepPlan;
import org.ptracedap.engine.TraceGroup;

/**
 * Steps by source line as gdb makes them ({@code next}, {@code step}, {@code finish}), from the
 * engine's steps by address ({@link StepPlan}) and the line table ({@link Symbols#lineRange}):
 * <ul>
 *   <li>The thread steps through its line's code (the row holding its pc), over calls for
 *       {@code next}. Where it comes out, it stops if that is the start of a statement row of
 *       another line; in the middle of a row, or on a row of the same line (a loop's increment,
 *       a line split by the compiler), that row becomes the one to step through — so a return
 *       into the middle of the caller's line goes on to the caller's next line, as in gdb.</li>
 *   <li>Code without a line (a function of a library without debug info) stops a step that
 *       returns into it; a {@code step} that calls into it runs it to its return and goes on
 *       (gdb's "step over functions without line info").</li>
 *   <li>{@code step} into a function with lines stops past its prologue, where {@code break} on
 *       it would (gdb's {@code find_function_start_sal}).</li>
 *   <li>{@code finish} runs to the return address of the frame, the frame's CFA as the stack
 *       pointer there (a recursion's inner returns do not count).</li>
 * </ul>
 * Each returns when the thread has stopped where the step ends; announcing the stop is the caller's.
 *
 * <p>Threads: any; the work runs on the tracer and symbols threads.
 */
public final class LineSteps {
    private final TraceGroup group;
    private final DebugInfo info;
    private final Stacks stacks;

    public LineSteps(TraceGroup group, DebugInfo info, Stacks stacks) {
        this.group = group;
        this.info = info;
        this.stacks = stacks;
    }

    /** {@code next}: to the start of another line, over calls. */
    public CompletableFuture<Void> next(int pid, int tid) {
        return byLine(pid, tid, false);
    }

    /** {@code step}: to the start of another line, into calls of functions with lines. */
    public CompletableFuture<Void> stepIn(int pid, int tid) {
        return byLine(pid, tid, true);
    }

    /** {@code stepi} ({@code intoCalls}) or {@code nexti}: one instruction, a call run to its return for nexti. */
    public CompletableFuture<Void> instruction(int pid, int tid, boolean intoCalls) {
        return group.registers(tid).thenCompose(r -> {
            if (intoCalls) {
                return group.step(tid, StepPlan.instruction()).thenApply(end -> null);
            }
            // the instruction's own range: a call made from it runs to its return
            return group.step(tid, StepPlan.over(List.of(new long[] {r.rip(), r.rip() + 1}))).thenApply(end -> null);
        });
    }

    /** {@code finish}: until the frame returns to its caller. */
    public CompletableFuture<Void> stepOut(int pid, int tid) {
        stacks.invalidate();
        return stacks.frames(pid, tid, 0, 64).thenCompose(page -> {
            List<Stacks.Frame> frames = page.frames();
            Stacks.Frame caller = null;
            for (Stacks.Frame f : frames) {
                if (f.physical() > 0) {
                    caller = f; // the first frame of the machine frame above (an inlined frame 0 steps out of its machine frame)
                    break;
                }
            }
            if (caller == null) {
                throw new IllegalStateException("the outermost frame has no caller to return to");
            }
            long returnTo = caller.pc();
            return stacks.registers(pid, tid, 0, 2).thenCompose(regs -> {
                if (regs.size() < 2 || !regs.get(1).isKnown(7)) {
                    throw new IllegalStateException("the frame's CFA is not known: cannot tell when it returns");
                }
                long cfa = regs.get(1).values()[7];
                return group.step(tid, StepPlan.out(returnTo, cfa)).thenApply(end -> (Void) null);
            });
        });
    }

    private CompletableFuture<Void> byLine(int pid, int tid, boolean into) {
        stacks.invalidate();
        return group.registers(tid)
                .thenCompose(r -> info.ask(pid, s -> s.lineRange(r.rip())))
                .thenCompose(line -> {
                    if (line == null) {
                        return stepOut(pid, tid); // no line here: gdb steps until the function returns
                    }
                    return through(pid, tid, into, line);
                });
    }

    /** Steps {@code tid} through {@code line}'s row, then judges where it came out. */
    private CompletableFuture<Void> through(int pid, int tid, boolean into, Symbols.LineRange line) {
        List<long[]> range = List.of(new long[] {line.start(), line.end()});
        return group.step(tid, into ? StepPlan.into(range) : StepPlan.over(range)).thenCompose(end -> {
            if (into && end.enteredCall()) {
                return entered(pid, tid, line, end.rip());
            }
            return info.ask(pid, s -> s.lineRange(end.rip())).thenCompose(now -> cameOut(pid, tid, into, line, end.rip(), now));
        });
    }

    /** Out of {@code line}'s row at {@code pc}, on row {@code now}: stop, or go on through that row. */
    private CompletableFuture<Void> cameOut(int pid, int tid, boolean into, Symbols.LineRange line, long pc, Symbols.LineRange now) {
        if (now == null) {
            return CompletableFuture.completedFuture(null); // code without a line: stop there
        }
        boolean anotherLine = now.line() != line.line() || !now.file().equals(line.file());
        if (pc == now.start() && now.statement() && anotherLine) {
            return CompletableFuture.completedFuture(null); // the start of another line
        }
        return through(pid, tid, into, now);
    }

    /** A {@code step} called a function, and {@code tid} is at its entry {@code pc}. */
    private CompletableFuture<Void> entered(int pid, int tid, Symbols.LineRange from, long pc) {
        return info.ask(pid, s -> {
            BreakpointSites.Location start = s.breakpointSites().functionStartAt(pc);
            return start != null && start.line() > 0 && s.lineRange(start.address()) != null ? start : null;
        }).thenCompose(start -> {
            if (start == null) {
                // no lines in there (libc without debug info, a PLT stub): run it to its return, then on through the line
                return group.registers(tid).thenCompose(r -> readWord(tid, r.rsp()).thenCompose(ret ->
                        group.step(tid, StepPlan.out(ret, r.rsp() + 8))))
                        .thenCompose(end -> info.ask(pid, s -> s.lineRange(end.rip()))
                                .thenCompose(now -> cameOut(pid, tid, true, from, end.rip(), now)));
            }
            if (start.address() == pc) {
                return CompletableFuture.completedFuture(null);
            }
            // through the prologue to where `break` on the function stops
            return group.step(tid, StepPlan.over(List.of(new long[] {pc, start.address()}))).thenApply(end -> (Void) null);
        });
    }

    private CompletableFuture<Long> readWord(int tid, long address) {
        return group.inspect(tid, t -> {
            byte[] b = new byte[8];
            if (t.read(address, b) != 8) {
                throw new CompletionException(new IllegalStateException("cannot read the return address at 0x" + Long.toHexString(address)));
            }
            return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        });
    }
}
