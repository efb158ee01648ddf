package dev.dbre.slo.spec;

import java.time.Duration;

/**
 * One objective of an SLO.
 *
 * @param op the comparison of a threshold SLI (null for ratio SLIs)
 * @param value the threshold of a threshold SLI (null for ratio SLIs)
 * @param target the objective as a fraction in [0, 1) ({@code targetPercent} is divided by 100)
 * @param timeSliceTarget for Timeslices: the ratio a slice needs to be good (else null)
 * @param timeSliceWindow for Timeslices and RatioTimeslices: the slice length (else null)
 */
public record Objective(
        String displayName,
        Operator op,
        Double value,
        double target,
        Double timeSliceTarget,
        Duration timeSliceWindow) {

    /** The error budget as a share of events (or slices): 1 - target, in decimal (1 - 0.995 is 0.005). */
    public double budgetShare() {
        return java.math.BigDecimal.ONE
                .subtract(new java.math.BigDecimal(Double.toString(target)))
                .doubleValue();
    }
}
