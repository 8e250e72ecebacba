package org.ptracedap.adapter.handlers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Capabilities;
import org.eclipse.lsp4j.debug.Source;
import org.eclipse.lsp4j.debug.StackFrame;
import org.eclipse.lsp4j.debug.StackFramePresentationHint;
import org.eclipse.lsp4j.debug.StackTraceArguments;
import org.eclipse.lsp4j.debug.StackTraceResponse;
import org.ptracedap.adapter.errors.DapError;
import org.ptracedap.adapter.errors.ErrorMapper;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.debugger.Stacks;

/**
 * stackTrace for a stopped thread (its scopes and variables: {@link VariablesHandler}). It pages through the thread's
 * frames as {@link Stacks} finds them (libdwfl's unwinder, inlined calls and tail calls as frames
 * of their own, as gdb shows them), each with its function, source file and line, module and pc;
 * {@code totalFrames} is what is known so far, one more than shown while the stack goes on
 * ({@code supportsDelayedStackTraceLoading}: the client asks for more), never an unwind of
 * everything. A frame whose source is not on this machine is {@code subtle} (VS Code then
 * opens the first frame whose source is here); one without a function is shown as
 * {@code module+0xOFF}.
 */
public final class StackHandler implements Capable {
    /** What a stackTrace without {@code levels} gets: every frame, up to the unwinder's bound. */
    private static final int ALL = Stacks.MAX_PHYSICAL;
    /** What is announced beyond the frames known while the stack goes on. */
    private static final int MORE = 20;

    private final Session session;

    public StackHandler(Session session) {
        this.session = session;
    }

    @Override
    public void declare(Capabilities c) {
        c.setSupportsDelayedStackTraceLoading(true);
    }

    public CompletableFuture<StackTraceResponse> stackTrace(StackTraceArguments args) {
        Guards.shownDebuggee(session, "show the stack");
        int tid = args.getThreadId();
        int pid = session.ownerOf(tid);
        int start = args.getStartFrame() != null ? Math.max(0, args.getStartFrame()) : 0;
        int levels = args.getLevels() != null && args.getLevels() > 0 ? args.getLevels() : ALL;
        Stacks stacks = session.stacks();
        org.ptracedap.debugger.DebugInfo info = session.debugInfo();
        return session.progress.around("Reading debug info", () -> reading(info),
                stacks.frames(pid, tid, start, levels)).handle((page, error) -> {
            if (error != null) {
                throw stackError(tid, error);
            }
            List<StackFrame> frames = new ArrayList<>(page.frames().size());
            for (Stacks.Frame f : page.frames()) {
                frames.add(dap(pid, tid, f));
            }
            StackTraceResponse r = new StackTraceResponse();
            r.setStackFrames(frames.toArray(new StackFrame[0]));
            int shown = start + frames.size();
            r.setTotalFrames(page.complete() ? shown
                    : Math.max(page.known(), shown + (levels == ALL ? 0 : Math.min(levels, MORE))));
            return r;
        });
    }

    /** What a long wait for a stack is waiting for: the module being read, by its file name. */
    static String reading(org.ptracedap.debugger.DebugInfo info) {
        String module = info == null ? null : info.reading();
        return module == null ? null : module.substring(module.lastIndexOf('/') + 1);
    }

    private RuntimeException stackError(int tid, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getMessage().contains("libdw")) {
            return DapError.BAD_ARGUMENTS.because("cannot show the stack of thread " + tid + ": " + cause.getMessage());
        }
        return ErrorMapper.notStopped(tid, error);
    }

    private StackFrame dap(int pid, int tid, Stacks.Frame f) {
        StackFrame s = new StackFrame();
        s.setId(session.frames.idFor(tid, f.level()));
        s.setInstructionPointerReference(String.format("0x%016x", f.pc()));
        s.setLine(0);
        s.setColumn(0);
        String module = f.module() == null ? null : Path.of(f.module()).getFileName().toString();
        if (f.module() != null) {
            s.setModuleId(f.module());
        }
        if (f.signalTrampoline()) {
            s.setName("<signal handler called>");
            s.setPresentationHint(StackFramePresentationHint.LABEL);
            return s;
        }
        long at = f.activation() ? f.pc() : f.pc() - 1;
        s.setName(f.function() != null ? f.function()
                : module != null ? module + "+0x" + Long.toHexString(at - f.moduleStart())
                : String.format("0x%x", f.pc()));
        if (f.file() != null && f.line() > 0) {
            Source source = session.sources.of(pid, f.file());
            s.setSource(source);
            s.setLine(f.line());
            s.setColumn(Math.max(1, f.column()));
            if (source.getOrigin() != null) { // not on this machine
                s.setPresentationHint(StackFramePresentationHint.SUBTLE);
            }
        } else {
            s.setPresentationHint(StackFramePresentationHint.SUBTLE);
            if (module != null && module.startsWith("libc.so") && !f.moduleHasDwarf()) {
                session.consoleOnce("libc6-dbg", "libc's frames have no source lines or inlined calls: its debug info"
                        + " is not installed (on Debian and Ubuntu: apt-get install libc6-dbg)\n");
            }
        }
        return s;
    }

}
