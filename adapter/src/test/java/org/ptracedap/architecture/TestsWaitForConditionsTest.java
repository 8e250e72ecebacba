package org.ptracedap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.ptracedap.testing.Wait;

/**
 * Tests wait for conditions, never for time: only {@link Wait} may sleep. A test that sleeps
 * "long enough" passes on an idle machine and fails on a busy one (issue 12: the flaky test that
 * blocked every landing). A monitor's {@code wait(timeout)} is allowed: it is woken by the
 * condition ({@code notifyAll}), the timeout only a deadline. The rule covers the test classes of both modules (the adapter's own and
 * ptrace-native's test jar).
 */
class TestsWaitForConditionsTest {
    /** Test code only: Maven's test-classes directories and the ptrace-native test jar. */
    private static final ImportOption TESTS = (Location l) -> l.contains("/test-classes/") || l.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*"));

    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(TESTS).importPackages("org.ptracedap");

    @Test
    void onlyTheWaitHelperSleeps() {
        noClasses().that().doNotBelongToAnyOf(Wait.class)
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .orShould().callMethod(Thread.class, "sleep", java.time.Duration.class)
                .orShould().callMethod(TimeUnit.class, "sleep", long.class)
                .orShould().callMethod(LockSupport.class, "parkNanos", long.class)
                .because("tests wait for a condition with org.ptracedap.testing.Wait, never for a while")
                .check(CLASSES);
    }

    /** The rule must see the tests, or it proves nothing. */
    @Test
    void theRuleSeesTheTestsOfBothModules() {
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain(Wait.class), "ptrace-native's test classes");
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain(TestsWaitForConditionsTest.class), "the adapter's test classes");
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain("org.ptracedap.adapter.DapFuzzTest"), "the adapter's test classes");
    }
}
