package org.ptracedap.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.ptracedap.testing.Wait;

/** The per-thread /proc readers, on threads of this very JVM. */
class ProcFsTest {

    private static int gettid() {
        String stat = ProcFs.read(java.nio.file.Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(0, stat.indexOf(' ')));
    }

    /** A thread of ours, named, blocked on a latch until closed. */
    private static final class Parked implements AutoCloseable {
        final int pid = LibC.getpid();
        final Thread thread;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile int tid;

        Parked(String name) throws InterruptedException {
            CountDownLatch known = new CountDownLatch(1);
            thread = new Thread(() -> {
                tid = gettid();
                known.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            thread.start();
            known.await();
            awaitState('S'); // it blocks on the latch soon after counting down
        }

        int tid() {
            return tid;
        }

        void awaitState(char state) throws InterruptedException {
            Wait.until(() -> ProcFs.state(pid, tid) == state, Wait.LONG,
                    () -> "thread " + tid + " state " + ProcFs.state(pid, tid) + ", never " + state);
        }

        @Override
        public void close() throws InterruptedException {
            done.countDown();
            thread.join();
        }
    }

    @Test
    void namesAndStatesOfLiveThreads() throws Exception {
        Parked t = new Parked("a-name-longer-than-15-bytes");
        try (t) {
            assertEquals("a-name-longer-t", ProcFs.comm(t.pid, t.tid()), "the kernel keeps 15 bytes, no newline");
            assertEquals('S', ProcFs.state(t.pid, t.tid()));
            assertEquals('R', ProcFs.state(t.pid, gettid()), "this thread, reading its own stat");
        }
        // join() returns before the native thread is quite gone
        Wait.until("thread " + t.tid() + " to be gone from /proc", () -> ProcFs.comm(t.pid, t.tid()) == null);
        assertEquals('?', ProcFs.state(t.pid, t.tid()));
    }

    @Test
    void aStateAfterANameWithParenthesesAndSpaces() throws Exception {
        // Read after the first ')' the state would be 'R' forever, and the Parked constructor would time out.
        try (Parked t = new Parked("x) R (y")) {
            assertEquals("x) R (y", ProcFs.comm(t.pid, t.tid()));
            assertEquals('S', ProcFs.state(t.pid, t.tid()));
        }
    }
}
