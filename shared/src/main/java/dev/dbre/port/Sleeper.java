package dev.dbre.port;

import java.time.Duration;

/** Waits between retries; tests pass one that records the delays instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = Thread::sleep;

    /** @throws InterruptedException if the thread is interrupted while waiting */
    void sleep(Duration duration) throws InterruptedException;
}
