package org.ptracedap.adapter.handlers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ptracedap.engine.SignalPolicy;
import org.ptracedap.adapter.errors.DapError;

/**
 * Reads the free-form arguments of {@code launch} and {@code attach} (JSON as LSP4J hands it
 * over: numbers arrive as Double, strings as String) and rejects wrong types with a message that
 * names the attribute.
 */
public final class Args {
    private final String request;
    private final Map<String, Object> map;

    public Args(String request, Map<String, Object> map) {
        this.request = request;
        this.map = map == null ? Map.of() : map;
    }

    private RuntimeException bad(String what) {
        return DapError.BAD_ARGUMENTS.because(request + ": " + what);
    }

    public boolean has(String key) {
        return map.get(key) != null;
    }

    public String string(String key, String fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw bad("'" + key + "' must be a string, not " + v);
        }
        return s;
    }

    public boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw bad("'" + key + "' must be true or false, not " + v);
        }
        return b;
    }

    /** A process id given as a JSON number or as a string (what {@code ${command:pickProcess}} sends). */
    public int pid(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw bad("'" + key + "' is missing: give the pid of the process to attach to");
        }
        String text = v instanceof Number n ? numberText(n) : v.toString().trim();
        try {
            int pid = Integer.parseInt(text);
            if (pid <= 0) {
                throw bad("'" + key + "' must be a positive process id, not " + text);
            }
            return pid;
        } catch (NumberFormatException e) {
            throw bad("'" + key + "' must be a process id (a number), not '" + v + "'");
        }
    }

    private static String numberText(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE ? Long.toString((long) d) : n.toString();
    }

    public List<String> strings(String key) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw bad("'" + key + "' must be an array of strings, not " + v);
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw bad("'" + key + "' must contain only strings, not " + o);
            }
            out.add(s);
        }
        return out;
    }

    /**
     * The signal policy: gdb's defaults, changed by {@code "signals": {"SIGUSR1": "pass",
     * "SIGALRM": "stop"}} ("pass": delivered silently; "stop": reported as a stop, then delivered).
     */
    public SignalPolicy signals(String key) {
        SignalPolicy policy = SignalPolicy.defaults();
        Object v = map.get(key);
        if (v == null) {
            return policy;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw bad("'" + key + "' must be an object like {\"SIGUSR1\": \"pass\"}, not " + v);
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String action = String.valueOf(e.getValue());
            if (!action.equals("pass") && !action.equals("stop")) {
                throw bad("'" + key + "." + e.getKey() + "' must be \"pass\" or \"stop\", not " + e.getValue());
            }
            try {
                policy = policy.withSilent(e.getKey().toString(), action.equals("pass"));
            } catch (IllegalArgumentException unknown) {
                throw bad("'" + key + "': unknown signal '" + e.getKey() + "'");
            }
        }
        return policy;
    }

    /** The environment: ours, with the given variables added, replaced, or removed (null value). */
    public Map<String, String> environment(String key) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        Object v = map.get(key);
        if (v == null) {
            return env;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw bad("'" + key + "' must be an object of NAME: value strings, not " + v);
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = e.getKey().toString();
            if (e.getValue() == null) {
                env.remove(name);
            } else if (e.getValue() instanceof String s) {
                env.put(name, s);
            } else {
                throw bad("'" + key + "." + name + "' must be a string, not " + e.getValue());
            }
        }
        return env;
    }

    /**
     * The source map: {@code "sourceMap": {"/build/src": "/home/me/src"}} (or a list of
     * {@code [from, to]} pairs, as lldb-dap takes it) and gdb's {@code "substitutePath":
     * [{"from": …, "to": …}]}, together.
     */
    public org.ptracedap.debugger.SourceMap sourceMap(String key, String gdbKey) {
        List<org.ptracedap.debugger.SourceMap.Rule> rules = new java.util.ArrayList<>();
        Object v = map.get(key);
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String to)) {
                    throw bad("'" + key + "." + e.getKey() + "' must be a path (a string), not " + e.getValue());
                }
                rules.add(new org.ptracedap.debugger.SourceMap.Rule(e.getKey().toString(), to));
            }
        } else if (v instanceof List<?> l) {
            for (Object pair : l) {
                if (!(pair instanceof List<?> p) || p.size() != 2 || !(p.get(0) instanceof String from)
                        || !(p.get(1) instanceof String to)) {
                    throw bad("'" + key + "' as a list takes [from, to] pairs of paths, not " + pair);
                }
                rules.add(new org.ptracedap.debugger.SourceMap.Rule(from, to));
            }
        } else if (v != null) {
            throw bad("'" + key + "' must be an object like {\"/build/src\": \"/home/me/src\"}, not " + v);
        }
        Object g = map.get(gdbKey);
        if (g instanceof List<?> l) {
            for (Object rule : l) {
                if (!(rule instanceof Map<?, ?> r) || !(r.get("from") instanceof String from) || !(r.get("to") instanceof String to)) {
                    throw bad("'" + gdbKey + "' takes {\"from\": path, \"to\": path} objects, not " + rule);
                }
                rules.add(new org.ptracedap.debugger.SourceMap.Rule(from, to));
            }
        } else if (g != null) {
            throw bad("'" + gdbKey + "' must be a list of {\"from\": path, \"to\": path}, not " + g);
        }
        return new org.ptracedap.debugger.SourceMap(rules);
    }
}
