package dev.dbre.port;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Every wait of the code goes through this port (retry delays, polls of a restore or of an
 * archiver); tests pass one that records the delays, or moves their clock, instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = Thread::sleep;

    /** @throws InterruptedException if the thread is interrupted while waiting */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Checks {@code done}, and while it is false waits {@code every} and checks again, until {@code
     * limit} has been waited in all. The limit counts the waits, not the time {@code done} takes, so
     * a sleeper that does not really sleep ends too.
     *
     * @return true once {@code done}; false if it was still false after waiting {@code limit}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default boolean until(BooleanSupplier done, Duration limit, Duration every) throws InterruptedException {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("the interval of a wait must be positive, was " + every);
        }
        Duration waited = Duration.ZERO;
        while (!done.getAsBoolean()) {
            if (waited.compareTo(limit) >= 0) {
                return false;
            }
            sleep(every);
            waited = waited.plus(every);
        }
        return true;
    }
}
