package org.ptracedap.adapter.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.lsp4j.debug.ProgressEndEventArguments;
import org.eclipse.lsp4j.debug.ProgressStartEventArguments;
import org.eclipse.lsp4j.debug.ProgressUpdateEventArguments;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;

/**
 * Tells the client when a request waits long — reading a big binary's debug info for its first
 * stack — with {@code progressStart} after {@link #PATIENCE_MS}, {@code progressUpdate} as what
 * is being read changes, and {@code progressEnd} when the request is answered; nothing for work
 * that ends sooner, nothing to a client that did not announce {@code supportsProgressReporting}.
 *
 * <p>Threads: any; the events go out from a timer thread of the session's (long-lived: a piped
 * client stream takes a dead writer for a broken pipe) or from the thread that completes the work.
 */
public final class Progress {
    /** Work that takes longer than this is shown. */
    static final long PATIENCE_MS = 500;
    private static final long UPDATE_MS = 250;

    private final Supplier<IDebugProtocolClient> client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ptrace-dap-progress");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger ids = new AtomicInteger();
    /** Waits being watched now (their timers not cancelled): none once each has ended. */
    private final AtomicInteger watched = new AtomicInteger();
    private volatile boolean supported;

    Progress(Supplier<IDebugProtocolClient> client) {
        this.client = client;
    }

    /** The client said (in initialize) whether it shows progress. */
    public void supported(boolean yes) {
        supported = yes;
    }

    /**
     * {@code work}, shown as {@code title} (with {@code message()}: what it is doing now) if it
     * takes longer than {@link #PATIENCE_MS}. Returns {@code work} itself.
     */
    public <T> CompletableFuture<T> around(String title, Supplier<String> message, CompletableFuture<T> work) {
        if (!supported || work.isDone()) {
            return work;
        }
        String id = "ptrace-dap-" + ids.incrementAndGet();
        Object lock = new Object();
        boolean[] started = {false};
        String[] said = {null};
        ScheduledFuture<?>[] ticks = {null};
        try {
            ticks[0] = timer.scheduleWithFixedDelay(() -> {
                synchronized (lock) {
                    if (work.isDone()) {
                        return;
                    }
                    IDebugProtocolClient c = client.get();
                    String now = message.get();
                    if (c == null) {
                        return;
                    }
                    if (!started[0]) {
                        started[0] = true;
                        said[0] = now;
                        ProgressStartEventArguments a = new ProgressStartEventArguments();
                        a.setProgressId(id);
                        a.setTitle(title);
                        a.setMessage(now);
                        a.setCancellable(false);
                        c.progressStart(a);
                    } else if (now != null && !now.equals(said[0])) {
                        said[0] = now;
                        ProgressUpdateEventArguments a = new ProgressUpdateEventArguments();
                        a.setProgressId(id);
                        a.setMessage(now);
                        c.progressUpdate(a);
                    }
                }
            }, PATIENCE_MS, UPDATE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException over) {
            return work;
        }
        watched.incrementAndGet();
        work.whenComplete((v, e) -> {
            synchronized (lock) {
                ticks[0].cancel(false);
                watched.decrementAndGet();
                IDebugProtocolClient c = client.get();
                if (started[0] && c != null) {
                    ProgressEndEventArguments a = new ProgressEndEventArguments();
                    a.setProgressId(id);
                    c.progressEnd(a);
                }
            }
        });
        return work;
    }

    /** How many waits are being watched now: after each has ended, nothing more can be sent for it. */
    int watched() {
        return watched.get();
    }

    void close() {
        timer.shutdownNow();
    }
}
