package dev.dbre.slo.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where an SLI's numbers come from (OpenSLO {@code metricSource}): its {@code type} (taken from the
 * referenced DataSource when the spec gives none), the DataSource name if referenced, the free-form
 * {@code spec}, and, for our own {@code type: dbre}, the validated {@link DbreQuery}.
 *
 * @param dbre the parsed query when {@code type} is {@code dbre}, else null
 */
public record MetricSource(String type, String dataSourceRef, Map<String, Object> spec, DbreQuery dbre) {
    public MetricSource {
        spec = Map.copyOf(spec);
    }

    /**
     * A canonical text that identifies what is read: the type and the spec with its keys sorted
     * (two sources with the same key read the same numbers).
     */
    public String key() {
        return type + " " + sorted(spec);
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> t.put(String.valueOf(k), sorted(v)));
            return t;
        }
        return value;
    }
}
