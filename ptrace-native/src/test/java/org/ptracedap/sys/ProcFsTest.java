package org.ptracedap.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The per-thread /proc readers, on threads of this very JVM. */
class ProcFsTest {
    private static int gettid() {
        // /proc/thread-self resolves to task/TID of the calling thread
        String link = ProcFs.read(java.nio.file.Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(link.substring(0, link.indexOf(' ')));
    }

    private static void awaitState(int pid, int tid, char state) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        char seen;
        while ((seen = ProcFs.state(pid, tid)) != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread " + tid + " state " + seen + ", never " + state);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void namesAndStatesOfLiveThreads() throws Exception {
        int pid = LibC.getpid();
        int[] tid = new int[1];
        CountDownLatch known = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            tid[0] = gettid();
            known.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "a-name-longer-than-15-bytes");
        t.start();
        known.await();
        try {
            assertEquals("a-name-longer-t", ProcFs.comm(pid, tid[0]), "the kernel keeps 15 bytes, no newline");
            awaitState(pid, tid[0], 'S'); // it blocks on the latch soon after counting down
            assertEquals('R', ProcFs.state(pid, gettid()), "this thread, reading its own stat");
        } finally {
            done.countDown();
            t.join();
        }
        // join() returns before the native thread is quite gone
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ProcFs.comm(pid, tid[0]) != null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertNull(ProcFs.comm(pid, tid[0]), "gone");
        assertEquals('?', ProcFs.state(pid, tid[0]));
    }

    @Test
    void aStateAfterANameWithParenthesesAndSpaces() throws Exception {
        int pid = LibC.getpid();
        int[] tid = new int[1];
        CountDownLatch known = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            tid[0] = gettid();
            known.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "x) R (y");
        t.start();
        known.await();
        try {
            assertEquals("x) R (y", ProcFs.comm(pid, tid[0]));
            // Read after the first ')' it would be 'R' forever.
            awaitState(pid, tid[0], 'S');
        } finally {
            done.countDown();
            t.join();
        }
    }
}
