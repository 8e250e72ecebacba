package org.ptracedap.debuginfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ptracedap.sys.MemoryMaps;
import org.ptracedap.sys.MemoryMaps.Mapping;

/**
 * {@link Symbols} on this test JVM itself (no ptrace needed to read its own modules): libc's
 * functions found through JNA, their starts, the aliases' preferred names, the vDSO, addresses in
 * no module; and the rule that tells which of a symbol's aliases names it.
 */
class SymbolsTest {
    private static final int PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void libdw() {
        Assumptions.assumeTrue(LibDw.missing() == null, LibDw.missing());
    }

    private static long libcFunction(String name) {
        return Pointer.nativeValue(NativeLibrary.getInstance("c").getFunction(name));
    }

    @Test
    void libcFunctionsTheirModuleAndStart() {
        try (Symbols symbols = Symbols.open(PID)) {
            for (String name : List.of("getpid", "pthread_cond_wait", "write")) {
                long f = libcFunction(name);
                Symbols.Code code = symbols.at(f + 1);
                assertTrue(code.module().endsWith("/libc.so.6"), name + ": " + code);
                assertEquals(f, symbols.functionStart(f + 1), name + " starts where JNA found it");
                assertEquals(f, symbols.functionStart(f), name);
                assertTrue(code.places().get(code.places().size() - 1).function() != null, name + ": " + code);
            }
        }
    }

    @Test
    void anonymousMemoryAndUnmappedAddressesAreNoModule() {
        List<Mapping> maps = MemoryMaps.read(PID);
        Mapping anon = maps.stream().filter(m -> m.path().isEmpty()).findFirst().orElseThrow();
        try (Symbols symbols = Symbols.open(PID)) {
            for (long a : new long[] {anon.start() + 8, 0x10}) {
                Symbols.Code code = symbols.at(a);
                assertNull(code.module(), "0x" + Long.toHexString(a) + ": " + code);
                assertNull(code.places().get(0).function());
                assertEquals(-1, symbols.functionStart(a));
            }
        }
    }

    @Test
    void vdsoFunctionsAreNamed() {
        Mapping vdso = MemoryMaps.read(PID).stream().filter(m -> m.path().equals("[vdso]")).findFirst().orElse(null);
        Assumptions.assumeTrue(vdso != null, "no vDSO");
        try (Symbols symbols = Symbols.open(PID)) {
            String named = null;
            for (long a = vdso.start(); a < vdso.end() && named == null; a += 16) {
                long start = symbols.functionStart(a);
                if (start >= 0) {
                    Symbols.Code code = symbols.at(a);
                    assertTrue(code.module() != null && code.module().contains("vdso"), code.toString());
                    named = code.places().get(code.places().size() - 1).function();
                }
            }
            assertTrue(named != null && named.matches("(__vdso_)?\\w+"), "a vDSO function: " + named);
        }
    }

    @Test
    void aProcessThatIsGoneIsAClearError() {
        int gone = 1 << 23; // above pid_max's largest value (2^22)
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Symbols.open(gone));
        assertTrue(e.getMessage().contains(Integer.toString(gone)), e.getMessage());
    }

    @Test
    void anAliasIsNamedAsGdbNamesIt() {
        // sized over sizeless; fewer leading underscores (getpid over __getpid); global, weak, local; then by name
        assertTrue(SymbolTable.preferBefore(8, "x", 2, 0, "x", 0) < 0);
        assertTrue(SymbolTable.preferBefore(8, "getpid", 1, 8, "__getpid", 0) < 0);
        assertTrue(SymbolTable.preferBefore(8, "clone3", 0, 8, "__clone3", 0) < 0);
        assertTrue(SymbolTable.preferBefore(8, "a", 0, 8, "a", 1) < 0);
        assertTrue(SymbolTable.preferBefore(8, "a", 1, 8, "b", 1) < 0);
        assertEquals(0, SymbolTable.preferBefore(8, "a", 1, 8, "a", 1));
    }
}
