package org.ptracedap.adapter.handlers;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.NextArguments;
import org.eclipse.lsp4j.debug.StepInArguments;
import org.eclipse.lsp4j.debug.StepOutArguments;
import org.eclipse.lsp4j.debug.SteppingGranularity;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.adapter.wire.DapTransport;
import org.ptracedap.debugger.LineSteps;

/**
 * next, stepIn, stepOut — by line (gdb's {@code next}, {@code step}, {@code finish}: {@link
 * LineSteps}) or by instruction ({@code nexti}, {@code stepi}). Each answers at once; the
 * {@code stopped} event (reason {@code step}) follows when the thread is where the step ends. A
 * step is its thread's: another thread's breakpoint meanwhile is its own stop, and the step goes
 * on at the next continue; the stepping thread's own breakpoint ends the step, as in gdb.
 */
public final class SteppingHandler implements Capable {
    private final Session session;
    private final DapTransport transport;

    public SteppingHandler(Session session, DapTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsSteppingGranularity(true);
    }

    public CompletableFuture<Void> next(NextArguments a) {
        boolean byInstruction = a.getGranularity() == SteppingGranularity.INSTRUCTION;
        return step("next", a.getThreadId(), (steps, pid) -> byInstruction
                ? steps.instruction(pid, a.getThreadId(), false) : steps.next(pid, a.getThreadId()));
    }

    public CompletableFuture<Void> stepIn(StepInArguments a) {
        boolean byInstruction = a.getGranularity() == SteppingGranularity.INSTRUCTION;
        return step("stepIn", a.getThreadId(), (steps, pid) -> byInstruction
                ? steps.instruction(pid, a.getThreadId(), true) : steps.stepIn(pid, a.getThreadId()));
    }

    public CompletableFuture<Void> stepOut(StepOutArguments a) {
        return step("stepOut", a.getThreadId(), (steps, pid) -> steps.stepOut(pid, a.getThreadId()));
    }

    private CompletableFuture<Void> step(String command, int tid, BiFunction<LineSteps, Integer, CompletableFuture<Void>> how) {
        Guards.debuggee(session, command);
        int owner = session.ownerOf(tid);
        LineSteps steps = session.lineSteps();
        if (owner <= 0 || steps == null) {
            throw DapError.BAD_ARGUMENTS.because("cannot " + command + ": there is no thread " + tid + " in this program");
        }
        if (!session.paused()) {
            throw DapError.NOT_STOPPED.because("cannot " + command + ": the program is running; pause it first");
        }
        session.runs();
        session.stepping.add(tid);
        // begun after the response is written, so the stopped event can never overtake it
        transport.afterResponse(command, () -> how.apply(steps, owner).whenComplete((v, e) -> {
            session.stepping.remove(tid);
            session.runs(); // what was read of the threads on the way (the frames a step out needs) is stale now
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause == null) {
                session.stoppedByStep(tid);
            } else if (!(cause instanceof CancellationException) && !session.exited()) {
                session.console(command + " of thread " + tid + " stopped short: " + cause.getMessage() + "\n");
                session.stoppedByStep(tid);
            }
        }));
        return CompletableFuture.completedFuture(null);
    }
}
