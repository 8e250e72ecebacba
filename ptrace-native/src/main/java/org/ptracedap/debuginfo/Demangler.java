package org.ptracedap.debuginfo;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * C++ names as a person reads them: libstdc++'s own {@code __cxa_demangle} (the Itanium ABI's
 * demangler, the one gdb and c++filt agree with), over JNA. Without libstdc++ on the machine a
 * mangled name stays mangled. {@link #functionName} shortens a demangled function to what a call
 * stack shows (gdb's {@code shapes::Tree<int>::descend}, not its signature).
 *
 * <p>Threads: any; {@code __cxa_demangle} is reentrant.
 */
public final class Demangler {
    private Demangler() {}

    private static final boolean LOADED;

    static {
        boolean loaded;
        try {
            Native.register(Demangler.class, NativeLibrary.getInstance("libstdc++.so.6"));
            loaded = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            loaded = false;
        }
        LOADED = loaded;
    }

    /** {@code char *__cxa_demangle(const char *mangled, char *buf, size_t *n, int *status)}: malloc'ed, or NULL. */
    private static native Pointer __cxa_demangle(String mangled, Pointer buffer, Pointer length, IntByReference status);

    /** The demangled form of an Itanium-mangled name ({@code _Z…}); any other name as it is. */
    public static String demangle(String name) {
        if (name == null || !LOADED || !name.startsWith("_Z")) {
            return name;
        }
        IntByReference status = new IntByReference();
        Pointer out = __cxa_demangle(name, null, null, status);
        if (out == null || status.getValue() != 0) {
            return name;
        }
        try {
            return out.getString(0);
        } finally {
            Native.free(Pointer.nativeValue(out));
        }
    }

    /**
     * A function as a call stack names it: demangled, without its parameter list, its cv- and
     * ref-qualifiers or, for a function template, its return type ({@code void
     * std::this_thread::sleep_for<long, std::ratio<1l, 1l> >(…)} → {@code
     * std::this_thread::sleep_for<long, std::ratio<1l, 1l> >}). A C name is returned as it is.
     */
    public static String functionName(String linkageName) {
        String d = demangle(linkageName);
        if (d == null || d.equals(linkageName)) {
            return linkageName;
        }
        String s = d.strip();
        for (boolean again = true; again; ) {
            again = false;
            for (String q : new String[] {" const", " volatile", " &&", " &"}) {
                if (s.endsWith(q)) {
                    s = s.substring(0, s.length() - q.length());
                    again = true;
                }
            }
        }
        if (s.endsWith(")")) {
            int open = matchingOpen(s, s.length() - 1);
            // "operator()" has a parameter list of its own after the operator's name
            if (open > 0) {
                s = s.substring(0, open);
            }
        }
        int space = topLevelSpace(s);
        if (space > 0) {
            s = s.substring(space + 1);
        }
        return s;
    }

    /**
     * The parameter list of a demangled C++ function ({@code (int, double)} of {@code
     * ns::f(int, double) const}), or null when the name has none (a C name, a mangled name
     * left as it is).
     */
    static String parameterList(String demangled) {
        String s = demangled.strip();
        int close = s.lastIndexOf(')');
        int open = close < 0 ? -1 : matchingOpen(s, close);
        return open <= 0 ? null : s.substring(open, close + 1);
    }

    /** The index of the bracket that opens the one closing at {@code close}, or -1. */
    private static int matchingOpen(String s, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == ')' || c == '>' && !isOperatorArrow(s, i) || c == ']' || c == '}') {
                depth++;
            } else if (c == '(' || c == '<' || c == '[' || c == '{') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isOperatorArrow(String s, int i) {
        return i > 0 && s.charAt(i - 1) == '-';
    }

    /**
     * The last space outside every bracket that separates a return type from the name (as in
     * {@code void ns::f<int>}), or -1; spaces inside {@code operator new} and the like do not count.
     */
    private static int topLevelSpace(String s) {
        int depth = 0;
        int found = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '<' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == '>' || c == ']' || c == '}') {
                depth--;
            } else if (c == ' ' && depth == 0 && !(i >= 8 && s.startsWith("operator", i - 8))) {
                found = i;
            }
        }
        return found;
    }
}
