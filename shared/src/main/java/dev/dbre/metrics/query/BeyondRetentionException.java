package dev.dbre.metrics.query;

import java.time.Duration;
import java.time.Instant;

/**
 * A query would read data of a resolution from before that resolution's retention: the steps there
 * could come back empty because maintenance dropped their rows, so the query is refused rather
 * than answered with silent zeros. The message names the range, the retention and what to ask
 * instead.
 */
public final class BeyondRetentionException extends IllegalArgumentException {
    private final transient Resolution resolution;
    private final Duration retention;
    private final Instant keptFrom;
    private final Instant from;
    private final String coarserStep;
    private final boolean rollupBehind;

    /**
     * @param resolution the resolution the query would read too far back
     * @param retention how long that resolution is kept
     * @param keptFrom where its kept data begins now (the start of the bucket holding now − retention)
     * @param from where the query would read it from
     * @param coarserStep a step whose resolution keeps data from {@code from} ("1h"), or null when
     *     a coarser step does not help
     * @param rollupBehind true when the read falls back on this resolution because a rollup has not
     *     reached {@code from} (running the maintenance helps), not because the range is too long
     */
    BeyondRetentionException(
            String message,
            Resolution resolution,
            Duration retention,
            Instant keptFrom,
            Instant from,
            String coarserStep,
            boolean rollupBehind) {
        super(message);
        this.resolution = resolution;
        this.retention = retention;
        this.keptFrom = keptFrom;
        this.from = from;
        this.coarserStep = coarserStep;
        this.rollupBehind = rollupBehind;
    }

    public Resolution resolution() {
        return resolution;
    }

    public Duration retention() {
        return retention;
    }

    public Instant keptFrom() {
        return keptFrom;
    }

    public Instant from() {
        return from;
    }

    /** A step whose resolution keeps data from {@link #from()} ("1h"), or null. */
    public String coarserStep() {
        return coarserStep;
    }

    /** Whether a rollup lagging behind (not the range's length) is why the data may be gone. */
    public boolean rollupBehind() {
        return rollupBehind;
    }
}
