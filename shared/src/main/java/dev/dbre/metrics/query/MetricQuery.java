package dev.dbre.metrics.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What to read: a selector, the range {@code [from, to)} and the step. Steps start at {@code from}
 * rounded down to the step's resolution (10 s, 1 min or 1 h; an hour for a step of whole days; see
 * {@link Resolution#forStep}).
 */
public record MetricQuery(MetricSelector selector, Instant from, Instant to, Duration step) {
    public MetricQuery {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(step, "step");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the range must end after it starts: from " + from + " to " + to);
        }
        if (step.isNegative() || step.isZero() || step.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("the step must be a positive whole number of seconds, was " + step);
        }
        if (Duration.between(from, to).dividedBy(step) > 1_000_000) {
            throw new IllegalArgumentException(
                    "more than 1,000,000 steps of " + step + " from " + from + " to " + to + ": use a longer step");
        }
    }
}
