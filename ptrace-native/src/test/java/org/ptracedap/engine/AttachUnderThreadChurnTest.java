package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.ptracedap.engine.Sample.LONG;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ptracedap.sys.ProcFs;

/**
 * Attach to a program that starts a thread every millisecond (each living 20 ms): threads are
 * born while the engine seizes the ones it listed, and the new ones are traced already (clone
 * auto-attach). Every attach must succeed and every detach leave the program untraced.
 */
class AttachUnderThreadChurnTest {
    private final Tracer tracer = Tracer.shared();

    @Test
    void attachWhileThreadsAreBornSucceedsAndDetachLeavesNothingTraced() throws Exception {
        try (Sample prog = Sample.start("chapter_threads", "1", "20")) {
            prog.awaitOutput("thread 20 started");
            for (int round = 1; round <= 20; round++) {
                TraceGroup group = tracer.group(e -> { });
                try {
                    group.attach(prog.pid, TraceOptions.defaults()).get(LONG.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    int left = ProcFs.statusInt(prog.pid, "TracerPid");
                    fail("attach " + round + " failed: " + e.getCause() + "; TracerPid afterwards: " + left, e.getCause());
                }
                group.detach().get(LONG.toSeconds(), TimeUnit.SECONDS);
                for (int tid : ProcFs.tasks(prog.pid)) {
                    int t = ProcFs.statusInt(tid, "TracerPid"); // -1: the thread is gone
                    assertTrue(t <= 0, "round " + round + ": thread " + tid + " still traced by " + t);
                }
            }
        }
    }
}
