package dev.dbre.port;

/**
 * Every kind of provider failure, defined once: what the core decides on (retry or not, which
 * outcome), whatever the cloud. Each cloud maps its own errors onto these in one table ({@code
 * RdsErrors}, {@code AzureErrors}, {@code CloudSqlErrors}); the provider's own code and message
 * travel beside the kind in {@link ProviderException} for the operator.
 *
 * <p>{@link #retryable()} says whether the same call may succeed later without anyone changing
 * anything: a rate limit, a busy resource, a fault on the provider's side. A quota is not: it counts
 * things that exist (100 manual snapshots per Region), so waiting frees nothing; only deleting
 * (retention) or raising the quota does.
 */
public enum ProviderError {
    /** The thing named (database, snapshot, backup, restore, clone operation) does not exist. */
    NOT_FOUND(false),
    /** The name is taken by something this call did not create (e.g. another run's restore). */
    ALREADY_EXISTS(false),
    /** A rate limit (RDS Throttling, ARM 429, Cloud SQL rateLimitExceeded). */
    THROTTLED(true),
    /** A quota that counts things (snapshots, instances): freed by deleting, not by waiting. */
    QUOTA_EXCEEDED(false),
    /**
     * The resource is busy with another operation or not ready yet (Cloud SQL's "operation in
     * progress", an ARM 409, a restored database still starting): it passes by itself.
     */
    BUSY(true),
    /** The resource is in a state that refuses the call and that waiting does not change (stopped, no backup yet). */
    INVALID_STATE(false),
    /** The caller's identity may not do this (IAM, RBAC, an expired or bad credential). */
    ACCESS_DENIED(false),
    /** The request is malformed or names something invalid (a parameter, a policy this provider does not run). */
    INVALID_REQUEST(false),
    /** The provider cannot do this at all (Flexible Server has no cross-region copy or sharing). */
    UNSUPPORTED(false),
    /** No answer, or a fault on the provider's side (5xx, connection refused or reset, timeout). */
    UNAVAILABLE(true),
    /** The provider ran the operation and it failed (a base backup or a local recovery that broke). */
    FAILED(false),
    /** A refusal the cloud's table does not classify: the provider's own code says what it was. */
    OTHER(false);

    private final boolean retryable;

    ProviderError(boolean retryable) {
        this.retryable = retryable;
    }

    /** True when the same call may succeed later unchanged: the core retries it (with backoff). */
    public boolean retryable() {
        return retryable;
    }
}
