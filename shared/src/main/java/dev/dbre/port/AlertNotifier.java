package dev.dbre.port;

import java.io.IOException;

/**
 * Port: tells someone that alerts started or stopped firing (SNS, an Event Grid topic, a Pub/Sub
 * topic, an https webhook). Called only when the alert state changed, never on every run.
 */
@FunctionalInterface
public interface AlertNotifier {
    /** Notifies no one (no {@code DBRE_SLO_NOTIFY}). */
    AlertNotifier NONE = notice -> {};

    /**
     * Sends one notice.
     *
     * @throws IOException naming the target when it could not be sent (the caller keeps the alert
     *     state unchanged, so the next run sends it again)
     */
    void send(AlertNotice notice) throws IOException;

    /**
     * One notice.
     *
     * @param subject one line for a human (at most 100 characters: SNS's limit for e-mail subjects)
     * @param json the notice as a JSON object (documented in docs/slo.md)
     */
    record AlertNotice(String subject, String json) {}
}
