package dev.dbre.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps in the order written. What goes into a template must not depend on {@code Map.of}'s
 * iteration order, which changes from one JVM to the next: a schedule's input JSON and a metric's
 * dimension list would otherwise differ between two syntheses of the same app.
 */
final class Ordered {
    private Ordered() {}

    /** {@code map("k1", v1, "k2", v2, ...)}, unmodifiable, in that order. */
    static <V> Map<String, V> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            V v = (V) keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v);
        }
        return Collections.unmodifiableMap(m);
    }
}
