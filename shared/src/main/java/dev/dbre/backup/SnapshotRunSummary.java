package dev.dbre.backup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbre.port.Snapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The result of one {@link SnapshotService#run}: the plan, what was done per database, and the
 * failures (per database, and run-level ones such as a region that could not be listed).
 *
 * @param retries provider calls retried after throttling
 * @param rpo the recovery points measured at this run (none on a dry run)
 */
public record SnapshotRunSummary(
        String policy,
        Instant runAt,
        boolean dryRun,
        BackupPlan plan,
        List<DatabaseOutcome> databases,
        List<String> failures,
        int retries,
        List<RpoMeasurement> rpo) {
    public SnapshotRunSummary {
        databases = List.copyOf(databases);
        failures = List.copyOf(failures);
        rpo = List.copyOf(rpo);
    }

    /** A summary without recovery-point measurements. */
    public SnapshotRunSummary(
            String policy,
            Instant runAt,
            boolean dryRun,
            BackupPlan plan,
            List<DatabaseOutcome> databases,
            List<String> failures,
            int retries) {
        this(policy, runAt, dryRun, plan, databases, failures, retries, List.of());
    }

    /** Recovery points over the policy's RPO (or missing while it sets one). */
    public int overRpo() {
        return (int) rpo.stream().filter(RpoMeasurement::over).count();
    }

    public int created() {
        return databases.stream().mapToInt(DatabaseOutcome::created).sum();
    }

    public int copied() {
        return databases.stream().mapToInt(DatabaseOutcome::copied).sum();
    }

    public int deleted() {
        return databases.stream().mapToInt(DatabaseOutcome::deleted).sum();
    }

    public int shared() {
        return databases.stream().mapToInt(DatabaseOutcome::shared).sum();
    }

    /** Failed steps, per database and run-level. */
    public int failed() {
        return failures.size()
                + databases.stream().mapToInt(d -> d.failures().size()).sum();
    }

    /** True when nothing failed. */
    public boolean ok() {
        return failed() == 0;
    }

    /** One JSON object on one line: the totals, each database, the failures and (when asked) the plan. */
    public String toJson(boolean withPlan) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("policy", policy);
            g.writeStringField("runAt", runAt.toString());
            g.writeBooleanField("dryRun", dryRun);
            g.writeNumberField("created", created());
            g.writeNumberField("copied", copied());
            g.writeNumberField("deleted", deleted());
            g.writeNumberField("shared", shared());
            g.writeNumberField("failed", failed());
            g.writeNumberField("retries", retries);
            g.writeNumberField("overRpo", overRpo());
            g.writeArrayFieldStart("rpo");
            for (RpoMeasurement m : rpo) {
                g.writeStartObject();
                g.writeStringField("database", m.databaseId());
                g.writeStringField("region", m.region());
                g.writeStringField("kind", m.kind().label());
                if (m.lag() == null) {
                    g.writeNullField("lagSeconds");
                } else {
                    g.writeNumberField("lagSeconds", m.lagSeconds());
                }
                if (m.objective() != null) {
                    g.writeNumberField("objectiveSeconds", m.objective().toSeconds());
                }
                g.writeBooleanField("over", m.over());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("failures");
            for (String f : failures) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("databases");
            for (DatabaseOutcome d : databases) {
                g.writeStartObject();
                g.writeStringField("id", d.databaseId());
                g.writeStringField("region", d.region());
                g.writeNumberField("created", d.created());
                g.writeNumberField("copied", d.copied());
                g.writeNumberField("deleted", d.deleted());
                g.writeNumberField("shared", d.shared());
                g.writeArrayFieldStart("failures");
                for (String f : d.failures()) {
                    g.writeString(f);
                }
                g.writeEndArray();
                writeSnapshot(g, "newestCompleted", d.newestCompleted());
                writeSnapshot(g, "newestCopy", d.newestCopy());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (withPlan && plan != null) {
                g.writeArrayFieldStart("plan");
                for (PlannedAction a : plan.actions()) {
                    g.writeStartObject();
                    g.writeStringField("action", a.type().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeStringField("database", a.databaseId());
                    g.writeStringField("snapshot", a.snapshotId());
                    g.writeStringField("region", a.region());
                    g.writeStringField("reason", a.reason());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("kept");
                for (DatabasePlan dp : plan.databases()) {
                    for (KeptSnapshot k : dp.kept()) {
                        g.writeStartObject();
                        g.writeStringField("database", dp.database().id());
                        g.writeStringField("snapshot", k.snapshot().id());
                        g.writeStringField("region", k.snapshot().region());
                        g.writeArrayFieldStart("reasons");
                        for (KeepReason r : k.reasons()) {
                            g.writeString(r.toString());
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    private static void writeSnapshot(JsonGenerator g, String field, Snapshot s) throws IOException {
        if (s == null) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        g.writeStringField("id", s.id());
        g.writeStringField("createdAt", s.createdAt().toString());
        g.writeEndObject();
    }
}
