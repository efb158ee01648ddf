package dev.dbre.obs;

/** One metric value with its unit (CloudWatch unit names: Count, Milliseconds, Bytes, ...). */
public record Metric(String name, double value, String unit) {
    public static Metric count(String name, double value) {
        return new Metric(name, value, "Count");
    }

    public static Metric millis(String name, double value) {
        return new Metric(name, value, "Milliseconds");
    }
}
