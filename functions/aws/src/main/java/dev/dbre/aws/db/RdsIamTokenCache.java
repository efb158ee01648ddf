package dev.dbre.aws.db;

import dev.dbre.db.DbSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
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

    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

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

    /**
     * A cache of RDS IAM tokens for the settings' host, port and user, signed with {@code
     * credentials} at {@code clock}'s time.
     *
     * <p>The token is what {@link RdsUtilities#generateAuthenticationToken} makes (a SigV4 presigned
     * {@code GET https://host:port/?DBUser=user&Action=connect} for service {@code rds-db}, valid 15
     * minutes, without the scheme); it is signed here with the SDK's own {@link AwsV4HttpSigner}
     * because RdsUtilities always signs at the system time (its clock is not settable), and the
     * function's time is passed in. RdsIamTokenCacheTest checks both make the same token.
     */
    public static RdsIamTokenCache forRds(
            DbSettings settings, Region region, AwsCredentialsProvider credentials, Clock clock) {
        return new RdsIamTokenCache(() -> token(settings, region, credentials, clock), clock);
    }

    /**
     * A fresh token.
     *
     * @throws software.amazon.awssdk.core.exception.SdkClientException if no credentials can be found
     */
    static String token(DbSettings settings, Region region, AwsCredentialsProvider credentials, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(settings.host())
                .port(settings.port())
                .encodedPath("/")
                .putRawQueryParameter("DBUser", settings.user())
                .putRawQueryParameter("Action", "connect")
                .build();
        AwsCredentialsIdentity identity = credentials.resolveCredentials();
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "rds-db")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, TOKEN_LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        String uri = signed.request().getUri().toString();
        return uri.substring("https://".length());
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
