package org.ptracedap.adapter.errors;

import java.util.Map;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/**
 * The errors a client can get, each with a stable id (DAP {@code Message.id}) — one table, so
 * ids never collide and a client or test can rely on them.
 */
public enum DapError {
    BAD_ARGUMENTS(1001),
    NO_SUCH_PROCESS(1002),
    NOT_PERMITTED(1003),
    PROCESS_EXITED(1004),
    NO_DEBUGGEE(1005),
    ALREADY_DEBUGGING(1006),
    NOT_STOPPED(1007),
    LAUNCH_FAILED(1008),
    SESSION_ENDED(1009),
    UNSUPPORTED(1010),
    REQUEST_FAILED(1011),
    INTERNAL(1099);

    public final int id;

    DapError(int id) {
        this.id = id;
    }

    /**
     * An exception that LSP4J turns into an error response: {@code message} is the response's
     * message, and the body carries a DAP {@code Message} that clients show to the user.
     */
    public ResponseErrorException because(String message) {
        return error(message, true);
    }

    /**
     * As {@link #because}, but not to be shown on its own ({@code showUser} false): where the
     * client shows it in place — an expression's error in a watch or the Debug Console — or not
     * at all (a hover over a word that is no variable).
     */
    public ResponseErrorException quietly(String message) {
        return error(message, false);
    }

    private ResponseErrorException error(String message, boolean showUser) {
        Map<String, Object> error = Map.of("id", id, "format", message, "showUser", showUser);
        return new ResponseErrorException(new ResponseError(id, message, Map.of("error", error)));
    }
}
