package dev.dbre.gcp.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.config.Env;
import dev.dbre.db.TlsRoots;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.RotationTokens;
import dev.dbre.rotation.StepResult;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a PostgreSQL password kept in Secret Manager when Secret Manager publishes {@code
 * SECRET_ROTATE} on the secret's Pub/Sub topic (delivered by Eventarc as a {@code
 * google.cloud.pubsub.topic.v1.messagePublished} CloudEvent; the secret is the {@code secretId}
 * attribute, the message data the Secret resource as JSON). Secret Manager only notifies: one
 * invocation runs all four steps ({@link RotationService#rotateNow}) with a token derived from the
 * Pub/Sub message id, so a redelivery resumes the same rotation. Older versions are disabled after
 * the grace period ({@code DBRE_SECRET_MANAGER_GRACE_HOURS}) when a later rotation finishes.
 *
 * <p>Other notifications on the topic (SECRET_VERSION_ADD and SECRET_UPDATE, which this rotation
 * itself causes, and the rest) are acknowledged and ignored. A malformed message or a failed
 * rotation throws: the framework answers 500 and Pub/Sub delivers it again (and, with a dead-letter
 * topic, keeps it after the last attempt).
 */
public final class SecretRotationFunction implements CloudEventsFunction {
    static final String NAME = "rotate-secret-manager";
    static final String SECRET_ROTATE = "SECRET_ROTATE";
    private static final Logger LOG = LoggerFactory.getLogger(SecretRotationFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the function builds once per instance. */
    record Runtime(RotationService rotation, RotationStrategy strategy) {
        /**
         * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
         *     (DBRE_DB_SSLROOTCERT is required: Cloud SQL's server CAs are per instance)
         */
        static Runtime fromEnv(Env env, SecretManagerStore store) {
            RotationSettings settings = RotationSettings.fromEnv(env);
            String root = TlsRoots.forSecrets(env, null);
            return new Runtime(
                    new RotationService(store, settings.withSslRootCert(root))
                            .withMetrics(new LogMetricsPublisher(System.out, Clock.systemUTC())),
                    settings.strategy());
        }
    }

    private static Runtime shared;

    private final Runtime runtime;

    /** Used by the Functions Framework: built from the environment on first use. */
    public SecretRotationFunction() {
        this(sharedRuntime());
    }

    SecretRotationFunction(Runtime runtime) {
        this.runtime = runtime;
    }

    private static synchronized Runtime sharedRuntime() {
        if (shared == null) {
            Env env = GcpEnv.system();
            RotationSettings.fromEnv(env); // configuration errors first, before any client is built
            shared = Runtime.fromEnv(env, SecretManagerClients.fromEnv(env, Clock.systemUTC()));
        }
        return shared;
    }

    /**
     * @throws IllegalArgumentException if the event is not a Pub/Sub message with the attributes of a
     *     Secret Manager notification
     * @throws dev.dbre.rotation.RotationException if the rotation fails (Pub/Sub redelivers)
     */
    @Override
    public void accept(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            JsonNode message = message(event);
            JsonNode attributes = message.path("attributes");
            String type = attributes.path("eventType").asText(null);
            if (!SECRET_ROTATE.equals(type)) {
                LOG.info(
                        "Secret Manager notification {} for {} ignored: only {} starts a rotation",
                        type,
                        attributes.path("secretId").asText("?"),
                        SECRET_ROTATE);
                return;
            }
            String secretId = attributes.path("secretId").asText(null);
            if (secretId == null || !secretId.matches("projects/[^/]+/secrets/[^/]+")) {
                throw new IllegalArgumentException("event " + event.getId()
                        + ": attribute secretId is not a secret name projects/<p>/secrets/<s>: " + secretId);
            }
            String messageId = message.path("messageId").asText(event.getId());
            String token = RotationTokens.forEvent(secretId, messageId);
            LOG.info("secret {} due for rotation (message {}): rotating with token {}", secretId, messageId, token);
            List<StepResult> steps = runtime.rotation().rotateNow(secretId, token, runtime.strategy(), r -> {});
            LOG.info("secret {} rotated: {}", secretId, steps);
        }
    }

    private static JsonNode message(CloudEvent event) {
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        try {
            JsonNode message = JSON.readTree(data).path("message");
            if (!message.isObject()) {
                throw new IllegalArgumentException(
                        "event " + event.getId() + " is not a Pub/Sub MessagePublishedData (no message object)");
            }
            return message;
        } catch (IOException e) {
            throw new IllegalArgumentException("event " + event.getId() + ": the data is not JSON");
        }
    }
}
