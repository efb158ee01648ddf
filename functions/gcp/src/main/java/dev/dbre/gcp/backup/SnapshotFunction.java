package dev.dbre.gcp.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.obs.LogContext;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled snapshot function: Cloud Scheduler publishes to a Pub/Sub topic; the Eventarc
 * {@code messagePublished} CloudEvent runs the backup policy with the Cloud SQL provider. The policy
 * is at {@code DBRE_BACKUP_POLICY} (a file, or {@code gs://bucket/object}: read again at every
 * message, so an edit takes effect at the next one; see {@link GcsPolicyReader}) or the older
 * {@code DBRE_BACKUP_POLICY_FILE}. The message's {@code publishTime} fixes the slot (a redelivery plans the
 * same one); a message body {@code {"dryRun": true}} plans only; any other body is ignored.
 * Per-database failures are in the summary (logged, snapshot_runs, metrics) and the message is
 * acknowledged; a configuration or database fault throws, so Pub/Sub delivers it again.
 */
public final class SnapshotFunction implements CloudEventsFunction {
    static final String NAME = "snapshot";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BackupComponents runtime;
    private final SnapshotSchedule schedule;

    /** Used by the Functions Framework. */
    public SnapshotFunction() {
        this(BackupComponents.shared());
    }

    SnapshotFunction(BackupComponents runtime) {
        this(runtime, GcsPolicyReader.standard());
    }

    /** @param gcs reads policies at {@code gs://} locations (its client is built on the first read) */
    SnapshotFunction(BackupComponents runtime, PolicyReader gcs) {
        this.runtime = runtime;
        this.schedule =
                SnapshotSchedule.fromEnv(runtime.env, runtime.snapshotService(), Map.of(PolicyLocation.Kind.GCS, gcs));
    }

    @Override
    public void accept(CloudEvent event) throws IOException {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            JsonNode message = event.getData() == null
                    ? JSON.createObjectNode()
                    : JSON.readTree(event.getData().toBytes()).path("message");
            Instant publishTime = message.hasNonNull("publishTime")
                    ? Instant.parse(message.get("publishTime").asText())
                    : event.getTime() == null ? null : event.getTime().toInstant();
            boolean dryRun = false;
            if (message.hasNonNull("data")) {
                try {
                    JsonNode body = JSON.readTree(
                            Base64.getDecoder().decode(message.get("data").asText()));
                    dryRun = body != null && body.path("dryRun").asBoolean(false);
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warn("scheduler message body is not JSON: ignored ({})", e.getMessage());
                }
            }
            SnapshotRunSummary summary = schedule.tick(runtime.provider, publishTime, dryRun, runtime.clock);
            LOG.info(
                    "snapshot policy {}: created={} copied={} deleted={} failed={} dryRun={}",
                    schedule.policy().name(),
                    summary.created(),
                    summary.copied(),
                    summary.deleted(),
                    summary.failed(),
                    dryRun);
        }
    }
}
