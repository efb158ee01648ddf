package dev.dbre.slo.spec;

/** A comparison of a value with a threshold ({@code op} of a threshold objective or alert condition). */
public enum Operator {
    LT("lt", "<"),
    LTE("lte", "<="),
    GT("gt", ">"),
    GTE("gte", ">=");

    private final String specName;
    private final String symbol;

    Operator(String specName, String symbol) {
        this.specName = specName;
        this.symbol = symbol;
    }

    /** Whether {@code value op threshold} holds. */
    public boolean test(double value, double threshold) {
        return switch (this) {
            case LT -> value < threshold;
            case LTE -> value <= threshold;
            case GT -> value > threshold;
            case GTE -> value >= threshold;
        };
    }

    public String specName() {
        return specName;
    }

    public String symbol() {
        return symbol;
    }

    static Operator fromSpec(String name) {
        for (Operator o : values()) {
            if (o.specName.equals(name)) {
                return o;
            }
        }
        return null;
    }
}
