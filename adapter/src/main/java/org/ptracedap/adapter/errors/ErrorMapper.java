package org.ptracedap.adapter.errors;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.ptracedap.engine.NoSuchProcessException;
import org.ptracedap.engine.NotPermittedException;
import org.ptracedap.engine.ProcessExitedException;
import org.ptracedap.engine.TraceException;

/** The one place where exceptions become DAP error responses (LSP4J's exception handler). */
public final class ErrorMapper {
    private ErrorMapper() {}

    /** A launch that failed: the engine's reason (the program does not exist, is not executable, …). */
    public static ResponseErrorException launchFailed(Throwable t) {
        Throwable cause = t instanceof CompletionException || t instanceof ExecutionException ? t.getCause() : t;
        if (cause instanceof TraceException) {
            return DapError.LAUNCH_FAILED.because(cause.getMessage());
        }
        return toException(t);
    }

    /** A request that needs thread {@code tid} stopped, and it is not. */
    public static ResponseErrorException notStopped(int tid, Throwable t) {
        return DapError.NOT_STOPPED.because("thread " + tid + " is not stopped: pause the program first ("
                + toException(t).getMessage() + ")");
    }

    /** A memory write that failed: not stopped, or the address cannot be written. */
    public static ResponseErrorException writeFailed(int tid, long address, int length, Throwable t) {
        Throwable cause = t instanceof CompletionException || t instanceof ExecutionException ? t.getCause() : t;
        String why = cause != null && cause.getMessage() != null ? cause.getMessage() : String.valueOf(cause);
        if (why.contains("is not stopped")) {
            return notStopped(tid, t);
        }
        return DapError.REQUEST_FAILED.because(String.format("cannot write %d bytes at 0x%x: %s", length, address, why));
    }

    /** What went wrong, for a person: the message of the cause a future failed with. */
    public static String messageOf(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    public static ResponseError toResponseError(Throwable t) {
        return toException(t).getResponseError();
    }

    public static ResponseErrorException toException(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ResponseErrorException r) {
            return r;
        }
        if (t instanceof NoSuchProcessException) {
            return DapError.NO_SUCH_PROCESS.because(t.getMessage());
        }
        if (t instanceof NotPermittedException) {
            return DapError.NOT_PERMITTED.because(t.getMessage());
        }
        if (t instanceof ProcessExitedException) {
            return DapError.PROCESS_EXITED.because(t.getMessage());
        }
        if (t instanceof TraceException) {
            return DapError.REQUEST_FAILED.because(t.getMessage());
        }
        if (t instanceof UnsupportedOperationException) {
            return DapError.UNSUPPORTED.because("ptrace-dap does not support this request yet");
        }
        if (t instanceof CancellationException) {
            return DapError.SESSION_ENDED.because("the request was cancelled");
        }
        System.err.println("ptrace-dap: internal error: " + t);
        t.printStackTrace(System.err);
        return DapError.INTERNAL.because("internal error in ptrace-dap: " + t
                + " (please report it, with the adapter's stderr)");
    }
}
