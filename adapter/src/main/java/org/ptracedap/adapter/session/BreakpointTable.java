package org.ptracedap.adapter.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ptracedap.debugger.eval.Expression;
import org.ptracedap.engine.BreakpointHandler;
import org.ptracedap.engine.Tracee;

/**
 * The session's breakpoints as the client set them — by source line, by function, by instruction
 * — each with the addresses it landed on, and what decides at a hit: its condition (compiled
 * once), its hit condition, its log message. The engine asks {@link #hit} on the tracer thread,
 * only the hitting thread stopped; the answer is immediate for a plain breakpoint or a logpoint
 * without expressions, and comes after an evaluation (off the tracer thread) otherwise.
 *
 * <p>Threads: the requests' (serialised through {@link #serially}), the tracer's ({@link #hit}).
 */
public final class BreakpointTable implements BreakpointHandler {
    /** What a breakpoint asks for. */
    public enum Kind { SOURCE, FUNCTION, INSTRUCTION }

    /** One breakpoint as the client set it, and where it landed. */
    public static final class Bp {
        public final int id;
        public final Kind kind;
        /** SOURCE: the file as the client names it, and the line asked for. */
        public final String path;
        public final int line;
        /** FUNCTION: the name. */
        public final String function;
        /** INSTRUCTION: the address (reference + offset). */
        public final long instruction;
        final Expression condition;
        final HitCondition hits;
        final LogMessage log;
        final AtomicLong hitCount = new AtomicLong();
        /** Where it landed (the process's addresses), the line it landed on (SOURCE), why not (message). */
        public volatile List<Long> addresses = List.of();
        public volatile int actualLine;
        public volatile String message;
        public volatile boolean verified;
        /** The process it was last landed in (0: none yet): a program's start lands only the others. */
        public volatile int landedIn;
        /** Why it can never land (a condition or log message that does not parse, no path): null if it can. */
        public volatile String invalid;

        Bp(int id, Kind kind, String path, int line, String function, long instruction, Expression condition,
           HitCondition hits, LogMessage log) {
            this.id = id;
            this.kind = kind;
            this.path = path;
            this.line = line;
            this.function = function;
            this.instruction = instruction;
            this.condition = condition;
            this.hits = hits;
            this.log = log;
        }

        boolean plain() {
            return condition == null && (log == null || log.constant());
        }
    }

    /** What the client asked for, checked: a breakpoint to make, or why it cannot be (shown unverified). */
    public record Request(Kind kind, String path, int line, String function, long instruction, String condition,
                          String hitCondition, String logMessage) {}

    /** Evaluates a breakpoint's condition and log message in the hitting thread's innermost frame. */
    public interface Evaluator {
        /**
         * On the tracer thread, during the hit of {@code thread} at {@code address}: whether
         * {@code condition} holds, if that can be told here and now (from the thread's registers
         * and memory, with what the debug info said at earlier hits); empty to ask {@link #holds}.
         */
        default java.util.Optional<Boolean> holdsNow(Tracee thread, long address, Expression condition) {
            return java.util.Optional.empty();
        }

        /** As {@link #holdsNow}, for the text of {@code log}; empty to ask {@link #text}. */
        default java.util.Optional<String> textNow(Tracee thread, long address, LogMessage log) {
            return java.util.Optional.empty();
        }

        /** Whether {@code condition} holds in thread {@code tid}'s frame 0, at {@code address} (an error is true: the user sees why). */
        CompletableFuture<Boolean> holds(int tid, long address, Expression condition);

        /** The text of {@code log}, its expressions evaluated in thread {@code tid}'s frame 0, at {@code address}. */
        CompletableFuture<String> text(int tid, long address, LogMessage log);

        /** The hit is decided, after {@link #holds} or {@link #text} read its frames: they are stale once the thread runs on. */
        void done(int tid);
    }

    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<String, List<Bp>> bySource = new HashMap<>();
    private List<Bp> functions = List.of();
    private List<Bp> instructions = List.of();
    /** Address → the breakpoints there; replaced whole on every change (read on the tracer thread). */
    private volatile Map<Long, List<Bp>> byAddress = Map.of();
    /** The stopping breakpoints each thread's last hit counted, for its stopped event. */
    private final Map<Integer, List<Integer>> lastHit = new ConcurrentHashMap<>();
    private final Consumer<String> logOutput;
    private volatile Evaluator evaluator;
    /** The dynamic linker's rendezvous ({@code _dl_debug_state}, r_debug's r_brk), 0 if not set: libraries came or went. */
    private volatile long loaderBreak;
    private volatile java.util.function.Supplier<CompletableFuture<Void>> onLibraries = () -> CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    /** A table whose logpoints print through {@code logOutput}. */
    public BreakpointTable(Consumer<String> logOutput) {
        this.logOutput = logOutput;
    }

    public void evaluator(Evaluator e) {
        evaluator = e;
    }

    /**
     * The dynamic linker calls {@code address} after each change to its list of libraries (a
     * {@code dlopen}, a {@code dlclose}, the libraries a program needs at its start): the thread
     * that calls it stays stopped until {@code changed} completes (breakpoints pending in a new
     * library are in before its code runs), the others run on.
     */
    public void loaderBreak(long address, java.util.function.Supplier<CompletableFuture<Void>> changed) {
        onLibraries = changed;
        loaderBreak = address;
    }

    public long loaderBreak() {
        return loaderBreak;
    }

    private volatile java.util.function.IntFunction<CompletableFuture<Void>> onExec = pid -> CompletableFuture.completedFuture(null);

    /** What to do when a process execs (its thread held until it completes): the breakpoints land in the new program. */
    public void onExec(java.util.function.IntFunction<CompletableFuture<Void>> hook) {
        onExec = hook;
    }

    @Override
    public CompletableFuture<Void> exec(int pid, String path) {
        return onExec.apply(pid);
    }

    /** A new program: nothing has landed in it, and its dynamic linker is not watched yet. */
    public synchronized void forgetLandings() {
        loaderBreak = 0;
        for (Bp b : all()) {
            b.landedIn = 0;
            b.verified = false;
            b.addresses = List.of();
        }
        byAddress = Map.of();
    }

    /** Runs {@code work} after every change asked for before it has been applied: changes never overtake each other. */
    public synchronized <T> CompletableFuture<T> serially(java.util.function.Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = tail.handle((v, e) -> null).thenCompose(v -> work.get());
        tail = result.handle((v, e) -> null);
        return result;
    }

    /** Completes when every change asked for so far has been applied (a program starts only then). */
    public synchronized CompletableFuture<Void> settled() {
        return tail;
    }

    /** Makes breakpoints of {@code requests}, each unverified until it lands; a condition that does not parse says why. */
    public List<Bp> make(List<Request> requests) {
        List<Bp> out = new ArrayList<>();
        for (Request r : requests) {
            Expression condition = null;
            HitCondition hits = null;
            LogMessage log = null;
            String problem = null;
            try {
                if (r.condition() != null && !r.condition().isBlank()) {
                    condition = Expression.compile(r.condition());
                }
            } catch (RuntimeException e) {
                problem = "the condition '" + r.condition() + "' is not an expression: " + e.getMessage();
            }
            try {
                if (r.hitCondition() != null && !r.hitCondition().isBlank()) {
                    hits = HitCondition.parse(r.hitCondition());
                }
                if (r.logMessage() != null && !r.logMessage().isEmpty()) {
                    log = LogMessage.parse(r.logMessage());
                }
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            Bp bp = new Bp(nextId.incrementAndGet(), r.kind(), r.path(), r.line(), r.function(), r.instruction(),
                    condition, hits, log);
            bp.invalid = problem;
            bp.message = problem;
            out.add(bp);
        }
        return out;
    }

    /** The breakpoints of {@code path} become {@code bps}; the ones they replace are returned (to be taken out). */
    public synchronized List<Bp> replaceSource(String path, List<Bp> bps) {
        List<Bp> old = bySource.put(path, bps);
        return old != null ? old : List.of();
    }

    public synchronized List<Bp> replaceFunctions(List<Bp> bps) {
        List<Bp> old = functions;
        functions = bps;
        return old;
    }

    public synchronized List<Bp> replaceInstructions(List<Bp> bps) {
        List<Bp> old = instructions;
        instructions = bps;
        return old;
    }

    /** Every breakpoint now. */
    public synchronized List<Bp> all() {
        List<Bp> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        all.addAll(functions);
        all.addAll(instructions);
        return all;
    }

    /** The addresses now needed (by any breakpoint) — after a change, to know what to take out. */
    public synchronized Set<Long> addressesInUse() {
        Set<Long> used = new HashSet<>();
        for (Bp b : all()) {
            used.addAll(b.addresses);
        }
        if (loaderBreak != 0) {
            used.add(loaderBreak);
        }
        return used;
    }

    /** The address index again, from every breakpoint's addresses (after they changed). */
    public synchronized void reindex() {
        Map<Long, List<Bp>> index = new HashMap<>();
        for (Bp b : all()) {
            if (b.message != null && !b.verified) {
                continue;
            }
            for (long a : b.addresses) {
                index.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
            }
        }
        byAddress = index;
    }

    /** The ids of the breakpoints thread {@code tid}'s stop was for (once: its stopped event takes them). */
    public List<Integer> hitIds(int tid) {
        List<Integer> ids = lastHit.remove(tid);
        return ids != null ? ids : List.of();
    }

    // ------------------------------------------------------------------ hits (tracer thread)

    @Override
    public CompletableFuture<Boolean> hit(Tracee thread, long address) {
        if (address == loaderBreak) {
            return onLibraries.get().handle((v, e) -> false); // never a stop of the user's
        }
        List<Bp> here = byAddress.get(address);
        if (here == null || here.isEmpty()) {
            return CompletableFuture.completedFuture(false); // taken out meanwhile
        }
        int tid = thread.tid();
        boolean plain = true;
        for (Bp b : here) {
            plain &= b.plain();
        }
        Evaluator e = evaluator;
        if (plain || e == null) {
            List<Integer> stopping = new ArrayList<>();
            for (Bp b : here) {
                counted(b, stopping, b.log != null ? b.log.constantText() : null);
            }
            return CompletableFuture.completedFuture(decided(tid, stopping));
        }
        List<Integer> stopping = java.util.Collections.synchronizedList(new ArrayList<>());
        // decided during this call when every answer can be told at once (the thread is ours only until it returns)
        Thread tracer = Thread.currentThread();
        boolean[] inCall = {true};
        boolean[] asked = {false}; // an answer came from the symbols thread: it read frames of the thread
        java.util.function.BooleanSupplier now = () -> inCall[0] && Thread.currentThread() == tracer;
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (Bp b : here) {
            all = all.thenCompose(v -> holds(e, b, thread, tid, address, now, asked).thenCompose(holds -> {
                if (!holds) {
                    return CompletableFuture.completedFuture(null);
                }
                if (b.log == null || b.log.constant()) {
                    counted(b, stopping, b.log != null ? b.log.constantText() : null);
                    return CompletableFuture.completedFuture(null);
                }
                if (!counts(b)) {
                    return CompletableFuture.completedFuture(null);
                }
                java.util.Optional<String> text = now.getAsBoolean() ? e.textNow(thread, address, b.log) : java.util.Optional.empty();
                if (text.isPresent()) {
                    logOutput.accept(text.get());
                    return CompletableFuture.completedFuture(null);
                }
                asked[0] = true;
                return e.text(tid, address, b.log).thenAccept(logOutput);
            }));
        }
        CompletableFuture<Boolean> decided = all.handle((v, error) -> {
            if (asked[0]) {
                e.done(tid);
            }
            return decided(tid, stopping);
        });
        inCall[0] = false;
        return decided;
    }

    private static CompletableFuture<Boolean> holds(Evaluator e, Bp b, Tracee thread, int tid, long address,
                                                    java.util.function.BooleanSupplier now, boolean[] asked) {
        if (b.condition == null) {
            return CompletableFuture.completedFuture(true);
        }
        java.util.Optional<Boolean> told = now.getAsBoolean() ? e.holdsNow(thread, address, b.condition) : java.util.Optional.empty();
        if (told.isPresent()) {
            return CompletableFuture.completedFuture(told.get());
        }
        asked[0] = true;
        return e.holds(tid, address, b.condition);
    }

    /** A hit of {@code b} (its condition held): counted; whether its hit condition lets it act. */
    private static boolean counts(Bp b) {
        long n = b.hitCount.incrementAndGet();
        return b.hits == null || b.hits.test(n);
    }

    private void counted(Bp b, List<Integer> stopping, String logText) {
        if (!counts(b)) {
            return;
        }
        if (logText != null) {
            logOutput.accept(logText);
        } else {
            stopping.add(b.id);
        }
    }

    private boolean decided(int tid, List<Integer> stopping) {
        if (stopping.isEmpty()) {
            return false;
        }
        lastHit.put(tid, List.copyOf(stopping));
        return true;
    }

    // ------------------------------------------------------------------ hit conditions, log messages

    /** A hit condition: {@code N} (the Nth hit and every later one, as VS Code means it), {@code >= N}, {@code > N}, {@code == N}, {@code < N}, {@code <= N}, {@code % N}. */
    public record HitCondition(String op, long n) {
        static HitCondition parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(>=|<=|==|=|>|<|%)?\\s*(\\d+)\\s*").matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("the hit count condition '" + text + "' is not understood: give a number N"
                        + " (stop from the Nth hit on), or '>= N', '> N', '== N', '< N', '<= N', '% N'");
            }
            String op = m.group(1) == null ? ">=" : m.group(1).equals("=") ? "==" : m.group(1);
            long n = Long.parseLong(m.group(2));
            if (op.equals("%") && n == 0) {
                throw new IllegalArgumentException("the hit count condition '" + text + "' divides by zero");
            }
            return new HitCondition(op, n);
        }

        boolean test(long count) {
            return switch (op) {
                case ">=" -> count >= n;
                case ">" -> count > n;
                case "==" -> count == n;
                case "<" -> count < n;
                case "<=" -> count <= n;
                default -> count % n == 0;
            };
        }
    }

    /** A logpoint's message: text with {@code {expression}} parts ({@code {{} and {@code }}} are braces). */
    public record LogMessage(List<String> text, List<Expression> expressions) {
        static LogMessage parse(String message) {
            List<String> text = new ArrayList<>();
            List<Expression> exprs = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (int i = 0; i < message.length(); i++) {
                char c = message.charAt(i);
                if ((c == '{' || c == '}') && i + 1 < message.length() && message.charAt(i + 1) == c) {
                    cur.append(c);
                    i++;
                } else if (c == '{') {
                    int end = message.indexOf('}', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("the log message has a '{' without its '}' at column " + (i + 1));
                    }
                    String expr = message.substring(i + 1, end);
                    try {
                        exprs.add(Expression.compile(expr));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("'{" + expr + "}' in the log message is not an expression: " + e.getMessage());
                    }
                    text.add(cur.toString());
                    cur.setLength(0);
                    i = end;
                } else {
                    cur.append(c);
                }
            }
            text.add(cur.toString());
            return new LogMessage(List.copyOf(text), List.copyOf(exprs));
        }

        boolean constant() {
            return expressions.isEmpty();
        }

        String constantText() {
            return text.get(0) + "\n";
        }
    }
}
