package org.ptracedap.adapter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ptracedap.engine.Sample;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.FdStreams;
import org.ptracedap.sys.LibC;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.Spawn;

/**
 * The packaged adapter jar ({@code java -jar ptrace-dap.jar dap}) as a child process with a
 * {@link DapClient} on its stdin/stdout; its stderr is collected. Killed by pid on close.
 */
public final class AdapterProcess implements AutoCloseable {
    public final int pid;
    public final DapClient client;
    private final StringBuilder stderr = new StringBuilder();
    private final CompletableFuture<Integer> exit;

    public AdapterProcess(String... extraArgs) throws Exception {
        this(List.of(), extraArgs);
    }

    /**
     * The adapter started through {@code launcher} (a command that runs the rest of its arguments,
     * e.g. {@code setpriv --reuid=65534 …} to run it as another user); no launcher: java directly.
     */
    public AdapterProcess(List<String> launcher, String... extraArgs) throws Exception {
        this(launcher, System.getenv(), extraArgs);
    }

    /** The adapter with {@code environment} instead of ours (DEBUGINFOD_URLS, say). */
    public static AdapterProcess withEnvironment(java.util.Map<String, String> environment) throws Exception {
        return new AdapterProcess(List.of(), environment);
    }

    private AdapterProcess(List<String> launcher, java.util.Map<String, String> environment, String... extraArgs)
            throws Exception {
        String java = System.getProperty("java.home") + "/bin/java";
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(launcher.isEmpty() ? "java" : java, "-jar", System.getProperty("ptracedap.jar"), "dap"));
        argv.addAll(List.of(extraArgs));
        String program = launcher.isEmpty() ? java : launcher.get(0);
        Spawn.Child child = Tracer.shared().call(() -> Spawn.piped(program, argv, environment)).get();
        pid = child.pid();
        exit = Tracer.shared().childExit(pid);
        client = new DapClient(FdStreams.in(child.stdoutFd()), FdStreams.out(child.stdinFd()));
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (var in = FdStreams.in(child.stderrFd())) {
                for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
                    synchronized (stderr) {
                        stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }, "adapter-stderr");
        t.setDaemon(true);
        t.start();
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** The adapter's own wait status once it exits. */
    public int awaitExit() throws Exception {
        return exit.get(Sample.LONG.toSeconds(), TimeUnit.SECONDS);
    }

    public void kill(int sig) {
        LibC.kill(pid, sig);
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (!exit.isDone()) {
            try {
                exit.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                try {
                    LibC.kill(pid, Signals.SIGKILL);
                } catch (RuntimeException gone) {
                    // exited meanwhile
                }
                exit.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
