package dev.dbre.metrics.query;

/** Reads the metric store: the one query API, used by the SLO report and {@code dbre query}. */
@FunctionalInterface
public interface MetricQueries {
    /**
     * Answers {@code query}.
     *
     * @throws IllegalArgumentException when the matching series have several types (name the type
     *     with a tag filter or another name)
     * @throws java.sql.SQLException on a database error
     */
    QueryResult query(MetricQuery query) throws java.sql.SQLException;
}
