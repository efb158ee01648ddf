package dev.dbre.aws.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.testing.MutableClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

class RdsIamTokenCacheTest {
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

    private static DbSettings settings() {
        return DbSettings.fromEnv(new Env(Map.of(
                DbSettings.HOST, "dbre.cluster-abc.us-east-2.rds.amazonaws.com",
                DbSettings.USER, "dbre_ingest")));
    }

    @Test
    void rdsSigner_makesAConnectTokenForHostPortAndUser_offline() {
        RdsIamTokenCache cache = RdsIamTokenCache.forRds(settings(), Region.US_EAST_2, CREDENTIALS, Clock.systemUTC());

        String token = cache.get();

        String decoded = URLDecoder.decode(token, StandardCharsets.UTF_8);
        assertThat(token).startsWith("dbre.cluster-abc.us-east-2.rds.amazonaws.com:5432/?");
        assertThat(decoded)
                .contains("Action=connect")
                .contains("DBUser=dbre_ingest")
                .contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE/")
                .contains("/us-east-2/rds-db/aws4_request")
                .contains("X-Amz-Expires=900")
                .contains("X-Amz-Signature=");
        assertThat(decoded).doesNotContain("wJalrXUtnFEMI");
    }

    /** What a Lambda function has: temporary credentials with a session token. */
    static final StaticCredentialsProvider SESSION_CREDENTIALS =
            StaticCredentialsProvider.create(software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                    "ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE+/="));

    @Test
    void rdsSigner_withAFixedClock_makesExactlyTheSdksRdsUtilitiesToken() throws Exception {
        sameTokenAsTheSdk(CREDENTIALS);
    }

    @Test
    void rdsSigner_withSessionCredentials_makesExactlyTheSdksRdsUtilitiesToken() throws Exception {
        Map<String, String> params = queryParams(sameTokenAsTheSdk(SESSION_CREDENTIALS));
        assertThat(params).containsEntry("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLE+/=");
    }

    private static String sameTokenAsTheSdk(StaticCredentialsProvider credentials) throws Exception {
        Clock fixed = Clock.fixed(START, java.time.ZoneOffset.UTC);
        // The SDK's own RdsUtilities with a clock: its clock constructor is package-private.
        Class<?> impl = Class.forName("software.amazon.awssdk.services.rds.DefaultRdsUtilities");
        Class<?> builderClass = Class.forName("software.amazon.awssdk.services.rds.DefaultRdsUtilities$DefaultBuilder");
        var builderCtor = builderClass.getDeclaredConstructor();
        builderCtor.setAccessible(true);
        RdsUtilities.Builder builder = (RdsUtilities.Builder) builderCtor.newInstance();
        builder.region(Region.US_EAST_2).credentialsProvider(credentials);
        var ctor = impl.getDeclaredConstructor(builderClass, Clock.class);
        ctor.setAccessible(true);
        RdsUtilities sdk = (RdsUtilities) ctor.newInstance(builder, fixed);
        DbSettings s = settings();

        String expected = sdk.generateAuthenticationToken(
                b -> b.hostname(s.host()).port(s.port()).username(s.user()));
        String ours =
                RdsIamTokenCache.forRds(s, Region.US_EAST_2, credentials, fixed).get();

        // The same signed request: same host and path, same parameters and signature (the order of
        // X-Amz-Expires and X-Amz-Credential differs; the signature covers them sorted).
        assertThat(ours.substring(0, ours.indexOf('?'))).isEqualTo(expected.substring(0, expected.indexOf('?')));
        assertThat(queryParams(ours)).isEqualTo(queryParams(expected));
        assertThat(queryParams(ours)).containsEntry("X-Amz-Date", "20261123T120000Z");
        assertThat(RdsIamTokenCache.forRds(s, Region.US_EAST_2, credentials, fixed)
                        .get())
                .as("same clock, same credentials: same token")
                .isEqualTo(ours);
        return ours;
    }

    private static Map<String, String> queryParams(String token) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String pair : token.substring(token.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void token_isCachedForTenMinutes_thenRefreshed() {
        AtomicInteger generated = new AtomicInteger();
        MutableClock clock = new MutableClock(START);
        RdsIamTokenCache cache = new RdsIamTokenCache(() -> "token-" + generated.incrementAndGet(), clock);

        assertThat(cache.get()).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(cache.get()).isEqualTo("token-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get()).isEqualTo("token-2");
        assertThat(generated).hasValue(2);
    }

    @Test
    void clear_forgetsTheToken() {
        AtomicInteger generated = new AtomicInteger();
        RdsIamTokenCache cache =
                new RdsIamTokenCache(() -> "token-" + generated.incrementAndGet(), new MutableClock(START));
        cache.get();

        cache.clear();

        assertThat(cache.isEmpty()).isTrue();
        assertThat(cache.get()).isEqualTo("token-2");
    }

    @Test
    void toString_neverShowsTheToken() {
        RdsIamTokenCache cache = new RdsIamTokenCache(() -> "secret-token-value", new MutableClock(START));
        cache.get();

        assertThat(cache.toString()).doesNotContain("secret-token-value").contains("cached since");
    }
}
