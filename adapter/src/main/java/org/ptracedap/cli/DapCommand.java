package org.ptracedap.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.ptracedap.adapter.Adapter;
import org.ptracedap.adapter.wire.ProtocolLog;
import org.ptracedap.engine.Tracer;

/**
 * {@code ptrace-dap dap}: the DAP server on stdin/stdout (one session), or with {@code --port N}
 * on 127.0.0.1 only, one session per connection. In stdio mode {@code System.out} is pointed at
 * stderr first, so nothing but protocol frames can ever reach the real stdout.
 */
final class DapCommand {
    private DapCommand() {}

    static final String HELP = String.join("\n",
            "usage: ptrace-dap dap [--port N] [--log FILE]",
            "",
            "Speaks the Debug Adapter Protocol on stdin/stdout (what VS Code and other DAP clients",
            "start), or with --port on 127.0.0.1:N, one session per connection (N=0: any free port;",
            "the port is printed to stderr). --log FILE writes every message in and out to FILE;",
            "the 'trace: true' launch/attach attribute logs them to stderr.");

    static int run(List<String> args) {
        int port = -1;
        String logFile = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--port") || a.equals("--log")) && i + 1 < args.size()) {
                String v = args.get(++i);
                if (a.equals("--log")) {
                    logFile = v;
                } else {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        return Main.usageError(System.err, "--port needs a number, not '" + v + "'");
                    }
                }
            } else if (a.equals("--help") || a.equals("-h")) {
                System.err.println(HELP);
                return 0;
            } else {
                return Main.usageError(System.err, "dap: unknown option '" + a + "'");
            }
        }
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err); // stdout belongs to the protocol
        PrintStream log = null;
        if (logFile != null) {
            try {
                log = new PrintStream(new FileOutputStream(logFile, true), true, "UTF-8");
            } catch (IOException e) {
                System.err.println("ptrace-dap: cannot open log " + logFile + ": " + e.getMessage());
                return 2;
            }
        }
        ProtocolLog protocolLog = new ProtocolLog(log);
        // Load the engine (JNA's first load is slow) while the client says hello.
        CompletableFuture<Tracer> tracer = CompletableFuture.supplyAsync(Tracer::shared);
        if (port < 0) {
            Adapter.serve(tracer, protocolLog, System.in, stdout);
            return 0;
        }
        return listen(port, tracer, protocolLog);
    }

    private static int listen(int port, CompletableFuture<Tracer> tracer, ProtocolLog log) {
        try (ServerSocket server = new ServerSocket(port, 16, InetAddress.getLoopbackAddress())) {
            System.err.println("ptrace-dap: listening on 127.0.0.1:" + server.getLocalPort());
            while (true) {
                Socket client = server.accept();
                Thread t = new Thread(() -> {
                    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                        Adapter.serve(tracer, log, in, out);
                    } catch (IOException | RuntimeException e) {
                        System.err.println("ptrace-dap: session ended: " + e);
                    }
                }, "dap-session-" + client.getPort());
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            System.err.println("ptrace-dap: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            return 1;
        }
    }
}
