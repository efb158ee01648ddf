package dev.dbre.aws.rotation;

import dev.dbre.rotation.RotationError;
import dev.dbre.rotation.RotationException;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationStep;
import java.util.Map;

/**
 * The event Secrets Manager sends a rotation function: {@code {"SecretId", "ClientRequestToken",
 * "Step"}}, Step one of {@code createSecret}, {@code setSecret}, {@code testSecret}, {@code
 * finishSecret}. Decoded into the core's {@link RotationRequest}; a malformed event is refused
 * naming the field (BAD_REQUEST) or the step (UNKNOWN_STEP), before anything is read or changed.
 */
public final class SecretsManagerRotationEvent {
    static final String SECRET_ID = "SecretId";
    static final String TOKEN = "ClientRequestToken";
    static final String STEP = "Step";

    private SecretsManagerRotationEvent() {}

    /**
     * @throws RotationException BAD_REQUEST naming the field that is missing or blank; UNKNOWN_STEP
     *     when {@code Step} is not one of the four
     */
    public static RotationRequest decode(Map<String, String> event) {
        if (event == null) {
            throw new RotationException(RotationError.BAD_REQUEST, "the rotation event is empty");
        }
        String secretId = required(event, SECRET_ID);
        String token = required(event, TOKEN);
        RotationStep step = RotationStep.fromWireName(required(event, STEP));
        return new RotationRequest(secretId, token, step);
    }

    private static String required(Map<String, String> event, String field) {
        String v = event.get(field);
        if (v == null || v.isBlank()) {
            throw new RotationException(
                    RotationError.BAD_REQUEST, "rotation event field '" + field + "' is missing or blank");
        }
        return v;
    }
}
