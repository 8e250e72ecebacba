package org.ptracedap.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ptracedap.engine.Sample;
import org.ptracedap.sys.ProcFs;
import org.ptracedap.sys.Signals;
import org.ptracedap.sys.WaitStatus;

/** {@code ptrace-dap trace}, run from the packaged jar as a user would run it. */
class TraceCommandIT {
    private static final Pattern SUMMARY =
            Pattern.compile("(?m)^summary: threads started=(\\d+) exited=(\\d+) processes=(\\d+) exit=(\\S+)$");

    private static Sample ptraceDap(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("java", "-jar", System.getProperty("ptracedap.jar")));
        argv.addAll(List.of(args));
        return Sample.run(System.getProperty("java.home") + "/bin/java", argv);
    }

    private static int exitCode(Sample s) throws Exception {
        int status = s.awaitExit();
        assertTrue(WaitStatus.exited(status), WaitStatus.describe(status) + "; output: " + s.output());
        return WaitStatus.exitCode(status);
    }

    private static Matcher summary(String out) {
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), "no summary line in: " + out.substring(Math.max(0, out.length() - 2000)));
        assertTrue(out.strip().endsWith(m.group()), "the summary is the last line");
        return m;
    }

    private static long count(String out, String regex) {
        return Pattern.compile(regex, Pattern.MULTILINE).matcher(out).results().count();
    }

    @Test
    void cloneStormOf10000PrintsEveryThreadOnceAndACorrectSummary() throws Exception {
        try (Sample trace = ptraceDap("trace", "--", Sample.bin("clone_storm").toString(), "10000")) {
            assertEquals(0, exitCode(trace));
            String out = trace.output();
            Matcher m = summary(out);
            assertEquals("10001", m.group(1));
            assertEquals("10001", m.group(2));
            assertEquals("1", m.group(3));
            assertEquals("0", m.group(4));
            assertEquals(10001, count(out, "^thread started pid=\\d+ tid=\\d+ parent=\\S+ origin=(launched|clone|first-seen) name=\\S+$"));
            assertEquals(10001, count(out, "^thread exited pid=\\d+ tid=\\d+ status=0$"));
            assertEquals(1, count(out, "^process exited pid=\\d+ code=0$"));
            assertFalse(out.contains("clone_storm: 10000 threads done"), "program output only with --show-output");
            System.out.println("trace clone_storm 10000: first-seen=" + count(out, "origin=first-seen"));
        }
    }

    @Test
    void exitStatusAndOutputAreTheProgramsOwn() throws Exception {
        try (Sample trace = ptraceDap("trace", "--show-output", "--", "/bin/sh", "-c", "echo hello from sh; exit 3")) {
            assertEquals(3, exitCode(trace));
            assertTrue(trace.output().contains("hello from sh\n"), trace.output());
            assertEquals("3", summary(trace.output()).group(4));
        }
    }

    @Test
    void attachThenSigtermDetachesAndTheProgramRunsOn() throws Exception {
        try (Sample idle = Sample.start("idle_threads", "100")) {
            idle.awaitOutput("ready");
            try (Sample trace = ptraceDap("trace", "--pid", Integer.toString(idle.pid))) {
                trace.awaitOutput("tid=" + idle.pid + " parent=- origin=attached");
                Sample.await("101 attached threads", () -> count(trace.output(), "origin=attached") == 101);
                assertEquals(1, count(trace.output(), "^thread started pid=" + idle.pid + " tid=" + idle.pid
                        + " parent=- origin=attached name=idle_threads$"), trace.output());
                assertEquals(100, count(trace.output(), "^thread started pid=" + idle.pid
                        + " tid=\\d+ parent=- origin=attached name=idle-\\d+$"), "each worker by its own name: " + trace.output());
                trace.signal(Signals.SIGTERM);
                assertEquals(0, exitCode(trace));
                Matcher m = summary(trace.output());
                assertEquals("101", m.group(1));
                assertEquals("detached", m.group(4));
                assertTrue(trace.output().contains("detached pid=" + idle.pid));
            }
            assertEquals(0, ProcFs.statusInt(idle.pid, "TracerPid"));
            idle.signal(Signals.SIGUSR1);
            int status = idle.awaitExit();
            assertEquals(0, WaitStatus.exitCode(status), WaitStatus.describe(status));
            assertTrue(idle.output().contains("idle_threads: 100 threads joined"));
        }
    }

    @Test
    void helpListsEverySubcommandAndErrorsAreClear() throws Exception {
        try (Sample help = ptraceDap("--help")) {
            assertEquals(0, exitCode(help));
            assertTrue(help.output().contains("trace"), help.output());
        }
        try (Sample traceHelp = ptraceDap("trace", "--help")) {
            assertEquals(0, exitCode(traceHelp));
            assertTrue(traceHelp.output().contains("--pid PID"), traceHelp.output());
        }
        try (Sample bad = ptraceDap("trace", "--pid", "notanumber")) {
            assertEquals(2, exitCode(bad));
            assertTrue(bad.output().contains("--pid needs a number"), bad.output());
        }
        try (Sample missing = ptraceDap("trace", "--", "/no/such/program")) {
            assertEquals(1, exitCode(missing));
            assertTrue(missing.output().contains("/no/such/program does not exist"), missing.output());
        }
    }

    @Test
    void followForkBothTracesEveryProcessAndCountsThem() throws Exception {
        try (Sample trace = ptraceDap("trace", "--follow-fork", "both", "--", Sample.bin("fork_threads").toString(), "3", "4")) {
            assertEquals(0, exitCode(trace));
            String out = trace.output();
            Matcher m = summary(out);
            assertEquals("4", m.group(3), "the parent and three children");
            assertEquals(3 + 3 * 5, Integer.parseInt(m.group(1)));
            assertEquals(m.group(1), m.group(2));
            assertEquals(3, count(out, "^process started pid=\\d+ parent=\\d+ how=fork followed=yes$"));
            assertEquals(4, count(out, "^process exited pid=\\d+ code=0$"));
        }
    }

    @Test
    void followForkChildFollowsTheChildThroughItsExec() throws Exception {
        try (Sample trace = ptraceDap("trace", "--follow-fork", "child", "--", Sample.bin("fork_exec").toString())) {
            assertEquals(0, exitCode(trace));
            String out = trace.output();
            assertEquals(1, count(out, "^process started pid=\\d+ parent=\\d+ how=fork followed=yes$"));
            assertEquals(1, count(out, "^detached pid=\\d+$"), "the parent runs on untraced");
            assertEquals(1, count(out, "^process exec pid=\\d+ path=\\S*/echo oldtid=\\d+$"), out);
            assertEquals("0", summary(out).group(4));
            assertEquals("2", summary(out).group(3));
        }
    }

    @Test
    void followForkParentIsTheDefaultAndTheChildRunsUntraced() throws Exception {
        try (Sample trace = ptraceDap("trace", "--show-output", "--", Sample.bin("fork_exec").toString(), "2")) {
            assertEquals(0, exitCode(trace));
            String out = trace.output();
            assertEquals(2, count(out, "^process started pid=\\d+ parent=\\d+ how=fork followed=no$"));
            assertEquals(2, count(out, "^fork_exec-child-ran$"), "the children ran, untraced");
            assertEquals("1", summary(out).group(3));
        }
    }

    @Test
    void signalPolicyIsConfigurable() throws Exception {
        try (Sample byDefault = ptraceDap("trace", "--", Sample.bin("fork_exec").toString());
             Sample stopping = ptraceDap("trace", "--stop", "SIGCHLD", "--", Sample.bin("fork_exec").toString())) {
            assertEquals(0, exitCode(byDefault));
            assertEquals(0, exitCode(stopping));
            assertEquals(1, count(byDefault.output(), "^signal pid=\\d+ tid=\\d+ signal=SIGCHLD action=pass$"), byDefault.output());
            assertEquals(0, count(byDefault.output(), "^stopped .*reason=signal"));
            assertEquals(1, count(stopping.output(), "^signal pid=\\d+ tid=\\d+ signal=SIGCHLD action=stop$"), stopping.output());
            assertEquals(1, count(stopping.output(), "^stopped pid=\\d+ reason=signal tid=\\d+ signal=SIGCHLD$"));
        }
        try (Sample bad = ptraceDap("trace", "--pass", "SIGNOPE", "--", "/bin/true")) {
            assertEquals(2, exitCode(bad));
            assertTrue(bad.output().contains("unknown signal 'SIGNOPE'"), bad.output());
        }
    }
}
