package dev.dbre.aws.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.rotation.RotationError;
import dev.dbre.rotation.RotationException;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationStep;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsManagerRotationEventTest {
    private static Map<String, String> sample(String step) throws Exception {
        return new ObjectMapper()
                .readValue(
                        Path.of("../../events/aws/secretsmanager-rotation-" + step + ".json")
                                .toFile(),
                        new TypeReference<HashMap<String, String>>() {});
    }

    @Test
    void sampleEvents_decodeToTheirStep() throws Exception {
        RotationRequest r = SecretsManagerRotationEvent.decode(sample("createSecret"));

        assertThat(r.secretId()).isEqualTo("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-db-AbCdEf");
        assertThat(r.token()).isEqualTo("8a1e5b7c-3f2d-4c6e-9b0a-5d4f3e2c1b0a");
        assertThat(r.step()).isEqualTo(RotationStep.CREATE_SECRET);
        assertThat(SecretsManagerRotationEvent.decode(sample("finishSecret")).step())
                .isEqualTo(RotationStep.FINISH_SECRET);
    }

    @Test
    void missingSecretId_isABadRequestNamingTheField() throws Exception {
        Map<String, String> event = sample("setSecret");
        event.remove("SecretId");

        assertThatThrownBy(() -> SecretsManagerRotationEvent.decode(event))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.BAD_REQUEST))
                .hasMessageContaining("'SecretId'");
    }

    @Test
    void blankTokenOrMissingStep_isABadRequestNamingTheField() throws Exception {
        Map<String, String> blankToken = sample("setSecret");
        blankToken.put("ClientRequestToken", " ");
        Map<String, String> noStep = sample("setSecret");
        noStep.remove("Step");

        assertThatThrownBy(() -> SecretsManagerRotationEvent.decode(blankToken))
                .isInstanceOf(RotationException.class)
                .hasMessageContaining("'ClientRequestToken'");
        assertThatThrownBy(() -> SecretsManagerRotationEvent.decode(noStep))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.BAD_REQUEST))
                .hasMessageContaining("'Step'");
    }

    @Test
    void unknownStep_isRefusedNamingIt() throws Exception {
        Map<String, String> event = sample("testSecret");
        event.put("Step", "rotateEverything");

        assertThatThrownBy(() -> SecretsManagerRotationEvent.decode(event))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.UNKNOWN_STEP))
                .hasMessageContaining("rotateEverything");
    }

    @Test
    void noEvent_isABadRequest() {
        assertThatThrownBy(() -> SecretsManagerRotationEvent.decode(null))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.BAD_REQUEST));
    }
}
