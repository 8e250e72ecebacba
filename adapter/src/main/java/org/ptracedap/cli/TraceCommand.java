package org.ptracedap.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ptracedap.engine.FollowFork;
import org.ptracedap.engine.LaunchSpec;
import org.ptracedap.engine.SignalPolicy;
import org.ptracedap.engine.TraceOptions;
import org.ptracedap.engine.ProcessInfo;
import org.ptracedap.engine.TraceEvent;
import org.ptracedap.engine.TraceGroup;
import org.ptracedap.engine.TraceException;
import org.ptracedap.engine.Tracer;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.WaitStatus;

/**
 * {@code ptrace-dap trace}: the engine on the command line. Launches or attaches, prints one
 * line per engine event, resumes every stop at once (it is not interactive), and ends with a
 * summary line. Its exit status is the debuggee's.
 *
 * <p>Threads: events are printed on the engine's event thread; the main thread waits for the
 * end; SIGINT/SIGTERM handlers (on a JVM signal thread) detach or kill.
 */
final class TraceCommand {
    private TraceCommand() {}

    static final String HELP = String.join("\n",
            "usage: ptrace-dap trace [OPTIONS] -- PROGRAM [ARGS...]   launch PROGRAM and follow it",
            "       ptrace-dap trace [OPTIONS] --pid PID              attach to a running process",
            "",
            "Prints one line per event as it happens, then a summary:",
            "  thread started pid=P tid=T parent=T|- origin=attached|launched|clone|first-seen name=N",
            "  thread exited pid=P tid=T status=CODE|SIGNAL|exec",
            "  signal pid=P tid=T signal=SIG action=stop|pass",
            "  stopped pid=P reason=entry|signal|pause [tid=T signal=SIG]",
            "  resumed pid=P",
            "  process started pid=CHILD parent=P how=fork|vfork|clone followed=yes|no",
            "  process exec pid=P path=PATH oldtid=T",
            "  process exited pid=P code=C | signal=SIG",
            "  detached pid=P",
            "  summary: threads started=S exited=E processes=N exit=CODE|detached",
            "'first-seen' marks a thread whose first stop came before its parent's clone event.",
            "Every stop is resumed at once; a stopping signal is then delivered to the program.",
            "Exit status: the program's exit code (128+N if killed by signal N) — with",
            "--follow-fork child, the last followed child's; 0 after a detach.",
            "",
            "options:",
            "  --pid PID       attach to PID instead of launching; Ctrl-C or SIGTERM detaches and",
            "                  leaves the process running",
            "  --follow-fork parent|child|both",
            "                  after a fork, keep tracing the parent (default; the child runs",
            "                  untraced), the child (the parent runs on untraced), or both;",
            "                  trace ends when no traced process is left",
            "  --stop SIG,...  report these signals as stops (then deliver them)",
            "  --pass SIG,...  deliver these signals silently (default: SIGURG SIGCHLD SIGWINCH",
            "                  SIGALRM SIGPROF SIGVTALRM SIGIO; every other signal is reported)",
            "  --show-output   copy the launched program's stdout and stderr to ours",
            "                  (otherwise it is discarded, so stdout stays parseable)",
            "  --events FILE   write the event lines to FILE instead of stdout",
            "  --quiet         print only the summary line",
            "  --help          this text");

    static int run(List<String> args, PrintStream out, PrintStream err) {
        int pid = -1;
        boolean showOutput = false;
        boolean quiet = false;
        String eventsFile = null;
        FollowFork follow = FollowFork.PARENT;
        SignalPolicy signals = SignalPolicy.defaults();
        List<String> program = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--help", "-h" -> {
                    out.println(HELP);
                    return 0;
                }
                case "--show-output" -> showOutput = true;
                case "--quiet" -> quiet = true;
                case "--pid", "--events", "--follow-fork", "--stop", "--pass" -> {
                    if (i + 1 >= args.size()) {
                        return Main.usageError(err, a + " needs a value");
                    }
                    String v = args.get(++i);
                    if (a.equals("--events")) {
                        eventsFile = v;
                    } else if (a.equals("--stop") || a.equals("--pass")) {
                        for (String name : v.split(",")) {
                            int sig = Signals.parse(name);
                            if (sig <= 0 || sig > 64) {
                                return Main.usageError(err, a + ": unknown signal '" + name + "'");
                            }
                            signals = signals.withSilent(sig, a.equals("--pass"));
                        }
                    } else if (a.equals("--follow-fork")) {
                        follow = FollowFork.parse(v);
                        if (follow == null) {
                            return Main.usageError(err, "--follow-fork takes parent, child or both, not '" + v + "'");
                        }
                    } else {
                        try {
                            pid = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            return Main.usageError(err, "--pid needs a number, not '" + v + "'");
                        }
                    }
                }
                case "--" -> {
                    program.addAll(args.subList(i + 1, args.size()));
                    i = args.size();
                }
                default -> {
                    if (a.startsWith("-")) {
                        return Main.usageError(err, "trace: unknown option '" + a + "'");
                    }
                    program.addAll(args.subList(i, args.size()));
                    i = args.size();
                }
            }
        }
        if ((pid < 0) == program.isEmpty()) {
            return Main.usageError(err, "trace needs either --pid PID or -- PROGRAM [ARGS...]");
        }
        PrintStream events = out;
        if (eventsFile != null) {
            try {
                events = new PrintStream(new FileOutputStream(eventsFile), false, "UTF-8");
            } catch (IOException e) {
                err.println("ptrace-dap: cannot write events to " + eventsFile + ": " + e.getMessage());
                return 2;
            }
        }
        Session s = new Session(new PrintStream(new BufferedOutputStream(events, 1 << 16), false),
                quiet, showOutput, out, err, new TraceOptions(follow, signals, false));
        return pid >= 0 ? s.attach(pid) : s.launch(program);
    }

    /** One traced program, its event printer and counters. */
    private static final class Session {
        private final PrintStream events;
        private final boolean quiet;
        private final boolean showOutput;
        private final PrintStream out;
        private final PrintStream err;
        private final Tracer tracer;
        /** Attached (a stop request detaches) or launched (a stop request kills). */
        private volatile boolean attached;
        private final CompletableFuture<String> end = new CompletableFuture<>();
        private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trace-flush");
            t.setDaemon(true);
            return t;
        });
        private final TraceOptions options;
        /** The processes traced (the program and the children it joins); the session ends with it. */
        private volatile TraceGroup group;
        private volatile int mainPid = -1;
        private long started;
        private long exited;
        private int processes;
        private int exitCode;
        private String exit = "detached";
        private boolean mainExited;

        Session(PrintStream events, boolean quiet, boolean showOutput, PrintStream out, PrintStream err,
                TraceOptions options) {
            this.options = options;
            // Before anything slow (loading the engine): a Ctrl-C at any moment has its meaning.
            onStopRequest(this::stop);
            this.tracer = Tracer.shared();
            this.events = events;
            this.quiet = quiet;
            this.showOutput = showOutput;
            this.out = out;
            this.err = err;
            flusher.scheduleWithFixedDelay(this::flush, 50, 50, TimeUnit.MILLISECONDS);
        }

        private synchronized void flush() {
            events.flush();
        }

        int attach(int pid) {
            attached = true;
            mainPid = pid;
            group = tracer.group(this::onEvent);
            try {
                group.attach(pid, options).get();
            } catch (ExecutionException e) {
                return fail(e.getCause());
            } catch (InterruptedException e) {
                return 1;
            }
            processes = 1;
            return finish();
        }

        int launch(List<String> argv) {
            group = tracer.group(this::onEvent);
            ProcessInfo info;
            try {
                info = group.launch(LaunchSpec.of(argv.get(0), argv.subList(1, argv.size())), options).get();
                mainPid = info.pid();
            } catch (ExecutionException e) {
                return fail(e.getCause());
            } catch (InterruptedException e) {
                return 1;
            }
            processes = 1;
            group.resume();
            return finish();
        }

        private int fail(Throwable e) {
            String msg = e instanceof TraceException ? e.getMessage() : e.toString();
            err.println("ptrace-dap: " + msg);
            return 1;
        }

        /** Ctrl-C or SIGTERM: detach what we attached (it runs on), kill what we launched. */
        private void stop() {
            TraceGroup g = group;
            if (g == null || mainPid < 0) {
                System.exit(130); // nothing traced yet; a program being launched dies with us (EXITKILL)
            }
            if (attached) {
                g.detach();
            } else {
                g.kill();
            }
        }

        @SuppressWarnings("restriction")
        private void onStopRequest(Runnable action) {
            sun.misc.SignalHandler h = sig -> action.run();
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
        }

        private int finish() {
            String exit;
            try {
                exit = end.get();
            } catch (Exception e) {
                exit = "?";
            }
            flusher.shutdownNow();
            synchronized (this) {
                if (!quiet) {
                    events.flush();
                }
                events.println("summary: threads started=" + started + " exited=" + exited
                        + " processes=" + processes + " exit=" + exit);
                events.flush();
            }
            out.flush();
            err.flush();
            return exitCode;
        }

        private synchronized void line(String s) {
            if (!quiet) {
                events.println(s);
            }
        }

        private void onEvent(TraceEvent e) {
            if (e instanceof TraceEvent.ThreadStarted t) {
                started++;
                line("thread started pid=" + t.pid() + " tid=" + t.tid() + " parent="
                        + (t.parentTid() > 0 ? t.parentTid() : "-") + " origin=" + t.origin().label
                        + " name=" + (t.name() != null ? t.name() : ProcFs.comm(t.pid(), t.tid())));
            } else if (e instanceof TraceEvent.ThreadExited t) {
                exited++;
                line("thread exited pid=" + t.pid() + " tid=" + t.tid() + " status=" + status(t.status()));
            } else if (e instanceof TraceEvent.SignalReceived s) {
                line("signal pid=" + s.pid() + " tid=" + s.tid() + " signal=" + s.signalName()
                        + " action=" + (s.stops() ? "stop" : "pass"));
            } else if (e instanceof TraceEvent.Stopped s) {
                line("stopped pid=" + s.pid() + " reason=" + s.reason().name().toLowerCase()
                        + (s.signal() > 0 ? " tid=" + s.tid() + " signal=" + Signals.name(s.signal()) : ""));
                if (s.reason() == TraceEvent.StopReason.SIGNAL) {
                    group.resume(); // not interactive: deliver the signal
                }
            } else if (e instanceof TraceEvent.Resumed r) {
                line("resumed pid=" + r.pid());
            } else if (e instanceof TraceEvent.ProcessForked f) {
                line("process started pid=" + f.childPid() + " parent=" + f.pid() + " how="
                        + f.kind().name().toLowerCase() + " followed=" + (f.followed() ? "yes" : "no"));
                if (f.followed()) {
                    processes++;
                }
            } else if (e instanceof TraceEvent.ProcessExec x) {
                line("process exec pid=" + x.pid() + " path=" + x.path() + " oldtid=" + x.oldTid());
            } else if (e instanceof TraceEvent.ProcessExited x) {
                line("process exited pid=" + x.pid() + (x.exitCode() >= 0 ? " code=" + x.exitCode()
                        : " signal=" + Signals.name(x.signal())));
                if (!mainExited) {
                    // the main program's code; or, once it is not traced any more, the last followed child's
                    exitCode = x.exitCode() >= 0 ? x.exitCode() : 128 + x.signal();
                    exit = Integer.toString(exitCode);
                    mainExited = x.pid() == mainPid;
                }
            } else if (e instanceof TraceEvent.Detached d) {
                line("detached pid=" + d.pid());
            } else if (e instanceof TraceEvent.GroupEnded) {
                end.complete(exit);
            } else if (e instanceof TraceEvent.Output o) {
                if (showOutput) {
                    PrintStream to = o.stream() == TraceEvent.Output.Stream.STDOUT ? out : err;
                    to.print(o.text());
                    to.flush();
                }
            }
        }

        private static String status(int status) {
            if (status == -1) {
                return "exec";
            }
            if (WaitStatus.signaled(status)) {
                return Signals.name(WaitStatus.termSignal(status));
            }
            return Integer.toString(WaitStatus.exitCode(status));
        }
    }
}
