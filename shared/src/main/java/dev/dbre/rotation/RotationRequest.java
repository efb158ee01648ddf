package dev.dbre.rotation;

import java.util.Objects;

/**
 * One step of one rotation: a Secrets Manager rotation event's {@code SecretId}, {@code
 * ClientRequestToken} (the id of the new version) and {@code Step}.
 */
public record RotationRequest(String secretId, String token, RotationStep step) {
    public RotationRequest {
        Objects.requireNonNull(step, "step");
        if (secretId == null || secretId.isBlank()) {
            throw new RotationException(RotationError.BAD_REQUEST, "the rotation request has no secret id");
        }
        if (token == null || token.isBlank()) {
            throw new RotationException(
                    RotationError.BAD_REQUEST, "the rotation request for " + secretId + " has no token");
        }
    }

    /** From the event's wire fields ({@code Step} as {@code createSecret}, ...). */
    public static RotationRequest of(String secretId, String token, String step) {
        return new RotationRequest(secretId, token, RotationStep.fromWireName(step));
    }
}
