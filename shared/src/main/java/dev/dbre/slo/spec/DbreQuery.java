package dev.dbre.slo.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code type: dbre} metric source: what the product's own records count. The sources,
 * their fields and which count is measured against which total are data here ({@link Source}) and
 * documented in {@code docs/slo.md}.
 *
 * @param subject the metric name ({@code metric}), check name ({@code service_check}) or policy
 *     ({@code backup}); null for the others
 * @param tags a tag filter (every tag must match); metric and service_check only
 * @param scope optional filters of the record sources: stream, database, policy, secret
 * @param count what is counted (e.g. {@code stored}); null for metric and service_check
 * @param limit the N of a "within N" count ({@code within}, {@code rpo}, {@code rto}, {@code schedule}); null otherwise
 * @param statuses service check statuses counted (ok, warning, critical, unknown); empty = all
 */
public record DbreQuery(
        Source source,
        String subject,
        Map<String, String> tags,
        Map<String, String> scope,
        String count,
        Duration limit,
        List<String> statuses) {

    public DbreQuery {
        tags = Map.copyOf(tags);
        scope = Map.copyOf(scope);
        statuses = List.copyOf(statuses);
    }

    /** Service check statuses in DogStatsD order (0 OK .. 3 UNKNOWN). */
    public static final List<String> STATUSES = List.of("ok", "warning", "critical", "unknown");

    /** Our own metric sources, with their fields as data. */
    public enum Source {
        /** A DogStatsD metric: counts (good/total) or values (threshold). */
        METRIC("metric", "metric", List.of(), Map.of(), Map.of(), true, true),
        /** DogStatsD service checks: checks with the given statuses. */
        SERVICE_CHECK("service_check", "check", List.of(), Map.of(), Map.of(), true, false),
        /** Ingest batches stored versus failed; points stored within N of their timestamp. */
        INGEST(
                "ingest",
                null,
                List.of("stream"),
                Map.of("batches", "", "stored", "batches", "failed", "batches", "points", "", "fresh", "points"),
                Map.of("fresh", "within"),
                false,
                false),
        /** Per database and step: whether the newest completed snapshot is younger than the RPO. */
        BACKUP(
                "backup",
                "policy",
                List.of("database"),
                Map.of("databases", "", "within_rpo", "databases"),
                Map.of("within_rpo", "rpo"),
                false,
                false),
        /** Restore drills verified versus run, recovered within the RTO; as a threshold: recovery seconds. */
        DRILL(
                "drill",
                null,
                List.of("database", "policy"),
                Map.of("run", "", "verified", "run", "within_rto", "run"),
                Map.of("within_rto", "rto"),
                false,
                true),
        /** Secrets whose last successful rotation is within their schedule. */
        ROTATION(
                "rotation",
                null,
                List.of("secret"),
                Map.of("secrets", "", "within_schedule", "secrets"),
                Map.of("within_schedule", "schedule"),
                false,
                false);

        final String specName;
        /** The key of the required subject, or null. */
        final String subjectKey;

        final List<String> scopeKeys;
        /** Each count and the total it is measured against ("" for a total). Empty: no count key. */
        final Map<String, String> counts;
        /** The key of the limit a count needs. */
        final Map<String, String> limits;

        final boolean tags;
        final boolean threshold;

        Source(
                String specName,
                String subjectKey,
                List<String> scopeKeys,
                Map<String, String> counts,
                Map<String, String> limits,
                boolean tags,
                boolean threshold) {
            this.specName = specName;
            this.subjectKey = subjectKey;
            this.scopeKeys = scopeKeys;
            this.counts = counts;
            this.limits = limits;
            this.tags = tags;
            this.threshold = threshold;
        }

        public String specName() {
            return specName;
        }

        /** Whether the source can serve a threshold metric. */
        public boolean allowsThreshold() {
            return threshold;
        }

        /** The total a count is measured against, "" when it is a total, null when unknown. */
        public String totalOf(String count) {
            return counts.get(count);
        }

        static Source fromSpec(String name) {
            for (Source s : values()) {
                if (s.specName.equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }
}
