package org.ptracedap.adapter.handlers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Thread;
import org.eclipse.lsp4j.debug.ThreadsResponse;
import org.ptracedap.adapter.session.Session;
import org.ptracedap.engine.ThreadInfo;

/** threads: the live threads right now, running or stopped. DAP thread id = OS tid. */
public final class ThreadsHandler implements Capable {
    private final Session session;

    public ThreadsHandler(Session session) {
        this.session = session;
    }

    public CompletableFuture<ThreadsResponse> threads() {
        if (session.kind() == Session.Kind.ATTACHING || session.kind() == Session.Kind.LAUNCHING || session.triedAndFailed()) {
            // VS Code asks for threads right after configurationDone, before the attach or launch
            // response, and again after a failed one: "none yet" is the truth, not an error.
            ThreadsResponse none = new ThreadsResponse();
            none.setThreads(new Thread[0]);
            return CompletableFuture.completedFuture(none);
        }
        Guards.shownDebuggee(session, "list threads");
        return session.group().threads().exceptionally(e -> List.of()).thenApply(list -> {
            int main = session.pid();
            List<Thread> threads = new ArrayList<>();
            for (ThreadInfo t : list) {
                Thread dap = new Thread();
                dap.setId(t.tid());
                dap.setName(t.pid() == main ? name(t) : t.name() + " (pid " + t.pid() + ", tid " + t.tid() + ")");
                threads.add(dap);
            }
            ThreadsResponse r = new ThreadsResponse();
            r.setThreads(threads.toArray(new Thread[0]));
            return r;
        });
    }

    /** "worker (tid 4242)": the thread's comm and its tid. */
    public static String name(ThreadInfo t) {
        return t.name() + " (tid " + t.tid() + ")";
    }
}
