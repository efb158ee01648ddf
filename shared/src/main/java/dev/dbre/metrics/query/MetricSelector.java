package dev.dbre.metrics.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A metric name and tag filters, written {@code name{key:value,key2:*,!key3:x}} (the braces are
 * optional; every filter must hold).
 */
public record MetricSelector(String name, List<TagFilter> filters) {
    public MetricSelector {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a metric selector needs a metric name");
        }
        filters = List.copyOf(filters);
    }

    /**
     * Parses {@code name} or {@code name{filter,filter...}}.
     *
     * @throws IllegalArgumentException naming what is wrong and where
     */
    public static MetricSelector parse(String text) {
        String t = text.strip();
        int open = t.indexOf('{');
        if (open < 0) {
            if (t.indexOf('}') >= 0) {
                throw new IllegalArgumentException("metric selector '" + text + "' has a '}' without '{'");
            }
            return new MetricSelector(t, List.of());
        }
        if (!t.endsWith("}")) {
            throw new IllegalArgumentException(
                    "metric selector '" + text + "' must end with '}' after its tag filters");
        }
        String name = t.substring(0, open).strip();
        String body = t.substring(open + 1, t.length() - 1);
        List<TagFilter> filters = new ArrayList<>();
        if (!body.isBlank()) {
            for (String part : body.split(",", -1)) {
                filters.add(TagFilter.parse(part));
            }
        }
        return new MetricSelector(name, filters);
    }

    /** True when a series with these canonical tags passes every filter. */
    public boolean matches(String[] tags) {
        for (TagFilter f : filters) {
            if (!f.matches(tags)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (filters.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < filters.size(); i++) {
            b.append(i == 0 ? "" : ",").append(filters.get(i));
        }
        return b.append('}').toString();
    }
}
