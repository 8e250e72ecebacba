import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.ThreadInfo;
import org.ptracedap.engine.TraceEvent;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Spawn;

/**
 * The engine in-process, the same work repeated in one JVM: the first repetition shows the cold
 * cost (interpreter, class loading, lambda linkage), later ones the steady state once the JIT has
 * compiled the paths. A profiling aid for the bench, not part of it.
 *
 *   java -cp adapter/target/ptrace-dap.jar bench/probe/EngineProbe.java SAMPLES_BIN [REPS]
 */
public class EngineProbe {
    static double ms(long ns) {
        return ns / 1e6;
    }

    public static void main(String[] args) throws Exception {
        String bin = args[0];
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        long t0 = System.nanoTime();
        Tracer tracer = Tracer.shared();
        System.out.printf("Tracer.shared() (JNA load, threads): %.1f ms%n", ms(System.nanoTime() - t0));

        // attach / threads / pause / resume / detach against idle_threads 1000
        Spawn.Child idle = tracer.spawnUntraced(bin + "/idle_threads", List.of("idle_threads", "1000"), true).get();
        byte[] buf = new byte[64];
        long n = LibC.read(idle.stdoutFd(), buf, buf.length);
        if (!new String(buf, 0, (int) n, StandardCharsets.US_ASCII).startsWith("ready")) {
            throw new IllegalStateException("idle_threads not ready");
        }
        int pid = idle.pid();
        // the cost of reading /proc the way ProcFs does, for 1,001 threads
        List<Integer> tids = ProcFs.tasks(pid);
        for (int r = 0; r < reps; r++) {
            long a = System.nanoTime();
            for (int tid : tids) {
                ProcFs.comm(pid, tid);
            }
            long b = System.nanoTime();
            for (int tid : tids) {
                LibC.tgkill(pid, tid, 0); // how the engine tells a thread of pid from a process
            }
            long c = System.nanoTime();
            System.out.printf("rep %d: ProcFs.comm x%d %.1f ms (%.1f us each); tgkill(pid, tid, 0) x%d %.1f ms (%.1f us each)%n",
                    r, tids.size(), ms(b - a), (b - a) / 1e3 / tids.size(), tids.size(), ms(c - b), (c - b) / 1e3 / tids.size());
        }
        AtomicInteger started = new AtomicInteger();
        AtomicReference<CompletableFuture<Void>> stopped = new AtomicReference<>(new CompletableFuture<>());
        tracer.addListener(e -> {
            if (e instanceof TraceEvent.ThreadStarted) {
                started.incrementAndGet();
            } else if (e instanceof TraceEvent.Stopped) {
                stopped.get().complete(null);
            }
        });
        for (int r = 0; r < reps; r++) {
            started.set(0);
            TraceGroup g = tracer.group(ev -> { });
            long a = System.nanoTime();
            g.attach(pid, TraceOptions.defaults()).get(30, TimeUnit.SECONDS);
            long b = System.nanoTime();
            List<ThreadInfo> list = g.threads().get(30, TimeUnit.SECONDS);
            long c = System.nanoTime();
            stopped.set(new CompletableFuture<>());
            long d0 = System.nanoTime();
            g.pause().get(30, TimeUnit.SECONDS);
            long d = System.nanoTime();
            stopped.get().get(30, TimeUnit.SECONDS);
            long d2 = System.nanoTime();
            g.resume().get(30, TimeUnit.SECONDS);
            long e = System.nanoTime();
            Thread.sleep(20);
            long f0 = System.nanoTime();
            g.detach().get(30, TimeUnit.SECONDS);
            long f = System.nanoTime();
            System.out.printf("rep %d: attach %.1f ms, threads(%d) %.1f ms, pauseAll %.1f ms (Stopped event +%.1f ms), "
                            + "resumeAll %.1f ms, detach %.1f ms; %d started events%n",
                    r, ms(b - a), list.size(), ms(c - b), ms(d - d0), ms(d2 - d), ms(e - d2), ms(f - f0), started.get());
            Thread.sleep(50);
        }
        LibC.kill(pid, 10); // SIGUSR1: idle_threads joins its workers and exits
        System.out.printf("idle_threads exit status %d%n", tracer.childExit(pid).get(30, TimeUnit.SECONDS));

        // clone storms, repeated: launch → resume → ProcessExited
        for (int size : new int[] {2000, 10000}) {
            for (int r = 0; r < reps; r++) {
                CompletableFuture<Integer> exited = new CompletableFuture<>();
                AtomicInteger lastThreadEventCount = new AtomicInteger();
                AtomicReference<Long> lastThreadEvent = new AtomicReference<>(0L);
                java.util.function.Consumer<TraceEvent> l = e -> {
                    if (e instanceof TraceEvent.ThreadExited) {
                        lastThreadEvent.set(System.nanoTime());
                        lastThreadEventCount.incrementAndGet();
                    } else if (e instanceof TraceEvent.ProcessExited x) {
                        exited.complete(x.exitCode());
                    }
                };
                tracer.addListener(l);
                TraceGroup g = tracer.group(ev -> { });
                g.launch(LaunchSpec.of(bin + "/clone_storm", List.of(Integer.toString(size))), TraceOptions.defaults()).get();
                long a = System.nanoTime();
                g.resume();
                int code = exited.get(120, TimeUnit.SECONDS);
                long b = System.nanoTime();
                tracer.removeListener(l);
                System.out.printf("storm %d rep %d: resume → last ThreadExited %.0f ms (%.1f us/thread), → ProcessExited %.0f ms; "
                                + "exit %d, %d exited events%n", size, r, ms(lastThreadEvent.get() - a),
                        (lastThreadEvent.get() - a) / 1e3 / size, ms(b - a), code, lastThreadEventCount.get());
            }
        }
        tracer.close();
    }
}
