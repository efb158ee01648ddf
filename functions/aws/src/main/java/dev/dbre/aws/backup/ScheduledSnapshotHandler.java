package dev.dbre.aws.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.config.Env;
import dev.dbre.obs.LogContext;
import dev.dbre.port.SnapshotProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled snapshot function: an EventBridge Scheduler schedule (or an EventBridge rule's
 * "Scheduled Event") invokes it; it runs the policy in {@code DBRE_BACKUP_POLICY} (a file, {@code
 * s3://bucket/key} or {@code ssm:/name}; read again at every invocation, so an edit takes effect at
 * the next one) with the RDS provider and returns the run's summary as JSON.
 *
 * <p>Input (the schedule's input template, see {@code events/aws/scheduler-snapshot.json}): {@code
 * scheduledTime} (Scheduler's {@code <aws.scheduler.scheduled-time>}) or {@code time} (an
 * EventBridge rule's event) fixes the slot; {@code dryRun: true} plans only. Anything else is
 * ignored, and an input that is not JSON is treated as empty (the schedule still runs).
 *
 * <p>Per-database failures are in the summary, the {@code snapshot_runs} row and the metrics; they
 * do not fail the invocation (a retry would redo the whole fleet). A configuration error does, and a
 * policy that cannot be read or is invalid at a tick fails that invocation naming the location and
 * the field, before anything is created or deleted.
 *
 * <p>Handler: {@code dev.dbre.aws.backup.ScheduledSnapshotHandler::handleRequest}.
 */
public final class ScheduledSnapshotHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledSnapshotHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnapshotSchedule schedule;
    private final SnapshotProvider provider;
    private final Clock clock;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public ScheduledSnapshotHandler() {
        this(BackupComponents.fromEnv(Env.system()));
    }

    public ScheduledSnapshotHandler(BackupComponents c) {
        this(c.snapshotSchedule(), c.provider(), c.clock());
    }

    public ScheduledSnapshotHandler(SnapshotSchedule schedule, SnapshotProvider provider, Clock clock) {
        this.schedule = schedule;
        this.provider = provider;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        try (LogContext ignored = LogContext.open(requestId, "snapshot")) {
            JsonNode event = readEvent(input);
            Instant scheduled = time(event, "scheduledTime");
            if (scheduled == null) {
                scheduled = time(event, "time");
            }
            boolean dryRun = event.path("dryRun").asBoolean(false);
            SnapshotRunSummary summary = schedule.tick(provider, scheduled, dryRun, clock);
            LOG.info(
                    "snapshot policy {}: created={} copied={} deleted={} failed={} dryRun={}",
                    summary.policy(),
                    summary.created(),
                    summary.copied(),
                    summary.deleted(),
                    summary.failed(),
                    dryRun);
            output.write(summary.toJson(dryRun).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static JsonNode readEvent(InputStream input) {
        try {
            JsonNode n = JSON.readTree(input);
            return n == null || !n.isObject() ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            LOG.warn("schedule input is not JSON ({}): running with the clock's time", e.getMessage());
            return JSON.createObjectNode();
        }
    }

    private static Instant time(JsonNode event, String field) {
        JsonNode v = event.get(field);
        if (v == null || !v.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            LOG.warn("schedule input field {} is not an ISO-8601 instant: '{}'; using the clock", field, v.asText());
            return null;
        }
    }
}
