package dev.dbre.gcp.rotation;

import dev.dbre.gcp.trigger.PubSubEnvelope;
import io.cloudevents.CloudEvent;
import java.util.regex.Pattern;

/**
 * A Secret Manager notification on a secret's Pub/Sub topic: the {@code eventType} attribute
 * ({@code SECRET_ROTATE}, {@code SECRET_VERSION_ADD}, {@code SECRET_UPDATE}, ...) and the {@code
 * secretId} attribute, the secret's resource name. The message data (the Secret resource) is not
 * read.
 *
 * @param eventType the notification's type, or null when the message has none
 * @param secretId the secret, {@code projects/<p>/secrets/<s>}; checked only for {@code SECRET_ROTATE}
 * @param messageId the Pub/Sub message id: the same on every redelivery
 */
public record SecretManagerNotification(String eventType, String secretId, String messageId) {
    public static final String SECRET_ROTATE = "SECRET_ROTATE";

    private static final Pattern SECRET_NAME = Pattern.compile("projects/[^/]+/secrets/[^/]+");

    /**
     * @throws IllegalArgumentException naming the event and the field: not a Pub/Sub message, or a
     *     {@code SECRET_ROTATE} whose {@code secretId} attribute is not a secret name
     */
    public static SecretManagerNotification of(CloudEvent event) {
        PubSubEnvelope message;
        try {
            message = PubSubEnvelope.decode(event);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event " + event.getId() + ": " + e.getMessage(), e);
        }
        String type = message.attribute("eventType");
        String secretId = message.attribute("secretId");
        if (SECRET_ROTATE.equals(type)
                && (secretId == null || !SECRET_NAME.matcher(secretId).matches())) {
            throw new IllegalArgumentException("event " + event.getId()
                    + ": attribute secretId is not a secret name projects/<p>/secrets/<s>: " + secretId);
        }
        return new SecretManagerNotification(type, secretId, message.messageId());
    }

    /** Whether this notification asks for a rotation (the others are what a rotation itself causes, or unrelated). */
    public boolean startsRotation() {
        return SECRET_ROTATE.equals(eventType);
    }
}
