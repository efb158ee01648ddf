package dev.dbre.aws.db;

import dev.dbre.db.DbSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * RDS IAM authentication tokens, generated on demand and cached.
 *
 * <p>A token is a SigV4-presigned URL that RDS accepts for 15 minutes; generating one is a local
 * signature (no network call), but it is still worth caching across invocations. It is refreshed
 * once it is {@link #REFRESH_AFTER} old, which leaves five minutes of margin for a clock skew or a
 * slow connect. Tokens are never logged: {@link #toString()} does not show one. After a SnapStart
 * restore the cache is {@link #clear() cleared}, so restored copies never share a token.
 */
public final class RdsIamTokenCache implements Supplier<String> {
    /** Tokens live 15 minutes (RDS); a cached one is replaced after 10. */
    public static final Duration REFRESH_AFTER = Duration.ofMinutes(10);

    private final Supplier<String> generator;
    private final Clock clock;
    private String token;
    private Instant issuedAt;

    /**
     * @param generator makes a fresh token (the RDS signer, or a stand-in in tests)
     * @param clock decides when a token is old
     */
    public RdsIamTokenCache(Supplier<String> generator, Clock clock) {
        this.generator = generator;
        this.clock = clock;
    }

    /** A cache over {@link RdsUtilities#generateAuthenticationToken} for the settings' host, port and user. */
    public static RdsIamTokenCache forRds(
            DbSettings settings, Region region, AwsCredentialsProvider credentials, Clock clock) {
        RdsUtilities rds = RdsUtilities.builder()
                .region(region)
                .credentialsProvider(credentials)
                .build();
        return new RdsIamTokenCache(
                () -> rds.generateAuthenticationToken(
                        b -> b.hostname(settings.host()).port(settings.port()).username(settings.user())),
                clock);
    }

    /**
     * The cached token, or a new one when none is cached or it is {@link #REFRESH_AFTER} old.
     *
     * @throws software.amazon.awssdk.core.exception.SdkClientException if no AWS credentials can be
     *     found to sign with
     */
    @Override
    public synchronized String get() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(issuedAt.plus(REFRESH_AFTER))) {
            token = generator.get();
            issuedAt = now;
        }
        return token;
    }

    /** Forgets the cached token (SnapStart restore). */
    public synchronized void clear() {
        token = null;
        issuedAt = null;
    }

    /** True when no token is cached. */
    public synchronized boolean isEmpty() {
        return token == null;
    }

    @Override
    public synchronized String toString() {
        return "RdsIamTokenCache[" + (token == null ? "empty" : "cached since " + issuedAt) + "]";
    }
}
