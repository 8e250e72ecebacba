package org.ptracedap.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point of the runnable jar: dispatches to a subcommand. */
public final class Main {
    private Main() {}

    static final String USAGE = String.join("\n",
            "usage: ptrace-dap [COMMAND] [OPTIONS]",
            "",
            "A thread-aware debug adapter for Linux programs, built on ptrace.",
            "",
            "commands:",
            "  dap     (the default) speak the Debug Adapter Protocol on stdin/stdout, or on",
            "          127.0.0.1 with --port N (ptrace-dap dap --help)",
            "  demo    run a bundled sample under the adapter with a headless DAP client and",
            "          print a live transcript (threads born and gone, pause, continue, exit)",
            "  trace   follow every thread of a program and print one line per event",
            "          (ptrace-dap trace --help for its options)",
            "  help    this text",
            "",
            "  --help, -h   this text");

    public static void main(String[] args) throws Exception {
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        String command = args.length == 0 ? "dap" : args[0];
        int code;
        switch (command) {
            case "dap" -> code = DapCommand.run(rest);
            case "trace" -> code = TraceCommand.run(rest, System.out, System.err);
            case "demo" -> code = DemoCommand.run(rest, System.out);
            case "warmup" -> code = WarmupCommand.run(); // for the build's class-data archive
            case "help", "--help", "-h" -> {
                System.out.println(USAGE);
                code = 0;
            }
            default -> code = usageError(System.err, "unknown command '" + command + "'");
        }
        System.out.flush();
        System.exit(code);
    }

    static int usageError(PrintStream err, String message) {
        err.println("ptrace-dap: " + message);
        err.println("Run 'ptrace-dap --help' for the commands.");
        return 2;
    }
}
