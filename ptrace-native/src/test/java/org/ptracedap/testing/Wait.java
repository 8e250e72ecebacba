package org.ptracedap.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place where tests pass time: they wait for a condition, with a generous deadline, and
 * never sleep-and-hope. {@code ArchitectureTest} (adapter) keeps {@code Thread.sleep} out of every
 * other test class.
 *
 * <p>Deadlines are for a busy 2-core machine running a Maven build: a condition that is not met
 * within them is a hang, not a slow machine. {@code -Dptracedap.waitScale=N} multiplies them all.
 */
public final class Wait {
    private Wait() {}

    /** How often a condition is looked at. Short, so a test ends soon after its condition holds. */
    private static final long POLL_MILLIS = 5;
    private static final double SCALE = Double.parseDouble(System.getProperty("ptracedap.waitScale", "1"));
    /** The default deadline: two minutes (times the scale). */
    public static final Duration LONG = scaled(Duration.ofSeconds(120));

    public static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }

    /** Waits until {@code condition} holds; fails "timed out waiting for WHAT" after {@link #LONG}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(condition, LONG, () -> "timed out waiting for " + what);
    }

    /** Like {@link #until(String, BooleanSupplier)} with another deadline (scaled). */
    public static void until(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        until(condition, scaled(deadline), () -> "timed out after " + deadline.toMillis() + " ms waiting for " + what);
    }

    /** Waits until {@code condition} holds; at the deadline fails with what {@code failure} says then (what is seen). */
    public static void until(BooleanSupplier condition, Duration deadline, Supplier<String> failure) throws InterruptedException {
        if (!poll(deadline, condition)) {
            fail(failure.get());
        }
    }

    /** Waits until {@code condition} holds or the deadline passes; returns whether it held. */
    public static boolean poll(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return condition.getAsBoolean();
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /**
     * Checks that {@code condition} holds all through {@code period} (looked at every 50 ms): for
     * what must <em>not</em> happen — a stopped program making no progress — there is no event to
     * wait for, only a while to watch. Fails at the first look where it does not hold.
     */
    public static void throughout(String what, Duration period, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                fail("expected throughout " + period.toMillis() + " ms: " + what);
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        if (!condition.getAsBoolean()) {
            fail("expected throughout " + period.toMillis() + " ms: " + what);
        }
    }

    /**
     * Paces a loop that makes load (a pause every 10 ms during a clone storm): the loop's rhythm,
     * not a wait for anything — nothing the test asserts depends on how long this takes.
     */
    public static void pace(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
