package org.ptracedap.adapter.handlers;

import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.debug.Thread;
import org.eclipse.lsp4j.debug.ThreadsResponse;
import org.ptracedap.adapter.ErrorMapper;
import org.ptracedap.adapter.Session;
import org.ptracedap.engine.ThreadInfo;

/** threads: the live threads right now, running or stopped. DAP thread id = OS tid. */
public final class ThreadsHandler {
    private final Session session;

    public ThreadsHandler(Session session) {
        this.session = session;
    }

    public CompletableFuture<ThreadsResponse> threads() {
        int pid = Guards.debuggee(session, "list threads");
        return session.tracer().threads(pid).handle((list, error) -> {
            if (error != null) {
                throw ErrorMapper.toException(error);
            }
            Thread[] threads = new Thread[list.size()];
            for (int i = 0; i < threads.length; i++) {
                ThreadInfo t = list.get(i);
                threads[i] = new Thread();
                threads[i].setId(t.tid());
                threads[i].setName(name(t));
            }
            ThreadsResponse r = new ThreadsResponse();
            r.setThreads(threads);
            return r;
        });
    }

    /** "worker (tid 4242)": the thread's comm and its tid. */
    public static String name(ThreadInfo t) {
        return t.name() + " (tid " + t.tid() + ")";
    }
}
