package dev.dbre.rotation;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Tokens for rotations that we drive ourselves (Key Vault's near-expiry event, Secret Manager's
 * rotation notification): those stores have no four-step driver that hands us a token, so each
 * event gets one, derived from the event's own id. A redelivered event (Event Grid and Pub/Sub
 * deliver at least once, and again after a failure) therefore resumes the same rotation instead of
 * starting a second one; a new event starts a new one.
 */
public final class RotationTokens {
    private RotationTokens() {}

    /** A name-based UUID of {@code source} and {@code eventId}: the same for every delivery of one event. */
    public static String forEvent(String source, String eventId) {
        return UUID.nameUUIDFromBytes(("dbre-rotation:" + source + ":" + eventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
