package dev.dbre.port;

/**
 * Where a provider-side restore stands.
 *
 * @param state RESTORING, AVAILABLE or FAILED (the provider's part only)
 * @param endpointHost host of the restored database once AVAILABLE, else null
 * @param endpointPort its port once AVAILABLE, else 0
 * @param detail provider status or failure text (never a secret)
 */
public record RestoreProgress(State state, String endpointHost, int endpointPort, String detail) {
    public enum State {
        RESTORING,
        AVAILABLE,
        FAILED
    }
}
