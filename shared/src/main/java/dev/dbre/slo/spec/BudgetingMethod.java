package dev.dbre.slo.spec;

/** How an SLO counts its budget (OpenSLO {@code budgetingMethod}). */
public enum BudgetingMethod {
    /** Good events over all events in the window. */
    OCCURRENCES("Occurrences"),
    /** Good time slices (a slice is good when its ratio meets {@code timeSliceTarget}) over slices. */
    TIMESLICES("Timeslices"),
    /** The mean of the per-slice ratios. */
    RATIO_TIMESLICES("RatioTimeslices");

    private final String specName;

    BudgetingMethod(String specName) {
        this.specName = specName;
    }

    /** The name in the spec, e.g. {@code RatioTimeslices}. */
    public String specName() {
        return specName;
    }

    static BudgetingMethod fromSpec(String name) {
        for (BudgetingMethod m : values()) {
            if (m.specName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
