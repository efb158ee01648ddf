package dev.dbre.gcp.rotation;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.obs.LogContext;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationTokens;
import dev.dbre.rotation.StepResult;
import io.cloudevents.CloudEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a PostgreSQL password kept in Secret Manager when Secret Manager publishes {@code
 * SECRET_ROTATE} on the secret's Pub/Sub topic ({@link SecretManagerNotification}). Secret Manager
 * only notifies: one invocation runs all four steps ({@link RotationService#rotateNow}) with a
 * token derived from the Pub/Sub message id, so a redelivery resumes the same rotation. Older
 * versions are disabled after the grace period ({@code DBRE_SECRET_MANAGER_GRACE_HOURS}) when a
 * later rotation finishes.
 *
 * <p>Other notifications on the topic (SECRET_VERSION_ADD and SECRET_UPDATE, which this rotation
 * itself causes, and the rest) are acknowledged and ignored. A malformed message or a failed
 * rotation throws: the framework answers 500 and Pub/Sub delivers it again (and, with a dead-letter
 * topic, keeps it after the last attempt).
 */
public final class SecretRotationFunction implements CloudEventsFunction {
    static final String NAME = "rotate-secret-manager";
    private static final Logger LOG = LoggerFactory.getLogger(SecretRotationFunction.class);

    private final RotationComponents components;

    /** Used by the Functions Framework: built from the environment on first use. */
    public SecretRotationFunction() {
        this(RotationComponents.SHARED.get());
    }

    public SecretRotationFunction(RotationComponents components) {
        this.components = components;
    }

    /**
     * @throws IllegalArgumentException if the event is not a Pub/Sub message with the attributes of a
     *     Secret Manager notification
     * @throws dev.dbre.rotation.RotationException if the rotation fails (Pub/Sub redelivers)
     */
    @Override
    public void accept(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            SecretManagerNotification notification = SecretManagerNotification.of(event);
            String secretId = notification.secretId();
            if (!notification.startsRotation()) {
                LOG.info(
                        "Secret Manager notification {} for {} ignored: only {} starts a rotation",
                        notification.eventType(),
                        secretId,
                        SecretManagerNotification.SECRET_ROTATE);
                return;
            }
            String token = RotationTokens.forEvent(secretId, notification.messageId());
            LOG.info(
                    "secret {} due for rotation (message {}): rotating with token {}",
                    secretId,
                    notification.messageId(),
                    token);
            List<StepResult> steps = components.service().rotateNow(secretId, token, components.strategy(), r -> {});
            LOG.info("secret {} rotated: {}", secretId, steps);
        }
    }
}
