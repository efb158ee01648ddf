package dev.dbre.backup;

import dev.dbre.config.Env;
import java.time.Duration;
import java.util.Random;

/**
 * Retries of throttled provider calls: exponential backoff with full jitter (the delay before
 * retry n is uniform in [0, min(maxDelay, baseDelay * 2^(n-1))]), as the AWS SDKs and the AWS
 * Architecture Blog's "Exponential Backoff and Jitter" recommend for many clients hitting one API.
 *
 * @param maxAttempts attempts per call, the first included
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    /** Attempts per provider call, the first included (default 5, 1-20). */
    public static final String ENV_MAX_ATTEMPTS = "DBRE_SNAPSHOT_MAX_ATTEMPTS";
    /** The first retry's delay ceiling in milliseconds (default 500, 1-60000). */
    public static final String ENV_BASE_DELAY_MS = "DBRE_SNAPSHOT_RETRY_BASE_MS";
    /** The ceiling of every retry delay in milliseconds (default 20000, 1-600000). */
    public static final String ENV_MAX_DELAY_MS = "DBRE_SNAPSHOT_RETRY_MAX_MS";

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(20));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    /**
     * The policy from {@link #ENV_MAX_ATTEMPTS}, {@link #ENV_BASE_DELAY_MS}, {@link #ENV_MAX_DELAY_MS}.
     *
     * @throws dev.dbre.config.ConfigException naming the variable if one is not a number in range
     */
    public static RetryPolicy fromEnv(Env env) {
        return new RetryPolicy(
                env.integer(ENV_MAX_ATTEMPTS, DEFAULT.maxAttempts, 1, 20),
                Duration.ofMillis(env.integer(ENV_BASE_DELAY_MS, (int) DEFAULT.baseDelay.toMillis(), 1, 60_000)),
                Duration.ofMillis(env.integer(ENV_MAX_DELAY_MS, (int) DEFAULT.maxDelay.toMillis(), 1, 600_000)));
    }

    /** The delay before retry {@code retry} (1 for the first retry). */
    public Duration delay(int retry, Random random) {
        long ceiling = baseDelay.toMillis() << Math.min(retry - 1, 30);
        if (ceiling <= 0 || ceiling > maxDelay.toMillis()) {
            ceiling = maxDelay.toMillis();
        }
        return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
    }
}
