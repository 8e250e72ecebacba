package org.ptracedap.engine;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;

/**
 * A sample program from {@code samples/bin} started untraced, as a child of this JVM (never via
 * ProcessBuilder: our waiter owns {@code waitpid(-1)}). Its output is collected; its exit status
 * comes from the tracer. {@link #close} kills it, by pid, if it still runs.
 */
public final class Sample implements AutoCloseable {
    public static final Duration LONG = org.ptracedap.testing.Wait.LONG;

    public final int pid;
    private final StringBuilder output = new StringBuilder();
    /** Both output pipes read to their end. */
    private final java.util.concurrent.CountDownLatch outputDone = new java.util.concurrent.CountDownLatch(2);
    private final java.util.concurrent.CompletableFuture<Integer> exit;

    private Sample(Spawn.Child child) {
        this.pid = child.pid();
        this.exit = Tracer.shared().childExit(pid);
        collect(child.stdoutFd());
        collect(child.stderrFd());
    }

    public static Path bin(String name) {
        Path p = Path.of(System.getProperty("ptracedap.samples", "../samples/bin")).resolve(name);
        if (!Files.isExecutable(p)) {
            fail("sample " + p + " is not built: run `make -C samples`");
        }
        return p.toAbsolutePath();
    }

    public static Sample start(String name, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(List.of(args));
        return new Sample(Tracer.shared().spawnUntraced(bin(name).toString(), argv, true).get());
    }

    /** Starts any program (absolute path) untraced, e.g. the adapter jar under test. */
    public static Sample run(String program, List<String> argv) throws Exception {
        return new Sample(Tracer.shared().spawnUntraced(program, argv, true).get());
    }

    private void collect(int fd) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                while (true) {
                    long n = LibC.read(fd, buf, buf.length);
                    if (n <= 0) {
                        break;
                    }
                    synchronized (output) {
                        output.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
                        output.notifyAll();
                    }
                }
            } catch (LastErrorException e) {
                // closed
            } finally {
                Spawn.closeQuietly(fd);
                outputDone.countDown();
            }
        }, "sample-output-" + pid);
        t.setDaemon(true);
        t.start();
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    public void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("sample " + pid + " never printed '" + text + "'; it printed: " + output);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    public void signal(int sig) {
        LibC.kill(pid, sig);
    }

    /** Its wait status once it exits (it must not be traced by then). */
    public int awaitExit() throws Exception {
        int status = exit.get(LONG.toSeconds(), TimeUnit.SECONDS);
        // and its last words: the pipes end once every process holding them has exited
        outputDone.await(30, TimeUnit.SECONDS);
        return status;
    }

    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            try {
                LibC.kill(pid, Signals.SIGKILL);
            } catch (LastErrorException e) {
                // gone
            }
            try {
                exit.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // still traced by a failed test: the tracer's cleanup kills it
            }
        }
    }

    /**
     * Waits until thread {@code tid} of this program sits in system call {@code number} (per
     * /proc/PID/task/TID/syscall): a line printed just before a blocking call does not mean the
     * call is reached (the thread may still be in the write of that line).
     */
    public void awaitBlockedIn(int tid, int number) throws InterruptedException {
        java.nio.file.Path syscall = java.nio.file.Path.of("/proc/" + pid + "/task/" + tid + "/syscall");
        await("thread " + tid + " of " + pid + " blocked in system call " + number, () -> {
            try {
                return java.nio.file.Files.readString(syscall).startsWith(number + " ");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    /** x86-64 {@code rt_sigtimedwait}: where {@code sigwait} blocks (the stack samples' main thread waits there). */
    public static final int SYS_RT_SIGTIMEDWAIT = 128;

    /** Waits for a condition with a generous deadline; never sleep-and-hope. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        org.ptracedap.testing.Wait.until(what, condition);
    }
}
