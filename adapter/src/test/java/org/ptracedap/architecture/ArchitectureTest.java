package org.ptracedap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The directions of STYLE.md §11, kept by the build (as LSP4J's own
 * {@code Lsp4jDebugArchitectureTest}): main code of both modules, imported from the class path.
 *
 * <pre>
 *   cli (composition root, the engine's command line) → adapter → engine → sys
 *                                                          ↘ debuginfo ↗
 *   adapter.wire (transport, frame filter, ledger, log)  knows no session, handler or engine
 * </pre>
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("org.ptracedap");

    /** ptrace-native comes as a jar in a build of the adapter module: import it from there too. */
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*")))
            .importPackages("org.ptracedap");

    @Test
    void theAdapterNeverTouchesTheOsOrANativeBinding() {
        noClasses().that().resideInAPackage("org.ptracedap.adapter..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ptracedap.sys..", "com.sun.jna..")
                .because("ptrace, /proc, signals and registers are the engine's: the adapter asks it (STYLE §11)")
                .check(ALL);
    }

    @Test
    void theEngineKnowsNoProtocolAndNoDebugInfo() {
        noClasses().that().resideInAnyPackage("org.ptracedap.engine..", "org.ptracedap.sys..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ptracedap.adapter..", "org.ptracedap.cli..",
                        "org.ptracedap.debuginfo..", "org.eclipse.lsp4j..", "com.google.gson..")
                .because("the engine deals in addresses, bytes and tids, never in DAP or in types and lines")
                .check(ALL);
    }

    @Test
    void debugInfoNeverDrivesAProcess() {
        noClasses().that().resideInAPackage("org.ptracedap.debuginfo..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ptracedap.engine..", "org.ptracedap.adapter..",
                        "org.ptracedap.cli..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.ptracedap.sys.Ptrace")
                .because("a binary's facts need no live process (core dumps later): live reads go through ports")
                .check(ALL);
    }

    @Test
    void theEvaluatorSeesAScopeAndTypesOnly() {
        classes().that().resideInAPackage("org.ptracedap.debugger.eval..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.ptracedap.debugger.eval..",
                        "org.ptracedap.debugger.values..", "org.ptracedap.debuginfo.types..", "java..")
                .because("expressions are evaluated over a Scope's variables, registers and memory port, never over a"
                        + " process, a tracer or libdw (STYLE §11)")
                .check(ALL);
    }

    @Test
    void theWireKnowsNoSession() {
        noClasses().that().resideInAPackage("org.ptracedap.adapter.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ptracedap.adapter.session..",
                        "org.ptracedap.adapter.handlers..", "org.ptracedap.engine..", "org.ptracedap.sys..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.ptracedap.adapter.DapServer")
                .because("the transport serves an Endpoint; the composition root (Adapter) knows both sides")
                .check(ALL);
    }

    @Test
    void handlersTalkToTheEngineOnlyThroughTheSessionsGroup() {
        noClasses().that().resideInAPackage("org.ptracedap.adapter.handlers..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.ptracedap.engine.Tracer")
                .because("a handler acts on its session's TraceGroup, never on the whole engine")
                .check(ALL);
    }

    /** The rules must see the classes, or they prove nothing. */
    @Test
    void theRulesSeeBothModules() {
        org.junit.jupiter.api.Assertions.assertTrue(ALL.contain("org.ptracedap.engine.Engine"), "ptrace-native");
        org.junit.jupiter.api.Assertions.assertTrue(ALL.contain("org.ptracedap.adapter.Adapter"), "adapter");
        org.junit.jupiter.api.Assertions.assertTrue(MAIN.contain("org.ptracedap.adapter.Adapter"));
    }
}
