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
