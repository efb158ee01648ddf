package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SnapStartHooksTest {
    @Test
    void beforeCheckpoint_primesParsersDecoderAndJsonCodec_withoutADatabase() {
        SnapStartHooks hooks = new SnapStartHooks();
        AtomicBoolean closed = new AtomicBoolean();
        hooks.onCheckpoint(() -> closed.set(true));

        hooks.beforeCheckpoint(null);

        Priming.Report report = hooks.lastPriming();
        // Six good DogStatsD lines (metrics of every kind, a service check, an event), one bad.
        assertThat(report.dogStatsdLines()).isEqualTo(6);
        assertThat(report.jsonLines()).isEqualTo(2);
        assertThat(report.httpDecodedBytes())
                .isEqualTo(Priming.DOGSTATSD_SAMPLE.getBytes(StandardCharsets.UTF_8).length);
        assertThat(report.responseJson()).isEqualTo("{\"batchId\":1,\"stored\":6,\"rejected\":1,\"duplicate\":false}");
        assertThat(closed).isTrue();
    }

    @Test
    void afterRestore_leavesTheTokenCacheEmpty() {
        SnapStartHooks hooks = new SnapStartHooks();
        var tokens = new dev.dbre.aws.db.RdsIamTokenCache(() -> "tok", java.time.Clock.systemUTC());
        hooks.onRestore(tokens::clear);
        tokens.get();
        assertThat(tokens.isEmpty()).isFalse();

        hooks.afterRestore(null);

        assertThat(tokens.isEmpty()).isTrue();
    }

    @Test
    void handlerBuiltFromTheEnvironment_registersItsTokenCacheWithTheGlobalHooks() {
        IngestComponents components = IngestComponents.fromEnv(
                new Env(Map.of(
                        "DBRE_DB_HOST", "db.internal", "DBRE_DB_USER", "dbre_ingest", "AWS_REGION", "us-east-2")),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "example")));
        new KinesisIngestHandler(components);
        components.tokens().get();
        assertThat(components.tokens().isEmpty()).isFalse();

        SnapStartHooks.global().afterRestore(null);

        assertThat(components.tokens().isEmpty()).isTrue();
    }
}
