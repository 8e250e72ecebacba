package org.ptracedap.adapter.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.lsp4j.debug.ProgressEndEventArguments;
import org.eclipse.lsp4j.debug.ProgressStartEventArguments;
import org.eclipse.lsp4j.debug.ProgressUpdateEventArguments;
import org.eclipse.lsp4j.debug.services.IDebugProtocolClient;
import org.junit.jupiter.api.Test;
import org.ptracedap.testing.Wait;

/**
 * Progress events around a long wait: start once the wait outlasts the patience, an update when
 * what is being read changes, the end when it is over, all with one id; nothing for a short wait
 * or a client that does not show progress.
 */
class ProgressTest {
    private final List<String> events = new ArrayList<>();
    private final IDebugProtocolClient client = new IDebugProtocolClient() {
        @Override
        public void progressStart(ProgressStartEventArguments a) {
            record("start " + a.getProgressId() + " " + a.getTitle() + ": " + a.getMessage());
        }

        @Override
        public void progressUpdate(ProgressUpdateEventArguments a) {
            record("update " + a.getProgressId() + ": " + a.getMessage());
        }

        @Override
        public void progressEnd(ProgressEndEventArguments a) {
            record("end " + a.getProgressId());
        }
    };

    private synchronized void record(String e) {
        events.add(e);
    }

    private synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Test
    void aLongWaitIsShownUntilItEnds() throws Exception {
        Progress p = new Progress(() -> client);
        p.supported(true);
        AtomicReference<String> reading = new AtomicReference<>("libbig.so");
        CompletableFuture<String> work = new CompletableFuture<>();
        assertTrue(p.around("Reading debug info", reading::get, work) == work, "the work itself");
        Wait.until("progressStart", () -> !events().isEmpty());
        reading.set("libc.so.6");
        Wait.until("progressUpdate", () -> events().size() >= 2);
        work.complete("done");
        Wait.until("progressEnd", () -> events().size() >= 3);
        assertEquals(List.of("start ptrace-dap-1 Reading debug info: libbig.so", "update ptrace-dap-1: libc.so.6",
                "end ptrace-dap-1"), events());
        p.close();
    }

    @Test
    void aShortWaitOrAClientWithoutProgressSeesNothing() {
        Progress p = new Progress(() -> client);
        p.supported(true);
        p.around("Reading debug info", () -> "x", CompletableFuture.completedFuture(1));
        assertEquals(0, p.watched(), "work already done is not watched");
        CompletableFuture<Integer> quick = new CompletableFuture<>();
        p.around("Reading debug info", () -> "x", quick);
        assertEquals(1, p.watched());
        quick.complete(2); // before the patience ran out (it is 500 ms; this is at once)
        assertEquals(0, p.watched(), "its timer is cancelled: nothing can be sent for it any more");
        Progress off = new Progress(() -> client);
        CompletableFuture<Integer> slow = new CompletableFuture<>();
        off.around("Reading debug info", () -> "x", slow);
        assertEquals(0, off.watched(), "a client without progress: nothing is watched");
        slow.complete(3);
        assertEquals(List.of(), events());
        p.close();
        off.close();
    }
}
