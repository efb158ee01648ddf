package dev.dbre.slo;

import java.time.Duration;
import java.time.Instant;

/** Equal steps from {@code from}: step i covers [from + i x step, from + (i+1) x step). */
public record StepGrid(Instant from, Duration step, int steps) {
    public StepGrid {
        if (step.isZero() || step.isNegative() || steps < 0) {
            throw new IllegalArgumentException("a step grid needs a positive step and steps >= 0");
        }
    }

    /** The end of the last step. */
    public Instant to() {
        return start(steps);
    }

    /** The start of step {@code i} (i = steps gives the end). */
    public Instant start(int i) {
        return from.plus(step.multipliedBy(i));
    }

    /** The step that contains {@code t}, or -1 when {@code t} is outside the grid. */
    public int indexOf(Instant t) {
        if (t.isBefore(from) || !t.isBefore(to())) {
            return -1;
        }
        return (int) (Duration.between(from, t).toNanos() / step.toNanos());
    }
}
