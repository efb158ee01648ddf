package dev.dbre.gcp.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.gcp.testing.GcpEvents;
import io.cloudevents.CloudEvent;
import org.junit.jupiter.api.Test;

/** Secret Manager notifications, from events/gcp/secretmanager-rotate-cloudevent.json. */
class SecretManagerNotificationTest {
    private static ObjectNode sample() throws Exception {
        return (ObjectNode) GcpEvents.json("secretmanager-rotate-cloudevent.json");
    }

    private static ObjectNode attributes(ObjectNode ce) {
        return (ObjectNode) ce.path("data").path("message").path("attributes");
    }

    @Test
    void secretRotate_startsARotationOfTheNamedSecret() throws Exception {
        SecretManagerNotification n = SecretManagerNotification.of(GcpEvents.cloudEvent(sample()));

        assertThat(n.startsRotation()).isTrue();
        assertThat(n.secretId()).isEqualTo("projects/dbre-prod/secrets/app-db");
        assertThat(n.messageId()).isNotBlank();
    }

    @Test
    void otherTypes_startNoRotation_evenWithoutASecretName() throws Exception {
        ObjectNode ce = sample();
        attributes(ce).put("eventType", "SECRET_VERSION_ADD");
        attributes(ce).remove("secretId");

        SecretManagerNotification n = SecretManagerNotification.of(GcpEvents.cloudEvent(ce));

        assertThat(n.startsRotation()).isFalse();
        assertThat(n.eventType()).isEqualTo("SECRET_VERSION_ADD");
    }

    @Test
    void secretRotate_withASecretIdThatIsNotASecretName_isRefusedNamingTheAttribute() throws Exception {
        ObjectNode ce = sample();
        attributes(ce).put("secretId", "app-db");
        CloudEvent event = GcpEvents.cloudEvent(ce);

        assertThatThrownBy(() -> SecretManagerNotification.of(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event " + ce.get("id").asText())
                .hasMessageContaining("attribute secretId is not a secret name projects/<p>/secrets/<s>: app-db");
    }

    @Test
    void attributeThatIsNotAString_isRefusedNamingIt() throws Exception {
        ObjectNode ce = sample();
        attributes(ce).put("eventType", 3);
        CloudEvent event = GcpEvents.cloudEvent(ce);

        assertThatThrownBy(() -> SecretManagerNotification.of(event))
                .hasMessageContaining("message.attributes.eventType is not a string");
    }
}
